import json
from datetime import date

from freezegun import freeze_time

from odoo.tests import new_test_user, tagged
from odoo.tools import SQL

from odoo.addons.mail.tests.common import MailCase

from .common import DentalLoyaltyCommon


@tagged("post_install", "-at_install")
class TestDormantPatients(DentalLoyaltyCommon, MailCase):
    """A patient not seen for the company's dormancy period gets a call scheduled
    and, if the clinic sends it, a "we miss you" message: once per absence."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._set_loyalty_settings(
            dormant_months=6,
            channel_dormant="mail",
        )
        cls.patient.write({"email": "lan@example.com", "lang": "en_US"})
        cls.Wallet = cls.env["dental.loyalty.wallet"]
        cls.call = cls.env.ref("mail.mail_activity_data_call")

    def _visit(self, partner, day, points=100):
        with freeze_time(day):
            return self._earn(partner, points, date=day)

    def _calls(self, partner=None):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "res.partner"),
                ("res_id", "=", (partner or self.patient).id),
                ("activity_type_id", "=", self.call.id),
            ]
        )

    def _run(self, day, **kwargs):
        with freeze_time(day):
            return self.Wallet._cron_dormant_patients(**kwargs)

    def _set_others_aside(self, partners, day):
        """The demo's patients are dormant too by the frozen dates: found already."""
        ours = partners._dental_loyalty_wallet()
        (self.Wallet.search([]) - ours).sudo().dormant_since = day

    def test_last_visit_is_the_last_sale_not_an_adjustment(self):
        self._visit(self.patient, "2026-01-10")
        with freeze_time("2026-02-01"):
            self._spend(self.patient, 50, date="2026-02-01")
            self._post(self.patient, "adjust", 10, reason="Goodwill")
        wallet = self.patient.loyalty_wallet_id
        self.assertEqual(str(wallet.last_visit_date), "2026-02-01")
        self.assertEqual(str(self.patient.loyalty_last_visit_date), "2026-02-01")
        newcomer = self.env["res.partner"].create({"name": "Adjusted Only"})
        self._post(newcomer, "adjust", 10, reason="Welcome")
        self.assertFalse(newcomer._dental_loyalty_wallet().last_visit_date)

    def test_dormant_after_more_than_the_period_a_call_and_a_message(self):
        self._visit(self.patient, "2026-01-10")
        with self.mock_mail_gateway():
            self._run("2026-07-10")  # six months to the day: not more
        self.assertFalse(self._calls())
        self.assertFalse(self.patient.loyalty_wallet_id.dormant_since)
        with self.mock_mail_gateway():
            self._run("2026-07-11")
        call = self._calls()
        self.assertEqual(len(call), 1)
        self.assertEqual(str(call.date_deadline), "2026-07-11")
        self.assertIn("Patient not seen since", call.summary)
        self.assertEqual(
            str(self.patient.loyalty_wallet_id.dormant_since), "2026-07-11"
        )
        self.assertMailMail(
            self.patient,
            "outgoing",
            content="It has been a while since your last visit",
            fields_values={"subject": "We miss you, Lan Nguyen"},
        )

    def test_once_per_absence_and_again_after_the_next_visit(self):
        self._visit(self.patient, "2026-01-10")
        self._set_others_aside(self.patient, "2026-07-11")
        self._run("2026-07-11")
        with self.mock_mail_gateway():
            self.assertEqual(self._run("2026-07-11"), 0)
            self._run("2026-07-12")
            self._run("2026-12-01")
        self.assertEqual(len(self._calls()), 1)
        self.assertFalse(self._new_mails)
        # Points expiring or adjusted by hand are no visit: still dormant.
        with freeze_time("2026-12-02"):
            self._post(self.patient, "adjust", 5, reason="Goodwill")
        self.assertEqual(
            str(self.patient.loyalty_wallet_id.dormant_since), "2026-07-11"
        )
        # A visit ends the dormancy; the next absence is found again.
        self._visit(self.patient, "2027-01-05")
        self.assertFalse(self.patient.loyalty_wallet_id.dormant_since)
        self._set_others_aside(self.patient, "2027-07-06")
        self._run("2027-07-05")
        self.assertEqual(len(self._calls()), 1)
        self._run("2027-07-06")
        self.assertEqual(len(self._calls()), 2)

    def test_a_visit_on_the_day_found_dormant_ends_the_dormancy(self):
        self._visit(self.patient, "2026-01-10")
        self._run("2026-07-11")
        self._visit(self.patient, "2026-07-11")
        self.assertFalse(self.patient.loyalty_wallet_id.dormant_since)

    def test_no_visit_ever_or_an_archived_patient_is_never_dormant(self):
        self._post(self.patient, "adjust", 100, reason="Welcome")
        gone = self.env["res.partner"].create({"name": "Moved Away"})
        self._visit(gone, "2026-01-10")
        gone.action_archive()
        self._run("2027-01-01")
        self.assertFalse(self._calls())
        self.assertFalse(self._calls(gone))

    def test_no_message_when_the_clinic_sends_none_but_the_call_still(self):
        self._set_loyalty_settings(channel_dormant="none")
        self._visit(self.patient, "2026-01-10")
        with self.mock_mail_gateway():
            self._run("2026-07-11")
        self.assertEqual(len(self._calls()), 1)
        self.assertFalse(self._new_mails)

    def test_who_is_asked_to_call(self):
        salesperson = new_test_user(
            self.env, login="dl_sales", groups="base.group_user"
        )
        caller = new_test_user(self.env, login="dl_caller", groups="base.group_user")
        portal = new_test_user(self.env, login="dl_portal", groups="base.group_portal")
        patients = self.env["res.partner"].create(
            [
                {"name": "With Salesperson", "user_id": salesperson.id},
                {"name": "Portal Salesperson", "user_id": portal.id},
                {"name": "Nobody's"},
            ]
        )
        for patient in patients:
            self._visit(patient, "2026-01-10")
        self._run("2026-07-11")
        self.assertEqual(self._calls(patients[0]).user_id, salesperson)
        # No salesperson of the clinic and no caller set: a loyalty manager.
        managers = self.env.ref("dental_loyalty.group_dental_loyalty_manager").users
        self.assertIn(self._calls(patients[1]).user_id, managers)
        self.assertIn(self._calls(patients[2]).user_id, managers)
        self._set_loyalty_settings(dormant_user_id=caller)
        self._visit(patients[2], "2026-08-01")
        self._run("2027-02-02")
        self.assertEqual(self._calls(patients[2]).sorted("id")[-1].user_id, caller)
        # No assignment mail per patient: the activities speak for themselves.
        self.assertFalse(
            self.env["mail.mail"].search(
                [("recipient_ids", "in", caller.partner_id.ids)]
            )
        )

    def test_in_batches_resumes_without_doubles(self):
        partners = self.env["res.partner"].create(
            [{"name": f"Patient {index}"} for index in range(3)]
        )
        for partner in partners:
            self._visit(partner, "2026-01-10")
        self._set_others_aside(partners, "2026-07-11")
        self.assertEqual(self._run("2026-07-11", batch_size=2), 1)
        # The scheduler commits here; a failure now loses nothing done.
        self.assertEqual(self._run("2026-07-11", batch_size=2), 0)
        self.assertEqual(self._run("2026-07-11", batch_size=2), 0)
        for partner in partners:
            self.assertEqual(len(self._calls(partner)), 1)

    def test_queries_do_not_grow_with_patients(self):
        def patients(count, day):
            partners = self.env["res.partner"].create(
                [{"name": f"Patient {day} {index}"} for index in range(count)]
            )
            for partner in partners:
                self._visit(partner, day)
            return partners

        first = patients(3, "2026-01-09")
        few = patients(3, "2026-01-10")
        many = patients(30, "2026-01-11")
        self._set_others_aside(first | few | many, "2026-07-01")

        self._run("2026-07-10")  # the first run fills the caches
        found_few = self._queries(lambda: self._run("2026-07-11"))
        found_many = self._queries(lambda: self._run("2026-07-12"))
        self.assertEqual(found_many, found_few)
        self.assertEqual(len(self._calls(many[-1])), 1)

    def test_a_batch_reads_the_wallets_not_found_dormant_not_every_wallet(self):
        partners = self.env["res.partner"].create(
            [{"name": f"Patient {index}"} for index in range(3)]
        )
        for partner in partners:
            self._visit(partner, "2026-01-10")
        self._set_others_aside(partners, "2026-07-11")
        # A handful of rows here reads fast either way: with sorting priced out
        # the planner takes the walk in the batch's order that the indexes
        # allow, as it chose to for 100,000 patients.
        self.env.flush_all()
        self.cr.execute("SET LOCAL enable_sort = off")
        self.cr.execute("SET LOCAL enable_incremental_sort = off")
        self.addCleanup(self.cr.execute, "RESET enable_sort")
        self.addCleanup(self.cr.execute, "RESET enable_incremental_sort")
        domain = self.Wallet._dormant_due_domain(date(2026, 7, 11))
        query = self.Wallet._search(
            domain, order=self.Wallet._DORMANT_ORDER, limit=self.Wallet._DORMANT_BATCH
        )
        self.cr.execute(SQL("EXPLAIN (FORMAT JSON) %s", query.select()))
        plan = json.dumps(self.cr.fetchone()[0])
        self.assertIn("dental_loyalty_wallet_not_dormant_idx", plan)
        self.assertNotIn("dental_loyalty_wallet_pkey", plan)
        self.cr.execute(query.select())
        self.assertEqual(
            {row[0] for row in self.cr.fetchall()},
            set(partners._dental_loyalty_wallet().ids),
        )
