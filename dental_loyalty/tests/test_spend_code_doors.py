import re
from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged

from odoo.addons.sms.tests.common import MockSMS

from .common_pos import ACCESS_ERROR
from .test_held_rewards_over_the_wire import HeldRewardCommon
from .test_spend_code_over_the_wire import SPEND_CODE_REQUIRED


@tagged("post_install", "-at_install")
class TestSpendCodeDoors(HeldRewardCommon, MockSMS, HttpCase):
    """A clinic that asks for a code by SMS from 500 points a day, as a cashier
    sees it over JSON-RPC: no other door spends as much without the code (the
    back office, small spends one after the other, a code confirmed for a bill
    already paid), and no other register releases a bill's held rewards."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._set_loyalty_settings(spend_code_points=500)
        cls.patient.mobile = "+32 470 12 34 56"
        Reward = cls.env["dental.loyalty.reward"]
        common = {
            "company_id": cls.company.id,
            "product_id": cls.discount_product.id,
            "kind": "discount_fixed",
        }
        cls.small = Reward.create(
            {**common, "name": "5 off", "discount_amount": 5.0, "points_cost": 400}
        )
        cls.large = Reward.create(
            {**common, "name": "20 off", "discount_amount": 20.0, "points_cost": 1200}
        )

    def setUp(self):
        super().setUp()
        self._give_points(self.patient, 3000)
        self.Code = self.env["dental.loyalty.spend.code"].sudo()

    def _redeem(self, reward, *uuid, config=None):
        return self._call(
            "pos.order",
            "dental_loyalty_redeem_reward",
            (config or self.config).id,
            self.patient.id,
            reward.id,
            *uuid,
        )

    def _confirm_code(self, uuid, points):
        """The patient's code for ``points`` on the bill ``uuid``, confirmed."""
        with self.mockSMSGateway():
            _answer, error = self._call(
                "pos.order",
                "dental_loyalty_send_spend_code",
                self.config.id,
                uuid,
                self.patient.id,
                points,
            )
            self.assertIsNone(error)
            code = re.search(r"\b(\d{6})\b", self._sms[-1]["body"]).group(1)
        result, error = self._call(
            "pos.order",
            "dental_loyalty_check_spend_code",
            self.config.id,
            uuid,
            self.patient.id,
            code,
        )
        self.assertEqual((result, error), ({"verified": True}, None))

    def _give_reward(self, reward):
        """(result, error) of the back office's Give Reward, as the cashier."""
        wizard, error = self._call(
            "dental.loyalty.reward.redeem",
            "create",
            {
                "partner_id": self.patient.id,
                "company_id": self.company.id,
                "reward_id": reward.id,
            },
        )
        self.assertIsNone(error)
        return self._call("dental.loyalty.reward.redeem", "action_confirm", [wizard])

    def _spent(self):
        lines = self.Ledger.search(
            [("wallet_id", "=", self._wallet().id), ("kind", "in", ("spend", "redeem"))]
        )
        return -sum(lines.mapped("points"))

    def _issued(self, reward):
        return self.Voucher.search_count(
            [("partner_id", "=", self.patient.id), ("reward_id", "=", reward.id)]
        )

    def test_the_order_of_a_held_reward_is_the_registers_secret(self):
        self._set_loyalty_settings(spend_code_points=0)
        line, error = self._hold("bill-a", self.small)
        self.assertIsNone(error)
        for domain, fields_read in [
            ([("state", "=", "held")], ["hold_order_uuid"]),
            ([("hold_order_uuid", "!=", False)], ["code_hint"]),
        ]:
            with self.subTest(domain=domain):
                seen, error = self._call(
                    "dental.loyalty.voucher", "search_read", domain, fields_read
                )
                self.assertIsNone(seen)
                self.assertEqual(error["name"], ACCESS_ERROR)
        seen, error = self._call(
            "dental.loyalty.voucher",
            "search_read",
            [("state", "=", "held")],
            ["code_hint", "state"],
        )
        self.assertIsNone(error)
        self.assertNotIn("hold_order_uuid", seen[0])
        self.assertNotIn("bill-a", str(seen))
        # The register that holds it prices, releases and sells it as before.
        result, error = self._call(
            "pos.order",
            "dental_loyalty_voucher_line",
            self.config.id,
            line["code"],
            self.patient.id,
            100.0,
            0.0,
            None,
            "bill-a",
        )
        self.assertIsNone(error)
        self.assertEqual(result["price_unit"], -5.0)
        order, error = self._sync_rpc(
            self._voucher_order(
                [(self.checkup, 2)],
                [(line["code"], self.discount_product, -5.0)],
                uuid="bill-a",
            )
        )
        self.assertIsNone(error)
        self.assertEqual(self._voucher(line["code"]).state, "used")

    def test_small_spends_of_one_day_add_up_to_the_threshold(self):
        line, error = self._hold("bill-1", self.small)
        self.assertIsNone(error)
        # What a bill holds counts, the bill's own holds included.
        for uuid in ("bill-1", "bill-2"):
            _voucher, error = self._redeem(self.small, uuid)
            self.assertEqual(error["name"], SPEND_CODE_REQUIRED)
            self.assertIn("400 were spent in the last 24 hours", error["message"])
        self.assertIsNone(self._release("bill-1", line["code"])[1])
        self.assertIsNone(self._redeem(self.small, "bill-2")[1])
        _voucher, error = self._redeem(self.small, "bill-3")
        self.assertEqual(error["name"], SPEND_CODE_REQUIRED)
        self.assertIn("400 were spent in the last 24 hours", error["message"])
        _line, error = self._hold("bill-3", self.small)
        self.assertEqual(error["name"], SPEND_CODE_REQUIRED)
        self.assertEqual(self._spent(), 400)
        # A confirmed code covers its own bill, whatever the day's spends.
        self._confirm_code("bill-3", 400)
        line, error = self._hold("bill-3", self.small)
        self.assertIsNone(error)
        _line, error = self._hold("bill-4", self.ten_off)
        self.assertIn("800 were spent in the last 24 hours", error["message"])
        order, error = self._sync_rpc(
            self._voucher_order(
                [(self.checkup, 2)],
                [(line["code"], self.discount_product, line["price_unit"])],
                uuid="bill-3",
            )
        )
        self.assertIsNone(error)
        self.assertEqual(self._spent(), 800)

    def test_a_confirmation_ends_with_its_bill_and_lapses(self):
        self._confirm_code("bill-x", 1200)
        line, error = self._hold("bill-x", self.large)
        self.assertIsNone(error)
        order, error = self._sync_rpc(
            self._voucher_order(
                [(self.checkup, 2)],
                [(line["code"], self.discount_product, line["price_unit"])],
                uuid="bill-x",
            )
        )
        self.assertIsNone(error)
        # The bill is paid: its code confirms no other spend, on any register.
        other = self.basic_config.copy({"name": "Second desk"})
        for config in (self.config, other):
            _voucher, error = self._redeem(self.large, "bill-x", config=config)
            self.assertEqual(error["name"], SPEND_CODE_REQUIRED)
        # Nor anything more held on the paid bill itself.
        _line, error = self._hold("bill-x", self.large)
        self.assertIn("already paid", error["message"])
        self.assertEqual(self._spent(), 1200)
        # A confirmation nobody used lapses after half an hour.
        self._confirm_code("bill-y", 1200)
        self.Code.search([("order_uuid", "=", "bill-y")]).verified_at = (
            fields.Datetime.now() - timedelta(minutes=31)
        )
        _voucher, error = self._redeem(self.large, "bill-y")
        self.assertEqual(error["name"], SPEND_CODE_REQUIRED)

    def test_the_back_office_is_no_way_around_the_code(self):
        _voucher, error = self._redeem(self.large, "bill-1")
        self.assertEqual(error["name"], SPEND_CODE_REQUIRED)
        _result, error = self._give_reward(self.large)
        # Grouped as the language writes numbers (helper-104).
        self.assertIn("Spending 1,200 points needs the code", error["message"])
        self.assertIn("ask a manager, or redeem it at the register", error["message"])
        self.assertEqual(self._issued(self.large), 0)
        # Below the threshold reception gives it; the day's spends count.
        self.assertIsNone(self._give_reward(self.small)[1])
        _result, error = self._give_reward(self.small)
        self.assertIn("400 were spent in the last 24 hours", error["message"])
        self.assertEqual(self._issued(self.small), 1)
        # A loyalty manager gives any reward from the patient's form.
        manager = self._new_user(
            "dl_manager", "base.group_user,dental_loyalty.group_dental_loyalty_manager"
        )
        wizard = (
            self.env["dental.loyalty.reward.redeem"]
            .with_user(manager)
            .create(
                {
                    "partner_id": self.patient.id,
                    "company_id": self.company.id,
                    "reward_id": self.large.id,
                }
            )
        )
        wizard.action_confirm()
        self.assertEqual(self._issued(self.large), 1)
        self.assertEqual(self._wallet().points_available, 3000 - 1600)
