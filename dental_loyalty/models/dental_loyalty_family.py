from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools.misc import format_datetime


class DentalLoyaltyFamily(models.Model):
    """A household sharing one wallet in a company: the holder's. Members earn
    into it and spend from it; each ledger line still names the member whose
    visit, spend or gift it was. A member's own wallet stays theirs, empty
    while they belong to the family."""

    _name = "dental.loyalty.family"
    _inherit = ["mail.thread"]
    _description = "Loyalty Family"
    _order = "name, id"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        ondelete="restrict",
        default=lambda self: self.env.company,
    )
    holder_id = fields.Many2one(
        "res.partner",
        required=True,
        index=True,
        ondelete="restrict",
        help="The patient whose wallet the family shares, usually the parent who "
        "pays. The holder stays in the family while it exists.",
    )
    wallet_id = fields.Many2one(
        "dental.loyalty.wallet",
        string="Family Wallet",
        required=True,
        readonly=True,
        index=True,
        ondelete="restrict",
        check_company=True,
    )
    member_wallet_ids = fields.One2many(
        "dental.loyalty.wallet", "family_id", string="Member Wallets"
    )
    member_ids = fields.Many2many(
        "res.partner",
        compute="_compute_member_ids",
        inverse="_inverse_member_ids",
        search="_search_member_ids",
        help="The holder and the patients who earn into and spend from the "
        "family's wallet. A patient belongs to one family per company.",
    )
    member_count = fields.Integer(compute="_compute_member_ids")
    points_available = fields.Integer(
        related="wallet_id.points_available", string="Spendable Points"
    )
    points_pending = fields.Integer(
        related="wallet_id.points_pending", string="Pending Points"
    )
    points_balance = fields.Integer(related="wallet_id.points_balance")
    tier_id = fields.Many2one(related="wallet_id.tier_id")
    tier_color = fields.Integer(related="wallet_id.tier_id.color")
    last_visit_date = fields.Date(related="wallet_id.last_visit_date")

    _sql_constraints = [
        (
            "wallet_uniq",
            "unique(wallet_id)",
            "A wallet is the wallet of one family at most.",
        ),
    ]

    @api.depends("member_wallet_ids.partner_id")
    def _compute_member_ids(self):
        for family in self:
            family.member_ids = family.member_wallet_ids.partner_id
            family.member_count = len(family.member_wallet_ids)

    def _inverse_member_ids(self):
        for family in self:
            current = family.member_wallet_ids.partner_id
            # The holder is a member for as long as the family exists.
            family._add_members(family.holder_id | (family.member_ids - current))
            family._remove_members(current - family.member_ids)

    def _search_member_ids(self, operator, value):
        return [("member_wallet_ids.partner_id", operator, value)]

    # ------------------------------------------------------------------
    # Who may change families
    # ------------------------------------------------------------------

    @api.model
    def _check_family_rights(self, companies):
        """Loyalty managers group patients and move points between wallets;
        reception too (loyalty users who may create contacts) where the
        company's Settings allow it: not every Point of Sale user, whom the
        loyalty user's group comes with."""
        user = self.env.user
        if self.env.su or user.has_group("dental_loyalty.group_dental_loyalty_manager"):
            return
        if (
            user.has_group("dental_loyalty.group_dental_loyalty_user")
            and user.has_group("base.group_partner_manager")
            and all(company.dental_loyalty_family_reception for company in companies)
        ):
            return
        raise AccessError(
            self.env._(
                "Only loyalty managers group patients into families and move "
                "points between wallets, unless Settings let reception do it."
            )
        )

    @api.model_create_multi
    def create(self, vals_list):
        Wallet = self.env["dental.loyalty.wallet"]
        Partner = self.env["res.partner"]
        for vals in vals_list:
            company = self.env["res.company"].browse(
                vals.get("company_id") or self.env.company.id
            )
            self._check_family_rights(company)
            company._dental_loyalty_check_allowed()
            holder = Partner.browse(vals.get("holder_id")).exists()
            if not holder:
                raise UserError(self.env._("Choose the family's holder."))
            holder.check_access("read")
            vals["wallet_id"] = Wallet._get_for_partners(holder, company).id
        families = super().create(vals_list)
        for family in families:
            family._add_members(family.holder_id)
        # The members written were cached as sent, without the holder the
        # inverse added: the form shows them as they are now.
        families.invalidate_recordset(["member_ids", "member_count"])
        return families

    def write(self, vals):
        self._check_family_rights(self.company_id)
        # The wallet is the holder's, chosen by create: another one would hand
        # the members someone else's points. Only merging contacts re-points it.
        kept = ("holder_id", "company_id", "wallet_id")
        if (
            not self.env.su
            and vals.keys() & set(kept)
            and any(
                family[field].id != vals[field]
                for family in self
                for field in kept
                if field in vals
            )
        ):
            raise UserError(
                self.env._(
                    "A family keeps its holder and its clinic: the family's points "
                    "are the holder's wallet. Move the points to another patient "
                    "and make a new family instead."
                )
            )
        res = super().write(vals)
        if "member_ids" in vals:
            self.invalidate_recordset(["member_ids", "member_count"])
        return res

    def _check_no_live_holds(self):
        """A register granted a member's bill some of the family's points: the
        sale settles on the wallet its patient pays from when it syncs, so the
        family stays as it is until the bill is paid or the hold lapses."""
        # Holds are the engine's: found here by the families' own wallets.
        held = (
            self.env["dental.loyalty.reservation"]
            .sudo()
            .search(
                [
                    ("wallet_id", "in", self.wallet_id.ids),
                    ("expires_at", ">", fields.Datetime.now()),
                ],
                limit=1,
            )
        )
        if held:
            family = self.filtered(lambda family: family.wallet_id == held.wallet_id)
            raise UserError(
                self.env._(
                    "A register holds points of the family %(family)s for a bill "
                    "being paid: try again once it is paid, or after %(time)s at "
                    "the latest.",
                    family=family[:1].name,
                    time=format_datetime(self.env, held.expires_at, dt_format="short"),
                )
            )

    def unlink(self):
        """The members leave; the points stay in the holder's wallet."""
        # Checked before anything changes: ondelete hooks run too late for that.
        self.check_access("unlink")
        self._check_family_rights(self.company_id)
        self.wallet_id._lock_for_update()
        self._check_no_live_holds()
        for family in self:
            family.wallet_id._post_on_wallet_and_patient(
                self.env._(
                    "The family %(family)s was dissolved by %(user)s; its points "
                    "stay in this wallet.",
                    family=family.name,
                    user=self.env.user.name,
                )
            )
        # Member wallets are the engine's: their link goes with the family.
        self.member_wallet_ids.sudo().write({"family_id": False})
        return super().unlink()

    # ------------------------------------------------------------------
    # Joining and leaving
    # ------------------------------------------------------------------

    def _add_members(self, partners):
        """Bring ``partners`` into the family: from now on they earn into and
        spend from its wallet, and what their own wallet holds moves into it,
        each point keeping the dates of the lot it came from."""
        self.ensure_one()
        if not partners:
            return
        self._check_family_rights(self.company_id)
        # The partners come from the caller's member list: only readable ones.
        partners.check_access("read")
        wallets = self.env["dental.loyalty.wallet"]._get_for_partners(
            partners, self.company_id
        )
        (wallets | self.wallet_id)._lock_for_update()
        for wallet in wallets:
            if wallet.family_id == self:
                continue
            if wallet.family_id:
                raise UserError(
                    self.env._(
                        "%(patient)s already belongs to the family %(family)s: a "
                        "patient belongs to one family per clinic.",
                        patient=wallet.partner_id.display_name,
                        family=wallet.family_id.sudo().name,
                    )
                )
            # The link is the engine's: users never write wallets.
            wallet.sudo().family_id = self
            if wallet == self.wallet_id:
                note = self.env._(
                    "%(patient)s holds the family %(family)s: its members earn "
                    "into and spend from this wallet.",
                    patient=wallet.partner_id.display_name,
                    family=self.name,
                )
            else:
                moved = wallet._transfer_points(
                    self.wallet_id,
                    self.env._("Joined the family %s", self.name),
                )
                # A register's hold goes with the points it holds: the bill it
                # was granted for is paid from the family's wallet now, and no
                # other register may spend those points meanwhile.
                self.env["dental.loyalty.reservation"].sudo().search(
                    [("wallet_id", "=", wallet.id)]
                ).write({"wallet_id": self.wallet_id.id})
                note = self.env._(
                    "%(patient)s joined the family %(family)s; points brought: "
                    "%(points)s.",
                    patient=wallet.partner_id.display_name,
                    family=self.name,
                    points=moved,
                )
            self._log_membership(wallet, note)

    def _remove_members(self, partners):
        """Members leave with nothing: their past lines stay in the family's
        history. A manager may move points to them afterwards, with a reason."""
        self.ensure_one()
        if not partners:
            return
        self._check_family_rights(self.company_id)
        if self.holder_id in partners:
            raise UserError(
                self.env._(
                    "%(patient)s holds the family %(family)s and cannot leave it: "
                    "delete the family instead.",
                    patient=self.holder_id.display_name,
                    family=self.name,
                )
            )
        wallets = self.member_wallet_ids.filtered(
            lambda wallet: wallet.partner_id in partners
        )
        (wallets | self.wallet_id)._lock_for_update()
        self._check_no_live_holds()
        wallets.sudo().family_id = False
        for wallet in wallets:
            self._log_membership(
                wallet,
                self.env._(
                    "%(patient)s left the family %(family)s; the family keeps its "
                    "points.",
                    patient=wallet.partner_id.display_name,
                    family=self.name,
                ),
            )
        # Their own wallet counts again, on its own figures.
        wallets._evaluate_tier(allow_downgrade=True)

    def _log_membership(self, wallet, note):
        self._message_log(body=note)
        wallet._post_on_wallet_and_patient(note)
