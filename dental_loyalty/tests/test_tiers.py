from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .common import DentalLoyaltyCommon, load_migration


@tagged("post_install", "-at_install")
class TestTiers(DentalLoyaltyCommon):
    def test_upgrade_as_soon_as_the_threshold_is_reached(self):
        with freeze_time("2026-05-01"):
            self._earn(self.patient, 499)
            self.assertEqual(self.patient.loyalty_tier_id, self.bronze)
            self._earn(self.patient, 1)
            self.assertEqual(self.patient.loyalty_tier_id, self.silver)
            self.assertEqual(str(self.patient.loyalty_tier_date), "2026-05-01")
            self.assertIn("from Bronze to Silver", self.patient.message_ids[0].body)

    def test_spending_does_not_lower_the_tier_until_the_window_passes(self):
        with freeze_time("2025-01-10"):
            self._earn(self.patient, 600)
            self._spend(self.patient, 600)
            self.env["dental.loyalty.wallet"]._cron_evaluate_tiers()
            self.assertEqual(self.patient.loyalty_tier_id, self.silver)
        with freeze_time("2026-01-11"):
            # The earn line left the 12-month window: the nightly run downgrades.
            self.env["dental.loyalty.wallet"]._cron_evaluate_tiers()
            self.patient.invalidate_recordset()
            self.assertEqual(self.patient.loyalty_tier_id, self.bronze)

    def test_pinned_tier_is_respected(self):
        self._earn(self.patient, 100)
        pin = Form(
            self.env["dental.loyalty.tier.pin"]
            .with_user(self.manager)
            .with_context(default_partner_id=self.patient.id)
        )
        pin.tier_id = self.gold
        pin.reason = "Founding patient of the clinic"
        pin.save().action_confirm()
        self.assertEqual(self.patient.loyalty_tier_id, self.gold)
        self.assertTrue(self.patient.loyalty_tier_pinned)
        self.assertIn("Founding patient", self.patient.message_ids[0].body)
        self._earn(self.patient, 600)
        self.env["dental.loyalty.wallet"]._cron_evaluate_tiers()
        self.patient.invalidate_recordset()
        self.assertEqual(self.patient.loyalty_tier_id, self.gold)
        # Releasing the pin lets the figures decide again: 700 points is Silver.
        self.env["dental.loyalty.tier.pin"].with_user(self.manager).create(
            {"partner_id": self.patient.id, "reason": "Back to the rules"}
        ).action_confirm()
        self.patient.invalidate_recordset()
        self.assertFalse(self.patient.loyalty_tier_pinned)
        self.assertEqual(self.patient.loyalty_tier_id, self.silver)

    def test_tier_on_amount_spent(self):
        self._set_loyalty_settings(tier_basis="amount")
        self._earn(self.patient, 10, paid_amount=1499)
        self.assertEqual(self.patient.loyalty_tier_id, self.silver)
        self._earn(self.patient, 1, paid_amount=1)
        self.assertEqual(self.patient.loyalty_tier_id, self.gold)

    def test_tier_on_paid_visits(self):
        self._set_loyalty_settings(tier_basis="visits")
        self.silver.threshold = 3
        self.gold.threshold = 6
        for _visit in range(3):
            self._earn(self.patient, 5)
        self.assertEqual(self.patient.loyalty_tier_id, self.silver)
        # A manual adjustment is no visit.
        self._post(self.patient, "adjust", 5000, reason="Gift")
        self.assertEqual(self.patient.loyalty_tier_id, self.silver)

    def test_thresholds_are_whole_figures(self):
        # Points and visits come whole, and a tier's money is no matter of
        # cents: the manager's figure is kept whole, shown without decimals.
        with Form(self.gold.with_user(self.manager)) as tier:
            tier.threshold = 1499.6
        self.assertEqual(self.gold.threshold, 1500)
        self.assertEqual(self.gold._fields["threshold"].get_digits(self.env), (16, 0))

    def test_the_update_rounds_thresholds_set_with_decimals(self):
        # As a database of 18.0.1.15.0 kept them.
        self.env.cr.execute(
            "UPDATE dental_loyalty_tier SET threshold = 1499.6 WHERE id = %s",
            [self.gold.id],
        )
        load_migration("18.0.1.16.0/post-migrate.py").migrate(
            self.env.cr, "18.0.1.15.0"
        )
        self.gold.invalidate_recordset(["threshold"])
        self.assertEqual(self.gold.threshold, 1500)

    def test_overlapping_thresholds_are_refused(self):
        # assertRaises (not assertRaisesRegex) rolls the refused write back.
        with self.assertRaises(ValidationError) as refused:
            self.env["dental.loyalty.tier"].with_user(self.manager).create(
                {"name": "Platinum", "sequence": 40, "threshold": 1500}
            )
        self.assertIn("Gold and Platinum overlap", str(refused.exception))
        with self.assertRaises(ValidationError) as refused:
            self.gold.with_user(self.manager).threshold = 400
        self.assertIn("Silver and Gold overlap", str(refused.exception))
        self.assertEqual(self.gold.threshold, 1500)
        with (
            self.assertRaises(IntegrityError),
            mute_logger("odoo.sql_db"),
            self.cr.savepoint(),
        ):
            self.env["dental.loyalty.tier"].with_user(self.manager).create(
                {"name": "Platinum", "sequence": 40, "threshold": 5000, "multiplier": 0}
            )
        self.env["dental.loyalty.tier"].with_user(self.manager).create(
            {"name": "Platinum", "sequence": 40, "threshold": 5000, "multiplier": 2}
        )

    def test_every_patient_has_the_lowest_tier_from_the_first_day(self):
        newcomer = self.env["res.partner"].create({"name": "No Visit Yet"})
        self.assertEqual(newcomer.loyalty_tier_id, self.bronze)
        self.assertFalse(newcomer.loyalty_wallet_id)
        # A wallet holding only a manager's adjustment earned nothing: Bronze still.
        self._post(newcomer, "adjust", 50, reason="Welcome")
        newcomer.invalidate_recordset()
        self.assertEqual(newcomer.loyalty_wallet_id.tier_id, self.bronze)
        self.assertEqual(newcomer.loyalty_tier_name, "Bronze")

    def test_an_archived_tier_stays_off_the_ladder_whatever_the_caller_sent(self):
        archived = self.env["dental.loyalty.tier"].create(
            {
                "name": "Platinum",
                "company_id": self.company.id,
                "sequence": 40,
                "threshold": 5000,
                "active": False,
            }
        )
        # The first reader after a change fills the cache every sale reads: a
        # register's call may carry any context.
        self.env.registry.clear_cache()
        Tier = self.env["dental.loyalty.tier"].with_context(active_test=False)
        ladder = Tier._ladder(self.company.id)
        self.assertNotIn(archived.id, [tier.id for tier in ladder])
        self._earn(self.patient, 6000)
        self.assertEqual(self.patient.loyalty_tier_id, self.gold)
