from unittest.mock import patch

from odoo.modules.registry import Registry
from odoo.tests import HttpCase, new_test_user, tagged

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

    def test_a_manager_cannot_save_figures_the_ledger_cannot_hold(self):
        manager = new_test_user(
            self.env,
            login="dl_rule_manager",
            groups="base.group_user,dental_loyalty.group_dental_loyalty_manager",
        )
        self.authenticate(manager.login, manager.login)
        common = {"name": "Absurd", "company_id": self.company.id}
        for vals, sentence in (
            ({"multiplier": 1e12}, "at most 10."),
            ({"multiplier": 10.5}, "at most 10."),
            ({"effect": "per_unit", "bonus_points": 2**31 - 1}, "at most 100,000"),
            (
                {"effect": "per_unit", "bonus_points": -(2**31) - 1},
                "cannot be negative",
            ),
            (
                {"effect": "per_bill", "bonus_points": 5, "cap_points": 2**31},
                "10,000,000",
            ),
        ):
            result, error = self._call(
                "dental.loyalty.earning.rule", "create", [{**common, **vals}]
            )
            self.assertIsNone(result)
            self.assertIn(sentence, error["message"])
            self.assertNotIn("out of range", error["message"])
        rule, error = self._call(
            "dental.loyalty.earning.rule",
            "create",
            [{**common, "multiplier": 10.0, "cap_points": 10_000_000}],
        )
        self.assertIsNone(error)
        _result, error = self._call(
            "dental.loyalty.earning.rule", "write", rule, {"multiplier": 11.0}
        )
        self.assertIn("at most 10.", error["message"])

    def test_a_manager_is_told_what_is_wrong_with_a_figure(self):
        manager = new_test_user(
            self.env,
            login="dl_rule_manager_edges",
            groups="base.group_user,dental_loyalty.group_dental_loyalty_manager",
        )
        self.authenticate(manager.login, manager.login)
        rule, error = self._call(
            "dental.loyalty.earning.rule",
            "create",
            [{"name": "Edges", "company_id": self.company.id, "multiplier": 2.0}],
        )
        self.assertIsNone(error)
        for vals, sentence in (
            ({"effect": "per_bill", "bonus_points": -(2**40)}, "cannot be negative"),
            ({"cap_points": -(2**40)}, "cap cannot be negative"),
            ({"multiplier": -1e308}, "must be more than 1"),
            ({"multiplier": float("inf")}, "finite numbers"),
            # JSON's integers have no size limit; no float holds this one.
            ({"effect": "per_bill", "bonus_points": 10**400}, "finite numbers"),
            ({"date_from": "garbage"}, "must be dates"),
            ({"date_to": "0000-01-01"}, "must be dates"),
        ):
            edge = {"name": "Edge", "company_id": self.company.id, **vals}
            for method, args in (("create", [[edge]]), ("write", [rule, vals])):
                result, error = self._call_kw(
                    "dental.loyalty.earning.rule", method, args, {}
                )
                self.assertIsNone(result, (method, vals))
                self.assertIn(sentence, error["message"], (method, vals))

    def test_no_rule_makes_a_sale_overflow_the_ledger(self):
        saved_before = self._rule(
            "Check-ups x2", product_ids=[(6, 0, self.checkup.ids)]
        )
        self._rule(
            "Cleanings +100,000 a unit",
            effect="per_unit",
            bonus_points=100_000,
            product_ids=[(6, 0, self.cleaning.ids)],
        )
        # A rule saved before the bounds: the database holds it, the engine
        # counts it as the most a rule may say (x10).
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE dental_loyalty_earning_rule SET multiplier = 1e12 WHERE id = %s",
            [saved_before.id],
        )
        saved_before.invalidate_recordset()
        self.env.registry.clear_cache()
        # 200 cleanings: 20,000,000 points per unit's bonus, no more than
        # 10,000,000 from one rule on one bill.
        order = self._sell([(self.checkup, 1), (self.cleaning, 200)])
        self.assertEqual(
            self._given(order),
            {"Check-ups x2": 9 * 50, "Cleanings +100,000 a unit": 10_000_000},
        )
        self.assertEqual(
            order.dental_loyalty_points_earned, 50 + 16_000 + 450 + 10_000_000
        )

    def test_a_category_moved_moves_the_rules_on_it(self):
        self._rule("Cosmetic x2", product_categ_ids=[(6, 0, self.cosmetic.ids)])
        self.assertEqual(
            self._given(self._sell([(self.whitening, 1)])), {"Cosmetic x2": 100}
        )
        # Out of the services, to a tree of its own: its path changes.
        self.cosmetic.parent_id = False
        self.assertEqual(
            self._given(self._sell([(self.whitening, 1)])), {"Cosmetic x2": 100}
        )
        # The register's next load reads the new path.
        rules, error = self._call(
            "dental.loyalty.earning.rule",
            "search_read",
            [("name", "=", "Cosmetic x2")],
            ["pos_rule"],
        )
        self.assertIsNone(error)
        self.assertEqual(
            rules[0]["pos_rule"]["categPaths"], [self.cosmetic.parent_path]
        )
        # Under another parent, the rule on the services no longer holds it.
        self._rule(
            "Services +7",
            effect="per_bill",
            bonus_points=7,
            product_categ_ids=[(6, 0, self.services.ids)],
        )
        self.assertEqual(
            self._given(self._sell([(self.whitening, 1)])), {"Cosmetic x2": 100}
        )
        # A new name moves nothing: the rules stay cached.
        with patch.object(Registry, "clear_cache") as clear:
            self.cosmetic.name = "Aesthetics"
            self.cosmetic.parent_id = self.cosmetic.parent_id
        clear.assert_not_called()

    def test_the_receipt_names_a_rule_in_the_cashiers_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        rule = self._rule(
            "Whitening month x2", product_ids=[(6, 0, self.whitening.ids)]
        )
        rule.with_context(lang="fr_FR").name = "Mois du blanchiment x2"
        self.cashier.lang = "fr_FR"
        self.authenticate(self.cashier.login, self.cashier.login)
        order = self._sell([(self.whitening, 1)])
        self.assertEqual(
            self._rule_lines_read(order),
            [{"ruleId": rule.id, "name": "Mois du blanchiment x2", "points": 100}],
        )
        # The register named it so as well (it asks in its user's language).
        rules, error = self._call_kw(
            "dental.loyalty.earning.rule",
            "search_read",
            [[("id", "=", rule.id)], ["name"]],
            {"context": {"lang": "fr_FR"}},
        )
        self.assertIsNone(error)
        self.assertEqual(rules[0]["name"], "Mois du blanchiment x2")
        # An English cashier's receipt, the English name.
        self.cashier.lang = "en_US"
        self.authenticate(self.cashier.login, self.cashier.login)
        order = self._sell([(self.whitening, 1)])
        self.assertEqual(self._rule_lines_read(order)[0]["name"], "Whitening month x2")
