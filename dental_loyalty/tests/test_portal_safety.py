from odoo.tests import tagged

from .common_portal import DentalLoyaltyPortalCommon


@tagged("post_install", "-at_install")
class TestPortalPageSafety(DentalLoyaltyPortalCommon):
    """A patient sees only their own page: a portal user reaching for another
    patient's, an anonymous visitor with no, a wrong, a revoked or another
    patient's token, a token of one clinic on another's wallet, all get the
    same 'not found' and nothing of the other patient."""

    def test_a_portal_user_sees_their_own_page(self):
        self.authenticate(self.an_user.login, self.an_user.login)
        response = self.url_open("/my/loyalty")
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.url.endswith(f"/my/loyalty/{self.an_wallet.id}"))
        self.assertIn("An Portal Patient", response.text)
        self.assertIn(">300<", response.text)
        self.assertIn(self.an_voucher.sudo().code, response.text)

    def test_a_portal_user_gets_nothing_of_another_patients_page(self):
        self.authenticate(self.an_user.login, self.an_user.login)
        for page in (None, 2):
            response = self._page(self.binh_wallet, page=page)
            self.assertEqual(response.status_code, 404)
            self.assertShowsNothingOf(response, self.binh_wallet, self.binh_voucher)
        own = self._page(self.an_wallet)
        self.assertNotIn(self.binh_voucher.sudo().code, own.text)
        self.assertNotIn("Binh Other Patient", own.text)

    def test_a_portal_user_lists_only_their_own_wallets(self):
        self.authenticate(self.binh_user.login, self.binh_user.login)
        response = self.url_open("/my/loyalty")
        self.assertTrue(response.url.endswith(f"/my/loyalty/{self.binh_wallet.id}"))
        self.assertShowsNothingOf(response, self.an_wallet, self.an_voucher)
        counters = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["dental_loyalty_count"]}
        )
        self.assertEqual(counters["dental_loyalty_count"], 1)

    def test_a_token_opens_its_own_page_and_its_history(self):
        token = self._token(self.an_wallet)
        response = self._page(self.an_wallet, token)
        self.assertEqual(response.status_code, 200)
        self.assertIn("An Portal Patient", response.text)
        self.assertIn(">250<", response.text)
        self.assertEqual(self._page(self.an_wallet, token, page=2).status_code, 200)

    def test_no_wrong_foreign_or_revoked_token_opens_a_page(self):
        old_token = self._token(self.an_wallet)
        refusals = {
            "no token": None,
            "a wrong token": "x" * len(old_token),
            "a truncated token": old_token[:-1],
            "another patient's token": self._token(self.binh_wallet),
            "another clinic's token": self._token(self.chi_wallet),
            # helper-115: a 500 and a traceback where the wallet had a link,
            # a 404 where it had none.
            "a token that is no ASCII": "é" * len(old_token),
        }
        for case, token in refusals.items():
            with self.subTest(case):
                for page in (None, 2):
                    response = self._page(self.an_wallet, token, page=page)
                    self.assertEqual(response.status_code, 404)
                    self.assertShowsNothingOf(response, self.an_wallet, self.an_voucher)
        self.an_wallet._renew_page_link()
        response = self._page(self.an_wallet, old_token)
        self.assertEqual(response.status_code, 404)
        self.assertShowsNothingOf(response, self.an_wallet, self.an_voucher)
        new_token = self._token(self.an_wallet)
        self.assertNotEqual(new_token, old_token)
        self.assertEqual(self._page(self.an_wallet, new_token).status_code, 200)
        self.an_wallet._revoke_page_link()
        self.assertFalse(self.an_wallet._page_url())
        response = self._page(self.an_wallet, new_token)
        self.assertEqual(response.status_code, 404)
        self.assertShowsNothingOf(response, self.an_wallet, self.an_voucher)

    def test_a_logged_in_user_holding_a_link_reads_its_history(self):
        # A parent logged in opens their child's link: its pages keep the token.
        for _line in range(20):
            self._post(self.an_wallet, "adjust", 1)
        self.authenticate(self.binh_user.login, self.binh_user.login)
        token = self._token(self.an_wallet)
        body = self._page(self.an_wallet, token).text
        self.assertIn("An Portal Patient", body)
        self.assertIn(
            f"/my/loyalty/{self.an_wallet.id}/page/2?access_token={token}", body
        )
        self.assertEqual(self._page(self.an_wallet, token, page=2).status_code, 200)
        self.assertEqual(self._page(self.an_wallet, page=2).status_code, 404)

    def test_a_clinics_token_opens_nothing_at_another_clinic(self):
        chi_token = self._token(self.chi_wallet)
        response = self._page(self.binh_wallet, chi_token)
        self.assertEqual(response.status_code, 404)
        self.assertShowsNothingOf(response, self.binh_wallet, self.binh_voucher)
        # The token opens its own clinic's page, in that clinic.
        response = self._page(self.chi_wallet, chi_token)
        self.assertEqual(response.status_code, 200)
        self.assertIn("Second Dental Clinic", response.text)
        self.assertIn(">999<", response.text)

    def test_a_missing_wallet_answers_as_a_refused_one(self):
        refused = self._page(self.an_wallet, "wrong")
        for wallet_id in (999999999, 2**31, 2**40):
            with self.subTest(wallet_id=wallet_id):
                response = self.url_open(f"/my/loyalty/{wallet_id}?access_token=x")
                self.assertEqual(response.status_code, refused.status_code)

    def test_a_family_member_sees_the_familys_figures_and_only_their_history(self):
        token = self._token(self.dung_wallet)
        body = self._page(self.dung_wallet, token).text
        self.assertIn("Pham family", body)
        self.assertIn(">205<", body)  # 120 + 85 on the family's wallet
        self.assertIn(">+120<", body)
        self.assertNotIn(">+85<", body)
        self.assertNotIn("Em Pham Holder", body)

    def test_the_page_writes_nothing(self):
        self.authenticate(self.an_user.login, self.an_user.login)
        self._page(self.an_wallet)
        self._page(self.an_wallet, page=2)
        self.authenticate(None, None)
        self._page(self.binh_wallet, self._token(self.binh_wallet))
        self.assertFalse(self._touched_wallet_ids())
        self.env.cr.execute(
            "SELECT count(*) FROM dental_loyalty_voucher "
            "WHERE xmin::text::bigint >= %s",
            [self._integrity_since_xid],
        )
        self.assertEqual(self.env.cr.fetchone()[0], 0)
