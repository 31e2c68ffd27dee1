from collections import defaultdict

from odoo import api, models
from odoo.tools import create_index

from ..rules import (
    downgrade_allowed,
    evaluate_tier,
    near_next_tier,
    window_start,
)


class DentalLoyaltyWallet(models.Model):
    """Tiers: the figure each wallet's tier is decided on, moving wallets up
    and down the ladder, and the near-tier news."""

    # One concern per file, as Odoo core splits its big models.
    _inherit = "dental.loyalty.wallet"  # pylint: disable=consider-merging-classes-inherited

    # The nightly batches take the wallets evaluated longest ago (never first):
    # those lead the index below, and a wallet evaluated today goes to its end.
    _TIER_DUE_ORDER = "tier_evaluated_date ASC NULLS FIRST, id"

    def init(self):
        res = super().init()
        # Each batch is read from the head of this index; in id order it
        # walked the primary key past every wallet the batches before had
        # evaluated (100 batches at 100,000 patients). The ORM's predicate for
        # an unpinned wallet, so that PostgreSQL can prove it.
        create_index(
            self.env.cr,
            "dental_loyalty_wallet_tier_due_idx",
            self._table,
            ["tier_evaluated_date NULLS FIRST", "id"],
            where="tier_pinned IS NULL OR tier_pinned = FALSE",
        )
        return res

    def _after_post(self, lines):
        """Upgrade the wallets whose earned points the lines changed, once."""
        res = super()._after_post(lines)
        earning_kinds = self.env["dental.loyalty.ledger"]._earning_kinds()
        earned = lines.filtered(lambda line: line.kind in earning_kinds)
        if earned:
            earned.wallet_id._evaluate_tier()
        return res

    def _undo_refunded_tier(self, sale_lines, refund_label):
        """A refund takes back the tier its sale gave: a wallet whose tier
        moved since the sale (``sale_lines``, what it earned) was posted goes
        to the tier its figures reach now, downgrades allowed. Else a sale and
        its refund, no money kept, raised a patient's tier, its multiplier and
        its rewards for the whole grace period. Not even the tier held before
        the sale is kept: it may have come from a sale refunded since (a
        sale's refund could not tell); a refund of a sale that moved nothing
        leaves the tier alone, one kept through its grace period too."""
        self.ensure_one()
        if not sale_lines or self.tier_pinned or self.points_with_family:
            return
        posted_at = min(sale_lines.mapped("create_date"))
        # The tier history is the engine's record: read to find its moves (a
        # wallet's first tier, given as it opens, is none).
        first_move = (
            self.env["dental.loyalty.tier.history"]
            .sudo()
            .search(
                [
                    ("wallet_id", "=", self.id),
                    ("create_date", ">=", posted_at),
                    ("change", "in", ("up", "down")),
                ],
                order="create_date, id",
                limit=1,
            )
        )
        if first_move:
            self._evaluate_tier(allow_downgrade=True)
            self._report_what_a_tier_gave(first_move, sale_lines, refund_label)

    def _report_what_a_tier_gave(self, first_move, sale_lines, refund_label):
        """Tell a loyalty manager what the patient had, since the refunded
        sale (``sale_lines``), of the tiers it opened (``first_move``, the
        first move of the tier since): points earned at a multiplier above
        the tier held before the sale, and rewards of a tier above it. Those
        points count for the tier too, and may keep it where the refund left
        it; as the points a refund could not take back, they are the
        manager's to weigh: the patient may have come back in good faith."""
        before = first_move.previous_tier_id
        since = first_move.create_date
        # The engine's records, read to tell the manager.
        earned = (
            self.env["dental.loyalty.ledger"]
            .sudo()
            .search(
                [
                    ("wallet_id", "=", self.id),
                    ("kind", "in", ("earn", "rule")),
                    ("create_date", ">=", since),
                    ("tier_multiplier", ">", before.multiplier or 1.0),
                    ("id", "not in", sale_lines.ids),
                ]
            )
        )

        def above(reward):
            floor = reward.min_tier_id
            return floor and (floor.sequence, floor.threshold) > (
                before.sequence,
                before.threshold,
            )

        vouchers = (
            self.env["dental.loyalty.voucher"]
            .sudo()
            .search(
                [
                    ("wallet_id", "=", self.id),
                    ("create_date", ">=", since),
                    ("reward_id.min_tier_id", "!=", False),
                ]
            )
            .filtered(lambda voucher: above(voucher.reward_id))
        )
        what = []
        if earned:
            what.append(
                self.env._(
                    "points earned at its multiplier on %s",
                    ", ".join(
                        order._dental_loyalty_label() for order in earned.pos_order_id
                    ),
                )
            )
        if vouchers:
            what.append(
                self.env._(
                    "rewards of that tier: %s",
                    ", ".join(vouchers.reward_id.mapped("name")),
                )
            )
        if what:
            self._report_problem(
                self.env._(
                    "%(refund)s refunded the sale that raised the tier to "
                    "%(tier)s. While the patient held it they had %(what)s. "
                    "Check them and the tier.",
                    refund=refund_label,
                    tier=first_move.tier_id.name,
                    what="; ".join(what),
                )
            )

    def _qualifying_figures(self):
        """The figure each wallet's tier is decided on, per its company's basis."""
        earning_kinds = self.env["dental.loyalty.ledger"]._earning_kinds()
        figures = dict.fromkeys(self.ids, 0.0)
        for company, wallets in self.grouped("company_id").items():
            basis = company.dental_loyalty_tier_basis
            start = window_start(
                company._dental_loyalty_today(),
                company.dental_loyalty_tier_window_months,
            )
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
            if basis == "amount":
                # Money refunded that no ledger line could carry (its points
                # were spent): its shortfall counts it off.
                Shortfall = self.env["dental.loyalty.shortfall"].sudo()
                for wallet, refunded in Shortfall._read_group(
                    [
                        ("wallet_id", "in", wallets.ids),
                        ("date", ">=", start),
                        ("paid_amount", "!=", 0),
                    ],
                    ["wallet_id"],
                    ["paid_amount:sum"],
                ):
                    figures[wallet.id] += refunded
        return figures

    def _evaluate_tier(self, allow_downgrade=False, grace=False):
        """Move each unpinned wallet to the tier its qualifying figure earns, and
        tell the patients now close to the next tier. Upgrades happen whenever
        this runs; downgrades only when allowed (the daily re-evaluation), and
        with ``grace`` not before the company's grace period after the tier was
        reached."""
        Tier = self.env["dental.loyalty.tier"]
        ladders = {company.id: Tier._ladder(company.id) for company in self.company_id}
        # Each clinic's day: a cashier of two clinics moves both on their own.
        today = {
            company: company._dental_loyalty_today() for company in self.company_id
        }
        downgradable = {
            wallet
            for wallet in self
            if allow_downgrade
            and (
                not grace
                or downgrade_allowed(
                    wallet.tier_date or None,
                    wallet.company_id.dental_loyalty_tier_grace_days,
                    today[wallet.company_id],
                )
            )
        }

        # Nothing to gain for patients already on the top tier; a family
        # member's tier is the family's.
        wallets = self.filtered(
            lambda w: (
                not w.tier_pinned
                and not w.points_with_family
                and (
                    w in downgradable
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
                    ladder,
                    figures[wallet.id],
                    wallet.tier_id.id,
                    wallet in downgradable,
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
        nearing = {}
        for wallet in self:
            company = wallet.company_id
            near = near_next_tier(
                ladders[company.id],
                figures.get(wallet.id, 0.0),
                wallet.tier_id.id,
                company.dental_loyalty_near_tier_share,
            )
            if near and near[0].id != wallet.near_tier_announced_id.id:
                nearing[wallet] = near
        hearing = self._hearing_of(nearing, "near_tier")
        announced = defaultdict(self.browse)
        for wallet, near in nearing.items():
            # Worded only for the patients a message reaches: a nightly job
            # finds thousands near a tier.
            if wallet in hearing:
                wallet._notify_near_tier(*near, audience=hearing[wallet])
            announced[near[0].id] |= wallet
        for tier_id, wallets in announced.items():
            # The engine's bookkeeping: users only read wallets.
            wallets.sudo().write({"near_tier_announced_id": tier_id})

    def _hearing_of(self, wallets, event):
        """{wallet: its patient's audience} of those of ``wallets`` whose
        patient a message of ``event`` reaches (``_audience``, narrowed to the
        patient), asked per company for all of them at once: telling each one
        asks nothing more."""
        Dispatcher = self.env["dental.loyalty.dispatcher"]
        hearing = {}
        for company, company_wallets in (
            self.browse([wallet.id for wallet in wallets]).grouped("company_id").items()
        ):
            message, by_mail, by_sms = Dispatcher._audience(
                company_wallets.partner_id, event, company
            )
            by_mail_ids, by_sms_ids = set(by_mail.ids), set(by_sms.ids)
            for wallet in company_wallets:
                partner_id = wallet.partner_id.id
                if partner_id in by_mail_ids or partner_id in by_sms_ids:
                    hearing[wallet] = (
                        message,
                        by_mail.browse(partner_id if partner_id in by_mail_ids else []),
                        by_sms.browse(partner_id if partner_id in by_sms_ids else []),
                    )
        return hearing

    def _notify_near_tier(self, step_tier, missing, audience=None):
        self.ensure_one()
        partner = self.partner_id
        in_lang = partner.with_context(lang=partner.lang or self.env.lang)
        tier = in_lang.env["dental.loyalty.tier"].browse(step_tier.id)
        self.env["dental.loyalty.dispatcher"]._notify(
            partner,
            "near_tier",
            self.company_id,
            audience=audience,
            tier=tier.name,
            missing=in_lang._loyalty_next_tier_text(
                (step_tier, missing), self.company_id
            ),
        )

    def _set_tier(self, tier, pinned=False, reason=None):
        """Give the wallets ``tier``, say so on each patient's chatter (and on
        the wallet's for a pin: who did it and why), and tell each patient whose
        tier changed, up or down, pins included."""
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
        if pinned:
            # A move the rules made is in the wallet's tier history (its form
            # lists it); a second note on the wallet for each of the nightly
            # job's thousands would cost as much as the rest of the job.
            self._log_on_wallets(bodies)
        # Tier fields are the engine's to set: users only read them. The notes say
        # why; tracking would post one message per wallet, and the nightly job
        # moves thousands.
        for company, wallets in self.grouped("company_id").items():
            wallets.sudo().with_context(mail_notrack=True).write(
                {
                    "tier_id": tier.id,
                    "tier_date": company._dental_loyalty_today(),
                    "tier_pinned": pinned,
                    "tier_pin_reason": pinned and reason,
                    "near_tier_announced_id": False,
                }
            )
        self.env["dental.loyalty.tier.history"]._record(previous, pinned)
        # A first tier given to a wallet that had none is no news.
        changed = [
            wallet for wallet, old in previous.items() if tier and old and old != tier
        ]
        hearing = self._hearing_of(changed, "tier_change")
        for wallet in changed:
            if wallet in hearing:
                wallet._notify_tier_change(
                    tier, previous[wallet], audience=hearing[wallet]
                )

    def _notify_tier_change(self, tier, previous, audience=None):
        self.ensure_one()
        partner = self.partner_id
        Tier = self.env["dental.loyalty.tier"].with_context(
            lang=partner.lang or self.env.lang
        )
        self.env["dental.loyalty.dispatcher"]._notify(
            partner,
            "tier_change",
            self.company_id,
            audience=audience,
            tier=Tier.browse(tier.id).name,
            previous_tier=Tier.browse(previous.id).name,
            up=tier.threshold > previous.threshold,
        )

    def _tier_due_domain(self, today=None):
        """Unpinned wallets not evaluated yet on ``today`` (by default each
        clinic's own)."""
        if today:
            evaluated_before = [("tier_evaluated_date", "<", today)]
        else:
            evaluated_before = self.env["res.company"]._dental_loyalty_day_domain(
                "tier_evaluated_date", "<"
            )
        return [
            ("tier_pinned", "=", False),
            "|",
            ("tier_evaluated_date", "=", False),
            *evaluated_before,
        ]

    @api.model
    def _cron_evaluate_tiers(self, batch_size=1000):
        """Daily: re-evaluate unpinned wallets, downgrades included once the grace
        period after reaching the tier is over, one batch per call; the
        scheduler commits and calls again while some are left, so the front desk
        never waits on thousands of wallets. Returns what is left."""
        domain = self._tier_due_domain()
        found = self.search(domain, limit=batch_size, order=self._TIER_DUE_ORDER)
        # Wallets a register holds are left, without waiting, for the next run.
        # The progress mark (the clinic's day) is set with the lock, in the one
        # write of the rows: not a change anyone made, no chatter, no recompute.
        batch = self.browse()
        for company, wallets in found.grouped("company_id").items():
            batch |= wallets & self._lock_for_job(
                wallets.ids,
                mark={"tier_evaluated_date": company._dental_loyalty_today()},
            )
        batch._evaluate_tier(allow_downgrade=True, grace=True)
        remaining = (
            self.search_count(domain, limit=self._left_counted_up_to(batch_size))
            if len(found) == batch_size or len(batch) < len(found)
            else 0
        )
        self.env["ir.cron"]._notify_progress(done=len(batch), remaining=remaining)
        return remaining
