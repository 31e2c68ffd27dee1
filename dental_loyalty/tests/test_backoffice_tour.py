from odoo.tests import HttpCase, tagged

from .common import DentalLoyaltyTestMixin


@tagged("post_install", "-at_install", "dental_loyalty_slow")
class TestBackofficeTour(DentalLoyaltyTestMixin, HttpCase):
    """The back office at 1024 px: the patient's Points button in sight,
    counting total points; the Overview a page to read, not a blank record."""

    browser_size = "1024x768"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls._set_up_loyalty_programme(cls.company)
        cls.manager = cls._new_user(
            "dl_backoffice_manager",
            "base.group_user,base.group_partner_manager,"
            "dental_loyalty.group_dental_loyalty_manager",
        )
        cls.patient = cls.env["res.partner"].create({"name": "Points Button Patient"})
        Wallet = cls.env["dental.loyalty.wallet"]
        wallet = cls.patient._dental_loyalty_wallet()
        Wallet._post_lines(
            [{"wallet_id": wallet.id, "kind": "earn", "points": 1500, "paid_amount": 1}]
        )
        # Earned today, spendable in a week: pending points.
        cls._set_loyalty_settings(waiting_days=7)
        Wallet._post_lines(
            [{"wallet_id": wallet.id, "kind": "earn", "points": 413, "paid_amount": 1}]
        )

    def test_the_points_button_is_visible_at_1024_px_with_total_points(self):
        wallet = self.patient._dental_loyalty_wallet()
        self.assertEqual((wallet.points_available, wallet.points_pending), (1500, 413))
        self.start_tour(
            f"/odoo/res.partner/{self.patient.id}",
            "dental_loyalty_points_button_tour",
            login=self.manager.login,
        )

    def test_the_overview_is_not_a_blank_record(self):
        self.start_tour(
            "/odoo/action-dental_loyalty.dental_loyalty_overview_action_open",
            "dental_loyalty_overview_tour",
            login=self.manager.login,
        )
