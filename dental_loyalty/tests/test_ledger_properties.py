from datetime import datetime, timedelta

from freezegun import freeze_time

# Required, not optional: requirements-dev.txt pins it and scripts/test installs it
# into the Python that runs Odoo; without it this module fails to import, loudly.
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from ..rules import points_for_amount
from .test_pos_vouchers import VoucherRegisterCommon


@tagged("post_install", "-at_install", "dental_loyalty_slow")
class TestLedgerProperties(VoucherRegisterCommon):
    """Random sequences of what happens at a clinic, driven through the real
    models in the test's transaction: sales paid partly with points and dated
    by the register days back or ahead, refunds (partial, full, of nothing,
    repeated, made out to another patient, mixed with a new sale), vouchers
    bought and used, referred newcomers' first visits, adjustments, days
    passing and the nightly jobs. After every step the ledger must add up and
    be worth what the rules give (the integrity check's value audit)."""

    def test_random_days_at_the_front_desk_keep_the_ledger_whole(self):
        self._set_loyalty_settings(waiting_days=2, validity_months=1)
        other = self.env["res.partner"].create({"name": "Hoa Le"})
        run_state_machine_as_test(
            lambda: FrontDeskMachine(self, [self.patient, other]),
            settings=settings(
                max_examples=30,
                stateful_step_count=15,
                deadline=None,
                database=None,
                suppress_health_check=list(HealthCheck),
            ),
        )


class FrontDeskMachine(RuleBasedStateMachine):
    def __init__(self, test, patients):
        super().__init__()
        self.test = test
        self.patients = patients
        # The register's session opened before the machine's first step.
        self.now = datetime.now().replace(microsecond=0) + timedelta(minutes=1)
        self.sales = []
        self.newcomers = 0
        self.savepoint = test.env.cr.savepoint()

    def teardown(self):
        self.savepoint.close(rollback=True)
        self.test.env.invalidate_all()

    def _at_now(self):
        return freeze_time(self.now)

    @initialize()
    def open_wallets(self):
        with self._at_now():
            for patient in self.patients:
                self.test._give_points(patient, 500)

    def _try_sync(self, data):
        """The order, or None when the server refused it (then nothing of it
        is left, as after a refused request)."""
        test = self.test
        try:
            return test._sync(data)
        except UserError:
            test.assertFalse(
                test.env["pos.order"].search([("uuid", "=", data["uuid"])])
            )
            return None

    def _reprice(self, data, points=0.0):
        """Totals and payments of order data whose lines' prices were
        changed: ``points`` paid with points, the rest in cash."""
        test = self.test
        total = 0.0
        for line in data["lines"]:
            vals = line[2]
            amount = vals["price_unit"] * vals["qty"]
            amount *= 1 - (vals.get("discount") or 0.0) / 100
            vals.update(price_subtotal=amount, price_subtotal_incl=amount)
            total += amount
        total = round(total, 2)
        payments = [(test.points_pm, points)] if points else []
        if round(total - points, 2):
            payments.append((test.cash_pm1, round(total - points, 2)))
        data.update(
            amount_total=total,
            amount_tax=0.0,
            amount_paid=total,
            payment_ids=[
                (
                    0,
                    0,
                    {
                        "amount": amount,
                        "name": fields.Datetime.now(),
                        "payment_method_id": method.id,
                    },
                )
                for method, amount in payments
            ],
        )
        return data

    def _check_lots_wait(self, order):
        """Whatever day the register wrote, the points wait from the
        server's day."""
        test = self.test
        waiting = test.company.dental_loyalty_waiting_days
        earliest = fields.Date.to_date(self.now) + timedelta(days=waiting)
        lots = test.Ledger.search(
            [
                ("pos_order_id", "=", order.id),
                ("points", ">", 0),
                ("kind", "in", test.Ledger._waiting_kinds()),
            ]
        )
        # A sale the server took was paid at least 70 % in cash: it earned.
        test.assertTrue(lots, "the sale earned nothing")
        for lot in lots:
            test.assertGreaterEqual(lot.available_date, earliest)

    @rule(
        patient=st.integers(0, 1),
        checkups=st.integers(1, 6),
        share=st.sampled_from([0.0, 0.1, 0.2, 0.3, 0.3, 0.5]),
        days_off=st.sampled_from([0, 0, 0, 10, -3]),
    )
    def sale(self, patient, checkups, share, days_off):
        test = self.test
        partner = self.patients[patient]
        with self._at_now():
            total = 50.0 * checkups
            points = round(total * share, 2)
            data = test._order(
                [(test.checkup, checkups)], points=points, partner=partner
            )
            # The register's clock: days back, or ahead.
            data["date_order"] = fields.Datetime.to_string(
                self.now - timedelta(days=days_off)
            )
            wallet = test._wallet(partner)
            lines_before = test.Ledger.search_count([("wallet_id", "=", wallet.id)])
            order = self._try_sync(data)
            if not order:
                # Over the cap or the balance: refused, nothing posted.
                test.assertEqual(
                    test.Ledger.search_count([("wallet_id", "=", wallet.id)]),
                    lines_before,
                )
                return
            self.sales.append(order)
            spent = order.dental_loyalty_points_spent
            # Money paid with points is the points taken times their value.
            test.assertEqual(
                spent,
                points_for_amount(points, test.company.dental_loyalty_point_value),
            )
            test.assertGreaterEqual(wallet.points_balance, 0)
            self._check_lots_wait(order)

    @rule(patient=st.integers(0, 1), checkups=st.integers(1, 4))
    def voucher_sale(self, patient, checkups):
        """Buy a 10.00 voucher with points when the patient can, and use it
        on a bill of check-ups."""
        test = self.test
        partner = self.patients[patient]
        with self._at_now():
            wallet = test._wallet(partner)
            try:
                with test.env.cr.savepoint():
                    voucher = test.Voucher._issue(wallet, test.ten_off)
            except UserError:
                test.env.invalidate_all()
                return  # not enough spendable points
            order = self._try_sync(
                test._voucher_order(
                    [(test.checkup, checkups)],
                    [(voucher.code, test.discount_product, -10.0)],
                    partner=partner,
                )
            )
            if order:
                self.sales.append(order)
            # Used by the sale, or still valid when the sale was refused.
            test.assertEqual(voucher.state, "used" if order else "valid")

    @rule(checkups=st.integers(1, 3), pay_little=st.booleans())
    def referred_first_visit(self, checkups, pay_little):
        """A newcomer referred by the first patient comes for a first visit
        (or pays next to nothing for it)."""
        test = self.test
        self.newcomers += 1
        with self._at_now():
            newcomer = test.env["res.partner"].create(
                {
                    "name": f"Newcomer {self.newcomers}",
                    "email": f"newcomer{self.newcomers}@example.com",
                }
            )
            try:
                with test.env.cr.savepoint():
                    test.env["dental.loyalty.referral"]._refer(
                        newcomer,
                        self.patients[0].dental_referral_code,
                        test.company,
                    )
            except UserError:
                test.env.invalidate_all()  # the yearly limit, say
            data = test._order([(test.checkup, checkups)], partner=newcomer)
            if pay_little:
                data["lines"][0][2].update(price_unit=0.01, qty=1)
                self._reprice(data)
            order = self._try_sync(data)
            if order:
                self.sales.append(order)

    @precondition(lambda self: self.sales)
    @rule(
        pick=st.integers(0, 50),
        part=st.sampled_from([0.0, 0.25, 0.5, 1.0]),
        to_other=st.booleans(),
        give_back=st.booleans(),
        sell_too=st.integers(0, 2),
    )
    def refund(self, pick, part, to_other, give_back, sell_too):
        """Refund a part (or nothing) of every line of a sale, vouchers
        included, with or without its points, maybe selling new check-ups
        on the same order. Without its points, a refund of a sale paid
        with points pays their part out in cash: it is refused."""
        test = self.test
        sale = self.sales[pick % len(self.sales)]
        sold = sale.lines.filtered(lambda line: line.qty > 0)
        points_paid = sum(
            payment.amount
            for payment in sale.payment_ids
            if payment.payment_method_id == test.points_pm
        )
        points_back = round(points_paid * part, 2) if give_back else 0
        other = (
            self.patients[1]
            if sale.partner_id == self.patients[0]
            else self.patients[0]
        )
        lines = [
            {
                "product": line.product_id,
                "quantity": -round(line.qty * part),
                "refunded_orderline_id": line.id,
            }
            for line in sold
        ]
        if sell_too:
            lines.append((test.checkup, sell_too))
        with self._at_now():
            data = test._order(
                lines,
                points=-points_back,
                partner=other if to_other else sale.partner_id,
            )
            for line_data, line in zip(data["lines"], sold, strict=False):
                # The register prices a refund line as the sold one.
                line_data[2].update(price_unit=line.price_unit, discount=line.discount)
            self._try_sync(self._reprice(data, -points_back))
        self._check_sale(sale)

    def _check_sale(self, sale):
        lines = self.test.Ledger.search(
            [("res_model", "=", "pos.order"), ("res_id", "=", sale.id)]
        )

        def total(kind):
            return abs(
                sum(lines.filtered(lambda line: line.kind == kind).mapped("points"))
            )

        self.test.assertLessEqual(total("earn_reversal"), total("earn"))
        self.test.assertLessEqual(total("spend_return"), total("spend"))
        # Every line of a sale and its refunds is on the sale's wallet.
        self.test.assertLessEqual(len(lines.wallet_id), 1)
        # Its refunds pay out in money no more than it took in money: a
        # refund in cash of what points or a voucher paid is refused.
        refunds = sale.lines.refund_orderline_ids.order_id.filtered(
            lambda refund: refund.state in ("paid", "done", "invoiced")
        )
        paid_out = sum(refund._dental_loyalty_money_paid_out() for refund in refunds)
        took = sale._dental_loyalty_sold_total() - max(
            sale._dental_loyalty_points_paid(), 0.0
        )
        self.test.assertLessEqual(round(paid_out - took, 2), 0.01)

    @rule(patient=st.integers(0, 1), points=st.integers(-200, 300))
    def adjust(self, patient, points):
        if not points:
            return
        with self._at_now():
            try:
                with self.test.env.cr.savepoint():
                    self.test._give_points(self.patients[patient], points)
            except UserError:
                self.test.env.invalidate_all()  # more than is spendable

    @rule(days=st.integers(1, 40))
    def days_pass(self, days):
        self.now += timedelta(days=days)

    @rule()
    def nightly_jobs(self):
        test = self.test
        with self._at_now():
            while test.Ledger._cron_release_pending(batch_size=3):
                pass
            while test.Wallet._cron_expire_lots(batch_size=3):
                pass
            while test.env["dental.loyalty.wallet"]._cron_evaluate_tiers(batch_size=3):
                pass

    @invariant()
    def the_ledger_adds_up(self):
        self.test.assertLedgerIntegrity()
        for patient in self.patients:
            wallet = self.test._wallet(patient)
            self.test.assertGreaterEqual(wallet.points_available, 0)
            self.test.assertGreaterEqual(wallet.points_balance, 0)
