from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import DentalLoyaltyCommon


@tagged("post_install", "-at_install")
class TestMembership(DentalLoyaltyCommon):
    """Who is a member of the programme, since when, and what they agreed to
    hear from it; reception joins patients and records their consent."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.clinic_company = cls.env["res.partner"].create(
            {"name": "Deco Addict", "is_company": True}
        )

    def _own_wallet(self, partner):
        return partner._dental_loyalty_own_wallet(self.company)

    def test_the_clinic_enrols_every_new_patient_by_default(self):
        self.assertEqual(self.company.dental_loyalty_enrolment, "auto")
        settings = self.env["res.config.settings"].create({})
        self.assertEqual(settings.dental_loyalty_enrolment, "auto")
        settings.dental_loyalty_enrolment = "ask"
        settings.execute()
        self.assertEqual(self.company.dental_loyalty_enrolment, "ask")

    def test_a_person_joins_automatically_with_consent_a_company_never(self):
        self.assertTrue(self.patient._dental_loyalty_joins_automatically())
        self.assertFalse(self.clinic_company._dental_loyalty_joins_automatically())
        with freeze_time("2026-02-03"):
            wallet = self.patient._dental_loyalty_member_wallet(self.company)
            none = self.clinic_company._dental_loyalty_member_wallet(self.company)
        self.assertEqual(wallet.member_since.isoformat(), "2026-02-03")
        self.assertTrue(wallet.consent_mail and wallet.consent_sms)
        self.assertFalse(none)
        self.assertFalse(self._own_wallet(self.clinic_company))

    def test_in_ask_mode_nobody_joins_by_themselves(self):
        self._set_loyalty_settings(enrolment="ask")
        self.assertFalse(self.patient._dental_loyalty_joins_automatically())
        self.assertFalse(self.patient._dental_loyalty_member_wallet(self.company))
        self.assertFalse(self._own_wallet(self.patient))
        # A wallet the engine opens otherwise (a manager's hand) asks no consent.
        wallet = self.patient._dental_loyalty_wallet(self.company)
        self.assertFalse(wallet.consent_mail or wallet.consent_sms)

    def test_reception_joins_a_patient_with_their_consent_on_the_chatter(self):
        self._set_loyalty_settings(enrolment="ask")
        patient = self.patient.with_user(self.receptionist)
        self.assertFalse(patient.loyalty_is_member)
        with freeze_time("2026-02-03"):
            wallet = patient._dental_loyalty_join(consent_mail=True, consent_sms=False)
        self.assertEqual(wallet, self._own_wallet(self.patient))
        patient.invalidate_recordset()
        self.assertTrue(patient.loyalty_is_member)
        self.assertEqual(patient.loyalty_member_since.isoformat(), "2026-02-03")
        self.assertTrue(patient.loyalty_consent_mail)
        self.assertFalse(patient.loyalty_consent_sms)
        note = wallet.message_ids.filtered(
            lambda message: "Joined the loyalty programme" in str(message.body)
        )
        self.assertEqual(note.author_id, self.receptionist.partner_id)
        self.assertIn("to SMS: no", str(note.body))
        self.assertIn(patient, patient.search([("loyalty_is_member", "=", True)]))
        self.assertNotIn(
            self.clinic_company,
            patient.search([("loyalty_is_member", "=", True)]),
        )

    def test_a_loyalty_user_may_enrol_a_company_by_hand(self):
        company = self.clinic_company.with_user(self.receptionist)
        wallet = company._dental_loyalty_join(consent_mail=False, consent_sms=False)
        self.assertTrue(wallet)
        self.assertEqual(company._dental_loyalty_member_wallet(self.company), wallet)

    def test_consent_is_revoked_and_granted_again_from_the_form_tracked(self):
        self.patient._dental_loyalty_wallet(self.company)
        wallet = self._own_wallet(self.patient)
        # A later request: the one that opens a wallet tracks nothing on it.
        self._end_request()
        self.env.invalidate_all()
        # The form's Revoke button, as a receptionist who cannot edit contacts.
        patient = self.patient.with_user(self.receptionist)
        patient.with_context(
            dental_loyalty_consent_mail=False
        ).action_dental_loyalty_consent()
        self.assertFalse(wallet.consent_mail)
        self.assertTrue(wallet.consent_sms)
        patient.invalidate_recordset()
        self.assertFalse(patient.loyalty_consent_mail)
        self._end_request()  # tracking is written when the request ends
        tracked = wallet.message_ids.filtered(
            lambda message: message.tracking_value_ids.filtered(
                lambda value: value.field_id.name == "consent_mail"
            )
        )
        self.assertEqual(tracked.author_id, self.receptionist.partner_id)
        patient.with_context(
            dental_loyalty_consent_mail=True
        ).action_dental_loyalty_consent()
        self.assertTrue(wallet.consent_mail)
        with self.assertRaisesRegex(UserError, "yes or no"):
            patient.with_context(
                dental_loyalty_consent_sms="no"
            ).action_dental_loyalty_consent()

    def test_the_join_dialog_joins_with_the_choices_made(self):
        self._set_loyalty_settings(enrolment="ask")
        action = self.patient.with_user(self.receptionist).action_dental_loyalty_join()
        dialog = Form(
            self.env[action["res_model"]]
            .with_user(self.receptionist)
            .with_context(**action["context"])
        )
        dialog.consent_sms = True
        dialog.save().action_join()
        wallet = self._own_wallet(self.patient)
        self.assertFalse(wallet.consent_mail)
        self.assertTrue(wallet.consent_sms)

    def test_only_loyalty_users_join_patients_or_change_consent(self):
        clerk = self._new_user("dl_clerk", "base.group_user")
        self._set_loyalty_settings(enrolment="ask")
        with self.assertRaises(AccessError):
            self.patient.with_user(clerk)._dental_loyalty_join(consent_mail=True)
        self.patient._dental_loyalty_join(consent_mail=True)
        with self.assertRaises(AccessError):
            self.patient.with_user(clerk)._dental_loyalty_set_consent(mail=False)
        # Users read wallets only: consent goes through the partner's method.
        with self.assertRaises(AccessError):
            self._own_wallet(self.patient).with_user(self.receptionist).write(
                {"consent_mail": False}
            )
        self.assertTrue(self._own_wallet(self.patient).consent_mail)

    def test_a_non_member_has_no_consent_to_set(self):
        with self.assertRaisesRegex(UserError, "Lan Nguyen is not a member"):
            self.patient.with_user(self.receptionist)._dental_loyalty_set_consent(
                mail=True
            )
