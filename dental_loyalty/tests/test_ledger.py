from datetime import date

from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo.exceptions import UserError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .common import DentalLoyaltyCommon


@tagged("post_install", "-at_install")
class TestLedger(DentalLoyaltyCommon):
    def test_balance_is_the_sum_of_lines(self):
        self._set_loyalty_settings(validity_months=1)
        with freeze_time("2026-01-10"):
            self._earn(self.patient, 300)
            self._spend(self.patient, 120)
            self.assertWalletMatchesLines(self.patient)
            self.env["dental.loyalty.points.adjust"].with_user(self.manager).create(
                {"partner_id": self.patient.id, "points": 25, "reason": "Goodwill"}
            ).action_confirm()
            self.assertWalletMatchesLines(self.patient)
        with freeze_time("2026-02-11"):
            self.Wallet._cron_expire_lots()
            self.assertWalletMatchesLines(self.patient)
        wallet = self.patient._dental_loyalty_wallet()
        # 300 earned, 120 spent, 25 given, all 205 left expired a month later.
        self.assertEqual(wallet.points_balance, 0)
        self.assertEqual(wallet.points_lifetime, 300)
        self.assertEqual(
            sorted(wallet.line_ids.mapped("kind")),
            ["adjust", "earn", "expire", "expire", "spend"],
        )

    def test_spending_takes_the_oldest_lots_first(self):
        with freeze_time("2026-01-01"):
            first = self._earn(self.patient, 100)
        with freeze_time("2026-02-01"):
            second = self._earn(self.patient, 50)
        with freeze_time("2026-03-01"):
            third = self._earn(self.patient, 70)
            self._spend(self.patient, 120)
            self.assertEqual(first.remaining_points, 0)
            self.assertEqual(second.remaining_points, 30)
            self.assertEqual(third.remaining_points, 70)
            self._spend(self.patient, 40)
            self.assertEqual(second.remaining_points, 0)
            self.assertEqual(third.remaining_points, 60)
            self.assertEqual(self.patient.loyalty_points_available, 60)

    def test_overspend_is_refused_and_takes_nothing(self):
        lot = self._earn(self.patient, 100)
        with self.assertRaisesRegex(UserError, r"spendable: 100, asked for: 101"):
            self._spend(self.patient, 101)
        self.assertEqual(lot.remaining_points, 100)
        self.assertEqual(self.patient.loyalty_points_available, 100)

    def test_pending_points_are_not_spendable_before_their_date(self):
        self._set_loyalty_settings(waiting_days=7)
        with freeze_time("2026-03-01"):
            lot = self._earn(self.patient, 200)
            self.assertEqual(lot.available_date, date(2026, 3, 8))
            self.assertEqual(self.patient.loyalty_points_pending, 200)
            self.assertEqual(self.patient.loyalty_points_available, 0)
            with self.assertRaises(UserError):
                self._spend(self.patient, 50)
        with freeze_time("2026-03-07"):
            self.Ledger._cron_release_pending()
            self.assertEqual(self.patient.loyalty_points_pending, 200)
            with self.assertRaises(UserError):
                self._spend(self.patient, 50)
        with freeze_time("2026-03-08"):
            self.Ledger._cron_release_pending()
            self.patient.invalidate_recordset()
            self.assertEqual(self.patient.loyalty_points_pending, 0)
            self.assertEqual(self.patient.loyalty_points_available, 200)
            self._spend(self.patient, 50)
            self.assertEqual(self.patient.loyalty_points_available, 150)
            self.assertWalletMatchesLines(self.patient)

    def test_release_is_idempotent(self):
        self._set_loyalty_settings(waiting_days=3)
        with freeze_time("2026-03-01"):
            self._earn(self.patient, 80)
        with freeze_time("2026-03-05"):
            self.Ledger._cron_release_pending()
            self.assertEqual(self.patient.loyalty_points_available, 80)
            # A second run the same day: read from the database, not from the
            # cache of the first read, the lot is still spendable once.
            self.Ledger._cron_release_pending()
            self.env.invalidate_all()
            self.assertEqual(self.patient.loyalty_points_available, 80)
            self.assertWalletMatchesLines(self.patient)

    def test_expiry_takes_only_what_is_left_and_runs_once(self):
        self._set_loyalty_settings(validity_months=6)
        with freeze_time("2026-01-15"):
            lot = self._earn(self.patient, 100)
            self.assertEqual(lot.expiry_date, date(2026, 7, 15))
            self._spend(self.patient, 30)
        wallet = lot.wallet_id
        with freeze_time("2026-07-14"):
            self.Wallet._cron_expire_lots()
            self.assertEqual(len(wallet.line_ids), 2)
        with freeze_time("2026-07-15"):
            self.Wallet._cron_expire_lots()
            self.assertEqual(len(wallet.line_ids), 3)
            self.Wallet._cron_expire_lots()
            wallet.invalidate_recordset()
            self.assertEqual(len(wallet.line_ids), 3)
        expired = self.Ledger.search([("lot_id", "=", lot.id)])
        self.assertEqual(expired.kind, "expire")
        self.assertEqual(expired.points, -70)
        self.assertEqual(lot.remaining_points, 0)
        self.assertEqual(self.patient.loyalty_points_balance, 0)
        self.assertIn(
            "Loyalty points expired: 70.",
            self.patient.message_ids[0].body,
        )

    def test_points_never_expire_when_validity_is_zero(self):
        self._set_loyalty_settings(validity_months=0)
        with freeze_time("2020-01-01"):
            lot = self._earn(self.patient, 40)
        self.assertFalse(lot.expiry_date)
        with freeze_time("2030-01-01"):
            self.Wallet._cron_expire_lots()
        self.assertEqual(lot.remaining_points, 40)
        self.assertEqual(self.patient.loyalty_points_available, 40)

    def test_manual_adjustment_posts_a_line_and_a_chatter_message(self):
        self._earn(self.patient, 60)
        wizard = Form(
            self.env["dental.loyalty.points.adjust"]
            .with_user(self.manager)
            .with_context(default_partner_id=self.patient.id)
        )
        wizard.points = -20
        wizard.reason = "Duplicate visit entered"
        wizard.save().action_confirm()
        line = self.patient.loyalty_wallet_id.line_ids.filtered(
            lambda line: line.kind == "adjust"
        )
        self.assertEqual(line.points, -20)
        self.assertEqual(line.user_id, self.manager)
        self.assertEqual(line.reason, "Duplicate visit entered")
        self.assertEqual(self.patient.loyalty_points_available, 40)
        message = self.patient.message_ids[0]
        self.assertIn("Duplicate visit entered", message.body)
        self.assertEqual(message.author_id, self.manager.partner_id)

    def test_negative_adjustment_cannot_go_below_zero(self):
        self._earn(self.patient, 60)
        wizard = (
            self.env["dental.loyalty.points.adjust"]
            .with_user(self.manager)
            .create({"partner_id": self.patient.id, "points": -61, "reason": "Typo"})
        )
        with self.assertRaisesRegex(UserError, r"spendable: 60, asked for: 61"):
            wizard.action_confirm()
        self.assertEqual(self.patient.loyalty_points_available, 60)

    def test_adjustment_needs_points_and_reason(self):
        Adjust = self.env["dental.loyalty.points.adjust"].with_user(self.manager)
        with self.assertRaises(UserError):
            Adjust.create(
                {"partner_id": self.patient.id, "points": 0, "reason": "x"}
            ).action_confirm()
        with self.assertRaises(UserError):
            Adjust.create(
                {"partner_id": self.patient.id, "points": 5, "reason": "  "}
            ).action_confirm()

    def test_the_same_event_posts_once(self):
        self._earn(self.patient, 10, unique_key="test:event:1")
        with (
            self.assertRaises(IntegrityError),
            mute_logger("odoo.sql_db"),
            self.cr.savepoint(),
        ):
            self._earn(self.patient, 10, unique_key="test:event:1")
        self.assertEqual(self.patient.loyalty_points_available, 10)

    def test_partner_form_shows_the_wallet(self):
        self._earn(self.patient, 75)
        action = self.patient.action_view_loyalty_ledger()
        self.assertEqual(self.Ledger.search(action["domain"]).mapped("points"), [75])
        self.assertEqual(self.patient.loyalty_tier_id, self.bronze)

    def test_reception_finds_a_patient_by_card_code(self):
        self.patient.barcode = "0420000000999"
        found = (
            self.env["res.partner"]
            .with_user(self.receptionist)
            .name_search("0420000000999")
        )
        self.assertEqual([partner_id for partner_id, _name in found], [self.patient.id])

    def test_the_ledger_reads_as_a_statement_with_a_running_balance(self):
        self._set_loyalty_settings(validity_months=1)
        with freeze_time("2026-01-10"):
            earned = self._earn(self.patient, 300)
            spent = self._spend(self.patient, 120)
        with freeze_time("2026-02-11"):
            self.Wallet._cron_expire_lots()
        expired = self.Ledger.search([("lot_id", "=", earned.id)])
        self.assertEqual(
            [earned.balance_after, spent.balance_after, expired.balance_after],
            [300, 180, 0],
        )
        self.assertEqual(
            dict(self.Ledger._fields["kind"]._description_selection(self.env))[
                "earn_reversal"
            ],
            "Taken back by a refund",
        )

    def test_points_released_in_brussels_are_spendable_in_new_york_that_evening(self):
        """At 00:30 UTC it is already the 15th in Brussels and still the 14th in
        New York: points the server released are spendable by every user, whatever
        day their own time zone says it is."""
        wallet = self.patient._dental_loyalty_wallet()
        with freeze_time("2026-03-15 00:30:00"):
            self.Wallet.with_context(tz="Europe/Brussels")._post_lines(
                [
                    {
                        "wallet_id": wallet.id,
                        "kind": "adjust",
                        "points": 100,
                        "reason": "Goodwill",
                    }
                ]
            )
            self.Wallet.with_context(tz="America/New_York")._post_lines(
                [{"wallet_id": wallet.id, "kind": "spend", "points": -60}]
            )
        wallet.invalidate_recordset()
        self.assertEqual(wallet.points_available, 40)
