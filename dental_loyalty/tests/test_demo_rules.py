from odoo import fields
from odoo.tests import TransactionCase, tagged

from ..rules import RuleLine, RulePatient, award_rules, in_audience, in_period


@tagged("post_install", "-at_install")
class TestDemoRules(TransactionCase):
    """The demo clinic (the suite runs with demo data) shows earning rules at
    work: the check-up's and the scale and polish's bonus, a whitening month
    around the day it was loaded, double points for staff and family, a first implant
    consultation's bonus."""

    def test_the_demo_runs_a_bonus_and_three_campaigns(self):
        company = self.env.ref("base.main_company")
        Rule = self.env["dental.loyalty.earning.rule"]
        engine = {rule.id: rule for rule in Rule._engine_rules(company)}

        def rule(xmlid):
            return engine[self.env.ref(f"dental_loyalty.{xmlid}").id]

        bonus = rule("earning_rule_service_bonus")
        whitening = rule("earning_rule_whitening_month")
        staff = rule("earning_rule_staff_family")
        implant = rule("earning_rule_first_implant")
        campaigns = Rule.search(
            [("company_id", "=", company.id), ("is_campaign", "=", True)]
        )
        self.assertEqual(set(campaigns.ids), {whitening.id, staff.id, implant.id})
        # A month around the day the demo was loaded.
        loaded = Rule._clinic_time(
            company,
            self.env.ref("dental_loyalty.earning_rule_whitening_month").create_date,
        )
        self.assertTrue(in_period(whitening, loaded.replace(hour=12)))
        self.assertEqual((whitening.date_to - whitening.date_from).days, 30)
        now = Rule._clinic_time(company, fields.Datetime.now())
        duc = self.env.ref("dental_loyalty.patient_pham_minh_duc")
        an = self.env.ref("dental_loyalty.patient_nguyen_van_an")

        def patient(partner, first_visit=False):
            return RulePatient(
                partner.id,
                tag_ids=frozenset(partner.category_id.ids),
                first_visit=first_visit,
            )

        self.assertTrue(in_audience(staff, patient(duc)))
        self.assertFalse(in_audience(staff, patient(an)))
        self.assertTrue(in_audience(implant, patient(an, first_visit=True)))
        self.assertFalse(in_audience(implant, patient(an)))
        # A check-up paid in full: 60 points at the rate, 20 more by the rule.
        checkup = self.env.ref("dental_loyalty.product_checkup")
        line = RuleLine(
            product_id=checkup.id,
            categ_path=checkup.categ_id.parent_path,
            quantity=1,
            list_amount=60.0,
            paid_amount=60.0,
        )
        awards = award_rules(
            [bonus, whitening, staff, implant],
            [line],
            patient=patient(an),
            when=now,
            share=1.0,
            rate=1.0,
            tier_multiplier=1.0,
            used={},
        )
        self.assertEqual([(a.rule.name, a.points) for a in awards], [(bonus.name, 20)])
