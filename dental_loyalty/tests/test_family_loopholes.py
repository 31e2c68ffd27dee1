from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import DentalLoyaltyCommon
from .common_pos import DentalLoyaltyPosCommon
from .test_families import FamilyMixin


@tagged("post_install", "-at_install")
class TestFamilyLoopholes(FamilyMixin, DentalLoyaltyCommon):
    """What a family's managers cannot do to its points, and where points given
    back land once a patient has joined a family."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.child = Partner.create({"name": "Bao Nguyen"})
        cls.stranger = Partner.create({"name": "Sara Ahmadi"})

    def _own_wallet(self, partner):
        wallet = self.env["dental.loyalty.wallet"]._get_for_partners(partner)
        wallet.invalidate_recordset()
        return wallet

    def test_a_family_cannot_be_pointed_at_another_wallet(self):
        """Reception allowed to manage families (as a Point of Sale user is) may
        not hand the family someone else's wallet by writing its field."""
        self._set_loyalty_settings(family_reception=True)
        self.receptionist.groups_id += self.env.ref("base.group_partner_manager")
        self._earn(self.stranger, 1000)
        family = self._make_family(
            self.env(user=self.receptionist), self.patient, self.child
        )
        theirs = self._own_wallet(self.stranger)
        with self.assertRaisesRegex(UserError, "keeps its holder"):
            family.write({"wallet_id": theirs.id})
        self.assertEqual(family.wallet_id, self._own_wallet(self.patient))
        self.assertEqual(self.child._dental_loyalty_wallet().points_available, 0)

    def test_a_voucher_taken_before_joining_gives_its_points_to_the_family(self):
        reward = self.env["dental.loyalty.reward"].create(
            {
                "name": "Kids' toothbrush",
                "kind": "gift",
                "points_cost": 80,
                "company_id": self.company.id,
            }
        )
        self._earn(self.child, 100)
        self.env["dental.loyalty.reward.redeem"].with_user(self.receptionist).create(
            {"partner_id": self.child.id, "reward_id": reward.id}
        ).action_confirm()
        voucher = self.env["dental.loyalty.voucher"].search(
            [("reward_id", "=", reward.id)]
        )
        family = self._make_family(
            self.env(user=self.manager), self.patient, self.child
        )
        voucher.with_user(self.manager).action_cancel()
        # The member's own wallet stays empty while they belong to the family.
        self.assertEqual(self._own_wallet(self.child).points_balance, 0)
        family.wallet_id.invalidate_recordset()
        self.assertEqual(family.wallet_id.points_available, 100)


@tagged("post_install", "-at_install")
class TestFamilyLoopholesAtTheRegister(FamilyMixin, DentalLoyaltyPosCommon):
    """A bill in progress, or refunded later, when its patient joins a family."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.child = cls.env["res.partner"].create({"name": "Bao Tran"})

    def _own_wallet(self, partner):
        wallet = self.env["dental.loyalty.wallet"]._get_for_partners(
            partner, self.company
        )
        wallet.invalidate_recordset()
        return wallet

    def test_a_hold_on_a_joining_member_wallet_follows_its_points(self):
        self._give_points(self.child, 100)
        Order = self.env["pos.order"].with_user(self.cashier)
        granted = Order.dental_loyalty_reserve_points(
            self.config.id, "child-bill", self.child.id, 80.0
        )
        self.assertEqual((granted["amount"], granted["points"]), (10.0, 100))
        family = self._make_family(self.env, self.patient, self.child)
        # The held points are in the family's wallet now, still held.
        with self.assertRaisesRegex(UserError, "held by another register"):
            Order.dental_loyalty_reserve_points(
                self.config.id, "parent-bill", self.patient.id, 80.0
            )
        # The child's bill is paid as granted, from the family's wallet.
        order = self._sync(
            self._order(
                [{"product": self.cleaning, "quantity": 1}],
                points=10.0,
                partner=self.child,
                uuid="child-bill",
            )
        )
        self.assertEqual(order.dental_loyalty_points_spent, 100)
        spend = family.wallet_id.line_ids.filtered(lambda line: line.kind == "spend")
        self.assertEqual((spend.points, spend.member_id), (-100, self.child))
        self.assertEqual(self._own_wallet(self.child).points_balance, 0)

    def test_a_refund_of_a_sale_made_before_joining_acts_on_the_family(self):
        self._set_loyalty_settings(waiting_days=30)
        self._give_points(self.child, 200)
        order = self._sync(
            self._order(
                [{"product": self.cleaning, "quantity": 1}],
                points=20.0,
                partner=self.child,
            )
        )
        earned = order.dental_loyalty_points_earned
        self.assertGreater(earned, 0)
        family = self._make_family(self.env, self.patient, self.child)
        family.wallet_id.invalidate_recordset()
        # The earning, still pending, came along with its dates.
        self.assertEqual(family.wallet_id.points_pending, earned)
        self._sync(self._refund_data(order, points=-20.0, partner=self.child))
        wallet = self._wallet(self.child)
        self.assertEqual(wallet, family.wallet_id)
        # The refund took back what the sale earned and gave back what it spent,
        # both on the family's wallet; the member's own wallet stays empty.
        self.assertEqual((wallet.points_available, wallet.points_pending), (200, 0))
        self.assertEqual(self._own_wallet(self.child).points_balance, 0)
