from datetime import timedelta

from odoo.tests import HttpCase, tagged

from .common_pos import ACCESS_ERROR, PosJsonRpcMixin
from .test_pos_vouchers import VoucherRegisterCommon

OTHER_PATIENT = (
    "odoo.addons.dental_loyalty.models.dental_loyalty_voucher_desk."
    "VoucherOfAnotherPatient"
)


@tagged("post_install", "-at_install", "dental_loyalty_slow")
class TestDeskOverTheWire(PosJsonRpcMixin, VoucherRegisterCommon, HttpCase):
    """What the front desk's buttons and refusals get from the server, asked
    over JSON-RPC by a cashier with nothing but Point of Sale rights."""

    def setUp(self):
        super().setUp()
        self.authenticate(self.cashier.login, self.cashier.login)
        self.today = self.company._dental_loyalty_today()

    def _offers(self, partner_id, config_id=None):
        return self._call(
            "pos.order",
            "dental_loyalty_patient_offers",
            config_id or self.config.id,
            partner_id,
        )

    def _voucher_line(self, code, partner_id, bill_total=100.0):
        return self._call(
            "pos.order",
            "dental_loyalty_voucher_line",
            self.config.id,
            code,
            partner_id,
            bill_total,
        )

    def test_offers_count_what_the_patient_can_claim_and_list_their_vouchers(self):
        self.gift.write({"limit_per_patient": 1, "limit_period": "year"})
        self._issue(self.gift)  # this year's kit: its limit is reached
        own = self._issue(self.ten_off)
        stranger = self.env["res.partner"].create({"name": "Stranger"})
        self._issue(self.ten_off, partner=stranger)
        self._give_points(self.patient, 350)
        offers, error = self._offers(self.patient.id)
        self.assertIsNone(error)
        # 350 spendable: 10 off (300) and 10 % off (200); not the kit (limit)
        # nor the free cleaning (400 points).
        self.assertEqual(offers["claimable"], 2)
        self.assertEqual([v["code"] for v in offers["vouchers"]], [own.code])
        # The catalog behind the cue comes with it, as the Rewards call lists
        # it: Rewards tapped soon after shows it without asking again.
        catalog, error = self._call(
            "pos.order", "dental_loyalty_rewards", self.config.id, self.patient.id
        )
        self.assertEqual(
            (offers["spendable"], offers["rewards"]),
            (catalog["spendable"], catalog["rewards"]),
        )
        self.assertEqual(
            {r["name"] for r in offers["rewards"] if r["affordable"]},
            {"10 off", "10 % off"},
        )
        offers, error = self._offers(stranger.id)
        self.assertEqual(offers["claimable"], 0, "the stranger has no points left")
        self.assertEqual(len(offers["vouchers"]), 1)

    def test_offers_join_nobody(self):
        # The clinic enrols every new patient at their first paid visit; the
        # register asks for the offers whenever a patient is chosen, by
        # mistake too, and that is no visit.
        self._set_loyalty_settings(enrolment="auto")
        newcomer = self.env["res.partner"].create({"name": "Newcomer"})
        offers, error = self._offers(newcomer.id)
        self.assertIsNone(error)
        self.assertEqual(offers, {"claimable": 0, "vouchers": []})
        self.assertFalse(newcomer._dental_loyalty_own_wallet(self.company))

    def test_the_catalog_lists_every_reward_with_why_not(self):
        self._give_points(self.patient, 350)
        self.gift.write({"limit_per_patient": 1, "limit_period": "year"})
        self._issue(self.gift)
        self.ten_off.write({"has_stock": True, "stock_left": 0})
        self.whitening_off.min_tier_id = self.gold
        self.free_cleaning.date_to = self.today - timedelta(days=1)
        kept = self.ten_off.copy({"name": "For friends only"})
        kept.partner_ids = self.env["res.partner"].create({"name": "A friend"})
        catalog, error = self._call(
            "pos.order", "dental_loyalty_rewards", self.config.id, self.patient.id
        )
        self.assertIsNone(error)
        refusals = {r["name"]: r["refusal"] for r in catalog["rewards"]}
        self.assertNotIn("For friends only", refusals)
        self.assertIn("10 off is out of stock", refusals["10 off"])
        self.assertIn("10 % off is for Gold patients and above", refusals["10 % off"])
        self.assertIn(
            "Free cleaning is not available today: it ended on ",
            refusals["Free cleaning"],
        )
        self.assertIn(
            "has reached the limit of Toothbrush kit: 1 per year",
            refusals["Toothbrush kit"],
        )
        self.free_cleaning.date_to = False
        catalog, error = self._call(
            "pos.order", "dental_loyalty_rewards", self.config.id, self.patient.id
        )
        cleaning = next(r for r in catalog["rewards"] if r["name"] == "Free cleaning")
        self.assertEqual(
            cleaning["refusal"],
            "Not enough points: Free cleaning costs 400, the patient has 350 "
            "spendable.",
        )
        self.assertFalse(cleaning["affordable"])

    def test_forged_arguments_and_another_clinics_patient_are_refused(self):
        for partner_id in ("1", -1, 0, 2**31, True, None, [self.patient.id], 1.5):
            with self.subTest(partner_id=partner_id):
                offers, error = self._offers(partner_id)
                self.assertIsNone(offers)
                self.assertIn("Choose the patient", error["message"])
        for config_id in ("1", 2**31, -5):
            with self.subTest(config_id=config_id):
                offers, error = self._offers(self.patient.id, config_id=config_id)
                self.assertIsNone(offers)
                self.assertIn("register is unknown", error["message"])
        clinic_b = self.env["res.company"].create({"name": "Clinic B"})
        theirs = self.env["res.partner"].create(
            {"name": "Patient of B", "company_id": clinic_b.id}
        )
        offers, error = self._offers(theirs.id)
        self.assertIsNone(offers)
        self.assertEqual(error["name"], ACCESS_ERROR)

    def test_a_voucher_of_a_patient_not_on_the_bill_names_them(self):
        voucher = self._issue(self.ten_off)
        stranger = self.env["res.partner"].create({"name": "Stranger"})
        for partner_id in (False, stranger.id):
            with self.subTest(partner_id=partner_id):
                line, error = self._voucher_line(voucher.code.lower(), partner_id)
                self.assertIsNone(line)
                self.assertEqual(error["name"], OTHER_PATIENT)
                self.assertEqual(error["context"]["partner_id"], self.patient.id)
                self.assertIn(
                    f"Voucher {voucher.code_hint} belongs to Minh Tran, who is not the "
                    "patient of this bill.",
                    error["message"],
                )
        # A code nobody holds names nobody (one sign off the voucher's own).
        other = "Y" if voucher.code.endswith("Z") else "Z"
        line, error = self._voucher_line(voucher.code[:-1] + other, False)
        self.assertEqual(error["name"], "odoo.exceptions.UserError")
        self.assertFalse(error["context"])
        # An expired voucher is refused as expired, its patient not offered.
        voucher.sudo().expiry_date = self.today - timedelta(days=1)
        line, error = self._voucher_line(voucher.code, False)
        self.assertEqual(error["name"], "odoo.exceptions.UserError")
        self.assertIn("expired on", error["message"])

    def test_already_used_says_when_and_on_which_order(self):
        voucher = self._issue(self.ten_off)
        order, error = self._sync_rpc(
            self._voucher_order(
                [(self.checkup, 2)], [(voucher.code, self.discount_product, -10.0)]
            )
        )
        self.assertIsNone(error)
        line, error = self._voucher_line(voucher.code, self.patient.id)
        self.assertIsNone(line)
        self.assertIn(
            f"Voucher {voucher.code_hint} was already used on ", error["message"]
        )
        self.assertIn(f", on order {order.name}.", error["message"])

    def test_a_points_payment_refusal_names_the_limit_that_bit(self):
        # 1,000 points are worth 100.00: on a bill of 100.00 the 30 % cap bites.
        self._give_points(self.patient, 1000)
        data = self._order([(self.checkup, 2)], partner=self.patient)
        offer, error = self._hold_rpc(data, 40.0)
        self.assertIsNone(offer)
        self.assertIn(
            "the clinic lets points pay at most 30 % of a bill", error["message"]
        )
        offer, error = self._hold_rpc(data, 30.0)
        self.assertEqual(offer["limited_by"], "cap")
        # 100 points are worth 10.00, less than the cap: the points bite.
        stranger = self.env["res.partner"].create({"name": "Stranger"})
        self._give_points(stranger, 100)
        data = self._order([(self.checkup, 2)], partner=stranger)
        offer, error = self._hold_rpc(data, 20.0)
        self.assertIsNone(offer)
        self.assertIn(
            "10.00 of this bill can be paid with points: that is what the "
            "spendable points of Stranger (100) are worth.",
            error["message"],
        )
        offer, error = self._hold_rpc(data, 10.0)
        self.assertEqual(offer["limited_by"], "points")

    def test_offers_cost_the_same_queries_for_a_longer_catalog(self):
        self._issue(self.ten_off)
        # The short catalog has a limit and a tier already: the long one only
        # has more of them.
        self.gift.write({"limit_per_patient": 1, "limit_period": "month"})
        self.whitening_off.min_tier_id = self.silver
        Order = self.env["pos.order"].with_user(self.cashier)

        def queries():
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            Order.dental_loyalty_patient_offers(self.config.id, self.patient.id)
            return self.env.cr.sql_log_count - before

        queries()  # caches of the registry and the user's groups
        short = queries()
        for index in range(10):
            self.gift.copy(
                {
                    "name": f"Kit {index}",
                    "limit_period": ("month", "year", "ever")[index % 3],
                    "min_tier_id": self.silver.id,
                }
            )
        self.assertEqual(queries(), short)

    def test_the_register_hears_who_referred_a_saved_patient(self):
        self._set_loyalty_settings(
            referrer_points=100, referred_points=50, referral_yearly_limit=0
        )
        self.patient.email = "minh@example.com"
        newcomer = self.env["res.partner"].create(
            {"name": "Quynh Dang", "email": "quynh@example.com"}
        )
        self.env["dental.loyalty.referral"]._refer(
            newcomer, self.patient.dental_referral_code, self.company
        )
        for partner, expected in [(newcomer, "Minh Tran"), (self.patient, False)]:
            name, error = self._call(
                "pos.order", "dental_loyalty_referrer_of", self.config.id, partner.id
            )
            self.assertIsNone(error)
            self.assertEqual(name, expected)
        _name, error = self._call(
            "pos.order", "dental_loyalty_referrer_of", self.config.id, "1"
        )
        self.assertIn("Choose the patient", error["message"])
