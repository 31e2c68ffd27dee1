from freezegun import freeze_time

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, tagged

from .test_greetings import GreetingsCommon


@tagged("post_install", "-at_install")
class TestExpiryWarnings(GreetingsCommon):
    """Expiry warnings: the nightly job warns by the clinic's channel, once per
    lot, and resumes after a batch without doubles."""

    def _warn(self, **kwargs):
        with self.mock_mail_gateway(), self.mockSMSGateway():
            return self.Wallet._cron_expiry_warnings(**kwargs)

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
            self.Wallet._cron_expire_lots()
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
            # Some are left (the job says so without counting them all).
            self.assertEqual(self._warn(batch_size=1), 1)
            self.assertEqual(len(self._new_mails), 1)
            self.assertEqual(self._warn(batch_size=1), 1)
            self.assertEqual(len(self._new_mails), 1)
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
            self._set_loyalty_settings(channel_expiry_warning="none")
            self._warn()
            self._set_loyalty_settings(
                channel_expiry_warning="mail", expiry_warning_days=0
            )
            self._warn()
            self.assertFalse(self._new_mails)
            self.assertFalse(
                self.Ledger.search([("partner_id", "=", patient.id)]).expiry_warned
            )
            # Turned on again: the lots waited, their patient is told now.
            self._set_loyalty_settings(expiry_warning_days=30)
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
            self._set_loyalty_settings(channel_expiry_warning="none")
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
        self.env["dental.loyalty.dispatcher"]._notify(
            self.env["res.partner"], "expiry_warning", self.company
        )
        with freeze_time("2026-03-02 10:00:00"):
            warn_few = self._queries(self.Wallet._cron_expiry_warnings)
        with freeze_time("2026-03-03 10:00:00"):
            warn_many = self._queries(self.Wallet._cron_expiry_warnings)
        # Neither the engine nor the dispatcher (templates found through the
        # cached xml id lookup) adds a query per patient.
        self.assertEqual(warn_many, warn_few)
        lots = self.Ledger.search([("partner_id", "in", [p.id for p in few + many])])
        self.assertEqual(len(lots.filtered("expiry_warned")), 22)
