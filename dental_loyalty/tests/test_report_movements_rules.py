from odoo.tests import tagged

from .common_pos import DentalLoyaltyPosCommon


@tagged("post_install", "-at_install")
class TestMovementsReportRules(DentalLoyaltyPosCommon):
    """The movements report splits points by earning rule: each rule's lines
    under "Earning rules" and their rule, beside the base earning and an old
    earning's services' bonus, which keeps its split."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Rule = cls.env["dental.loyalty.earning.rule"]
        cls.cleaning_bonus.active = False
        cls.checkups = Rule.create(
            {
                "name": "Check-ups x2",
                "product_ids": [(6, 0, cls.checkup.ids)],
                "multiplier": 2,
            }
        )
        cls.first = Rule.create(
            {
                "name": "First visit +100",
                "audience": "first_visit",
                "effect": "per_bill",
                "bonus_points": 100,
            }
        )
        cls.Report = cls.env["dental.loyalty.movement.report"]
        cls.manager = cls._new_user(
            "dl_report_manager",
            "base.group_user,dental_loyalty.group_dental_loyalty_manager",
        )

    def _sell(self, product, quantity=1):
        return self._sync(self._order([{"product": product, "quantity": quantity}]))

    def _rows(self):
        self.env.flush_all()
        groups = self.Report.with_user(self.manager)._read_group(
            [("wallet_id", "=", self._wallet().id)],
            ["category", "earning_rule_id"],
            ["points:sum", "worth:sum"],
        )
        return {
            (category, rule.name or ""): (points, round(worth, 2))
            for category, rule, points, worth in groups
        }

    def test_points_split_by_rule(self):
        # An earning of before the rules, with a services' bonus of 40.
        self.Wallet._post_lines(
            [
                {
                    "wallet_id": self._wallet().id,
                    "kind": "earn",
                    "points": 140,
                    "paid_amount": 100,
                    "earn_rate": 1.0,
                    "bonus_basis": 40,
                    "tier_multiplier": 1.0,
                }
            ]
        )
        self._sell(self.checkup, 2)
        self._sell(self.checkup)
        self.assertEqual(
            self._rows(),
            {
                ("earned", ""): (100 + 100 + 50, 25.0),
                ("services_bonus", ""): (40, 4.0),
                ("rules", "Check-ups x2"): (150, 15.0),
                ("rules", "First visit +100"): (100, 10.0),
            },
        )

    def test_a_rule_archived_later_keeps_its_rows(self):
        self._sell(self.checkup)
        self.checkups.active = False
        self.first.active = False
        self.assertEqual(
            self._rows(),
            {
                ("earned", ""): (50, 5.0),
                ("rules", "Check-ups x2"): (50, 5.0),
                ("rules", "First visit +100"): (100, 10.0),
            },
        )
