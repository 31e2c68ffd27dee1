import logging
import re

from odoo.tests import tagged
from odoo.tools.misc import format_date

from .common_portal import DentalLoyaltyPortalCommon


@tagged("post_install", "-at_install")
class TestPortalPage(DentalLoyaltyPortalCommon):
    """What the patient reads on their page, in their language, and what the
    server's log keeps of it."""

    def test_the_page_shows_points_dates_tier_worth_vouchers_and_referral(self):
        response = self._page(self.an_wallet, self._token(self.an_wallet))
        body = response.text
        for section in (
            "dl_points",
            "dl_expiring",
            "dl_tier",
            "dl_vouchers",
            "dl_referral",
            "dl_history",
        ):
            self.assertIn(f'id="{section}"', body)
        self.assertNotIn('id="dl_family"', body)
        pending_day = format_date(self.env, self._in_days(14))
        expiry_day = format_date(self.env, self._in_days(10))
        self.assertIn(f"Points spendable from {pending_day}: 250", body)
        # The voucher took its 100 points from the lot expiring first.
        self.assertIn(f"Points expiring on {expiry_day}: 300", body)
        # 300 spendable points at 0.10 each.
        self.assertIn("30.00", body)
        # Bronze from 0 points, Silver at 500 points earned: 250 earned so far.
        self.assertIn("Bronze", body)
        self.assertIn("Points still needed for Silver: 250", body)
        self.assertIn('aria-valuenow="50"', body)
        self.assertIn(self.an_voucher.sudo().code, body)
        # helper-104: a reward's name reads in its own direction in Persian
        # ("10 % off whitening", not "off whitening % 10").
        self.assertRegex(
            body, rf'dir="auto"[^>]*>{re.escape(self.an_voucher.reward_id.name)}</h6>'
        )
        self.assertIn("data:image/png;base64,", body)
        self.assertNotIn("/report/barcode", body)
        code = self.an.sudo().dental_referral_code
        self.assertIn(code, body)
        self.assertIn("mailto:?subject=", body)
        # Nothing on the page carries the token but the pager's own links.
        self.assertNotIn(self._token(self.an_wallet), body.split('id="dl_history"')[0])

    def test_figures_are_written_as_the_language_writes_numbers(self):
        # helper-98: the page read "1400" and "+1600" where the back office
        # and the register read 1,400.
        self._post(self.binh_wallet, "adjust", 1600)
        body = self._page(self.binh_wallet, self._token(self.binh_wallet)).text
        spendable = self.binh_wallet.points_available
        self.assertGreaterEqual(spendable, 1000)
        self.assertIn(f"{spendable:,}", body)
        self.assertIn(">+1,600<", body)
        self.assertNotIn(f">{spendable}<", body)

    def test_the_history_speaks_plain_words_and_is_paginated(self):
        for points in range(1, 25):
            self._post(self.binh_wallet, "adjust", points)
        token = self._token(self.binh_wallet)
        first = self._page(self.binh_wallet, token).text
        # 26 lines, the newest first, 20 a page.
        self.assertIn("Points adjusted by the clinic", first)
        self.assertIn(">+24<", first)
        self.assertNotIn(">-100<", first)
        self.assertIn(f"/my/loyalty/{self.binh_wallet.id}/page/2", first)
        second = self._page(self.binh_wallet, token, page=2).text
        self.assertIn("Points exchanged for a reward", second)
        self.assertIn(">-100<", second)
        self.assertNotIn(">+24<", second)

    def test_a_user_without_a_wallet_is_not_a_member(self):
        user = self._new_portal_user("dl_page_nobody", "Nobody Member")
        self.authenticate(user.login, user.login)
        response = self.url_open("/my/loyalty")
        self.assertEqual(response.status_code, 200)
        self.assertIn("Not a member", response.text)

    def test_my_home_offers_my_loyalty(self):
        self.authenticate(self.an_user.login, self.an_user.login)
        body = self.url_open("/my").text
        self.assertIn('href="/my/loyalty"', body)
        self.assertIn("dental_loyalty_count", body)

    def test_a_token_visitor_reads_the_page_in_the_patients_language(self):
        self.env["res.lang"]._activate_lang("fa_IR")
        self.an.lang = "fa_IR"
        body = self._page(self.an_wallet, self._token(self.an_wallet)).text
        self.assertRegex(body, r'<html[^>]* dir="rtl"')
        self.assertRegex(body, r'<html[^>]* lang="fa-IR"')
        self.assertIn("o_rtl", body)
        # Another patient's page, opened in another browser, keeps English,
        # left to right.
        self.opener.cookies.clear()
        body = self._page(self.binh_wallet, self._token(self.binh_wallet)).text
        self.assertRegex(body, r'<html[^>]* dir="ltr"')

    def test_the_language_menu_changes_the_pages_language(self):
        # The browser review: the menu changed the URL, never the language.
        self.env["res.lang"]._activate_lang("fa_IR")
        self.an.lang = "fa_IR"
        token = self._token(self.an_wallet)
        body = self._page(self.an_wallet, token).text
        self.assertRegex(body, r'<html[^>]* lang="fa-IR"')
        english = re.search(r'href="([^"]+)"[^>]*data-url_code="en"', body)
        self.assertTrue(english, "the page offers English in its language menu")
        body = self.url_open(english.group(1).replace("&amp;", "&")).text
        self.assertRegex(body, r'<html[^>]* lang="en-US"')
        self.assertRegex(body, r'<html[^>]* dir="ltr"')
        # The browser keeps the patient's choice: their link opens in English.
        body = self._page(self.an_wallet, token).text
        self.assertRegex(body, r'<html[^>]* lang="en-US"')
        # Persian again from the menu.
        persian = re.search(r'href="([^"]+)"[^>]*data-url_code="fa"', body)
        body = self.url_open(persian.group(1).replace("&amp;", "&")).text
        self.assertRegex(body, r'<html[^>]* lang="fa-IR"')

    def test_a_tokens_request_line_keeps_no_token(self):
        token = self._token(self.an_wallet)
        # A number: Odoo names its level 25 "INFO" too.
        with self.assertLogs("werkzeug", logging.INFO) as logs:
            response = self._page(self.an_wallet, token)
            self.assertEqual(response.status_code, 200)
            self.url_open(
                f"/my/loyalty/{self.an_wallet.id}/page/2?access_token={token}"
            )
        lines = "\n".join(logs.output)
        self.assertIn(f"/my/loyalty/{self.an_wallet.id}?access_token=[redacted]", lines)
        self.assertNotIn(token, lines)
