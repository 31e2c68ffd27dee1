from odoo import api, fields, models

from .dental_loyalty_input import MAX_AMOUNT

# The company's loyalty settings the checks read.
CHECKED = tuple(
    f"dental_loyalty_{name}"
    for name in (
        "earn_rate",
        "point_value",
        "waiting_days",
        "validity_months",
        "max_share",
        "tier_window_months",
        "expiry_warning_days",
        "near_tier_share",
        "tier_grace_days",
        "dormant_months",
        "referrer_points",
        "referred_points",
        "referral_yearly_limit",
        "referral_min_visit",
        "referral_refund_share",
    )
)


# One concern of res.company per file, as core splits a model across files.
# pylint: disable=consider-merging-classes-inherited
class ResCompany(models.Model):
    """What is wrong with a clinic's loyalty settings, field by field: the
    company's constraint refuses them on save, Settings says so as they are
    typed, with the same sentences. The tiers, editable from Settings."""

    _inherit = "res.company"

    dental_loyalty_tier_ids = fields.One2many(
        "dental.loyalty.tier", "company_id", string="Loyalty Tiers"
    )

    @api.model
    def _dental_loyalty_settings_problems(self, values):
        """{field name: what is wrong with it} for the settings ``values``
        ({field name: value}, names with their prefix, any of CHECKED)."""

        def value(name):
            return values.get(f"dental_loyalty_{name}") or 0

        checks = [
            (
                "earn_rate",
                value("earn_rate") < 0,
                self.env._("The earning rate of loyalty points cannot be negative."),
            ),
            (
                "point_value",
                value("point_value") <= 0,
                self.env._("The value of a loyalty point must be greater than zero."),
            ),
            (
                "waiting_days",
                value("waiting_days") < 0,
                self.env._("The waiting period of loyalty points cannot be negative."),
            ),
            (
                "validity_months",
                value("validity_months") < 0,
                self.env._(
                    "The validity of loyalty points cannot be negative "
                    "(use 0 for points that never expire)."
                ),
            ),
            (
                "max_share",
                not 0 <= value("max_share") <= 100,
                self.env._(
                    "The share of a bill payable with points must be between "
                    "0 and 100 %."
                ),
            ),
            (
                "tier_window_months",
                value("tier_window_months") < 1,
                self.env._("The tier window must be at least one month."),
            ),
            (
                "expiry_warning_days",
                value("expiry_warning_days") < 0,
                self.env._("Days before expiry and of grace cannot be negative."),
            ),
            (
                "tier_grace_days",
                value("tier_grace_days") < 0,
                self.env._("Days before expiry and of grace cannot be negative."),
            ),
            (
                "near_tier_share",
                not 0 <= value("near_tier_share") <= 100,
                self.env._(
                    "The share of the next tier's threshold must be between 0 "
                    "and 100 %."
                ),
            ),
            (
                "dormant_months",
                value("dormant_months") < 1,
                self.env._("A patient is dormant after one month at least."),
            ),
            *(
                (
                    name,
                    value(name) < 0,
                    self.env._(
                        "Referral bonuses and the yearly limit of referrals cannot "
                        "be negative (a limit of 0 means none)."
                    ),
                )
                for name in (
                    "referrer_points",
                    "referred_points",
                    "referral_yearly_limit",
                )
            ),
            (
                "referral_min_visit",
                not 0 <= value("referral_min_visit") <= MAX_AMOUNT,
                self.env._(
                    "The minimum first visit of a referral must be between 0 and %s.",
                    MAX_AMOUNT,
                ),
            ),
            (
                "referral_refund_share",
                not 0 <= value("referral_refund_share") <= 100,
                self.env._(
                    "The refund share that reverses a referral must be between "
                    "0 and 100 %."
                ),
            ),
        ]
        return {
            f"dental_loyalty_{name}": message
            for name, wrong, message in checks
            if f"dental_loyalty_{name}" in values and wrong
        }
