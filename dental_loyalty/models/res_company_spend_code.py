from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    """When a spend of points needs a code the patient receives by SMS."""

    # One concern per file, as Odoo core splits its big models.
    _inherit = "res.company"  # pylint: disable=consider-merging-classes-inherited

    dental_loyalty_spend_code_points = fields.Integer(
        string="Code by SMS From",
        default=0,
        help="A spend that brings the points a patient spent in the last 24 "
        "hours (paid with points or on rewards, held on bills included) to this "
        "many needs a "
        "one-time code sent by SMS to the patient's mobile, typed at the "
        "register. 0: no code.",
    )

    @api.constrains("dental_loyalty_spend_code_points")
    def _check_dental_loyalty_spend_code_points(self):
        if any(company.dental_loyalty_spend_code_points < 0 for company in self):
            raise ValidationError(
                self.env._(
                    "The points from which a spend needs a code cannot be negative "
                    "(use 0 for no code)."
                )
            )
