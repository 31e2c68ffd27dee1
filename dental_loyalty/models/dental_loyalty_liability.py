from odoo import api, fields, models
from odoo.tools import SQL, create_index

from ..rules.liability import NOT_REACHING_EXPIRY, ratio


class DentalLoyaltyLiability(models.AbstractModel):
    """What the programme owes at the end of a day, from the ledger: each lot's
    points less what lines dated up to that day took from it (the rules'
    ``outstanding_lots``), spendable when its waiting period was over on that
    day; and the breakage rate over a period (``breakage_rate``).

    The query reads a lot's points at ``day`` as what is left of it today plus
    what lines dated after ``day`` took from it (the takes of a lot add up to
    ``points - remaining_points``), so it touches only the lots with points
    left today and the takes after ``day``, each through its index, not the
    whole history.

    Measured with bench/liability.py on the benchmark's data (1,000,000 ledger
    lines, 100,000 wallets, one clinic; 410,000 takes rebuilt by the migration
    in 41 s, no wallet adjusted), on 2 cores shared with other work: the held
    lots at a day, one query, 0.1 s today and 0.12 s a year back (0.55 s before
    the lots taken from since were fetched by id); the breakage rate over 12
    months, one query, 1.7 to 3.5 s; the report's lines a year back, two
    queries (the breakage, then the insert), 3.2 to 5.7 s.
    """

    _name = "dental.loyalty.liability"
    _description = "Loyalty Points Liability"

    def init(self):
        res = super().init()
        # The breakage: lots by the day they expire.
        create_index(
            self.env.cr,
            "dental_loyalty_ledger_lot_expiry_idx",
            "dental_loyalty_ledger",
            ["company_id", "expiry_date"],
            where="points > 0 AND expiry_date IS NOT NULL",
        )
        return res

    @api.model
    def _held_lots_sql(self, companies, day):
        """The lots of ``companies`` posted up to ``day`` with points held at
        its end: ``id, wallet_id, company_id, available_date, expiry_date,
        points``."""
        return SQL(
            """
            WITH later AS (
                SELECT lot_id, SUM(points) AS points
                  FROM dental_loyalty_ledger_take
                 WHERE company_id = ANY(%(companies)s) AND date > %(day)s
                 GROUP BY lot_id
            )
            SELECT l.id, l.wallet_id, l.company_id, l.available_date,
                   l.expiry_date, l.remaining_points + COALESCE(later.points, 0)
                   AS points
              FROM dental_loyalty_ledger l
              LEFT JOIN later ON later.lot_id = l.id
             WHERE l.company_id = ANY(%(companies)s) AND l.date <= %(day)s
               AND l.remaining_points > 0
             UNION ALL
            SELECT l.id, l.wallet_id, l.company_id, l.available_date,
                   l.expiry_date, later.points
              FROM later
              JOIN dental_loyalty_ledger l ON l.id = later.lot_id
             -- By their ids: the few lots taken from since, not the ledger.
             WHERE l.id = ANY(ARRAY(SELECT lot_id FROM later))
               AND l.date <= %(day)s AND l.remaining_points = 0
            """,
            companies=companies.ids,
            day=day,
        )

    @api.model
    def _figures_at(self, company, day):
        """{"points", "worth", "spendable_points", "pending_points",
        "spendable_worth", "pending_worth"} held at the end of ``day`` by
        ``company``'s patients."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "SELECT COALESCE(SUM(points) FILTER (WHERE available_date <= %s), 0),"
                " COALESCE(SUM(points) FILTER (WHERE available_date > %s), 0)"
                " FROM (%s) held",
                day,
                day,
                self._held_lots_sql(company, day),
            )
        )
        spendable, pending = self.env.cr.fetchone()
        value = company.dental_loyalty_point_value
        return {
            "points": spendable + pending,
            "worth": (spendable + pending) * value,
            "spendable_points": spendable,
            "pending_points": pending,
            "spendable_worth": spendable * value,
            "pending_worth": pending * value,
        }

    @api.model
    def _breakage_rate(self, company, date_from, date_to):
        """Points expired over points that reached their expiry, for
        ``company``'s lots whose expiry day fell in ``date_from``..``date_to``
        (0.0 when none did)."""
        return self._breakage_rates(company, date_from, date_to).get(company.id, 0.0)

    @api.model
    def _breakage_rates(self, companies, date_from, date_to):
        """{company id: breakage rate} in one query: the rules'
        ``breakage_rate`` over the lots of the period and their takes. Lots
        whose expiry day is still to come have not reached it: the period
        stops at today."""
        date_to = min(
            fields.Date.to_date(date_to), self.env.company._dental_loyalty_today()
        )
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                WITH due AS (
                    SELECT id, company_id, points FROM dental_loyalty_ledger
                     WHERE company_id = ANY(%(companies)s) AND points > 0
                       AND expiry_date IS NOT NULL
                       AND expiry_date BETWEEN %(date_from)s AND %(date_to)s
                ), taken AS (
                    SELECT t.lot_id,
                           SUM(t.points) FILTER (WHERE line.kind = 'expire')
                           AS expired,
                           SUM(t.points) FILTER (WHERE line.kind = ANY(%(away)s))
                           AS away
                      FROM dental_loyalty_ledger_take t
                      JOIN dental_loyalty_ledger line ON line.id = t.line_id
                     WHERE t.lot_id IN (SELECT id FROM due)
                     GROUP BY t.lot_id
                )
                SELECT due.company_id,
                       SUM(due.points) - COALESCE(SUM(taken.away), 0),
                       COALESCE(SUM(taken.expired), 0)
                  FROM due LEFT JOIN taken ON taken.lot_id = due.id
                 GROUP BY due.company_id
                """,
                companies=companies.ids,
                date_from=date_from,
                date_to=date_to,
                away=sorted(NOT_REACHING_EXPIRY),
            )
        )
        return {
            company_id: ratio(expired, reached)
            for company_id, reached, expired in self.env.cr.fetchall()
        }

    @api.model
    def _tier_at_sql(self, day):
        """Hook: ``wallet_id, tier_id`` of each wallet at the end of ``day``: the
        tier its last change up to ``day`` set (see the tier history), today's
        when it has none."""
        return SQL(
            """
            SELECT w.id AS wallet_id, COALESCE(h.tier_id, w.tier_id) AS tier_id
              FROM dental_loyalty_wallet w
              LEFT JOIN LATERAL (
                  SELECT tier_id FROM dental_loyalty_tier_history
                   WHERE wallet_id = w.id AND date::date <= %s
                   ORDER BY date DESC, id DESC LIMIT 1
              ) h ON TRUE
            """,
            day,
        )
