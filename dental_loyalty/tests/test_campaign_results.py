from datetime import datetime

from freezegun import freeze_time

from odoo.tests import Form, tagged

from .common_pos import DentalLoyaltyPosCommon


@tagged("post_install", "-at_install")
class TestCampaignResults(DentalLoyaltyPosCommon):
    """A campaign's results on its form: what its points cost (given, taken
    back by refunds, spent and their worth when spent) and what it brought
    (visits for its services during it against as long before)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.campaign = cls.env["dental.loyalty.earning.rule"].create(
            {
                "name": "Cleaning month x2",
                "is_campaign": True,
                "product_ids": [(6, 0, cls.cleaning.ids)],
                "date_from": "2026-03-01",
                "date_to": "2026-03-31",
                "multiplier": 2.0,
            }
        )
        cls.hoa = cls.env["res.partner"].create({"name": "Hoa Pham"})
        cls.manager = cls._new_user(
            "dl_campaign_manager",
            "base.group_user,dental_loyalty.group_dental_loyalty_manager",
        )

    def _rule_line(self, partner, points, **vals):
        wallet = partner._dental_loyalty_wallet(self.company)
        return self.Wallet._post_lines(
            [
                {
                    "wallet_id": wallet.id,
                    "kind": "rule",
                    "points": points,
                    "earning_rule_id": self.campaign.id,
                    "rule_basis": points,
                    "rule_factor": 1.0,
                    "tier_multiplier": 1.0,
                    "reason": self.campaign.name,
                    **vals,
                }
            ]
        )

    def _post(self, partner, kind, points, **vals):
        wallet = partner._dental_loyalty_wallet(self.company)
        return self.Wallet._post_lines(
            [{"wallet_id": wallet.id, "kind": kind, "points": points, **vals}]
        )

    def _results(self):
        form = Form(self.campaign.with_user(self.manager))
        return {
            name: form[name]
            for name in (
                "results_points_given",
                "results_points_taken_back",
                "results_points_spent",
                "results_spent_worth",
                "results_visits",
                "results_visits_before",
                "results_date_from",
                "results_date_to",
                "results_before_from",
            )
        }

    def _visit(self, when, product):
        with freeze_time(when):
            self._sync(self._order([{"product": product, "quantity": 1}]))

    def test_points_given_taken_back_spent_and_their_worth(self):
        lot = self._rule_line(self.hoa, 100)
        # A refund takes 20 back from the campaign's points.
        self._post(self.hoa, "earn_reversal", -20, lot_id=lot.id)
        # The patient pays with 30 points worth 0.20 each then, and buys a
        # reward with 10 more at the clinic's value (0.10).
        self._post(self.hoa, "spend", -30, point_value=0.2)
        self._post(self.hoa, "redeem", -10)
        with freeze_time("2026-03-14"):
            results = self._results()
        self.assertEqual(results["results_points_given"], 100)
        self.assertEqual(results["results_points_taken_back"], 20)
        self.assertEqual(results["results_points_spent"], 40)
        self.assertAlmostEqual(results["results_spent_worth"], 30 * 0.2 + 10 * 0.1)

    def test_other_points_are_not_the_campaigns(self):
        self._give_points(self.hoa, 50)
        self._rule_line(self.hoa, 10)
        # The spend takes the older adjustment first: nothing of the campaign.
        self._post(self.hoa, "spend", -40, point_value=0.1)
        with freeze_time("2026-03-14"):
            results = self._results()
        self.assertEqual(results["results_points_given"], 10)
        self.assertEqual(results["results_points_spent"], 0)
        self.assertEqual(results["results_spent_worth"], 0)

    def test_visits_for_its_services_during_against_as_long_before(self):
        self._session_opened_at(datetime(2026, 1, 1))
        self._visit("2026-02-10 10:00", self.cleaning)  # before the window
        self._visit("2026-02-20 10:00", self.cleaning)
        self._visit("2026-02-25 10:00", self.checkup)  # not its service
        self._visit("2026-03-05 10:00", self.cleaning)
        self._visit("2026-03-10 10:00", self.cleaning)
        self._visit("2026-03-12 10:00", self.checkup)
        with freeze_time("2026-03-14 12:00"):
            results = self._results()
        # 1 to 14 March against the 14 days before: 15 to 28 February.
        self.assertEqual(str(results["results_date_from"]), "2026-03-01")
        self.assertEqual(str(results["results_date_to"]), "2026-03-14")
        self.assertEqual(str(results["results_before_from"]), "2026-02-15")
        self.assertEqual(results["results_visits"], 2)
        self.assertEqual(results["results_visits_before"], 1)
        # On their category, every service of it counts.
        self.campaign.write(
            {
                "product_ids": [(5, 0, 0)],
                "product_categ_ids": [(6, 0, self.categ_basic.ids)],
            }
        )
        with freeze_time("2026-03-14 12:00"):
            results = self._results()
        self.assertEqual(results["results_visits"], 3)
        self.assertEqual(results["results_visits_before"], 2)

    def test_results_are_for_managers(self):
        fields = self.env["dental.loyalty.earning.rule"].with_user(self.cashier)
        self.assertNotIn("results_points_given", fields.fields_get(attributes=["type"]))
