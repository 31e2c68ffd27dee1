from odoo import models


class SmsComposer(models.TransientModel):
    """The SMS composer opened by a campaign's Announce: it sends with the
    campaign in its context, so that its consent rules and the campaign's
    values hold whatever the client passes along. A client may create it
    itself: the campaign it names is checked as the Announce button checks it
    (its managers), when the composer is made or changed and again when it
    sends, and it goes only to the campaign's audience."""

    # A model of more than one parent is named, or Odoo names it after the class.
    _name = "sms.composer"
    _inherit = ["sms.composer", "dental.loyalty.campaign.composer"]

    def _dental_loyalty_outside(self, records):
        """Of ``records`` (patients), those the announced campaign is not for."""
        Partner = self.env["res.partner"]
        if self.res_model != "res.partner" or not records:
            return Partner
        campaign = self._dental_loyalty_campaign()
        if not campaign:
            return Partner
        return records - campaign._audience_members()

    def _dental_loyalty_without_consent(self, records):
        # Who the campaign is not for is left out apart, counted apart.
        if records:
            records -= self._dental_loyalty_outside(records)
        return super()._dental_loyalty_without_consent(records)

    def _action_send_sms_mass(self, records=None):
        records = records if records is not None else self._get_records()
        if records:
            records -= self._dental_loyalty_outside(records)
        return super()._action_send_sms_mass(records=records)

    def _action_send_sms_comment(self, records=None):
        records = records if records is not None else self._get_records()
        self._dental_loyalty_refuse_outside(self._dental_loyalty_outside(records))
        return super()._action_send_sms_comment(records=records)

    def action_send_sms(self):
        campaign = self._dental_loyalty_campaign()
        if not campaign:
            self._dental_loyalty_check_announcement(self.template_id)
        composer = (
            self.with_context(dental_loyalty_campaign_id=campaign.id)
            if campaign
            else self
        )
        return super(SmsComposer, composer).action_send_sms()
