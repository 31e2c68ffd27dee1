from odoo.tests import HttpCase, tagged

from .common import DentalLoyaltyTestMixin


@tagged("post_install", "-at_install", "dental_loyalty_slow")
class TestBackendTierBadge(DentalLoyaltyTestMixin, HttpCase):
    """The back office shows a patient's tier as a badge in the tier's colour."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls._set_up_loyalty_programme(cls.company)
        cls.receptionist = cls._new_user(
            "dl_badge_reception",
            "base.group_user,dental_loyalty.group_dental_loyalty_user",
        )
        cls.gold.color = 3
        cls.patient = cls.env["res.partner"].create({"name": "Tier Badge Patient"})
        wallet = cls.patient._dental_loyalty_wallet()
        wallet._set_tier(cls.gold, pinned=True, reason="Tour")

    def test_the_patient_tab_shows_the_tier_in_its_colour(self):
        self.start_tour(
            f"/odoo/res.partner/{self.patient.id}",
            "dental_loyalty_tier_badge_tour",
            login=self.receptionist.login,
        )

    def test_the_wallets_show_the_tier_in_its_colour(self):
        self.start_tour(
            "/odoo/action-dental_loyalty.dental_loyalty_wallet_action",
            "dental_loyalty_wallet_tier_badge_tour",
            login=self.receptionist.login,
        )


@tagged("post_install", "-at_install", "dental_loyalty_slow")
class TestBackendRuleHours(DentalLoyaltyTestMixin, HttpCase):
    """An earning rule without hours says it applies all day."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._set_up_loyalty_programme(cls.env.company)
        cls.manager = cls._new_user(
            "dl_rule_hours_manager",
            "base.group_user,dental_loyalty.group_dental_loyalty_manager",
        )

    def test_a_new_rule_reads_all_day_until_hours_are_set(self):
        self.start_tour(
            "/odoo/action-dental_loyalty.dental_loyalty_earning_rule_action/new",
            "dental_loyalty_rule_all_day_tour",
            login=self.manager.login,
        )


@tagged("post_install", "-at_install", "dental_loyalty_slow")
class TestBackendFamilyTour(DentalLoyaltyTestMixin, HttpCase):
    """A loyalty manager creates a family in the form and finds it in Reporting."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls._set_up_loyalty_programme(cls.company)
        cls.manager = cls._new_user(
            "dl_family_manager",
            "base.group_user,dental_loyalty.group_dental_loyalty_manager",
        )
        Partner = cls.env["res.partner"]
        cls.holder = Partner.create({"name": "Tour Holder Lan"})
        cls.child = Partner.create({"name": "Tour Child Bao"})
        Wallet = cls.env["dental.loyalty.wallet"]
        for partner, points in ((cls.holder, 600), (cls.child, 150)):
            Wallet._post_lines(
                [
                    {
                        "wallet_id": partner._dental_loyalty_wallet().id,
                        "kind": "earn",
                        "points": points,
                        "paid_amount": points,
                    }
                ]
            )

    def test_a_manager_creates_a_family_and_finds_it_in_reporting(self):
        self.start_tour("/odoo", "dental_loyalty_family_tour", login=self.manager.login)
        family = self.env["dental.loyalty.family"].search(
            [("name", "=", "Tour Tran family")]
        )
        self.assertEqual(family.holder_id, self.holder)
        self.assertEqual(family.member_ids, self.holder | self.child)
        self.assertEqual(family.points_available, 750)
        self.assertEqual(self.child._dental_loyalty_wallet(), family.wallet_id)
