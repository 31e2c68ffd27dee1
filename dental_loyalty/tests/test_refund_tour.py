from odoo.tests import tagged

from odoo.addons.point_of_sale.tests.test_frontend import TestPointOfSaleHttpCommon

from .common import TEST_LADDER, DentalLoyaltyTestMixin, add_points_payment_method


@tagged("post_install", "-at_install", "dental_loyalty_slow")
class TestRefundTour(DentalLoyaltyTestMixin, TestPointOfSaleHttpCommon):
    """A refund at the register of a bill paid partly with points: the points
    line holds what may be given back, the screens say what the refund takes
    back and gives back, and so does its receipt."""

    # Nobody moves up the ladder here: the figures are Bronze's.
    LADDER = {**TEST_LADDER, "silver": (20, 50000, 1.25), "gold": (30, 100000, 1.5)}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.main_pos_config.company_id
        cls.env.user.groups_id += cls.env.ref(
            "dental_loyalty.group_dental_loyalty_manager"
        )
        cls._set_up_loyalty_programme(company)
        add_points_payment_method(cls.main_pos_config)
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
            {"name": "Linh Pham", "barcode": "0420000000123"}
        )
        cls.wallet = cls.patient._dental_loyalty_wallet(company)
        cls.env["dental.loyalty.wallet"]._post_lines(
            [
                {
                    "wallet_id": cls.wallet.id,
                    "kind": "adjust",
                    "points": 1000,
                    "reason": "Welcome",
                }
            ]
        )

    def test_a_refund_paid_partly_in_points(self):
        self.main_pos_config.with_user(self.pos_user).open_ui()
        self.start_pos_tour("DentalLoyaltyRefundTour", login="pos_user")
        refund = self.env["pos.order"].search(
            [("partner_id", "=", self.patient.id), ("amount_total", "<", 0)]
        )
        self.assertEqual(refund.dental_loyalty_points_taken_back, 70)
        self.assertEqual(refund.dental_loyalty_points_given_back, 300)
        self.assertEqual(refund.dental_loyalty_amount_given_back, 30.0)
        self.wallet.invalidate_recordset()
        self.assertEqual(self.wallet.points_available, 770)
