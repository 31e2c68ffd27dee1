from collections import defaultdict

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL
from odoo.tools.sql import column_exists

from odoo.addons.dental_loyalty.models.dental_loyalty_earning_rule import (
    WEEKDAY_FIELDS,
)
from odoo.addons.dental_loyalty.rules import MAX_BONUS_POINTS

# The per-service bonus's column: the field is gone from product.template, the
# update drops its column only once every migration script has run.
BONUS_COLUMN = "dental_loyalty_bonus_points"


def migrate(cr, version):
    """The per-service bonus ("Bonus Loyalty Points" on a product) is an
    earning rule now: one per company and bonus, per unit, times the tier
    multiplier, added to the other rules, on the products that had it. Not a
    ledger line nor a balance changes; the next sale earns as the last did."""
    bonus_to_rules(api.Environment(cr, SUPERUSER_ID, {}))


def bonus_to_rules(env):
    """The earning rules made of the products' bonuses, none if no product had
    one (or the column is gone: an update already made them)."""
    Rule = env["dental.loyalty.earning.rule"]
    cr = env.cr
    if not column_exists(cr, "product_template", BONUS_COLUMN):
        return Rule
    # Archived products and variants too: one brought back earns its bonus.
    cr.execute(
        SQL(
            "SELECT template.company_id, template.%s, array_agg(variant.id) "
            "FROM product_template template "
            "JOIN product_product variant ON variant.product_tmpl_id = template.id "
            "WHERE template.%s > 0 "
            "GROUP BY template.company_id, template.%s",
            SQL.identifier(BONUS_COLUMN),
            SQL.identifier(BONUS_COLUMN),
            SQL.identifier(BONUS_COLUMN),
        )
    )
    rows = cr.fetchall()
    if not rows:
        return Rule
    # A product of no company earned its bonus in every company.
    all_companies = env["res.company"].with_context(active_test=False).search([])
    products = defaultdict(set)
    for company_id, bonus, variant_ids in rows:
        # A rule says at most this: a larger bonus would be refused on save
        # and stop the update; the engine counts it as this anyway.
        bonus = min(bonus, MAX_BONUS_POINTS)
        for company in (
            all_companies.browse(company_id) if company_id else all_companies
        ):
            products[company.id, bonus].update(variant_ids)
    values = []
    for (company_id, bonus), variant_ids in sorted(products.items()):
        variant_ids -= set(_under_equal_rule(env, company_id, bonus).ids)
        if variant_ids:
            values.append(
                {
                    "name": env._("Service bonus: %s points", bonus),
                    "company_id": company_id,
                    **_BONUS_RULE,
                    "bonus_points": bonus,
                    "product_ids": [(6, 0, sorted(variant_ids))],
                }
            )
    return Rule.create(values)


# What the per-service bonus gave: every member, every day, per unit of what
# money paid for, times the tier multiplier, on top of any other rule, no cap.
_BONUS_RULE = {
    "effect": "per_unit",
    "tier_multiplied": True,
    "combination": "add",
    "cap_points": 0,
    "audience": "all",
}


def _under_equal_rule(env, company_id, bonus):
    """The products a rule of the company already gives ``bonus`` per unit
    as the per-service bonus did (the demo data's, or a manager's made before
    the update): not to be given it twice."""
    rules = (
        env["dental.loyalty.earning.rule"]
        .with_context(active_test=False)
        .search(
            [
                ("company_id", "=", company_id),
                ("active", "=", True),
                ("bonus_points", "=", bonus),
                *[(name, "=", value) for name, value in _BONUS_RULE.items()],
                ("date_from", "=", False),
                ("date_to", "=", False),
                ("hour_from", "=", 0),
                ("hour_to", "=", 0),
                *[(name, "=", False) for name in WEEKDAY_FIELDS],
                ("product_categ_ids", "=", False),
            ]
        )
    )
    return rules.product_ids
