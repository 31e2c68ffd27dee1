from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from .dental_loyalty_input import check_record_ids


# One concern of res.partner per file, as core splits a model across files.
# pylint: disable=consider-merging-classes-inherited
class ResPartner(models.Model):
    """Joining the programme: whether the patient is a member of the current
    company's programme, since when, and what they agreed to hear from it."""

    _inherit = "res.partner"

    loyalty_is_member = fields.Boolean(
        string="Loyalty Member",
        compute="_compute_loyalty_membership",
        search="_search_loyalty_is_member",
        help="The patient joined the current company's loyalty programme: they "
        "earn and spend points.",
        compute_sudo=True,
        groups="dental_loyalty.group_dental_loyalty_user",
    )
    loyalty_member_since = fields.Date(
        string="Member Since",
        compute="_compute_loyalty_membership",
        compute_sudo=True,
        groups="dental_loyalty.group_dental_loyalty_user",
    )
    loyalty_consent_mail = fields.Boolean(
        string="Agrees to Loyalty Emails",
        compute="_compute_loyalty_membership",
        help="The patient agreed to hear from the loyalty programme by email.",
        compute_sudo=True,
        groups="dental_loyalty.group_dental_loyalty_user",
    )
    loyalty_consent_sms = fields.Boolean(
        string="Agrees to Loyalty SMS",
        compute="_compute_loyalty_membership",
        help="The patient agreed to hear from the loyalty programme by SMS.",
        compute_sudo=True,
        groups="dental_loyalty.group_dental_loyalty_user",
    )

    @api.depends_context("company")
    @api.depends(
        "loyalty_wallet_ids.member_since",
        "loyalty_wallet_ids.consent_mail",
        "loyalty_wallet_ids.consent_sms",
    )
    def _compute_loyalty_membership(self):
        wallets = self.env["dental.loyalty.wallet"].search_fetch(
            [
                ("partner_id", "in", self._origin.ids),
                ("company_id", "=", self.env.company.id),
            ],
            ["partner_id", "member_since", "consent_mail", "consent_sms"],
        )
        by_partner = {wallet.partner_id.id: wallet for wallet in wallets}
        for partner in self:
            wallet = by_partner.get(partner._origin.id, wallets.browse())
            partner.loyalty_is_member = bool(wallet)
            partner.loyalty_member_since = wallet.member_since
            partner.loyalty_consent_mail = wallet.consent_mail
            partner.loyalty_consent_sms = wallet.consent_sms

    def _search_loyalty_is_member(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Search members with 'is set' or 'is not set'."))
        # Compute_sudo: whether a contact is a member, not a wallet's figures.
        members = (
            self.env["dental.loyalty.wallet"]
            .sudo()
            ._search([("company_id", "=", self.env.company.id)])
        )
        joined = (operator == "=") == value
        return [("id", "in" if joined else "not in", members.subselect("partner_id"))]

    @api.model
    def _load_pos_data_fields(self, config_id):
        # A non-member shows as one at the register, which offers to join them.
        return [*super()._load_pos_data_fields(config_id), "loyalty_is_member"]

    @api.model
    def _dental_loyalty_register_figures(self):
        """The patient's loyalty fields the register shows, read again after
        they join."""
        return [
            "loyalty_is_member",
            "loyalty_points_available",
            "loyalty_points_pending",
            "loyalty_tier_name",
            "loyalty_tier_color",
            "loyalty_tier_multiplier",
            "loyalty_family_name",
        ]

    def _dental_loyalty_joins_automatically(self, company=None):
        """Whether the patient joins ``company``'s programme by themselves at
        their first paid visit: in a clinic that enrols every new patient, a
        person (never a company)."""
        self.ensure_one()
        company = company or self.env.company
        return company.dental_loyalty_enrolment == "auto" and not self.is_company

    def _dental_loyalty_member_wallet(
        self, company=None, with_figures=False, open_new=True
    ):
        """The wallet a member earns into and spends from in ``company`` (their
        family's, else their own), opened for a patient who joins
        automatically unless not ``open_new``; empty for a non-member.
        ``with_figures``: their own wallet's figures are read with it, for a
        preview."""
        company = company or self.env.company
        joining = self.filtered(
            lambda partner: (
                open_new and partner._dental_loyalty_joins_automatically(company)
            )
        )
        return (
            self.env["dental.loyalty.wallet"]
            ._get_for_partners(
                self, company, open_for=joining, with_figures=with_figures
            )
            ._paying_wallet()
        )

    def _dental_loyalty_not_member_error(self, reason):
        self.ensure_one()
        return UserError(
            self.env._(
                "%(patient)s is not a member of the loyalty programme: %(reason)s",
                patient=self.display_name,
                reason=reason,
            )
        )

    def _dental_loyalty_check_staff(self, company):
        """Joining a patient and their consent are a loyalty user's, for a
        patient they may read, in a clinic they work in."""
        if not self.env.su and not self.env.user.has_group(
            "dental_loyalty.group_dental_loyalty_user"
        ):
            raise AccessError(
                self.env._("Only loyalty users record who joins the programme.")
            )
        self.check_access("read")
        company._dental_loyalty_check_allowed()

    def _dental_loyalty_join(self, company=None, consent_mail=False, consent_sms=False):
        """Join the patient to ``company``'s programme (the current one by
        default) from today, with their consent to hear from it by email and
        by SMS; a member's consent is set as given. Returns their own wallet."""
        self.ensure_one()
        company = company or self.env.company
        self._dental_loyalty_check_staff(company)
        wallet = self._dental_loyalty_own_wallet(company)
        if wallet:
            self._dental_loyalty_set_consent(company, consent_mail, consent_sms)
            return wallet
        # Wallets belong to the engine, users only read them (see the ACL).
        wallet = (
            self.env["dental.loyalty.wallet"].sudo()._get_for_partners(self, company)
        )
        wallet.write({"consent_mail": consent_mail, "consent_sms": consent_sms})
        # Who enrolled the patient (the author: sudo keeps the user) and what
        # they agreed to, on the wallet's chatter.
        yes, no = self.env._("yes"), self.env._("no")
        wallet.message_post(
            body=Markup("%s")
            % self.env._(
                "Joined the loyalty programme. Agrees to emails: %(mail)s; "
                "to SMS: %(sms)s.",
                mail=yes if consent_mail else no,
                sms=yes if consent_sms else no,
            ),
            subtype_xmlid="mail.mt_note",
        )
        return wallet.sudo(self.env.su)

    def _dental_loyalty_set_consent(self, company=None, mail=None, sms=None):
        """Record the member's consent to hear from the programme by email
        (``mail``) and by SMS (``sms``); None leaves a channel as it is. The
        change is tracked on their wallet, with who made it."""
        self.ensure_one()
        company = company or self.env.company
        self._dental_loyalty_check_staff(company)
        wallet = self._dental_loyalty_own_wallet(company)
        if not wallet:
            raise self._dental_loyalty_not_member_error(
                self.env._("join them to the programme to record their consent.")
            )
        vals = {
            name: bool(value)
            for name, value in (("consent_mail", mail), ("consent_sms", sms))
            if value is not None
        }
        # A register's sale may be writing the wallet this moment: take its
        # row first, where the conflict is expected and retried without an
        # ERROR line, not in the write's flush.
        wallet._serialise_rows(wallet._table, wallet.ids)
        # Users only read wallets (the engine writes them); consent is the one
        # thing a loyalty user changes, checked above. Tracked with the user as
        # author: sudo keeps who asks.
        wallet.sudo().write(vals)

    def action_dental_loyalty_consent(self):
        """The form's Grant and Revoke buttons: the channel and the choice
        come in the context (``dental_loyalty_consent_mail``/``_sms``), which
        only says yes or no; the partner's method checks who asks."""
        check_record_ids(self, single=True)
        self.ensure_one()
        choices = {
            channel: self.env.context.get(f"dental_loyalty_consent_{channel}")
            for channel in ("mail", "sms")
        }
        if any(
            value is not None and not isinstance(value, bool)
            for value in choices.values()
        ):
            raise UserError(self.env._("Consent is given or withdrawn: yes or no."))
        self._dental_loyalty_set_consent(**choices)
        return True

    def action_dental_loyalty_join(self):
        """Open the dialog that joins the patient with their consent."""
        check_record_ids(self, single=True)
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Join the Programme"),
            "res_model": "dental.loyalty.join",
            "view_mode": "form",
            "target": "new",
            "context": {"default_partner_id": self.id},
        }
