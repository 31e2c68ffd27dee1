from datetime import date

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import Form, tagged

from .common import DentalLoyaltyCommon


@tagged("post_install", "-at_install")
class TestBackendForms(DentalLoyaltyCommon):
    """What a manager sees on the patient's form and in its wizards."""

    def _adjust_form(self, **context):
        Adjust = self.env["dental.loyalty.points.adjust"].with_user(self.manager)
        return Form(Adjust.with_context(**context))

    def test_adjusting_from_a_patient_keeps_the_patient_and_shows_the_result(self):
        self._earn(self.patient, 120)
        form = self._adjust_form(default_partner_id=self.patient.id)
        with self.assertRaises(AssertionError):
            form.partner_id = self.env["res.partner"].create({"name": "Someone Else"})
        self.assertEqual(form.spendable_points, 120)
        form.points = -20
        form.reason = "Wrong visit"
        self.assertEqual(form.points_after, 100)
        form.save().action_confirm()
        self.assertEqual(self.patient.loyalty_points_available, 100)
        # Opened from the menu, the manager picks the patient.
        form = self._adjust_form()
        form.partner_id = self.patient
        self.assertEqual(form.spendable_points, 100)

    def test_pinning_shows_the_current_tier_and_keeps_the_reason(self):
        self._earn(self.patient, 600)
        Pin = self.env["dental.loyalty.tier.pin"].with_user(self.manager)
        form = Form(Pin.with_context(default_partner_id=self.patient.id))
        self.assertEqual(form.current_tier_id, self.silver)
        with self.assertRaises(AssertionError):
            form.partner_id = self.env["res.partner"].create({"name": "Someone Else"})
        form.tier_id = self.gold
        form.reason = "Family of a long-standing Gold patient"
        form.save().action_confirm()
        self.patient.invalidate_recordset()
        self.assertTrue(self.patient.loyalty_tier_pinned)
        self.assertEqual(
            self.patient.loyalty_tier_pin_reason,
            "Family of a long-standing Gold patient",
        )

    def test_the_patient_tab_shows_progress_value_and_expiry(self):
        self._set_loyalty_settings(validity_months=12)
        with freeze_time("2026-01-10"):
            self._earn(self.patient, 300)
        with freeze_time("2026-06-01"):
            self._earn(self.patient, 500)
        with freeze_time("2026-12-20"):
            self.patient.invalidate_recordset()
            # 800 points earned in the window: Silver, 700 short of Gold.
            self.assertEqual(self.patient.loyalty_tier_id, self.silver)
            self.assertEqual(self.patient.loyalty_tier_figure, 800)
            self.assertEqual(
                self.patient.loyalty_next_tier, "Points still needed for Gold: 700"
            )
            # 800 spendable points worth 0.10 each.
            self.assertAlmostEqual(self.patient.loyalty_points_value, 80.0)
            # The January lot expires on 2027-01-10, within 30 days.
            self.assertEqual(self.patient.loyalty_points_expiring, 300)
            self.assertEqual(self.patient.loyalty_expiring_date, date(2027, 1, 10))

    def test_a_patient_with_no_visit_yet_sees_the_way_to_the_next_tier(self):
        newcomer = self.env["res.partner"].create({"name": "No Visit Yet"})
        self.assertEqual(newcomer.loyalty_tier_id, self.bronze)
        self.assertEqual(
            newcomer.loyalty_next_tier, "Points still needed for Silver: 500"
        )
        self.assertEqual(newcomer.loyalty_points_value, 0)

    def test_the_overview_gives_the_programme_at_a_glance(self):
        self._set_loyalty_settings(validity_months=1)
        others = self.env["dental.loyalty.wallet"].search(
            [("company_id", "=", self.company.id)]
        )
        before = (sum(others.mapped("points_available")), len(others))
        with freeze_time("2026-03-01"):
            self._earn(self.patient, 600)  # expires on 2026-04-01
        with freeze_time("2026-03-10"):
            overview = Form(
                self.env["dental.loyalty.overview"].with_user(self.manager)
            ).save()
            self.assertEqual(overview.points_available, before[0] + 600)
            self.assertAlmostEqual(
                overview.points_value, (before[0] + 600) * 0.1, places=2
            )
            self.assertGreaterEqual(overview.points_expiring, 600)
            silver = overview.tier_ids.filtered(lambda tier: tier == self.silver)
            self.assertGreaterEqual(silver.wallet_count, 1)
            action = overview.action_view_expiring()
            self.assertEqual(action["res_model"], "dental.loyalty.ledger")

    def _wallet_notes(self, wallet):
        return wallet.message_ids.mapped("body")

    def _end_request(self):
        """What the end of a request does: precommit hooks, where Odoo posts
        tracking (tracking is off for a wallet in the request that opens it)."""
        self.env.flush_all()
        self.env.cr.precommit.run()
        self.env.invalidate_all()

    def test_the_wallet_chatter_keeps_what_managers_did_and_why(self):
        self._earn(self.patient, 120)
        wallet = self.patient._dental_loyalty_wallet()
        self._end_request()
        form = self._adjust_form(default_partner_id=self.patient.id)
        form.points = 30
        form.reason = "Goodwill after a long wait"
        form.save().action_confirm()
        self.assertTrue(
            any(
                "+30" in body and "Goodwill after a long wait" in body
                for body in self._wallet_notes(wallet)
            )
        )
        Pin = self.env["dental.loyalty.tier.pin"].with_user(self.manager)
        pin = Form(Pin.with_context(default_partner_id=self.patient.id))
        pin.tier_id = self.gold
        pin.reason = "Family of a long-standing Gold patient"
        pin.save().action_confirm()
        self.assertTrue(
            any(
                "Gold" in body and "Family of a long-standing Gold patient" in body
                for body in self._wallet_notes(wallet)
            )
        )
        release = Form(Pin.with_context(default_partner_id=self.patient.id))
        release.reason = "The family moved away"
        release.save().action_confirm()
        self.assertTrue(
            any("The family moved away" in body for body in self._wallet_notes(wallet))
        )
        # Releasing the pin is tracked, and the figures move the tier back.
        self._end_request()
        tracked = wallet.message_ids.tracking_value_ids.field_id.mapped("name")
        self.assertIn("tier_pinned", tracked)
        self.assertEqual(wallet.tier_id, self.bronze)
        self.assertIn("from Gold to Bronze", self.patient.message_ids[0].body)
        # The rules' move is the patient's news and the wallet's history, read
        # on its form; its chatter keeps what managers did.
        self.assertFalse(
            any("from Gold to Bronze" in body for body in self._wallet_notes(wallet))
        )
        moves = Form(wallet.with_user(self.manager)).tier_history_ids
        self.assertEqual(
            [(move.previous_tier_id, move.tier_id, move.change) for move in moves],
            [
                (self.gold, self.bronze, "down"),
                (self.bronze, self.gold, "pinned"),
                (self.env["dental.loyalty.tier"], self.bronze, "first"),
            ],
        )
        # Each note is authored by the manager who acted.
        notes = wallet.message_ids.filtered(
            lambda message: "The family moved away" in message.body
        )
        self.assertEqual(notes.author_id, self.manager.partner_id)

    def test_reception_cannot_trace_a_wallets_tier_moves(self):
        wallet = self.patient._dental_loyalty_wallet()
        move = wallet.tier_history_ids[:1]
        self.assertTrue(move)
        as_reception = self.env["dental.loyalty.wallet"].with_user(self.receptionist)
        # Not read, and not found by a search on the moves' ids either.
        for domain in (
            [("tier_history_ids", "=", move.id)],
            [("tier_history_ids", "!=", False)],
        ):
            with self.assertRaises(NotImplementedError):
                as_reception.search(domain)
        with self.assertRaises(AccessError):
            wallet.with_user(self.receptionist).read(["tier_history_ids"])
        self.assertNotIn(
            "tier_history_ids", as_reception.fields_get(attributes=["type"])
        )
        self.assertEqual(
            wallet.with_user(self.manager).tier_history_ids.mapped("change"),
            ["first"],
        )

    def test_reception_may_note_on_a_wallet_but_not_change_it(self):
        wallet = self.patient._dental_loyalty_wallet()
        as_reception = wallet.with_user(self.receptionist)
        as_reception.message_post(body="Asked about the Gold benefits")
        self.assertIn("Asked about the Gold benefits", wallet.message_ids[0].body)
