from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.tests import HttpCase, tagged

from ..models import dental_loyalty_voucher_hold as voucher_hold
from .common_pos import PosJsonRpcMixin
from .test_pos_vouchers import VoucherRegisterCommon


class HeldRewardCommon(PosJsonRpcMixin, VoucherRegisterCommon):
    """A cashier holding rewards on bills over JSON-RPC, as the register does."""

    def setUp(self):
        super().setUp()
        self.authenticate(self.cashier.login, self.cashier.login)

    def _hold(self, uuid, reward, bill_total=100.0, bill_lines=None, partner=None):
        return self._call(
            "pos.order",
            "dental_loyalty_hold_reward",
            self.config.id,
            uuid,
            (partner or self.patient).id,
            reward.id,
            bill_total,
            0.0,
            bill_lines,
        )

    def _reserve(self, data):
        """The register's hold of the most ``data``'s bill may pay with points."""
        return self._call(
            "pos.order",
            "dental_loyalty_reserve_points",
            self.config.id,
            data["uuid"],
            self.patient.id,
            data["amount_total"],
            None,
        )

    def _release(self, uuid, code):
        return self._call(
            "pos.order", "dental_loyalty_release_reward", self.config.id, uuid, code
        )

    def _voucher(self, code):
        return self.Voucher.search([("code", "=", code)])

    def _bill_with_reward_and_points(self, reward):
        """The patient's bill with ``reward`` held on it, then the most it may
        pay with points reserved, as the register does: (order data with the
        reward's line, the hold's answer, the reserve's offer)."""
        data = self._voucher_order([(self.checkup, 2)], [])
        line, error = self._hold(data["uuid"], reward)
        self.assertIsNone(error)
        data = self._voucher_order(
            [(self.checkup, 2)],
            [(line["code"], self.discount_product, line["price_unit"])],
            uuid=data["uuid"],
        )
        offer, error = self._reserve(data)
        self.assertIsNone(error)
        return data, line, offer

    def _paid_with_points(self, data, amount):
        """``data`` paying ``amount`` with points and the rest in cash."""
        cash = data["payment_ids"][0][2]
        points = {**cash, "payment_method_id": self.points_pm.id, "amount": amount}
        cash["amount"] = self.currency.round(data["amount_total"] - amount)
        data["payment_ids"] = [(0, 0, points), (0, 0, cash)]
        return data

    def _redeemed(self):
        return self.Ledger.search_count(
            [("wallet_id", "=", self._wallet().id), ("kind", "=", "redeem")]
        )


@tagged("post_install", "-at_install")
class TestHeldRewardsOverTheWire(HeldRewardCommon, HttpCase):
    def test_a_reward_is_held_on_the_bill_and_bought_when_it_is_paid(self):
        self._give_points(self.patient, 350)
        data = self._voucher_order([(self.checkup, 2)], [])
        line, error = self._hold(data["uuid"], self.ten_off)
        self.assertIsNone(error)
        self.assertEqual((line["held"], line["price_unit"]), (True, -10.0))
        # Held, not bought: the points are not spendable elsewhere, nothing posted.
        self.assertEqual(line["spendable"], 50)
        self.assertEqual(self._voucher(line["code"]).state, "held")
        self.assertEqual((self._wallet().points_available, self._redeemed()), (350, 0))
        other, _error = self._call(
            "pos.order",
            "dental_loyalty_reserve_points",
            self.config.id,
            "another-order",
            self.patient.id,
            100.0,
            None,
        )
        self.assertEqual(other["spendable_points"], 50)
        order, error = self._sync_rpc(
            self._voucher_order(
                [(self.checkup, 2)],
                [(line["code"], self.discount_product, -10.0)],
                uuid=data["uuid"],
            )
        )
        self.assertIsNone(error)
        voucher = self._voucher(line["code"])
        self.assertEqual((voucher.state, voucher.pos_order_id), ("used", order))
        self.assertEqual(self._redeemed(), 1)
        self.assertFalse(voucher.sudo().hold_ids)

    def test_a_held_reward_and_a_points_payment_are_taken_by_one_sync(self):
        # The reward's redeem line is posted with the sale's spend: the points
        # payment was granted beside the reward's hold, and the sync checks it
        # as if the redeem were posted first, so both stand and together take
        # no more than the wallet had.
        self._give_points(self.patient, 400)
        data, line, offer = self._bill_with_reward_and_points(self.ten_off)
        self.assertEqual(line["spendable"], 100)
        self.assertTrue(0 < offer["points"] <= 100)
        data = self._paid_with_points(data, offer["amount"])
        order, error = self._sync_rpc(data)
        self.assertIsNone(error)
        voucher = self._voucher(line["code"])
        self.assertEqual((voucher.state, voucher.pos_order_id), ("used", order))
        lines = self.Ledger.search(
            [("wallet_id", "=", self._wallet().id), ("points", "<", 0)]
        )
        self.assertEqual(
            sorted((line.kind, line.points, line.unique_key) for line in lines.sudo()),
            [
                ("redeem", -300, f"voucher:{voucher.id}:redeem"),
                ("spend", -offer["points"], f"pos:{data['uuid']}:spend"),
            ],
        )
        self.assertEqual(
            self._wallet().points_balance,
            400 - 300 - offer["points"] + self._earned(order),
        )
        self.assertFalse(
            self.env["dental.loyalty.reservation"].search(
                [("order_uuid", "=", data["uuid"])]
            )
        )

    def test_a_transferable_reward_on_a_strangers_bill_is_not_on_their_receipt(self):
        # The holder's points paid it: the stranger's receipt says nothing of
        # them (it counted the holder's redeem line as the stranger's).
        self.ten_off.transferable = True
        self._give_points(self.patient, 400)
        stranger = self.env["res.partner"].create({"name": "Stranger"})
        data = self._voucher_order([(self.checkup, 2)], [], partner=stranger)
        line, error = self._hold(data["uuid"], self.ten_off)
        self.assertIsNone(error)
        data = self._voucher_order(
            [(self.checkup, 2)],
            [(line["code"], self.discount_product, line["price_unit"])],
            partner=stranger,
            uuid=data["uuid"],
        )
        order, error = self._sync_rpc(data)
        self.assertIsNone(error)
        self.assertEqual(self._wallet().points_balance, 100)
        self.assertEqual(order.dental_loyalty_voucher_points, 0)
        self.assertEqual(
            order.dental_loyalty_points_before,
            order.dental_loyalty_points_total - order.dental_loyalty_points_earned,
        )

    def test_a_paid_order_has_nothing_more_held_for_it(self):
        # The register asks again for a bill already stored as paid (its sync's
        # answer was lost, or a request came late): a hold would keep the
        # points from every other bill until it lapsed, for nothing.
        self._give_points(self.patient, 500)
        data, line, offer = self._bill_with_reward_and_points(self.ten_off)
        order, error = self._sync_rpc(self._paid_with_points(data, offer["amount"]))
        self.assertIsNone(error)
        wallet = self._wallet()
        available = wallet.points_available
        self.assertEqual(available, 500 - 300 - offer["points"] + self._earned(order))
        again, error = self._reserve(data)
        self.assertIsNone(again)
        self.assertIn("already paid", error["message"])
        _line, error = self._hold(data["uuid"], self.ten_off)
        self.assertIn("already paid", error["message"])
        self.assertFalse(
            self.env["dental.loyalty.reservation"].search(
                [("order_uuid", "=", data["uuid"])]
            )
        )
        self.assertEqual(
            self.Voucher.search([("partner_id", "=", self.patient.id)]).mapped("state"),
            ["used"],
        )
        cue = self.env["pos.order"]._dental_loyalty_rewards_cue(wallet, self.patient)
        self.assertEqual(cue["spendable"], available)
        # The same sync again stores nothing more and changes nothing.
        _order, error = self._sync_rpc(data)
        self.assertIsNone(error)
        self.assertEqual(
            self.env["pos.order"].search_count([("uuid", "=", data["uuid"])]), 1
        )
        self.assertEqual(self._wallet().points_available, available)
        self.assertEqual(self._voucher(line["code"]).pos_order_id, order)

    def test_a_paid_bill_gives_back_the_rewards_it_does_not_carry(self):
        # The register was offline when the line was taken off: the sync of
        # the paid bill releases what is still held for it.
        self._give_points(self.patient, 300)
        data = self._voucher_order([(self.checkup, 1)], [])
        line, _error = self._hold(data["uuid"], self.ten_off)
        _order, error = self._sync_rpc(data)
        self.assertIsNone(error)
        self.assertEqual(self._voucher(line["code"]).state, "cancelled")
        self.assertEqual(self._redeemed(), 0)
        self.assertFalse(self.env["dental.loyalty.reservation"].search([]))

    def test_taking_the_line_off_gives_everything_back(self):
        self.gift.write({"has_stock": True, "stock_left": 2, "limit_per_patient": 1})
        self._give_points(self.patient, 200)
        line, error = self._hold("order-1", self.gift)
        self.assertIsNone(error)
        self.assertEqual(
            (line["label"], line["price_unit"], line["product_id"]),
            ("Toothbrush kit, gift, handed over", 0.0, self.kit.id),
        )
        self.assertEqual((self.gift.stock_left, line["spendable"]), (1, 100))
        _result, error = self._hold("order-2", self.gift)
        self.assertIn("limit", error["message"])
        released, error = self._release("order-1", line["code"])
        self.assertIsNone(error)
        self.assertEqual(released["spendable"], 200)
        self.gift.invalidate_recordset()
        self.assertEqual(self.gift.stock_left, 2)
        self.assertEqual(self._voucher(line["code"]).state, "cancelled")
        # Released once: the same call again (the register did not hear the
        # answer) answers as the first did, and gives nothing more.
        again, error = self._release("order-1", line["code"])
        self.assertEqual((again, error), (released, None))
        self.gift.invalidate_recordset()
        self.assertEqual(self.gift.stock_left, 2)
        # Another bill cannot take it back: it was never held there.
        _result, error = self._release("order-3", line["code"])
        self.assertIn("not held on this bill", error["message"])
        again, error = self._hold("order-2", self.gift)
        self.assertIsNone(error)
        self.assertEqual(self._redeemed(), 0)
        # The order went: its held rewards go with its points payment.
        result, error = self._call(
            "pos.order", "dental_loyalty_release_points", self.config.id, "order-2"
        )
        self.assertEqual((result, error), (True, None))
        self.assertEqual(self._voucher(again["code"]).state, "cancelled")
        self.gift.invalidate_recordset()
        self.assertEqual(self.gift.stock_left, 2)

    def test_a_hold_and_its_release_answer_with_the_rewards_cue(self):
        self._give_points(self.patient, 400)

        def offered():
            offers = self._offers_rpc()
            return {key: offers[key] for key in ("spendable", "claimable", "rewards")}

        before = offered()
        line, error = self._hold("order-1", self.ten_off)
        self.assertIsNone(error)
        # 100 points left: fewer rewards within reach, and the hold says how
        # many and lists the catalog as the offers would: the register need
        # not ask them again.
        after = offered()
        self.assertEqual({key: line[key] for key in after}, after)
        self.assertEqual(after["spendable"], 100)
        self.assertLess(after["claimable"], before["claimable"])
        released, error = self._release("order-1", line["code"])
        self.assertIsNone(error)
        self.assertEqual(released, {"partner_id": self.patient.id, **before})

    def test_a_release_answers_only_for_a_patient_the_cashier_may_read(self):
        self._give_points(self.patient, 400)
        line, error = self._hold("order-1", self.ten_off)
        self.assertIsNone(error)
        _released, error = self._release("order-1", line["code"])
        self.assertIsNone(error)
        # The patient is now another clinic's, which the cashier does not
        # work in: the release asked again no longer tells their points and
        # catalog to whoever holds the code and the order's uuid.
        self.patient.company_id = self.env["res.company"].create({"name": "Other"})
        again, error = self._release("order-1", line["code"])
        self.assertIsNone(again)
        self.assertTrue(error)

    def test_a_gift_is_handed_over_when_the_bill_is_paid(self):
        self._give_points(self.patient, 100)
        data = self._voucher_order([(self.checkup, 1)], [])
        line, _error = self._hold(data["uuid"], self.gift)
        order, error = self._sync_rpc(
            self._voucher_order(
                [(self.checkup, 1)],
                [(line["code"], self.kit, 0.0)],
                uuid=data["uuid"],
            )
        )
        self.assertIsNone(error)
        voucher = self._voucher(line["code"])
        self.assertEqual((voucher.state, voucher.pos_order_id), ("used", order))
        self.assertIn("Gift handed over", voucher.message_ids[0].body)
        self.assertEqual(self._redeemed(), 1)

    def test_a_forged_sync_with_another_orders_held_voucher_is_refused(self):
        self._give_points(self.patient, 300)
        line, _error = self._hold("order-a", self.ten_off)
        lines_before = self.Ledger.search_count([])
        order, error = self._sync_rpc(
            self._voucher_order(
                [(self.checkup, 2)], [(line["code"], self.discount_product, -10.0)]
            )
        )
        self.assertIsNone(order)
        self.assertIn("on another bill being paid", error["message"])
        self.assertEqual(self.Ledger.search_count([]), lines_before)
        self.assertEqual(self._voucher(line["code"]).state, "held")
        # Nor can the register price it on another bill.
        _result, error = self._call(
            "pos.order",
            "dental_loyalty_voucher_line",
            self.config.id,
            line["code"],
            self.patient.id,
            100.0,
            0.0,
            None,
            "order-b",
        )
        self.assertIn("on another bill being paid", error["message"])
        _result, error = self._release("order-b", line["code"])
        self.assertIn("not held on this bill", error["message"])
        # Nor released from another register, though it names the order.
        other = self.basic_config.copy({"name": "Second desk"})
        _result, error = self._call(
            "pos.order",
            "dental_loyalty_release_reward",
            other.id,
            "order-a",
            line["code"],
        )
        self.assertIn("not held on this bill", error["message"])
        self.assertEqual(self._voucher(line["code"]).state, "held")

    def test_pricing_the_held_reward_again_before_paying_renews_its_hold(self):
        self._give_points(self.patient, 300)
        line, _error = self._hold("order-1", self.ten_off)
        hold = self._voucher(line["code"]).sudo().hold_ids
        hold.expires_at = "2000-01-01 00:00:00"
        _result, error = self._call(
            "pos.order",
            "dental_loyalty_voucher_line",
            self.config.id,
            line["code"],
            self.patient.id,
            100.0,
            0.0,
            None,
            "order-1",
        )
        self.assertIn("the hold lapsed", error["message"])
        hold.expires_at = fields.Datetime.now() + timedelta(minutes=1)
        repriced, error = self._call(
            "pos.order",
            "dental_loyalty_voucher_line",
            self.config.id,
            line["code"],
            self.patient.id,
            100.0,
            0.0,
            None,
            "order-1",
        )
        self.assertEqual((repriced["price_unit"], error), (-10.0, None))
        hold.invalidate_recordset()
        self.assertGreater(
            hold.expires_at, fields.Datetime.now() + timedelta(minutes=20)
        )

    def test_a_lapsed_hold_is_refused_and_cancelled_with_its_stock_back(self):
        self.gift.write({"has_stock": True, "stock_left": 1})
        self._give_points(self.patient, 100)
        data = self._voucher_order([(self.checkup, 1)], [])
        line, _error = self._hold(data["uuid"], self.gift)
        voucher = self._voucher(line["code"])
        voucher.sudo().hold_ids.expires_at = "2000-01-01 00:00:00"
        order, error = self._sync_rpc(
            self._voucher_order(
                [(self.checkup, 1)],
                [(line["code"], self.kit, 0.0)],
                uuid=data["uuid"],
            )
        )
        self.assertIsNone(order)
        self.assertIn("the hold lapsed", error["message"])
        # Within a quarter of an hour, the scheduler's job gives them back.
        job = self.env.ref("dental_loyalty.ir_cron_release_lapsed_held_vouchers")
        self.assertEqual((job.interval_number, job.interval_type), (15, "minutes"))
        job.method_direct_trigger()
        voucher.invalidate_recordset()
        self.gift.invalidate_recordset()
        self.assertEqual((voucher.state, self.gift.stock_left), ("cancelled", 1))
        self.assertEqual(self._redeemed(), 0)

    def test_the_job_gives_back_lapsed_holds_behind_live_ones(self):
        self._give_points(self.patient, 400)
        lapsed, _error = self._hold("walked-away", self.gift)
        self._voucher(lapsed["code"]).sudo().hold_ids.expires_at = "2000-01-01 00:00:00"
        live, _error = self._hold("still-paying", self.gift)
        # A batch of one: the live voucher, newer (vouchers list the newest
        # first), must not take the lapsed one's turn.
        with patch.object(voucher_hold, "_GC_BATCH", 1):
            self.env.ref(
                "dental_loyalty.ir_cron_release_lapsed_held_vouchers"
            ).method_direct_trigger()
        self.assertEqual(self._voucher(live["code"]).state, "held")
        self.assertEqual(self._voucher(lapsed["code"]).state, "cancelled")

    def test_two_registers_cannot_both_have_the_last_one_or_the_same_points(self):
        self.gift.write({"has_stock": True, "stock_left": 1})
        self._give_points(self.patient, 400)
        _line, error = self._hold("register-a", self.gift)
        self.assertIsNone(error)
        _result, error = self._hold("register-b", self.gift)
        self.assertIn("out of stock", error["message"])
        _line, error = self._hold("register-a", self.ten_off)
        self.assertIsNone(error)
        # 400 - 100 - 300: nothing left for the other register's reward...
        _result, error = self._hold("register-b", self.ten_off)
        self.assertIn("can spend 0", error["message"])
        # ... nor for its points payment.
        _result, error = self._call(
            "pos.order",
            "dental_loyalty_reserve_points",
            self.config.id,
            "register-b",
            self.patient.id,
            100.0,
            5.0,
        )
        self.assertIsNotNone(error)
        self.assertEqual(self._redeemed(), 0)
