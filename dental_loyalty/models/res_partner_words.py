from odoo import api, fields, models

from .dental_loyalty_wallet import pending_batches_text


# One concern of res.partner per file, as core splits a model across files.
# pylint: disable=consider-merging-classes-inherited
class ResPartner(models.Model):
    """The patient's pending points with the day each batch becomes
    spendable, as the receipt and the patient's page say them."""

    _inherit = "res.partner"

    loyalty_pending_batches = fields.Char(
        string="Pending, by Day",
        compute="_compute_loyalty_pending_batches",
        compute_sudo=True,
        help="The pending points, each batch with the day it becomes spendable.",
        groups="dental_loyalty.group_dental_loyalty_user",
    )

    @api.depends_context("company")
    @api.depends("loyalty_wallet_id.points_pending")
    def _compute_loyalty_pending_batches(self):
        wallets = self.loyalty_wallet_id.filtered("points_pending")
        lots = self.env["dental.loyalty.ledger"].search(
            [
                ("wallet_id", "in", wallets.ids),
                ("remaining_points", ">", 0),
                ("is_released", "=", False),
            ],
            order="available_date, id",
        )
        for partner in self:
            wallet = partner.loyalty_wallet_id
            partner.loyalty_pending_batches = (
                pending_batches_text(
                    self.env,
                    lots.filtered(lambda lot, wallet=wallet: lot.wallet_id == wallet),
                )
                if wallet.points_pending
                else False
            )
