import pytz

from odoo import api, fields, models, tools
from odoo.exceptions import ValidationError

from ..rules import MAX_CAP_POINTS, EarningRule, bounded_factor
from .engine_cache import forget_programme

WEEKDAY_FIELDS = (
    "on_monday",
    "on_tuesday",
    "on_wednesday",
    "on_thursday",
    "on_friday",
    "on_saturday",
    "on_sunday",
)

# What a rule gives and its cap's period: the ledger keeps them as they were
# when a rule gave a line (dental_loyalty_ledger_rules.py).
EFFECTS = [
    ("multiplier", "Multiply the points"),
    ("per_line", "Points per line"),
    ("per_unit", "Points per unit"),
    ("per_bill", "Points per bill"),
]
CAP_PERIODS = [
    ("bill", "per bill"),
    ("day", "per day"),
    ("week", "per week"),
    ("month", "per month"),
    ("year", "per year"),
    ("ever", "while the rule runs"),
]

# What the engine reads of a rule: a change to any of these changes what the
# next sale earns, and the rules the register previews with.
ENGINE_FIELDS = (
    "active",
    "sequence",
    "company_id",
    "name",
    "product_ids",
    "product_categ_ids",
    "audience",
    "tier_ids",
    "tag_ids",
    "partner_ids",
    "date_from",
    "date_to",
    *WEEKDAY_FIELDS,
    "hour_from",
    "hour_to",
    "effect",
    "multiplier",
    "bonus_points",
    "tier_multiplied",
    "cap_points",
    "cap_period",
    "combination",
)


class DentalLoyaltyEarningRule(models.Model):
    """Points a sale earns on top of its base earning, for some services, some
    patients, at some times: "double points on whitening in March", "+100
    points for a first implant consultation". The arithmetic is
    ``rules/earning_rules.py``'s; points already earned never change when a
    rule does (the ledger keeps what each rule gave and on what)."""

    _name = "dental.loyalty.earning.rule"
    _description = "Loyalty Earning Rule"
    _inherit = ["mail.thread"]
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True, tracking=True)
    active = fields.Boolean(default=True, tracking=True)
    sequence = fields.Integer(
        default=10,
        help="The order rules are applied and listed in; of the rules that take "
        "the best one, the first in this order wins a tie.",
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    is_campaign = fields.Boolean(
        string="Campaign",
        tracking=True,
        help="Announced to patients, listed on their page, and measured on its "
        "own (points given, their worth, the visits it brought).",
    )
    description = fields.Text(
        translate=True,
        help="What patients read of the campaign, in announcements and on their page.",
    )

    # What it applies to.
    product_ids = fields.Many2many(
        "product.product",
        "dental_loyalty_earning_rule_product_rel",
        string="Services",
        check_company=True,
        help="The rule gives points on these services' lines. Empty with no "
        "category either: on every line of the bill.",
    )
    product_categ_ids = fields.Many2many(
        "product.category",
        "dental_loyalty_earning_rule_categ_rel",
        string="Product Categories",
        help="The rule gives points on the lines of products in these "
        "categories (and theirs below).",
    )

    # Who.
    audience = fields.Selection(
        [
            ("all", "Every member"),
            ("tiers", "Members of chosen tiers"),
            ("tags", "Patients with chosen tags"),
            ("patients", "Chosen patients"),
            ("first_visit", "New patients on their first visit"),
        ],
        required=True,
        default="all",
        tracking=True,
    )
    tier_ids = fields.Many2many(
        "dental.loyalty.tier", string="Tiers", check_company=True
    )
    tag_ids = fields.Many2many(
        "res.partner.category",
        "dental_loyalty_earning_rule_tag_rel",
        string="Contact Tags",
        help="Patients with any of these tags, e.g. Staff and family.",
    )
    partner_ids = fields.Many2many(
        "res.partner",
        "dental_loyalty_earning_rule_partner_rel",
        string="Patients",
        # Whom a clinic chose is the managers' list: the engine, the register's
        # figures (namedIn) and the announcements read it as the engine.
        groups="dental_loyalty.group_dental_loyalty_manager",
    )

    # When, in the clinic's time zone (its working hours').
    date_from = fields.Date(string="From", tracking=True)
    date_to = fields.Date(string="To", tracking=True)
    on_monday = fields.Boolean(string="Monday")
    on_tuesday = fields.Boolean(string="Tuesday")
    on_wednesday = fields.Boolean(string="Wednesday")
    on_thursday = fields.Boolean(string="Thursday")
    on_friday = fields.Boolean(string="Friday")
    on_saturday = fields.Boolean(string="Saturday")
    on_sunday = fields.Boolean(string="Sunday")
    hour_from = fields.Float(
        string="From Hour",
        help="With To Hour, the hours of the day the rule applies (both empty: "
        "all day), in the clinic's time zone.",
    )
    hour_to = fields.Float(string="To Hour")

    # What it gives.
    effect = fields.Selection(
        EFFECTS,
        required=True,
        default="multiplier",
        tracking=True,
    )
    multiplier = fields.Float(
        default=2.0,
        digits=(16, 2),
        tracking=True,
        help="The base points of the lines the rule applies to are multiplied "
        "by this: 2 doubles them.",
    )
    bonus_points = fields.Integer(
        tracking=True,
        help="Points per line, unit or bill of the services the rule applies "
        "to, on what money paid of them.",
    )
    tier_multiplied = fields.Boolean(
        string="Times the Tier Multiplier",
        default=True,
        help="The rule's points are multiplied by the patient's tier "
        "multiplier, as the base points are.",
    )
    cap_points = fields.Integer(
        string="Cap",
        tracking=True,
        help="The most points the rule gives one patient in the cap's period; "
        "0: no cap.",
    )
    cap_period = fields.Selection(
        CAP_PERIODS,
        required=True,
        default="month",
    )
    combination = fields.Selection(
        [
            ("add", "Added to the other rules"),
            ("best", "Only the best of the competing rules"),
        ],
        required=True,
        default="add",
        tracking=True,
        help="Rules added up all give their points. Of the rules that take the "
        "best one, only the one that gives most to the bill does (the first in "
        "order on a tie), on top of the rules added up.",
    )

    _sql_constraints = [
        (
            "cap_points_positive",
            "CHECK(cap_points >= 0)",
            "A rule's cap cannot be negative.",
        ),
    ]

    @api.constrains("effect", "multiplier", "bonus_points")
    def _check_effect(self):
        for rule in self:
            if rule.effect == "multiplier" and rule.multiplier <= 1:
                raise ValidationError(
                    self.env._("The multiplier of %s must be more than 1.", rule.name)
                )
            if rule.effect != "multiplier" and rule.bonus_points <= 0:
                raise ValidationError(
                    self.env._("%s must give a positive number of points.", rule.name)
                )

    @api.constrains("date_from", "date_to", "hour_from", "hour_to")
    def _check_period(self):
        for rule in self:
            if rule.date_from and rule.date_to and rule.date_from > rule.date_to:
                raise ValidationError(
                    self.env._("%s ends before it starts.", rule.name)
                )
            if not (0 <= rule.hour_from <= 24 and 0 <= rule.hour_to <= 24):
                raise ValidationError(
                    self.env._(
                        "The hours of %s are between 00:00 and 24:00.", rule.name
                    )
                )

    @api.constrains("audience", "tier_ids", "tag_ids", "partner_ids")
    def _check_audience(self):
        chosen = {"tiers": "tier_ids", "tags": "tag_ids", "patients": "partner_ids"}
        for rule in self:
            name = chosen.get(rule.audience)
            if name and not rule[name]:
                raise ValidationError(
                    self.env._(
                        "Choose whom %(rule)s is for: %(field)s.",
                        rule=rule.name,
                        field=rule._fields[name].get_description(self.env)["string"],
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        forget_programme(self.env)
        return super().create(vals_list)

    def write(self, vals):
        if any(name in vals for name in ENGINE_FIELDS):
            forget_programme(self.env)
        return super().write(vals)

    def unlink(self):
        forget_programme(self.env)
        return super().unlink()

    @api.model
    def _engine_rules(self, company):
        """The company's active rules as the engine reads them: plain
        :class:`EarningRule`, read once per change of any rule, not per sale."""
        return self._engine_rules_cached(company.id)

    @tools.ormcache("company_id")
    def _engine_rules_cached(self, company_id):
        # The engine's reading, whoever sells: cashiers may not read every
        # patient a campaign names.
        rules = self.sudo().with_context(active_test=True, lang="en_US")
        rules = rules.search([("company_id", "=", company_id)])
        return tuple(rule._as_engine_rule() for rule in rules)

    @api.model
    def _engine_rule_names(self, company, lang):
        """{rule id: name} of the company's active rules in ``lang``: what a
        ledger line and the receipt name a rule by, in the language the
        register shows it in. Cached with the engine's rules (emptied with
        them): no query per sale."""
        return self._engine_rule_names_cached(company.id, lang or "en_US")

    @tools.ormcache("company_id", "lang")
    def _engine_rule_names_cached(self, company_id, lang):
        # Read as the engine reads the rules, whoever sells.
        rules = self.sudo().with_context(active_test=True, lang=lang)
        rules = rules.search([("company_id", "=", company_id)])
        return {rule.id: rule.name for rule in rules}

    def _as_engine_rule(self):
        self.ensure_one()
        is_multiplier = self.effect == "multiplier"
        return EarningRule(
            id=self.id,
            name=self.name,
            sequence=self.sequence,
            effect=self.effect,
            # Bounded as a rule now may be: a rule saved before the bounds
            # never gives a sale what the ledger cannot hold.
            factor=bounded_factor(
                self.effect,
                self.multiplier if is_multiplier else float(self.bonus_points),
            ),
            product_ids=frozenset(self.product_ids.ids),
            categ_paths=tuple(self.product_categ_ids.mapped("parent_path")),
            audience=self.audience,
            tier_ids=frozenset(self.tier_ids.ids),
            tag_ids=frozenset(self.tag_ids.ids),
            partner_ids=frozenset(self.partner_ids.ids),
            date_from=self.date_from or None,
            date_to=self.date_to or None,
            weekdays=frozenset(
                day for day, name in enumerate(WEEKDAY_FIELDS) if self[name]
            ),
            hour_from=self.hour_from,
            hour_to=self.hour_to,
            tier_multiplied=self.tier_multiplied,
            cap_points=min(self.cap_points, MAX_CAP_POINTS),
            cap_period=self.cap_period,
            combination=self.combination,
        )

    @api.model
    def _clinic_tz(self, company):
        """The clinic's time zone, which the rules' days and hours are in: its
        working hours', else its address's, else UTC."""
        return company.dental_loyalty_clinic_tz or "UTC"

    @api.model
    def _clinic_time(self, company, moment):
        """``moment`` (a naive UTC datetime, as Odoo stores them) as the
        clinic's clock showed it, naive."""
        zone = pytz.timezone(self._clinic_tz(company))
        return pytz.utc.localize(moment).astimezone(zone).replace(tzinfo=None)
