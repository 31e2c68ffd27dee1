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

    def _rule_line(self, rule, points, day, partner=None, order=None):
        """A rule line as settlement posts it, on ``order`` if given."""
        partner = partner or self.patient
        return self.Wallet._post_lines(
            [
                {
                    "wallet_id": partner._dental_loyalty_wallet(self.company).id,
                    "member_id": partner.id,
                    "kind": "rule",
                    "points": points,
                    "date": day,
                    "earning_rule_id": rule.id,
                    # As the rule gives them: a multiplier x2 on as many base
                    # points, a bonus once per bill.
                    "rule_basis": points if rule.effect == "multiplier" else 1.0,
                    "rule_factor": rule.multiplier - 1
                    if rule.effect == "multiplier"
                    else rule.bonus_points,
                    "rule_cap": rule.cap_points,
                    "tier_multiplier": 1.0,
                    "reason": rule.name,
                    "pos_order_id": order and order.id,
                }
            ]
        )

    def test_the_patients_figures_for_the_rules(self):
        self.patient.category_id = self.staff
        other = self.env["res.partner"].create({"name": "Lan Do"})
        today = self.Rule._clinic_time(self.company, fields.Datetime.now()).date()
        self._rule_line(self.campaign, 120, today)
        # Last month's points count towards last month's cap only.
        self._rule_line(self.campaign, 90, today - timedelta(days=40))
        # Another patient's points are theirs.
        self._rule_line(self.campaign, 60, today, partner=other)
        figures = self._figures(self.patient | other)
        self.assertEqual(
            figures[self.patient.id],
            {
                "tierId": self.bronze.id,
                "tagIds": self.staff.ids,
                "firstVisit": True,
                "namedIn": self.chosen.ids,
                "used": {str(self.campaign.id): 120},
            },
        )
        self.assertEqual(figures[other.id]["namedIn"], [])
        self.assertEqual(figures[other.id]["used"], {str(self.campaign.id): 60})

        self._sync(self._order([(self.checkup, 1)]))
        self.env.invalidate_all()
        self.assertFalse(self._figures(self.patient)[self.patient.id]["firstVisit"])
        self.assertTrue(self._figures(other)[other.id]["firstVisit"])

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
        patients = self.env["res.partner"].create(
            [
                {"name": f"Patient {index}", "category_id": self.staff.ids}
                for index in range(6)
            ]
        )
        for patient in patients:
            self._rule_line(self.campaign, 30, fields.Date.today(), partner=patient)

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
        # Renamed after the sale: a receipt printed again names it as it is now,
        # with the points it gave.
        self.campaign.name = "Bright smile x2"
        order = self.env["pos.order"].browse(synced["id"])
        (read,) = order.with_user(self.cashier).read(["dental_loyalty_rule_lines"])
        self.assertEqual(
            read["dental_loyalty_rule_lines"][0],
            {"ruleId": self.campaign.id, "name": "Bright smile x2", "points": 120},
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
