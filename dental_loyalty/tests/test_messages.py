from odoo.tests import tagged

from odoo.addons.mail.tests.common import MailCase
from odoo.addons.sms.tests.common import SMSCase

from .common import DentalLoyaltyCommon


@tagged("post_install", "-at_install")
class TestLoyaltyMessages(DentalLoyaltyCommon, MailCase, SMSCase):
    """Which events reach a patient, and how, is the clinic's setting; opted-out
    addresses and numbers are skipped."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.patient.write(
            {"email": "lan@example.com", "phone": "+84 912 345 678", "lang": "en_US"}
        )
        # A member, who agreed to hear from the programme.
        cls.patient._dental_loyalty_wallet(cls.company)

    def _notify(self, channel, **values):
        self._set_loyalty_settings(channel_birthday=channel)
        with self.mock_mail_gateway(), self.mockSMSGateway():
            return self.env["dental.loyalty.dispatcher"]._notify(
                self.patient, "birthday", self.company, points=100, **values
            )

    def test_both_channels_send_a_mail_and_an_sms_with_the_event_values(self):
        self.assertEqual(self._notify("both"), self.patient)
        self.assertMailMail(
            self.patient,
            "outgoing",
            content="Gift points added to your wallet: <strong>100</strong>",
        )
        self.assertSMSOutgoing(self.patient, "+84912345678", content="Gift points: 100")

    def test_no_message_when_the_clinic_says_so(self):
        self.assertFalse(self._notify("none"))
        self.assertFalse(self._new_mails)
        self.assertFalse(self._new_sms)

    def test_opted_out_addresses_and_numbers_are_skipped(self):
        self.env["mail.blacklist"].sudo()._add("lan@example.com")
        self.env["phone.blacklist"].sudo().add("+84912345678")
        self.assertFalse(self._notify("both"))
        self.assertFalse(self._new_mails)
        self.assertFalse(self._new_sms)

    def test_an_invalid_phone_number_is_flagged_on_the_patient(self):
        self.patient.phone = "12"
        self.assertTrue(self.patient.loyalty_phone_invalid)
        self.assertIn(
            self.patient,
            self.env["res.partner"].search([("loyalty_phone_invalid", "=", True)]),
        )
        self.patient.phone = "+84 912 345 678"
        self.assertFalse(self.patient.loyalty_phone_invalid)
        self.assertEqual(self.patient.phone_sanitized, "+84912345678")

    def test_a_voucher_code_by_mail_and_sms_when_the_clinic_says_so(self):
        self._set_loyalty_settings(channel_voucher="both")
        product = self.env["product.product"].create(
            {"name": "Reward discount", "type": "service"}
        )
        reward = self.env["dental.loyalty.reward"].create(
            {
                "name": "10 off",
                "kind": "discount_fixed",
                "discount_amount": 10.0,
                "points_cost": 100,
                "product_id": product.id,
            }
        )
        self._post(self.patient, "adjust", 100, reason="Test")
        # Redeemed at the desk: the receptionist's request sends the code.
        with self.mock_mail_gateway(), self.mockSMSGateway():
            voucher = (
                self.env["dental.loyalty.voucher"]
                .with_user(self.receptionist)
                ._issue(self.patient._dental_loyalty_wallet(), reward)
            )
        mail = self.assertMailMail(self.patient, "outgoing", content=voucher.code)
        # The code is cash: its message is no one's but the patient's, not the
        # user's whose request sent it (Odoo lets a creator or author read it).
        message = mail.mail_message_id.with_user(self.receptionist)
        self.assertFalse(message._filtered_access("read"))
        self.assertSMSOutgoing(
            self.patient, "+84912345678", content=f"10 off, code {voucher.code}"
        )
