from psycopg2 import IntegrityError

from odoo.tests import Form, new_test_user, tagged
from odoo.tools import mute_logger

from .common import DentalLoyaltyAccountCommon


@tagged("post_install", "-at_install")
class TestLiabilitySettings(DentalLoyaltyAccountCommon):
    def test_settings_set_the_company_books(self):
        data = self.setup_other_company(name="Third Clinic")
        company = data["company"]
        # Off by default: nothing is booked before a manager turns it on.
        self.assertFalse(company.dental_loyalty_book_liability)
        liability, expense, journal = self._books_of(data)
        administrator = new_test_user(
            self.env,
            login="dl_books_administrator",
            groups="base.group_system,dental_loyalty.group_dental_loyalty_manager,"
            "account.group_account_manager",
            company_id=company.id,
            company_ids=[company.id],
        )
        settings = Form(self.env["res.config.settings"].with_user(administrator))
        settings.dental_loyalty_book_liability = True
        settings.dental_loyalty_liability_account_id = liability
        settings.dental_loyalty_expense_account_id = expense
        settings.dental_loyalty_liability_journal_id = journal
        settings.dental_loyalty_breakage_percent = 12.5
        settings.save().execute()
        self.assertRecordValues(
            company,
            [
                {
                    "dental_loyalty_book_liability": True,
                    "dental_loyalty_liability_account_id": liability.id,
                    "dental_loyalty_expense_account_id": expense.id,
                    "dental_loyalty_liability_journal_id": journal.id,
                    "dental_loyalty_breakage_percent": 12.5,
                }
            ],
        )

    def test_breakage_is_a_percentage(self):
        for breakage in (-1.0, 100.5):
            with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
                with self.env.cr.savepoint():
                    self.company.dental_loyalty_breakage_percent = breakage
                    self.company.flush_recordset()
