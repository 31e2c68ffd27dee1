from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    # One concern per file: what patients may do from their loyalty page.
    _inherit = "res.config.settings"  # pylint: disable=consider-merging-classes-inherited

    dental_loyalty_portal_rewards = fields.Boolean(
        related="company_id.dental_loyalty_portal_rewards", readonly=False
    )
