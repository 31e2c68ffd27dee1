import contextlib
import itertools

from odoo.exceptions import AccessError
from odoo.fields import Command
from odoo.tests import HttpCase, tagged

from odoo.addons.mail.tests.common import MailCase

from .common import DentalLoyaltyCommon
from .common_pos import PosJsonRpcMixin


@tagged("post_install", "-at_install", "dental_loyalty_slow")
class TestLoyaltyTemplateSentStraight(
    PosJsonRpcMixin, DentalLoyaltyCommon, MailCase, HttpCase
):
    """``mail.template.send_mail`` is any internal user's to call over
    JSON-RPC: a loyalty template sent that way still goes only to members who
    agreed to loyalty emails and to no one else, and a campaign is announced
    only from its composer, on patients."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["dental.loyalty.earning.rule"].search([]).active = False
        cls.cashier = cls._new_user(
            "dl_send_cashier", "base.group_user,point_of_sale.group_pos_user"
        )
        Partner = cls.env["res.partner"]
        cls.agreed, cls.refused, cls.outsider = (
            Partner.create({"name": name, "email": f"{login}@example.com"})
            for name, login in (
                ("Hoa Agreed", "hoa"),
                ("Long Refused", "long"),
                ("Mai Outsider", "mai"),
            )
        )
        cls.campaign = cls.env["dental.loyalty.earning.rule"].create(
            {"name": "Whitening month x2", "is_campaign": True, "multiplier": 2.0}
        )
        cls.announcement = cls.env.ref(
            "dental_loyalty.mail_template_campaign_announcement"
        )
        cls.card = cls.env.ref("dental_loyalty.mail_template_member_card")
        cls.earned = cls.env.ref("dental_loyalty.mail_template_points_earned")

    def setUp(self):
        super().setUp()
        for partner, consent in ((self.agreed, True), (self.refused, False)):
            partner.with_user(self.receptionist)._dental_loyalty_join(
                self.company, consent_mail=consent, consent_sms=consent
            )

    def _send(self, template, partner, context=None, **email_values):
        with self.mock_mail_gateway():
            return self._call_kw(
                "mail.template",
                "send_mail",
                [template.id, partner.id],
                {"email_values": email_values or None, "context": context or {}},
            )

    def _mails_to(self, partner):
        return (
            self.env["mail.mail"]
            .sudo()
            .search(
                [
                    "|",
                    ("recipient_ids", "in", partner.ids),
                    ("email_to", "ilike", "thief@example.com"),
                ]
            )
        )

    def test_a_cashier_sends_no_loyalty_template_without_consent(self):
        self.authenticate(self.cashier.login, self.cashier.login)
        for template in (self.card, self.earned):
            _mail, error = self._send(template, self.refused)
            self.assertIn("has not agreed to loyalty emails", error["message"])
            _mail, error = self._send(template, self.outsider)
            self.assertIn("is not a member", error["message"])
            _mails, error = self._call(
                "mail.template", "send_mail_batch", [template.id], [self.refused.id]
            )
            self.assertIn("has not agreed to loyalty emails", error["message"])
        self.assertFalse(self._mails_to(self.refused) | self._mails_to(self.outsider))

    def test_a_cashier_announces_no_campaign_with_its_template(self):
        self.authenticate(self.cashier.login, self.cashier.login)
        for context in ({}, {"dental_loyalty_campaign_id": self.campaign.id}):
            for partner in (self.agreed, self.refused, self.outsider):
                _mail, error = self._send(self.announcement, partner, context)
                self.assertIn("Announce button", error["message"])
            _mails, error = self._call(
                "mail.template",
                "send_mail_batch",
                [self.announcement.id],
                [self.agreed.id],
            )
            self.assertIn("Announce button", error["message"])
        self.assertFalse(
            self._mails_to(self.agreed)
            | self._mails_to(self.refused)
            | self._mails_to(self.outsider)
        )

    def test_a_cashier_mails_a_patients_card_to_no_other_address(self):
        self.authenticate(self.cashier.login, self.cashier.login)
        for overrides in (
            {"email_to": "thief@example.com"},
            {"recipient_ids": [(4, self.outsider.id)]},
        ):
            _mail, error = self._send(self.card, self.agreed, **overrides)
            self.assertIn("only a loyalty manager", error["message"])
        self.assertFalse(self._mails_to(self.agreed) | self._mails_to(self.outsider))
        # To the member who agreed, as the template says, it goes.
        mail_id, error = self._send(self.earned, self.agreed)
        self.assertIsNone(error)
        self.assertTrue(mail_id)

    def test_an_announcement_renders_on_patients_only(self):
        self.authenticate(self.manager.login, self.manager.login)
        user = self._new_user("dl_send_other", "base.group_user")
        composer_id, error = self._call_kw(
            "mail.compose.message",
            "create",
            [
                {
                    "model": "res.users",
                    "composition_mode": "mass_mail",
                    "res_ids": str(user.ids),
                    "template_id": self.announcement.id,
                    "dental_loyalty_campaign_id": self.campaign.id,
                }
            ],
            {"context": {}},
        )
        if composer_id:
            with self.mock_mail_gateway():
                _answer, error = self._call(
                    "mail.compose.message", "action_send_mail", composer_id
                )
        self.assertIn("patients (contacts) only", error["message"])
        self.assertFalse(
            self.env["mail.mail"]
            .sudo()
            .search([("recipient_ids", "in", user.partner_id.ids)])
        )

    def test_no_composer_keeps_the_card_on_the_patients_record(self):
        # The card carries the link to the patient's page: a composer would
        # keep it, PDF and all, on the patient's record for every employee.
        # A template of a user's making that attaches the card is the card.
        welcome = self.env["mail.template"].create(
            {
                "name": "Welcome",
                "model_id": self.env["ir.model"]._get_id("res.partner"),
                "subject": "Welcome",
                "body_html": "<p>Welcome</p>",
                "report_template_ids": [
                    Command.set(
                        self.env.ref(
                            "dental_loyalty.action_report_member_card_cr80"
                        ).ids
                    )
                ],
            }
        )
        self.authenticate(self.cashier.login, self.cashier.login)
        attachments = self.env["ir.attachment"].sudo().search_count([])
        for mode, template in itertools.product(
            ("comment", "mass_mail"), (self.card, welcome)
        ):
            with (
                self.subTest(mode=mode, template=template.name),
                self.mock_mail_gateway(),
            ):
                values = {
                    "composition_mode": mode,
                    "model": "res.partner",
                    "res_ids": [self.agreed.id],
                    "template_id": template.id,
                }
                # Picking the template in the form raises nothing: the form
                # says why it will not send, and renders no card.
                changed, error = self._call_kw(
                    "mail.compose.message",
                    "onchange",
                    [[], values, ["template_id"], {"dental_loyalty_warning": {}}],
                    {},
                )
                self.assertIsNone(error)
                self.assertIn(
                    "send it with Send Member Card",
                    changed["value"]["dental_loyalty_warning"],
                )
                composer_id, error = self._call_kw(
                    "mail.compose.message", "create", [values], {}
                )
                self.assertIsNone(error)
                composer = self.env["mail.compose.message"].browse(composer_id)
                self.assertFalse(composer.attachment_ids)
                _result, error = self._call_kw(
                    "mail.compose.message", "action_send_mail", [composer_id], {}
                )
                self.assertIn("send it with Send Member Card", error["message"])
        # Nor a post from the card's template, which sends through a composer
        # without its button: by a manager who may edit contacts.
        self.manager.groups_id += self.env.ref("base.group_partner_manager")
        self.authenticate(self.manager.login, self.manager.login)
        with self.mock_mail_gateway():
            _result, error = self._call_kw(
                "res.partner",
                "message_post_with_source",
                [self.agreed.ids, "dental_loyalty.mail_template_member_card"],
                {"res_ids": str(self.agreed.ids)},
            )
        self.assertIn("send it with Send Member Card", error["message"])
        self.assertEqual(self.env["ir.attachment"].sudo().search_count([]), attachments)
        self.assertFalse(self._mails_to(self.agreed))
        self.assertFalse(
            self.env["mail.message"]
            .search([("model", "=", "res.partner"), ("res_id", "=", self.agreed.id)])
            .attachment_ids
        )

    def test_a_restricted_render_leaves_the_options_it_was_handed(self):
        # Core writes its restriction into the options it is handed, and a
        # field's render passes the field's own (the composer's body): one
        # render by a user with restricted rendering (a cashier) made every
        # later render in the server's process fail ("not supported as
        # options"), the managers' mass mailings too.
        editor = self.env.ref("mail.group_mail_template_editor")
        self.env.ref("base.group_user").implied_ids -= editor
        editor.users -= self.cashier
        options = {"post_process": True}
        Composer = self.env["mail.compose.message"].with_user(self.cashier)
        with contextlib.suppress(AccessError):
            Composer._render_template_qweb(
                "<p>Dear <t t-out='object.name.upper()'/></p>",
                "res.partner",
                self.agreed.ids,
                options=options,
            )
        self.assertEqual(options, {"post_process": True})
        rendered = self.env["mail.compose.message"]._render_template(
            "<p>Dear <t t-out='object.name.upper()'/></p>",
            "res.partner",
            self.agreed.ids,
            engine="qweb",
            options=options,
        )
        self.assertIn("Dear HOA AGREED", rendered[self.agreed.id])

    def test_the_card_sent_straight_is_no_message_on_the_patient(self):
        self.authenticate(self.cashier.login, self.cashier.login)
        mail_id, error = self._send(self.card, self.agreed)
        self.assertIsNone(error)
        mail = self.env["mail.mail"].sudo().browse(mail_id)
        self.assertEqual(mail.recipient_ids, self.agreed)
        self.assertFalse(mail.model)
        self.assertFalse(mail.res_id)
        self.assertTrue(mail.auto_delete)
