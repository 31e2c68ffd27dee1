from odoo import api, fields, models

# What the register's refund receipt reads of an order the server settled.
_REFUND_FIGURES = (
    "dental_loyalty_points_taken_back",
    "dental_loyalty_points_given_back",
    "dental_loyalty_amount_given_back",
    "dental_loyalty_vouchers_back",
)


class PosOrderRefundReceipt(models.Model):
    """A refund's figures in the words of its receipt: the points it took
    back (of those its sale earned) and gave back (of those its sale spent),
    and what those came to in money, and the rewards whose vouchers it gave
    back. Read from the ledger, the payments and the vouchers."""

    _inherit = "pos.order"  # pylint: disable=consider-merging-classes-inherited

    dental_loyalty_points_taken_back = fields.Integer(
        string="Loyalty Points Taken Back",
        compute="_compute_dental_loyalty_refund_figures",
        compute_sudo=True,
        help="Points this refund took back of those its sale earned, its "
        "referral bonus included.",
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
    dental_loyalty_vouchers_back = fields.Char(
        string="Vouchers Given Back",
        compute="_compute_dental_loyalty_vouchers_back",
        compute_sudo=True,
        help="The rewards whose vouchers this refund made valid again, each with "
        "a new code sent to the patient.",
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
                line.points
                for line in lines
                if line.kind in ("earn_reversal", "referral_reversal")
            )
            given = sum(line.points for line in lines if line.kind == "spend_return")
            order.dental_loyalty_points_given_back = given
            order.dental_loyalty_amount_given_back = (
                max(-order._dental_loyalty_points_paid(), 0.0) if given else 0.0
            )

    def _compute_dental_loyalty_vouchers_back(self):
        # A sale gives no voucher back: only refunds ask the vouchers.
        refunds = self.filtered(lambda order: order.lines.refunded_orderline_id)
        (self - refunds).dental_loyalty_vouchers_back = False
        if not refunds:
            return
        vouchers = self.env["dental.loyalty.voucher"].search_fetch(
            [("restored_pos_order_id", "in", refunds.ids), ("state", "=", "valid")],
            ["restored_pos_order_id", "reward_id"],
        )
        given_back = vouchers.grouped("restored_pos_order_id")
        for refund in refunds:
            refund.dental_loyalty_vouchers_back = (
                ", ".join(
                    voucher.reward_id.name
                    for voucher in given_back.get(refund, vouchers.browse())
                )
                or False
            )

    @api.model
    def _load_pos_data_fields(self, config_id):
        fields = super()._load_pos_data_fields(config_id)
        return [*fields, *(name for name in _REFUND_FIGURES if name not in fields)]
