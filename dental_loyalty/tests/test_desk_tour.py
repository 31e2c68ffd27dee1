from unittest.mock import patch

from odoo import api
from odoo.tests import tagged

from odoo.addons.point_of_sale.tests.test_frontend import TestPointOfSaleHttpCommon

from .common import TEST_LADDER, DentalLoyaltyTestMixin


@tagged("post_install", "-at_install", "dental_loyalty_slow")
class TestDeskTours(DentalLoyaltyTestMixin, TestPointOfSaleHttpCommon):
    """The front desk at 1024 and 1280 px: Rewards and Vouchers in sight with
    their cues, the catalog's refusals, one tap on a voucher, and a voucher
    typed without its patient."""

    # Nobody here moves up the ladder: the patient stays Bronze.
    LADDER = {**TEST_LADDER, "silver": (20, 50000, 1.25), "gold": (30, 100000, 1.5)}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = company = cls.main_pos_config.company_id
        cls.env.user.groups_id += cls.env.ref(
            "dental_loyalty.group_dental_loyalty_manager"
        )
        cls._set_up_loyalty_programme(company)
        Product = cls.env["product.product"]
        service = {"type": "service", "taxes_id": [(5, 0, 0)]}
        Product.create(
            {
                **service,
                "name": "Scale and Polish",
                "list_price": 100.0,
                "available_in_pos": True,
            }
        )
        discount = Product.create(
            {**service, "name": "Loyalty Discount", "available_in_pos": True}
        )
        cls.patient = cls.env["res.partner"].create(
            {"name": "Linh Pham", "barcode": "0420000000123"}
        )
        cls.wallet = cls.patient._dental_loyalty_wallet(company)
        cls.env["dental.loyalty.wallet"]._post_lines(
            [{"wallet_id": cls.wallet.id, "kind": "adjust", "points": 1000}]
        )
        cls.wallet._evaluate_tier()
        Reward = cls.env["dental.loyalty.reward"]
        common = {"company_id": company.id, "product_id": discount.id}
        Reward.create(
            {
                **common,
                "name": "10 % off your bill",
                "sequence": 1,
                "kind": "discount_percent",
                "discount_percent": 10.0,
                "points_cost": 200,
            }
        )
        fixed = Reward.create(
            {
                **common,
                "name": "15.00 off your bill",
                "sequence": 2,
                "kind": "discount_fixed",
                "discount_amount": 15.0,
                "points_cost": 150,
            }
        )
        yearly = Reward.create(
            {
                **common,
                "name": "Yearly check-up",
                "sequence": 3,
                "kind": "product",
                "points_cost": 100,
                "limit_per_patient": 1,
                "limit_period": "year",
            }
        )
        Reward.create(
            {
                **common,
                "name": "Gold polish",
                "sequence": 4,
                "kind": "product",
                "points_cost": 50,
                "min_tier_id": cls.gold.id,
            }
        )
        Reward.create(
            {
                "name": "Whitening kit",
                "sequence": 5,
                "kind": "gift",
                "points_cost": 5000,
                "company_id": company.id,
            }
        )
        Voucher = cls.env["dental.loyalty.voucher"]
        today = cls.company._dental_loyalty_today()
        # The tours type these codes: the vouchers get codes they know.
        Voucher._issue(cls.wallet, fixed).sudo().code = "BRUSH2345678"
        Voucher._issue(cls.wallet, fixed).sudo().write(
            {"code": "USED23456789", "state": "used", "used_date": today}
        )
        # This year's check-up is taken (and used): its limit is reached.
        Voucher._issue(cls.wallet, yearly).sudo().write(
            {"state": "used", "used_date": today}
        )

    def _tour_at(self, size, tour):
        self.browser_size = size
        self.main_pos_config.with_user(self.pos_user).open_ui()
        self.start_pos_tour(tour, login="pos_user")

    def test_buttons_and_cues_at_1024(self):
        # The tour's server runs in this process: count what the register asks.
        PosOrder = self.registry["pos.order"]
        offers = PosOrder.dental_loyalty_patient_offers
        asked = []

        @api.model
        def counted_offers(model, config_id, partner_id):
            asked.append(partner_id)
            return offers(model, config_id, partner_id)

        with patch.object(PosOrder, "dental_loyalty_patient_offers", counted_offers):
            self._tour_at("1024x768", "DentalLoyaltyDeskButtons1024Tour")
        # Once, when the patient is chosen: closing the catalog with nothing
        # chosen, or putting a voucher on the bill, changes nothing to ask for.
        self.assertEqual(asked, [self.patient.id])

    def test_buttons_and_cues_at_1280(self):
        self._tour_at("1280x800", "DentalLoyaltyDeskButtons1280Tour")

    def test_a_voucher_typed_without_its_patient_offers_the_patient(self):
        self._tour_at("1024x768", "DentalLoyaltyDeskVoucherOwnerTour")

    def test_a_refund_says_the_voucher_it_gave_back(self):
        self._tour_at("1024x768", "DentalLoyaltyDeskVoucherRefundTour")
        voucher = self.env["dental.loyalty.voucher"].search(
            [("restored_pos_order_id", "!=", False)]
        )
        self.assertEqual(voucher.state, "valid")
        self.assertNotEqual(voucher.code, "BRUSH2345678")
        sale = voucher.restored_pos_order_id.refunded_order_id
        self.assertEqual(sale.lines.dental_loyalty_voucher_id, voucher)

    def test_the_customer_editor_names_the_referrer_and_confirms(self):
        self._set_loyalty_settings(
            referrer_points=100, referred_points=50, referral_yearly_limit=0
        )
        # The tour types the code: give the referrer one it knows.
        self.patient.dental_referral_code = "LINH2345"
        # Odoo gives new users Contact Creation: the register's editor needs it.
        self.pos_user.groups_id += self.env.ref("base.group_partner_manager")
        self._tour_at("1024x768", "DentalLoyaltyDeskReferrerTour")
        newcomer = self.env["res.partner"].search([("name", "=", "Quynh Dang")])
        referral = self.env["dental.loyalty.referral"].search(
            [("referred_id", "=", newcomer.id)]
        )
        self.assertEqual(referral.referrer_id, self.patient)
