from odoo.tools import SQL
from odoo.tools.sql import column_exists, create_column


def migrate(cr, version):
    store_ledger_currency(cr)


def store_ledger_currency(cr):
    """A ledger line's currency is stored now: its column is made and filled
    here, each line its company's currency, in one statement, before the
    update would compute it line by line in Python over the whole ledger."""
    if not column_exists(cr, "dental_loyalty_ledger", "currency_id"):
        create_column(cr, "dental_loyalty_ledger", "currency_id", "int4", "Currency")
    cr.execute(
        SQL(
            "UPDATE dental_loyalty_ledger line SET currency_id = company.currency_id "
            "FROM res_company company WHERE company.id = line.company_id "
            "AND line.currency_id IS DISTINCT FROM company.currency_id"
        )
    )
