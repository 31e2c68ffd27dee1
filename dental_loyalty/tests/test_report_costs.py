from collections import defaultdict
from datetime import date

from freezegun import freeze_time

from odoo.tests import new_test_user, tagged

from .common import DentalLoyaltyCommon
from .test_pos_vouchers import VoucherRegisterCommon

PAID_STATES = ("paid", "done", "invoiced")


@tagged("post_install", "-at_install")
class TestProgrammeCostsReport(VoucherRegisterCommon):
    """Two months at one clinic's register, in two sessions: the report's
    payments per month, session and method are pos.payment's, the points
    method on a line of its own; the rewards' and gifts' costs the vouchers'."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.kit.standard_price = 6.0
        cls.Report = cls.env["dental.loyalty.cost.report"]
        cls.manager = new_test_user(
            cls.env,
            login="dl_costs_manager",
            groups="base.group_user,dental_loyalty.group_dental_loyalty_manager",
            company_id=cls.company.id,
            company_ids=[(6, 0, cls.company.ids)],
        )

    def _scenario(self):
        self._session_opened_at("2026-03-01")
        with freeze_time("2026-03-05 10:00:00"):
            self._give_points(self.patient, 500)
            data = self._order([(self.checkup, 2)], points=20.0)
            data["dental_loyalty_practitioner_id"] = self.dentist.id
            paid = self._sync(data)
        with freeze_time("2026-03-10 10:00:00"):
            discount = self._issue(self.ten_off)
            self._sync(
                self._voucher_order(
                    [(self.checkup, 2)],
                    [(discount.code, self.discount_product, -10.0)],
                    dental_loyalty_practitioner_id=self.dentist.id,
                )
            )
        with freeze_time("2026-04-07 10:00:00"):
            self._session_reopened_now()
            self._sync(self._order([(self.cleaning, 1)], points=10.0))
            self._sync(self._refund_data(paid, points=-20.0))
            gift = self._issue(self.gift)
            gift.action_mark_handed()
        # The views read the tables: what a request would have committed.
        self.env.flush_all()
        return paid, discount | gift

    def test_payments_per_month_session_and_method_match_the_register(self):
        paid, _vouchers = self._scenario()
        payments = self.env["pos.payment"].search(
            [("partner_id", "=", self.patient.id)]
        )
        want = defaultdict(float)
        for pay in payments.filtered(lambda p: p.pos_order_id.state in PAID_STATES):
            method = pay.payment_method_id
            source = (
                "points_payment" if method.dental_loyalty_points else "other_payment"
            )
            key = (pay.payment_date.month, pay.session_id, source, method)
            want[key] += pay.amount
        groups = self.Report.with_user(self.manager)._read_group(
            [
                ("partner_id", "=", self.patient.id),
                ("source", "in", ("points_payment", "other_payment")),
            ],
            ["date:month", "session_id", "source", "payment_method_id"],
            ["amount:sum"],
        )
        got = {
            (month.month, session, source, method): amount
            for month, session, source, method, amount in groups
        }
        self.assertEqual(got, dict(want))
        points = {
            key[:2]: amount for key, amount in got.items() if key[2] == "points_payment"
        }
        # 20.00 in points in March; in April 10.00 taken and the 20.00 given back.
        self.assertEqual(
            points,
            {(3, paid.session_id): 20.0, (4, self.pos_session): -10.0},
        )

    def test_rewards_and_gifts_at_their_costs(self):
        _paid, vouchers = self._scenario()
        rows = self.Report.with_user(self.manager).search(
            [("voucher_id", "in", vouchers.ids)]
        )
        got = {
            row.voucher_id: (
                row.source,
                row.date.month,
                row.amount,
                row.clinic_cost,
                row.practitioner_cost,
                row.practitioner_id,
                row.gift_cost,
            )
            for row in rows
        }
        want = {
            voucher: (
                "gift" if voucher.kind == "gift" else "reward",
                voucher.used_date.month,
                voucher.used_amount,
                voucher.clinic_cost,
                voucher.practitioner_cost,
                voucher.practitioner_id,
                voucher.reward_id.product_id.standard_price
                if voucher.kind == "gift"
                else 0.0,
            )
            for voucher in vouchers
        }
        self.assertEqual(got, want)
        discount = vouchers.filtered(lambda voucher: voucher.kind != "gift")
        self.assertEqual(got[discount][2:6], (10.0, 6.0, 4.0, self.dentist))
        gift = vouchers - discount
        self.assertEqual(got[gift][0], "gift")
        self.assertEqual(got[gift][6], 6.0)

    def test_movements_of_a_sale_are_under_its_practitioner(self):
        paid, _vouchers = self._scenario()
        rows = self.env["dental.loyalty.movement.report"].search(
            [("pos_order_id", "=", paid.id)]
        )
        self.assertEqual(rows.practitioner_id, self.dentist)
        spent = rows.filtered(lambda row: row.category == "spent_register")
        # 20.00 paid in points at 0.10 a point.
        self.assertEqual((spent.points, spent.worth), (-200, -20.0))


@tagged("post_install", "-at_install")
class TestGiftedPointsSpentReport(DentalLoyaltyCommon):
    """Birthday and referral points are a cost when they are spent: at the
    worth of the point that spent them, read from the lots a spend took."""

    def test_gifted_points_at_their_worth_when_spent(self):
        wallet = self.patient._dental_loyalty_wallet()

        def post(kind, points, day, **vals):
            return self.Wallet._post_lines(
                [
                    {
                        "wallet_id": wallet.id,
                        "kind": kind,
                        "points": points,
                        "date": day,
                        **vals,
                    }
                ]
            )

        post("birthday", 50, date(2026, 1, 1))
        post("referral", 30, date(2026, 1, 2))
        post("earn", 100, date(2026, 1, 3), paid_amount=100)
        spend = post("spend", -60, date(2026, 2, 1), point_value=0.05)
        post("redeem", -40, date(2026, 3, 1))
        Report = self.env["dental.loyalty.gift.points.report"].with_user(self.manager)
        takes = self.env["dental.loyalty.ledger.take"].search(
            [("wallet_id", "=", wallet.id)]
        )
        want = defaultdict(float)
        for take in takes:
            if take.lot_id.kind in ("birthday", "referral") and take.line_id.kind in (
                "spend",
                "redeem",
            ):
                value = (
                    take.line_id.point_value or self.company.dental_loyalty_point_value
                )
                want[(take.line_id.date, take.lot_id.kind)] += take.points * value
        groups = Report._read_group(
            [("wallet_id", "=", wallet.id)], ["date:day", "gift_kind"], ["worth:sum"]
        )
        got = {(day, kind): round(worth, 2) for day, kind, worth in groups}
        self.assertEqual(got, {key: round(value, 2) for key, value in want.items()})
        # Oldest first: the spend took the 50 birthday points and 10 referral
        # points at 0.05; the reward the other 20 referral points at 0.10.
        self.assertEqual(
            got,
            {
                (spend.date, "birthday"): 2.5,
                (spend.date, "referral"): 0.5,
                (date(2026, 3, 1), "referral"): 2.0,
            },
        )
