from odoo import api, models
from odoo.exceptions import UserError

from .pos_order import PAID_STATES

# What a payment pays, with what, for which order.
_PAYMENT_VALUE_FIELDS = ("amount", "payment_method_id", "pos_order_id")


class PosPayment(models.Model):
    _inherit = "pos.payment"

    @api.model_create_multi
    def create(self, vals_list):
        methods = self.env["pos.payment.method"].browse(
            {
                vals["payment_method_id"]
                for vals in vals_list
                if vals.get("payment_method_id")
            }
        )
        self._dental_loyalty_check_points_payment(methods)
        orders = self.env["pos.order"].browse(
            {
                vals["pos_order_id"]
                for vals in vals_list
                if isinstance(vals.get("pos_order_id"), int)
            }
        )
        self._dental_loyalty_check_paid_orders(orders.exists())
        return super().create(vals_list)

    def write(self, vals):
        if any(name in vals for name in _PAYMENT_VALUE_FIELDS):
            methods = self.payment_method_id
            if vals.get("payment_method_id"):
                methods |= methods.browse(vals["payment_method_id"])
            self._dental_loyalty_check_points_payment(methods)
            self._dental_loyalty_check_paid_orders(self.pos_order_id)
        return super().write(vals)

    def unlink(self):
        self._dental_loyalty_check_paid_orders(self.pos_order_id)
        return super().unlink()

    @api.model
    def _dental_loyalty_check_paid_orders(self, orders):
        """What a paid order was paid with is settled: its refunds are capped by
        it and its points were taken for it."""
        if self.env["pos.order"]._dental_loyalty_engine_writes():
            return
        paid = orders.filtered(lambda order: order.state in PAID_STATES)
        if paid:
            raise UserError(
                self.env._(
                    "%s is paid: its payments can no longer be added, changed or "
                    "removed.",
                    paid[0]._dental_loyalty_label(),
                )
            )

    @api.model
    def _dental_loyalty_check_points_payment(self, methods):
        """A points payment is made only within a register's sync, whose
        settlement takes the points it pays with."""
        if self.env["pos.order"]._dental_loyalty_engine_writes():
            return
        points = methods.exists().filtered("dental_loyalty_points")
        if points:
            raise UserError(
                self.env._(
                    "%s is paid at the register only, where the patient's "
                    "points are checked and taken.",
                    points[0].name,
                )
            )
