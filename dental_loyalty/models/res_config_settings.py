from odoo import api, fields, models
from odoo.tools.misc import formatLang

from ..rules import earned_points, max_points_payment

# The bill the worked example in Settings is computed on.
_EXAMPLE_BILL = 100.0
# The settings the worked example reads.
_EXAMPLE_FIELDS = (
    "dental_loyalty_earn_rate",
    "dental_loyalty_point_value",
    "dental_loyalty_waiting_days",
    "dental_loyalty_validity_months",
    "dental_loyalty_max_share",
)


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    dental_loyalty_earn_rate = fields.Float(
        related="company_id.dental_loyalty_earn_rate", readonly=False
    )
    dental_loyalty_point_value = fields.Float(
        related="company_id.dental_loyalty_point_value", readonly=False
    )
    dental_loyalty_waiting_days = fields.Integer(
        related="company_id.dental_loyalty_waiting_days", readonly=False
    )
    dental_loyalty_validity_months = fields.Integer(
        related="company_id.dental_loyalty_validity_months", readonly=False
    )
    dental_loyalty_max_share = fields.Float(
        related="company_id.dental_loyalty_max_share", readonly=False
    )
    dental_loyalty_tier_basis = fields.Selection(
        related="company_id.dental_loyalty_tier_basis", readonly=False
    )
    dental_loyalty_tier_window_months = fields.Integer(
        related="company_id.dental_loyalty_tier_window_months", readonly=False
    )
    dental_loyalty_message_ids = fields.One2many(
        related="company_id.dental_loyalty_message_ids", readonly=False
    )
    dental_loyalty_expiry_warning_days = fields.Integer(
        related="company_id.dental_loyalty_expiry_warning_days", readonly=False
    )
    dental_loyalty_near_tier_share = fields.Float(
        related="company_id.dental_loyalty_near_tier_share", readonly=False
    )
    dental_loyalty_tier_grace_days = fields.Integer(
        related="company_id.dental_loyalty_tier_grace_days", readonly=False
    )
    dental_loyalty_dormant_months = fields.Integer(
        related="company_id.dental_loyalty_dormant_months", readonly=False
    )
    dental_loyalty_dormant_user_id = fields.Many2one(
        related="company_id.dental_loyalty_dormant_user_id", readonly=False
    )
    dental_loyalty_enrolment = fields.Selection(
        related="company_id.dental_loyalty_enrolment", readonly=False
    )
    dental_loyalty_family_reception = fields.Boolean(
        related="company_id.dental_loyalty_family_reception", readonly=False
    )
    dental_loyalty_referrer_points = fields.Integer(
        related="company_id.dental_loyalty_referrer_points", readonly=False
    )
    dental_loyalty_referred_points = fields.Integer(
        related="company_id.dental_loyalty_referred_points", readonly=False
    )
    dental_loyalty_referral_yearly_limit = fields.Integer(
        related="company_id.dental_loyalty_referral_yearly_limit", readonly=False
    )
    dental_loyalty_referral_min_visit = fields.Monetary(
        related="company_id.dental_loyalty_referral_min_visit",
        currency_field="dental_loyalty_currency_id",
        readonly=False,
    )
    dental_loyalty_referral_refund_share = fields.Float(
        related="company_id.dental_loyalty_referral_refund_share", readonly=False
    )
    dental_loyalty_currency_id = fields.Many2one(
        related="company_id.currency_id", string="Loyalty Currency Record"
    )
    dental_loyalty_currency_name = fields.Char(
        related="company_id.currency_id.name", string="Loyalty Currency"
    )
    dental_loyalty_example = fields.Text(
        string="Worked Example", compute="_compute_dental_loyalty_example"
    )

    @api.depends(*_EXAMPLE_FIELDS)
    def _compute_dental_loyalty_example(self):
        # A value the save would refuse is said first, and the example goes on
        # with the value saved, rather than going blank.
        for settings in self:
            problems = {
                name: problem
                for name, problem in settings._dental_loyalty_problems().items()
                if name in _EXAMPLE_FIELDS
            }
            example = settings
            if problems:
                company = settings.company_id
                example = settings.new(
                    {
                        "company_id": company.id,
                        **{
                            name: company[name] if name in problems else settings[name]
                            for name in _EXAMPLE_FIELDS
                        },
                    }
                )
            lines = [
                self.env._("%s The example uses the value saved.", problem)
                for problem in dict.fromkeys(problems.values())
            ]
            settings.dental_loyalty_example = "\n".join(
                [*lines, example._dental_loyalty_example_text()]
            )

    def _dental_loyalty_example_text(self):
        """What the current values mean together, on a bill of 100."""
        currency = self.company_id.currency_id

        def money(amount):
            return formatLang(self.env, amount, currency_obj=currency)

        def number(value):
            return formatLang(self.env, value, digits=0)

        earned = earned_points(_EXAMPLE_BILL, self.dental_loyalty_earn_rate, 0, 1.0)
        lines = [
            self.env._(
                "Points a bill of %(bill)s paid with money earns: %(points)s.",
                bill=money(_EXAMPLE_BILL),
                points=number(earned),
            )
        ]
        if self.dental_loyalty_waiting_days:
            lines.append(
                self.env._(
                    "They can be spent after a %(days)s-day wait.",
                    days=number(self.dental_loyalty_waiting_days),
                )
            )
        else:
            lines.append(self.env._("They can be spent at once."))
        if self.dental_loyalty_validity_months:
            lines.append(
                self.env._(
                    "Unspent, they expire at the end of a %(months)s-month validity "
                    "counted from the visit.",
                    months=number(self.dental_loyalty_validity_months),
                )
            )
        else:
            lines.append(self.env._("They never expire."))
        if self.dental_loyalty_point_value > 0:
            hundred = max_points_payment(
                1000,
                self.dental_loyalty_point_value,
                _EXAMPLE_BILL,
                self.dental_loyalty_max_share,
                rounding=currency.rounding,
            )
            lines.append(
                self.env._(
                    "1,000 points are worth %(worth)s; on a bill of %(bill)s they pay "
                    "at most %(most)s (%(share)s %% of the bill).",
                    worth=money(1000 * self.dental_loyalty_point_value),
                    bill=money(_EXAMPLE_BILL),
                    most=money(hundred),
                    share=number(self.dental_loyalty_max_share),
                )
            )
        return "\n".join(lines)
