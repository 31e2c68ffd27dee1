from odoo.tests import HttpCase, tagged

from .common_pos import PosJsonRpcMixin
from .test_pos_vouchers import VoucherRegisterCommon


@tagged("post_install", "-at_install", "dental_loyalty_slow")
class TestRefundMoneyOverTheWire(PosJsonRpcMixin, VoucherRegisterCommon, HttpCase):
    """Refunds as a front-desk user sends them over JSON-RPC, paid out in cash:
    all the refunds of a sale together pay out in money at most the share of
    the money it took that the goods they return are; what points or a voucher
    paid comes back as points or not at all, never as cash."""

    def setUp(self):
        super().setUp()
        self.authenticate(self.cashier.login, self.cashier.login)

    def _assertRefused(self, data, money, points=None):
        """The refund is refused whole, naming the most it may pay in money
        and the points it may give back instead."""
        balance = self._wallet().points_balance
        refund, error = self._sync_rpc(data)
        self.assertIsNone(refund)
        message = error["message"]
        self.assertRegex(message, rf"may pay back at most \D*{money}\D* in money")
        if points is None:
            self.assertIn("the rest cannot be paid back", message)
        else:
            self.assertIn(f"give the rest back in points ({points} at most)", message)
        self.assertNotIn("Traceback", message)
        self.assertEqual(self._wallet().points_balance, balance)
        self.assertFalse(
            self.env["pos.order"].search([("uuid", "=", data["uuid"])]),
            "nothing of a refused refund is kept",
        )

    def test_points_paid_are_not_refunded_in_cash(self):
        """Attack s2: a sale paid partly with points, refunded whole in cash."""
        self._give_points(self.patient, 1000)
        sale, error = self._sync_rpc(self._order([(self.checkup, 3)], points=45))
        self.assertIsNone(error)  # 150.00: 450 points spent, 105.00 in cash
        balance = self._wallet().points_balance
        self._assertRefused(self._returns(sale, [3]), "105.00", points="450")
        # A cash payout beyond the share, points or not, is refused too.
        self._assertRefused(self._returns(sale, [3], points=-40), "105.00", "450")
        # The register's way: the points back as points, the cash as cash.
        refund, error = self._sync_rpc(self._returns(sale, [3], points=-45))
        self.assertIsNone(error)
        self.assertEqual(refund.state, "paid")
        # 450 points back, the 105 earned taken back.
        self.assertEqual(self._wallet().points_balance, balance + 450 - 105)

    def test_a_voucher_discount_is_not_refunded_in_cash(self):
        """Attack s1: a voucher bill, its goods alone refunded in cash."""
        voucher = self._issue(self.ten_off)
        sale, error = self._sync_rpc(
            self._voucher_order(
                [(self.checkup, 2)], [(voucher.code, self.discount_product, -10.0)]
            )
        )
        self.assertIsNone(error)  # 100.00 less 10.00, paid 90.00 in cash
        self._assertRefused(self._returns(sale, [2, None]), "90.00")
        voucher.invalidate_recordset()
        self.assertEqual(voucher.state, "used")
        # The goods and the discount line back: 90.00 in cash, the voucher too.
        refund, error = self._sync_rpc(self._returns(sale, [2, 1]))
        self.assertIsNone(error)
        self.assertEqual(refund.amount_paid, -90.0)
        voucher.invalidate_recordset()
        self.assertEqual(voucher.state, "valid")

    def test_refunds_in_pieces_pay_their_share_and_no_more(self):
        self._give_points(self.patient, 1000)
        sale, error = self._sync_rpc(self._order([(self.checkup, 4)], points=60))
        self.assertIsNone(error)  # 200.00: 600 points, 140.00 in cash
        # Each check-up back pays 35.00 in money and 150 points.
        _refund, error = self._sync_rpc(self._returns(sale, [1], points=-15))
        self.assertIsNone(error)
        # A second one all in cash is 15.00 over its share; 150 points at most.
        self._assertRefused(self._returns(sale, [1]), "35.00", points="150")
        # Its share in money, the rest in points: accepted.
        data = self._returns(sale, [1], points=-15)
        _refund, error = self._sync_rpc(data)
        self.assertIsNone(error)
        # The last two: 70.00 in money, what is left.
        self._assertRefused(self._returns(sale, [2], points=-20), "70.00", "300")
        _refund, error = self._sync_rpc(self._returns(sale, [2], points=-30))
        self.assertIsNone(error)
        refunds = sale.lines.refund_orderline_ids.order_id
        self.assertEqual(len(refunds), 3)
        cash = refunds.payment_ids.filtered(
            lambda payment: not payment.payment_method_id.dental_loyalty_points
        )
        self.assertAlmostEqual(sum(cash.mapped("amount")), -140.0)
        # All the points back, all the 140 earned taken back.
        self.assertEqual(self._wallet().points_balance, 1000)

    def test_a_voucher_bill_refunded_in_pieces_pays_its_share(self):
        voucher = self._issue(self.ten_off)
        sale, error = self._sync_rpc(
            self._voucher_order(
                [(self.checkup, 2)], [(voucher.code, self.discount_product, -10.0)]
            )
        )
        self.assertIsNone(error)
        # One check-up without its part of the discount: 50.00 for 45.00.
        self._assertRefused(self._returns(sale, [1, None]), "45.00")
        # With half the discount line: 45.00, twice.
        for _piece in range(2):
            _refund, error = self._sync_rpc(self._returns(sale, [1, 0.5]))
            self.assertIsNone(error)
        voucher.invalidate_recordset()
        self.assertEqual(voucher.state, "valid")

    def test_the_sold_part_of_a_mixed_order_is_no_payout(self):
        self._give_points(self.patient, 1000)
        sale, error = self._sync_rpc(self._order([(self.checkup, 2)], points=30))
        self.assertIsNone(error)  # 100.00: 300 points, 70.00 in cash
        # One check-up back (35.00 in money at most) and a cleaning sold
        # (80.00): the patient pays 30.00 when nothing comes back as points.
        self._assertRefused(
            self._returns(sale, [1], sold=[(self.cleaning, 1)]), "35.00", "150"
        )
        # 150 points back: the patient pays 45.00, the refund pays out 35.00.
        mixed, error = self._sync_rpc(
            self._returns(sale, [1], points=-15, sold=[(self.cleaning, 1)])
        )
        self.assertIsNone(error)
        self.assertAlmostEqual(mixed.amount_paid, 30.0)
        # The sale without points: a return netted against what is sold.
        plain, error = self._sync_rpc(self._order([(self.checkup, 2)]))
        self.assertIsNone(error)
        _mixed, error = self._sync_rpc(
            self._returns(plain, [1], sold=[(self.cleaning, 1)])
        )
        self.assertIsNone(error)
