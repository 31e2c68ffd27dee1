from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged

from .test_earning_rules_over_the_wire import EarningRulesCommon
from .test_families import FamilyMixin


@tagged("post_install", "-at_install", "dental_loyalty_slow")
class TestEarningRuleCapsOverTheWire(FamilyMixin, EarningRulesCommon, HttpCase):
    """Caps, how rules combine, refunds and later changes of a rule, as the
    register syncs: a capped rule gives a member no more than its cap in its
    period, whatever the bills; refunds take its points back and free its cap;
    what a sale earned stays what it earned."""

    def _visit(self, name, bonus_points=30, **vals):
        return self._rule(name, effect="per_bill", bonus_points=bonus_points, **vals)

    def test_a_cap_per_bill_and_one_per_month_across_bills(self):
        self._rule(
            "Cleaning +40 a unit, 50 a bill",
            effect="per_unit",
            bonus_points=40,
            product_ids=[(6, 0, self.cleaning.ids)],
            cap_points=50,
            cap_period="bill",
        )
        self._visit("Visit +30, 50 a month", cap_points=50, cap_period="month")
        # The last day of last month: a period of its own.
        last_month = fields.Datetime.now().replace(
            day=1, hour=5, minute=0, second=0, microsecond=0
        ) - timedelta(days=1)
        before = self._sell([(self.cleaning, 3)], when=last_month)
        self.assertEqual(
            self._given(before),
            {"Cleaning +40 a unit, 50 a bill": 50, "Visit +30, 50 a month": 30},
        )
        first = self._sell([(self.cleaning, 3)])
        self.assertEqual(
            self._given(first),
            {"Cleaning +40 a unit, 50 a bill": 50, "Visit +30, 50 a month": 30},
        )
        second = self._sell([(self.checkup, 1)])
        self.assertEqual(self._given(second), {"Visit +30, 50 a month": 20})
        third = self._sell([(self.checkup, 1)])
        self.assertEqual(self._given(third), {})
        # The base points alone, at Silver by now (x1.25).
        self.assertEqual(self._wallet().tier_id, self.silver)
        self.assertEqual(third.dental_loyalty_points_earned, 62)

    def test_each_member_of_a_family_has_a_cap_of_their_own(self):
        child = self.env["res.partner"].create({"name": "Bao Tran"})
        family = self._make_family(self.env, self.patient, child)
        self._visit("Visit +30, 40 a week", cap_points=40, cap_period="week")
        given = [
            self._given(self._sell([(self.checkup, 1)], partner=partner))
            for partner in (self.patient, child, self.patient, child)
        ]
        self.assertEqual(
            [figures.get("Visit +30, 40 a week") for figures in given],
            [30, 30, 10, 10],
        )
        lines = family.wallet_id.line_ids.filtered(lambda line: line.kind == "rule")
        self.assertEqual(
            sorted((line.member_id.name, line.points) for line in lines),
            [("Bao Tran", 10), ("Bao Tran", 30), ("Minh Tran", 10), ("Minh Tran", 30)],
        )

    def test_the_best_rule_alone_and_the_first_of_equals(self):
        self._visit("Best 20", bonus_points=20, sequence=1, combination="best")
        self._visit("Best 30, first", sequence=2, combination="best")
        self._visit("Best 30, second", sequence=3, combination="best")
        self._visit("Added 5", bonus_points=5, sequence=4)
        self._visit("Added 6", bonus_points=6, sequence=5)
        order = self._sell([(self.checkup, 1)])
        self.assertEqual(
            self._given(order), {"Best 30, first": 30, "Added 5": 5, "Added 6": 6}
        )
        self.assertEqual(order.dental_loyalty_points_earned, 50 + 41)

    def test_refunds_take_the_rule_points_back_and_free_the_cap(self):
        rule = self._rule(
            "Check-ups x2, 100 a month",
            product_ids=[(6, 0, self.checkup.ids)],
            cap_points=100,
            cap_period="month",
        )
        sale = self._sell([(self.checkup, 2)])
        self.assertEqual(self._given(sale), {"Check-ups x2, 100 a month": 100})
        given = sale.dental_loyalty_line_ids.filtered(lambda line: line.kind == "rule")
        # Half the bill back: half the base points and half the rule's.
        refund, error = self._sync_rpc(self._refund_data(sale, quantity=1))
        self.assertIsNone(error)
        self.assertEqual(refund.dental_loyalty_points_earned, -100)
        given.invalidate_recordset()
        self.assertEqual(given.remaining_points, 50)
        self.assertEqual(self._wallet().points_balance, 100)
        # What the refund took back of the rule is the patient's cap again.
        again = self._sell([(self.checkup, 2)])
        self.assertEqual(self._given(again), {"Check-ups x2, 100 a month": 50})
        # The rest of the first bill back: all it earned is gone.
        refund, error = self._sync_rpc(self._refund_data(sale, quantity=1))
        self.assertIsNone(error)
        self.assertEqual(refund.dental_loyalty_points_earned, -100)
        given.invalidate_recordset()
        self.assertEqual(given.remaining_points, 0)
        self.assertEqual(self._wallet().points_balance, 150)
        self.assertEqual(rule.cap_points, 100)

    def test_a_rule_changed_or_archived_later_changes_nothing_earned(self):
        rule = self._rule("Check-ups x2", product_ids=[(6, 0, self.checkup.ids)])
        sale = self._sell([(self.checkup, 1)])
        self.assertEqual(self._given(sale), {"Check-ups x2": 50})
        rule.write({"multiplier": 3.0, "cap_points": 10, "cap_period": "bill"})
        rule.action_archive()
        line = sale.dental_loyalty_line_ids.filtered(lambda line: line.kind == "rule")
        self.assertRecordValues(
            line,
            [
                {
                    "points": 50,
                    "rule_basis": 50.0,
                    "rule_factor": 1.0,
                    "rule_cap": 0,
                    "earning_rule_id": rule.id,
                }
            ],
        )
        self.assertEqual(self._given(self._sell([(self.checkup, 1)])), {})
        # A refund takes back what the sale earned, not what the rule says now.
        refund, error = self._sync_rpc(self._refund_data(sale))
        self.assertIsNone(error)
        self.assertEqual(refund.dental_loyalty_points_earned, -100)
        self.assertEqual(self._wallet().points_balance, 50)

    def test_the_integrity_check_catches_a_forged_rule_line(self):
        rule = self._visit("Visit +10, 20 a month", bonus_points=10, cap_points=20)
        sale = self._sell([(self.checkup, 1)])
        wallet = self._wallet()
        Wallet = self.env["dental.loyalty.wallet"]
        self.assertFalse(Wallet._integrity_problems(wallet.ids))
        forged = {
            "wallet_id": wallet.id,
            "kind": "rule",
            "pos_order_id": sale.id,
            "member_id": self.patient.id,
            "earning_rule_id": rule.id,
            "rule_effect": "per_bill",
            "rule_factor": 10.0,
            "tier_multiplier": 1.0,
            "rule_cap": 20,
            "rule_cap_period": "month",
            "reason": rule.name,
        }
        # What only a broken update or a hand-made fix could post; undone after.
        savepoint = self.env.cr.savepoint()
        Wallet._post_lines(
            [
                # Ten bills' worth on one bill.
                {**forged, "points": 100, "rule_basis": 10.0, "rule_cap": 0},
                # More than its basis gives, and past the cap of the month.
                {**forged, "points": 15, "rule_basis": 1.0},
            ]
        )
        problems = Wallet._integrity_problems(wallet.ids)[wallet.id]
        self.env.flush_all()
        savepoint.close(rollback=True)
        self.env.invalidate_all()
        self.assertTrue(
            any("on a basis of 10.0, more than its sale gives" in p for p in problems),
            problems,
        )
        self.assertTrue(any("but its basis gives 10" in p for p in problems), problems)
        self.assertTrue(
            any("in one period of its cap of 20" in p for p in problems), problems
        )
        self.assertFalse(Wallet._integrity_problems(wallet.ids))
