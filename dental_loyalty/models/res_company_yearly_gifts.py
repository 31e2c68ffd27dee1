from odoo import fields, models


class ResCompany(models.Model):
    """The progress marks of the yearly gifts' nightly jobs, per clinic."""

    # One concern per file, as Odoo core splits its big models.
    _inherit = "res.company"  # pylint: disable=consider-merging-classes-inherited

    dental_loyalty_birthday_covered_until = fields.Date(
        string="Birthdays Celebrated Until",
        readonly=True,
        copy=False,
        help="The last day the birthday job went through to the end for this "
        "clinic: a job that did not run celebrates the days missed since.",
    )
    dental_loyalty_anniversary_covered_until = fields.Date(
        string="Second Dates Celebrated Until",
        readonly=True,
        copy=False,
        help="The last day the second-date job went through to the end for this "
        "clinic: a job that did not run celebrates the days missed since.",
    )
