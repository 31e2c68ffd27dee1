from odoo import api, models
from odoo.tools import SQL

from ..rules import whole_points
from .pos_order import PAID_STATES

# The basis is kept to four decimals: what rounding that away may lose.
_BASIS_DIGITS = 0.0001


class DentalLoyaltyWallet(models.Model):
    """The value audit of earning rules: a rule's line gives no more than its
    own basis, factor, tier multiplier and cap, on a basis no larger than the
    sale it was given on, and a capped rule gives one member no more than its
    cap in a period (invariant 8 of docs/architecture.md, for rules)."""

    # One concern per file, as Odoo core splits its big models.
    _inherit = "dental.loyalty.wallet"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _value_problems(self, wallet_ids=None):
        problems = super()._value_problems(wallet_ids)
        wallets = None if wallet_ids is None else tuple(wallet_ids) or (0,)
        for check in (self._audit_rule_lines, self._audit_rule_caps):
            for wallet_id, problem in check(wallets):
                problems.setdefault(wallet_id, []).append(problem)
        return problems

    def _audit_rule_lines(self, wallets):
        """Each rule line: its points within its basis x factor x tier
        multiplier and its cap; its basis within its sale: the money less
        points times the earning rate for a multiplier, the units or lines
        sold for a bonus per unit or per line, one bill for a bonus per bill."""
        rows = self.env.execute_query(
            SQL(
                """
                WITH sold AS (
                    SELECT line.order_id, SUM(line.price_subtotal_incl) AS total,
                           SUM(line.qty) AS units, SUM(LEAST(line.qty, 1)) AS lines
                      FROM pos_order_line line
                     WHERE line.qty > 0
                  GROUP BY line.order_id
                ), %s
                SELECT rule.wallet_id, COALESCE(o.pos_reference, o.name, rule.origin),
                       rule.reason, rule.points, rule.rule_basis, rule.rule_factor,
                       rule.tier_multiplier, rule.rule_cap, rule.rule_effect,
                       COALESCE(rule.earn_rate, 0),
                       COALESCE(sold.total, 0) - COALESCE(paid.money, 0),
                       COALESCE(sold.units, 0), COALESCE(sold.lines, 0),
                       currency.rounding, o.id IS NOT NULL
                  FROM dental_loyalty_ledger rule
                  JOIN res_company company ON company.id = rule.company_id
                  JOIN res_currency currency ON currency.id = company.currency_id
                  LEFT JOIN pos_order o
                         ON o.id = rule.pos_order_id AND o.state IN %s
                  LEFT JOIN sold ON sold.order_id = o.id
                  LEFT JOIN paid ON paid.order_id = o.id
                 WHERE rule.kind = 'rule'
                   AND %s
                """,
                self._audit_points_paid_sql(),
                PAID_STATES,
                self._audit_where(SQL("rule.wallet_id"), wallets),
            )
        )
        for row in rows:
            (wallet_id, label, name, points, basis, factor, multiplier, cap) = row[:8]
            (effect, rate, money, units, lines, rounding, of_sale) = row[8:]
            basis, factor, multiplier = basis or 0.0, factor or 0.0, multiplier or 0.0
            given = whole_points((basis + _BASIS_DIGITS) * factor * multiplier)
            if points > given or (cap and points > cap):
                yield (
                    wallet_id,
                    self.env._(
                        "%(order)s earned %(points)s points of %(rule)s, but its "
                        "basis gives %(given)s (cap: %(cap)s)",
                        order=label,
                        points=points,
                        rule=name,
                        given=min(given, cap) if cap else given,
                        cap=cap or "-",
                    ),
                )
            bound = {
                "multiplier": max(money, 0.0) * rate + rounding * rate,
                "per_unit": units,
                "per_line": lines,
                "per_bill": 1,
            }.get(effect, 0.0)
            if not of_sale or basis > bound + _BASIS_DIGITS:
                yield (
                    wallet_id,
                    self.env._(
                        "%(order)s earned %(rule)s on a basis of %(basis)s, more "
                        "than its sale gives (%(bound)s)",
                        order=label,
                        rule=name,
                        basis=basis,
                        bound=bound if of_sale else 0,
                    ),
                )

    def _audit_rule_caps(self, wallets):
        """A capped rule's lines of one member in one period of its cap, less
        what refunds took back of them, are within its cap: the period and
        cap each line kept (the lines of a rule whose period changed are
        counted per period they kept: never a window the engine did not
        cap)."""
        rows = self.env.execute_query(
            SQL(
                """
                SELECT MIN(rule.wallet_id), partner.name, MIN(rule.reason),
                       SUM(rule.points) + COALESCE(SUM(back.points), 0),
                       MAX(rule.rule_cap)
                  FROM dental_loyalty_ledger rule
                  JOIN res_partner partner ON partner.id = rule.member_id
                  LEFT JOIN LATERAL (
                      SELECT SUM(reversal.points) AS points
                        FROM dental_loyalty_ledger reversal
                       WHERE reversal.lot_id = rule.id
                         AND reversal.kind = 'earn_reversal'
                  ) back ON TRUE
                 WHERE rule.kind = 'rule'
                   AND rule.rule_cap > 0
                   AND rule.rule_cap_period NOT IN ('bill')
                   AND %s
              GROUP BY rule.earning_rule_id, rule.member_id, partner.name,
                       rule.rule_cap_period,
                       CASE WHEN rule.rule_cap_period = 'ever' THEN NULL
                            ELSE date_trunc(rule.rule_cap_period, rule.date) END
                HAVING SUM(rule.points) + COALESCE(SUM(back.points), 0)
                       > MAX(rule.rule_cap)
                """,
                self._audit_where(SQL("rule.wallet_id"), wallets),
            )
        )
        for wallet_id, member, name, points, cap in rows:
            yield (
                wallet_id,
                self.env._(
                    "%(rule)s gave %(member)s %(points)s points in one period of "
                    "its cap of %(cap)s",
                    rule=name,
                    member=member,
                    points=points,
                    cap=cap,
                ),
            )
