from odoo import api, fields, models
from odoo.exceptions import UserError

from ..models.dental_loyalty_input import check_record_ids


class DentalLoyaltyPointsTransfer(models.TransientModel):
    """Move points from one patient's wallet to another's, with a reason: a
    member leaving a family, or a family helping another. Each moved point
    keeps the dates of the lot it came from."""

    _name = "dental.loyalty.points.transfer"
    _description = "Move Loyalty Points"
    # Checks the types and ranges of what a form or a forged call sends.
    _inherit = ["dental.loyalty.wizard.input"]

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    source_partner_id = fields.Many2one(
        "res.partner",
        string="From",
        required=True,
        help="The points come from the wallet this patient spends from: their "
        "family's, else their own.",
    )
    target_partner_id = fields.Many2one(
        "res.partner",
        string="To",
        required=True,
        help="The points go to the wallet this patient earns into: their "
        "family's, else their own.",
    )
    points = fields.Integer(required=True)
    reason = fields.Char(required=True)
    spendable_points = fields.Integer(
        string="Spendable Now", compute="_compute_spendable_points"
    )

    @api.depends("source_partner_id", "company_id")
    def _compute_spendable_points(self):
        for wizard in self:
            # Figures of the user's clinics only: the company is a browser's word.
            wizard.spendable_points = (
                wizard.source_partner_id.with_company(
                    wizard.company_id
                ).loyalty_points_available
                if wizard.company_id in self.env.companies
                else 0
            )

    def action_confirm(self):
        check_record_ids(self, single=True)
        self.env["dental.loyalty.family"]._check_family_rights(self.company_id)
        if not (self.reason or "").strip():
            raise UserError(self.env._("Say why the points are moved."))
        self.company_id._dental_loyalty_check_allowed()
        (self.source_partner_id | self.target_partner_id).check_access("read")
        source = self.source_partner_id._dental_loyalty_wallet(self.company_id)
        target = self.target_partner_id._dental_loyalty_wallet(self.company_id)
        (source | target).check_access("read")
        if source == target:
            raise UserError(
                self.env._(
                    "%(giver)s and %(receiver)s share one wallet: there is nothing "
                    "to move.",
                    giver=self.source_partner_id.display_name,
                    receiver=self.target_partner_id.display_name,
                )
            )
        moved = source._transfer_points(target, self.reason, self.points)
        for wallet in source | target:
            wallet._post_on_wallet_and_patient(
                self.env._(
                    "Points moved by %(user)s from the wallet of %(giver)s to the "
                    "wallet of %(receiver)s: %(points)s. Reason: %(reason)s",
                    points=moved,
                    user=self.env.user.name,
                    giver=source.partner_id.display_name,
                    receiver=target.partner_id.display_name,
                    reason=self.reason,
                )
            )
        return {"type": "ir.actions.act_window_close"}
