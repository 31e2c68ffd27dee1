from odoo.tests import HttpCase, tagged

from .test_held_rewards_over_the_wire import HeldRewardCommon


@tagged("post_install", "-at_install")
class TestTwoScopedVouchersOverTheWire(HeldRewardCommon, HttpCase):
    """Vouchers on one bill never take more off the lines of a scope than
    those lines cost: a second voucher on the same scope is priced on what
    the first left of them, at the register and at sync."""

    def setUp(self):
        super().setUp()
        self._give_points(self.patient, 500)
        self.whitening_off.write(
            {"discount_percent": 100.0, "product_ids": self.cleaning}
        )
        self.half_off = self.whitening_off.copy(
            {"name": "Half off the cleaning", "discount_percent": 50.0}
        )
        self.bill = [
            {"product_id": self.checkup.id, "amount": 50.0},
            {"product_id": self.cleaning.id, "amount": 80.0},
        ]

    def test_the_second_voucher_on_a_scope_gets_what_the_first_left(self):
        uuid = self._voucher_order([(self.checkup, 1), (self.cleaning, 1)], [])["uuid"]
        first, error = self._hold(uuid, self.whitening_off, 130.0, self.bill)
        self.assertIsNone(error)
        self.assertEqual(first["price_unit"], -80.0)
        # The register says what the first covers: nothing of the cleaning is left.
        second, error = self._call(
            "pos.order",
            "dental_loyalty_hold_reward",
            self.config.id,
            uuid,
            self.patient.id,
            self.half_off.id,
            130.0,
            80.0,
            self.bill,
        )
        self.assertIsNone(second)
        self.assertIn("nothing of it is left", error["message"])
        # A register that says nothing is covered gets its line priced, but the
        # sync, which prices the second on what the first left, refuses it.
        second, error = self._hold(uuid, self.half_off, 130.0, self.bill)
        self.assertIsNone(error)
        order, error = self._sync_rpc(
            self._voucher_order(
                [(self.checkup, 1), (self.cleaning, 1)],
                [
                    (first["code"], self.discount_product, first["price_unit"]),
                    (second["code"], self.discount_product, second["price_unit"]),
                ],
                uuid=uuid,
            )
        )
        self.assertIsNone(order)
        self.assertIn("takes at most $\u00a00.00 off this bill", error["message"])
