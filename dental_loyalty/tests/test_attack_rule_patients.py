from odoo.tests import HttpCase, tagged

from .common_pos import DentalLoyaltyPosCommon, PosJsonRpcMixin


@tagged("post_install", "-at_install", "dental_loyalty_slow")
class TestRulePatientsOverTheWire(PosJsonRpcMixin, DentalLoyaltyPosCommon, HttpCase):
    """Whom a "chosen patients" rule is for is the loyalty managers' list: a
    cashier reads the rules, not their patients, by no door of the ORM; the
    register still loads the rules, tells a named patient so and the sale
    earns the rule."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cleaning_bonus.active = False
        cls.vip = cls.env["dental.loyalty.earning.rule"].create(
            {
                "name": "VIP list +30",
                "company_id": cls.company.id,
                "audience": "patients",
                "partner_ids": [(6, 0, cls.patient.ids)],
                "effect": "per_bill",
                "bonus_points": 30,
                "tier_multiplied": False,
            }
        )

    def setUp(self):
        super().setUp()
        self.authenticate(self.cashier.login, self.cashier.login)

    def test_a_cashier_reads_no_rules_patients(self):
        Rule = "dental.loyalty.earning.rule"
        doors = (
            ("read", [[self.vip.id], ["partner_ids"]], {}),
            ("search_read", [[["partner_ids", "in", self.patient.ids]]], {}),
            ("search", [[["partner_ids", "in", self.patient.ids]]], {}),
            (
                "web_read",
                [[self.vip.id]],
                {"specification": {"partner_ids": {"fields": {"display_name": {}}}}},
            ),
            ("web_read_group", [[], ["name"], ["partner_ids"]], {}),
            (
                "web_search_read",
                [[]],
                {"specification": {"name": {}, "partner_ids": {}}},
            ),
        )
        for method, args, kwargs in doors:
            result, error = self._call_kw(Rule, method, args, kwargs)
            self.assertIsNone(result, method)
            self.assertEqual(
                error["name"], "odoo.exceptions.AccessError", (method, error)
            )
        # The rule itself stays readable.
        rules, error = self._call(Rule, "read", [self.vip.id], ["name", "audience"])
        self.assertIsNone(error)
        self.assertEqual(rules[0]["audience"], "patients")

    def test_the_register_still_names_the_patient_and_the_sale_earns(self):
        data, error = self._call(
            "pos.session",
            "load_data",
            [self.pos_session.id],
            ["pos.config", "dental.loyalty.earning.rule"],
        )
        self.assertIsNone(error)
        loaded = data["dental.loyalty.earning.rule"]["data"]
        self.assertIn(self.vip.id, [rule["id"] for rule in loaded])
        figures, error = self._call(
            "res.partner", "read", self.patient.ids, ["dental_loyalty_rule_figures"]
        )
        self.assertIsNone(error)
        self.assertEqual(
            figures[0]["dental_loyalty_rule_figures"]["namedIn"], self.vip.ids
        )
        order, error = self._sync_rpc(self._order([(self.checkup, 1)]))
        self.assertIsNone(error)
        self.assertEqual(
            order.dental_loyalty_line_ids.filtered(
                lambda line: line.kind == "rule"
            ).mapped("points"),
            [30],
        )
