from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import date_utils


class DentalLoyaltyLiabilityBook(models.TransientModel):
    _name = "dental.loyalty.liability.book"
    # Its values are checked field by field, as every loyalty wizard's.
    _inherit = ["dental.loyalty.wizard.input"]
    _description = "Book the Loyalty Liability"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company",
        required=True,
        default=lambda self: self.env.company,
        domain=lambda self: [("id", "in", self.env.user.company_ids.ids)],
    )
    date = fields.Date(
        string="Month",
        required=True,
        default=lambda self: self._default_date(),
        help="Any day of the month to book: the entry is dated its last day.",
    )
    month_end = fields.Date(compute="_compute_month_end")
    month_label = fields.Char(compute="_compute_month_end")

    @api.model
    def _default_date(self):
        today = self.env.company._dental_loyalty_today()
        return date_utils.start_of(today, "month") - timedelta(days=1)

    @api.depends("date")
    def _compute_month_end(self):
        Booking = self.env["dental.loyalty.liability.booking"]
        for wizard in self:
            wizard.month_end = wizard.date and date_utils.end_of(wizard.date, "month")
            wizard.month_label = Booking._month_label(wizard.month_end)

    def action_book(self):
        self.ensure_one()
        if self.company_id not in self.env.user.company_ids:
            raise AccessError(
                self.env._("You cannot book the loyalty liability of this company.")
            )
        booking = self.env["dental.loyalty.liability.booking"]._book_month(
            self.company_id, self.date
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "dental.loyalty.liability.booking",
            "res_id": booking.id,
            "view_mode": "form",
            "target": "current",
        }
