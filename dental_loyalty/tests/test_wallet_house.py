from datetime import date

from freezegun import freeze_time

from odoo.tests import tagged

from .common import DentalLoyaltyCommon, load_migration


@tagged("post_install", "-at_install")
class TestWalletHouse(DentalLoyaltyCommon):
    """Where the engine's steps live: the ledger keeps lots, the wallet posts and
    runs the tier step, the yearly jobs keep their progress per clinic."""

    def test_only_the_wallets_posting_moves_the_tier(self):
        wallet = self.patient._dental_loyalty_wallet()
        self.assertEqual(wallet.tier_id, self.bronze)
        earn = {"wallet_id": wallet.id, "kind": "earn", "points": 300, "reason": "T"}
        # The ledger alone keeps the lots: the points are there, the tier waits.
        self.Ledger.sudo().create([dict(earn, unique_key="house:1")])
        self.assertEqual(wallet.points_lifetime, 300)
        self.assertEqual(wallet.tier_id, self.bronze)
        self.Wallet._post_lines([dict(earn, unique_key="house:2")])
        self.assertEqual(wallet.tier_id, self.silver)

    def test_each_clinic_catches_up_the_birthdays_it_missed(self):
        clinic_b = self.env["res.company"].create({"name": "Clinic B"})
        here = self.env["res.partner"].create(
            {"name": "Here", "dental_birthday": "1990-03-12"}
        )
        there = self.env["res.partner"].create(
            {"name": "There", "dental_birthday": "1990-03-12"}
        )
        here_wallet = here._dental_loyalty_wallet(self.company)
        there_wallet = there._dental_loyalty_wallet(clinic_b)
        # This clinic's job went through Mar 13; the other's stopped on Mar 11.
        self.company.sudo().dental_loyalty_birthday_covered_until = date(2026, 3, 13)
        clinic_b.sudo().dental_loyalty_birthday_covered_until = date(2026, 3, 11)
        with freeze_time("2026-03-14 10:00:00"):
            self.assertEqual(self.Wallet._cron_birthday_gifts(), 0)
        self.assertFalse(here_wallet.birthday_gift_date)
        self.assertEqual(there_wallet.birthday_gift_date, date(2026, 3, 12))
        for clinic in (self.company, clinic_b):
            self.assertEqual(
                clinic.dental_loyalty_birthday_covered_until, date(2026, 3, 14)
            )

    def test_the_migration_moves_the_marks_and_the_expiry_jobs(self):
        ledger_model = self.env["ir.model"]._get("dental.loyalty.ledger")
        crons = self.env.ref("dental_loyalty.ir_cron_expire_lots") | self.env.ref(
            "dental_loyalty.ir_cron_expiry_warnings"
        )
        # As 18.0.1.4.0 left them.
        crons.ir_actions_server_id.sudo().write({"model_id": ledger_model.id})
        params = self.env["ir.config_parameter"].sudo()
        params.set_param("dental_loyalty.birthday_covered_until", "2026-03-14")
        params.set_param("dental_loyalty.anniversary_covered_until", "not a date")
        self.company.dental_loyalty_anniversary_covered_until = False
        self.env.flush_all()
        migration = load_migration("18.0.1.5.0/post-migrate.py")
        migration.migrate(self.env.cr, "18.0.1.4.0")
        self.env.invalidate_all()
        self.assertEqual(
            self.company.dental_loyalty_birthday_covered_until, date(2026, 3, 14)
        )
        self.assertFalse(self.company.dental_loyalty_anniversary_covered_until)
        self.assertFalse(params.get_param("dental_loyalty.birthday_covered_until"))
        self.assertFalse(params.get_param("dental_loyalty.anniversary_covered_until"))
        self.assertEqual(set(crons.mapped("model_id.model")), {"dental.loyalty.wallet"})
