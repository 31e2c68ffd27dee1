from datetime import date

from odoo.tests import tagged

from .test_statement import StatementCommon

# Each event whose messages carry the page link, with values as its caller
# gives them, and a text of its mail.
EVENTS = {
    "earned": ({"points": 120, "order": "Order 00042"}, "Order 00042"),
    "expiry_warning": ({"points": 50, "date": date(2027, 1, 26)}, "01/26/2027"),
    "tier_change": ({"tier": "Gold", "up": True}, "you reached"),
    "near_tier": (
        {"tier": "Gold", "missing": "Points still needed for Gold: 100"},
        "Points still needed for Gold: 100",
    ),
    "birthday": ({"points": 100}, "Happy birthday!"),
    "statement": (
        {
            "spendable": 80,
            "pending": 0,
            "pending_lots": (),
            "expiring": 0,
            "expiring_lots": (),
        },
        "Spendable points",
    ),
}


@tagged("post_install", "-at_install")
class TestMessageLinks(StatementCommon):
    """The patient's messages carry the link to their page, by mail and SMS;
    the link, a bearer credential, reaches no chatter."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._set_loyalty_settings(**{f"channel_{event}": "both" for event in EVENTS})

    def _notify(self, event, partner=None):
        values, _text = EVENTS[event]
        with self.mock_mail_gateway(), self.mockSMSGateway():
            self.env["dental.loyalty.dispatcher"]._notify(
                partner or self.patient, event, self.company, **values
            )

    def test_every_message_carries_the_link_and_no_chatter_holds_it(self):
        self._join(self.patient, 80)
        link = self.patient._dental_loyalty_page_url(self.company)
        self.assertIn("/my/loyalty/", link)
        for event, (_values, text) in EVENTS.items():
            with self.subTest(event=event):
                self._notify(event)
                mail = self.assertMailMail(self.patient, "outgoing", content=text)
                self.assertIn(f'href="{link}"', mail.body_html)
                self.assertFalse(mail.model or mail.res_id)
                self.assertEqual(mail.author_id, self.env.ref("base.partner_root"))
                self.assertSMSOutgoing(
                    self.patient, "+84912345678", content=f"Your page: {link}"
                )
                # The chatter has the mail as sent, less the link.
                self.assertIn(text, self.patient.message_ids[0].body)
        self.assertNoTokenInAnyChatter(self._token(self.patient))

    def test_a_revoked_link_is_in_no_message(self):
        self._join(self.patient, 80)
        self.patient._dental_loyalty_own_wallet()._revoke_page_link()
        self._notify("birthday")
        mail = self.assertMailMail(self.patient, "outgoing", content="Happy birthday!")
        self.assertNotIn("/my/loyalty/", mail.body_html)
        self.assertNotIn("Your page", self._new_sms.body)
        # Without a link, the mail is posted on the patient's chatter as before.
        self.assertEqual(mail.mail_message_id.res_id, self.patient.id)

    def test_a_renewed_link_replaces_the_old_one_in_the_messages(self):
        self._join(self.patient, 80)
        wallet = self.patient._dental_loyalty_own_wallet()
        wallet._portal_ensure_token()
        old_token = self._token(self.patient)
        wallet._renew_page_link()
        self._notify("tier_change")
        mail = self.assertMailMail(self.patient, "outgoing", content="you reached")
        self.assertNotIn(old_token, mail.body_html)
        self.assertIn(self._token(self.patient), mail.body_html)
        self.assertNoTokenInAnyChatter(self._token(self.patient))

    def test_a_message_without_the_link_is_logged_as_before(self):
        # The clinic's templates may leave the link out: nothing to keep off
        # the chatter then, and the SMS keeps its copy there.
        self._join(self.patient, 80)
        self._set_loyalty_settings(channel_spent="sms")
        with self.mock_mail_gateway(), self.mockSMSGateway():
            self.env["dental.loyalty.dispatcher"]._notify(
                self.patient, "spent", self.company, points=30, order="Order 7"
            )
        self.assertSMSOutgoing(self.patient, "+84912345678", content="points used: 30")
        self.assertIn("points used: 30", self.patient.message_ids[0].body)
