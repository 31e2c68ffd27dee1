from odoo.tests import tagged

from .common_pos import DentalLoyaltyPosCommon

# What the register's hold (dental_loyalty_reserve_points, asked when the points
# line is added) may cost, in queries, with an empty record cache (the model
# caches warm, as in a server that served one such call before), read off the
# SQL log. When this was written (issue 21; it cost 10 before), 7; 8 since the
# hold asks whether its bill is already paid:
# - the register, with the cashier's right to read it (one search);
# - whether an order of that uuid is stored paid (one count, on the uuid's
#   index: a hold for a paid bill would keep its points from others for nothing);
# - its company (the cap, the points' value, its currency);
# - the patient, with the cashier's right to read them (one search);
# - the company's currency (the amounts are rounded to it);
# - the patient's own wallet found by its lock, which also reads its row, tier
#   and whether lots are due for the catch-up (one UPDATE .. RETURNING: the lock
#   and the catch-up are the wallet's, shared with the sale and the redeem);
# - the holds on the wallet (the points other bills hold: here the first
#   bill's, whose points the offer sums before the hold is written);
# - this bill's hold written (one INSERT .. ON CONFLICT).
# The register sends the cashier's time zone with every call (their session's
# context): today's date then costs no read of the user. A family's wallet, or a
# patient who joins now, is found by a search first (one more).
RESERVE_QUERIES_AT_MOST = 8


@tagged("post_install", "-at_install", "dental_loyalty_slow")
class TestReserveQueries(DentalLoyaltyPosCommon):
    def _reserve(self, order_uuid, total=100.0):
        """The reserve's offer and its queries, as a request: an empty record
        cache and fresh transaction data first, then what a commit runs."""
        self.env.cr.flush()
        self.env.invalidate_all()
        orders = self.env["pos.order"].with_user(self.cashier)
        orders = orders.with_context(**self.register_context)
        before = self.cr.sql_log_count
        offer = orders.dental_loyalty_reserve_points(
            self.config.id, order_uuid, self.patient.id, total, None
        )
        self.env.cr.flush()
        return offer, self.cr.sql_log_count - before

    def test_a_reserve_with_a_cold_cache_costs_few_queries(self):
        self._give_points(self.patient, 5000)
        # A clinic's users have their time zone set; the register sends it.
        self.cashier.tz = "Europe/Brussels"
        # The cashier's session context (context_get reads the env's user).
        self.register_context = dict(self.cashier.with_user(self.cashier).context_get())
        # A first call warms the model caches, as a server's first request.
        self._reserve("0000-first-bill")
        offer, queries = self._reserve("0000-second-bill")
        self.assertEqual(offer["amount"], 30.0)
        self.assertLessEqual(queries, RESERVE_QUERIES_AT_MOST)
        # The hold is there, locked as before: both bills' points are held.
        holds = self.env["dental.loyalty.reservation"].search(
            [("wallet_id", "=", self._wallet().id)]
        )
        self.assertEqual(sorted(holds.mapped("points")), [offer["points"]] * 2)
