from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from .common import DentalLoyaltyCommon
from .test_attack_referrals import AttackOverTheWire


@tagged("post_install", "-at_install", "dental_loyalty_slow")
class TestAmountAndIdAttacks(AttackOverTheWire):
    """Observation 6 of issue 16: amounts and ids out of any clinic's range
    come back as a message, and nothing is held or written."""

    def _holds(self):
        return self.env["dental.loyalty.reservation"].sudo().search_count([])

    def test_the_register_methods_refuse_huge_tiny_and_foreign_figures(self):
        self._give_points(self.patient, 5000)
        config, patient = self.config.id, self.patient.id
        for method, args, message in [
            (
                "dental_loyalty_reserve_points",
                (config, "x", patient, 1e308, 1e308),
                "more than a clinic bills",
            ),
            (
                "dental_loyalty_reserve_points",
                (config, "x", patient, 100.0, 1e-9),
                "A points payment is at least",
            ),
            (
                "dental_loyalty_reserve_points",
                (config, "x", patient, 2e9),
                "more than a clinic bills",
            ),
            (
                "dental_loyalty_reserve_points",
                (2**40, "x", patient, 100.0),
                "This register is unknown",
            ),
            (
                "dental_loyalty_reserve_points",
                (config, "x", 2**31, 100.0),
                "Choose the patient",
            ),
            (
                "dental_loyalty_voucher_line",
                (config, "ABC", patient, 1e12),
                "more than a clinic bills",
            ),
            (
                "dental_loyalty_redeem_reward",
                (config, patient, "abc"),
                "This reward is unknown",
            ),
            (
                "dental_loyalty_redeem_reward",
                (config, patient, 2**40),
                "This reward is unknown",
            ),
            ("dental_loyalty_rewards", (config, -1), "Choose the patient"),
        ]:
            with self.subTest(method=method, args=args):
                result, error = self._call("pos.order", method, *args)
                self.assertIsNone(result)
                self.assertRefused(error, message)
        self.assertEqual(self._holds(), 0)
        # A real payment is still granted, rounded to the currency.
        offer, error = self._call(
            "pos.order",
            "dental_loyalty_reserve_points",
            config,
            "x",
            patient,
            100.0,
            10.000000001,
        )
        self.assertIsNone(error)
        self.assertEqual((offer["amount"], offer["points"]), (10.0, 100))

    def test_a_sync_with_figures_beyond_any_bill_is_refused(self):
        huge_quantity = self._order([(self.checkup, 10**8)])  # 5,000,000,000.00
        # Within what a clinic bills, not what it sells of one line: its refund
        # could not be previewed at the register.
        many = self._order([(self.checkup, 10**7)])  # 500,000,000.00
        # A real bill paid, with a line price the register made up.
        huge_price = self._order([(self.checkup, 1)])
        huge_price["lines"][0][2]["price_unit"] = 1e300
        for name, data in [
            ("quantity", huge_quantity),
            ("many", many),
            ("price", huge_price),
        ]:
            with self.subTest(name=name):
                order, error = self._sync_rpc(data)
                self.assertIsNone(order)
                # The payload's check names the first figure out of range.
                self.assertRefused(error, "that is not valid")
        self.assertFalse(self.Ledger.search([("partner_id", "=", self.patient.id)]))

    def test_a_sale_past_what_a_wallet_holds_is_refused_in_words(self):
        # Round 131, F3: two sales each within a bill's range earned past the
        # ledger's integers, and the second failed in the database.
        self._give_points(self.patient, 999_999_000)
        order, error = self._sync_rpc(self._order([(self.checkup, 1000)]))
        self.assertIsNone(order)
        self.assertRefused(error, "more than a wallet holds (at most 1,000,000,000)")
        self.assertEqual(self._balance(), 999_999_000)

    def test_a_posting_is_judged_where_it_leaves_the_wallet(self):
        # Round 132: a refund near the bound gives back before it takes back,
        # and was refused though it left the wallet within it; lifetime points,
        # grown past the bound while the balance moved away, still failed in
        # the database.
        wallet = self._wallet()
        self._give_points(self.patient, 999_999_940)
        Wallet = self.env["dental.loyalty.wallet"]

        def line(kind, points, **vals):
            return {"wallet_id": wallet.id, "kind": kind, "points": points, **vals}

        Wallet._post_lines(
            [line("adjust", 150, reason="Back"), line("adjust", -142, reason="Off")]
        )
        self.assertEqual(self._balance(), 999_999_948)
        Wallet._post_lines([line("adjust", -999_999_948, reason="Moved away")])
        Wallet._post_lines([line("earn", 999_999_000, paid_amount=1.0)])
        Wallet._post_lines([line("adjust", -999_999_000, reason="Moved away")])
        with self.assertRaisesRegex(UserError, "more than a wallet holds"):
            Wallet._post_lines([line("earn", 2_000, paid_amount=1.0)])
        self.assertEqual(self._balance(), 0)

    def test_the_redeem_wizard_refuses_ids_no_record_has(self):
        reward = self.env["dental.loyalty.reward"].create(
            {
                "name": "Whitening kit",
                "points_cost": 100,
                "kind": "gift",
                "company_id": self.company.id,
            }
        )
        Wizard = "dental.loyalty.reward.redeem"
        for vals in [
            {"partner_id": self.patient.id, "reward_id": "abc"},
            {"partner_id": self.patient.id, "reward_id": 2**40},
            {"partner_id": self.patient.id, "reward_id": -1},
            {"partner_id": self.patient.id, "reward_id": 1e308},
            {"partner_id": self.patient.id, "reward_id": [reward.id]},
            {"partner_id": "1", "reward_id": reward.id},
            {"partner_id": self.patient.id, "reward_id": reward.id, "company_id": 0.5},
        ]:
            with self.subTest(vals=vals):
                result, error = self._call(Wizard, "create", vals)
                self.assertIsNone(result)
                self.assertRefused(error, "is not valid")
        self.assertFalse(self.env[Wizard].search([]))
        # Defaults sent in the context, and ids the buttons are called on.
        _result, error = self._call_kw(
            Wizard,
            "default_get",
            [["partner_id", "reward_id"]],
            {"context": {"default_reward_id": 2**40}},
        )
        self.assertRefused(error, "is not valid")
        _result, error = self._call_kw(
            Wizard,
            "onchange",
            [[], {"partner_id": "abc"}, [], {"partner_id": {}, "reward_id": {}}],
            {},
        )
        self.assertRefused(error, "is not valid")
        for ids in (["abc"], [2**40]):
            with self.subTest(ids=ids):
                _result, error = self._call(Wizard, "action_confirm", ids)
                self.assertRefused(error, "This form is unknown")
        # A real one still goes through.
        self._give_points(self.patient, 100)
        wizard, error = self._call(
            Wizard, "create", {"partner_id": self.patient.id, "reward_id": reward.id}
        )
        self.assertIsNone(error)
        _result, error = self._call(Wizard, "action_confirm", [wizard])
        self.assertIsNone(error)
        self.assertEqual(self._balance(), 0)

    def test_the_join_form_refuses_patients_no_record_is(self):
        Wizard = "dental.loyalty.join"
        for partner_id in (2**31, [self.patient.id], 999999, "1", 1.5):
            with self.subTest(partner_id=partner_id):
                result, error = self._call(Wizard, "create", {"partner_id": partner_id})
                self.assertIsNone(result)
                self.assertRefused(error, "is not valid")
        self.assertFalse(self.env[Wizard].search([]))

    def test_the_manager_wizards_refuse_figures_beyond_range(self):
        for model, vals in [
            ("dental.loyalty.points.adjust", {"points": 2**40, "reason": "x"}),
            ("dental.loyalty.points.adjust", {"points": 1e308, "reason": "x"}),
            ("dental.loyalty.points.adjust", {"points": "12", "reason": "x"}),
            ("dental.loyalty.points.adjust", {"points": 5, "reason": ["x"]}),
            # PostgreSQL takes no NUL in text.
            ("dental.loyalty.points.adjust", {"points": 5, "reason": "a\x00b"}),
            ("dental.loyalty.tier.pin", {"tier_id": "abc", "reason": "x"}),
        ]:
            with self.subTest(model=model, vals=vals):
                with self.assertRaisesRegex(UserError, "is not valid"):
                    self.env[model].create({"partner_id": self.patient.id, **vals})
        self.assertEqual(self._balance(), 0)


@tagged("post_install", "-at_install")
class TestReferralSettings(DentalLoyaltyCommon):
    """The minimum first visit and the refund share are a manager's settings."""

    def test_settings_save_the_referral_rules_and_refuse_bad_ones(self):
        settings = Form(self.env["res.config.settings"])
        settings.dental_loyalty_referral_min_visit = 35.0
        settings.dental_loyalty_referral_refund_share = 80.0
        settings.save().execute()
        self.assertEqual(self.company.dental_loyalty_referral_min_visit, 35.0)
        self.assertEqual(self.company.dental_loyalty_referral_refund_share, 80.0)
        for field, value in [
            ("dental_loyalty_referral_min_visit", -1.0),
            ("dental_loyalty_referral_min_visit", 2e9),
            ("dental_loyalty_referral_refund_share", 101.0),
            ("dental_loyalty_referral_refund_share", -5.0),
        ]:
            with self.subTest(field=field, value=value):
                with self.assertRaises(ValidationError):
                    settings = Form(self.env["res.config.settings"])
                    setattr(settings, field, value)
                    settings.save().execute()
        self.assertEqual(self.company.dental_loyalty_referral_refund_share, 80.0)
