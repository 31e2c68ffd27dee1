from odoo import fields, models

from ..models.dental_loyalty_input import check_record_ids


class DentalLoyaltyReferralRefuse(models.TransientModel):
    _name = "dental.loyalty.referral.refuse"
    _description = "Refuse a Referral"
    # Checks the types and ranges of what a form or a forged call sends.
    _inherit = ["dental.loyalty.wizard.input"]

    referral_ids = fields.Many2many(
        "dental.loyalty.referral",
        string="Referrals",
        required=True,
        domain=[("state", "=", "pending")],
    )
    reason = fields.Char(required=True)

    def action_confirm(self):
        check_record_ids(self, single=True)
        self.referral_ids._refuse_by_hand(self.reason)
        return {"type": "ir.actions.act_window_close"}
