import secrets

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL


class DentalLoyaltyWallet(models.Model):
    """Membership: a patient's wallet in a company is their membership of the
    clinic's programme, from the day they joined, with their consent to hear
    from it, and the signed link to their own loyalty page."""

    # One concern per file, as Odoo core splits its big models.
    _name = "dental.loyalty.wallet"
    _inherit = ["dental.loyalty.wallet", "portal.mixin"]

    member_since = fields.Date(
        required=True,
        default=lambda self: self.env.company._dental_loyalty_today(),
        readonly=True,
        tracking=True,
        help="The day the patient joined the clinic's loyalty programme.",
    )
    consent_mail = fields.Boolean(
        string="Agrees to Emails",
        tracking=True,
        help="The patient agreed to hear from the loyalty programme by email; "
        "without it, no loyalty email is sent to them.",
    )
    consent_sms = fields.Boolean(
        string="Agrees to SMS",
        tracking=True,
        help="The patient agreed to hear from the loyalty programme by SMS; "
        "without it, no loyalty SMS is sent to them.",
    )
    # The page link is a bearer credential: staff share it through the card, the
    # statement and the messages, which the server renders; nobody reads it.
    access_token = fields.Char(groups="base.group_system")
    page_link_revoked = fields.Boolean(
        readonly=True,
        copy=False,
        tracking=True,
        help="Reception revoked the patient's link to their loyalty page: the old "
        "link no longer opens it, and no message carries one until it is renewed.",
    )

    def _compute_access_url(self):
        for wallet in self:
            wallet.access_url = f"/my/loyalty/{wallet.id}"

    def _portal_ensure_token(self):
        """A long random token (256 bits), not portal's default uuid4. Only the
        server hands the link out: portal's public ``get_portal_url`` ends here,
        and would otherwise give any logged-in user any patient's link."""
        if not self.env.su:
            raise AccessError(
                self.env._("The loyalty page link is sent to the patient only.")
            )
        wallet = self.sudo()
        if not wallet.access_token:
            wallet.write({"access_token": secrets.token_urlsafe(32)})
        return wallet.access_token

    def _mail_get_partner_fields(self, introspect_fields=False):
        """The patient is not the wallet's mail customer: portal would mint the
        page link for every note on the wallet and put it in a button."""
        return []

    @api.model
    def _get_thread_with_access(self, thread_id, mode="read", **kwargs):
        """The page link opens the page, not the wallet's chatter (the staff's
        notes): neither the token nor a signed partner hash grants it."""
        for credential in ("token", "hash", "pid"):
            kwargs.pop(credential, None)
        return super()._get_thread_with_access(thread_id, mode, **kwargs)

    def _page_url(self):
        """The full signed link to this member's loyalty page, or False when
        reception revoked it."""
        self.ensure_one()
        if self.page_link_revoked:
            return False
        wallet = self.sudo()
        return wallet.get_base_url() + wallet.get_portal_url()

    def _revoke_page_link(self):
        """The page link stops working at once; none is handed out until renewed."""
        self.sudo().write({"access_token": False, "page_link_revoked": True})

    def _renew_page_link(self):
        """A new link, the old one dead."""
        self.sudo().write(
            {"access_token": secrets.token_urlsafe(32), "page_link_revoked": False}
        )

    @api.model
    def _join_from_history(self):
        """Every wallet is a membership from the day of its first ledger line
        (a line on the wallet, or a family wallet's line naming its patient),
        else from the day it was opened; with consent to emails and SMS, which
        its patient was sent before consent was recorded, unless the address
        is blacklisted or the number opted out. For the update that brought
        membership, and the demo clinic's history; not a point moves: only
        these three columns are written."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                UPDATE dental_loyalty_wallet wallet
                   SET member_since = COALESCE(
                           (SELECT MIN(line.date)
                              FROM dental_loyalty_ledger line
                             WHERE line.wallet_id = wallet.id
                                OR (line.member_id = wallet.partner_id
                                    AND line.company_id = wallet.company_id)),
                           wallet.create_date::date
                       ),
                       consent_mail = NOT EXISTS (
                           SELECT 1 FROM mail_blacklist blacklist
                            WHERE blacklist.active
                              AND blacklist.email = partner.email_normalized
                       ),
                       consent_sms = NOT EXISTS (
                           SELECT 1 FROM phone_blacklist blacklist
                            WHERE blacklist.active
                              AND blacklist.number = partner.phone_sanitized
                       )
                  FROM res_partner partner
                 WHERE partner.id = wallet.partner_id
                """
            )
        )
        self.invalidate_model(["member_since", "consent_mail", "consent_sms"])
