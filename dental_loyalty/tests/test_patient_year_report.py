from collections import defaultdict

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common_pos import DentalLoyaltyPosCommon


@tagged("post_install", "-at_install")
class TestPatientYearReport(DentalLoyaltyPosCommon):
    """Members and other patients: per patient and year, visits, revenue and
    coming back within the recall interval, averaged per patient; checked
    against the figures this test computes from the paid sales."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Reception asks: a patient is a member only from the day they join.
        cls._set_loyalty_settings(enrolment="ask")
        cls.cleaning.product_tmpl_id.write(
            {"dental_loyalty_recall": True, "dental_loyalty_recall_months": 6}
        )
        Partner = cls.env["res.partner"]
        cls.member = cls.patient
        cls.joiner = Partner.create({"name": "Hoa Le"})
        cls.other = Partner.create({"name": "Tam Vo"})
        cls.once = Partner.create({"name": "Bao Do"})
        cls.patients = cls.member | cls.joiner | cls.other | cls.once

    def _visit(self, day, partner, product):
        with freeze_time(f"{day} 10:00:00"):
            return self._sync(self._order([(product, 1)], partner=partner))

    def _join(self, day, partner):
        with freeze_time(f"{day} 09:00:00"):
            return self.Wallet._get_for_partners(partner, self.company)

    def _story(self):
        """Lan joins on 5 January 2027, comes on 1 February and 1 May (the May
        sale refunded on 3 May) and on 10 January 2028; pinned Gold on 1
        February 2028. Hoa comes on 15 February 2027, joins on 1 April, comes
        again on 1 June. Tam, never a member, comes on 10 February and 20
        December 2027; Bao once, on 1 March 2027."""
        self._join("2027-01-05", self.member)
        self._visit("2027-02-01", self.member, self.cleaning)
        may = self._visit("2027-05-01", self.member, self.checkup)
        with freeze_time("2027-05-03 10:00:00"):
            self._sync(self._refund_data(may))
        self._visit("2028-01-10", self.member, self.checkup)
        with freeze_time("2028-02-01"):
            self.env["dental.loyalty.tier.pin"].create(
                {
                    "partner_id": self.member.id,
                    "tier_id": self.gold.id,
                    "reason": "Founding patient",
                }
            ).action_confirm()
        self._visit("2027-02-15", self.joiner, self.cleaning)
        self._join("2027-04-01", self.joiner)
        self._visit("2027-06-01", self.joiner, self.checkup)
        self._visit("2027-02-10", self.other, self.checkup)
        self._visit("2027-12-20", self.other, self.checkup)
        self._visit("2027-03-01", self.once, self.cleaning)

    def _recall_months(self):
        months = (
            self.env["product.template"]
            .search(
                [
                    ("dental_loyalty_recall", "=", True),
                    ("company_id", "in", [False, self.company.id]),
                ]
            )
            .mapped("dental_loyalty_recall_months")
        )
        return max(months) if months else self.company.dental_loyalty_dormant_months

    def _expected(self):
        """{(membership, year): (visits, revenue, came back %)} averaged per
        patient, computed from the paid sales and the wallets' join days."""
        months = self._recall_months()
        orders = self.env["pos.order"].search(
            [
                ("partner_id", "in", self.patients.ids),
                ("state", "in", ("paid", "done", "invoiced")),
            ]
        )
        joined = {
            wallet.partner_id: wallet.member_since
            for wallet in self.Wallet.search([("partner_id", "in", self.patients.ids)])
        }
        days = defaultdict(set)
        for order in orders:
            if not order.refunded_order_id:
                days[order.partner_id].add(order.date_order.date())
        rows = defaultdict(lambda: [0, 0.0, False])
        for order in orders:
            day = order.date_order.date()
            member = order.partner_id in joined and joined[order.partner_id] <= day
            row = rows[order.partner_id, day.year, "member" if member else "other"]
            row[1] += order.amount_total
            if not order.refunded_order_id:
                row[0] += 1
                later = [d for d in days[order.partner_id] if d > day]
                row[2] |= bool(later) and min(later) <= day + relativedelta(
                    months=months
                )
        groups = defaultdict(list)
        for (_partner, year, membership), row in rows.items():
            groups[membership, year].append(row)
        return {
            key: (
                sum(r[0] for r in group) / len(group),
                sum(r[1] for r in group) / len(group),
                100.0 * sum(r[2] for r in group) / len(group),
            )
            for key, group in groups.items()
        }

    def _report(self, groupby):
        return (
            self.env["dental.loyalty.patient.year.report"]
            .with_user(self.manager_user)
            .read_group(
                [("partner_id", "in", self.patients.ids)],
                ["visits", "revenue", "came_back"],
                groupby,
                lazy=False,
            )
        )

    def setUp(self):
        super().setUp()
        self.manager_user = self._new_user(
            "dl_report_manager",
            "base.group_user,dental_loyalty.group_dental_loyalty_manager",
        )

    def test_members_against_other_patients_per_year(self):
        self._story()
        self.assertEqual(self._recall_months(), 6, "the cleaning's six months")
        got = {
            (group["membership"], group["date:year"][-4:]): (
                group["visits"],
                group["revenue"],
                group["came_back"],
            )
            for group in self._report(["membership", "date:year"])
        }
        expected = {
            (membership, str(year)): figures
            for (membership, year), figures in self._expected().items()
        }
        self.assertEqual(set(got), set(expected))
        for key, figures in expected.items():
            for got_figure, figure in zip(got[key], figures, strict=True):
                self.assertAlmostEqual(got_figure, figure, places=2, msg=key)
        # Spelled out: members in 2027 are Lan (2 visits, refund not counted,
        # back in three months) and Hoa after joining (1 visit, not back);
        # others are Hoa before joining (back within six months), Tam (back
        # after ten: too late) and Bao (once).
        self.assertAlmostEqual(got["member", "2027"][0], 1.5)
        self.assertAlmostEqual(got["member", "2027"][2], 50.0)
        self.assertAlmostEqual(got["other", "2027"][0], 4 / 3)
        self.assertAlmostEqual(got["other", "2027"][2], 100 / 3)
        self.assertAlmostEqual(got["member", "2028"][0], 1.0)

    def test_tier_at_the_years_end_and_no_tier_for_others(self):
        self._story()
        rows = (
            self.env["dental.loyalty.patient.year.report"]
            .with_user(self.manager_user)
            .search([("partner_id", "in", self.patients.ids)])
        )
        tiers = {
            (row.partner_id, row.date.year, row.membership): row.tier_id for row in rows
        }
        # Lan was Bronze at the end of 2027 (the history), Gold in 2028.
        self.assertEqual(tiers[self.member, 2027, "member"], self.bronze)
        self.assertEqual(tiers[self.member, 2028, "member"], self.gold)
        self.assertEqual(tiers[self.joiner, 2027, "member"], self.bronze)
        self.assertFalse(tiers[self.joiner, 2027, "other"])
        self.assertFalse(tiers[self.other, 2027, "other"])

    def test_reception_does_not_read_it(self):
        receptionist = self._new_user(
            "dl_report_reception",
            "base.group_user,dental_loyalty.group_dental_loyalty_user",
        )
        with self.assertRaises(AccessError):
            self.env["dental.loyalty.patient.year.report"].with_user(
                receptionist
            ).search([])
