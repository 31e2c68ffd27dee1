from odoo.tools import SQL
from odoo.tools.sql import column_exists

from odoo.addons.dental_loyalty.models.dental_loyalty_message import EVENTS

# Where each company's channel per event waits for post-migrate: the update
# drops the company's fields, and their columns with them, before it.
LEGACY_TABLE = "dental_loyalty_channel_legacy"


def migrate(cr, version):
    save_channel_choices(cr)


def save_channel_choices(cr):
    cr.execute(
        SQL(
            "CREATE TABLE IF NOT EXISTS %s "
            "(company_id integer, event varchar, channel varchar)",
            SQL.identifier(LEGACY_TABLE),
        )
    )
    for event, _label in EVENTS:
        column = f"dental_loyalty_channel_{event}"
        if not column_exists(cr, "res_company", column):
            continue
        cr.execute(
            SQL(
                "INSERT INTO %s SELECT id, %s, %s FROM res_company "
                "WHERE %s IS NOT NULL",
                SQL.identifier(LEGACY_TABLE),
                event,
                SQL.identifier(column),
                SQL.identifier(column),
            )
        )
