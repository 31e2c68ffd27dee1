import math
import operator as py_operator
import secrets

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL
from odoo.tools.misc import formatLang

from odoo.addons.base.models.res_partner import Partner

from ..rules import near_next_tier, next_tier, window_start
from .res_company import MESSAGE_EVENTS

# Events whose message carries a bearer code (a voucher's): sent, not logged.
BEARER_CODE_EVENTS = {"voucher"}
# Comparisons a search on a figure of the patient accepts.
_COMPARISONS = {
    "=": py_operator.eq,
    "!=": py_operator.ne,
    "<": py_operator.lt,
    "<=": py_operator.le,
    ">": py_operator.gt,
    ">=": py_operator.ge,
}
# Referral codes are read aloud and typed from a card: no 0/O, 1/I/L. Eight of
# these 31 signs give some 850 billion codes.
_REFERRAL_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
_REFERRAL_CODE_LENGTH = 8


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
        groups="dental_loyalty.group_dental_loyalty_user",
    )
    loyalty_points_pending = fields.Integer(
        related="loyalty_wallet_id.points_pending",
        string="Pending Points",
        groups="dental_loyalty.group_dental_loyalty_user",
    )
    loyalty_points_balance = fields.Integer(
        related="loyalty_wallet_id.points_balance",
        string="Points Balance",
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
    loyalty_voucher_count = fields.Integer(
        string="Valid Vouchers",
        compute="_compute_loyalty_voucher_count",
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
    dental_referral_code = fields.Char(
        string="Referral Code",
        compute="_compute_dental_referral_code",
        store=True,
        precompute=True,
        readonly=True,
        copy=False,
        help="The code the patient gives to those they bring to the clinic.",
        groups="dental_loyalty.group_dental_loyalty_user",
    )
    dental_referred_by_code = fields.Char(
        string="Referred by Code",
        compute="_compute_dental_referred_by_code",
        inverse="_inverse_dental_referred_by_code",
        groups="dental_loyalty.group_dental_loyalty_user",
        help="The referral code of the patient who brought this new patient to the "
        "clinic; both get a bonus on the new patient's first paid visit.",
    )
    dental_loyalty_referral_count = fields.Integer(
        string="Referrals",
        compute="_compute_dental_loyalty_referral_count",
        groups="dental_loyalty.group_dental_loyalty_user",
    )

    _sql_constraints = [
        (
            "dental_referral_code_uniq",
            "unique(dental_referral_code)",
            "Referral codes are unique.",
        ),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._dental_referral_check_code_vals(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._dental_referral_check_code_vals(vals)
        return super().write(vals)

    @api.model
    def _dental_referral_check_code_vals(self, vals):
        """Codes are the engine's: moved to another patient, a code would credit
        them with the referrals its patient brings. Only a loyalty manager sets
        one (carried over from an earlier programme), stored as typed codes are
        read."""
        if "dental_referral_code" not in vals or self.env.su:
            return
        if not self.env.user.has_group("dental_loyalty.group_dental_loyalty_manager"):
            raise AccessError(
                self.env._("Only loyalty managers change a patient's referral code.")
            )
        code = self.env["dental.loyalty.referral"]._normalize_code(
            vals["dental_referral_code"]
        )
        vals["dental_referral_code"] = code or False

    def _compute_dental_referral_code(self):
        # No dependencies: a contact gets its code once, when it is created
        # (precomputed: Odoo computes a field without dependencies on create only
        # then) or, for the contacts already there, when the addon is installed.
        for partner, code in zip(
            self, self._dental_referral_new_codes(len(self)), strict=True
        ):
            partner.dental_referral_code = code

    @api.model
    def _dental_referral_new_codes(self, count):
        """``count`` random referral codes, used by no contact yet. Codes given
        in this transaction and not yet written are kept aside, so that an
        install computing codes for many contacts in batches gives no twice."""
        given = self.env.cr.precommit.data.setdefault(
            "dental_loyalty.referral_codes", set()
        )
        codes = []
        while len(codes) < count:
            batch = {
                "".join(
                    secrets.choice(_REFERRAL_CODE_ALPHABET)
                    for _sign in range(_REFERRAL_CODE_LENGTH)
                )
                for _code in range(count - len(codes))
            } - given
            if not batch:
                continue
            # Not through the ORM: reading the field would flush the codes being
            # computed, and one query per batch is all the check costs.
            self.env.cr.execute(
                SQL(
                    "SELECT dental_referral_code FROM res_partner "
                    "WHERE dental_referral_code IN %s",
                    tuple(batch),
                )
            )
            batch -= {code for (code,) in self.env.cr.fetchall()}
            given |= batch
            codes += batch
        return codes

    @api.depends_context("company")
    def _compute_dental_referred_by_code(self):
        # Reception reads who referred a patient; the code is the referrer's.
        referrals = (
            self.env["dental.loyalty.referral"]
            .sudo()
            .search_fetch(
                [
                    ("referred_id", "in", self._origin.ids),
                    ("company_id", "=", self.env.company.id),
                    ("state", "in", ("pending", "rewarded")),
                ],
                ["referred_id", "code"],
            )
        )
        codes = {referral.referred_id.id: referral.code for referral in referrals}
        for partner in self:
            partner.dental_referred_by_code = codes.get(partner._origin.id, False)

    def _inverse_dental_referred_by_code(self):
        """Mark the patients as referred by the code typed, in the current
        company; the engine refuses with a message (a UserError, so the save
        in the backend or at the register fails and says why)."""
        Referral = self.env["dental.loyalty.referral"]
        company = self.env.company
        for partner in self:
            code = Referral._normalize_code(partner.dental_referred_by_code)
            current = (
                Referral.sudo()
                .search(
                    [
                        ("referred_id", "=", partner.id),
                        ("company_id", "=", company.id),
                        ("state", "in", ("pending", "rewarded")),
                    ],
                    limit=1,
                )
                .code
            )
            if code == (current or ""):
                continue
            if not code:
                raise UserError(
                    self.env._(
                        "Clearing the referral code does not undo the referral of "
                        "%s: a loyalty manager can refuse it on the referral.",
                        partner.display_name,
                    )
                )
            Referral._refer(partner, code, company)

    def _compute_dental_loyalty_referral_count(self):
        """Referrals the patient made, in any state."""
        counts = dict(
            self.env["dental.loyalty.referral"]._read_group(
                [("referrer_id", "in", self.ids)], ["referrer_id"], ["__count"]
            )
        )
        for partner in self:
            partner.dental_loyalty_referral_count = counts.get(partner, 0)

    def action_view_dental_loyalty_referrals(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "dental_loyalty.dental_loyalty_referral_action"
        )
        action["domain"] = [("referrer_id", "=", self.id)]
        action["context"] = {}
        return action

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
        month = fields.Date.context_today(self).month
        for partner in self:
            birthday = partner.dental_birthday
            partner.loyalty_birthday_this_month = bool(
                birthday and birthday.month == month
            )

    # ------------------------------------------------------------------
    # Segments: plain searchable fields, so that the contacts' filters, Email
    # Marketing and mass SMS can target them. Each reads the wallets of the
    # current company as the superuser: a segment names patients the user can
    # already see, and marketing users need no loyalty rights to target one.
    # ------------------------------------------------------------------

    def _loyalty_wallet_segment(self, wallet_domain, positive=True):
        """Patients whose wallet in the current company matches ``wallet_domain``
        (or, not ``positive``, patients without such a wallet). A family member
        is matched on the family's wallet, as their figures show it."""
        Wallet = self.env["dental.loyalty.wallet"].sudo()
        in_company = [("company_id", "=", self.env.company.id)]
        paying = Wallet._search(
            [*in_company, ("points_with_family", "=", False), *wallet_domain]
        )
        wallets = Wallet._search(
            [
                *in_company,
                "|",
                ("id", "in", paying),
                ("family_id.wallet_id", "in", paying),
            ]
        )
        partners = wallets.subselect(SQL.identifier(wallets.table, "partner_id"))
        return [("id", "in" if positive else "not in", partners)]

    @api.model
    def _loyalty_check_boolean_search(self, operator, value):
        """True when the search asks for the patients in the segment."""
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(self.env._("Operation not supported"))
        return (operator == "=") == value

    def _loyalty_not_seen_cutoff(self):
        company = self.env.company
        return window_start(
            fields.Date.context_today(self), company.dental_loyalty_dormant_months
        )

    def _search_loyalty_not_seen(self, operator, value):
        return self._loyalty_wallet_segment(
            [("last_visit_date", "<", self._loyalty_not_seen_cutoff())],
            self._loyalty_check_boolean_search(operator, value),
        )

    def _search_loyalty_birthday_this_month(self, operator, value):
        positive = self._loyalty_check_boolean_search(operator, value)
        month = fields.Date.context_today(self).month
        birthday = SQL.identifier(
            "res_partner", "dental_birthday", to_flush=self._fields["dental_birthday"]
        )
        born_this_month = SQL(
            "(SELECT id FROM res_partner WHERE EXTRACT(MONTH FROM %s) = %s)",
            birthday,
            month,
        )
        return [("id", "in" if positive else "not in", born_this_month)]

    def _search_loyalty_near_tier(self, operator, value):
        """Patients within the company's share of their next tier: their figures
        are read in one query per company, as the nightly job reads them."""
        positive = self._loyalty_check_boolean_search(operator, value)
        company = self.env.company
        ladder = self.env["dental.loyalty.tier"]._ladder(company.id)
        wallets = (
            self.env["dental.loyalty.wallet"]
            .sudo()
            .search_fetch(
                [("company_id", "=", company.id), ("tier_pinned", "=", False)],
                ["tier_id"],
            )
        )
        figures = wallets._qualifying_figures()
        near = [
            wallet.id
            for wallet in wallets
            if near_next_tier(
                ladder,
                figures[wallet.id],
                wallet.tier_id.id,
                company.dental_loyalty_near_tier_share,
            )
        ]
        return self._loyalty_wallet_segment([("id", "in", near)], positive)

    def _search_loyalty_points_expiring(self, operator, value):
        """Patients by the points of theirs that expire within 30 days."""
        compare = _COMPARISONS.get(operator)
        if compare is None or isinstance(value, bool) or not isinstance(value, int):
            raise NotImplementedError(self.env._("Operation not supported"))
        Ledger = self.env["dental.loyalty.ledger"].sudo()
        groups = Ledger._read_group(
            [
                ("company_id", "=", self.env.company.id),
                *Ledger._expiring_domain(fields.Date.context_today(self)),
            ],
            ["wallet_id"],
            ["remaining_points:sum"],
        )
        if compare(0, value):
            # Patients with nothing expiring match too: leave out the others.
            others = [
                wallet.id for wallet, points in groups if not compare(points, value)
            ]
            return self._loyalty_wallet_segment([("id", "in", others)], positive=False)
        matching = [wallet.id for wallet, points in groups if compare(points, value)]
        return self._loyalty_wallet_segment([("id", "in", matching)])

    def _field_to_sql(self, alias, fname, query=None, flush=True):
        """The tier in SQL, so that contacts can be grouped by it: the tier of
        the wallet in the current company, or the lowest tier."""
        if fname != "loyalty_tier_id" or query is None:
            return super()._field_to_sql(alias, fname, query, flush)
        Wallet = self.env["dental.loyalty.wallet"]
        company = self.env.company
        wallet_alias = query.make_alias(alias, "loyalty_wallet")
        query.add_join(
            "LEFT JOIN",
            wallet_alias,
            Wallet._table,
            SQL(
                "%s = %s AND %s = %s",
                SQL.identifier(wallet_alias, "partner_id"),
                SQL.identifier(alias, "id"),
                SQL.identifier(wallet_alias, "company_id"),
                company.id,
            ),
        )
        # A family member's tier is the family's wallet's.
        family_alias = query.make_alias(wallet_alias, "family")
        query.add_join(
            "LEFT JOIN",
            family_alias,
            "dental_loyalty_family",
            SQL(
                "%s = %s",
                SQL.identifier(family_alias, "id"),
                SQL.identifier(wallet_alias, "family_id"),
            ),
        )
        paying_alias = query.make_alias(family_alias, "wallet")
        query.add_join(
            "LEFT JOIN",
            paying_alias,
            Wallet._table,
            SQL(
                "%s = %s",
                SQL.identifier(paying_alias, "id"),
                SQL.identifier(family_alias, "wallet_id"),
            ),
        )
        Tier = self.env["dental.loyalty.tier"]
        floor = Tier._floor_of(Tier._ladder(company.id))
        to_flush = Wallet._fields["tier_id"] if flush else None
        return SQL(
            "COALESCE(%s, %s, %s)",
            SQL.identifier(paying_alias, "tier_id", to_flush=to_flush),
            SQL.identifier(wallet_alias, "tier_id", to_flush=to_flush),
            floor,
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

    def _search_loyalty_tier_id(self, operator, value):
        """Patients by the tier of their wallet in the current company."""
        return self._loyalty_wallet_segment([("tier_id", operator, value)])

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
        # The cached xmlid lookup: env.ref would query each time whether the
        # template still exists, and jobs call this for thousands of patients.
        Data = self.env["ir.model.data"]
        mail_template = self.env["mail.template"].browse(
            mail_xmlid and Data._xmlid_to_res_id(f"dental_loyalty.{mail_xmlid}")
        )
        sms_template = self.env["sms.template"].browse(
            Data._xmlid_to_res_id(f"dental_loyalty.{sms_xmlid}")
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
                if event in BEARER_CODE_EVENTS:
                    partner._dental_loyalty_sms_without_log(sms_template, values)
                else:
                    partner._message_sms_with_template(
                        template=sms_template.with_context(dental_loyalty=values),
                        partner_ids=partner.ids,
                        put_in_queue=True,
                    )
                sent |= partner
        return sent.sudo(self.env.su)

    def _dental_loyalty_sms_without_log(self, template, values):
        """Queue the SMS for Odoo's gateway without the copy on the patient's
        chatter, which every internal user reads: it carries a bearer code."""
        self.ensure_one()
        body = template.with_context(dental_loyalty=values)._render_field(
            "body", self.ids, compute_lang=True
        )[self.id]
        # SMS records are the gateway's queue: only administrators read them.
        self.env["sms.sms"].sudo().create(
            {"partner_id": self.id, "number": self.phone_sanitized, "body": body}
        )

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
            warned = self.env["dental.loyalty.wallet"]._warn_expiring(wallets)
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
        # A family member's lines are on the family's wallet, in their name.
        action["domain"] = [
            "|",
            ("partner_id", "=", self.id),
            ("member_id", "=", self.id),
        ]
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
            "loyalty_family_name",
            "dental_referral_code",
            "dental_referred_by_code",
        ]

    def _dental_loyalty_lock_new_wallets(self):
        """Serialise opening these patients' wallets. Two registers syncing a
        new patient's first bills at once would both create the wallet, and the
        second would fail on its unique key, an error Odoo does not retry.
        Writing the patients' rows makes the second wait for the first and fail
        with a serialization error, which Odoo retries on a fresh snapshot that
        finds the wallet."""
        self.env["dental.loyalty.wallet"]._serialise_rows(self._table, self.ids)

    def _dental_loyalty_wallet(self, company=None):
        """The wallet the patient earns into and spends from in ``company`` (the
        current one by default): their family's, else their own."""
        return (
            self.env["dental.loyalty.wallet"]
            ._get_for_partners(self, company)
            ._paying_wallet()
        )
