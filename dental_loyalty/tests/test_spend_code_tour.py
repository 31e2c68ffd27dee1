import re
from unittest.mock import patch

from odoo import api
from odoo.tests import tagged

from odoo.addons.point_of_sale.tests.test_frontend import TestPointOfSaleHttpCommon
from odoo.addons.sms.tests.common import MockSMS

from .common import DentalLoyaltyTestMixin, add_points_payment_method
from .register_calls import reserve_calls


@tagged("post_install", "-at_install", "dental_loyalty_slow")
class TestSpendCodeTour(DentalLoyaltyTestMixin, MockSMS, TestPointOfSaleHttpCommon):
    """At the register of a clinic that asks for a code from 300 points."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.main_pos_config.company_id
        cls.env.user.groups_id += cls.env.ref(
            "dental_loyalty.group_dental_loyalty_manager"
        )
        cls._set_up_loyalty_programme(cls.company)
        cls._set_loyalty_settings(cls.company, spend_code_points=300)
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
            {
                "name": "Hoa Le",
                "barcode": "0420000000400",
                "mobile": "+32 470 65 43 56",
            }
        )
        cls.wallet = cls.patient._dental_loyalty_wallet(cls.company)
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

    def _last_sms_code(self):
        """What the patient reads in the last SMS the mocked gateway took: the
        tour asks for it through a method that exists during this test only."""
        test = self

        @api.model
        def dental_loyalty_test_last_sms_code(model):
            return re.search(r"\b(\d{6})\b", test._sms[-1]["body"]).group(1)

        return patch.object(
            type(self.env["pos.order"]),
            "dental_loyalty_test_last_sms_code",
            dental_loyalty_test_last_sms_code,
            create=True,
        )

    def test_a_points_payment_over_the_threshold_asks_for_the_code(self):
        self.main_pos_config.with_user(self.pos_user).open_ui()
        with (
            self.mockSMSGateway(),
            self._last_sms_code(),
            reserve_calls(self.env) as calls,
        ):
            self.start_pos_tour("DentalLoyaltySpendCodeTour", login="pos_user")
        # Refused until the code, granted with it; the code confirmed at the
        # first hold covers the sync: Validate does not ask again.
        self.assertEqual(len(calls), 2)
        self.assertEqual(len(self._sms), 1)
        self.assertEqual(self._sms[0]["number"], "+32470654356")
        self.assertIn("Points it spends at most: 300.", self._sms[0]["body"])
        order = self.env["pos.order"].search([("partner_id", "=", self.patient.id)])
        self.assertEqual(order.dental_loyalty_points_spent, 300)
        self.wallet.invalidate_recordset()
        self.assertEqual(self.wallet.points_available, 770)
