from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    """Lapsed holds are now garbage-collected by the autovacuum: the hourly
    scheduled action that did it (noupdate data, so kept by an update) goes.
    Lines get their running balance, and wallets without a tier the lowest one."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    cron = env.ref(
        "dental_loyalty.ir_cron_release_lapsed_reservations", raise_if_not_found=False
    )
    if cron:
        cron.unlink()
    # The running balance of the lines posted before it existed.
    cr.execute(
        """
        UPDATE dental_loyalty_ledger line
           SET balance_after = running.balance
          FROM (SELECT id, SUM(points) OVER (PARTITION BY wallet_id ORDER BY id)
                       AS balance
                  FROM dental_loyalty_ledger) running
         WHERE line.id = running.id AND line.balance_after IS NULL
        """
    )
    cr.execute(
        """
        UPDATE dental_loyalty_wallet wallet
           SET tier_id = floor.id, tier_date = CURRENT_DATE
          FROM (SELECT DISTINCT ON (company_id) id, company_id
                  FROM dental_loyalty_tier
                 WHERE active
              ORDER BY company_id, threshold, sequence, id) floor
         WHERE wallet.company_id = floor.company_id AND wallet.tier_id IS NULL
        """
    )
