from odoo import models
from odoo.tools import SQL

from ..rules import RuleLine, RulePatient
from .pos_order import PAID_STATES


class PosOrderRules(models.Model):
    """The sale as the earning rules read it: the order's own sold lines, the
    member who came, and the server's time of the visit in the clinic's time
    zone; never what the register says of them."""

    _inherit = "pos.order"  # pylint: disable=consider-merging-classes-inherited

    def _dental_loyalty_rule_sale(self):
        """(rule lines, :class:`RulePatient` without a tier, clinic-local time of
        the visit, the ids of the order lines the rule lines are, in order) for
        the wallet's settlement, or None when the company has no active rule
        (then nothing more is read)."""
        self.ensure_one()
        rules = self.env["dental.loyalty.earning.rule"]._engine_rules(self.company_id)
        if not rules:
            return None
        lines, line_ids = [], []
        for line in self.lines:
            if line.refunded_orderline_id:
                continue
            line_ids.append(line.id)
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
        tags, first_visit = self._dental_loyalty_rule_facts()
        patient = RulePatient(
            partner_id=self.partner_id.id,
            tag_ids=frozenset(tags),
            first_visit=first_visit,
        )
        when = self.env["dental.loyalty.earning.rule"]._clinic_time(
            self.company_id, self.dental_loyalty_visit_time
        )
        return lines, patient, when, line_ids

    def _dental_loyalty_rule_facts(self):
        """(tag ids of the patient, whether this is their first paid visit in
        the company), in one query: a sale pays for earning rules at most two
        queries, this one and the capped rules' use.

        A first visit is a sale of a patient with no other paid order in the
        company at all, whatever the times the register claims (a bill dated
        before the ones already synced is no first visit again) and whether or
        not a refund followed (the visit happened). Read under the wallet's
        lock (``_dental_loyalty_settle_sale``): of two first bills synced at
        once, the second sees the first."""
        self.ensure_one()
        # The other orders of the transaction (a backlog synced at once) as
        # they stand; this order is left out below, and its own pending values
        # are written once, with the rest of its sync.
        Order = self.env["pos.order"]
        columns = [
            Order._fields[name] for name in ("partner_id", "company_id", "state")
        ]
        others = Order.union(
            *(self.env.cache.get_dirty_records(Order, field) for field in columns)
        )
        (others - self).flush_recordset([field.name for field in columns])
        self.env["res.partner"].flush_model(["category_id"])
        [(tags, first_visit)] = self.env.execute_query(
            SQL(
                """
                SELECT ARRAY(SELECT rel.category_id
                               FROM res_partner_res_partner_category_rel rel
                              WHERE rel.partner_id = %(partner)s),
                       NOT EXISTS(
                           SELECT 1 FROM pos_order earlier
                            WHERE earlier.partner_id = %(partner)s
                              AND earlier.company_id = %(company)s
                              AND earlier.state IN %(paid)s
                              AND earlier.id != %(order)s)
                """,
                partner=self.partner_id.id or 0,
                company=self.company_id.id,
                paid=PAID_STATES,
                order=self.id,
            )
        )
        return tags or [], bool(first_visit)
