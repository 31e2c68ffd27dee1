from collections import defaultdict

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL
from odoo.tools.sql import table_exists

LEGACY_TABLE = "dental_loyalty_channel_legacy"


def migrate(cr, version):
    """Messages were configured by a field per event on the company; they are
    records now, one per company and event. Each company keeps the channels
    pre-migrate saved of its fields, which the update dropped."""
    keep_channel_choices(api.Environment(cr, SUPERUSER_ID, {}))


def keep_channel_choices(env):
    cr = env.cr
    if not table_exists(cr, LEGACY_TABLE):
        return
    cr.execute(
        SQL("SELECT company_id, event, channel FROM %s", SQL.identifier(LEGACY_TABLE))
    )
    channels = defaultdict(dict)
    for company_id, event, channel in cr.fetchall():
        channels[company_id][event] = channel
    companies = env["res.company"].with_context(active_test=False).browse(channels)
    env["dental.loyalty.message"]._create_missing(companies.exists())
    for company in companies.exists():
        company._dental_loyalty_set_channels(**channels[company.id])
    cr.execute(SQL("DROP TABLE %s", SQL.identifier(LEGACY_TABLE)))
