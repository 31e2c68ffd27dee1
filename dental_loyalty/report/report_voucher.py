from odoo import api, models


class ReportDentalLoyaltyVoucher(models.AbstractModel):
    """The printed voucher shows its code, which only managers read: the door
    checks who prints what, then renders the code as the engine."""

    _name = "report.dental_loyalty.report_voucher"
    _description = "Loyalty Voucher Report"

    @api.model
    def _get_report_values(self, docids, data=None):
        vouchers = self.env["dental.loyalty.voucher"].browse(docids)
        vouchers._check_printable()
        return {
            "doc_ids": docids,
            "doc_model": vouchers._name,
            # Checked just above: the user may print these codes.
            "docs": vouchers.sudo(),
        }
