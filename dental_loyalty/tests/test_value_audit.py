from unittest.mock import patch

from odoo.tests import tagged
from odoo.tools import SQL

from .test_pos_vouchers import VoucherRegisterCommon


@tagged("post_install", "-at_install")
class TestValueAudit(VoucherRegisterCommon):
    """The integrity check audits value, not only arithmetic: whatever path
    bends the worth of points (a payload the engine trusted, a settlement that
    was skipped, a hand-made SQL fix), the check names the order and leaves a
    to-do, although every wallet still adds up line by line."""

    def _problems(self, partner=None):
        wallet = self._wallet(partner)
        return (
            self.env["dental.loyalty.wallet"]
            ._integrity_problems(wallet.ids)
            .get(wallet.id, [])
        )

    def _sql(self, query, *args):
        self.env.flush_all()
        self.env.cr.execute(SQL(query, *args))
        self.env.invalidate_all()

    def _assertFound(self, text, partner=None):
        problems = self._problems(partner)
        self.assertTrue(
            any(text in problem for problem in problems),
            f"{text!r} not in {problems}",
        )

    def assertLedgerIntegrity(self):
        """Each test here bends value on purpose and asserts what the check
        finds; the arithmetic still adds up."""
        problems = self.env["dental.loyalty.wallet"]._integrity_problems(
            self._touched_wallet_ids()
        )
        for found in problems.values():
            self.assertFalse(
                [p for p in found if "add up" in p or "cached" in p], found
            )

    def test_honest_sales_refunds_and_vouchers_pass(self):
        self._give_points(self.patient, 1000)
        order = self._sync(self._order([(self.checkup, 4)], points=60))
        self._sync(self._refund_data(order, quantity=1, points=-15))
        self._sync(self._refund_data(order, quantity=3, points=-45))
        voucher = self._issue(self.ten_off)
        self._sync(
            self._voucher_order(
                [(self.checkup, 2)], [(voucher.code, self.discount_product, -10.0)]
            )
        )
        self.assertEqual(self._problems(), [])

    def test_points_paying_more_money_than_they_are_worth_are_found(self):
        self._give_points(self.patient, 1000)
        order = self._sync(self._order([(self.checkup, 2)], points=30))
        # What the register's payment said, doubled after the points were taken.
        self._sql(
            "UPDATE pos_payment SET amount = amount * 2 "
            "WHERE pos_order_id = %s AND payment_method_id = %s",
            order.id,
            self.points_pm.id,
        )
        self._assertFound("with points, which is 600 points, but 300 were taken")
        problems = self.env["dental.loyalty.wallet"]._cron_check_integrity()
        self.assertIn(self._wallet().id, problems)
        todo = self.env["mail.activity"].search(
            [("res_model", "=", "res.partner"), ("res_id", "=", self.patient.id)]
        )
        self.assertIn("which is 600 points", todo.note)

    def test_an_earning_on_money_the_bill_did_not_take_is_found(self):
        order = self._sync(self._order([(self.checkup, 2)]))  # 100 earned
        self.assertEqual(self._problems(), [])
        # The bill's lines now say 10.00 were sold: 100 points are too many.
        self._sql(
            "UPDATE pos_order_line SET price_subtotal_incl = 5 WHERE order_id = %s",
            order.id,
        )
        self._assertFound("earned 100 points on 100.0 paid with money")

    def test_a_refund_that_took_nothing_back_is_found(self):
        order = self._sync(self._order([(self.checkup, 2)]))  # 100 earned
        # A refund settled by a path that skipped the engine.
        with patch.object(
            type(self.env["pos.order"]), "_dental_loyalty_settle", lambda self: None
        ):
            self._sync(self._refund_data(order))
        self._assertFound("took back 0 points of the 100 it earned; their share is 100")

    def test_earned_points_already_spent_are_an_accounted_shortfall(self):
        order = self._sync(self._order([(self.checkup, 2)]))  # 100 earned
        other = self._sync(self._order([(self.checkup, 2)], points=10))
        self.assertEqual(other.dental_loyalty_points_spent, 100)
        self._sync(self._refund_data(order))
        shortfall = self.env["dental.loyalty.shortfall"].search(
            [("partner_id", "=", self.patient.id)]
        )
        self.assertEqual(shortfall.kind, "take_back")
        self.assertEqual(shortfall.res_id, order.id)
        self.assertEqual(self._problems(), [])

    def test_a_voucher_valid_again_while_its_bill_stands_is_found(self):
        voucher = self._issue(self.ten_off)
        self._sync(
            self._voucher_order(
                [(self.checkup, 2)], [(voucher.code, self.discount_product, -10.0)]
            )
        )
        self.assertEqual(self._problems(), [])
        self._sql(
            "UPDATE dental_loyalty_voucher SET state = 'valid' WHERE id = %s",
            voucher.id,
        )
        self._assertFound("(Valid) stands on bills that were not refunded: 1")
        self.assertNotIn(voucher.code, " ".join(self._problems()))

    def test_a_voucher_taking_more_than_it_recorded_is_found(self):
        voucher = self._issue(self.ten_off)
        order = self._sync(
            self._voucher_order(
                [(self.checkup, 2)], [(voucher.code, self.discount_product, -10.0)]
            )
        )
        self._sql(
            "UPDATE pos_order_line SET price_subtotal_incl = -40 "
            "WHERE order_id = %s AND dental_loyalty_voucher_id = %s",
            order.id,
            voucher.id,
        )
        self._assertFound("took 40.0 off bills but records 10.0")

    def test_a_lot_dated_before_its_session_opened_is_found(self):
        self._set_loyalty_settings(waiting_days=14)
        order = self._sync(self._order([(self.checkup, 2)]))
        self._sql(
            "UPDATE dental_loyalty_ledger SET date = date - 10, "
            "available_date = available_date - 10, "
            "expiry_date = expiry_date - 10 WHERE pos_order_id = %s",
            order.id,
        )
        self._assertFound("before the register's session opened")
