from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from .common import DentalLoyaltyCommon


@tagged("post_install", "-at_install")
class TestSettings(DentalLoyaltyCommon):
    def _settings(self):
        return Form(self.env["res.config.settings"])

    def test_settings_page_saves_the_company_rules(self):
        settings = self._settings()
        settings.dental_loyalty_earn_rate = 2
        settings.dental_loyalty_point_value = 0.5
        settings.dental_loyalty_waiting_days = 14
        settings.dental_loyalty_validity_months = 24
        settings.dental_loyalty_max_share = 50
        settings.dental_loyalty_tier_basis = "visits"
        settings.dental_loyalty_tier_window_months = 6
        settings.save().execute()
        self.assertEqual(self.company.dental_loyalty_earn_rate, 2)
        self.assertEqual(self.company.dental_loyalty_max_share, 50)
        self.assertEqual(self.company.dental_loyalty_tier_basis, "visits")

    def test_bad_values_are_refused(self):
        bad_values = {
            "dental_loyalty_earn_rate": -1,
            "dental_loyalty_point_value": 0,
            "dental_loyalty_waiting_days": -3,
            "dental_loyalty_validity_months": -1,
            "dental_loyalty_max_share": 101,
            "dental_loyalty_tier_window_months": 0,
        }
        for field, value in bad_values.items():
            with self.subTest(field=field), self.assertRaises(ValidationError):
                settings = self._settings()
                # Said as it is typed, and refused on save.
                with self.assertLogs("odoo.tests.form.onchange", "WARNING"):
                    setattr(settings, field, value)
                settings.save().execute()
        self.assertEqual(self.company.dental_loyalty_max_share, 30)

    def test_settings_show_a_worked_example_of_the_current_values(self):
        settings = self._settings()
        settings.dental_loyalty_earn_rate = 1
        settings.dental_loyalty_waiting_days = 7
        settings.dental_loyalty_validity_months = 12
        settings.dental_loyalty_point_value = 0.05
        settings.dental_loyalty_max_share = 30
        example = settings.dental_loyalty_example
        self.assertIn("paid with money earns: 100.", example)
        self.assertIn("spent after a 7-day wait", example)
        self.assertIn("end of a 12-month validity", example)
        self.assertIn("at most $\xa030.00 (30 % of the bill)", example)

    def test_a_tier_threshold_says_what_it_counts(self):
        self._set_loyalty_settings(tier_basis="visits")
        self.assertEqual(
            self.silver.threshold_unit, "paid visits over a 12-month window"
        )
        action = self.silver.action_view_wallets()
        self.assertEqual(action["domain"], [("tier_id", "=", self.silver.id)])
