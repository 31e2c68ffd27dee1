from unittest.mock import patch

from odoo.tests import tagged

from .common import DentalLoyaltyCommon, load_migration


@tagged("post_install", "-at_install")
class TestLedgerCurrency(DentalLoyaltyCommon):
    """A ledger line's paid amount is in its company's currency, stored on the
    line (18.0.1.11.0)."""

    def _migrate(self):
        migration = load_migration("18.0.1.11.0/pre-migrate.py")
        migration.migrate(self.env.cr, "18.0.1.10.0")

    def _line_currencies(self):
        self.cr.execute(
            "SELECT line.currency_id, company.currency_id "
            "FROM dental_loyalty_ledger line "
            "JOIN res_company company ON company.id = line.company_id "
            "ORDER BY line.id"
        )
        return self.cr.fetchall()

    def test_a_posting_of_several_lines_reads_none_of_them_back(self):
        wallet = self.patient._dental_loyalty_wallet(self.company)
        self.env.flush_all()
        self.env.invalidate_all()
        executed = []
        execute = type(self.cr).execute

        def spy(cr, query, params=None, log_exceptions=True):
            executed.append(str(getattr(query, "code", query)))
            return execute(cr, query, params, log_exceptions)

        with patch.object(type(self.cr), "execute", spy):
            lines = self.Wallet._post_lines(
                [
                    {
                        "wallet_id": wallet.id,
                        "kind": "earn",
                        "points": points,
                        "paid_amount": paid,
                    }
                    for points, paid in ((120, 120.456), (30, 0.0), (5, 5.0))
                ]
            )
            self.env.flush_all()
        read_back = [
            query
            for query in executed
            if 'FROM "dental_loyalty_ledger" WHERE ("dental_loyalty_ledger"."id" IN'
            in query
        ]
        self.assertFalse(read_back, "the lines just inserted were read back")
        self.assertEqual(lines.currency_id, self.company.currency_id)
        # Rounded in the company's currency, as the chatter and reports show it.
        currency = self.company.currency_id
        self.assertEqual(
            lines.mapped("paid_amount"), [currency.round(120.456), 0.0, 5.0]
        )

    def test_the_update_stores_each_lines_company_currency(self):
        # Another clinic of the chain bills in another currency.
        other_currency = (
            self.env["res.currency"]
            .with_context(active_test=False)
            .search([("id", "!=", self.company.currency_id.id)], limit=1)
        )
        other_currency.active = True
        clinic = self.env["res.company"].create(
            {"name": "Second Clinic", "currency_id": other_currency.id}
        )
        self._earn(self.patient, 120)
        self._spend(self.patient, 20)
        wallet = self.patient._dental_loyalty_wallet(clinic)
        self.Wallet._post_lines(
            [{"wallet_id": wallet.id, "kind": "adjust", "points": 7, "reason": "Gift"}]
        )
        self.env.flush_all()
        # The ledger as 18.0.1.10.0 left it: no currency column.
        self.cr.execute("ALTER TABLE dental_loyalty_ledger DROP COLUMN currency_id")
        self._migrate()
        currencies = self._line_currencies()
        self.assertTrue(currencies)
        for line_currency, company_currency in currencies:
            self.assertEqual(line_currency, company_currency)
        self.assertEqual(
            {line_currency for line_currency, _company in currencies},
            {self.company.currency_id.id, other_currency.id},
        )
        # Run again (an update that stopped after it): nothing changes.
        self._migrate()
        self.assertEqual(self._line_currencies(), currencies)
