from odoo.exceptions import UserError
from odoo.tests import HttpCase, tagged

from .common_pos import PosJsonRpcMixin
from .test_pos_vouchers import VoucherRegisterCommon

# Keys the engine once passed for "no order of mine", which a register could
# give its own order (it names its orders as it likes).
ENGINE_KEYS = ("rewards", "portal", "transfer")


@tagged("post_install", "-at_install", "dental_loyalty_slow")
class TestHoldsOfOrdersNamedAnyhow(PosJsonRpcMixin, VoucherRegisterCommon, HttpCase):
    """A hold counts everywhere whatever its order is named: a cashier who
    names an order as the engine named "no order" cannot have the same points
    held for the bill and spent on a reward."""

    def setUp(self):
        super().setUp()
        self.authenticate(self.cashier.login, self.cashier.login)
        self._give_points(self.patient, 300)

    def _hold_every_point(self, order_uuid):
        offer, error = self._call(
            "pos.order",
            "dental_loyalty_reserve_points",
            self.config.id,
            order_uuid,
            self.patient.id,
            1000.0,
            None,
        )
        self.assertIsNone(error)
        self.assertEqual(offer["points"], 300)

    def _release(self, order_uuid):
        _result, error = self._call(
            "pos.order", "dental_loyalty_release_points", self.config.id, order_uuid
        )
        self.assertIsNone(error)

    def test_a_reward_redeemed_counts_the_hold_whatever_its_order_is_named(self):
        for name in ENGINE_KEYS:
            with self.subTest(order=name):
                self._hold_every_point(name)
                offers = self._offers_rpc()
                self.assertEqual((offers["spendable"], offers["claimable"]), (0, 0))
                _voucher, error = self._call(
                    "pos.order",
                    "dental_loyalty_redeem_reward",
                    self.config.id,
                    self.patient.id,
                    self.ten_off.id,
                )
                self.assertIn("can spend 0", error["message"])
                self._release(name)
        self.assertFalse(self.Voucher.search([("partner_id", "=", self.patient.id)]))
        self.assertEqual(self._wallet().points_available, 300)

    def test_a_reward_held_counts_the_bills_hold_whatever_its_order_is_named(self):
        for name in ENGINE_KEYS:
            with self.subTest(order=name):
                self._hold_every_point(name)
                _line, error = self._call(
                    "pos.order",
                    "dental_loyalty_hold_reward",
                    self.config.id,
                    "bill-1",
                    self.patient.id,
                    self.ten_off.id,
                    100.0,
                    0.0,
                    None,
                )
                self.assertIn("can spend 0", error["message"])
                self._release(name)
        self.assertFalse(self.Voucher.search([("partner_id", "=", self.patient.id)]))

    def test_an_order_named_with_a_colon_is_refused(self):
        # The engine's keys join a uuid to others with a colon ("reward:5",
        # "pos:<uuid>:rule:2"): an order so named could take one of them.
        for name in (f"reward:{self.ten_off.id}", "reward:bill-1", "x:rule:2"):
            with self.subTest(order=name):
                _offer, error = self._call(
                    "pos.order",
                    "dental_loyalty_reserve_points",
                    self.config.id,
                    name,
                    self.patient.id,
                    1000.0,
                    None,
                )
                self.assertIn("order is unknown", error["message"])
        data = self._order([(self.checkup, 1)], uuid="x:rule:2")
        order, error = self._sync_rpc(data)
        self.assertIsNone(order)
        self.assertIn("not valid", error["message"])

    def test_points_moved_or_taken_back_leave_a_hold_so_named_alone(self):
        wallet = self._wallet()
        other = self._wallet(self.env["res.partner"].create({"name": "Lan Tran"}))
        for name in ENGINE_KEYS:
            with self.subTest(order=name):
                self._hold_every_point(name)
                with self.assertRaisesRegex(UserError, "spendable: 0"):
                    wallet._transfer_points(other, "Moved", points=100)
                self._release(name)
        self.assertEqual(wallet.points_available, 300)
