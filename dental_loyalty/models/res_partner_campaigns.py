from odoo import api, fields, models


# One concern of res.partner per file, as core splits a model across files.
# pylint: disable=consider-merging-classes-inherited
class ResPartner(models.Model):
    """The campaigns open to the patient, on their form, for the front desk to
    tell them: the same list as on the patient's own page."""

    _inherit = "res.partner"

    dental_loyalty_campaign_ids = fields.Many2many(
        "dental.loyalty.earning.rule",
        string="Open Campaigns",
        compute="_compute_dental_loyalty_campaign_ids",
        groups="dental_loyalty.group_dental_loyalty_user",
        help="The clinic's campaigns running or starting soon that this "
        "member's visits earn from.",
    )

    @api.depends_context("company")
    def _compute_dental_loyalty_campaign_ids(self):
        Rule = self.env["dental.loyalty.earning.rule"]
        partners = self.filtered("id")
        campaigns = Rule._open_campaign_rules(partners._origin, self.env.company)
        for partner in self:
            partner.dental_loyalty_campaign_ids = campaigns.get(
                partner._origin.id, Rule
            )
