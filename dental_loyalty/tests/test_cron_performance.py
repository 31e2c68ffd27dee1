from freezegun import freeze_time

from odoo.tests import tagged

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
