from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from odoo.addons.mail.tests.common import MailCase
from odoo.addons.sms.tests.common import SMSCase

from .common import DentalLoyaltyCommon


@tagged("post_install", "-at_install")
class TestCampaignAnnounce(DentalLoyaltyCommon, MailCase, SMSCase):
    """A campaign told to the patients it is for: its Announce buttons open
    Odoo's composers in mass mode on the members of its audience, and only
    those who agreed to the programme's email (SMS) hear of it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The demo's campaigns are the demo's: these tests name their own.
        cls.env["dental.loyalty.earning.rule"].search([]).active = False
        cls.staff = cls.env["res.partner.category"].create({"name": "Staff and family"})
        Partner = cls.env["res.partner"]

        def patient(name, number, tagged_staff=True):
            return Partner.create(
                {
                    "name": name,
                    "email": f"{name.split()[0].lower()}@example.com",
                    "mobile": f"+3245600{number:04d}",
                    "lang": "en_US",
                    "category_id": [(6, 0, cls.staff.ids if tagged_staff else [])],
                }
            )

        cls.agrees = patient("Hoa Staff", 1)
        cls.refuses = patient("Khanh Staff", 2)
        cls.untagged = patient("Long Other", 3, tagged_staff=False)
        cls.outsider = patient("Mai Notmember", 4)
        cls.campaign = cls.env["dental.loyalty.earning.rule"].create(
            {
                "name": "Staff and family x2",
                "is_campaign": True,
                "description": "Double points for our staff and their families.",
                "audience": "tags",
                "tag_ids": [(6, 0, cls.staff.ids)],
                "multiplier": 2.0,
            }
        )

    def setUp(self):
        super().setUp()
        for partner, agrees in (
            (self.agrees, True),
            (self.refuses, False),
            (self.untagged, True),
        ):
            partner.with_user(self.receptionist)._dental_loyalty_join(
                self.company, consent_mail=agrees, consent_sms=agrees
            )

    def _composer(self, action):
        composer = self.env[action["res_model"]].with_user(self.manager)
        return Form(composer.with_context(**action["context"]))

    def test_the_mail_goes_to_the_members_it_is_for_who_agreed(self):
        action = self.campaign.with_user(self.manager).action_announce_mail()
        form = self._composer(action)
        # The composer says beforehand how many it leaves out.
        self.assertIn("1 of the 2 selected patients", form.dental_loyalty_warning)
        composer = form.save()
        with self.mock_mail_gateway():
            answer = composer.action_send_mail()
        self.assertEqual(len(self._new_mails), 1)
        self.assertMailMail(
            self.agrees,
            "sent",
            author=self.manager.partner_id,
            content="Points x2",
            fields_values={"subject": "Staff and family x2"},
            email_values={"email_from": self.company.email_formatted},
        )
        self.assertIn("Double points for our staff", self._new_mails.body_html)
        self.assertEqual(answer["params"]["type"], "warning")
        self.assertIn("Not sent to 1 patient(s)", answer["params"]["message"])

    def test_the_sms_goes_to_the_members_it_is_for_who_agreed(self):
        self.campaign.write({"date_from": "2099-03-01", "date_to": "2099-03-31"})
        action = self.campaign.with_user(self.manager).action_announce_sms()
        composer = self._composer(action).save()
        self.assertEqual(
            set(composer._get_records().ids), {self.agrees.id, self.refuses.id}
        )
        with self.mockSMSGateway():
            answer = composer.action_send_sms()
        self.assertEqual(len(self._new_sms), 1)
        self.assertIn("Not sent to 1 patient(s)", answer["params"]["message"])
        self.assertSMSOutgoing(
            self.agrees, "+32456000001", content="Staff and family x2: Points x2"
        )
        self.assertIn("03/01/2099", self._new_sms.body)

    def test_another_template_still_respects_consent(self):
        action = self.campaign.with_user(self.manager).action_announce_mail()
        form = self._composer(action)
        form.template_id = self.env["mail.template"]
        form.subject = "Come and see us"
        form.body = "<p>Double points for you this month.</p>"
        with self.mock_mail_gateway():
            form.save().action_send_mail()
        self.assertEqual(len(self._new_mails), 1)
        self.assertMailMail(
            self.agrees,
            "sent",
            author=self.manager.partner_id,
            content="Double points for you",
        )

    def test_the_audience_is_the_rules_members_only(self):
        Rule = self.env["dental.loyalty.earning.rule"]
        everyone = Rule.create(
            {"name": "Everyone", "is_campaign": True, "multiplier": 2.0}
        )
        members = everyone._audience_members()
        self.assertIn(self.untagged, members)
        self.assertNotIn(self.outsider, members)
        chosen = Rule.create(
            {
                "name": "Chosen",
                "is_campaign": True,
                "audience": "patients",
                "partner_ids": [(6, 0, (self.untagged | self.outsider).ids)],
                "multiplier": 2.0,
            }
        )
        self.assertEqual(chosen._audience_members(), self.untagged)
        newcomers = Rule.create(
            {
                "name": "First visit",
                "is_campaign": True,
                "audience": "first_visit",
                "effect": "per_bill",
                "bonus_points": 100,
            }
        )
        # None of them has had a paid visit yet.
        self.assertEqual(
            newcomers._audience_members() & (self.agrees | self.untagged),
            self.agrees | self.untagged,
        )
        self.assertEqual(self.campaign._audience_members(), self.agrees | self.refuses)

    def test_only_a_manager_announces_a_running_campaign(self):
        with self.assertRaises(AccessError):
            self.campaign.with_user(self.receptionist).action_announce_mail()
        self.campaign.date_to = "2020-01-31"
        with self.assertRaisesRegex(UserError, "is over"):
            self.campaign.with_user(self.manager).action_announce_mail()
        self.campaign.write({"date_to": False, "is_campaign": False})
        with self.assertRaisesRegex(UserError, "Only an active campaign"):
            self.campaign.with_user(self.manager).action_announce_sms()

    def test_the_front_desk_reads_the_campaigns_open_to_a_patient(self):
        self.campaign.date_from = "2099-01-01"
        Partner = self.env["res.partner"].with_user(self.receptionist)
        # Starting in years: not open yet.
        self.assertFalse(Partner.browse(self.agrees.id).dental_loyalty_campaign_ids)
        self.campaign.date_from = False
        self.env.invalidate_all()
        patients = Partner.browse((self.agrees | self.untagged | self.outsider).ids)
        self.assertEqual(
            [patient.dental_loyalty_campaign_ids for patient in patients],
            [self.campaign, self.campaign.browse(), self.campaign.browse()],
        )

    def test_the_campaigns_values_render_for_who_may_announce_it(self):
        template = self.env.ref("dental_loyalty.mail_template_campaign_announcement")
        named = template.with_context(dental_loyalty_campaign_id=self.campaign.id)
        body = named.with_user(self.manager)._render_field(
            "body_html", self.agrees.ids
        )[self.agrees.id]
        self.assertIn("Double points for our staff", body)
        # The front desk may render the template, not a campaign into it.
        with self.assertRaisesRegex(AccessError, "Only a loyalty manager"):
            named.with_user(self.receptionist)._render_field(
                "body_html", self.agrees.ids
            )
        body = template.with_user(self.receptionist)._render_field(
            "body_html", self.agrees.ids
        )[self.agrees.id]
        self.assertNotIn("Double points for our staff", body)
        self.assertNotIn("Staff and family x2", body)
