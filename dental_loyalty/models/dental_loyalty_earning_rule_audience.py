from datetime import timedelta

from odoo import api, models

from ..rules import RulePatient, in_audience

# A campaign starting within this many days is listed on the patient's page.
SOON_DAYS = 30
# Orders that are visits: paid, whether posted or invoiced since.
PAID_STATES = ("paid", "done", "invoiced")


# One concern per file, as Odoo core splits its big models.
# pylint: disable=consider-merging-classes-inherited
class DentalLoyaltyEarningRule(models.Model):
    """Whom a rule is for, read as the engine reads it (``rules.in_audience``)
    for many patients at once: the members it is announced to, the campaigns a
    patient's page lists."""

    _inherit = "dental.loyalty.earning.rule"

    @api.model
    def _rule_patients(self, partners, company):
        """{partner id: RulePatient} of the members among ``partners`` in
        ``company``: their tags, the tier of the wallet they earn into (their
        family's, if any), and whether they never had a paid visit there. A
        few queries for all of them; non-members are left out."""
        # Who is a member, their tier and visits are the engine's figures; the
        # caller decided already which patients it asks about.
        Wallet = self.env["dental.loyalty.wallet"].sudo()
        wallets = Wallet.search_fetch(
            [("partner_id", "in", partners.ids), ("company_id", "=", company.id)],
            ["partner_id", "family_id", "tier_id"],
        )
        if not wallets:
            return {}
        Tier = self.env["dental.loyalty.tier"].sudo()
        floor = Tier._floor_of(Tier._ladder(company.id))
        visited = {
            partner.id
            for [partner] in self.env["pos.order"]
            .sudo()
            ._read_group(
                [
                    ("partner_id", "in", wallets.partner_id.ids),
                    ("company_id", "=", company.id),
                    ("state", "in", PAID_STATES),
                ],
                ["partner_id"],
            )
        }
        patients = {}
        for wallet in wallets:
            partner = wallet.partner_id
            paying = wallet._paying_wallet()
            patients[partner.id] = RulePatient(
                partner_id=partner.id,
                tier_id=paying.tier_id.id or floor or None,
                tag_ids=frozenset(partner.sudo().category_id.ids),
                first_visit=partner.id not in visited,
            )
        return patients

    def _audience_members(self):
        """The members of the rule's company it is for today, as the engine
        would read them at their next visit (active patients, archived ones
        left out)."""
        self.ensure_one()
        # Memberships are the engine's records; the caller manages the rule.
        wallets = (
            self.env["dental.loyalty.wallet"]
            .sudo()
            .search_fetch([("company_id", "=", self.company_id.id)], ["partner_id"])
        )
        partners = wallets.partner_id.filtered("active")
        if self.audience == "patients":
            partners &= self.sudo().partner_ids
        elif self.audience == "tags":
            partners = partners.filtered_domain(
                [("category_id", "in", self.sudo().tag_ids.ids)]
            )
        patients = self._rule_patients(partners, self.company_id)
        engine_rule = self.sudo()._as_engine_rule()
        return partners.browse(
            [
                partner_id
                for partner_id, patient in patients.items()
                if in_audience(engine_rule, patient)
            ]
        ).sudo(self.env.su)

    @api.model
    def _open_campaign_rules(self, partners, company, today=None):
        """{partner id: campaigns} of ``company`` open to each member among
        ``partners``: running today or starting within SOON_DAYS, for them by
        the rule's audience; in order. The clinic's offers, read as the
        engine for patients the caller may already see."""
        today = today or company._dental_loyalty_today()
        patients = self._rule_patients(partners, company)
        if not patients:
            return {}
        soon = today + timedelta(days=SOON_DAYS)
        campaigns = self.sudo().search(
            [
                ("company_id", "=", company.id),
                ("is_campaign", "=", True),
                "|",
                ("date_to", "=", False),
                ("date_to", ">=", today),
                "|",
                ("date_from", "=", False),
                ("date_from", "<=", soon),
            ]
        )
        engine_rules = [
            (campaign, campaign._as_engine_rule()) for campaign in campaigns
        ]
        return {
            partner_id: campaigns.browse(
                [
                    campaign.id
                    for campaign, rule in engine_rules
                    if in_audience(rule, patient)
                ]
            ).sudo(self.env.su)
            for partner_id, patient in patients.items()
        }

    @api.model
    def _open_campaigns(self, partner, company, today=None):
        """The campaigns of ``company`` open to ``partner`` (a member), each
        as plain values for the patient's page."""
        today = today or company._dental_loyalty_today()
        campaigns = self._open_campaign_rules(partner, company, today).get(
            partner.id, self.browse()
        )
        return [
            {
                "name": campaign.name,
                "description": campaign.description or "",
                "date_from": campaign.date_from,
                "date_to": campaign.date_to,
                "gives": campaign._gives_text(),
                "running": not campaign.date_from or campaign.date_from <= today,
            }
            for campaign in campaigns.sudo()
        ]

    def _gives_text(self):
        """What the rule gives, in the environment's language: "Points x2 on
        Whitening", "+100 points per bill"."""
        self.ensure_one()
        on = ", ".join(
            [*self.product_ids.mapped("name"), *self.product_categ_ids.mapped("name")]
        )
        if self.effect == "multiplier":
            # Formatted apart: the string extractor reads no f-string in a call.
            factor = f"{self.multiplier:g}"
            if on:
                return self.env._(
                    "Points x%(factor)s on %(services)s", factor=factor, services=on
                )
            return self.env._("Points x%s", factor)
        if self.effect == "per_line":
            text = self.env._("+%s points per service", self.bonus_points)
        elif self.effect == "per_unit":
            text = self.env._("+%s points per unit", self.bonus_points)
        else:
            text = self.env._("+%s points per visit", self.bonus_points)
        if on:
            return self.env._("%(gives)s: %(services)s", gives=text, services=on)
        return text
