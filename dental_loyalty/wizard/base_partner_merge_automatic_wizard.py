from odoo import models


class MergePartnerAutomatic(models.TransientModel):
    _inherit = "base.partner.merge.automatic.wizard"

    def _update_foreign_keys(self, src_partners, dst_partner):
        """Fold the merged patients' wallets into the kept patient's, company by
        company, before Odoo moves what points at them: a patient has one
        wallet per company, and Odoo would otherwise delete the one in the way
        (or fail on its ledger). Referrals the merge shows to be of one person
        are settled first, while each contact's visits are still their own."""
        self.env["dental.loyalty.referral"]._merge_partners(src_partners, dst_partner)
        self.env["dental.loyalty.wallet"]._fold_into(src_partners, dst_partner)
        return super()._update_foreign_keys(src_partners, dst_partner)
