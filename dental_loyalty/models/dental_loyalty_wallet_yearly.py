from collections import defaultdict

from odoo import api, models
from odoo.tools import SQL
from odoo.tools.misc import format_date

from ..rules import (
    celebration_days,
    yearly_keys,
)

# A yearly event: the patient's date it falls on, the wallet's mark of the last
# day it was celebrated, the tier's gift of points.
# A yearly date's month and day as one number (MMDD), the key the nightly
# job selects by: immutable, unlike to_char, so that res.partner indexes it
# (each of the job's batches then reads only the day's patients).
MONTH_DAY = "(EXTRACT(MONTH FROM {0}) * 100 + EXTRACT(DAY FROM {0}))"

YEARLY_EVENTS = {
    "birthday": ("dental_birthday", "birthday_gift_date", "birthday_points"),
    "anniversary": (
        "dental_anniversary",
        "anniversary_gift_date",
        "anniversary_points",
    ),
}


class DentalLoyaltyWallet(models.Model):
    """Yearly gifts: birthdays and second dates."""

    # One concern per file, as Odoo core splits its big models.
    _inherit = "dental.loyalty.wallet"  # pylint: disable=consider-merging-classes-inherited

    # A job that did not run celebrates the days it missed, this far back at most.
    _CATCH_UP_DAYS = 30
    # Each patient of a batch gets a message (some 40 ms each), while the batch
    # holds the wallets it took and a register may be waiting for one of them:
    # batches of 10 keep that well under a second, even on a busy server
    # (bench/run --load measured 1.6 s behind a batch of 25 on two cores).
    _GREETING_BATCH = 10

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
        (today on its clinic's clock, and the days missed since the last run
        went through for their clinic); a clinic's day is marked done only when
        none of its patients is left. Clinics marked alike and on the same day
        (all of them, but for a new one or another time zone) are selected
        together."""
        done = remaining = 0
        for (covered, today), companies in self._yearly_marks(event).items():
            days = celebration_days(covered, today, self._CATCH_UP_DAYS)
            keys = yearly_keys(days)
            limit = batch_size - done
            due = (
                self._yearly_due(event, keys, days[0], companies=companies, limit=limit)
                if limit > 0
                else []
            )
            # The nightly job acts for every clinic: no user's companies limit it.
            wallets = self.sudo()._yearly_lock([wallet_id for wallet_id, _key in due])
            wallets._give_yearly_gifts(
                event,
                {
                    wallet_id: keys[key]
                    for wallet_id, key in due
                    if wallet_id in wallets.ids
                },
            )
            done += len(wallets)
            # Wallets a register holds were left: still due, so the clinic's day
            # is not marked done and the next run celebrates them.
            left = (
                self._yearly_due(event, keys, days[0], companies=companies, count=True)
                if limit <= 0 or len(due) == limit or len(wallets) < len(due)
                else 0
            )
            if not left:
                self._set_yearly_covered_until(event, today, companies)
            remaining += left
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
        return remaining

    @api.model
    def _yearly_lock(self, wallet_ids):
        """The wallets of ``wallet_ids`` the batch could lock with the wallets
        their gifts go to (a family's): those a register holds are left, without
        waiting, for the next run."""
        wallets = self.browse(wallet_ids)
        paying = {wallet: wallet._paying_wallet() for wallet in wallets}
        locked = self._lock_for_job(
            [*wallet_ids, *(wallet.id for wallet in paying.values())]
        )
        return wallets.filtered(
            lambda wallet: wallet in locked and paying[wallet] in locked
        )

    def _yearly_field(self, event):
        """The clinic's field marking how far the ``event`` job went."""
        return f"dental_loyalty_{event}_covered_until"

    @api.model
    def _yearly_marks(self, event):
        """{(last day the ``event`` job went through to the end, or None, today
        on the clinic's clock): clinics}, for every clinic."""
        field = self._yearly_field(event)
        # A job's bookkeeping, not a setting: whoever runs the job may read it.
        companies = (
            self.env["res.company"]
            .sudo()
            .with_context(active_test=False)
            .search_fetch([], [field])
        )
        return companies.grouped(
            lambda company: (company[field] or None, company._dental_loyalty_today())
        )

    @api.model
    def _set_yearly_covered_until(self, event, day, companies):
        field = self._yearly_field(event)
        # A progress mark, not a change anyone made: written at once, as the
        # wallets' marks are, so that nothing is left for a later flush.
        self.env.cr.execute(
            SQL(
                "UPDATE res_company SET %s = %s WHERE id IN %s",
                SQL.identifier(field),
                day,
                tuple(companies.ids),
            )
        )
        companies.invalidate_recordset([field])

    @api.model
    def _yearly_due(
        self, event, keys, first_day, *, companies, limit=None, count=False
    ):
        """``[(wallet id, "MM-DD")]`` of the wallets in ``companies`` of active
        patients whose ``event`` date falls on one of ``keys`` and was not
        celebrated since ``first_day``, or how many there are. Selected by month
        and day in SQL, through res.partner's index of them (``MONTH_DAY``), so
        neither are 100,000 patients loaded nor read by each batch for a few
        hundred birthdays."""
        self.env.flush_all()
        self.env.cr.execute(
            self._yearly_due_query(
                event, keys, first_day, companies=companies, limit=limit, count=count
            )
        )
        return self.env.cr.fetchone()[0] if count else self.env.cr.fetchall()

    @api.model
    def _yearly_due_query(
        self, event, keys, first_day, *, companies, limit=None, count=False
    ):
        """The statement of ``_yearly_due``."""
        date_field, mark_field, _points_field = YEARLY_EVENTS[event]
        partner_date = SQL.identifier("partner", date_field)
        due = SQL(
            """
            SELECT wallet.id, to_char(%(date)s, 'MM-DD') AS day
              FROM dental_loyalty_wallet wallet
              JOIN res_partner partner ON partner.id = wallet.partner_id
             WHERE partner.active
               AND wallet.company_id IN %(companies)s
               AND %(month_day)s IN %(keys)s
               -- a date within the window is less than a year old
               AND %(date)s < %(first_day)s
               AND (%(mark)s IS NULL OR %(mark)s < %(first_day)s)
            """,
            date=partner_date,
            month_day=SQL(MONTH_DAY.format("%s"), partner_date, partner_date),
            keys=tuple(int(key.replace("-", "")) for key in keys),
            companies=tuple(companies.ids),
            first_day=first_day,
            mark=SQL.identifier("wallet", mark_field),
        )
        if count:
            return SQL("SELECT COUNT(*) FROM (%s) due", due)
        # The day's wallets first (the month and day index), then the batch:
        # given the LIMIT beside the ORDER BY, PostgreSQL walks the wallets in
        # id order, expecting the day's spread evenly, and each batch walks
        # past the ones celebrated before it (at 100,000 patients the 21st
        # batch read 76,000 wallets, 450 ms, for 10).
        return SQL(
            "WITH due AS MATERIALIZED (%s)"
            " SELECT id, day FROM due ORDER BY id LIMIT %s",
            due,
            limit,
        )

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
        self.env["dental.loyalty.dispatcher"]._prefetch(self.partner_id)
        for (company, points), partners in greetings.items():
            self.env["dental.loyalty.dispatcher"]._notify(
                partners, event, company, points=points
            )
        self._post_lines(vals_list)
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
