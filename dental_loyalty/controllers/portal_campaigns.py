from odoo.http import request

from .portal import DentalLoyaltyPortal


class DentalLoyaltyPortalCampaigns(DentalLoyaltyPortal):
    """The clinic's campaigns open to the patient on their page: those running
    or starting soon that are for them (the rule's audience, as the engine
    reads it at their visit), with their dates and what they give."""

    def _dental_loyalty_page_values(self, wallet, access_token, page=1):
        values = super()._dental_loyalty_page_values(wallet, access_token, page=page)
        Rule = request.env["dental.loyalty.earning.rule"].with_context(
            lang=request.env.lang
        )
        values["dl_campaigns"] = Rule._open_campaigns(
            wallet.partner_id,
            wallet.company_id,
            today=wallet.company_id._dental_loyalty_today(),
        )
        return values
