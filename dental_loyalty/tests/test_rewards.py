from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .common import DentalLoyaltyCommon


class RewardCatalogMixin:
    """A small catalog: a discount, a free service, a gift and a Silver-only
    reward, booked on a discount product."""

    @classmethod
    def _make_catalog(cls, company):
        Product = cls.env["product.product"]
        cls.discount_product = Product.create(
            {
                "name": "Reward discount",
                "type": "service",
                "list_price": 0.0,
                "taxes_id": [(5, 0, 0)],
                "available_in_pos": True,
            }
        )
        cls.kit = Product.create(
            {"name": "Toothbrush kit", "type": "consu", "list_price": 15.0}
        )
        Reward = cls.env["dental.loyalty.reward"]
        common = {"company_id": company.id, "product_id": cls.discount_product.id}
        cls.ten_off = Reward.create(
            {
                **common,
                "name": "10 off",
                "kind": "discount_fixed",
                "discount_amount": 10.0,
                "points_cost": 300,
                "clinic_share": 60.0,
            }
        )
        cls.whitening_off = Reward.create(
            {
                **common,
                "name": "10 % off",
                "kind": "discount_percent",
                "discount_percent": 10.0,
                "points_cost": 200,
            }
        )
        cls.gift = Reward.create(
            {
                "name": "Toothbrush kit",
                "kind": "gift",
                "product_id": cls.kit.id,
                "points_cost": 100,
                "company_id": company.id,
            }
        )


@tagged("post_install", "-at_install")
class TestRewardCatalog(RewardCatalogMixin, DentalLoyaltyCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._make_catalog(cls.company)
        cls.patient.email = "lan@example.com"
        cls.Voucher = cls.env["dental.loyalty.voucher"]

    def _wallet(self, partner=None):
        wallet = (partner or self.patient)._dental_loyalty_wallet()
        wallet.invalidate_recordset()
        return wallet

    def test_bad_terms_are_refused_with_a_message(self):
        Reward = self.env["dental.loyalty.reward"]
        base = {"name": "Bad", "points_cost": 10, "product_id": self.kit.id}
        for vals, message in [
            (
                {"kind": "discount_percent", "discount_percent": 150},
                "between 0 and 100",
            ),
            ({"kind": "discount_fixed", "discount_amount": 0}, "amount above zero"),
            ({"kind": "product", "product_id": False}, "choose the product"),
            ({"kind": "gift", "clinic_share": 70, "practitioner_share": 20}, "100 %"),
            (
                {"kind": "gift", "date_from": "2026-05-01", "date_to": "2026-04-01"},
                "ends before it starts",
            ),
            ({"kind": "gift", "max_coverage": 0}, "between 0 and 100"),
        ]:
            with (
                self.subTest(vals=vals),
                self.assertRaisesRegex(ValidationError, message),
                self.env.cr.savepoint(),
            ):
                Reward.create({**base, **vals})
                Reward.flush_model()

    def test_a_reward_within_balance_and_tier_issues_a_mailed_voucher(self):
        self._earn(self.patient, 600)  # Silver
        self.ten_off.min_tier_id = self.silver
        voucher = self.Voucher._issue(self._wallet(), self.ten_off)
        self.assertEqual(voucher.state, "valid")
        self.assertEqual(len(voucher.code), 12)
        self.assertEqual(self._wallet().points_available, 300)
        # The demo data issues vouchers too: this voucher's line.
        line = self.Ledger.search(
            [("res_model", "=", voucher._name), ("res_id", "=", voucher.id)]
        )
        self.assertEqual(
            (line.kind, line.points, line.res_id), ("redeem", -300, voucher.id)
        )
        # The code is the patient's: a notification to them, not on the chatter.
        mail = self.env["mail.message"].search(
            [
                ("model", "=", voucher._name),
                ("res_id", "=", voucher.id),
                ("partner_ids", "in", self.patient.ids),
            ]
        )
        self.assertEqual(mail.message_type, "user_notification")
        self.assertIn(voucher.code, str(mail.body))
        self.assertNotIn(voucher.code, str(voucher.message_ids.mapped("body")))

    def test_a_reward_beyond_the_balance_is_refused_with_the_figures(self):
        self._earn(self.patient, 250)
        with self.assertRaisesRegex(
            UserError,
            "Not enough points for 10 off: it costs 300, Lan Nguyen can spend 250",
        ):
            self.Voucher._issue(self._wallet(), self.ten_off)
        self.assertFalse(self.Voucher.search([("partner_id", "=", self.patient.id)]))
        self.assertEqual(self._wallet().points_available, 250)

    def test_a_reward_above_the_tier_is_refused(self):
        self._post(self.patient, "adjust", 1000, reason="Test")  # still Bronze
        self.ten_off.min_tier_id = self.gold
        with self.assertRaisesRegex(UserError, "for Gold patients and above.*Bronze"):
            self.Voucher._issue(self._wallet(), self.ten_off)

    def test_a_reward_kept_for_chosen_patients(self):
        other = self.env["res.partner"].create({"name": "Other"})
        self._post(self.patient, "adjust", 1000, reason="Test")
        self.ten_off.partner_ids = other
        with self.assertRaisesRegex(UserError, "kept for chosen patients"):
            self.Voucher._issue(self._wallet(), self.ten_off)
        self.assertNotIn(
            self.ten_off,
            self.env["dental.loyalty.reward"]._available_to(self._wallet()),
        )

    def test_limit_per_patient_and_stock(self):
        self._post(self.patient, "adjust", 2000, reason="Test")
        self.ten_off.write({"limit_per_patient": 1, "limit_period": "year"})
        self.Voucher._issue(self._wallet(), self.ten_off)
        with self.assertRaisesRegex(UserError, "reached the limit of 10 off: 1"):
            self.Voucher._issue(self._wallet(), self.ten_off)
        self.gift.write({"has_stock": True, "stock_left": 1})
        self.Voucher._issue(self._wallet(), self.gift)
        self.assertEqual(self.gift.stock_left, 0)
        with self.assertRaisesRegex(UserError, "out of stock"):
            self.Voucher._issue(self._wallet(), self.gift)

    def test_points_held_by_a_register_cannot_buy_a_reward(self):
        self._post(self.patient, "adjust", 400, reason="Test")
        self._wallet()._reserve_points(
            "register-order", 1000.0, 20.0, self.env["pos.config"]
        )  # holds 200 points
        with self.assertRaisesRegex(UserError, "can spend 200"):
            self.Voucher._issue(self._wallet(), self.ten_off)

    def test_cancelling_an_unused_voucher_gives_its_points_back(self):
        self._post(self.patient, "adjust", 500, reason="Test")
        voucher = self.Voucher._issue(self._wallet(), self.ten_off)
        with self.assertRaises(AccessError):
            voucher.with_user(self.receptionist).action_cancel()
        voucher.with_user(self.manager).action_cancel()
        self.assertEqual(voucher.state, "cancelled")
        self.assertEqual(self._wallet().points_available, 500)
        with self.assertRaisesRegex(UserError, "only an unused voucher"):
            voucher.with_user(self.manager).action_cancel()
        self.assertEqual(self._wallet().points_available, 500)

    def test_the_expiry_job_expires_once_and_returns_nothing(self):
        with freeze_time("2026-01-10"):
            self._post(self.patient, "adjust", 500, reason="Test")
            voucher = self.Voucher._issue(self._wallet(), self.ten_off)
        self.assertEqual(str(voucher.expiry_date), "2026-04-10")
        with freeze_time("2026-04-10"):
            self.Voucher._cron_expire_vouchers()
            self.assertEqual(voucher.state, "valid")
        lines_before = self.Ledger.search_count([])
        with freeze_time("2026-04-11"):
            self.assertEqual(self.Voucher._cron_expire_vouchers(), 0)
            self.assertEqual(voucher.state, "expired")
            self.Voucher._cron_expire_vouchers()
            self.assertEqual(voucher.state, "expired")
            with self.assertRaisesRegex(UserError, "not valid"):
                voucher.with_user(self.manager).action_cancel()
        self.assertEqual(self.Ledger.search_count([]), lines_before)
        self.assertEqual(self._wallet().points_available, 200)

    def test_a_gift_is_handed_over_once_from_the_patient_form(self):
        self._post(self.patient, "adjust", 500, reason="Test")
        voucher = self.Voucher._issue(self._wallet(), self.gift)
        voucher.with_user(self.receptionist).action_mark_handed()
        self.assertEqual(voucher.state, "used")
        self.assertEqual(voucher.used_amount, 15.0)
        with self.assertRaisesRegex(UserError, "already used"):
            voucher.with_user(self.receptionist).action_mark_handed()

    def test_reception_gives_a_reward_from_the_patient_form(self):
        self._post(self.patient, "adjust", 350, reason="Test")
        wizard = Form(
            self.env["dental.loyalty.reward.redeem"]
            .with_user(self.receptionist)
            .with_context(default_partner_id=self.patient.id)
        )
        self.assertEqual(wizard.spendable_points, 350)
        wizard.reward_id = self.ten_off
        self.assertEqual(wizard.points_after, 50)
        action = wizard.save().action_confirm()
        voucher = self.Voucher.browse(action["res_id"])
        self.assertEqual(voucher.reward_id, self.ten_off)
        self.assertEqual(self._wallet().points_available, 50)
        self.assertEqual(
            self.patient.with_user(self.receptionist).loyalty_voucher_count, 1
        )

    def test_a_voucher_prints_with_its_code_as_barcode_and_qr(self):
        self._post(self.patient, "adjust", 600, reason="Test")
        # Reception prints the vouchers it gave; a code is cash.
        colleagues = self.Voucher._issue(self._wallet(), self.ten_off)
        with self.assertRaises(AccessError):
            colleagues.with_user(self.receptionist).action_print()
        voucher = (
            self.Voucher.with_user(self.receptionist)
            ._issue(self._wallet(), self.ten_off)
            .sudo()
        )
        action = voucher.with_user(self.receptionist).action_print()
        self.assertEqual(action["report_name"], "dental_loyalty.report_voucher")
        html, _kind = (
            self.env["ir.actions.report"]
            .with_user(self.receptionist)
            ._render_qweb_html("dental_loyalty.report_voucher", voucher.ids)
        )
        html = html.decode()
        self.assertIn(voucher.code, html)
        self.assertIn(f"barcode_type=Code128&amp;value={voucher.code}", html)
        self.assertIn(f"barcode_type=QR&amp;value={voucher.code}", html)

    def test_vouchers_are_made_only_by_redeeming(self):
        self._post(self.patient, "adjust", 500, reason="Test")
        voucher = self.Voucher._issue(self._wallet(), self.ten_off)
        voucher.with_user(self.manager).action_cancel()
        Voucher = self.Voucher.with_user(self.receptionist)
        with self.assertRaises(AccessError):
            Voucher.create(
                {
                    "code": "FORGED000000",
                    "reward_id": self.ten_off.id,
                    "partner_id": self.patient.id,
                    "wallet_id": self._wallet().id,
                    "company_id": self.company.id,
                }
            )
        with self.assertRaises(AccessError):
            voucher.with_user(self.receptionist).write({"state": "valid"})
        with self.assertRaises(AccessError):
            voucher.with_user(self.manager).write({"state": "valid"})
        self.assertEqual(voucher.state, "cancelled")
