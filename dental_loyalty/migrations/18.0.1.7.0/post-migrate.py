from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    """Wallets are memberships now: every patient who has one joined the
    programme on the day of their first ledger line, and agreed to the messages
    they were sent until now (see _join_from_history)."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["dental.loyalty.wallet"]._join_from_history()
