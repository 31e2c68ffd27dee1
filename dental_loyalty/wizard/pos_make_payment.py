from odoo import models
from odoo.exceptions import UserError


class PosMakePayment(models.TransientModel):
    _inherit = "pos.make.payment"

    def check(self):
        if self.payment_method_id.dental_loyalty_points:
            raise UserError(
                self.env._(
                    "%s is paid at the register only, where the patient's "
                    "points are checked and taken.",
                    self.payment_method_id.name,
                )
            )
        return super().check()
