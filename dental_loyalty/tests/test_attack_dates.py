from datetime import timedelta

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo import fields
from odoo.tests import HttpCase, tagged

from .common_pos import PosJsonRpcMixin
from .test_pos_vouchers import VoucherRegisterCommon


@tagged("post_install", "-at_install", "dental_loyalty_slow")
class TestRegisterDatesOverTheWire(PosJsonRpcMixin, VoucherRegisterCommon, HttpCase):
    """The register's date of a sale is a witness, not an authority: over
    JSON-RPC as the cashier, a sale dated in the past or the future counts from
    the day the server heard of it, within its session (issue 16, observation 2)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._set_loyalty_settings(waiting_days=14, dormant_months=6)
        # The six-monthly cleaning: 50 more points when the patient is on time.
        cls.cleaning.product_tmpl_id.write(
            {
                "dental_loyalty_recall": True,
                "dental_loyalty_recall_months": 6,
                "dental_loyalty_recall_margin_days": 30,
                "dental_loyalty_recall_points": 50,
            }
        )

    def setUp(self):
        super().setUp()
        self.authenticate(self.cashier.login, self.cashier.login)
        self.today = self.company._dental_loyalty_today()

    def _dated(self, data, when):
        data["date_order"] = fields.Datetime.to_string(when)
        return data

    def _sync_ok(self, data):
        order, error = self._sync_rpc(data)
        self.assertIsNone(error)
        return order

    def _first_visit(self, partner, when):
        """A cleaning paid and synced at ``when``, in the past."""
        self._session_opened_at(when)
        with freeze_time(when):
            return self._sync(self._order([(self.cleaning, 1)], partner=partner))

    def test_a_backdated_sale_waits_from_its_sync(self):
        now = fields.Datetime.now()
        sale = self._sync_ok(
            self._dated(self._order([(self.checkup, 18)]), now - timedelta(days=10))
        )
        lot = sale.dental_loyalty_line_ids
        self.assertRecordValues(
            lot,
            [
                {
                    "kind": "earn",
                    "points": 900,
                    "date": self.today,
                    "available_date": self.today + timedelta(days=14),
                    "is_released": False,
                }
            ],
        )
        wallet = self._wallet()
        self.assertEqual((wallet.points_available, wallet.points_pending), (0, 900))
        # 45.00 of a new bill with those points: asked, then synced anyway.
        bill = self._order([(self.checkup, 3)], points=45.0)
        offer, error = self._hold_rpc(bill, 45.0)
        self.assertIsNone(offer)
        self.assertIn("no spendable points yet; pending: 900 on", error["message"])
        order, error = self._sync_rpc(bill)
        self.assertIsNone(order)
        self.assertIn("was refused", error["message"])
        # The first sale refunded in full, dated a year back: all 900 go back.
        refund = self._sync_ok(
            self._dated(self._refund_data(sale), now - relativedelta(years=1))
        )
        self.assertEqual(refund.dental_loyalty_points_earned, -900)
        self.assertEqual(
            set(refund.dental_loyalty_line_ids.mapped("date")), {self.today}
        )
        self.assertEqual(self._wallet().points_balance, 0)

    def test_a_sale_dated_in_the_future_counts_from_today(self):
        sale = self._sync_ok(
            self._dated(
                self._order([(self.checkup, 2)]),
                fields.Datetime.now() + timedelta(days=30),
            )
        )
        self.assertLessEqual(sale.dental_loyalty_visit_time, fields.Datetime.now())
        lot = sale.dental_loyalty_line_ids
        self.assertEqual(lot.date, self.today)
        self.assertEqual(lot.available_date, self.today + timedelta(days=14))
        wallet = self._wallet()
        self.assertEqual(wallet.last_visit_date, self.today)
        # Not seen for six months from the real visit: found dormant on time,
        # not a month later.
        dormant_day = self.today + relativedelta(months=6, days=1)
        with freeze_time(dormant_day):
            self.env["dental.loyalty.wallet"]._cron_dormant_patients()
        self.assertEqual(self._wallet().dormant_since, dormant_day)

    def test_a_sale_dated_years_back_is_a_visit_of_today(self):
        self._sync_ok(
            self._dated(
                self._order([(self.checkup, 2)]),
                fields.Datetime.now() - relativedelta(years=2),
            )
        )
        self.assertEqual(self._wallet().last_visit_date, self.today)
        self.env["dental.loyalty.wallet"]._cron_dormant_patients()
        self.assertFalse(self._wallet().dormant_since, "the patient just came")

    def test_the_order_itself_is_dated_within_its_session(self):
        # Core dates the order's invoice, its entries and reports by date_order.
        session = self.pos_session
        opened = max(session.start_at, session.create_date)
        epoch = "1970-01-01 00:00:00"
        old = self._order([(self.checkup, 2)])
        old["date_order"] = epoch
        old = self._sync_ok(old)
        ahead = self._sync_ok(
            self._dated(
                self._order([(self.checkup, 2)]),
                fields.Datetime.now() + timedelta(minutes=5),
            )
        )
        invoiced = self._order([(self.checkup, 2)])
        invoiced.update(date_order=epoch, to_invoice=True)
        invoiced = self._sync_ok(invoiced)
        for order in (old, ahead, invoiced):
            self.assertEqual(order.date_order, order.dental_loyalty_visit_time)
            self.assertGreaterEqual(order.date_order, opened)
            self.assertLessEqual(order.date_order, fields.Datetime.now())
        self.assertEqual(invoiced.state, "invoiced")
        self.assertGreaterEqual(invoiced.account_move.invoice_date, opened.date())
        # Nor does a write move a stored order out of its session.
        _result, error = self._call(
            "pos.order", "write", [old.id, ahead.id], {"date_order": epoch}
        )
        self.assertIsNone(error)
        (old | ahead).invalidate_recordset()
        self.assertEqual(old.date_order, opened)
        self.assertEqual(ahead.date_order, opened)
        self.assertEqual(old.dental_loyalty_visit_time, opened)

    def test_a_payment_is_dated_within_its_session(self):
        # Core dates a split payment's bank statement line by its date.
        session = self.pos_session
        opened = max(session.start_at, session.create_date)
        epoch = "1970-01-01 00:00:00"
        data = self._order([(self.checkup, 2)])
        for _command, _id, payment in data["payment_ids"]:
            payment["payment_date"] = epoch
        order = self._sync_ok(data)
        self.assertEqual(order.payment_ids.mapped("payment_date"), [opened])
        _result, error = self._call(
            "pos.payment",
            "write",
            order.payment_ids.ids,
            {"payment_date": "2099-01-01 00:00:00"},
        )
        self.assertIsNone(error)
        order.payment_ids.invalidate_recordset()
        self.assertLessEqual(order.payment_ids.payment_date, fields.Datetime.now())
        _result, error = self._call(
            "pos.payment",
            "write",
            order.payment_ids.ids,
            {"payment_date": "2026-12-07T00:00:00"},
        )
        self.assertIn("a payment date that is not a date", error["message"])

    def test_the_recall_window_is_decided_by_the_servers_day(self):
        now = fields.Datetime.now()
        on_time = self.env["res.partner"].create({"name": "On Time"})
        late = self.env["res.partner"].create({"name": "Late"})
        early = self.env["res.partner"].create({"name": "Early"})
        self._first_visit(on_time, now - relativedelta(months=6))
        self._first_visit(late, now - relativedelta(months=7, days=15))
        self._first_visit(early, now - relativedelta(months=4))
        self._session_reopened_now()
        honest = self._sync_ok(self._order([(self.cleaning, 1)], partner=on_time))
        self.assertEqual(honest.dental_loyalty_recall_points, 50)
        # Each register claims a day within the window: the server's day is not.
        for partner, claimed in (
            (late, now - timedelta(days=30)),
            (early, now + relativedelta(months=2)),
        ):
            with self.subTest(patient=partner.name):
                order = self._sync_ok(
                    self._dated(
                        self._order([(self.cleaning, 1)], partner=partner), claimed
                    )
                )
                self.assertEqual(order.dental_loyalty_recall_points, 0)
                self.assertEqual(order.dental_loyalty_points_earned, 80 + 40)

    def test_two_bills_of_one_second_earn_one_recall_bonus(self):
        now = fields.Datetime.now()
        patient = self.env["res.partner"].create({"name": "On Time"})
        self._first_visit(patient, now - relativedelta(months=6))
        self._session_reopened_now()
        # Two registers' bills of the same second, synced one after the other.
        with freeze_time(now):
            first = self._sync_ok(self._order([(self.cleaning, 1)], partner=patient))
            second = self._sync_ok(self._order([(self.cleaning, 1)], partner=patient))
        self.assertEqual(
            first.dental_loyalty_visit_time, second.dental_loyalty_visit_time
        )
        self.assertEqual(first.dental_loyalty_recall_points, 50)
        self.assertEqual(second.dental_loyalty_recall_points, 0)

    def test_bills_saved_as_drafts_earn_one_recall_bonus(self):
        now = fields.Datetime.now()
        patient = self.env["res.partner"].create({"name": "On Time"})
        self._first_visit(patient, now - relativedelta(months=6))
        self._session_reopened_now()
        # Two bills saved as drafts a few seconds apart (the server stamps
        # each when it hears of it), then paid the newest first.
        bills = []
        for seconds in (0, 5):
            with freeze_time(now + timedelta(seconds=seconds)):
                data = self._order([(self.cleaning, 1)], partner=patient)
                draft = {**data, "state": "draft", "payment_ids": [], "amount_paid": 0}
                self.assertEqual(self._sync_ok(draft).state, "draft")
                bills.append(data)
        with freeze_time(now + timedelta(seconds=10)):
            paid = [
                self._sync_ok({**data, "lines": [], "state": "paid"})
                for data in reversed(bills)
            ]
        self.assertEqual([order.state for order in paid], ["paid", "paid"])
        self.assertEqual(
            [order.dental_loyalty_recall_points for order in paid], [50, 0]
        )

    def test_the_servers_visit_time_cannot_be_sent_nor_written(self):
        now = fields.Datetime.now()
        patient = self.env["res.partner"].create({"name": "Early"})
        first = self._first_visit(patient, now - relativedelta(months=3))
        self._session_reopened_now()
        six_months_back = fields.Datetime.to_string(now - relativedelta(months=6))
        # The first visit moved back three more months, by write.
        self._call(
            "pos.order",
            "write",
            [first.id],
            {
                "dental_loyalty_visit_time": six_months_back,
                "date_order": six_months_back,
            },
        )
        # And the new one sent with the server's field in its payload.
        data = self._order([(self.cleaning, 1)], partner=patient)
        data["dental_loyalty_visit_time"] = six_months_back
        order = self._sync_ok(data)
        self.assertEqual(order.dental_loyalty_recall_points, 0)
        first.invalidate_recordset()
        self.assertGreater(
            first.dental_loyalty_visit_time, now - relativedelta(months=4)
        )

    def test_a_voucher_is_checked_on_the_servers_day(self):
        voucher = self._issue(self.ten_off)
        # Its last day was yesterday; the register claims the bill is older.
        voucher.sudo().expiry_date = self.today - timedelta(days=1)
        data = self._voucher_order(
            [(self.checkup, 2)], [(voucher.code, self.discount_product, -10.0)]
        )
        order, error = self._sync_rpc(
            self._dated(data, fields.Datetime.now() - timedelta(days=2))
        )
        self.assertIsNone(order)
        self.assertIn(f"Voucher {voucher.code_hint} expired on", error["message"])
        self.assertEqual(voucher.state, "valid")
