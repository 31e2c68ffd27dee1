from odoo import models


class PosOrderRefundScope(models.Model):
    """What each line of a sale came to for the patient, as its refunds price
    it: a discount with a scope belongs to the lines in its scope."""

    _inherit = "pos.order"  # pylint: disable=consider-merging-classes-inherited

    def _dental_loyalty_line_values(self):
        """``{sold line id: value}`` of this sale's sold lines: each line's
        total with taxes, except that the discount of a voucher with a scope is
        taken off the lines in its scope (in proportion to their totals) and
        its own line is worth nothing. Their sum is the sale's total: refunds
        of the lines in scope give back no more than was paid for them, the
        others no less; an unscoped voucher stays a line of its own, spread
        over the bill by the money cap."""
        self.ensure_one()
        sold = self.lines.filtered(lambda line: not line.refunded_orderline_id)
        totals = {line.id: line._dental_loyalty_total() for line in sold}
        values = dict(totals)
        goods = sold.filtered(
            lambda line: not line.dental_loyalty_voucher_id and totals[line.id] > 0
        )
        for line in sold.filtered("dental_loyalty_voucher_id"):
            # Only the server links a line to the voucher it checked; the
            # reward's scope is read whoever refunds.
            reward = line.dental_loyalty_voucher_id.sudo().reward_id
            discount = totals[line.id]
            if discount >= 0 or not reward._has_scope():
                continue
            scope = goods.filtered(
                lambda good, reward=reward: reward._in_scope(good.product_id)
            )
            base = sum(totals[good.id] for good in scope)
            if base <= 0:
                continue
            values[line.id] = 0.0
            for good in scope:
                values[good.id] += discount * totals[good.id] / base
        return values
