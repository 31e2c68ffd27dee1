from odoo import api, fields, models
from odoo.tools import SQL

from ..rules import cap_window
from .pos_order import PAID_STATES


# One concern of res.partner per file, as core splits a model across files.
# pylint: disable=consider-merging-classes-inherited
class ResPartner(models.Model):
    """What the register's earn preview needs of a patient for the earning
    rules: their tier and tags, whether this is their first visit, the rules
    that name them and what each capped rule already gave them in its current
    period. Read with the patient's other figures, for all patients at once."""

    _inherit = "res.partner"

    dental_loyalty_rule_figures = fields.Json(
        string="Earning Rule Figures",
        compute="_compute_dental_loyalty_rule_figures",
        compute_sudo=True,
        groups="dental_loyalty.group_dental_loyalty_user",
        help="The patient as the earning rules read them at the register.",
    )

    @api.depends_context("company")
    @api.depends("category_id", "loyalty_tier_id")
    def _compute_dental_loyalty_rule_figures(self):
        company = self.env.company
        Rule = self.env["dental.loyalty.earning.rule"]
        rules = Rule._engine_rules(company)
        today = Rule._clinic_time(company, fields.Datetime.now()).date()
        # Caps per bill start afresh on each bill: nothing to read for them.
        capped = [
            (rule.id, *cap_window(rule.cap_period, today))
            for rule in rules
            if rule.cap_points and rule.cap_period != "bill"
        ]
        figures = self._dental_loyalty_rule_rows(company, capped)
        for partner in self:
            partner_id = partner._origin.id
            tag_ids, visited, used = figures.get(partner_id, ([], False, {}))
            partner.dental_loyalty_rule_figures = {
                "tierId": partner.loyalty_tier_id.id or False,
                "tagIds": tag_ids,
                "firstVisit": bool(partner_id) and not visited,
                "namedIn": [
                    rule.id
                    for rule in rules
                    if rule.audience == "patients" and partner_id in rule.partner_ids
                ],
                "used": used,
            }

    def _dental_loyalty_rule_rows(self, company, capped):
        """{partner id: (tag ids, whether they had a paid visit in
        ``company``, {rule id: points the rule gave them in its window})} in
        one query; ``capped`` the (rule id, first day, last day) of the capped
        rules (no days: while the rule runs). The points net of what refunds
        took back of them (the reversals taken from their lots), as settlement
        counts them."""
        ids = [partner_id for partner_id in self._origin.ids if partner_id]
        if not ids:
            return {}
        self.env["pos.order"].flush_model(["partner_id", "company_id", "state"])
        self.env["dental.loyalty.ledger"].flush_model(
            ["kind", "points", "member_id", "earning_rule_id", "date", "lot_id"]
        )
        self.flush_model(["category_id"])
        used = SQL("'{}'::jsonb")
        if capped:
            rule_ids, firsts, lasts = zip(*capped, strict=True)
            used = SQL(
                """
                (SELECT COALESCE(jsonb_object_agg(given.rule_id, given.points), '{}')
                   FROM (SELECT line.earning_rule_id AS rule_id,
                                GREATEST(SUM(line.points)
                                         + COALESCE(SUM(back.points), 0), 0) AS points
                           FROM dental_loyalty_ledger line
                           JOIN unnest(%(rules)s::int[], %(firsts)s::date[],
                                       %(lasts)s::date[])
                                AS cap(rule_id, first_day, last_day)
                             ON cap.rule_id = line.earning_rule_id
                      LEFT JOIN LATERAL (
                                SELECT SUM(reversal.points) AS points
                                  FROM dental_loyalty_ledger reversal
                                 WHERE reversal.lot_id = line.id
                                   AND reversal.kind = 'earn_reversal'
                           ) back ON TRUE
                          WHERE line.kind = 'rule'
                            AND line.member_id = patient.id
                            AND line.company_id = %(company)s
                            AND (cap.first_day IS NULL
                                 OR line.date BETWEEN cap.first_day AND cap.last_day)
                       GROUP BY line.earning_rule_id) given)
                """,
                rules=list(rule_ids),
                firsts=list(firsts),
                lasts=list(lasts),
                company=company.id,
            )
        rows = self.env.execute_query(
            SQL(
                """
                SELECT patient.id,
                       ARRAY(SELECT tag.category_id
                               FROM res_partner_res_partner_category_rel tag
                              WHERE tag.partner_id = patient.id
                           ORDER BY tag.category_id),
                       EXISTS(SELECT 1
                                FROM pos_order sale
                               WHERE sale.partner_id = patient.id
                                 AND sale.company_id = %(company)s
                                 AND sale.state IN %(paid)s),
                       %(used)s
                  FROM unnest(%(ids)s::int[]) AS patient(id)
                """,
                ids=ids,
                company=company.id,
                paid=PAID_STATES,
                used=used,
            )
        )
        return {
            partner_id: (
                tag_ids,
                visited,
                {int(rule_id): points for rule_id, points in given.items()},
            )
            for partner_id, tag_ids, visited, given in rows
        }

    @api.model
    def _load_pos_data_fields(self, config_id):
        # The earn preview names the rules a patient's bill earns by.
        return [
            *super()._load_pos_data_fields(config_id),
            "dental_loyalty_rule_figures",
        ]
