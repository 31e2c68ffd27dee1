from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import ormcache

from ..rules import Tier, ladder_conflicts
from .dental_loyalty_input import check_record_ids
from .engine_cache import forget_programme


class DentalLoyaltyTier(models.Model):
    _name = "dental.loyalty.tier"
    _description = "Loyalty Tier"
    _order = "company_id, sequence, threshold, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    # Whole points, visits or money units: "1,500", never "1,500.00".
    threshold = fields.Float(
        required=True,
        digits=(16, 0),
        help="The qualifying figure (points earned, amount spent or paid visits over "
        "the company's tier window) a patient needs to reach this tier.",
    )
    multiplier = fields.Float(
        string="Earning Multiplier",
        default=1.0,
        digits=(16, 2),
        help="Points earned by patients of this tier are multiplied by this figure.",
    )
    benefits = fields.Text(translate=True)
    birthday_points = fields.Integer(
        help="Points a patient of this tier gets on their birthday.",
    )
    anniversary_points = fields.Integer(
        help="Points a patient of this tier gets on their second date (e.g. a "
        "wedding anniversary).",
    )
    color = fields.Integer()
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
        ondelete="cascade",
    )
    wallet_count = fields.Integer(compute="_compute_wallet_count", string="Patients")
    threshold_unit = fields.Char(
        compute="_compute_threshold_unit",
        help="What the threshold counts, as set in Settings.",
    )

    @api.depends(
        "company_id.dental_loyalty_tier_basis",
        "company_id.dental_loyalty_tier_window_months",
    )
    @api.depends_context("lang")
    def _compute_threshold_unit(self):
        for tier in self:
            company = tier.company_id or self.env.company
            months = company.dental_loyalty_tier_window_months
            units = {
                "points": self.env._("points earned over a %s-month window", months),
                "amount": self.env._(
                    "%(currency)s spent over a %(months)s-month window",
                    currency=company.currency_id.name,
                    months=months,
                ),
                "visits": self.env._("paid visits over a %s-month window", months),
            }
            tier.threshold_unit = units.get(company.dental_loyalty_tier_basis, "")

    def action_view_wallets(self):
        check_record_ids(self, single=True)
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "dental_loyalty.dental_loyalty_wallet_action"
        )
        action["domain"] = [("tier_id", "=", self.id)]
        return action

    _sql_constraints = [
        (
            "threshold_positive",
            "CHECK(threshold >= 0)",
            "The threshold of a tier cannot be negative.",
        ),
        (
            "multiplier_positive",
            "CHECK(multiplier > 0)",
            "The earning multiplier of a tier must be greater than zero.",
        ),
        (
            "gift_points_not_negative",
            "CHECK(birthday_points >= 0 AND anniversary_points >= 0)",
            "Birthday and anniversary points cannot be negative.",
        ),
    ]

    def _compute_wallet_count(self):
        counts = dict(
            self.env["dental.loyalty.wallet"]._read_group(
                [("tier_id", "in", self._origin.ids)], ["tier_id"], ["__count"]
            )
        )
        for tier in self:
            tier.wallet_count = counts.get(tier._origin, 0)

    @api.constrains("threshold", "sequence", "company_id", "active")
    def _check_ladder(self):
        for company in self.company_id:
            ladder = self.search([("company_id", "=", company.id)])
            conflicts = ladder_conflicts(ladder._as_rules())
            if conflicts:
                first, second = (self.browse(tier.id) for tier in conflicts[0])
                raise ValidationError(
                    self.env._(
                        "The tiers %(first)s and %(second)s overlap: each tier needs "
                        "its own threshold, higher than the tiers before it.",
                        first=first.name,
                        second=second.name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        forget_programme(self.env)
        return super().create(vals_list)

    def write(self, vals):
        if {"threshold", "sequence", "company_id", "active"} & set(vals):
            forget_programme(self.env)
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_clear_ladder_cache(self):
        forget_programme(self.env)

    @api.model
    @ormcache("company_id")
    def _ladder(self, company_id):
        """The company's active tiers as the rules see them; cached, since every
        earning order evaluates the patient's tier."""
        # Cached for every user: the ladder as the engine applies it, its
        # active tiers whatever context the first caller sent.
        tiers = (
            self.sudo()
            .with_context(active_test=True)
            .search([("company_id", "=", company_id)])
        )
        return tuple(tiers._as_rules())

    @api.model
    def _floor_of(self, ladder):
        """The lowest tier: every patient holds at least it, from the first day."""
        return min(ladder, key=lambda tier: tier.threshold).id if ladder else None

    @api.model
    def _top_of(self, ladder):
        return max(ladder, key=lambda tier: tier.threshold).id if ladder else None

    def _as_rules(self):
        return [Tier(tier.id, tier.sequence, tier.threshold) for tier in self]
