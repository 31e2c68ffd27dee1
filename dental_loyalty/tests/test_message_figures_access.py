from odoo.tests import Form, tagged

from odoo.addons.mail.tests.common import MailCase
from odoo.addons.sms.tests.common import SMSCase

from .common import DentalLoyaltyCommon


@tagged("post_install", "-at_install")
class TestMessageFiguresAccess(DentalLoyaltyCommon, MailCase, SMSCase):
    """A loyalty template rendered on a patient carries their figures only
    for loyalty users and the engine; sent to a selection, it reaches only
    the patients who agreed to the programme's messages on that channel."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._set_loyalty_settings(enrolment="ask")
        cls.employee = cls._new_user("dl_employee", "base.group_user")
        cls.patient.write(
            {"email": "lan@example.com", "lang": "en_US", "mobile": "+32456001122"}
        )
        cls.other = cls.env["res.partner"].create(
            {
                "name": "Minh Tran",
                "email": "minh@example.com",
                "lang": "en_US",
                "mobile": "+32456003344",
            }
        )
        cls.statement = cls.env.ref("dental_loyalty.mail_template_statement")

    def setUp(self):
        super().setUp()
        for partner, agrees in ((self.patient, True), (self.other, False)):
            partner.with_user(self.receptionist)._dental_loyalty_join(
                self.company, consent_mail=agrees, consent_sms=agrees
            )
        self._earn(self.patient, 127, origin="Order 00042")
        self._earn(self.other, 989, origin="Order 00077")

    def _preview(self, user, template):
        preview = Form(
            self.env["mail.template.preview"]
            .with_user(user)
            .with_context(default_mail_template_id=template.id)
        )
        preview.resource_ref = self.patient
        return preview.subject + preview.body_html

    def _comment_body(self, user, template):
        composer = (
            self.env["mail.compose.message"]
            .with_user(user)
            .create(
                {
                    "model": "res.partner",
                    "res_ids": repr(self.patient.ids),
                    "composition_mode": "comment",
                    "template_id": template.id,
                }
            )
        )
        return composer.subject + composer.body

    def test_an_employee_without_loyalty_rights_renders_no_figures(self):
        earned = self.env.ref("dental_loyalty.mail_template_points_earned")
        self.assertIn("127", self._preview(self.receptionist, self.statement))
        for shown in (
            self._preview(self.employee, self.statement),
            self._comment_body(self.employee, self.statement),
            self._preview(self.employee, earned),
            self._comment_body(self.employee, earned),
        ):
            self.assertNotIn("127", shown)
            self.assertNotIn("Order 00042", shown)
        # Nor by asking the figures themselves.
        self.assertEqual(
            self.patient.with_user(self.employee)._dental_loyalty_message_figures(
                "statement"
            ),
            {},
        )

    def _mass_mail(self, user):
        return (
            self.env["mail.compose.message"]
            .with_user(user)
            .with_context(
                default_composition_mode="mass_mail",
                default_model="res.partner",
                default_res_ids=(self.patient | self.other).ids,
                default_template_id=self.statement.id,
            )
            .create({})
        )

    def test_a_mass_mail_skips_the_patients_without_consent(self):
        for user in (self.employee, self.receptionist):
            with self.subTest(user=user.login):
                composer = self._mass_mail(user)
                self.assertIn(
                    "1 of the 2 selected patients did not agree",
                    composer.dental_loyalty_warning,
                )
                with self.mock_mail_gateway():
                    action = composer.action_send_mail()
                self.assertEqual(
                    self._new_mails.mapped("res_id"), self.patient.ids, user.login
                )
                self.assertIn("Not sent to 1 patient(s)", action["params"]["message"])

    def test_a_mass_sms_skips_the_patients_without_consent(self):
        composer = (
            self.env["sms.composer"]
            .with_user(self.employee)
            .with_context(
                default_composition_mode="mass",
                default_res_model="res.partner",
                default_res_ids=repr((self.patient | self.other).ids),
                default_template_id=self.env.ref(
                    "dental_loyalty.sms_template_statement"
                ).id,
                default_mass_keep_log=False,
            )
            .create({})
        )
        with self.mockSMSGateway():
            action = composer.action_send_sms()
        sms = (
            self.env["sms.sms"]
            .sudo()
            .search([("partner_id", "in", (self.patient | self.other).ids)])
        )
        self.assertEqual(sms.partner_id, self.patient)
        self.assertIn("Not sent to 1 patient(s)", action["params"]["message"])
