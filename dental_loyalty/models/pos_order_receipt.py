from odoo import api, fields, models
from odoo.tools.misc import format_date, formatLang

# How many pending batches the receipt lists, soonest first; a patient rarely
# has more than a few, and the receipt says how many points wait in all.
_BATCHES_SHOWN = 3


def pending_batches_text(env, lots):
    """ "80 on 12/11/2026, 100 on 12/14/2026": pending ``lots`` grouped by the
    day they become spendable, soonest first, in the user's language."""
    by_day = {}
    for lot in lots:
        by_day[lot.available_date] = by_day.get(lot.available_date, 0) + (
            lot.remaining_points
        )
    shown = [
        env._(
            "%(points)s on %(day)s",
            points=formatLang(env, points, digits=0),
            day=format_date(env, day),
        )
        for day, points in sorted(by_day.items())[:_BATCHES_SHOWN]
    ]
    if len(by_day) > _BATCHES_SHOWN:
        shown.append("…")
    return ", ".join(shown) or False


class PosOrderReceipt(models.Model):
    """The receipt's figures in the programme's words: the patient's total
    before and after the visit, what it earned and spent (a voucher bought on
    the visit and used on the bill included), and the pending points with the
    day each batch becomes spendable. Read from the ledger, as every figure."""

    _inherit = "pos.order"  # pylint: disable=consider-merging-classes-inherited

    dental_loyalty_points_total = fields.Integer(
        string="Patient's Total Points",
        compute="_compute_dental_loyalty_receipt",
        compute_sudo=True,
        help="Spendable and pending points of the patient's wallet, now.",
    )
    dental_loyalty_points_before = fields.Integer(
        string="Patient's Total Points Before",
        compute="_compute_dental_loyalty_receipt",
        compute_sudo=True,
        help="The patient's total points before this visit: now, less what this "
        "order posted and what the vouchers bought on the visit for it cost.",
    )
    dental_loyalty_voucher_points = fields.Integer(
        string="Points of Vouchers Bought on the Visit",
        compute="_compute_dental_loyalty_receipt",
        compute_sudo=True,
        help="Points of the vouchers used on this bill that were bought the same "
        "day: the receipt counts them in the points spent on the visit.",
    )
    dental_loyalty_referral_points = fields.Integer(
        string="Referral Bonus",
        compute="_compute_dental_loyalty_receipt",
        compute_sudo=True,
        help="The referral bonus this visit brought the patient (pending, as "
        "earned points are).",
    )
    dental_loyalty_pending_batches = fields.Char(
        string="Pending Points by Day",
        compute="_compute_dental_loyalty_receipt",
        compute_sudo=True,
        help="The patient's pending points, each batch with the day it becomes "
        "spendable, soonest first.",
    )

    @api.depends(
        "dental_loyalty_line_ids",
        "partner_id",
        "company_id",
        "lines.dental_loyalty_voucher_id",
    )
    def _compute_dental_loyalty_receipt(self):
        wallets = self._dental_loyalty_wallets()
        Ledger = self.env["dental.loyalty.ledger"]
        pending = Ledger.browse()
        waiting = [wallet.id for wallet in wallets.values() if wallet.points_pending]
        if waiting:
            pending = Ledger.search(
                [
                    ("wallet_id", "in", waiting),
                    ("remaining_points", ">", 0),
                    ("is_released", "=", False),
                ],
                order="available_date, id",
            )
        for order in self:
            wallet = wallets[order]
            own_lines = order.dental_loyalty_line_ids.filtered(
                lambda line, wallet=wallet: line.wallet_id == wallet
            )
            # A transferable voucher's redeem line is its holder's, not this
            # patient's, if someone else's points bought it.
            bought = (
                order._dental_loyalty_vouchers_bought_on_visit() - own_lines
            ).filtered(lambda line, wallet=wallet: line.wallet_id == wallet)
            redeemed = own_lines.filtered(lambda line: line.kind == "redeem") | bought
            order.dental_loyalty_voucher_points = -sum(redeemed.mapped("points"))
            order.dental_loyalty_referral_points = sum(
                line.points for line in own_lines if line.kind == "referral"
            )
            total = wallet.points_available + wallet.points_pending
            order.dental_loyalty_points_total = total
            order.dental_loyalty_points_before = (
                total - sum(own_lines.mapped("points")) - sum(bought.mapped("points"))
            )
            order.dental_loyalty_pending_batches = pending_batches_text(
                self.env,
                pending.filtered(lambda lot, wallet=wallet: lot.wallet_id == wallet),
            )

    def _dental_loyalty_vouchers_bought_on_visit(self):
        """The redeem lines of the vouchers this order used that were bought
        since its register's session was opened: their points left on this
        visit. (A voucher held on the bill and redeemed at its sync posts its
        line on the order itself.)"""
        self.ensure_one()
        used = self.lines.dental_loyalty_voucher_id
        opened = self.session_id.create_date
        if not used or not opened:
            return self.env["dental.loyalty.ledger"]
        return self.env["dental.loyalty.ledger"].search(
            [
                ("res_model", "=", used._name),
                ("res_id", "in", used.ids),
                ("kind", "=", "redeem"),
                ("create_date", ">=", opened),
            ]
        )

    @api.model
    def _load_pos_data_fields(self, config_id):
        return [
            *super()._load_pos_data_fields(config_id),
            "dental_loyalty_points_total",
            "dental_loyalty_points_before",
            "dental_loyalty_voucher_points",
            "dental_loyalty_referral_points",
            "dental_loyalty_pending_batches",
        ]
