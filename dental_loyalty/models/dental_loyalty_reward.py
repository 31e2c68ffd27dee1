from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools.misc import format_date

from .dental_loyalty_input import check_record_ids

# How far back the limit per patient counts.
_LIMIT_PERIODS = {
    "month": relativedelta(months=1),
    "year": relativedelta(years=1),
}


class DentalLoyaltyReward(models.Model):
    """A catalog item patients buy with points: it issues a voucher that gives a
    discount or a service on a later bill, or a gift handed at the desk."""

    _name = "dental.loyalty.reward"
    _description = "Loyalty Reward"
    _inherit = ["mail.thread", "image.mixin"]
    _order = "sequence, points_cost, id"

    name = fields.Char(required=True, translate=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, tracking=True)
    description = fields.Text(
        string="Description for Patients",
        translate=True,
        help="What the patient gets, as the catalog and the voucher say it.",
    )
    kind = fields.Selection(
        selection=[
            ("discount_fixed", "Fixed discount"),
            ("discount_percent", "Percentage discount"),
            ("product", "Free service or product"),
            ("gift", "Gift handed at the desk"),
        ],
        required=True,
        default="discount_fixed",
        tracking=True,
    )
    points_cost = fields.Integer(
        string="Cost in Points", required=True, default=100, tracking=True
    )
    product_id = fields.Many2one(
        "product.product",
        ondelete="restrict",
        check_company=True,
        help="For a discount, the discount product booked on the bill; for a free "
        "service or product, what is given; for a gift, what is handed over "
        "(optional).",
    )
    discount_amount = fields.Monetary(
        string="Discount", currency_field="currency_id", tracking=True
    )
    discount_percent = fields.Float(string="Discount (%)", digits=(5, 2), tracking=True)
    max_coverage = fields.Float(
        string="Covers at Most (%)",
        digits=(5, 2),
        default=100.0,
        tracking=True,
        help="The largest share of a bill a discount of this reward may cover.",
    )
    validity_days = fields.Integer(
        string="Voucher Valid for (Days)",
        required=True,
        default=90,
        help="Days a voucher of this reward can be used after it is issued.",
    )
    clinic_share = fields.Float(
        string="Clinic's Share (%)",
        digits=(5, 2),
        default=100.0,
        help="The part of the reward's cost the clinic bears.",
    )
    practitioner_share = fields.Float(
        string="Practitioner's Share (%)",
        digits=(5, 2),
        compute="_compute_practitioner_share",
        store=True,
        readonly=False,
        help="The part of the reward's cost charged to the practitioner who treated.",
    )
    min_tier_id = fields.Many2one(
        "dental.loyalty.tier",
        string="Lowest Tier",
        ondelete="restrict",
        check_company=True,
        help="Patients below this tier cannot get this reward.",
    )
    partner_ids = fields.Many2many(
        "res.partner",
        string="Only for",
        help="When set, only these patients can get this reward.",
    )
    # Stored with the reward's row: checking a redeem reads the chosen
    # patients only of a reward kept for some.
    for_chosen_patients = fields.Boolean(
        string="Kept for Chosen Patients",
        compute="_compute_for_chosen_patients",
        store=True,
    )
    transferable = fields.Boolean(
        help="A voucher of a transferable reward can be used on anyone's bill; "
        "otherwise only on its patient's.",
    )
    limit_per_patient = fields.Integer(
        string="Per Patient",
        help="How many vouchers of this reward one patient can get per period; "
        "0 for no limit.",
    )
    limit_period = fields.Selection(
        selection=[("month", "per month"), ("year", "per year"), ("ever", "ever")],
        default="year",
        required=True,
    )
    has_stock = fields.Boolean(string="Limited Stock")
    stock_left = fields.Integer(help="Vouchers that can still be issued.")
    date_from = fields.Date(string="Available From")
    date_to = fields.Date(string="Available Until")
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
        ondelete="cascade",
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    voucher_ids = fields.One2many("dental.loyalty.voucher", "reward_id")
    voucher_count = fields.Integer(compute="_compute_voucher_count", string="Vouchers")

    _sql_constraints = [
        ("points_cost_positive", "CHECK(points_cost > 0)", "A reward costs points."),
        (
            "validity_positive",
            "CHECK(validity_days > 0)",
            "A voucher is valid for at least one day.",
        ),
        (
            "limit_not_negative",
            "CHECK(limit_per_patient >= 0)",
            "The limit per patient cannot be negative.",
        ),
        (
            "stock_not_negative",
            "CHECK(stock_left >= 0)",
            "The stock of a reward cannot be negative.",
        ),
    ]

    @api.depends("clinic_share")
    def _compute_practitioner_share(self):
        for reward in self:
            reward.practitioner_share = 100.0 - reward.clinic_share

    @api.constrains(
        "kind",
        "product_id",
        "discount_amount",
        "discount_percent",
        "max_coverage",
        "clinic_share",
        "practitioner_share",
        "date_from",
        "date_to",
    )
    def _check_terms(self):
        for reward in self:
            problem = reward._terms_problem()
            if problem:
                raise ValidationError(
                    self.env._(
                        "%(reward)s: %(problem)s", reward=reward.name, problem=problem
                    )
                )

    def _terms_problem(self):
        """What is wrong with the reward's terms, in the manager's words."""
        self.ensure_one()
        if self.kind != "gift" and not self.product_id:
            return self.env._(
                "choose the product the reward books on the bill or gives."
            )
        if self.kind == "discount_fixed" and self.discount_amount <= 0:
            return self.env._("a fixed discount needs an amount above zero.")
        if self.kind == "discount_percent" and not 0 < self.discount_percent <= 100:
            return self.env._("a percentage discount lies between 0 and 100 %.")
        if not 0 < self.max_coverage <= 100:
            return self.env._("a reward covers between 0 and 100 % of a bill.")
        shares = (self.clinic_share, self.practitioner_share)
        if min(shares) < 0 or round(sum(shares), 2) != 100:
            return self.env._(
                "the clinic's and the practitioner's shares add up to 100 %."
            )
        if self.date_from and self.date_to and self.date_from > self.date_to:
            return self.env._("the reward ends before it starts.")
        return None

    # Facts the engine reads of the reward's own lists (its services, its
    # patients): only their computes write them, never a caller.
    _LIST_FACTS = ("has_scope", "for_chosen_patients")

    @api.model_create_multi
    def create(self, vals_list):
        return super().create([self._without_list_facts(vals) for vals in vals_list])

    def write(self, vals):
        return super().write(self._without_list_facts(vals))

    @api.model
    def _without_list_facts(self, vals):
        return {
            key: value for key, value in vals.items() if key not in self._LIST_FACTS
        }

    @api.depends("partner_ids")
    def _compute_for_chosen_patients(self):
        for reward in self:
            reward.for_chosen_patients = bool(reward.partner_ids)

    @api.model
    def _engine_fields(self):
        """The reward's own columns: what the engine checks of a reward, read
        with the search that finds it (one query where a search and a read
        were two)."""
        return [
            name
            for name, field in self._fields.items()
            if field.store and field.column_type and field.prefetch is True
        ]

    def _shown_to(self, patient):
        """These rewards but those kept for chosen patients ``patient`` is not
        one of: no other patient's business, at the desk or on the page."""
        return self.filtered(
            lambda reward: (
                not reward.for_chosen_patients or patient in reward.partner_ids
            )
        )

    def _compute_voucher_count(self):
        counts = dict(
            self.env["dental.loyalty.voucher"]._read_group(
                [("reward_id", "in", self.ids)], ["reward_id"], ["__count"]
            )
        )
        for reward in self:
            reward.voucher_count = counts.get(reward, 0)

    def _refusal(self, wallet, today, partner=None, taken=None):
        """Why ``partner`` (by default ``wallet``'s patient) cannot get this
        reward today from ``wallet``, or None. Points are checked by the engine
        when it takes them. ``taken``: the patient's vouchers counting for the
        limit, when the caller counted them already."""
        self.ensure_one()
        partner = partner or wallet.partner_id
        # The patient's name is read only to say why a reward is refused: the
        # partner's whole row is a query a reward granted does not need.
        if not self.active or self.company_id != wallet.company_id:
            return self.env._("%s is not in this clinic's catalog.", self.name)
        if self.date_from and today < self.date_from:
            return self.env._(
                "%(reward)s is not available today: it starts on %(date)s.",
                reward=self.name,
                date=format_date(self.env, self.date_from),
            )
        if self.date_to and today > self.date_to:
            return self.env._(
                "%(reward)s is not available today: it ended on %(date)s.",
                reward=self.name,
                date=format_date(self.env, self.date_to),
            )
        if self.for_chosen_patients and partner not in self.partner_ids:
            return self.env._(
                "%(reward)s is kept for chosen patients; %(patient)s is not one.",
                reward=self.name,
                patient=partner.display_name,
            )
        tier = wallet.tier_id
        if self.min_tier_id and (
            not tier
            or (tier.sequence, tier.threshold)
            < (self.min_tier_id.sequence, self.min_tier_id.threshold)
        ):
            return self.env._(
                "%(reward)s is for %(tier)s patients and above; %(patient)s is "
                "%(current)s.",
                reward=self.name,
                tier=self.min_tier_id.name,
                patient=partner.display_name,
                current=tier.name or self.env._("without a tier"),
            )
        if self.has_stock and self.stock_left <= 0:
            return self.env._("%s is out of stock.", self.name)
        if self.limit_per_patient:
            if taken is None:
                taken = self._vouchers_in_period(partner, today)
            if taken >= self.limit_per_patient:
                return self.env._(
                    "%(patient)s has reached the limit of %(reward)s: %(limit)s "
                    "%(period)s.",
                    patient=partner.display_name,
                    reward=self.name,
                    limit=self.limit_per_patient,
                    period=dict(
                        self._fields["limit_period"]._description_selection(self.env)
                    )[self.limit_period],
                )
        return None

    def _vouchers_in_period(self, partner, today):
        domain = [
            ("reward_id", "=", self.id),
            ("partner_id", "=", partner.id),
            ("state", "!=", "cancelled"),
        ]
        if self.limit_period in _LIMIT_PERIODS:
            since = today - _LIMIT_PERIODS[self.limit_period]
            domain.append(("issue_date", ">", since))
        # The reward's limit counts every voucher of the patient, whoever reads.
        return self.env["dental.loyalty.voucher"].sudo().search_count(domain)

    def _available_to(self, wallet, today=None, patient=None):
        """The rewards of the catalog ``patient`` (by default ``wallet``'s) is
        allowed, whether or not they can afford them."""
        today = today or self.env.company._dental_loyalty_today()
        rewards = self.search([("company_id", "=", wallet.company_id.id)])
        return rewards.filtered(
            lambda reward: not reward._refusal(wallet, today, patient)
        )

    def action_view_vouchers(self):
        check_record_ids(self, single=True)
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "dental_loyalty.dental_loyalty_voucher_action"
        )
        action["domain"] = [("reward_id", "=", self.id)]
        action["context"] = {"default_reward_id": self.id}
        return action
