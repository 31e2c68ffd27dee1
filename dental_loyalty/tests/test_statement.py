from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import tagged

from odoo.addons.mail.tests.common import MailCase
from odoo.addons.sms.tests.common import SMSCase

from .common import DentalLoyaltyCommon


class StatementCommon(DentalLoyaltyCommon, MailCase, SMSCase):
    """A member with an address, a number and consent to both; the statement
    sent by mail unless a test says otherwise."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.patient.write(
            {"email": "lan@example.com", "phone": "+84 912 345 678", "lang": "en_US"}
        )
        cls._set_loyalty_settings(channel_statement="mail")

    def _join(self, partner, points=0):
        """``partner`` a member (their wallet, with ``points``), who agreed to
        hear from the clinic by mail and SMS."""
        self.env["dental.loyalty.wallet"]._get_for_partners(partner)
        if points:
            self._post(partner, "adjust", points, reason="Opening balance")
        partner._dental_loyalty_own_wallet().write(
            {"consent_mail": True, "consent_sms": True}
        )

    def _send(self, partners, user=None):
        """Send the statement as a receptionist; the notification's text."""
        with self.mock_mail_gateway(), self.mockSMSGateway():
            action = partners.with_user(
                user or self.receptionist
            )._dental_loyalty_send_statement()
        return action["params"]["message"]

    def _token(self, partner):
        # The token is only the server's to read.
        return partner._dental_loyalty_own_wallet().sudo().access_token

    def assertNoTokenInAnyChatter(self, token):
        """No message on any record's chatter (body, subject, tracking) holds
        ``token``."""
        self.assertTrue(token)
        self.env.flush_all()
        Message = self.env["mail.message"].sudo()
        self.assertFalse(
            Message.search(
                [
                    ("model", "!=", False),
                    "|",
                    ("body", "ilike", token),
                    ("subject", "ilike", token),
                ]
            )
        )
        self.assertFalse(
            self.env["mail.tracking.value"]
            .sudo()
            .search(
                [
                    "|",
                    ("old_value_char", "ilike", token),
                    ("new_value_char", "ilike", token),
                ]
            )
        )


@tagged("post_install", "-at_install")
class TestStatement(StatementCommon):
    """Reception sends members their statement: spendable, pending with their
    day, expiring with their date, and the page link, by the clinic's channel;
    the link stays off the chatter."""

    def _history(self):
        """300 points earned a year ago (they expire on 04/01/2026) and 120
        still waiting their 14 days (spendable from 03/24/2026)."""
        self._join(self.patient)
        with freeze_time("2025-04-01"):
            self._earn(self.patient, 300)
        self._set_loyalty_settings(waiting_days=14)
        with freeze_time("2026-03-10"):
            self._earn(self.patient, 120)

    def test_the_mail_with_the_link_is_not_the_senders_to_read(self):
        self._join(self.patient, 100)
        self._send(self.patient)
        token = self._token(self.patient)
        self.env.flush_all()
        carrying = self.env["mail.message"].sudo().search([("body", "ilike", token)])
        self.assertTrue(carrying, "the mail's message carries the link")
        # Odoo lets a message's creator or author read it: the receptionist
        # whose request sent it would read the patient's link.
        self.assertFalse(carrying.with_user(self.receptionist)._filtered_access("read"))

    def test_a_statement_by_mail_with_the_figures_and_the_link(self):
        self._history()
        with freeze_time("2026-03-10 10:00:00"):
            said = self._send(self.patient)
        self.assertEqual(said, "Statements sent: 1 of 1.")
        mail = self.assertMailMail(
            self.patient,
            "outgoing",
            content="Spendable points: <strong>300</strong>",
        )
        for text in (
            "Pending points: <strong>120</strong>",
            "Total points, spendable and pending: <strong>420</strong>",
            "120 points spendable from 03/24/2026",
            "Points about to expire: <strong>300</strong>",
            "300 points expire on 04/01/2026",
            self.patient._dental_loyalty_page_url(self.company),
        ):
            self.assertIn(text, mail.body_html)
        # The mail belongs to no record: Odoo's queue sends and deletes it.
        self.assertFalse(mail.model or mail.res_id)
        self.assertTrue(mail.auto_delete)
        # The chatter keeps what was sent, without the link.
        note = self.patient.message_ids[0]
        self.assertIn("Spendable points", note.body)
        self.assertNotIn("access_token", note.body)
        self.assertNoTokenInAnyChatter(self._token(self.patient))

    def test_a_statement_by_sms_with_the_link(self):
        self._history()
        self._set_loyalty_settings(channel_statement="sms")
        with freeze_time("2026-03-10 10:00:00"):
            self.assertEqual(self._send(self.patient), "Statements sent: 1 of 1.")
        link = self.patient._dental_loyalty_page_url(self.company)
        self.assertSMSOutgoing(
            self.patient,
            "+84912345678",
            content=f"spendable points: 300; pending: 120; expiring within "
            f"30 days: 300. Your page: {link}",
        )
        self.assertFalse(self._new_mails)
        self.assertNoTokenInAnyChatter(self._token(self.patient))

    def test_a_family_member_is_told_the_familys_figures(self):
        child = self.env["res.partner"].create(
            {"name": "Bao Nguyen", "email": "bao@example.com"}
        )
        self._join(self.patient, 400)
        self._join(child)
        self.env["dental.loyalty.family"].create(
            {
                "name": "Nguyen family",
                "holder_id": self.patient.id,
                "member_ids": [(6, 0, [self.patient.id, child.id])],
            }
        )
        self._send(child)
        mail = self.assertMailMail(child, "outgoing", content="<strong>400</strong>")
        # Their own page, not the family payer's.
        self.assertIn(self._token(child), mail.body_html)

    def test_a_selection_skips_non_members_and_the_unreachable_and_says_so(self):
        self._join(self.patient, 50)
        walk_in = self.env["res.partner"].create(
            {"name": "Walk-in", "email": "walkin@example.com"}
        )
        no_address = self.env["res.partner"].create({"name": "No Address"})
        self._join(no_address, 50)
        said = self._send(self.patient | walk_in | no_address)
        self.assertEqual(
            said,
            "Statements sent: 1 of 3. Not members of the programme, skipped: 1. "
            "Without an address or number they agreed to be contacted on, "
            "skipped: 1.",
        )
        self.assertEqual(len(self._new_mails), 1)
        self.assertMailMail(self.patient, "outgoing", content="<strong>50</strong>")

    def test_the_list_action_for_loyalty_users_only(self):
        self._join(self.patient, 50)
        action = self.env.ref("dental_loyalty.action_res_partner_send_statement")
        with self.mock_mail_gateway():
            result = (
                action.with_user(self.receptionist)
                .with_context(active_model="res.partner", active_ids=self.patient.ids)
                .run()
            )
        self.assertEqual(result["params"]["message"], "Statements sent: 1 of 1.")
        self.assertMailMail(self.patient, "outgoing", content="<strong>50</strong>")
        employee = self._new_user("dl_employee", "base.group_user")
        with self.assertRaises(AccessError):
            action.with_user(employee).with_context(
                active_model="res.partner", active_ids=self.patient.ids
            ).run()

    def test_no_statement_when_the_clinic_sends_none(self):
        self._join(self.patient, 50)
        self._set_loyalty_settings(channel_statement="none")
        self.assertIn("This clinic sends no statement", self._send(self.patient))
        self.assertFalse(self._new_mails)

    def test_figures_of_many_patients_are_read_at_once(self):
        partners = self.env["res.partner"]
        for count in (2, 12):
            batch = self.env["res.partner"].create(
                [{"name": f"Patient {count} {n}"} for n in range(count)]
            )
            for partner in batch:
                self._join(partner, 10)
            partners |= batch
        few, many = partners[:2], partners[2:]
        # No address: the figures' queries, not the mails'. Each batch sent
        # once first: what a first statement of a wallet does once (its
        # catch-up, the caches a first send fills) is no read per patient.
        # Then the fewest of two sends each: in the whole suite a shared cache
        # (emptied by the tests before) may still refill once in between.
        self._send(few)
        self._send(many)
        queries_few = min(self._queries(lambda: self._send(few)) for _ in range(2))
        queries_many = min(self._queries(lambda: self._send(many)) for _ in range(2))
        self.assertEqual(queries_many, queries_few)


@tagged("post_install", "-at_install")
class TestStatementConsent(StatementCommon):
    """Consent is honoured by the statement, as the dispatcher applies it (the
    members' change to ``_notify``)."""

    def test_patients_without_consent_are_skipped(self):
        self._set_loyalty_settings(channel_statement="both")
        self._join(self.patient, 50)
        wallet = self.patient._dental_loyalty_own_wallet()
        wallet.consent_mail = False
        self._send(self.patient)
        self.assertFalse(self._new_mails)
        self.assertSMSOutgoing(
            self.patient, "+84912345678", content="spendable points: 50"
        )
        wallet.consent_sms = False
        said = self._send(self.patient)
        self.assertIn("Statements sent: 0 of 1.", said)
        self.assertIn("agreed to be contacted on, skipped: 1.", said)
        self.assertFalse(self._new_sms)
