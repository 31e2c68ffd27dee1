from datetime import timedelta

from odoo.tests import HttpCase, new_test_user

from .common import DentalLoyaltyTestMixin


class DentalLoyaltyPortalCommon(DentalLoyaltyTestMixin, HttpCase):
    """Patients with a page, for the portal's tests and tours:

    - An (a portal user): 300 spendable points (400 expiring in 10 days, less a
      100-point voucher), 250 pending for 14 days, one valid voucher;
    - Binh (a portal user): 777 points and a voucher, the patient others reach
      for;
    - Chi: a wallet of a second clinic with 999 points;
    - the Pham family: Dung (a portal user) and the holder Em, each with a
      visit on the family's wallet.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_company = cls.env["res.company"].create(
            {"name": "Second Dental Clinic"}
        )
        cls._set_up_loyalty_programme(cls.other_company)
        cls.company = cls.env.company
        cls._set_up_loyalty_programme(cls.company)
        cls.today = cls.company._dental_loyalty_today()
        Wallet = cls.env["dental.loyalty.wallet"]
        cls.reward = cls.env["dental.loyalty.reward"].create(
            {
                "name": "Free Cleaning Kit",
                "kind": "gift",
                "points_cost": 100,
                "company_id": cls.company.id,
            }
        )

        cls.an_user = cls._new_portal_user("dl_page_an", "An Portal Patient")
        cls.an = cls.an_user.partner_id
        cls.an_wallet = Wallet._get_for_partners(cls.an)
        cls._post(cls.an_wallet, "adjust", 400, expiry_date=cls._in_days(10))
        cls._post(
            cls.an_wallet, "earn", 250, paid_amount=250, available_date=cls._in_days(14)
        )
        cls.an_voucher = cls.env["dental.loyalty.voucher"]._issue(
            cls.an_wallet, cls.reward
        )

        cls.binh_user = cls._new_portal_user("dl_page_binh", "Binh Other Patient")
        cls.binh = cls.binh_user.partner_id
        cls.binh_wallet = Wallet._get_for_partners(cls.binh)
        cls._post(cls.binh_wallet, "adjust", 877)
        cls.binh_voucher = cls.env["dental.loyalty.voucher"]._issue(
            cls.binh_wallet, cls.reward
        )

        cls.chi = cls.env["res.partner"].create({"name": "Chi Second Clinic"})
        cls.chi_wallet = Wallet.with_company(cls.other_company)._get_for_partners(
            cls.chi, cls.other_company
        )
        cls._post(cls.chi_wallet, "adjust", 999)

        cls.dung_user = cls._new_portal_user("dl_page_dung", "Dung Pham")
        cls.dung = cls.dung_user.partner_id
        cls.em = cls.env["res.partner"].create({"name": "Em Pham Holder"})
        cls.family = cls.env["dental.loyalty.family"].create(
            {
                "name": "Pham family",
                "holder_id": cls.em.id,
                "member_ids": [(6, 0, [cls.em.id, cls.dung.id])],
            }
        )
        cls.dung_wallet = Wallet._get_for_partners(cls.dung)
        family_wallet = cls.family.wallet_id
        cls._post(family_wallet, "earn", 120, paid_amount=120, member_id=cls.dung.id)
        cls._post(family_wallet, "earn", 85, paid_amount=85, member_id=cls.em.id)

        for wallet in (cls.an_wallet, cls.binh_wallet, cls.chi_wallet, cls.dung_wallet):
            wallet._portal_ensure_token()

    @classmethod
    def _new_portal_user(cls, login, name):
        return new_test_user(
            cls.env,
            login=login,
            name=name,
            groups="base.group_portal",
            tz=cls.env.user.tz,
        )

    @classmethod
    def _in_days(cls, days):
        return cls.today + timedelta(days=days)

    @classmethod
    def _post(cls, wallet, kind, points, **vals):
        return cls.env["dental.loyalty.wallet"]._post_lines(
            [{"wallet_id": wallet.id, "kind": kind, "points": points, **vals}]
        )

    @staticmethod
    def _token(wallet):
        # The token is only the server's to read.
        return wallet.sudo().access_token

    def _page(self, wallet, token=None, page=None):
        url = f"/my/loyalty/{wallet.id}"
        if page:
            url += f"/page/{page}"
        if token:
            url += f"?access_token={token}"
        return self.url_open(url)

    def assertShowsNothingOf(self, response, wallet, voucher=None):
        """The response names neither the wallet's patient nor shows its
        figures or voucher code."""
        body = response.text
        self.assertNotIn(wallet.partner_id.name, body)
        self.assertNotIn(f">{wallet._paying_wallet().points_available}<", body)
        if voucher:
            self.assertNotIn(voucher.sudo().code, body)
