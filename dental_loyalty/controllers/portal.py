# Stand-in for the page engineer's controller (issue 18, "the patient's loyalty
# page"), so that the rewards route can be tested on this branch: at the merge,
# the page's own controllers/portal.py replaces this file whole.
from odoo import http
from odoo.exceptions import AccessError, MissingError
from odoo.http import request
from odoo.tools import consteq

from odoo.addons.portal.controllers.portal import CustomerPortal


class DentalLoyaltyPortal(CustomerPortal):
    def _dental_loyalty_wallet_check(self, wallet_id, access_token=None):
        """The wallet (sudo) the visitor may see: their own when logged in,
        else the one whose valid token they hold."""
        # Found as the superuser: the check below is the access rule.
        wallet = request.env["dental.loyalty.wallet"].sudo().browse(wallet_id).exists()
        if not wallet:
            raise MissingError(request.env._("This page does not exist."))
        user = request.env.user
        if not user._is_public() and wallet.partner_id == user.partner_id:
            return wallet
        if (
            access_token
            and wallet.access_token
            and not wallet.page_link_revoked
            and consteq(wallet.access_token, access_token)
        ):
            return wallet
        raise AccessError(request.env._("You cannot see this page."))

    def _dental_loyalty_page_values(self, wallet, access_token, page=1):
        return {"wallet": wallet, "access_token": access_token, "page_name": "loyalty"}

    @http.route("/my/loyalty/<int:wallet_id>", type="http", auth="public", website=True)
    def portal_my_loyalty_wallet(self, wallet_id, access_token=None, **kw):
        try:
            wallet = self._dental_loyalty_wallet_check(wallet_id, access_token)
        except (AccessError, MissingError):
            return request.redirect("/my")
        return request.render(
            "dental_loyalty.portal_my_loyalty",
            self._dental_loyalty_page_values(wallet, access_token),
        )
