from odoo.tests import Form, HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import DentalLoyaltyCommon
from .common_pos import ACCESS_ERROR, PosJsonRpcMixin
from .test_rewards import RewardCatalogMixin


@tagged("post_install", "-at_install", "dental_loyalty_slow")
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
        cls.Wallet._post_lines(
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
