from odoo.tests import tagged

from .common_portal import DentalLoyaltyPortalCommon


@tagged("post_install", "-at_install")
class TestCampaignPage(DentalLoyaltyPortalCommon):
    """The patient's page lists the clinic's campaigns open to them: running
    or starting soon, for them, with their dates and what they give."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The demo's campaigns are the demo's: these tests name their own.
        cls.env["dental.loyalty.earning.rule"].search([]).active = False
        Rule = cls.env["dental.loyalty.earning.rule"]
        cls.staff = cls.env["res.partner.category"].create({"name": "Staff"})
        cls.binh.category_id = cls.staff
        cls.whitening = cls.env["product.product"].create({"name": "Whitening"})

        def campaign(name, **vals):
            return Rule.create(
                {"name": name, "is_campaign": True, "multiplier": 2.0, **vals}
            )

        cls.running = campaign(
            "Whitening month x2",
            product_ids=[(6, 0, cls.whitening.ids)],
            description="Twice the points on every whitening.",
            date_from=cls._in_days(-3),
            date_to=cls._in_days(20),
        )
        cls.soon = campaign(
            "Implant consultation bonus",
            effect="per_bill",
            bonus_points=100,
            date_from=cls._in_days(10),
        )
        campaign("Summer later", date_from=cls._in_days(60))
        campaign("Spring past", date_from=cls._in_days(-40), date_to=cls._in_days(-1))
        campaign("Staff x2", audience="tags", tag_ids=[(6, 0, cls.staff.ids)])
        campaign("Second clinic x2", company_id=cls.other_company.id, multiplier=3.0)
        Rule.create({"name": "Not a campaign", "multiplier": 1.5})

    def test_the_page_lists_the_campaigns_open_to_the_patient(self):
        body = self._page(self.an_wallet, self._token(self.an_wallet)).text
        self.assertIn('id="dl_campaigns"', body)
        self.assertIn("Whitening month x2", body)
        self.assertIn("Points x2 on Whitening", body)
        self.assertIn("Twice the points on every whitening.", body)
        self.assertIn("Implant consultation bonus", body)
        self.assertIn("+100 points per visit", body)
        self.assertIn(">Soon</span>", body)
        for other in (
            "Summer later",
            "Spring past",
            "Staff x2",
            "Second clinic x2",
            "Not a campaign",
        ):
            self.assertNotIn(other, body)

    def test_a_campaign_for_a_tag_shows_to_its_patients_only(self):
        self.authenticate(self.binh_user.login, self.binh_user.login)
        body = self._page(self.binh_wallet).text
        self.assertIn("Staff x2", body)
        self.assertIn("Whitening month x2", body)

    def test_a_family_member_reads_the_campaigns_of_their_own_audience(self):
        self.running.write(
            {"audience": "patients", "partner_ids": [(6, 0, self.dung.ids)]}
        )
        body = self._page(self.dung_wallet, self._token(self.dung_wallet)).text
        self.assertIn("Whitening month x2", body)
        body = self._page(self.an_wallet, self._token(self.an_wallet)).text
        self.assertNotIn("Whitening month x2", body)
