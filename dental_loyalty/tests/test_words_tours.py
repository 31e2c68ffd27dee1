from datetime import timedelta

from odoo.tests import tagged

from odoo.addons.point_of_sale.tests.test_frontend import TestPointOfSaleHttpCommon

from .common import TEST_LADDER, DentalLoyaltyTestMixin, add_points_payment_method


class WordsTourCommon(DentalLoyaltyTestMixin, TestPointOfSaleHttpCommon):
    """A register with the loyalty points method, two services (one with a
    bonus), a fixed voucher, Linh Pham (1,000 spendable points), Bao Vo and
    a patient of a family with a long name and pending points."""

    # Nobody here moves up the ladder: the receipts read Bronze figures.
    LADDER = {**TEST_LADDER, "silver": (20, 50000, 1.25), "gold": (30, 100000, 1.5)}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.main_pos_config.company_id
        cls.env.user.groups_id += cls.env.ref(
            "dental_loyalty.group_dental_loyalty_manager"
        )
        cls._set_up_loyalty_programme(cls.company)
        add_points_payment_method(cls.main_pos_config)
        service = {"type": "service", "taxes_id": [(5, 0, 0)], "available_in_pos": True}
        Product = cls.env["product.product"]
        Product.create({**service, "name": "Scale and Polish", "list_price": 100.0})
        varnish = Product.create(
            {**service, "name": "Fluoride Varnish", "list_price": 50.0}
        )
        # The varnish's 20 bonus points: an earning rule, as a service's bonus is.
        cls.env["dental.loyalty.earning.rule"].create(
            {
                "name": "Service bonus: 20 points",
                "company_id": cls.company.id,
                "effect": "per_unit",
                "bonus_points": 20,
                "product_ids": [(6, 0, varnish.ids)],
            }
        )
        discount = Product.create(
            {**service, "name": "Voucher Discount", "list_price": 0.0}
        )
        cls.fixed_reward = cls.env["dental.loyalty.reward"].create(
            {
                "name": "15.00 off your bill",
                "kind": "discount_fixed",
                "discount_amount": 15.0,
                "points_cost": 150,
                "product_id": discount.id,
                "company_id": cls.company.id,
            }
        )
        Partner = cls.env["res.partner"]
        cls.patient = Partner.create({"name": "Linh Pham", "barcode": "0420000000123"})
        cls.other = Partner.create({"name": "Bao Vo", "barcode": "0420000000124"})
        cls.wallet = cls._with_points(cls.patient, 1000)
        cls._with_points(cls.other, 100)

    @classmethod
    def _with_points(cls, partner, points, available_date=None):
        wallet = partner._dental_loyalty_wallet(cls.company)
        vals = {"wallet_id": wallet.id, "kind": "adjust", "points": points}
        if available_date:  # earned, pending until that day
            vals.update(kind="earn", paid_amount=points, available_date=available_date)
        else:
            vals["reason"] = "Welcome"
        cls.env["dental.loyalty.wallet"]._post_lines([vals])
        wallet._evaluate_tier()
        return wallet

    def _issue_voucher(self, code):
        voucher = self.env["dental.loyalty.voucher"]._issue(
            self.wallet, self.fixed_reward
        )
        voucher.sudo().code = code
        return voucher

    def _start(self, tour):
        self.main_pos_config.with_user(self.pos_user).open_ui()
        self.start_pos_tour(tour, login="pos_user")


@tagged("post_install", "-at_install", "dental_loyalty_slow")
class TestWordsRegisterTours(WordsTourCommon):
    def test_the_earn_preview_is_what_the_receipt_says_on_a_mixed_payment(self):
        voucher = self._issue_voucher("MIXED2345678")
        self._start("DentalLoyaltyMixedPaymentTour")
        order = self.env["pos.order"].search([("partner_id", "=", self.patient.id)])
        self.assertEqual(voucher.pos_order_id, order)
        # 150.00 of services, 15.00 off, 40.50 in points (405), 94.50 in cash:
        # 94 for the money and 63 % of the varnish's 20 bonus points (12.6),
        # each rounded down on its own line now (it was 107 when the bonus
        # was part of the earning: 94.5 + 12.6).
        self.assertEqual(order.dental_loyalty_points_earned, 94 + 12)
        self.assertEqual(order.dental_loyalty_points_spent, 405)
        self.assertEqual(order.dental_loyalty_voucher_points, 150)
        self.assertEqual(order.dental_loyalty_points_before, 1000)
        self.assertEqual(order.dental_loyalty_points_total, 1000 - 150 - 405 + 106)

    def test_an_open_order_keeps_its_patient_through_a_reload(self):
        self._issue_voucher("RELOAD234567")
        self._start("DentalLoyaltyReloadKeepsPatientTour")


@tagged("post_install", "-at_install", "dental_loyalty_slow")
class TestWordsLayoutTours(WordsTourCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        holder = cls.env["res.partner"].create(
            {"name": "Nguyễn Thị Phương Thảo", "barcode": "0420000000126"}
        )
        today = cls.company._dental_loyalty_today()
        cls._with_points(holder, 1913)
        cls._with_points(holder, 1180, available_date=today + timedelta(days=5))
        cls.env["dental.loyalty.family"].create(
            {"name": "Nguyễn Phương family of District 3", "holder_id": holder.id}
        )

    def test_the_patient_reads_whole_at_1024_px(self):
        self.browser_size = "1024x768"
        self._start("DentalLoyaltyLayoutTour")

    def test_the_patient_reads_whole_at_768_px(self):
        self.browser_size = "768x1024"
        self._start("DentalLoyaltyLayoutTour")

    def test_the_patient_reads_whole_at_1280_px(self):
        self.browser_size = "1280x800"
        self._start("DentalLoyaltyLayoutTour")


@tagged("post_install", "-at_install", "dental_loyalty_slow")
class TestWordsRtlTours(WordsTourCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fa_IR")
        cls.pos_user.lang = "fa_IR"
        cls.env.ref("base.user_admin").lang = "fa_IR"

    def test_the_register_is_right_to_left_in_persian(self):
        self._start("DentalLoyaltyRegisterRtlTour")

    def test_the_back_office_is_right_to_left_in_persian(self):
        self.start_tour("/odoo", "DentalLoyaltyBackendRtlTour", login="admin")
