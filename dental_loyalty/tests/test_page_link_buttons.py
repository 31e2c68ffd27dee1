from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import DentalLoyaltyCommon


@tagged("post_install", "-at_install")
class TestPageLinkButtons(DentalLoyaltyCommon):
    """Reception revokes and renews a patient's page link from their form; the
    chatter says so, and the link itself reaches no one on staff."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.wallet = cls.Wallet._get_for_partners(cls.patient)
        cls.wallet._portal_ensure_token()
        cls.employee = cls._new_user("dl_page_employee", "base.group_user")

    def _token(self):
        return self.wallet.sudo().access_token

    def _notes(self):
        return self.patient.message_ids.filtered(
            lambda message: "loyalty page" in (message.body or "")
        )

    def test_reception_revokes_then_renews_the_link(self):
        old_token = self._token()
        patient = self.patient.with_user(self.receptionist)
        self.assertEqual(patient.dental_loyalty_page_link, "active")
        patient.action_dental_loyalty_revoke_page_link()
        self.assertTrue(self.wallet.page_link_revoked)
        self.assertFalse(self._token())
        self.assertFalse(self.patient._dental_loyalty_page_url())
        patient.invalidate_recordset()
        self.assertEqual(patient.dental_loyalty_page_link, "revoked")
        patient.action_dental_loyalty_renew_page_link()
        new_token = self._token()
        self.assertTrue(new_token)
        self.assertNotEqual(new_token, old_token)
        self.assertIn(new_token, self.patient._dental_loyalty_page_url())
        notes = self._notes()
        self.assertEqual(len(notes), 2)
        self.assertIn("revoked", notes[1].body)
        self.assertIn("renewed", notes[0].body)
        # Neither the chatter nor the tracking carries a token.
        messages = self.patient.message_ids | self.wallet.message_ids
        chatter = " ".join(
            [str(message.body) for message in messages]
            + [
                str(value.old_value_char) + str(value.new_value_char)
                for value in messages.sudo().tracking_value_ids
            ]
        )
        for token in (old_token, new_token):
            self.assertNotIn(token, chatter)

    def test_only_loyalty_users_revoke_or_renew(self):
        patient = self.patient.with_user(self.employee)
        for action in (
            patient.action_dental_loyalty_revoke_page_link,
            patient.action_dental_loyalty_renew_page_link,
        ):
            with self.assertRaises(AccessError):
                action()
        self.assertFalse(self.wallet.page_link_revoked)

    def test_a_non_member_has_no_link_to_revoke(self):
        stranger = self.env["res.partner"].create({"name": "Never Joined"})
        stranger = stranger.with_user(self.receptionist)
        self.assertEqual(stranger.dental_loyalty_page_link, "none")
        with self.assertRaisesRegex(UserError, "not a member"):
            stranger.action_dental_loyalty_revoke_page_link()

    def test_the_form_shows_no_link_to_staff(self):
        arch = (
            self.env["res.partner"]
            .with_user(self.receptionist)
            .get_views([(False, "form")])["views"]["form"]["arch"]
        )
        self.assertIn("action_dental_loyalty_revoke_page_link", arch)
        self.assertIn("action_dental_loyalty_renew_page_link", arch)
        self.assertNotIn("access_token", arch)
        self.assertNotIn("access_url", arch)
