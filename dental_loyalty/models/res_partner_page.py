from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from .dental_loyalty_input import check_record_ids


# One concern of res.partner per file, as core splits a model across files.
# pylint: disable=consider-merging-classes-inherited
class ResPartner(models.Model):
    """The patient's link to their loyalty page: reception revokes it (a lost
    card, a link sent to the wrong person) and renews it. Staff never see the
    link itself: the card, the statement and the messages carry it."""

    _inherit = "res.partner"

    dental_loyalty_page_link = fields.Selection(
        selection=[
            ("none", "Not a Member"),
            ("active", "Working"),
            ("revoked", "Revoked"),
        ],
        string="Loyalty Page Link",
        compute="_compute_dental_loyalty_page_link",
        compute_sudo=True,
        groups="dental_loyalty.group_dental_loyalty_user",
        help="Whether the link to the patient's loyalty page, which the card, "
        "the statement and the messages carry, opens it.",
    )

    @api.depends_context("company")
    @api.depends("loyalty_wallet_ids.page_link_revoked")
    def _compute_dental_loyalty_page_link(self):
        wallets = self.env["dental.loyalty.wallet"].search(
            [
                ("partner_id", "in", self._origin.ids),
                ("company_id", "=", self.env.company.id),
            ]
        )
        by_partner = {wallet.partner_id.id: wallet for wallet in wallets}
        for partner in self:
            wallet = by_partner.get(partner._origin.id)
            if not wallet:
                partner.dental_loyalty_page_link = "none"
            elif wallet.page_link_revoked:
                partner.dental_loyalty_page_link = "revoked"
            else:
                partner.dental_loyalty_page_link = "active"

    def action_dental_loyalty_revoke_page_link(self):
        """The patient's page link stops working at once."""
        check_record_ids(self, single=True)
        wallet = self._dental_loyalty_page_wallet()
        wallet._revoke_page_link()
        self._dental_loyalty_page_link_note(
            self.env._(
                "Link to the loyalty page revoked: the old link no longer opens it."
            )
        )
        return True

    def action_dental_loyalty_renew_page_link(self):
        """A new page link; the old one stops working. The patient gets it with
        their card, statement or next message."""
        check_record_ids(self, single=True)
        wallet = self._dental_loyalty_page_wallet()
        wallet._renew_page_link()
        self._dental_loyalty_page_link_note(
            self.env._(
                "Link to the loyalty page renewed: a new link was made and the "
                "old one no longer opens the page."
            )
        )
        return True

    def _dental_loyalty_page_link_note(self, body):
        """A note on the patient's chatter saying who revoked or renewed the
        link; never the link itself."""
        # Posting on a contact takes the right to edit it, which a cashier
        # lacks; the note is the programme's, signed by the user who acted.
        self.sudo().message_post(
            body=body,
            author_id=self.env.user.partner_id.id,
            subtype_xmlid="mail.mt_note",
        )

    def _dental_loyalty_page_wallet(self):
        """The patient's own wallet in the current company, for a loyalty user
        who may read the patient: the link is the programme's, not the contact's
        data, so a cashier who may not edit contacts still revokes a lost one."""
        self.ensure_one()
        if not self.env.user.has_group("dental_loyalty.group_dental_loyalty_user"):
            raise AccessError(
                self.env._("Only loyalty users revoke or renew a page link.")
            )
        self.check_access("read")
        wallet = self._dental_loyalty_own_wallet()
        if not wallet:
            raise UserError(
                self.env._(
                    "%s is not a member of the loyalty programme: there is no "
                    "page link.",
                    self.display_name,
                )
            )
        return wallet
