from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .common_pos import DentalLoyaltyPosCommon


@tagged("post_install", "-at_install")
class TestEarningRulesRegister(DentalLoyaltyPosCommon):
    """What the register reads to preview the earning rules: the clinic's active
    rules (categories as paths, no patient lists), its time zone, each product's
    category path, and per patient their tags, first visit, the rules naming
    them and what each capped rule already gave them, read for all at once;
    and what it reads back for the receipt: the rules that gave points."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.resource_calendar_id.tz = "Asia/Ho_Chi_Minh"
        cls.whitening_categ = cls.env["product.category"].create(
            {"name": "Whitening", "parent_id": cls.categ_basic.id}
        )
        cls.whitening = cls.create_product(
            "Home whitening kit", cls.whitening_categ, 120.0
        )
        cls.staff = cls.env["res.partner.category"].create({"name": "Staff and family"})
        cls.Rule = cls.env["dental.loyalty.earning.rule"]
        cls.campaign = cls._rule(
            name="Whitening month x2",
            is_campaign=True,
            product_categ_ids=[(6, 0, cls.whitening_categ.ids)],
            date_from=fields.Date.today() - timedelta(days=10),
            date_to=fields.Date.today() + timedelta(days=10),
            on_monday=True,
            hour_from=8.0,
            hour_to=12.5,
            cap_points=300,
            cap_period="month",
        )
        cls.chosen = cls._rule(
            name="Chosen patients +10",
            effect="per_bill",
            bonus_points=10,
            audience="patients",
            partner_ids=[(6, 0, cls.patient.ids)],
        )

    @classmethod
    def _rule(cls, **values):
        return cls.Rule.create({"company_id": cls.company.id, **values})

    def _load(self, *models):
        """What the register loads of ``models`` when it opens, as the cashier."""
        session = self.pos_session.with_user(self.cashier)
        return session.load_data(["pos.config", *models])

    def test_the_register_loads_the_clinics_active_rules(self):
        archived = self._rule(name="Archived x3", multiplier=3.0, active=False)
        other_company = self.env["res.company"].create({"name": "Other clinic"})
        elsewhere = self.Rule.create(
            {"name": "Elsewhere x2", "company_id": other_company.id}
        )
        data = self._load(
            "dental.loyalty.earning.rule", "product.category", "res.company"
        )
        rules = {
            rule["id"]: rule for rule in data["dental.loyalty.earning.rule"]["data"]
        }
        self.assertEqual(
            set(rules),
            set(self.Rule.search([("company_id", "=", self.company.id)]).ids),
        )
        self.assertTrue({self.campaign.id, self.chosen.id} <= set(rules))
        self.assertFalse({archived.id, elsewhere.id} & set(rules))
        self.assertEqual(rules[self.campaign.id]["name"], "Whitening month x2")
        today = fields.Date.today()
        self.assertEqual(
            rules[self.campaign.id]["pos_rule"],
            {
                "id": self.campaign.id,
                "sequence": 10,
                "effect": "multiplier",
                "factor": 2.0,
                "productIds": [],
                "categPaths": [self.whitening_categ.parent_path],
                "audience": "all",
                "tierIds": [],
                "tagIds": [],
                "dateFrom": (today - timedelta(days=10)).isoformat(),
                "dateTo": (today + timedelta(days=10)).isoformat(),
                "weekdays": [0],
                "hourFrom": 8.0,
                "hourTo": 12.5,
                "tierMultiplied": True,
                "capPoints": 300,
                "capPeriod": "month",
                "combination": "add",
            },
        )
        # Whom a rule names is not the register's to list: the patient's own
        # figures say whether it names them.
        self.assertNotIn("partnerIds", rules[self.chosen.id]["pos_rule"])
        self.assertNotIn("partner_ids", rules[self.chosen.id])
        categories = {
            categ["id"]: categ["parent_path"]
            for categ in data["product.category"]["data"]
        }
        self.assertEqual(
            categories[self.whitening_categ.id], self.whitening_categ.parent_path
        )
        self.assertTrue(
            categories[self.whitening_categ.id].startswith(
                categories[self.categ_basic.id]
            )
        )
        (company,) = data["res.company"]["data"]
        self.assertEqual(company["dental_loyalty_clinic_tz"], "Asia/Ho_Chi_Minh")

    def test_an_edited_rule_reaches_the_next_register_opened(self):
        self.campaign.multiplier = 3.0
        self.chosen.active = False
        data = self._load("dental.loyalty.earning.rule")
        rules = {
            rule["id"]: rule for rule in data["dental.loyalty.earning.rule"]["data"]
        }
        self.assertEqual(rules[self.campaign.id]["pos_rule"]["factor"], 3.0)
        self.assertNotIn(self.chosen.id, rules)

    def _figures(self, partners):
        partners = partners.with_user(self.cashier).with_company(self.company)
        return {
            record["id"]: record["dental_loyalty_rule_figures"]
            for record in partners.read(["dental_loyalty_rule_figures"])
        }

    def _sale(self, lines, partner=None, when=None):
        """A sale synced by the register, sold at ``when`` (naive UTC, in the
        register's session; now by default)."""
        data = self._order(lines, partner=partner)
        if when:
            self._session_opened_at(when - timedelta(hours=1))
            data["date_order"] = fields.Datetime.to_string(when)
        return self._sync(data)

    def test_the_patients_figures_for_the_rules(self):
        self._any_time()
        self.campaign.date_from = fields.Date.today() - timedelta(days=60)
        self.patient.category_id = self.staff
        other = self.env["res.partner"].create({"name": "Lan Do"})
        figures = self._figures(self.patient)[self.patient.id]
        self.assertEqual(
            figures,
            {
                "tierId": self.bronze.id,
                "tagIds": self.staff.ids,
                "firstVisit": True,
                "namedIn": self.chosen.ids,
                "used": {},
            },
        )
        # Last month's points count towards last month's cap only.
        self._sale(
            [(self.whitening, 1)], when=fields.Datetime.now() - timedelta(days=40)
        )
        self._sale([(self.whitening, 2)])
        # Another patient's points are theirs.
        self._sale([(self.whitening, 1)], partner=other)
        self.env.invalidate_all()
        figures = self._figures(self.patient | other)
        self.assertFalse(figures[self.patient.id]["firstVisit"])
        self.assertEqual(figures[self.patient.id]["used"], {str(self.campaign.id): 240})
        self.assertEqual(figures[other.id]["namedIn"], [])
        self.assertEqual(figures[other.id]["used"], {str(self.campaign.id): 120})
        self.assertFalse(figures[other.id]["firstVisit"])

    def test_a_visit_to_another_clinic_is_no_visit_here(self):
        other_company = self.env["res.company"].create({"name": "Other clinic"})
        self._sync(self._order([(self.checkup, 1)]))
        self.env.invalidate_all()
        self.env.user.company_ids += other_company
        (read,) = self.patient.with_company(other_company).read(
            ["dental_loyalty_rule_figures"]
        )
        self.assertTrue(read["dental_loyalty_rule_figures"]["firstVisit"])
        self.assertFalse(self._figures(self.patient)[self.patient.id]["firstVisit"])

    def test_patients_figures_are_read_for_all_at_once(self):
        self._any_time()
        patients = self.env["res.partner"].create(
            [
                {"name": f"Patient {index}", "category_id": self.staff.ids}
                for index in range(6)
            ]
        )
        for patient in patients:
            self._sale([(self.whitening, 1)], partner=patient)

        def queries(partners):
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            self._figures(partners)
            return self.cr.sql_log_count - before

        # A first read fills the caches a register fills once, whatever it reads.
        queries(patients[:1])
        self.assertEqual(queries(patients), queries(patients[:1]))

    def _any_time(self):
        """The campaign at any hour of any day of its dates: the tests sync now."""
        self.campaign.write({"on_monday": False, "hour_from": 0.0, "hour_to": 0.0})

    def test_the_receipt_names_the_rules_that_gave_points(self):
        self._any_time()
        data = self._order([(self.whitening, 1)])
        result = self.env["pos.order"].with_user(self.cashier).sync_from_ui([data])
        (synced,) = result["pos.order"]
        # 120 base points, the campaign's x2 on the whitening, the chosen +10.
        self.assertEqual(synced["dental_loyalty_points_earned"], 250)
        self.assertEqual(
            synced["dental_loyalty_rule_lines"],
            [
                {
                    "ruleId": self.campaign.id,
                    "name": "Whitening month x2",
                    "points": 120,
                },
                {"ruleId": self.chosen.id, "name": "Chosen patients +10", "points": 10},
            ],
        )
        # Renamed and archived after the sale: the receipt printed again says
        # what it said.
        self.campaign.write({"name": "Bright smile x2", "active": False})
        self.env.invalidate_all()
        order = self.env["pos.order"].browse(synced["id"])
        (read,) = order.with_user(self.cashier).read(["dental_loyalty_rule_lines"])
        self.assertEqual(
            read["dental_loyalty_rule_lines"], synced["dental_loyalty_rule_lines"]
        )

    def test_a_refund_gives_back_what_a_capped_rule_took_of_its_cap(self):
        self._any_time()
        order = self._sync(self._order([(self.whitening, 2)]))
        self.env.invalidate_all()
        used = self._figures(self.patient)[self.patient.id]["used"]
        self.assertEqual(used, {str(self.campaign.id): 240})
        self._sync(self._returns(order, [1]))
        self.env.invalidate_all()
        used = self._figures(self.patient)[self.patient.id]["used"]
        self.assertEqual(used, {str(self.campaign.id): 120})
