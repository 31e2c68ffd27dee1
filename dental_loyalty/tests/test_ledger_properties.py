from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from ..rules import points_for_amount
from .common_pos import DentalLoyaltyPosCommon

try:
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
except ImportError:  # hypothesis is a development tool (requirements-dev.txt)
    RuleBasedStateMachine = None


@tagged("post_install", "-at_install")
class TestLedgerProperties(DentalLoyaltyPosCommon):
    """Random sequences of what happens at a clinic, driven through the real
    models in the test's transaction: sales paid partly with points, refunds
    (partial, full, repeated, made out to another patient), adjustments, days
    passing and the nightly jobs. After every step the ledger must add up."""

    def test_random_days_at_the_front_desk_keep_the_ledger_whole(self):
        if RuleBasedStateMachine is None:
            self.skipTest("hypothesis is not installed")
        self.company.dental_loyalty_waiting_days = 2
        self.company.dental_loyalty_validity_months = 1
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


if RuleBasedStateMachine is not None:

    class FrontDeskMachine(RuleBasedStateMachine):
        def __init__(self, test, patients):
            super().__init__()
            self.test = test
            self.patients = patients
            self.now = datetime(2026, 3, 2, 10, 0)
            self.sales = []
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

        @rule(
            patient=st.integers(0, 1),
            checkups=st.integers(1, 6),
            share=st.sampled_from([0.0, 0.1, 0.2, 0.3, 0.3, 0.5]),
        )
        def sale(self, patient, checkups, share):
            test = self.test
            partner = self.patients[patient]
            with self._at_now():
                total = 50.0 * checkups
                points = round(total * share, 2)
                data = test._order(
                    [(test.checkup, checkups)], points=points, partner=partner
                )
                wallet = test._wallet(partner)
                try:
                    # A refused request rolls back, as Odoo does with a request.
                    with test.env.cr.savepoint():
                        order = test._sync(data)
                except UserError:
                    # Refused: over the cap or the balance; nothing posted.
                    test.env.invalidate_all()
                    test.assertFalse(
                        test.env["pos.order"].search([("uuid", "=", data["uuid"])])
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

        @precondition(lambda self: self.sales)
        @rule(
            pick=st.integers(0, 50),
            part=st.sampled_from([0.25, 0.5, 1.0]),
            to_other=st.booleans(),
            give_back=st.booleans(),
        )
        def refund(self, pick, part, to_other, give_back):
            test = self.test
            sale = self.sales[pick % len(self.sales)]
            line = sale.lines
            quantity = max(1, int(line.qty * part))
            points_paid = sum(
                payment.amount
                for payment in sale.payment_ids
                if payment.payment_method_id == test.points_pm
            )
            points_back = (
                round(points_paid * quantity / line.qty, 2) if give_back else 0
            )
            other = (
                self.patients[1]
                if sale.partner_id == self.patients[0]
                else self.patients[0]
            )
            with self._at_now():
                data = test._order(
                    [
                        {
                            "product": line.product_id,
                            "quantity": -quantity,
                            "refunded_orderline_id": line.id,
                        }
                    ],
                    points=-points_back,
                    partner=other if to_other else sale.partner_id,
                )
                try:
                    with test.env.cr.savepoint():
                        test._sync(data)
                except UserError:
                    test.env.invalidate_all()
                    return  # gives back more than is left to give: refused
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
                while test.Ledger._cron_expire_lots(batch_size=3):
                    pass
                while test.env["dental.loyalty.wallet"]._cron_evaluate_tiers(
                    batch_size=3
                ):
                    pass

        @invariant()
        def the_ledger_adds_up(self):
            self.test.assertLedgerIntegrity()
            for patient in self.patients:
                wallet = self.test._wallet(patient)
                self.test.assertGreaterEqual(wallet.points_available, 0)
                self.test.assertGreaterEqual(wallet.points_balance, 0)
