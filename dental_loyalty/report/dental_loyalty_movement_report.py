from odoo import fields, models
from odoo.tools import SQL

# Every kind of ledger line reads as one movement of the report; an earning's
# services' bonus is split off it into "services_bonus" by the view itself.
MOVEMENT_CATEGORIES = [
    ("earned", "Earned"),
    ("services_bonus", "Services bonus"),
    ("rules", "Earning rules"),
    ("recall", "Recall bonus"),
    ("gift", "Birthday and anniversary gifts"),
    ("referral", "Referral bonus"),
    ("transfer_in", "Family transfer in"),
    ("transfer_out", "Family transfer out"),
    ("spent_register", "Spent at the register"),
    ("spent_rewards", "Spent on rewards"),
    ("given_back", "Given back by a refund"),
    ("taken_back", "Taken back by a refund"),
    ("voucher_cancelled", "Voucher cancelled"),
    ("expired", "Expired"),
    ("adjusted", "Adjusted"),
]

KIND_CATEGORY = {
    "earn": "earned",
    "spend": "spent_register",
    "expire": "expired",
    "adjust": "adjusted",
    "earn_reversal": "taken_back",
    "spend_return": "given_back",
    "redeem": "spent_rewards",
    "redeem_return": "voucher_cancelled",
    "birthday": "gift",
    "anniversary": "gift",
    "recall": "recall",
    "rule": "rules",
    "transfer_out": "transfer_out",
    "transfer_in": "transfer_in",
    "referral": "referral",
    # Both bonuses of a referral are taken back when its first visit is refunded.
    "referral_reversal": "taken_back",
}


class DentalLoyaltyMovementReport(models.Model):
    """The ledger read by month and movement: one row per ledger line, two for
    an earning with a services' bonus (its base and its bonus); an earning
    rule's lines name their rule."""

    _name = "dental.loyalty.movement.report"
    _inherit = ["dental.loyalty.report.view"]
    _description = "Loyalty Points Movements"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "line_id"

    line_id = fields.Many2one(
        "dental.loyalty.ledger", string="Ledger Line", readonly=True
    )
    date = fields.Date(readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    wallet_id = fields.Many2one("dental.loyalty.wallet", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Patient", readonly=True)
    member_id = fields.Many2one("res.partner", readonly=True)
    kind = fields.Selection(
        selection=lambda self: (
            self.env["dental.loyalty.ledger"]
            ._fields["kind"]
            ._description_selection(self.env)
        ),
        string="Ledger Movement",
        readonly=True,
    )
    category = fields.Selection(MOVEMENT_CATEGORIES, readonly=True)
    points = fields.Integer(readonly=True)
    worth = fields.Monetary(
        currency_field="currency_id",
        readonly=True,
        help="The points times what a point is worth: the value the line was "
        "posted at when it has one, else the clinic's point value.",
    )
    tier_id = fields.Many2one("dental.loyalty.tier", readonly=True)
    practitioner_id = fields.Many2one("hr.employee", readonly=True)
    pos_order_id = fields.Many2one("pos.order", string="POS Order", readonly=True)
    earning_rule_id = fields.Many2one("dental.loyalty.earning.rule", readonly=True)

    def _tier_sql(self):
        """The tier a row is reported under: the wallet's tier today, which
        groups a million lines at the cost of a join (the tier a wallet held on
        a day is the tier history's, see the liability and tier reports)."""
        return SQL("wallet.tier_id")

    def _category_sql(self):
        cases = SQL(" ").join(
            SQL("WHEN %s THEN %s", kind, category)
            for kind, category in KIND_CATEGORY.items()
        )
        return SQL("CASE line.kind %s END", cases)

    def _bonus_sql(self):
        """The services' bonus of an earning as the engine earned it: its basis
        times the tier multiplier, whole points, never more than the line."""
        return SQL(
            """
            LEAST(line.points, GREATEST(0, FLOOR(ROUND((
                COALESCE(line.bonus_basis, 0)
                * COALESCE(NULLIF(line.tier_multiplier, 0), 1)
            )::numeric, 6))))::int
            """
        )

    def _part_sql(self, is_bonus):
        """The rows of every line (less an earning's bonus), or of the bonuses
        alone: two scans rather than a row doubled per line, twice as fast."""
        bonus = self._bonus_sql()
        if is_bonus:
            category, points = SQL("'services_bonus'"), bonus
            where = SQL("line.kind = 'earn' AND line.bonus_basis > 0 AND %s > 0", bonus)
        else:
            category = self._category_sql()
            points = SQL(
                "line.points - CASE WHEN line.kind = 'earn' AND line.bonus_basis > 0 "
                "THEN %s ELSE 0 END",
                bonus,
            )
            where = SQL("%s <> 0", points)
        return SQL(
            """
            SELECT line.id * 2 + %(offset)s AS id,
                   line.id AS line_id,
                   line.date,
                   line.company_id,
                   company.currency_id,
                   line.wallet_id,
                   line.partner_id,
                   COALESCE(line.member_id, line.partner_id) AS member_id,
                   line.kind,
                   %(category)s AS category,
                   %(points)s AS points,
                   (%(points)s) * COALESCE(
                       NULLIF(line.point_value, 0),
                       company.dental_loyalty_point_value,
                       0
                   ) AS worth,
                   %(tier)s AS tier_id,
                   o.dental_loyalty_practitioner_id AS practitioner_id,
                   line.pos_order_id,
                   line.earning_rule_id
              FROM dental_loyalty_ledger line
              JOIN dental_loyalty_wallet wallet ON wallet.id = line.wallet_id
              JOIN res_company company ON company.id = line.company_id
         LEFT JOIN pos_order o ON o.id = line.pos_order_id
             WHERE %(where)s
            """,
            offset=int(is_bonus),
            category=category,
            points=points,
            tier=self._tier_sql(),
            where=where,
        )

    def _query(self):
        return SQL(
            "%s UNION ALL %s",
            self._part_sql(is_bonus=False),
            self._part_sql(is_bonus=True),
        )
