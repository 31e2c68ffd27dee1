import json

from lxml import html

from odoo.tests import tagged

from odoo.addons.point_of_sale.tests.test_frontend import TestPointOfSaleHttpCommon

from .common import DentalLoyaltyTestMixin

TOUR = "DentalLoyaltyMemberCardTour"


@tagged("post_install", "-at_install", "dental_loyalty_slow")
class TestMemberCardTour(DentalLoyaltyTestMixin, TestPointOfSaleHttpCommon):
    """A printed card's code, scanned at the register, finds its patient."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.main_pos_config.company_id
        cls.env.user.groups_id += cls.env.ref(
            "dental_loyalty.group_dental_loyalty_manager"
        )
        cls._set_up_loyalty_programme(cls.company)
        cls.silver.color = 4
        cls.patient = cls.env["res.partner"].create({"name": "Thu Ha Vu"})
        wallet = cls.patient._dental_loyalty_wallet(cls.company)
        # Earned points, which count for the tier: Silver.
        cls.env["dental.loyalty.wallet"]._post_lines(
            [
                {
                    "wallet_id": wallet.id,
                    "kind": "earn",
                    "points": 800,
                    "paid_amount": 800,
                }
            ]
        )
        wallet._evaluate_tier()

    def _code_on_the_card(self):
        """Print the patient's card (the code is given then) and read its code
        as the scanner would."""
        self.assertFalse(self.patient.with_company(self.company).barcode)
        content = (
            self.env["ir.actions.report"]
            .with_company(self.company)
            ._render_qweb_html(
                "dental_loyalty.action_report_member_card_cr80", self.patient.ids
            )[0]
        )
        codes = html.fromstring(content).xpath(
            "//div[hasclass('o_dental_loyalty_card_code')]/text()"
        )
        self.assertEqual(len(codes), 1)
        return codes[0].strip()

    def test_the_register_finds_the_patient_by_the_code_on_their_card(self):
        code = self._code_on_the_card()
        self.assertEqual(self.patient.with_company(self.company).barcode, code)
        self.main_pos_config.with_user(self.pos_user).open_ui()
        url = self._get_url()
        options = {"stepDelay": 0, "keepWatchBrowser": False, "startUrl": url}
        # The tour scans what the card printed, handed over as the page loads.
        self.start_tour(
            url,
            TOUR,
            login="pos_user",
            code=f"window.dentalLoyaltyCardCode = {json.dumps(code)}; "
            f"odoo.startTour({json.dumps(TOUR)}, {json.dumps(options)})",
        )
        self.assertEqual(
            self.env["res.partner"]
            .with_company(self.company)
            .search([("barcode", "=", code)]),
            self.patient,
        )
