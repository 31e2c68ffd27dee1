from odoo import api, fields, models


class MailComposeMessage(models.TransientModel):
    """The composer opened by a campaign's Announce: it renders and sends with
    the campaign in its context, so that its consent rules and the
    campaign's values hold whatever the client passes along."""

    _inherit = "mail.compose.message"  # pylint: disable=consider-merging-classes-inherited

    dental_loyalty_campaign_id = fields.Many2one(
        "dental.loyalty.earning.rule", string="Campaign", readonly=True
    )

    def _dental_loyalty_with_campaign(self):
        campaign = self[:1].dental_loyalty_campaign_id
        if not campaign:
            return self
        return self.with_context(dental_loyalty_campaign_id=campaign.id)

    @api.depends("dental_loyalty_campaign_id")
    def _compute_dental_loyalty_warning(self):
        for composer in self:
            composer.dental_loyalty_warning = (
                composer._dental_loyalty_with_campaign()._dental_loyalty_warning_text()
            )

    def action_send_mail(self):
        return super(
            MailComposeMessage, self._dental_loyalty_with_campaign()
        ).action_send_mail()
