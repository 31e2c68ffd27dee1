from odoo.tests import Form, tagged
from odoo.tools.safe_eval import safe_eval

from odoo.addons.mail.tests.common import MailCase
from odoo.addons.sms.tests.common import SMSCase

from .common import DentalLoyaltyCommon


@tagged("post_install", "-at_install")
class TestMessageFigures(DentalLoyaltyCommon, MailCase, SMSCase):
    """A loyalty template rendered with no event (its preview, Contacts > Send
    email or SMS to a selection) shows each patient's own figures, read from
    their records; a selection with patients without an address says so."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("vi_VN")
        cls.patient.write(
            {"email": "lan@example.com", "lang": "vi_VN", "mobile": "+32456001122"}
        )
        cls.other = cls.env["res.partner"].create(
            {
                "name": "Minh Tran",
                "email": "minh@example.com",
                "lang": "en_US",
                "mobile": "+32456003344",
            }
        )
        cls.no_address = cls.env["res.partner"].create({"name": "Hoa Pham"})

    def setUp(self):
        super().setUp()
        self._earn(self.patient, 127, origin="Order 00042")
        self._earn(self.other, 989, origin="Order 00077")
        self._earn(self.no_address, 5, origin="Order 00078")

    def test_the_preview_in_vietnamese_shows_the_patients_own_figures(self):
        template = self.env.ref("dental_loyalty.mail_template_points_earned")
        preview = Form(
            self.env["mail.template.preview"]
            .with_user(self.manager)
            .with_context(default_mail_template_id=template.id)
        )
        preview.resource_ref = self.patient
        preview.lang = "vi_VN"
        self.assertIn("127", preview.subject)
        self.assertIn("127", preview.body_html)
        self.assertIn("Order 00042", preview.body_html)
        self.assertNotIn("989", preview.subject + preview.body_html)

    def test_a_mass_mail_gives_each_patient_their_figures_and_warns(self):
        template = self.env.ref("dental_loyalty.mail_template_points_earned")
        patients = self.patient | self.other | self.no_address
        composer = (
            self.env["mail.compose.message"]
            .with_user(self.manager)
            .with_context(
                default_composition_mode="mass_mail",
                default_model="res.partner",
                default_res_ids=patients.ids,
                default_template_id=template.id,
            )
            .create({})
        )
        self.assertEqual(composer.composition_mode, "mass_mail")
        self.assertIn("Hoa Pham", composer.dental_loyalty_warning)
        self.assertIn("1 of the 3", composer.dental_loyalty_warning)
        self.assertNotIn("Minh Tran", composer.dental_loyalty_warning)
        with self.mock_mail_gateway():
            composer._action_send_mail()
        for partner, points, other_points in (
            (self.patient, "127", "989"),
            (self.other, "989", "127"),
        ):
            mail = self._new_mails.filtered(
                lambda mail, partner=partner: mail.res_id == partner.id
            )
            self.assertEqual(len(mail), 1)
            self.assertIn(points, mail.subject)
            self.assertIn(points, mail.body_html)
            self.assertNotIn(other_points, mail.subject + mail.body_html)
            self.assertNotIn("dental_loyalty", mail.subject)

    def test_a_mass_sms_gives_each_patient_their_figures(self):
        # What they spent since: the SMS's spendable points are not its figure.
        self._spend(self.patient, 27)
        self._spend(self.other, 9)
        template = self.env.ref("dental_loyalty.sms_template_points_earned")
        composer = (
            self.env["sms.composer"]
            .with_user(self.manager)
            .with_context(
                default_composition_mode="mass",
                default_res_model="res.partner",
                default_res_ids=repr((self.patient | self.other).ids),
                default_template_id=template.id,
                default_mass_keep_log=False,
            )
            .create({})
        )
        with self.mockSMSGateway():
            composer.action_send_sms()
        sms = (
            self.env["sms.sms"]
            .sudo()
            .search([("partner_id", "in", (self.patient | self.other).ids)])
        )
        by_partner = {message.partner_id: message.body for message in sms}
        self.assertIn("127", by_partner[self.patient])
        self.assertNotIn("989", by_partner[self.patient])
        self.assertIn("989", by_partner[self.other])
        self.assertNotIn("None", by_partner[self.other])

    def test_settings_link_to_the_referral_templates(self):
        for action, xmlid in (
            ("dental_loyalty_mail_template_action", "mail_template_referral_bonus"),
            ("dental_loyalty_sms_template_action", "sms_template_referral_bonus"),
        ):
            action = self.env.ref(f"dental_loyalty.{action}")
            templates = self.env[action.res_model].search(safe_eval(action.domain))
            self.assertIn(self.env.ref(f"dental_loyalty.{xmlid}"), templates)
