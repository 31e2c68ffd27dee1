from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    """Lapsed holds are now garbage-collected by the autovacuum: the hourly
    scheduled action that did it (noupdate data, so kept by an update) goes."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    cron = env.ref(
        "dental_loyalty.ir_cron_release_lapsed_reservations", raise_if_not_found=False
    )
    if cron:
        cron.unlink()
