from odoo import api, fields, models
from odoo.tools import SQL


class DentalLoyaltyTierHistory(models.Model):
    """Every tier a wallet was given, and when: the reports read a patient's
    tier on a past day here, not on today's wallet. Written by the engine only,
    one ``create`` per batch of wallets moved."""

    _name = "dental.loyalty.tier.history"
    _description = "Loyalty Tier History"
    _order = "date desc, id desc"
    _rec_name = "tier_id"

    wallet_id = fields.Many2one(
        "dental.loyalty.wallet",
        required=True,
        index=True,
        readonly=True,
        # A wallet folded into another by a contact merge goes, and its tiers
        # with it: the kept wallet's history is the patient's from then on.
        ondelete="cascade",
    )
    partner_id = fields.Many2one(
        "res.partner", string="Patient", required=True, index=True, readonly=True
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, readonly=True
    )
    tier_id = fields.Many2one("dental.loyalty.tier", readonly=True, ondelete="restrict")
    previous_tier_id = fields.Many2one(
        "dental.loyalty.tier",
        readonly=True,
        ondelete="restrict",
    )
    date = fields.Date(required=True, index=True, readonly=True)
    change = fields.Selection(
        [
            ("first", "First Tier"),
            ("up", "Up"),
            ("down", "Down"),
            ("pinned", "Pinned"),
        ],
        required=True,
        readonly=True,
        help="First: the wallet's first tier. Up and down: by the ladder's "
        "thresholds. Pinned: set by hand by a manager.",
    )

    @api.model
    def _change(self, previous, tier, pinned):
        """What moving from ``previous`` to ``tier`` is, ordered as the ladder
        orders tiers (threshold, then sequence and id for ties)."""
        if pinned:
            return "pinned"
        if not previous:
            return "first"

        def rank(t):
            return (t.threshold, t.sequence, t.id) if t else (-1, -1, -1)

        return "up" if rank(tier) > rank(previous) else "down"

    @api.model
    def _record(self, previous, pinned=False):
        """Write the history of the wallets of ``previous`` ({wallet: tier
        before}) after their tier was set: one row per wallet whose tier
        changed (or was pinned), on its tier date, in one create."""
        today = self.env.company._dental_loyalty_today()
        vals_list = [
            {
                "wallet_id": wallet.id,
                "partner_id": wallet.partner_id.id,
                "company_id": wallet.company_id.id,
                "tier_id": wallet.tier_id.id,
                "previous_tier_id": old.id,
                "date": wallet.tier_date or today,
                "change": self._change(old, wallet.tier_id, pinned),
            }
            for wallet, old in previous.items()
            if (pinned or old != wallet.tier_id) and (old or wallet.tier_id)
        ]
        # The engine's records: nobody, managers included, writes them.
        moves = self.sudo().create(vals_list)
        # The wallets' list of their moves is computed: read it anew.
        moves.wallet_id.invalidate_recordset(["tier_history_ids"])
        return moves

    @api.model
    def _tier_at(self, wallets, day):
        """{wallet id: tier} the wallets held at the end of ``day``: their last
        history row on or before it. A wallet without one (opened later, or
        with no tier) is not in the answer."""
        if not wallets:
            return {}
        self.flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT DISTINCT ON (wallet_id) wallet_id, tier_id
                  FROM dental_loyalty_tier_history
                 WHERE wallet_id IN %s AND date <= %s
              ORDER BY wallet_id, date DESC, id DESC
                """,
                tuple(wallets.ids),
                day,
            )
        )
        Tier = self.env["dental.loyalty.tier"]
        return {
            wallet_id: Tier.browse(tier_id)
            for wallet_id, tier_id in self.env.cr.fetchall()
            if tier_id
        }


class DentalLoyaltyWallet(models.Model):
    # One concern per file, as Odoo core splits its big models.
    _inherit = "dental.loyalty.wallet"  # pylint: disable=consider-merging-classes-inherited

    # The wallet's moves, for its form: managers' only, and computed, not a
    # one2many, which the ORM searches without the comodel's access rights (a
    # domain on the moves' ids traced them to their wallets for anyone).
    tier_history_ids = fields.Many2many(
        "dental.loyalty.tier.history",
        compute="_compute_tier_history_ids",
        search="_search_tier_history_ids",
        groups="dental_loyalty.group_dental_loyalty_manager",
    )

    def _search_tier_history_ids(self, operator, value):
        # The moves are searched in their own report, with their access rights.
        raise NotImplementedError(self.env._("Operation not supported"))

    def _compute_tier_history_ids(self):
        moves = (
            self.env["dental.loyalty.tier.history"]
            .search([("wallet_id", "in", self.ids)])
            .grouped("wallet_id")
        )
        for wallet in self:
            wallet.tier_history_ids = moves.get(
                wallet, self.env["dental.loyalty.tier.history"]
            )

    @api.model_create_multi
    def create(self, vals_list):
        """A wallet opened with a tier (the ladder's floor) starts its history."""
        wallets = super().create(vals_list)
        self.env["dental.loyalty.tier.history"]._record(
            {wallet: wallet.tier_id.browse() for wallet in wallets}
        )
        return wallets
