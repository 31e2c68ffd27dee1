import secrets

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from .dental_loyalty_input import check_record_ids

# Referral codes are read aloud and typed from a card: no 0/O, 1/I/L. Eight of
# these 31 signs give some 850 billion codes.
_REFERRAL_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
_REFERRAL_CODE_LENGTH = 8


# One concern of res.partner per file, as core splits a model across files.
# pylint: disable=consider-merging-classes-inherited
class ResPartner(models.Model):
    """Referral codes: the patient's own, and the one of who referred them."""

    _inherit = "res.partner"

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
        check_record_ids(self, single=True)
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "dental_loyalty.dental_loyalty_referral_action"
        )
        action["domain"] = [("referrer_id", "=", self.id)]
        action["context"] = {}
        return action
