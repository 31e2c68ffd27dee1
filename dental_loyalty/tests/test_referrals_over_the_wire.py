from odoo.tests import HttpCase, new_test_user, tagged

from .common_pos import PosJsonRpcMixin
from .test_referrals import ReferralCommon


@tagged("post_install", "-at_install", "dental_loyalty_slow")
class TestReferralsOverTheWire(PosJsonRpcMixin, ReferralCommon, HttpCase):
    """A Point of Sale user saves a customer with a referral code from the
    register's editor (a form, saved through web_save): the referral is made by
    the engine, a refusal comes back as a message and leaves nothing behind."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Odoo gives new users Contact Creation: the register's editor needs it.
        cls.cashier.groups_id += cls.env.ref("base.group_partner_manager")

    def setUp(self):
        super().setUp()
        self.authenticate(self.cashier.login, self.cashier.login)

    def _save_new(self, vals):
        return self._call(
            "res.partner",
            "web_save",
            [],
            vals,
            {"dental_referral_code": {}, "dental_referred_by_code": {}},
        )

    def test_a_cashier_refers_through_the_partner_save_only(self):
        saved, error = self._save_new(
            {
                "name": "Quynh Dang",
                "phone": "+84 90 765 4321",
                "dental_referred_by_code": "minh2345",
            }
        )
        self.assertIsNone(error)
        self.assertEqual(saved[0]["dental_referred_by_code"], "MINH2345")
        newcomer = self.env["res.partner"].browse(saved[0]["id"])
        referral = self.Referral.search([("referred_id", "=", newcomer.id)])
        self.assertRecordValues(
            referral, [{"referrer_id": self.patient.id, "state": "pending"}]
        )
        result, error = self._save_new(
            {
                "name": "Same Address",
                "email": "minh.tran@example.com",
                "dental_referred_by_code": "MINH2345",
            }
        )
        self.assertIsNone(result)
        self.assertEqual(error["name"], "odoo.exceptions.UserError")
        self.assertIn("has the same e-mail address as Minh Tran", error["message"])
        self.assertFalse(
            self.env["res.partner"].search([("name", "=", "Same Address")])
        )
        self.assertEqual(self.Referral.search_count([]), 1)
        for call in [
            ("create", [{"referrer_id": self.patient.id, "referred_id": newcomer.id}]),
            ("write", [referral.id], {"state": "rewarded"}),
        ]:
            with self.subTest(call=call[0]):
                _result, error = self._call("dental.loyalty.referral", *call)
                self.assertEqual(error["name"], "odoo.exceptions.AccessError")
        _result, error = self._call("dental.loyalty.referral", "_reward", [referral.id])
        self.assertIsNotNone(error)
        referral.invalidate_recordset()
        self.assertEqual(referral.state, "pending")

    def test_a_cashier_cannot_give_a_patient_another_referral_code(self):
        """A code is the engine's: whoever may edit contacts cannot move a
        referrer's code to another patient, nor choose one for a new contact,
        so referrals made with a code keep crediting its patient."""
        accomplice = self._newcomer("Accomplice")
        code = accomplice.dental_referral_code
        for call in [
            ("write", [self.patient.id], {"dental_referral_code": "FREE1234"}),
            ("write", [accomplice.id], {"dental_referral_code": False}),
            ("create", [{"name": "Forged", "dental_referral_code": "MINE2345"}]),
            (
                "web_save",
                [accomplice.id],
                {"dental_referral_code": "STOLEN23"},
                {"dental_referral_code": {}},
            ),
        ]:
            with self.subTest(call=call[0]):
                _result, error = self._call("res.partner", *call)
                self.assertEqual(error and error["name"], "odoo.exceptions.AccessError")
        (self.patient | accomplice).invalidate_recordset()
        self.assertEqual(self.patient.dental_referral_code, "MINH2345")
        self.assertEqual(accomplice.dental_referral_code, code)
        self.assertFalse(self.env["res.partner"].search([("name", "=", "Forged")]))
        # The contact's other fields stay the cashier's to edit.
        _result, error = self._call(
            "res.partner", "write", [accomplice.id], {"phone": "+84 90 555 0101"}
        )
        self.assertIsNone(error)
        # A loyalty manager may carry a code over, stored as reception types it.
        manager = new_test_user(
            self.env,
            login="dl_referral_manager",
            groups="base.group_user,base.group_partner_manager,"
            "dental_loyalty.group_dental_loyalty_manager",
        )
        accomplice.with_user(manager).write({"dental_referral_code": "old-1234 "})
        self.assertEqual(accomplice.dental_referral_code, "OLD1234")
