from odoo import SUPERUSER_ID, api
from odoo.tools import SQL

from odoo.addons.dental_loyalty.models.pos_order import PAID_STATES


def migrate(cr, version):
    take_refunded_money_off_tiers(api.Environment(cr, SUPERUSER_ID, {}))


def take_refunded_money_off_tiers(env):
    """A refund carries minus the money it returned of the sale's paid amount
    now, on its first take-back line, else on its shortfall (its points were
    spent), so that a spend-based tier drops with a refund: the refunds posted
    before get theirs here, sale by sale and in their order, each its share as
    the sync would have put it. Sales whose refunds already carry money are
    left as they are (run twice, it changes nothing)."""
    env.cr.execute(
        SQL(
            """
            SELECT res_id FROM (
                SELECT res_id, paid_amount FROM dental_loyalty_ledger
                 WHERE kind = 'earn_reversal' AND res_model = 'pos.order'
                 UNION ALL
                SELECT res_id, paid_amount FROM dental_loyalty_shortfall
                 WHERE kind = 'take_back' AND res_model = 'pos.order'
            ) refunded
             WHERE res_id IS NOT NULL
          GROUP BY res_id
            HAVING bool_and(COALESCE(paid_amount, 0) = 0)
            """
        )
    )
    sales = env["pos.order"].browse(row[0] for row in env.cr.fetchall()).exists()
    Ledger, Shortfall = env["dental.loyalty.ledger"], env["dental.loyalty.shortfall"]
    for sale in sales:
        lines = Ledger.search(
            [("res_model", "=", "pos.order"), ("res_id", "=", sale.id)], order="id"
        )
        earn = lines.filtered(lambda line: line.kind == "earn")[:1]
        if not earn.paid_amount:
            continue
        wallet, sale_total = earn.wallet_id, sale._dental_loyalty_sold_total()
        source = {"res_model": "pos.order", "res_id": sale.id}
        refunds = sale.lines.refund_orderline_ids.order_id.filtered(
            lambda refund: refund.state in PAID_STATES
        ).sorted("id")
        so_far = 0.0
        for refund in refunds:
            refunded_before = so_far
            so_far += refund._dental_loyalty_refunded_amount(sale)
            reversal = lines.filtered(
                lambda line, refund=refund: (
                    line.kind == "earn_reversal" and line.pos_order_id == refund
                )
            )[:1]
            shortfall = Shortfall.search(
                [("pos_order_id", "=", refund.id), ("kind", "=", "take_back")],
                limit=1,
            )
            if not reversal and not shortfall:
                continue
            # The sale's lines and its earlier refunds' (made before it).
            due = wallet._paid_amount_to_take_back(
                lines.filtered(
                    lambda line, refund=refund: line.pos_order_id.id < refund.id
                ),
                so_far,
                sale_total,
                source if refunded_before else None,
            )
            if due:
                table = (
                    "dental_loyalty_ledger" if reversal else "dental_loyalty_shortfall"
                )
                env.cr.execute(
                    SQL(
                        "UPDATE %s SET paid_amount = %s WHERE id = %s",
                        SQL.identifier(table),
                        -due,
                        (reversal or shortfall).id,
                    )
                )
                env.invalidate_all()
