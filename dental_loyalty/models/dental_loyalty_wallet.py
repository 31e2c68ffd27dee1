import uuid
from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.osv import expression
from odoo.tools import SQL, float_compare
from odoo.tools.misc import format_date, formatLang

from ..rules import (
    bonus_points,
    celebration_days,
    cumulative_refund_share,
    downgrade_allowed,
    earned_points,
    eligible_amount,
    evaluate_tier,
    max_points_payment,
    money_share,
    near_next_tier,
    points_for_amount,
    window_start,
    yearly_keys,
)

# A yearly event: the patient's date it falls on, the wallet's mark of the last
# day it was celebrated, the tier's gift of points.
YEARLY_EVENTS = {
    "birthday": ("dental_birthday", "birthday_gift_date", "birthday_points"),
    "anniversary": (
        "dental_anniversary",
        "anniversary_gift_date",
        "anniversary_points",
    ),
}


class DentalLoyaltyWallet(models.Model):
    """A patient's points in one company: the cached sums of its ledger lines and
    the tier they hold. The row is also what a spend locks."""

    _name = "dental.loyalty.wallet"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _description = "Loyalty Wallet"
    # Staff who may read a wallet may note on it; its figures stay the engine's.
    _mail_post_access = "read"
    _order = "id desc"
    _rec_name = "partner_id"
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner", string="Patient", required=True, index=True, ondelete="restrict"
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, ondelete="restrict"
    )
    line_ids = fields.One2many("dental.loyalty.ledger", "wallet_id", string="Ledger")
    points_balance = fields.Integer(
        string="Balance",
        compute="_compute_points",
        store=True,
        help="All points held: the sum of the ledger lines.",
    )
    points_available = fields.Integer(
        string="Spendable Points", compute="_compute_points", store=True
    )
    points_pending = fields.Integer(
        string="Pending Points",
        compute="_compute_points",
        store=True,
        help="Points still in their waiting period: shown, not yet spendable.",
    )
    points_lifetime = fields.Integer(
        string="Lifetime Earned Points", compute="_compute_points", store=True
    )
    last_visit_date = fields.Date(
        string="Last Paid Visit",
        compute="_compute_points",
        store=True,
        index=True,
        help="The day of the patient's last sale that earned or spent points.",
    )
    dormant_since = fields.Date(
        compute="_compute_dormant_since",
        store=True,
        readonly=True,
        copy=False,
        help="The day the patient was found not seen for the company's dormancy "
        "period and a call was scheduled; a new visit ends the dormancy.",
    )
    tier_id = fields.Many2one(
        "dental.loyalty.tier",
        index=True,
        ondelete="restrict",
        check_company=True,
        readonly=True,
        tracking=True,
    )
    tier_color = fields.Integer(related="tier_id.color")
    tier_date = fields.Date(string="Tier Since", readonly=True)
    tier_pinned = fields.Boolean(
        readonly=True,
        tracking=True,
        help="The tier was set by hand and is not re-evaluated.",
    )
    tier_pin_reason = fields.Char(
        string="Why the Tier Is Pinned", readonly=True, copy=False, tracking=True
    )
    tier_evaluated_date = fields.Date(
        readonly=True,
        copy=False,
        help="The day the nightly job last re-evaluated this wallet's tier.",
    )
    near_tier_announced_id = fields.Many2one(
        "dental.loyalty.tier",
        string="Next Tier Announced",
        # A reminder of a message sent, not a tier held: deleting the tier clears it.
        ondelete="set null",
        check_company=True,
        readonly=True,
        copy=False,
        help="The tier the patient was told they are close to, since they reached "
        "their current tier: they are told once per tier held.",
    )
    birthday_gift_date = fields.Date(
        string="Birthday Last Celebrated",
        readonly=True,
        copy=False,
        help="The day the patient's last birthday was celebrated: once a year.",
    )
    anniversary_gift_date = fields.Date(
        string="Second Date Last Celebrated",
        readonly=True,
        copy=False,
        help="The day the patient's second date was last celebrated: once a year.",
    )
    family_id = fields.Many2one(
        "dental.loyalty.family",
        index="btree_not_null",
        ondelete="set null",
        check_company=True,
        readonly=True,
        copy=False,
        tracking=True,
        help="The family the patient belongs to in this company: its wallet "
        "takes what the patient earns and pays what they spend.",
    )
    points_with_family = fields.Boolean(
        string="Points Kept by the Family",
        compute="_compute_points_with_family",
        store=True,
        help="The patient is a member of a family held by someone else: this "
        "wallet stays empty while they belong to it.",
    )

    _sql_constraints = [
        (
            "partner_company_uniq",
            "unique(partner_id, company_id)",
            "A patient has one wallet per company.",
        ),
    ]

    @api.depends(
        "line_ids.points",
        "line_ids.remaining_points",
        "line_ids.is_released",
        "line_ids.date",
    )
    def _compute_points(self):
        Ledger = self.env["dental.loyalty.ledger"]
        earning_kinds = Ledger._earning_kinds()
        visit_kinds = Ledger._visit_kinds()
        sums = defaultdict(lambda: defaultdict(int))
        last_visits = {}
        groups = Ledger._read_group(
            [("wallet_id", "in", self._origin.ids)],
            ["wallet_id", "kind", "is_released"],
            ["points:sum", "remaining_points:sum", "date:max"],
        )
        for wallet, kind, released, points, remaining, last in groups:
            figures = sums[wallet.id]
            figures["balance"] += points
            figures["available" if released else "pending"] += remaining
            if kind in earning_kinds:
                figures["lifetime"] += points
            if kind in visit_kinds:
                last_visits[wallet.id] = max(last, last_visits.get(wallet.id, last))
        for wallet in self:
            figures = sums[wallet._origin.id]
            wallet.points_balance = figures["balance"]
            wallet.points_available = figures["available"]
            wallet.points_pending = figures["pending"]
            wallet.points_lifetime = figures["lifetime"]
            wallet.last_visit_date = last_visits.get(wallet._origin.id, False)

    @api.depends("family_id.wallet_id")
    def _compute_points_with_family(self):
        for wallet in self:
            wallet.points_with_family = bool(
                wallet.family_id and wallet.family_id.wallet_id != wallet
            )

    def _paying_wallet(self):
        """The wallet that earns and pays for each of these patients: their
        family's, else their own."""
        return self.browse(
            [(wallet.family_id.wallet_id or wallet).id for wallet in self]
        )

    @api.depends("last_visit_date")
    def _compute_dormant_since(self):
        """A visit on or after the day the patient was found dormant ends the
        dormancy; anything else that touches the lines keeps it."""
        for wallet in self:
            if (
                wallet.dormant_since
                and wallet.last_visit_date
                and wallet.last_visit_date >= wallet.dormant_since
            ):
                wallet.dormant_since = False
            else:
                wallet.dormant_since = wallet.dormant_since

    @api.model
    def _get_for_partners(self, partners, company=None):
        """The wallets of ``partners`` in ``company``, created when missing."""
        company = company or self.env.company
        # Only partner_id now: a spend locks the wallet before reading its figures.
        wallets = self.search_fetch(
            [("partner_id", "in", partners.ids), ("company_id", "=", company.id)],
            ["partner_id", "family_id"],
        )
        missing = partners - wallets.partner_id
        if missing:
            missing._dental_loyalty_lock_new_wallets()
            Tier = self.env["dental.loyalty.tier"]
            floor = Tier._floor_of(Tier._ladder(company.id))
            new_wallet = {
                "company_id": company.id,
                "tier_id": floor or False,
                "tier_date": floor and fields.Date.context_today(self),
            }
            # Wallets belong to the loyalty engine: nobody creates them by hand.
            # Opened in bulk at the register and by the jobs: no follower, no note.
            wallets |= (
                self.sudo()
                .with_context(tracking_disable=True)
                .create([{**new_wallet, "partner_id": p.id} for p in missing])
                .sudo(self.env.su)
            )
        return wallets

    def _lock_for_update(self):
        """Serialise everything that spends or holds these wallets' points, and
        bring them up to date (lots released or expired since the last nightly
        run), so that every decision reads one definition of spendable.

        Odoo runs requests in REPEATABLE READ: a row lock alone would let a second
        request go on with a snapshot that misses the first one's hold. Writing
        the row makes the second request fail with a serialization error once the
        first commits, and Odoo retries it with a fresh snapshot."""
        # Once per wallet and transaction: precommit data dies with the transaction.
        locked = self.env.cr.precommit.data.setdefault(
            "dental_loyalty.locked_wallet_ids", set()
        )
        to_lock = self.filtered(lambda wallet: wallet.id not in locked)
        if to_lock:
            self._serialise_rows(self._table, to_lock.ids)
            locked.update(to_lock.ids)
            # What was read before the lock may be stale.
            to_lock.invalidate_recordset()
        self._catch_up()

    @api.model
    def _serialise_rows(self, table, ids):
        """Write the rows ``ids`` of ``table`` as they are: a second transaction
        that writes them too waits for this one, then fails with a
        serialization error that Odoo retries on a fresh snapshot (a row lock
        alone would let it go on with a stale one). Locked in id order, so
        that two transactions locking the same rows cannot deadlock."""
        if not ids:
            return
        self.env.cr.execute(
            SQL(
                """
                UPDATE %(table)s target
                   SET write_date = target.write_date
                  FROM (SELECT id FROM %(table)s
                         WHERE id IN %(ids)s ORDER BY id FOR UPDATE) locked
                 WHERE target.id = locked.id
                """,
                table=SQL.identifier(table),
                ids=tuple(ids),
            )
        )

    def _catch_up(self):
        """Release and expire the lots the calendar says are due, once per wallet,
        day and transaction (the nightly jobs do the same for wallets nobody
        touches), so that the cached spendable points are what FIFO may take."""
        if self.env.context.get("dental_loyalty_catching_up"):
            return
        today = fields.Date.context_today(self)
        caught_up = self.env.cr.precommit.data.setdefault(
            "dental_loyalty.caught_up", set()
        )
        wallets = self.filtered(lambda wallet: (wallet.id, today) not in caught_up)
        if not wallets:
            return
        caught_up.update((wallet.id, today) for wallet in wallets)
        Ledger = self.env["dental.loyalty.ledger"].with_context(
            dental_loyalty_catching_up=True
        )
        waiting = wallets.filtered("points_pending")
        if waiting:
            Ledger._release_due_lots(waiting, today)
        Ledger._expire_due_lots(wallets, today)

    def _next_release_date(self):
        """The day the wallet's next pending points become spendable."""
        self.ensure_one()
        # A figure of this wallet, which the caller reads: its lots are the engine's.
        lot = (
            self.env["dental.loyalty.ledger"]
            .sudo()
            .search_fetch(
                [
                    ("wallet_id", "=", self.id),
                    ("remaining_points", ">", 0),
                    ("is_released", "=", False),
                ],
                ["available_date"],
                order="available_date",
                limit=1,
            )
        )
        return lot.available_date

    def _expiring_soon(self, days=30):
        """{wallet id: (points, first expiry date)} of the lots expiring within
        ``days``, for all the wallets at once."""
        # Figures of these wallets, which the caller reads: lots are the engine's.
        Ledger = self.env["dental.loyalty.ledger"].sudo()
        today = fields.Date.context_today(self)
        groups = Ledger._read_group(
            [
                ("wallet_id", "in", self.ids),
                *Ledger._expiring_domain(today, days),
            ],
            ["wallet_id"],
            ["remaining_points:sum", "expiry_date:min"],
        )
        return {wallet.id: (points, first) for wallet, points, first in groups}

    def _next_release_date_text(self):
        return format_date(self.env, self._next_release_date())

    def _max_points_payment(self, spendable, bill_total):
        """The most of ``bill_total`` that ``spendable`` points may pay here."""
        company = self.company_id
        return max_points_payment(
            spendable,
            company.dental_loyalty_point_value,
            bill_total,
            company.dental_loyalty_max_share,
            rounding=company.currency_id.rounding,
        )

    def _points_cap_message(self, spendable, max_amount):
        company = self.company_id
        return self.env._(
            "At most %(max_amount)s of this bill can be paid with points: points "
            "pay at most %(share)s %% of a bill (spendable points of %(patient)s: "
            "%(spendable)s).",
            max_amount=formatLang(
                self.env, max_amount, currency_obj=company.currency_id
            ),
            patient=self.partner_id.display_name,
            spendable=spendable,
            share=formatLang(self.env, company.dental_loyalty_max_share, digits=0),
        )

    # ------------------------------------------------------------------
    # Settling sales and refunds: what every adapter (POS orders, vouchers,
    # invoices) hands its records to, as plain figures.
    # ------------------------------------------------------------------

    def _settle_sale(
        self,
        *,
        key,
        bill_total,
        points_amount,
        lines,
        hold_key,
        source_vals,
        label,
        covered_amount=0.0,
        recall_lines=(),
    ):
        """Post what a paid sale spends and earns.

        ``key`` makes the lines unique to the sale; ``points_amount`` is the money
        paid with points, ``lines`` the bill's :class:`SaleLine`; ``hold_key`` the
        sale's hold, if the register asked for one; ``source_vals`` the ledger
        fields that link a line to the sale; ``label`` names the sale in notes;
        ``covered_amount`` what vouchers took off the bill, which earns nothing;
        ``recall_lines`` the (service, :class:`SaleLine`) the patient came back
        for on time, each carrying its recall bonus.
        A points payment stands only within the balance and the cap, or within the
        hold the server granted for this very bill."""
        self.ensure_one()
        self._lock_for_update()
        currency = self.company_id.currency_id
        if float_compare(points_amount, 0, precision_rounding=currency.rounding) < 0:
            raise UserError(self.env._("Points are given back only by a refund."))
        vals_list = []
        point_value = self.company_id.dental_loyalty_point_value
        if not currency.is_zero(points_amount):
            spent = self._points_for_payment(
                bill_total, points_amount, hold_key, label, source_vals
            )
            if spent:  # a granted bill whose points all went is paid, and flagged
                vals_list.append(
                    self._line_vals(
                        key, "spend", -spent, source_vals, point_value=point_value
                    )
                )
        else:
            points_amount = 0.0
        if hold_key:
            # Paid: whatever the sale held is spent now, or free again.
            self.env["dental.loyalty.reservation"].sudo()._consume(hold_key)
        # Shares of the bill before vouchers: their lines' bonus was not paid.
        gross = bill_total + covered_amount
        share = money_share(gross, points_amount + covered_amount)
        basis = {
            "earn_rate": self.company_id.dental_loyalty_earn_rate,
            "tier_multiplier": self.tier_id.multiplier or 1.0,
            "bonus_basis": bonus_points(lines, share),
        }
        earned = earned_points(
            eligible_amount(gross, points_amount, covered_amount),
            basis["earn_rate"],
            basis["bonus_basis"],
            basis["tier_multiplier"],
        )
        if earned:
            vals_list.append(
                self._line_vals(
                    key,
                    "earn",
                    earned,
                    source_vals,
                    # Only money counts toward spend-based tiers.
                    paid_amount=currency.round(max(bill_total - points_amount, 0)),
                    **basis,
                )
            )
        # A flat bonus, not multiplied by the tier, earned like a service's bonus
        # on what money paid of its line; a line of its own, so the receipt, the
        # refund and the tier read it from the ledger.
        recall = earned_points(
            0.0, 0.0, bonus_points([line for _name, line in recall_lines], share), 1.0
        )
        services = ", ".join(name for name, _line in recall_lines)
        if recall:
            vals_list.append(
                self._line_vals(
                    key,
                    "recall",
                    recall,
                    source_vals,
                    reason=self.env._("Back on time for %s", services),
                )
            )
        lines = self.env["dental.loyalty.ledger"]._post(vals_list)
        self._notify_sale(lines, label, services)
        return lines

    def _notify_sale(self, lines, label, services=""):
        """Tell the patient what a settled sale spent and earned, by the channels
        the clinic chose (none by default). The dispatcher only queues the
        messages: the register does not wait for a mail server."""
        self.ensure_one()
        partner, company = self.partner_id, self.company_id
        for line in lines:
            if line.kind == "spend":
                partner._dental_loyalty_notify(
                    "spent", company, points=-line.points, order=label
                )
            elif line.kind == "earn":
                partner._dental_loyalty_notify(
                    "earned",
                    company,
                    points=line.points,
                    order=label,
                    # Only worth saying when the points still wait.
                    available_date=not line.is_released and line.available_date,
                )
            elif line.kind == "recall":
                partner._dental_loyalty_notify(
                    "recall", company, points=line.points, service=services
                )

    def _points_for_payment(self, bill_total, amount, hold_key, label, source_vals):
        """The points a points payment of ``amount`` takes, checked afresh against
        the balance and the cap unless the server granted a hold for this bill.
        A granted payment is never refused, so a register's queue never blocks;
        if its points are no longer all there (the hold lapsed while the register
        was offline), it takes what is left and the managers are told."""
        Hold = self.env["dental.loyalty.reservation"].sudo()
        company = self.company_id
        rounding = company.currency_id.rounding
        spendable, own, _others = Hold._spendable_for(self, hold_key)
        agreed = bool(own) and (
            float_compare(own.bill_total, bill_total, precision_rounding=rounding) == 0
            and float_compare(amount, own.amount, precision_rounding=rounding) <= 0
        )
        needed = points_for_amount(amount, company.dental_loyalty_point_value)
        max_amount = self._max_points_payment(spendable, bill_total)
        if float_compare(amount, max_amount, precision_rounding=rounding) <= 0:
            return needed
        if not agreed:
            raise UserError(
                self.env._("%s was refused.", label)
                + " "
                + self._points_cap_message(spendable, max_amount)
            )
        spent = min(needed, max(spendable, 0))
        self.env["dental.loyalty.shortfall"]._record(
            self, "spend", needed - spent, source_vals
        )
        self._report_problem(
            self.env._(
                "%(sale)s was paid with points the register had been granted "
                "(%(needed)s), but only %(spent)s were still spendable when it "
                "synced; points missing: %(missing)s.",
                sale=label,
                needed=needed,
                spent=spent,
                missing=needed - spent,
            )
        )
        return spent

    def _settle_refund(
        self,
        *,
        key,
        sale_lines,
        refunded_amount,
        sale_total,
        points_returned_amount,
        source_vals,
        label,
        sale_label,
        refunded_before=0.0,
    ):
        """Post what a refund takes back and gives back, on the wallet of the sale
        it refunds. ``sale_lines`` are the ledger lines of that sale and of its
        earlier refunds, ``refunded_before`` what those refunds returned of its
        ``sale_total``: together, the refunds take back the share of what the
        sale earned that everything refunded so far is, and give back at most
        that share of what it spent. Earned points already spent elsewhere, or
        held by a register for a bill being paid, are not taken back: that
        shortfall is noted on the patient and left to a loyalty manager."""
        self.ensure_one()
        self._lock_for_update()
        company = self.company_id

        def total(kind):
            lines = sale_lines.filtered(lambda line: line.kind == kind)
            return abs(sum(lines.mapped("points")))

        share = cumulative_refund_share(
            # A recall bonus is earned by the sale too: refunds take it back.
            earned=total("earn") + total("recall"),
            spent=total("spend"),
            taken_back=total("earn_reversal"),
            given_back=total("spend_return"),
            refunded_before=refunded_before,
            refunded_now=refunded_amount,
            sale_total=sale_total,
        )
        vals_list = []
        if points_returned_amount:
            returned = points_for_amount(
                points_returned_amount, company.dental_loyalty_point_value
            )
            if returned > share.give_back:
                raise UserError(
                    self.env._(
                        "%(refund)s gives back more points than are left to give "
                        "back for what it refunds (given back: %(returned)s, left: "
                        "%(allowed)s). Refund the rest in another way.",
                        refund=label,
                        returned=returned,
                        allowed=share.give_back,
                    )
                )
            vals_list.append(
                self._line_vals(
                    key,
                    "spend_return",
                    returned,
                    source_vals,
                    point_value=company.dental_loyalty_point_value,
                )
            )
        # The sale's own lots first, its earning before its recall bonus; the
        # earning's reversal keeps the key it always had.
        own_lots = (
            sale_lines.filtered(lambda line: line.kind in ("earn", "recall"))
            .sudo()
            .sorted(lambda line: (line.kind != "earn", line.id))
        )
        take_back, missing = self._take_back_vals(
            "earn_reversal",
            share.take_back,
            [
                (lot, key if lot.kind == "earn" else f"{key}:{lot.kind}")
                for lot in own_lots
            ],
            source_vals,
            key,
        )
        if missing:
            self.env["dental.loyalty.shortfall"]._record(
                self, "take_back", missing, source_vals
            )
            self._report_problem(
                self.env._(
                    "Points earned by %(sale)s were already spent, or are held by "
                    "a register for a bill being paid, and could not be taken back "
                    "by %(refund)s: %(points)s.",
                    points=missing,
                    refund=label,
                    sale=sale_label,
                )
            )
        return self.env["dental.loyalty.ledger"]._post(vals_list + take_back)

    def _take_back_vals(self, kind, points, lots, source_vals, key):
        """Lines of ``kind`` that take back ``points`` a sale or a bonus gave:
        from the lots that gave them first (``lots``: ``[(lot, line key)]``,
        followed to wherever their points are on this wallet now), then from
        the wallet's spendable points, oldest first. Spendable points a register
        holds for a bill being paid are left to it: the server granted them, and
        its bill must not be refused when it syncs. Returns the lines' values
        and the points gone or held, which nothing takes back."""
        if not points:
            return [], 0
        Hold = self.env["dental.loyalty.reservation"].sudo()
        # Spendable points less every register's holds: what is free to take.
        free, _own, _others = Hold._spendable_for(self, key)
        vals_list = []
        taken_total = 0
        for lot, lot_key in lots:
            for rank, current in enumerate(lot._lots_now(self)):
                # Pending points are held by nobody; spendable ones maybe.
                takeable = (
                    min(current.remaining_points, free)
                    if current.is_released
                    else current.remaining_points
                )
                taken = min(points - taken_total, takeable)
                if taken <= 0:
                    continue
                vals_list.append(
                    self._line_vals(
                        f"{lot_key}:{current.id}" if rank else lot_key,
                        kind,
                        -taken,
                        source_vals,
                        lot_id=current.id,
                    )
                )
                taken_total += taken
                if current.is_released:
                    free -= taken
        rest = points - taken_total
        from_others = min(rest, max(free, 0))
        if from_others:
            vals_list.append(
                self._line_vals(f"{key}:fifo", kind, -from_others, source_vals)
            )
        return vals_list, rest - from_others

    def _transfer_points(self, target, reason, points=None):
        """Move ``points`` of the spendable ones (all the wallet holds, pending
        included, when None) to ``target``, as pairs of lines: each point moved
        keeps the dates of the lot it came from, so nobody gains time by moving
        points around. Returns the points moved."""
        self.ensure_one()
        if target == self:
            raise UserError(self.env._("Points move between two different wallets."))
        (self | target)._lock_for_update()
        Ledger = self.env["dental.loyalty.ledger"]
        lots = Ledger._open_lots(self)
        if points is None:
            taken = [(lot, lot.remaining_points) for lot in lots]
        else:
            if points <= 0:
                raise UserError(self.env._("Move a positive number of points."))
            # Holds on this wallet, which the caller's wizard checked and locked.
            Hold = self.env["dental.loyalty.reservation"].sudo()
            spendable, _own, _others = Hold._spendable_for(self, "transfer")
            if points > spendable:
                raise UserError(
                    self.env._(
                        "%(patient)s cannot move that many points now (spendable: "
                        "%(spendable)s, asked for: %(points)s).",
                        patient=self.partner_id.display_name,
                        spendable=spendable,
                        points=points,
                    )
                )
            today = fields.Date.context_today(self)
            taken = [
                (Ledger.browse(lot_id), count)
                for lot_id, count in Ledger._take_from_lots(self, points, today, {})
            ]
        # A transfer is an act, not a replayable event: its key is its own.
        key = f"transfer:{uuid.uuid4().hex}"
        vals_list = []
        for lot, count in taken:
            if not count:
                continue
            common = {"reason": reason, "member_id": lot.member_id.id}
            vals_list += [
                {
                    **common,
                    "wallet_id": self.id,
                    "kind": "transfer_out",
                    "points": -count,
                    "lot_id": lot.id,
                    "unique_key": f"{key}:{lot.id}:out",
                },
                {
                    **common,
                    "wallet_id": target.id,
                    "kind": "transfer_in",
                    "points": count,
                    "available_date": lot.available_date,
                    "expiry_date": lot.expiry_date,
                    "unique_key": f"{key}:{lot.id}:in",
                },
            ]
        Ledger._post(vals_list)
        return sum(count for _lot, count in taken)

    def _line_vals(self, key, kind, points, source_vals, **vals):
        return {
            "wallet_id": self.id,
            "kind": kind,
            "points": points,
            "unique_key": f"{key}:{kind}",
            **source_vals,
            **vals,
        }

    def _qualifying_figures(self):
        """The figure each wallet's tier is decided on, per its company's basis."""
        today = fields.Date.context_today(self)
        earning_kinds = self.env["dental.loyalty.ledger"]._earning_kinds()
        figures = dict.fromkeys(self.ids, 0.0)
        for company, wallets in self.grouped("company_id").items():
            basis = company.dental_loyalty_tier_basis
            start = window_start(today, company.dental_loyalty_tier_window_months)
            domain = [
                ("wallet_id", "in", wallets.ids),
                ("kind", "in", earning_kinds),
                ("date", ">=", start),
            ]
            if basis == "visits":
                # A visit is a paid order that earned; refunds do not undo the visit.
                domain.append(("paid_amount", ">", 0))
                aggregate = "__count"
            elif basis == "amount":
                aggregate = "paid_amount:sum"
            else:
                aggregate = "points:sum"
            ledger = self.env["dental.loyalty.ledger"]
            for wallet, figure in ledger._read_group(
                domain, ["wallet_id"], [aggregate]
            ):
                figures[wallet.id] = figure
        return figures

    def _evaluate_tier(self, allow_downgrade=False, grace=False):
        """Move each unpinned wallet to the tier its qualifying figure earns, and
        tell the patients now close to the next tier. Upgrades happen whenever
        this runs; downgrades only when allowed (the daily re-evaluation), and
        with ``grace`` not before the company's grace period after the tier was
        reached."""
        Tier = self.env["dental.loyalty.tier"]
        today = fields.Date.context_today(self)
        ladders = {company.id: Tier._ladder(company.id) for company in self.company_id}

        def may_downgrade(wallet):
            return allow_downgrade and (
                not grace
                or downgrade_allowed(
                    wallet.tier_date or None,
                    wallet.company_id.dental_loyalty_tier_grace_days,
                    today,
                )
            )

        # Nothing to gain for patients already on the top tier; a family
        # member's tier is the family's.
        wallets = self.filtered(
            lambda w: (
                not w.tier_pinned
                and not w.points_with_family
                and (
                    may_downgrade(w)
                    or not w.tier_id
                    or w.tier_id.id != Tier._top_of(ladders[w.company_id.id])
                )
            )
        )
        figures = wallets._qualifying_figures()
        moves = defaultdict(self.browse)
        for company, company_wallets in wallets.grouped("company_id").items():
            ladder = ladders[company.id]
            for wallet in company_wallets:
                tier_id = evaluate_tier(
                    ladder, figures[wallet.id], wallet.tier_id.id, may_downgrade(wallet)
                ) or Tier._floor_of(ladder)
                if tier_id != wallet.tier_id.id:
                    moves[tier_id] |= wallet
        for tier_id, moved in moves.items():
            moved._set_tier(self.env["dental.loyalty.tier"].browse(tier_id))
        wallets._announce_near_tier(figures, ladders)
        return moves

    def _announce_near_tier(self, figures, ladders):
        """Tell each patient within the company's share of the next tier's
        threshold how little is missing, once per tier held: the wallet keeps
        the tier announced, and a change of tier forgets it."""
        announced = defaultdict(self.browse)
        for wallet in self:
            company = wallet.company_id
            near = near_next_tier(
                ladders[company.id],
                figures.get(wallet.id, 0.0),
                wallet.tier_id.id,
                company.dental_loyalty_near_tier_share,
            )
            if near and near[0].id != wallet.near_tier_announced_id.id:
                wallet._notify_near_tier(*near)
                announced[near[0].id] |= wallet
        for tier_id, wallets in announced.items():
            # The engine's bookkeeping: users only read wallets.
            wallets.sudo().write({"near_tier_announced_id": tier_id})

    def _notify_near_tier(self, step_tier, missing):
        self.ensure_one()
        partner = self.partner_id
        in_lang = partner.with_context(lang=partner.lang or self.env.lang)
        tier = in_lang.env["dental.loyalty.tier"].browse(step_tier.id)
        partner._dental_loyalty_notify(
            "near_tier",
            self.company_id,
            tier=tier.name,
            missing=in_lang._loyalty_next_tier_text(
                (step_tier, missing), self.company_id
            ),
        )

    def _set_tier(self, tier, pinned=False, reason=None):
        """Give the wallets ``tier``, say so on each wallet's and patient's
        chatter, and tell each patient whose tier changed, up or down, pins
        included."""
        today = fields.Date.context_today(self)
        no_tier = self.env._("no tier")
        previous = {wallet: wallet.tier_id for wallet in self}
        if pinned:
            body = self.env._(
                "Loyalty tier pinned to %(tier)s by %(user)s: %(reason)s",
                tier=tier.name or no_tier,
                user=self.env.user.name,
                reason=reason,
            )
            bodies = dict.fromkeys(self, body)
        else:
            bodies = {
                wallet: self.env._(
                    "Loyalty tier changed from %(old)s to %(new)s.",
                    old=wallet.tier_id.name or no_tier,
                    new=tier.name or no_tier,
                )
                for wallet in self
            }
        self._log_on_patients(bodies)
        self._log_on_wallets(bodies)
        # Tier fields are the engine's to set: users only read them. The notes say
        # why; tracking would post one message per wallet, and the nightly job
        # moves thousands.
        self.sudo().with_context(mail_notrack=True).write(
            {
                "tier_id": tier.id,
                "tier_date": today,
                "tier_pinned": pinned,
                "tier_pin_reason": pinned and reason,
                "near_tier_announced_id": False,
            }
        )
        for wallet, old in previous.items():
            # A first tier given to a wallet that had none is no news.
            if tier and old and old != tier:
                wallet._notify_tier_change(tier, old)

    def _notify_tier_change(self, tier, previous):
        self.ensure_one()
        partner = self.partner_id
        Tier = self.env["dental.loyalty.tier"].with_context(
            lang=partner.lang or self.env.lang
        )
        partner._dental_loyalty_notify(
            "tier_change",
            self.company_id,
            tier=Tier.browse(tier.id).name,
            previous_tier=Tier.browse(previous.id).name,
            up=tier.threshold > previous.threshold,
        )

    @api.model
    def _fold_into(self, src_partners, dst_partner):
        """Merging contacts: each wallet of ``src_partners`` in a company where
        ``dst_partner`` has one too gives it its ledger lines, holds, vouchers
        and notes, and goes; the lines keep their points, lots and keys, so every
        figure adds up as before. Wallets in other companies simply follow their
        patient (Odoo's merge moves them)."""
        # The engine's bookkeeping: whoever merges contacts moves whole wallets.
        Wallet = self.sudo()
        sources = Wallet.search([("partner_id", "in", src_partners.ids)])
        targets = {
            wallet.company_id: wallet
            for wallet in Wallet.search([("partner_id", "=", dst_partner.id)])
        }
        for src in sources:
            dst = targets.get(src.company_id)
            if not dst:
                # The first wallet of this company becomes the kept patient's, so
                # that a third patient's wallet folds into it rather than clash.
                src.partner_id = dst_partner
                targets[src.company_id] = src
                continue
            (src | dst)._lock_for_update()
            points = src.points_balance
            joins = src._fold_family_into(dst)
            src.line_ids.write({"wallet_id": dst.id})
            self.env["dental.loyalty.reservation"].sudo().search(
                [("wallet_id", "=", src.id)]
            ).write({"wallet_id": dst.id})
            self.env["dental.loyalty.voucher"].sudo().search(
                [("wallet_id", "=", src.id)]
            ).write({"wallet_id": dst.id})
            # Losses follow the lines they are about.
            self.env["dental.loyalty.shortfall"].sudo().search(
                [("wallet_id", "=", src.id)]
            ).write({"wallet_id": dst.id})
            self.env.flush_all()
            self.env.cr.execute(
                SQL(
                    """
                    UPDATE mail_message SET res_id = %(dst)s
                     WHERE model = %(model)s AND res_id = %(src)s;
                    DELETE FROM mail_followers
                     WHERE res_model = %(model)s AND res_id = %(src)s;
                    -- The running balance of the merged statement, in posting order.
                    UPDATE dental_loyalty_ledger line
                       SET balance_after = running.balance
                      FROM (SELECT id, SUM(points) OVER (ORDER BY id) AS balance
                              FROM dental_loyalty_ledger
                             WHERE wallet_id = %(dst)s) running
                     WHERE line.id = running.id
                    """,
                    dst=dst.id,
                    src=src.id,
                    model=self._name,
                )
            )
            self.env.invalidate_all()
            dst.write(
                {
                    "birthday_gift_date": max(
                        filter(None, (src.birthday_gift_date, dst.birthday_gift_date)),
                        default=False,
                    ),
                    "anniversary_gift_date": max(
                        filter(
                            None, (src.anniversary_gift_date, dst.anniversary_gift_date)
                        ),
                        default=False,
                    ),
                }
            )
            src_name = src.partner_id.display_name
            src.unlink()
            dst._post_on_wallet_and_patient(
                self.env._(
                    "Merged with the wallet of %(patient)s; points it held: "
                    "%(points)s.",
                    patient=src_name,
                    points=points,
                )
            )
            if joins:
                joins._add_members(dst.partner_id)
            if not dst.tier_pinned:
                dst._evaluate_tier()

    def _fold_family_into(self, dst):
        """Merging contacts: the family this wallet holds is held by ``dst``
        from now on, unless ``dst`` belongs to another family, which it keeps
        (this one then ends, its points folded with the rest). Returns the
        family ``dst`` should join, if this wallet was a member of one."""
        self.ensure_one()
        family = self.family_id
        if not family:
            return family
        if family.wallet_id != self:
            return family if not dst.family_id else family.browse()
        if dst.family_id and dst.family_id != family:
            family._message_log(
                body=self.env._(
                    "The holder was merged into %s, who belongs to another family: "
                    "this family ends; its points went with the holder's wallet.",
                    dst.partner_id.display_name,
                )
            )
            family.member_wallet_ids.write({"family_id": False})
            # The engine's bookkeeping: the merge goes on whoever runs it.
            self.env["dental.loyalty.family"].sudo().browse(family.id).unlink()
            return family.browse()
        self.family_id = False
        family.wallet_id = dst
        dst.family_id = family
        return family.browse()

    def _post_on_patient(self, body):
        self.ensure_one()
        self._log_on_patients({self: body})

    def _post_on_wallet_and_patient(self, body):
        """What a manager did by hand, and why: on the wallet and the patient."""
        self.ensure_one()
        self._log_on_patients({self: body})
        self._log_on_wallets({self: body})

    @api.model
    def _log_on_wallets(self, bodies):
        """Note on each wallet's chatter, in one go (see _log_on_patients)."""
        if bodies:
            self.browse([wallet.id for wallet in bodies])._message_log_batch(
                {wallet.id: body for wallet, body in bodies.items()},
                author_id=self.env.user.partner_id.id,
            )

    @api.model
    def _log_on_patients(self, bodies):
        """Note on each patient's chatter what happened to their points, in one
        go for many wallets (the nightly jobs touch thousands). ``bodies`` maps
        wallets to their note; the author is the acting user. Loyalty staff may
        not edit contacts, yet the history must show: the batch log writes as
        the superuser, on notes only."""
        by_partner = defaultdict(list)
        for wallet, body in bodies.items():
            by_partner[wallet.partner_id.id].append(body)
        if by_partner:
            self.env["res.partner"].browse(by_partner)._message_log_batch(
                {
                    partner_id: Markup("<br/>").join(notes)
                    for partner_id, notes in by_partner.items()
                },
                author_id=self.env.user.partner_id.id,
            )

    def _tier_due_domain(self, today):
        return [
            ("tier_pinned", "=", False),
            "|",
            ("tier_evaluated_date", "=", False),
            ("tier_evaluated_date", "<", today),
        ]

    @api.model
    def _cron_evaluate_tiers(self, batch_size=1000):
        """Daily: re-evaluate unpinned wallets, downgrades included once the grace
        period after reaching the tier is over, one batch per call; the
        scheduler commits and calls again while some are left, so the front desk
        never waits on thousands of wallets. Returns what is left."""
        today = fields.Date.context_today(self)
        domain = self._tier_due_domain(today)
        batch = self.search(domain, limit=batch_size, order="id")
        batch._evaluate_tier(allow_downgrade=True, grace=True)
        if batch:
            # A progress mark, not a change anyone made: no chatter, no recompute.
            self.env.cr.execute(
                SQL(
                    "UPDATE dental_loyalty_wallet SET tier_evaluated_date = %s "
                    "WHERE id IN %s",
                    today,
                    tuple(batch.ids),
                )
            )
            batch.invalidate_recordset(["tier_evaluated_date"])
        remaining = self.search_count(domain) if len(batch) == batch_size else 0
        self.env["ir.cron"]._notify_progress(done=len(batch), remaining=remaining)
        return remaining

    # ------------------------------------------------------------------
    # Dormant patients: not seen for the company's dormancy period
    # ------------------------------------------------------------------

    @api.model
    def _dormant_due_domain(self, today):
        """Wallets whose patient was last seen before their company's dormancy
        period and who were not found dormant since."""
        # The nightly job acts for every clinic: no user's companies limit it.
        companies = (
            self.env["res.company"]
            .sudo()
            .search([("dental_loyalty_dormant_months", ">", 0)])
        )
        return expression.AND(
            [
                [
                    ("dormant_since", "=", False),
                    ("partner_id.active", "=", True),
                    # The family's wallet dates every member's visits.
                    ("points_with_family", "=", False),
                ],
                expression.OR(
                    [
                        [
                            ("company_id", "=", company.id),
                            (
                                "last_visit_date",
                                "<",
                                window_start(
                                    today, company.dental_loyalty_dormant_months
                                ),
                            ),
                        ]
                        for company in companies
                    ]
                ),
            ]
        )

    @api.model
    def _cron_dormant_patients(self, batch_size=1000):
        """Daily: find patients not seen for their company's dormancy period,
        once per absence: mark the wallet, schedule a call and send the "we
        miss you" message if the clinic sends one. One batch per call; the
        marked wallets are not found again, so a run resumes where it stopped.
        Returns how many are left."""
        today = fields.Date.context_today(self)
        domain = self._dormant_due_domain(today)
        batch = self.search(domain, limit=batch_size, order="id")
        if batch:
            batch._mark_dormant(today)
        remaining = self.search_count(domain) if len(batch) == batch_size else 0
        self.env["ir.cron"]._notify_progress(done=len(batch), remaining=remaining)
        return remaining

    def _mark_dormant(self, today):
        # The engine's bookkeeping: users only read wallets.
        self.sudo().write({"dormant_since": today})
        self._schedule_dormant_calls(today)
        for company, wallets in self.grouped("company_id").items():
            wallets.partner_id._dental_loyalty_notify(
                "dormant", company, months=company.dental_loyalty_dormant_months
            )

    def _schedule_dormant_calls(self, today):
        """A call on each patient's record for whoever looks after them (see
        ``_dormant_caller``), due today."""
        call = self.env.ref(
            "mail.mail_activity_data_call", raise_if_not_found=False
        ) or self.env.ref("mail.mail_activity_data_todo")
        managers = self.env.ref(
            "dental_loyalty.group_dental_loyalty_manager"
        ).users.filtered(lambda user: not user.share)
        model_id = self.env["ir.model"]._get_id("res.partner")
        vals_list = []
        for wallet in self:
            company = wallet.company_id
            caller = wallet._dormant_caller(managers)
            vals_list.append(
                {
                    "res_model_id": model_id,
                    "res_id": wallet.partner_id.id,
                    "activity_type_id": call.id,
                    "date_deadline": today,
                    "summary": self.env._(
                        "Patient not seen since %s",
                        format_date(self.env, wallet.last_visit_date),
                    ),
                    "note": self.env._(
                        "%(months)s months or more without a paid visit: call to "
                        "book a check-up.",
                        months=company.dental_loyalty_dormant_months,
                    ),
                    "user_id": caller.id or self.env.user.id,
                }
            )
        # The job asks people to call: no assignment mail for each patient, and
        # loyalty staff need no rights on contacts for the engine to ask them.
        return (
            self.env["mail.activity"]
            .sudo()
            .with_context(mail_activity_quick_update=True)
            .create(vals_list)
        )

    def _dormant_caller(self, managers):
        """The patient's salesperson if they work in the wallet's company, else
        the company's caller of dormant patients, else one of ``managers`` (the
        loyalty managers) of the company."""
        self.ensure_one()
        company = self.company_id
        salesperson = self.partner_id.user_id
        if (
            salesperson.active
            and not salesperson.share
            and company in salesperson.company_ids
        ):
            return salesperson
        return (
            company.dental_loyalty_dormant_user_id
            or managers.filtered(lambda user: company in user.company_ids)[:1]
        )

    # ------------------------------------------------------------------
    # Yearly gifts: birthdays and second dates
    # ------------------------------------------------------------------

    # A job that did not run celebrates the days it missed, this far back at most.
    _CATCH_UP_DAYS = 30
    # Each patient of a batch gets a message (some 40 ms each): batches of 200
    # keep a call's transaction to seconds.
    _GREETING_BATCH = 200

    @api.model
    def _cron_birthday_gifts(self, batch_size=_GREETING_BATCH):
        """Daily: on their birthday, each patient with a wallet gets their tier's
        birthday points and the greeting, once a year. Returns how many
        patients are left for the next call."""
        return self._celebrate_due("birthday", batch_size)

    @api.model
    def _cron_anniversary_gifts(self, batch_size=_GREETING_BATCH):
        """Daily: the same on each patient's second date (an anniversary)."""
        return self._celebrate_due("anniversary", batch_size)

    @api.model
    def _celebrate_due(self, event, batch_size):
        """One batch of the wallets whose ``event`` falls on a day to celebrate
        (today, and the days missed since the last run went through); the day
        is marked done only when none is left."""
        today = fields.Date.context_today(self)
        days = celebration_days(
            self._yearly_covered_until(event), today, self._CATCH_UP_DAYS
        )
        keys = yearly_keys(days)
        due = self._yearly_due(event, keys, days[0], limit=batch_size)
        # The nightly job acts for every clinic: no user's companies limit it.
        self.sudo().browse([wallet_id for wallet_id, _key in due])._give_yearly_gifts(
            event, {wallet_id: keys[key] for wallet_id, key in due}
        )
        remaining = (
            self._yearly_due(event, keys, days[0], count=True)
            if len(due) == batch_size
            else 0
        )
        if not remaining:
            self._set_yearly_covered_until(event, today)
        self.env["ir.cron"]._notify_progress(done=len(due), remaining=remaining)
        return remaining

    def _yearly_param(self, event):
        return f"dental_loyalty.{event}_covered_until"

    @api.model
    def _yearly_covered_until(self, event):
        """The last day the ``event`` job went through to the end, if any."""
        # A job's bookkeeping, not a setting: whoever runs the job may read it.
        value = (
            self.env["ir.config_parameter"].sudo().get_param(self._yearly_param(event))
        )
        try:
            return fields.Date.to_date(value) if value else None
        except ValueError:  # edited by hand into something else than a date
            return None

    @api.model
    def _set_yearly_covered_until(self, event, day):
        self.env["ir.config_parameter"].sudo().set_param(
            self._yearly_param(event), fields.Date.to_string(day)
        )

    @api.model
    def _yearly_due(self, event, keys, first_day, limit=None, count=False):
        """``[(wallet id, "MM-DD")]`` of the wallets of active patients whose
        ``event`` date falls on one of ``keys`` and was not celebrated since
        ``first_day``, or how many there are. Selected by month and day in SQL,
        so 100,000 patients are never loaded for a few hundred birthdays."""
        date_field, mark_field, _points_field = YEARLY_EVENTS[event]
        partner_date = SQL.identifier("partner", date_field)
        mark = SQL.identifier("wallet", mark_field)
        select = (
            SQL("COUNT(*)")
            if count
            else SQL("wallet.id, to_char(%s, 'MM-DD')", partner_date)
        )
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                SELECT %(select)s
                  FROM dental_loyalty_wallet wallet
                  JOIN res_partner partner ON partner.id = wallet.partner_id
                 WHERE partner.active
                   AND to_char(%(date)s, 'MM-DD') IN %(keys)s
                   -- a date within the window is less than a year old
                   AND %(date)s < %(first_day)s
                   AND (%(mark)s IS NULL OR %(mark)s < %(first_day)s)
                 %(order)s
                """,
                select=select,
                date=partner_date,
                keys=tuple(keys),
                first_day=first_day,
                mark=mark,
                order=SQL() if count else SQL("ORDER BY wallet.id LIMIT %s", limit),
            )
        )
        return self.env.cr.fetchone()[0] if count else self.env.cr.fetchall()

    def _give_yearly_gifts(self, event, day_of):
        """Celebrate ``event`` for these wallets, each on its day (``day_of``:
        {wallet id: day}): greet the patient by the clinic's channel for the
        event, post the tier's gift as a lot spendable at once (no line when
        the tier gives 0), and mark the day celebrated. The ledger's unique key
        (``event:wallet:year``) keeps the points to once a year even if a mark
        were lost."""
        if not self:
            return
        _date_field, mark_field, points_field = YEARLY_EVENTS[event]
        Ledger = self.env["dental.loyalty.ledger"]
        Tier = self.env["dental.loyalty.tier"]
        keys = {
            wallet.id: f"{event}:{wallet.id}:{day_of[wallet.id].year}"
            for wallet in self
        }
        # The job's own keys, on wallets it found due; tiers of their companies.
        posted = set(
            Ledger.sudo()
            .search([("unique_key", "in", list(keys.values()))])
            .mapped("unique_key")
        )
        floors = {
            company: Tier.browse(Tier._floor_of(Tier._ladder(company.id))).sudo()
            for company in self.company_id
        }
        vals_list = []
        greetings = defaultdict(lambda: self.env["res.partner"])
        for wallet in self:
            if keys[wallet.id] in posted:
                continue
            # A family member's gift goes to the family, at the family's tier.
            paying = wallet._paying_wallet()
            points = (paying.tier_id or floors[wallet.company_id])[points_field]
            if points:
                vals_list.append(
                    {
                        "wallet_id": paying.id,
                        "member_id": wallet.partner_id.id,
                        "kind": event,
                        "points": points,
                        "unique_key": keys[wallet.id],
                        "reason": self._yearly_reason(event, day_of[wallet.id]),
                    }
                )
            greetings[wallet.company_id, points] |= wallet.partner_id
        self.partner_id._dental_loyalty_notify_prefetch()
        for (company, points), partners in greetings.items():
            partners._dental_loyalty_notify(event, company, points=points)
        # Posted last: the wallets stay locked against the front desk for the
        # end of the batch only, not while its messages are written.
        Ledger._post(vals_list)
        by_day = defaultdict(list)
        for wallet in self:
            by_day[day_of[wallet.id]].append(wallet.id)
        for day, wallet_ids in by_day.items():
            # A progress mark, not a change anyone made: no chatter, no recompute.
            self.env.cr.execute(
                SQL(
                    "UPDATE dental_loyalty_wallet SET %s = %s WHERE id IN %s",
                    SQL.identifier(mark_field),
                    day,
                    tuple(wallet_ids),
                )
            )
        self.invalidate_recordset([mark_field])

    def _yearly_reason(self, event, day):
        if event == "birthday":
            return self.env._("Birthday on %s", format_date(self.env, day))
        return self.env._("Second date on %s", format_date(self.env, day))

    # ------------------------------------------------------------------
    # Integrity: invariants 1 and 7 of docs/architecture.md, checked from the
    # lines themselves.
    # ------------------------------------------------------------------

    @api.model
    def _integrity_problems(self, wallet_ids=None):
        """{wallet id: [problem, ...]} for every wallet (or those of
        ``wallet_ids``) whose lines do not add up to what their lots hold, whose
        cached figures differ from their recomputation, or whose points are not
        worth what the rules give (``_value_problems``). Read-only."""
        where = (
            SQL("TRUE")
            if wallet_ids is None
            else SQL("w.id IN %s", tuple(wallet_ids) or (0,))
        )
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                SELECT w.id, w.points_balance, w.points_available, w.points_pending,
                       w.points_lifetime,
                       COALESCE(SUM(l.points), 0),
                       COALESCE(SUM(l.remaining_points) FILTER (WHERE l.points > 0), 0),
                       COALESCE(SUM(l.remaining_points)
                                FILTER (WHERE l.points > 0 AND l.is_released), 0),
                       COALESCE(SUM(l.remaining_points)
                                FILTER (WHERE l.points > 0
                                          AND l.is_released IS NOT TRUE), 0),
                       COALESCE(SUM(l.points) FILTER (WHERE l.kind IN %s), 0),
                       COUNT(l.id)
                            FILTER (WHERE l.points < 0 AND l.remaining_points > 0),
                       (ARRAY_AGG(l.balance_after ORDER BY l.id DESC))[1]
                  FROM dental_loyalty_wallet w
                  LEFT JOIN dental_loyalty_ledger l ON l.wallet_id = w.id
                 WHERE %s
              GROUP BY w.id
                """,
                tuple(self.env["dental.loyalty.ledger"]._earning_kinds()),
                where,
            )
        )
        problems = {}
        for row in self.env.cr.fetchall():
            (
                wallet_id,
                balance,
                available,
                pending,
                lifetime,
                line_sum,
                lots_hold,
                lots_available,
                lots_pending,
                lines_lifetime,
                open_debits,
                last_balance,
            ) = row
            found = []
            if line_sum != lots_hold:
                found.append(
                    self.env._(
                        "the lines add up to %(lines)s but the lots hold %(lots)s",
                        lines=line_sum,
                        lots=lots_hold,
                    )
                )
            if line_sum < 0:
                found.append(self.env._("the balance is negative (%s)", line_sum))
            if last_balance is not None and last_balance != line_sum:
                found.append(
                    self.env._(
                        "the running balance ends at %(last)s instead of %(lines)s",
                        last=last_balance,
                        lines=line_sum,
                    )
                )
            if open_debits:
                found.append(
                    self.env._("debit lines that claim to hold points: %s", open_debits)
                )
            for label, cached, recomputed in (
                (self.env._("balance"), balance, line_sum),
                (self.env._("spendable points"), available, lots_available),
                (self.env._("pending points"), pending, lots_pending),
                (self.env._("lifetime points"), lifetime, lines_lifetime),
            ):
                if cached != recomputed:
                    found.append(
                        self.env._(
                            "the cached %(figure)s read %(cached)s instead of "
                            "%(recomputed)s",
                            figure=label,
                            cached=cached,
                            recomputed=recomputed,
                        )
                    )
            if found:
                problems[wallet_id] = found
        # Adding up is not enough: the value behind the points is audited too.
        for wallet_id, found in self._value_problems(wallet_ids).items():
            problems.setdefault(wallet_id, []).extend(found)
        return problems

    def _report_problem(self, problem):
        """Note ``problem`` on the patient and leave a to-do for a loyalty manager,
        once while it is open."""
        for wallet in self:
            wallet._post_on_patient(problem)
        self._schedule_manager_activities(
            dict.fromkeys(self, problem),
            self.env._("Loyalty points to check"),
        )

    def _schedule_manager_activities(self, notes, summary):
        """A to-do on each wallet's patient for a loyalty manager of its company,
        unless one with the same summary is still open."""
        todo = self.env.ref("mail.mail_activity_data_todo", raise_if_not_found=False)
        managers = self.env.ref("dental_loyalty.group_dental_loyalty_manager").users
        # Loyalty managers need no rights on contacts for the engine to warn them.
        Activity = self.env["mail.activity"].sudo()
        open_on = set(
            Activity.search(
                [
                    ("res_model", "=", "res.partner"),
                    ("res_id", "in", [wallet.partner_id.id for wallet in notes]),
                    ("summary", "=", summary),
                ]
            ).mapped("res_id")
        )
        vals_list = []
        for wallet, note in notes.items():
            manager = managers.filtered(
                lambda user, company=wallet.company_id: (
                    not user.share and company in user.company_ids
                )
            )[:1]
            if not todo or not manager or wallet.partner_id.id in open_on:
                continue
            vals_list.append(
                {
                    "res_model_id": self.env["ir.model"]._get_id("res.partner"),
                    "res_id": wallet.partner_id.id,
                    "activity_type_id": todo.id,
                    "summary": summary,
                    "note": note,
                    "user_id": manager.id,
                }
            )
        return Activity.create(vals_list)

    def action_check_integrity(self):
        """Managers: check the selected wallets (all from the list's menu) and say
        what was found; problems also leave a to-do."""
        if not self.env.user.has_group("dental_loyalty.group_dental_loyalty_manager"):
            raise AccessError(
                self.env._("Only loyalty managers check that wallets add up.")
            )
        # The wallets named, else all those of the manager's clinics (the
        # record rule): never another clinic's, which would get the to-dos.
        wallets = self or self.search([("company_id", "in", self.env.companies.ids)])
        wallets.check_access("read")
        problems = self._check_integrity(wallets.ids)
        if problems:
            message = self.env._(
                "Wallets that do not add up: %(count)s. A to-do was left for each.",
                count=len(problems),
            )
            kind = "warning"
        else:
            message = self.env._("Every checked wallet adds up.")
            kind = "success"
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {"message": message, "type": kind, "sticky": bool(problems)},
        }

    @api.model
    def _check_integrity(self, wallet_ids=None):
        problems = self._integrity_problems(wallet_ids)
        if problems:
            # Wallets the check found: the to-dos are the engine's to leave.
            wallets = self.sudo().browse(problems)
            wallets._schedule_manager_activities(
                {
                    wallet: self.env._(
                        "The loyalty wallet does not add up: %s.",
                        "; ".join(problems[wallet.id]),
                    )
                    for wallet in wallets
                },
                self.env._("Loyalty wallet does not add up"),
            )
        return problems

    @api.model
    def _cron_check_integrity(self):
        """Daily: check every wallet (read-only, no lock held) and leave a to-do
        for the managers about each one that does not add up."""
        problems = self._check_integrity()
        self.env["ir.cron"]._notify_progress(done=self.search_count([]), remaining=0)
        return problems
