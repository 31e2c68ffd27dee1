from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import DentalLoyaltyCommon
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
        self.company.dental_loyalty_family_reception = True
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
