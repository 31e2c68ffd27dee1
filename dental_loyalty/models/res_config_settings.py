from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    dental_loyalty_earn_rate = fields.Float(
        related="company_id.dental_loyalty_earn_rate", readonly=False
    )
    dental_loyalty_point_value = fields.Float(
        related="company_id.dental_loyalty_point_value", readonly=False
    )
    dental_loyalty_waiting_days = fields.Integer(
        related="company_id.dental_loyalty_waiting_days", readonly=False
    )
    dental_loyalty_validity_months = fields.Integer(
        related="company_id.dental_loyalty_validity_months", readonly=False
    )
    dental_loyalty_max_share = fields.Float(
        related="company_id.dental_loyalty_max_share", readonly=False
    )
    dental_loyalty_tier_basis = fields.Selection(
        related="company_id.dental_loyalty_tier_basis", readonly=False
    )
    dental_loyalty_tier_window_months = fields.Integer(
        related="company_id.dental_loyalty_tier_window_months", readonly=False
    )
