from odoo import api, fields, models
from odoo.exceptions import UserError

from ..models.dental_loyalty_input import check_record_ids


class DentalLoyaltyPointsAdjust(models.TransientModel):
    _name = "dental.loyalty.points.adjust"
    _description = "Adjust Loyalty Points"
    # Checks the types and ranges of what a form or a forged call sends.
    _inherit = ["dental.loyalty.wizard.input"]

    partner_id = fields.Many2one("res.partner", string="Patient", required=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    points = fields.Integer(
        required=True,
        help="Points to add (positive) or take away (negative).",
    )
    reason = fields.Char(required=True)
    spendable_points = fields.Integer(
        string="Spendable Now", compute="_compute_spendable_points"
    )
    points_after = fields.Integer(
        string="Spendable After", compute="_compute_spendable_points"
    )

    @api.depends("partner_id", "company_id", "points")
    def _compute_spendable_points(self):
        for wizard in self:
            # Figures of the user's clinics only: the company is a browser's word.
            spendable = (
                wizard.partner_id.with_company(
                    wizard.company_id
                ).loyalty_points_available
                if wizard.company_id in self.env.companies
                else 0
            )
            wizard.spendable_points = spendable
            wizard.points_after = spendable + wizard.points

    def action_confirm(self):
        check_record_ids(self, single=True)
        if not self.points:
            raise UserError(self.env._("Enter a number of points other than zero."))
        if not (self.reason or "").strip():
            raise UserError(self.env._("Say why the points are adjusted."))
        self.company_id._dental_loyalty_check_allowed()
        self.partner_id.check_access("read")
        wallet = self.partner_id._dental_loyalty_wallet(self.company_id)
        wallet.check_access("read")
        if self.points < 0:
            self._check_held(wallet)
        self.env["dental.loyalty.wallet"]._post_lines(
            [
                {
                    "wallet_id": wallet.id,
                    "member_id": self.partner_id.id,
                    "kind": "adjust",
                    "points": self.points,
                    "reason": self.reason,
                    "user_id": self.env.user.id,
                }
            ]
        )
        signed_points = f"{self.points:+d}"
        wallet._post_on_wallet_and_patient(
            self.env._(
                "Loyalty points adjusted by %(points)s: %(reason)s",
                points=signed_points,
                reason=self.reason,
            )
        )
        return {"type": "ir.actions.act_window_close"}

    def _check_held(self, wallet):
        """Refuse taking away points that bills being paid hold (a points
        payment, a reward on the bill): those bills are granted, their points
        are theirs until they are paid or let go."""
        wallet._lock_for_update()
        # Holds are the engine's bookkeeping, read here for the wallet whose
        # access was checked above.
        Hold = self.env["dental.loyalty.reservation"].sudo()
        spendable, _own, held = Hold._spendable_for(wallet, False)
        # With nothing held, the ledger refuses an overdraft in its own words.
        if -self.points <= spendable or not held:
            return
        raise UserError(
            self.env._(
                "%(patient)s can lose at most %(most)s points now: of %(available)s "
                "spendable points, %(held)s are held by bills being paid. Wait "
                "until they are paid or let go.",
                patient=self.partner_id.display_name,
                most=max(spendable, 0),
                available=wallet.points_available,
                held=sum(held.mapped("points")),
            )
        )
