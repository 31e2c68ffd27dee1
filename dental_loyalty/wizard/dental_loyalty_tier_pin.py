from odoo import api, fields, models
from odoo.exceptions import UserError

from ..models.dental_loyalty_input import check_record_ids


class DentalLoyaltyTierPin(models.TransientModel):
    _name = "dental.loyalty.tier.pin"
    _description = "Pin a Loyalty Tier"
    # Checks the types and ranges of what a form or a forged call sends.
    _inherit = ["dental.loyalty.wizard.input"]

    partner_id = fields.Many2one("res.partner", string="Patient", required=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    tier_id = fields.Many2one(
        "dental.loyalty.tier",
        domain="[('company_id', '=', company_id)]",
        help="Leave empty to release the pin and let the patient's figures decide.",
    )
    current_tier_id = fields.Many2one(
        "dental.loyalty.tier", compute="_compute_current_tier_id"
    )
    current_tier_color = fields.Integer(related="current_tier_id.color")
    reason = fields.Char(required=True)

    @api.depends("partner_id", "company_id")
    def _compute_current_tier_id(self):
        for wizard in self:
            # Figures of the user's clinics only: the company is a browser's word.
            wizard.current_tier_id = (
                wizard.partner_id.with_company(wizard.company_id).loyalty_tier_id
                if wizard.company_id in self.env.companies
                else False
            )

    def action_confirm(self):
        check_record_ids(self, single=True)
        if not (self.reason or "").strip():
            raise UserError(self.env._("Say why the tier is set by hand."))
        self.company_id._dental_loyalty_check_allowed()
        self.partner_id.check_access("read")
        if self.tier_id and self.tier_id.company_id != self.company_id:
            raise UserError(self.env._("The tier belongs to another company."))
        self.tier_id.check_access("read")
        wallet = self.partner_id._dental_loyalty_wallet(self.company_id)
        wallet.check_access("read")
        if self.tier_id:
            wallet._set_tier(self.tier_id, pinned=True, reason=self.reason)
        else:
            # The engine owns tier fields; the wallet was checked above.
            wallet.sudo().write({"tier_pinned": False, "tier_pin_reason": False})
            wallet._post_on_wallet_and_patient(
                self.env._(
                    "Loyalty tier pin released by %(user)s: %(reason)s",
                    user=self.env.user.name,
                    reason=self.reason,
                )
            )
            wallet._evaluate_tier(allow_downgrade=True)
        return {"type": "ir.actions.act_window_close"}
