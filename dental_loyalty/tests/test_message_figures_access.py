from odoo.tests import Form, tagged

from odoo.addons.mail.tests.common import MailCase
from odoo.addons.sms.tests.common import SMSCase

from .common import DentalLoyaltyCommon


@tagged("post_install", "-at_install")
class TestMessageFiguresAccess(DentalLoyaltyCommon, MailCase, SMSCase):
    """A loyalty template rendered on a patient carries their figures only
    for loyalty users and the engine."""

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
