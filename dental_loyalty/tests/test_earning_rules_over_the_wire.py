from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged

from ..models.dental_loyalty_earning_rule import WEEKDAY_FIELDS
from .common_pos import DentalLoyaltyPosCommon, PosJsonRpcMixin


class EarningRulesCommon(PosJsonRpcMixin, DentalLoyaltyPosCommon):
    """A clinic in Ho Chi Minh City (UTC+7) with dental services in a category
    and cosmetic ones below it; the register syncs over JSON-RPC as its
    cashier. Only the rules a test makes give bonus points (the cleaning's
    service bonus is archived); the base is one point per 1.00."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cleaning_bonus.active = False
        # The clinic's clock: its working hours' time zone.
        cls.company.resource_calendar_id.sudo().tz = "Asia/Ho_Chi_Minh"
        Category = cls.env["product.category"]
        cls.services = Category.create({"name": "Dental services"})
        cls.cosmetic = Category.create(
            {"name": "Cosmetic", "parent_id": cls.services.id}
        )
        cls.whitening = cls.create_product("Whitening", cls.cosmetic, 100.0)
        cls.implant = cls.create_product("Implant consultation", cls.services, 200.0)
        cls.staff = cls.env["res.partner.category"].create({"name": "Staff and family"})

    def setUp(self):
        super().setUp()
        self.authenticate(self.cashier.login, self.cashier.login)

    def _rule(self, name, **vals):
        return self.env["dental.loyalty.earning.rule"].create(
            {"name": name, "company_id": self.company.id, **vals}
        )

    def _sell(self, lines, when=None, partner=None, points=0.0):
        """The bill of ``lines`` synced as the register sends it, sold at
        ``when`` (naive UTC, in the register's session; now by default)."""
        data = self._order(lines, partner=partner, points=points)
        if when:
            self._session_opened_at(when - timedelta(hours=1))
            data["date_order"] = fields.Datetime.to_string(when)
        order, error = self._sync_rpc(data)
        self.assertIsNone(error)
        return order

    def _given(self, order):
        """{rule name: points} of the rules that gave the order points."""
        return {
            line.earning_rule_id.name: line.points
            for line in order.dental_loyalty_line_ids
            if line.kind == "rule"
        }


@tagged("post_install", "-at_install", "dental_loyalty_slow")
class TestEarningRulesOverTheWire(EarningRulesCommon, HttpCase):
    """What each kind of rule gives a bill the register syncs: decided by the
    server on the order's own lines, patient and time; the receipt counts it
    in the points earned."""

    def test_each_scope_gives_on_its_own_lines(self):
        self._rule("Every visit +10", effect="per_bill", bonus_points=10)
        self._rule(
            "Cleanings +5 a unit",
            effect="per_unit",
            bonus_points=5,
            product_ids=[(6, 0, self.cleaning.ids)],
        )
        self._rule("Dental services x2", product_categ_ids=[(6, 0, self.services.ids)])
        self._rule(
            "Cosmetic +7 a line",
            effect="per_line",
            bonus_points=7,
            product_categ_ids=[(6, 0, self.cosmetic.ids)],
        )
        self._rule(
            "Implants only +3",
            effect="per_bill",
            bonus_points=3,
            product_ids=[(6, 0, self.implant.ids)],
        )
        order = self._sell([(self.checkup, 1), (self.cleaning, 2), (self.whitening, 1)])
        # 50 + 160 + 100: 310 base points. The services' category holds the
        # whitening (in its child category), not the check-up nor the cleaning.
        self.assertEqual(
            self._given(order),
            {
                "Every visit +10": 10,
                "Cleanings +5 a unit": 10,
                "Dental services x2": 100,
                "Cosmetic +7 a line": 7,
            },
        )
        self.assertEqual(order.dental_loyalty_points_earned, 310 + 127)
        self.assertEqual(self._wallet().points_balance, 437)
        # "You earned ... points": the rules' points of the visit too.
        figures = self.patient._dental_loyalty_message_figures("earned", self.company)
        self.assertEqual(figures["points"], 437)

    def test_each_audience_gives_to_its_patients_only(self):
        lan = self.env["res.partner"].create({"name": "Lan Pham"})
        self.patient.category_id = [(4, self.staff.id)]
        self._rule("Every member +1", effect="per_bill", bonus_points=1)
        self._rule("Gold x2", audience="tiers", tier_ids=[(6, 0, self.gold.ids)])
        self._rule(
            "Staff +20",
            effect="per_bill",
            bonus_points=20,
            audience="tags",
            tag_ids=[(6, 0, self.staff.ids)],
        )
        self._rule(
            "Lan +30",
            effect="per_bill",
            bonus_points=30,
            audience="patients",
            partner_ids=[(6, 0, lan.ids)],
        )
        self._rule(
            "First visit +100",
            effect="per_bill",
            bonus_points=100,
            audience="first_visit",
        )
        first = self._sell([(self.checkup, 1)])
        self.assertEqual(
            self._given(first),
            {"Every member +1": 1, "Staff +20": 20, "First visit +100": 100},
        )
        # The second visit is no first one; a gold member's points are x1.5.
        self._wallet()._set_tier(self.gold)
        second = self._sell([(self.checkup, 1)])
        self.assertEqual(
            self._given(second),
            {"Every member +1": 1, "Gold x2": 75, "Staff +20": 30},
        )
        self.assertEqual(second.dental_loyalty_points_earned, 75 + 106)
        lans = self._sell([(self.checkup, 1)], partner=lan)
        self.assertEqual(
            self._given(lans),
            {"Every member +1": 1, "Lan +30": 30, "First visit +100": 100},
        )

    def test_dates_weekdays_and_hours_are_the_clinic_s(self):
        # 02:30 UTC ten days ago: 09:30 at the clinic, the same day.
        when = (fields.Datetime.now() - timedelta(days=10)).replace(
            hour=2, minute=30, second=0, microsecond=0
        )
        day = when.date()
        weekday = day.weekday()
        self._rule(
            "Around that day",
            effect="per_bill",
            bonus_points=1,
            date_from=day - timedelta(days=1),
            date_to=day,
        )
        self._rule(
            "From the day after",
            effect="per_bill",
            bonus_points=2,
            date_from=day + timedelta(days=1),
        )
        self._rule(
            "Until the day before",
            effect="per_bill",
            bonus_points=2,
            date_to=day - timedelta(days=1),
        )
        self._rule(
            "That weekday",
            effect="per_bill",
            bonus_points=4,
            **{WEEKDAY_FIELDS[weekday]: True},
        )
        self._rule(
            "Another weekday",
            effect="per_bill",
            bonus_points=8,
            **{WEEKDAY_FIELDS[(weekday + 1) % 7]: True},
        )
        self._rule(
            "Clinic mornings",
            effect="per_bill",
            bonus_points=16,
            hour_from=9,
            hour_to=10,
        )
        # The same hours in UTC are not the clinic's.
        self._rule(
            "UTC small hours",
            effect="per_bill",
            bonus_points=32,
            hour_from=2,
            hour_to=3,
        )
        self._rule(
            "Overnight", effect="per_bill", bonus_points=64, hour_from=22, hour_to=10
        )
        order = self._sell([(self.checkup, 1)], when=when)
        self.assertEqual(
            self._given(order),
            {
                "Around that day": 1,
                "That weekday": 4,
                "Clinic mornings": 16,
                "Overnight": 64,
            },
        )

    def test_a_late_sync_earns_what_the_sale_earned_when_it_was_sold(self):
        today = self.company._dental_loyalty_today()
        self._rule(
            "Ended two days ago",
            effect="per_bill",
            bonus_points=50,
            date_to=today - timedelta(days=2),
        )
        self._rule(
            "Starting in two days",
            effect="per_bill",
            bonus_points=70,
            date_from=today + timedelta(days=2),
        )
        # Sold offline three days ago, inside the period, synced now.
        offline = self._sell(
            [(self.checkup, 1)], when=fields.Datetime.now() - timedelta(days=3)
        )
        self.assertEqual(self._given(offline), {"Ended two days ago": 50})
        # A payload dated in the coming period is heard now: nothing.
        early = self._order([(self.checkup, 1)])
        early["date_order"] = fields.Datetime.to_string(
            fields.Datetime.now() + timedelta(days=3)
        )
        order, error = self._sync_rpc(early)
        self.assertIsNone(error)
        self.assertEqual(self._given(order), {})
        # A register opened today cannot have sold within the ended period,
        # whatever date its payload says.
        self._session_reopened_now()
        backdated = self._order([(self.checkup, 1)])
        backdated["date_order"] = fields.Datetime.to_string(
            fields.Datetime.now() - timedelta(days=3)
        )
        order, error = self._sync_rpc(backdated)
        self.assertIsNone(error)
        self.assertEqual(self._given(order), {})
        self.assertEqual(order.dental_loyalty_points_earned, 50)

    def test_each_effect_on_what_money_paid(self):
        self._give_points(self.patient, 1000)
        self._wallet()._set_tier(self.silver)  # x1.25
        self._rule(
            "Whitening x1.5", multiplier=1.5, product_ids=[(6, 0, self.whitening.ids)]
        )
        self._rule(
            "Cleaning line +10",
            effect="per_line",
            bonus_points=10,
            tier_multiplied=False,
            product_ids=[(6, 0, self.cleaning.ids)],
        )
        self._rule(
            "Cleaning unit +3",
            effect="per_unit",
            bonus_points=3,
            product_ids=[(6, 0, self.cleaning.ids)],
        )
        self._rule("Visit +9", effect="per_bill", bonus_points=9)
        order = self._sell([(self.cleaning, 2), (self.whitening, 1)])
        # Whitening: 100 base points, half again x1.25: 62.5; one cleaning
        # line: 10, not x1.25; two units x3 x1.25: 7.5; the bill: 11.25.
        self.assertEqual(
            self._given(order),
            {
                "Whitening x1.5": 62,
                "Cleaning line +10": 10,
                "Cleaning unit +3": 7,
                "Visit +9": 11,
            },
        )
        line = order.dental_loyalty_line_ids.filtered(
            lambda line: line.reason == "Whitening x1.5"
        )
        # The key is only the administrators' to read.
        self.assertRecordValues(
            line.sudo(),
            [
                {
                    "kind": "rule",
                    "rule_basis": 100.0,
                    "rule_factor": 0.5,
                    "tier_multiplier": 1.25,
                    "rule_effect": "multiplier",
                    "unique_key": f"pos:{order.uuid}:rule:{line.earning_rule_id.id}",
                }
            ],
        )
        # Points pay 30 % of the next bill: the rules give on the 70 % paid
        # with money (the per-line bonus of 10 as well).
        paid = self._sell([(self.cleaning, 2), (self.whitening, 1)], points=78.0)
        self.assertEqual(
            self._given(paid),
            {
                "Whitening x1.5": 43,
                "Cleaning line +10": 7,
                "Cleaning unit +3": 5,
                "Visit +9": 7,
            },
        )
