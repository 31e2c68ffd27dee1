from odoo.tests import HttpCase, new_test_user, tagged

from .common import LedgerIntegrityMixin


@tagged("post_install", "-at_install")
class TestBackendTierBadge(LedgerIntegrityMixin, HttpCase):
    """The back office shows a patient's tier as a badge in the tier's colour."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.receptionist = new_test_user(
            cls.env,
            login="dl_badge_reception",
            groups="base.group_user,dental_loyalty.group_dental_loyalty_user",
        )
        cls.gold = cls.env.ref("dental_loyalty.tier_gold")
        cls.gold.write({"active": True, "color": 3})
        cls.patient = cls.env["res.partner"].create({"name": "Tier Badge Patient"})
        wallet = cls.patient._dental_loyalty_wallet()
        wallet._set_tier(cls.gold, pinned=True, reason="Tour")

    def test_the_patient_tab_shows_the_tier_in_its_colour(self):
        self.start_tour(
            f"/odoo/res.partner/{self.patient.id}",
            "dental_loyalty_tier_badge_tour",
            login=self.receptionist.login,
        )

    def test_the_wallets_show_the_tier_in_its_colour(self):
        self.start_tour(
            "/odoo/action-dental_loyalty.dental_loyalty_wallet_action",
            "dental_loyalty_wallet_tier_badge_tour",
            login=self.receptionist.login,
        )
