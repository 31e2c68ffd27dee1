from freezegun import freeze_time

from odoo.tests import Form, tagged

from odoo.addons.mail.tests.common import MailCase
from odoo.addons.sms.tests.common import SMSCase

from .common import DentalLoyaltyCommon


@tagged("post_install", "-at_install")
class TestTierNews(DentalLoyaltyCommon, MailCase, SMSCase):
    """Patients hear of every change of tier, up or down, and once per tier held
    that they are close to the next one; the nightly run waits the grace period
    before taking a tier away."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.patient.write(
            {"email": "lan@example.com", "phone": "+84 912 345 678", "lang": "en_US"}
        )
        cls._set_loyalty_settings(
            channel_tier_change="mail",
            channel_near_tier="mail",
            near_tier_share=10.0,
        )
        cls.Wallet = cls.env["dental.loyalty.wallet"]

    def _mails_to_patient(self):
        return self._new_mails.filtered(lambda mail: self.patient in mail.recipient_ids)

    def test_an_upgrade_is_announced(self):
        with self.mock_mail_gateway():
            self._earn(self.patient, 600)
        self.assertEqual(self.patient.loyalty_tier_id, self.silver)
        self.assertMailMail(
            self.patient,
            "outgoing",
            content="you reached <strong>Silver</strong>",
            fields_values={"subject": "Your loyalty tier is now Silver"},
        )

    def test_a_downgrade_by_the_nightly_run_is_announced(self):
        with freeze_time("2025-01-10"):
            self._earn(self.patient, 600)
        with freeze_time("2026-01-11"), self.mock_mail_gateway():
            self.Wallet._cron_evaluate_tiers()
            self._end_request()
            self.patient.invalidate_recordset()
            self.assertEqual(self.patient.loyalty_tier_id, self.bronze)
            self.assertMailMail(
                self.patient,
                "outgoing",
                content="<strong>Bronze</strong> (it was Silver)",
            )

    def test_tier_news_by_sms_in_the_patients_language_of_the_tier(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.silver.with_context(lang="fr_FR").name = "Argent"
        self.patient.lang = "fr_FR"
        self._set_loyalty_settings(channel_tier_change="sms")
        with self.mockSMSGateway(), self.mock_mail_gateway():
            self._earn(self.patient, 600)
        self.assertSMSOutgoing(
            self.patient, "+84912345678", content="your loyalty tier is now Argent"
        )
        self.assertFalse(self._mails_to_patient())

    def test_a_pin_that_changes_the_tier_is_announced_one_that_keeps_it_is_not(self):
        self._earn(self.patient, 600)
        for tier, announced in ((self.silver, False), (self.gold, True)):
            pin = Form(
                self.env["dental.loyalty.tier.pin"]
                .with_user(self.manager)
                .with_context(default_partner_id=self.patient.id)
            )
            pin.tier_id = tier
            pin.reason = "Founding patient of the clinic"
            with self.mock_mail_gateway():
                pin.save().action_confirm()
            self.assertEqual(bool(self._mails_to_patient()), announced, tier.name)
        self.assertMailMail(
            self.patient, "outgoing", content="you reached <strong>Gold</strong>"
        )

    def test_no_message_when_the_clinic_turned_tier_news_off(self):
        self._set_loyalty_settings(channel_tier_change="none")
        with self.mock_mail_gateway():
            self._earn(self.patient, 600)
        self.assertEqual(self.patient.loyalty_tier_id, self.silver)
        self.assertFalse(self._mails_to_patient())

    # Close to the next tier

    def test_close_to_the_next_tier_is_said_once_per_tier_held(self):
        with self.mock_mail_gateway():
            self._earn(self.patient, 440)  # 60 short of Silver: more than 10 %
        self.assertFalse(self._mails_to_patient())
        with self.mock_mail_gateway():
            self._earn(self.patient, 20)  # 40 short: within 50
        self.assertMailMail(
            self.patient,
            "outgoing",
            content="Points still needed for Silver: 40",
            fields_values={"subject": "You are close to Silver"},
        )
        wallet = self.patient.loyalty_wallet_id
        self.assertEqual(wallet.near_tier_announced_id, self.silver)
        with self.mock_mail_gateway():
            self._earn(self.patient, 10)  # still close: said already
        self.assertFalse(self._mails_to_patient())
        with self.mock_mail_gateway():
            self._earn(self.patient, 30)  # Silver: a new tier held
        self.assertEqual(len(self._mails_to_patient()), 1)
        self.assertFalse(wallet.near_tier_announced_id)
        with self.mock_mail_gateway():
            self._earn(self.patient, 850)  # 1,350: 150 short of Gold
        self.assertMailMail(
            self.patient, "outgoing", content="Points still needed for Gold: 150"
        )
        self.assertEqual(wallet.near_tier_announced_id, self.gold)

    def test_a_jump_past_the_threshold_is_no_closeness(self):
        with self.mock_mail_gateway():
            self._earn(self.patient, 1000)
        # Silver reached, and 500 short of Gold: only the tier change is news.
        self.assertEqual(len(self._mails_to_patient()), 1)
        self.assertMailMail(
            self.patient, "outgoing", content="you reached <strong>Silver</strong>"
        )

    def test_closeness_on_the_amount_spent(self):
        self._set_loyalty_settings(tier_basis="amount")
        with self.mock_mail_gateway():
            self._earn(self.patient, 10, paid_amount=470)
        self.assertMailMail(
            self.patient, "outgoing", content="Spending still needed for Silver"
        )

    def test_nightly_run_tells_patients_made_close_by_a_new_setting_once(self):
        with freeze_time("2026-03-01"):
            self._earn(self.patient, 400)  # 100 short of Silver: 20 %
            self.Wallet._cron_evaluate_tiers()
        self._set_loyalty_settings(near_tier_share=25.0)
        with freeze_time("2026-03-02"), self.mock_mail_gateway():
            self.Wallet._cron_evaluate_tiers()
            self.Wallet._cron_evaluate_tiers()
        self.assertEqual(len(self._mails_to_patient()), 1)
        with freeze_time("2026-03-03"), self.mock_mail_gateway():
            self.Wallet._cron_evaluate_tiers()
        self.assertFalse(self._mails_to_patient())

    def test_pinned_patients_are_not_told_how_close_they_are(self):
        self.patient._dental_loyalty_wallet()._set_tier(
            self.bronze, pinned=True, reason="Staff"
        )
        with self.mock_mail_gateway():
            self._earn(self.patient, 480)
        self.assertFalse(self._mails_to_patient())

    # Downgrade grace

    def test_no_downgrade_within_the_grace_period(self):
        self._set_loyalty_settings(tier_grace_days=90)
        with freeze_time("2025-01-01"):
            self._earn(self.patient, 300)
        with freeze_time("2025-12-01"):
            self._earn(self.patient, 300)  # Silver since today
        self.assertEqual(self.patient.loyalty_tier_id, self.silver)
        with freeze_time("2026-02-28"), self.mock_mail_gateway():
            # The January points left the window: 300 is Bronze, but Silver
            # was reached 89 days ago.
            self.Wallet._cron_evaluate_tiers()
            self.patient.invalidate_recordset()
            self.assertEqual(self.patient.loyalty_tier_id, self.silver)
            self.assertFalse(self._mails_to_patient())
        with freeze_time("2026-03-01"), self.mock_mail_gateway():
            self.Wallet._cron_evaluate_tiers()
            self._end_request()
            self.patient.invalidate_recordset()
            self.assertEqual(self.patient.loyalty_tier_id, self.bronze)
            self.assertEqual(len(self._mails_to_patient()), 1)

    def test_a_tier_without_a_date_has_no_grace(self):
        self._set_loyalty_settings(tier_grace_days=90)
        with freeze_time("2025-01-10"):
            self._earn(self.patient, 600)
        # Wallets from before tiers were dated.
        self.patient.loyalty_wallet_id.sudo().tier_date = False
        with freeze_time("2026-01-11"):
            self.Wallet._cron_evaluate_tiers()
        self.patient.invalidate_recordset()
        self.assertEqual(self.patient.loyalty_tier_id, self.bronze)

    def test_the_grace_period_holds_no_upgrade_back(self):
        self._set_loyalty_settings(tier_grace_days=90)
        with freeze_time("2026-01-01"):
            self._earn(self.patient, 600)
            self._earn(self.patient, 1000)
        self.assertEqual(self.patient.loyalty_tier_id, self.gold)

    # The nightly job: twice posts nothing new; one batch at a time resumes

    def test_nightly_job_in_batches_resumes_without_doubles(self):
        partners = self.env["res.partner"].create(
            [
                {"name": f"Patient {index}", "email": f"p{index}@example.com"}
                for index in range(3)
            ]
        )
        with freeze_time("2025-01-10"):
            for partner in partners:
                self._earn(partner, 600)
        ours = partners._dental_loyalty_wallet()
        # The demo's wallets were evaluated today already: three are left.
        (self.Wallet.search([]) - ours).sudo().tier_evaluated_date = "2026-01-11"
        with freeze_time("2026-01-11"), self.mock_mail_gateway():
            self.assertEqual(self.Wallet._cron_evaluate_tiers(batch_size=2), 1)
            # The scheduler commits here; a failure now loses nothing done.
            self.assertEqual(self.Wallet._cron_evaluate_tiers(batch_size=2), 0)
            self.assertEqual(self.Wallet._cron_evaluate_tiers(batch_size=2), 0)
            self._end_request()
            for partner in partners:
                self.assertEqual(
                    len(
                        self._new_mails.filtered(
                            lambda mail, p=partner: p in mail.recipient_ids
                        )
                    ),
                    1,
                )
        self.assertEqual(
            set(partners.with_company(self.company).loyalty_tier_id.ids),
            {self.bronze.id},
        )
