from odoo import fields, models


class ProductTemplate(models.Model):
    _inherit = "product.template"

    dental_loyalty_bonus_points = fields.Integer(
        string="Bonus Loyalty Points",
        help="Points a patient earns for each unit of this service or product, on top "
        "of the points the paid amount earns (e.g. a six-monthly check-up).",
    )
