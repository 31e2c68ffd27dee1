from odoo import api, models


class ProductProduct(models.Model):
    _inherit = "product.product"

    @api.model
    def _load_pos_data_fields(self, config_id):
        # The register previews the bonus an order earns.
        return [
            *super()._load_pos_data_fields(config_id),
            "dental_loyalty_bonus_points",
        ]
