from datetime import timedelta

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo import fields
from odoo.tests import tagged

from odoo.addons.point_of_sale.tests.test_frontend import TestPointOfSaleHttpCommon

from .common import TEST_LADDER, DentalLoyaltyTestMixin, add_points_payment_method
from .register_calls import reserve_calls


@tagged("post_install", "-at_install", "dental_loyalty_slow")
class TestDentalLoyaltyTours(DentalLoyaltyTestMixin, TestPointOfSaleHttpCommon):
    # The tours' receipts read what a sale earns at Bronze, for a patient who
    # earned 500 points before it: nobody here moves up the ladder.
    LADDER = {**TEST_LADDER, "silver": (20, 50000, 1.25), "gold": (30, 100000, 1.5)}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.main_pos_config.company_id
        cls.env.user.groups_id += cls.env.ref(
            "dental_loyalty.group_dental_loyalty_manager"
        )
        cls._set_up_loyalty_programme(cls.company)
        company = cls.company
        cls.bronze.color = 2
        cls.points_method = add_points_payment_method(cls.main_pos_config)
        cls.scale_polish = cls.env["product.product"].create(
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
        wallet = cls.patient._dental_loyalty_wallet(company)
        cls.env["dental.loyalty.wallet"]._post_lines(
            [
                {
                    "wallet_id": wallet.id,
                    "kind": "adjust",
                    "points": 1000,
                    "reason": "Welcome",
                }
            ]
        )
        wallet._evaluate_tier()
        cls.wallet = wallet
        cls._add_rewards(company)
        cls.waiting = cls.env["res.partner"].create(
            {"name": "Bao Vo", "barcode": "0420000000124"}
        )
        today = company._dental_loyalty_today()
        cls.env["dental.loyalty.wallet"]._post_lines(
            [
                {
                    "wallet_id": cls.waiting._dental_loyalty_wallet(company).id,
                    "kind": "earn",
                    "points": 500,
                    "paid_amount": 500,
                    "available_date": today + timedelta(days=7),
                }
            ]
        )

    @classmethod
    def _add_rewards(cls, company):
        Product = cls.env["product.product"]
        discount = {
            "type": "service",
            "list_price": 0.0,
            "taxes_id": [(5, 0, 0)],
        }
        on_register = Product.create(
            {**discount, "name": "Loyalty Discount", "available_in_pos": True}
        )
        # Not on the register's product list: loaded when a voucher books it.
        off_register = Product.create(
            {**discount, "name": "Voucher Discount", "available_in_pos": False}
        )
        Reward = cls.env["dental.loyalty.reward"]
        cls.percent_reward = Reward.create(
            {
                "name": "10 % off your bill",
                "sequence": 1,
                "kind": "discount_percent",
                "discount_percent": 10.0,
                "points_cost": 200,
                "product_id": on_register.id,
                "company_id": company.id,
            }
        )
        cls.fixed_reward = Reward.create(
            {
                "name": "15.00 off your bill",
                "sequence": 2,
                "kind": "discount_fixed",
                "discount_amount": 15.0,
                "points_cost": 150,
                "product_id": off_register.id,
                "company_id": company.id,
            }
        )
        Reward.create(
            {
                "name": "Whitening kit",
                "sequence": 3,
                "kind": "gift",
                "points_cost": 5000,
                "company_id": company.id,
            }
        )
        cls.practitioner = cls.env["hr.employee"].create(
            {"name": "Dr. An Tran", "company_id": company.id}
        )

    def _issue_voucher(self, reward, code):
        voucher = self.env["dental.loyalty.voucher"]._issue(self.wallet, reward)
        # The tour types the code: give the voucher one it knows.
        voucher.sudo().code = code
        return voucher

    def test_pay_part_of_a_bill_with_points(self):
        self.main_pos_config.with_user(self.pos_user).open_ui()
        with reserve_calls(self.env) as calls:
            self.start_pos_tour("DentalLoyaltyPointsPaymentTour", login="pos_user")
        # Asked once, for the most, when the points line was added: Validate
        # pays that on the same bill and does not ask again.
        self.assertEqual([call[-1] for call in calls], [None])
        order = self.env["pos.order"].search([("partner_id", "=", self.patient.id)])
        self.assertEqual(order.dental_loyalty_points_spent, 300)
        self.assertEqual(order.dental_loyalty_points_earned, 70)
        self.assertEqual(self.patient.loyalty_wallet_ids.points_available, 770)

    def test_a_family_member_pays_with_the_family_points(self):
        child = self.env["res.partner"].create(
            {"name": "Mai Pham", "barcode": "0420000000125"}
        )
        family = self.env["dental.loyalty.family"].create(
            {
                "name": "Pham family",
                "holder_id": self.patient.id,
                "member_ids": [(4, child.id)],
            }
        )
        self.main_pos_config.with_user(self.pos_user).open_ui()
        self.start_pos_tour("DentalLoyaltyFamilyPaymentTour", login="pos_user")
        order = self.env["pos.order"].search([("partner_id", "=", child.id)])
        self.assertEqual(order.dental_loyalty_points_spent, 300)
        spend = family.wallet_id.line_ids.filtered(lambda line: line.kind == "spend")
        self.assertEqual((spend.points, spend.member_id), (-300, child))
        earn = family.wallet_id.line_ids.filtered(lambda line: line.kind == "earn")
        self.assertEqual((earn.points, earn.member_id), (70, child))
        self.assertEqual(family.wallet_id.points_available, 770)
        self.assertFalse(child.loyalty_wallet_ids.points_available)

    def test_points_typed_over_the_cap_are_corrected_at_once(self):
        self.main_pos_config.with_user(self.pos_user).open_ui()
        with reserve_calls(self.env) as calls:
            self.start_pos_tour("DentalLoyaltyOverCapTour", login="pos_user")
        # The line typed over the cap was set back to the hold's amount.
        self.assertEqual(len(calls), 1)
        order = self.env["pos.order"].search([("partner_id", "=", self.patient.id)])
        self.assertEqual(order.dental_loyalty_points_spent, 300)
        self.assertEqual(self.patient.loyalty_wallet_ids.points_available, 770)

    def test_points_typed_with_no_line_are_held_and_capped(self):
        # helper-98 in the browser: with points the first method, digits typed
        # after the points line was deleted made core add one for 200.00 that
        # the server was never asked for, refused only at Validate.
        self.points_method.sequence = -1
        self.main_pos_config.with_user(self.pos_user).open_ui()
        with reserve_calls(self.env) as calls:
            self.start_pos_tour("DentalLoyaltyTypedWithoutLineTour", login="pos_user")
        self.assertEqual(len(calls), 2)
        order = self.env["pos.order"].search([("partner_id", "=", self.patient.id)])
        self.assertEqual(order.dental_loyalty_points_spent, 300)

    def test_a_bill_changed_after_the_points_line_is_asked_again(self):
        self.main_pos_config.with_user(self.pos_user).open_ui()
        with reserve_calls(self.env) as calls:
            self.start_pos_tour("DentalLoyaltyBillChangedTour", login="pos_user")
        # The most for the first bill, then the line's amount for the new one.
        self.assertEqual([call[-2:] for call in calls], [(100.0, None), (200.0, 30.0)])
        order = self.env["pos.order"].search([("partner_id", "=", self.patient.id)])
        self.assertEqual(order.dental_loyalty_points_spent, 300)
        self.assertEqual(order.dental_loyalty_points_earned, 170)

    def test_pending_points_are_refused_with_their_date_and_printed(self):
        self.main_pos_config.with_user(self.pos_user).open_ui()
        self.start_pos_tour("DentalLoyaltyPendingTour", login="pos_user")
        order = self.env["pos.order"].search([("partner_id", "=", self.waiting.id)])
        self.assertEqual(order.dental_loyalty_points_earned, 100)
        self.assertEqual(order.dental_loyalty_pending, 500)
        self.assertEqual(
            order.dental_loyalty_pending_date,
            self.company._dental_loyalty_today() + timedelta(days=7),
        )

    def test_a_removed_points_line_frees_its_points(self):
        self.main_pos_config.with_user(self.pos_user).open_ui()
        self.start_pos_tour("DentalLoyaltyHoldReleasedTour", login="pos_user")
        holds = self.env["dental.loyalty.reservation"].search(
            [("wallet_id.partner_id", "=", self.patient.id)]
        )
        # Only the second order holds points: the first one's were freed.
        self.assertEqual(len(holds), 1)
        self.assertEqual(holds.points, 300)

    def test_a_points_line_removed_after_a_reload_frees_its_points(self):
        self.main_pos_config.with_user(self.pos_user).open_ui()
        self.start_pos_tour(
            "DentalLoyaltyHoldReleasedAfterReloadTour", login="pos_user"
        )
        holds = self.env["dental.loyalty.reservation"].search(
            [("wallet_id.partner_id", "=", self.patient.id)]
        )
        # The register forgot its hold on reloading; the line's removal freed
        # it all the same: only the second order holds points.
        self.assertEqual(len(holds), 1)
        self.assertEqual(holds.points, 300)

    def test_redeem_a_reward_and_use_it_on_the_bill(self):
        self.main_pos_config.with_user(self.pos_user).open_ui()
        self.start_pos_tour("DentalLoyaltyRewardTour", login="pos_user")
        voucher = self.env["dental.loyalty.voucher"].search(
            [("partner_id", "=", self.patient.id)]
        )
        order = self.env["pos.order"].search([("partner_id", "=", self.patient.id)])
        self.assertEqual(voucher.reward_id, self.percent_reward)
        self.assertEqual(voucher.state, "used")
        self.assertEqual(voucher.pos_order_id, order)
        # Priced again on the grown bill: 10 % of two visits.
        self.assertEqual(voucher.used_amount, 20.0)
        line = order.lines.filtered("dental_loyalty_voucher_code")
        self.assertEqual(line.dental_loyalty_voucher_code, voucher.code)
        self.assertEqual(line.dental_loyalty_voucher_id, voucher)
        self.assertEqual(line.full_product_name, "10 % off your bill")
        self.assertEqual(order.amount_total, 180.0)
        redeem = self.env["dental.loyalty.ledger"].search(
            [("res_model", "=", voucher._name), ("res_id", "=", voucher.id)]
        )
        self.assertRecordValues(redeem, [{"kind": "redeem", "points": -200}])
        self.assertEqual(order.dental_loyalty_points_earned, 180)
        self.assertEqual(self.wallet.points_available, 1000 - 200 + 180)

    def test_a_voucher_code_typed_at_the_register(self):
        voucher = self._issue_voucher(self.fixed_reward, "BRUSH2345678")
        self.main_pos_config.with_user(self.pos_user).open_ui()
        self.start_pos_tour("DentalLoyaltyVoucherCodeTour", login="pos_user")
        order = self.env["pos.order"].search([("partner_id", "=", self.patient.id)])
        self.assertEqual(voucher.state, "used")
        self.assertEqual(voucher.pos_order_id, order)
        self.assertEqual(voucher.used_amount, 15.0)
        self.assertEqual(order.amount_total, 85.0)
        self.assertEqual(len(order.lines.filtered("dental_loyalty_voucher_code")), 1)
        self.assertEqual(order.dental_loyalty_practitioner_id, self.practitioner)
        self.assertEqual(voucher.practitioner_id, self.practitioner)

    def test_an_expired_voucher_is_refused_with_its_date(self):
        voucher = self._issue_voucher(self.fixed_reward, "FADED2345678")
        # Writing the date stands for the days gone by since it was issued: the
        # day before the cashier's today (Odoo's pos_user lives in New York).
        cashiers_today = fields.Date.context_today(voucher.with_user(self.pos_user))
        voucher.sudo().expiry_date = cashiers_today - timedelta(days=1)
        self.main_pos_config.with_user(self.pos_user).open_ui()
        self.start_pos_tour("DentalLoyaltyExpiredVoucherTour", login="pos_user")
        self.assertEqual(voucher.state, "valid")
        self.assertFalse(voucher.pos_order_id)
        self.assertFalse(
            self.env["pos.order.line"].search(
                [("dental_loyalty_voucher_code", "=", voucher.code)]
            )
        )

    def test_the_earn_preview_counts_bonus_points(self):
        varnish = self.env["product.product"].create(
            {
                "name": "Fluoride Varnish",
                "type": "service",
                "list_price": 50.0,
                "taxes_id": [(5, 0, 0)],
                "available_in_pos": True,
            }
        )
        # Its 20 bonus points per unit: an earning rule, as the update makes of
        # a service's bonus.
        self.env["dental.loyalty.earning.rule"].create(
            {
                "name": "Service bonus: 20 points",
                "company_id": self.main_pos_config.company_id.id,
                "effect": "per_unit",
                "bonus_points": 20,
                "product_ids": [(6, 0, varnish.ids)],
            }
        )
        self.main_pos_config.with_user(self.pos_user).open_ui()
        self.start_pos_tour("DentalLoyaltyBonusPreviewTour", login="pos_user")

    def test_the_receipt_says_the_recall_bonus(self):
        self.scale_polish.product_tmpl_id.write(
            {
                "dental_loyalty_recall": True,
                "dental_loyalty_recall_months": 6,
                "dental_loyalty_recall_margin_days": 30,
                "dental_loyalty_recall_points": 50,
            }
        )
        patient = self.env["res.partner"].create(
            {"name": "Hoa Le", "barcode": "0420000000125"}
        )
        self.main_pos_config.with_user(self.pos_user).open_ui()
        # Her last scale and polish, paid and synced six months ago: history
        # written as the server (not a user's create) would have recorded it.
        with freeze_time(fields.Datetime.now() - relativedelta(months=6)):
            self.env["pos.order"].sudo().create(
                {
                    "session_id": self.main_pos_config.current_session_id.id,
                    "partner_id": patient.id,
                    "date_order": fields.Datetime.now(),
                    "amount_tax": 0.0,
                    "amount_total": 100.0,
                    "amount_paid": 100.0,
                    "amount_return": 0.0,
                    "state": "paid",
                    "lines": [
                        (
                            0,
                            0,
                            {
                                "product_id": self.scale_polish.id,
                                "qty": 1,
                                "price_unit": 100.0,
                                "price_subtotal": 100.0,
                                "price_subtotal_incl": 100.0,
                            },
                        )
                    ],
                }
            )
        self.start_pos_tour("DentalLoyaltyRecallTour", login="pos_user")
        order = self.env["pos.order"].search(
            [("partner_id", "=", patient.id), ("state", "!=", "draft")],
            order="id desc",
            limit=1,
        )
        self.assertEqual(order.dental_loyalty_recall_points, 50)
        self.assertEqual(order.dental_loyalty_points_earned, 150)

    def test_a_new_customer_referred_in_the_editor(self):
        self._set_loyalty_settings(
            referrer_points=100, referred_points=50, referral_yearly_limit=0
        )
        # The tour types the code: give the referrer one it knows.
        self.patient.dental_referral_code = "LINH2345"
        # Odoo gives new users Contact Creation: the register's editor needs it.
        self.pos_user.groups_id += self.env.ref("base.group_partner_manager")
        self.main_pos_config.with_user(self.pos_user).open_ui()
        self.start_pos_tour("DentalLoyaltyReferralTour", login="pos_user")
        newcomer = self.env["res.partner"].search([("name", "=", "Quynh Dang")])
        referral = self.env["dental.loyalty.referral"].search(
            [("referred_id", "=", newcomer.id)]
        )
        self.assertEqual(len(referral), 1)
        self.assertRecordValues(
            referral,
            [
                {
                    "referrer_id": self.patient.id,
                    "code": "LINH2345",
                    "state": "rewarded",
                    "referrer_points": 100,
                    "referred_points": 50,
                }
            ],
        )
        order = self.env["pos.order"].search([("partner_id", "=", newcomer.id)])
        self.assertEqual(referral.pos_order_id, order)
        self.assertEqual(newcomer.loyalty_wallet_ids.points_available, 100 + 50)
