from odoo.tests import Form, tagged

from .common import DentalLoyaltyCommon


@tagged("post_install", "-at_install")
class TestSettingsChecks(DentalLoyaltyCommon):
    """Settings check the loyalty values as they are typed, the worked example
    stays filled, the tier thresholds are edited in place, and the patient's
    tier figure reads with its unit."""

    def test_values_are_checked_as_they_are_typed_all_at_once(self):
        settings = Form(self.env["res.config.settings"])
        with self.assertLogs("odoo.tests.form.onchange", "WARNING") as logs:
            settings.dental_loyalty_max_share = 150
        self.assertIn("between 0 and 100 %", logs.output[0])
        with self.assertLogs("odoo.tests.form.onchange", "WARNING") as logs:
            settings.dental_loyalty_earn_rate = -1
        # Both values said at once, not one per save.
        self.assertIn("cannot be negative", logs.output[0])
        self.assertIn("between 0 and 100 %", logs.output[0])
        # The example says what is wrong and goes on with the values saved.
        example = settings.dental_loyalty_example
        self.assertIn("The example uses the value saved.", example)
        self.assertIn("paid with money earns: 100.", example)
        self.assertIn("(30 % of the bill)", example)
        with self.assertLogs("odoo.tests.form.onchange", "WARNING") as logs:
            settings.dental_loyalty_max_share = 40
        self.assertNotIn("between 0 and 100 %", logs.output[0])
        with self.assertNoLogs("odoo.tests.form.onchange", "WARNING"):
            settings.dental_loyalty_earn_rate = 2
        self.assertIn("paid with money earns: 200.", settings.dental_loyalty_example)
        self.assertIn("(40 % of the bill)", settings.dental_loyalty_example)

    def test_tier_thresholds_are_edited_in_settings(self):
        settings = Form(self.env["res.config.settings"])
        index = settings.dental_loyalty_tier_ids.ids.index(self.silver.id)
        with settings.dental_loyalty_tier_ids.edit(index) as silver:
            silver.threshold = 650
        settings.save().execute()
        self.assertEqual(self.silver.threshold, 650)

    def test_the_tier_figure_reads_with_its_unit(self):
        self._earn(self.patient, 1913)
        patient = self.patient.with_user(self.receptionist)
        self.assertEqual(patient.loyalty_tier_figure_text, "1,913 points")
        self._set_loyalty_settings(tier_basis="visits")
        patient.invalidate_recordset()
        self.assertEqual(patient.loyalty_tier_figure_text, "1 paid visits")
