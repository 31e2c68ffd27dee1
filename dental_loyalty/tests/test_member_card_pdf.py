import io

from odoo.tests import HttpCase, tagged
from odoo.tools import find_in_path
from odoo.tools.pdf import PdfFileReader

from .common import DentalLoyaltyTestMixin
from .test_member_card import A4, CR80, MemberCardMixin

MM = 72 / 25.4  # PDF points in a millimetre


@tagged("post_install", "-at_install", "dental_loyalty_slow")
class TestMemberCardPdf(MemberCardMixin, DentalLoyaltyTestMixin, HttpCase):
    """The card as a PDF through wkhtmltopdf, its barcode images served by
    the test's own server."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls._set_up_loyalty_programme(cls.company)
        cls.receptionist = cls._new_user(
            "dl_reception", "base.group_user,dental_loyalty.group_dental_loyalty_user"
        )
        cls.patients = cls.env["res.partner"].create(
            [{"name": "Lan Nguyen"}, {"name": "Hoa Le"}, {"name": "Quang Do"}]
        )

    def setUp(self):
        super().setUp()
        if not find_in_path("wkhtmltopdf"):
            self.skipTest("wkhtmltopdf is not installed: the card's PDF is not checked")
        self._join(self.patients)

    def _pdf(self, report, partners):
        Report = self.env["ir.actions.report"].with_user(self.receptionist)
        # Odoo's test mode renders reports as HTML unless asked for the PDF.
        content, kind = Report.with_context(
            force_report_rendering=True
        )._render_qweb_pdf(report, partners.ids)
        self.assertEqual(kind, "pdf")
        self.assertTrue(content.startswith(b"%PDF"))
        return PdfFileReader(io.BytesIO(content))

    def _text(self, page):
        return " ".join(page.extract_text().split())

    def test_a_card_printer_card_per_member(self):
        pdf = self._pdf(CR80, self.patients)
        self.assertEqual(len(pdf.pages), 3)
        for page, patient in zip(pdf.pages, self.patients, strict=True):
            width, height = float(page.mediabox.width), float(page.mediabox.height)
            self.assertAlmostEqual(width / MM, 86, delta=1)
            self.assertAlmostEqual(height / MM, 54, delta=1)
            # The report's web fonts keep no text in the PDF; the code's
            # monospace does.
            self.assertIn(self._card_code(patient), self._text(page))

    def test_a_sheet_of_cards_on_a4(self):
        pdf = self._pdf(A4, self.patients)
        page = pdf.pages[0]
        self.assertAlmostEqual(float(page.mediabox.width) / MM, 210, delta=1)
        self.assertAlmostEqual(float(page.mediabox.height) / MM, 297, delta=1)
        text = " ".join(self._text(page) for page in pdf.pages)
        codes = [self._card_code(patient) for patient in self.patients]
        self.assertTrue(all(codes))
        for code in codes:
            self.assertIn(code, text)
        self.assertFalse(
            self.env["ir.attachment"].search_count(
                [("res_model", "=", "res.partner"), ("res_id", "in", self.patients.ids)]
            ),
            "no copy of the card is kept",
        )


@tagged("post_install", "-at_install", "dental_loyalty_slow")
class TestMemberCardOverTheWire(MemberCardMixin, DentalLoyaltyTestMixin, HttpCase):
    """The card as a Point of Sale user's browser asks the report for it."""

    def test_a_printed_card_gives_staff_no_page_link(self):
        company = self.env.company
        self._set_up_loyalty_programme(company)
        patient = self.env["res.partner"].create({"name": "Lan Nguyen"})
        wallet = self._join(patient, company)
        wallet._page_url()  # the link exists, as once a message carried it
        token = wallet.sudo().access_token
        self.assertTrue(token)
        cashier = self._new_user(
            "dl_card_cashier", "base.group_user,point_of_sale.group_pos_user"
        )
        self.authenticate(cashier.login, cashier.login)
        for report in ("report_member_card_a4", "report_member_card_cr80"):
            with self.subTest(report=report):
                response = self.url_open(
                    f"/report/html/dental_loyalty.{report}/{patient.id}"
                )
                self.assertEqual(response.status_code, 200)
                self.assertIn(self._card_code(patient, company), response.text)
                self.assertNotIn(token, response.text)
                self.assertNotIn("/my/loyalty/", response.text)
