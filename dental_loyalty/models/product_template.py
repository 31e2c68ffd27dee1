from odoo import api, fields, models
from odoo.exceptions import ValidationError

# The shortest month: a margin of this many days per month of interval would
# reach back to the last visit itself.
_SHORTEST_MONTH_DAYS = 28


class ProductTemplate(models.Model):
    _inherit = "product.template"

    dental_loyalty_recall = fields.Boolean(
        string="Recall Service",
        help="A service patients should come back for after an interval, such as a "
        "six-monthly scale and polish: coming back on time earns the recall bonus.",
    )
    dental_loyalty_recall_months = fields.Integer(
        string="Recall Interval (months)",
        default=6,
        help="Months after the last visit for this service that the next one is due.",
    )
    dental_loyalty_recall_margin_days = fields.Integer(
        string="Recall Margin (days)",
        default=30,
        help="Days before or after the due date that a visit still counts as on time.",
    )
    dental_loyalty_recall_points = fields.Integer(
        string="Recall Bonus Points",
        help="Points a patient earns for coming back on time for this service, once "
        "per bill, on the share of the service paid with money. The first visit, "
        "an early or a late one earn no bonus.",
    )

    @api.constrains(
        "dental_loyalty_recall",
        "dental_loyalty_recall_months",
        "dental_loyalty_recall_margin_days",
        "dental_loyalty_recall_points",
    )
    def _check_dental_loyalty_recall(self):
        for template in self.filtered("dental_loyalty_recall"):
            if template.dental_loyalty_recall_months < 1:
                raise ValidationError(
                    self.env._("A recall service is due one month later at least.")
                )
            if template.dental_loyalty_recall_points < 0:
                raise ValidationError(
                    self.env._("The recall bonus cannot be negative.")
                )
            margin = template.dental_loyalty_recall_margin_days
            if not (
                0
                <= margin
                < template.dental_loyalty_recall_months * _SHORTEST_MONTH_DAYS
            ):
                raise ValidationError(
                    self.env._(
                        "The recall margin of %s must be a number of days shorter "
                        "than its interval.",
                        template.display_name,
                    )
                )
