from datetime import datetime, time, timedelta

import pytz

from odoo import fields, models
from odoo.osv import expression
from odoo.tools import SQL

from .dental_loyalty_earning_rule_audience import PAID_STATES
from .dental_loyalty_input import check_record_ids

_MANAGERS = "dental_loyalty.group_dental_loyalty_manager"


# One concern per file, as Odoo core splits its big models.
# pylint: disable=consider-merging-classes-inherited
class DentalLoyaltyEarningRule(models.Model):
    """What a rule cost and what it brought, read from the ledger and the
    register's orders: the points its lines gave, what refunds took back of
    them, what spends took of them and at what a point was worth then; the
    visits for its services during the campaign against as long before."""

    _inherit = "dental.loyalty.earning.rule"

    currency_id = fields.Many2one(related="company_id.currency_id")
    results_points_given = fields.Integer(
        string="Points Given",
        compute="_compute_results_points",
        groups=_MANAGERS,
        help="The points this rule's ledger lines gave.",
    )
    results_points_taken_back = fields.Integer(
        string="Points Taken Back",
        compute="_compute_results_points",
        groups=_MANAGERS,
        help="Of those, what refunds took back.",
    )
    results_points_spent = fields.Integer(
        string="Points Spent",
        compute="_compute_results_points",
        groups=_MANAGERS,
        help="Of those, what patients spent: paying bills or buying rewards.",
    )
    results_spent_worth = fields.Monetary(
        string="Worth When Spent",
        currency_field="currency_id",
        compute="_compute_results_points",
        groups=_MANAGERS,
        help="The points spent times what a point was worth when each spend "
        "was made: what the campaign cost the clinic so far.",
    )
    results_date_from = fields.Date(
        string="Measured From",
        compute="_compute_results_visits",
        groups=_MANAGERS,
    )
    results_date_to = fields.Date(
        string="Measured To",
        compute="_compute_results_visits",
        groups=_MANAGERS,
    )
    results_before_from = fields.Date(
        string="Compared From",
        compute="_compute_results_visits",
        groups=_MANAGERS,
    )
    results_visits = fields.Integer(
        string="Visits During",
        compute="_compute_results_visits",
        groups=_MANAGERS,
        help="Paid visits with one of the rule's services (any, for a rule "
        "on every service) since the campaign started, up to its end or today.",
    )
    results_visits_before = fields.Integer(
        string="Visits Before",
        compute="_compute_results_visits",
        groups=_MANAGERS,
        help="The same visits in as many days just before the campaign started.",
    )

    def action_open_movements(self):
        """The movements report on this rule's points, by month."""
        check_record_ids(self, single=True)
        self.ensure_one()
        self.check_access("write")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "dental_loyalty.dental_loyalty_movement_report_action"
        )
        action["domain"] = [("earning_rule_id", "=", self.id)]
        action["context"] = {"group_by": ["date:month"]}
        action["name"] = self.env._("Movements of %s", self.name)
        return action

    def _compute_results_points(self):
        figures = self._results_points()
        for rule in self:
            given, taken_back, spent, worth = figures.get(rule.id, (0, 0, 0, 0.0))
            rule.results_points_given = given
            rule.results_points_taken_back = taken_back
            rule.results_points_spent = spent
            rule.results_spent_worth = worth

    def _results_points(self):
        """{rule id: (given, taken back, spent, worth)} in one query: the
        rule's lots, and what later lines took from them (``ledger.take``) by
        the kind of the taking line."""
        ids = [rule_id for rule_id in self.ids if rule_id]
        if not ids:
            return {}
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                WITH lots AS (
                    SELECT line.id, line.earning_rule_id, line.points
                      FROM dental_loyalty_ledger line
                     WHERE line.kind = 'rule' AND line.earning_rule_id IN %(ids)s
                ), takes AS (
                    SELECT lots.earning_rule_id,
                           SUM(take.points) FILTER (
                               WHERE taker.kind = 'earn_reversal') AS taken_back,
                           SUM(take.points) FILTER (
                               WHERE taker.kind IN ('spend', 'redeem')) AS spent,
                           SUM(take.points * COALESCE(
                               NULLIF(taker.point_value, 0),
                               company.dental_loyalty_point_value, 0)) FILTER (
                               WHERE taker.kind IN ('spend', 'redeem')) AS worth
                      FROM lots
                      JOIN dental_loyalty_ledger_take take ON take.lot_id = lots.id
                      JOIN dental_loyalty_ledger taker ON taker.id = take.line_id
                      JOIN res_company company ON company.id = taker.company_id
                     GROUP BY lots.earning_rule_id
                )
                SELECT given.earning_rule_id, given.points,
                       COALESCE(takes.taken_back, 0), COALESCE(takes.spent, 0),
                       COALESCE(takes.worth, 0)
                  FROM (SELECT earning_rule_id, SUM(points) AS points
                          FROM lots GROUP BY earning_rule_id) given
             LEFT JOIN takes ON takes.earning_rule_id = given.earning_rule_id
                """,
                ids=tuple(ids),
            )
        )
        return {row[0]: row[1:] for row in self.env.cr.fetchall()}

    def _compute_results_visits(self):
        for rule in self:
            windows = rule._results_windows(rule.company_id._dental_loyalty_today())
            if not windows:
                rule.results_date_from = rule.results_date_to = False
                rule.results_before_from = False
                rule.results_visits = rule.results_visits_before = 0
                continue
            (start, end), (before_start, before_end) = windows
            rule.results_date_from, rule.results_date_to = start, end
            rule.results_before_from = before_start
            rule.results_visits = rule._results_visit_count(start, end)
            rule.results_visits_before = rule._results_visit_count(
                before_start, before_end
            )

    def _results_windows(self, today):
        """((first, last day measured), (first, last day compared with)): from
        the rule's start (else the day it was made) to its end or today, and as
        many days just before; None before it started."""
        self.ensure_one()
        if not self.id:
            return None
        start = self.date_from or fields.Date.to_date(self.create_date)
        end = min(self.date_to or today, today)
        if end < start:
            return None
        days = (end - start).days + 1
        return (start, end), (
            start - timedelta(days=days),
            start - timedelta(days=1),
        )

    def _results_visit_count(self, first_day, last_day):
        """Paid orders of the company with a line of the rule's services,
        visited (the server's visit time) from ``first_day`` to ``last_day``
        in the clinic's time zone."""
        zone = pytz.timezone(self._clinic_tz(self.company_id))

        def utc(day):
            moment = zone.localize(datetime.combine(day, time.min))
            return moment.astimezone(pytz.utc).replace(tzinfo=None)

        domain = [
            ("company_id", "=", self.company_id.id),
            ("state", "in", PAID_STATES),
            ("dental_loyalty_visit_time", ">=", utc(first_day)),
            ("dental_loyalty_visit_time", "<", utc(last_day + timedelta(days=1))),
        ]
        line_domain = [("qty", ">", 0)]
        scopes = []
        if self.product_ids:
            scopes.append([("product_id", "in", self.product_ids.ids)])
        if self.product_categ_ids:
            scopes.append(
                [("product_id.categ_id", "child_of", self.product_categ_ids.ids)]
            )
        if scopes:
            line_domain = expression.AND([line_domain, expression.OR(scopes)])
        domain.append(("lines", "any", line_domain))
        # Counting the clinic's visits is a manager's report over orders of
        # every register, which managers may not all read.
        return self.env["pos.order"].sudo().search_count(domain)
