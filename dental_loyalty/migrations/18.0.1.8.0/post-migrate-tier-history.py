from odoo.tools import SQL


def migrate(cr, version):
    """The tier history starts with every wallet's tier today, as its first
    tier, on the day it was reached (the wallet's tier date). Earlier moves
    are not rebuilt: the engine set tiers without tracking them, and the
    chatter's notes are text. Wallets that already have a history are left
    alone, so the script may run twice."""
    cr.execute(
        SQL(
            """
            INSERT INTO dental_loyalty_tier_history (
                   wallet_id, partner_id, company_id, tier_id, date, change,
                   create_uid, create_date, write_uid, write_date)
            SELECT w.id, w.partner_id, w.company_id, w.tier_id,
                   COALESCE(w.tier_date, w.create_date::date), 'first',
                   1, NOW() AT TIME ZONE 'UTC', 1, NOW() AT TIME ZONE 'UTC'
              FROM dental_loyalty_wallet w
             WHERE w.tier_id IS NOT NULL
               AND NOT EXISTS (
                       SELECT 1 FROM dental_loyalty_tier_history h
                        WHERE h.wallet_id = w.id
                   )
            """
        )
    )
