import math

from odoo import api, fields, models
from odoo.tools.misc import formatLang


# One concern of res.partner per file, as core splits a model across files.
# pylint: disable=consider-merging-classes-inherited
class ResPartner(models.Model):
    """The patient's tier figure as people read it, with its unit: "1,913
    points", "1,250.00 €", "4 paid visits", not a bare "1,913.00"."""

    _inherit = "res.partner"

    loyalty_tier_figure_text = fields.Char(
        string="Counted for the Tier",
        compute="_compute_loyalty_tier_figure_text",
        help="What the tier is decided on (points earned, amount spent or paid "
        "visits, as set in Settings) over the tier window.",
        compute_sudo=True,
        groups="dental_loyalty.group_dental_loyalty_user",
    )

    @api.depends_context("company", "lang")
    @api.depends("loyalty_tier_figure")
    def _compute_loyalty_tier_figure_text(self):
        company = self.env.company
        basis = company.dental_loyalty_tier_basis
        for partner in self:
            figure = partner.loyalty_tier_figure
            if basis == "amount":
                text = formatLang(self.env, figure, currency_obj=company.currency_id)
            elif basis == "visits":
                text = self.env._(
                    "%s paid visits", formatLang(self.env, math.floor(figure), digits=0)
                )
            else:
                text = self.env._(
                    "%s points", formatLang(self.env, math.floor(figure), digits=0)
                )
            partner.loyalty_tier_figure_text = text
