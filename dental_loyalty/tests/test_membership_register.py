from odoo.exceptions import UserError
from odoo.tests import tagged

from .common_pos import DentalLoyaltyPosCommon


@tagged("post_install", "-at_install")
class TestMembershipAtTheRegister(DentalLoyaltyPosCommon):
    """Only members earn and spend: in a clinic that asks, a patient who did not
    join earns nothing on a paid bill and cannot pay with points; in one that
    enrols everyone, a person joins at their first paid visit, a company never."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.firm = cls.env["res.partner"].create(
            {"name": "Deco Addict", "is_company": True}
        )
        cls.Order = cls.env["pos.order"]

    def _own_wallet(self, partner):
        return partner._dental_loyalty_own_wallet(self.company)

    def _call(self, method, *args):
        return getattr(self.Order.with_user(self.cashier), method)(*args)

    def test_a_person_joins_at_their_first_paid_visit_in_auto_mode(self):
        order = self._sync(self._order([(self.checkup, 2)]))
        self.assertEqual(order.dental_loyalty_points_earned, 100)
        wallet = self._own_wallet(self.patient)
        self.assertTrue(wallet.consent_mail and wallet.consent_sms)

    def test_a_company_earns_nothing_and_stays_out_in_auto_mode(self):
        order = self._sync(self._order([(self.checkup, 2)], partner=self.firm))
        self.assertEqual(order.state, "paid")
        self.assertEqual(order.dental_loyalty_points_earned, 0)
        self.assertFalse(self._own_wallet(self.firm))
        self.assertFalse(self.Ledger.search([("pos_order_id", "=", order.id)]))

    def test_a_non_member_earns_nothing_in_ask_mode_even_forged(self):
        self._set_loyalty_settings(enrolment="ask")
        data = self._order([(self.checkup, 2)])
        # Whatever a forged register adds, the server decides who is a member.
        data.update(dental_loyalty_points_earned=100, dental_loyalty_balance=100)
        order = self._sync(data)
        self.assertEqual(order.state, "paid")
        self.assertEqual(order.dental_loyalty_points_earned, 0)
        self.assertFalse(self._own_wallet(self.patient))

    def test_a_non_member_cannot_pay_with_points(self):
        self._set_loyalty_settings(enrolment="ask")
        with self.assertRaisesRegex(
            UserError, "Minh Tran is not a member of the loyalty programme"
        ):
            self._sync(self._order([(self.checkup, 2)], points=10.0))
        self.assertFalse(self._own_wallet(self.patient))
        for method, args in [
            ("dental_loyalty_reserve_points", ("u-1", self.patient.id, 100.0)),
            ("dental_loyalty_rewards", (self.patient.id,)),
            ("dental_loyalty_redeem_reward", (self.patient.id, 1)),
        ]:
            with self.subTest(method=method):
                with self.assertRaisesRegex(UserError, "is not a member"):
                    self._call(method, self.config.id, *args)
        self.assertFalse(self._own_wallet(self.patient))
        self._set_loyalty_settings(enrolment="auto")
        with self.assertRaisesRegex(UserError, "Deco Addict is not a member"):
            self._call("dental_loyalty_rewards", self.config.id, self.firm.id)

    def test_the_register_joins_a_patient_who_then_earns(self):
        self._set_loyalty_settings(enrolment="ask")
        figures = self._call(
            "dental_loyalty_join", self.config.id, self.patient.id, True, False
        )
        self.assertTrue(figures["loyalty_is_member"])
        self.assertEqual(figures["loyalty_tier_name"], "Bronze")
        self.assertEqual(figures["loyalty_points_available"], 0)
        wallet = self._own_wallet(self.patient)
        self.assertTrue(wallet.consent_mail)
        self.assertFalse(wallet.consent_sms)
        order = self._sync(self._order([(self.checkup, 2)]))
        self.assertEqual(order.dental_loyalty_points_earned, 100)
        self.assertEqual(self._wallet().points_balance, 100)

    def test_the_join_call_checks_its_arguments(self):
        for args, message in [
            (("abc", self.patient.id, True, True), "register is unknown"),
            ((self.config.id, "abc", True, True), "Choose the patient"),
            ((self.config.id, [self.patient.id], True, True), "Choose the patient"),
            ((self.config.id, self.patient.id, 1, True), "neither yes nor no"),
            ((self.config.id, self.patient.id, True, "yes"), "neither yes nor no"),
        ]:
            with self.subTest(args=args):
                with self.assertRaisesRegex(UserError, message):
                    self._call("dental_loyalty_join", *args)
        self.assertFalse(self._own_wallet(self.patient))
