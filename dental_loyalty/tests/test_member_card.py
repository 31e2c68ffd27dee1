from unittest.mock import patch

from lxml import html

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools.barcode import get_barcode_check_digit

from ..models import res_partner_card
from ..models.res_partner_card import tier_badge_colors
from .common import DentalLoyaltyCommon

A4 = "dental_loyalty.action_report_member_card_a4"
CR80 = "dental_loyalty.action_report_member_card_cr80"


class MemberCardMixin:
    """Members, and their cards read as a person reads them."""

    def _join(self, partners, company=None):
        """Make ``partners`` members of ``company``: their own wallet there."""
        return self.env["dental.loyalty.wallet"]._get_for_partners(
            partners, company or self.company
        )

    def _card_code(self, partner, company=None):
        return partner.with_company(company or self.company).barcode

    def _cards(self, report, partners, user=None, engine=False):
        """The cards of ``partners`` in ``report``'s HTML, printed by ``user``
        (the receptionist by default), or with ``engine`` as the engine renders
        them for the patient's mail: {partner id: card element}."""
        Report = self.env["ir.actions.report"].with_user(user or self.receptionist)
        if engine:
            Report = Report.sudo()
        content, _kind = Report._render_qweb_html(report, partners.ids)
        tree = html.fromstring(content)
        return {
            int(card.get("data-partner-id")): card
            for card in tree.xpath("//div[hasclass('o_dental_loyalty_card')]")
        }

    @staticmethod
    def _links(card):
        return card.xpath(".//div[hasclass('o_dental_loyalty_card_link')]/a")

    @staticmethod
    def _text(card, css_class):
        found = card.xpath(f".//*[hasclass('{css_class}')]")
        return " ".join(found[0].text_content().split()) if found else None


@tagged("post_install", "-at_install")
class TestMemberCardCode(MemberCardMixin, DentalLoyaltyCommon):
    """A member's card code: their barcode in the company, which the register
    reads as a customer's."""

    def test_a_member_without_a_code_gets_one_the_register_reads(self):
        self._join(self.patient)
        self.patient._dental_loyalty_ensure_card_code()
        code = self._card_code(self.patient)
        self.assertRegex(code, r"^042\d{10}$")
        self.assertEqual(get_barcode_check_digit(code), int(code[-1]))
        nomenclature = self.env.ref("barcodes.default_barcode_nomenclature")
        self.assertEqual(nomenclature.parse_barcode(code)["type"], "client")

    def test_a_code_already_there_is_kept(self):
        self._join(self.patient)
        self.patient.with_company(self.company).barcode = "PATIENT-7"
        self.patient._dental_loyalty_ensure_card_code()
        self.assertEqual(self._card_code(self.patient), "PATIENT-7")

    def test_a_contact_who_is_not_a_member_gets_no_code(self):
        members = self.patient._dental_loyalty_ensure_card_code()
        self.assertFalse(members)
        self.assertFalse(self._card_code(self.patient))

    def test_codes_are_unique_per_company_for_many_patients_at_once(self):
        other = self.env["res.company"].create({"name": "Second Clinic"})
        patients = self.env["res.partner"].create(
            [{"name": f"Patient {n}"} for n in range(60)]
        )
        for company in (self.company, other):
            self._join(patients, company)
            patients._dental_loyalty_ensure_card_code(company)
        here = [self._card_code(p) for p in patients]
        there = [self._card_code(p, other) for p in patients]
        for codes in (here, there):
            self.assertEqual(len(set(codes)), len(patients))
            self.assertTrue(all(code and code.startswith("042") for code in codes))
        # Each clinic's card is its own: the other clinic's code finds nobody here.
        self.assertNotEqual(here, there)
        Partner = self.env["res.partner"].with_company(self.company)
        self.assertFalse(Partner.search([("barcode", "in", there)]))

    def test_a_code_another_contact_has_is_never_given_again(self):
        neighbour = self.env["res.partner"].create({"name": "Neighbour"})
        self._join(neighbour | self.patient)
        neighbour._dental_loyalty_ensure_card_code()
        taken = self._card_code(neighbour)
        fresh = "0429999999993"
        with patch.object(
            res_partner_card, "new_card_code", side_effect=[taken, fresh]
        ):
            self.patient._dental_loyalty_ensure_card_code()
        self.assertEqual(self._card_code(self.patient), fresh)

    def test_neighbours_codes_do_not_tell_each_other(self):
        patients = self.env["res.partner"].create(
            [{"name": f"Neighbour {n}"} for n in range(20)]
        )
        self._join(patients)
        patients._dental_loyalty_ensure_card_code()
        numbers = sorted(int(self._card_code(p)[3:12]) for p in patients)
        gaps = [b - a for a, b in zip(numbers, numbers[1:], strict=False)]
        # Sequential codes would sit one apart; random ones spread over 10^9.
        self.assertGreater(min(gaps), 1)


@tagged("post_install", "-at_install")
class TestMemberCardReport(MemberCardMixin, DentalLoyaltyCommon):
    """The card as printed: name, tier in its colour, points and code, on A4
    and on a card printer's card; the page link only on the mailed one."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.silver.color = 4

    def setUp(self):
        super().setUp()
        self._join(self.patient)
        self._earn(self.patient, 1250)
        self.patient._dental_loyalty_wallet()._evaluate_tier()

    def test_the_card_shows_the_patient_as_the_register_and_page_know_them(self):
        for report in (A4, CR80):
            with self.subTest(report=report):
                card = self._cards(report, self.patient)[self.patient.id]
                code = self._card_code(self.patient)
                self.assertEqual(
                    self._text(card, "o_dental_loyalty_card_name"), "Lan Nguyen"
                )
                tier = card.xpath(".//*[hasclass('o_dental_loyalty_card_tier')]")[0]
                self.assertEqual(tier.text_content(), "Silver")
                background, text = tier_badge_colors(4)
                self.assertIn(f"background-color: {background}", tier.get("style"))
                self.assertIn(f"color: {text}", tier.get("style"))
                self.assertEqual(
                    self._text(card, "o_dental_loyalty_card_points"),
                    "Points to spend: 1,250",
                )
                self.assertIsNone(self._text(card, "o_dental_loyalty_card_pending"))
                self.assertEqual(self._text(card, "o_dental_loyalty_card_code"), code)
                barcode, qr = (
                    card.xpath(".//img[hasclass('o_dental_loyalty_card_barcode')]")[0],
                    card.xpath(".//img[hasclass('o_dental_loyalty_card_qr')]")[0],
                )
                self.assertIn(f"barcode_type=Code128&value={code}&", barcode.get("src"))
                self.assertIn(f"barcode_type=QR&value={code}&", qr.get("src"))
                # The page link is a bearer credential: never on a card
                # someone prints, only on the one the patient gets by mail.
                self.assertFalse(self._links(card))
                mailed = self._cards(report, self.patient, engine=True)
                [link] = self._links(mailed[self.patient.id])
                url = self.patient._dental_loyalty_page_url()
                self.assertTrue(url)
                self.assertEqual(link.get("href"), url)
                self.assertEqual(link.text_content(), url)

    def test_pending_points_are_said_in_plain_words(self):
        self._set_loyalty_settings(waiting_days=14)
        self._earn(self.patient, 300)
        card = self._cards(A4, self.patient)[self.patient.id]
        self.assertEqual(
            self._text(card, "o_dental_loyalty_card_pending"),
            "Pending points, spendable soon: 300",
        )

    def test_a_revoked_link_prints_none(self):
        self.patient._dental_loyalty_own_wallet()._revoke_page_link()
        card = self._cards(CR80, self.patient, engine=True)[self.patient.id]
        self.assertFalse(self._links(card))
        self.assertEqual(
            self._text(card, "o_dental_loyalty_card_code"),
            self._card_code(self.patient),
        )

    def test_the_clinic_layout_and_colours_frame_the_card(self):
        self.company.write({"primary_color": "#123456", "secondary_color": "#654321"})
        Report = self.env["ir.actions.report"].with_user(self.receptionist)
        content = Report._render_qweb_html(A4, self.patient.ids)[0].decode()
        tree = html.fromstring(content)
        self.assertTrue(tree.xpath("//div[hasclass('header')]"), "the letterhead")
        band = tree.xpath("//div[hasclass('o_dental_loyalty_card_band')]")[0]
        self.assertIn("#123456", band.get("style"))

    def test_the_two_paper_sizes(self):
        a4 = self.env.ref(A4).paperformat_id
        cr80 = self.env.ref(CR80).paperformat_id
        self.assertEqual(a4.format, "A4")
        self.assertEqual(
            (cr80.format, cr80.page_width, cr80.page_height), ("custom", 86, 54)
        )
        for report in (A4, CR80):
            # The link is a bearer credential: no copy of the PDF is kept.
            self.assertFalse(self.env.ref(report).attachment)

    def test_a_batch_prints_one_card_per_member_in_order(self):
        others = self.env["res.partner"].create(
            [{"name": "Hoa Le"}, {"name": "Quang Do"}]
        )
        self._join(others)
        patients = others | self.patient
        for report in (A4, CR80):
            with self.subTest(report=report):
                cards = self._cards(report, patients)
                self.assertEqual(list(cards), patients.ids)
                self.assertEqual(
                    [
                        self._text(c, "o_dental_loyalty_card_name")
                        for c in cards.values()
                    ],
                    ["Hoa Le", "Quang Do", "Lan Nguyen"],
                )
                codes = [
                    self._text(c, "o_dental_loyalty_card_code") for c in cards.values()
                ]
                self.assertEqual(codes, [self._card_code(p) for p in patients])

    def test_no_card_for_someone_who_is_not_a_member(self):
        company = self.env["res.partner"].create(
            {"name": "Deco Addict", "is_company": True}
        )
        for partners in (company, company | self.patient):
            with self.subTest(partners=partners.mapped("name")):
                with self.assertRaisesRegex(UserError, "not members: Deco Addict"):
                    self._cards(A4, partners)
        self.assertFalse(self._card_code(company))

    def test_only_loyalty_users_print_cards(self):
        clerk = self._new_user("dl_clerk", "base.group_user")
        with self.assertRaises(AccessError):
            self._cards(A4, self.patient, user=clerk)
        self.assertFalse(self._card_code(self.patient))

    def test_the_card_speaks_the_patients_language(self):
        self.env["res.lang"]._activate_lang("vi_VN")
        self.patient.lang = "vi_VN"
        card = self._cards(A4, self.patient)[self.patient.id]
        # Untranslated here, but rendered in the patient's language: the
        # points are grouped as Vietnamese write them.
        points = self._text(card, "o_dental_loyalty_card_points")
        self.assertTrue(points.endswith("1.250"), points)
