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
# - what the voucher adds to a sync, 8: the order's extra line (core), the
#   reward, the voucher used with its costs and the line linked to it in one
#   statement, its note, the receipt's vouchers bought on this visit.
# A reward chosen at the register (the Rewards button, held_rewards.js; flavour
# v of bench/ makes its calls) is held on the bill, then bought by the sync:
# - hold, 16: the register (its company: the bill's amounts rounded to the
#   company's currency, as a points payment's, not the journal's), the
#   patient, the reward read (its scope with it: the bill's lines are only
#   checked for their shape, no product read, for a reward without one), the
#   wallet found by its lock (and caught up; no search before it, as the
#   reserve), the cashier and their partner (the day in their time zone),
#   the holds read once (what is left for the register is known from them),
#   the voucher and its hold inserted (no search for a hold a new voucher
#   cannot have), the discount product and its taxes (the line's price); the
#   holds again and the catalog, for the Rewards cue the answer carries: 2
#   queries where the register asked for the offers again after a hold (a
#   call of 9).
# - priced again at Pay (repriceVouchers), 15: as the voucher line below,
#   with the bill's products (one search), the held voucher's hold read with
#   its row (one query: ``_hold_of``) and its expiry renewed.
# - what the held voucher adds to a sync, 11: the order's extra line (core:
#   its sequence, its cost), the clinic's time zone (the voucher's day), the
#   voucher's hold read with its row (one query), the reward, the voucher used
#   with its costs and the line linked to it in one statement, its note (and
#   its author), the redeem line posted with the sale's lines, under the
#   sale's lock of the wallet: the wallet's holds, its open lots, the line's
#   take (the line itself, the sums update and the hold's delete go with the
#   sale's); the lot's remaining points. The receipt takes the redeem line
#   from the sale that posted it, with no search (12 with it). It posted apart
#   before (19): a second lock, insert, delete and sums update, and the hold
#   read in two; the line was linked by an update of its own (14).
# The cues of the Rewards and Vouchers buttons, asked when a patient is chosen
# (desk_buttons.js; flavours c, v and r of bench/ ask for them):
# - offers, 9: the register, its company's programme (with what the patient's
#   access check reads of it), the patient, the wallet, its holds and its
#   figures, the catalog read with its search, the clinic's time zone (the
#   day), the patient's vouchers. The vouchers' part checked the register and
#   the patient again, and the company and the catalog were each read apart
#   from what found them (12).
# The bounds leave room for core's own changes, not for a query per voucher
# field, a re-read after an update or a recompute cascade.
_logger = logging.getLogger(__name__)

HOLD_QUERIES_AT_MOST = 16
OFFERS_QUERIES_AT_MOST = 10
HELD_PRICED_QUERIES_AT_MOST = 15
HELD_SYNC_QUERIES_AT_MOST = 11
REDEEM_QUERIES_AT_MOST = 23
VOUCHER_LINE_QUERIES_AT_MOST = 15
VOUCHER_SYNC_QUERIES_AT_MOST = 8


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

    def _hold(self, order_uuid):
        return self._queries(
            lambda: (
                self.env["pos.order"]
                .with_user(self.cashier)
                .dental_loyalty_hold_reward(
                    self.config.id,
                    order_uuid,
                    self.patient.id,
                    self.ten_off.id,
                    100.0,
                    0.0,
                    [{"product_id": self.checkup.id, "amount": 100.0}],
                )
            )
        )

    def _held_sync(self):
        """A bill with a reward held on it, paid: the hold's and the sync's
        queries."""
        data = self._voucher_order([(self.checkup, 2)], [])
        line, hold = self._hold(data["uuid"])
        self.assertTrue(line["held"])
        # At Pay the register prices its voucher lines again (repriceVouchers).
        priced, pay = self._queries(
            lambda: (
                self.env["pos.order"]
                .with_user(self.cashier)
                .dental_loyalty_voucher_line(
                    self.config.id,
                    line["code"],
                    self.patient.id,
                    100.0,
                    0.0,
                    [{"product_id": self.checkup.id, "amount": 100.0}],
                    data["uuid"],
                )
            )
        )
        self.assertEqual(priced["price_unit"], line["price_unit"])
        data = self._voucher_order(
            [(self.checkup, 2)],
            [(line["code"], self.discount_product, line["price_unit"])],
            uuid=data["uuid"],
        )
        order, count = self._queries(lambda: self._sync(data))
        self.assertEqual(order.state, "paid")
        voucher = self.Voucher.search([("code", "=", line["code"])])
        self.assertEqual((voucher.state, voucher.pos_order_id), ("used", order))
        return hold, pay, count

    def test_a_reward_held_on_the_bill_and_paid_costs_few_queries(self):
        self._give_points(self.patient, 10 * self.ten_off.points_cost)
        # A first of each warms the model caches, as a server's first request.
        self._held_sync()
        self._sync_queries()
        without = self._sync_queries()
        hold, pay, with_held = self._held_sync()
        _logger.info(
            "A reward held on the bill: hold %s queries, priced at Pay %s, "
            "the sync +%s",
            hold,
            pay,
            with_held - without,
        )
        self.assertLessEqual(hold, HOLD_QUERIES_AT_MOST)
        self.assertLessEqual(pay, HELD_PRICED_QUERIES_AT_MOST)
        self.assertLessEqual(with_held - without, HELD_SYNC_QUERIES_AT_MOST)

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

    def test_the_offers_asked_when_a_patient_is_chosen_cost_few_queries(self):
        self._give_points(self.patient, 10 * self.ten_off.points_cost)
        offers = self.env["pos.order"].with_user(self.cashier)
        # A first call warms the model caches, as a server's first request.
        offers.dental_loyalty_patient_offers(self.config.id, self.patient.id)
        answer, count = self._queries(
            lambda: offers.dental_loyalty_patient_offers(
                self.config.id, self.patient.id
            )
        )
        _logger.info("The patient's offers: %s queries", count)
        self.assertTrue(answer["claimable"])
        self.assertLessEqual(count, OFFERS_QUERIES_AT_MOST)
