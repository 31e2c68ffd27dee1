from odoo import fields, models


class SmsComposer(models.TransientModel):
    """The SMS composer opened by a campaign's Announce: it sends with the
    campaign in its context, so that its consent rules and the campaign's
    values hold whatever the client passes along."""

    _inherit = "sms.composer"  # pylint: disable=consider-merging-classes-inherited

    dental_loyalty_campaign_id = fields.Many2one(
        "dental.loyalty.earning.rule", string="Campaign", readonly=True
    )

    def action_send_sms(self):
        campaign = self[:1].dental_loyalty_campaign_id
        composer = (
            self.with_context(dental_loyalty_campaign_id=campaign.id)
            if campaign
            else self
        )
        return super(SmsComposer, composer).action_send_sms()
