from odoo import models

from ..rules import RuleLine, RulePatient
from .pos_order import PAID_STATES


class PosOrderRules(models.Model):
    """The sale as the earning rules read it: the order's own sold lines, the
    member who came, and the server's time of the visit in the clinic's time
    zone; never what the register says of them."""

    _inherit = "pos.order"  # pylint: disable=consider-merging-classes-inherited

    def _dental_loyalty_rule_sale(self):
        """(rule lines, :class:`RulePatient` without a tier, clinic-local time of
        the visit) for the wallet's settlement, or None when the company has no
        active rule (then nothing more is read)."""
        self.ensure_one()
        company = self.company_id
        Rule = self.env["dental.loyalty.earning.rule"]
        rules = Rule._engine_rules(company)
        if not rules:
            return None
        lines = []
        for line in self.lines:
            if line.refunded_orderline_id:
                continue
            amounts = line._dental_loyalty_sale_line()
            product = line.product_id
            lines.append(
                RuleLine(
                    product_id=product.id,
                    categ_path=product.categ_id.parent_path or "",
                    quantity=amounts.quantity,
                    list_amount=amounts.list_amount,
                    paid_amount=amounts.paid_amount,
                )
            )
        partner = self.partner_id
        patient = RulePatient(
            partner_id=partner.id,
            tag_ids=frozenset(partner.category_id.ids),
            first_visit=any(rule.audience == "first_visit" for rule in rules)
            and self._dental_loyalty_first_visit(),
        )
        return (
            lines,
            patient,
            Rule._clinic_time(company, self.dental_loyalty_visit_time),
        )

    def _dental_loyalty_first_visit(self):
        """Whether this is the patient's first paid visit in this company: no
        paid order of theirs before this one, by the server's visit times."""
        self.ensure_one()
        earlier = self.search_count(
            [
                ("partner_id", "=", self.partner_id.id),
                ("company_id", "=", self.company_id.id),
                ("state", "in", PAID_STATES),
                ("id", "!=", self.id),
                ("dental_loyalty_visit_time", "<", self.dental_loyalty_visit_time),
            ],
            limit=1,
        )
        return not earlier
