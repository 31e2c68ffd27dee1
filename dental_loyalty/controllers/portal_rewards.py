from werkzeug.exceptions import NotFound
from werkzeug.urls import url_encode

from odoo import http
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import request

from ..models.dental_loyalty_input import is_record_id
from .portal import DentalLoyaltyPortal

# Where the outcome of an exchange waits, in the visitor's session, for the page
# the exchange redirects to (never in the address: a link could forge it).
_RESULT_KEY = "dental_loyalty_reward_result"


class DentalLoyaltyPortalRewards(DentalLoyaltyPortal):
    """Rewards from the patient's page: the catalog with what this patient may
    have and why not the others, and the exchange, through the engine the front
    desk uses. Only where the clinic turned it on."""

    def _dental_loyalty_page_values(self, wallet, access_token, page=1):
        values = super()._dental_loyalty_page_values(wallet, access_token, page=page)
        values["dl_rewards_enabled"] = wallet.company_id.dental_loyalty_portal_rewards
        if values["dl_rewards_enabled"]:
            values["dl_reward_offers"] = self._dental_loyalty_reward_offers(wallet)
            result = request.session.pop(_RESULT_KEY, None)
            if result and result.get("wallet_id") == wallet.id:
                values["dl_reward_result"] = result
        return values

    def _dental_loyalty_reward_offers(self, wallet):
        """[{reward, refusal}] for the rewards of the wallet's clinic: refusal
        is False for the ones the patient can have now, else why not, with the
        checks ``dental.loyalty.voucher._issue`` makes (terms, then points less
        what registers hold)."""
        patient = wallet.partner_id
        paying = wallet._paying_wallet()
        today = paying.company_id._dental_loyalty_today()
        # The catalog of the patient's clinic, read for a visitor who proved
        # the wallet theirs; the page shows names, costs and descriptions.
        rewards = (
            request.env["dental.loyalty.reward"]
            .sudo()
            .search([("company_id", "=", wallet.company_id.id)])
            ._shown_to(patient)
        )
        Hold = request.env["dental.loyalty.reservation"].sudo()
        spendable, _own, _others = Hold._spendable_for(paying, False)
        # The day's spend, read once for every reward: from the clinic's
        # threshold a spend needs the code the desk sends to the patient.
        SpendCode = request.env["dental.loyalty.spend.code"].sudo()
        spent_today = SpendCode._threshold(paying) and SpendCode._spent_or_held_today(
            paying, None, patient
        )
        offers = []
        for reward in rewards:
            refusal = reward._refusal(paying, today, patient)
            if not refusal and spendable < reward.points_cost:
                refusal = request.env._(
                    "Not enough points: it costs %(cost)s, you can spend "
                    "%(spendable)s now.",
                    cost=reward.points_cost,
                    spendable=spendable,
                )
            if not refusal and SpendCode._needs_code(
                paying, reward.points_cost, None, patient, before=spent_today
            ):
                refusal = self._dental_loyalty_desk_only(reward)
            offers.append({"reward": reward, "refusal": refusal or False})
        return offers

    def _dental_loyalty_desk_only(self, reward):
        return request.env._(
            "Ask for %s at the front desk: the clinic confirms a spend of this "
            "many points with a code it sends to your phone.",
            reward.name,
        )

    def _dental_loyalty_page_redirect(self, wallet, access_token):
        query = f"?{url_encode({'access_token': access_token})}" if access_token else ""
        return request.redirect(f"/my/loyalty/{wallet.id}{query}")

    @http.route(
        "/my/loyalty/<int:wallet_id>/redeem",
        type="http",
        auth="public",
        methods=["POST"],
        csrf=True,
    )
    def portal_my_loyalty_redeem(self, wallet_id, reward_id=None, access_token=None):
        """Exchange the patient's points for ``reward_id``, as the desk would:
        the voucher goes to the patient (by mail, as the clinic sends them), the
        points come from the wallet that pays for them (a family's)."""
        try:
            wallet = self._dental_loyalty_wallet_check(wallet_id, access_token)
        except (AccessError, MissingError) as error:
            raise NotFound() from error
        if not wallet.company_id.dental_loyalty_portal_rewards:
            raise NotFound()
        # Found as the superuser among the wallet's clinic's rewards only: the
        # id is the browser's word.
        reward_id = (
            int(reward_id)
            if isinstance(reward_id, str)
            and reward_id.isascii()
            and reward_id.isdigit()
            else 0
        )
        reward = request.env["dental.loyalty.reward"].browse()
        if is_record_id(reward_id):
            reward = (
                reward.sudo()
                .search(
                    [("id", "=", reward_id), ("company_id", "=", wallet.company_id.id)]
                )
                # One kept for other patients is unknown here, name and all.
                ._shown_to(wallet.partner_id)
            )
        if not reward:
            raise NotFound()
        try:
            # The visitor proved the wallet theirs; the engine makes every
            # check of the desk (terms, points less holds, stock) under the
            # wallet's lock, and writes as it does for the desk.
            with request.env.cr.savepoint():
                paying = wallet._paying_wallet()
                # The page cannot check the code the desk sends by SMS: a
                # spend that needs one is the desk's, read under the lock.
                paying._lock_for_update()
                if (
                    request.env["dental.loyalty.spend.code"]
                    .sudo()
                    ._needs_code(paying, reward.points_cost, None, wallet.partner_id)
                ):
                    raise UserError(self._dental_loyalty_desk_only(reward))
                voucher = (
                    request.env["dental.loyalty.voucher"]
                    .sudo()
                    .with_company(wallet.company_id)
                    ._issue(paying, reward, wallet.partner_id)
                )
        except UserError as error:
            result = {"kind": "danger", "message": str(error.args[0])}
        else:
            result = {
                "kind": "success",
                "message": request.env._(
                    "Done: %(reward)s for %(points)s points. Your voucher and "
                    "its code are listed on this page.",
                    reward=reward.name,
                    points=voucher.points_cost,
                ),
            }
        request.session[_RESULT_KEY] = {"wallet_id": wallet.id, **result}
        return self._dental_loyalty_page_redirect(wallet, access_token)
