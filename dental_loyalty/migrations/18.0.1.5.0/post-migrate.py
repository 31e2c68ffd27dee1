from odoo import SUPERUSER_ID, api
from odoo.tools import SQL
from odoo.tools.sql import column_exists

from odoo.addons.dental_loyalty.models.dental_loyalty_message import EVENTS


def migrate(cr, version):
    """Messages were configured by a field per event on the company; they are
    records now, one per company and event. Each company keeps its choice; the
    old columns go with their fields at the end of the update, as Odoo drops a
    removed field's column."""
    keep_channel_choices(api.Environment(cr, SUPERUSER_ID, {}))


def keep_channel_choices(env):
    cr = env.cr
    columns = {
        event: f"dental_loyalty_channel_{event}"
        for event, _label in EVENTS
        if column_exists(cr, "res_company", f"dental_loyalty_channel_{event}")
    }
    if not columns:
        return
    companies = env["res.company"].with_context(active_test=False).search([])
    env["dental.loyalty.message"]._create_missing(companies)
    cr.execute(
        SQL(
            "SELECT id, %s FROM res_company",
            SQL(", ").join(
                SQL("%s AS %s", SQL.identifier(column), SQL.identifier(event))
                for event, column in columns.items()
            ),
        )
    )
    for row in cr.dictfetchall():
        company = companies.browse(row.pop("id"))
        company._dental_loyalty_set_channels(
            **{event: channel for event, channel in row.items() if channel}
        )
