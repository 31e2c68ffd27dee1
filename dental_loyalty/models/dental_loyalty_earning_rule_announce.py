from odoo import api, models
from odoo.exceptions import AccessError, UserError
from odoo.tools.misc import format_date

from .dental_loyalty_input import check_record_ids

# The announcement's shipped templates: their xml ids, without the module.
CAMPAIGN_TEMPLATES = (
    "mail_template_campaign_announcement",
    "sms_template_campaign_announcement",
)
# The largest id a record may have (a PostgreSQL integer).
MAX_ID = 2**31 - 1


# One concern per file, as Odoo core splits its big models.
# pylint: disable=consider-merging-classes-inherited
class DentalLoyaltyEarningRule(models.Model):
    """A campaign told to the patients it is for: Odoo's mail and SMS
    composers in mass mode on its audience's members, with the announcement's
    template. The composers send only to the members who agreed to hear from
    the programme by that channel, and say how many they skipped."""

    _inherit = "dental.loyalty.earning.rule"

    def action_announce_mail(self):
        """Open the mail composer on the campaign's members."""
        check_record_ids(self, single=True)
        return self._announce_action(
            "mail.compose.message",
            self.env._("Announce %s by email", self.name),
            "mail_template_campaign_announcement",
            {"default_model": "res.partner", "default_composition_mode": "mass_mail"},
        )

    def action_announce_sms(self):
        """Open the SMS composer on the campaign's members."""
        check_record_ids(self, single=True)
        return self._announce_action(
            "sms.composer",
            self.env._("Announce %s by SMS", self.name),
            "sms_template_campaign_announcement",
            {
                "default_res_model": "res.partner",
                "default_composition_mode": "mass",
                "default_mass_keep_log": True,
            },
        )

    def _announce_action(self, composer_model, title, template_xmlid, context):
        self.ensure_one()
        members = self._announce_members()
        template = self.env.ref(
            f"dental_loyalty.{template_xmlid}", raise_if_not_found=False
        )
        return {
            "type": "ir.actions.act_window",
            "name": title,
            "res_model": composer_model,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                **context,
                "default_res_ids": str(members.ids),
                "default_template_id": template.id if template else False,
                "default_dental_loyalty_campaign_id": self.id,
                "dental_loyalty_campaign_id": self.id,
            },
        }

    def _announce_members(self):
        """The members the campaign is for, after checking that the user may
        announce it (they may edit it) and that it can be announced."""
        self._check_announce()
        members = self._audience_members()
        if not members:
            raise UserError(
                self.env._(
                    "No member of the programme is among whom %s is for.", self.name
                )
            )
        return members

    @api.model
    def _announced_campaign(self, value):
        """The campaign ``value`` names (an id as a client sends it, in a
        composer or a render's context), after checking the user may announce
        it; empty for no campaign. Anything but an id is refused in words."""
        if isinstance(value, models.BaseModel):
            value = value.id
        if value is None or value is False:
            return self.browse()
        if (
            isinstance(value, bool)
            or not isinstance(value, int)
            or not 0 < value <= MAX_ID
        ):
            raise UserError(self.env._("This is not a campaign: %s.", str(value)[:40]))
        campaign = self.browse(value)
        campaign._check_announce()
        return campaign

    def _check_announce(self):
        """Refuse unless the user may announce this campaign now: they may edit
        it (the loyalty managers of its clinic), it is an active campaign of
        the current company, and it is not over."""
        self.ensure_one()
        if not self.exists():
            raise UserError(self.env._("This is not a campaign: %s.", self.id))
        try:
            self.check_access("write")
        except AccessError:
            # Said without the campaign's name: the user may not read it.
            raise AccessError(
                self.env._(
                    "Only a loyalty manager of the campaign's clinic may announce it."
                )
            ) from None
        if not self.is_campaign or not self.active:
            raise UserError(
                self.env._(
                    "Only an active campaign is announced: tick Campaign on %s.",
                    self.name,
                )
            )
        if self.company_id != self.env.company:
            raise UserError(
                self.env._(
                    "%(rule)s is a campaign of %(company)s: switch to that "
                    "company to announce it.",
                    rule=self.name,
                    company=self.company_id.name,
                )
            )
        if self.date_to and self.date_to < self.env.company._dental_loyalty_today():
            raise UserError(
                self.env._("%s is over: there is nothing to announce.", self.name)
            )

    def _announce_values(self):
        """What the announcement's templates read of the campaign
        (``ctx['dental_loyalty']``), in the environment's language."""
        self.ensure_one()
        start = format_date(self.env, self.date_from) if self.date_from else ""
        end = format_date(self.env, self.date_to) if self.date_to else ""
        if start and end:
            dates = self.env._("from %(start)s to %(end)s", start=start, end=end)
        elif end:
            dates = self.env._("until %s", end)
        elif start:
            dates = self.env._("from %s", start)
        else:
            dates = ""
        return {
            "campaign": self.name,
            "description": self.description or "",
            "gives": self._gives_text(),
            "dates": dates,
        }
