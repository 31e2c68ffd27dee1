from odoo.tests import HttpCase, new_test_user, tagged

from .common import DentalLoyaltyTestMixin


@tagged("post_install", "-at_install", "dental_loyalty_slow")
class TestReportsTour(DentalLoyaltyTestMixin, HttpCase):
    """The owner's reports open in a browser from Dental Loyalty > Reporting."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.env.company
        cls._set_up_loyalty_programme(company)
        cls.manager = new_test_user(
            cls.env,
            login="dl_reports_manager",
            groups="base.group_user,dental_loyalty.group_dental_loyalty_manager",
            company_id=company.id,
            company_ids=[company.id],
        )
        patient = cls.env["res.partner"].create({"name": "Report Tour Patient"})
        wallet = cls.env["dental.loyalty.wallet"]._get_for_partners(patient, company)
        cls.env["dental.loyalty.wallet"]._post_lines(
            [
                {
                    "wallet_id": wallet.id,
                    "kind": "adjust",
                    "points": 1234,
                    "reason": "Tour",
                }
            ]
        )

    def test_a_manager_opens_every_report(self):
        self.start_tour(
            "/odoo", "dental_loyalty_reports_tour", login=self.manager.login
        )
