from odoo import api, models


class ReportDentalLoyaltyMemberCardA4(models.AbstractModel):
    """The member card, on A4 under the clinic's letterhead: members only,
    each with a card code, in the current company."""

    _name = "report.dental_loyalty.report_member_card_a4"
    _description = "Loyalty Member Card Report (A4)"

    @api.model
    def _get_report_values(self, docids, data=None):
        partners = self.env["res.partner"].browse(docids)
        company = self.env.company
        return {
            "doc_ids": docids,
            "doc_model": partners._name,
            "docs": partners,
            "company": company,
            "cards": partners._dental_loyalty_card_values(company),
        }


class ReportDentalLoyaltyMemberCardCR80(models.AbstractModel):
    """The same card alone, one a page, for a card printer (CR80)."""

    _name = "report.dental_loyalty.report_member_card_cr80"
    _inherit = "report.dental_loyalty.report_member_card_a4"
    _description = "Loyalty Member Card Report (Card Printer)"
