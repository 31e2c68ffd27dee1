from odoo.tests import HttpCase, tagged

from odoo.addons.dental_loyalty.tests.common import DentalLoyaltyTestMixin


@tagged("post_install", "-at_install", "dental_loyalty_slow")
class TestDashboardTour(DentalLoyaltyTestMixin, HttpCase):
    """A loyalty manager opens Dashboards, picks the loyalty programme's dashboard and
    sees its figures computed from the server's data."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls._set_up_loyalty_programme(cls.company)
        # The money taken in points is read from Point of Sale's payments.
        cls.manager = cls._new_user(
            "dl_dashboard_manager",
            "base.group_user,dental_loyalty.group_dental_loyalty_manager,"
            "point_of_sale.group_pos_user",
        )
        patient = cls.env["res.partner"].create({"name": "Dashboard Patient"})
        cls.env["dental.loyalty.wallet"]._post_lines(
            [
                {
                    "wallet_id": patient._dental_loyalty_wallet().id,
                    "kind": "earn",
                    "points": 7777,
                    "paid_amount": 7777,
                }
            ]
        )

    def test_a_manager_opens_the_loyalty_dashboard(self):
        # The tour checks the points earned over the last 365 days count these 7777.
        self.start_tour(
            "/odoo/action-spreadsheet_dashboard.ir_actions_dashboard_action",
            "dental_loyalty_dashboard_tour",
            login=self.manager.login,
        )

    def test_a_manager_reads_it_in_persian(self):
        """In Persian the dashboards' list is right to left, the dashboard's names
        and its figures' names are Persian (the spreadsheet stays left to right:
        Odoo 18's spreadsheet does not support right-to-left sheets)."""
        self.env["res.lang"]._activate_lang("fa_IR")
        self.env["ir.module.module"].search(
            [("name", "=", "dental_loyalty_spreadsheet_dashboard")]
        )._update_translations(["fa_IR"])
        self.manager.lang = "fa_IR"
        self.start_tour(
            "/odoo/action-spreadsheet_dashboard.ir_actions_dashboard_action",
            "dental_loyalty_dashboard_fa_tour",
            login=self.manager.login,
        )
