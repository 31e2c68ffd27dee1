from odoo.tests import tagged

from odoo.addons.point_of_sale.tests.test_frontend import TestPointOfSaleHttpCommon

from .common import DentalLoyaltyTestMixin


@tagged("post_install", "-at_install", "dental_loyalty_slow")
class TestMembershipTours(DentalLoyaltyTestMixin, TestPointOfSaleHttpCommon):
    """At the register: a non-member shows as one, joins with their consent and
    earns on the bill they pay; a company shows as no member."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.main_pos_config.company_id
        cls.env.user.groups_id += cls.env.ref(
            "dental_loyalty.group_dental_loyalty_manager"
        )
        cls._set_up_loyalty_programme(cls.company)
        cls.env["product.product"].create(
            {
                "name": "Scale and Polish",
                "type": "service",
                "list_price": 100.0,
                "taxes_id": [(5, 0, 0)],
                "available_in_pos": True,
            }
        )
        cls.patient = cls.env["res.partner"].create(
            {"name": "Nam Do", "barcode": "0420000000300"}
        )
        cls.firm = cls.env["res.partner"].create(
            {"name": "Deco Addict", "barcode": "0420000000301", "is_company": True}
        )

    def test_a_patient_joins_at_the_desk_and_earns(self):
        self._set_loyalty_settings(enrolment="ask")
        self.main_pos_config.with_user(self.pos_user).open_ui()
        self.start_pos_tour("DentalLoyaltyJoinTour", login="pos_user")
        wallet = self.patient._dental_loyalty_own_wallet(self.company)
        self.assertTrue(wallet.consent_mail)
        self.assertFalse(wallet.consent_sms)
        order = self.env["pos.order"].search([("partner_id", "=", self.patient.id)])
        self.assertEqual(order.dental_loyalty_points_earned, 100)
        self.assertEqual(wallet.points_available, 100)

    def test_a_company_is_not_a_member_at_the_register(self):
        self.main_pos_config.with_user(self.pos_user).open_ui()
        self.start_pos_tour("DentalLoyaltyCompanyNotMemberTour", login="pos_user")
        self.assertFalse(self.firm._dental_loyalty_own_wallet(self.company))
