from odoo import api, fields, models
from odoo.exceptions import ValidationError


class PosPaymentMethod(models.Model):
    _inherit = "pos.payment.method"

    dental_loyalty_points = fields.Boolean(
        string="Loyalty Points",
        help="Payments with this method are paid with the patient's loyalty points, "
        "checked and taken by the server.",
    )

    @api.constrains("dental_loyalty_points", "is_cash_count", "split_transactions")
    def _check_dental_loyalty_points(self):
        for method in self.filtered("dental_loyalty_points"):
            if method.is_cash_count or method.split_transactions:
                raise ValidationError(
                    self.env._(
                        "The loyalty points method %s can be neither a cash method "
                        "nor a customer account.",
                        method.name,
                    )
                )

    @api.model
    def _load_pos_data_fields(self, config_id):
        return [*super()._load_pos_data_fields(config_id), "dental_loyalty_points"]
