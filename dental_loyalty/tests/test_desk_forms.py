from odoo.tests import Form, tagged

from .common import DentalLoyaltyCommon


@tagged("post_install", "-at_install")
class TestReferrerInTheContactForm(DentalLoyaltyCommon):
    """The contact form (the register's customer editor too) names the
    referrer as soon as a referral code is typed, or says what is wrong."""

    def test_the_typed_code_names_the_referrer_at_once(self):
        self.patient.dental_referral_code = "LAN23456"
        form = Form(self.env["res.partner"])
        form.name = "Newcomer"
        self.assertFalse(form.dental_referred_by_name)
        form.dental_referred_by_code = "nope-2345"
        self.assertEqual(
            form.dental_referred_by_name, "No patient has the referral code NOPE2345."
        )
        form.dental_referred_by_code = "lan-2345 6"
        self.assertEqual(form.dental_referred_by_name, self.patient.name)

    def test_a_code_no_database_can_hold_names_nobody(self):
        # A lone surrogate (JSON's "\ud800") cannot reach PostgreSQL: no code.
        form = Form(self.env["res.partner"].with_user(self.receptionist))
        form.name = "Newcomer"
        form.dental_referred_by_code = "lan\ud800"
        self.assertFalse(form.dental_referred_by_name)

    def test_the_patients_own_code_says_so(self):
        self.patient.dental_referral_code = "LAN23456"
        form = Form(self.patient)
        form.dental_referred_by_code = "LAN23456"
        self.assertEqual(
            form.dental_referred_by_name, "This is the patient's own referral code."
        )

    def test_a_code_of_a_contact_the_user_may_not_read_names_no_one(self):
        other_company = self.env["res.company"].create({"name": "Other Clinic"})
        hidden = self.env["res.partner"].create(
            {"name": "Hidden Referrer", "company_id": other_company.id}
        )
        hidden.dental_referral_code = "HIDE2345"
        self.assertFalse(hidden.with_user(self.receptionist).has_access("read"))
        form = Form(self.env["res.partner"].with_user(self.receptionist))
        form.name = "Newcomer"
        form.dental_referred_by_code = "HIDE2345"
        self.assertEqual(
            form.dental_referred_by_name, "No patient has the referral code HIDE2345."
        )
