from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    dental_loyalty_book_liability = fields.Boolean(
        string="Book the Loyalty Liability",
        help="Each month, a journal entry moves the change in the worth of the points "
        "patients hold, net of expected breakage, to the contract liability account.",
    )
    dental_loyalty_liability_account_id = fields.Many2one(
        "account.account",
        string="Contract Liability Account",
        ondelete="restrict",
        check_company=True,
        domain="[('account_type', 'in', "
        "('liability_current', 'liability_non_current'))]",
        help="Credited when the points patients hold are worth more, debited when "
        "they are worth less.",
    )
    dental_loyalty_expense_account_id = fields.Many2one(
        "account.account",
        string="Loyalty Expense Account",
        ondelete="restrict",
        check_company=True,
        domain="[('account_type', 'in', ('expense', 'expense_direct_cost', "
        "'income', 'income_other'))]",
        help="The other side of the entry: an expense account, or a revenue account "
        "when the points are booked as revenue deferred.",
    )
    dental_loyalty_liability_journal_id = fields.Many2one(
        "account.journal",
        string="Loyalty Liability Journal",
        ondelete="restrict",
        check_company=True,
        domain="[('type', '=', 'general')]",
        help="A miscellaneous journal the monthly entries are posted in.",
    )
    dental_loyalty_breakage_percent = fields.Float(
        string="Expected Breakage (%)",
        default=0.0,
        help="The share of the points' worth expected to expire unspent: the liability "
        "is booked net of it.",
    )

    _sql_constraints = [
        (
            "dental_loyalty_breakage_percent_range",
            "CHECK(dental_loyalty_breakage_percent >= 0 "
            "AND dental_loyalty_breakage_percent <= 100)",
            "The expected breakage is a percentage between 0 and 100.",
        ),
    ]

    @api.constrains(
        "dental_loyalty_liability_account_id", "dental_loyalty_expense_account_id"
    )
    def _check_dental_loyalty_liability_accounts(self):
        for company in self:
            account = company.dental_loyalty_liability_account_id
            if account and account == company.dental_loyalty_expense_account_id:
                raise ValidationError(
                    self.env._(
                        "The contract liability account and the loyalty expense "
                        "account must differ."
                    )
                )
