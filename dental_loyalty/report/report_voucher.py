from odoo import api, models
from odoo.tools import formatLang


class ReportDentalLoyaltyVoucher(models.AbstractModel):
    """The printed voucher shows its code, which only managers read: the door
    checks who prints what, then renders the code as the engine. It is printed
    in the clinic's layout, with the reward's conditions in the patient's
    language."""

    _name = "report.dental_loyalty.report_voucher"
    _description = "Loyalty Voucher Report"

    @api.model
    def _get_report_values(self, docids, data=None):
        vouchers = self.env["dental.loyalty.voucher"].browse(docids)
        vouchers._check_printable()
        # Checked just above: the user may print these codes.
        docs = vouchers.sudo()
        return {
            "doc_ids": docids,
            "doc_model": vouchers._name,
            "docs": docs,
            "conditions": {
                voucher.id: self.with_context(
                    lang=voucher.partner_id.lang or self.env.lang
                )._conditions(voucher)
                for voucher in docs
            },
        }

    @api.model
    def _conditions(self, voucher):
        """The sentences the printed voucher lists under its code, in the
        environment's language."""
        reward = voucher.reward_id
        conditions = [self.env._("One use, on one bill.")]
        if reward.transferable:
            conditions.append(self.env._("Whoever brings this voucher may use it."))
        else:
            conditions.append(
                self.env._("For %s only, on their own bill.", voucher.partner_id.name)
            )
        if reward.kind in ("discount_fixed", "discount_percent") and (
            reward.max_coverage < 100.0
        ):
            conditions.append(
                self.env._(
                    "Covers at most %s %% of a bill.",
                    formatLang(self.env, reward.max_coverage, digits=0),
                )
            )
        if reward.kind != "gift":
            conditions.append(
                self.env._("Not exchangeable for cash; no change is given.")
            )
        return conditions
