from datetime import datetime, time, timedelta
from unittest.mock import patch

from freezegun import freeze_time
from psycopg2.errors import SerializationFailure

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.service.model import get_public_method
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .common_pos import DentalLoyaltyPosCommon


@tagged("post_install", "-at_install")
class TestPosOrderPoints(DentalLoyaltyPosCommon):
    def test_cash_order_earns_at_the_company_rate(self):
        self._set_loyalty_settings(waiting_days=7)
        order = self._sync(self._order([(self.checkup, 2)]))
        self.assertEqual(order.state, "paid")
        self.assertEqual(order.dental_loyalty_points_earned, 100)
        self.assertEqual(order.dental_loyalty_points_spent, 0)
        lot = order.dental_loyalty_line_ids
        self.assertEqual(lot.kind, "earn")
        self.assertEqual(lot.points, 100)
        self.assertEqual(lot.paid_amount, 100)
        today = self.company._dental_loyalty_today()
        self.assertEqual(lot.available_date, today + timedelta(days=7))
        self.assertTrue(lot.expiry_date)
        wallet = self._wallet()
        self.assertEqual(wallet.points_pending, 100)
        self.assertEqual(wallet.points_available, 0)

    def test_a_bill_saved_as_a_draft_is_paid_by_its_next_sync(self):
        # A register saves the bill first (Save, or a table), unpaid; the same
        # bill synced again with its payment is paid and earns.
        data = self._order([(self.checkup, 2)])
        order = self._sync(dict(data, state="draft", payment_ids=[], amount_paid=0.0))
        self.assertEqual(order.state, "draft")
        self.assertFalse(order.dental_loyalty_line_ids)
        order = self._sync(
            dict(data, lines=[], access_token=order.access_token, state="paid")
        )
        self.assertEqual(order.state, "paid")
        self.assertEqual(len(order.lines), 1)
        self.assertEqual(order.dental_loyalty_points_earned, 100)
        self.assertEqual(self._wallet().points_balance, 100)

    def test_a_draft_paid_by_a_retried_sync_is_paid_once(self):
        # Odoo re-runs a request that met a serialization failure (a register
        # writing the same wallet at that moment) with the same arguments;
        # core's sync empties the saved draft's payments in the payload and
        # deletes its uuid as it writes them: the retry must still pay it.
        data = self._order([(self.checkup, 2)])
        draft = self._sync(dict(data, state="draft", payment_ids=[], amount_paid=0.0))
        payload = [dict(data, lines=[], access_token=draft.access_token, state="paid")]
        PosOrder = type(self.env["pos.order"])
        settle = PosOrder._dental_loyalty_settle
        conflicts = []

        def conflict_once(orders):
            if not conflicts:
                conflicts.append(orders)
                raise SerializationFailure("could not serialize access")
            return settle(orders)

        orders = self.env["pos.order"].with_user(self.cashier)
        with patch.object(PosOrder, "_dental_loyalty_settle", conflict_once):
            with self.assertRaises(SerializationFailure), self.env.cr.savepoint():
                orders.sync_from_ui(payload)
            self.env.invalidate_all()
            orders.sync_from_ui(payload)
        self.assertTrue(conflicts)
        draft.invalidate_recordset()
        self.assertEqual(
            self.env["pos.order"].search([("uuid", "=", data["uuid"])]), draft
        )
        self.assertEqual((draft.state, len(draft.lines)), ("paid", 1))
        self.assertEqual(draft.amount_paid, data["amount_total"])
        self.assertEqual(draft.dental_loyalty_points_earned, 100)
        self.assertEqual(self._wallet().points_balance, 100)

    def test_a_sync_updates_only_its_own_saved_lines(self):
        paid = self._sync(self._order([(self.checkup, 2)]))
        line = paid.lines
        before = (line.order_id, line.qty, line.price_unit)
        # A new order naming a paid order's line, to rewrite it.
        forged = self._order([(self.checkup, 1)])
        forged["lines"].append((1, line.id, {"price_unit": 1.0, "qty": 1}))
        with self.assertRaisesRegex(UserError, "not valid"), self.env.cr.savepoint():
            self._sync(forged)
        # A saved draft sent again naming it, to rewrite it or take it over.
        data = self._order([(self.checkup, 1)])
        draft = self._sync(dict(data, state="draft", payment_ids=[], amount_paid=0.0))
        for command in ((1, line.id, {"qty": 1}), (1, line.id, {"order_id": draft.id})):
            resent = dict(
                data,
                state="draft",
                payment_ids=[],
                amount_paid=0.0,
                access_token=draft.access_token,
                lines=[(1, draft.lines.id, {}), command],
            )
            with (
                self.assertRaisesRegex(UserError, "not valid"),
                self.env.cr.savepoint(),
            ):
                self._sync(resent)
        line.invalidate_recordset()
        self.assertEqual((line.order_id, line.qty, line.price_unit), before)
        # Its own saved line it updates, and is paid.
        order = self._sync(
            dict(
                data,
                state="paid",
                access_token=draft.access_token,
                lines=[(1, draft.lines.id, {"qty": 1})],
            )
        )
        self.assertEqual((order, order.state), (draft, "paid"))

    def test_an_order_synced_late_by_an_offline_terminal_still_earns(self):
        self._set_loyalty_settings(waiting_days=7)
        # Rung up today in this session, synced three days later.
        data = self._order([(self.checkup, 2)])
        visit = fields.Datetime.now()
        # Days are the clinic's: late in the evening by the server's clock it
        # is tomorrow in a clinic east of it.
        visit_day = self.company._dental_loyalty_today()
        synced = visit + timedelta(days=3)
        with freeze_time(synced):
            order = self._sync(data)
            synced_day = self.company._dental_loyalty_today()
        lot = order.dental_loyalty_line_ids
        self.assertEqual(lot.points, 100)
        # The visit keeps its day; the waiting period runs from the sync.
        self.assertEqual(lot.date, visit_day)
        self.assertEqual(lot.available_date, synced_day + timedelta(days=7))

    def test_no_points_on_the_part_paid_with_points(self):
        self._give_points(self.patient, 1000)
        # 100 due: 30 in points (300 points at 0.10), 70 in cash.
        order = self._sync(self._order([(self.checkup, 2)], points=30))
        self.assertEqual(order.dental_loyalty_points_spent, 300)
        self.assertEqual(order.dental_loyalty_points_earned, 70)
        # No waiting period here: the 70 new points are spendable at once.
        self.assertEqual(order.dental_loyalty_balance, 770)
        self.assertEqual(self._wallet().points_balance, 1000 - 300 + 70)

    def test_services_earn_their_bonus(self):
        order = self._sync(self._order([(self.cleaning, 1), (self.checkup, 1)]))
        # 130 paid at one point per unit, plus the cleaning's 40 bonus points.
        self.assertEqual(order.dental_loyalty_points_earned, 170)

    def test_tier_multiplies_points(self):
        self._give_points(self.patient, 10)
        wallet = self._wallet()
        wallet._set_tier(self.silver)
        order = self._sync(self._order([(self.checkup, 2)]))
        self.assertEqual(order.dental_loyalty_points_earned, 125)
        self.assertEqual(order.dental_loyalty_tier_name, "Silver")

    def test_pending_points_become_spendable_after_the_waiting_period(self):
        self._set_loyalty_settings(waiting_days=3)
        self._sync(self._order([(self.checkup, 10)]))  # 500 points, pending
        with self.assertRaises(UserError):
            self._sync(self._order([(self.checkup, 1)], points=10))
        # Noon (UTC) of the clinic's day three days on: the same day in the clinic.
        later = self.company._dental_loyalty_today() + timedelta(days=3)
        with freeze_time(datetime.combine(later, time(12))):
            order = self._sync(self._order([(self.checkup, 1)], points=10))
            self.assertEqual(order.dental_loyalty_points_spent, 100)

    def test_spend_within_the_cap_is_accepted(self):
        self._give_points(self.patient, 400)
        order = self._sync(self._order([(self.checkup, 2)], points=30))
        self.assertEqual(order.dental_loyalty_points_spent, 300)
        spend = order.dental_loyalty_line_ids.filtered(
            lambda line: line.kind == "spend"
        )
        self.assertEqual(spend.points, -300)
        self.assertEqual(spend.user_id, self.cashier)

    def test_spend_above_the_cap_is_refused(self):
        self._give_points(self.patient, 1000)
        with self.assertRaises(UserError) as refused:
            self._sync(self._order([(self.checkup, 2)], points=30.01))
        self.assertIn(
            "the clinic lets points pay at most 30 % of a bill", str(refused.exception)
        )
        self.assertFalse(
            self.env["pos.order"].search([("partner_id", "=", self.patient.id)])
        )
        self.assertEqual(self._wallet().points_available, 1000)

    def test_spend_above_the_balance_is_refused(self):
        self._give_points(self.patient, 200)
        with self.assertRaises(UserError) as refused:
            self._sync(self._order([(self.checkup, 2)], points=25))
        self.assertIn(
            "that is what the spendable points of Minh Tran (200) are worth",
            str(refused.exception),
        )
        self.assertEqual(self._wallet().points_available, 200)

    def test_points_payment_needs_a_patient(self):
        data = self._order([(self.checkup, 1)], points=5)
        data["partner_id"] = False
        with self.assertRaises(UserError):
            self._sync(data)

    def test_the_same_order_synced_twice_earns_once(self):
        self._give_points(self.patient, 500)
        data = self._order([(self.checkup, 2)], points=30)
        first = self._sync(dict(data))
        again = self._sync(
            self._order([(self.checkup, 2)], points=30, uuid=data["uuid"])
        )
        self.assertEqual(first, again)
        self.assertEqual(len(first.dental_loyalty_line_ids), 2)
        self.assertEqual(self._wallet().points_balance, 500 - 300 + 70)

    def test_refund_takes_back_what_was_earned_and_gives_back_what_was_spent(self):
        self._give_points(self.patient, 1000)
        order = self._sync(self._order([(self.checkup, 2)], points=30))
        line = order.lines
        refund_data = self._order(
            [
                {
                    "product": self.checkup,
                    "quantity": -2,
                    "refunded_orderline_id": line.id,
                }
            ],
            points=-30,
        )
        refund = self._sync(refund_data)
        self.assertEqual(refund.refunded_order_id, order)
        self.assertEqual(refund.dental_loyalty_points_earned, -70)
        self.assertEqual(refund.dental_loyalty_points_spent, -300)
        self.assertEqual(self._wallet().points_balance, 1000)
        self.assertEqual(self._wallet().points_lifetime, 0)

    def test_partial_refund_is_in_proportion(self):
        order = self._sync(self._order([(self.checkup, 4)]))  # 200 points
        refund = self._sync(
            self._order(
                [
                    {
                        "product": self.checkup,
                        "quantity": -1,
                        "refunded_orderline_id": order.lines.id,
                    }
                ]
            )
        )
        self.assertEqual(refund.dental_loyalty_points_earned, -50)
        self.assertEqual(self._wallet().points_balance, 150)

    def test_refund_never_takes_the_balance_below_zero(self):
        order = self._sync(self._order([(self.checkup, 4)]))  # 200 points
        self._give_points(self.patient, -150)  # exchanged at the desk
        refund = self._sync(
            self._order(
                [
                    {
                        "product": self.checkup,
                        "quantity": -4,
                        "refunded_orderline_id": order.lines.id,
                    }
                ]
            )
        )
        wallet = self._wallet()
        # Only the 50 points left can be taken back; the 150 spent are reported.
        self.assertEqual(refund.dental_loyalty_points_earned, -50)
        self.assertEqual(wallet.points_balance, 0)
        self.assertEqual(wallet.points_available, 0)
        self.assertEqual(wallet.points_balance, sum(wallet.line_ids.mapped("points")))
        self.assertRegex(
            self.patient.message_ids[0].body, r"could not be taken back by .+: 150\."
        )

    def test_refund_reports_points_already_spent(self):
        order = self._sync(self._order([(self.checkup, 4)]))  # 200 points
        self._give_points(self.patient, -200)  # gone, e.g. exchanged at the desk
        refund = self._sync(
            self._order(
                [
                    {
                        "product": self.checkup,
                        "quantity": -4,
                        "refunded_orderline_id": order.lines.id,
                    }
                ]
            )
        )
        wallet = self._wallet()
        self.assertEqual(wallet.points_balance, 0)
        self.assertEqual(refund.dental_loyalty_points_earned, 0)
        self.assertRegex(
            self.patient.message_ids[0].body, r"could not be taken back by .+: 200\."
        )
        self.assertIn("could not be taken back", self.patient.message_ids[0].body)

    @mute_logger("odoo.addons.base.models.ir_model", "odoo.addons.base.models.ir_rule")
    def test_a_cashier_cannot_touch_the_ledger(self):
        line = self._give_points(self.patient, 100)
        as_cashier = self.env(user=self.cashier)
        with self.assertRaises(AccessError):
            as_cashier["dental.loyalty.ledger"].browse(line.id).points = 100000
        with self.assertRaises(AccessError):
            as_cashier["dental.loyalty.ledger"].create(
                {"wallet_id": line.wallet_id.id, "kind": "adjust", "points": 100000}
            )
        with self.assertRaises(AccessError):
            as_cashier["dental.loyalty.ledger"].browse(line.id).unlink()
        # What the cashier's browser may call is only what RPC exposes.
        for model, method in [
            ("dental.loyalty.wallet", "_post_lines"),
            ("pos.order", "_dental_loyalty_settle"),
            ("dental.loyalty.wallet", "_set_tier"),
        ]:
            with self.assertRaises(AccessError):
                get_public_method(as_cashier[model], method)
        self.assertEqual(self._wallet().points_balance, 100)

    def test_reserve_checks_balance_and_cap_and_holds_points(self):
        self._give_points(self.patient, 500)
        Order = self.env["pos.order"].with_user(self.cashier)
        offer = Order.dental_loyalty_reserve_points(
            self.config.id, "order-a", self.patient.id, 100.0
        )
        # 500 points are worth 50, but only 30 % of 100 may be paid with points.
        self.assertEqual(offer["max_amount"], 30)
        self.assertEqual(offer["points"], 300)
        # A second terminal sees what the first holds.
        other = Order.dental_loyalty_reserve_points(
            self.config.id, "order-b", self.patient.id, 1000.0
        )
        self.assertEqual(other["spendable_points"], 200)
        self.assertEqual(other["max_amount"], 20)
        with self.assertRaises(UserError):
            Order.dental_loyalty_reserve_points(
                self.config.id, "order-b", self.patient.id, 1000.0, 20.5
            )
        # The sync turns the reservation into a spend and frees it.
        order = self._sync(self._order([(self.checkup, 2)], points=30, uuid="order-a"))
        self.assertEqual(order.dental_loyalty_points_spent, 300)
        self.assertFalse(
            self.env["dental.loyalty.reservation"].search(
                [("order_uuid", "=", "order-a")]
            )
        )

    def test_an_agreed_order_synced_late_is_never_refused(self):
        self._give_points(self.patient, 400)
        Order = self.env["pos.order"].with_user(self.cashier)
        Order.dental_loyalty_reserve_points(
            self.config.id, "offline-a", self.patient.id, 100.0, 30.0
        )
        data = self._order([(self.checkup, 2)], points=30, uuid="offline-a")
        # Terminal A goes offline; an hour later its hold has lapsed and
        # terminal B spends 250 of the 400 points.
        with freeze_time(fields.Datetime.now() + timedelta(hours=1)):
            self._sync(self._order([(self.checkup, 10)], points=25))
            self.assertEqual(self._wallet().points_available, 150 + 475)
            self._give_points(self.patient, -475)  # exchanged at the desk
            order = self._sync(data)
        # A's order stands: it takes the 150 points left and says what is missing.
        self.assertEqual(order.state, "paid")
        self.assertEqual(order.dental_loyalty_points_spent, 150)
        self.assertGreaterEqual(self._wallet().points_available, 0)
        # The patient's chatter says so (the sale also made them Silver: the
        # suite's ladder, so the note is not necessarily the last message).
        note = self.patient.message_ids.filtered(
            lambda message: "150 were still spendable" in message.body
        )
        self.assertEqual(len(note), 1)
        self.assertIn("points missing: 150.", note.body)

    def test_reserve_is_for_point_of_sale_users(self):
        stranger = new_test_user(
            self.env,
            login="dl_stranger",
            groups="base.group_user",
            company_id=self.company.id,
            company_ids=[(6, 0, self.company.ids)],
        )
        with self.assertRaises(AccessError):
            self.env["pos.order"].with_user(stranger).dental_loyalty_reserve_points(
                self.config.id, "x", self.patient.id, 10.0
            )

    def test_lapsed_reservations_are_released(self):
        self._give_points(self.patient, 500)
        Order = self.env["pos.order"].with_user(self.cashier)
        Order.dental_loyalty_reserve_points(
            self.config.id, "order-a", self.patient.id, 100.0
        )
        with freeze_time(fields.Datetime.now() + timedelta(hours=1)):
            offer = Order.dental_loyalty_reserve_points(
                self.config.id, "order-b", self.patient.id, 1000.0
            )
            self.assertEqual(offer["spendable_points"], 500)
        with freeze_time(fields.Datetime.now() + timedelta(days=8)):
            self.env["dental.loyalty.reservation"]._gc_lapsed_holds()
        self.assertFalse(
            self.env["dental.loyalty.reservation"].search(
                [("order_uuid", "=", "order-a")]
            )
        )

    def test_session_with_points_payments_closes(self):
        self._give_points(self.patient, 1000)
        self._sync(self._order([(self.checkup, 2)], points=30))
        self._sync(self._order([(self.cleaning, 1)]))
        session = self.pos_session
        summary = {
            method.name: amount
            for method, amount in (
                (payment.payment_method_id, payment.amount)
                for payment in session.order_ids.payment_ids
            )
            if method == self.points_pm
        }
        self.assertEqual(summary, {"Loyalty Points": 30})
        session.action_pos_session_closing_control()
        self.assertEqual(session.state, "closed")
        self.assertEqual(session.move_id.state, "posted")
        points_lines = session.move_id.line_ids.filtered(
            lambda line: "Loyalty Points" in (line.name or "")
        )
        self.assertTrue(points_lines, "points payments have their own line")
