from collections import defaultdict

from odoo import api, models
from odoo.tools import SQL, float_compare
from odoo.tools.misc import formatLang

from ..rules import earned_points, points_for_amount, proportional_points
from .pos_order import PAID_STATES


class DentalLoyaltyWallet(models.Model):
    """The value audit: beyond "the lines add up", each sale's points are worth
    what the programme gives for what was really paid (invariants 8, 9 and 12 of
    docs/architecture.md). Read-only, a few grouped queries, so the nightly
    check stays cheap at a million ledger lines."""

    # One concern per file, as Odoo core splits its big models.
    _inherit = "dental.loyalty.wallet"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _value_problems(self, wallet_ids=None):
        """{wallet id: [problem, ...]} for value bent on the wallets (all, or
        those of ``wallet_ids``): points payments, earnings, refunds, vouchers
        and lots that the programme's rules do not give."""
        self.env.flush_all()
        problems = defaultdict(list)
        wallets = None if wallet_ids is None else tuple(wallet_ids) or (0,)
        for check in (
            self._audit_points_payments,
            self._audit_earnings,
            self._audit_refunds,
            self._audit_vouchers,
            self._audit_lot_dates,
        ):
            for wallet_id, problem in check(wallets):
                problems[wallet_id].append(problem)
        return dict(problems)

    def _audit_where(self, column, wallets):
        return SQL("TRUE") if wallets is None else SQL("%s IN %s", column, wallets)

    def _audit_points_payments(self, wallets):
        """Money paid with points equals the points taken times their value, and
        points given back by a refund equal its points payment; a shortfall the
        engine recorded (granted points gone at sync) accounts for the rest."""
        rows = self.env.execute_query(
            SQL(
                """
                WITH paid AS (
                    SELECT pay.pos_order_id AS order_id, SUM(pay.amount) AS money
                      FROM pos_payment pay
                      JOIN pos_payment_method method
                        ON method.id = pay.payment_method_id
                     WHERE method.dental_loyalty_points
                  GROUP BY pay.pos_order_id
                ), moved AS (
                    SELECT line.pos_order_id AS order_id,
                           MIN(line.wallet_id) AS wallet_id,
                           -SUM(line.points) FILTER (WHERE line.kind = 'spend')
                               AS taken,
                           SUM(line.points) FILTER (WHERE line.kind = 'spend_return')
                               AS given,
                           MAX(line.point_value) AS point_value
                      FROM dental_loyalty_ledger line
                     WHERE line.kind IN ('spend', 'spend_return')
                       AND line.pos_order_id IS NOT NULL
                  GROUP BY line.pos_order_id
                ), short AS (
                    SELECT pos_order_id AS order_id, MIN(wallet_id) AS wallet_id,
                           SUM(points) AS points
                      FROM dental_loyalty_shortfall
                     WHERE kind = 'spend' AND pos_order_id IS NOT NULL
                  GROUP BY pos_order_id
                )
                SELECT COALESCE(moved.wallet_id, short.wallet_id, wallet.id),
                       o.id, COALESCE(o.pos_reference, o.name),
                       COALESCE(paid.money, 0), COALESCE(moved.taken, 0),
                       COALESCE(moved.given, 0), COALESCE(short.points, 0),
                       COALESCE(moved.point_value, company.dental_loyalty_point_value)
                  FROM pos_order o
                  JOIN res_company company ON company.id = o.company_id
                  LEFT JOIN paid ON paid.order_id = o.id
                  LEFT JOIN moved ON moved.order_id = o.id
                  LEFT JOIN short ON short.order_id = o.id
                  LEFT JOIN dental_loyalty_wallet wallet
                         ON wallet.partner_id = o.partner_id
                        AND wallet.company_id = o.company_id
                 WHERE (paid.order_id IS NOT NULL OR moved.order_id IS NOT NULL)
                   AND o.state IN %s
                   AND %s
                """,
                PAID_STATES,
                self._audit_where(
                    SQL("COALESCE(moved.wallet_id, short.wallet_id, wallet.id)"),
                    wallets,
                ),
            )
        )
        for wallet_id, _id, label, money, taken, given, short, value in rows:
            if not wallet_id or not value or value <= 0:
                continue
            expected = points_for_amount(money, value)
            if expected >= 0 and (taken + short != expected or given):
                yield (
                    wallet_id,
                    self.env._(
                        "%(order)s paid %(money)s with points, which is %(expected)s "
                        "points, but %(taken)s were taken",
                        order=label,
                        money=money,
                        expected=expected,
                        taken=taken + short - given,
                    ),
                )
            elif expected < 0 and (given != -expected or taken):
                yield (
                    wallet_id,
                    self.env._(
                        "%(order)s gave back %(money)s in points, which is "
                        "%(expected)s points, but %(given)s were given back",
                        order=label,
                        money=-money,
                        expected=-expected,
                        given=given - taken,
                    ),
                )

    def _audit_points_paid_sql(self):
        """The ``paid`` table of an audit's query: what points paid of each
        POS order (``order_id``, ``money``)."""
        return SQL(
            """
            paid AS (
                SELECT pay.pos_order_id AS order_id, SUM(pay.amount) AS money
                  FROM pos_payment pay
                  JOIN pos_payment_method method
                    ON method.id = pay.payment_method_id
                 WHERE method.dental_loyalty_points AND pay.amount > 0
              GROUP BY pay.pos_order_id
            )
            """
        )

    def _audit_earnings(self, wallets):
        """What a sale earned is what its basis gives (the rate, bonus and
        multiplier the engine read then), on no more money than the bill's sold
        lines less what points paid. Its sold lines are all but those that
        return another sale's, as the sync counts them: a line of negative
        quantity and price with no sale to return is money the bill charged."""
        rows = self.env.execute_query(
            SQL(
                """
                WITH sold AS (
                    SELECT line.order_id,
                           SUM(line.price_subtotal_incl) FILTER (
                               WHERE line.refunded_orderline_id IS NULL
                           ) AS total,
                           COUNT(*) FILTER (
                               WHERE line.price_subtotal_incl <> 0
                                  OR line.price_unit <> 0
                           ) AS priced
                      FROM pos_order_line line
                  GROUP BY line.order_id
                ), %s
                SELECT earn.wallet_id, COALESCE(o.pos_reference, o.name),
                       earn.points, earn.paid_amount, earn.earn_rate,
                       earn.bonus_basis, earn.tier_multiplier,
                       COALESCE(sold.total, 0) - COALESCE(paid.money, 0),
                       currency.rounding, COALESCE(sold.priced, 0),
                       COALESCE(cash.rounding, 0)
                  FROM dental_loyalty_ledger earn
                  JOIN pos_order o ON o.id = earn.pos_order_id
                  JOIN res_company company ON company.id = o.company_id
                  JOIN res_currency currency ON currency.id = company.currency_id
                  LEFT JOIN sold ON sold.order_id = o.id
                  LEFT JOIN paid ON paid.order_id = o.id
                  LEFT JOIN pos_session session ON session.id = o.session_id
                  LEFT JOIN pos_config config ON config.id = session.config_id
                  LEFT JOIN account_cash_rounding cash
                         ON cash.id = config.rounding_method AND config.cash_rounding
                 WHERE earn.kind = 'earn'
                   AND earn.earn_rate IS NOT NULL
                   AND earn.tier_multiplier IS NOT NULL
                   AND %s
                """,
                self._audit_points_paid_sql(),
                self._audit_where(SQL("earn.wallet_id"), wallets),
            )
        )
        for row in rows:
            wallet_id, label, points, paid, rate, bonus, mult, money = row[:8]
            rounding, priced, cash_rounding = row[8:]
            expected = earned_points(paid or 0.0, rate, bonus or 0.0, mult)
            # The bill's total may run over its lines by what the sync allows
            # (``_dental_loyalty_check_figures``): a clinic that rounds taxes
            # globally rounds the total, not each line.
            margin = rounding * (priced + 1) + cash_rounding
            over = float_compare(
                paid or 0.0, money + margin, precision_rounding=rounding
            )
            if over > 0 or points > expected:
                yield (
                    wallet_id,
                    self.env._(
                        "%(order)s earned %(points)s points on %(paid)s paid with "
                        "money, but its bill gives %(expected)s points on at most "
                        "%(money)s",
                        order=label,
                        points=points,
                        paid=paid,
                        expected=min(
                            expected,
                            earned_points(max(money, 0.0), rate, bonus or 0.0, mult),
                        ),
                        money=money,
                    ),
                )

    def _audit_refunds(self, wallets):
        """All refunds of a sale together take back their share of what it
        earned (within one point; a shortfall the engine recorded, points
        already spent, accounts for the rest) and give back at most their share
        of what it spent. An earning rule's share is that of the lines it gave
        on, when its line remembers them."""
        rows = self.env.execute_query(
            SQL(
                """
                SELECT line.res_id,
                       MIN(line.wallet_id) FILTER (WHERE own.is_sale),
                       COALESCE(SUM(line.points) FILTER (
                           WHERE own.is_sale
                             AND line.kind IN ('earn', 'rule', 'recall')), 0),
                       -COALESCE(SUM(line.points) FILTER (
                           WHERE own.is_sale AND line.kind = 'spend'), 0),
                       -COALESCE(SUM(line.points) FILTER (
                           WHERE line.kind = 'earn_reversal'), 0),
                       COALESCE(SUM(line.points) FILTER (
                           WHERE line.kind = 'spend_return'), 0),
                       COALESCE(SUM(line.points) FILTER (
                           WHERE own.is_sale AND line.kind = 'earn'), 0),
                       COALESCE(SUM(line.paid_amount) FILTER (
                           WHERE own.is_sale AND line.kind = 'earn'), 0),
                       -COALESCE(SUM(line.paid_amount) FILTER (
                           WHERE line.kind = 'earn_reversal'), 0)
                  FROM dental_loyalty_ledger line,
                       LATERAL (SELECT line.pos_order_id = line.res_id AS is_sale) own
                 WHERE line.res_model = 'pos.order'
                   AND line.res_id IN (
                           SELECT sold.order_id
                             FROM pos_order_line refund
                             JOIN pos_order_line sold
                               ON sold.id = refund.refunded_orderline_id
                             JOIN pos_order refund_order
                               ON refund_order.id = refund.order_id
                            WHERE refund_order.state IN %s)
              GROUP BY line.res_id
                """,
                PAID_STATES,
            )
        )
        rows = [
            row for row in rows if row[1] and (wallets is None or row[1] in wallets)
        ]
        if not rows:
            return
        Order = self.env["pos.order"].sudo()
        Ledger = self.env["dental.loyalty.ledger"].sudo()
        short, short_money = {}, {}
        for sale_id, points, money in self.env.execute_query(
            SQL(
                """
                SELECT res_id,
                       COALESCE(SUM(points) FILTER (WHERE kind = 'take_back'), 0),
                       -COALESCE(SUM(paid_amount), 0)
                  FROM dental_loyalty_shortfall
                 WHERE res_model = 'pos.order' AND res_id IN %s
              GROUP BY res_id
                """,
                tuple(row[0] for row in rows),
            )
        ):
            short[sale_id], short_money[sale_id] = points, money
        # The sales read together (their lines, refunds and rule lines), not
        # one by one: a chain's nightly check reads thousands.
        sales = Order.browse(row[0] for row in rows)
        sales.lines.refund_orderline_ids.order_id.fetch(["state", "lines"])
        sales = {sale.id: sale for sale in sales}
        rule_lines_of = Ledger.search(
            [("pos_order_id", "in", list(sales)), ("kind", "=", "rule")]
        ).grouped("pos_order_id")
        for (
            sale_id,
            wallet_id,
            earned,
            spent,
            taken,
            given,
            earn_points,
            paid,
            paid_back,
        ) in rows:
            sale = sales[sale_id]
            refunds = sale.lines.refund_orderline_ids.order_id.filtered(
                lambda refund: refund.state in PAID_STATES
            )
            sold = sale._dental_loyalty_sold_total()
            returned = [
                refund._dental_loyalty_refunded_amount(sale) for refund in refunds
            ]
            refunded = min(sum(returned), sold)
            label = sale._dental_loyalty_label()
            # An earning rule that remembers the lines it gave on is due back
            # by what the refunds return of them; the rest by the bill.
            rule_lines = rule_lines_of.get(sale, Ledger)
            rule_returns = sale._dental_loyalty_rule_returns(
                sale, rule_lines, refunds, []
            )
            by_lines = rule_lines.browse(list(rule_returns))
            due = self._refund_due(
                earned - sum(by_lines.mapped("points")),
                refunded,
                sold,
                [(line.points, *rule_returns[line.id]) for line in by_lines],
            )
            give_at_most = proportional_points(spent, refunded, sold)
            if taken > earned or taken + short.get(sale_id, 0) < due - 1:
                yield (
                    wallet_id,
                    self.env._(
                        "the refunds of %(sale)s took back %(taken)s points of the "
                        "%(earned)s it earned; their share is %(due)s",
                        sale=label,
                        taken=taken,
                        earned=earned,
                        due=due,
                    ),
                )
            money_problem = self._refund_money_problem(
                sale,
                paid,
                paid_back + short_money.get(sale_id, 0.0),
                # A refund of less than nothing (a voucher's line alone) gives
                # no money back: what was taken is between the share of all
                # the refunds and that of those that returned something.
                (
                    refunded / sold if sold else 0.0,
                    sum(amount for amount in returned if amount > 0) / sold
                    if sold
                    else 0.0,
                ),
                earn_points,
            )
            if money_problem:
                yield wallet_id, money_problem
            if given > min(spent, give_at_most + 1):
                yield (
                    wallet_id,
                    self.env._(
                        "the refunds of %(sale)s gave back %(given)s points of the "
                        "%(spent)s it spent; their share is at most %(share)s",
                        sale=label,
                        given=given,
                        spent=spent,
                        share=give_at_most,
                    ),
                )

    def _refund_money_problem(self, sale, paid, paid_back, shares, earn_points):
        """What is wrong with the money ``sale``'s refunds took off what it
        paid (``paid``, its earning's ``paid_amount``; a spend-based tier counts
        it): together, on their take-back lines and shortfalls, ``paid_back``,
        their share of it, between the ``shares`` (lowest, highest) of the sale
        they returned, within the money of one of the ``earn_points`` (a refund
        whose points round to none carries no money until the next one), and
        never more than the sale paid. None if nothing is."""
        currency = sale.currency_id
        due, most = (
            currency.round(paid * min(max(share, 0.0), 1.0)) for share in shares
        )
        slack = max(paid / earn_points if earn_points else 0.0, currency.rounding)
        if (
            currency.compare_amounts(paid_back, paid) <= 0
            and due - slack <= paid_back <= max(most, due) + slack
        ):
            return None
        return self.env._(
            "the refunds of %(sale)s took %(paid_back)s off the %(paid)s it paid "
            "(what a spend-based tier counts); their share is %(due)s",
            sale=sale._dental_loyalty_label(),
            paid_back=formatLang(self.env, paid_back, currency_obj=currency),
            paid=formatLang(self.env, paid, currency_obj=currency),
            due=formatLang(self.env, due, currency_obj=currency),
        )

    def _audit_lot_dates(self, wallets):
        """No lot a bill earned is dated before the register's session opened:
        the day a lot counts its waiting period and expiry from is the server's,
        never a day the register made up."""
        rows = self.env.execute_query(
            SQL(
                """
                SELECT lot.wallet_id, lot.origin, lot.points, lot.date,
                       session.start_at
                  FROM dental_loyalty_ledger lot
                  JOIN pos_order o ON o.id = lot.pos_order_id
                  JOIN pos_session session ON session.id = o.session_id
                 WHERE lot.points > 0
                   AND lot.kind IN %s
                   AND lot.date < session.start_at::date - 1
                   AND %s
                """,
                tuple(self.env["dental.loyalty.ledger"]._waiting_kinds()),
                self._audit_where(SQL("lot.wallet_id"), wallets),
            )
        )
        for wallet_id, origin, points, day, opened in rows:
            yield (
                wallet_id,
                self.env._(
                    "%(points)s points of %(origin)s count from %(day)s, before "
                    "the register's session opened (%(opened)s)",
                    points=points,
                    origin=origin or "",
                    day=day,
                    opened=opened,
                ),
            )
