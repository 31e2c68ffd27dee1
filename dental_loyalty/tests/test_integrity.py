from datetime import date

from freezegun import freeze_time

from odoo.tests import tagged
from odoo.tools import SQL, html2plaintext

from .common import DentalLoyaltyCommon


@tagged("post_install", "-at_install")
class TestIntegrityCheck(DentalLoyaltyCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        older = cls.env["res.partner"].create({"name": "Older Patient"})
        cls.older_wallet = older._dental_loyalty_wallet()
        cls.Wallet._post_lines(
            [
                {
                    "wallet_id": cls.older_wallet.id,
                    "kind": "adjust",
                    "points": 40,
                    "reason": "Test",
                }
            ]
        )

    def _tamper(self, wallet, column, value):
        # What only a broken update or a hand-made SQL fix could do.
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "UPDATE dental_loyalty_wallet SET %s = %s WHERE id = %s",
                SQL.identifier(column),
                value,
                wallet.id,
            )
        )
        wallet.invalidate_recordset()

    def test_a_wallet_that_does_not_add_up_leaves_one_todo_for_a_manager(self):
        lot = self._earn(self.patient, 300)
        wallet = lot.wallet_id
        Wallet = self.env["dental.loyalty.wallet"]
        self.assertFalse(Wallet._integrity_problems(wallet.ids))
        self._tamper(wallet, "points_available", 3300)
        problems = Wallet._cron_check_integrity()
        self.assertIn(
            "spendable points read 3300 instead of 300", problems[wallet.id][0]
        )
        Wallet._cron_check_integrity()
        todo = self.env["mail.activity"].search(
            [("res_model", "=", "res.partner"), ("res_id", "=", self.patient.id)]
        )
        self.assertEqual(len(todo), 1, "one to-do while it is open")
        self.assertIn(
            self.env.ref("dental_loyalty.group_dental_loyalty_manager"),
            todo.user_id.groups_id,
        )
        self.assertIn("does not add up", todo.note)
        self._tamper(wallet, "points_available", 300)

    def test_a_problem_found_again_is_not_repeated_on_the_open_todo(self):
        wallet = self._earn(self.patient, 300).wallet_id
        # Words with signs HTML escapes: an apostrophe, quotes, a bracket.
        problem = 'Check the patient\'s "Smile <3" voucher & its points.'
        for _night in range(3):
            wallet._report_problem(problem)
        todo = self.env["mail.activity"].search(
            [("res_model", "=", "res.partner"), ("res_id", "=", self.patient.id)]
        )
        self.assertEqual(len(todo), 1)
        self.assertEqual(html2plaintext(todo.note).count(problem), 1)
        wallet._report_problem("Another problem.")
        self.assertEqual(
            html2plaintext(todo.note).splitlines(), [problem, "Another problem."]
        )

    def test_lines_that_do_not_match_their_lots_are_found(self):
        lot = self._earn(self.patient, 300)
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE dental_loyalty_ledger SET remaining_points = 200 WHERE id = %s",
            [lot.id],
        )
        problems = self.env["dental.loyalty.wallet"]._integrity_problems(
            lot.wallet_id.ids
        )
        self.assertIn(
            "the lines add up to 300 but the lots hold 200",
            problems[lot.wallet_id.id],
        )
        self.env.cr.execute(
            "UPDATE dental_loyalty_ledger SET remaining_points = 300 WHERE id = %s",
            [lot.id],
        )
        lot.invalidate_recordset()

    def test_the_check_after_each_scenario_finds_a_wallet_the_test_broke(self):
        lot = self._earn(self.patient, 300)
        self.assertLedgerIntegrity()
        self._tamper(lot.wallet_id, "points_balance", 299)
        with self.assertRaisesRegex(AssertionError, "the ledger does not add up"):
            self.assertLedgerIntegrity()
        self._tamper(lot.wallet_id, "points_balance", 300)

    def test_the_check_after_each_scenario_finds_an_older_wallet_broken_by_sql(self):
        # A wallet of the class's setup, changed by nothing but a hand-made SQL
        # fix during the test: no ledger line of it was posted.
        wallet = self.older_wallet
        self.assertNotIn(wallet.id, self._touched_wallet_ids())
        self._tamper(wallet, "points_available", 1)
        self.assertIn(wallet.id, self._touched_wallet_ids())
        with self.assertRaisesRegex(AssertionError, "the ledger does not add up"):
            self.assertLedgerIntegrity()
        self._tamper(wallet, "points_available", 40)

    def test_managers_run_the_check_from_the_wallets(self):
        self._earn(self.patient, 50)
        wallets = self.env["dental.loyalty.wallet"].with_user(self.manager)
        action = wallets.action_check_integrity()
        self.assertEqual(action["params"]["type"], "success")


@tagged("post_install", "-at_install")
class TestNightlyJobsInBatches(DentalLoyaltyCommon):
    """Each call does one batch and says how many are left; the scheduler commits
    and calls again. Calling on after the end changes nothing."""

    def _patients(self, count, points):
        partners = self.env["res.partner"].create(
            [{"name": f"Batch {index}"} for index in range(count)]
        )
        wallets = self.env["dental.loyalty.wallet"]._get_for_partners(partners)
        for wallet in wallets:
            self.Wallet._post_lines(
                [
                    {
                        "wallet_id": wallet.id,
                        "kind": "earn",
                        "points": points,
                        "paid_amount": points,
                    }
                ]
            )
        return wallets

    def test_expiry_in_batches_expires_each_lot_once(self):
        self._set_loyalty_settings(validity_months=1)
        with freeze_time("2026-01-05"):
            self.Wallet._cron_expire_lots()  # what the demo data left to expire
            wallets = self._patients(5, 100)
        with freeze_time("2026-02-05"):
            left = [self.Wallet._cron_expire_lots(batch_size=2) for _call in range(4)]
        self.assertEqual(left, [3, 1, 0, 0])
        expired = self.Ledger.search(
            [("wallet_id", "in", wallets.ids), ("kind", "=", "expire")]
        )
        self.assertEqual(len(expired), 5)
        self.assertEqual(sum(wallets.mapped("points_balance")), 0)

    def test_release_in_batches(self):
        self._set_loyalty_settings(waiting_days=3)
        with freeze_time("2026-01-05"):
            wallets = self._patients(3, 100)
            self.assertEqual(sum(wallets.mapped("points_pending")), 300)
        with freeze_time("2026-01-08"):
            left = [
                self.Ledger._cron_release_pending(batch_size=2) for _call in range(3)
            ]
        self.assertEqual(left, [1, 0, 0])
        wallets.invalidate_recordset()
        self.assertEqual(sum(wallets.mapped("points_available")), 300)

    def test_tier_evaluation_in_batches_once_a_day(self):
        with freeze_time("2026-01-05"):
            wallets = self._patients(3, 600)
            self.assertEqual(set(wallets.tier_id.ids), {self.silver.id})
        Wallet = self.env["dental.loyalty.wallet"]
        with freeze_time("2027-02-01"):
            # The points left the window: the job moves them down, a batch a call.
            while Wallet._cron_evaluate_tiers(batch_size=2):
                pass
            self.assertEqual(set(wallets.tier_id.ids), {self.bronze.id})
            self.assertEqual(Wallet._cron_evaluate_tiers(batch_size=2), 0)
            self.assertEqual(
                set(wallets.mapped("tier_evaluated_date")), {date(2027, 2, 1)}
            )
