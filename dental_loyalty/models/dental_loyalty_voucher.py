import re
import secrets

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression
from odoo.tools import SQL, escape_psql

from .dental_loyalty_input import is_storable_text

# No 0/O nor 1/I: a code is read aloud and typed from paper. Twelve of these
# 32 signs make 60 random bits: not guessable at the desk nor over RPC.
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
_CODE_LENGTH = 12


class DentalLoyaltyVoucher(models.Model):
    """One reward bought with points: a code the patient shows, valid until its
    expiry date and used once, on a bill or as a gift handed at the desk.

    One concern a file: the record and its codes here; issuing and sending the
    code in dental_loyalty_voucher_issue.py, using it at the register in
    dental_loyalty_voucher_use.py, the back office's buttons and the expiry
    cron in dental_loyalty_voucher_action.py."""

    _name = "dental.loyalty.voucher"
    _description = "Loyalty Voucher"
    _inherit = ["mail.thread"]
    _order = "issue_date desc, id desc"
    _rec_name = "code"
    _check_company_auto = True

    # A bearer code, as good as cash: only managers list codes. The register
    # gets the codes of its patient's own vouchers and checks typed ones, both
    # through the engine (``pos.order``); others see the code's last signs.
    code = fields.Char(
        required=True,
        readonly=True,
        copy=False,
        index=True,
        groups="dental_loyalty.group_dental_loyalty_manager",
    )
    code_hint = fields.Char(
        string="Code Ends With",
        compute="_compute_code_hint",
        compute_sudo=True,
        search="_search_code_hint",
        help="The last signs of the code, enough to tell vouchers apart; the whole "
        "code is the patient's.",
    )
    reward_id = fields.Many2one(
        "dental.loyalty.reward",
        required=True,
        readonly=True,
        index=True,
        ondelete="restrict",
        check_company=True,
    )
    kind = fields.Selection(related="reward_id.kind")
    partner_id = fields.Many2one(
        "res.partner", string="Patient", required=True, readonly=True, index=True
    )
    wallet_id = fields.Many2one(
        "dental.loyalty.wallet", required=True, readonly=True, ondelete="restrict"
    )
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    state = fields.Selection(
        selection=[
            ("valid", "Valid"),
            ("used", "Used"),
            ("expired", "Expired"),
            ("cancelled", "Cancelled"),
        ],
        required=True,
        default="valid",
        readonly=True,
        tracking=True,
    )
    points_cost = fields.Integer(string="Points Paid", readonly=True)
    issue_date = fields.Date(
        readonly=True, default=lambda self: self.env.company._dental_loyalty_today()
    )
    expiry_date = fields.Date(string="Valid Until", readonly=True)
    pos_order_id = fields.Many2one(
        "pos.order",
        string="Used on",
        readonly=True,
        index="btree_not_null",
        ondelete="restrict",
        tracking=True,
    )
    used_date = fields.Date(readonly=True)
    restored_pos_order_id = fields.Many2one(
        "pos.order",
        string="Given Back by",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="restrict",
        help="The refund that gave the voucher back (valid again, with a new "
        "code, unless its date had passed).",
    )
    used_amount = fields.Monetary(
        string="Value Given",
        readonly=True,
        help="What the voucher covered: the discount on the bill, or the price of "
        "the service or gift it gave.",
    )
    practitioner_id = fields.Many2one(
        "hr.employee",
        readonly=True,
        index="btree_not_null",
        ondelete="restrict",
        help="Who treated the patient on the bill the voucher was used on.",
    )
    # The shares as the reward stated them when the voucher was issued: a later
    # change of the catalog does not rewrite what was agreed.
    clinic_share = fields.Float(string="Clinic's Share (%)", readonly=True)
    clinic_cost = fields.Monetary(
        string="Clinic's Cost", compute="_compute_costs", store=True
    )
    practitioner_cost = fields.Monetary(
        string="Practitioner's Cost", compute="_compute_costs", store=True
    )

    _sql_constraints = [
        ("code_uniq", "unique(code)", "Voucher codes are unique."),
    ]

    @api.depends("code")
    def _compute_code_hint(self):
        for voucher in self:
            voucher.code_hint = f"\u2022\u2022\u2022\u2022 {(voucher.code or '')[-4:]}"

    def _search_code_hint(self, operator, value):
        # Whoever sees the hints may look vouchers up by them: by the code's
        # last signs, never by the rest of it. Every voucher has a code.
        if operator in ("=", "!=") and not value:
            return (
                expression.TRUE_DOMAIN if operator == "!=" else expression.FALSE_DOMAIN
            )
        values = (
            value if operator == "in" and isinstance(value, list | tuple) else [value]
        )
        if operator not in ("=", "ilike", "in") or not all(
            is_storable_text(text) for text in values
        ):
            raise UserError(
                self.env._("Vouchers are looked up by the last signs of their code.")
            )
        patterns = [
            escape_psql(text.replace("\u2022", "").strip()[-4:]) for text in values
        ]
        if operator == "ilike":
            patterns = [f"%{pattern}%" for pattern in patterns]
        return [
            (
                "id",
                "in",
                SQL(
                    "(SELECT id FROM dental_loyalty_voucher "
                    "WHERE RIGHT(code, 4) ILIKE ANY(%s))",
                    patterns,
                ),
            )
        ]

    @api.model
    def _search_display_name(self, operator, value):
        # Named by the code for those who read codes, by its hint for others.
        if self._may_read_codes():
            return super()._search_display_name(operator, value)
        return [("code_hint", operator, value)]

    @api.depends("code_hint")
    @api.depends_context("uid")
    def _compute_display_name(self):
        # Lists, breadcrumbs and links show a code only to those who may read it:
        # the user's own rights, since core reads names under sudo() (name_search,
        # many2one values of order lines).
        may_read = self.env.user.has_group(
            "dental_loyalty.group_dental_loyalty_manager"
        )
        for voucher in self:
            voucher.display_name = (
                voucher.sudo().code if may_read else voucher.code_hint
            )

    @api.model
    def _may_read_codes(self):
        return self.env.su or self.env.user.has_group(
            "dental_loyalty.group_dental_loyalty_manager"
        )

    @api.depends("used_amount", "clinic_share", "state")
    def _compute_costs(self):
        for voucher in self:
            amount = voucher.used_amount if voucher.state == "used" else 0.0
            voucher.clinic_cost, voucher.practitioner_cost = voucher._costs_of(amount)

    def _costs_of(self, amount):
        """The clinic's and the practitioner's costs of ``amount`` given."""
        self.ensure_one()
        clinic_cost = self.currency_id.round(amount * self.clinic_share / 100)
        return clinic_cost, amount - clinic_cost

    @api.model
    def _new_code(self):
        return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(_CODE_LENGTH))

    @api.model
    def _normalize_code(self, code):
        """The code as stored, from what a cashier typed or a scanner read;
        none from what PostgreSQL cannot compare (a NUL, a lone surrogate)."""
        if not is_storable_text(code):
            return ""
        return re.sub(r"[\s-]", "", code).upper()[: _CODE_LENGTH * 2]

    @api.model
    def _from_code(self, code, company):
        code = self._normalize_code(code)
        voucher = self._of_codes([code], company)
        if not voucher:
            raise self._unknown_code_error(code)
        return voucher

    @api.model
    def _of_codes(self, codes, company, held_on=None):
        """The vouchers of ``company`` whose codes are ``codes`` (as stored)
        and, with ``held_on``, those held on that register's order (of any
        company), in one search, their columns read with it: the caller checks
        them at once. As the engine: codes are for managers only."""
        Voucher = self.sudo()
        codes = [code for code in codes if code]
        domain = []
        if codes:
            domain = [("code", "in", codes), ("company_id", "=", company.id)]
        if held_on:
            held = [("state", "=", "held"), ("hold_order_uuid", "=", held_on)]
            domain = expression.OR([domain, held]) if domain else held
        if not domain:
            return Voucher.browse()
        return Voucher.search_fetch(
            domain,
            [
                name
                for name, field in Voucher._fields.items()
                if field.store and field.column_type and field.prefetch is True
            ],
        )

    @api.model
    def _unknown_code_error(self, code):
        # Only the typed code's last signs: a refusal is logged, and the
        # code may be a live one of another clinic.
        typed = f"\u2022\u2022\u2022\u2022 {code[-4:]}" if code else "-"
        return UserError(self.env._("No voucher has the code %s.", typed))
