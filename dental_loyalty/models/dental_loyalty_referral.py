import re

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from .dental_loyalty_input import is_storable_text

# States that hold a referral: a patient has one such referrer per company, and
# they count toward the referrer's yearly limit.
_LIVE_STATES = ("pending", "rewarded")


class DentalLoyaltyReferral(models.Model):
    """One patient brought to the clinic by another: marked with the referrer's
    code, rewarded on the new patient's first paid visit if it reaches the
    clinic's minimum (both get a bonus, pending like earned points), taken back
    if that visit is refunded beyond the clinic's share, or if merging contacts
    shows that the new patient was not new.

    One concern a file: the record, marking and refusing here; who may refer
    whom in dental_loyalty_referral_refusal.py, the reward on the first visit
    in dental_loyalty_referral_reward.py, taking it back on a refund in
    dental_loyalty_referral_reversal.py, merging contacts in
    dental_loyalty_referral_merge.py."""

    _name = "dental.loyalty.referral"
    _description = "Loyalty Referral"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"
    _rec_name = "referred_id"
    _check_company_auto = True

    referrer_id = fields.Many2one(
        "res.partner",
        string="Referred By",
        required=True,
        readonly=True,
        index=True,
        ondelete="restrict",
        check_company=True,
    )
    referred_id = fields.Many2one(
        "res.partner",
        string="New Patient",
        required=True,
        readonly=True,
        index=True,
        ondelete="restrict",
        check_company=True,
    )
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True, ondelete="restrict"
    )
    code = fields.Char(
        string="Code Given", readonly=True, help="The referrer's code, as typed."
    )
    date = fields.Date(
        string="Referred On",
        required=True,
        readonly=True,
        default=lambda self: self.env.company._dental_loyalty_today(),
    )
    state = fields.Selection(
        selection=[
            ("pending", "Pending"),
            ("rewarded", "Rewarded"),
            ("refused", "Refused"),
            ("reversed", "Reversed"),
        ],
        string="Status",
        required=True,
        default="pending",
        readonly=True,
        tracking=True,
        help="Pending until the new patient's first paid visit; rewarded then, "
        "unless a rule refuses it; reversed when that visit is refunded beyond "
        "the clinic's share, or when merging contacts joins the new patient "
        "with the referrer or with someone who had already come.",
    )
    refusal_reason = fields.Char(readonly=True, tracking=True)
    referrer_points = fields.Integer(
        string="Referrer's Bonus",
        readonly=True,
        help="The points the referrer received, as posted.",
    )
    referred_points = fields.Integer(
        string="New Patient's Bonus",
        readonly=True,
        help="The points the new patient received, as posted.",
    )
    reward_date = fields.Date(string="Rewarded On", readonly=True)
    pos_order_id = fields.Many2one(
        "pos.order",
        string="First Visit",
        readonly=True,
        index="btree_not_null",
        ondelete="restrict",
    )
    line_ids = fields.One2many(
        "dental.loyalty.ledger",
        "res_id",
        string="Ledger Lines",
        domain=[("res_model", "=", "dental.loyalty.referral")],
        readonly=True,
    )

    # ------------------------------------------------------------------
    # Marking a patient as referred
    # ------------------------------------------------------------------

    @api.model
    def _normalize_code(self, code):
        """The code as stored, from what reception typed or a patient read out."""
        if not isinstance(code, str):
            return ""
        # No NUL either: PostgreSQL takes none in a string it compares; nor
        # a lone surrogate, which it cannot encode: no code at all then.
        code = re.sub(r"[\s\x00-]", "", code).upper()[:32]
        return code if is_storable_text(code) else ""

    @api.model
    def _refer(self, referred, code, company):
        """Mark ``referred`` as brought by the patient whose referral code is
        ``code``, in ``company``; raises a UserError naming the rule that
        refuses it. Returns the pending referral."""
        if not (
            self.env.su
            or self.env.user.has_group("dental_loyalty.group_dental_loyalty_user")
        ):
            raise AccessError(self.env._("Only loyalty users mark referrals."))
        referred.ensure_one()
        code = self._normalize_code(code)
        # Reception looks the code up among all contacts and records the referral:
        # referrals are the engine's records, nobody creates them by hand.
        Referral = self.sudo()
        referrer = (
            self.env["res.partner"]
            .sudo()
            .with_context(active_test=False)
            .search([("dental_referral_code", "=", code)], limit=1)
            if code
            else self.env["res.partner"]
        )
        if not referrer:
            raise UserError(
                self.env._("No patient has the referral code %s.", code or "-")
            )
        today = self.env.company._dental_loyalty_today()
        refusal = Referral._refusal(referrer, referred, company, today)
        if refusal:
            raise UserError(refusal)
        referral = Referral.create(
            {
                "referrer_id": referrer.id,
                "referred_id": referred.id,
                "company_id": company.id,
                "code": code,
                "date": today,
            }
        )
        referred.invalidate_recordset(["dental_referred_by_code"])
        return referral.sudo(self.env.su)

    def _refuse(self, reason):
        """Refuse pending referrals with ``reason``, said on their chatter."""
        for referral in self:
            referral.sudo().write({"state": "refused", "refusal_reason": reason})
            referral._message_log(body=self.env._("Refused: %s", reason))

    # ------------------------------------------------------------------
    # Buttons
    # ------------------------------------------------------------------

    def _refuse_by_hand(self, reason):
        """What the refusal wizard does: checked, and named on the chatter."""
        if not self.env.user.has_group("dental_loyalty.group_dental_loyalty_manager"):
            raise AccessError(self.env._("Only loyalty managers refuse referrals."))
        reason = (reason or "").strip()
        if not reason:
            raise UserError(self.env._("Say why the referral is refused."))
        for referral in self:
            if referral.state != "pending":
                raise UserError(
                    self.env._(
                        "The referral of %s is not pending: only a pending "
                        "referral can be refused.",
                        referral.referred_id.display_name,
                    )
                )
        self._refuse(
            self.env._(
                "%(reason)s (refused by %(user)s)",
                reason=reason,
                user=self.env.user.name,
            )
        )
        return True
