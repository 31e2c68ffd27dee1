import re
from datetime import timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged

from .common_pos import DentalLoyaltyPosCommon


class ReferralCommon(DentalLoyaltyPosCommon):
    """A referrer with a known code, phone and address; reception (a loyalty user
    who may edit contacts) marks new patients as referred on their form."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._set_loyalty_settings(
            waiting_days=14,
            referrer_points=100,
            referred_points=50,
            referral_yearly_limit=0,
        )
        cls.patient.write(
            {
                "dental_referral_code": "MINH2345",
                "phone": "+84 90 123 4501",
                "email": "minh.tran@example.com",
            }
        )
        cls.reception = new_test_user(
            cls.env,
            login="dl_referral_desk",
            groups="base.group_user,base.group_partner_manager,"
            "dental_loyalty.group_dental_loyalty_user",
            company_id=cls.company.id,
            company_ids=[(6, 0, cls.company.ids)],
        )
        cls.Referral = cls.env["dental.loyalty.referral"]

    def _newcomer(self, name="Quynh Dang", **vals):
        """A new contact the clinic can reach: an address of its own unless a
        phone or an address is given."""
        if not {"email", "phone", "mobile"} & vals.keys():
            vals["email"] = "{}@example.org".format(
                re.sub(r"\W+", ".", name.lower()).strip(".")
            )
        return self.env["res.partner"].create({"name": name, **vals})

    def _mark(self, partner, code="MINH2345", user=None):
        partner.with_user(user or self.reception).write(
            {"dental_referred_by_code": code}
        )
        return self.Referral.search([("referred_id", "=", partner.id)])

    def _assertRefused(self, partner, code, message):
        """The save fails with ``message`` and leaves no referral behind."""
        before = self.Referral.search_count([])
        with self.assertRaisesRegex(UserError, message), self.env.cr.savepoint():
            self._mark(partner, code)
        self.assertEqual(self.Referral.search_count([]), before)

    def _bonus_lines(self, referral):
        return self.Ledger.search(
            [
                ("res_model", "=", referral._name),
                ("res_id", "=", referral.id),
                ("kind", "=", "referral"),
            ]
        )

    def assertSaid(self, record, text):
        """Some note or message on ``record``'s chatter says ``text``."""
        bodies = record.message_ids.mapped("body")
        self.assertTrue(
            any(text in (body or "") for body in bodies),
            f"{record.display_name} was never told {text!r}: {bodies}",
        )


@tagged("post_install", "-at_install")
class TestReferrals(ReferralCommon):
    def test_codes_are_unique_unambiguous_and_given_once(self):
        partners = self.env["res.partner"].create(
            [{"name": f"Patient {n}"} for n in range(50)]
        )
        codes = partners.mapped("dental_referral_code")
        self.assertEqual(len(set(codes)), 50)
        for code in codes:
            self.assertRegex(code, r"^[A-HJKMNP-Z2-9]{8}$")
        copy = partners[0].copy()
        self.assertTrue(copy.dental_referral_code)
        self.assertNotEqual(copy.dental_referral_code, partners[0].dental_referral_code)
        # Saved from a form, a contact gets a code too.
        with Form(self.env["res.partner"]) as form:
            form.name = "Draft"
        self.assertRegex(form.record.dental_referral_code, r"^[A-HJKMNP-Z2-9]{8}$")

    def test_rewarded_once_on_the_first_paid_visit(self):
        newcomer = self._newcomer()
        referral = self._mark(newcomer, " minh-2345 ")
        self.assertRecordValues(
            referral,
            [{"referrer_id": self.patient.id, "code": "MINH2345", "state": "pending"}],
        )
        newcomer.invalidate_recordset()
        self.assertEqual(
            newcomer.with_user(self.reception).dental_referred_by_code, "MINH2345"
        )
        data = self._order([(self.checkup, 1)], partner=newcomer)
        order = self._sync(data)
        visit = order._dental_loyalty_visit_date()
        self.assertRecordValues(
            referral,
            [
                {
                    "state": "rewarded",
                    "pos_order_id": order.id,
                    "referrer_points": 100,
                    "referred_points": 50,
                }
            ],
        )
        bonuses = self._bonus_lines(referral)
        self.assertRecordValues(
            bonuses.sorted("points"),
            [
                {
                    "partner_id": newcomer.id,
                    "kind": "referral",
                    "points": 50,
                    "is_released": False,
                    "available_date": visit + timedelta(days=14),
                },
                {
                    "partner_id": self.patient.id,
                    "kind": "referral",
                    "points": 100,
                    "is_released": False,
                    "available_date": visit + timedelta(days=14),
                },
            ],
        )
        referrer_wallet = self._wallet()
        self.assertEqual(
            (referrer_wallet.points_pending, referrer_wallet.points_lifetime),
            (100, 0),
            "a referral bonus waits like earned points but is no earning",
        )
        newcomer_wallet = self._wallet(newcomer)
        # The check-up's 50 points and the bonus, both pending.
        self.assertEqual(newcomer_wallet.points_pending, 100)
        self.assertEqual(newcomer_wallet.points_lifetime, 50)
        self.assertSaid(referral, "Rewarded on the first paid visit")
        # Synced again by a register that did not hear back, and a second visit.
        self.assertEqual(self._sync(data), order)
        self._sync(self._order([(self.cleaning, 1)], partner=newcomer))
        self.assertEqual(self._bonus_lines(referral), bonuses)
        self.assertEqual(referral.pos_order_id, order)
        with freeze_time(visit + timedelta(days=14)):
            self.Ledger._cron_release_pending()
        self.assertEqual(self._wallet().points_available, 100)

    def test_each_refusal_says_why(self):
        visited = self._newcomer("Been Here")
        self._sync(self._order([(self.checkup, 1)], partner=visited))
        first = self._newcomer("First Referral")
        other = self._newcomer("Another Referrer")
        other.dental_referral_code = "OTHR2345"
        self._mark(first, "OTHR2345")
        for partner, code, message in [
            (self._newcomer("Nobody"), "NOPE2345", "No patient has the referral code"),
            (self.patient, "MINH2345", "cannot be referred with their own"),
            (visited, "MINH2345", "Been Here already came to the clinic"),
            (first, "MINH2345", "was already referred by Another Referrer"),
            (
                self._newcomer("Same Phone", mobile="+84901234501"),
                "MINH2345",
                "has the same phone number as Minh Tran",
            ),
            (
                self._newcomer("Same Address", email="Minh.Tran@Example.com"),
                "MINH2345",
                "has the same e-mail address as Minh Tran",
            ),
            (first, "", "Clearing the referral code does not undo"),
        ]:
            with self.subTest(message=message):
                self._assertRefused(partner, code, message)

    def test_more_referrals_than_the_yearly_limit_are_refused(self):
        self._set_loyalty_settings(referral_yearly_limit=2)
        with freeze_time("2026-01-10"):
            self._mark(self._newcomer("Last Year"))
        with freeze_time("2027-03-01"):
            self._mark(self._newcomer("One"))
            self._mark(self._newcomer("Two"))
            self._assertRefused(
                self._newcomer("Three"),
                "MINH2345",
                r"yearly limit of referrals \(referrals this year: 2, limit: 2\)",
            )
            # 0 is no limit.
            self._set_loyalty_settings(referral_yearly_limit=0)
            self.assertEqual(self._mark(self._newcomer("Three")).state, "pending")

    def test_rules_that_changed_since_the_marking_refuse_at_the_visit(self):
        moved = self._newcomer("Moved In")
        referral = self._mark(moved)
        moved.phone = "+84 90 123 4501"
        order = self._sync(self._order([(self.checkup, 1)], partner=moved))
        self.assertEqual(order.state, "paid")
        self.assertEqual(referral.state, "refused")
        self.assertIn("has the same phone number", referral.refusal_reason)
        self.assertSaid(referral, "has the same phone number")
        self.assertFalse(self._bonus_lines(referral))
        # The limit lowered after two were marked: the first visit takes the one.
        one, two = self._newcomer("One"), self._newcomer("Two")
        first, second = self._mark(one), self._mark(two)
        self._set_loyalty_settings(referral_yearly_limit=1)
        self._sync(self._order([(self.checkup, 1)], partner=two))
        self._sync(self._order([(self.checkup, 1)], partner=one))
        self.assertEqual((second.state, first.state), ("rewarded", "refused"))
        self.assertIn("yearly limit", first.refusal_reason)

    def test_a_full_refund_of_the_first_visit_reverses_both_bonuses(self):
        self._set_loyalty_settings(waiting_days=0)
        newcomer = self._newcomer()
        referral = self._mark(newcomer)
        order = self._sync(
            self._order([(self.checkup, 2), (self.cleaning, 1)], partner=newcomer)
        )
        self.assertEqual(referral.state, "rewarded")
        # The receipt says the newcomer's bonus, and counts it in: before the
        # visit they had nothing; what it earned and the bonus make the after.
        self.assertEqual(order.dental_loyalty_points_before, 0)
        self.assertEqual(order.dental_loyalty_referral_points, 50)
        self.assertEqual(
            order.dental_loyalty_points_total,
            order.dental_loyalty_points_earned + 50,
        )
        # Part of it back (50.00 of 180.00, within the clinic's share of 50 %):
        # the bonus stays.
        self._sync(
            self._order(
                [
                    {
                        "product": line.product_id,
                        "quantity": -1,
                        "refunded_orderline_id": line.id,
                    }
                    for line in order.lines
                    if line.product_id == self.checkup
                ],
                partner=newcomer,
            )
        )
        self.assertEqual(referral.state, "rewarded")
        self.assertEqual(self._wallet().points_available, 100)
        # The rest of it back: the refunds together take back the whole bill.
        had = self._wallet(newcomer).points_balance
        refund = self._sync(self._refund_data(order, quantity=1))
        self.assertEqual(referral.state, "reversed")
        reversals = self.Ledger.search(
            [("res_model", "=", referral._name), ("kind", "=", "referral_reversal")]
        )
        self.assertRecordValues(
            reversals.sorted("points"),
            [
                {"partner_id": self.patient.id, "points": -100},
                {"partner_id": newcomer.id, "points": -50},
            ],
        )
        # Taken from the bonus lots themselves, which still held them.
        self.assertEqual(reversals.lot_id, self._bonus_lines(referral))
        self.assertEqual(reversals.mapped("origin"), [refund.pos_reference] * 2)
        self.assertEqual(self._wallet().points_balance, 0)
        self.assertEqual(self._wallet(newcomer).points_balance, 0)
        # The refund's receipt takes the bonus back with what is left of what
        # the visit earned: from what the newcomer had to nothing.
        refund.invalidate_recordset()
        self.assertRecordValues(
            refund,
            [
                {
                    "dental_loyalty_points_before": had,
                    "dental_loyalty_points_taken_back": had,
                    "dental_loyalty_points_total": 0,
                }
            ],
        )
        self.assertSaid(referral, "Reversed: the refunds of the first visit")

    def test_replayed_visits_and_refunds_count_once(self):
        """A register retries its syncs: the first visit synced again posts no
        second pair, a refund synced again takes nothing back twice, and a
        refund after the reversal finds nothing left to reverse."""
        self._set_loyalty_settings(waiting_days=0)
        newcomer = self._newcomer()
        referral = self._mark(newcomer)
        data = self._order([(self.checkup, 2)], partner=newcomer)
        order = self._sync(data)
        self.assertEqual(self._sync(data), order)
        self.assertEqual(len(self._bonus_lines(referral)), 2)
        half = self._refund_data(order, quantity=1)
        self._sync(half)
        self._sync(half)
        self.assertEqual(referral.state, "rewarded")
        rest = self._refund_data(order, quantity=1)
        self._sync(rest)
        self._sync(rest)
        self.assertEqual(referral.state, "reversed")
        # Forged: a third refund of the whole bill, refused: nothing is left.
        with (
            self.assertRaisesRegex(UserError, "than is left to return"),
            self.env.cr.savepoint(),
        ):
            self._sync(self._refund_data(order))
        reversals = self.Ledger.search(
            [("res_model", "=", referral._name), ("kind", "=", "referral_reversal")]
        )
        self.assertEqual(sorted(reversals.mapped("points")), [-100, -50])
        self.assertEqual(self._wallet().points_balance, 0)
        self.assertEqual(self._wallet(newcomer).points_balance, 0)

    def test_a_spent_bonus_is_taken_from_other_points_or_noted(self):
        self._set_loyalty_settings(waiting_days=0)
        newcomer = self._newcomer()
        referral = self._mark(newcomer)
        order = self._sync(self._order([(self.checkup, 1)], partner=newcomer))
        # The referrer spends the bonus, then earns more; the newcomer spends all.
        self._give_points(self.patient, -100)
        self._give_points(self.patient, 30)
        self._give_points(newcomer, -100)
        self._sync(self._refund_data(order))
        self.assertEqual(referral.state, "reversed")
        # The referrer's 30 later points go; the rest of both bonuses is noted.
        self.assertEqual(self._wallet().points_balance, 0)
        self.assertSaid(self.patient, "could not be taken back by")
        self.assertSaid(newcomer, "could not be taken back by")

    def test_a_manager_refuses_a_pending_referral_by_hand(self):
        newcomer = self._newcomer()
        referral = self._mark(newcomer)
        Wizard = self.env["dental.loyalty.referral.refuse"]
        with self.assertRaises(AccessError):
            Wizard.with_user(self.reception).create(
                {"referral_ids": referral.ids, "reason": "No"}
            )
        with self.assertRaises(AccessError):
            referral.with_user(self.reception).write({"state": "refused"})
        manager = new_test_user(
            self.env,
            login="dl_referral_manager",
            groups="base.group_user,dental_loyalty.group_dental_loyalty_manager",
        )
        wizard = Form(
            Wizard.with_user(manager).with_context(default_referral_ids=referral.ids)
        )
        wizard.reason = "Same household"
        wizard.save().action_confirm()
        self.assertEqual(referral.state, "refused")
        self.assertIn("Same household", referral.refusal_reason)
        self.assertIn(manager.name, referral.refusal_reason)
        with self.assertRaisesRegex(UserError, "only a pending referral"):
            referral.with_user(manager)._refuse_by_hand("Again")
        # Refused, the patient can be referred by someone else; the first visit
        # pays no bonus for the refused referral.
        newcomer.invalidate_recordset()
        self.assertFalse(newcomer.with_user(self.reception).dental_referred_by_code)
        self._sync(self._order([(self.checkup, 1)], partner=newcomer))
        self.assertFalse(self._bonus_lines(referral))
