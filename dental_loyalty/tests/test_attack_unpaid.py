from odoo.tests import HttpCase, tagged
from odoo.tools import SQL

from .test_held_rewards_over_the_wire import HeldRewardCommon


@tagged("post_install", "-at_install")
class TestUnpaidOverTheWire(HeldRewardCommon, HttpCase):
    """An order the register sends as paid is settled only when its payments
    cover its total (Odoo's own test): one they do not cover is refused at
    sync, so it earns nothing, uses or gives back no voucher, and no refund
    pays out cash for it."""

    def _unpaid(self, lines):
        """Order data of ``lines`` sent as paid, with no payment at all."""
        data = self._order(lines, cash=0.0)
        data.update(state="paid", payment_ids=[], amount_paid=0.0)
        return data

    def _bill(self, state, payments):
        """The checkup and the cleaning (130.00) sent with ``state`` (None: no
        state at all) and ``payments``, a list of (method, amount)."""
        data = self._order([(self.checkup, 1), (self.cleaning, 1)])
        data.pop("state", None)
        if state:
            data["state"] = state
        cash = data["payment_ids"][0][2]
        data["payment_ids"] = [
            (0, 0, {**cash, "payment_method_id": method.id, "amount": amount})
            for method, amount in payments
        ]
        data["amount_paid"] = sum(amount for _method, amount in payments)
        return data

    def _sync_unpaid(self, data):
        # helper-103: Odoo logged its own "not fully paid" at ERROR before the
        # engine refused; the engine refuses first now, and nothing is logged.
        with self.assertNoLogs("odoo.addons.point_of_sale.models.pos_order", "ERROR"):
            return self._sync_rpc(data)

    def _assert_refused_unpaid(self, data):
        """``data`` is refused at sync as not covered, and nothing is stored."""
        order, error = self._sync_unpaid(data)
        self.assertIsNone(order)
        self.assertIn("do not cover its total", error["message"])
        self.assertFalse(
            self.env["pos.order"].sudo().search([("uuid", "=", data["uuid"])])
        )

    def _ledger_count(self):
        return self.Ledger.sudo().search_count([("wallet_id", "=", self._wallet().id)])

    def test_a_bill_with_no_payment_is_refused_and_earns_nothing(self):
        before = self._ledger_count()
        self._assert_refused_unpaid(
            self._unpaid([(self.checkup, 1), (self.cleaning, 1)])
        )
        self.assertEqual(self._ledger_count(), before)

    def test_a_bill_sent_without_a_state_is_paid_only_if_covered(self):
        # helper-108: core pays every order not sent as a draft, one with no
        # state too; the engine's test looked at the order's state (still
        # draft), so Odoo logged "not fully paid" at ERROR, answered success
        # and kept the draft with its payments, points over the cap and the
        # balance among them, unchecked.
        self._give_points(self.patient, 2000)
        before = self._ledger_count()
        for label, payments in (
            ("no payment", []),
            ("short in cash", [(self.cash_pm1, 100.0)]),
            ("short in points", [(self.points_pm, 100.0)]),
        ):
            with self.subTest(label):
                self._assert_refused_unpaid(self._bill(None, payments))
        self.assertEqual(self._ledger_count(), before)
        # Covered, it is paid and earns as one sent paid.
        order, error = self._sync_unpaid(self._bill(None, [(self.cash_pm1, 130.0)]))
        self.assertIsNone(error)
        self.assertEqual(order.state, "paid")
        self.assertGreater(order.dental_loyalty_points_earned, 0)

    def test_a_cancelled_order_is_never_paid(self):
        # helper-109: an order sent cancelled keeps its payments (core pays it
        # not), and the cashier's call of Odoo's payment then marked it paid,
        # 130.00 in points of 36 spendable never taken; a draft cancelled by
        # the cashier went the same way.
        self._give_points(self.patient, 36)
        before = self._ledger_count()
        for label, data in (
            ("sent cancelled", self._bill("cancel", [(self.points_pm, 130.0)])),
            # A register's cancelled order, partly paid: stored as sent.
            ("sent cancelled, short", self._bill("cancel", [(self.cash_pm1, 10.0)])),
            ("a draft cancelled", self._bill("draft", [(self.points_pm, 130.0)])),
        ):
            with self.subTest(label):
                order, error = self._sync_unpaid(data)
                self.assertIsNone(error)
                if order.state == "draft":
                    _result, error = self._call(
                        "pos.order", "action_pos_order_cancel", order.ids
                    )
                    self.assertIsNone(error)
                order.invalidate_recordset()
                self.assertEqual(order.state, "cancel")
                _result, error = self._call(
                    "pos.order", "action_pos_order_paid", order.ids
                )
                self.assertIn("a cancelled order is never paid", error["message"])
                # helper-110: nor reopened, to be paid as a draft.
                _result, error = self._call(
                    "pos.order", "write", order.ids, {"state": "draft"}
                )
                self.assertIn("it cannot be reopened", error["message"])
                order.invalidate_recordset()
                self.assertEqual(order.state, "cancel")
                self.assertFalse(order.dental_loyalty_line_ids)
        self.assertEqual(self._ledger_count(), before)
        self.assertEqual(self._wallet().points_balance, 36)

    def test_a_refund_of_the_voucher_line_alone_with_no_payment_is_refused(self):
        self._give_points(self.patient, 500)
        self.whitening_off.write(
            {"discount_percent": 100.0, "product_ids": self.cleaning}
        )
        data = self._voucher_order([(self.checkup, 1), (self.cleaning, 1)], [])
        bill = [
            {"product_id": self.checkup.id, "amount": 50.0},
            {"product_id": self.cleaning.id, "amount": 80.0},
        ]
        line, error = self._hold(data["uuid"], self.whitening_off, 130.0, bill)
        self.assertIsNone(error)
        sale, error = self._sync_rpc(
            self._voucher_order(
                [(self.checkup, 1), (self.cleaning, 1)],
                [(line["code"], self.discount_product, line["price_unit"])],
                uuid=data["uuid"],
            )
        )
        self.assertIsNone(error)
        voucher = self._voucher(line["code"])
        self.assertEqual(voucher.state, "used")
        sold = sale.lines.filtered("dental_loyalty_voucher_id")
        refund = self._unpaid(
            [
                {
                    "product": sold.product_id,
                    "quantity": -1,
                    "refunded_orderline_id": sold.id,
                }
            ]
        )
        self.assertEqual(refund["amount_total"], 80.0)
        order, error = self._sync_unpaid(refund)
        self.assertIsNone(order)
        self.assertIn("do not cover its total", error["message"])
        voucher.invalidate_recordset()
        self.assertEqual(voucher.state, "used")

    def test_a_sale_that_took_no_money_caps_its_refund_at_nothing(self):
        # A sale from before the sync refused such orders: paid, no payment.
        sale, error = self._sync_rpc(self._order([(self.checkup, 1)]))
        self.assertIsNone(error)
        self.env.flush_all()
        self.env.cr.execute(
            SQL("DELETE FROM pos_payment WHERE pos_order_id = %s", sale.id)
        )
        sale.invalidate_recordset()
        refund, error = self._sync_rpc(self._refund_data(sale))
        self.assertIsNone(refund)
        self.assertIn("may pay back at most $\u00a00.00", error["message"])
