from odoo.tests import HttpCase, tagged

from .common_pos import PosJsonRpcMixin
from .test_pos_vouchers import VoucherRegisterCommon


@tagged("post_install", "-at_install", "dental_loyalty_slow")
class TestVouchersOverTheWire(PosJsonRpcMixin, VoucherRegisterCommon, HttpCase):
    """What a user with nothing but Point of Sale rights can do to vouchers over
    JSON-RPC: redeem with points, and nothing else."""

    def setUp(self):
        super().setUp()
        self.authenticate(self.cashier.login, self.cashier.login)

    def _redeem(self, reward):
        return self._call(
            "pos.order",
            "dental_loyalty_redeem_reward",
            self.config.id,
            self.patient.id,
            reward.id,
        )

    def test_a_cashier_redeems_through_the_engine_only(self):
        self._give_points(self.patient, 350)
        catalog, error = self._call(
            "pos.order", "dental_loyalty_rewards", self.config.id, self.patient.id
        )
        self.assertIsNone(error)
        offered = {reward["name"]: reward for reward in catalog["rewards"]}
        self.assertEqual(offered["10 off"]["points_after"], 50)
        self.assertFalse(offered["Free cleaning"]["affordable"])
        voucher_data, error = self._redeem(self.ten_off)
        self.assertIsNone(error)
        self.assertEqual(self._wallet().points_available, 50)
        voucher = self.Voucher.search([("code", "=", voucher_data["code"])])
        _result, error = self._redeem(self.ten_off)
        self.assertIn("it costs 300", error["message"])
        for call in [
            ("create", [{"code": "FORGED", "reward_id": self.ten_off.id}]),
            ("write", [voucher.id], {"state": "expired"}),
            ("action_cancel", [voucher.id]),
        ]:
            with self.subTest(call=call[0]):
                _result, error = self._call("dental.loyalty.voucher", *call)
                self.assertEqual(error["name"], "odoo.exceptions.AccessError")
        _result, error = self._call(
            "dental.loyalty.reward", "write", [self.ten_off.id], {"points_cost": 1}
        )
        self.assertEqual(error["name"], "odoo.exceptions.AccessError")
        self.assertEqual((voucher.state, self.ten_off.points_cost), ("valid", 300))

    def test_a_redeem_answers_what_the_patient_may_still_spend(self):
        self._give_points(self.patient, 500)
        # Another bill being paid holds the gift's 100 points.
        _line, error = self._call(
            "pos.order",
            "dental_loyalty_hold_reward",
            self.config.id,
            "another-bill",
            self.patient.id,
            self.gift.id,
            100.0,
            0.0,
            None,
        )
        self.assertIsNone(error)
        voucher_data, error = self._redeem(self.ten_off)
        self.assertIsNone(error)
        # Spendable, as everywhere: 500 less the voucher's 300 and the 100
        # the other bill holds.
        self.assertEqual(voucher_data["spendable"], 100)

    def test_bad_arguments_get_a_message(self):
        for method, args, message in [
            ("dental_loyalty_rewards", (self.config.id, "abc"), "Choose the patient"),
            ("dental_loyalty_redeem_reward", (self.config.id, 0, 1), "Choose"),
            (
                "dental_loyalty_redeem_reward",
                (self.config.id, self.patient.id, "1"),
                "reward is unknown",
            ),
            (
                "dental_loyalty_voucher_line",
                (self.config.id, ["x"], self.patient.id, 10.0),
                "No voucher",
            ),
            (
                "dental_loyalty_voucher_line",
                (self.config.id, "ABC", self.patient.id, "NaN"),
                "not a number",
            ),
        ]:
            with self.subTest(method=method, args=args):
                result, error = self._call("pos.order", method, *args)
                self.assertIsNone(result)
                self.assertEqual(error["name"], "odoo.exceptions.UserError")
                self.assertIn(message, error["message"])

    def test_tampered_syncs_are_refused_and_post_nothing(self):
        voucher = self._issue(self.ten_off)
        other = self.env["res.partner"].create({"name": "Stranger"})
        lines_before = self.Ledger.search_count([])
        for data, message in [
            (
                self._voucher_order(
                    [(self.checkup, 2)], [(voucher.code, self.discount_product, -40.0)]
                ),
                "takes at most",
            ),
            (
                self._voucher_order(
                    [(self.checkup, 2)],
                    [(voucher.code, self.discount_product, -10.0)],
                    partner=other,
                ),
                "belongs to Minh Tran",
            ),
            (
                self._voucher_order(
                    [(self.checkup, 2)], [(voucher.code, self.checkup, -10.0)]
                ),
                "not what the voucher gives",
            ),
        ]:
            with self.subTest(message=message):
                order, error = self._sync_rpc(data)
                self.assertIsNone(order)
                self.assertIn(message, error["message"])
        self.assertEqual(self.Ledger.search_count([]), lines_before)
        self.assertFalse(self.env["pos.order"].search([("partner_id", "=", other.id)]))
        order, error = self._sync_rpc(
            self._voucher_order(
                [(self.checkup, 2)], [(voucher.code, self.discount_product, -10.0)]
            )
        )
        self.assertIsNone(error)
        used_again, error = self._sync_rpc(
            self._voucher_order(
                [(self.checkup, 2)], [(voucher.code, self.discount_product, -10.0)]
            )
        )
        self.assertIn("was already used", error["message"])
        voucher.invalidate_recordset()
        self.assertEqual(voucher.pos_order_id, order)
