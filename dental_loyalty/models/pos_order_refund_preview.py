from odoo import api, models
from odoo.exceptions import UserError

from .dental_loyalty_input import MAX_QUANTITY, is_finite_number, is_record_id

# A refund returns the lines of one sale: a few hundred at the very most.
MAX_RETURNED_LINES = 500


class PosOrderRefundPreview(models.Model):
    """What a refund being rung up at the register takes back and gives back,
    as the sync will settle it: the register shows it, and fills its points
    line with what may be given back in points. The server decides; the
    register is a witness of what it returns."""

    _inherit = "pos.order"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def dental_loyalty_refund_preview(self, config_id, partner_id, returned):
        """``returned``: ``[{"line_id": sold line id, "qty": quantity returned
        (positive)}]``, the lines of one paid sale of the register's clinic.
        Returns the points the refund takes back (of those the sale earned),
        the points it may give back (of those the sale spent) and what they
        are worth in money, computed by the code the sync settles with.
        The refund acts on the sale's wallet whoever it is made out to: the
        patient (``partner_id``, may be empty) is only checked."""
        config = self._dental_loyalty_register(config_id)
        if partner_id:
            self._dental_loyalty_patient(partner_id)
        returns = self._dental_loyalty_check_returned(returned, config)
        sale = returns[0][0].order_id
        # The sale's ledger and its refunds are the engine's: the cashier may
        # read the sale's lines (checked above), the figures come from here.
        sale = sale.sudo()
        returns = [(sold.sudo(), quantity) for sold, quantity in returns]
        refund = self.sudo().browse()
        sale_lines, earlier, refunded_before, wallet = (
            refund._dental_loyalty_refund_basis(sale)
        )
        currency = config.currency_id
        if not wallet:
            return {"take_back": 0, "give_back_points": 0, "give_back_amount": 0.0}
        refunded_now = refund._dental_loyalty_returned_value(returns, sale)
        share = wallet._refund_share(
            sale_lines,
            refunded_now,
            refunded_before,
            sale._dental_loyalty_sold_total(),
            refund._dental_loyalty_rule_returns(sale, sale_lines, earlier, returns),
        )
        return {
            "take_back": share.take_back,
            "give_back_points": share.give_back,
            "give_back_amount": currency.round(
                wallet._refund_points_worth(
                    share.give_back,
                    refunded_now,
                    sale._dental_loyalty_points_rate(sale_lines),
                )
            ),
        }

    @api.model
    def _dental_loyalty_check_returned(self, returned, config):
        """``returned`` as the register sent it, checked: ``[(sold line,
        quantity)]``, one pair per line, lines of one paid sale of the
        register's clinic the cashier may read, each returned no more than
        its earlier refunds left. Else a sentence the cashier can read."""
        unknown = self.env._(
            "This refund returns a line no paid sale of this clinic sold."
        )
        if (
            not isinstance(returned, list)
            or not returned
            or len(returned) > MAX_RETURNED_LINES
        ):
            raise UserError(self.env._("The register sent no lines to refund."))
        quantities = {}
        for item in returned:
            if not isinstance(item, dict) or set(item) != {"line_id", "qty"}:
                raise UserError(self.env._("The register sent no lines to refund."))
            line_id, quantity = item["line_id"], item["qty"]
            if not is_record_id(line_id):
                raise UserError(unknown)
            if not is_finite_number(quantity) or not 0 < quantity <= MAX_QUANTITY:
                raise UserError(
                    self.env._("A refund returns a positive quantity of each line.")
                )
            quantities[line_id] = quantities.get(line_id, 0.0) + quantity
        lines = self.env["pos.order.line"].browse(list(quantities)).exists()
        digits = self.env["decimal.precision"].precision_get("Product Unit of Measure")
        # Another clinic's line is as unknown here as one that never was.
        if len(lines) != len(quantities) or lines != lines._filtered_access("read"):
            raise UserError(unknown)
        if len(lines.order_id) > 1:
            raise UserError(
                self.env._("A refund returns lines of one sale; refund one at a time.")
            )
        refund = self.browse()
        label = self.env._("This refund")
        for line in lines:
            if not refund._dental_loyalty_is_returnable(
                line, config.company_id, digits
            ):
                raise UserError(unknown)
            refund._dental_loyalty_check_left_to_return(
                line, quantities[line.id], label, digits
            )
        return [(line, quantities[line.id]) for line in lines]
