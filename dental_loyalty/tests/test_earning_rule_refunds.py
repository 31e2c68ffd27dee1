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
