import math
from collections import defaultdict
from datetime import date

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import tagged

from ..report.dental_loyalty_movement_report import (
    KIND_CATEGORY,
    MOVEMENT_CATEGORIES,
)
from .common import DentalLoyaltyCommon

# The test's own reading of the ledger: what a manager expects each kind under.
EXPECTED_CATEGORY = {
    "earn": "earned",
    "birthday": "gift",
    "anniversary": "gift",
    "referral": "referral",
    "recall": "recall",
    "rule": "rules",
    "spend": "spent_register",
    "redeem": "spent_rewards",
    "redeem_return": "voucher_cancelled",
    "earn_reversal": "taken_back",
    "referral_reversal": "taken_back",
    "spend_return": "given_back",
    "transfer_in": "transfer_in",
    "transfer_out": "transfer_out",
    "expire": "expired",
    "adjust": "adjusted",
}


@tagged("post_install", "-at_install")
class TestMovementsReport(DentalLoyaltyCommon):
    """Three months of two clinics' ledgers, read back by month and movement:
    every point of the ledger is in the report, an earning's services' bonus
    apart from its base, each at its worth."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.clinic_b = cls.env["res.company"].create({"name": "Clinic B"})
        cls._set_up_loyalty_programme(cls.clinic_b)
        # Clinic B's points are worth more and expire after two months.
        cls._set_loyalty_settings(cls.clinic_b, point_value=0.2, validity_months=2)
        cls.env.user.company_ids += cls.clinic_b
        cls.manager.company_ids += cls.clinic_b
        cls.child = cls.env["res.partner"].create({"name": "Bao Nguyen"})
        cls.Report = cls.env["dental.loyalty.movement.report"]

    def _line(self, wallet, kind, points, day, **vals):
        return self.Wallet._post_lines(
            [
                {
                    "wallet_id": wallet.id,
                    "kind": kind,
                    "points": points,
                    "date": day,
                    **vals,
                }
            ]
        )

    def _scenario(self):
        wallet = self.patient._dental_loyalty_wallet(self.company)
        other = self.child._dental_loyalty_wallet(self.company)
        wallet_b = self.patient._dental_loyalty_wallet(self.clinic_b)
        jan, feb, mar = date(2026, 1, 10), date(2026, 2, 10), date(2026, 3, 10)
        # 40 bonus points at a 1.25 multiplier: 50 of the 150 are the services'.
        self._line(
            wallet,
            "earn",
            150,
            jan,
            paid_amount=100,
            bonus_basis=40,
            tier_multiplier=1.25,
            member_id=self.child.id,
        )
        self._line(wallet, "birthday", 50, jan)
        self._line(wallet, "referral", 30, jan)
        self._line(wallet, "spend", -40, jan, point_value=0.05)
        self._line(wallet_b, "earn", 200, jan, paid_amount=200)
        self._line(wallet, "redeem", -100, feb)
        self._line(wallet, "redeem_return", 100, feb)
        self._line(wallet, "earn_reversal", -20, feb)
        self._line(wallet, "spend_return", 10, feb, point_value=0.05)
        # Spent as of its day: clinic B's January points have expired by now.
        with freeze_time(feb):
            self._line(wallet_b, "adjust", -15, feb, reason="Correction")
        self._line(wallet, "anniversary", 20, mar)
        self._line(wallet, "recall", 10, mar)
        self._line(wallet, "referral_reversal", -30, mar)
        self._line(wallet, "adjust", 5, mar, reason="Goodwill")
        wallet._transfer_points(other, "Family", points=25)
        self.Wallet._expire_due_lots(wallets=wallet_b, today=date(2026, 3, 20))
        self.env.flush_all()
        return wallet | other | wallet_b

    def _expected(self, wallets):
        """Points and worth per (clinic, month, category), from the ledger."""
        points, worth = defaultdict(int), defaultdict(float)
        lines = self.Ledger.search([("wallet_id", "in", wallets.ids)])
        for line in lines:
            value = line.point_value or line.company_id.dental_loyalty_point_value
            parts = [(EXPECTED_CATEGORY[line.kind], line.points)]
            if line.kind == "earn" and line.bonus_basis:
                bonus = math.floor(line.bonus_basis * line.tier_multiplier)
                parts = [("earned", line.points - bonus), ("services_bonus", bonus)]
            for category, part in parts:
                key = (line.company_id, line.date.replace(day=1), category)
                points[key] += part
                worth[key] += part * value
        return lines, points, worth

    def test_every_ledger_kind_has_a_movement(self):
        kinds = dict(self.Ledger._fields["kind"]._description_selection(self.env))
        self.assertEqual(set(KIND_CATEGORY), set(kinds))
        self.assertLessEqual(
            set(KIND_CATEGORY.values()), {key for key, _ in MOVEMENT_CATEGORIES}
        )
        self.assertEqual(KIND_CATEGORY, EXPECTED_CATEGORY)

    def test_sums_per_clinic_month_and_movement_match_the_ledger(self):
        wallets = self._scenario()
        lines, points, worth = self._expected(wallets)
        self.assertIn("transfer_in", lines.mapped("kind"))
        self.assertIn("expire", lines.mapped("kind"))
        groups = self.Report.with_user(self.manager)._read_group(
            [("wallet_id", "in", wallets.ids)],
            ["company_id", "date:month", "category"],
            ["points:sum", "worth:sum"],
        )
        got = {(c, month, cat): (p, round(w, 2)) for c, month, cat, p, w in groups}
        want = {
            key: (points[key], round(worth[key], 2)) for key in points if points[key]
        }
        self.assertEqual(got, want)
        # The figures a manager reads first: the bonus and the expiry.
        services = (self.company, date(2026, 1, 1), "services_bonus")
        self.assertEqual(got[services], (50, 5.0))
        expired = (self.clinic_b, date(2026, 3, 1), "expired")
        self.assertEqual(got[expired], (-185, -37.0))
        spent = (self.company, date(2026, 1, 1), "spent_register")
        self.assertEqual(got[spent], (-40, -2.0))

    def test_one_row_per_line_two_for_an_earning_with_a_bonus(self):
        wallets = self._scenario()
        lines = self.Ledger.search([("wallet_id", "in", wallets.ids)])
        rows = self.Report.search([("wallet_id", "in", wallets.ids)])
        self.assertEqual(len(rows), len(lines) + 1)
        self.assertEqual(set(rows.line_id), set(lines))
        earn = lines.filtered(lambda line: line.bonus_basis)
        split = rows.filtered(lambda row: row.line_id == earn)
        self.assertEqual(
            sorted(split.mapped(lambda row: (row.category, row.points))),
            [("earned", 100), ("services_bonus", 50)],
        )
        self.assertEqual(split.member_id, self.child)
        self.assertEqual(split.partner_id, self.patient)
        for row in rows:
            self.assertEqual(row.tier_id, row.wallet_id.tier_id)

    def test_a_clinic_manager_reads_only_their_clinic(self):
        wallets = self._scenario()
        self.manager.company_ids -= self.clinic_b
        rows = self.Report.with_user(self.manager).search(
            [("wallet_id", "in", wallets.ids)]
        )
        self.assertTrue(rows)
        self.assertEqual(rows.company_id, self.company)

    def test_the_reports_open_for_managers_only(self):
        self._scenario()
        reports = [
            "dental.loyalty.movement.report",
            "dental.loyalty.cost.report",
            "dental.loyalty.gift.points.report",
        ]
        menus = self.env["ir.ui.menu"].with_user(self.manager)._visible_menu_ids()
        for xmlid in [
            "menu_dental_loyalty_movement_report",
            "menu_dental_loyalty_cost_report",
            "menu_dental_loyalty_gift_points_report",
        ]:
            self.assertIn(self.env.ref(f"dental_loyalty.{xmlid}").id, menus)
        for name in reports:
            report = self.env[name].with_user(self.manager)
            views = report.get_views(
                [(False, "pivot"), (False, "graph"), (False, "list")],
                {"load_filters": False},
            )
            self.assertEqual(set(views["views"]), {"pivot", "graph", "list"})
            with self.assertRaises(AccessError):
                self.env[name].with_user(self.receptionist).search([], limit=1)
        self.assertTrue(
            self.env[reports[0]]
            .with_user(self.manager)
            .web_read_group([], ["points:sum"], ["date:month", "category"])["groups"]
        )
