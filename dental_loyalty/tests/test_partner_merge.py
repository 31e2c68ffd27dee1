from odoo.tests import tagged

from .common import DentalLoyaltyCommon
from .test_rewards import RewardCatalogMixin


@tagged("post_install", "-at_install")
class TestPartnerMerge(RewardCatalogMixin, DentalLoyaltyCommon):
    """Odoo's contact merge joins two patients: their wallets, ledgers and
    vouchers become the kept patient's, every point kept."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._make_catalog(cls.company)
        cls.duplicate = cls.env["res.partner"].create({"name": "Lan Nguyen (old)"})

    def _merge(self, *partners, dst):
        wizard = self.env["base.partner.merge.automatic.wizard"].create(
            {
                "partner_ids": [(6, 0, [p.id for p in partners])],
                "dst_partner_id": dst.id,
            }
        )
        wizard.action_merge()

    def test_two_wallets_become_one_and_keep_every_point(self):
        self._earn(self.patient, 400)
        self._spend(self.patient, 100)
        self._earn(self.duplicate, 700)
        voucher = self.env["dental.loyalty.voucher"]._issue(
            self.duplicate._dental_loyalty_wallet(), self.ten_off
        )  # 300 points
        kept_wallet = self.patient._dental_loyalty_wallet()
        self._merge(self.patient, self.duplicate, dst=self.patient)
        self.assertFalse(self.duplicate.exists())
        wallets = self.env["dental.loyalty.wallet"].search(
            [("partner_id", "=", self.patient.id)]
        )
        self.assertEqual(wallets, kept_wallet)
        wallets.invalidate_recordset()
        self.assertEqual(wallets.points_balance, 400 - 100 + 700 - 300)
        self.assertEqual(wallets.points_lifetime, 1100)
        self.assertEqual(wallets.tier_id, self.silver)
        self.assertEqual(len(wallets.line_ids), 4)
        self.assertEqual(set(wallets.line_ids.partner_id.ids), {self.patient.id})
        self.assertEqual(
            (voucher.partner_id, voucher.wallet_id), (self.patient, kept_wallet)
        )
        self.assertTrue(
            any(
                "Merged with the wallet of Lan Nguyen (old)" in message.body
                for message in wallets.message_ids
            )
        )
        self.assertWalletMatchesLines(self.patient)
        # What the voucher took from the duplicate's lot is still on record, for
        # the liability at a past date.
        takes = self.env["dental.loyalty.ledger.take"].search(
            [("line_id", "in", wallets.line_ids.ids)]
        )
        self.assertEqual(takes.wallet_id, kept_wallet)
        self.assertEqual(sum(takes.mapped("points")), 100 + 300)
        self.assertFalse(kept_wallet._take_problems(kept_wallet.ids))

    def test_a_wallet_of_the_merged_patient_alone_follows_them(self):
        self._earn(self.duplicate, 250)
        wallet = self.duplicate._dental_loyalty_wallet()
        self._merge(self.patient, self.duplicate, dst=self.patient)
        self.assertEqual(wallet.partner_id, self.patient)
        self.assertEqual(self.patient.loyalty_points_balance, 250)

    def test_three_patients_of_whom_the_kept_one_has_no_wallet(self):
        third = self.env["res.partner"].create({"name": "Lan N."})
        self._earn(self.duplicate, 250)
        self._earn(third, 300)
        self._merge(self.patient, self.duplicate, third, dst=self.patient)
        wallets = self.env["dental.loyalty.wallet"].search(
            [("partner_id", "=", self.patient.id)]
        )
        self.assertEqual(len(wallets), 1)
        self.assertEqual(wallets.points_balance, 550)
        self.assertWalletMatchesLines(self.patient)
