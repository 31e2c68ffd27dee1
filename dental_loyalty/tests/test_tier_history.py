from datetime import date

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import DentalLoyaltyCommon, load_migration

JAN, FEB, MAR, APR = (
    date(2027, 1, 10),
    date(2027, 2, 15),
    date(2028, 3, 20),
    date(2028, 4, 5),
)


@tagged("post_install", "-at_install")
class TestTierHistory(DentalLoyaltyCommon):
    """Every tier a wallet is given is written in its history (first, up,
    down, pinned), which answers a wallet's tier on a past day and feeds the
    tier movements and distribution reports."""

    def _pin(self, partner, tier, reason="Founding patient"):
        self.env["dental.loyalty.tier.pin"].with_user(self.manager).create(
            {"partner_id": partner.id, "tier_id": tier.id, "reason": reason}
        ).action_confirm()

    def _story(self):
        """Lan: Bronze in January 2027, Silver in February, down to Bronze in
        March 2028 (her points left the window), pinned Gold in April. Hoa:
        Bronze, then Silver in February 2027."""
        self.hoa = self.env["res.partner"].create({"name": "Hoa Tran"})
        with freeze_time(JAN):
            self._earn(self.patient, 100)
            self._earn(self.hoa, 50)
        with freeze_time(FEB):
            self._earn(self.patient, 450)
            self._earn(self.hoa, 600)
        with freeze_time(MAR):
            self.patient._dental_loyalty_wallet()._evaluate_tier(allow_downgrade=True)
        with freeze_time(APR):
            self._pin(self.patient, self.gold)
        self.wallet = self.patient._dental_loyalty_wallet()
        self.hoa_wallet = self.hoa._dental_loyalty_wallet()

    def test_each_tier_set_is_recorded_with_its_change(self):
        self._story()
        History = self.env["dental.loyalty.tier.history"].with_user(self.manager)
        rows = History.search([("wallet_id", "=", self.wallet.id)], order="date, id")
        self.assertEqual(
            [(r.date, r.previous_tier_id, r.tier_id, r.change) for r in rows],
            [
                (JAN, self.bronze.browse(), self.bronze, "first"),
                (FEB, self.bronze, self.silver, "up"),
                (MAR, self.silver, self.bronze, "down"),
                (APR, self.bronze, self.gold, "pinned"),
            ],
        )
        self.assertEqual(rows.partner_id, self.patient)
        self.assertEqual(rows.company_id, self.company)
        # The wallet's tier today is the history's last word.
        self.assertEqual(rows[-1].tier_id, self.wallet.tier_id)

    def test_tier_at_a_past_day(self):
        self._story()
        History = self.env["dental.loyalty.tier.history"]
        wallets = self.wallet | self.hoa_wallet
        expected = {
            JAN - relativedelta(days=1): {},
            JAN: {self.wallet.id: self.bronze, self.hoa_wallet.id: self.bronze},
            FEB - relativedelta(days=1): {
                self.wallet.id: self.bronze,
                self.hoa_wallet.id: self.bronze,
            },
            FEB: {self.wallet.id: self.silver, self.hoa_wallet.id: self.silver},
            MAR - relativedelta(days=1): {
                self.wallet.id: self.silver,
                self.hoa_wallet.id: self.silver,
            },
            MAR: {self.wallet.id: self.bronze, self.hoa_wallet.id: self.silver},
            APR: {self.wallet.id: self.gold, self.hoa_wallet.id: self.silver},
        }
        for day, tiers in expected.items():
            with self.subTest(day=day):
                self.assertEqual(History._tier_at(wallets, day), tiers)

    def test_movements_per_month(self):
        self._story()
        groups = (
            self.env["dental.loyalty.tier.history"]
            .with_user(self.manager)
            ._read_group(
                [("wallet_id", "in", (self.wallet | self.hoa_wallet).ids)],
                ["date:month", "change"],
                ["__count"],
            )
        )
        self.assertEqual(
            {(month, change): count for month, change, count in groups},
            {
                (date(2027, 1, 1), "first"): 2,
                (date(2027, 2, 1), "up"): 2,
                (date(2028, 3, 1), "down"): 1,
                (date(2028, 4, 1), "pinned"): 1,
            },
        )

    def test_distribution_at_each_months_end_is_the_tier_at_that_day(self):
        self._story()
        wallets = self.wallet | self.hoa_wallet
        report = self.env["dental.loyalty.tier.distribution.report"]
        groups = report.with_user(self.manager)._read_group(
            [("wallet_id", "in", wallets.ids)], ["month:month", "tier_id"], ["__count"]
        )
        got = {(month, tier): count for month, tier, count in groups}
        expected = {}
        month = date(2027, 1, 1)
        while month <= date(2028, 4, 1):
            month_end = month + relativedelta(months=1, days=-1)
            at = self.env["dental.loyalty.tier.history"]._tier_at(wallets, month_end)
            for tier in at.values():
                expected[month, tier] = expected.get((month, tier), 0) + 1
            month += relativedelta(months=1)
        self.assertEqual(got, expected)
        # Spelled out for two months: both Silver in March 2027; in March 2028
        # one Bronze, one Silver.
        self.assertEqual(got[date(2027, 3, 1), self.silver], 2)
        self.assertEqual(got[date(2028, 3, 1), self.bronze], 1)
        self.assertEqual(got[date(2028, 3, 1), self.silver], 1)

    def test_managers_read_nobody_writes(self):
        self._story()
        History = self.env["dental.loyalty.tier.history"]
        row = History.search([("wallet_id", "=", self.wallet.id)], limit=1)
        with self.assertRaises(AccessError):
            History.with_user(self.receptionist).search([])
        for user in (self.manager, self.receptionist):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    History.with_user(user).create(
                        {
                            "wallet_id": self.wallet.id,
                            "partner_id": self.patient.id,
                            "company_id": self.company.id,
                            "tier_id": self.gold.id,
                            "date": JAN,
                            "change": "up",
                        }
                    )
                with self.assertRaises(AccessError):
                    row.with_user(user).write({"tier_id": self.silver.id})
                with self.assertRaises(AccessError):
                    row.with_user(user).unlink()

    def test_migration_seeds_each_wallets_tier_once(self):
        self._story()
        wallets = self.wallet | self.hoa_wallet
        self.env.flush_all()
        self.env.cr.execute(
            "DELETE FROM dental_loyalty_tier_history WHERE wallet_id IN %s",
            [tuple(wallets.ids)],
        )
        migration = load_migration("18.0.1.8.0/post-migrate-tier-history.py")
        migration.migrate(self.env.cr, "18.0.1.7.0")
        migration.migrate(self.env.cr, "18.0.1.7.0")
        self.env.invalidate_all()
        rows = (
            self.env["dental.loyalty.tier.history"]
            .search([("wallet_id", "in", wallets.ids)])
            .sorted(lambda r: r.wallet_id.id)
        )
        self.assertEqual(
            [
                (r.wallet_id, r.tier_id, r.previous_tier_id, r.date, r.change)
                for r in rows
            ],
            [
                (w, w.tier_id, w.tier_id.browse(), w.tier_date, "first")
                for w in wallets.sorted("id")
            ],
        )
        # Lan's only row now: Gold, from the day it was pinned.
        self.assertEqual(rows.filtered(lambda r: r.wallet_id == self.wallet).date, APR)
