from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from odoo.addons.mail.tests.common import MailCase

from .common_pos import DentalLoyaltyPosCommon

FIRST_VISIT = date(2027, 1, 15)
DUE = FIRST_VISIT + relativedelta(months=6)  # 2027-07-15


@tagged("post_install", "-at_install")
class TestRecallVisits(DentalLoyaltyPosCommon, MailCase):
    """A patient who comes back for a recall service within its interval, give or
    take its margin, earns its recall bonus; the first visit, an early or a late
    one earn nothing more. Refunds take the bonus back."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The six-monthly cleaning: 80, 40 bonus points, 50 more when on time.
        cls.cleaning.product_tmpl_id.write(
            {
                "dental_loyalty_recall": True,
                "dental_loyalty_recall_months": 6,
                "dental_loyalty_recall_margin_days": 30,
                "dental_loyalty_recall_points": 50,
            }
        )
        cls.patient.write({"email": "minh@example.com", "lang": "en_US"})

    def _visit(self, day, lines=None, partner=None, **kwargs):
        with freeze_time(f"{day} 10:00:00"):
            return self._sync(
                self._order(lines or [(self.cleaning, 1)], partner=partner, **kwargs)
            )

    def test_the_first_visit_earns_no_recall_bonus(self):
        order = self._visit(FIRST_VISIT)
        self.assertEqual(order.dental_loyalty_recall_points, 0)
        self.assertEqual(order.dental_loyalty_points_earned, 80 + 40)

    def test_coming_back_on_time_earns_the_bonus_once_per_order(self):
        self._visit(FIRST_VISIT)
        with self.mock_mail_gateway():
            order = self._visit(DUE)
        self.assertEqual(order.dental_loyalty_recall_points, 50)
        self.assertEqual(order.dental_loyalty_points_earned, 80 + 40 + 50)
        recall = order.dental_loyalty_line_ids.filtered(
            lambda line: line.kind == "recall"
        )
        self.assertEqual(recall.points, 50)
        self.assertEqual(recall.sudo().unique_key, f"pos:{order.uuid}:recall")
        self.assertFalse(recall.paid_amount, "a bonus is no second visit")
        self.assertIn("Six-monthly cleaning", recall.reason)
        self.assertMailMail(
            self.patient,
            "outgoing",
            content="coming back on time for your Six-monthly cleaning. "
            "Bonus points: <strong>50</strong>",
        )
        # Lifetime points and the tier count the bonus as earned.
        self.assertEqual(self._wallet().points_lifetime, 120 + 170)

    def test_early_or_late_earns_nothing_and_the_bounds_count(self):
        cases = [
            (DUE - timedelta(days=31), 0),
            (DUE - timedelta(days=30), 50),
            (DUE + timedelta(days=30), 50),
            (DUE + timedelta(days=31), 0),
        ]
        for index, (day, bonus) in enumerate(cases):
            with self.subTest(day=day):
                partner = self.env["res.partner"].create({"name": f"Patient {index}"})
                self._visit(FIRST_VISIT, partner=partner)
                order = self._visit(day, partner=partner)
                self.assertEqual(order.dental_loyalty_recall_points, bonus)

    def test_the_last_visit_counts_not_the_first(self):
        self._visit(FIRST_VISIT)
        early = self._visit(FIRST_VISIT + relativedelta(months=3))
        self.assertEqual(early.dental_loyalty_recall_points, 0)
        # Nine months after the first visit, six after the last: on time.
        on_time = self._visit(FIRST_VISIT + relativedelta(months=9))
        self.assertEqual(on_time.dental_loyalty_recall_points, 50)

    def test_six_months_after_the_first_but_three_after_the_last_is_early(self):
        self._visit(FIRST_VISIT)
        self._visit(FIRST_VISIT + relativedelta(months=3))
        self.assertEqual(self._visit(DUE).dental_loyalty_recall_points, 0)

    def test_another_service_or_another_patient_is_no_last_visit(self):
        self._visit(FIRST_VISIT, [(self.checkup, 1)])
        other = self.env["res.partner"].create({"name": "Someone Else"})
        self._visit(FIRST_VISIT, partner=other)
        self.assertEqual(self._visit(DUE).dental_loyalty_recall_points, 0)

    def test_a_visit_refunded_in_full_is_no_last_visit(self):
        first = self._visit(FIRST_VISIT)
        with freeze_time(f"{FIRST_VISIT} 11:00:00"):
            self._sync(self._refund_data(first))
        self.assertEqual(self._visit(DUE).dental_loyalty_recall_points, 0)

    def test_the_service_twice_on_one_bill_earns_one_bonus(self):
        self._visit(FIRST_VISIT)
        order = self._visit(DUE, [(self.cleaning, 2)])
        self.assertEqual(order.dental_loyalty_recall_points, 50)

    def test_a_fraction_of_the_service_earns_that_fraction_of_the_bonus(self):
        # helper-108: a hundredth of a cleaning (0.80 paid) earned the whole
        # bonus, worth more than the bill; the bonus follows the quantity up
        # to one service, as the bill's own points do.
        for index, (quantity, bonus) in enumerate(((0.5, 25), (0.01, 1))):
            with self.subTest(quantity=quantity):
                partner = self.env["res.partner"].create({"name": f"Patient {index}"})
                self._visit(FIRST_VISIT, partner=partner)
                order = self._visit(DUE, [(self.cleaning, quantity)], partner=partner)
                self.assertLessEqual(order.dental_loyalty_recall_points, bonus)
                self.assertGreaterEqual(order.dental_loyalty_recall_points, bonus - 1)

    def test_the_bonus_is_earned_on_the_share_paid_with_money(self):
        self._visit(FIRST_VISIT)
        self._give_points(self.patient, 1000)
        # 80 due: 24 in points (30 %), 56 in cash: 70 % of the bonus.
        order = self._visit(DUE, points=24)
        self.assertEqual(order.dental_loyalty_recall_points, 35)

    def test_a_refund_takes_the_bonus_back(self):
        self._visit(FIRST_VISIT)
        order = self._visit(DUE)
        with freeze_time(f"{DUE} 11:00:00"):
            refund = self._sync(self._refund_data(order))
        self.assertEqual(refund.dental_loyalty_points_earned, -(80 + 40 + 50))
        recall = order.dental_loyalty_line_ids.filtered(
            lambda line: line.kind == "recall"
        )
        reversal = refund.dental_loyalty_line_ids.filtered(
            lambda line: line.lot_id == recall
        )
        self.assertEqual(reversal.points, -50)
        self.assertEqual(reversal.kind, "earn_reversal")
        self.assertEqual(self._wallet().points_balance, 80 + 40)

    def test_a_half_refund_takes_half_of_all_the_sale_earned(self):
        self._visit(FIRST_VISIT)
        order = self._visit(DUE, [(self.cleaning, 2)])
        # 160 paid, 80 bonus and 50 for the recall: 290 earned.
        self.assertEqual(order.dental_loyalty_points_earned, 290)
        with freeze_time(f"{DUE} 11:00:00"):
            refund = self._sync(self._refund_data(order, quantity=1))
        self.assertEqual(refund.dental_loyalty_points_earned, -145)

    def test_a_bonus_of_zero_or_a_plain_service_earns_nothing(self):
        self.cleaning.product_tmpl_id.dental_loyalty_recall_points = 0
        self._visit(FIRST_VISIT)
        self.assertEqual(self._visit(DUE).dental_loyalty_recall_points, 0)
        self.cleaning.product_tmpl_id.write(
            {"dental_loyalty_recall": False, "dental_loyalty_recall_points": 50}
        )
        self.assertEqual(
            self._visit(DUE + timedelta(days=1)).dental_loyalty_recall_points, 0
        )

    def test_recall_settings_are_checked(self):
        template = self.cleaning.product_tmpl_id
        for vals in (
            {"dental_loyalty_recall_months": 0},
            {"dental_loyalty_recall_margin_days": -1},
            {"dental_loyalty_recall_margin_days": 6 * 28},
            {"dental_loyalty_recall_points": -5},
        ):
            with self.subTest(vals=vals), self.assertRaises(ValidationError):
                template.write(vals)

    def test_the_recall_lookup_costs_one_query(self):
        self._set_loyalty_settings(channel_recall="none")
        self._visit(FIRST_VISIT)
        self._visit(FIRST_VISIT, [(self.checkup, 1)])

        def sync_queries(lines, day):
            with freeze_time(f"{day} 10:00:00"):
                data = self._order(lines)
                self.env.flush_all()
                self.env.invalidate_all()
                before = self.cr.sql_log_count
                order = self._sync(data)
                self.env.flush_all()
                return self.cr.sql_log_count - before, order

        # Warm the per-session caches, then compare a check-up with a recall.
        sync_queries([(self.checkup, 1)], FIRST_VISIT + timedelta(days=1))
        plain, _order = sync_queries([(self.checkup, 1)], DUE - timedelta(days=1))
        recall, order = sync_queries([(self.cleaning, 1)], DUE)
        self.assertEqual(order.dental_loyalty_recall_points, 50)
        self.assertEqual(recall - plain, RECALL_QUERIES)


# The last visit (one query); the recall line goes in the same INSERT as the
# earning. Its message, when the clinic sends one, is a mail rendered and queued.
RECALL_QUERIES = 1
