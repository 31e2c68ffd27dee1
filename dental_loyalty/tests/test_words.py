from datetime import timedelta

from odoo.tests import tagged
from odoo.tools.misc import format_date

from .common_portal import DentalLoyaltyPortalCommon
from .common_pos import DentalLoyaltyPosCommon


@tagged("post_install", "-at_install")
class TestReceiptWords(DentalLoyaltyPosCommon):
    """The receipt's figures in the programme's words: the total before and
    after the visit, and the day each pending batch becomes spendable."""

    def test_before_earned_spent_after_add_up(self):
        self._give_points(self.patient, 500)
        # 100.00 of check-ups, 10.00 of it with 100 points: 90 points earned.
        order = self._sync(self._order([(self.checkup, 2)], points=10.0))
        self.assertEqual(order.dental_loyalty_points_spent, 100)
        self.assertEqual(order.dental_loyalty_points_earned, 90)
        self.assertEqual(order.dental_loyalty_points_before, 500)
        self.assertEqual(order.dental_loyalty_points_total, 490)
        self.assertEqual(order.dental_loyalty_voucher_points, 0)
        self.assertFalse(order.dental_loyalty_pending_batches)

    def test_the_pending_batches_name_the_day_of_todays_points(self):
        self._set_loyalty_settings(waiting_days=3)
        wallet = self.patient._dental_loyalty_wallet(self.company)
        today = wallet.company_id._dental_loyalty_today()
        self.Wallet._post_lines(
            [
                {
                    "wallet_id": wallet.id,
                    "kind": "earn",
                    "points": 80,
                    "paid_amount": 80.0,
                    "available_date": today + timedelta(days=1),
                }
            ]
        )
        order = self._sync(self._order([(self.checkup, 1)]))
        self.assertEqual(order.dental_loyalty_points_earned, 50)
        self.assertEqual(order.dental_loyalty_pending, 130)
        self.assertEqual(order.dental_loyalty_points_total, 130)
        # Each batch with its own day, soonest first: today's points are the
        # second batch, not hidden behind the first one's day.
        env = order.with_user(self.cashier).env
        tomorrow = format_date(env, today + timedelta(days=1))
        sale_day = format_date(
            env, order._dental_loyalty_visit_date() + timedelta(days=3)
        )
        self.assertEqual(
            order.with_user(self.cashier).dental_loyalty_pending_batches,
            f"80 on {tomorrow}, 50 on {sale_day}",
        )
        # The patient's tab says the same.
        self.assertEqual(
            self.patient.with_user(self.cashier).loyalty_pending_batches,
            f"80 on {tomorrow}, 50 on {sale_day}",
        )


@tagged("post_install", "-at_install")
class TestPortalWords(DentalLoyaltyPortalCommon):
    def test_the_page_shows_spendable_pending_and_total(self):
        body = self._page(self.an_wallet, self._token(self.an_wallet)).text
        for css_class, points in (
            ("o_dental_loyalty_spendable", 300),
            ("o_dental_loyalty_pending", 250),
            ("o_dental_loyalty_total", 550),
        ):
            self.assertRegex(body, rf'class="[^"]*{css_class}"[^>]*>{points}<')
