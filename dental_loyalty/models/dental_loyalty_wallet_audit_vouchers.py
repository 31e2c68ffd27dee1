from odoo import models
from odoo.tools import SQL

from .pos_order import PAID_STATES


class DentalLoyaltyWallet(models.Model):
    """The value audit of vouchers: each voucher's points were taken once, as
    much as it cost (or noted missing), and its uses took off no more than it
    gives (invariant 11 of docs/architecture.md)."""

    # One concern per file, as Odoo core splits its big models.
    _inherit = "dental.loyalty.wallet"  # pylint: disable=consider-merging-classes-inherited

    def _audit_vouchers(self, wallets):
        """A voucher is bought with its points, used on at most one bill that was
        not wholly refunded (none while it is valid), and takes off no more than
        the value it recorded."""
        rows = self.env.execute_query(
            SQL(
                """
                WITH uses AS (
                    SELECT line.dental_loyalty_voucher_id AS voucher_id,
                           COUNT(*) AS count,
                           -SUM(LEAST(line.price_subtotal_incl, 0)) AS discount
                      FROM pos_order_line line
                      JOIN pos_order o ON o.id = line.order_id
                     WHERE line.dental_loyalty_voucher_id IS NOT NULL
                       AND line.qty > 0
                       AND o.state IN %(paid)s
                       AND line.qty > COALESCE((
                               SELECT -SUM(refund.qty)
                                 FROM pos_order_line refund
                                 JOIN pos_order refund_order
                                   ON refund_order.id = refund.order_id
                                WHERE refund.refunded_orderline_id = line.id
                                  AND refund_order.state IN %(paid)s), 0)
                  GROUP BY line.dental_loyalty_voucher_id
                ), bought AS (
                    -- A held reward's points gone at sync were noted missing.
                    SELECT res_id AS voucher_id, SUM(points) AS points
                      FROM (SELECT res_id, -points AS points
                              FROM dental_loyalty_ledger
                             WHERE kind = 'redeem'
                               AND res_model = 'dental.loyalty.voucher'
                             UNION ALL
                            SELECT res_id, points
                              FROM dental_loyalty_shortfall
                             WHERE kind = 'redeem'
                               AND res_model = 'dental.loyalty.voucher') taken
                  GROUP BY res_id
                )
                SELECT voucher.wallet_id, voucher.code, voucher.state,
                       voucher.points_cost, COALESCE(bought.points, 0),
                       COALESCE(uses.count, 0), COALESCE(uses.discount, 0),
                       COALESCE(voucher.used_amount, 0), currency.rounding
                  FROM dental_loyalty_voucher voucher
                  JOIN res_company company ON company.id = voucher.company_id
                  JOIN res_currency currency ON currency.id = company.currency_id
                  LEFT JOIN uses ON uses.voucher_id = voucher.id
                  LEFT JOIN bought ON bought.voucher_id = voucher.id
                 WHERE %(where)s
                """,
                paid=PAID_STATES,
                where=self._audit_where(SQL("voucher.wallet_id"), wallets),
            )
        )
        states = dict(
            self.env["dental.loyalty.voucher"]
            ._fields["state"]
            ._description_selection(self.env)
        )
        for row in rows:
            wallet_id, code, state, cost, bought, uses, discount, used, rounding = row
            # Bearer codes stay out of the report: the voucher is named by its
            # last signs only.
            name = f"…{code[-4:]}"
            # A held reward is bought when its bill is paid; one released, never.
            never_bought = state == "held" or (state == "cancelled" and not bought)
            if cost and bought != cost and not never_bought:
                yield (
                    wallet_id,
                    self.env._(
                        "voucher %(voucher)s cost %(cost)s points but %(bought)s "
                        "were taken for it",
                        voucher=name,
                        cost=cost,
                        bought=bought,
                    ),
                )
            if uses > 1 or (state in ("valid", "held") and uses):
                yield (
                    wallet_id,
                    self.env._(
                        "voucher %(voucher)s (%(state)s) stands on bills that were "
                        "not refunded: %(uses)s",
                        voucher=name,
                        state=states.get(state, state),
                        uses=uses,
                    ),
                )
            if discount > used + rounding / 2:
                yield (
                    wallet_id,
                    self.env._(
                        "voucher %(voucher)s took %(discount)s off bills but records "
                        "%(used)s",
                        voucher=name,
                        discount=discount,
                        used=used,
                    ),
                )
