from odoo import models

from .mail_render_mixin_campaign import CAMPAIGN_EVENT


# One concern of res.partner per file, as core splits a model across files.
# pylint: disable=consider-merging-classes-inherited
class ResPartner(models.Model):
    """A campaign's announcement carries, beside the member's figures, what
    the campaign gives, when, and on what, in the member's language."""

    _inherit = "res.partner"

    def _dental_loyalty_message_figures(self, event, company=None):
        values = super()._dental_loyalty_message_figures(event, company=company)
        if event != CAMPAIGN_EVENT or not values:
            return values
        # Which campaign is the client's word: rendered only for who may
        # announce it; none named, nothing of any campaign.
        campaign = self.env["dental.loyalty.earning.rule"]._announced_campaign(
            self.env.context.get("dental_loyalty_campaign_id") or False
        )
        if campaign:
            values.update(campaign._announce_values())
        return values
