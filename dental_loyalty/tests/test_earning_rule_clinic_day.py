import json

from odoo import fields
from odoo.tests import HttpCase, tagged

from .test_earning_rules_over_the_wire import EarningRulesCommon


@tagged("post_install", "-at_install", "dental_loyalty_slow")
class TestEarningRuleClinicDay(EarningRulesCommon, HttpCase):
    """A sale's day is the clinic's (its working hours' time zone, UTC+7
    here), whoever syncs it and in whatever time zone: the day of its ledger
    lines, hence the day a rule's daily cap counts it in."""

    def _far_zone(self):
        """A time zone whose day is not the clinic's now: 18 hours behind it
        until 18:00 at the clinic, 7 hours ahead of it afterwards."""
        Rule = self.env["dental.loyalty.earning.rule"]
        clinic_now = Rule._clinic_time(self.company, fields.Datetime.now())
        return "Pacific/Pago_Pago" if clinic_now.hour < 18 else "Pacific/Kiritimati"

    def _sync_in_zone(self, data, zone):
        result, error = self._call_kw(
            "pos.order",
            "sync_from_ui",
            [[json.loads(json.dumps(data, default=str))]],
            {"context": {"tz": zone}},
        )
        self.assertIsNone(error)
        return self.env["pos.order"].browse(result["pos.order"][0]["id"])

    def test_a_caller_s_time_zone_opens_no_new_daily_cap(self):
        rule = self._rule(
            "Check-up +40, 50 a day",
            effect="per_bill",
            bonus_points=40,
            tier_multiplied=False,
            product_ids=[(6, 0, self.checkup.ids)],
            cap_points=50,
            cap_period="day",
        )
        Rule = self.env["dental.loyalty.earning.rule"]
        clinic_day = Rule._clinic_time(self.company, fields.Datetime.now()).date()
        zone = self._far_zone()
        first = self._sell([(self.checkup, 1)])
        self.assertEqual(self._given(first), {rule.name: 40})
        # The register syncs in a time zone a day away, then its cashier's
        # own time zone says so too: the clinic's day still, its cap spent.
        second = self._sync_in_zone(self._order([(self.checkup, 1)]), zone)
        self.assertEqual(self._given(second), {rule.name: 10})
        self.cashier.tz = zone
        third = self._sync_in_zone(self._order([(self.checkup, 1)]), zone)
        self.assertEqual(self._given(third), {})
        fourth, error = self._sync_rpc(self._order([(self.checkup, 1)]))
        self.assertIsNone(error)
        self.assertEqual(self._given(fourth), {})
        lines = (first | second | third | fourth).dental_loyalty_line_ids
        self.assertEqual(set(lines.mapped("date")), {clinic_day})
        self.assertEqual(sum(lines.filtered("earning_rule_id").mapped("points")), 50)
        # The register's preview counts the same day: nothing left today.
        self.patient.invalidate_recordset(["dental_loyalty_rule_figures"])
        figures = self.patient.with_user(self.cashier).dental_loyalty_rule_figures
        self.assertEqual(
            {int(rule_id): points for rule_id, points in figures["used"].items()},
            {rule.id: 50},
        )
