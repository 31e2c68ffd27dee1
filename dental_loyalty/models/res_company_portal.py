from odoo import fields, models


class ResCompany(models.Model):
    """What patients may do from their own loyalty page."""

    # One concern per file, as Odoo core splits its big models.
    _inherit = "res.company"  # pylint: disable=consider-merging-classes-inherited

    dental_loyalty_portal_rewards = fields.Boolean(
        string="Rewards from the Loyalty Page",
        help="Patients exchange their points for a reward of the catalog from "
        "their loyalty page, with the checks of the front desk, and get the "
        "voucher by mail.",
    )
