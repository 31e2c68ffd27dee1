from odoo.tests import HttpCase, tagged

from .test_held_rewards_over_the_wire import HeldRewardCommon


@tagged("post_install", "-at_install")
class TestRefundScopeOverTheWire(HeldRewardCommon, HttpCase):
    """A discount with a scope belongs to the lines in its scope: a refund of
    those lines pays back at most what they cost after it (invariant 9), and
    the register's refund preview says the same."""

    def setUp(self):
        super().setUp()
        self.whitening_off.product_ids = self.cleaning
        self._give_points(self.patient, 500)

    def _sale(self, reward):
        """A check-up (50) and a cleaning (80), with ``reward`` held on the
        bill by the cashier and the bill paid in cash."""
        data = self._voucher_order([(self.checkup, 1), (self.cleaning, 1)], [])
        bill = [
            {"product_id": self.checkup.id, "amount": 50.0},
            {"product_id": self.cleaning.id, "amount": 80.0},
        ]
        line, error = self._hold(data["uuid"], reward, 130.0, bill)
        self.assertIsNone(error)
        sale, error = self._sync_rpc(
            self._voucher_order(
                [(self.checkup, 1), (self.cleaning, 1)],
                [(line["code"], self.discount_product, line["price_unit"])],
                uuid=data["uuid"],
            )
        )
        self.assertIsNone(error)
        return sale

    def _refund(self, sale, product, cash):
        """Sync a refund of ``product`` of ``sale`` paying ``cash`` back: the
        register prices the returned line at what it pays back."""
        sold = sale.lines.filtered(lambda line: line.product_id == product)
        data = self._order(
            [{"product": product, "quantity": -1, "refunded_orderline_id": sold.id}]
        )
        data["lines"][0][2].update(
            price_unit=-cash, price_subtotal=cash, price_subtotal_incl=cash
        )
        data.update(amount_total=cash, amount_tax=0.0, amount_paid=cash)
        data["payment_ids"][0][2]["amount"] = cash
        return self._sync_rpc(data)

    def _preview(self, sale, product):
        sold = sale.lines.filtered(lambda line: line.product_id == product)
        preview, error = self._call(
            "pos.order",
            "dental_loyalty_refund_preview",
            self.config.id,
            self.patient.id,
            [{"line_id": sold.id, "qty": 1}],
        )
        self.assertIsNone(error)
        return preview

    def _taken_back(self, refund):
        return -sum(
            self.Ledger.sudo()
            .search([("pos_order_id", "=", refund.id), ("points", "<", 0)])
            .mapped("points")
        )

    def test_a_scoped_discount_is_not_paid_back_in_cash(self):
        sale = self._sale(self.whitening_off)
        self.assertEqual(sale.amount_total, 122.0)
        # The bill's average would give back 122 x 80 / 130 = 75.08.
        _refund, error = self._refund(sale, self.cleaning, -75.08)
        self.assertIn("may pay back at most $\u00a072.00", error["message"])
        preview = self._preview(sale, self.cleaning)
        refund, error = self._refund(sale, self.cleaning, -72.0)
        self.assertIsNone(error)
        # The preview and the sync take back the same share of what the sale
        # earned: the cleaning's 72 of the 122 paid, and the cleaning's
        # service bonus whole (the rule gave on the cleaning alone).
        self.assertEqual(preview["take_back"], self._taken_back(refund))
        lines = sale.sudo().dental_loyalty_line_ids
        base = sum(lines.filtered(lambda line: line.kind == "earn").mapped("points"))
        bonus = sum(lines.filtered(lambda line: line.kind == "rule").mapped("points"))
        self.assertLess(preview["take_back"], round(base * 80 / 122) + bonus)

    def test_a_free_scoped_service_gives_no_cash_back(self):
        self.whitening_off.discount_percent = 100.0
        sale = self._sale(self.whitening_off)
        self.assertEqual(sale.amount_total, 50.0)
        _refund, error = self._refund(sale, self.cleaning, -30.77)
        self.assertIn("may pay back at most $\u00a00.00", error["message"])
        # The check-up was paid in full: all of it comes back.
        _refund, error = self._refund(sale, self.checkup, -50.0)
        self.assertIsNone(error)

    def test_an_unscoped_voucher_is_spread_over_the_bill(self):
        sale = self._sale(self.ten_off)
        self.assertEqual(sale.amount_total, 120.0)
        _refund, error = self._refund(sale, self.cleaning, -73.9)
        self.assertIn("may pay back at most $\u00a073.85", error["message"])
        _refund, error = self._refund(sale, self.cleaning, -73.85)
        self.assertIsNone(error)
