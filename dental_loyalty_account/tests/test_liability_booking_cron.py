from datetime import date

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import DentalLoyaltyAccountCommon

MARCH = date(2026, 3, 31)


@tagged("post_install", "-at_install")
@freeze_time("2026-04-02")
class TestLiabilityBookingCron(DentalLoyaltyAccountCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_data = cls.setup_other_company(name="Second Clinic")
        cls.other = cls.other_data["company"]
        cls.cron = cls.env.ref("dental_loyalty_account.ir_cron_book_liability")

    def run_cron(self):
        self.cron.sudo().method_direct_trigger()

    def bookings(self):
        return self.Booking.search([])

    def test_cron_books_last_month_for_companies_that_turned_it_on(self):
        self.worth[self.company.id, MARCH] = 300.0
        self.worth[self.other.id, MARCH] = 800.0
        self.run_cron()
        booking = self.bookings()
        self.assertEqual(booking.company_id, self.company)
        self.assertEqual(booking.date, MARCH)
        self.assertEqual(booking.amount, 300.0)
        self.assertAlmostEqual(self.balance_of(self.liability_account, MARCH), -300)
        self.assertFalse(
            self.env["account.move"].search([("company_id", "=", self.other.id)])
        )
        # Run again (the scheduler retries): nothing more is booked.
        self.run_cron()
        self.assertEqual(self.bookings(), booking)
        self.assertEqual(len(booking.move_id), 1)

    def test_cron_books_a_month_once_it_ended_on_the_clinics_clock(self):
        self._turn_on(self.other_data)
        self.company.resource_calendar_id.sudo().tz = "Pacific/Pago_Pago"
        self.other.resource_calendar_id.sudo().tz = "Pacific/Kiritimati"
        february = date(2026, 2, 28)
        self.worth[self.company.id, february] = 200.0
        self.worth[self.company.id, MARCH] = 300.0
        self.worth[self.other.id, MARCH] = 800.0
        # 02:00 UTC on April 1st: still March 31st in Pago Pago, whose last
        # ended month is February.
        with freeze_time("2026-04-01 02:00:00"):
            self.assertEqual(self.company._dental_loyalty_today(), MARCH)
            self.run_cron()
        booked = {(booking.company_id, booking.date) for booking in self.bookings()}
        self.assertEqual(booked, {(self.company, february), (self.other, MARCH)})
        self.run_cron()  # April 2nd everywhere
        self.assertIn(
            (self.company, MARCH),
            {(booking.company_id, booking.date) for booking in self.bookings()},
        )

    def test_cron_books_the_others_when_one_company_is_locked(self):
        self._turn_on(self.other_data)
        self.other.fiscalyear_lock_date = MARCH
        self.worth[self.company.id, MARCH] = 300.0
        self.worth[self.other.id, MARCH] = 800.0
        with self.assertLogs(
            "odoo.addons.dental_loyalty_account.models.dental_loyalty_liability_booking",
            "WARNING",
        ) as logs:
            self.run_cron()
        self.assertIn("the period is locked", logs.output[0])
        self.assertEqual(self.bookings().company_id, self.company)

    def test_plain_user_cannot_book(self):
        receptionist = new_test_user(
            self.env,
            login="dl_books_receptionist",
            groups="base.group_user,dental_loyalty.group_dental_loyalty_user,"
            "account.group_account_manager",
            company_id=self.company.id,
            company_ids=[self.company.id],
        )
        self.worth[self.company.id, MARCH] = 300.0
        with self.assertRaises(AccessError):
            self.book(MARCH, user=receptionist)
        with self.assertRaises(AccessError):
            self.Booking.with_user(receptionist)._book_month(self.company, MARCH)
        self.assertFalse(self.bookings())

    def test_manager_cannot_book_another_company(self):
        self._turn_on(self.other_data)
        self.worth[self.other.id, MARCH] = 800.0
        with self.assertRaises(AccessError):
            self.book(MARCH, company=self.other)
        self.assertFalse(self.bookings())
