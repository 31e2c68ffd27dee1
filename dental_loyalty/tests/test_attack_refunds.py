from datetime import timedelta

from odoo.tests import HttpCase, tagged

from .common_pos import PosJsonRpcMixin
from .test_pos_vouchers import VoucherRegisterCommon


@tagged("post_install", "-at_install", "dental_loyalty_slow")
class TestRefundAttacksOverTheWire(PosJsonRpcMixin, VoucherRegisterCommon, HttpCase):
    """Refunds as a front-desk user sends them over JSON-RPC: lines of nothing,
    pieces, prices of their own, orders that return and sell at once, and
    refunds of points another register holds. The register is a witness: what
    a refund moves is checked against what the sale sold and its earlier
    refunds returned."""

    def setUp(self):
        super().setUp()
        self.authenticate(self.cashier.login, self.cashier.login)

    def _voucher_bill(self, voucher):
        """Two check-ups (100.00) less the voucher's 10.00, synced as the
        register does."""
        order, error = self._sync_rpc(
            self._voucher_order(
                [(self.checkup, 2)], [(voucher.code, self.discount_product, -10.0)]
            )
        )
        self.assertIsNone(error)
        self.assertEqual(voucher.state, "used")
        return order

    def _code_pays_another_bill(self, voucher):
        _order, error = self._sync_rpc(
            self._voucher_order(
                [(self.checkup, 1)], [(voucher.code, self.discount_product, -10.0)]
            )
        )
        return error is None

    def _points_of(self, order, kind):
        return sum(
            self.Ledger.search(
                [("res_model", "=", "pos.order"), ("res_id", "=", order.id)]
            )
            .filtered(lambda line: line.kind == kind)
            .mapped("points")
        )

    # ------------------------------------------------------------------
    # Observation 1: quantities and prices of returned lines
    # ------------------------------------------------------------------

    def test_a_return_of_quantity_zero_brings_no_voucher_back(self):
        voucher = self._issue(self.ten_off)
        order = self._voucher_bill(voucher)
        balance = self._wallet().points_balance
        for _attempt in range(2):
            refund, error = self._sync_rpc(self._returns(order, [None, 0]))
            self.assertIsNone(error)
            self.assertEqual(refund.state, "paid")
            voucher.invalidate_recordset()
            self.assertEqual(voucher.state, "used")
            self.assertEqual(voucher.pos_order_id, order)
        self.assertFalse(self._code_pays_another_bill(voucher))
        self.assertEqual(self._wallet().points_balance, balance)

    def test_a_voucher_comes_back_once_when_its_whole_line_is_returned(self):
        voucher = self._issue(self.ten_off)
        order = self._voucher_bill(voucher)  # earned 90
        # Half the bill: half the discount line still on it, the voucher used.
        _refund, error = self._sync_rpc(self._returns(order, [1, 0.5]))
        self.assertIsNone(error)
        voucher.invalidate_recordset()
        self.assertEqual(voucher.state, "used")
        self.assertFalse(self._code_pays_another_bill(voucher))
        # The rest: the whole line is back, the voucher with it.
        _refund, error = self._sync_rpc(self._returns(order, [1, 0.5]))
        self.assertIsNone(error)
        voucher.invalidate_recordset()
        self.assertEqual(voucher.state, "valid")
        self.assertEqual(self._points_of(order, "earn_reversal"), -90)
        # Used again; the first bill's discount line returned again is refused.
        self.assertTrue(self._code_pays_another_bill(voucher))
        again = voucher.pos_order_id
        refund, error = self._sync_rpc(self._returns(order, [None, 1]))
        self.assertIsNone(refund)
        self.assertIn(
            "more Reward discount than is left to return (returned: 1, left: 0)",
            error["message"],
        )
        voucher.invalidate_recordset()
        self.assertEqual(voucher.state, "used")
        self.assertEqual(voucher.pos_order_id, again)

    def test_a_return_beyond_what_is_left_is_refused_whole(self):
        self._give_points(self.patient, 1000)
        order, error = self._sync_rpc(self._order([(self.checkup, 4)], points=60))
        self.assertIsNone(error)  # 600 points spent, 140 earned
        _refund, error = self._sync_rpc(self._returns(order, [3], points=-45))
        self.assertIsNone(error)
        balance = self._wallet().points_balance
        data = self._returns(order, [2], points=-15)
        refund, error = self._sync_rpc(data)
        self.assertIsNone(refund)
        self.assertEqual(error["name"], "odoo.exceptions.UserError")
        self.assertIn(
            "more Check-up than is left to return (returned: 2, left: 1)",
            error["message"],
        )
        self.assertFalse(self.env["pos.order"].search([("uuid", "=", data["uuid"])]))
        self.assertEqual(self._wallet().points_balance, balance)
        # What is left may still be returned, and no more.
        _refund, error = self._sync_rpc(self._returns(order, [1], points=-15))
        self.assertIsNone(error)
        self.assertEqual(self._wallet().points_balance, 1000)

    def test_a_returned_line_dearer_than_it_was_sold_is_refused(self):
        order, error = self._sync_rpc(self._order([(self.checkup, 2)]))
        self.assertIsNone(error)  # 100 earned
        data = self._returns(order, [1])
        # 60.00 back for a check-up sold at 50.00.
        data["lines"][0][2].update(
            price_unit=60.0, price_subtotal=-60.0, price_subtotal_incl=-60.0
        )
        data.update(amount_total=-60.0, amount_paid=-60.0)
        data["payment_ids"][0][2]["amount"] = -60.0
        refund, error = self._sync_rpc(data)
        self.assertIsNone(refund)
        self.assertIn("returns Check-up for", error["message"])
        self.assertIn("more than it was sold for", error["message"])
        self.assertEqual(self._wallet().points_balance, 100)

    def test_a_discount_line_returned_for_nothing_is_refused(self):
        voucher = self._issue(self.ten_off)
        order = self._voucher_bill(voucher)
        data = self._returns(order, [None, 1])
        data["lines"][0][2].update(
            price_unit=0.0, price_subtotal=0.0, price_subtotal_incl=0.0
        )
        data.update(amount_total=0.0, amount_paid=0.0, payment_ids=[])
        refund, error = self._sync_rpc(data)
        self.assertIsNone(refund)
        self.assertIn("more than it was sold for", error["message"])
        voucher.invalidate_recordset()
        self.assertEqual(voucher.state, "used")

    # ------------------------------------------------------------------
    # Refunds are cumulative
    # ------------------------------------------------------------------

    def test_refunds_in_thirds_take_back_all_the_sale_earned(self):
        filling = self.create_product("Filling", self.categ_basic, 23.45)
        order, error = self._sync_rpc(self._order([(filling, 3)]))
        self.assertIsNone(error)
        self.assertEqual(order.dental_loyalty_points_earned, 70)  # of 70.35
        taken = []
        for _third in range(3):
            refund, error = self._sync_rpc(self._returns(order, [1]))
            self.assertIsNone(error)
            taken.append(-refund.dental_loyalty_points_earned)
        # A third each time would be 23 + 23 + 23: one point kept for nothing.
        self.assertEqual(sum(taken), 70)
        self.assertEqual(self._wallet().points_balance, 0)

    def test_a_sale_refunded_whole_takes_back_the_tier_it_gave(self):
        # Downgrades wait three months: a sale and its refund, no money kept,
        # raised the patient for all of them.
        self._set_loyalty_settings(tier_grace_days=90)
        sale, error = self._sync_rpc(self._order([(self.checkup, 12)]))
        self.assertIsNone(error)  # 600 points: Silver
        self.assertEqual(self._wallet().tier_id, self.silver)
        _refund, error = self._sync_rpc(self._returns(sale, [12]))
        self.assertIsNone(error)
        wallet = self._wallet()
        self.assertEqual((wallet.points_balance, wallet.tier_id), (0, self.bronze))
        # The next visit earns at Bronze's 1.0, not Silver's 1.25.
        visit, error = self._sync_rpc(self._order([(self.checkup, 1)]))
        self.assertIsNone(error)
        self.assertEqual(visit.dental_loyalty_points_earned, 50)

    def test_two_sales_refunded_in_any_order_take_back_both_tiers(self):
        self._set_loyalty_settings(tier_grace_days=90)
        first, error = self._sync_rpc(self._order([(self.checkup, 14)]))
        self.assertIsNone(error)  # 700 points: Silver
        second, error = self._sync_rpc(self._order([(self.checkup, 15)]))
        self.assertIsNone(error)  # 750.00 at Silver's 1.25: 937, Gold
        self.assertEqual(self._wallet().tier_id, self.gold)
        _refund, error = self._sync_rpc(self._returns(first, [14]))
        self.assertIsNone(error)
        self.assertEqual(self._wallet().tier_id, self.silver)  # the 937 left
        # The Silver held before the second sale came from the first, gone.
        _refund, error = self._sync_rpc(self._returns(second, [15]))
        self.assertIsNone(error)
        wallet = self._wallet()
        self.assertEqual((wallet.points_balance, wallet.tier_id), (0, self.bronze))

    def test_what_a_refunded_tier_gave_is_left_to_a_manager(self):
        implant = self.env["dental.loyalty.reward"].create(
            {
                "name": "Implant consultation",
                "kind": "gift",
                "product_id": self.kit.id,
                "points_cost": 100,
                "min_tier_id": self.gold.id,
                "company_id": self.company.id,
            }
        )
        _first, error = self._sync_rpc(self._order([(self.checkup, 14)]))
        self.assertIsNone(error)  # 700 points: Silver
        pumped, error = self._sync_rpc(self._order([(self.checkup, 15)]))
        self.assertIsNone(error)  # 937 more: Gold
        # While Gold: a visit earns at its 1.5, and a Gold reward is taken.
        visit, error = self._sync_rpc(self._order([(self.checkup, 2)]))
        self.assertIsNone(error)
        self.assertEqual(visit.dental_loyalty_points_earned, 150)
        _voucher, error = self._call(
            "pos.order",
            "dental_loyalty_redeem_reward",
            self.config.id,
            self.patient.id,
            implant.id,
        )
        self.assertIsNone(error)
        refund, error = self._sync_rpc(self._returns(pumped, [15]))
        self.assertIsNone(error)
        self.assertEqual(self._wallet().tier_id, self.silver)
        activity = self.env["mail.activity"].search(
            [("res_model", "=", "res.partner"), ("res_id", "=", self.patient.id)]
        )
        label = refund._dental_loyalty_label()
        self.assertIn(
            f"{label} refunded the sale that raised the tier to Gold", activity.note
        )
        self.assertIn(f"multiplier on {visit._dental_loyalty_label()}", activity.note)
        self.assertIn("rewards of that tier: Implant consultation", activity.note)

    def test_points_earned_at_a_refunded_tier_are_left_to_a_manager(self):
        pumped, error = self._sync_rpc(self._order([(self.checkup, 42)]))
        self.assertIsNone(error)  # 2,100 points: Gold
        visit, error = self._sync_rpc(self._order([(self.checkup, 20)]))
        self.assertIsNone(error)
        self.assertEqual(visit.dental_loyalty_points_earned, 1500)  # 1,000.00 x 1.5
        _refund, error = self._sync_rpc(self._returns(pumped, [42]))
        self.assertIsNone(error)
        # The 1,500 points earned at Gold's multiplier keep Gold, where the
        # visit alone earns 1,000 (Silver): that is for a manager to weigh.
        self.assertEqual(self._wallet().tier_id, self.gold)
        activity = self.env["mail.activity"].search(
            [("res_model", "=", "res.partner"), ("res_id", "=", self.patient.id)]
        )
        self.assertIn("raised the tier to Gold", activity.note)
        self.assertIn(f"multiplier on {visit._dental_loyalty_label()}", activity.note)

    def test_a_second_refunded_tier_is_added_to_the_open_to_do(self):
        def pump_keep_refund(pumped_qty, kept_qty):
            pumped, error = self._sync_rpc(self._order([(self.checkup, pumped_qty)]))
            self.assertIsNone(error)
            self.assertEqual(self._wallet().tier_id, self.gold)
            kept, error = self._sync_rpc(self._order([(self.checkup, kept_qty)]))
            self.assertIsNone(error)  # at Gold's 1.5
            _refund, error = self._sync_rpc(self._returns(pumped, [pumped_qty]))
            self.assertIsNone(error)
            return kept

        first = pump_keep_refund(42, 8)  # Gold, 600 points kept: Silver
        self.assertEqual(self._wallet().tier_id, self.silver)
        # Its to-do still open, the same again: Gold kept by 1,500 points
        # earned at Gold's multiplier.
        second = pump_keep_refund(28, 20)
        self.assertEqual(self._wallet().tier_id, self.gold)
        activity = self.env["mail.activity"].search(
            [("res_model", "=", "res.partner"), ("res_id", "=", self.patient.id)]
        )
        self.assertEqual(len(activity), 1)
        for kept in (first, second):
            self.assertIn(kept._dental_loyalty_label(), activity.note)

    def test_a_refund_of_a_sale_that_moved_no_tier_leaves_it(self):
        self._set_loyalty_settings(tier_grace_days=90)
        # Silver reached weeks ago and kept through its grace period, though
        # the points of the last twelve months no longer reach it.
        wallet = self._wallet()
        wallet._set_tier(self.silver)
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE dental_loyalty_tier_history"
            " SET create_date = create_date - interval '30 days' WHERE wallet_id = %s",
            [wallet.id],
        )
        sale, error = self._sync_rpc(self._order([(self.checkup, 2)]))
        self.assertIsNone(error)  # 125 points at Silver's 1.25: Silver still
        _refund, error = self._sync_rpc(self._returns(sale, [2]))
        self.assertIsNone(error)
        self.assertEqual(self._wallet().tier_id, self.silver)

    # ------------------------------------------------------------------
    # Orders that return some lines and sell others
    # ------------------------------------------------------------------

    def test_an_order_returning_and_selling_settles_both(self):
        sale, error = self._sync_rpc(self._order([(self.checkup, 2)]))
        self.assertIsNone(error)  # 100 earned
        # One check-up back, a cleaning (80.00, bonus 40) sold: 30.00 to pay.
        mixed, error = self._sync_rpc(
            self._returns(sale, [1], sold=[(self.cleaning, 1)])
        )
        self.assertIsNone(error)
        self.assertEqual(mixed.amount_total, 30.0)
        # 80 earned, and the cleaning's bonus on a line of its own (the rule's).
        self.assertEqual(self._points_of(mixed, "earn"), 80)
        self.assertEqual(self._points_of(mixed, "rule"), 40)
        self.assertEqual(self._points_of(sale, "earn_reversal"), -50)
        self.assertEqual(mixed.dental_loyalty_points_earned, 70)
        self.assertEqual(self._wallet().points_balance, 170)

    def test_a_mixed_order_uses_its_voucher_once(self):
        sale, error = self._sync_rpc(self._order([(self.checkup, 2)]))
        self.assertIsNone(error)
        voucher = self._issue(self.ten_off)
        data = self._voucher_order(
            [
                {
                    "product": self.checkup,
                    "quantity": -1,
                    "refunded_orderline_id": sale.lines.id,
                },
                (self.cleaning, 1),
            ],
            [(voucher.code, self.discount_product, -10.0)],
        )
        mixed, error = self._sync_rpc(data)
        self.assertIsNone(error)
        voucher.invalidate_recordset()
        self.assertEqual(voucher.state, "used")
        self.assertEqual(voucher.pos_order_id, mixed)
        self.assertFalse(self._code_pays_another_bill(voucher))
        # The cleaning's 80.00 less the voucher's 10.00 earns, with the part
        # of its bonus paid with money: 70 + 35.
        self.assertEqual(self._points_of(mixed, "earn"), 70)
        self.assertEqual(self._points_of(mixed, "rule"), 35)

    def test_points_pay_the_sold_part_of_a_mixed_order_within_its_cap(self):
        self._give_points(self.patient, 1000)
        sale, error = self._sync_rpc(self._order([(self.checkup, 2)]))
        self.assertIsNone(error)  # 100 earned
        # One check-up back (50.00), two cleanings sold (160.00): points pay at
        # most 30 % of what is sold, 48.00, not of the 110.00 left to pay.
        refused, error = self._sync_rpc(
            self._returns(sale, [1], points=49, sold=[(self.cleaning, 2)])
        )
        self.assertIsNone(refused)
        self.assertIn("At most", error["message"])
        mixed, error = self._sync_rpc(
            self._returns(sale, [1], points=48, sold=[(self.cleaning, 2)])
        )
        self.assertIsNone(error)
        self.assertEqual(mixed.dental_loyalty_points_spent, 480)
        # Money paid for what is sold: 160.00 - 48.00 = 112, and 70 % of the
        # cleanings' bonus of 80; the return takes back its 50.
        self.assertEqual(self._points_of(mixed, "earn"), 112)
        self.assertEqual(self._points_of(mixed, "rule"), 56)
        self.assertEqual(self._points_of(sale, "earn_reversal"), -50)
        self.assertEqual(self._wallet().points_balance, 1000 + 100 - 480 + 168 - 50)

    def test_points_given_back_in_a_mixed_order_belong_to_the_return(self):
        self._give_points(self.patient, 1000)
        sale, error = self._sync_rpc(self._order([(self.checkup, 2)], points=30))
        self.assertIsNone(error)  # 300 points spent, 70 earned
        # One check-up back gives back 15.00 of points at most, no more.
        refused, error = self._sync_rpc(
            self._returns(sale, [1], points=-20, sold=[(self.cleaning, 1)])
        )
        self.assertIsNone(refused)
        self.assertRegex(error["message"], r"at most \D*15\.00 \(150 points\)")
        mixed, error = self._sync_rpc(
            self._returns(sale, [1], points=-15, sold=[(self.cleaning, 1)])
        )
        self.assertIsNone(error)
        self.assertEqual(self._points_of(sale, "spend_return"), 150)
        self.assertEqual(self._points_of(sale, "earn_reversal"), -35)
        # The cleaning sold is paid with money: 80 and its bonus of 40.
        self.assertEqual(self._points_of(mixed, "earn"), 80)
        self.assertEqual(self._points_of(mixed, "rule"), 40)
        self.assertEqual(
            self._wallet().points_balance, 1000 - 300 + 70 + 150 - 35 + 120
        )

    def test_a_return_is_of_the_product_its_line_sold(self):
        # Round 131, F2: a check-up returned as another product was stored, and
        # core moved that product back into stock though it never left.
        sale, error = self._sync_rpc(self._order([(self.checkup, 2)]))
        self.assertIsNone(error)
        data = self._returns(sale, [1])
        data["lines"][0][2]["product_id"] = self.cleaning.id
        refund, error = self._sync_rpc(data)
        self.assertIsNone(refund)
        self.assertIn("returns Six-monthly cleaning on the line of", error["message"])
        self.assertFalse(sale.lines.refund_orderline_ids)

    def _made_up_tax(self):
        return self.env["account.tax"].create(
            {"name": "Made-up 15 %", "amount": 15.0, "company_id": self.company.id}
        )

    def _returned_with_tax(self, sale, tax, **order_vals):
        """Return data of the sale's one check-up taxed with ``tax``, priced so
        that the patient gets what it was sold for and every figure adds up:
        the check on figures passes, the one on taxes must refuse it."""
        data = self._returns(sale, [1])
        vals = data["lines"][0][2]
        price = self.currency.round(sale.lines.price_unit / 1.15)
        taxes = tax.compute_all(price, self.currency, -1.0)
        vals.update(
            price_unit=price,
            tax_ids=[(6, 0, tax.ids)],
            price_subtotal=taxes["total_excluded"],
            price_subtotal_incl=taxes["total_included"],
        )
        total = vals["price_subtotal_incl"]
        data.update(
            amount_total=total,
            amount_paid=total,
            amount_tax=total - vals["price_subtotal"],
            **order_vals,
        )
        data["payment_ids"][0][2]["amount"] = total
        return data

    def test_a_return_keeps_the_taxes_its_line_was_sold_with(self):
        # Round 131, F2: a return taxed where the sale was not refunded tax
        # that was never collected, its figures made to add up.
        sale, error = self._sync_rpc(self._order([(self.checkup, 1)]))
        self.assertIsNone(error)
        tax = self._made_up_tax()
        self.assertNotEqual(sale.lines.tax_ids, tax)
        refund, error = self._sync_rpc(self._returned_with_tax(sale, tax))
        self.assertIsNone(refund)
        self.assertIn("with other taxes than it was sold with", error["message"])

    def test_a_return_keeps_the_taxes_its_sale_applied(self):
        # Round 132: a sale whose fiscal position took its tax off, returned
        # with the same tax and no position, refunded the tax it never took.
        tax = self._made_up_tax()
        untaxed = self.env["account.fiscal.position"].create(
            {
                "name": "Tax-exempt patients",
                "company_id": self.company.id,
                "tax_ids": [(0, 0, {"tax_src_id": tax.id, "tax_dest_id": False})],
            }
        )
        data = self._order([(self.checkup, 1)])
        data["fiscal_position_id"] = untaxed.id
        data["lines"][0][2]["tax_ids"] = [(6, 0, tax.ids)]
        sale, error = self._sync_rpc(data)
        self.assertIsNone(error)
        self.assertFalse(sale.amount_tax)
        refund, error = self._sync_rpc(
            self._returned_with_tax(sale, tax, fiscal_position_id=False)
        )
        self.assertIsNone(refund)
        self.assertIn("with other taxes than it was sold with", error["message"])

    def test_points_given_back_keep_the_dates_they_had(self):
        # Round 131, F1: a sale paid with points about to expire and its refund
        # gave them back good for another year, at no cost, again and again.
        wallet = self._wallet()
        soon = self._give_points(self.patient, 200)
        later = self._give_points(self.patient, 800)
        today = self.company._dental_loyalty_today()
        self.env.cr.execute(
            "UPDATE dental_loyalty_ledger SET expiry_date = %s WHERE id = %s",
            [today + timedelta(days=7), soon.id],
        )
        soon.invalidate_recordset()
        self.assertGreater(later.expiry_date, soon.expiry_date)
        # 300 points pay 30.00: the 200 expiring first, then 100 of the others.
        sale, error = self._sync_rpc(self._order([(self.checkup, 2)], points=30))
        self.assertIsNone(error)
        given = self.Ledger.search(
            [("wallet_id", "=", wallet.id), ("kind", "=", "spend_return")]
        )
        self.assertFalse(given)

        def given_back():
            lines = (
                self.Ledger.search(
                    [("wallet_id", "=", wallet.id), ("kind", "=", "spend_return")]
                )
                - given
            )
            return sorted((line.expiry_date, line.points) for line in lines)

        # Half the sale back: its 150 points as if it had spent 150, the last
        # taken first.
        _refund, error = self._sync_rpc(self._returns(sale, [1], points=-15))
        self.assertIsNone(error)
        self.assertEqual(
            given_back(), [(soon.expiry_date, 50), (later.expiry_date, 100)]
        )
        given |= self.Ledger.search(
            [("wallet_id", "=", wallet.id), ("kind", "=", "spend_return")]
        )
        # The rest: the points that were expiring, expiring as they were.
        _refund, error = self._sync_rpc(self._returns(sale, [1], points=-15))
        self.assertIsNone(error)
        self.assertEqual(given_back(), [(soon.expiry_date, 150)])
        # Spent 300, earned 70 on the cash; all of it undone.
        self.assertEqual(wallet.points_balance, 1000 - 300 + 70 + 300 - 70)

    # ------------------------------------------------------------------
    # Observation 3: a refund and the points a register holds
    # ------------------------------------------------------------------

    def test_a_refund_leaves_the_points_a_register_holds(self):
        self._give_points(self.patient, 100)
        sale, error = self._sync_rpc(self._order([(self.checkup, 18)]))
        self.assertIsNone(error)  # 900 earned, spendable at once
        # Register A holds 900 points (90.00) for a bill of 300.00.
        bill = self._order([(self.checkup, 6)], points=90)
        offer, error = self._hold_rpc(bill, 90.0)
        self.assertIsNone(error)
        self.assertEqual(offer["points"], 900)
        # Register B refunds the sale: it takes the 100 free points, not the 900
        # held, and leaves the rest to a loyalty manager.
        refund, error = self._sync_rpc(self._returns(sale, [18]))
        self.assertIsNone(error)
        self.assertEqual(refund.dental_loyalty_points_earned, -100)
        activity = self.env["mail.activity"].search(
            [("res_model", "=", "res.partner"), ("res_id", "=", self.patient.id)]
        )
        self.assertIn("could not be taken back", activity.note)
        self.assertIn(": 800.", activity.note)
        # A's bill, granted by the server, is paid with the points it held.
        paid, error = self._sync_rpc(bill)
        self.assertIsNone(error)
        self.assertEqual(paid.state, "paid")
        self.assertEqual(paid.dental_loyalty_points_spent, 900)
        # A's 210.00 in cash, earned at Silver's 1.25 (the 900 made the patient
        # Silver; the refund took back only 100 of them).
        self.assertEqual(self._wallet().points_balance, 262)

    def test_a_refund_of_held_points_alone_does_not_block_the_register(self):
        sale, error = self._sync_rpc(self._order([(self.checkup, 18)]))
        self.assertIsNone(error)  # 900 earned: the patient's only points
        bill = self._order([(self.checkup, 6)], points=90)
        _offer, error = self._hold_rpc(bill, 90.0)
        self.assertIsNone(error)
        refund, error = self._sync_rpc(self._returns(sale, [18]))
        self.assertIsNone(error)
        self.assertEqual(refund.dental_loyalty_points_earned, 0)
        paid, error = self._sync_rpc(bill)
        self.assertIsNone(error)
        self.assertEqual(paid.dental_loyalty_points_spent, 900)
        # The 900 the refund could not take are left to a loyalty manager; the
        # wallet holds A's earning.
        self.assertEqual(self._wallet().points_balance, 262)  # 210.00 at Silver
