from collections import defaultdict
from datetime import timedelta

from odoo import api, models
from odoo.osv import expression
from odoo.tools.misc import format_date

from ..rules import expiring_lots


class DentalLoyaltyWallet(models.Model):
    """Expiry: writing off what is left of the lots past their date, and telling
    the patients, before it happens, which of their points expire."""

    # One concern per file, as Odoo core splits its big models.
    _inherit = "dental.loyalty.wallet"  # pylint: disable=consider-merging-classes-inherited

    # One batch per call: the scheduler commits it and calls again while
    # _notify_progress reports some left, so a night's work never holds thousands
    # of wallets locked against the front desk, and a failure loses one batch.
    # A batch holds its wallets until it commits: 500 lots (a note on each
    # patient's chatter) keep that to about a second.
    _EXPIRY_BATCH = 500
    # Jobs that send each patient a message take fewer per call: at some 40 ms a
    # message, a batch of 25 keeps the wallets it holds to about a second.
    _MESSAGE_BATCH = 25

    def _expiring_soon(self, days=30):
        """{wallet id: (points, first expiry date)} of the lots expiring within
        ``days``, for all the wallets at once."""
        # Figures of these wallets, which the caller reads: lots are the engine's.
        Ledger = self.env["dental.loyalty.ledger"].sudo()
        today = self.env.company._dental_loyalty_today()
        groups = Ledger._read_group(
            [
                ("wallet_id", "in", self.ids),
                *Ledger._expiring_domain(today, days),
            ],
            ["wallet_id"],
            ["remaining_points:sum", "expiry_date:min"],
        )
        return {wallet.id: (points, first) for wallet, points, first in groups}

    @api.model
    def _expire_due_lots(self, wallets=None, today=None, limit=None, skipped=None):
        """Write off what is left of the lots past their expiry date, with a note
        on each patient's chatter. Idempotent: an expired lot holds nothing more.
        With a list ``skipped`` (the nightly job's batch), the lots of wallets
        another transaction holds are left and added to it, without waiting:
        the register's own catch-up expires them, else the next run does.
        ``today``: each clinic's own by default."""
        Ledger = self.env["dental.loyalty.ledger"]
        domain = [
            ("remaining_points", ">", 0),
            *Ledger._on_or_before_today("expiry_date", today),
        ]
        if wallets is not None:
            domain.append(("wallet_id", "in", wallets.ids))
        # Lots found by date: the engine's bookkeeping, for every clinic's job.
        lots = Ledger.sudo().search_fetch(
            domain,
            [
                "wallet_id",
                "company_id",
                "remaining_points",
                "available_date",
                "expiry_date",
                "date",
            ],
            limit=limit,
            order="wallet_id, id",
        )
        if skipped is not None:
            lots = Ledger._of_locked_wallets(lots, skipped)
        if not lots:
            return lots
        # Lock first, so no spend takes from these lots meanwhile. Locking a
        # wallet catches it up, which may already expire these very lots.
        lots.wallet_id._lock_for_update()
        days = {
            company: today or company._dental_loyalty_today()
            for company in lots.company_id
        }
        due = {}
        for company, company_lots in lots.grouped("company_id").items():
            due.update(
                expiring_lots([lot._as_lot() for lot in company_lots], days[company])
            )
        expired = self._post_lines(
            [
                {
                    "wallet_id": lot.wallet_id.id,
                    "kind": "expire",
                    "points": -due[lot.id],
                    "lot_id": lot.id,
                    "date": days[lot.company_id],
                    "unique_key": f"expire:{lot.id}",
                    "reason": self.env._(
                        "Expired on %s", format_date(self.env, lot.expiry_date)
                    ),
                }
                for lot in lots
                if due.get(lot.id)
            ]
        )
        self._log_on_patients(
            {
                wallet: self.env._(
                    "Loyalty points expired: %s.",
                    -sum(wallet_lines.mapped("points")),
                )
                for wallet, wallet_lines in expired.grouped("wallet_id").items()
            }
        )
        return lots

    @api.model
    def _cron_expire_lots(self, batch_size=_EXPIRY_BATCH):
        """Daily: an expire line for what is left of each lot past its date, and a
        note on the patient's chatter. Returns how many lots are left."""
        skipped = []
        expired = self._expire_due_lots(limit=batch_size, skipped=skipped)
        remaining = (
            self.env["dental.loyalty.ledger"]._count_due(
                [("remaining_points", ">", 0)],
                "expiry_date",
                limit=self._left_counted_up_to(batch_size),
            )
            if len(expired) + len(skipped) == batch_size or skipped
            else 0
        )
        self.env["ir.cron"]._notify_progress(done=len(expired), remaining=remaining)
        return remaining

    @api.model
    def _expiry_warning_domain(self, companies):
        """Lots with points left, not yet announced, that expire after today and
        within their company's warning period, each counted from its clinic's
        day; none for a company that sends no such message (its lots wait until
        it does)."""
        Ledger = self.env["dental.loyalty.ledger"]
        sending = companies.filtered(
            lambda company: (
                company.dental_loyalty_expiry_warning_days > 0
                and company._dental_loyalty_channel("expiry_warning") != "none"
            )
        )
        if not sending:
            return expression.FALSE_DOMAIN
        days = {company: company._dental_loyalty_today() for company in sending}
        per_company = [
            [
                ("company_id", "=", company.id),
                ("expiry_date", ">", days[company]),
                *Ledger._expiring_domain(
                    days[company], company.dental_loyalty_expiry_warning_days
                ),
            ]
            for company in sending
        ]
        # The longest period bounds the dates for every clinic at once, so
        # that the lots are read by a range of their expiry dates, which ends
        # before the lots of later dates (most of the open ones).
        last = max(
            days[company] + timedelta(days=company.dental_loyalty_expiry_warning_days)
            for company in sending
        )
        return expression.AND(
            [
                [
                    ("expiry_warned", "=", False),
                    ("expiry_date", ">", min(days.values())),
                    ("expiry_date", "<=", last),
                ],
                expression.OR(per_company),
            ]
        )

    @api.model
    def _cron_expiry_warnings(self, batch_size=_MESSAGE_BATCH):
        """Daily: tell each patient whose points expire within their clinic's
        warning period, once per lot. Returns how many patients are left, at
        least: the batch reads one patient more than it takes to know whether
        some are left (the scheduler needs no more), rather than reading every
        due lot again to count them."""
        skipped, more = [], []
        warned = self._warn_expiring(limit=batch_size, skipped=skipped, more=more)
        remaining = len(skipped) + len(more)
        self.env["ir.cron"]._notify_progress(done=len(warned), remaining=remaining)
        return remaining

    @api.model
    def _expiry_warning_batch(self, domain, count):
        """Ids of up to ``count`` wallets having lots of ``domain`` (lots due a
        warning), those of the earliest dates first. Read from the lots in
        expiry order, which an index of the lots not told yet serves: a call
        reads about the lots of its own wallets, not every due one."""
        # The engine's bookkeeping, for every clinic's job.
        Ledger = self.env["dental.loyalty.ledger"].sudo()
        page = max(count * 4, 100)
        wallet_ids = []
        offset = 0
        while True:
            lots = Ledger.search_fetch(
                domain,
                ["wallet_id"],
                # The index's order: no sort of every due lot to take a page.
                order="expiry_date",
                limit=page,
                offset=offset,
            )
            for wallet_id in lots.wallet_id.ids:
                if wallet_id not in wallet_ids:
                    wallet_ids.append(wallet_id)
                    if len(wallet_ids) == count:
                        return wallet_ids
            if len(lots) < page:
                return wallet_ids
            offset += page

    @api.model
    def _warn_expiring(self, wallets=None, limit=None, skipped=None, more=None):
        """One message per patient (event ``expiry_warning``) with the points of
        their lots expiring within the warning period that they were not told of
        yet, and the first of those lots' dates; the lots are then marked told.
        For ``wallets``, or up to ``limit`` wallets of every clinic. With a list
        ``skipped`` (the nightly job's batch), the wallets another transaction
        holds are left for the next run and added to it, without waiting; with
        a list ``more``, one wallet past ``limit`` is read and added to it if
        there is one. Returns the wallets whose patients were told."""
        # The engine marks lots and reads every clinic's: users only read theirs.
        Ledger = self.env["dental.loyalty.ledger"].sudo()
        if wallets is None:
            companies = (
                self.env["res.company"]
                .sudo()
                .search([("dental_loyalty_expiry_warning_days", ">", 0)])
            )
        else:
            companies = wallets.sudo().company_id
        domain = self._expiry_warning_domain(companies)
        if wallets is not None:
            batch_ids = wallets.ids
        elif limit:
            # The batch's wallets first, then their lots only: grouping every
            # due lot and keeping the first wallets made each call's cost grow
            # with the patients due, and a night's calls with their square.
            batch_ids = self._expiry_warning_batch(
                domain, limit + 1 if more is not None else limit
            )
        else:
            batch_ids = None
        fnames = [
            "wallet_id",
            "company_id",
            "remaining_points",
            "expiry_date",
            "expiry_warned",
        ]
        if batch_ids is None:
            lots = Ledger.search_fetch(domain, fnames, order="id")
        else:
            # The open lots of these wallets (an index holds them by wallet),
            # of which those due a warning are kept here: with the dates in
            # the query, PostgreSQL reads every due lot by date instead.
            lots = Ledger.search_fetch(
                [("wallet_id", "in", batch_ids), ("remaining_points", ">", 0)],
                fnames,
                order="id",
            ).filtered_domain(domain)
        by_wallet = sorted(
            lots.grouped("wallet_id").items(), key=lambda item: item[0].id
        )
        groups = [
            (
                wallet,
                sum(wallet_lots.mapped("remaining_points")),
                min(wallet_lots.mapped("expiry_date")),
            )
            for wallet, wallet_lots in by_wallet
        ]
        # Kept apart: locking the wallets may drop what the cache holds.
        lot_ids = {wallet.id: wallet_lots.ids for wallet, wallet_lots in by_wallet}
        if limit and len(groups) > limit:
            if more is not None:
                more.append(groups[limit][0].id)
            groups = groups[:limit]
        if skipped is not None:
            locked = self._lock_for_job([wallet.id for wallet, _p, _f in groups])
            skipped.extend(
                wallet.id for wallet, _p, _f in groups if wallet.id not in locked.ids
            )
            groups = [group for group in groups if group[0].id in locked.ids]
        warned = self.sudo().browse()
        for wallet, _points, _first in groups:
            warned |= wallet
        if not warned:
            return warned
        self.env["dental.loyalty.dispatcher"]._prefetch(warned.partner_id)
        messages = defaultdict(lambda: self.env["res.partner"])
        for wallet, points, first in groups:
            messages[wallet.company_id, points, first] |= wallet.partner_id
        for (company, points, first), partners in messages.items():
            self.env["dental.loyalty.dispatcher"]._notify(
                partners, "expiry_warning", company, points=points, date=first
            )
        # Marked last: a spend at the front desk that takes from these lots
        # (of wallets a caller without ``skipped`` did not lock) waits on their
        # rows only for the end of the batch, not its messages.
        Ledger.browse(
            lot_id for wallet in warned for lot_id in lot_ids[wallet.id]
        ).write({"expiry_warned": True})
        Ledger.flush_model(["expiry_warned"])
        return warned.sudo(self.env.su)
