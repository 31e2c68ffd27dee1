from odoo import fields, models
from odoo.tools import SQL


class DentalLoyaltyTierDistributionReport(models.Model):
    """Which tier each wallet held at the end of each month, from the tier
    history: a wallet's tier on a day is its last history row on or before it,
    as ``dental.loyalty.tier.history._tier_at`` reads it. One row per wallet
    and month, from the history's first month to this one (or to the last
    change's, when the history holds changes dated ahead)."""

    _name = "dental.loyalty.tier.distribution.report"
    _inherit = ["dental.loyalty.report.view"]
    _description = "Loyalty Tier Distribution"
    _auto = False
    _order = "month desc, tier_id"
    _rec_name = "tier_id"

    month = fields.Date(readonly=True, help="The tier held at this month's end.")
    wallet_id = fields.Many2one("dental.loyalty.wallet", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Patient", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    tier_id = fields.Many2one("dental.loyalty.tier", readonly=True)

    def _query(self):
        return SQL(
            """
            WITH spans AS (
                SELECT id, wallet_id, partner_id, company_id, tier_id, date,
                       LEAD(date) OVER (
                           PARTITION BY wallet_id ORDER BY date, id
                       ) AS next_date
                  FROM dental_loyalty_tier_history
            ), months AS (
                SELECT generate_series(
                           date_trunc('month', MIN(date)),
                           date_trunc('month', GREATEST(MAX(date), CURRENT_DATE)),
                           interval '1 month'
                       )::date AS month
                  FROM dental_loyalty_tier_history
            )
            SELECT ROW_NUMBER() OVER (ORDER BY m.month, s.id) AS id,
                   m.month, s.wallet_id, s.partner_id, s.company_id, s.tier_id
              FROM months m
              JOIN spans s
                ON s.date < m.month + interval '1 month'
               AND (s.next_date IS NULL OR s.next_date >= m.month + interval '1 month')
             WHERE s.tier_id IS NOT NULL
            """
        )
