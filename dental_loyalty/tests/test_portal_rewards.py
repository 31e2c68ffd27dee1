from datetime import timedelta

from odoo import fields, http
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .common import DentalLoyaltyTestMixin
from .test_rewards import RewardCatalogMixin


@tagged("post_install", "-at_install")
class TestPortalRewards(RewardCatalogMixin, DentalLoyaltyTestMixin, HttpCase):
    """Rewards from the patient's page, over HTTP as a visitor with the page's
    link: the engine's checks and their reasons, and every forged request
    refused."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls._set_up_loyalty_programme(cls.company)
        # The page lists this catalog only, not the demo's rewards.
        cls.env["dental.loyalty.reward"].search(
            [("company_id", "=", cls.company.id)]
        ).active = False
        cls._make_catalog(cls.company)
        cls.company.dental_loyalty_portal_rewards = True
        cls.patient = cls.env["res.partner"].create(
            {"name": "Lan Nguyen", "email": "lan@example.com", "lang": "en_US"}
        )
        cls.Ledger = cls.env["dental.loyalty.ledger"]
        cls.Voucher = cls.env["dental.loyalty.voucher"]

    def setUp(self):
        super().setUp()
        # A visitor's session: its CSRF token signs the page's forms.
        self.authenticate(None, None)

    def _give(self, partner, points):
        wallet = self.env["dental.loyalty.wallet"]._get_for_partners(partner)
        wallet._paying_wallet()._post_lines(
            [
                {
                    "wallet_id": wallet._paying_wallet().id,
                    "kind": "adjust",
                    "points": points,
                    "reason": "Test",
                }
            ]
        )
        return wallet

    def _points(self, partner=None):
        wallet = (partner or self.patient)._dental_loyalty_wallet()
        wallet.invalidate_recordset()
        return wallet.points_available

    def _redeem(self, reward, partner=None, token=None, **data):
        """POST the page's form for ``reward`` as the visitor holding the link
        of ``partner``'s page (or ``token``); the response after redirects."""
        wallet = (partner or self.patient)._dental_loyalty_own_wallet()
        data = {
            "csrf_token": http.Request.csrf_token(self),
            "reward_id": reward.id,
            "access_token": wallet._portal_ensure_token() if token is None else token,
            **data,
        }
        return self.url_open(f"/my/loyalty/{wallet.id}/redeem", data=data, timeout=60)

    def _vouchers(self, partner=None):
        return self.Voucher.search([("partner_id", "=", (partner or self.patient).id)])

    def test_the_page_lists_what_the_patient_may_have_and_why_not_the_rest(self):
        self._give(self.patient, 250)
        self.whitening_off.min_tier_id = self.silver
        wallet = self.patient._dental_loyalty_own_wallet()
        page = self.url_open(wallet.get_portal_url(), timeout=60)
        self.assertEqual(page.status_code, 200)
        self.assertIn('id="dl_rewards"', page.text)
        self.assertIn(
            "Not enough points: it costs 300, you can spend 250 now.", page.text
        )
        self.assertIn("10 % off is for Silver patients and above", page.text)
        # One button: the gift the patient can afford.
        self.assertEqual(page.text.count("Exchange my points"), 1)

    def test_an_exchange_takes_the_points_and_mails_the_voucher(self):
        self._give(self.patient, 400)
        page = self._redeem(self.ten_off)
        self.assertEqual(page.status_code, 200)
        self.assertIn("Done: 10 off for 300 points.", page.text)
        voucher = self._vouchers()
        self.assertEqual((voucher.state, voucher.reward_id), ("valid", self.ten_off))
        self.assertEqual(self._points(), 100)
        mail = self.env["mail.message"].search(
            [
                ("model", "=", voucher._name),
                ("res_id", "=", voucher.id),
                ("partner_ids", "in", self.patient.ids),
            ]
        )
        self.assertEqual(mail.message_type, "user_notification")
        self.assertIn(voucher.code, str(mail.body))

    def test_a_family_member_spends_the_familys_points_for_their_own_voucher(self):
        child = self.env["res.partner"].create({"name": "Bao Nguyen"})
        self.env["dental.loyalty.wallet"]._get_for_partners(child)
        self.env["dental.loyalty.family"].create(
            {
                "name": "Nguyen family",
                "holder_id": self.patient.id,
                "member_ids": [(6, 0, [self.patient.id, child.id])],
            }
        )
        self._give(self.patient, 150)
        self.assertIn("Done: Toothbrush kit", self._redeem(self.gift, child).text)
        self.assertEqual(self._vouchers(child).reward_id, self.gift)
        self.assertEqual(self._points(self.patient), 50)

    def test_each_refusal_says_why_and_takes_nothing(self):
        self._give(self.patient, 250)
        self.whitening_off.min_tier_id = self.silver
        self.gift.write({"limit_per_patient": 1, "limit_period": "ever"})
        self.assertIn("Done: Toothbrush kit", self._redeem(self.gift).text)
        for reward, reason in [
            (self.ten_off, "Not enough points for 10 off: it costs 300, Lan Nguyen "),
            (self.whitening_off, "10 % off is for Silver patients and above"),
            (self.gift, "Lan Nguyen has reached the limit of Toothbrush kit: 1 ever."),
        ]:
            with self.subTest(reward=reward.name):
                self.assertIn(reason, self._redeem(reward).text)
        self.assertEqual(len(self._vouchers()), 1)
        self.assertEqual(self._points(), 150)

    def test_a_spend_the_desk_confirms_by_sms_is_the_desks(self):
        # The page cannot check the code the desk sends to the patient's
        # phone: from the clinic's threshold, the exchange is the desk's.
        self.company.dental_loyalty_spend_code_points = 300
        self._give(self.patient, 1000)
        wallet = self.patient._dental_loyalty_own_wallet()
        page = self.url_open(wallet.get_portal_url(), timeout=60)
        self.assertIn("Ask for 10 off at the front desk", page.text)
        self.assertEqual(page.text.count("Exchange my points"), 2)
        page = self._redeem(self.ten_off)
        self.assertIn("Ask for 10 off at the front desk", page.text)
        self.assertFalse(self._vouchers())
        # Below it, the day's spends add up to it: 200 then 100 more.
        self.assertIn("Done: 10 % off", self._redeem(self.whitening_off).text)
        self.assertIn("Ask for Toothbrush kit", self._redeem(self.gift).text)
        self.assertEqual(self._vouchers().reward_id, self.whitening_off)
        self.assertEqual(self._points(), 800)

    def test_a_familys_members_spend_one_wallets_day(self):
        # Every member's page spends from the family's wallet: their
        # exchanges add up to the threshold as one patient's would.
        self.company.dental_loyalty_spend_code_points = 500
        members = self.env["res.partner"].create(
            [{"name": "Bao Nguyen"}, {"name": "Hoa Nguyen"}]
        )
        for member in members:
            self.env["dental.loyalty.wallet"]._get_for_partners(member)
        self.env["dental.loyalty.family"].create(
            {
                "name": "Nguyen family",
                "holder_id": self.patient.id,
                "member_ids": [(6, 0, [self.patient.id, *members.ids])],
            }
        )
        self._give(self.patient, 1000)
        self.assertIn("Done: 10 off", self._redeem(self.ten_off, members[0]).text)
        page = self._redeem(self.ten_off, members[1])
        self.assertIn("Ask for 10 off at the front desk", page.text)
        self.assertFalse(self._vouchers(members[1]))
        self.assertEqual(self._points(self.patient), 700)

    def test_a_reward_kept_for_chosen_patients_is_not_on_anyone_elses_page(self):
        chosen = self.env["res.partner"].create({"name": "Chosen One"})
        self.gift.partner_ids = chosen
        self._give(self.patient, 400)
        wallet = self.patient._dental_loyalty_own_wallet()
        page = self.url_open(wallet.get_portal_url(), timeout=60)
        self.assertIn("10 off", page.text)
        self.assertNotIn("Toothbrush kit", page.text)
        self.assertNotIn("Chosen One", page.text)
        # Nor named by the answer to an exchange asked for it.
        with mute_logger("odoo.http"):
            page = self._redeem(self.gift)
        self.assertEqual(page.status_code, 404)
        self.assertNotIn("Toothbrush kit", page.text)
        self.assertFalse(self._vouchers())

    def test_points_a_register_holds_cannot_be_exchanged(self):
        wallet = self._give(self.patient, 400)
        self.env["dental.loyalty.reservation"].create(
            {
                "wallet_id": wallet.id,
                "order_uuid": "register-order-1",
                "points": 200,
                "amount": 20.0,
                "bill_total": 100.0,
                "expires_at": fields.Datetime.now() + timedelta(minutes=10),
            }
        )
        page = self._redeem(self.ten_off)
        self.assertIn("it costs 300, Lan Nguyen can spend 200.", page.text)
        self.assertFalse(self._vouchers())

    def test_a_double_submit_respects_the_stock_and_the_limit(self):
        self._give(self.patient, 1000)
        self.gift.write({"has_stock": True, "stock_left": 1})
        self.whitening_off.write({"limit_per_patient": 1, "limit_period": "year"})
        for reward, reason in [
            (self.gift, "Toothbrush kit is out of stock."),
            (self.whitening_off, "has reached the limit of 10 % off"),
        ]:
            with self.subTest(reward=reward.name):
                self.assertIn("Done:", self._redeem(reward).text)
                self.assertIn(reason, self._redeem(reward).text)
                self.assertEqual(
                    len(
                        self._vouchers().filtered(lambda v, r=reward: v.reward_id == r)
                    ),
                    1,
                )
        self.gift.invalidate_recordset()
        self.assertEqual(self.gift.stock_left, 0)
        self.assertEqual(self._points(), 1000 - 100 - 200)

    @mute_logger("odoo.http")
    def test_forged_requests_are_refused(self):
        self._give(self.patient, 1000)
        wallet = self.patient._dental_loyalty_own_wallet()
        other = self.env["res.company"].create({"name": "Other Clinic"})
        elsewhere = self.env["dental.loyalty.reward"].create(
            {
                "name": "Elsewhere",
                "kind": "gift",
                "points_cost": 10,
                "company_id": other.id,
            }
        )
        stranger = self.env["res.partner"].create({"name": "Sara Ahmadi"})
        self._give(stranger, 10)
        url = f"/my/loyalty/{wallet.id}/redeem"
        self.assertEqual(self._redeem(self.gift, token="wrong").status_code, 404)
        self.assertEqual(
            self._redeem(
                self.gift,
                token=stranger._dental_loyalty_own_wallet()._portal_ensure_token(),
            ).status_code,
            404,
            "another patient's link",
        )
        self.assertEqual(self._redeem(elsewhere).status_code, 404)
        for forged_id in ("x", "99999999999", "\u0661", "-1"):
            self.assertEqual(
                self._redeem(self.gift, reward_id=forged_id).status_code, 404, forged_id
            )
        self.assertEqual(self.url_open(url, timeout=60).status_code, 405, "a GET")
        no_csrf = {
            "reward_id": self.gift.id,
            "access_token": wallet._portal_ensure_token(),
        }
        self.assertEqual(self.url_open(url, data=no_csrf, timeout=60).status_code, 400)
        token = wallet._portal_ensure_token()
        wallet._revoke_page_link()
        self.assertEqual(self._redeem(self.gift, token=token).status_code, 404)
        wallet._renew_page_link()
        self.company.dental_loyalty_portal_rewards = False
        self.assertEqual(self._redeem(self.gift).status_code, 404)
        page = self.url_open(wallet.get_portal_url(), timeout=60)
        self.assertNotIn('id="dl_rewards"', page.text)
        self.assertFalse(self._vouchers())
        self.assertEqual(self._points(), 1000)
