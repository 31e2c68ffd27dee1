from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    dental_loyalty_earn_rate = fields.Float(
        string="Points per Currency Unit",
        digits=(16, 4),
        default=1.0,
        help="Points a patient earns for each unit of currency paid.",
    )
    dental_loyalty_point_value = fields.Float(
        string="Point Value",
        digits=(16, 4),
        default=0.01,
        help="What one point is worth, in the company's currency, when it pays a bill.",
    )
    dental_loyalty_waiting_days = fields.Integer(
        string="Waiting Period (days)",
        default=0,
        help="Days before newly earned points can be spent.",
    )
    dental_loyalty_validity_months = fields.Integer(
        string="Validity (months)",
        default=12,
        help="Months after which unspent points expire; 0 means they never expire.",
    )
    dental_loyalty_max_share = fields.Float(
        string="Maximum Share Payable with Points (%)",
        default=30.0,
        help="The largest part of a bill a patient may pay with points.",
    )
    dental_loyalty_tier_basis = fields.Selection(
        selection=[
            ("points", "Points earned"),
            ("amount", "Amount spent"),
            ("visits", "Paid visits"),
        ],
        string="Tier Qualification",
        default="points",
        required=True,
    )
    dental_loyalty_tier_window_months = fields.Integer(
        string="Tier Window (months)",
        default=12,
        help="The rolling window over which the qualifying figure is counted.",
    )

    @api.model
    def _load_pos_data_fields(self, config_id):
        # The register previews how many points a payment takes and an order earns.
        return [
            *super()._load_pos_data_fields(config_id),
            "dental_loyalty_point_value",
            "dental_loyalty_earn_rate",
        ]

    @api.constrains(
        "dental_loyalty_earn_rate",
        "dental_loyalty_point_value",
        "dental_loyalty_waiting_days",
        "dental_loyalty_validity_months",
        "dental_loyalty_max_share",
        "dental_loyalty_tier_window_months",
    )
    def _check_dental_loyalty_settings(self):
        for company in self:
            if company.dental_loyalty_earn_rate < 0:
                raise ValidationError(
                    self.env._("The earning rate of loyalty points cannot be negative.")
                )
            if company.dental_loyalty_point_value <= 0:
                raise ValidationError(
                    self.env._(
                        "The value of a loyalty point must be greater than zero."
                    )
                )
            if company.dental_loyalty_waiting_days < 0:
                raise ValidationError(
                    self.env._(
                        "The waiting period of loyalty points cannot be negative."
                    )
                )
            if company.dental_loyalty_validity_months < 0:
                raise ValidationError(
                    self.env._(
                        "The validity of loyalty points cannot be negative "
                        "(use 0 for points that never expire)."
                    )
                )
            if not 0 <= company.dental_loyalty_max_share <= 100:
                raise ValidationError(
                    self.env._(
                        "The share of a bill payable with points must be between "
                        "0 and 100 %."
                    )
                )
            if company.dental_loyalty_tier_window_months < 1:
                raise ValidationError(
                    self.env._("The tier window must be at least one month.")
                )
