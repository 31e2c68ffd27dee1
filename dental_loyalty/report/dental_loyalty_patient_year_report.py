from odoo import fields, models
from odoo.tools import SQL

# Paid sales: what Point of Sale's own reports count as sold.
_PAID_STATES = ("paid", "done", "invoiced")


class DentalLoyaltyPatientYearReport(models.Model):
    """Members and other patients: one row per patient, company, year and
    membership at the time of the visits, from the paid sales with a patient.
    Its measures average over these rows: visits and revenue per patient per
    year, and the share of patients coming back within the recall interval."""

    _name = "dental.loyalty.patient.year.report"
    _inherit = ["dental.loyalty.report.view"]
    _description = "Members and Other Patients"
    _auto = False
    _order = "date desc, partner_id"
    _rec_name = "partner_id"

    partner_id = fields.Many2one("res.partner", string="Patient", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    date = fields.Date(string="Year", readonly=True)
    membership = fields.Selection(
        [("member", "Member"), ("other", "Other Patient")],
        readonly=True,
        help="Member: the patient had joined the loyalty programme on the day of "
        "the visit. A patient who joined during the year has a row for the visits "
        "before joining and one for those after.",
    )
    tier_id = fields.Many2one(
        "dental.loyalty.tier",
        readonly=True,
        help="Members' tier at the end of the year, from the tier history; the "
        "wallet's tier today when the history does not go back that far.",
    )
    visits = fields.Float(
        string="Visits per Patient",
        aggregator="avg",
        readonly=True,
        help="Paid sales in the year, refunds not counted.",
    )
    revenue = fields.Monetary(
        string="Revenue per Patient",
        aggregator="avg",
        readonly=True,
        help="Total of the paid sales of the year, net of refunds made in it.",
    )
    came_back = fields.Float(
        string="Coming Back (%)",
        aggregator="avg",
        readonly=True,
        help="100 when one of the year's visits was followed by another on a later "
        "day within the recall interval, else 0; its average is the share of "
        "patients coming back. The interval is the longest recall interval of the "
        "clinic's recall services, or the company's dormancy period (Dormant After) "
        "when it has no recall service.",
    )
    recall_months = fields.Integer(
        string="Recall Interval (months)", aggregator="max", readonly=True
    )

    def _query(self):
        return SQL(
            """
            WITH paid AS (
                SELECT o.id, o.partner_id, o.company_id, o.amount_total,
                       o.date_order::date AS day,
                       NOT EXISTS (
                           SELECT 1 FROM pos_order_line l
                            WHERE l.order_id = o.id
                              AND l.refunded_orderline_id IS NOT NULL
                       ) AS is_visit
                  FROM pos_order o
                 WHERE o.partner_id IS NOT NULL AND o.state IN %(states)s
            ), visit_days AS (
                SELECT partner_id, company_id, day,
                       LEAD(day) OVER (
                           PARTITION BY partner_id, company_id ORDER BY day
                       ) AS next_day
                  FROM paid
                 WHERE is_visit
              GROUP BY partner_id, company_id, day
            ), recall AS (
                SELECT c.id AS company_id, c.currency_id,
                       COALESCE(
                           (SELECT MAX(t.dental_loyalty_recall_months)
                              FROM product_template t
                             WHERE t.dental_loyalty_recall AND t.active
                               AND t.dental_loyalty_recall_months > 0
                               AND (t.company_id IS NULL OR t.company_id = c.id)),
                           c.dental_loyalty_dormant_months, 0
                       ) AS months
                  FROM res_company c
            ), grouped AS (
                SELECT MIN(p.id) AS id, p.partner_id, p.company_id, r.currency_id,
                       date_trunc('year', p.day)::date AS date,
                       w.id AS wallet_id, w.tier_id AS wallet_tier_id,
                       COALESCE(w.member_since <= p.day, FALSE) AS is_member,
                       COUNT(*) FILTER (WHERE p.is_visit) AS visits,
                       SUM(p.amount_total) AS revenue,
                       BOOL_OR(
                           v.next_day <= p.day + make_interval(months => r.months)
                       ) AS came_back,
                       r.months AS recall_months
                  FROM paid p
                  JOIN recall r ON r.company_id = p.company_id
             LEFT JOIN dental_loyalty_wallet w
                    ON w.partner_id = p.partner_id AND w.company_id = p.company_id
             LEFT JOIN visit_days v
                    ON p.is_visit AND v.partner_id = p.partner_id
                   AND v.company_id = p.company_id AND v.day = p.day
              GROUP BY p.partner_id, p.company_id, r.currency_id, r.months,
                       date_trunc('year', p.day), w.id, w.tier_id,
                       COALESCE(w.member_since <= p.day, FALSE)
                HAVING COUNT(*) FILTER (WHERE p.is_visit) > 0
            )
            SELECT g.id, g.partner_id, g.company_id, g.currency_id, g.date,
                   CASE WHEN g.is_member THEN 'member' ELSE 'other' END AS membership,
                   CASE WHEN g.is_member
                        THEN COALESCE(h.tier_id, g.wallet_tier_id) END AS tier_id,
                   g.visits, g.revenue,
                   CASE WHEN g.came_back THEN 100.0 ELSE 0.0 END AS came_back,
                   g.recall_months
              FROM grouped g
         LEFT JOIN LATERAL (
                   SELECT tier_id FROM dental_loyalty_tier_history
                    WHERE wallet_id = g.wallet_id
                      AND date < g.date + interval '1 year'
                 ORDER BY date DESC, id DESC
                    LIMIT 1
              ) h ON g.is_member
            """,
            states=_PAID_STATES,
        )
