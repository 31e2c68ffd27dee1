from datetime import date

from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import DentalLoyaltyAccountCommon

FEBRUARY = date(2026, 2, 28)
MARCH = date(2026, 3, 31)


@tagged("post_install", "-at_install")
@freeze_time("2026-04-15")
class TestLiabilityBooking(DentalLoyaltyAccountCommon):
    def assert_entry(self, booking, debit_account, credit_account, amount):
        move = booking.move_id
        self.assertEqual(move.state, "posted")
        self.assertEqual(move.journal_id, self.journal)
        self.assertEqual(move.date, booking.date)
        self.assertRecordValues(
            move.line_ids.sorted("debit", reverse=True),
            [
                {"account_id": debit_account.id, "debit": amount, "credit": 0.0},
                {"account_id": credit_account.id, "debit": 0.0, "credit": amount},
            ],
        )

    def test_increase_debits_expense_and_credits_liability(self):
        self.company.dental_loyalty_breakage_percent = 10.0
        self.worth[self.company.id, FEBRUARY] = 1000.0
        booking = self.book(date(2026, 2, 3))
        # The month is booked on its last day, net of 10 % expected breakage.
        self.assertRecordValues(
            booking,
            [
                {
                    "date": FEBRUARY,
                    "liability_worth": 1000.0,
                    "breakage_percent": 10.0,
                    "net_worth": 900.0,
                    "amount": 900.0,
                    "state": "booked",
                }
            ],
        )
        self.assert_entry(booking, self.expense_account, self.liability_account, 900.0)
        self.assertAlmostEqual(self.balance_of(self.liability_account, FEBRUARY), -900)

    def test_decrease_debits_liability_and_credits_expense(self):
        self.company.dental_loyalty_breakage_percent = 10.0
        self.worth[self.company.id, FEBRUARY] = 1000.0
        self.worth[self.company.id, MARCH] = 600.0
        self.book(FEBRUARY)
        march = self.book(MARCH)
        # 540 net of breakage in March against 900 booked for February.
        self.assertEqual(march.amount, -360.0)
        self.assert_entry(march, self.liability_account, self.expense_account, 360.0)
        # The books hold the liability net of breakage at the last booked month's end.
        self.assertAlmostEqual(self.balance_of(self.liability_account, MARCH), -540)
        self.assertAlmostEqual(self.balance_of(self.expense_account, MARCH), 540)

    def test_no_change_posts_nothing(self):
        self.worth[self.company.id, FEBRUARY] = 250.0
        self.worth[self.company.id, MARCH] = 250.0
        self.book(FEBRUARY)
        march = self.book(MARCH)
        self.assertEqual(march.amount, 0.0)
        self.assertFalse(march.move_id)

    def test_month_booked_once(self):
        self.worth[self.company.id, FEBRUARY] = 400.0
        first = self.book(FEBRUARY)
        # A new figure does not move a month already booked: it is booked once.
        self.worth[self.company.id, FEBRUARY] = 700.0
        second = self.book(date(2026, 2, 10))
        self.assertEqual(second, first)
        self.assertEqual(second.amount, 400.0)
        entries = self.env["account.move"].search(
            [("journal_id", "=", self.journal.id), ("date", "=", FEBRUARY)]
        )
        self.assertEqual(entries, first.move_id)
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            with self.env.cr.savepoint():
                self.Booking.create({"company_id": self.company.id, "date": FEBRUARY})

    def test_reverse_frees_the_month(self):
        self.worth[self.company.id, FEBRUARY] = 400.0
        booking = self.book(FEBRUARY)
        entry = booking.move_id
        booking.with_user(self.manager).action_reverse()
        reversal = booking.reversal_move_id
        self.assertEqual(booking.state, "reversed")
        self.assertEqual(reversal.reversed_entry_id, entry)
        self.assertEqual(reversal.state, "posted")
        self.assertEqual(reversal.date, FEBRUARY)
        self.assertAlmostEqual(self.balance_of(self.liability_account, FEBRUARY), 0)
        # Booked again on a corrected figure, in the same booking (the key holds).
        self.worth[self.company.id, FEBRUARY] = 650.0
        again = self.book(FEBRUARY)
        self.assertEqual(again, booking)
        self.assertEqual(again.state, "booked")
        self.assertEqual(again.amount, 650.0)
        self.assertNotEqual(again.move_id, entry)
        self.assertFalse(again.reversal_move_id)
        self.assertAlmostEqual(self.balance_of(self.liability_account, FEBRUARY), -650)

    def test_months_in_order(self):
        self.worth[self.company.id, FEBRUARY] = 400.0
        self.worth[self.company.id, MARCH] = 500.0
        february = self.book(FEBRUARY)
        self.book(MARCH)
        with self.assertRaisesRegex(UserError, "reverse March 2026 first"):
            february.with_user(self.manager).action_reverse()
        self.assertEqual(february.state, "booked")
        # An earlier month would leave the later months' changes wrong.
        self.worth[self.company.id, date(2026, 1, 31)] = 100.0
        with self.assertRaisesRegex(UserError, "Reverse March 2026 first"):
            self.book(date(2026, 1, 31))

    def test_locked_period_refused(self):
        self.worth[self.company.id, FEBRUARY] = 400.0
        self.worth[self.company.id, MARCH] = 500.0
        february = self.book(FEBRUARY)
        self.company.fiscalyear_lock_date = MARCH
        with self.assertRaisesRegex(UserError, "the period is locked"):
            self.book(MARCH)
        self.assertFalse(self.Booking.search([("date", "=", MARCH)]))
        with self.assertRaisesRegex(UserError, "the period is locked"):
            february.with_user(self.manager).action_reverse()
        self.assertEqual(february.state, "booked")
        self.assertFalse(february.reversal_move_id)

    def test_off_refused(self):
        self.worth[self.company.id, FEBRUARY] = 400.0
        self.company.dental_loyalty_book_liability = False
        with self.assertRaisesRegex(UserError, "does not book the loyalty liability"):
            self.book(FEBRUARY)
        self.company.dental_loyalty_book_liability = True
        self.company.dental_loyalty_liability_journal_id = False
        with self.assertRaisesRegex(UserError, "choose the contract liability account"):
            self.book(FEBRUARY)
        self.assertFalse(self.Booking.search([("company_id", "=", self.company.id)]))
        self.assertFalse(self.balance_of(self.liability_account, FEBRUARY))

    def test_month_not_ended_refused(self):
        self.worth[self.company.id, date(2026, 4, 30)] = 400.0
        with self.assertRaisesRegex(UserError, "once the month has ended"):
            self.book(date(2026, 4, 1))
