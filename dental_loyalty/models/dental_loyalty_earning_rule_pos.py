from odoo import api, fields, models


class DentalLoyaltyEarningRule(models.Model):
    """The company's active rules at the register, as the engine reads them,
    for the earn preview to name the rules a bill will earn by. The register
    only previews: the server awards at sync."""

    _name = "dental.loyalty.earning.rule"
    _inherit = ["dental.loyalty.earning.rule", "pos.load.mixin"]

    pos_rule = fields.Json(
        string="Rule at the Register",
        compute="_compute_pos_rule",
        help="The rule as the register's preview reads it: its services, its "
        "categories as their paths, whom and when it is for, what it gives.",
    )

    @api.depends_context("company")
    def _compute_pos_rule(self):
        # The engine's cached reading: no query, and the same figures (factor,
        # category paths) the server awards by.
        by_company = {}
        for rule in self:
            company = rule.company_id
            if company.id not in by_company:
                by_company[company.id] = {
                    engine.id: engine for engine in self._engine_rules(company)
                }
            engine = by_company[company.id].get(rule.id)
            rule.pos_rule = engine and self._pos_rule_values(engine)

    @api.model
    def _pos_rule_values(self, engine):
        """An engine rule as plain JSON for the register. Without the patients
        a rule names: a cashier may not read them all; each patient's figures
        say which of those rules name them."""
        return {
            "id": engine.id,
            "sequence": engine.sequence,
            "effect": engine.effect,
            "factor": engine.factor,
            "productIds": sorted(engine.product_ids),
            "categPaths": list(engine.categ_paths),
            "audience": engine.audience,
            "tierIds": sorted(engine.tier_ids),
            "tagIds": sorted(engine.tag_ids),
            "dateFrom": engine.date_from and engine.date_from.isoformat(),
            "dateTo": engine.date_to and engine.date_to.isoformat(),
            "weekdays": sorted(engine.weekdays),
            "hourFrom": engine.hour_from,
            "hourTo": engine.hour_to,
            "tierMultiplied": engine.tier_multiplied,
            "capPoints": engine.cap_points,
            "capPeriod": engine.cap_period,
            "combination": engine.combination,
        }

    @api.model
    def _load_pos_data_domain(self, data):
        company_id = data["pos.config"]["data"][0]["company_id"]
        return [("company_id", "=", company_id)]

    @api.model
    def _load_pos_data_fields(self, config_id):
        # The name in the cashier's language; the rest as the engine reads it.
        return ["id", "name", "pos_rule"]
