from datetime import date

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import DentalLoyaltyCommon


@tagged("post_install", "-at_install")
class TestLiabilityDoors(DentalLoyaltyCommon):
    """What the attack on the owner's side tried: dates no one means, another
    manager's report, a breakage period that runs into the future."""

    def test_a_date_no_one_means_is_refused_in_words(self):
        Report = self.env["dental.loyalty.liability.report"].with_user(self.manager)
        for day in ("0001-01-01", "garbage", 20260210):
            with self.assertRaises(UserError, msg=day):
                Report.create({"date": day})

    def test_a_managers_report_is_their_own(self):
        other = new_test_user(
            self.env,
            login="dl_liability_other_manager",
            groups="base.group_user,dental_loyalty.group_dental_loyalty_manager",
        )
        report = (
            self.env["dental.loyalty.liability.report"]
            .with_user(self.manager)
            .create({"date": date(2026, 2, 10)})
        )
        with self.assertRaises(AccessError):
            report.with_user(other).write({"date": date(2025, 1, 1)})
        with self.assertRaises(AccessError):
            report.with_user(other).action_open_lines()

    def test_lots_still_to_expire_have_not_reached_their_expiry(self):
        clinic = self.env["res.company"].create({"name": "Breakage Clinic"})
        self._set_up_loyalty_programme(clinic)
        wallet = self.patient._dental_loyalty_wallet(clinic)

        def post(points, **vals):
            self.Wallet._post_lines(
                [
                    {
                        "wallet_id": wallet.id,
                        "kind": "adjust",
                        "points": points,
                        "reason": "Test",
                        **vals,
                    }
                ]
            )

        post(100, date=date(2025, 1, 1), expiry_date=date(2025, 6, 30))
        post(500, expiry_date=date(2999, 1, 1))
        # The nightly job writes the first lot off.
        self.Wallet._expire_due_lots(wallet)
        self.assertEqual(
            self.Ledger.search(
                [("wallet_id", "=", wallet.id), ("kind", "=", "expire")]
            ).mapped("points"),
            [-100],
        )
        rate = self.env["dental.loyalty.liability"]._breakage_rate(
            clinic, date(2000, 1, 1), date(2999, 12, 31)
        )
        # Every point that reached its expiry expired; the lot still to expire
        # has not reached it.
        self.assertEqual(rate, 1.0)
