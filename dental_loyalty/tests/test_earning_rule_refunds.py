from odoo.tests import HttpCase, tagged

from .test_earning_rules_over_the_wire import EarningRulesCommon


@tagged("post_install", "-at_install", "dental_loyalty_slow")
class TestEarningRuleRefunds(EarningRulesCommon, HttpCase):
    """A rule's points go back with the lines it gave on, in the share the
    refunds (all of them together) return of those lines, the lines as they
    were at the sale; the base earning goes back with the bill. The
    register's refund preview says what the sync takes back."""

    def setUp(self):
        super().setUp()
        self.campaign = self._rule(
            "Whitening month x2", product_ids=[(6, 0, self.whitening.ids)]
        )

    def _preview(self, sale, quantities):
        """What the register's refund preview says a refund of ``quantities``
        (one per line of ``sale``, None to leave a line out) takes back."""
        result, error = self._call(
            "pos.order",
            "dental_loyalty_refund_preview",
            self.config.id,
            self.patient.id,
            [
                {"line_id": line.id, "qty": quantity}
                for line, quantity in zip(sale.lines, quantities, strict=True)
                if quantity is not None
            ],
        )
        self.assertIsNone(error)
        return result["take_back"]

    def _refund(self, sale, quantities):
        """The points the refund of ``quantities`` takes back, as the preview
        said before it synced."""
        preview = self._preview(sale, quantities)
        refund, error = self._sync_rpc(self._returns(sale, quantities))
        self.assertIsNone(error)
        taken = -refund.dental_loyalty_points_earned
        self.assertEqual(taken, preview)
        return taken

    def _campaign_left(self, sale):
        lot = sale.dental_loyalty_line_ids.filtered(
            lambda line: line.earning_rule_id == self.campaign
        )
        lot.invalidate_recordset()
        return lot.remaining_points

    def _whitening_and_implant(self, whitenings=1):
        sale = self._sell([(self.whitening, whitenings), (self.implant, 1)])
        self.assertEqual(sale.lines.product_id, self.whitening | self.implant)
        self.assertEqual(self._given(sale), {self.campaign.name: 100 * whitenings})
        return sale

    def test_the_campaign_goes_back_with_its_whitening(self):
        sale = self._whitening_and_implant()
        # 100 of the 300 base points and the campaign's 100.
        self.assertEqual(self._refund(sale, [1, None]), 200)
        self.assertEqual(self._campaign_left(sale), 0)
        # What the implant consultation alone earns.
        self.assertEqual(self._wallet().points_balance, 200)

    def test_the_campaign_stays_when_the_other_line_goes_back(self):
        sale = self._whitening_and_implant()
        self.assertEqual(self._refund(sale, [None, 1]), 200)
        self.assertEqual(self._campaign_left(sale), 100)
        # What the whitening alone earns: 100 and the campaign's 100.
        self.assertEqual(self._wallet().points_balance, 200)

    def test_refunds_of_part_of_the_whitening_add_up(self):
        sale = self._whitening_and_implant(whitenings=2)
        # Half the whitening: half the campaign, a quarter of the base.
        self.assertEqual(self._refund(sale, [1, None]), 200)
        self.assertEqual(self._campaign_left(sale), 100)
        self.assertEqual(self._refund(sale, [1, None]), 200)
        self.assertEqual(self._campaign_left(sale), 0)
        self.assertEqual(self._wallet().points_balance, 200)
        # The implant back: the rest of the base, nothing of the campaign left.
        self.assertEqual(self._refund(sale, [None, 1]), 200)
        self.assertEqual(self._wallet().points_balance, 0)

    def test_the_lines_are_those_of_the_sale_whatever_the_rule_says_now(self):
        sale = self._whitening_and_implant()
        # The campaign moves to the implant consultation after the sale.
        self.campaign.product_ids = [(6, 0, self.implant.ids)]
        self.assertEqual(self._refund(sale, [None, 1]), 200)
        self.assertEqual(self._campaign_left(sale), 100)
        self.campaign.active = False
        self.assertEqual(self._refund(sale, [1, None]), 200)
        self.assertEqual(self._campaign_left(sale), 0)
        self.assertEqual(self._wallet().points_balance, 0)

    def _bonus_back_with_its_cheap_line(self, effect):
        """A rule of ``effect`` giving +1000 on a 50.00 consultation and on a
        700.00 root canal gives 1000 on each: returning the consultation
        takes back its 1000, not 50/750 of the 2000."""
        consultation = self.create_product("Consultation", self.services, 50.0)
        root_canal = self.create_product("Root canal", self.services, 700.0)
        bonus = self._rule(
            "Implant month +1000",
            effect=effect,
            bonus_points=1000,
            tier_multiplied=False,
            product_ids=[(6, 0, (consultation | root_canal).ids)],
        )
        sale = self._sell([(consultation, 1), (root_canal, 1)])
        self.assertEqual(sale.lines.product_id, consultation | root_canal)
        self.assertEqual(self._given(sale), {bonus.name: 2000})
        # The consultation's 50 base points and its 1000.
        self.assertEqual(self._refund(sale, [1, None]), 1050)
        # What a root canal alone earns: 700 and 1000.
        self.assertEqual(self._wallet().points_balance, 1700)
        self.assertEqual(self._refund(sale, [None, 1]), 1700)
        self.assertEqual(self._wallet().points_balance, 0)

    def test_a_bonus_per_unit_goes_back_with_its_unit_whatever_its_price(self):
        self._bonus_back_with_its_cheap_line("per_unit")

    def test_a_bonus_per_line_goes_back_with_its_line_whatever_its_price(self):
        self._bonus_back_with_its_cheap_line("per_line")

    def test_a_service_bonus_stays_with_the_service_kept(self):
        # The demo's "Service bonus: 20 points" on the check-up (50.00) and
        # the scale and polish (80.00): a bill of both gives 40; with the
        # check-up back the patient keeps what the cleaning alone earns of it.
        bonus = self._rule(
            "Service bonus: 20 points",
            effect="per_unit",
            bonus_points=20,
            product_ids=[(6, 0, (self.checkup | self.cleaning).ids)],
            combination="add",
        )
        sale = self._sell([(self.checkup, 1), (self.cleaning, 1)])
        self.assertEqual(sale.lines.product_id, self.checkup | self.cleaning)
        self.assertEqual(self._given(sale), {bonus.name: 40})
        self.assertEqual(self._refund(sale, [1, None]), 50 + 20)
        lot = sale.dental_loyalty_line_ids.filtered(
            lambda line: line.earning_rule_id == bonus
        )
        lot.invalidate_recordset()
        self.assertEqual(lot.remaining_points, 20)
        self.assertEqual(self._wallet().points_balance, 80 + 20)
        # The cleaning back takes the rest, whichever way round.
        self.assertEqual(self._refund(sale, [None, 1]), 80 + 20)
        self.assertEqual(self._wallet().points_balance, 0)

    def test_the_integrity_check_expects_the_campaign_back_with_its_lines(self):
        sale = self._whitening_and_implant()
        refund, error = self._sync_rpc(self._returns(sale, [1, None]))
        self.assertIsNone(error)
        wallet = self._wallet()
        Wallet = self.env["dental.loyalty.wallet"]
        self.assertFalse(Wallet._integrity_problems(wallet.ids))
        # What only a broken update could post: 67 of the 200 given back, as
        # if the refund had taken back the whitening's share of the bill only.
        savepoint = self.env.cr.savepoint()
        Wallet._post_lines(
            [
                {
                    "wallet_id": wallet.id,
                    "kind": "earn_reversal",
                    "points": 67,
                    "pos_order_id": refund.id,
                    "res_model": "pos.order",
                    "res_id": sale.id,
                    "member_id": self.patient.id,
                }
            ]
        )
        problems = Wallet._integrity_problems(wallet.ids)[wallet.id]
        self.env.flush_all()
        savepoint.close(rollback=True)
        self.env.invalidate_all()
        label = sale._dental_loyalty_label()
        self.assertIn(
            f"the refunds of {label} took back 133 points of the 400 it earned; "
            "their share is 200",
            problems,
        )
        self.assertFalse(Wallet._integrity_problems(wallet.ids))
