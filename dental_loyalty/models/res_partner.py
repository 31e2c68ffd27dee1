import math

from odoo import api, fields, models
from odoo.tools.misc import formatLang

from odoo.addons.base.models.res_partner import Partner

from ..rules import next_tier
from .res_company import MESSAGE_EVENTS


class ResPartner(models.Model):
    _inherit = "res.partner"
    # Reception finds a patient by the code on their card, as the register does.
    _rec_names_search = [*Partner._rec_names_search, "barcode"]

    dental_birthday = fields.Date(string="Birthday")
    dental_anniversary = fields.Date(
        string="Second Date",
        help="Another yearly date the clinic celebrates with the patient, such as "
        "a wedding anniversary.",
    )
    loyalty_phone_invalid = fields.Boolean(
        string="Phone Number Not Valid",
        compute="_compute_loyalty_phone_invalid",
        search="_search_loyalty_phone_invalid",
        help="A phone or mobile number is set but cannot be read as a number of "
        "the patient's country: no SMS reaches it.",
    )
    loyalty_wallet_ids = fields.One2many(
        "dental.loyalty.wallet", "partner_id", string="Loyalty Wallets"
    )
    loyalty_wallet_id = fields.Many2one(
        "dental.loyalty.wallet",
        compute="_compute_loyalty_wallet_id",
        search="_search_loyalty_wallet_id",
        help="The patient's wallet in the current company.",
    )
    loyalty_points_available = fields.Integer(
        related="loyalty_wallet_id.points_available", string="Spendable Points"
    )
    loyalty_points_pending = fields.Integer(
        related="loyalty_wallet_id.points_pending", string="Pending Points"
    )
    loyalty_points_balance = fields.Integer(
        related="loyalty_wallet_id.points_balance", string="Points Balance"
    )
    loyalty_points_lifetime = fields.Integer(
        related="loyalty_wallet_id.points_lifetime", string="Lifetime Earned Points"
    )
    loyalty_tier_id = fields.Many2one(
        "dental.loyalty.tier",
        compute="_compute_loyalty_tier_id",
        search="_search_loyalty_tier_id",
        help="The patient's tier in the current company; the lowest one until they "
        "reach another.",
    )
    loyalty_tier_name = fields.Char(compute="_compute_loyalty_tier_id")
    loyalty_voucher_count = fields.Integer(
        string="Valid Vouchers",
        compute="_compute_loyalty_voucher_count",
        groups="dental_loyalty.group_dental_loyalty_user",
    )
    loyalty_tier_color = fields.Integer(related="loyalty_tier_id.color")
    loyalty_tier_multiplier = fields.Float(
        related="loyalty_tier_id.multiplier", string="Tier Earning Multiplier"
    )
    loyalty_points_value = fields.Monetary(
        string="Points Worth",
        compute="_compute_loyalty_outlook",
        currency_field="loyalty_currency_id",
        help="What the spendable points pay at the front desk.",
    )
    loyalty_currency_id = fields.Many2one(
        "res.currency", compute="_compute_loyalty_outlook"
    )
    loyalty_points_expiring = fields.Integer(
        string="Expiring within 30 Days", compute="_compute_loyalty_outlook"
    )
    loyalty_expiring_date = fields.Date(
        string="First Points Expire On", compute="_compute_loyalty_outlook"
    )
    loyalty_tier_figure = fields.Float(
        string="Tier Figure",
        compute="_compute_loyalty_outlook",
        help="What the tier is decided on (points earned, amount spent or paid "
        "visits, as set in Settings) over the tier window.",
    )
    loyalty_next_tier = fields.Char(
        string="Next Tier", compute="_compute_loyalty_outlook"
    )
    loyalty_tier_date = fields.Date(
        related="loyalty_wallet_id.tier_date", string="Tier Since"
    )
    loyalty_tier_pinned = fields.Boolean(related="loyalty_wallet_id.tier_pinned")
    loyalty_tier_pin_reason = fields.Char(related="loyalty_wallet_id.tier_pin_reason")

    @api.depends_context("company")
    @api.depends("loyalty_wallet_ids")
    def _compute_loyalty_wallet_id(self):
        wallets = self.env["dental.loyalty.wallet"].search(
            [
                ("partner_id", "in", self._origin.ids),
                ("company_id", "=", self.env.company.id),
            ]
        )
        by_partner = {wallet.partner_id.id: wallet for wallet in wallets}
        for partner in self:
            partner.loyalty_wallet_id = by_partner.get(partner._origin.id, False)

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

    def _loyalty_next_tier_text(self, step, company):
        """'700 points to Gold', in the unit the tiers are decided on."""
        if not step:
            return self.env._("Top tier reached") if self.loyalty_tier_id else False
        tier, missing = step
        name = self.env["dental.loyalty.tier"].browse(tier.id).name
        basis = company.dental_loyalty_tier_basis
        if basis == "amount":
            return self.env._(
                "%(amount)s more spent to reach %(tier)s",
                amount=formatLang(self.env, missing, currency_obj=company.currency_id),
                tier=name,
            )
        if basis == "visits":
            return self.env._(
                "%(visits)s more paid visits to reach %(tier)s",
                visits=formatLang(self.env, math.ceil(missing), digits=0),
                tier=name,
            )
        return self.env._(
            "%(points)s more points to reach %(tier)s",
            points=formatLang(self.env, math.ceil(missing), digits=0),
            tier=name,
        )

    def _search_loyalty_tier_id(self, operator, value):
        """Patients by the tier of their wallet in the current company."""
        return [("loyalty_wallet_id", "any", [("tier_id", operator, value)])]

    def _search_loyalty_wallet_id(self, operator, value):
        """Search the wallet of the current company only, as the field reads."""
        in_company = [("company_id", "=", self.env.company.id)]
        if operator in ("any", "not any") and isinstance(value, list):
            return [("loyalty_wallet_ids", operator, [*in_company, *value])]
        if operator in ("=", "!=") and not value:
            has_wallet = "not any" if operator == "=" else "any"
            return [("loyalty_wallet_ids", has_wallet, in_company)]
        if operator in ("!=", "not in"):
            positive = "=" if operator == "!=" else "in"
            return [
                (
                    "loyalty_wallet_ids",
                    "not any",
                    [*in_company, ("id", positive, value)],
                )
            ]
        return [("loyalty_wallet_ids", "any", [*in_company, ("id", operator, value)])]

    def _compute_loyalty_voucher_count(self):
        counts = dict(
            self.env["dental.loyalty.voucher"]._read_group(
                [("partner_id", "in", self.ids), ("state", "=", "valid")],
                ["partner_id"],
                ["__count"],
            )
        )
        for partner in self:
            partner.loyalty_voucher_count = counts.get(partner, 0)

    def action_view_loyalty_vouchers(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "dental_loyalty.dental_loyalty_voucher_action"
        )
        action["domain"] = [("partner_id", "=", self.id)]
        action["context"] = {"search_default_valid": 1}
        return action

    @api.depends("phone", "mobile", "phone_sanitized")
    def _compute_loyalty_phone_invalid(self):
        for partner in self:
            partner.loyalty_phone_invalid = bool(
                (partner.phone or partner.mobile) and not partner.phone_sanitized
            )

    def _search_loyalty_phone_invalid(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(self.env._("Operation not supported"))
        invalid = [
            "&",
            "|",
            ("phone", "!=", False),
            ("mobile", "!=", False),
            ("phone_sanitized", "=", False),
        ]
        return invalid if (operator == "=") == value else ["!", *invalid]

    def _dental_loyalty_notify(self, event, company=None, **values):
        """Tell these patients of ``event`` by the channels their clinic chose in
        Settings, with the event's editable templates, in each patient's
        language; a blacklisted address or an opted-out number is skipped.
        ``values`` reach the templates as ``ctx['dental_loyalty']``. Returns the
        patients who were sent something."""
        company = company or self.env.company
        channel = company._dental_loyalty_channel(event)
        if channel == "none":
            return self.browse()
        mail_xmlid, sms_xmlid = MESSAGE_EVENTS[event]
        mail_template = self.env.ref(
            f"dental_loyalty.{mail_xmlid}", raise_if_not_found=False
        )
        sms_template = self.env.ref(
            f"dental_loyalty.{sms_xmlid}", raise_if_not_found=False
        )
        sent = self.browse()
        # Messages are the clinic's, whoever triggers them (a cashier, a job);
        # they wait in Odoo's mail and SMS queues rather than hold the request.
        patients = self.sudo().with_context(
            dental_loyalty=values, mail_notify_force_send=False
        )
        for partner in patients:
            if (
                channel in ("mail", "both")
                and mail_template
                and partner.email
                and not partner.is_blacklisted
            ):
                partner.message_post_with_source(
                    mail_template,
                    partner_ids=partner.ids,
                    subtype_xmlid="mail.mt_comment",
                )
                sent |= partner
            if (
                channel in ("sms", "both")
                and sms_template
                and partner.phone_sanitized
                and not partner.phone_sanitized_blacklisted
            ):
                partner._message_sms_with_template(
                    template=sms_template.with_context(dental_loyalty=values),
                    partner_ids=partner.ids,
                    put_in_queue=True,
                )
                sent |= partner
        return sent.sudo(self.env.su)

    def _dental_loyalty_notify_prefetch(self):
        """Read what ``_dental_loyalty_notify`` checks on each patient for all of
        these at once: a job that tells each patient their own figures then
        costs a few queries per batch, not per patient."""
        patients = self.sudo()
        patients.fetch(["email", "phone_sanitized"])
        patients.mapped("is_blacklisted")
        patients.mapped("phone_sanitized_blacklisted")

    def _dental_loyalty_warn_expiry(self):
        """Managers, from the contacts list: tell these patients now, as the
        nightly job would, of their points about to expire in the current
        company (each lot once), and say how many were told."""
        company = self.env.company
        if (
            company._dental_loyalty_channel("expiry_warning") == "none"
            or company.dental_loyalty_expiry_warning_days <= 0
        ):
            message = self.env._(
                "This clinic sends no message before points expire: see the "
                "loyalty settings."
            )
            kind = "warning"
        else:
            wallets = self.env["dental.loyalty.wallet"].search(
                [("partner_id", "in", self.ids), ("company_id", "=", company.id)]
            )
            warned = self.env["dental.loyalty.ledger"]._warn_expiring(wallets)
            message = self.env._(
                "Patients told of their points about to expire: %(told)s of "
                "%(selected)s. The others have none about to expire that they were "
                "not told of already.",
                told=len(warned),
                selected=len(self),
            )
            kind = "success" if warned else "info"
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {"message": message, "type": kind, "sticky": False},
        }

    def action_view_loyalty_ledger(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "dental_loyalty.dental_loyalty_ledger_action"
        )
        action["domain"] = [("partner_id", "=", self.id)]
        action["context"] = {"default_partner_id": self.id, "create": False}
        return action

    @api.model
    def _load_pos_data_fields(self, config_id):
        return [
            *super()._load_pos_data_fields(config_id),
            "loyalty_points_available",
            "loyalty_points_pending",
            "loyalty_tier_name",
            "loyalty_tier_multiplier",
            "loyalty_tier_color",
        ]

    def _dental_loyalty_wallet(self, company=None):
        """The patient's wallet in ``company`` (the current one by default)."""
        return self.env["dental.loyalty.wallet"]._get_for_partners(self, company)
