from odoo.tests import HttpCase, tagged

from .test_held_rewards_over_the_wire import HeldRewardCommon


@tagged("post_install", "-at_install")
class TestRewardScopeOverTheWire(HeldRewardCommon, HttpCase):
    """A discount with a scope takes its share of the lines in scope only."""

    def setUp(self):
        super().setUp()
        self.whitening_off.product_ids = self.cleaning

    def _lines(self, *pairs):
        return [{"product_id": p.id, "amount": amount} for p, amount in pairs]

    def test_a_scoped_discount_counts_only_its_lines_and_says_so(self):
        voucher = self._issue(self.whitening_off)
        bill = self._lines((self.checkup, 50.0), (self.cleaning, 80.0))
        line, error = self._call(
            "pos.order",
            "dental_loyalty_voucher_line",
            self.config.id,
            voucher.code,
            self.patient.id,
            130.0,
            0.0,
            bill,
        )
        self.assertIsNone(error)
        self.assertEqual(line["price_unit"], -8.0)
        self.assertEqual(line["label"], "10 % off, on Six-monthly cleaning")
        _result, error = self._call(
            "pos.order",
            "dental_loyalty_voucher_line",
            self.config.id,
            voucher.code,
            self.patient.id,
            50.0,
            0.0,
            self._lines((self.checkup, 50.0)),
        )
        self.assertIn("applies to Six-monthly cleaning only", error["message"])

    def test_the_sync_reads_the_scope_from_the_orders_lines(self):
        voucher = self._issue(self.whitening_off)
        lines = [(self.checkup, 1), (self.cleaning, 1)]
        _order, error = self._sync_rpc(
            self._voucher_order(lines, [(voucher.code, self.discount_product, -13.0)])
        )
        self.assertIn("takes at most", error["message"])
        order, error = self._sync_rpc(
            self._voucher_order(lines, [(voucher.code, self.discount_product, -8.0)])
        )
        self.assertIsNone(error)
        self.assertEqual(voucher.used_amount, 8.0)

    def test_a_category_scope_holds_for_the_register(self):
        self.whitening_off.write(
            {"product_ids": False, "product_categ_ids": self.cleaning.categ_id}
        )
        self._give_points(self.patient, 200)
        line, error = self._hold(
            "order-1",
            self.whitening_off,
            bill_total=130.0,
            bill_lines=self._lines((self.cleaning, 80.0), (self.checkup, 50.0)),
        )
        self.assertIsNone(error)
        # Both are basic services: the category takes both.
        self.assertEqual(line["price_unit"], -13.0)

    def test_forged_bill_lines_are_refused(self):
        hidden = self.env["product.product"].create(
            {"name": "Not sold here", "available_in_pos": False}
        )
        voucher = self._issue(self.whitening_off)
        for bill_lines in [
            "abc",
            [{"product_id": self.cleaning.id}],
            [{"product_id": self.cleaning.id, "amount": "NaN"}],
            [{"product_id": self.cleaning.id, "amount": 1e15}],
            [{"product_id": 2**40, "amount": 1.0}],
            [{"product_id": hidden.id, "amount": 80.0}],
            self._lines(*[(self.cleaning, 1.0)] * 301),
        ]:
            with self.subTest(bill_lines=str(bill_lines)[:60]):
                _result, error = self._call(
                    "pos.order",
                    "dental_loyalty_voucher_line",
                    self.config.id,
                    voucher.code,
                    self.patient.id,
                    130.0,
                    0.0,
                    bill_lines,
                )
                self.assertIn("not a bill", error["message"])
