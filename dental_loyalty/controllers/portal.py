import base64
from urllib.parse import quote

from odoo.exceptions import AccessError, MissingError
from odoo.http import request, route
from odoo.tools import consteq
from odoo.tools.misc import format_date, formatLang

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager

from ..models.dental_loyalty_input import is_record_id
from ..rules import next_tier


class DentalLoyaltyPortal(CustomerPortal):
    """The patient's loyalty page: under /my for a portal user, and through the
    signed link (the wallet's access token) for a patient without an account.

    Patients get no access rights on the loyalty models: the page reads the
    one wallet the check below lets the visitor see, as the superuser, and
    shows only that wallet's figures. Every route is a GET that writes nothing.
    """

    _dental_loyalty_history_step = 20

    # ------------------------------------------------------------------
    # Access
    # ------------------------------------------------------------------

    def _dental_loyalty_own_wallets(self):
        """The logged-in user's own wallets (their partner's), in every company."""
        user = request.env.user
        if user._is_public():
            return request.env["dental.loyalty.wallet"].sudo().browse()
        # Patients have no rights on wallets: their own, found by their partner.
        return (
            request.env["dental.loyalty.wallet"]
            .sudo()
            .search([("partner_id", "=", user.partner_id.id)], order="id")
        )

    def _dental_loyalty_wallet_check(self, wallet_id, access_token=None):
        """The wallet ``wallet_id``, sudo'd, if the visitor may see it: the
        logged-in user's own, or the one whose valid token they hold. A revoked
        link opens nothing. Raises MissingError or AccessError otherwise, which
        the routes answer alike, so that nothing tells one case from another."""
        # A URL's id beyond int4 is no wallet.
        if not is_record_id(wallet_id):
            raise MissingError(request.env._("This page does not exist."))
        # Read as the superuser to check the visitor's claim; nothing is shown
        # unless the claim holds.
        wallet_sudo = (
            request.env["dental.loyalty.wallet"].sudo().browse(wallet_id).exists()
        )
        if not wallet_sudo:
            raise MissingError(request.env._("This page does not exist."))
        user = request.env.user
        if not user._is_public() and wallet_sudo.partner_id == user.partner_id:
            return wallet_sudo
        token = wallet_sudo.access_token
        if (
            access_token
            and isinstance(access_token, str)
            and token
            and not wallet_sudo.page_link_revoked
            # consteq takes ASCII only: another text is no token, and raised.
            and access_token.isascii()
            and consteq(token, access_token)
        ):
            return wallet_sudo
        raise AccessError(request.env._("This page does not exist."))

    def _dental_loyalty_set_lang(self, wallet_sudo):
        """A patient opening their link reads the page in their own language
        (the one the clinic recorded), as their messages are written, and the
        browser keeps it as Odoo keeps a visitor's language (its cookie).
        Once the browser has a language (chosen in the page's language menu,
        or kept from a visit before), the page speaks it: the menu works. A
        logged-in user keeps the language Odoo chose for them."""
        if not request.env.user._is_public():
            return
        if request.cookies.get("frontend_lang"):
            return
        lang = wallet_sudo.partner_id.lang
        if not lang or lang == request.env.lang:
            return
        if lang not in request.env["res.lang"]._get_frontend():
            return
        request.update_context(lang=lang)
        request.lang = request.env["res.lang"]._get_data(code=lang)
        # As Odoo keeps a visitor's language, set after Odoo's own (the
        # language the request had before): the browser keeps the last.
        request.future_response.set_cookie("frontend_lang", lang)

    # ------------------------------------------------------------------
    # Home
    # ------------------------------------------------------------------

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "dental_loyalty_count" in counters:
            values["dental_loyalty_count"] = len(self._dental_loyalty_own_wallets())
        return values

    # ------------------------------------------------------------------
    # Routes
    # ------------------------------------------------------------------

    @route(
        "/my/loyalty",
        type="http",
        auth="user",
        website=True,
        methods=["GET"],
        readonly=True,
    )
    def portal_my_loyalty_wallets(self, **kw):
        wallets = self._dental_loyalty_own_wallets()
        if len(wallets) == 1:
            return request.redirect(f"/my/loyalty/{wallets.id}")
        values = self._prepare_portal_layout_values()
        values.update({"page_name": "dental_loyalty", "wallets": wallets})
        return request.render("dental_loyalty.portal_my_loyalty_wallets", values)

    @route(
        [
            "/my/loyalty/<int:wallet_id>",
            "/my/loyalty/<int:wallet_id>/page/<int:page>",
        ],
        type="http",
        auth="public",
        website=True,
        methods=["GET"],
        readonly=True,
    )
    def portal_my_loyalty(self, wallet_id, page=1, access_token=None, **kw):
        try:
            wallet_sudo = self._dental_loyalty_wallet_check(wallet_id, access_token)
        except (AccessError, MissingError):
            # One answer for a wrong, missing, revoked or foreign token and for
            # a wallet that does not exist.
            raise request.not_found()
        self._dental_loyalty_set_lang(wallet_sudo)
        user = request.env.user
        if user._is_public():
            values = {"no_breadcrumbs": True}
        else:
            values = self._prepare_portal_layout_values()
        if wallet_sudo.partner_id == user.partner_id and not user._is_public():
            # Their own page: no token in its links.
            access_token = None
        values.update(self._dental_loyalty_page_values(wallet_sudo, access_token, page))
        return request.render("dental_loyalty.portal_my_loyalty", values)

    # ------------------------------------------------------------------
    # The page's figures
    # ------------------------------------------------------------------

    def _dental_loyalty_page_values(self, wallet, access_token, page=1):
        """What the page shows of ``wallet`` (sudo'd, checked): the figures are
        those of the wallet the patient spends from (their family's, if any);
        the history is their own."""
        company = wallet.company_id
        # In the language the page is read in (see _dental_loyalty_set_lang).
        wallet = wallet.with_context(lang=request.env.lang).with_company(company)
        paying = wallet._paying_wallet()
        partner = wallet.partner_id.with_company(company)
        lang = request.env.lang or "en_US"
        direction = request.env["res.lang"]._get_data(code=lang).direction
        values = {
            "page_name": "dental_loyalty",
            "wallet": wallet,
            "paying_wallet": paying,
            "patient": partner,
            "company": company,
            "res_company": company,
            "currency": company.currency_id,
            "access_token": access_token,
            "html_data": {
                "lang": lang.replace("_", "-"),
                "dir": "rtl" if direction == "rtl" else "ltr",
            },
            "points_value": paying.points_available
            * company.dental_loyalty_point_value,
            "pending_batches": self._dental_loyalty_pending_batches(paying),
            "expiring_batches": self._dental_loyalty_expiring_batches(paying),
            "vouchers": self._dental_loyalty_vouchers(wallet),
            "family": wallet.family_id,
            "is_family_member": paying != wallet,
        }
        values.update(self._dental_loyalty_tier_values(paying, partner))
        values.update(self._dental_loyalty_referral_values(partner, company))
        values.update(self._dental_loyalty_history_values(wallet, access_token, page))
        return values

    def _dental_loyalty_pending_batches(self, paying):
        """One sentence per day on which waiting points become spendable."""
        groups = (
            request.env["dental.loyalty.ledger"]
            .sudo()
            ._read_group(
                [
                    ("wallet_id", "=", paying.id),
                    ("points", ">", 0),
                    ("remaining_points", ">", 0),
                    ("is_released", "=", False),
                ],
                ["available_date:day"],
                ["remaining_points:sum"],
                order="available_date:day",
            )
        )
        return [
            request.env._(
                "Points spendable from %(date)s: %(points)s",
                points=formatLang(request.env, points, digits=0),
                date=format_date(request.env, day),
            )
            for day, points in groups
            if points
        ]

    def _dental_loyalty_expiring_batches(self, paying):
        """One sentence per day on which points expire, within the company's
        warning period; the lots the wallet's _expiring_soon counts."""
        company = paying.company_id
        days = company.dental_loyalty_expiry_warning_days or 30
        Ledger = request.env["dental.loyalty.ledger"].sudo()
        today = company._dental_loyalty_today()
        groups = Ledger._read_group(
            [("wallet_id", "=", paying.id), *Ledger._expiring_domain(today, days)],
            ["expiry_date:day"],
            ["remaining_points:sum"],
            order="expiry_date:day",
        )
        return [
            request.env._(
                "Points expiring on %(date)s: %(points)s",
                points=formatLang(request.env, points, digits=0),
                date=format_date(request.env, day),
            )
            for day, points in groups
            if points
        ]

    def _dental_loyalty_tier_values(self, paying, partner):
        company = paying.company_id
        Tier = request.env["dental.loyalty.tier"].sudo()
        ladder = Tier._ladder(company.id)
        tier = paying.tier_id or Tier.browse(Tier._floor_of(ladder))
        figure = paying._qualifying_figures().get(paying.id, 0.0)
        step = next_tier(ladder, figure)
        progress = 100
        next_tier_record = Tier.browse()
        if step:
            next_tier_record = Tier.browse(step[0].id)
            threshold = step[0].threshold
            progress = (
                int(min(100, max(0, figure / threshold * 100))) if threshold else 0
            )
        # The text the patient's form shows, in the tier's own unit.
        next_text = partner.sudo()._loyalty_next_tier_text(step, company)
        return {
            "tier": tier,
            "next_tier": next_tier_record,
            "tier_progress": progress,
            "tier_next_text": next_text,
        }

    def _dental_loyalty_vouchers(self, wallet):
        """The patient's unused vouchers, each with its code as a QR image.

        The image is drawn here, not linked to /report/barcode/<code>: that
        request's line, code included, would reach the server's log."""
        vouchers = (
            request.env["dental.loyalty.voucher"]
            .sudo()
            .search(
                [
                    ("partner_id", "=", wallet.partner_id.id),
                    ("company_id", "=", wallet.company_id.id),
                    # Not one past its date, before the nightly job marks it.
                    ("status", "=", "valid"),
                ],
                order="expiry_date, id",
            )
        )
        Report = request.env["ir.actions.report"].sudo()
        return [
            {
                "voucher": voucher,
                "code": voucher.code,
                "qr": "data:image/png;base64,%s"
                % base64.b64encode(
                    Report.barcode("QR", voucher.code, width=180, height=180)
                ).decode(),
            }
            for voucher in vouchers
        ]

    def _dental_loyalty_referral_values(self, partner, company):
        code = partner.sudo().dental_referral_code
        if not code:
            return {"referral_code": False}
        text = request.env._(
            "Come to %(clinic)s and give them my referral code %(code)s: "
            "we both get a bonus.",
            clinic=company.name,
            code=code,
        )
        subject = request.env._("My referral code for %s", company.name)
        return {
            "referral_code": code,
            "referral_text": text,
            "referral_mailto": f"mailto:?subject={quote(subject)}&body={quote(text)}",
            "referral_sms": f"sms:?&body={quote(text)}",
        }

    def _dental_loyalty_history_domain(self, wallet):
        """The lines the patient's history shows: their own wallet's, and on
        their family's wallet those naming them."""
        paying = wallet._paying_wallet()
        if paying == wallet:
            return [("wallet_id", "=", wallet.id)]
        return [
            "|",
            ("wallet_id", "=", wallet.id),
            "&",
            ("wallet_id", "=", paying.id),
            ("member_id", "=", wallet.partner_id.id),
        ]

    def _dental_loyalty_history_phrases(self):
        """A plain sentence for each kind of ledger line."""
        env = request.env
        return {
            "earn": env._("Points earned on your visit"),
            "spend": env._("Points used to pay a bill"),
            "expire": env._("Points expired"),
            "adjust": env._("Points adjusted by the clinic"),
            "earn_reversal": env._("Points taken back: a visit was refunded"),
            "spend_return": env._("Points given back: a bill was refunded"),
            "redeem": env._("Points exchanged for a reward"),
            "redeem_return": env._("Points given back: a voucher was cancelled"),
            "birthday": env._("Birthday gift"),
            "anniversary": env._("Anniversary gift"),
            "recall": env._("Bonus for your check-up on time"),
            "rule": env._("Bonus points of an offer on your visit"),
            "transfer_out": env._("Points moved to another account"),
            "transfer_in": env._("Points moved in from another account"),
            "referral": env._("Referral bonus"),
            "referral_reversal": env._("Referral bonus taken back"),
        }

    def _dental_loyalty_history_values(self, wallet, access_token, page):
        Ledger = request.env["dental.loyalty.ledger"].sudo()
        domain = self._dental_loyalty_history_domain(wallet)
        step = self._dental_loyalty_history_step
        pager = portal_pager(
            url=f"/my/loyalty/{wallet.id}",
            total=Ledger.search_count(domain),
            page=page,
            step=step,
            url_args={"access_token": access_token} if access_token else None,
        )
        lines = Ledger.search(domain, limit=step, offset=pager["offset"])
        phrases = self._dental_loyalty_history_phrases()
        return {
            "pager": pager,
            "history": [
                {
                    "date": line.date,
                    "text": phrases.get(line.kind, line.kind),
                    "points": line.points,
                    # Signed and grouped as the language writes numbers.
                    "points_text": ("+" if line.points > 0 else "")
                    + formatLang(request.env, line.points, digits=0),
                    "order": line.pos_order_id.name or False,
                }
                for line in lines
            ],
        }
