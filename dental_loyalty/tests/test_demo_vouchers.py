from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestDemoVouchers(TransactionCase):
    """The demo clinic (the suite runs with demo data) holds a voucher in each
    state a newcomer should see: valid ones, one used, one expired."""

    def test_the_demo_holds_a_used_and_an_expired_voucher(self):
        Voucher = self.env["dental.loyalty.voucher"]
        binh = self.env.ref("dental_loyalty.patient_tran_thi_binh")
        ha = self.env.ref("dental_loyalty.patient_hoang_thu_ha")
        kit = self.env.ref("dental_loyalty.reward_toothbrush_kit")
        whitening = self.env.ref("dental_loyalty.reward_whitening_discount")
        used = Voucher.search(
            [("partner_id", "=", binh.id), ("reward_id", "=", kit.id)]
        )
        self.assertEqual(used.mapped("status"), ["used"])
        self.assertTrue(used.used_date)
        expired = Voucher.search(
            [("partner_id", "=", ha.id), ("reward_id", "=", whitening.id)]
        )
        self.assertEqual(expired.mapped("status"), ["expired"])
        self.assertIn("valid", Voucher.search([]).mapped("status"))
