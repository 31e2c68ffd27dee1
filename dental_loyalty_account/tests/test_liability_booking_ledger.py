from datetime import date

from freezegun import freeze_time

from odoo.tests import tagged

from .common import DentalLoyaltyAccountCommon

FEBRUARY = date(2026, 2, 28)
MARCH = date(2026, 3, 31)


@tagged("post_install", "-at_install")
@freeze_time("2026-04-15")
class TestLiabilityBookingFromTheLedger(DentalLoyaltyAccountCommon):
    """The month's entry books what the patients' points were worth at the
    month's end, as Dental Loyalty's ledger says, net of the expected breakage."""

    _stand_in_worth = False

    def test_the_entries_follow_the_points_held_at_each_months_end(self):
        self.company.write(
            {
                "dental_loyalty_point_value": 0.05,
                "dental_loyalty_breakage_percent": 10.0,
            }
        )
        patient = self.env["res.partner"].create({"name": "Lan Nguyen"})
        Wallet = self.env["dental.loyalty.wallet"].with_company(self.company)
        wallet = Wallet._get_for_partners(patient, self.company)

        def post(points, day):
            Wallet._post_lines(
                [
                    {
                        "wallet_id": wallet.id,
                        "kind": "adjust",
                        "points": points,
                        "date": day,
                        "reason": "Test",
                    }
                ]
            )

        post(1000, date(2026, 2, 10))
        post(-400, date(2026, 3, 5))
        post(200, date(2026, 4, 2))

        february = self.book(FEBRUARY)
        # 1,000 points at 0.05, less 10 % expected to expire.
        self.assertEqual(february.liability_worth, 50.0)
        self.assertEqual(february.amount, 45.0)
        march = self.book(MARCH)
        # 600 points at the end of March, whatever the wallet holds today (800).
        self.assertEqual(march.liability_worth, 30.0)
        self.assertEqual(march.amount, -18.0)
        self.assertAlmostEqual(self.balance_of(self.liability_account, MARCH), -27.0)
