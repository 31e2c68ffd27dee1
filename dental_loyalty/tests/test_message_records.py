from odoo.exceptions import AccessError
from odoo.tests import Form, new_test_user, tagged
from odoo.tools import SQL, mute_logger

from odoo.addons.mail.tests.common import MailCase

from .common import DentalLoyaltyCommon, load_migration


@tagged("post_install", "-at_install")
class TestMessageRecords(DentalLoyaltyCommon, MailCase):
    """Each clinic's messages are records, one per event: how its patients hear
    of it, with which templates; they are sent once, at the request's end."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.patient.write({"email": "lan@example.com", "lang": "en_US"})
        # A member, who agreed to hear from the programme.
        cls.patient._dental_loyalty_wallet(cls.company)
        cls.Message = cls.env["dental.loyalty.message"]

    def _messages(self, company):
        return self.Message.search([("company_id", "=", company.id)])

    def test_a_new_clinic_gets_every_message_with_the_shipped_choices(self):
        clinic = self.env["res.company"].create({"name": "Second Clinic"})
        messages = self._messages(clinic)
        self.assertEqual(len(messages), 12)
        self.assertEqual(clinic._dental_loyalty_channel("earned"), "none")
        self.assertEqual(clinic._dental_loyalty_channel("birthday"), "both")
        self.assertEqual(clinic._dental_loyalty_channel("tier_change"), "mail")
        birthday = messages.filtered(lambda message: message.event == "birthday")
        self.assertEqual(
            birthday.mail_template_id,
            self.env.ref("dental_loyalty.mail_template_birthday"),
        )
        self.assertEqual(
            birthday.sms_template_id,
            self.env.ref("dental_loyalty.sms_template_birthday"),
        )

    def test_a_manager_chooses_the_channels_in_settings(self):
        # The list shows the events in the order of the company's records.
        index = self.company.dental_loyalty_message_ids.mapped("event").index(
            "birthday"
        )
        settings = Form(self.env["res.config.settings"])
        with settings.dental_loyalty_message_ids.edit(index) as birthday:
            birthday.send_mail = True
            birthday.send_sms = False
        settings.save().execute()
        self.assertEqual(self.company._dental_loyalty_channel("birthday"), "mail")

    def test_managers_edit_the_messages_and_reception_reads_them(self):
        birthday = self.company._dental_loyalty_message("birthday")
        birthday.with_user(self.manager).send_sms = False
        self.assertEqual(self.company._dental_loyalty_channel("birthday"), "mail")
        self.assertTrue(birthday.with_user(self.receptionist).send_mail)
        with self.assertRaises(AccessError):
            birthday.with_user(self.receptionist).send_mail = False

    @mute_logger("odoo.addons.base.models.ir_rule")
    def test_a_clinic_sees_only_its_own_messages(self):
        clinic = self.env["res.company"].create({"name": "Second Clinic"})
        other_manager = new_test_user(
            self.env,
            login="dl_other_messages",
            groups="base.group_user,dental_loyalty.group_dental_loyalty_manager",
            company_id=clinic.id,
            company_ids=[(6, 0, clinic.ids)],
        )
        Message = self.Message.with_user(other_manager)
        self.assertEqual(Message.search([]).company_id, clinic)
        with self.assertRaises(AccessError):
            Message.browse(self.company._dental_loyalty_message("birthday").id).read(
                ["send_mail"]
            )

    def test_what_a_rolled_back_savepoint_created_is_not_written_to(self):
        """Odoo's demo data and some imports roll back a savepoint without
        flushing: the patients it created are gone when the request ends."""
        self._set_loyalty_settings(channel_birthday="mail")
        with self.mock_mail_gateway():
            with self.assertRaises(ValueError), self.env.cr.savepoint(flush=False):
                ghost = self.env["res.partner"].create(
                    {"name": "Ghost", "email": "ghost@example.com"}
                )
                self.env["dental.loyalty.dispatcher"]._notify(
                    ghost, "birthday", points=10
                )
                raise ValueError("rolled back")
            self._end_request()
            self.assertFalse(self._new_mails)

    def test_one_message_for_the_same_news_told_twice_in_a_request(self):
        self.company._dental_loyalty_set_channels(birthday="mail")
        with self.mock_mail_gateway():
            told = self.env["dental.loyalty.dispatcher"]._notify(
                self.patient, "birthday", points=100
            )
            self.env["dental.loyalty.dispatcher"]._notify(
                self.patient, "birthday", points=100
            )
            self.env["dental.loyalty.dispatcher"]._notify(
                self.patient, "birthday", points=50
            )
            self.assertEqual(told, self.patient)
            self.assertFalse(self._new_mails, "sent at the request's end")
        self.assertEqual(len(self._new_mails), 2)

    def _migrate(self, step):
        script = load_migration(f"18.0.1.6.0/{step}-migrate.py")
        script.migrate(self.env.cr, "18.0.1.4.0")

    def test_the_migration_keeps_each_clinics_channels(self):
        clinic = self.env["res.company"].create({"name": "Second Clinic"})
        # The company's fields before the migration, as a database has them.
        for event in ("birthday", "earned", "dormant"):
            self.env.cr.execute(
                SQL(
                    "ALTER TABLE res_company ADD COLUMN %s varchar",
                    SQL.identifier(f"dental_loyalty_channel_{event}"),
                )
            )
        self.env.cr.execute(
            "UPDATE res_company SET dental_loyalty_channel_birthday = 'sms', "
            "dental_loyalty_channel_earned = 'both', "
            "dental_loyalty_channel_dormant = 'none' WHERE id = %s",
            [self.company.id],
        )
        self.env.cr.execute(
            "UPDATE res_company SET dental_loyalty_channel_birthday = 'none', "
            "dental_loyalty_channel_earned = 'mail', "
            "dental_loyalty_channel_dormant = 'mail' WHERE id = %s",
            [clinic.id],
        )
        self._migrate("pre")
        # The update drops the fields' columns before post-migrate.
        for event in ("birthday", "earned", "dormant"):
            self.env.cr.execute(
                SQL(
                    "ALTER TABLE res_company DROP COLUMN %s",
                    SQL.identifier(f"dental_loyalty_channel_{event}"),
                )
            )
        # A clinic whose messages the update has not made yet.
        self._messages(clinic).unlink()
        self._migrate("post")
        self.env.invalidate_all()
        expected = {
            self.company: {"birthday": "sms", "earned": "both", "dormant": "none"},
            clinic: {"birthday": "none", "earned": "mail", "dormant": "mail"},
        }
        for company, channels in expected.items():
            for event, channel in channels.items():
                with self.subTest(company=company.name, event=event):
                    self.assertEqual(company._dental_loyalty_channel(event), channel)
        # Events without a column keep what the clinic had.
        self.assertEqual(clinic._dental_loyalty_channel("tier_change"), "mail")
        self.assertEqual(len(self._messages(clinic)), 12)
