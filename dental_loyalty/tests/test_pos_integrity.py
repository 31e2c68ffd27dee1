from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools.misc import format_date

from .common import load_migration
from .common_pos import DentalLoyaltyPosCommon


@tagged("post_install", "-at_install")
class TestPosIntegrity(DentalLoyaltyPosCommon):
    """What a careless or hostile front desk tries, through the calls the register
    makes (demo programme of the issue: a point worth 0.10 here, 30 % cap)."""

    def _reserve(self, uuid, total, amount=None, partner=None):
        return (
            self.env["pos.order"]
            .with_user(self.cashier)
            .dental_loyalty_reserve_points(
                self.config.id, uuid, (partner or self.patient).id, total, amount
            )
        )

    def test_a_refund_made_out_to_another_patient_acts_on_the_sale_wallet(self):
        other = self.env["res.partner"].create({"name": "Hoa Le"})
        self._give_points(self.patient, 1000)
        self._give_points(other, 1000)
        order = self._sync(self._order([(self.checkup, 2)], points=30))
        # 300 points spent, 70 earned; the cashier makes the refund out to Hoa.
        refund = self._sync(self._refund_data(order, points=-30, partner=other))
        self.assertEqual(refund.partner_id, other)
        self.assertEqual(refund.dental_loyalty_points_spent, -300)
        self.assertEqual(refund.dental_loyalty_points_earned, -70)
        self.assertEqual(self._wallet().points_balance, 1000)
        self.assertEqual(self._wallet(other).points_balance, 1000)
        self.assertFalse(self._wallet(other).line_ids.filtered("pos_order_id"))

    def test_refunding_the_same_order_twice_gives_back_once(self):
        self._give_points(self.patient, 900)
        order = self._sync(self._order([(self.checkup, 3)], points=45))
        self.assertEqual(order.dental_loyalty_points_spent, 450)
        self._sync(self._refund_data(order, points=-45))
        self.assertEqual(self._wallet().points_balance, 900)
        # The same lines refunded again: neither the points nor the lines.
        with self.assertRaisesRegex(UserError, r"left: 0\)"):
            self._sync(self._refund_data(order, points=-45))
        # Nor the lines: nothing of them is left to return.
        with self.assertRaisesRegex(UserError, r"than is left to return"):
            self._sync(self._refund_data(order))
        self.assertEqual(self._wallet().points_balance, 900)

    def test_partial_refunds_together_stay_within_the_sale(self):
        self._give_points(self.patient, 1000)
        order = self._sync(self._order([(self.checkup, 4)], points=60))
        # 600 points spent, 140 earned: refund one, then three, check-ups.
        self._sync(self._refund_data(order, quantity=1, points=-15))
        self._sync(self._refund_data(order, quantity=3, points=-45))
        lines = self.Ledger.search(
            [("res_model", "=", "pos.order"), ("res_id", "=", order.id)]
        )
        by_kind = {
            kind: sum(ls.mapped("points")) for kind, ls in lines.grouped("kind").items()
        }
        self.assertEqual(by_kind["earn"] + by_kind["earn_reversal"], 0)
        self.assertEqual(by_kind["spend"] + by_kind["spend_return"], 0)
        self.assertEqual(self._wallet().points_balance, 1000)

    def test_the_order_figures_cannot_be_written_into_points(self):
        self._give_points(self.patient, 100)
        order = self._sync(self._order([(self.checkup, 2)]))  # 100 earned
        as_cashier = order.with_user(self.cashier)
        as_cashier.write({"dental_loyalty_points_spent": 3000})
        order.invalidate_recordset()
        self.assertEqual(order.dental_loyalty_points_spent, 0)
        # The refund's give-back reads the ledger, not the field: refused.
        with self.assertRaisesRegex(UserError, r"at most \D*0\.00 \(0 points\)"):
            self._sync(self._refund_data(order, points=-300))
        self.assertEqual(self._wallet().points_balance, 200)

    def test_loyalty_fields_in_a_sync_payload_are_ignored(self):
        data = self._order([(self.checkup, 2)])
        data.update(
            partner_id=False,
            dental_loyalty_points_spent=3000,
            dental_loyalty_points_earned=3000,
        )
        order = self._sync(data)
        self.assertEqual(order.dental_loyalty_points_spent, 0)
        self.assertEqual(order.dental_loyalty_points_earned, 0)
        with self.assertRaisesRegex(UserError, "spent none"):
            self._sync(self._refund_data(order, points=-300))
        self.assertFalse(self.Ledger.search([("partner_id", "=", self.patient.id)]))

    def test_a_hold_stands_only_for_the_bill_it_was_granted_for(self):
        self._give_points(self.patient, 2000)
        data = self._order([(self.checkup, 3)], points=150, cash=0)  # 150.00 bill
        # The register asks for a bill a hundred times the real one.
        offer = self._reserve(data["uuid"], 15000.0, 150.0)
        self.assertEqual(offer["amount"], 150)
        with self.assertRaisesRegex(UserError, "At most .*45.00"):
            self._sync(data)
        self.assertEqual(self._wallet().points_available, 2000)
        # The same bill asked honestly is granted and synced.
        data = self._order([(self.checkup, 3)], points=45)
        self._reserve(data["uuid"], 150.0, 45.0)
        self.assertEqual(self._sync(data).dental_loyalty_points_spent, 450)

    def test_free_lines_earn_no_bonus(self):
        data = self._order([(self.cleaning, 20)])
        for command in data["lines"]:
            command[2].update(discount=100, price_subtotal=0.0, price_subtotal_incl=0.0)
        data.update(amount_total=0.0, amount_paid=0.0, amount_tax=0.0, payment_ids=[])
        order = self._sync(data)
        self.assertEqual(order.state, "paid")
        self.assertEqual(order.dental_loyalty_points_earned, 0)

    def test_bonus_is_earned_on_what_was_paid_with_money(self):
        self._give_points(self.patient, 1000)
        # One cleaning (80.00, 40 bonus points), 24.00 of it paid with points.
        order = self._sync(self._order([(self.cleaning, 1)], points=24))
        # 56.00 paid with money: 56 points, and 70 % of the 40 bonus points.
        self.assertEqual(order.dental_loyalty_points_earned, 56 + 28)

    def test_bad_arguments_get_a_message(self):
        for args in [
            (self.config.id, "order-x", "abc", 100.0),
            (self.config.id, "order-x", self.patient.id, float("nan")),
            (self.config.id, "order-x", self.patient.id, "NaN"),
            (self.config.id, "order-x", self.patient.id, 100.0, float("inf")),
            (self.config.id, "order-x", self.patient.id, 100.0, -5.0),
            (self.config.id, ["order-x"], self.patient.id, 100.0),
            ("1", "order-x", self.patient.id, 100.0),
            (True, "order-x", self.patient.id, 100.0),
        ]:
            with self.subTest(args=args), self.assertRaises(UserError):
                self.env["pos.order"].with_user(
                    self.cashier
                ).dental_loyalty_reserve_points(*args)
        with self.assertRaises(UserError):
            self.env["pos.order"].with_user(self.cashier).dental_loyalty_release_points(
                self.config.id, 42
            )
        # helper-108: a negative bill total was called a negative points payment.
        for args in [
            (self.config.id, "order-x", self.patient.id, -100.0),
            (self.config.id, "order-x", self.patient.id, 100.0, -5.0),
        ]:
            with (
                self.subTest(args=args),
                self.assertRaisesRegex(
                    UserError, "The amount sent by the register cannot be negative."
                ),
            ):
                self.env["pos.order"].with_user(
                    self.cashier
                ).dental_loyalty_reserve_points(*args)

    def test_a_lot_expiring_today_is_not_offered_nor_spent(self):
        today = self.company._dental_loyalty_today()
        wallet = self._wallet()
        with freeze_time(today - timedelta(days=1)):
            # Yesterday: 500 points that expire today, and 100 that do not.
            self.env["dental.loyalty.wallet"]._post_lines(
                [
                    {
                        "wallet_id": wallet.id,
                        "kind": "adjust",
                        "points": 500,
                        "reason": "Old goodwill",
                        "expiry_date": today,
                    }
                ]
            )
            self._give_points(self.patient, 100)
        data = self._order([(self.checkup, 2)], points=10)
        offer = self._reserve(data["uuid"], 100.0)
        self.assertEqual(offer["spendable_points"], 100)
        self.assertEqual(offer["max_amount"], 10)
        order = self._sync(data)
        self.assertEqual(order.dental_loyalty_points_spent, 100)
        wallet.invalidate_recordset()
        self.assertEqual(wallet.points_available, 90)  # 100 - 100 + 90 earned
        self.assertTrue(
            any(
                "Loyalty points expired: 500." in message.body
                for message in self.patient.message_ids
            )
        )

    def test_searching_patients_by_points_reads_the_current_company(self):
        self._give_points(self.patient, 100)
        Partner = self.env["res.partner"]
        domain = [("loyalty_points_available", ">", 0)]
        self.assertIn(self.patient, Partner.search(domain))
        other_company = self.env["res.company"].create({"name": "Second Clinic"})
        in_other = Partner.with_company(other_company).with_context(
            allowed_company_ids=[other_company.id, self.company.id]
        )
        self.assertEqual(in_other.browse(self.patient.id).loyalty_points_available, 0)
        self.assertNotIn(self.patient, in_other.search(domain))
        self.assertIn(
            self.patient, in_other.search([("loyalty_wallet_id", "=", False)])
        )

    def test_a_hold_lives_as_long_as_its_payment_line(self):
        self._give_points(self.patient, 500)
        Order = self.env["pos.order"].with_user(self.cashier)
        self._reserve("order-a", 100.0)
        self.assertEqual(self._reserve("order-b", 1000.0)["spendable_points"], 200)
        # The points line of order A is removed (or the order deleted).
        self.assertTrue(Order.dental_loyalty_release_points(self.config.id, "order-a"))
        self.assertEqual(self._reserve("order-b", 1000.0)["spendable_points"], 500)
        # Order B gets another patient: the hold goes with the first one.
        other = self.env["res.partner"].create({"name": "Hoa Le"})
        self._give_points(other, 50)
        self._reserve("order-b", 100.0, partner=other)
        self.assertEqual(self._reserve("order-c", 1000.0)["spendable_points"], 500)

    def test_a_hold_elsewhere_is_named_in_the_refusal(self):
        self._give_points(self.patient, 300)
        self._reserve("order-a", 1000.0)
        with self.assertRaisesRegex(UserError, "held by another register until"):
            self._reserve("order-b", 100.0, 5.0)

    def test_pending_points_are_named_in_the_refusal(self):
        self._set_loyalty_settings(waiting_days=7)
        self._sync(self._order([(self.checkup, 10)]))  # 500 pending points
        with self.assertRaisesRegex(UserError, r"pending: 500 on [^,]+\.$"):
            self._reserve("order-a", 100.0, 5.0)

    def test_pending_points_are_named_by_the_day_each_batch_comes(self):
        self._set_loyalty_settings(waiting_days=7)
        today = self.company._dental_loyalty_today()
        self._sync(self._order([(self.checkup, 10)]))  # 500 for a week from today
        with freeze_time(fields.Datetime.now() + timedelta(days=1)):
            later = self._sync(self._order([(self.checkup, 4)]))  # a day later
            with self.assertRaises(UserError) as refusal:
                self._reserve("order-a", 100.0, 5.0)
        # Not "until" the first day for all 700: each batch on its own day.
        self.assertIn(
            "has no spendable points yet; pending: 500 on %s, %s on %s."
            % (
                format_date(self.env, today + timedelta(days=7)),
                later.dental_loyalty_points_earned,
                format_date(self.env, today + timedelta(days=8)),
            ),
            str(refusal.exception),
        )

    def test_an_order_paid_in_cash_after_all_drops_its_hold(self):
        self._give_points(self.patient, 500)
        data = self._order([(self.checkup, 2)])
        self._reserve(data["uuid"], 100.0)
        self._sync(data)
        self.assertFalse(
            self.env["dental.loyalty.reservation"].search(
                [("order_uuid", "=", data["uuid"])]
            )
        )
        self.assertEqual(self._reserve("order-b", 1000.0)["spendable_points"], 600)

    def test_only_money_counts_toward_spend_based_tiers(self):
        self._set_loyalty_settings(tier_basis="amount")
        self._give_points(self.patient, 1000)
        order = self._sync(self._order([(self.checkup, 4)], points=60))
        earn = order.dental_loyalty_line_ids.filtered(lambda line: line.kind == "earn")
        self.assertEqual(earn.paid_amount, 140)
        wallet = self._wallet()
        self.assertEqual(wallet._qualifying_figures()[wallet.id], 140)

    def test_a_refund_takes_its_money_off_a_spend_based_tier(self):
        self._set_loyalty_settings(tier_basis="amount")
        sale = self._sync(self._order([(self.checkup, 12)]))  # 600.00
        wallet = self._wallet()
        self.assertEqual(wallet.tier_id.name, "Silver")
        self._sync(self._refund_data(sale, quantity=5))
        self.assertEqual(wallet._qualifying_figures()[wallet.id], 350)
        refund = self._sync(self._refund_data(sale, quantity=7))
        self.assertEqual(
            sum(refund.dental_loyalty_line_ids.mapped("paid_amount")), -350
        )
        self.assertEqual(wallet._qualifying_figures()[wallet.id], 0)
        # The nightly re-evaluation, downgrades allowed: back to the floor.
        wallet._evaluate_tier(allow_downgrade=True, grace=True)
        self.assertEqual(self._wallet().tier_id.name, "Bronze")

    def test_the_update_gives_posted_refunds_their_money(self):
        self._set_loyalty_settings(tier_basis="amount")
        sale = self._sync(self._order([(self.checkup, 12)]))  # 600.00
        self._sync(self._refund_data(sale, quantity=5))
        self._sync(self._refund_data(sale, quantity=7))
        reversals = self.Ledger.search(
            [("kind", "=", "earn_reversal"), ("res_id", "=", sale.id)], order="id"
        )
        # As a refund posted before the update left them: no money.
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE dental_loyalty_ledger SET paid_amount = NULL WHERE id IN %s",
            [tuple(reversals.ids)],
        )
        migration = load_migration("18.0.1.12.0/post-migrate.py")
        for _run in range(2):
            migration.migrate(self.env.cr, "18.0.1.11.0")
            self.env.invalidate_all()
            self.assertEqual(reversals.mapped("paid_amount"), [-250, -350])
        wallet = self._wallet()
        self.assertEqual(wallet._qualifying_figures()[wallet.id], 0)

    def test_the_check_finds_a_refund_that_took_the_wrong_money_off(self):
        sale = self._sync(self._order([(self.checkup, 12)]))  # 600.00
        self._sync(self._refund_data(sale, quantity=5))  # 250.00 back
        wallet = self._wallet()
        self.assertFalse(wallet._integrity_problems(wallet.ids))
        reversal = self.Ledger.search(
            [("kind", "=", "earn_reversal"), ("res_id", "=", sale.id)]
        )
        self.assertEqual(reversal.paid_amount, -250)
        # As a path that wrote the money wrong would leave it: the points add
        # up, the money a spend-based tier counts does not.
        self.env.flush_all()
        for wrong in (-100, -900):
            self.env.cr.execute(
                "UPDATE dental_loyalty_ledger SET paid_amount = %s WHERE id = %s",
                [wrong, reversal.id],
            )
            self.env.invalidate_all()
            problems = wallet._integrity_problems(wallet.ids)[wallet.id]
            self.assertEqual(len(problems), 1)
            self.assertIn("their share is", problems[0])
            self.assertIn("250.00", problems[0])
        # Put right, so that the suite's own check at the end finds nothing.
        self.env.cr.execute(
            "UPDATE dental_loyalty_ledger SET paid_amount = -250 WHERE id = %s",
            [reversal.id],
        )
        self.env.invalidate_all()

    def test_the_check_reads_refunded_sales_together_not_one_by_one(self):
        def refund_sales(count):
            for _sale in range(count):
                sale = self._sync(self._order([(self.checkup, 2)]))
                self._sync(self._refund_data(sale, quantity=1))

        def check():
            return list(self.env["dental.loyalty.wallet"]._audit_refunds(None))

        refund_sales(2)
        few = self._queries(check)
        refund_sales(6)
        problems = []
        many = self._queries(lambda: problems.extend(check()))
        # The nightly check over a chain's refunds: their number changes the
        # rows read, not the queries.
        self.assertEqual(many, few)
        self.assertEqual(problems, [])

    def test_a_refund_whose_points_were_spent_takes_its_money_off_the_tier(self):
        self._set_loyalty_settings(tier_basis="amount")
        sale = self._sync(self._order([(self.checkup, 12)]))  # 600.00
        self.assertEqual(self._wallet().tier_id.name, "Silver")
        self._give_points(self.patient, -600)  # all spent elsewhere
        first = self._sync(self._refund_data(sale, quantity=5))
        Shortfall = self.env["dental.loyalty.shortfall"]
        shortfall = Shortfall.search([("pos_order_id", "=", first.id)])
        self.assertEqual(shortfall.paid_amount, -250)
        wallet = self._wallet()
        self.assertEqual(wallet._qualifying_figures()[wallet.id], 350)
        self._give_points(self.patient, 1000)
        second = self._sync(self._refund_data(sale, quantity=7))
        reversal = second.dental_loyalty_line_ids.filtered(
            lambda line: line.kind == "earn_reversal"
        )
        self.assertEqual(sum(reversal.mapped("paid_amount")), -350)
        self.assertEqual(wallet._qualifying_figures()[wallet.id], 0)
        wallet._evaluate_tier(allow_downgrade=True, grace=True)
        self.assertEqual(self._wallet().tier_id.name, "Bronze")
        # The update finds the same for refunds posted before it.
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE dental_loyalty_ledger SET paid_amount = NULL WHERE id IN %s",
            [tuple(reversal.ids)],
        )
        self.env.cr.execute(
            "UPDATE dental_loyalty_shortfall SET paid_amount = NULL WHERE id = %s",
            [shortfall.id],
        )
        migration = load_migration("18.0.1.12.0/post-migrate.py")
        for _run in range(2):
            migration.migrate(self.env.cr, "18.0.1.11.0")
            self.env.invalidate_all()
            self.assertEqual(shortfall.paid_amount, -250)
            self.assertEqual(sum(reversal.mapped("paid_amount")), -350)

    def test_money_paid_with_points_is_the_points_times_their_value(self):
        self._give_points(self.patient, 1000)
        value = self.company.dental_loyalty_point_value
        for points in (30, 12.34, 0.05):
            order = self._sync(self._order([(self.checkup, 2)], points=points))
            self.assertAlmostEqual(
                order.dental_loyalty_points_spent * value, points, delta=value
            )
            self.assertGreaterEqual(order.dental_loyalty_points_spent * value, points)

    def test_an_agreed_order_short_of_points_warns_the_managers(self):
        self._give_points(self.patient, 400)
        data = self._order([(self.checkup, 2)], points=30)
        self._reserve(data["uuid"], 100.0, 30.0)
        with freeze_time(fields.Datetime.now() + timedelta(hours=1)):
            # The hold lapsed while the register was offline; the points went.
            self._give_points(self.patient, -350)
            order = self._sync(data)
        self.assertEqual(order.state, "paid")
        self.assertEqual(order.dental_loyalty_points_spent, 50)
        activity = self.env["mail.activity"].search(
            [("res_model", "=", "res.partner"), ("res_id", "=", self.patient.id)]
        )
        self.assertIn("points missing: 250.", activity.note)

    def test_a_refund_is_priced_from_the_sale_not_from_its_payload(self):
        self._give_points(self.patient, 1000)
        order = self._sync(self._order([(self.checkup, 4)], points=60))
        # One check-up of four returned, its price inflated in the payload.
        data = self._refund_data(order, quantity=1, points=-60)
        for command in data["lines"]:
            command[2].update(price_subtotal=-200.0, price_subtotal_incl=-200.0)
        # Refused as a request is: all of it rolled back.
        with (
            self.assertRaisesRegex(UserError, r"says \D*-200\.00, .* make \D*-50\.00"),
            self.env.cr.savepoint(),
        ):
            self._sync(data)
        # Priced right, it still gives back no more than the sale's share.
        with (
            self.assertRaisesRegex(UserError, r"at most \D*15\.00 \(150 points\)"),
            self.env.cr.savepoint(),
        ):
            self._sync(self._refund_data(order, quantity=1, points=-60))
        refund = self._sync(self._refund_data(order, quantity=1, points=-15))
        self.assertEqual(refund.dental_loyalty_points_spent, -150)
        self.assertEqual(refund.dental_loyalty_points_earned, -35)
