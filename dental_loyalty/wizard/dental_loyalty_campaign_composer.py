from odoo import api, fields, models
from odoo.exceptions import UserError


class DentalLoyaltyCampaignComposer(models.AbstractModel):
    """What the mail and the SMS composers share to announce a campaign: the
    campaign they name, checked as the Announce button checks it (its
    managers) when the composer is made or changed and again when it sends,
    and the refusals of a send the campaign is not for."""

    _name = "dental.loyalty.campaign.composer"
    _description = "Campaign Announcement Composer"

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
        campaign_id = self[:1].dental_loyalty_campaign_id.id or self.env.context.get(
            "dental_loyalty_campaign_id", False
        )
        return self.env["dental.loyalty.earning.rule"]._announced_campaign(campaign_id)

    def _dental_loyalty_check_announcement(self, template):
        """Refuse sending the campaign announcement ``template`` without the
        campaign it announces."""
        if self.env["mail.render.mixin"]._dental_loyalty_campaign_template(template):
            raise UserError(
                self.env._(
                    "The campaign announcement is sent from a campaign's "
                    "Announce button: it says nothing without its campaign."
                )
            )

    def _dental_loyalty_refuse_outside(self, outside):
        """Refuse a message one by one to ``outside``, patients the campaign is
        not for."""
        if outside:
            raise UserError(
                self.env._(
                    "%s is not among whom the campaign is for: this message is "
                    "not sent.",
                    ", ".join(outside.mapped("display_name")),
                )
            )
