from odoo.tests import tagged

from odoo.addons.mail.tests.common import MailCase
from odoo.addons.sms.tests.common import SMSCase

from .test_referrals import ReferralCommon


@tagged("post_install", "-at_install")
class TestReferralMessages(ReferralCommon, MailCase, SMSCase):
    def test_the_referrer_hears_of_their_bonus(self):
        self._set_loyalty_settings(channel_referral="both")
        self.patient.lang = "en_US"
        newcomer = self._newcomer()
        self._mark(newcomer)
        with self.mock_mail_gateway(), self.mockSMSGateway():
            self._sync(self._order([(self.checkup, 1)], partner=newcomer))
        self.assertMailMail(
            self.patient,
            "outgoing",
            content="Thank you for recommending us to Quynh Dang",
            fields_values={"subject": "Thank you for recommending us"},
        )
        self.assertSMSOutgoing(
            self.patient, "+84901234501", content="referral bonus points: 100"
        )
        # The new patient is told nothing of the referrer's bonus.
        self.assertFalse(
            self._new_mails.filtered(lambda mail: newcomer in mail.recipient_ids)
        )
