import logging
from datetime import date, timedelta
from statistics import median

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common_pos import DentalLoyaltyPosCommon

_logger = logging.getLogger(__name__)


@tagged("post_install", "-at_install")
class TestPosSyncQueries(DentalLoyaltyPosCommon):
    """A register syncing a backlog of offline orders pays no query per order for
    what it reads back: the orders' loyalty figures are read for all at once.
    Earning rules cost a sale no query per rule."""

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

    def _as_register(self):
        """The orders' model as the register calls it: its request's context
        names the user's language (the web client sends it with every call)."""
        return (
            self.env["pos.order"]
            .with_user(self.cashier)
            .with_context(lang=self.cashier.lang)
        )

    def _sync_queries(self, count):
        """(queries of one sync of ``count`` orders, the synced orders)."""
        orders = self._backlog(count)
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.cr.sql_log_count
        result = self._as_register().sync_from_ui(orders)
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

    def _ten_rules(self, tag):
        """Ten active rules of every kind, most of which give the backlog's
        orders points."""
        common = {"company_id": self.company.id}
        today = date.today()
        return self.env["dental.loyalty.earning.rule"].create(
            [
                {**common, "name": "All x1.5", "multiplier": 1.5},
                {
                    **common,
                    "name": "Category x2",
                    "product_categ_ids": [(6, 0, self.categ_basic.ids)],
                    "combination": "best",
                },
                {
                    **common,
                    "name": "Cleaning +40",
                    "effect": "per_unit",
                    "bonus_points": 40,
                    "product_ids": [(6, 0, self.cleaning.ids)],
                },
                {**common, "name": "Line +2", "effect": "per_line", "bonus_points": 2},
                {
                    **common,
                    "name": "Visit +5, 20 a month",
                    "effect": "per_bill",
                    "bonus_points": 5,
                    "cap_points": 20,
                },
                {
                    **common,
                    "name": "Staff +10",
                    "effect": "per_bill",
                    "bonus_points": 10,
                    "audience": "tags",
                    "tag_ids": [(6, 0, tag.ids)],
                },
                {
                    **common,
                    "name": "Bronze +3",
                    "effect": "per_bill",
                    "bonus_points": 3,
                    "audience": "tiers",
                    "tier_ids": [(6, 0, self.bronze.ids)],
                },
                {
                    **common,
                    "name": "First visit +100",
                    "effect": "per_bill",
                    "bonus_points": 100,
                    "audience": "first_visit",
                },
                {
                    **common,
                    "name": "Check-up x3, 50 a bill",
                    "multiplier": 3.0,
                    "product_ids": [(6, 0, self.checkup.ids)],
                    "cap_points": 50,
                    "cap_period": "bill",
                    "combination": "best",
                },
                {
                    **common,
                    "name": "Season +1",
                    "effect": "per_bill",
                    "bonus_points": 1,
                    "date_from": today - timedelta(days=30),
                    "date_to": today + timedelta(days=30),
                },
            ]
        )

    def test_ten_active_rules_cost_at_most_two_queries_more_than_none(self):
        Rule = self.env["dental.loyalty.earning.rule"]
        Rule.search([("company_id", "=", self.company.id)]).action_archive()
        tag = self.env["res.partner.category"].create({"name": "Staff"})
        self.patients[0].category_id = tag
        # The patient stays in their tier: a new tier is no rule's cost.
        self.gold.threshold = 2_000_000
        self.silver.threshold = 1_000_000
        # A first sync of the bill warms what any sale reads once; a sync
        # empties some of the caches a sale reads, and core's stock moves
        # flush in one statement more or less from one sync to the next: the
        # median of a few syncs is what a sync costs.
        self._sync_queries(1)
        none = median(self._sync_queries(1)[0] for _sync in range(5))
        self._ten_rules(tag)
        # Rules are read once per change of a rule (which empties the
        # registry's caches), not per sale: the first sync after reads them.
        self._sync_queries(1)
        syncs = [self._sync_queries(1) for _sync in range(5)]
        ten = median(queries for queries, _orders in syncs)
        given = syncs[0][1].dental_loyalty_line_ids.filtered(
            lambda line: line.kind == "rule"
        )
        _logger.info(
            "Queries of a sync: no rule %s, ten rules %s (%s gave)",
            none,
            ten,
            len(given),
        )
        # All but the first visit's and the lesser of the two best ones give.
        self.assertEqual(len(given), 8)
        self.assertLessEqual(ten, none + 2)
