from odoo.tests import Form, HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import DentalLoyaltyCommon
from .common_pos import PosJsonRpcMixin
from .test_pos_vouchers import VoucherRegisterCommon
from .test_rewards import RewardCatalogMixin

ACCESS_ERROR = "odoo.exceptions.AccessError"


@tagged("post_install", "-at_install")
class TestVoucherCodesOverTheWire(PosJsonRpcMixin, VoucherRegisterCommon, HttpCase):
    """Voucher codes are bearer codes: a cashier, over JSON-RPC, lists none, gets
    the codes of the bill's patient's own vouchers from the register's call,
    and a typed code still works; a transferable voucher used for someone else
    says so and is logged to whoever used it."""

    def setUp(self):
        super().setUp()
        self.authenticate(self.cashier.login, self.cashier.login)
        self.stranger = self.env["res.partner"].create({"name": "Stranger"})
        self.own = self._issue(self.ten_off)
        self.others = self._issue(self.ten_off, self.stranger) | self._issue(
            self.whitening_off, self.stranger
        )
        self.codes = set((self.own | self.others).mapped("code"))

    @mute_logger("odoo.http")
    def test_a_cashier_lists_no_code(self):
        for method, args in [
            ("search_read", ([], ["code"])),
            ("read", (self.others.ids, ["code"])),
            ("search", ([("code", "=", self.others[:1].code)],)),
            ("search_read", ([("code", "like", "A")], ["id"])),
        ]:
            with self.subTest(method=method, args=args):
                result, error = self._call("dental.loyalty.voucher", method, *args)
                self.assertIsNone(result)
                self.assertEqual(error["name"], ACCESS_ERROR)
        # Every field a cashier may read: not one is a code.
        rows, error = self._call("dental.loyalty.voucher", "search_read", [], [])
        self.assertIsNone(error)
        self.assertEqual(len(rows), 3)
        shown = {str(value) for row in rows for value in row.values()}
        self.assertFalse(self.codes & shown)
        self.assertIn(f"\u2022\u2022\u2022\u2022 {self.own.code[-4:]}", shown)
        # Nor the ledger lines of the vouchers, which the front desk reads.
        lines, error = self._call(
            "dental.loyalty.ledger",
            "search_read",
            [("res_model", "=", "dental.loyalty.voucher")],
            ["origin", "display_name", "reason"],
        )
        self.assertIsNone(error)
        self.assertEqual(len(lines), 3)
        shown = {str(value) for row in lines for value in row.values()}
        self.assertFalse(self.codes & shown)
        # Nor the names core reads under sudo(): a name search lists them all.
        names, error = self._call("dental.loyalty.voucher", "name_search", "")
        self.assertIsNone(error)
        self.assertEqual(len(names), 3)
        self.assertFalse(self.codes & {name for _id, name in names})

    def test_a_code_sent_to_its_patient_is_in_no_chatter(self):
        self.company._dental_loyalty_set_channels(voucher="both")
        self.stranger.write({"email": "hoa@example.com", "phone": "+84 912 345 678"})
        sent = self._issue(self.whitening_off, self.stranger)
        self._end_request()
        self.assertTrue(self.env["sms.sms"].search([("body", "like", sent.code)]))
        self.assertTrue(
            self.env["mail.mail"].search([("body_html", "like", sent.code)])
        )
        for model in ("dental.loyalty.voucher", "res.partner"):
            with self.subTest(model=model):
                rows, error = self._call(
                    "mail.message", "search_read", [("model", "=", model)], ["body"]
                )
                self.assertIsNone(error)
                self.assertFalse([row for row in rows if sent.code in row["body"]])

    def test_the_register_gets_the_patients_own_codes_only(self):
        self._issue(self.gift)  # handed at the desk, no use on a bill
        self._issue(self.whitening_off).action_cancel()
        # Cash in anyone's hands: typed from the patient's paper, not offered.
        self.free_cleaning.transferable = True
        self._issue(self.free_cleaning)
        offered, error = self._call(
            "pos.order",
            "dental_loyalty_patient_vouchers",
            self.config.id,
            self.patient.id,
        )
        self.assertIsNone(error)
        self.assertEqual([voucher["code"] for voucher in offered], [self.own.code])
        self.assertEqual(offered[0]["reward"], "10 off")
        for args, message in [
            ((self.config.id, "abc"), "Choose the patient"),
            ((self.config.id, 0), "Choose the patient"),
            (("abc", self.patient.id), "register is unknown"),
        ]:
            with self.subTest(args=args):
                result, error = self._call(
                    "pos.order", "dental_loyalty_patient_vouchers", *args
                )
                self.assertIsNone(result)
                self.assertIn(message, error["message"])

    def test_a_typed_code_still_works(self):
        line, error = self._call(
            "pos.order",
            "dental_loyalty_voucher_line",
            self.config.id,
            self.own.code.lower(),
            self.patient.id,
            100.0,
        )
        self.assertIsNone(error)
        self.assertEqual((line["code"], line["price_unit"]), (self.own.code, -10.0))
        self.assertEqual(line["label"], "10 off")
        self.assertFalse(line["transferred"])
        order, error = self._sync_rpc(
            self._voucher_order(
                [(self.checkup, 2)], [(self.own.code, self.discount_product, -10.0)]
            )
        )
        self.assertIsNone(error)
        self.assertEqual((self.own.state, self.own.pos_order_id), ("used", order))
        self.assertIn(
            f"Used on {order.pos_reference}.",
            self.own.message_ids.mapped("preview"),
        )

    def test_a_transferable_voucher_used_for_another_patient_is_logged(self):
        self.ten_off.transferable = True
        # The stranger's code, typed on Minh Tran's bill.
        voucher = self.others.filtered(lambda v: v.reward_id == self.ten_off)
        line, error = self._call(
            "pos.order",
            "dental_loyalty_voucher_line",
            self.config.id,
            voucher.code,
            self.patient.id,
            100.0,
        )
        self.assertIsNone(error)
        self.assertTrue(line["transferred"])
        self.assertEqual(line["label"], "10 off (transferable voucher)")
        order, error = self._sync_rpc(
            self._voucher_order(
                [(self.checkup, 2)], [(voucher.code, self.discount_product, -10.0)]
            )
        )
        self.assertIsNone(error)
        self.assertEqual((voucher.state, voucher.pos_order_id), ("used", order))
        self.assertIn(
            f"Used on {order.pos_reference} by {self.cashier.name}, for Minh Tran: "
            "a transferable voucher on someone else's bill.",
            voucher.message_ids.mapped("preview"),
        )

    @mute_logger("odoo.http")
    def test_the_front_desk_prints_only_the_vouchers_it_issued(self):
        self._give_points(self.patient, 300)
        issued, error = self._call(
            "pos.order",
            "dental_loyalty_redeem_reward",
            self.config.id,
            self.patient.id,
            self.ten_off.id,
        )
        self.assertIsNone(error)
        mine = self.Voucher.search([("code", "=", issued["code"])])
        action, error = self._call("dental.loyalty.voucher", "action_print", mine.ids)
        self.assertIsNone(error)
        self.assertEqual(action["type"], "ir.actions.report")
        page = self.url_open(f"/report/html/dental_loyalty.report_voucher/{mine.id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn(mine.code, page.text)
        self.assertIn(
            f"Printed by {self.cashier.name}.", mine.message_ids.mapped("preview")
        )
        # Someone else's voucher: no print, no code.
        _result, error = self._call(
            "dental.loyalty.voucher", "action_print", self.others.ids
        )
        self.assertEqual(error["name"], ACCESS_ERROR)
        page = self.url_open(
            f"/report/html/dental_loyalty.report_voucher/{self.others[0].id}"
        )
        self.assertNotIn(self.others[0].code, page.text)


@tagged("post_install", "-at_install")
class TestDoorsAcrossClinics(
    PosJsonRpcMixin, RewardCatalogMixin, DentalLoyaltyCommon, HttpCase
):
    """Users of clinic A, over JSON-RPC, cannot act on clinic B's vouchers nor
    post into its wallets; a loyalty user does not run the integrity check; a
    plain internal user reads no loyalty field of a patient."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._make_catalog(cls.company)
        cls.clinic_b = cls.env["res.company"].create({"name": "Clinic B"})
        cls.manager_b = new_test_user(
            cls.env,
            login="dl_manager_b",
            groups="base.group_user,dental_loyalty.group_dental_loyalty_manager",
            company_id=cls.clinic_b.id,
            company_ids=[(6, 0, cls.clinic_b.ids)],
        )
        Reward = cls.env["dental.loyalty.reward"]
        cls.gift_b = Reward.create(
            {
                "name": "Floss",
                "kind": "gift",
                "product_id": cls.kit.id,
                "points_cost": 100,
                "company_id": cls.clinic_b.id,
            }
        )
        cls.tier_b = cls.env["dental.loyalty.tier"].create(
            {
                "name": "B Bronze",
                "sequence": 90,
                "threshold": 0,
                "company_id": cls.clinic_b.id,
            }
        )
        cls.wallet_b = cls.patient._dental_loyalty_wallet(cls.clinic_b)
        cls.Ledger._post(
            [
                {
                    "wallet_id": cls.wallet_b.id,
                    "kind": "adjust",
                    "points": 1000,
                    "reason": "Opening balance",
                }
            ]
        )
        cls.Voucher = cls.env["dental.loyalty.voucher"]
        cls.voucher_b = cls.Voucher._issue(cls.wallet_b, cls.gift_b)
        # Staff with contact rights and no loyalty rights.
        cls.plain = new_test_user(
            cls.env,
            login="dl_plain",
            groups="base.group_user,base.group_partner_manager",
        )

    def _b_balance(self):
        self.wallet_b.invalidate_recordset()
        return self.wallet_b.points_balance

    @mute_logger("odoo.http", "odoo.addons.base.models.ir_rule")
    def test_a_user_of_clinic_a_cannot_touch_clinic_bs_vouchers(self):
        self.authenticate(self.manager.login, self.manager.login)
        for method in ("action_cancel", "action_mark_handed", "action_print"):
            with self.subTest(method=method):
                _result, error = self._call(
                    "dental.loyalty.voucher", method, self.voucher_b.ids
                )
                self.assertEqual(error["name"], ACCESS_ERROR)
        self.voucher_b.invalidate_recordset()
        self.assertEqual(self.voucher_b.state, "valid")
        self.assertEqual(self._b_balance(), 900)
        # In clinic B, its manager still cancels it.
        self.authenticate(self.manager_b.login, self.manager_b.login)
        _result, error = self._call(
            "dental.loyalty.voucher", "action_cancel", self.voucher_b.ids
        )
        self.assertIsNone(error)
        self.voucher_b.invalidate_recordset()
        self.assertEqual(self.voucher_b.state, "cancelled")
        self.assertEqual(self._b_balance(), 1000)

    @mute_logger("odoo.http")
    def test_a_loyalty_user_cannot_run_the_integrity_check(self):
        self.authenticate(self.receptionist.login, self.receptionist.login)
        _result, error = self._call(
            "dental.loyalty.wallet", "action_check_integrity", []
        )
        self.assertEqual(error["name"], ACCESS_ERROR)
        self.assertIn("Only loyalty managers", error["message"])
        self.authenticate(self.manager.login, self.manager.login)
        result, error = self._call(
            "dental.loyalty.wallet", "action_check_integrity", []
        )
        self.assertIsNone(error)
        self.assertEqual(result["params"]["type"], "success")
        # Clinic B's wallet, named by id, is not the manager of A's to check.
        _result, error = self._call(
            "dental.loyalty.wallet", "action_check_integrity", self.wallet_b.ids
        )
        self.assertEqual(error["name"], ACCESS_ERROR)

    @mute_logger("odoo.http", "odoo.addons.base.models.ir_rule")
    def test_a_manager_of_clinic_a_cannot_post_into_clinic_bs_wallet(self):
        self.authenticate(self.manager.login, self.manager.login)
        other = self.env["res.partner"].create({"name": "Thu Ha"})
        common = {"company_id": self.clinic_b.id, "reason": "Because"}
        for model, vals in [
            (
                "dental.loyalty.points.adjust",
                {**common, "partner_id": self.patient.id, "points": 5000},
            ),
            (
                "dental.loyalty.tier.pin",
                {**common, "partner_id": self.patient.id, "tier_id": self.tier_b.id},
            ),
            (
                "dental.loyalty.points.transfer",
                {
                    **common,
                    "source_partner_id": self.patient.id,
                    "target_partner_id": other.id,
                    "points": 500,
                },
            ),
            (
                "dental.loyalty.reward.redeem",
                {
                    "company_id": self.clinic_b.id,
                    "partner_id": self.patient.id,
                    "reward_id": self.gift_b.id,
                },
            ),
        ]:
            with self.subTest(model=model):
                wizard_id, error = self._call(model, "create", vals)
                if error is None:
                    _result, error = self._call(model, "action_confirm", [wizard_id])
                self.assertEqual(error["name"], ACCESS_ERROR)
        self.wallet_b.invalidate_recordset()
        self.assertEqual(self._b_balance(), 900)
        self.assertFalse(self.wallet_b.tier_pinned)
        self.assertEqual(
            self.Voucher.search_count([("company_id", "=", self.clinic_b.id)]), 1
        )
        self.assertFalse(
            self.env["dental.loyalty.wallet"].search(
                [("partner_id", "=", other.id), ("company_id", "=", self.clinic_b.id)]
            )
        )
        # The same wizards in the manager's own clinic go through.
        wizard_id, error = self._call(
            "dental.loyalty.points.adjust",
            "create",
            {
                "company_id": self.company.id,
                "partner_id": self.patient.id,
                "points": 50,
                "reason": "Welcome",
            },
        )
        self.assertIsNone(error)
        _result, error = self._call(
            "dental.loyalty.points.adjust", "action_confirm", [wizard_id]
        )
        self.assertIsNone(error)
        self.assertEqual(self.patient._dental_loyalty_wallet().points_balance, 50)

    @mute_logger("odoo.http")
    def test_a_plain_internal_user_reads_no_loyalty_field(self):
        self._earn(self.patient, 120)
        family = self.env["dental.loyalty.family"].create(
            {"name": "Nguyen family", "holder_id": self.patient.id}
        )
        self.assertTrue(family)
        self.authenticate(self.plain.login, self.plain.login)
        for fields in (
            ["loyalty_points_available"],
            ["loyalty_tier_id"],
            ["loyalty_tier_name"],
            ["loyalty_family_name"],
            ["dental_referral_code"],
            ["loyalty_wallet_ids"],
        ):
            with self.subTest(fields=fields):
                _result, error = self._call(
                    "res.partner", "read", self.patient.ids, fields
                )
                self.assertEqual(error["name"], ACCESS_ERROR)
        # What the contacts' views may ask for: no loyalty field but the segments.
        described, error = self._call("res.partner", "fields_get", [], ["type"])
        self.assertIsNone(error)
        segments = {
            "loyalty_phone_invalid",
            "loyalty_not_seen",
            "loyalty_birthday_this_month",
            "loyalty_near_tier",
        }
        self.assertFalse(
            {
                name
                for name in described
                if (name.startswith("loyalty_") and name not in segments)
                or name.startswith("dental_referr")
            }
        )
        rows, error = self._call(
            "res.partner", "read", self.patient.ids, ["name", *sorted(segments)]
        )
        self.assertIsNone(error)
        self.assertEqual(rows[0]["name"], "Lan Nguyen")
        # The contacts form still opens and saves for them.
        with Form(self.patient.with_user(self.plain)) as form:
            form.function = "Teacher"
        self.assertEqual(self.patient.function, "Teacher")
        # A segment is no loyalty figure: marketing still targets it.
        partners, error = self._call(
            "res.partner", "search", [("loyalty_near_tier", "=", True)]
        )
        self.assertIsNone(error)
