import json
from datetime import date

from freezegun import freeze_time

from odoo.tests import tagged
from odoo.tools import SQL

from .common import DentalLoyaltyCommon


@tagged("post_install", "-at_install", "dental_loyalty_slow")
class TestNightlyJobQueries(DentalLoyaltyCommon):
    """The nightly jobs work in sets: ten times the patients, the same queries."""

    def _patients_with_points(self, count, points=100):
        partners = self.env["res.partner"].create(
            [{"name": f"Patient {index}"} for index in range(count)]
        )
        wallets = self.env["dental.loyalty.wallet"]._get_for_partners(partners)
        self.Wallet._post_lines(
            [
                {
                    "wallet_id": wallet.id,
                    "kind": "earn",
                    "points": points,
                    "paid_amount": points,
                }
                for wallet in wallets
            ]
        )
        return wallets

    def _batch_plan_and_ids(self, model, domain, order, limit=1000):
        """The plan (JSON text) of a nightly batch's search and the ids it
        finds. A handful of rows reads fast either way: with sorting priced
        out the planner takes the walk the statement allows in the batch's
        order, as it chose to for 100,000 patients."""
        self.env.flush_all()
        self.cr.execute("SET LOCAL enable_sort = off")
        self.cr.execute("SET LOCAL enable_incremental_sort = off")
        self.addCleanup(self.cr.execute, "RESET enable_sort")
        self.addCleanup(self.cr.execute, "RESET enable_incremental_sort")
        query = model._search(domain, order=order, limit=limit)
        self.cr.execute(SQL("EXPLAIN (FORMAT JSON) %s", query.select()))
        plan = json.dumps(self.cr.fetchone()[0])
        self.cr.execute(query.select())
        return plan, {row[0] for row in self.cr.fetchall()}

    def test_expiry_and_release_queries_do_not_grow_with_patients(self):
        self._set_loyalty_settings(validity_months=1, waiting_days=3)
        with freeze_time("2026-01-01"):
            self.Wallet._cron_expire_lots()  # what the demo data left to expire
            few = self._patients_with_points(3)
        with freeze_time("2026-01-02"):
            many = self._patients_with_points(30)
        with freeze_time("2026-01-04"):
            release_few = self._queries(self.Ledger._cron_release_pending)
        with freeze_time("2026-01-05"):
            release_many = self._queries(self.Ledger._cron_release_pending)
        with freeze_time("2026-02-01"):
            expire_few = self._queries(self.Wallet._cron_expire_lots)
        with freeze_time("2026-02-02"):
            expire_many = self._queries(self.Wallet._cron_expire_lots)
        # Growth, not a count: core's own queries may change.
        self.assertLessEqual(release_many, release_few)
        self.assertLessEqual(expire_many, expire_few)
        self.assertEqual(sum(few.mapped("points_balance")), 0)
        self.assertEqual(sum(many.mapped("points_balance")), 0)
        self.assertIn(
            "Loyalty points expired: 100.", many[0].partner_id.message_ids[0].body
        )

    def test_a_release_batch_is_read_from_the_due_lots_not_past_every_line(self):
        self._set_loyalty_settings(waiting_days=3)
        with freeze_time("2026-01-01"):
            released = self._patients_with_points(3)
        with freeze_time("2026-01-05"):
            self.Ledger._cron_release_pending()
            due = self._patients_with_points(2)
        # Walking the primary key past every line released before took most of
        # the job's time at 100,000 patients.
        plan, found = self._batch_plan_and_ids(
            self.Ledger,
            self.Ledger._due_lots_domain(date(2026, 1, 8)),
            self.Ledger._DUE_LOTS_ORDER,
            self.Ledger._CRON_BATCH,
        )
        self.assertIn("dental_loyalty_ledger_due_lots_idx", plan)
        self.assertNotIn("dental_loyalty_ledger_pkey", plan)
        self.assertEqual(found, set(due.line_ids.ids))
        with freeze_time("2026-01-08"):
            self.Ledger._cron_release_pending()
        self.assertEqual((released | due).mapped("points_available"), [100] * 5)

    def test_a_tier_batch_is_read_from_the_due_wallets_not_past_every_wallet(self):
        with freeze_time("2026-03-01 12:00"):
            today = self.env.company._dental_loyalty_today()
            evaluated = self._patients_with_points(3, points=600)
            while self.Wallet._cron_evaluate_tiers(batch_size=2):
                pass
            due = self._patients_with_points(2, points=600)
            pinned = self._patients_with_points(1, points=600)
            pinned._set_tier(self.gold, pinned=True, reason="Board member")
        # In id order the batch walked the primary key past every wallet
        # evaluated before, most of the job's time at 100,000 patients.
        plan, found = self._batch_plan_and_ids(
            self.Wallet,
            self.Wallet._tier_due_domain(today),
            self.Wallet._TIER_DUE_ORDER,
        )
        self.assertIn("dental_loyalty_wallet_tier_due_idx", plan)
        self.assertNotIn("dental_loyalty_wallet_pkey", plan)
        self.assertTrue(set(due.ids) <= found)
        self.assertFalse(found & set((evaluated | pinned).ids))
        with freeze_time("2026-03-01 12:00"):
            self.assertEqual(self.Wallet._cron_evaluate_tiers(batch_size=1), 1)
            self.assertEqual(self.Wallet._cron_evaluate_tiers(batch_size=1), 0)
        self.assertEqual(set(due.tier_id.ids), {self.silver.id})

    def test_tier_evaluation_queries_do_not_grow_with_patients(self):
        with freeze_time("2025-03-01"):
            few = self._patients_with_points(3, points=600)
            many = self._patients_with_points(30, points=600)
        self.assertEqual(set((few | many).tier_id.ids), {self.silver.id})
        Wallet = self.env["dental.loyalty.wallet"]
        with freeze_time("2026-03-02"):
            # The points left the 12-month window: everyone drops to Bronze.
            evaluate_few = self._queries(
                lambda: few._evaluate_tier(allow_downgrade=True)
            )
            evaluate_many = self._queries(
                lambda: many._evaluate_tier(allow_downgrade=True)
            )
            Wallet._cron_evaluate_tiers()
        self.assertLessEqual(evaluate_many, evaluate_few)
        self.assertEqual(set((few | many).tier_id.ids), {self.bronze.id})
        self.assertIn("from Silver to Bronze", many[-1].partner_id.message_ids[0].body)
