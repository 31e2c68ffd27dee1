from odoo import api, fields, models
from odoo.exceptions import UserError

from ..models.dental_loyalty_input import check_record_ids


class DentalLoyaltyRewardRedeem(models.TransientModel):
    """Reception exchanges a patient's points for a reward of the catalog."""

    _name = "dental.loyalty.reward.redeem"
    _description = "Give a Loyalty Reward"
    # Checks the types and ranges of what a form or a forged call sends.
    _inherit = ["dental.loyalty.wizard.input"]

    partner_id = fields.Many2one("res.partner", string="Patient", required=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    allowed_reward_ids = fields.Many2many(
        "dental.loyalty.reward", compute="_compute_allowed_reward_ids"
    )
    reward_id = fields.Many2one(
        "dental.loyalty.reward",
        required=True,
        domain="[('id', 'in', allowed_reward_ids)]",
    )
    points_cost = fields.Integer(related="reward_id.points_cost")
    spendable_points = fields.Integer(
        string="Spendable Now", compute="_compute_allowed_reward_ids"
    )
    points_after = fields.Integer(
        string="Spendable After", compute="_compute_points_after"
    )

    @api.depends("partner_id", "company_id")
    def _compute_allowed_reward_ids(self):
        Reward = self.env["dental.loyalty.reward"]
        for wizard in self:
            if wizard.company_id not in self.env.companies:
                # Figures of the user's clinics only: the company is a browser's word.
                wizard.spendable_points = 0
                wizard.allowed_reward_ids = Reward.browse()
                continue
            partner = wizard.partner_id.with_company(wizard.company_id)
            wizard.spendable_points = partner.loyalty_points_available
            wallet = partner.loyalty_wallet_id
            wizard.allowed_reward_ids = (
                Reward._available_to(wallet, patient=partner)
                if wallet
                else Reward.browse()
            )

    @api.depends("spendable_points", "points_cost")
    def _compute_points_after(self):
        for wizard in self:
            wizard.points_after = wizard.spendable_points - wizard.points_cost

    def _check_spend_code(self, wallet):
        """The back office asks no code by SMS: from the clinic's threshold (the
        patient's day counted, as at the register) only a loyalty manager gives
        a reward here; reception redeems it at the register, with the code."""
        if self.env.user.has_group("dental_loyalty.group_dental_loyalty_manager"):
            return
        wallet._lock_for_update()
        # Codes, holds and the day's ledger are the engine's bookkeeping; the
        # patient, the wallet and the reward were checked by the caller.
        refusal = (
            self.env["dental.loyalty.spend.code"]
            .sudo()
            ._needs_code(wallet, self.reward_id.points_cost, patient=self.partner_id)
        )
        if refusal:
            raise UserError(
                self.env._(
                    "%(refusal)s Only a loyalty manager gives it from here: ask a "
                    "manager, or redeem it at the register with the patient's code.",
                    refusal=refusal,
                )
            )

    def action_confirm(self):
        check_record_ids(self, single=True)
        self.company_id._dental_loyalty_check_allowed()
        self.partner_id.check_access("read")
        self.reward_id.check_access("read")
        wallet = self.partner_id._dental_loyalty_wallet(self.company_id)
        wallet.check_access("read")
        self._check_spend_code(wallet)
        voucher = self.env["dental.loyalty.voucher"]._issue(
            wallet, self.reward_id, self.partner_id
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "dental.loyalty.voucher",
            "res_id": voucher.id,
            "view_mode": "form",
            "target": "current",
        }
