from odoo import api, fields, models
from odoo.osv import expression

from .dental_loyalty_wallet import pending_batches_text

# The redeem lines this transaction posted for the rewards held on its bills,
# by voucher id: the transaction's own (a rollback drops them with the lines).
_BOUGHT_NOW = "dental_loyalty.bought_now"


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
        pending, bought = self._dental_loyalty_receipt_ledger(wallets)
        for order in self:
            wallet = wallets[order]
            own_lines = order.dental_loyalty_line_ids.filtered(
                lambda line, wallet=wallet: line.wallet_id == wallet
            )
            # A transferable voucher's redeem line is its holder's, not this
            # patient's, if someone else's points bought it.
            order_bought = (bought[order] - own_lines).filtered(
                lambda line, wallet=wallet: line.wallet_id == wallet
            )
            redeemed = (
                own_lines.filtered(lambda line: line.kind == "redeem") | order_bought
            )
            order.dental_loyalty_voucher_points = -sum(redeemed.mapped("points"))
            order.dental_loyalty_referral_points = sum(
                line.points for line in own_lines if line.kind == "referral"
            )
            total = wallet.points_available + wallet.points_pending
            order.dental_loyalty_points_total = total
            order.dental_loyalty_points_before = (
                total
                - sum(own_lines.mapped("points"))
                - sum(order_bought.mapped("points"))
            )
            order.dental_loyalty_pending_batches = pending_batches_text(
                self.env,
                pending.filtered(lambda lot, wallet=wallet: lot.wallet_id == wallet),
            )

    def _dental_loyalty_remember_bought(self, vouchers, lines):
        """``vouchers``, held on this bill, were bought by ``lines`` (among
        them their redeem lines, or none when their points were gone): the
        receipt read back in the same request takes them from here, not from
        a search. A voucher has one redeem line at most (its key)."""
        if not vouchers:
            return
        bought = self.env.cr.precommit.data.setdefault(_BOUGHT_NOW, {})
        for voucher in vouchers:
            bought[voucher.id] = [
                line.id
                for line in lines
                if line.kind == "redeem"
                and line.res_model == voucher._name
                and line.res_id == voucher.id
            ]

    def _dental_loyalty_receipt_ledger(self, wallets):
        """The ledger lines the receipts of these orders read, in one search:
        the pending lots of their patients' ``wallets`` (by order), and by
        order the redeem lines of the vouchers it used that were bought since
        its register's session was opened, their points left on this visit (a
        reward held on the bill is bought when the bill is paid: its line is
        one of them)."""
        Ledger = self.env["dental.loyalty.ledger"]
        waiting = [wallet.id for wallet in wallets.values() if wallet.points_pending]
        domains = []
        if waiting:
            domains.append(
                [
                    ("wallet_id", "in", waiting),
                    ("remaining_points", ">", 0),
                    ("is_released", "=", False),
                ]
            )
        # The orders' used vouchers and the session each was sold in. A voucher
        # a refund gave back was bought for the first visit that used it, not
        # for a later one (round 131: its points counted as spent on each).
        first_use = self._dental_loyalty_first_voucher_uses(
            self.lines.dental_loyalty_voucher_id.filtered("restored_pos_order_id")
        )
        used = {
            order: (
                order.lines.dental_loyalty_voucher_id.filtered(
                    lambda voucher, order=order: (
                        first_use.get(voucher.id, order.id) == order.id
                    )
                ),
                order.session_id.create_date,
            )
            for order in self
        }
        used = {order: pair for order, pair in used.items() if all(pair)}
        # Rewards held on a bill and bought by this request: their lines are known.
        bought_now = self.env.cr.precommit.data.get(_BOUGHT_NOW, {})
        known = Ledger
        if used:
            vouchers = self.env["dental.loyalty.voucher"].union(
                *(vouchers for vouchers, _opened in used.values())
            )
            known = Ledger.browse(
                [
                    line_id
                    for voucher in vouchers
                    for line_id in bought_now.get(voucher.id, ())
                ]
            )
            vouchers = vouchers.filtered(lambda voucher: voucher.id not in bought_now)
            if vouchers:
                domains.append(
                    [
                        ("res_model", "=", vouchers._name),
                        ("res_id", "in", vouchers.ids),
                        ("kind", "=", "redeem"),
                        (
                            "create_date",
                            ">=",
                            min(opened for _v, opened in used.values()),
                        ),
                    ]
                )
        lines = (
            Ledger.search(expression.OR(domains), order="available_date, id")
            if domains
            else Ledger
        ) | known
        pending = lines.filtered(
            lambda line: (
                line.remaining_points > 0
                and not line.is_released
                and line.wallet_id.id in waiting
            )
        )
        bought_lines = lines.filtered(
            lambda line: (
                line.kind == "redeem" and line.res_model == "dental.loyalty.voucher"
            )
        )
        bought = dict.fromkeys(self, Ledger)
        for order, (vouchers, opened) in used.items():
            bought[order] = bought_lines.filtered(
                lambda line, vouchers=vouchers, opened=opened: (
                    line.res_id in vouchers.ids and line.create_date >= opened
                )
            )
        return pending, bought

    @api.model
    def _dental_loyalty_first_voucher_uses(self, vouchers):
        """{voucher id: the order of its first use}, for ``vouchers`` a refund
        gave back (one query; none without them): a voucher used again after
        a refund has had earlier uses, each on a line of its own, the first
        use's line the oldest (an order's id would not say: a bill parked
        before the first use and paid after it is older)."""
        if not vouchers:
            return {}
        # The orders' lines, read for their receipts: the engine's lookup.
        lines = (
            self.env["pos.order.line"]
            .sudo()
            .search_fetch(
                [("dental_loyalty_voucher_id", "in", vouchers.ids)],
                ["dental_loyalty_voucher_id", "order_id"],
                order="id desc",
            )
        )
        return {line.dental_loyalty_voucher_id.id: line.order_id.id for line in lines}

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
