from datetime import date

from odoo.tools import SQL


def migrate(cr, version):
    """The yearly gifts' progress marks move from two system parameters to a
    date per clinic: every clinic starts from the one mark the jobs kept for
    all of them, and the parameters go. The jobs that write off and announce
    expiring points now run on the wallet (their cron records are noupdate)."""
    for event in ("birthday", "anniversary"):
        key = f"dental_loyalty.{event}_covered_until"
        cr.execute("SELECT value FROM ir_config_parameter WHERE key = %s", [key])
        row = cr.fetchone()
        try:
            covered = date.fromisoformat(row[0]) if row and row[0] else None
        except ValueError:
            # Edited by hand into something else than a date: the job ignored
            # it, and celebrates today only, as it will without a mark.
            covered = None
        if covered:
            cr.execute(
                SQL(
                    "UPDATE res_company SET %s = %s",
                    SQL.identifier(f"dental_loyalty_{event}_covered_until"),
                    covered,
                )
            )
        cr.execute("DELETE FROM ir_config_parameter WHERE key = %s", [key])
    cr.execute(
        """
        UPDATE ir_act_server action
           SET model_id = wallet.id, model_name = wallet.model
          FROM ir_cron cron, ir_model_data data, ir_model wallet
         WHERE data.module = 'dental_loyalty'
           AND data.model = 'ir.cron'
           AND data.name IN ('ir_cron_expire_lots', 'ir_cron_expiry_warnings')
           AND cron.id = data.res_id
           AND action.id = cron.ir_actions_server_id
           AND wallet.model = 'dental.loyalty.wallet'
        """
    )
