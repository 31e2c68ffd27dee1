from odoo.tests import tagged

from odoo.addons.mail.tests.common import MailCase
from odoo.addons.sms.tests.common import SMSCase

from .common_pos import DentalLoyaltyPosCommon


@tagged("post_install", "-at_install")
class TestSaleMessages(DentalLoyaltyPosCommon, MailCase, SMSCase):
    """After a sale settles, the patient hears what it earned and spent, when the
    clinic turned these messages on; they wait in the queues, not in the sync."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.patient.write(
            {"email": "minh@example.com", "phone": "+84 912 345 679", "lang": "en_US"}
        )

    def _patient_mails(self):
        return self._new_mails.filtered(lambda mail: self.patient in mail.recipient_ids)

    def test_no_message_by_default(self):
        self.assertEqual(self.company._dental_loyalty_channel("earned"), "none")
        self.assertEqual(self.company._dental_loyalty_channel("spent"), "none")
        self._give_points(self.patient, 1000)
        with self.mock_mail_gateway(), self.mockSMSGateway():
            self._sync(self._order([(self.checkup, 2)], points=30))
        self.assertFalse(self._patient_mails())
        self.assertFalse(self._new_sms)

    def test_earned_and_spent_by_mail_and_sms_queued(self):
        self._set_loyalty_settings(
            channel_earned="both",
            channel_spent="sms",
            waiting_days=7,
        )
        self._give_points(self.patient, 1000)
        with self.mock_mail_gateway(), self.mockSMSGateway():
            order = self._sync(self._order([(self.checkup, 2)], points=30))
        label = order._dental_loyalty_label()
        self.assertMailMail(
            self.patient,
            "outgoing",
            content=f"Points earned by your visit {label}: <strong>70</strong>",
            fields_values={"subject": "Points earned: 70"},
        )
        self.assertIn("They can be spent from", self._patient_mails().body_html)
        # 1,000 less the 300 paid: the 70 earned wait a week.
        self.assertSMSOutgoing(
            self.patient,
            "+84912345679",
            content="points earned: 70; spendable now: 700.",
        )
        self.assertSMSOutgoing(
            self.patient,
            "+84912345679",
            content="points used: 300; spendable now: 700.",
        )
        # Queued, not sent during the sync.
        self.assertEqual(set(self._new_sms.mapped("state")), {"outgoing"})

    def test_spent_by_mail_names_the_order(self):
        self._set_loyalty_settings(channel_spent="mail")
        self._give_points(self.patient, 1000)
        with self.mock_mail_gateway():
            order = self._sync(self._order([(self.checkup, 2)], points=30))
        self.assertMailMail(
            self.patient,
            "outgoing",
            content=f"Points used on {order._dental_loyalty_label()}: "
            "<strong>300</strong>",
        )

    def test_points_spendable_at_once_need_no_date(self):
        self._set_loyalty_settings(channel_earned="mail")
        with self.mock_mail_gateway():
            self._sync(self._order([(self.checkup, 1)]))
        self.assertNotIn("They can be spent from", self._patient_mails().body_html)

    def test_a_patient_without_address_or_number_is_skipped(self):
        self._set_loyalty_settings(
            channel_earned="both",
            channel_spent="both",
        )
        walk_in = self.env["res.partner"].create({"name": "Walk-in"})
        with self.mock_mail_gateway(), self.mockSMSGateway():
            order = self._sync(self._order([(self.checkup, 1)], partner=walk_in))
        self.assertEqual(order.dental_loyalty_points_earned, 50)
        self.assertFalse(self._new_mails)
        self.assertFalse(self._new_sms)
