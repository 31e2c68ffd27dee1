from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    """Points taken from each lot are recorded from now on (the liability at a
    past day reads them): rebuild them for the lines posted before, from the
    lines naming their lot and by replaying each wallet's spends oldest lots
    first; wallets whose replay disagrees with their lots today are adjusted to
    match, and counted in the log (see _rebuild_from_history)."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["dental.loyalty.ledger.take"]._rebuild_from_history()
