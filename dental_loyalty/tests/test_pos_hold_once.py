from odoo.exceptions import UserError
from odoo.tests import tagged

from .common_pos import DentalLoyaltyPosCommon


@tagged("post_install", "-at_install")
class TestPosHoldOnce(DentalLoyaltyPosCommon):
    """The register asks for its hold once, when the points line is added: the
    most the bill may pay. At Validate it asks again only when the bill, the
    patient or the amount outgrew that hold; otherwise the sync settles within
    the hold granted for this very bill (a point is worth 0.10 here, 30 % cap)."""

    def _reserve(self, uuid, total, amount=None, partner=None):
        return (
            self.env["pos.order"]
            .with_user(self.cashier)
            .dental_loyalty_reserve_points(
                self.config.id, uuid, (partner or self.patient).id, total, amount
            )
        )

    def _payment_holds(self, uuid):
        return self.env["dental.loyalty.reservation"].search(
            [("order_uuid", "=", uuid), ("voucher_id", "=", False)]
        )

    def test_the_first_hold_covers_a_smaller_payment_on_its_bill(self):
        self._give_points(self.patient, 1000)
        data = self._order([(self.checkup, 2)], points=20)
        offer = self._reserve(data["uuid"], data["amount_total"])
        self.assertEqual((offer["amount"], offer["points"]), (30.0, 300))
        # The register keeps it until the hold may lapse, then asks again.
        self.assertEqual(offer["hold_seconds"], 30 * 60)
        # The cashier lowered the points line; Validate asked nothing more.
        order = self._sync(data)
        self.assertEqual(order.dental_loyalty_points_spent, 200)
        self.assertFalse(self._payment_holds(data["uuid"]))
        self.assertEqual(self._wallet().points_available, 1000 - 200 + 80)

    def test_another_register_cannot_spend_what_the_first_hold_keeps(self):
        self._give_points(self.patient, 1000)
        data = self._order([(self.checkup, 2)], points=30)
        self._reserve(data["uuid"], data["amount_total"])
        # A large bill at another register: only what the hold leaves.
        big = self._order([(self.checkup, 100)], points=70)
        offer = self._reserve(big["uuid"], big["amount_total"])
        self.assertEqual((offer["amount"], offer["spendable_points"]), (70.0, 700))
        order = self._sync(data)
        self.assertEqual(order.dental_loyalty_points_spent, 300)
        self.assertEqual(self._wallet().points_available, 1000 - 300 + 70)
        self.assertEqual(self._sync(big).dental_loyalty_points_spent, 700)

    def test_a_hold_asked_again_for_another_patient_moves_to_their_wallet(self):
        other = self.env["res.partner"].create({"name": "Hoa Le"})
        self._give_points(self.patient, 1000)
        self._give_points(other, 1000)
        data = self._order([(self.checkup, 2)], points=30, partner=other)
        self._reserve(data["uuid"], data["amount_total"])
        # The cashier named the wrong patient first: the register asks again.
        self._reserve(data["uuid"], data["amount_total"], partner=other)
        hold = self._payment_holds(data["uuid"])
        self.assertEqual(len(hold), 1)
        self.assertEqual(hold.wallet_id, self._wallet(other))
        # The first patient's points are free again at once.
        offer = self._reserve("order-b", 1000.0)
        self.assertEqual(offer["spendable_points"], 1000)
        self.assertEqual(self._sync(data).dental_loyalty_points_spent, 300)

    def test_a_hold_asked_again_for_less_holds_less(self):
        self._give_points(self.patient, 1000)
        data = self._order([(self.checkup, 2)], points=10)
        self._reserve(data["uuid"], data["amount_total"])
        offer = self._reserve(data["uuid"], data["amount_total"], 10.0)
        self.assertEqual((offer["amount"], offer["points"]), (10.0, 100))
        hold = self._payment_holds(data["uuid"])
        self.assertEqual((len(hold), hold.points, hold.amount), (1, 100, 10.0))
        self.assertEqual(self._sync(data).dental_loyalty_points_spent, 100)

    def test_another_register_cannot_take_over_an_orders_hold(self):
        self._give_points(self.patient, 1000)
        data = self._order([(self.checkup, 2)], points=30)
        self._reserve(data["uuid"], data["amount_total"])
        other_register = self.config.copy({"name": "Second Register"})
        # Another register naming this order's uuid neither moves nor lowers
        # its hold (nor releases it: _release is by register).
        with self.assertRaisesRegex(UserError, "held by another register"):
            self.env["pos.order"].with_user(self.cashier).dental_loyalty_reserve_points(
                other_register.id, data["uuid"], self.patient.id, 100.0, 1.0
            )
        hold = self._payment_holds(data["uuid"])
        self.assertEqual((hold.config_id, hold.points), (self.config, 300))
        self.assertEqual(self._sync(data).dental_loyalty_points_spent, 300)
