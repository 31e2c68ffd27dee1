from unittest.mock import patch

from odoo.tests import new_test_user

from odoo.addons.account.tests.common import AccountTestInvoicingCommon


class DentalLoyaltyAccountCommon(AccountTestInvoicingCommon):
    """A company with a chart of accounts that books its loyalty liability.

    The liability's worth at a day is what ``self.worth[company.id, day]`` says: the
    tests patch the one method that asks Dental Loyalty for it.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.company_data["company"]
        # The test's own reads; the bookings themselves are made as the manager.
        cls.Booking = cls.env["dental.loyalty.liability.booking"].sudo()
        cls.liability_account, cls.expense_account, cls.journal = cls._books_of(
            cls.company_data
        )
        cls._turn_on(cls.company_data)
        cls.manager = new_test_user(
            cls.env,
            login="dl_books_manager",
            groups="base.group_user,dental_loyalty.group_dental_loyalty_manager,"
            "account.group_account_manager",
            company_id=cls.company.id,
            company_ids=[cls.company.id],
        )

    @classmethod
    def _books_of(cls, company_data):
        liability = cls.env["account.account"].create(
            {
                "code": "239100",
                "name": "Loyalty points contract liability",
                "account_type": "liability_current",
                "company_ids": [company_data["company"].id],
            }
        )
        expense = company_data["default_account_expense"]
        return liability, expense, company_data["default_journal_misc"]

    @classmethod
    def _turn_on(cls, company_data, breakage=0.0):
        liability, expense, journal = (
            (cls.liability_account, cls.expense_account, cls.journal)
            if company_data["company"] == cls.company
            else cls._books_of(company_data)
        )
        company_data["company"].write(
            {
                "dental_loyalty_book_liability": True,
                "dental_loyalty_liability_account_id": liability.id,
                "dental_loyalty_expense_account_id": expense.id,
                "dental_loyalty_liability_journal_id": journal.id,
                "dental_loyalty_breakage_percent": breakage,
            }
        )

    # The stand-in for the liability's worth; a class that books the ledger's own
    # figure turns it off.
    _stand_in_worth = True

    def setUp(self):
        super().setUp()
        self.worth = {}
        if not self._stand_in_worth:
            return
        patcher = patch.object(
            type(self.Booking),
            "_dental_loyalty_liability_worth",
            autospec=True,
            side_effect=lambda _model, company, day: self.worth[company.id, day],
        )
        patcher.start()
        self.addCleanup(patcher.stop)

    def book(self, day, company=None, user=None):
        """Books the month of ``day`` through the wizard, as a manager would."""
        wizard = (
            self.env["dental.loyalty.liability.book"]
            .with_user(user or self.manager)
            .create({"company_id": (company or self.company).id, "date": day})
        )
        action = wizard.action_book()
        return self.Booking.browse(action["res_id"])

    def balance_of(self, account, day):
        """The account's balance at the end of ``day``, from posted journal items."""
        lines = self.env["account.move.line"].search(
            [
                ("account_id", "=", account.id),
                ("parent_state", "=", "posted"),
                ("date", "<=", day),
            ]
        )
        return sum(lines.mapped("balance"))
