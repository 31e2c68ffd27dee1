from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged

from .test_earning_rules_over_the_wire import EarningRulesCommon


@tagged("post_install", "-at_install", "dental_loyalty_slow")
class TestEarningRuleFirstVisit(EarningRulesCommon, HttpCase):
    """A first visit is a patient's first paid sale in the company: once,
    whatever times the register claims for the bills, and still once after the
    first sale is refunded. The register's preview says the same."""

    def setUp(self):
        super().setUp()
        self._rule(
            "First implant consultation +100",
            effect="per_line",
            bonus_points=100,
            audience="first_visit",
            product_ids=[(6, 0, self.implant.ids)],
        )

    def _first_visit_points(self, order):
        return self._given(order).get("First implant consultation +100", 0)

    def _preview_says_first_visit(self):
        self.patient.invalidate_recordset(["dental_loyalty_rule_figures"])
        return self.patient.with_user(self.cashier).dental_loyalty_rule_figures[
            "firstVisit"
        ]

    def test_a_bill_dated_before_the_first_is_no_first_visit_again(self):
        now = fields.Datetime.now()
        self._session_opened_at(now - timedelta(hours=3))
        self.assertTrue(self._preview_says_first_visit())
        first = self._sell([(self.implant, 1)])
        self.assertEqual(self._first_visit_points(first), 100)
        self.assertFalse(self._preview_says_first_visit())
        # Each bill claims a time before every bill already synced, within
        # the session: none of them is a first visit.
        for minutes in (30, 60, 90):
            data = self._order([(self.implant, 1)])
            data["date_order"] = fields.Datetime.to_string(
                now - timedelta(minutes=minutes)
            )
            order, error = self._sync_rpc(data)
            self.assertIsNone(error)
            self.assertLess(
                order.dental_loyalty_visit_time, first.dental_loyalty_visit_time
            )
            self.assertEqual(self._first_visit_points(order), 0)
        # One first visit bonus in all.
        given = self._wallet().line_ids.filtered(lambda line: line.kind == "rule")
        self.assertEqual(sum(given.mapped("points")), 100)

    def test_a_refunded_first_sale_was_still_the_first_visit(self):
        first = self._sell([(self.implant, 1)])
        self.assertEqual(self._first_visit_points(first), 100)
        refund, error = self._sync_rpc(self._refund_data(first))
        self.assertIsNone(error)
        self.assertEqual(refund.dental_loyalty_points_earned, -300)
        self.assertFalse(self._preview_says_first_visit())
        again = self._sell([(self.implant, 1)])
        self.assertEqual(self._first_visit_points(again), 0)
        self.assertEqual(self._wallet().points_balance, 200)
