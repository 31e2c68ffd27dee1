from datetime import date

from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from odoo.addons.mail.tests.common import MailCase
from odoo.addons.sms.tests.common import SMSCase

from .common import DentalLoyaltyCommon


@tagged("post_install", "-at_install")
class TestGreetings(DentalLoyaltyCommon, MailCase, SMSCase):
    """Birthdays, second dates and expiry warnings: the nightly jobs give the
    tier's points once a year, greet by the clinic's channel, warn once per lot,
    and resume after a batch without doubles."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Wallet = cls.env["dental.loyalty.wallet"]
        cls.bronze.write({"birthday_points": 0, "anniversary_points": 0})
        cls.silver.write({"birthday_points": 100, "anniversary_points": 50})
        cls.gold.write({"birthday_points": 200, "anniversary_points": 80})
        cls.company._dental_loyalty_set_channels(
            birthday="both", anniversary="mail", expiry_warning="mail"
        )
        cls.company.dental_loyalty_expiry_warning_days = 30
        # Only this class's patients celebrate or hear of expiring points.
        cls.env["res.partner"].with_context(active_test=False).search(
            ["|", ("dental_birthday", "!=", False), ("dental_anniversary", "!=", False)]
        ).write({"dental_birthday": False, "dental_anniversary": False})
        cls.Ledger.search([("remaining_points", ">", 0)]).expiry_warned = True
        cls.demo_line_ids = cls.Ledger.search([]).ids
        for event in ("birthday", "anniversary"):
            cls.env["ir.config_parameter"].set_param(
                f"dental_loyalty.{event}_covered_until", False
            )
        cls.phones = iter(range(100, 200))

    def _patient(self, name, tier=None, birthday=None, anniversary=None):
        partner = self.env["res.partner"].create(
            {
                "name": name,
                "email": f"{name.lower().replace(' ', '.')}@example.com",
                "phone": f"+84 912 345 {next(self.phones)}",
                "dental_birthday": birthday,
                "dental_anniversary": anniversary,
            }
        )
        wallet = partner._dental_loyalty_wallet()
        if tier:
            wallet._set_tier(tier)
        return partner

    def _lines(self, kind):
        return self.Ledger.search(
            [("kind", "=", kind), ("id", "not in", self.demo_line_ids)], order="id"
        )

    def _birthdays(self, **kwargs):
        with self.mock_mail_gateway(), self.mockSMSGateway():
            return self.Wallet._cron_birthday_gifts(**kwargs)

    # ------------------------------------------------------------------
    # Birthdays and second dates
    # ------------------------------------------------------------------

    @freeze_time("2026-03-14 10:00:00")
    def test_birthday_points_by_tier_and_greeting(self):
        gold = self._patient("Gold", self.gold, birthday="1990-03-14")
        silver = self._patient("Silver", self.silver, birthday="1985-03-14")
        other_day = self._patient("Other", self.gold, birthday="1990-03-15")
        self.assertEqual(self._birthdays(), 0)

        lines = self._lines("birthday")
        self.assertEqual(lines.partner_id, gold | silver)
        line = lines.filtered(lambda line: line.partner_id == gold)
        self.assertEqual(line.points, 200)
        self.assertTrue(line.is_released, "a gift is spendable at once")
        self.assertEqual(line.expiry_date, date(2027, 3, 14))
        self.assertEqual(
            line.sudo().unique_key, f"birthday:{gold.loyalty_wallet_id.id}:2026"
        )
        self.assertEqual(gold.loyalty_points_available, 200)
        self.assertEqual(gold.loyalty_points_lifetime, 0, "a gift is not earned")
        self.assertEqual(silver.loyalty_points_available, 100)
        self.assertFalse(other_day.loyalty_points_balance)

        self.assertMailMail(gold, "outgoing", content="<strong>200</strong>")
        self.assertSMSOutgoing(gold, gold.phone_sanitized, content="200")
        self.assertMailMail(silver, "outgoing", content="<strong>100</strong>")
        self.assertEqual(len(self._new_mails), 2)
        self.assertEqual(len(self._new_sms), 2)
        self.assertEqual(gold.loyalty_wallet_id.birthday_gift_date, date(2026, 3, 14))

    @freeze_time("2026-03-14 10:00:00")
    def test_a_tier_without_gift_greets_without_points(self):
        bronze = self._patient("Bronze", self.bronze, birthday="2000-03-14")
        self._birthdays()
        self.assertFalse(self._lines("birthday"))
        mail = self.assertMailMail(bronze, "outgoing", content="Happy birthday!")
        self.assertNotIn("wallet", mail.body_html)
        self.assertSMSOutgoing(bronze, bronze.phone_sanitized, content="Happy birthday")
        self.assertNotIn("points", self._new_sms.body)
        # Greeted once: the day is marked on the wallet.
        self._birthdays()
        self.assertFalse(self._new_mails)
        self.assertFalse(self._new_sms)

    def test_once_a_year_however_often_the_job_runs(self):
        patient = self._patient("Once", self.silver, birthday="1990-03-14")
        with freeze_time("2026-03-14 08:00:00"):
            self._birthdays()
        with freeze_time("2026-03-14 20:00:00"):
            self._birthdays()
            self.assertFalse(self._new_mails, "run twice on the day: greeted once")
            self.assertFalse(self._new_sms)
        with freeze_time("2026-03-15 08:00:00"):
            self._birthdays()
            self.assertFalse(self._new_mails)
        self.assertEqual(len(self._lines("birthday")), 1)
        with freeze_time("2027-03-14 08:00:00"):
            self._birthdays()
            self._birthdays()
        lines = self._lines("birthday")
        self.assertEqual(lines.mapped("points"), [100, 100])
        self.assertEqual(
            lines.sudo().mapped("unique_key"),
            [
                f"birthday:{patient.loyalty_wallet_id.id}:2026",
                f"birthday:{patient.loyalty_wallet_id.id}:2027",
            ],
        )

    def test_feb_29_is_celebrated_on_feb_28_in_common_years(self):
        leapling = self._patient("Leap", self.gold, birthday="2000-02-29")
        with freeze_time("2026-02-27 10:00:00"):
            self._birthdays()
        with freeze_time("2026-02-28 10:00:00"):
            self._birthdays()
            self.assertMailMail(leapling, "outgoing", content="Happy birthday!")
        with freeze_time("2026-03-01 10:00:00"):
            self._birthdays()
        self.assertEqual(len(self._lines("birthday")), 1)
        with freeze_time("2028-02-28 10:00:00"):
            self._birthdays()
            self.assertFalse(self._new_mails, "a leap year has its own Feb 29")
        with freeze_time("2028-02-29 10:00:00"):
            self._birthdays()
        lines = self._lines("birthday")
        self.assertEqual(len(lines), 2)
        self.assertTrue(lines[-1].sudo().unique_key.endswith(":2028"))

    def test_missed_days_are_caught_up_within_thirty_days(self):
        with freeze_time("2026-03-10 10:00:00"):
            self._birthdays()  # the last day the job went through
        missed = self._patient("Missed", self.gold, birthday="1990-03-12")
        today = self._patient("Today", self.gold, birthday="1990-03-14")
        tomorrow = self._patient("Tomorrow", self.gold, birthday="1990-03-15")
        with freeze_time("2026-03-14 10:00:00"):
            self._birthdays()
        self.assertEqual(self._lines("birthday").partner_id, missed | today)
        self.assertIn(
            "03/12/2026",
            self._lines("birthday")
            .filtered(lambda line: line.partner_id == missed)
            .reason,
        )
        # Months without a run: only the last 30 days are caught up, so the
        # birthdays of Mar 15 and Apr 20 are not celebrated.
        long_ago = self._patient("Long Ago", self.gold, birthday="1990-04-20")
        recent = self._patient("Recent", self.gold, birthday="1990-05-10")
        with freeze_time("2026-06-01 10:00:00"):
            self._birthdays()
        self.assertEqual(self._lines("birthday").partner_id, missed | today | recent)
        self.assertFalse(tomorrow.loyalty_points_balance)
        self.assertFalse(long_ago.loyalty_points_balance)

    @freeze_time("2026-03-14 10:00:00")
    def test_the_first_run_celebrates_today_only(self):
        self._patient("Yesterday", self.gold, birthday="1990-03-13")
        today = self._patient("Today", self.gold, birthday="1990-03-14")
        self._birthdays()
        self.assertEqual(self._lines("birthday").partner_id, today)

    @freeze_time("2026-03-14 10:00:00")
    def test_contacts_without_wallet_or_date_are_left_alone(self):
        no_wallet = self.env["res.partner"].create(
            {"name": "Never Came", "email": "never@example.com"}
        )
        no_wallet.dental_birthday = "1990-03-14"
        no_date = self._patient("No Date", self.gold)
        archived = self._patient("Archived", self.gold, birthday="1990-03-14")
        archived.active = False
        newborn = self._patient("Newborn", self.gold, birthday="2026-03-14")
        self._birthdays()
        self.assertFalse(self._lines("birthday"))
        self.assertFalse(self._new_mails)
        self.assertFalse(no_wallet.loyalty_wallet_ids, "no wallet is opened")
        self.assertFalse(no_date.loyalty_wallet_id.birthday_gift_date)
        self.assertFalse(newborn.loyalty_wallet_id.birthday_gift_date)

    @freeze_time("2026-03-14 10:00:00")
    def test_second_date_points_and_greeting(self):
        couple = self._patient(
            "Couple", self.silver, birthday="1990-01-01", anniversary="2016-03-14"
        )
        just_married = self._patient("Just Married", anniversary="2026-03-14")
        with self.mock_mail_gateway(), self.mockSMSGateway():
            self.assertEqual(self.Wallet._cron_anniversary_gifts(), 0)
            self.Wallet._cron_anniversary_gifts()
        line = self._lines("anniversary")
        self.assertEqual((line.partner_id, line.points), (couple, 50))
        self.assertEqual(
            line.sudo().unique_key, f"anniversary:{couple.loyalty_wallet_id.id}:2026"
        )
        self.assertMailMail(couple, "outgoing", content="<strong>50</strong>")
        self.assertEqual(len(self._new_mails), 1, "once, and not before a year")
        self.assertFalse(self._new_sms, "the clinic greets second dates by mail")
        self.assertFalse(just_married.loyalty_wallet_id.anniversary_gift_date)
        self.assertFalse(self._lines("birthday"))

    @freeze_time("2026-03-14 10:00:00")
    def test_an_interrupted_run_resumes_without_doubles(self):
        patients = [
            self._patient(f"Batch {index}", self.silver, birthday="1990-03-14")
            for index in range(3)
        ]
        self.assertEqual(self._birthdays(batch_size=1), 2)
        self.assertEqual(len(self._lines("birthday")), 1)
        self.assertFalse(
            self.env["ir.config_parameter"].get_param(
                "dental_loyalty.birthday_covered_until"
            ),
            "the day is done only when no patient is left",
        )
        self.assertEqual(self._birthdays(batch_size=1), 1)
        self.assertEqual(self._birthdays(), 0)
        self.assertEqual(len(self._new_mails), 1)
        lines = self._lines("birthday")
        self.assertEqual(sorted(lines.partner_id.ids), sorted(p.id for p in patients))
        self.assertEqual(
            self.env["ir.config_parameter"].get_param(
                "dental_loyalty.birthday_covered_until"
            ),
            "2026-03-14",
        )
        self.assertEqual(self._birthdays(), 0)
        self.assertEqual(self._lines("birthday"), lines)
        self.assertFalse(self._new_mails)

    @freeze_time("2026-03-14 10:00:00")
    def test_no_message_when_the_clinic_sends_none(self):
        self.company._dental_loyalty_set_channels(birthday="none")
        patient = self._patient("Quiet", self.gold, birthday="1990-03-14")
        self._birthdays()
        self.assertFalse(self._new_mails)
        self.assertFalse(self._new_sms)
        self.assertEqual(patient.loyalty_points_available, 200)

    def test_negative_gift_points_are_refused(self):
        with (
            self.assertRaises(IntegrityError),
            mute_logger("odoo.sql_db"),
            self.cr.savepoint(),
        ):
            self.gold.with_user(self.manager).birthday_points = -10
            self.env.flush_all()

    def test_reception_cannot_change_the_gifts(self):
        with self.assertRaises(AccessError):
            self.gold.with_user(self.receptionist).birthday_points = 500

    def test_the_yearly_jobs_are_scheduled_actions(self):
        patient = self._patient("Scheduled", self.gold, birthday="1990-03-14")
        with (
            freeze_time("2026-03-14 10:00:00"),
            self.mock_mail_gateway(),
            self.mockSMSGateway(),
        ):
            for xmlid in ("ir_cron_birthday_gifts", "ir_cron_anniversary_gifts"):
                cron = self.env.ref(f"dental_loyalty.{xmlid}")
                self.assertTrue(cron.active)
                self.assertEqual(cron.interval_type, "days")
                cron.method_direct_trigger()
        self.assertEqual(self._lines("birthday").partner_id, patient)

    def test_birthday_job_queries_do_not_grow_with_patients(self):
        # The engine's queries: each message sent adds its own.
        self.company._dental_loyalty_set_channels(birthday="none")
        for day, count in (("1990-03-14", 2), ("1990-03-15", 20)):
            for n in range(count):
                self._patient(f"Patient {day} {n}", self.gold, birthday=day)
        with freeze_time("2026-03-13 10:00:00"):
            self.Wallet._cron_birthday_gifts()  # the day before: nobody
        with freeze_time("2026-03-14 10:00:00"):
            few = self._queries(self.Wallet._cron_birthday_gifts)
        with freeze_time("2026-03-15 10:00:00"):
            many = self._queries(self.Wallet._cron_birthday_gifts)
        self.assertEqual(many, few)
        self.assertEqual(len(self._lines("birthday")), 22)

    # ------------------------------------------------------------------
    # Expiry warnings
    # ------------------------------------------------------------------

    def _warn(self, **kwargs):
        with self.mock_mail_gateway(), self.mockSMSGateway():
            return self.Ledger._cron_expiry_warnings(**kwargs)

    def test_one_warning_per_patient_before_expiry_and_never_twice(self):
        first = self._patient("First")
        second = self._patient("Second")
        with freeze_time("2025-04-01"):
            self._earn(first, 300)
        with freeze_time("2025-04-10"):
            self._earn(first, 200)
            self._spend(first, 50)  # from the oldest lot: 250 left of it
        with freeze_time("2025-05-20"):
            self._earn(second, 100)
        with freeze_time("2026-03-01 10:00:00"):
            self.assertEqual(self._warn(), 0)
            self.assertFalse(self._new_mails, "31 days before: not yet")
        with freeze_time("2026-03-15 10:00:00"):
            self._warn()
            mail = self.assertMailMail(
                first, "outgoing", content="<strong>450</strong>"
            )
            self.assertIn("04/01/2026", mail.body_html)
            self.assertEqual(len(self._new_mails), 1, "one message per patient")
            self._warn()
            self.assertFalse(self._new_mails, "never twice for the same lots")
        with freeze_time("2026-03-20 10:00:00"):
            self._earn(first, 70)
            self._warn()
            self.assertFalse(self._new_mails)
        with freeze_time("2026-04-20 10:00:00"):
            self.Ledger._cron_expire_lots()
            self._warn()
            self.assertMailMail(second, "outgoing", content="<strong>100</strong>")
            self.assertEqual(len(self._new_mails), 1)
        with freeze_time("2027-02-20 10:00:00"):
            self._warn()
            mail = self.assertMailMail(first, "outgoing", content="<strong>70</strong>")
            self.assertIn("03/20/2027", mail.body_html)
            self._warn()
            self.assertFalse(self._new_mails)
        warned = self.Ledger.search([("partner_id", "in", (first | second).ids)])
        self.assertEqual(
            warned.filtered("expiry_warned").mapped("points"), [70, 100, 200, 300]
        )

    def test_spent_lots_are_not_warned_of(self):
        patient = self._patient("Spender")
        with freeze_time("2025-04-01"):
            self._earn(patient, 100)
            self._spend(patient, 100)
        with freeze_time("2026-03-15 10:00:00"):
            self._warn()
        self.assertFalse(self._new_mails)

    def test_an_interrupted_warning_run_resumes_without_doubles(self):
        patients = [self._patient(f"Expiring {index}") for index in range(3)]
        with freeze_time("2025-04-01"):
            for patient in patients:
                self._earn(patient, 100)
        with freeze_time("2026-03-15 10:00:00"):
            self.assertEqual(self._warn(batch_size=1), 2)
            self.assertEqual(len(self._new_mails), 1)
            self.assertEqual(self._warn(batch_size=1), 1)
            self.assertEqual(self._warn(), 0)
            self.assertEqual(len(self._new_mails), 1)
            self.assertEqual(self._warn(), 0)
            self.assertFalse(self._new_mails)
        lots = self.Ledger.search([("partner_id", "in", [p.id for p in patients])])
        self.assertTrue(all(lots.mapped("expiry_warned")))

    def test_no_warning_while_the_clinic_sends_none(self):
        patient = self._patient("Later")
        with freeze_time("2025-04-01"):
            self._earn(patient, 100)
        with freeze_time("2026-03-15 10:00:00"):
            self.company._dental_loyalty_set_channels(expiry_warning="none")
            self._warn()
            self.company._dental_loyalty_set_channels(expiry_warning="mail")
            self.company.dental_loyalty_expiry_warning_days = 0
            self._warn()
            self.assertFalse(self._new_mails)
            self.assertFalse(
                self.Ledger.search([("partner_id", "=", patient.id)]).expiry_warned
            )
            # Turned on again: the lots waited, their patient is told now.
            self.company.dental_loyalty_expiry_warning_days = 30
            self._warn()
            self.assertMailMail(patient, "outgoing", content="<strong>100</strong>")

    def test_a_negative_warning_period_is_refused(self):
        settings = Form(self.env["res.config.settings"])
        settings.dental_loyalty_expiry_warning_days = -1
        with self.assertRaises(ValidationError):
            settings.save()

    def test_the_warning_job_is_a_scheduled_action(self):
        patient = self._patient("Scheduled")
        with freeze_time("2025-04-01"):
            self._earn(patient, 100)
        cron = self.env.ref("dental_loyalty.ir_cron_expiry_warnings")
        self.assertTrue(cron.active)
        self.assertEqual(cron.interval_type, "days")
        with (
            freeze_time("2026-03-14 10:00:00"),
            self.mock_mail_gateway(),
            self.mockSMSGateway(),
        ):
            cron.method_direct_trigger()
        self.assertTrue(
            self.Ledger.search([("partner_id", "=", patient.id)]).expiry_warned
        )

    def test_managers_warn_selected_patients_from_the_contacts_list(self):
        action = self.env.ref("dental_loyalty.action_res_partner_warn_expiry")
        self.assertEqual(action.binding_model_id.model, "res.partner")
        self.assertEqual(
            action.groups_id,
            self.env.ref("dental_loyalty.group_dental_loyalty_manager"),
        )
        told = self._patient("Told")
        nothing = self._patient("Nothing")
        with freeze_time("2025-04-01"):
            self._earn(told, 100)
            self._earn(nothing, 100)
        with (
            freeze_time("2026-03-15 10:00:00"),
            self.mock_mail_gateway(),
            self.mockSMSGateway(),
        ):
            result = (
                action.with_user(self.manager)
                .with_context(active_model="res.partner", active_ids=told.ids)
                .run()
            )
            self.assertEqual(result["params"]["type"], "success")
            self.assertIn("expire: 1 of 1.", result["params"]["message"])
            self._end_request()
            self.assertMailMail(told, "outgoing", content="<strong>100</strong>")
            self.assertEqual(len(self._new_mails), 1, "only the selected patients")
            again = (
                action.with_user(self.manager)
                .with_context(active_model="res.partner", active_ids=told.ids)
                .run()
            )
            self.assertEqual(again["params"]["type"], "info")
            with self.assertRaises(AccessError):
                action.with_user(self.receptionist).with_context(
                    active_model="res.partner", active_ids=nothing.ids
                ).run()
            self.company._dental_loyalty_set_channels(expiry_warning="none")
            silent = (
                action.with_user(self.manager)
                .with_context(active_model="res.partner", active_ids=nothing.ids)
                .run()
            )
            self.assertEqual(silent["params"]["type"], "warning")
            self.assertEqual(len(self._new_mails), 1)
        self.assertFalse(
            self.Ledger.search([("partner_id", "=", nothing.id)]).expiry_warned
        )

    def test_expiry_warning_queries_do_not_grow_with_patients(self):
        few = [self._patient(f"Few {n}") for n in range(2)]
        many = [self._patient(f"Many {n}") for n in range(20)]
        for partner in few + many:
            partner.email = False  # the engine's queries, not the mails'
        # Each patient is told their own figure: one dispatcher call each.
        with freeze_time("2025-04-01"):
            for n, partner in enumerate(few):
                self._earn(partner, 100 + n)
        with freeze_time("2025-04-02"):
            for n, partner in enumerate(many):
                self._earn(partner, 100 + n)
        # The templates' xml ids are cached by the first message: warm it up.
        self.env["res.partner"]._dental_loyalty_notify("expiry_warning", self.company)
        with freeze_time("2026-03-02 10:00:00"):
            warn_few = self._queries(self.Ledger._cron_expiry_warnings)
        with freeze_time("2026-03-03 10:00:00"):
            warn_many = self._queries(self.Ledger._cron_expiry_warnings)
        # Neither the engine nor the dispatcher (templates found through the
        # cached xml id lookup) adds a query per patient.
        self.assertEqual(warn_many, warn_few)
        lots = self.Ledger.search([("partner_id", "in", [p.id for p in few + many])])
        self.assertEqual(len(lots.filtered("expiry_warned")), 22)
