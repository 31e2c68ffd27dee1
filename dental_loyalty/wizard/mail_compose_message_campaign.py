from odoo import api, models
from odoo.exceptions import UserError


class MailComposeMessage(models.TransientModel):
    """The composer opened by a campaign's Announce: it renders and sends with
    the campaign in its context, so that its consent rules and the
    campaign's values hold whatever the client passes along. A client may
    create it itself: the campaign it names is checked as the Announce button
    checks it (its managers), when the composer is made or changed and again
    when it sends, and it goes only to the campaign's audience."""

    # A model of more than one parent is named, or Odoo names it after the class.
    _name = "mail.compose.message"
    _inherit = ["mail.compose.message", "dental.loyalty.campaign.composer"]

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

    def _dental_loyalty_warning_text(self):
        text = super()._dental_loyalty_warning_text()
        selected = self._dental_loyalty_selected()
        outside = self._dental_loyalty_outside(selected)
        if not outside:
            return text
        line = self.env._(
            "%(count)s of the %(selected)s selected patients are not among whom "
            "the campaign is for and will not receive it.",
            count=len(outside),
            selected=len(selected),
        )
        return "\n".join(filter(None, (text, line)))

    def _dental_loyalty_outside(self, partners):
        """Of ``partners``, those the announced campaign is not for."""
        if self.model != "res.partner" or not partners:
            return partners.browse()
        campaign = self._dental_loyalty_campaign()
        if not campaign:
            return partners.browse()
        return partners - campaign._audience_members()

    def _dental_loyalty_without_consent(self, partners):
        # Who the campaign is not for is left out apart, counted apart.
        return super()._dental_loyalty_without_consent(
            partners - self._dental_loyalty_outside(partners)
        )

    def _dental_loyalty_outside_count(self):
        return len(self._dental_loyalty_outside(self._dental_loyalty_selected()))

    def _action_send_mail_mass_mail(self, res_ids, auto_commit=False):
        outside = set(
            self._dental_loyalty_outside(self.env["res.partner"].browse(res_ids)).ids
        )
        res_ids = [res_id for res_id in res_ids if res_id not in outside]
        return super()._action_send_mail_mass_mail(res_ids, auto_commit=auto_commit)

    def _action_send_mail_comment(self, res_ids):
        self._dental_loyalty_refuse_outside(
            self._dental_loyalty_outside(self.env["res.partner"].browse(res_ids))
        )
        return super()._action_send_mail_comment(res_ids)

    def _dental_loyalty_check_campaign(self):
        """Refuse sending an announcement the user may not send now."""
        for composer in self:
            if not composer._dental_loyalty_campaign():
                composer._dental_loyalty_check_announcement(composer.template_id)

    def action_send_mail(self):
        self._dental_loyalty_check_campaign()
        return super(
            MailComposeMessage, self._dental_loyalty_with_campaign()
        ).action_send_mail()

    def action_schedule_message(self, scheduled_date=False):
        # A campaign is told to its audience when it is announced, checked
        # then: not left for later, past its checks.
        self._dental_loyalty_check_campaign()
        if any(
            composer._dental_loyalty_campaign()
            or self.env["mail.render.mixin"]._dental_loyalty_campaign_template(
                composer.template_id
            )
            for composer in self
        ):
            raise UserError(
                self.env._("A campaign's announcement is sent now, not scheduled.")
            )
        return super().action_schedule_message(scheduled_date=scheduled_date)
