from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from odoo.addons.mail.tests.common import MailCase

from .common import DentalLoyaltyCommon
from .test_member_card import MemberCardMixin


@tagged("post_install", "-at_install")
class TestMemberCardMail(MemberCardMixin, DentalLoyaltyCommon, MailCase):
    """Send Member Card: the card goes by mail to members who agreed to loyalty
    emails, and the link it carries stays out of the chatter."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.patient.write({"email": "lan@example.com", "lang": "en_US"})
        cls.other = cls.env["res.partner"].create(
            {"name": "Hoa Le", "email": "hoa@example.com"}
        )

    def setUp(self):
        super().setUp()
        self.wallets = self._join(self.patient | self.other)
        self.wallets.write({"consent_mail": True})
        self._earn(self.patient, 120)

    def _send(self, partners, user=None):
        partners = partners.with_user(user or self.receptionist)
        with self.mock_mail_gateway():
            return partners._dental_loyalty_send_card()

    def _token(self, partner):
        # The server's own read of the token, to look for it where it must not be.
        return partner._dental_loyalty_own_wallet().sudo().access_token

    def assertNoTokenOnTheChatter(self, partner):
        token = self._token(partner)
        self.assertTrue(token)
        messages = self.env["mail.message"].search(
            [("model", "=", "res.partner"), ("res_id", "=", partner.id)]
        )
        self.assertFalse(
            messages.filtered(lambda message: token in (message.body or "")),
            "no message on the patient carries the link",
        )
        attachments = self.env["ir.attachment"].search(
            [("res_model", "=", "res.partner"), ("res_id", "=", partner.id)]
        )
        attachments |= messages.attachment_ids
        self.assertFalse(
            attachments.filtered(lambda a: token.encode() in (a.raw or b"")),
            "no attachment on the patient carries the link",
        )

    def test_the_card_goes_to_the_patient_attached_and_leaves_no_copy(self):
        self._send(self.patient)
        mail = self._new_mails
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.recipient_ids, self.patient)
        self.assertIn("Your member card at", mail.subject)
        self.assertTrue(mail.auto_delete)
        # The mail is no message on the patient's record.
        self.assertFalse(mail.model)
        self.assertFalse(mail.res_id)
        card = mail.attachment_ids
        self.assertEqual(len(card), 1)
        self.assertTrue(card.name.startswith("Member card - Lan Nguyen"))
        code = self._card_code(self.patient)
        self.assertTrue(code)
        self.assertIn(code.encode(), card.raw)
        self.assertIn(self._token(self.patient).encode(), card.raw)
        self.assertNotEqual(card.res_model, "res.partner")
        self.assertNoTokenOnTheChatter(self.patient)
        note = self.patient.message_ids.filtered(
            lambda message: "Member card sent by email" in message.body
        )
        self.assertEqual(len(note), 1)
        self.assertFalse(note.attachment_ids)
        with self.mock_mail_gateway():
            mail.send()
        self.assertEqual(len(self._mails), 1)
        self.assertIn("lan@example.com", str(self._mails[0]["email_to"]))
        self.assertEqual(len(self._mails[0]["attachments"]), 1)
        # Sent, the mail and its card go (auto_delete; the mocked gateway
        # keeps them for the test to read).
        self.assertEqual(mail.state, "sent")
        self.assertNoTokenOnTheChatter(self.patient)

    def test_the_mail_is_written_in_the_patients_language(self):
        self.env["res.lang"]._activate_lang("vi_VN")
        template = self.env.ref("dental_loyalty.mail_template_member_card")
        template.with_context(lang="vi_VN").subject = "Thẻ thành viên của bạn"
        self.patient.lang = "vi_VN"
        self._send(self.patient)
        self.assertEqual(self._new_mails.subject, "Thẻ thành viên của bạn")

    def test_no_mail_without_the_patients_consent(self):
        self.wallets.filtered(
            lambda w: w.partner_id == self.patient
        ).consent_mail = False
        with self.assertRaisesRegex(UserError, "has not agreed to loyalty emails"):
            self._send(self.patient)
        self.assertFalse(self._new_mails)
        action = self._send(self.patient | self.other)
        self.assertEqual(self._new_mails.recipient_ids, self.other)
        self.assertIn("Lan Nguyen has not agreed", action["params"]["message"])
        self.assertEqual(action["params"]["type"], "warning")

    def test_a_batch_mails_every_member_who_agreed_and_says_who_did_not(self):
        outsider = self.env["res.partner"].create(
            {"name": "Deco Addict", "is_company": True, "email": "deco@example.com"}
        )
        no_address = self.env["res.partner"].create({"name": "Quang Do"})
        self._join(no_address).consent_mail = True
        action = self._send(self.patient | self.other | outsider | no_address)
        self.assertEqual(self._new_mails.recipient_ids, self.patient | self.other)
        message = action["params"]["message"]
        self.assertIn("Member card sent to: 2", message)
        self.assertIn("Deco Addict is not a member.", message)
        self.assertIn("Quang Do has no email address.", message)
        for partner in (self.patient, self.other):
            self.assertNoTokenOnTheChatter(partner)
        self.assertFalse(self._card_code(outsider))

    def test_a_blacklisted_address_gets_no_card(self):
        self.env["mail.blacklist"].sudo()._add("lan@example.com")
        with self.assertRaisesRegex(UserError, "on the email blacklist"):
            self._send(self.patient)

    def test_send_member_card_from_the_contacts_list(self):
        action = self.env.ref("dental_loyalty.action_res_partner_send_member_card")
        self.assertEqual(action.binding_view_types, "list,form")
        with self.mock_mail_gateway():
            result = (
                action.with_user(self.receptionist)
                .with_context(
                    active_model="res.partner",
                    active_ids=(self.patient | self.other).ids,
                )
                .run()
            )
        self.assertEqual(self._new_mails.recipient_ids, self.patient | self.other)
        self.assertEqual(result["params"]["type"], "success")

    def test_only_loyalty_users_send_cards(self):
        clerk = self._new_user("dl_clerk", "base.group_user")
        with self.assertRaises(AccessError):
            self._send(self.patient, user=clerk)
        self.assertFalse(self._new_mails)
