from odoo import api, models


class ProductCategory(models.Model):
    _inherit = "product.category"

    @api.model
    def _load_pos_data_fields(self, config_id):
        # Earning rules name categories and apply below them too: the register
        # matches a product's category path as the engine does.
        return [*super()._load_pos_data_fields(config_id), "parent_path"]
