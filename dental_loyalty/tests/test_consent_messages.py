from odoo.tests import tagged

from odoo.addons.mail.tests.common import MailCase
from odoo.addons.sms.tests.common import SMSCase

from .common import DentalLoyaltyCommon


@tagged("post_install", "-at_install")
class TestConsentMessages(DentalLoyaltyCommon, MailCase, SMSCase):
    """Every message the programme sends honours the patient's consent, channel
    by channel: by email only with their consent to emails, by SMS only with
    their consent to SMS; a non-member hears nothing."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.patient.write(
            {"email": "lan@example.com", "phone": "+84 912 345 678", "lang": "en_US"}
        )
        cls._set_loyalty_settings(enrolment="ask", channel_birthday="both")

    def _birthday(self, partners=None):
        with self.mock_mail_gateway(), self.mockSMSGateway():
            told = self.env["dental.loyalty.dispatcher"]._notify(
                partners or self.patient, "birthday", self.company, points=100
            )
            self._end_request()
        return told

    def _join(self, partner=None, mail=False, sms=False):
        return (
            (partner or self.patient)
            .with_user(self.receptionist)
            ._dental_loyalty_join(self.company, consent_mail=mail, consent_sms=sms)
        )

    def test_a_non_member_hears_nothing(self):
        self.assertFalse(self._birthday())
        self.assertFalse(self._new_mails)
        self.assertFalse(self._new_sms)

    def test_mail_only_with_consent_to_emails(self):
        self._join(sms=True)
        self._birthday()
        self.assertFalse(self._new_mails)
        self.assertSMSOutgoing(self.patient, "+84912345678", content="Gift points: 100")
        self.patient.with_user(self.receptionist)._dental_loyalty_set_consent(mail=True)
        self._birthday()
        self.assertMailMail(
            self.patient,
            "outgoing",
            content="Gift points added to your wallet: <strong>100</strong>",
        )

    def test_sms_only_with_consent_to_sms(self):
        self._join(mail=True)
        self._birthday()
        self.assertFalse(self._new_sms)
        self.assertEqual(len(self._new_mails), 1)
        self.patient.with_user(self.receptionist)._dental_loyalty_set_consent(sms=True)
        self._birthday()
        self.assertSMSOutgoing(self.patient, "+84912345678", content="Gift points: 100")

    def test_revoked_consent_stops_the_next_message(self):
        self._join(mail=True, sms=True)
        self._birthday()
        self.assertEqual(len(self._new_mails), 1)
        self.assertEqual(len(self._new_sms), 1)
        self.patient.with_user(self.receptionist)._dental_loyalty_set_consent(
            mail=False, sms=False
        )
        self.assertFalse(self._birthday())
        self.assertFalse(self._new_mails)
        self.assertFalse(self._new_sms)

    def test_a_family_member_is_asked_on_their_own_wallet(self):
        holder = self.env["res.partner"].create(
            {"name": "Hoa Nguyen", "email": "hoa@example.com"}
        )
        self._join(holder, mail=True)
        self._join(mail=False)
        self.env["dental.loyalty.family"].create(
            {
                "name": "Nguyen family",
                "holder_id": holder.id,
                "member_ids": [(6, 0, (holder | self.patient).ids)],
            }
        )
        self.assertEqual(
            self.patient._dental_loyalty_wallet(self.company),
            holder._dental_loyalty_own_wallet(self.company),
        )
        told = self._birthday(self.patient | holder)
        self.assertEqual(told, holder)
        self.assertEqual(len(self._new_mails), 1)
        self.assertEqual(self._new_mails.recipient_ids, holder)

    def test_consent_of_many_patients_is_read_in_one_query(self):
        patients = self.env["res.partner"].create(
            [{"name": f"Patient {n}", "email": f"p{n}@example.com"} for n in range(5)]
        )
        for patient in patients[:3]:
            self._join(patient, mail=True)
        self._set_loyalty_settings(channel_birthday="mail")
        Dispatcher = self.env["dental.loyalty.dispatcher"]
        Dispatcher._notify(patients, "birthday", self.company, points=1)  # warm up
        self._end_request()
        Dispatcher._prefetch(patients)
        self.env.flush_all()
        # The messages leave at the request's end, not counted here.
        with self.assertQueryCount(1, flush=False):
            told = Dispatcher._notify(patients, "birthday", self.company, points=2)
        self.assertEqual(told, patients[:3])

    def test_the_voucher_code_by_mail_only_with_consent(self):
        self._set_loyalty_settings(channel_voucher="mail")
        product = self.env["product.product"].create(
            {"name": "Reward discount", "type": "service"}
        )
        reward = self.env["dental.loyalty.reward"].create(
            {
                "name": "10 off",
                "kind": "discount_fixed",
                "discount_amount": 10.0,
                "points_cost": 10,
                "product_id": product.id,
            }
        )
        wallet = self._join(sms=True)
        self._post(self.patient, "adjust", 100, reason="Test")
        Voucher = self.env["dental.loyalty.voucher"]
        with self.mock_mail_gateway():
            refused = Voucher._issue(wallet, reward)
            self._end_request()
        self.assertFalse(self._new_mails)
        self.assertNotIn(
            self.patient, refused.message_ids.notification_ids.res_partner_id
        )
        self.patient.with_user(self.receptionist)._dental_loyalty_set_consent(mail=True)
        with self.mock_mail_gateway():
            voucher = Voucher._issue(wallet, reward)
            self._end_request()
        self.assertMailMail(self.patient, "outgoing", content=voucher.code)
