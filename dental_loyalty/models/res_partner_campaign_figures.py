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
        campaign_id = self.env.context.get("dental_loyalty_campaign_id")
        if event != CAMPAIGN_EVENT or not values or not isinstance(campaign_id, int):
            return values
        campaign = self.env["dental.loyalty.earning.rule"].browse(campaign_id).exists()
        if campaign:
            campaign.check_access("read")
            values.update(campaign._announce_values())
        return values
