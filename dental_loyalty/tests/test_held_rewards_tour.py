from odoo.tests import tagged

from odoo.addons.point_of_sale.tests.test_frontend import TestPointOfSaleHttpCommon

from .common import DentalLoyaltyTestMixin
from .register_calls import offers_calls, register_calls, voucher_line_calls


@tagged("post_install", "-at_install", "dental_loyalty_slow")
class TestHeldRewardsTour(DentalLoyaltyTestMixin, TestPointOfSaleHttpCommon):
    """At the register: a reward chosen is a line of the bill, taken off it
    gives the points back, chosen again and paid it is bought."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.main_pos_config.company_id
        cls.env.user.groups_id += cls.env.ref(
            "dental_loyalty.group_dental_loyalty_manager"
        )
        cls._set_up_loyalty_programme(company)
        Product = cls.env["product.product"]
        Product.create(
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
        discount = Product.create(
            {
                "name": "Loyalty Discount",
                "type": "service",
                "list_price": 0.0,
                "taxes_id": [(5, 0, 0)],
                "available_in_pos": True,
            }
        )
        # Not on the register's product list: loaded when its line is added.
        kit = Product.create(
            {"name": "Toothbrush kit", "type": "consu", "list_price": 12.0}
        )
        Reward = cls.env["dental.loyalty.reward"]
        cls.percent_reward = Reward.create(
            {
                "name": "10 % off your bill",
                "kind": "discount_percent",
                "discount_percent": 10.0,
                "points_cost": 200,
                "product_id": discount.id,
                "company_id": company.id,
            }
        )
        cls.gift = Reward.create(
            {
                "name": "Toothbrush kit",
                "kind": "gift",
                "points_cost": 100,
                "product_id": kit.id,
                "has_stock": True,
                "stock_left": 3,
                "company_id": company.id,
            }
        )
        # Within the patient's 1,000 points, but not beside another reward.
        Reward.create(
            {
                "name": "Night guard",
                "kind": "gift",
                "points_cost": 850,
                "product_id": kit.id,
                "company_id": company.id,
            }
        )

    def test_a_reward_with_a_scope_takes_its_share_of_its_lines_only(self):
        whitening = self.env["product.product"].create(
            {
                "name": "Teeth Whitening",
                "type": "service",
                "list_price": 200.0,
                "taxes_id": [(5, 0, 0)],
                "available_in_pos": True,
            }
        )
        self.percent_reward.write(
            {"name": "10 % off whitening", "product_ids": whitening.ids}
        )
        self.main_pos_config.with_user(self.pos_user).open_ui()
        with voucher_line_calls(self.env) as calls:
            self.start_pos_tour("DentalLoyaltyRewardScopeTour", login="pos_user")
        # Paid on the bill it was held for: Pay did not price it again.
        self.assertEqual(calls, [])
        voucher = self.env["dental.loyalty.voucher"].search(
            [("partner_id", "=", self.patient.id)]
        )
        self.assertEqual((voucher.state, voucher.used_amount), ("used", 20.0))

    def test_a_reward_taken_off_the_bill_comes_back_one_paid_is_bought(self):
        self.main_pos_config.with_user(self.pos_user).open_ui()
        with (
            voucher_line_calls(self.env) as calls,
            offers_calls(self.env) as offers,
            register_calls(self.env, "dental_loyalty_rewards") as catalogs,
        ):
            self.start_pos_tour("DentalLoyaltyHeldRewardTour", login="pos_user")
        # The gift came after the discount and covers nothing: the bill each
        # was priced on is the bill paid, and Pay did not ask again.
        self.assertEqual(calls, [])
        # The Rewards cue moved with every hold and release (3, 2, 3), each
        # answer counting it: the offers were asked once, for the patient.
        self.assertEqual(offers, [(self.main_pos_config.id, self.patient.id)])
        # Rewards tapped four times, each soon after the offers, a hold or a
        # release listed the catalog: it opened without asking the server.
        self.assertEqual(catalogs, [])
        vouchers = self.env["dental.loyalty.voucher"].search(
            [("partner_id", "=", self.patient.id)], order="id"
        )
        order = self.env["pos.order"].search([("partner_id", "=", self.patient.id)])
        self.assertEqual(
            vouchers.mapped(lambda v: (v.reward_id, v.state, v.pos_order_id)),
            [
                (self.percent_reward, "cancelled", order.browse()),
                (self.percent_reward, "used", order),
                (self.gift, "used", order),
            ],
        )
        redeemed = self.env["dental.loyalty.ledger"].search(
            [("wallet_id", "=", self.wallet.id), ("kind", "=", "redeem")]
        )
        # Bought once each, when the bill was paid; the one taken off, never.
        self.assertEqual(sorted(redeemed.mapped("points")), [-200, -100])
        self.assertEqual(self.gift.stock_left, 2)
        self.assertFalse(self.env["dental.loyalty.reservation"].search([]))

    def test_a_bill_changed_after_the_reward_was_held_is_priced_again(self):
        self.main_pos_config.with_user(self.pos_user).open_ui()
        with voucher_line_calls(self.env) as calls:
            self.start_pos_tour("DentalLoyaltyHeldRewardRepricedTour", login="pos_user")
        # Held on a bill of 100.00, paid on one of 200.00: Pay asked once, for
        # the new bill, and the line took 10 % of it.
        self.assertEqual([call[3] for call in calls], [200.0])
        order = self.env["pos.order"].search([("partner_id", "=", self.patient.id)])
        voucher = self.env["dental.loyalty.voucher"].search(
            [("partner_id", "=", self.patient.id)]
        )
        self.assertEqual((voucher.state, voucher.pos_order_id), ("used", order))
        self.assertEqual(voucher.used_amount, 20.0)
