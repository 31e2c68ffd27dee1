from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from odoo.addons.point_of_sale.tests.test_frontend import TestPointOfSaleHttpCommon

from .common import DentalLoyaltyTestMixin


@tagged("post_install", "-at_install", "dental_loyalty_slow")
class TestEarningRulesTour(DentalLoyaltyTestMixin, TestPointOfSaleHttpCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.main_pos_config.company_id
        cls.env.user.groups_id += cls.env.ref(
            "dental_loyalty.group_dental_loyalty_manager"
        )
        cls._set_up_loyalty_programme(cls.company)
        service = {"type": "service", "taxes_id": [(5, 0, 0)], "available_in_pos": True}
        Product = cls.env["product.product"]
        cls.whitening = Product.create(
            {**service, "name": "Home Whitening", "list_price": 120.0}
        )
        implant = Product.create(
            {**service, "name": "Implant consultation", "list_price": 60.0}
        )
        cls.patient = cls.env["res.partner"].create(
            {"name": "Linh Pham", "barcode": "0420000000123"}
        )
        Rule = cls.env["dental.loyalty.earning.rule"]
        today = Rule._clinic_time(cls.company, fields.Datetime.now()).date()
        cls.campaign = Rule.create(
            {
                "name": "Whitening month x2",
                "is_campaign": True,
                "company_id": cls.company.id,
                "product_ids": [(6, 0, cls.whitening.ids)],
                "date_from": today - timedelta(days=10),
                "date_to": today + timedelta(days=10),
                "effect": "multiplier",
                "multiplier": 2.0,
            }
        )
        staff = cls.env["res.partner.category"].create({"name": "Staff and family"})
        cls.welcome = Rule.create(
            {
                "name": "Welcome visit +50",
                "company_id": cls.company.id,
                "audience": "first_visit",
                "effect": "per_bill",
                "bonus_points": 50,
                "sequence": 20,
            }
        )
        Rule.create(
            {
                "name": "Staff and family x2",
                "company_id": cls.company.id,
                "audience": "tags",
                "tag_ids": [(6, 0, staff.ids)],
                "multiplier": 2.0,
            }
        )
        Rule.create(
            {
                "name": "Implant consultation +100",
                "company_id": cls.company.id,
                "product_ids": [(6, 0, implant.ids)],
                "effect": "per_bill",
                "bonus_points": 100,
            }
        )

    def test_a_campaign_on_the_preview_and_the_receipt(self):
        self.main_pos_config.with_user(self.pos_user).open_ui()
        self.start_pos_tour("DentalLoyaltyCampaignTour", login="pos_user")
        order = self.env["pos.order"].search([("partner_id", "=", self.patient.id)])
        self.assertEqual(order.dental_loyalty_points_earned, 290)
        self.assertEqual(
            order.dental_loyalty_rule_lines,
            [
                {
                    "ruleId": self.campaign.id,
                    "name": "Whitening month x2",
                    "points": 120,
                },
                {"ruleId": self.welcome.id, "name": "Welcome visit +50", "points": 50},
            ],
        )
