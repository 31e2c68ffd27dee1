from collections import defaultdict
from dataclasses import replace

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import formatLang

from ..rules import (
    InsufficientPoints,
    Lot,
    available_date,
    consume_fifo,
    expiry_date,
)
from .dental_loyalty_input import MAX_WALLET_POINTS

# The wallet's sums of its ledger (``dental.loyalty.wallet._compute_points``).
_WALLET_SUMS = (
    "points_balance",
    "points_available",
    "points_pending",
    "points_lifetime",
    "last_visit_date",
)


class DentalLoyaltyLedger(models.Model):
    """The lots: what a posted line opens or takes, oldest first, and the
    release of lots whose waiting period is over."""

    # One concern per file, as Odoo core splits its big models.
    _inherit = "dental.loyalty.ledger"  # pylint: disable=consider-merging-classes-inherited

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
        wallets = self.env["dental.loyalty.wallet"].browse(
            {vals["wallet_id"] for vals in vals_list}
        )
        takes = defaultdict(int)
        line_takes = []  # (index of the taking line, lot id, points)
        for index, vals in enumerate(vals_list):
            wallet = wallets.browse(vals["wallet_id"])
            # The wallet's clinic's day, whichever company the caller is in.
            today = wallet.company_id._dental_loyalty_today()
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
                line_takes.append((index, lot.id, -vals["points"]))
            elif vals.get("points", 0) < 0:
                for lot_id, taken in self._take_from_lots(
                    wallet, -vals["points"], today, takes
                ):
                    takes[lot_id] += taken
                    line_takes.append((index, lot_id, taken))
        # The wallets' sums before this posting (read under their lock).
        figures = {
            wallet.id: {name: wallet[name] for name in _WALLET_SUMS}
            for wallet in wallets
        }
        balances = {
            wallet_id: sums["points_balance"] for wallet_id, sums in figures.items()
        }
        for vals in vals_list:
            balances[vals["wallet_id"]] += vals["points"]
            vals["balance_after"] = balances[vals["wallet_id"]]
        self._check_wallet_bounds(wallets, figures, balances, vals_list)
        lines = super().create(vals_list)
        by_taken = defaultdict(list)
        # The lots these lines take from, found by the engine above.
        for lot in self.browse(takes).sudo():
            by_taken[lot.remaining_points - takes[lot.id]].append(lot.id)
        for remaining, lot_ids in by_taken.items():
            self.browse(lot_ids).sudo().write({"remaining_points": remaining})
        self.env["dental.loyalty.ledger.take"]._record(lines, line_takes)
        self._add_to_wallet_sums(wallets, figures, vals_list, line_takes)
        return lines

    def _check_wallet_bounds(self, wallets, figures, balances, vals_list):
        """Refuse a posting that leaves a wallet's balance or lifetime points,
        or has one line's points, past what a wallet holds (the ledger's and
        the wallet's int4 columns, with room): two sales within a bill's range
        each had earned past them, a raw SQL error. Judged on where the
        posting leaves the wallet, not line by line (a refund gives back before
        it takes back)."""
        earning_kinds = self._earning_kinds()
        lifetimes = {
            wallet_id: sums["points_lifetime"] for wallet_id, sums in figures.items()
        }
        for vals in vals_list:
            if vals["kind"] in earning_kinds:
                lifetimes[vals["wallet_id"]] += vals["points"]
        widest = max((abs(vals["points"]) for vals in vals_list), default=0)
        for wallet in wallets:
            most = max(balances[wallet.id], lifetimes[wallet.id], widest)
            if most > MAX_WALLET_POINTS:
                raise UserError(
                    self.env._(
                        "%(patient)s would hold %(points)s points, more than a "
                        "wallet holds (at most %(most)s): nothing was posted.",
                        patient=wallet.partner_id.display_name,
                        points=formatLang(self.env, most, digits=0),
                        most=formatLang(self.env, MAX_WALLET_POINTS, digits=0),
                    )
                )

    def _add_to_wallet_sums(self, wallets, figures, vals_list, line_takes):
        """Set the wallets' sums (``_compute_points``) to what they were plus
        what these lines add and take, rather than summing their whole ledger
        again: the wallets are locked, the posting knows every delta. What
        changes the lines later (a release, another posting) recomputes them as
        before; the integrity check compares them with the ledger."""
        Ledger = self.sudo()
        earning_kinds = Ledger._earning_kinds()
        visit_kinds = Ledger._visit_kinds()
        for vals in vals_list:
            sums = figures[vals["wallet_id"]]
            points = vals["points"]
            sums["points_balance"] += points
            if vals["kind"] in earning_kinds:
                sums["points_lifetime"] += points
            if vals["kind"] in visit_kinds:
                day = fields.Date.to_date(vals["date"])
                sums["last_visit_date"] = max(sums["last_visit_date"] or day, day)
            if points > 0:
                bucket = "points_available" if vals["is_released"] else "points_pending"
                sums[bucket] += vals["remaining_points"]
        for _index, lot_id, taken in line_takes:
            lot = Ledger.browse(lot_id)
            sums = figures.get(lot.wallet_id.id)
            if sums is None:  # a lot of a wallet not posted on: sum it all again
                return
            sums["points_available" if lot.is_released else "points_pending"] -= taken
        Wallet = self.env["dental.loyalty.wallet"].sudo()
        computed = self.pool.field_computed[Wallet._fields["points_balance"]]
        if {field.name for field in computed} != set(_WALLET_SUMS):
            return  # another module computes more with them: let it
        wallets = wallets.sudo()
        for field in computed:
            self.env.remove_to_compute(field, wallets)
        with self.env.protecting(computed, wallets):
            for wallet in wallets:
                for name, value in figures[wallet.id].items():
                    wallet[name] = value

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
            replace(lot, remaining=lot.remaining - already_taken[lot.id])
            if already_taken.get(lot.id)
            else lot
            for lot in self._open_lots(wallet)._as_lots()
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
            # wallet_id too: updating what is left of a lot marks its wallet;
            # is_released as _as_lot reads it, not the whole line again.
            [
                "wallet_id",
                "remaining_points",
                "available_date",
                "expiry_date",
                "date",
                "is_released",
            ],
            order="date, id",
        )

    # ------------------------------------------------------------------
    # Scheduled actions
    # ------------------------------------------------------------------

    # The order of dental_loyalty_ledger_due_lots_idx: a batch is the index's
    # first entries, whatever was released before it.
    _DUE_LOTS_ORDER = "available_date, id"

    @api.model
    def _due_lots_domain(self, today=None):
        """Lots whose waiting period is over on ``today`` (by default each
        clinic's own), not yet released."""
        return [
            ("is_released", "=", False),
            ("points", ">", 0),
            *self._on_or_before_today("available_date", today),
        ]

    @api.model
    def _on_or_before_today(self, date_field, today=None):
        """``date_field`` on or before ``today``, by default each lot's clinic's
        own today (a nightly job's, over every clinic)."""
        if today:
            return [(date_field, "<=", today)]
        return self.env["res.company"]._dental_loyalty_day_domain(date_field, "<=")

    @api.model
    def _release_due_lots(self, wallets=None, today=None, limit=None, skipped=None):
        """Mark the lots whose waiting period is over as released, so the wallets'
        cached spendable and pending points follow the calendar. With a list
        ``skipped`` (the nightly job's batch), the lots of wallets another
        transaction holds are left and added to it: releasing them would wait
        on a register (their wallet's figures change), whose own catch-up
        releases them anyway. ``today``: each clinic's own by default."""
        domain = self._due_lots_domain(today)
        if wallets is not None:
            domain.append(("wallet_id", "in", wallets.ids))
        # Lots found by date: the engine's bookkeeping, for every clinic's job.
        due = self.sudo().search(domain, limit=limit, order=self._DUE_LOTS_ORDER)
        if skipped is not None:
            due = self._of_locked_wallets(due, skipped)
        due.write({"is_released": True})
        return due

    def _as_lot(self):
        return Lot(
            id=self.id,
            remaining=self.remaining_points,
            available_date=self.available_date,
            expiry_date=self.expiry_date or None,
            posted=self.date,
            released=self.is_released,
        )

    def _as_lots(self):
        """The lines as :class:`Lot`, as ``_as_lot`` makes each: their values
        taken from the cache a field at a time (a sale reads every open lot of
        the wallet), not field by field and line by line."""
        return [
            Lot(
                id=lot_id,
                remaining=remaining,
                available_date=available,
                expiry_date=expiry or None,
                posted=posted,
                released=released,
            )
            for lot_id, remaining, available, expiry, posted, released in zip(
                self.ids,
                self.mapped("remaining_points"),
                self.mapped("available_date"),
                self.mapped("expiry_date"),
                self.mapped("date"),
                self.mapped("is_released"),
                strict=True,
            )
        ]

    # One batch per call: the scheduler commits it and calls again while
    # _notify_progress reports some left, so a night's work never holds thousands
    # of wallets locked against the front desk, and a failure loses one batch.
    _CRON_BATCH = 1000

    @api.model
    def _cron_release_pending(self, batch_size=_CRON_BATCH):
        """Daily: make lots whose waiting period is over spendable. Returns how
        many are left for the next call."""
        skipped = []
        released = self._release_due_lots(limit=batch_size, skipped=skipped)
        remaining = (
            self._count_due(
                [("is_released", "=", False), ("points", ">", 0)],
                "available_date",
                limit=self.env["dental.loyalty.wallet"]._left_counted_up_to(batch_size),
            )
            if len(released) + len(skipped) == batch_size or skipped
            else 0
        )
        self.env["ir.cron"]._notify_progress(done=len(released), remaining=remaining)
        return remaining

    @api.model
    def _of_locked_wallets(self, lines, skipped):
        """The ``lines`` whose wallets a job's batch could lock; the others are
        added to ``skipped``, left without waiting for the next run."""
        locked = self.env["dental.loyalty.wallet"]._lock_for_job(lines.wallet_id.ids)
        locked_ids = set(locked.ids)
        taken = lines.filtered(lambda line: line.wallet_id.id in locked_ids)
        skipped.extend((lines - taken).ids)
        return taken

    @api.model
    def _count_due(self, domain, date_field, limit=None):
        # A job's count of what is left, over every clinic, each on its day.
        return self.sudo().search_count(
            [*domain, *self._on_or_before_today(date_field)], limit=limit
        )
