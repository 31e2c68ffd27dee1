from odoo import fields, models
from odoo.tools import SQL

# Lots given, not earned by a bill: what they cost is their worth once spent.
GIFTED_KINDS = ("birthday", "anniversary", "referral")
SPENDING_KINDS = ("spend", "redeem")


class DentalLoyaltyGiftPointsReport(models.Model):
    """Birthday, anniversary and referral points at their worth when spent:
    one row per part of a gifted lot that a spend at the register or a reward
    took, read from the ledger's takes (``dental_loyalty_ledger_take``)."""

    _name = "dental.loyalty.gift.points.report"
    _inherit = ["dental.loyalty.report.view"]
    _description = "Loyalty Gifted Points Spent"
    _auto = False
    _order = "date desc, id desc"

    date = fields.Date(readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    wallet_id = fields.Many2one("dental.loyalty.wallet", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Patient", readonly=True)
    line_id = fields.Many2one(
        "dental.loyalty.ledger", string="Spending Line", readonly=True
    )
    lot_id = fields.Many2one(
        "dental.loyalty.ledger", string="Gifted Lot", readonly=True
    )
    gift_kind = fields.Selection(
        selection=[
            ("birthday", "Birthday gift"),
            ("anniversary", "Anniversary gift"),
            ("referral", "Referral bonus"),
        ],
        string="Gifted As",
        readonly=True,
    )
    spent_on = fields.Selection(
        selection=[("spend", "At the register"), ("redeem", "On a reward")],
        string="Spent",
        readonly=True,
    )
    practitioner_id = fields.Many2one("hr.employee", readonly=True)
    points = fields.Integer(readonly=True)
    worth = fields.Monetary(
        currency_field="currency_id",
        readonly=True,
        help="The points at what a point was worth when they were spent (the "
        "clinic's point value for a reward).",
    )

    def _query(self):
        return SQL(
            """
            SELECT take.id,
                   line.date,
                   line.company_id,
                   company.currency_id,
                   line.wallet_id,
                   line.partner_id,
                   line.id AS line_id,
                   lot.id AS lot_id,
                   lot.kind AS gift_kind,
                   line.kind AS spent_on,
                   o.dental_loyalty_practitioner_id AS practitioner_id,
                   take.points,
                   take.points * COALESCE(
                       NULLIF(line.point_value, 0),
                       company.dental_loyalty_point_value,
                       0
                   ) AS worth
              FROM dental_loyalty_ledger_take take
              JOIN dental_loyalty_ledger line ON line.id = take.line_id
              JOIN dental_loyalty_ledger lot ON lot.id = take.lot_id
              JOIN res_company company ON company.id = line.company_id
         LEFT JOIN pos_order o ON o.id = line.pos_order_id
             WHERE lot.kind IN %s AND line.kind IN %s
            """,
            GIFTED_KINDS,
            SPENDING_KINDS,
        )
