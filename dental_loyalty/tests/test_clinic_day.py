from odoo.exceptions import UserError
from odoo.tests import tagged

from .common_pos import DentalLoyaltyPosCommon


@tagged("post_install", "-at_install")
class TestTheClinicDay(DentalLoyaltyPosCommon):
    """The engine counts days on the clinic's clock, whoever asks: a cashier
    whose own time zone is a day behind the clinic's sees points released and
    lots expired on the clinic's day, the one a sale is dated on."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # 25 hours apart: at any moment the clinic's day is after the cashier's.
        cls.company.resource_calendar_id.sudo().tz = "Pacific/Kiritimati"
        cls.cashier.tz = "Pacific/Pago_Pago"

    def _points_expiring_today(self, points):
        """The patient's wallet, given ``points`` that expire on the clinic's
        today."""
        wallet = self._wallet()
        self.Wallet._post_lines(
            [
                {
                    "wallet_id": wallet.id,
                    "kind": "adjust",
                    "points": points,
                    "reason": "Test",
                    "expiry_date": self.company._dental_loyalty_today(),
                }
            ]
        )
        return wallet

    def test_points_spendable_at_once_are_spendable_on_the_day_of_the_sale(self):
        self._set_loyalty_settings(waiting_days=0)
        order = self._sync(self._order([(self.checkup, 2)]))
        lot = order.dental_loyalty_line_ids
        self.assertEqual(lot.date, self.company._dental_loyalty_today())
        self.assertEqual(order.dental_loyalty_points_earned, 100)
        self.assertFalse(order.dental_loyalty_pending_batches)
        self.assertEqual(self._wallet().points_available, 100)
        # And the next bill spends them.
        spent = self._sync(self._order([(self.checkup, 1)], points=10))
        self.assertEqual(spent.dental_loyalty_points_spent, 100)

    def test_a_lot_expiring_on_the_clinics_day_is_not_spent(self):
        wallet = self._points_expiring_today(300)
        with self.assertRaises(UserError):
            self._sync(self._order([(self.checkup, 1)], points=10))
        # The next bill's sync expires them, on the clinic's day.
        self._sync(self._order([(self.checkup, 1)]))
        expired = self.Ledger.search(
            [("wallet_id", "=", wallet.id), ("kind", "=", "expire")]
        )
        self.assertEqual(expired.points, -300)
        self.assertEqual(self._wallet().points_available, 50)  # that bill's

    def test_a_caller_cannot_say_the_catch_up_already_ran(self):
        self._points_expiring_today(300)
        # The engine's own mark, sent in the call's context: the lots due
        # still expire before anything is held on them.
        forged = (
            self.env["pos.order"]
            .with_user(self.cashier)
            .with_context(dental_loyalty_catching_up=True)
        )
        with self.assertRaises(UserError):
            forged.dental_loyalty_reserve_points(
                self.config.id, "forged-catch-up", self.patient.id, 100.0, 10.0
            )

    def test_a_tier_reached_is_dated_on_its_clinics_day(self):
        # A caller whose current company is another clinic, a day behind
        # (a manager of both, the scheduler's company for the nightly jobs).
        elsewhere = self.env["res.company"].create({"name": "Clinic a day behind"})
        elsewhere.resource_calendar_id.tz = "Pacific/Pago_Pago"
        wallet = self._wallet()
        self.Wallet.with_company(elsewhere)._post_lines(
            [
                {
                    "wallet_id": wallet.id,
                    "kind": "earn",
                    "points": 600,
                    "paid_amount": 600,
                }
            ]
        )
        wallet.invalidate_recordset()
        self.assertEqual(wallet.tier_id, self.silver)
        self.assertEqual(wallet.tier_date, self.company._dental_loyalty_today())
        self.assertNotEqual(wallet.tier_date, elsewhere._dental_loyalty_today())
        history = self.env["dental.loyalty.tier.history"].search(
            [("wallet_id", "=", wallet.id), ("tier_id", "=", self.silver.id)]
        )
        self.assertEqual(history.date, wallet.tier_date)

    def test_a_wallet_opened_by_another_clinics_caller_counts_the_clinics_day(self):
        elsewhere = self.env["res.company"].create({"name": "Clinic a day behind"})
        elsewhere.resource_calendar_id.tz = "Pacific/Pago_Pago"
        newcomer = self.env["res.partner"].create({"name": "Newcomer"})
        wallet = self.Wallet.with_company(elsewhere)._get_for_partners(
            newcomer, self.company
        )
        today = self.company._dental_loyalty_today()
        self.assertEqual(wallet.member_since, today)
        self.assertEqual(wallet.tier_id, self.bronze)
        self.assertEqual(wallet.tier_date, today)
