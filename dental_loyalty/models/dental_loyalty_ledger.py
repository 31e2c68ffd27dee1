from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import create_index


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
            ("rule", "Earning rule bonus"),
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
        string="Total After",
        readonly=True,
        help="The patient's total points (spendable and pending) after this line, "
        "in the order lines were posted.",
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
    date = fields.Date(
        required=True,
        readonly=True,
        default=lambda self: self.env.company._dental_loyalty_today(),
    )
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
    # Stored, as on Odoo's sale order lines: a new line's paid amount is cached
    # in it, and a related one was computed for the whole batch being created,
    # reading back the company of each line just inserted.
    currency_id = fields.Many2one(
        related="company_id.currency_id", store=True, precompute=True
    )
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
    # What an earning rule gave a sale, and on what: the rule may change or be
    # archived later, these never do.
    earning_rule_id = fields.Many2one(
        "dental.loyalty.earning.rule",
        index="btree_not_null",
        ondelete="restrict",
        readonly=True,
        help="The earning rule that gave these points.",
    )
    rule_basis = fields.Float(
        digits=(16, 4),
        readonly=True,
        help="What the rule's factor applied to: the base points of its lines "
        "for a multiplier; the units, lines or bill of its services paid with "
        "money for a bonus.",
    )
    rule_factor = fields.Float(
        digits=(16, 4),
        readonly=True,
        help="Points per unit of the basis the rule gave when these points were "
        "earned (a multiplier of 2 adds the base points once: 1), before the "
        "tier multiplier.",
    )
    rule_cap = fields.Integer(
        readonly=True,
        help="The rule's cap for the patient in its period when these points "
        "were earned; 0: none.",
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
        # The nightly expiry and its warnings look for lots by their expiry
        # date across every wallet: without it each batch reads all open lots.
        create_index(
            self.env.cr,
            "dental_loyalty_ledger_expiring_lots_idx",
            self._table,
            ["expiry_date"],
            where="remaining_points > 0",
        )
        # The expiry warnings take their batch's wallets from the lots not yet
        # announced in expiry order: a lot leaves this index once told (or
        # spent), so each batch reads only the lots it takes, however many
        # patients are due. The predicate is the one the ORM writes for
        # ``expiry_warned = False``, so that PostgreSQL proves the query's
        # WHERE implies it; keyed like the index above, it is then the
        # cheaper of the two (no filter), which the planner picks.
        create_index(
            self.env.cr,
            "dental_loyalty_ledger_unwarned_lots_idx",
            self._table,
            ["expiry_date"],
            where="remaining_points > 0"
            " AND (expiry_warned IS NULL OR expiry_warned = FALSE)",
        )
        # The nightly release takes its batches of due lots in this order. Its
        # predicate is the ORM's for ``is_released = False`` (see above): with
        # ``IS NOT TRUE`` the planner could not use it and walked the primary
        # key, past every released line, for each batch and for its count.
        self.env.cr.execute("DROP INDEX IF EXISTS dental_loyalty_ledger_unreleased_idx")
        create_index(
            self.env.cr,
            "dental_loyalty_ledger_due_lots_idx",
            self._table,
            ["available_date", "id"],
            where="points > 0 AND (is_released IS NULL OR is_released = FALSE)",
        )
        # Every lock of a wallet (each reserve and sync) asks for its first lot
        # still waiting, for the catch-up: found among the waiting lots alone,
        # not past every line of a long history. The ORM's predicate again,
        # which the lock's statement writes too.
        create_index(
            self.env.cr,
            "dental_loyalty_ledger_waiting_lots_idx",
            self._table,
            ["wallet_id", "available_date"],
            where="points > 0 AND (is_released IS NULL OR is_released = FALSE)",
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
    def _prepare_create_values(self, vals_list):
        # The ORM caches a new line's values in their order, the paid amount
        # rounded in the line's currency: the currency (precomputed, so last)
        # goes first, or the ORM reads it back from the row it has just inserted.
        return [
            {"currency_id": vals["currency_id"], **vals}
            for vals in super()._prepare_create_values(vals_list)
        ]

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
        return ["earn", "earn_reversal", "recall", "rule"]

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
