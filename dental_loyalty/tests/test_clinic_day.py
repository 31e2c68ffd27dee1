from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import DentalLoyaltyCommon
from .common_pos import DentalLoyaltyPosCommon
from .test_rewards import RewardCatalogMixin


@tagged("post_install", "-at_install")
class TestTheClinicDay(DentalLoyaltyPosCommon):
    """The engine counts days on the clinic's clock, whoever asks: a cashier
    whose own time zone is a day behind the clinic's sees points released and
    lots expired on the clinic's day, the one a sale is dated on."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # 25 hours apart: at any moment the clinic's day is after the cashier's.
        cls.company.resource_calendar_id.sudo().tz = "Pacific/Kiritimati"
        cls.cashier.tz = "Pacific/Pago_Pago"

    def _points_expiring_today(self, points):
        """The patient's wallet, given ``points`` that expire on the clinic's
        today."""
        wallet = self._wallet()
        self.Wallet._post_lines(
            [
                {
                    "wallet_id": wallet.id,
                    "kind": "adjust",
                    "points": points,
                    "reason": "Test",
                    "expiry_date": self.company._dental_loyalty_today(),
                }
            ]
        )
        return wallet

    def test_points_spendable_at_once_are_spendable_on_the_day_of_the_sale(self):
        self._set_loyalty_settings(waiting_days=0)
        order = self._sync(self._order([(self.checkup, 2)]))
        lot = order.dental_loyalty_line_ids
        self.assertEqual(lot.date, self.company._dental_loyalty_today())
        self.assertEqual(order.dental_loyalty_points_earned, 100)
        self.assertFalse(order.dental_loyalty_pending_batches)
        self.assertEqual(self._wallet().points_available, 100)
        # And the next bill spends them.
        spent = self._sync(self._order([(self.checkup, 1)], points=10))
        self.assertEqual(spent.dental_loyalty_points_spent, 100)

    def test_a_lot_expiring_on_the_clinics_day_is_not_spent(self):
        wallet = self._points_expiring_today(300)
        with self.assertRaises(UserError):
            self._sync(self._order([(self.checkup, 1)], points=10))
        # The next bill's sync expires them, on the clinic's day.
        self._sync(self._order([(self.checkup, 1)]))
        expired = self.Ledger.search(
            [("wallet_id", "=", wallet.id), ("kind", "=", "expire")]
        )
        self.assertEqual(expired.points, -300)
        self.assertEqual(self._wallet().points_available, 50)  # that bill's

    def test_a_caller_cannot_say_the_catch_up_already_ran(self):
        self._points_expiring_today(300)
        # The engine's own mark, sent in the call's context: the lots due
        # still expire before anything is held on them.
        forged = (
            self.env["pos.order"]
            .with_user(self.cashier)
            .with_context(dental_loyalty_catching_up=True)
        )
        with self.assertRaises(UserError):
            forged.dental_loyalty_reserve_points(
                self.config.id, "forged-catch-up", self.patient.id, 100.0, 10.0
            )

    def test_a_tier_reached_is_dated_on_its_clinics_day(self):
        # A caller whose current company is another clinic, a day behind
        # (a manager of both, the scheduler's company for the nightly jobs).
        elsewhere = self.env["res.company"].create({"name": "Clinic a day behind"})
        elsewhere.resource_calendar_id.tz = "Pacific/Pago_Pago"
        wallet = self._wallet()
        self.Wallet.with_company(elsewhere)._post_lines(
            [
                {
                    "wallet_id": wallet.id,
                    "kind": "earn",
                    "points": 600,
                    "paid_amount": 600,
                }
            ]
        )
        wallet.invalidate_recordset()
        self.assertEqual(wallet.tier_id, self.silver)
        self.assertEqual(wallet.tier_date, self.company._dental_loyalty_today())
        self.assertNotEqual(wallet.tier_date, elsewhere._dental_loyalty_today())
        history = self.env["dental.loyalty.tier.history"].search(
            [("wallet_id", "=", wallet.id), ("tier_id", "=", self.silver.id)]
        )
        self.assertEqual(history.date, wallet.tier_date)

    @freeze_time("2026-03-10 12:00:00")  # 02:00 on the 11th in Kiritimati
    def test_the_clinics_day_follows_its_clock_when_it_moves(self):
        self.assertEqual(self.company._dental_loyalty_today(), date(2026, 3, 11))
        # Its working hours moved to Pago Pago (01:00 on the 10th): the
        # register's next question counts that day, and the register's clock
        # for the earning rules says it too.
        self.company.resource_calendar_id.sudo().tz = "Pacific/Pago_Pago"
        self.assertEqual(self.company._dental_loyalty_today(), date(2026, 3, 10))
        self.assertEqual(self.company.dental_loyalty_clinic_tz, "Pacific/Pago_Pago")
        # Without working hours, the clinic's address tells its clock.
        self.company.sudo().resource_calendar_id = False
        self.company.partner_id.tz = "Pacific/Kiritimati"
        self.assertEqual(self.company._dental_loyalty_today(), date(2026, 3, 11))
        self.company.partner_id.tz = False
        self.assertEqual(self.company.dental_loyalty_clinic_tz, "UTC")

    def test_a_wallet_opened_by_another_clinics_caller_counts_the_clinics_day(self):
        elsewhere = self.env["res.company"].create({"name": "Clinic a day behind"})
        elsewhere.resource_calendar_id.tz = "Pacific/Pago_Pago"
        newcomer = self.env["res.partner"].create({"name": "Newcomer"})
        wallet = self.Wallet.with_company(elsewhere)._get_for_partners(
            newcomer, self.company
        )
        today = self.company._dental_loyalty_today()
        self.assertEqual(wallet.member_since, today)
        self.assertEqual(wallet.tier_id, self.bronze)
        self.assertEqual(wallet.tier_date, today)


@tagged("post_install", "-at_install")
class TestTheNightlyJobsCountEachClinicsDay(RewardCatalogMixin, DentalLoyaltyCommon):
    """A chain's clinics a day apart: the nightly jobs, which the scheduler
    runs in its own company, expire, release, mark and celebrate each clinic's
    patients on that clinic's day, never a day early."""

    # 12:00 UTC: 02:00 the next day in Kiritimati, 01:00 in Pago Pago.
    NOW = "2026-03-10 12:00:00"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The scheduler's company (the jobs' current one) is a day ahead.
        cls.company.resource_calendar_id.sudo().tz = "Pacific/Kiritimati"
        cls.behind = cls.env["res.company"].create({"name": "Clinic a day behind"})
        cls.behind.resource_calendar_id.tz = "Pacific/Pago_Pago"
        cls._set_up_loyalty_programme(cls.behind)
        for company in (cls.company, cls.behind):
            cls._set_loyalty_settings(company, dormant_months=6)
        cls._make_catalog(cls.behind)
        cls.far_patient = cls.env["res.partner"].create({"name": "Olga Ivanova"})
        cls.far_wallet = cls.Wallet._get_for_partners(cls.far_patient, cls.behind)
        cls.wallet = cls.Wallet._get_for_partners(cls.patient, cls.company)

    def setUp(self):
        super().setUp()
        self.frozen = self.startPatcher(freeze_time(self.NOW))
        self.ahead = self.company._dental_loyalty_today()
        self.behind_day = self.behind._dental_loyalty_today()
        self.assertEqual(self.ahead, date(2026, 3, 11))
        self.assertEqual(self.behind_day, date(2026, 3, 10))

    def _lot(self, wallet, kind="adjust", **vals):
        return self.Wallet._post_lines(
            [
                {
                    "wallet_id": wallet.id,
                    "kind": kind,
                    "points": 100,
                    "reason": "Test",
                    **vals,
                }
            ]
        )

    def test_lots_expire_on_their_clinics_day(self):
        tomorrow_there = self._lot(self.far_wallet, expiry_date=self.ahead)
        today_there = self._lot(self.far_wallet, expiry_date=self.behind_day)
        today_here = self._lot(self.wallet, expiry_date=self.ahead)
        self.Wallet._cron_expire_lots()
        self.assertEqual(tomorrow_there.remaining_points, 100)
        self.assertEqual(today_there.remaining_points, 0)
        self.assertEqual(today_here.remaining_points, 0)
        expired = self.Ledger.search(
            [("lot_id", "in", (today_there | today_here).ids), ("kind", "=", "expire")]
        )
        self.assertEqual(
            {line.lot_id: line.date for line in expired},
            {today_there: self.behind_day, today_here: self.ahead},
        )
        self.assertEqual(self.far_wallet.points_available, 100)

    def test_lots_wait_until_their_clinics_day(self):
        self._set_loyalty_settings(self.behind, waiting_days=1)
        pending = self._lot(self.far_wallet, kind="earn", paid_amount=100)
        self.assertEqual(pending.available_date, self.ahead)
        self.Ledger._cron_release_pending()
        self.assertFalse(pending.is_released)
        self.assertEqual(self.far_wallet.points_pending, 100)
        self.assertFalse(self.Ledger._cron_release_pending())

    def test_vouchers_expire_after_their_clinics_day(self):
        self._lot(self.far_wallet, points=600)
        Voucher = self.env["dental.loyalty.voucher"]
        valid, past = (
            Voucher._issue(self.far_wallet, self.ten_off) for _voucher in range(2)
        )
        valid.expiry_date = self.behind_day
        past.expiry_date = self.behind_day - timedelta(days=1)
        valid_ones = Voucher.search([("status", "=", "valid")])
        self.assertIn(valid, valid_ones)
        self.assertNotIn(past, valid_ones)
        Voucher._cron_expire_vouchers()
        self.assertEqual(valid.state, "valid")
        self.assertEqual(past.state, "expired")

    def test_dormancy_counts_back_from_the_clinics_day(self):
        self._set_others_aside()
        start_there = self.behind_day - relativedelta(months=6)
        seen = self._lot(
            self.far_wallet, kind="earn", paid_amount=100, date=start_there
        )
        self.assertEqual(self.far_wallet.last_visit_date, seen.date)
        other = self.env["res.partner"].create({"name": "Ivan Petrov"})
        gone = self.Wallet._get_for_partners(other, self.behind)
        self._lot(gone, kind="earn", paid_amount=100, date=start_there - timedelta(1))
        self.Wallet._cron_dormant_patients()
        self.assertFalse(self.far_wallet.dormant_since)
        self.assertEqual(gone.dormant_since, self.behind_day)

    def test_tiers_are_evaluated_once_on_each_clinics_day(self):
        self._set_others_aside()
        self.far_wallet.sudo().tier_evaluated_date = self.behind_day - timedelta(1)
        self.wallet.sudo().tier_evaluated_date = self.behind_day
        self.Wallet._cron_evaluate_tiers()
        self.assertEqual(self.far_wallet.tier_evaluated_date, self.behind_day)
        self.assertEqual(self.wallet.tier_evaluated_date, self.ahead)
        # Done for the day there: the next run finds nothing of it.
        self.assertFalse(
            self.Wallet.search_count(
                [*self.Wallet._tier_due_domain(), ("id", "=", self.far_wallet.id)]
            )
        )

    def test_birthdays_are_celebrated_on_the_clinics_day(self):
        self.env["res.company"].search([]).write(
            {"dental_loyalty_birthday_covered_until": False}
        )
        self.far_wallet.tier_id.birthday_points = 100
        tomorrow_there = self.env["res.partner"].create(
            {"name": "Anna Smirnova", "dental_birthday": date(1990, 3, 11)}
        )
        today_there = self.far_patient
        today_there.dental_birthday = date(1985, 3, 10)
        waiting = self.Wallet._get_for_partners(tomorrow_there, self.behind)
        waiting.tier_id.birthday_points = 100
        self.Wallet._cron_birthday_gifts()
        gifts = self.Ledger.search(
            [
                ("wallet_id", "in", (self.far_wallet | waiting).ids),
                ("kind", "=", "birthday"),
            ]
        )
        self.assertEqual(gifts.wallet_id, self.far_wallet)

    def _set_others_aside(self):
        """Only this test's wallets are due: the others were handled today."""
        others = self.Wallet.search([]) - self.far_wallet - self.wallet
        others.sudo().write(
            {"dormant_since": self.behind_day, "tier_evaluated_date": self.ahead}
        )
