from freezegun import freeze_time

from odoo.tests import Form, new_test_user, tagged

from odoo.addons.mail.tests.common import MailCase
from odoo.addons.sms.tests.common import SMSCase

from .common import DentalLoyaltyCommon


@tagged("post_install", "-at_install")
class TestSegments(DentalLoyaltyCommon, MailCase, SMSCase):
    """Segments of patients are plain searchable fields: the contacts' filters,
    Email Marketing, mass SMS and the composers all take them as domains."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._set_loyalty_settings(dormant_months=6, near_tier_share=10)
        Partner = cls.env["res.partner"]
        cls.absent = Partner.create(
            {
                "name": "Absent",
                "email": "absent@example.com",
                "phone": "+84 912 000 001",
                "dental_birthday": "1985-03-14",
            }
        )
        cls.regular = Partner.create(
            {
                "name": "Regular",
                "email": "regular@example.com",
                "dental_birthday": "1990-07-22",
            }
        )
        cls.newcomer = Partner.create({"name": "Newcomer"})
        cls.ours = cls.absent | cls.regular | cls.newcomer | cls.patient
        cls.Partner = Partner
        cls.marketing = new_test_user(
            cls.env, login="dl_marketing", groups="base.group_user"
        )
        # Scheduling activities on contacts takes Odoo's right to edit them.
        cls.clinic_manager = new_test_user(
            cls.env,
            login="dl_clinic_manager",
            groups="base.group_user,base.group_partner_manager,"
            "dental_loyalty.group_dental_loyalty_manager",
        )

    def _search(self, domain, user=None):
        partners = self.Partner.with_user(user or self.receptionist)
        return partners.search([("id", "in", self.ours.ids), *domain])

    def _visits(self):
        with freeze_time("2026-01-10"):
            self._earn(self.absent, 460, date="2026-01-10")
        with freeze_time("2026-06-01"):
            self._earn(self.regular, 300, date="2026-06-01")

    def test_not_seen_for_months(self):
        self._visits()
        with freeze_time("2026-07-11"):
            self.assertEqual(
                self._search([("loyalty_not_seen", "=", True)]), self.absent
            )
            self.assertEqual(
                self._search([("loyalty_not_seen", "=", False)]),
                self.ours - self.absent,
            )
            self.absent.invalidate_recordset()
            self.assertTrue(self.absent.loyalty_not_seen)
            self.assertFalse(self.regular.loyalty_not_seen)
        with freeze_time("2026-07-10"):  # six months to the day: not more
            self.assertFalse(self._search([("loyalty_not_seen", "=", True)]))
        self._set_loyalty_settings(dormant_months=1)
        with freeze_time("2026-07-11"):
            self.assertEqual(
                self._search([("loyalty_not_seen", "=", True)]),
                self.absent | self.regular,
            )

    def test_birthday_this_month(self):
        with freeze_time("2026-03-05"):
            self.assertEqual(
                self._search([("loyalty_birthday_this_month", "=", True)]),
                self.absent,
            )
            self.assertEqual(
                self._search([("loyalty_birthday_this_month", "!=", True)]),
                self.ours - self.absent,
            )
            self.absent.invalidate_recordset()
            self.assertTrue(self.absent.loyalty_birthday_this_month)
        with freeze_time("2026-07-01"):
            self.assertEqual(
                self._search([("loyalty_birthday_this_month", "=", True)]),
                self.regular,
            )

    def test_close_to_the_next_tier(self):
        self._visits()  # 460 of Silver's 500: within 10 %; 300 is not
        pinned = self.patient
        self._earn(pinned, 480)
        pinned._dental_loyalty_wallet()._set_tier(
            self.bronze, pinned=True, reason="Staff"
        )
        self.assertEqual(self._search([("loyalty_near_tier", "=", True)]), self.absent)
        self.ours.invalidate_recordset()
        self.assertEqual(self.ours.filtered("loyalty_near_tier"), self.absent)
        self.assertEqual(
            self._search([("loyalty_near_tier", "=", False)]), self.ours - self.absent
        )

    def test_points_expiring_within_30_days(self):
        with freeze_time("2025-07-01"):
            self._earn(self.absent, 100)  # expires 2026-07-01
        with freeze_time("2025-09-01"):
            self._earn(self.regular, 200)  # expires 2026-09-01
        with freeze_time("2026-06-15"):
            self.assertEqual(
                self._search([("loyalty_points_expiring", ">", 0)]), self.absent
            )
            self.assertEqual(
                self._search([("loyalty_points_expiring", ">=", 100)]), self.absent
            )
            self.assertFalse(self._search([("loyalty_points_expiring", ">", 100)]))
            self.assertEqual(
                self._search([("loyalty_points_expiring", "=", 0)]),
                self.ours - self.absent,
            )
            self.assertEqual(
                self._search([("loyalty_points_expiring", "<", 50)]),
                self.ours - self.absent,
            )
            self.absent.invalidate_recordset()
            self.assertEqual(self.absent.loyalty_points_expiring, 100)
        with freeze_time("2026-08-15"):
            self.Wallet._cron_expire_lots()  # the night wrote the July lot off
            self.assertEqual(
                self._search([("loyalty_points_expiring", ">", 0)]), self.regular
            )

    def test_by_tier_filter_and_group_by(self):
        self._earn(self.absent, 600)
        self.assertEqual(
            self._search([("loyalty_tier_id", "=", self.silver.id)]), self.absent
        )
        self.assertTrue(
            self.Partner.fields_get(["loyalty_tier_id"], ["groupable"])[
                "loyalty_tier_id"
            ]["groupable"]
        )
        groups = self.Partner.with_user(self.receptionist)._read_group(
            [("id", "in", self.ours.ids)], ["loyalty_tier_id"], ["__count"]
        )
        # Patients without a wallet hold the lowest tier, as their form says.
        self.assertEqual(dict(groups), {self.silver: 1, self.bronze: 3})
        # Sorting the list by tier goes through the same SQL.
        self.assertEqual(
            self.Partner.search(
                [("id", "in", self.ours.ids)], order="loyalty_tier_id desc, id"
            )[:1],
            self.absent,
        )

    def test_a_user_without_loyalty_rights_can_target_a_segment(self):
        self._visits()
        with freeze_time("2026-07-11"):
            self.assertEqual(
                self._search([("loyalty_not_seen", "=", True)], self.marketing),
                self.absent,
            )
            self.assertEqual(
                self._search([("loyalty_near_tier", "=", True)], self.marketing),
                self.absent,
            )

    def test_the_shipped_filters_run(self):
        self._visits()
        arch = self.Partner.with_user(self.receptionist).get_views(
            [(self.env.ref("base.view_res_partner_filter").id, "search")]
        )["views"]["search"]["arch"]
        for name in (
            "loyalty_not_seen",
            "loyalty_birthday_this_month",
            "loyalty_near_tier",
            "loyalty_points_expiring",
            "group_loyalty_tier",
        ):
            self.assertIn(f'name="{name}"', arch)
        with freeze_time("2026-07-11"):
            for domain in (
                [("loyalty_not_seen", "=", True)],
                [("loyalty_birthday_this_month", "=", True)],
                [("loyalty_near_tier", "=", True)],
                [("loyalty_points_expiring", ">", 0)],
            ):
                self.Partner.with_user(self.receptionist).search_count(domain)

    # From a segment to the patients: Odoo's composers and activities

    def test_mail_composer_in_mass_mode_on_a_segment(self):
        self._visits()
        with freeze_time("2026-07-11"):
            segment = self._search([("loyalty_not_seen", "=", True)], self.manager)
            composer = Form(
                self.env["mail.compose.message"]
                .with_user(self.manager)
                .with_context(
                    default_model="res.partner",
                    default_composition_mode="mass_mail",
                    active_ids=segment.ids,
                )
            )
            composer.subject = "We miss you"
            composer.body = "<p>It has been a while: book your check-up.</p>"
            with self.mock_mail_gateway():
                composer.save().action_send_mail()
        self.assertEqual(len(self._new_mails), 1)
        self.assertMailMail(
            self.absent,
            "sent",
            author=self.manager.partner_id,
            content="book your check-up",
            fields_values={"subject": "We miss you"},
        )

    def test_sms_composer_in_mass_mode_on_a_segment(self):
        with freeze_time("2026-03-05"):
            segment = self._search(
                [("loyalty_birthday_this_month", "=", True)], self.manager
            )
            composer = Form(
                self.env["sms.composer"]
                .with_user(self.manager)
                .with_context(
                    default_composition_mode="mass",
                    default_res_model="res.partner",
                    default_res_ids=segment.ids,
                    default_mass_keep_log=True,
                )
            )
            composer.body = "Happy birthday month! 2 for 1 on scale and polish."
            with self.mockSMSGateway():
                composer.save().action_send_sms()
        self.assertSMSOutgoing(self.absent, "+84912000001", content="Happy birthday")
        self.assertEqual(len(self._new_sms), 1)

    def test_activities_scheduled_on_a_segment(self):
        self._visits()
        with freeze_time("2026-07-11"):
            segment = self._search(
                [("loyalty_near_tier", "=", True)], self.clinic_manager
            )
            segment |= self.regular
            schedule = Form(
                self.env["mail.activity.schedule"]
                .with_user(self.clinic_manager)
                .with_context(active_model="res.partner", active_ids=segment.ids)
            )
            schedule.activity_type_id = self.env.ref("mail.mail_activity_data_call")
            schedule.summary = "Offer a check-up"
            schedule.activity_user_id = self.receptionist
            schedule.save().action_schedule_activities()
        activities = self.env["mail.activity"].search(
            [("res_model", "=", "res.partner"), ("summary", "=", "Offer a check-up")]
        )
        self.assertEqual(set(activities.mapped("res_id")), set(segment.ids))
        self.assertEqual(activities.user_id, self.receptionist)
