from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestDemoTiers(TransactionCase):
    """The demo clinic (the suite runs with demo data) shows each patient the
    tier their points reached: the contact form, the wallets list and the
    patient's page agree."""

    def test_each_demo_wallet_holds_the_tier_its_points_reached(self):
        ha = self.env.ref("dental_loyalty.wallet_hoang_thu_ha")
        cuong = self.env.ref("dental_loyalty.wallet_le_hoang_cuong")
        self.assertEqual(ha.tier_id, self.env.ref("dental_loyalty.tier_gold"))
        self.assertEqual(cuong.tier_id, self.env.ref("dental_loyalty.tier_silver"))
        wallets = self.env["dental.loyalty.wallet"].search([])
        self.assertFalse(wallets._evaluate_tier())

    def test_the_birthday_patient_has_her_gift_on_the_clinics_day(self):
        # Installed in the evening UTC, the clinic's day is already tomorrow:
        # her birthday is the clinic's day, which the job celebrates by.
        ha = self.env.ref("dental_loyalty.wallet_hoang_thu_ha")
        birthday = ha.partner_id.dental_birthday
        gift = ha.line_ids.filtered(lambda line: line.kind == "birthday")
        self.assertEqual(gift.points, 200, "Gold's birthday points")
        self.assertEqual(
            (gift.date.month, gift.date.day), (birthday.month, birthday.day)
        )
        self.assertEqual(ha.birthday_gift_date, gift.date)
