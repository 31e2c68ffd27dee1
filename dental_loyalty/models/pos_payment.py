from odoo import api, models
from odoo.exceptions import UserError

# What a payment pays, with what, for which order.
# What a payment is worth and where it is booked: its session's closing books
# it, in its company.
_PAYMENT_VALUE_FIELDS = (
    "amount",
    "payment_method_id",
    "pos_order_id",
    "session_id",
    "company_id",
)


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
        orders._dental_loyalty_check_unlocked("payments")
        return super().create(vals_list)

    def write(self, vals):
        if any(name in vals for name in _PAYMENT_VALUE_FIELDS):
            methods = self.payment_method_id
            if vals.get("payment_method_id"):
                methods |= methods.browse(vals["payment_method_id"])
            self._dental_loyalty_check_points_payment(methods)
            self.pos_order_id._dental_loyalty_check_unlocked("payments")
        return super().write(vals)

    def unlink(self):
        self.pos_order_id._dental_loyalty_check_unlocked("payments")
        return super().unlink()

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
