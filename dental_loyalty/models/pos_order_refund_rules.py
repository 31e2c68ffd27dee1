from collections import defaultdict

from odoo import models

from ..rules import RuleLine, returned_share


class PosOrderRefundRules(models.Model):
    """What the refunds of a sale return of the lines each earning rule gave
    on: a rule's points go back with those lines, not with the whole bill (a
    campaign on the whitening goes back with the whitening, and stays when
    only the root canal comes back)."""

    _inherit = "pos.order"  # pylint: disable=consider-merging-classes-inherited

    def _dental_loyalty_rule_returns(self, sale, sale_lines, refunds, returns):
        """``{rule ledger line id: (returned, whole)}`` for the rule lines of
        ``sale`` (among its ledger ``sale_lines``) that remember the sale's
        lines they gave on: ``returned / whole`` is the share of those lines
        that its paid ``refunds`` and ``returns`` (``[(sold line, quantity)]``,
        the refund being settled or previewed) return together, each line
        weighed by what it counted in the rule's basis (``rules.line_weight``:
        its value in the sale for a multiplier or a bonus per bill, its paid
        units for a bonus per unit, the paid line for a bonus per line; by
        its count when they weigh nothing). Rule lines posted before the
        sale's lines were remembered are left out: they go back with the whole
        bill."""
        rule_lines = sale_lines.filtered(
            lambda line: (
                line.kind == "rule"
                and line.pos_order_id == sale
                and line.rule_order_line_ids
            )
        )
        if not rule_lines:
            return {}
        returned = defaultdict(float)
        for line in refunds.lines:
            if line.refunded_orderline_id.order_id == sale:
                returned[line.refunded_orderline_id.id] -= line.qty
        for sold, quantity in returns:
            if sold.order_id == sale:
                returned[sold.id] += quantity
        sold_lines = {
            line.id: line
            for line in sale.lines
            if not line.refunded_orderline_id and line.qty > 0
        }
        values = sale._dental_loyalty_line_values()
        as_sold = {}
        for line_id, line in sold_lines.items():
            amounts = line._dental_loyalty_sale_line()
            as_sold[line_id] = RuleLine(
                product_id=line.product_id.id,
                categ_path="",
                quantity=amounts.quantity,
                list_amount=amounts.list_amount,
                paid_amount=amounts.paid_amount,
            )
        result = {}
        for rule_line in rule_lines:
            ids = [
                line_id
                for line_id in rule_line.rule_order_line_ids
                if line_id in sold_lines
            ]
            if not ids:
                continue
            result[rule_line.id] = returned_share(
                rule_line.rule_effect or "multiplier",
                [
                    (as_sold[line_id], values.get(line_id, 0.0), returned[line_id])
                    for line_id in ids
                ],
            )
        return result
