from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import SQL, split_every

from ..rules import evaluate_tier, window_start


class DentalLoyaltyWallet(models.Model):
    """A patient's points in one company: the cached sums of its ledger lines and
    the tier they hold. The row is also what a spend locks."""

    _name = "dental.loyalty.wallet"
    _description = "Loyalty Wallet"
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
    tier_id = fields.Many2one(
        "dental.loyalty.tier",
        index=True,
        ondelete="restrict",
        check_company=True,
        readonly=True,
    )
    tier_date = fields.Date(string="Tier Since", readonly=True)
    tier_pinned = fields.Boolean(
        readonly=True,
        help="The tier was set by hand and is not re-evaluated.",
    )

    _sql_constraints = [
        (
            "partner_company_uniq",
            "unique(partner_id, company_id)",
            "A patient has one wallet per company.",
        ),
    ]

    @api.depends("line_ids.points", "line_ids.remaining_points", "line_ids.is_released")
    def _compute_points(self):
        earning_kinds = self.env["dental.loyalty.ledger"]._earning_kinds()
        sums = defaultdict(lambda: defaultdict(int))
        groups = self.env["dental.loyalty.ledger"]._read_group(
            [("wallet_id", "in", self._origin.ids)],
            ["wallet_id", "kind", "is_released"],
            ["points:sum", "remaining_points:sum"],
        )
        for wallet, kind, released, points, remaining in groups:
            figures = sums[wallet.id]
            figures["balance"] += points
            figures["available" if released else "pending"] += remaining
            if kind in earning_kinds:
                figures["lifetime"] += points
        for wallet in self:
            figures = sums[wallet._origin.id]
            wallet.points_balance = figures["balance"]
            wallet.points_available = figures["available"]
            wallet.points_pending = figures["pending"]
            wallet.points_lifetime = figures["lifetime"]

    @api.model
    def _get_for_partners(self, partners, company=None):
        """The wallets of ``partners`` in ``company``, created when missing."""
        company = company or self.env.company
        # Only partner_id now: a spend locks the wallet before reading its figures.
        wallets = self.search_fetch(
            [("partner_id", "in", partners.ids), ("company_id", "=", company.id)],
            ["partner_id"],
        )
        missing = partners - wallets.partner_id
        if missing:
            # Wallets belong to the loyalty engine: nobody creates them by hand.
            wallets |= (
                self.sudo()
                .create(
                    [{"partner_id": p.id, "company_id": company.id} for p in missing]
                )
                .sudo(self.env.su)
            )
        return wallets

    def _lock_for_update(self):
        """Hold the wallet rows until the end of the transaction, so two terminals
        spending for one patient are served one after the other, and release the
        lots whose waiting period is over so the wallet is up to date."""
        # Once per wallet and transaction: precommit data dies with the transaction.
        locked = self.env.cr.precommit.data.setdefault(
            "dental_loyalty.locked_wallet_ids", set()
        )
        to_lock = self.filtered(lambda wallet: wallet.id not in locked)
        if not to_lock:
            return
        self.env.cr.execute(
            SQL(
                "SELECT id FROM dental_loyalty_wallet WHERE id IN %s "
                "ORDER BY id FOR UPDATE",
                tuple(to_lock.ids),
            )
        )
        locked.update(to_lock.ids)
        # What was read before the lock may be stale.
        to_lock.invalidate_recordset()
        waiting = to_lock.filtered("points_pending")
        if waiting:
            self.env["dental.loyalty.ledger"]._release_due_lots(waiting)

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

    def _evaluate_tier(self, allow_downgrade=False):
        """Move each unpinned wallet to the tier its qualifying figure earns.
        Upgrades happen whenever this runs; downgrades only when allowed (the
        daily re-evaluation)."""
        Tier = self.env["dental.loyalty.tier"]
        ladders = {company.id: Tier._ladder(company.id) for company in self.company_id}
        wallets = self.filtered(lambda w: not w.tier_pinned)
        if not allow_downgrade:
            # Nothing to gain for patients already on the top tier.
            wallets = wallets.filtered(
                lambda w: (
                    not w.tier_id
                    or w.tier_id.id != Tier._top_of(ladders[w.company_id.id])
                )
            )
        figures = wallets._qualifying_figures()
        moves = defaultdict(self.browse)
        for company, company_wallets in wallets.grouped("company_id").items():
            ladder = ladders[company.id]
            for wallet in company_wallets:
                tier_id = evaluate_tier(
                    ladder, figures[wallet.id], wallet.tier_id.id, allow_downgrade
                )
                if tier_id != wallet.tier_id.id:
                    moves[tier_id] |= wallet
        for tier_id, moved in moves.items():
            moved._set_tier(self.env["dental.loyalty.tier"].browse(tier_id))
        return moves

    def _set_tier(self, tier, pinned=False, reason=None):
        """Give the wallets ``tier`` and say so on each patient's chatter."""
        today = fields.Date.context_today(self)
        no_tier = self.env._("no tier")
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
        # Tier fields are the engine's to set: users only read them.
        self.sudo().write(
            {"tier_id": tier.id, "tier_date": today, "tier_pinned": pinned}
        )

    def _post_on_patient(self, body):
        self.ensure_one()
        self._log_on_patients({self: body})

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

    @api.model
    def _cron_evaluate_tiers(self, batch_size=2000):
        """Daily: re-evaluate every unpinned wallet, downgrades included."""
        wallet_ids = self.search([("tier_pinned", "=", False)]).ids
        done = 0
        for batch in split_every(batch_size, wallet_ids, self.browse):
            batch._evaluate_tier(allow_downgrade=True)
            done += len(batch)
            self.env["ir.cron"]._notify_progress(
                done=done, remaining=len(wallet_ids) - done
            )
            self.env.invalidate_all()
