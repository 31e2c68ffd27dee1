from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    dental_loyalty_book_liability = fields.Boolean(
        related="company_id.dental_loyalty_book_liability", readonly=False
    )
    dental_loyalty_liability_account_id = fields.Many2one(
        related="company_id.dental_loyalty_liability_account_id", readonly=False
    )
    dental_loyalty_expense_account_id = fields.Many2one(
        related="company_id.dental_loyalty_expense_account_id", readonly=False
    )
    dental_loyalty_liability_journal_id = fields.Many2one(
        related="company_id.dental_loyalty_liability_journal_id", readonly=False
    )
    dental_loyalty_breakage_percent = fields.Float(
        related="company_id.dental_loyalty_breakage_percent", readonly=False
    )
