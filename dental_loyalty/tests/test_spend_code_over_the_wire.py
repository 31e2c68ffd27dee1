import json
import logging
import re
from datetime import timedelta

from odoo import fields
from odoo.exceptions import ValidationError
from odoo.tests import HttpCase, tagged

from odoo.addons.sms.tests.common import MockSMS

from .common_pos import DentalLoyaltyPosCommon, PosJsonRpcMixin

_logger = logging.getLogger(__name__)

SPEND_CODE_REQUIRED = (
    "odoo.addons.dental_loyalty.models.dental_loyalty_spend_code.SpendCodeRequired"
)


@tagged("post_install", "-at_install", "dental_loyalty_slow")
class TestSpendCodeOverTheWire(
    PosJsonRpcMixin, DentalLoyaltyPosCommon, MockSMS, HttpCase
):
    """A clinic that asks for a code by SMS from 500 points, as a cashier sees it
    over JSON-RPC: the code reaches the patient's phone and nobody else, and a
    spend of 500 points or more stands only with it, at the desk and at sync."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._set_loyalty_settings(spend_code_points=500)
        cls.patient.mobile = "+32 470 12 34 56"

    def setUp(self):
        super().setUp()
        self._give_points(self.patient, 2000)
        self.authenticate(self.cashier.login, self.cashier.login)
        self.Code = self.env["dental.loyalty.spend.code"].sudo()

    def _send(self, data, points=600):
        """The register asks for a code for the spend the refusal named (a
        bill of ``_bill()`` spends 600 points)."""
        return self._call(
            "pos.order",
            "dental_loyalty_send_spend_code",
            self.config.id,
            data["uuid"],
            self.patient.id,
            points,
        )

    def _check(self, data, code):
        result, error = self._call(
            "pos.order",
            "dental_loyalty_check_spend_code",
            self.config.id,
            data["uuid"],
            self.patient.id,
            code,
        )
        self.assertIsNone(error)
        return result

    def _sent_code(self):
        """The code the patient read in the last SMS the gateway took."""
        return re.search(r"\b(\d{6})\b", self._sms[-1]["body"]).group(1)

    def _send_and_read(self, data, points=600):
        with self.mockSMSGateway():
            answer, error = self._send(data, points)
            self.assertIsNone(error)
            return answer, self._sent_code()

    def _confirm(self, data, points):
        """The patient's code for ``points`` on ``data``'s bill, typed and
        confirmed."""
        _answer, code = self._send_and_read(data, points=points)
        self.assertEqual(self._check(data, code), {"verified": True})
        return code

    def _cleaning_for(self, points):
        """A reward of a cleaning, costing ``points``."""
        return self.env["dental.loyalty.reward"].create(
            {
                "name": f"Cleaning for {points}",
                "kind": "product",
                "product_id": self.cleaning.id,
                "points_cost": points,
                "company_id": self.company.id,
            }
        )

    def _redeem_for(self, reward, data):
        """(voucher, error) of ``reward`` redeemed at once for ``data``'s bill."""
        return self._call(
            "pos.order",
            "dental_loyalty_redeem_reward",
            self.config.id,
            self.patient.id,
            reward.id,
            data["uuid"],
        )

    def _bill(self):
        """A bill of 200.00: points may pay 60.00 of it (30 %), 600 points."""
        return self._order([(self.checkup, 4)], points=60.0)

    def test_a_large_points_payment_needs_the_code_sent_to_the_patient(self):
        data = self._bill()
        offer, error = self._hold_rpc(data, 60.0)
        self.assertIsNone(offer)
        self.assertEqual(error["name"], SPEND_CODE_REQUIRED)
        self.assertIn(
            "Spending 600 points needs the code sent to Minh Tran", error["message"]
        )
        # The refusal names the spend the code is for, which the SMS says.
        self.assertEqual(error["context"], {"points": 600})
        with self.mockSMSGateway(), self.assertLogs(level="DEBUG") as logs:
            _logger.info("the register asks for a code")
            answer, error = self._send(data, error["context"]["points"])
        self.assertIsNone(error)
        self.assertEqual(len(self._sms), 1)
        self.assertEqual(self._sms[0]["number"], "+32470123456")
        self.assertIn("Points it spends at most: 600.", self._sms[0]["body"])
        code = self._sent_code()
        self.assertEqual(answer, {"sent_to": "•••• 56", "minutes": 5})
        self.assertNotIn(code, json.dumps(answer))
        self.assertNotIn(code, "\n".join(logs.output))
        record = self.Code.search([("order_uuid", "=", data["uuid"])])
        self.assertNotIn(code, record.code_hash)
        # A manager sees who was sent a code and when, never the code.
        manager = self._new_user(
            "dl_manager", "base.group_user,dental_loyalty.group_dental_loyalty_manager"
        )
        seen = self.Code.with_user(manager).sudo(False).search_read([], [])
        self.assertEqual(len(seen), 1)
        self.assertNotIn("code_hash", seen[0])
        self.assertNotIn(code, json.dumps(seen, default=str))
        # No SMS record keeps the body, no message on any chatter says it.
        self.assertFalse(self.env["sms.sms"].sudo().search([("body", "ilike", code)]))
        self.assertFalse(
            self.env["mail.message"].sudo().search([("body", "ilike", code)])
        )
        wrong = "000000" if code != "000000" else "111111"
        self.assertEqual(
            self._check(data, wrong),
            {"verified": False, "message": "Wrong code: 2 tries left."},
        )
        self.assertEqual(
            self._check(data, f" {code[:3]} {code[3:]} "), {"verified": True}
        )
        offer, error = self._hold_rpc(data, 60.0)
        self.assertIsNone(error)
        self.assertEqual(offer["points"], 600)
        order, error = self._sync_rpc(data)
        self.assertIsNone(error)
        self.assertEqual(order.dental_loyalty_points_spent, 600)

    def test_a_code_confirms_the_spend_its_sms_named_and_no_more(self):
        """The patient agrees to the points the SMS names: a cashier who asked
        for a code for less, or who raises the spend once the code is typed,
        needs a new code for the larger spend."""
        data = self._bill()
        _answer, code = self._send_and_read(data, points=400)
        self.assertIn("Points it spends at most: 400.", self._sms[-1]["body"])
        self.assertEqual(self._check(data, code), {"verified": True})
        offer, error = self._hold_rpc(data, 40.0)  # 400 points: confirmed
        self.assertIsNone(error)
        self.assertEqual(offer["points"], 400)
        offer, error = self._hold_rpc(data, 60.0)  # raised to 600 points
        self.assertIsNone(offer)
        self.assertEqual(error["name"], SPEND_CODE_REQUIRED)
        self.assertEqual(error["context"], {"points": 600})
        # A register that pays 600 all the same, on the 400 points held.
        order, error = self._sync_rpc(data)
        self.assertIsNone(order)
        self.assertIn("Spending 600 points needs the code", error["message"])
        self.assertEqual(self._wallet().points_balance, 2000)
        self._age_codes()
        self._confirm(data, 600)
        self.assertIsNone(self._hold_rpc(data, 60.0)[1])
        order, error = self._sync_rpc(data)
        self.assertIsNone(error)
        self.assertEqual(order.dental_loyalty_points_spent, 600)
        self.assertEqual(
            self._wallet().points_balance,
            2000 - 600 + order.dental_loyalty_points_earned,
        )

    def test_a_reward_redeemed_at_once_counts_what_its_bill_holds(self):
        # helper-99: a code for 400 points confirmed a 400-point payment and
        # then a 400-point reward redeemed at once on the same bill.
        reward = self._cleaning_for(400)
        data = self._order([(self.checkup, 4)], points=40.0)  # 400 points
        self._confirm(data, 400)
        self.assertIsNone(self._hold_rpc(data, 40.0)[1])
        voucher, error = self._redeem_for(reward, data)
        self.assertIsNone(voucher)
        self.assertEqual(error["name"], SPEND_CODE_REQUIRED)
        self.assertEqual(error["context"], {"points": 800})
        order, error = self._sync_rpc(data)
        self.assertIsNone(error)
        self.assertEqual(order.dental_loyalty_points_spent, 400)

    def test_a_reward_redeemed_for_the_bill_before_counts_in_its_code(self):
        # helper-100: a reward redeemed at once for the bill below the
        # threshold, then a points payment that needed the code: a code for
        # 600 points confirmed a bill that spent 1,000.
        reward = self._cleaning_for(400)
        data = self._order([(self.checkup, 4)], points=60.0)  # 600 points
        voucher, error = self._redeem_for(reward, data)
        self.assertIsNone(error)  # 400 points: below the threshold
        _offer, error = self._hold_rpc(data, 60.0)
        self.assertEqual(error["name"], SPEND_CODE_REQUIRED)
        self.assertEqual(error["context"], {"points": 1000})
        self._confirm(data, 600)
        _offer, error = self._hold_rpc(data, 60.0)
        self.assertEqual(error["name"], SPEND_CODE_REQUIRED)
        # helper-101: nor does the bill sync paying its 600 points with no
        # hold, on that code.
        order, error = self._sync_rpc(data)
        self.assertIsNone(order)
        self.assertIn("Spending 600 points needs the code", error["message"])
        self._age_codes()
        self._confirm(data, 1000)
        self.assertIsNone(self._hold_rpc(data, 60.0)[1])
        order, error = self._sync_rpc(data)
        self.assertIsNone(error)
        self.assertEqual(order.dental_loyalty_points_spent, 600)

    def test_a_code_is_asked_for_a_number_of_points(self):
        data = self._bill()
        for points in (None, 0, -600, True, 600.0, "600", [600], 10**8):
            with self.subTest(points=points), self.mockSMSGateway():
                answer, error = self._send(data, points)
                self.assertIsNone(answer)
                self.assertEqual(
                    error["message"],
                    "The points the code is for are not a number of points.",
                )
                self.assertEqual(self._sms, [])
        self.assertFalse(self.Code.search([("order_uuid", "=", data["uuid"])]))

    def test_no_code_is_sent_where_the_clinic_asks_for_none(self):
        # helper-113: with the threshold off, a cashier's call still paid for
        # an SMS to the patient.
        self._set_loyalty_settings(spend_code_points=0)
        data = self._bill()
        with self.mockSMSGateway():
            answer, error = self._send(data)
        self.assertIsNone(answer)
        self.assertEqual(
            error["message"],
            "This clinic asks for no code before points are spent: there is "
            "nothing to send.",
        )
        self.assertEqual(self._sms, [])
        self.assertFalse(self.Code.search([("order_uuid", "=", data["uuid"])]))

    def test_a_small_spend_needs_no_code(self):
        data = self._order([(self.checkup, 4)], points=40.0)  # 400 points
        with self.mockSMSGateway():
            offer, error = self._hold_rpc(data, 40.0)
            self.assertIsNone(error)
            self.assertEqual(offer["points"], 400)
            order, error = self._sync_rpc(data)
        self.assertIsNone(error)
        self.assertEqual(order.dental_loyalty_points_spent, 400)
        self.assertEqual(self._sms, [])

    def test_wrong_expired_used_and_too_many_tries_are_refused(self):
        data = self._bill()
        self.assertEqual(
            self._check(data, "123456"),
            {
                "verified": False,
                "message": "No code was sent for this bill: send one first.",
            },
        )
        _answer, code = self._send_and_read(data)
        self.Code.search([("order_uuid", "=", data["uuid"])]).expires_at = (
            fields.Datetime.now() - timedelta(seconds=1)
        )
        expired = self._check(data, code)
        self.assertEqual(expired["message"], "This code has expired: send a new one.")
        self._age_codes()
        _answer, code = self._send_and_read(data)
        wrong = "000000" if code != "000000" else "111111"
        for message in ["2 tries left", "1 tries left", "too many tries"]:
            self.assertIn(message, self._check(data, wrong)["message"])
        # Even the right code: the code is dead after three wrong ones.
        self.assertEqual(
            self._check(data, code)["message"], "Too many wrong codes: send a new one."
        )
        _offer, error = self._hold_rpc(data, 60.0)
        self.assertEqual(error["name"], SPEND_CODE_REQUIRED)
        self._age_codes()
        _answer, code = self._send_and_read(data)
        # What is no code at all is a wrong try, not a crash.
        for typed, left in [(None, 2), (["1"], 1)]:
            with self.subTest(typed=typed):
                self.assertEqual(
                    self._check(data, typed)["message"],
                    f"Wrong code: {left} tries left.",
                )
        self.assertEqual(self._check(data, code), {"verified": True})
        self.assertIn("already used", self._check(data, code)["message"])

    def _age_codes(self, minutes=2):
        """As if every code had been sent ``minutes`` earlier."""
        for record in self.Code.search([]):
            record.sent_at -= timedelta(minutes=minutes)

    def test_new_codes_are_rate_limited(self):
        data = self._bill()
        self._send_and_read(data)
        with self.mockSMSGateway():
            _answer, error = self._send(data)
        self.assertIn("less than a minute ago", error["message"])
        self.assertEqual(self._sms, [])
        for _sent in range(4):
            self._age_codes()
            self._send_and_read(data)
        self._age_codes()
        with self.mockSMSGateway():
            _answer, error = self._send(self._order([(self.checkup, 1)]))
        self.assertIn("too many codes in the last hour", error["message"])
        self.assertEqual(self._sms, [])

    def test_a_forged_sync_without_a_confirmed_code_is_refused(self):
        data = self._bill()
        order, error = self._sync_rpc(data)
        self.assertIsNone(order)
        self.assertIn(
            "was refused: Spending 600 points needs the code", error["message"]
        )
        self.assertEqual(self._wallet().points_balance, 2000)
        # A code sent but not confirmed is no code either.
        self._send_and_read(data)
        order, error = self._sync_rpc(data)
        self.assertIn("needs the code", error["message"])
        self.assertEqual(self._wallet().points_balance, 2000)

    def test_a_hold_granted_before_the_threshold_still_syncs(self):
        self._set_loyalty_settings(spend_code_points=0)
        granted, smaller = self._bill(), self._bill()
        self.assertIsNone(self._hold_rpc(granted, 60.0)[1])
        self.assertIsNone(self._hold_rpc(smaller, 40.0)[1])  # 400 points
        self._set_loyalty_settings(spend_code_points=500)
        # A register's queue never blocks on what the server granted...
        order, error = self._sync_rpc(granted)
        self.assertIsNone(error)
        self.assertEqual(order.dental_loyalty_points_spent, 600)
        # ...but a sync spending more than its hold needs the code.
        order, error = self._sync_rpc(smaller)
        self.assertIn("Spending 600 points needs the code", error["message"])

    def test_two_orders_of_one_patient_each_need_their_own_code(self):
        first, second = self._bill(), self._bill()
        _answer, code = self._send_and_read(first)
        self.assertEqual(self._check(first, code), {"verified": True})
        self.assertIsNone(self._hold_rpc(first, 60.0)[1])
        _offer, error = self._hold_rpc(second, 60.0)
        self.assertEqual(error["name"], SPEND_CODE_REQUIRED)
        self.assertFalse(self._check(second, code)["verified"])
        order, error = self._sync_rpc(second)
        self.assertIn("needs the code", error["message"])
        _answer, other_code = self._send_and_read(second)
        self.assertEqual(self._check(second, other_code), {"verified": True})
        for data in (first, second):
            order, error = self._sync_rpc(data)
            self.assertIsNone(error)
            self.assertEqual(order.dental_loyalty_points_spent, 600)

    def test_a_patient_without_a_number_is_told_so(self):
        self.patient.write({"mobile": False, "phone": False})
        with self.mockSMSGateway():
            _answer, error = self._send(self._bill())
        self.assertIn("Minh Tran has no phone number", error["message"])
        self.assertIn("ask a manager to adjust", error["message"])
        self.assertEqual(self._sms, [])

    def test_the_code_goes_to_the_phone_when_there_is_no_mobile(self):
        # helper-104: every demo patient's number is in Phone, and no code
        # could be sent to any of them.
        self.patient.write({"mobile": False, "phone": "+32 470 65 43 21"})
        data = self._bill()
        with self.mockSMSGateway():
            _answer, error = self._send(data)
        self.assertIsNone(error)
        self.assertEqual(self._sms[0]["number"], "+32470654321")

    def test_the_threshold_is_a_clinic_setting_never_negative(self):
        settings = self.env["res.config.settings"].create({})
        self.assertEqual(settings.dental_loyalty_spend_code_points, 500)
        settings.dental_loyalty_spend_code_points = 0
        settings.execute()
        self.assertEqual(self.company.dental_loyalty_spend_code_points, 0)
        offer, error = self._hold_rpc(self._bill(), 60.0)  # no code any more
        self.assertIsNone(error)
        self.assertEqual(offer["points"], 600)
        with self.assertRaises(ValidationError):
            self._set_loyalty_settings(spend_code_points=-1)

    def test_a_costly_reward_redeemed_at_once_takes_its_own_code(self):
        Reward = self.env["dental.loyalty.reward"]
        rewards = {
            points: Reward.create(
                {
                    "name": f"Cleaning for {points}",
                    "kind": "product",
                    "product_id": self.cleaning.id,
                    "points_cost": points,
                    "company_id": self.company.id,
                }
            )
            for points in (300, 600)
        }
        data = self._bill()

        def redeem(points, *uuid):
            return self._call(
                "pos.order",
                "dental_loyalty_redeem_reward",
                self.config.id,
                self.patient.id,
                rewards[points].id,
                *uuid,
            )

        self.assertIsNone(redeem(300)[1])
        for uuid in [(), (data["uuid"],)]:
            _voucher, error = redeem(600, *uuid)
            self.assertEqual(error["name"], SPEND_CODE_REQUIRED)
        _answer, code = self._send_and_read(data)
        self.assertEqual(self._check(data, code), {"verified": True})
        voucher, error = redeem(600, data["uuid"])
        self.assertIsNone(error)
        self.assertTrue(voucher["code"])
        # The code went with that reward: another one needs another code.
        _voucher, error = redeem(600, data["uuid"])
        self.assertEqual(error["name"], SPEND_CODE_REQUIRED)
        self.assertEqual(self._wallet().points_available, 1100)
