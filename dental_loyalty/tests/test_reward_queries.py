import logging

from odoo.tests import tagged

from .test_pos_vouchers import VoucherRegisterCommon

# What a reward redeemed at the register and its voucher used may cost, in
# queries, each call starting with an empty record cache (the model caches warm,
# as in a server that served one such call before), read off the SQL log. When
# this was written (flavour v of bench/ makes the same calls):
# - redeem, 21: the register and the patient checked, the wallet found, the
#   reward found and read in one query; the wallet locked and caught up; the
#   holds; the currency (the voucher's costs, given with it); the voucher; the
#   open lots and the lot taken; the redeem line and its take; the clinic's
#   message for vouchers; the wallet's sums and their update. No follower, no
#   "created" note, no recompute of the voucher (they took 9 more).
# - voucher line, 14: the register and its currency, the patient, the voucher
#   read with its search, the cashier's time zone (the day), the reward (its
#   scope stored with it), the discount product and its taxes.
# - what the voucher adds to a sync, 9: the order's extra line (core), the
#   reward, the voucher used with its costs in one update and its note, the
#   line linked to it, the receipt's vouchers bought on this visit.
# The bounds leave room for core's own changes, not for a query per voucher
# field, a re-read after an update or a recompute cascade.
_logger = logging.getLogger(__name__)

REDEEM_QUERIES_AT_MOST = 23
VOUCHER_LINE_QUERIES_AT_MOST = 15
VOUCHER_SYNC_QUERIES_AT_MOST = 11


@tagged("post_install", "-at_install", "dental_loyalty_slow")
class TestRewardQueries(VoucherRegisterCommon):
    def _queries(self, call):
        """``call``'s result and queries, as a request: an empty record cache
        first, then what a commit flushes."""
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.cr.sql_log_count
        result = call()
        self.env.flush_all()
        return result, self.cr.sql_log_count - before

    def _redeem(self):
        return self._queries(
            lambda: (
                self.env["pos.order"]
                .with_user(self.cashier)
                .dental_loyalty_redeem_reward(
                    self.config.id, self.patient.id, self.ten_off.id
                )
            )
        )

    def _voucher_line(self, code):
        return self._queries(
            lambda: (
                self.env["pos.order"]
                .with_user(self.cashier)
                .dental_loyalty_voucher_line(
                    self.config.id, code, self.patient.id, 100.0
                )
            )
        )

    def _sync_queries(self, code=None):
        voucher_lines = [(code, self.discount_product, -10.0)] if code else []
        data = self._voucher_order([(self.checkup, 2)], voucher_lines)
        order, count = self._queries(lambda: self._sync(data))
        self.assertEqual(order.state, "paid")
        return count

    def test_a_reward_redeemed_and_used_costs_few_queries(self):
        self._give_points(self.patient, 10 * self.ten_off.points_cost)
        # A first of each warms the model caches, as a server's first request.
        first, _count = self._redeem()
        issued, redeem = self._redeem()
        self._voucher_line(first["code"])
        line, voucher_line = self._voucher_line(issued["code"])
        self.assertEqual(line["price_unit"], -10.0)
        self._sync_queries(first["code"])
        self._sync_queries()
        without = self._sync_queries()
        with_voucher = self._sync_queries(issued["code"])
        voucher = self.Voucher.search([("code", "=", issued["code"])])
        self.assertEqual(voucher.state, "used")
        _logger.info(
            "A reward's path: redeem %s queries, voucher line %s, the sync +%s",
            redeem,
            voucher_line,
            with_voucher - without,
        )
        self.assertLessEqual(redeem, REDEEM_QUERIES_AT_MOST)
        self.assertLessEqual(voucher_line, VOUCHER_LINE_QUERIES_AT_MOST)
        self.assertLessEqual(with_voucher - without, VOUCHER_SYNC_QUERIES_AT_MOST)
