from datetime import date

from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import SQL, mute_logger

from odoo.addons.mail.tests.common import MailCase
from odoo.addons.sms.tests.common import SMSCase

from .common import DentalLoyaltyCommon


class GreetingsCommon(DentalLoyaltyCommon, MailCase, SMSCase):
    """Patients with birthdays and second dates of their own, lots not yet
    warned of, and the clinic's channels for greetings and warnings."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Wallet = cls.env["dental.loyalty.wallet"]
        cls.bronze.write({"birthday_points": 0, "anniversary_points": 0})
        cls.silver.write({"birthday_points": 100, "anniversary_points": 50})
        cls.gold.write({"birthday_points": 200, "anniversary_points": 80})
        cls._set_loyalty_settings(
            channel_birthday="both",
            channel_anniversary="mail",
            channel_expiry_warning="mail",
            expiry_warning_days=30,
        )
        cls.company.dental_loyalty_expiry_warning_days = 30
        # Only this class's patients celebrate or hear of expiring points.
        cls.env["res.partner"].with_context(active_test=False).search(
            ["|", ("dental_birthday", "!=", False), ("dental_anniversary", "!=", False)]
        ).write({"dental_birthday": False, "dental_anniversary": False})
        cls.Ledger.search([("remaining_points", ">", 0)]).expiry_warned = True
        cls.demo_line_ids = cls.Ledger.search([]).ids
        cls.env["res.company"].with_context(active_test=False).search([]).write(
            {
                "dental_loyalty_birthday_covered_until": False,
                "dental_loyalty_anniversary_covered_until": False,
            }
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


@tagged("post_install", "-at_install")
class TestGreetings(GreetingsCommon):
    """Birthdays and second dates: the nightly jobs give the tier's points once
    a year, greet by the clinic's channel, and resume after a batch without
    doubles."""

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
            self.company.dental_loyalty_birthday_covered_until,
            "the day is done only when no patient is left",
        )
        self.assertEqual(self._birthdays(batch_size=1), 1)
        self.assertEqual(self._birthdays(), 0)
        self.assertEqual(len(self._new_mails), 1)
        lines = self._lines("birthday")
        self.assertEqual(sorted(lines.partner_id.ids), sorted(p.id for p in patients))
        self.assertEqual(
            self.company.dental_loyalty_birthday_covered_until, date(2026, 3, 14)
        )
        self.assertEqual(self._birthdays(), 0)
        self.assertEqual(self._lines("birthday"), lines)
        self.assertFalse(self._new_mails)

    @freeze_time("2026-03-14 10:00:00")
    def test_no_message_when_the_clinic_sends_none(self):
        self._set_loyalty_settings(channel_birthday="none")
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
        self._set_loyalty_settings(channel_birthday="none")
        # Nearly a whole batch on the third day (a full one also counts what is
        # left): one call each.
        many_patients = self.Wallet._GREETING_BATCH - 1
        for day, count in (
            ("1990-03-13", 1),
            ("1990-03-14", 2),
            ("1990-03-15", many_patients),
        ):
            for n in range(count):
                self._patient(f"Patient {day} {n}", self.gold, birthday=day)
        with freeze_time("2026-03-13 10:00:00"):
            self.Wallet._cron_birthday_gifts()  # the day before: the caches warm
        with freeze_time("2026-03-14 10:00:00"):
            few = self._queries(self.Wallet._cron_birthday_gifts)
        with freeze_time("2026-03-15 10:00:00"):
            many = self._queries(self.Wallet._cron_birthday_gifts)
        self.assertEqual(many, few)
        self.assertEqual(len(self._lines("birthday")), 1 + 2 + many_patients)

    def test_a_batch_is_taken_from_the_days_patients_not_a_walk_of_the_wallets(self):
        patient = self._patient(
            "Walk", self.gold, birthday="1990-03-14", anniversary="2015-03-14"
        )
        # A handful of rows here reads fast either way: with sorting priced out
        # the planner takes any walk of the wallets in id order the statement
        # allows, as it chose to for 100,000 patients.
        self.env.flush_all()
        self.cr.execute("SET LOCAL enable_sort = off")
        self.addCleanup(self.cr.execute, "RESET enable_sort")
        for event in ("birthday", "anniversary"):
            query = self.Wallet._yearly_due_query(
                event, ["03-14"], date(2026, 3, 14), companies=self.company, limit=10
            )
            self.cr.execute(SQL("EXPLAIN (FORMAT JSON) %s", query))
            plan = self.cr.fetchone()[0][0]["Plan"]
            batch = next(
                node for node in plan["Plans"] if node["Parent Relationship"] == "Outer"
            )
            self.assertEqual(
                (plan["Node Type"], batch["Node Type"]),
                ("Limit", "Sort"),
                "the batch is the first of the day's wallets, all of them read",
            )
            self.cr.execute(query)
            self.assertEqual(
                self.cr.fetchall(), [(patient.loyalty_wallet_id.id, "03-14")]
            )
