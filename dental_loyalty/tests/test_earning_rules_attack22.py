from odoo.tests import HttpCase, tagged

from .test_earning_rules_over_the_wire import EarningRulesCommon


@tagged("post_install", "-at_install", "dental_loyalty_slow")
class TestEarningRuleArithmeticOverTheWire(EarningRulesCommon, HttpCase):
    """What an attacker tried on the served demo with a rule's arithmetic: a
    service cut into lines of a fraction of it, absurd figures on a rule, a
    category moved under a rule's cached paths, a receipt naming a rule in
    another language than the register."""

    def _rule_lines_read(self, order):
        """The receipt's rules as the register reads them back."""
        result, error = self._call(
            "pos.order", "read", order.ids, ["dental_loyalty_rule_lines"]
        )
        self.assertIsNone(error)
        return result[0]["dental_loyalty_rule_lines"]

    def test_a_service_cut_into_tenths_earns_one_lines_bonus(self):
        rule = self._rule(
            "First implant consultation +100",
            effect="per_line",
            bonus_points=100,
            product_ids=[(6, 0, self.implant.ids)],
        )
        # One consultation (200.00) sold as ten lines of a tenth each.
        order = self._sell([(self.implant, 0.1)] * 10)
        self.assertEqual(self._given(order), {rule.name: 100})
        self.assertEqual(order.dental_loyalty_points_earned, 200 + 100)
        self.assertEqual(
            self._rule_lines_read(order),
            [{"ruleId": rule.id, "name": rule.name, "points": 100}],
        )
        # Two whole consultations on two lines are two lines.
        again = self._sell([(self.implant, 1), (self.implant, 1)])
        self.assertEqual(self._given(again), {rule.name: 200})

    def test_the_integrity_check_counts_a_line_at_most_its_quantity(self):
        rule = self._rule(
            "Implant +100 a line",
            effect="per_line",
            bonus_points=100,
            product_ids=[(6, 0, self.implant.ids)],
        )
        sale = self._sell([(self.implant, 0.1)] * 10)
        wallet = self._wallet()
        Wallet = self.env["dental.loyalty.wallet"]
        self.assertFalse(Wallet._integrity_problems(wallet.ids))
        # What the engine gave before the fix: each tenth a whole line.
        savepoint = self.env.cr.savepoint()
        Wallet._post_lines(
            [
                {
                    "wallet_id": wallet.id,
                    "kind": "rule",
                    "pos_order_id": sale.id,
                    "member_id": self.patient.id,
                    "earning_rule_id": rule.id,
                    "rule_effect": "per_line",
                    "rule_factor": 100.0,
                    "tier_multiplier": 1.0,
                    "rule_basis": 10.0,
                    "points": 900,
                    "reason": rule.name,
                }
            ]
        )
        problems = Wallet._integrity_problems(wallet.ids)[wallet.id]
        self.env.flush_all()
        savepoint.close(rollback=True)
        self.env.invalidate_all()
        self.assertTrue(
            any(
                "on a basis of 10.0, more than its sale gives (1.0)" in p
                for p in problems
            ),
            problems,
        )
