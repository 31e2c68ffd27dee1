from odoo.exceptions import UserError
from odoo.tests import HttpCase, tagged

from .common_pos import DentalLoyaltyPosCommon, PosJsonRpcMixin
from .test_families import FamilyMixin


@tagged("post_install", "-at_install")
class TestFamilyAtTheRegister(FamilyMixin, DentalLoyaltyPosCommon):
    """A child's visit paid by a parent credits the family; any member pays with
    the family's points, within the same caps."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.child = cls.env["res.partner"].create({"name": "Bao Tran"})
        cls.family = cls._make_family(cls.env, cls.patient, cls.child)

    def test_a_child_visit_credits_the_family_in_the_child_name(self):
        order = self._sync(
            self._order([{"product": self.checkup, "quantity": 1}], partner=self.child)
        )
        wallet = self._wallet(self.patient)
        self.assertEqual(wallet, self.family.wallet_id)
        earn = wallet.line_ids.filtered(lambda line: line.kind == "earn")
        self.assertEqual((earn.points, earn.member_id), (50, self.child))
        self.assertEqual(order.dental_loyalty_points_earned, 50)
        self.assertEqual(order.dental_loyalty_balance, 50)

    def test_a_member_pays_partly_with_the_family_points_and_a_refund_returns_them(
        self,
    ):
        self._give_points(self.patient, 200)
        granted = (
            self.env["pos.order"]
            .with_user(self.cashier)
            .dental_loyalty_reserve_points(
                self.config.id, "family-order-1", self.child.id, 80.0
            )
        )
        self.assertEqual(granted["amount"], 20.0)  # 30 % of 80 is 24; 200 pts pay 20
        order = self._sync(
            self._order(
                [{"product": self.cleaning, "quantity": 1}],
                points=20.0,
                partner=self.child,
                uuid="family-order-1",
            )
        )
        wallet = self._wallet(self.patient)
        spend = wallet.line_ids.filtered(lambda line: line.kind == "spend")
        self.assertEqual((spend.points, spend.member_id), (-200, self.child))
        self.assertEqual(order.dental_loyalty_points_spent, 200)
        self._sync(self._refund_data(order, points=-20.0))
        wallet.invalidate_recordset()
        self.assertEqual(wallet.points_available, 200)

    def test_a_member_stays_while_a_register_holds_the_family_points(self):
        self._give_points(self.patient, 200)
        Order = self.env["pos.order"].with_user(self.cashier)
        Order.dental_loyalty_reserve_points(
            self.config.id, "child-bill", self.child.id, 80.0
        )
        for leave in (
            lambda: self.family.write({"member_ids": [(3, self.child.id)]}),
            self.family.unlink,
        ):
            with self.assertRaisesRegex(UserError, "for a bill being paid"):
                leave()
        order = self._sync(
            self._order(
                [{"product": self.cleaning, "quantity": 1}],
                points=20.0,
                partner=self.child,
                uuid="child-bill",
            )
        )
        self.assertEqual(order.dental_loyalty_points_spent, 200)
        self.family.write({"member_ids": [(3, self.child.id)]})
        self.assertFalse(self.family.member_ids & self.child)

    def test_the_family_balance_cannot_be_overspent_by_two_members(self):
        self._give_points(self.patient, 100)
        Order = self.env["pos.order"].with_user(self.cashier)
        Order.dental_loyalty_reserve_points(
            self.config.id, "parent-order", self.patient.id, 100.0, 10.0
        )
        with self.assertRaisesRegex(UserError, "spendable points"):
            Order.dental_loyalty_reserve_points(
                self.config.id, "child-order", self.child.id, 100.0, 10.0
            )


@tagged("post_install", "-at_install", "dental_loyalty_slow")
class TestFamiliesOverTheWire(
    FamilyMixin, PosJsonRpcMixin, DentalLoyaltyPosCommon, HttpCase
):
    """What a Point of Sale user can do to families over JSON-RPC: nothing,
    unless the clinic lets reception manage them."""

    def setUp(self):
        super().setUp()
        self.authenticate(self.cashier.login, self.cashier.login)

    def test_a_cashier_cannot_group_patients_or_move_points(self):
        self._give_points(self.patient, 500)
        thief = self.env["res.partner"].create({"name": "Mallory"})
        family = self._make_family(self.env, self.patient)
        for model, method, args in [
            (
                "dental.loyalty.family",
                "create",
                [{"name": "Mine", "holder_id": self.patient.id}],
            ),
            (
                "dental.loyalty.family",
                "write",
                [[family.id], {"member_ids": [(4, thief.id)]}],
            ),
            (
                "dental.loyalty.wallet",
                "write",
                [[family.wallet_id.id], {"family_id": False}],
            ),
            (
                "dental.loyalty.points.transfer",
                "create",
                [
                    {
                        "source_partner_id": self.patient.id,
                        "target_partner_id": thief.id,
                        "points": 500,
                        "reason": "x",
                    }
                ],
            ),
        ]:
            with self.subTest(model=model, method=method):
                result, error = self._call(model, method, *args)
                if model == "dental.loyalty.points.transfer" and not error:
                    result, error = self._call(model, "action_confirm", [result])
                self.assertEqual(error and error["name"], "odoo.exceptions.AccessError")
        self.assertEqual(family.member_ids, self.patient)
        self.assertEqual(self._wallet(thief).points_available, 0)
        self.assertEqual(self._wallet(self.patient).points_available, 500)
