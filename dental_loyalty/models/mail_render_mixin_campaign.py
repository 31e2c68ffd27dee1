from odoo import api, models
from odoo.exceptions import UserError

from .dental_loyalty_earning_rule_announce import CAMPAIGN_TEMPLATES

# The event a campaign's announcement is, for the composers' consent rules.
CAMPAIGN_EVENT = "campaign"


class MailRenderMixin(models.AbstractModel):
    """A campaign's announcement is a message of the programme: whatever
    template the composer was given for it (or the shipped announcement's
    anywhere), it goes only to members who agreed to that channel."""

    _inherit = "mail.render.mixin"  # pylint: disable=consider-merging-classes-inherited

    def _render_field(self, field, res_ids, *args, **kwargs):
        self._dental_loyalty_check_campaign_model()
        return super()._render_field(field, res_ids, *args, **kwargs)

    def _dental_loyalty_check_campaign_model(self):
        """A campaign's announcement renders on patients only: on another
        model (users, say) the ids rendered would be taken for contacts'."""
        if len(self) != 1 or self.render_model in (False, "res.partner"):
            return
        template = self
        if self._name not in ("mail.template", "sms.template"):
            template = self.template_id if "template_id" in self._fields else None
        if (
            self.env.context.get("dental_loyalty_campaign_id")
            or (
                "dental_loyalty_campaign_id" in self._fields
                and self.dental_loyalty_campaign_id
            )
            or self._dental_loyalty_campaign_template(template)
        ):
            raise UserError(
                self.env._("A campaign is announced to patients (contacts) only.")
            )

    @api.model
    def _dental_loyalty_template_event(self, template):
        if self.env.context.get(
            "dental_loyalty_campaign_id"
        ) or self._dental_loyalty_campaign_template(template):
            return CAMPAIGN_EVENT
        return super()._dental_loyalty_template_event(template)

    @api.model
    def _dental_loyalty_campaign_template(self, template):
        """Whether ``template`` is one of the shipped announcements, which say
        nothing without the campaign they announce."""
        if not template:
            return False
        # Which template it is, whoever may read it.
        xmlid = template.sudo().get_external_id().get(template.id, "")
        return xmlid.removeprefix("dental_loyalty.") in CAMPAIGN_TEMPLATES
