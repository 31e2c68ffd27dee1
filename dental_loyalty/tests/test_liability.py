from datetime import date

from freezegun import freeze_time

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, tagged

from .common import DentalLoyaltyCommon


@tagged("post_install", "-at_install")
class TestLiability(DentalLoyaltyCommon):
    """What the programme owes at a date, read from the ledger: three months of
    two clinics (earns with a waiting period, spends, a refund taking back
    pending points, an expiry, points moved between a family's wallets), then
    the figures at past dates against the ledger's lines up to those dates."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Two clinics of their own: the demo's patients hold points elsewhere.
        Company = cls.env["res.company"]
        cls.clinic_b = Company.create({"name": "Clinic B"})
        cls._set_up_loyalty_programme(cls.clinic_b)
        cls.clinic_a = Company.create({"name": "Clinic A"})
        cls._set_up_loyalty_programme(cls.clinic_a)  # cls.bronze etc.: clinic A's
        cls._set_loyalty_settings(cls.clinic_a, waiting_days=10)
        Partner = cls.env["res.partner"]
        cls.sister = Partner.create({"name": "Mai Nguyen"})
        cls.child = Partner.create({"name": "Bao Nguyen"})
        cls.manager.company_ids |= cls.clinic_a | cls.clinic_b
        cls.Liability = cls.env["dental.loyalty.liability"]
        w_a = cls.patient._dental_loyalty_wallet(cls.clinic_a)
        w_sister = cls.sister._dental_loyalty_wallet(cls.clinic_a)
        w_child = cls.child._dental_loyalty_wallet(cls.clinic_a)
        w_b = cls.patient._dental_loyalty_wallet(cls.clinic_b)

        def post(wallet, kind, points, **vals):
            # What the nightly job would have released by then.
            cls.Ledger._release_due_lots()
            return cls.Wallet._post_lines(
                [{"wallet_id": wallet.id, "kind": kind, "points": points, **vals}]
            )

        with freeze_time("2026-01-05"):
            cls.lot_1 = post(w_a, "earn", 500, paid_amount=500)  # spendable 01-15
        with freeze_time("2026-01-10"):
            cls.lot_2 = post(w_sister, "birthday", 200, expiry_date="2026-02-20")
        with freeze_time("2026-01-15"):
            post(w_b, "earn", 400, paid_amount=400)
        with freeze_time("2026-01-20"):
            post(w_a, "spend", -150)
        with freeze_time("2026-02-01"):
            cls.lot_3 = post(w_a, "earn", 300, paid_amount=300)  # spendable 02-11
        with freeze_time("2026-02-05"):
            # A refund takes back the points its sale gave, pending as they are.
            post(w_a, "earn_reversal", -100, lot_id=cls.lot_3.id, paid_amount=-100)
        with freeze_time("2026-02-10"):
            post(w_sister, "spend", -50)
        with freeze_time("2026-02-15"):
            post(w_b, "spend", -100)
        with freeze_time("2026-02-20"):
            cls.Wallet._cron_expire_lots()
        with freeze_time("2026-03-01"):
            cls.Ledger._release_due_lots()
            w_a._transfer_points(w_child, "Family", points=200)
        with freeze_time("2026-03-10"):
            post(w_child, "spend", -120)
        with freeze_time("2026-03-20"):
            post(w_a, "spend", -100)
        cls.wallets = w_a | w_sister | w_child

    def _ledger_balance(self, company, day):
        """What the ledger's lines dated up to ``day`` add up to, takes aside."""
        lines = self.Ledger.search(
            [("company_id", "=", company.id), ("date", "<=", day)]
        )
        return sum(lines.mapped("points"))

    def test_liability_at_a_past_date_is_what_the_ledger_said_then(self):
        today = date(2026, 3, 20)
        for day in (
            date(2026, 1, 4),
            date(2026, 1, 20),
            date(2026, 2, 10),
            date(2026, 3, 5),
            today,
        ):
            for company in (self.clinic_a, self.clinic_b):
                figures = self.Liability._figures_at(company, day)
                balance = self._ledger_balance(company, day)
                self.assertEqual(figures["points"], balance, f"{company.name} {day}")
                self.assertEqual(
                    figures["spendable_points"] + figures["pending_points"], balance
                )
                self.assertAlmostEqual(figures["worth"], balance * 0.1)
        # At the end of 10 February clinic A owed 700 points; its wallets hold
        # 330 today: the past is not read from them.
        past = self.Liability._figures_at(self.clinic_a, date(2026, 2, 10))
        self.assertEqual(past["points"], 700)
        self.assertEqual(sum(self.wallets.mapped("points_balance")), 330)
        self.assertEqual(
            self.Liability._figures_at(self.clinic_a, today)["points"], 330
        )
        self.assertEqual(
            self.Liability._figures_at(self.clinic_b, date(2026, 2, 10))["points"], 400
        )
        self.assertEqual(
            self.Liability._figures_at(self.clinic_b, today)["points"], 300
        )

    def test_spendable_and_pending_at_a_date(self):
        # 10 Feb: lot 1 (500 - 150) and the birthday (200 - 50) spendable; lot 3
        # (300 - 100 taken back) waits until 11 Feb.
        figures = self.Liability._figures_at(self.clinic_a, date(2026, 2, 10))
        self.assertEqual(figures["spendable_points"], 500)
        self.assertEqual(figures["pending_points"], 200)
        self.assertAlmostEqual(figures["spendable_worth"], 50.0)
        self.assertAlmostEqual(figures["pending_worth"], 20.0)
        # 5 Mar: the birthday's 150 expired, 200 of lot 1 moved to the child's
        # wallet with lot 1's dates: spendable there too.
        figures = self.Liability._figures_at(self.clinic_a, date(2026, 3, 5))
        self.assertEqual(
            (figures["spendable_points"], figures["pending_points"]), (550, 0)
        )
        # Before the waiting period of the first earning ended.
        figures = self.Liability._figures_at(self.clinic_a, date(2026, 1, 12))
        self.assertEqual(
            (figures["spendable_points"], figures["pending_points"]), (200, 500)
        )

    def test_breakage_over_a_period(self):
        # Only the birthday lot expired in Q1: 150 of its 200 points.
        rate = self.Liability._breakage_rate(
            self.clinic_a, date(2026, 1, 1), date(2026, 3, 31)
        )
        self.assertAlmostEqual(rate, 0.75)
        self.assertEqual(
            self.Liability._breakage_rate(
                self.clinic_a, date(2025, 1, 1), date(2025, 12, 31)
            ),
            0.0,
        )
        self.assertEqual(
            self.Liability._breakage_rate(
                self.clinic_b, date(2026, 1, 1), date(2026, 3, 31)
            ),
            0.0,
        )

    def test_the_report_shows_the_liability_net_of_breakage(self):
        Report = self.env["dental.loyalty.liability.report"].with_user(self.manager)
        with freeze_time("2026-03-31"):
            form = Form(Report.with_context(allowed_company_ids=self.clinic_a.ids))
            self.assertEqual(form.breakage_date_from, date(2025, 4, 1))
            self.assertEqual(form.breakage_date_to, date(2026, 3, 31))
            form.date = date(2026, 2, 10)
            self.assertEqual(form.breakage_date_from, date(2025, 2, 11))
            form.breakage_date_from = date(2026, 1, 1)
            form.breakage_date_to = date(2026, 3, 31)
            report = form.save()
        self.assertEqual(report.points, 700)
        self.assertAlmostEqual(report.breakage_rate, 0.75)
        self.assertAlmostEqual(report.worth, 70.0)
        self.assertAlmostEqual(report.net_worth, 17.5)
        report = report.with_context(
            allowed_company_ids=(self.clinic_a | self.clinic_b).ids
        )
        action = report.action_open_lines()
        Line = self.env[action["res_model"]].with_user(self.manager)
        Line = Line.with_context(
            allowed_company_ids=report.env.context["allowed_company_ids"]
        )
        lines = Line.search(action["domain"])
        self.assertEqual(
            sorted(
                (
                    line.company_id.name,
                    line.tier_id.name,
                    line.state,
                    line.expiry_month,
                    line.points,
                    round(line.worth, 2),
                    round(line.net_worth, 2),
                )
                for line in lines
            ),
            sorted(
                [
                    # Today's tiers: the patient's 700 earned make him silver.
                    (
                        self.clinic_a.name,
                        "Silver",
                        "spendable",
                        date(2027, 1, 1),
                        350,
                        35.0,
                        8.75,
                    ),
                    (
                        self.clinic_a.name,
                        "Silver",
                        "pending",
                        date(2027, 2, 1),
                        200,
                        20.0,
                        5.0,
                    ),
                    (
                        self.clinic_a.name,
                        "Bronze",
                        "spendable",
                        date(2026, 2, 1),
                        150,
                        15.0,
                        3.75,
                    ),
                    (
                        "Clinic B",
                        "Bronze",
                        "spendable",
                        date(2027, 1, 1),
                        400,
                        40.0,
                        40.0,
                    ),
                ]
            ),
        )
        self.assertEqual(
            self.patient._dental_loyalty_wallet(self.clinic_a).tier_id, self.silver
        )
        # The views the action opens, and their grouping.
        views = Line.get_views(
            [(False, view) for view in ("pivot", "graph", "list", "search")]
        )
        self.assertEqual(set(views["views"]), {"pivot", "graph", "list", "search"})
        groups = Line.read_group(action["domain"], ["worth:sum"], ["state"])
        self.assertEqual(
            {group["state"]: round(group["worth"], 2) for group in groups},
            {"spendable": 90.0, "pending": 20.0},
        )

    def test_the_menu_is_the_managers(self):
        menu = self.env.ref("dental_loyalty.menu_dental_loyalty_liability")
        self.assertEqual(
            menu.action,
            self.env.ref("dental_loyalty.dental_loyalty_liability_report_action"),
        )
        self.assertIn(
            self.env.ref("dental_loyalty.group_dental_loyalty_manager"), menu.groups_id
        )

    def test_a_cashier_reads_neither_takes_nor_liability(self):
        report = self.env["dental.loyalty.liability.report"].with_user(self.manager)
        report = report.create({"date": date(2026, 2, 10)})
        report.action_open_lines()
        for model in (
            "dental.loyalty.ledger.take",
            "dental.loyalty.liability.line",
            "dental.loyalty.liability.report",
        ):
            with self.assertRaises(AccessError, msg=model):
                self.env[model].with_user(self.receptionist).search([])
        self.assertTrue(
            self.env["dental.loyalty.ledger.take"].with_user(self.manager).search([])
        )
        with self.assertRaises(AccessError):
            self.env["dental.loyalty.ledger.take"].with_user(self.manager).create({})
        # Working in the main clinic, the manager does not read clinic A's
        # figures through the report's company.
        report = report.with_context(allowed_company_ids=self.env.company.ids)
        with self.assertRaises(ValidationError):
            report.create({"date": date(2026, 2, 10), "company_id": self.clinic_a.id})
