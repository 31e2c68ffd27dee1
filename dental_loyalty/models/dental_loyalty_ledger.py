from collections import defaultdict
from dataclasses import replace
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import create_index

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
    member_id = fields.Many2one(
        "res.partner",
        index="btree_not_null",
        ondelete="restrict",
        readonly=True,
        help="The patient whose visit, spend or gift this line is: on a family's "
        "wallet, the family member; otherwise the wallet's own patient.",
    )
    kind = fields.Selection(
        selection=[
            ("earn", "Earned"),
            ("spend", "Spent"),
            ("expire", "Expired"),
            ("adjust", "Adjusted by hand"),
            ("earn_reversal", "Taken back by a refund"),
            ("spend_return", "Given back by a refund"),
            ("redeem", "Exchanged for a reward"),
            ("redeem_return", "Given back: voucher cancelled"),
            ("birthday", "Birthday gift"),
            ("anniversary", "Anniversary gift"),
            ("recall", "Recall visit bonus"),
            ("transfer_out", "Moved to another wallet"),
            ("transfer_in", "Moved in from another wallet"),
            ("referral", "Referral bonus"),
            ("referral_reversal", "Referral bonus taken back"),
        ],
        string="Movement",
        required=True,
        readonly=True,
    )
    points = fields.Integer(required=True, readonly=True)
    balance_after = fields.Integer(
        string="Balance",
        readonly=True,
        help="The patient's points after this line, in the order lines were posted.",
    )
    remaining_points = fields.Integer(
        string="Points Left",
        readonly=True,
        help="What is left of these points to spend or to expire.",
    )
    is_released = fields.Boolean(
        string="Released",
        readonly=True,
        help="The waiting period of this lot is over: its points can be spent.",
    )
    date = fields.Date(required=True, readonly=True, default=fields.Date.context_today)
    available_date = fields.Date(string="Spendable From", readonly=True)
    expiry_date = fields.Date(string="Expires On", readonly=True)
    # Bookkeeping of the messages, not a figure: setting it changes no balance,
    # so lines stay "never edited" in what they say about points.
    expiry_warned = fields.Boolean(
        string="Patient Told of Expiry",
        readonly=True,
        copy=False,
        help="The patient was told, before the expiry date, that these points "
        "expire; each lot is announced once.",
    )
    lot_id = fields.Many2one(
        "dental.loyalty.ledger",
        string="Taken From",
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
    # What the engine read from the programme when it posted a sale's line, so
    # the integrity check recomputes the line's value from its own basis even
    # after a manager changes the programme.
    point_value = fields.Float(
        digits=(16, 4),
        readonly=True,
        help="What one point was worth when these points paid a bill or came back.",
    )
    earn_rate = fields.Float(
        string="Points per Currency Unit",
        digits=(16, 4),
        readonly=True,
        help="The earning rate in force when these points were earned.",
    )
    tier_multiplier = fields.Float(
        digits=(16, 4),
        readonly=True,
        help="The patient's tier multiplier when these points were earned.",
    )
    bonus_basis = fields.Float(
        string="Service Bonus",
        digits=(16, 4),
        readonly=True,
        help="The services' bonus points in this earning, before the tier multiplier.",
    )
    # The sale a line settles: its own lines and those of its refunds share it,
    # so what the sale earned, spent and got back is read from the ledger alone.
    res_model = fields.Char(string="Sale Document Type", readonly=True)
    res_id = fields.Many2oneReference(
        string="Sale Document", model_field="res_model", readonly=True
    )
    origin = fields.Char(string="Reference", readonly=True)
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
        groups="base.group_no_one",
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

    def init(self):
        res = super().init()
        # Spending and expiring only ever look at lots with something left.
        create_index(
            self.env.cr,
            "dental_loyalty_ledger_open_lots_idx",
            self._table,
            ["wallet_id", "date", "id"],
            where="remaining_points > 0",
        )
        create_index(
            self.env.cr,
            "dental_loyalty_ledger_unreleased_idx",
            self._table,
            ["available_date"],
            where="is_released IS NOT TRUE AND points > 0",
        )
        # A refund reads the lines of the sale it refunds.
        create_index(
            self.env.cr,
            "dental_loyalty_ledger_source_idx",
            self._table,
            ["res_model", "res_id"],
            where="res_id IS NOT NULL",
        )
        return res

    @api.model
    def _expiring_domain(self, today, days=30):
        """Lots with points left that expire within ``days`` of ``today``."""
        return [
            ("remaining_points", ">", 0),
            ("expiry_date", "!=", False),
            ("expiry_date", "<=", today + timedelta(days=days)),
        ]

    @api.model
    def _earning_kinds(self):
        """Kinds whose points count as earned (lifetime points and tiers)."""
        return ["earn", "earn_reversal", "recall"]

    @api.model
    def _waiting_kinds(self):
        """Kinds whose lots wait the company's waiting period: what was earned,
        and a referral bonus (which is no earning for tiers)."""
        return [*self._earning_kinds(), "referral"]

    @api.model
    def _visit_kinds(self):
        """Kinds a paid sale posts: the last one dates the patient's last visit."""
        return ["earn", "spend", "recall"]

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
        from the wallet's lots, oldest first, or from the lot it expires. Lot
        bookkeeping only: the wallet posts (``_post_lines``), having locked the
        wallets, and runs what follows a posting (the tier) itself."""
        # Only the engine creates lines (``_post_lines``): a user's call over RPC
        # stops here, before it reads the wallets it names.
        self.browse().check_access("create")
        today = fields.Date.context_today(self)
        wallets = self.env["dental.loyalty.wallet"].browse(
            {vals["wallet_id"] for vals in vals_list}
        )
        takes = defaultdict(int)
        for vals in vals_list:
            wallet = wallets.browse(vals["wallet_id"])
            vals.setdefault("date", today)
            if not vals.get("member_id"):
                vals["member_id"] = wallet.partner_id.id
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
        balances = {wallet.id: wallet.points_balance for wallet in wallets}
        for vals in vals_list:
            balances[vals["wallet_id"]] += vals["points"]
            vals["balance_after"] = balances[vals["wallet_id"]]
        lines = super().create(vals_list)
        by_taken = defaultdict(list)
        # The lots these lines take from, found by the engine above.
        for lot in self.browse(takes).sudo():
            by_taken[lot.remaining_points - takes[lot.id]].append(lot.id)
        for remaining, lot_ids in by_taken.items():
            self.browse(lot_ids).sudo().write({"remaining_points": remaining})
        return lines

    def _prepare_lot_vals(self, vals, company, posted, today):
        """Date a new lot: earned points and referral bonuses are spendable
        after the waiting period, other credits (a manager's adjustment, points
        given back) at once; all expire after the validity period, unless the
        caller decided otherwise. A register's sale dates its lines by the
        visit, but its lots wait and expire from the day the server posts
        them: a sale synced late is no shorter wait."""
        waiting_days = (
            company.dental_loyalty_waiting_days
            if vals["kind"] in self._waiting_kinds()
            else 0
        )
        start = max(posted, today) if vals.get("pos_order_id") else posted
        vals.setdefault("available_date", available_date(start, waiting_days))
        vals.setdefault(
            "expiry_date",
            expiry_date(start, company.dental_loyalty_validity_months),
        )
        vals["remaining_points"] = vals["points"]
        vals["is_released"] = fields.Date.to_date(vals["available_date"]) <= today

    def _take_from_lots(self, wallet, points, today, already_taken):
        """Which lots give ``points``, oldest first; ``already_taken`` holds what
        earlier lines of the same batch took."""
        lots = [
            replace(lot, remaining=lot.remaining - already_taken.get(lot.id, 0))
            for lot in (line._as_lot() for line in self._open_lots(wallet))
        ]
        try:
            return consume_fifo(lots, points, today)
        except InsufficientPoints as shortage:
            raise UserError(
                self.env._(
                    "%(patient)s does not have enough spendable points (spendable: "
                    "%(spendable)s, asked for: %(requested)s).",
                    patient=wallet.partner_id.display_name,
                    spendable=shortage.spendable,
                    requested=shortage.requested,
                )
            ) from shortage

    def _lots_now(self, wallet):
        """Where the points of this lot are on ``wallet``: the lot itself, or
        the lots they were moved into when its patient joined a family or by
        Move Points (each moved point keeps its lot's dates), oldest first."""
        self.ensure_one()
        if self.wallet_id == wallet:
            return self
        # The engine follows its own transfer pairs, whoever's lines they are.
        Ledger = self.sudo().browse()
        found, frontier = Ledger, self.sudo()
        while frontier:
            moved_out = Ledger.search(
                [("kind", "=", "transfer_out"), ("lot_id", "in", frontier.ids)]
            )
            # A move posts its pair under one key: "...:<lot>:out" and ":in".
            keys = [
                line.unique_key.removesuffix(":out") + ":in"
                for line in moved_out
                if line.unique_key
            ]
            frontier = Ledger.search([("unique_key", "in", keys)]) if keys else Ledger
            found |= frontier.filtered(lambda lot: lot.wallet_id == wallet)
        return found.sorted("id").sudo(self.env.su)

    def _open_lots(self, wallet):
        # The engine reads the lots of a wallet it already locked.
        return self.sudo().search_fetch(
            [("wallet_id", "=", wallet.id), ("remaining_points", ">", 0)],
            # wallet_id too: updating what is left of a lot marks its wallet.
            ["wallet_id", "remaining_points", "available_date", "expiry_date", "date"],
            order="date, id",
        )

    # ------------------------------------------------------------------
    # Scheduled actions
    # ------------------------------------------------------------------

    @api.model
    def _release_due_lots(self, wallets=None, today=None, limit=None):
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
        # Lots found by date: the engine's bookkeeping, for every clinic's job.
        due = self.sudo().search(domain, limit=limit, order="id")
        due.write({"is_released": True})
        return due

    def _as_lot(self):
        return Lot(
            id=self.id,
            remaining=self.remaining_points,
            available_date=self.available_date,
            expiry_date=self.expiry_date or None,
            posted=self.date,
        )

    # One batch per call: the scheduler commits it and calls again while
    # _notify_progress reports some left, so a night's work never holds thousands
    # of wallets locked against the front desk, and a failure loses one batch.
    _CRON_BATCH = 1000

    @api.model
    def _cron_release_pending(self, batch_size=_CRON_BATCH):
        """Daily: make lots whose waiting period is over spendable. Returns how
        many are left for the next call."""
        released = self._release_due_lots(limit=batch_size)
        remaining = (
            self._count_due(
                [("is_released", "=", False), ("points", ">", 0)], "available_date"
            )
            if len(released) == batch_size
            else 0
        )
        self.env["ir.cron"]._notify_progress(done=len(released), remaining=remaining)
        return remaining

    @api.model
    def _count_due(self, domain, date_field):
        today = fields.Date.context_today(self)
        # A job's count of what is left, over every clinic.
        return self.sudo().search_count([*domain, (date_field, "<=", today)])
