from odoo import fields, models

from .dental_loyalty_earning_rule import CAP_PERIODS, EFFECTS


class DentalLoyaltyLedger(models.Model):
    """What an earning rule was when it gave a line: its effect and cap
    period, so that the value audit bounds the line by the sale it was given
    on, whatever the rule says today; and the sale's lines it gave on, which
    a refund takes its points back by."""

    # One concern per file, as Odoo core splits its big models.
    _inherit = "dental.loyalty.ledger"  # pylint: disable=consider-merging-classes-inherited

    rule_effect = fields.Selection(
        EFFECTS,
        readonly=True,
        help="What the earning rule gave when these points were earned.",
    )
    rule_cap_period = fields.Selection(
        CAP_PERIODS,
        readonly=True,
        help="The period of the earning rule's cap when these points were earned.",
    )
    rule_order_line_ids = fields.Json(
        string="Rule's Sale Lines",
        readonly=True,
        help="The ids of the sale's lines the earning rule gave on, as its scope "
        "was at the sale: a refund takes the rule's points back in proportion "
        "to what it returns of them.",
    )
