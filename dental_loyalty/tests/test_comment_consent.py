from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.mail.tests.common import MailCase
from odoo.addons.sms.tests.common import SMSCase

from .common import DentalLoyaltyCommon


@tagged("post_install", "-at_install")
class TestCommentConsent(DentalLoyaltyCommon, MailCase, SMSCase):
    """A loyalty template sent one by one (the composers' comment mode) is
    refused, naming the patient, to a patient who did not agree to hear from
    the programme on that channel."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._set_loyalty_settings(enrolment="ask")
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

    def setUp(self):
        super().setUp()
        for partner, agrees in ((self.patient, True), (self.other, False)):
            partner.with_user(self.receptionist)._dental_loyalty_join(
                self.company, consent_mail=agrees, consent_sms=agrees
            )

    def _mail_composer(self, partners):
        return (
            self.env["mail.compose.message"]
            .with_user(self.receptionist)
            .create(
                {
                    "model": "res.partner",
                    "res_ids": repr(partners.ids),
                    "composition_mode": "comment",
                    "template_id": self.env.ref(
                        "dental_loyalty.mail_template_statement"
                    ).id,
                }
            )
        )

    def test_a_mail_one_by_one_is_refused_without_consent(self):
        for partners in (self.other, self.patient | self.other):
            composer = self._mail_composer(partners)
            with (
                self.mock_mail_gateway(),
                self.assertRaisesRegex(
                    UserError, "Minh Tran did not agree to hear from the loyalty"
                ),
            ):
                composer.action_send_mail()
            self.assertFalse(self._new_mails)

    def test_an_sms_one_by_one_is_refused_without_consent(self):
        composer = (
            self.env["sms.composer"]
            .with_user(self.receptionist)
            .create(
                {
                    "res_model": "res.partner",
                    "res_ids": repr(self.other.ids),
                    "res_id": self.other.id,
                    "composition_mode": "comment",
                    "template_id": self.env.ref(
                        "dental_loyalty.sms_template_statement"
                    ).id,
                }
            )
        )
        with (
            self.mockSMSGateway(),
            self.assertRaisesRegex(
                UserError, "Minh Tran did not agree to hear from the loyalty"
            ),
        ):
            composer.action_send_sms()
        self.assertFalse(self._new_sms)
