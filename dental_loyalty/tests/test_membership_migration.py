from datetime import date

from freezegun import freeze_time

from odoo.tests import tagged

from .common import DentalLoyaltyCommon, load_migration


@tagged("post_install", "-at_install")
class TestMembershipMigration(DentalLoyaltyCommon):
    """18.0.1.7.0: every wallet is a membership from its patient's first ledger
    line, with consent to the messages they were sent until now; not a point
    moves."""

    def _migrate(self):
        migration = load_migration("18.0.1.7.0/post-migrate.py")
        migration.migrate(self.env.cr, "18.0.1.6.0")

    def test_wallets_join_from_their_first_line_with_consent_points_kept(self):
        # Points that never expire: the figures are compared a year later.
        self._set_loyalty_settings(validity_months=0)
        Partner = self.env["res.partner"]
        self.patient.write({"email": "lan@example.com", "phone": "+84 912 345 678"})
        holder = Partner.create({"name": "Hoa Nguyen", "email": "hoa@example.com"})
        child = Partner.create({"name": "Bao Nguyen", "phone": "+84 913 000 111"})
        newcomer = Partner.create({"name": "Tam Le", "email": "tam@example.com"})
        with freeze_time("2025-03-04"):
            self._earn(self.patient, 120)
        with freeze_time("2025-05-06"):
            self._earn(self.patient, 30)
            self._earn(holder, 50)
        with freeze_time("2025-06-07"):
            family = self.env["dental.loyalty.family"].create(
                {
                    "name": "Nguyen family",
                    "holder_id": holder.id,
                    "member_ids": [(6, 0, (holder | child).ids)],
                }
            )
        with freeze_time("2025-07-01"):
            # A family member's line, on the family's wallet, in their name.
            self._earn(child, 10, member_id=child.id)
        with freeze_time("2025-08-09"):
            newcomer_wallet = newcomer._dental_loyalty_wallet(self.company)
        self.env["mail.blacklist"].sudo()._add("hoa@example.com")
        self.env["phone.blacklist"].sudo().add("+84913000111")
        wallets = self.Wallet.search(
            [("partner_id", "in", (self.patient | holder | child | newcomer).ids)]
        )
        self.assertEqual(len(wallets), 4)
        figures = wallets.read(
            ["points_balance", "points_available", "points_lifetime", "tier_id"]
        )
        # As an update from 18.0.1.6.0 leaves them: joined on update day, no consent.
        wallets.sudo().write(
            {
                "member_since": date(2026, 1, 1),
                "consent_mail": False,
                "consent_sms": False,
            }
        )
        self._migrate()
        since = {wallet.partner_id: wallet.member_since for wallet in wallets}
        self.assertEqual(since[self.patient], date(2025, 3, 4))
        self.assertEqual(since[holder], date(2025, 5, 6))
        # The child's first line is on the family's wallet, in their name.
        self.assertEqual(since[child], date(2025, 7, 1))
        self.assertEqual(since[newcomer], newcomer_wallet.create_date.date())
        consent = {
            wallet.partner_id: (wallet.consent_mail, wallet.consent_sms)
            for wallet in wallets
        }
        self.assertEqual(consent[self.patient], (True, True))
        self.assertEqual(consent[holder], (False, True))
        self.assertEqual(consent[child], (True, False))
        self.assertEqual(consent[newcomer], (True, True))
        wallets.invalidate_recordset()
        self.assertEqual(
            wallets.read(
                ["points_balance", "points_available", "points_lifetime", "tier_id"]
            ),
            figures,
        )
        self.assertEqual(family.wallet_id.points_balance, 60)
