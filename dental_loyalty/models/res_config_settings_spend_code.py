from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    # One concern per file: the code by SMS before a large spend.
    _inherit = "res.config.settings"  # pylint: disable=consider-merging-classes-inherited

    dental_loyalty_spend_code_points = fields.Integer(
        related="company_id.dental_loyalty_spend_code_points", readonly=False
    )
