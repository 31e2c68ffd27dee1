from odoo.tests import tagged
from odoo.tools import mute_logger

from .test_referral_concurrency import CommittedReferralCase


@tagged("post_install", "-at_install", "dental_loyalty_slow")
class TestFirstVisitAtTwoRegisters(CommittedReferralCase):
    """Two registers sync the first two bills of a new patient at the same
    moment, with a first visit rule in force: one of them is the first
    visit, whichever wins."""

    def setUp(self):
        super().setUp()
        with self.db.cursor() as cr:
            env = self._env(cr)
            rule = env["dental.loyalty.earning.rule"].create(
                {
                    "name": "Race first visit +100",
                    "company_id": env.company.id,
                    "effect": "per_bill",
                    "bonus_points": 100,
                    "tier_multiplied": False,
                    "audience": "first_visit",
                }
            )
            self.rule_id = rule.id
        self.addCleanup(self._forget_rule)

    def _forget_rule(self):
        with self.db.cursor() as cr:
            # Ledger lines are undeletable through the ORM on purpose.
            cr.execute(
                "DELETE FROM dental_loyalty_ledger WHERE earning_rule_id = %s",
                [self.rule_id],
            )
            # Through the ORM: the engine's cached rules forget it.
            self._env(cr)["dental.loyalty.earning.rule"].browse(self.rule_id).unlink()

    def _first_visit_lines(self):
        with self.db.cursor() as cr:
            env = self._env(cr)
            lines = env["dental.loyalty.ledger"].search(
                [("earning_rule_id", "=", self.rule_id)]
            )
            wallets = env["dental.loyalty.wallet"].search(
                [("partner_id", "=", self.newcomer_id)]
            )
            return (
                [(line.pos_order_id.id, line.points) for line in lines],
                wallets._integrity_problems(wallets.ids),
            )

    @mute_logger("odoo.sql_db", "odoo.service.model")
    def test_two_first_bills_at_once_give_one_first_visit_bonus(self):
        first, second = self.orders
        outcomes = self._race(
            lambda env: self._settle(env, first),
            lambda env: self._settle(env, second),
        )
        self.assertEqual(outcomes, ["synced", "synced"])
        lines, problems = self._first_visit_lines()
        self.assertEqual(len(lines), 1, lines)
        self.assertIn(lines[0][0], self.orders)
        self.assertEqual(lines[0][1], 100)
        self.assertFalse(problems)
