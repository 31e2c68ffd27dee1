from odoo import fields
from odoo.tests import HttpCase, tagged

from .common_pos import DentalLoyaltyPosCommon, PosJsonRpcMixin


@tagged("post_install", "-at_install", "dental_loyalty_slow")
class TestServiceBonusOverTheWire(PosJsonRpcMixin, DentalLoyaltyPosCommon, HttpCase):
    """A service's bonus is earned on what money paid for it at the service's
    own price: a register that sends a price of a cent, or a line of negative
    amount that takes the bill down to nothing, earns the bonus of what was
    really paid (the cleaning: 80.00 with 40 bonus points)."""

    def setUp(self):
        super().setUp()
        self.authenticate(self.cashier.login, self.cashier.login)

    def _priced(self, lines):
        """Order data of ``lines`` (product, quantity, unit price), paid in cash."""
        data = self._order([(product, quantity) for product, quantity, _p in lines])
        total = 0.0
        for line, (_product, quantity, price) in zip(data["lines"], lines, strict=True):
            amount = round(price * quantity, 2)
            line[2].update(
                price_unit=price, price_subtotal=amount, price_subtotal_incl=amount
            )
            total += amount
        total = round(total, 2)
        data.update(amount_total=total, amount_paid=total, amount_tax=0.0)
        data["payment_ids"] = [
            (
                0,
                0,
                {
                    "amount": total,
                    "name": fields.Datetime.now(),
                    "payment_method_id": self.cash_pm1.id,
                },
            )
        ]
        return data

    def test_a_service_sold_for_a_cent_earns_a_cent_of_its_bonus(self):
        order, error = self._sync_rpc(self._priced([(self.cleaning, 100, 0.01)]))
        self.assertIsNone(error)
        # 1.00 paid: one point, and 100 x 40 x (0.01 / 80.00) = 0.5 of bonus.
        self.assertEqual(order.dental_loyalty_points_earned, 1)
        self.assertEqual(self._wallet().points_balance, 1)

    def test_a_negative_line_that_empties_the_bill_empties_the_bonus(self):
        order, error = self._sync_rpc(
            self._priced([(self.cleaning, 50, 80.0), (self.checkup, -1, 3999.99)])
        )
        self.assertIsNone(error)
        self.assertEqual(order.amount_total, 0.01)
        # 0.01 paid of 4,000.00 of services: no point, no bonus.
        self.assertEqual(order.dental_loyalty_points_earned, 0)
        self.assertEqual(self._wallet().points_balance, 0)

    def test_an_honest_bill_still_earns_the_whole_bonus(self):
        order, error = self._sync_rpc(self._priced([(self.cleaning, 2, 80.0)]))
        self.assertIsNone(error)
        self.assertEqual(order.dental_loyalty_points_earned, 160 + 80)
