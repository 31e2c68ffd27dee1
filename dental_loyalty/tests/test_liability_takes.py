from unittest.mock import patch

from freezegun import freeze_time

from odoo.tests import tagged

from .common import DentalLoyaltyCommon, load_migration


@tagged("post_install", "-at_install")
class TestLedgerTakes(DentalLoyaltyCommon):
    """Every negative line records the points it took from each lot; the
    migration rebuilds them from a history posted before they were recorded."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Take = cls.env["dental.loyalty.ledger.take"]
        cls.child = cls.env["res.partner"].create({"name": "Bao Nguyen"})

    def _takes(self, wallets):
        takes = self.Take.search([("wallet_id", "in", wallets.ids)])
        return sorted(
            (take.line_id.id, take.lot_id.id, take.points, take.date) for take in takes
        )

    def _history(self):
        """A hand-made history: three lots (one pending when a spend came), a
        spend over two lots, a refund taking back a named lot, an expiry, and a
        transfer to a family member's wallet, who spends from it."""
        wallet = self.patient._dental_loyalty_wallet()
        child = self.child._dental_loyalty_wallet()
        lots = {}
        with freeze_time("2026-01-05"):
            lots[1] = self._earn(self.patient, 100)
            lots[2] = self._earn(self.patient, 100, expiry_date="2026-02-01")
        with freeze_time("2026-01-06"):
            self._set_loyalty_settings(waiting_days=30)
            lots[3] = self._earn(self.patient, 100)
            self._set_loyalty_settings(waiting_days=0)
        with freeze_time("2026-01-10"):
            spend = self._spend(self.patient, 150)  # lot 1, then lot 2; 3 waits
            self._post(self.patient, "earn_reversal", -40, lot_id=lots[3].id)
        with freeze_time("2026-02-01"):
            self.Wallet._cron_expire_lots()  # the 50 left of lot 2
        with freeze_time("2026-02-10"):
            self.Ledger._release_due_lots()
            wallet._transfer_points(child, "Family", points=60)
            self._spend(self.child, 10)
        return wallet | child, lots, spend

    def test_each_negative_line_records_what_it_took_from_each_lot(self):
        wallets, lots, spend = self._history()
        takes = self._takes(wallets)
        by_line = {}
        for line_id, lot_id, points, day in takes:
            by_line.setdefault(line_id, []).append((lot_id, points, day))
        self.assertEqual(
            by_line[spend.id],
            [
                (lots[1].id, 100, spend.date),
                (lots[2].id, 50, spend.date),
            ],
        )
        lines = self.Ledger.search([("wallet_id", "in", wallets.ids)])
        for line in lines.filtered(lambda line: line.points < 0):
            self.assertEqual(
                sum(points for _lot, points, _day in by_line[line.id]), -line.points
            )
        for lot in lines.filtered(lambda line: line.points > 0):
            self.assertEqual(
                sum(take[2] for take in takes if take[1] == lot.id),
                lot.points - lot.remaining_points,
                lot.display_name,
            )

    def test_one_batch_of_lines_records_its_takes_per_line(self):
        with freeze_time("2026-01-05"):
            lot_1 = self._earn(self.patient, 100)
            lot_2 = self._earn(self.patient, 100)
            wallet = self.patient._dental_loyalty_wallet()
            Take = type(self.Take)
            # The register's hot path: one create for all the batch's takes.
            with patch.object(
                Take, "create", autospec=True, side_effect=Take.create
            ) as create:
                first, second = self.Wallet._post_lines(
                    [
                        {"wallet_id": wallet.id, "kind": "spend", "points": -80},
                        {"wallet_id": wallet.id, "kind": "spend", "points": -80},
                    ]
                )
        self.assertEqual(create.call_count, 1)
        self.assertEqual(
            [
                (take.line_id, take.lot_id, take.points)
                for take in self.Take.search([("wallet_id", "=", wallet.id)])
            ],
            [(first, lot_1, 80), (second, lot_1, 20), (second, lot_2, 60)],
        )

    def _run_migration(self):
        module = load_migration("18.0.1.8.0/post-migrate-takes.py")
        self.env.flush_all()
        module.migrate(self.env.cr, "18.0.1.7.0")
        self.env.invalidate_all()

    def test_the_migration_rebuilds_the_takes_of_a_history(self):
        wallets, _lots, _spend = self._history()
        recorded = self._takes(wallets)
        self.env.flush_all()
        self.env.cr.execute(
            "DELETE FROM dental_loyalty_ledger_take WHERE wallet_id = ANY(%s)",
            [wallets.ids],
        )
        with self.assertLogs(
            "odoo.addons.dental_loyalty.models.dental_loyalty_ledger_take"
        ) as logs:
            self._run_migration()
        self.assertEqual(self._takes(wallets), recorded)
        self.assertIn("0 needed an adjustment", logs.output[-1])
        # Run again, it finds nothing to rebuild.
        self._run_migration()
        self.assertEqual(self._takes(wallets), recorded)

    def test_the_migration_adjusts_a_replay_that_disagrees_with_the_lots(self):
        with freeze_time("2026-01-05"):
            lot_1 = self._earn(self.patient, 100)
            lot_2 = self._earn(self.patient, 100)
        with freeze_time("2026-01-10"):
            spend = self._spend(self.patient, 100)
        wallet = self.patient._dental_loyalty_wallet()
        self.env.flush_all()
        # A history where the spend took lot 2 (an old engine's order, say):
        # the replay's FIFO says lot 1, the lots today say otherwise.
        self.env.cr.execute(
            "DELETE FROM dental_loyalty_ledger_take WHERE wallet_id = %s", [wallet.id]
        )
        self.env.cr.execute(
            "UPDATE dental_loyalty_ledger SET remaining_points = "
            "CASE id WHEN %s THEN 100 ELSE 0 END WHERE id IN %s",
            [lot_1.id, (lot_1.id, lot_2.id)],
        )
        with self.assertLogs(
            "odoo.addons.dental_loyalty.models.dental_loyalty_ledger_take"
        ) as logs:
            self._run_migration()
        self.assertIn("1 needed an adjustment", logs.output[-1])
        self.assertEqual(
            [
                (t.line_id, t.lot_id, t.points)
                for t in self.Take.search([])
                if t.wallet_id == wallet
            ],
            [(spend, lot_2, 100)],
        )
