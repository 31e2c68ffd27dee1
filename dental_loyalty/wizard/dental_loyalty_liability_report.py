from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from ..models.dental_loyalty_input import check_record_ids
from ..rules import net_liability


class DentalLoyaltyLiabilityReport(models.TransientModel):
    """What the programme owes at a date: the points patients held at the end
    of that day, their worth, and that worth net of the breakage expected from
    the rate of a period (by default the 12 months before the date)."""

    _name = "dental.loyalty.liability.report"
    _description = "Loyalty Points Liability Report"
    # Checks the types and ranges of what a form or a forged call sends.
    _inherit = ["dental.loyalty.wizard.input"]

    date = fields.Date(
        string="At the End of",
        required=True,
        default=lambda self: self.env.company._dental_loyalty_today(),
    )
    breakage_date_from = fields.Date(
        string="Breakage From",
        required=True,
        compute="_compute_breakage_period",
        store=True,
        readonly=False,
        precompute=True,
    )
    breakage_date_to = fields.Date(
        string="Breakage To",
        required=True,
        compute="_compute_breakage_period",
        store=True,
        readonly=False,
        precompute=True,
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        default=lambda self: self.env.company,
        domain=lambda self: [("id", "in", self.env.companies.ids)],
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    breakage_rate = fields.Float(
        compute="_compute_figures",
        help="Points expired over points that reached their expiry, for the "
        "lots whose expiry date fell in the breakage period.",
    )
    points = fields.Integer(string="Points Held", compute="_compute_figures")
    spendable_points = fields.Integer(compute="_compute_figures")
    pending_points = fields.Integer(compute="_compute_figures")
    worth = fields.Monetary(compute="_compute_figures")
    net_worth = fields.Monetary(
        string="Net of Expected Breakage",
        compute="_compute_figures",
        help="The worth of the points held less the share the breakage rate "
        "expects to expire unspent.",
    )

    @api.depends("date", "company_id")
    def _compute_breakage_period(self):
        for report in self:
            day = report.date or report.company_id._dental_loyalty_today()
            report.breakage_date_to = day
            report.breakage_date_from = day - relativedelta(months=12, days=-1)

    @api.depends("date", "breakage_date_from", "breakage_date_to", "company_id")
    def _compute_figures(self):
        Liability = self.env["dental.loyalty.liability"]
        for report in self:
            company = report.company_id
            # The figures are read in SQL: only those of the user's companies.
            if not (
                report.date
                and report.breakage_date_from
                and company in self.env.companies
            ):
                report.update(dict.fromkeys(self._figure_names(), 0))
                continue
            figures = Liability._figures_at(company, report.date)
            rate = Liability._breakage_rate(
                company, report.breakage_date_from, report.breakage_date_to
            )
            report.update(
                {
                    "breakage_rate": rate,
                    "points": figures["points"],
                    "spendable_points": figures["spendable_points"],
                    "pending_points": figures["pending_points"],
                    "worth": figures["worth"],
                    "net_worth": net_liability(figures["worth"], rate),
                }
            )

    @api.model
    def _figure_names(self):
        return [
            "breakage_rate",
            "points",
            "spendable_points",
            "pending_points",
            "worth",
            "net_worth",
        ]

    @api.constrains("breakage_date_from", "breakage_date_to")
    def _check_breakage_period(self):
        for report in self:
            if report.breakage_date_from > report.breakage_date_to:
                raise ValidationError(
                    self.env._("The breakage period must end after it starts.")
                )

    @api.constrains("company_id")
    def _check_company_allowed(self):
        for report in self:
            if report.company_id not in self.env.companies:
                raise ValidationError(
                    self.env._("Choose one of the companies you work in.")
                )

    def action_open_lines(self):
        """The liability lines at the report's date, for the companies the
        user works in: pivot, graph and list."""
        check_record_ids(self, single=True)
        self.env["dental.loyalty.liability.line"]._fill(self, self.env.companies)
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Liability at %s", fields.Date.to_string(self.date)),
            "res_model": "dental.loyalty.liability.line",
            "view_mode": "pivot,graph,list",
            "domain": [("report_id", "=", self.id)],
            "context": {"search_default_group_company": 1},
            "target": "current",
        }


class DentalLoyaltyLiabilityLine(models.TransientModel):
    """Points held at the report's date by the patients of a company, of a
    tier, spendable or pending, expiring in a month: one SQL query fills them."""

    _name = "dental.loyalty.liability.line"
    _description = "Loyalty Points Liability Line"
    _order = "company_id, tier_id, state, expiry_month"

    report_id = fields.Many2one(
        "dental.loyalty.liability.report",
        required=True,
        index=True,
        ondelete="cascade",
        readonly=True,
    )
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    tier_id = fields.Many2one("dental.loyalty.tier", readonly=True)
    state = fields.Selection(
        [("spendable", "Spendable"), ("pending", "Pending")],
        string="Status",
        readonly=True,
    )
    expiry_month = fields.Date(string="Expires In", readonly=True)
    points = fields.Integer(readonly=True)
    worth = fields.Monetary(readonly=True)
    net_worth = fields.Monetary(string="Net of Expected Breakage", readonly=True)

    @api.model
    def _fill(self, report, companies):
        """Insert the lines of ``report`` for ``companies`` in one query; the
        breakage rates of its period come from one more."""
        Liability = self.env["dental.loyalty.liability"]
        rates = Liability._breakage_rates(
            companies, report.breakage_date_from, report.breakage_date_to
        )
        day = report.date
        self.env.cr.execute(
            SQL(
                """
                WITH held AS (%(held)s), tier AS (%(tier)s),
                rate AS (
                    SELECT * FROM unnest(%(company_ids)s::int[], %(rates)s::float[])
                        AS r(company_id, rate)
                )
                INSERT INTO dental_loyalty_liability_line
                    (report_id, company_id, tier_id, state, expiry_month, points,
                     worth, net_worth, create_uid, create_date, write_uid,
                     write_date)
                SELECT %(report)s, held.company_id, tier.tier_id,
                       CASE WHEN held.available_date <= %(day)s
                            THEN 'spendable' ELSE 'pending' END,
                       date_trunc('month', held.expiry_date)::date,
                       SUM(held.points),
                       SUM(held.points) * c.dental_loyalty_point_value,
                       SUM(held.points) * c.dental_loyalty_point_value
                           * (1 - COALESCE(rate.rate, 0)),
                       %(uid)s, now() at time zone 'UTC', %(uid)s,
                       now() at time zone 'UTC'
                  FROM held
                  JOIN res_company c ON c.id = held.company_id
                  LEFT JOIN tier ON tier.wallet_id = held.wallet_id
                  LEFT JOIN rate ON rate.company_id = held.company_id
                 GROUP BY held.company_id, tier.tier_id, 4, 5,
                          c.dental_loyalty_point_value, rate.rate
                """,
                held=Liability._held_lots_sql(companies, day),
                tier=Liability._tier_at_sql(day),
                company_ids=companies.ids,
                rates=[rates.get(company.id, 0.0) for company in companies],
                report=report.id,
                day=day,
                uid=self.env.uid,
            )
        )
