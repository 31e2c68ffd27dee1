from odoo import api, fields, models
from odoo.exceptions import UserError


class SmsComposer(models.TransientModel):
    """The SMS composer opened by a campaign's Announce: it sends with the
    campaign in its context, so that its consent rules and the campaign's
    values hold whatever the client passes along. A client may create it
    itself: the campaign it names is checked as the Announce button checks it
    (its managers), when the composer is made or changed and again when it
    sends, and it goes only to the campaign's audience."""

    _inherit = "sms.composer"  # pylint: disable=consider-merging-classes-inherited

    dental_loyalty_campaign_id = fields.Many2one(
        "dental.loyalty.earning.rule", string="Campaign", readonly=True
    )

    @api.model_create_multi
    def create(self, vals_list):
        Rule = self.env["dental.loyalty.earning.rule"]
        default = self.env.context.get("default_dental_loyalty_campaign_id", False)
        for vals in vals_list:
            Rule._announced_campaign(vals.get("dental_loyalty_campaign_id", default))
        return super().create(vals_list)

    def write(self, vals):
        if "dental_loyalty_campaign_id" in vals:
            self.env["dental.loyalty.earning.rule"]._announced_campaign(
                vals["dental_loyalty_campaign_id"]
            )
        return super().write(vals)

    def _dental_loyalty_campaign(self):
        """The campaign this composer announces (its own, else the one its
        context names), checked now; empty for none."""
        Rule = self.env["dental.loyalty.earning.rule"]
        campaign_id = self[:1].dental_loyalty_campaign_id.id or self.env.context.get(
            "dental_loyalty_campaign_id", False
        )
        return Rule._announced_campaign(campaign_id)

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
        outside = self._dental_loyalty_outside(records)
        if outside:
            raise UserError(
                self.env._(
                    "%s is not among whom the campaign is for: this message is "
                    "not sent.",
                    ", ".join(outside.mapped("display_name")),
                )
            )
        return super()._action_send_sms_comment(records=records)

    def action_send_sms(self):
        campaign = self._dental_loyalty_campaign()
        if not campaign and self.env[
            "mail.render.mixin"
        ]._dental_loyalty_campaign_template(self.template_id):
            raise UserError(
                self.env._(
                    "The campaign announcement is sent from a campaign's "
                    "Announce button: it says nothing without its campaign."
                )
            )
        composer = (
            self.with_context(dental_loyalty_campaign_id=campaign.id)
            if campaign
            else self
        )
        return super(SmsComposer, composer).action_send_sms()
