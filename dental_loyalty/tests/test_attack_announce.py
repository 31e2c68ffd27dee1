from odoo.tests import HttpCase, tagged

from odoo.addons.mail.tests.common import MailCase
from odoo.addons.sms.tests.common import SMSCase

from .common import DentalLoyaltyCommon
from .common_pos import PosJsonRpcMixin


@tagged("post_install", "-at_install", "dental_loyalty_slow")
class TestAnnounceOverTheWire(
    PosJsonRpcMixin, DentalLoyaltyCommon, MailCase, SMSCase, HttpCase
):
    """Odoo's composers are anyone's: a cashier or the front desk may create
    one over JSON-RPC naming a campaign and its announcement's template. A
    campaign is announced only by who may edit it (its clinic's loyalty
    managers), only to whom it is for, and only while it runs."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Rule = cls.env["dental.loyalty.earning.rule"]
        # The demo's campaigns are the demo's: these tests name their own.
        Rule.search([]).active = False
        cls.cashier = cls._new_user(
            "dl_announce_cashier", "base.group_user,point_of_sale.group_pos_user"
        )
        cls.staff = cls.env["res.partner.category"].create({"name": "Staff and family"})
        Partner = cls.env["res.partner"]
        cls.insider, cls.outsider, cls.other = (
            Partner.create(
                {
                    "name": name,
                    "email": f"{name.split()[0].lower()}@example.com",
                    "mobile": f"+3245611{number:04d}",
                    "lang": "en_US",
                    "category_id": [(6, 0, cls.staff.ids if number == 1 else [])],
                }
            )
            for number, name in enumerate(
                ("Hoa Staff", "Long Other", "Mai Other"), start=1
            )
        )
        cls.campaign = Rule.create(
            {
                "name": "Staff and family x2",
                "is_campaign": True,
                "audience": "tags",
                "tag_ids": [(6, 0, cls.staff.ids)],
                "multiplier": 2.0,
            }
        )
        chicago = cls.env["res.company"].create({"name": "Chicago clinic"})
        cls.foreign = Rule.create(
            {
                "name": "CHICAGO-SECRET campaign",
                "company_id": chicago.id,
                "is_campaign": True,
                "effect": "per_bill",
                "bonus_points": 5,
            }
        )
        cls.archived = Rule.create(
            {
                "name": "ARCHIVED campaign",
                "is_campaign": True,
                "effect": "per_bill",
                "bonus_points": 5,
                "active": False,
            }
        )
        cls.mail_template = cls.env.ref(
            "dental_loyalty.mail_template_campaign_announcement"
        )
        cls.sms_template = cls.env.ref(
            "dental_loyalty.sms_template_campaign_announcement"
        )

    def setUp(self):
        super().setUp()
        for partner in self.insider | self.outsider | self.other:
            partner.with_user(self.receptionist)._dental_loyalty_join(
                self.company, consent_mail=True, consent_sms=True
            )
        self.everyone = (self.insider | self.outsider | self.other).ids

    def _mail_composer(self, campaign, template=None, context=None):
        """(composer id, error) of the mass mail composer a client creates."""
        vals = {
            "model": "res.partner",
            "composition_mode": "mass_mail",
            "res_ids": str(self.everyone),
            "template_id": (template or self.mail_template).id,
        }
        if campaign is not None:
            vals["dental_loyalty_campaign_id"] = campaign
        return self._call_kw(
            "mail.compose.message", "create", [vals], {"context": context or {}}
        )

    def _sms_composer(self, campaign, context=None):
        vals = {
            "res_model": "res.partner",
            "composition_mode": "mass",
            "res_ids": str(self.everyone),
            "template_id": self.sms_template.id,
            "mass_keep_log": True,
        }
        if campaign is not None:
            vals["dental_loyalty_campaign_id"] = campaign
        return self._call_kw(
            "sms.composer", "create", [vals], {"context": context or {}}
        )

    def _send_mail(self, composer_id, context=None):
        with self.mock_mail_gateway():
            answer = self._call_kw(
                "mail.compose.message",
                "action_send_mail",
                [[composer_id]],
                {"context": context or {}},
            )
        return answer

    def test_the_front_desk_may_not_announce_a_campaign_by_mail(self):
        for user in (self.cashier, self.receptionist):
            self.authenticate(user.login, user.login)
            composer_id, error = self._mail_composer(self.campaign.id)
            self.assertIsNone(composer_id, user.login)
            self.assertIn("Only a loyalty manager", error["message"])
            # Naming it only in the send's context is no way round.
            composer_id, error = self._mail_composer(None)
            self.assertIsNone(error)
            _answer, error = self._send_mail(
                composer_id, {"dental_loyalty_campaign_id": self.campaign.id}
            )
            self.assertIn("Only a loyalty manager", error["message"])
            # Without any campaign, the announcement's template says nothing.
            _answer, error = self._send_mail(composer_id)
            self.assertIn("sent from a campaign's Announce button", error["message"])
            # Nor naming it once the composer is made.
            _done, error = self._call_kw(
                "mail.compose.message",
                "write",
                [[composer_id], {"dental_loyalty_campaign_id": self.campaign.id}],
                {},
            )
            self.assertIn("Only a loyalty manager", error["message"])
            self.assertFalse(self._new_mails)

    def test_the_front_desk_may_not_announce_a_campaign_by_sms(self):
        for user in (self.cashier, self.receptionist):
            self.authenticate(user.login, user.login)
            composer_id, error = self._sms_composer(self.campaign.id)
            self.assertIsNone(composer_id, user.login)
            self.assertIn("Only a loyalty manager", error["message"])
            composer_id, error = self._sms_composer(None)
            self.assertIsNone(error)
            with self.mockSMSGateway():
                _answer, error = self._call(
                    "sms.composer", "action_send_sms", [composer_id]
                )
            self.assertIn("sent from a campaign's Announce button", error["message"])
            self.assertFalse(self._new_sms)

    def test_a_campaign_the_user_may_not_announce_is_refused_in_words(self):
        self.authenticate(self.cashier.login, self.cashier.login)
        for value in (self.foreign.id, self.archived.id):
            composer_id, error = self._mail_composer(value)
            self.assertIsNone(composer_id)
            self.assertIn("Only a loyalty manager", error["message"])
            self.assertNotIn("SECRET", error["message"])
        for value in ("x", 2**40, -5, [3], 3.5, True):
            composer_id, error = self._mail_composer(value)
            self.assertIsNone(composer_id, value)
            self.assertIn("This is not a campaign", error["message"])
        # A manager of the clinic: not another clinic's, not an archived one.
        self.authenticate(self.manager.login, self.manager.login)
        _composer_id, error = self._mail_composer(self.foreign.id)
        self.assertIn("Only a loyalty manager", error["message"])
        _composer_id, error = self._mail_composer(self.archived.id)
        self.assertIn("Only an active campaign", error["message"])

    def test_the_managers_announcement_goes_to_the_audience_only(self):
        self.authenticate(self.manager.login, self.manager.login)
        composer_id, error = self._mail_composer(self.campaign.id)
        self.assertIsNone(error)
        composer, _error = self._call(
            "mail.compose.message", "read", [composer_id], ["dental_loyalty_warning"]
        )
        self.assertIn(
            "2 of the 3 selected patients are not among whom the campaign is for",
            composer[0]["dental_loyalty_warning"],
        )
        answer, error = self._send_mail(composer_id)
        self.assertIsNone(error)
        self.assertEqual(self._new_mails.recipient_ids, self.insider)
        self.assertIn("Staff and family x2", self._new_mails.subject)
        self.assertIn(
            "Not sent to 2 patient(s) the campaign is not for",
            answer["params"]["message"],
        )
        composer_id, error = self._sms_composer(self.campaign.id)
        with self.mockSMSGateway():
            answer, error = self._call("sms.composer", "action_send_sms", [composer_id])
        self.assertIsNone(error)
        self.assertEqual(self._new_sms.partner_id, self.insider)
        self.assertIn("Staff and family x2", self._new_sms.body)
        self.assertIn(
            "2 patient(s) the campaign is not for", answer["params"]["message"]
        )

    def test_an_announcement_is_not_scheduled(self):
        self.authenticate(self.manager.login, self.manager.login)
        composer_id, error = self._call_kw(
            "mail.compose.message",
            "create",
            [
                {
                    "model": "res.partner",
                    "composition_mode": "comment",
                    "res_ids": str(self.outsider.ids),
                    "template_id": self.mail_template.id,
                    "dental_loyalty_campaign_id": self.campaign.id,
                }
            ],
            {},
        )
        self.assertIsNone(error)
        _done, error = self._call(
            "mail.compose.message", "action_schedule_message", [composer_id]
        )
        self.assertIn("is sent now, not scheduled", error["message"])
        self.assertFalse(self.env["mail.scheduled.message"].search([]))

    def test_a_campaign_is_checked_again_when_the_composer_sends(self):
        self.authenticate(self.manager.login, self.manager.login)
        composer_id, error = self._mail_composer(self.campaign.id)
        self.assertIsNone(error)
        self.campaign.date_to = "2020-01-31"
        self.env.flush_all()
        _answer, error = self._send_mail(composer_id)
        self.assertIn("is over", error["message"])
        self.assertFalse(self._new_mails)
