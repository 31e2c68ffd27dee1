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
        # Only the campaign gives more than the base points.
        cls.cleaning_bonus.active = False
        cls.hoa = cls.env["res.partner"].create({"name": "Hoa Pham"})
        cls.manager = cls._new_user(
            "dl_campaign_manager",
            "base.group_user,dental_loyalty.group_dental_loyalty_manager",
        )

    def _sell(self, lines, partner=None, points=0.0):
        return self._sync(
            self._order(
                [{"product": product, "quantity": qty} for product, qty in lines],
                partner=partner or self.hoa,
                points=points,
            )
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
        self.campaign.write({"date_from": False, "date_to": False})
        sale = self._sell([(self.cleaning, 2)])
        # 160 base points, and 160 more of the campaign.
        self.assertEqual(sale.dental_loyalty_points_earned, 320)
        # One cleaning back: half of what the campaign gave goes back.
        self._sync(self._refund_data(sale, quantity=1))
        # 12.00 of a check-up paid with 120 points at 0.10: the sale's base
        # lot first (80 left), then 40 of the campaign's.
        self._sell([(self.checkup, 1)], points=12.0)
        # What a point is worth now is not what the spend was worth.
        self._set_loyalty_settings(point_value=0.5)
        results = self._results()
        self.assertEqual(results["results_points_given"], 160)
        self.assertEqual(results["results_points_taken_back"], 80)
        self.assertEqual(results["results_points_spent"], 40)
        self.assertAlmostEqual(results["results_spent_worth"], 4.0)

    def test_other_points_are_not_the_campaigns(self):
        self._give_points(self.hoa, 500)
        self.campaign.write({"date_from": False, "date_to": False})
        self._sell([(self.cleaning, 1)])
        # The older adjustment pays: nothing of the campaign is spent.
        self._sell([(self.checkup, 1)], points=12.0)
        results = self._results()
        self.assertEqual(results["results_points_given"], 80)
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

    def test_the_movements_button_opens_the_campaigns_points(self):
        self.campaign.write({"date_from": False, "date_to": False})
        self._sell([(self.cleaning, 1)])
        self.env.flush_all()
        action = self.campaign.with_user(self.manager).action_open_movements()
        rows = (
            self.env[action["res_model"]]
            .with_user(self.manager)
            .search(action["domain"])
        )
        self.assertEqual(rows.mapped("points"), [80])
        self.assertEqual(rows.category, "rules")

    def test_results_are_for_managers(self):
        fields = self.env["dental.loyalty.earning.rule"].with_user(self.cashier)
        self.assertNotIn("results_points_given", fields.fields_get(attributes=["type"]))
