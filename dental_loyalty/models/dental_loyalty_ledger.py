from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import split_every

from ..rules import (
    InsufficientPoints,
    Lot,
    available_date,
    consume_fifo,
    expiry_date,
)


class DentalLoyaltyLedger(models.Model):
    """One signed change of a wallet's points. Lines are never edited nor deleted
    (only the superuser could); a correction is a new line. Positive lines are lots
    that later negative lines consume, oldest first."""

    _name = "dental.loyalty.ledger"
    _description = "Loyalty Ledger Line"
    _order = "date desc, id desc"

    wallet_id = fields.Many2one(
        "dental.loyalty.wallet",
        required=True,
        index=True,
        ondelete="restrict",
        readonly=True,
    )
    partner_id = fields.Many2one(
        related="wallet_id.partner_id",
        string="Patient",
        store=True,
        index=True,
        precompute=True,
    )
    company_id = fields.Many2one(
        related="wallet_id.company_id", store=True, index=True, precompute=True
    )
    kind = fields.Selection(
        selection=[
            ("earn", "Earned"),
            ("spend", "Spent"),
            ("expire", "Expired"),
            ("adjust", "Adjustment"),
            ("earn_reversal", "Earning Reversed"),
            ("spend_return", "Spending Returned"),
        ],
        required=True,
        readonly=True,
    )
    points = fields.Integer(required=True, readonly=True)
    remaining_points = fields.Integer(
        readonly=True, help="What is left of this lot to spend."
    )
    is_released = fields.Boolean(
        string="Released",
        readonly=True,
        help="The waiting period of this lot is over: its points can be spent.",
    )
    date = fields.Date(required=True, readonly=True, default=fields.Date.context_today)
    available_date = fields.Date(string="Spendable From", readonly=True)
    expiry_date = fields.Date(string="Expires On", readonly=True)
    lot_id = fields.Many2one(
        "dental.loyalty.ledger",
        string="Expired Lot",
        index="btree_not_null",
        ondelete="restrict",
        readonly=True,
    )
    paid_amount = fields.Monetary(
        currency_field="currency_id",
        readonly=True,
        help="The amount paid that earned these points; counts for spend-based tiers.",
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    res_model = fields.Char(string="Source Model", readonly=True)
    res_id = fields.Many2oneReference(
        string="Source Record", model_field="res_model", readonly=True
    )
    origin = fields.Char(string="Source", readonly=True)
    pos_order_id = fields.Many2one(
        "pos.order",
        string="POS Order",
        index="btree_not_null",
        ondelete="restrict",
        readonly=True,
    )
    user_id = fields.Many2one(
        "res.users",
        string="Done By",
        required=True,
        readonly=True,
        ondelete="restrict",
        default=lambda self: self.env.user,
    )
    reason = fields.Char(readonly=True)
    unique_key = fields.Char(
        readonly=True,
        copy=False,
        help="Identifies the event that posted the line, so it posts only once.",
    )

    _sql_constraints = [
        ("points_not_zero", "CHECK(points <> 0)", "A ledger line moves points."),
        (
            "remaining_within_lot",
            "CHECK(remaining_points >= 0 AND remaining_points <= GREATEST(points, 0))",
            "A lot cannot give more points than it holds.",
        ),
        (
            "unique_key_uniq",
            "unique(unique_key)",
            "These points were already posted.",
        ),
    ]

    def _auto_init(self):
        res = super()._auto_init()
        # Spending and expiring only ever look at lots with something left.
        self.env.cr.execute(
            """
            CREATE INDEX IF NOT EXISTS dental_loyalty_ledger_open_lots_idx
                ON dental_loyalty_ledger (wallet_id, date, id)
             WHERE remaining_points > 0
            """
        )
        self.env.cr.execute(
            """
            CREATE INDEX IF NOT EXISTS dental_loyalty_ledger_unreleased_idx
                ON dental_loyalty_ledger (available_date)
             WHERE is_released IS NOT TRUE AND points > 0
            """
        )
        return res

    @api.model
    def _earning_kinds(self):
        """Kinds whose points count as earned (lifetime points and tiers)."""
        return ["earn", "earn_reversal"]

    @api.depends("kind", "points", "partner_id")
    def _compute_display_name(self):
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        for line in self:
            line.display_name = f"{kinds.get(line.kind, '')} {line.points:+d}"

    # ------------------------------------------------------------------
    # Posting
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        """Keep the lots whole: a positive line opens a lot, a negative one takes
        from the wallet's lots, oldest first, or from the lot it expires."""
        today = fields.Date.context_today(self)
        wallets = self.env["dental.loyalty.wallet"].browse(
            {vals["wallet_id"] for vals in vals_list}
        )
        wallets._lock_for_update()
        takes = defaultdict(int)
        for vals in vals_list:
            wallet = wallets.browse(vals["wallet_id"])
            vals.setdefault("date", today)
            posted = fields.Date.to_date(vals["date"])
            if vals.get("points", 0) > 0:
                self._prepare_lot_vals(vals, wallet.company_id, posted, today)
            elif vals.get("lot_id"):
                lot = self.browse(vals["lot_id"])
                if -vals["points"] > lot.remaining_points - takes[lot.id]:
                    raise UserError(
                        self.env._("A lot cannot give more points than it holds.")
                    )
                takes[lot.id] += -vals["points"]
            elif vals.get("points", 0) < 0:
                for lot_id, taken in self._take_from_lots(
                    wallet, -vals["points"], today, takes
                ):
                    takes[lot_id] += taken
        lines = super().create(vals_list)
        by_taken = defaultdict(list)
        for lot in self.browse(takes).sudo():
            by_taken[lot.remaining_points - takes[lot.id]].append(lot.id)
        for remaining, lot_ids in by_taken.items():
            self.browse(lot_ids).sudo().write({"remaining_points": remaining})
        earned = lines.filtered(lambda line: line.kind in self._earning_kinds())
        earned.wallet_id._evaluate_tier()
        return lines

    def _prepare_lot_vals(self, vals, company, posted, today):
        """Date a new lot: earned points are spendable after the waiting period,
        other credits (a manager's adjustment, points given back) at once; all
        expire after the validity period, unless the caller decided otherwise."""
        waiting_days = (
            company.dental_loyalty_waiting_days
            if vals["kind"] in self._earning_kinds()
            else 0
        )
        vals.setdefault("available_date", available_date(posted, waiting_days))
        vals.setdefault(
            "expiry_date",
            expiry_date(posted, company.dental_loyalty_validity_months),
        )
        vals["remaining_points"] = vals["points"]
        vals["is_released"] = fields.Date.to_date(vals["available_date"]) <= today

    def _take_from_lots(self, wallet, points, today, already_taken):
        """Which lots give ``points``, oldest first; ``already_taken`` holds what
        earlier lines of the same batch took."""
        lots = [
            Lot(
                id=lot.id,
                remaining=lot.remaining_points - already_taken.get(lot.id, 0),
                available_date=lot.available_date,
                expiry_date=lot.expiry_date or None,
                posted=lot.date,
            )
            for lot in self._open_lots(wallet)
        ]
        try:
            return consume_fifo(lots, points, today)
        except InsufficientPoints as shortage:
            raise UserError(
                self.env._(
                    "%(patient)s has %(spendable)s spendable points; %(requested)s "
                    "points cannot be taken.",
                    patient=wallet.partner_id.display_name,
                    spendable=shortage.spendable,
                    requested=shortage.requested,
                )
            ) from shortage

    def _open_lots(self, wallet):
        return self.sudo().search_fetch(
            [("wallet_id", "=", wallet.id), ("remaining_points", ">", 0)],
            # wallet_id too: updating what is left of a lot marks its wallet.
            ["wallet_id", "remaining_points", "available_date", "expiry_date", "date"],
            order="date, id",
        )

    @api.model
    def _post(self, vals_list):
        """The one way into the ledger for the rest of the addon."""
        # Users have no create right on the ledger: only this engine writes it.
        return self.sudo().create(vals_list).sudo(self.env.su)

    # ------------------------------------------------------------------
    # Scheduled actions
    # ------------------------------------------------------------------

    @api.model
    def _release_due_lots(self, wallets=None, today=None):
        """Mark the lots whose waiting period is over as released, so the wallets'
        cached spendable and pending points follow the calendar."""
        today = today or fields.Date.context_today(self)
        domain = [
            ("is_released", "=", False),
            ("points", ">", 0),
            ("available_date", "<=", today),
        ]
        if wallets is not None:
            domain.append(("wallet_id", "in", wallets.ids))
        due = self.sudo().search(domain)
        due.write({"is_released": True})
        return due

    @api.model
    def _cron_release_pending(self):
        """Daily: make lots whose waiting period is over spendable."""
        released = self._release_due_lots()
        self.env["ir.cron"]._notify_progress(done=len(released), remaining=0)
        return released

    @api.model
    def _cron_expire_lots(self, batch_size=2000):
        """Daily: an expire line for what is left of each lot past its date, and a
        note on the patient's chatter. A second run finds nothing left to expire."""
        today = fields.Date.context_today(self)
        lot_ids = (
            self.sudo()
            .search(
                [("remaining_points", ">", 0), ("expiry_date", "<=", today)],
                order="wallet_id, id",
            )
            .ids
        )
        done = 0
        for lots in split_every(batch_size, lot_ids, self.sudo().browse):
            expired = self._post(
                [
                    {
                        "wallet_id": lot.wallet_id.id,
                        "kind": "expire",
                        "points": -lot.remaining_points,
                        "lot_id": lot.id,
                        "date": today,
                        "unique_key": f"expire:{lot.id}",
                        "reason": self.env._("Expired on %s", lot.expiry_date),
                    }
                    for lot in lots
                ]
            )
            self.env["dental.loyalty.wallet"]._log_on_patients(
                {
                    wallet: self.env._(
                        "%s loyalty points expired.",
                        -sum(wallet_lines.mapped("points")),
                    )
                    for wallet, wallet_lines in expired.grouped("wallet_id").items()
                }
            )
            done += len(lots)
            self.env["ir.cron"]._notify_progress(
                done=done, remaining=len(lot_ids) - done
            )
        return done
