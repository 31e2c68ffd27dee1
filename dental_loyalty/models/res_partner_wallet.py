import math

from odoo import api, fields, models
from odoo.tools.misc import formatLang

from ..rules import near_next_tier, next_tier, window_start


# One concern of res.partner per file, as core splits a model across files.
# pylint: disable=consider-merging-classes-inherited
class ResPartner(models.Model):
    """The patient's wallet, family and tier in the current company, and the
    figures shown on their form and at the register."""

    _inherit = "res.partner"

    loyalty_wallet_ids = fields.One2many(
        "dental.loyalty.wallet",
        "partner_id",
        string="Loyalty Wallets",
        groups="dental_loyalty.group_dental_loyalty_user",
    )
    loyalty_wallet_id = fields.Many2one(
        "dental.loyalty.wallet",
        compute="_compute_loyalty_wallet_id",
        search="_search_loyalty_wallet_id",
        help="The wallet the patient earns into and spends from in the current "
        "company: their family's, else their own.",
        compute_sudo=True,
        groups="dental_loyalty.group_dental_loyalty_user",
    )
    loyalty_family_id = fields.Many2one(
        "dental.loyalty.family",
        string="Family",
        compute="_compute_loyalty_wallet_id",
        help="The family the patient belongs to in the current company.",
        compute_sudo=True,
        groups="dental_loyalty.group_dental_loyalty_user",
    )
    loyalty_family_name = fields.Char(
        string="Family Name",
        compute="_compute_loyalty_wallet_id",
        compute_sudo=True,
        groups="dental_loyalty.group_dental_loyalty_user",
    )
    loyalty_points_available = fields.Integer(
        related="loyalty_wallet_id.points_available",
        string="Spendable Points",
        help="Points that can pay now.",
        groups="dental_loyalty.group_dental_loyalty_user",
    )
    loyalty_points_pending = fields.Integer(
        related="loyalty_wallet_id.points_pending",
        string="Pending Points",
        help="Points earned that become spendable on a later day (see the "
        "ledger's Spendable From).",
        groups="dental_loyalty.group_dental_loyalty_user",
    )
    loyalty_points_balance = fields.Integer(
        related="loyalty_wallet_id.points_balance",
        string="Total Points",
        help="Spendable and pending points together.",
        groups="dental_loyalty.group_dental_loyalty_user",
    )
    loyalty_points_lifetime = fields.Integer(
        related="loyalty_wallet_id.points_lifetime",
        string="Lifetime Earned Points",
        groups="dental_loyalty.group_dental_loyalty_user",
    )
    loyalty_tier_id = fields.Many2one(
        "dental.loyalty.tier",
        compute="_compute_loyalty_tier_id",
        search="_search_loyalty_tier_id",
        help="The patient's tier in the current company; the lowest one until they "
        "reach another.",
        compute_sudo=True,
        groups="dental_loyalty.group_dental_loyalty_user",
    )
    loyalty_tier_name = fields.Char(
        compute="_compute_loyalty_tier_id",
        compute_sudo=True,
        groups="dental_loyalty.group_dental_loyalty_user",
    )
    loyalty_tier_color = fields.Integer(
        related="loyalty_tier_id.color",
        groups="dental_loyalty.group_dental_loyalty_user",
    )
    loyalty_tier_multiplier = fields.Float(
        related="loyalty_tier_id.multiplier",
        string="Tier Earning Multiplier",
        groups="dental_loyalty.group_dental_loyalty_user",
    )
    loyalty_points_value = fields.Monetary(
        string="Points Worth",
        compute="_compute_loyalty_outlook",
        currency_field="loyalty_currency_id",
        help="What the spendable points pay at the front desk.",
        compute_sudo=True,
        groups="dental_loyalty.group_dental_loyalty_user",
    )
    loyalty_currency_id = fields.Many2one(
        "res.currency",
        compute="_compute_loyalty_outlook",
        compute_sudo=True,
        groups="dental_loyalty.group_dental_loyalty_user",
    )
    loyalty_points_expiring = fields.Integer(
        string="Expiring within 30 Days",
        compute="_compute_loyalty_outlook",
        search="_search_loyalty_points_expiring",
        compute_sudo=True,
        groups="dental_loyalty.group_dental_loyalty_user",
    )
    loyalty_expiring_date = fields.Date(
        string="First Points Expire On",
        compute="_compute_loyalty_outlook",
        compute_sudo=True,
        groups="dental_loyalty.group_dental_loyalty_user",
    )
    loyalty_tier_figure = fields.Float(
        string="Tier Figure",
        compute="_compute_loyalty_outlook",
        help="What the tier is decided on (points earned, amount spent or paid "
        "visits, as set in Settings) over the tier window.",
        compute_sudo=True,
        groups="dental_loyalty.group_dental_loyalty_user",
    )
    loyalty_next_tier = fields.Char(
        string="Next Tier",
        compute="_compute_loyalty_outlook",
        compute_sudo=True,
        groups="dental_loyalty.group_dental_loyalty_user",
    )
    loyalty_near_tier = fields.Boolean(
        string="Close to the Next Tier",
        compute="_compute_loyalty_outlook",
        search="_search_loyalty_near_tier",
        help="Within the share of the next tier's threshold set in Settings.",
        compute_sudo=True,
    )
    loyalty_not_seen = fields.Boolean(
        string="Not Seen for Months",
        compute="_compute_loyalty_not_seen",
        search="_search_loyalty_not_seen",
        help="The last paid visit is longer ago than the dormancy period set in "
        "Settings.",
        compute_sudo=True,
    )
    loyalty_birthday_this_month = fields.Boolean(
        string="Birthday This Month",
        compute="_compute_loyalty_birthday_this_month",
        search="_search_loyalty_birthday_this_month",
    )
    loyalty_tier_date = fields.Date(
        related="loyalty_wallet_id.tier_date",
        string="Tier Since",
        groups="dental_loyalty.group_dental_loyalty_user",
    )
    loyalty_last_visit_date = fields.Date(
        related="loyalty_wallet_id.last_visit_date",
        string="Last Paid Visit",
        groups="dental_loyalty.group_dental_loyalty_user",
    )
    loyalty_tier_pinned = fields.Boolean(
        related="loyalty_wallet_id.tier_pinned",
        groups="dental_loyalty.group_dental_loyalty_user",
    )
    loyalty_tier_pin_reason = fields.Char(
        related="loyalty_wallet_id.tier_pin_reason",
        groups="dental_loyalty.group_dental_loyalty_user",
    )

    @api.depends_context("company")
    @api.depends("loyalty_wallet_ids.family_id")
    def _compute_loyalty_wallet_id(self):
        wallets = self.env["dental.loyalty.wallet"].search(
            [
                ("partner_id", "in", self._origin.ids),
                ("company_id", "=", self.env.company.id),
            ]
        )
        by_partner = {wallet.partner_id.id: wallet for wallet in wallets}
        for partner in self:
            wallet = by_partner.get(partner._origin.id, wallets.browse())
            partner.loyalty_family_id = wallet.family_id
            # Shown at the register, where cashiers read no families.
            partner.loyalty_family_name = wallet.family_id.sudo().name
            partner.loyalty_wallet_id = wallet._paying_wallet()

    @api.depends_context("company")
    @api.depends("loyalty_wallet_id.tier_id")
    def _compute_loyalty_tier_id(self):
        Tier = self.env["dental.loyalty.tier"]
        floor = Tier.browse(Tier._floor_of(Tier._ladder(self.env.company.id)))
        for partner in self:
            tier = partner.loyalty_wallet_id.tier_id or floor
            partner.loyalty_tier_id = tier
            partner.loyalty_tier_name = tier.name

    @api.depends_context("company")
    @api.depends("loyalty_wallet_id.points_available", "loyalty_tier_id")
    def _compute_loyalty_outlook(self):
        company = self.env.company
        Tier = self.env["dental.loyalty.tier"]
        ladder = Tier._ladder(company.id)
        wallets = self.loyalty_wallet_id
        figures = wallets._qualifying_figures() if wallets else {}
        expiring_soon = wallets._expiring_soon() if wallets else {}
        for partner in self:
            wallet = partner.loyalty_wallet_id
            partner.loyalty_currency_id = company.currency_id
            partner.loyalty_points_value = (
                wallet.points_available * company.dental_loyalty_point_value
            )
            expiring, first_expiry = expiring_soon.get(wallet.id, (0, False))
            partner.loyalty_points_expiring = expiring
            partner.loyalty_expiring_date = first_expiry
            figure = figures.get(wallet.id, 0.0)
            partner.loyalty_tier_figure = figure
            partner.loyalty_next_tier = partner._loyalty_next_tier_text(
                next_tier(ladder, figure), company
            )
            # As the nightly job and the segment read it: wallets only.
            partner.loyalty_near_tier = bool(
                wallet
                and not wallet.tier_pinned
                and near_next_tier(
                    ladder,
                    figure,
                    wallet.tier_id.id,
                    company.dental_loyalty_near_tier_share,
                )
            )

    @api.depends_context("company")
    @api.depends("loyalty_wallet_id.last_visit_date")
    def _compute_loyalty_not_seen(self):
        cutoff = self._loyalty_not_seen_cutoff()
        for partner in self:
            last_visit = partner.loyalty_wallet_id.last_visit_date
            partner.loyalty_not_seen = bool(last_visit and last_visit < cutoff)

    @api.depends("dental_birthday")
    def _compute_loyalty_birthday_this_month(self):
        month = self.env.company._dental_loyalty_today().month
        for partner in self:
            birthday = partner.dental_birthday
            partner.loyalty_birthday_this_month = bool(
                birthday and birthday.month == month
            )

    def _dental_loyalty_own_wallet(self, company=None):
        """The patient's own wallet in ``company`` (the current one by default),
        which is their membership: empty when they never joined. Opens none."""
        self.ensure_one()
        company = company or self.env.company
        return self.env["dental.loyalty.wallet"].search(
            [("partner_id", "=", self.id), ("company_id", "=", company.id)]
        )

    def _dental_loyalty_page_url(self, company=None):
        """The signed link to the patient's loyalty page in ``company``, for the
        card, the statement and the messages; False for a non-member or a
        revoked link."""
        wallet = self._dental_loyalty_own_wallet(company)
        return wallet._page_url() if wallet else False

    def _loyalty_not_seen_cutoff(self):
        company = self.env.company
        return window_start(
            self.env.company._dental_loyalty_today(),
            company.dental_loyalty_dormant_months,
        )

    def _loyalty_next_tier_text(self, step, company):
        """'Points still needed for Gold: 700', in the unit the tiers are decided
        on; a count follows its label, so that it reads right in every language."""
        if not step:
            return self.env._("Top tier reached") if self.loyalty_tier_id else False
        tier, missing = step
        name = self.env["dental.loyalty.tier"].browse(tier.id).name
        basis = company.dental_loyalty_tier_basis
        if basis == "amount":
            return self.env._(
                "Spending still needed for %(tier)s: %(amount)s",
                amount=formatLang(self.env, missing, currency_obj=company.currency_id),
                tier=name,
            )
        if basis == "visits":
            return self.env._(
                "Paid visits still needed for %(tier)s: %(visits)s",
                visits=formatLang(self.env, math.ceil(missing), digits=0),
                tier=name,
            )
        return self.env._(
            "Points still needed for %(tier)s: %(points)s",
            points=formatLang(self.env, math.ceil(missing), digits=0),
            tier=name,
        )
