import logging

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common_pos import DentalLoyaltyPosCommon

_logger = logging.getLogger(__name__)


@tagged("post_install", "-at_install")
class TestPosSyncQueries(DentalLoyaltyPosCommon):
    """A register syncing a backlog of offline orders pays no query per order for
    what it reads back: the orders' loyalty figures are read for all at once."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Earned points wait: each order reads back a pending figure and its date.
        cls.company.dental_loyalty_waiting_days = 30
        cls.patients = cls.env["res.partner"].create(
            [{"name": f"Backlog Patient {index}"} for index in range(5)]
        )

    def setUp(self):
        super().setUp()
        # A first order per patient makes their wallet and warms the caches.
        for patient in self.patients:
            self._sync(self._order([(self.checkup, 1)], partner=patient))

    def _backlog(self, count):
        return [
            self._order([(self.checkup, 1), (self.cleaning, 1)], partner=patient)
            for patient in self.patients[:count]
        ]

    def _sync_queries(self, count):
        """(queries of one sync of ``count`` orders, the synced orders)."""
        orders = self._backlog(count)
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.cr.sql_log_count
        result = self.env["pos.order"].with_user(self.cashier).sync_from_ui(orders)
        self.env.flush_all()
        queries = self.cr.sql_log_count - before
        synced = self.env["pos.order"].browse(
            [order["id"] for order in result["pos.order"]]
        )
        self.assertEqual(len(synced), count)
        return queries, synced

    def _read_back_queries(self, orders):
        """The queries of reading ``orders`` as the sync answers the register."""
        orders = orders.with_user(self.cashier)
        fields = orders._load_pos_data_fields(self.config.id)
        # A first read fills what a request reads once, whatever it reads.
        orders.read(fields, load=False)
        self.env.invalidate_all()
        with self.assertLogs("odoo.sql_db", "DEBUG") as logs:
            records = orders.read(fields, load=False)
        self.assertTrue(all(record["dental_loyalty_pending"] for record in records))
        return [log.getMessage().split("query: ", 1)[-1][:300] for log in logs.records]

    def test_backlog_costs_no_more_per_order_than_one_order(self):
        one, one_order = self._sync_queries(1)
        five, five_orders = self._sync_queries(5)
        read_one = self._read_back_queries(one_order)
        read_five = self._read_back_queries(five_orders)
        _logger.info(
            "Queries: sync of 1 order %s, of 5 orders %s; read back of 1 order "
            "%s, of 5 orders %s",
            one,
            five,
            len(read_one),
            len(read_five),
        )
        self.assertLessEqual(five, 5 * one)
        # Reading the orders back, figures included, costs as much for five
        # orders as for one.
        self.assertEqual(len(read_five), len(read_one), "\n".join(read_five))

    def test_backlog_reads_back_each_patients_figures(self):
        _queries, orders = self._sync_queries(5)
        fields = orders._load_pos_data_fields(self.config.id)
        for record in orders.with_user(self.cashier).read(fields, load=False):
            order = orders.browse(record["id"])
            wallet = order.partner_id._dental_loyalty_wallet(self.company)
            self.assertEqual(record["dental_loyalty_points_earned"], 130 + 40)
            self.assertEqual(record["dental_loyalty_balance"], wallet.points_available)
            self.assertEqual(record["dental_loyalty_pending"], wallet.points_pending)
            self.assertEqual(
                record["dental_loyalty_pending_date"], wallet._next_release_date()
            )
            self.assertEqual(record["dental_loyalty_tier_name"], "Bronze")

    def test_lock_check_reads_all_orders_in_one_query(self):
        _queries, orders = self._sync_queries(5)
        orders = orders.with_user(self.cashier)
        self.env.invalidate_all()
        with self.assertQueryCount(1):
            self.assertEqual(orders._dental_loyalty_locked(), orders)
        draft = self.env["pos.order"].create(
            {
                "session_id": self.pos_session.id,
                "amount_total": 0.0,
                "amount_tax": 0.0,
                "amount_paid": 0.0,
                "amount_return": 0.0,
            }
        )
        self.assertFalse(draft._dental_loyalty_locked())
        # One paid order among them is enough to refuse the change.
        with self.assertRaisesRegex(UserError, "its payments can no longer"):
            (draft | orders[2]).with_user(self.cashier)._dental_loyalty_check_unlocked(
                "payments"
            )
        # A draft order alone is not.
        draft.with_user(self.cashier)._dental_loyalty_check_unlocked("payments")
