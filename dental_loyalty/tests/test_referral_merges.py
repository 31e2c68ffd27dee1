from odoo.exceptions import UserError
from odoo.tests import tagged

from .test_referrals import ReferralCommon


@tagged("post_install", "-at_install")
class TestReferralsWithFamiliesAndMerges(ReferralCommon):
    """A referral follows its patients: into their family's wallet, and through
    Odoo's contact merge."""

    def _merge(self, partners, dst):
        self.env["base.partner.merge.automatic.wizard"].create(
            {"partner_ids": [(6, 0, partners.ids)], "dst_partner_id": dst.id}
        ).action_merge()

    def test_a_family_member_referrer_bonus_goes_to_the_family_in_their_name(self):
        parent = self.env["res.partner"].create({"name": "Hoa Tran"})
        family = self.env["dental.loyalty.family"].create(
            {
                "name": "Tran family",
                "holder_id": parent.id,
                "member_ids": [(4, self.patient.id)],
            }
        )
        newcomer = self._newcomer()
        referral = self._mark(newcomer)
        self._sync(self._order([(self.checkup, 1)], partner=newcomer))
        self.assertEqual(referral.state, "rewarded")
        bonus = self._bonus_lines(referral).filtered(
            lambda line: line.member_id == self.patient
        )
        self.assertEqual((bonus.wallet_id, bonus.points), (family.wallet_id, 100))

    def test_a_member_of_the_referrer_family_is_refused(self):
        """Both bonuses would go to the one wallet the family shares: referring
        one's own family is referring oneself."""
        sister = self._newcomer("Mai Tran")
        family = self.env["dental.loyalty.family"].create(
            {
                "name": "Tran family",
                "holder_id": self.patient.id,
                "member_ids": [(4, sister.id)],
            }
        )
        self._assertRefused(sister, "MINH2345", "belongs to the family of Minh Tran")
        # Joined the family after the marking: refused at the first visit.
        cousin = self._newcomer("Khoa Tran")
        referral = self._mark(cousin)
        family.member_ids = [(4, cousin.id)]
        self._sync(self._order([(self.checkup, 1)], partner=cousin))
        self.assertEqual(referral.state, "refused")
        self.assertIn("belongs to the family of", referral.refusal_reason)
        self.assertFalse(self._bonus_lines(referral))
        # A member of another family may be referred.
        other = self._newcomer("Lan Le")
        self.env["dental.loyalty.family"].create(
            {"name": "Le family", "holder_id": other.id}
        )
        self.assertEqual(self._mark(other).state, "pending")

    def test_a_free_visit_waits_and_a_child_visit_is_not_the_parent(self):
        free = self.env["product.product"].create(
            {"name": "Free consultation", "list_price": 0.0, "available_in_pos": True}
        )
        newcomer = self._newcomer()
        referral = self._mark(newcomer)
        self._sync(self._order([(free, 1)], partner=newcomer))
        self.assertEqual(referral.state, "pending")
        self._sync(self._order([(self.checkup, 1)], partner=newcomer))
        self.assertEqual(referral.state, "rewarded")
        # A parent whose child already came may still be referred.
        parent = self._newcomer("Lan Vo")
        child = self._newcomer("Bao Vo")
        self.env["dental.loyalty.family"].create(
            {"name": "Vo family", "holder_id": parent.id, "member_ids": [(4, child.id)]}
        )
        self._sync(self._order([(self.checkup, 1)], partner=child))
        self.assertEqual(self._mark(parent).state, "pending")
        with self.assertRaisesRegex(UserError, "Bao Vo already came to the clinic"):
            self._mark(child)

    def test_a_bonus_moved_into_a_family_is_taken_back_from_it(self):
        newcomer = self._newcomer()
        referral = self._mark(newcomer)
        order = self._sync(self._order([(self.checkup, 1)], partner=newcomer))
        parent = self._newcomer("Lan Dang")
        family = self.env["dental.loyalty.family"].create(
            {
                "name": "Dang family",
                "holder_id": parent.id,
                "member_ids": [(4, newcomer.id)],
            }
        )
        family.wallet_id.invalidate_recordset()
        self.assertEqual(family.wallet_id.points_pending, 50 + 50)
        self._sync(self._refund_data(order))
        self.assertEqual(referral.state, "reversed")
        family.wallet_id.invalidate_recordset()
        # Nothing made up: the earning and the bonus both left the family.
        self.assertEqual(family.wallet_id.points_balance, 0)
        reversal = self.Ledger.search(
            [
                ("res_model", "=", referral._name),
                ("kind", "=", "referral_reversal"),
                ("member_id", "=", newcomer.id),
            ]
        )
        self.assertEqual((reversal.wallet_id, reversal.points), (family.wallet_id, -50))
        self.assertEqual(reversal.lot_id.kind, "transfer_in")

    def test_merged_patients_keep_their_referrals(self):
        newcomer = self._newcomer()
        referral = self._mark(newcomer)
        self._sync(self._order([(self.checkup, 1)], partner=newcomer))
        old_referrer = self.env["res.partner"].create({"name": "Minh Tran (old)"})
        old_newcomer = self.env["res.partner"].create({"name": "Quynh Dang (old)"})
        # Odoo's merge copies the card code onto the kept contact before the
        # merged one goes, and two contacts cannot share one.
        self.patient.barcode = False
        self._merge(self.patient | old_referrer, dst=old_referrer)
        self._merge(newcomer | old_newcomer, dst=old_newcomer)
        self.assertRecordValues(
            referral,
            [
                {
                    "referrer_id": old_referrer.id,
                    "referred_id": old_newcomer.id,
                    "state": "rewarded",
                }
            ],
        )
        self.assertEqual(
            old_referrer._dental_loyalty_wallet(self.company).points_balance, 100
        )
        self.assertEqual(
            old_newcomer._dental_loyalty_wallet(self.company).points_balance, 100
        )
