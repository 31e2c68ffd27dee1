from odoo import api, fields, models

# What the register's refund receipt reads of an order the server settled.
_REFUND_FIGURES = (
    "dental_loyalty_points_taken_back",
    "dental_loyalty_points_given_back",
    "dental_loyalty_amount_given_back",
)


class PosOrderRefundReceipt(models.Model):
    """A refund's figures in the words of its receipt: the points it took
    back (of those its sale earned) and gave back (of those its sale spent),
    and what those came to in money. Read from the ledger and the payments."""

    _inherit = "pos.order"  # pylint: disable=consider-merging-classes-inherited

    dental_loyalty_points_taken_back = fields.Integer(
        string="Loyalty Points Taken Back",
        compute="_compute_dental_loyalty_refund_figures",
        compute_sudo=True,
        help="Points this refund took back of those its sale earned.",
    )
    dental_loyalty_points_given_back = fields.Integer(
        string="Loyalty Points Given Back",
        compute="_compute_dental_loyalty_refund_figures",
        compute_sudo=True,
        help="Points this refund gave back of those its sale spent.",
    )
    dental_loyalty_amount_given_back = fields.Monetary(
        string="Money Given Back in Points",
        compute="_compute_dental_loyalty_refund_figures",
        compute_sudo=True,
        help="What the points this refund gave back paid of it.",
    )

    @api.depends(
        "dental_loyalty_line_ids.points",
        "dental_loyalty_line_ids.kind",
        "payment_ids.amount",
    )
    def _compute_dental_loyalty_refund_figures(self):
        for order in self:
            lines = order.dental_loyalty_line_ids
            order.dental_loyalty_points_taken_back = -sum(
                line.points for line in lines if line.kind == "earn_reversal"
            )
            given = sum(line.points for line in lines if line.kind == "spend_return")
            order.dental_loyalty_points_given_back = given
            order.dental_loyalty_amount_given_back = (
                max(-order._dental_loyalty_points_paid(), 0.0) if given else 0.0
            )

    @api.model
    def _load_pos_data_fields(self, config_id):
        fields = super()._load_pos_data_fields(config_id)
        return [*fields, *(name for name in _REFUND_FIGURES if name not in fields)]
