from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL
from odoo.tools.misc import format_date, formatLang

from ..rules import Lot, spendable_points

# The catch-up running: set by the engine only (a context a caller sends
# cannot say so and skip the release and expiry of what is due).
_CATCHING_UP = object()


# How many pending batches a text lists (the receipt, the patient's tab, a
# refusal), soonest first; a patient rarely has more than a few, and the
# receipt says how many points wait in all.
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
        string="Total Points",
        compute="_compute_points",
        store=True,
        help="Spendable and pending points together: the sum of the ledger lines.",
    )
    points_available = fields.Integer(
        string="Spendable Points",
        compute="_compute_points",
        store=True,
        help="Points that can pay now: past their waiting period, not expired.",
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
        # Spendable is the rule's, over the lots as the ledger holds them: a lot
        # is spendable once released (by the calendar at posting, the nightly
        # job or the wallet's catch-up: Lot.released, as a spend reads it), and
        # an expired lot holds nothing once its
        # expire line is posted, which the catch-up does before any decision
        # reads this figure. One read: these groups, not the lots one by one.
        today = self.env.company._dental_loyalty_today()
        waiting = today + timedelta(days=1)
        lots = defaultdict(list)
        for wallet, kind, released, points, remaining, last in groups:
            figures = sums[wallet.id]
            figures["balance"] += points
            if remaining:
                lots[wallet.id].append(
                    Lot(
                        id=len(lots[wallet.id]),
                        remaining=remaining,
                        available_date=waiting,
                        expiry_date=None,
                        posted=today,
                        released=released,
                    )
                )
            if kind in earning_kinds:
                figures["lifetime"] += points
            if kind in visit_kinds:
                last_visits[wallet.id] = max(last, last_visits.get(wallet.id, last))
        for wallet in self:
            figures = sums[wallet._origin.id]
            wallet_lots = lots[wallet._origin.id]
            available = spendable_points(wallet_lots, today)
            wallet.points_balance = figures["balance"]
            wallet.points_available = available
            wallet.points_pending = (
                sum(lot.remaining for lot in wallet_lots) - available
            )
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
    def _get_for_partners(
        self, partners, company=None, open_for=None, with_figures=False
    ):
        """The wallets of ``partners`` in ``company``, opened when missing for
        those of ``open_for`` (all of them by default): opening one joins the
        patient to the programme, from today. In a clinic that enrols every
        new patient, they agree to its messages as they always did; in one
        that asks, reception records their consent. ``with_figures`` reads
        the wallets' figures with the search, for a preview."""
        company = company or self.env.company
        # Only partner_id for a spend, which locks the wallet before reading
        # its figures; a preview reads them now, one query where two were.
        wallets = self.search_fetch(
            [("partner_id", "in", partners.ids), ("company_id", "=", company.id)],
            self._own_columns() if with_figures else ["partner_id", "family_id"],
        )
        missing = partners - wallets.partner_id
        if open_for is not None:
            missing &= open_for
        if missing:
            self._claim_new_wallets(missing, company)
            Tier = self.env["dental.loyalty.tier"]
            floor = Tier._floor_of(Tier._ladder(company.id))
            # The clinic's day, whoever opens the wallet.
            today = company._dental_loyalty_today()
            new_wallet = {
                "company_id": company.id,
                "member_since": today,
                "tier_id": floor or False,
                "tier_date": floor and today,
                "consent_mail": company.dental_loyalty_enrolment == "auto",
                "consent_sms": company.dental_loyalty_enrolment == "auto",
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

    @api.model
    def _own_columns(self):
        """The wallet's own columns that a read of it fetches (its figures,
        tier and family), those of restricted groups left out."""
        return [
            name
            for name, field in self._fields.items()
            if field.store
            and field.column_type
            and field.prefetch is True
            and not field.groups
        ]

    @api.model
    def _claim_new_wallets(self, partners, company):
        """Serialise opening ``partners``' wallets in ``company`` on the
        wallets' own unique key. Two registers syncing a new patient's first
        bills at once would both open the wallet, and the second would fail on
        the unique key, an error Odoo does not retry. Inserting the rows with
        ON CONFLICT DO NOTHING makes the second wait for the first and, once it
        commits, fail with a serialization error (under REPEATABLE READ a
        conflict with a row its snapshot does not see), which Odoo retries on a
        fresh snapshot that finds the wallet; in this statement, which does not
        log it as an error. The claimed rows are deleted again for the ORM to
        create the wallets as ever: other transactions still wait for this one,
        as they wait for any row it inserted or deleted.

        The partners' rows are not touched: writing them, as before, made
        core's INSERT of the second register's order fail on its foreign key
        to the patient, logged as an error (issue 21)."""
        today = company._dental_loyalty_today()
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO dental_loyalty_wallet (partner_id, company_id,
                                                   member_since)
                SELECT partner_id, %(company)s, %(today)s
                  FROM unnest(%(partners)s::int[]) AS partner_id
                 ORDER BY partner_id
                    ON CONFLICT (partner_id, company_id) DO NOTHING
             RETURNING id
                """,
                company=company.id,
                today=today,
                partners=sorted(partners.ids),
            ),
            # The conflict is expected and retried: see _serialise_rows.
            log_exceptions=False,
        )
        claimed = [row[0] for row in self.env.cr.fetchall()]
        if claimed:
            self.env.cr.execute(
                SQL("DELETE FROM dental_loyalty_wallet WHERE id IN %s", tuple(claimed))
            )

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
        due = {}
        if to_lock:
            due = to_lock._lock_and_read()
            locked.update(to_lock.ids)
        self._catch_up(due)

    def _lock_and_read(self):
        """Lock these wallets as ``_serialise_rows`` does, and in the same
        statement read their row as it is under the lock (into the cache: what
        was read before the lock may be stale) and whether the calendar has
        lots due for the catch-up: {wallet id: (release due, expiry due)}.
        One query where a lock, a read of the wallet and the catch-up's
        searches were four on every sync, reserve and redeem."""
        # The rows as this transaction left them.
        self.flush_recordset()
        return self._lock_rows_and_read(SQL("id IN %s", tuple(self.ids)))

    @api.model
    def _lock_own_wallet(self, partner, company):
        """``partner``'s own wallet in ``company``, locked and caught up, when
        it is the one they earn into and pay from (no family): found by the
        lock itself, one statement where a search and the lock were two.
        Empty when they have none, or pay from their family's: the caller
        finds (or opens) and locks that one as before. Returns the wallet and
        whether a referral of the patient is pending in ``company`` (None when
        no wallet was found), read by the same statement."""
        # As a search would: the user's right to read wallets, and only those
        # of their companies.
        self.browse().check_access("read")
        if not self.env.su and company not in self.env.companies:
            return self.browse(), None
        self.flush_model()
        self.env["dental.loyalty.referral"].flush_model(
            ["referred_id", "company_id", "state"]
        )
        due = self._lock_rows_and_read(
            SQL(
                "partner_id = %s AND company_id = %s AND family_id IS NULL",
                partner.id,
                company.id,
            ),
            extra=SQL(
                """EXISTS (SELECT 1 FROM dental_loyalty_referral referral
                            WHERE referral.referred_id = target.partner_id
                              AND referral.company_id = target.company_id
                              AND referral.state = 'pending')"""
            ),
        )
        wallet = self.browse(list(due))
        if not wallet:
            return wallet, None
        self.env.cr.precommit.data.setdefault(
            "dental_loyalty.locked_wallet_ids", set()
        ).update(wallet.ids)
        wallet._catch_up({wallet.id: due[wallet.id][:2]})
        return wallet, due[wallet.id][2]

    @api.model
    def _lock_rows_and_read(self, where, extra=None):
        """Lock the wallets ``where`` selects (in id order), read their rows
        into the cache and whether lots are due for the catch-up, in one
        statement (``_lock_and_read``). Returns {wallet id: (release due,
        expiry due)}, and the ``extra`` expression's value third when given."""
        # The lots as this transaction left them.
        self.env["dental.loyalty.ledger"].flush_model(
            [
                "wallet_id",
                "points",
                "remaining_points",
                "is_released",
                "available_date",
                "expiry_date",
            ]
        )
        columns = [
            field
            for field in self._fields.values()
            if field.store
            and field.column_type
            and field.name != "id"
            and not field.translate
            and not field.company_dependent
            and not field.groups
        ]
        self.env.cr.execute(
            SQL(
                """
                UPDATE dental_loyalty_wallet target
                   SET write_date = target.write_date
                  FROM (SELECT id, tier_id, company_id FROM dental_loyalty_wallet
                         WHERE %(where)s ORDER BY id FOR UPDATE) locked
             LEFT JOIN dental_loyalty_tier tier ON tier.id = locked.tier_id
                 WHERE target.id = locked.id
             RETURNING target.id,
                       (SELECT MIN(line.available_date)
                          FROM dental_loyalty_ledger line
                         WHERE line.wallet_id = target.id
                           AND (line.is_released IS NULL
                                OR line.is_released = FALSE)
                           AND line.points > 0),
                       (SELECT MIN(line.expiry_date)
                          FROM dental_loyalty_ledger line
                         WHERE line.wallet_id = target.id
                           AND line.remaining_points > 0),
                       %(extra)s,
                       tier.multiplier,
                       COALESCE(tier.name->>%(lang)s, tier.name->>'en_US'),
                       %(columns)s
                """,
                where=where,
                extra=extra or SQL("NULL"),
                lang=self.env.lang or "en_US",
                columns=SQL(", ").join(
                    SQL.identifier("target", field.name) for field in columns
                ),
            ),
            # The conflict is expected and retried: see _serialise_rows.
            log_exceptions=False,
        )
        rows = self.env.cr.fetchall()
        fetched = self.browse([row[0] for row in rows])
        due_dates = {row[0]: (row[1], row[2]) for row in rows}
        (self | fetched).invalidate_recordset(flush=False)
        if rows:
            values = list(zip(*rows, strict=True))
            for field, column in zip(columns, values[6:], strict=True):
                self.env.cache.insert_missing(fetched, field, column)
            # The tier's multiplier (a sale earns by it) and name (the receipt
            # shows it), read by the same statement.
            tiers = {
                row[6 + columns.index(self._fields["tier_id"])]: row for row in rows
            }
            tiers.pop(None, None)
            Tier = self.env["dental.loyalty.tier"]
            for tier_id, row in tiers.items():
                tier = Tier.browse(tier_id)
                self.env.cache.insert_missing(
                    tier, Tier._fields["multiplier"], [row[4]]
                )
                self.env.cache.insert_missing(tier, Tier._fields["name"], [row[5]])
        # Due by the clinic's day (its clock is stored on the company, read
        # with the programme): the first lot to release and the first to
        # expire.
        due = {}
        for wallet in fetched:
            today = wallet.company_id._dental_loyalty_today()
            due[wallet.id] = tuple(
                bool(first and first <= today) for first in due_dates[wallet.id]
            )
        if extra is None:
            return due
        return {row[0]: (*due[row[0]], row[3]) for row in rows}

    @api.model
    def _serialise_rows(self, table, ids):
        """Write the rows ``ids`` of ``table`` as they are: a second transaction
        that writes them too waits for this one, then fails with a
        serialization error that Odoo retries on a fresh snapshot (a row lock
        alone would let it go on with a stale one). Locked in id order, so
        that two transactions locking the same rows cannot deadlock. The
        conflict is expected and Odoo retries it: it is not logged as an error
        (Odoo notes the retry), so monitoring that alerts on errors stays quiet."""
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
            ),
            log_exceptions=False,
        )

    def _catch_up(self, due=None):
        """Release and expire the lots the calendar says are due, once per wallet,
        day and transaction (the nightly jobs do the same for wallets nobody
        touches), so that the cached spendable points are what FIFO may take.
        ``due``: {wallet id: (release due, expiry due)} as the lock read them
        (``_lock_and_read``): a wallet with nothing due costs no query; the
        others are searched for their lots."""
        if self.env.context.get("dental_loyalty_catching_up") is _CATCHING_UP:
            return
        caught_up = self.env.cr.precommit.data.setdefault(
            "dental_loyalty.caught_up", set()
        )
        due = due or {}
        catching_up = self.with_context(dental_loyalty_catching_up=_CATCHING_UP)
        # Each wallet on its clinic's day: a nightly job's batch spans clinics.
        for company, company_wallets in self.grouped("company_id").items():
            today = company._dental_loyalty_today()
            wallets = company_wallets.filtered(
                lambda wallet, today=today: (wallet.id, today) not in caught_up
            )
            if not wallets:
                continue
            caught_up.update((wallet.id, today) for wallet in wallets)
            waiting = wallets.filtered(
                lambda wallet: (
                    due[wallet.id][0] if wallet.id in due else wallet.points_pending
                )
            )
            if waiting:
                catching_up.env["dental.loyalty.ledger"]._release_due_lots(
                    waiting, today
                )
            expiring = wallets.filtered(
                lambda wallet: due[wallet.id][1] if wallet.id in due else True
            )
            if expiring:
                catching_up._expire_due_lots(expiring, today)

    @api.model
    def _post_lines(self, vals_list):
        """The one way into the ledger: lock the wallets the lines are on, post
        the lines (the ledger keeps the lots), then run what follows a posting
        (``_after_post``: the tier of the wallets whose earned points changed)
        once for all of them. Returns the lines."""
        # Posting is the engine's: users have no create right on the ledger, and
        # the wallets are locked and caught up as the engine, whoever asked.
        wallets = self.sudo().browse({vals["wallet_id"] for vals in vals_list})
        wallets._lock_for_update()
        lines = self.env["dental.loyalty.ledger"].sudo().create(vals_list)
        wallets._after_post(lines)
        return lines.sudo(self.env.su)

    def _after_post(self, lines):
        """Hook: what follows the posting of ``lines`` on these wallets."""

    def _pending_lots(self):
        """The wallet's lots still pending, the soonest to come first."""
        self.ensure_one()
        # A figure of this wallet, which the caller reads: its lots are the engine's.
        return (
            self.env["dental.loyalty.ledger"]
            .sudo()
            .search_fetch(
                [
                    ("wallet_id", "=", self.id),
                    ("remaining_points", ">", 0),
                    ("is_released", "=", False),
                ],
                ["available_date", "remaining_points"],
                order="available_date, id",
            )
        )

    def _next_release_date(self):
        """The day the wallet's next pending points become spendable."""
        return self._pending_lots()[:1].available_date

    def _pending_batches_text(self):
        """The wallet's pending points by the day each batch becomes
        spendable: "80 on 12/11/2026, 100 on 12/14/2026"."""
        return pending_batches_text(self.env, self._pending_lots())
