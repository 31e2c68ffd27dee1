from odoo import api, models


class PosSession(models.Model):
    _inherit = "pos.session"

    @api.model
    def _load_pos_data_models(self, config_id):
        # The earn preview names the rules a bill earns by.
        return [
            *super()._load_pos_data_models(config_id),
            "dental.loyalty.earning.rule",
        ]
