from odoo.exceptions import UserError
from odoo.tests import HttpCase, tagged

from .test_held_rewards_over_the_wire import HeldRewardCommon


@tagged("post_install", "-at_install")
class TestHeldRewardsShortfall(HeldRewardCommon, HttpCase):
    """Rewards held on a bill are granted: their points stay theirs against a
    manager's adjustment, and a bill paid with them is never refused at sync
    (if the points went anyway, what is missing is noted for the managers)."""

    def _hold_two(self):
        data = self._voucher_order([(self.checkup, 2)], [])
        first, error = self._hold(data["uuid"], self.ten_off)
        self.assertIsNone(error)
        second, error = self._hold(data["uuid"], self.whitening_off)
        self.assertIsNone(error)
        return data["uuid"], first, second

    def _paid_bill(self, uuid, first, second):
        return self._sync_rpc(
            self._voucher_order(
                [(self.checkup, 2)],
                [
                    (first["code"], self.discount_product, first["price_unit"]),
                    (second["code"], self.discount_product, second["price_unit"]),
                ],
                uuid=uuid,
            )
        )

    def _expire_every_lot(self):
        # Midnight passed during the hold: the lot expired.
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE dental_loyalty_ledger SET expiry_date = CURRENT_DATE - 1 "
            "WHERE wallet_id = %s AND points > 0",
            [self._wallet().id],
        )
        self.env.invalidate_all()

    def _adjust(self, points):
        return (
            self.env["dental.loyalty.points.adjust"]
            .create({"partner_id": self.patient.id, "points": points, "reason": "Fix"})
            .action_confirm()
        )

    def test_an_adjustment_leaves_the_points_held_on_bills(self):
        self._give_points(self.patient, 600)
        uuid, first, second = self._hold_two()
        with self.assertRaisesRegex(
            UserError,
            r"can lose at most 100 points now: of 600 spendable points, 500 "
            r"are held by bills being paid",
        ):
            self._adjust(-300)
        self._adjust(-100)
        order, error = self._paid_bill(uuid, first, second)
        self.assertIsNone(error)
        self.assertFalse(self.env["dental.loyalty.shortfall"].search([]))
        self.assertEqual(
            order.lines.dental_loyalty_voucher_id.mapped("state"), ["used"] * 2
        )

    def test_a_paid_bill_whose_held_points_expired_is_still_taken(self):
        self._give_points(self.patient, 500)
        uuid, first, second = self._hold_two()
        self._expire_every_lot()
        order, error = self._paid_bill(uuid, first, second)
        self.assertIsNone(error)
        self.assertEqual(self._redeemed(), 0)
        shortfalls = self.env["dental.loyalty.shortfall"].search([])
        self.assertEqual(
            sorted(shortfalls.mapped(lambda s: (s.kind, s.points, s.pos_order_id))),
            [("redeem", 200, order), ("redeem", 300, order)],
        )
        self.assertEqual(
            order.lines.dental_loyalty_voucher_id.mapped("state"), ["used"] * 2
        )
        activity = self.env["mail.activity"].search(
            [("res_model", "=", "res.partner"), ("res_id", "=", self.patient.id)]
        )
        self.assertTrue(activity)
        self.assertIn(
            "points missing: 300", "".join(self.patient.message_ids.mapped("body"))
        )

    def test_a_voucher_bought_short_gives_back_only_what_it_took(self):
        self._give_points(self.patient, 500)
        uuid, first, second = self._hold_two()
        self._expire_every_lot()
        order, error = self._paid_bill(uuid, first, second)
        self.assertIsNone(error)
        cheap = order.lines.dental_loyalty_voucher_id.filtered(
            lambda voucher: voucher.points_cost == 200
        )
        # A refund of its whole line makes it valid again (TestPosVouchers).
        cheap.sudo().state = "valid"
        lines_before = self.env["dental.loyalty.ledger"].search([])
        # The test user is the clinic's loyalty manager (DentalLoyaltyPosCommon).
        cheap.action_cancel()
        self.assertEqual(cheap.state, "cancelled")
        # Its redeem line took nothing (the points had expired): none come back.
        self.assertEqual(self.env["dental.loyalty.ledger"].search([]), lines_before)

    def _two_lots_of(self, points):
        lots = self._give_points(self.patient, points) | self._give_points(
            self.patient, points
        )
        self.assertEqual(len(lots), 2)
        return lots

    def _expire(self, lot):
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE dental_loyalty_ledger SET expiry_date = CURRENT_DATE - 1 "
            "WHERE id = %s",
            [lot.id],
        )
        self.env.invalidate_all()

    def _taken(self):
        # Redeem and spend lines: what the bill took of the wallet.
        return -sum(
            self.Ledger.search(
                [
                    ("wallet_id", "=", self._wallet().id),
                    ("kind", "in", ("redeem", "spend")),
                ]
            ).mapped("points")
        )

    def test_rewards_held_together_take_all_that_is_left_when_points_went(self):
        # 800 points, 500 held by two rewards; one lot of 400 expires during
        # the holds. The first reward takes what the second's hold leaves, the
        # second what the first took leaves: all 400, 100 missing, as when
        # each reward was posted before the next.
        lots = self._two_lots_of(400)
        uuid, first, second = self._hold_two()
        self._expire(lots[0])
        order, error = self._paid_bill(uuid, first, second)
        self.assertIsNone(error)
        self.assertEqual(self._taken(), 400)
        self.assertEqual(
            sum(self.env["dental.loyalty.shortfall"].search([]).mapped("points")), 100
        )
        # Nothing is left of the lot that did not expire.
        self.assertEqual(lots[1].remaining_points, 0)
        self.assertEqual(
            order.lines.dental_loyalty_voucher_id.mapped("state"), ["used"] * 2
        )

    def test_a_points_payment_beside_a_reward_takes_what_the_reward_left(self):
        # A reward (300) and a points payment held on one bill, then a lot of
        # 400 of the 800 expires: the payment takes what the reward's redeem
        # leaves, not what its hold would have left.
        lots = self._two_lots_of(400)
        data, _line, offer = self._bill_with_reward_and_points(self.ten_off)
        # More than the 100 the reward's hold leaves once the lot is gone.
        self.assertGreater(offer["points"], 100)
        data = self._paid_with_points(data, offer["amount"])
        self._expire(lots[0])
        order, error = self._sync_rpc(data)
        self.assertIsNone(error)
        self.assertEqual(self._taken(), 400)
        # Nothing is left of the lot that did not expire.
        self.assertEqual(lots[1].remaining_points, 0)
        self.assertEqual(
            sum(self.env["dental.loyalty.shortfall"].search([]).mapped("points")),
            300 + offer["points"] - 400,
        )

    def test_a_reward_beside_a_smaller_points_payment_counts_only_what_it_pays(self):
        # A reward (300) and a points payment held on one bill, a lot of 400 of
        # the 800 expires, and the bill pays only 100 points of its hold: the
        # reward counts the payment's hold for those 100, not the whole hold,
        # so both are taken in full and nothing is missing.
        lots = self._two_lots_of(400)
        data, _line, offer = self._bill_with_reward_and_points(self.ten_off)
        self.assertGreater(offer["points"], 100)
        paid = self.currency.round(100 * self.company.dental_loyalty_point_value)
        data = self._paid_with_points(data, paid)
        self._expire(lots[0])
        order, error = self._sync_rpc(data)
        self.assertIsNone(error)
        self.assertEqual(self._taken(), 400)
        self.assertEqual(lots[1].remaining_points, 0)
        self.assertFalse(self.env["dental.loyalty.shortfall"].search([]))

    def test_another_patients_bill_leaves_the_holders_payment_hold_nothing(self):
        # The patient held a transferable reward (300) and a points payment on
        # a bill, a lot of 400 of the 800 expired, and the bill was paid for
        # another patient, partly with that patient's own points: the
        # holder's payment hold pays nothing and goes, so the reward is taken
        # whole (it was counted for what the other patient paid).
        self.ten_off.transferable = True
        lots = self._two_lots_of(400)
        data, line, offer = self._bill_with_reward_and_points(self.ten_off)
        voucher_lines = [(line["code"], self.discount_product, line["price_unit"])]
        self.assertGreater(offer["points"], 100)
        self._expire(lots[0])
        other = self.env["res.partner"].create({"name": "Other Patient"})
        self._give_points(other, 2000)
        data = self._voucher_order(
            [(self.checkup, 2)], voucher_lines, partner=other, uuid=data["uuid"]
        )
        order, error = self._sync_rpc(self._paid_with_points(data, offer["amount"]))
        self.assertIsNone(error)
        self.assertEqual(order.partner_id, other)
        self.assertEqual(self._taken(), 300)
        self.assertFalse(self.env["dental.loyalty.shortfall"].search([]))
