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
