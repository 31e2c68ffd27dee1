from odoo import api, fields, models
from odoo.exceptions import UserError

from .dental_loyalty_input import is_record_id
from .pos_order import _IN_SYNC

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
        for vals in vals_list:
            if "payment_date" in vals:
                order_id, session_id = vals.get("pos_order_id"), vals.get("session_id")
                vals["payment_date"] = self._dental_loyalty_payment_date(
                    vals["payment_date"],
                    orders.browse(order_id if is_record_id(order_id) else ()),
                    self.env["pos.session"].browse(
                        session_id if is_record_id(session_id) else ()
                    ),
                )
        return super().create(vals_list)

    def write(self, vals):
        if any(name in vals for name in _PAYMENT_VALUE_FIELDS):
            methods = self.payment_method_id
            if vals.get("payment_method_id"):
                methods |= methods.browse(vals["payment_method_id"])
            self._dental_loyalty_check_points_payment(methods)
            self.pos_order_id._dental_loyalty_check_unlocked("payments")
        if "payment_date" in vals:
            for payment in self:
                super(PosPayment, payment).write(
                    {
                        **vals,
                        "payment_date": self._dental_loyalty_payment_date(
                            vals["payment_date"],
                            payment.pos_order_id,
                            payment.session_id,
                        ),
                    }
                )
            return True
        return super().write(vals)

    @api.constrains("company_id", "payment_method_id", "pos_order_id")
    def _check_dental_loyalty_payment_company(self):
        """A payment added or changed outside the register's sync is of its
        order's company, with a method of it, as the sync asks of a payload."""
        # The sync checked the links it sends; the order those it keeps.
        if self.env.context.get("dental_loyalty_sync") is not _IN_SYNC:
            self.pos_order_id._dental_loyalty_refuse_foreign_links()

    @api.model
    def _dental_loyalty_payment_date(self, claimed, order, session):
        """``claimed`` as the date of a payment of ``order`` (in ``session``):
        within the order's session and not after now, as the order's own date.
        Core dates a split payment's bank statement line by it."""
        Input = self.env["dental.loyalty.wizard.input"]
        if not claimed or not Input._dental_loyalty_valid_value(
            self._fields["payment_date"], claimed
        ):
            raise UserError(
                self.env._("The register sent a payment date that is not a date.")
            )
        return self.env["pos.order"]._dental_loyalty_known_time(
            fields.Datetime.to_datetime(claimed),
            order.session_id or session,
            fields.Datetime.now(),
        )

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
