from datetime import date

from odoo.tests import tagged

from .common import DentalLoyaltyCommon


@tagged("post_install", "-at_install")
class TestMovementsReportRules(DentalLoyaltyCommon):
    """The movements report splits points by earning rule: each rule's lines
    under "Earning rules" and their rule, beside the base earning and an old
    earning's services' bonus, which keeps its split."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Rule = cls.env["dental.loyalty.earning.rule"]
        cls.whitening = Rule.create({"name": "Whitening month x2", "multiplier": 2})
        cls.first = Rule.create(
            {"name": "First visit +100", "effect": "per_bill", "bonus_points": 100}
        )
        cls.Report = cls.env["dental.loyalty.movement.report"]

    def _line(self, kind, points, **vals):
        wallet = self.patient._dental_loyalty_wallet()
        return self.Wallet._post_lines(
            [
                {
                    "wallet_id": wallet.id,
                    "kind": kind,
                    "points": points,
                    "date": date(2026, 3, 10),
                    **vals,
                }
            ]
        )

    def _rule_line(self, rule, points):
        return self._line(
            "rule",
            points,
            earning_rule_id=rule.id,
            rule_basis=points,
            rule_factor=1.0,
            tier_multiplier=1.0,
            reason=rule.name,
        )

    def test_points_split_by_rule(self):
        # An earning of before the rules, with a services' bonus of 40.
        self._line("earn", 140, paid_amount=100, bonus_basis=40, tier_multiplier=1)
        self._line("earn", 120, paid_amount=120, tier_multiplier=1)
        self._rule_line(self.whitening, 120)
        self._rule_line(self.whitening, 30)
        self._rule_line(self.first, 100)
        self.env.flush_all()
        wallet = self.patient._dental_loyalty_wallet()
        groups = self.Report.with_user(self.manager)._read_group(
            [("wallet_id", "=", wallet.id)],
            ["category", "earning_rule_id"],
            ["points:sum", "worth:sum"],
        )
        got = {
            (category, rule.name or ""): (points, round(worth, 2))
            for category, rule, points, worth in groups
        }
        self.assertEqual(
            got,
            {
                ("earned", ""): (220, 22.0),
                ("services_bonus", ""): (40, 4.0),
                ("rules", "Whitening month x2"): (150, 15.0),
                ("rules", "First visit +100"): (100, 10.0),
            },
        )

    def test_a_rule_archived_later_keeps_its_rows(self):
        self._rule_line(self.whitening, 60)
        self.whitening.active = False
        self.env.flush_all()
        rows = self.Report.with_user(self.manager).search(
            [("earning_rule_id", "=", self.whitening.id)]
        )
        self.assertEqual(rows.mapped("points"), [60])
        self.assertEqual(rows.category, "rules")
