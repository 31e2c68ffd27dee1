from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common_pos import DentalLoyaltyPosCommon
from .test_rewards import RewardCatalogMixin


class VoucherRegisterCommon(RewardCatalogMixin, DentalLoyaltyPosCommon):
    """The register's catalog, a practitioner, and orders with voucher lines."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._make_catalog(cls.company)
        cls.free_cleaning = cls.env["dental.loyalty.reward"].create(
            {
                "name": "Free cleaning",
                "kind": "product",
                "product_id": cls.cleaning.id,
                "points_cost": 400,
                "company_id": cls.company.id,
            }
        )
        cls.dentist = cls.env["hr.employee"].create(
            {"name": "Dr. Hoa", "company_id": cls.company.id}
        )
        cls.Voucher = cls.env["dental.loyalty.voucher"]

    def _issue(self, reward, partner=None):
        partner = partner or self.patient
        self._give_points(partner, reward.points_cost)
        return self.Voucher._issue(self._wallet(partner), reward)

    def _voucher_order(self, lines, voucher_lines, partner=None, **order_vals):
        """Order data with ``lines`` and, for each (code, product, price) of
        ``voucher_lines``, the line a register adds for that code; paid in cash."""
        data = self._order(
            [*lines, *((product, 1) for _code, product, _price in voucher_lines)],
            partner=partner,
        )
        for (code, product, price), line in zip(
            voucher_lines, data["lines"][len(lines) :], strict=True
        ):
            taxes = (
                product.sudo()
                .taxes_id._filter_taxes_by_company(self.company)
                .compute_all(price, self.currency, 1.0)
            )
            line[2].update(
                dental_loyalty_voucher_code=code,
                price_unit=price,
                price_subtotal=taxes["total_excluded"],
                price_subtotal_incl=taxes["total_included"],
            )
        total = sum(line[2]["price_subtotal_incl"] for line in data["lines"])
        data.update(amount_total=total, amount_paid=total, **order_vals)
        data["payment_ids"][0][2]["amount"] = total
        return data

    def _assertSyncRefused(self, data, message):
        """The sync is refused as a request would be: all of it rolled back."""
        with self.assertRaisesRegex(UserError, message), self.env.cr.savepoint():
            self._sync(data)

    def _earned(self, order):
        order.invalidate_recordset()
        return order.dental_loyalty_points_earned


@tagged("post_install", "-at_install")
class TestVouchersAtTheRegister(VoucherRegisterCommon):
    """A voucher on a bill: the register adds the line the server priced, the
    sync checks it against the voucher and the bill, and uses the voucher once."""

    def test_a_discount_voucher_is_used_once_and_earns_nothing(self):
        voucher = self._issue(self.ten_off)
        line = self.env["pos.order"].dental_loyalty_voucher_line(
            self.config.id, voucher.code.lower(), self.patient.id, 100.0
        )
        self.assertEqual(line["price_unit"], -10.0)
        order = self._sync(
            self._voucher_order(
                [(self.checkup, 2)],
                [(voucher.code, self.discount_product, line["price_unit"])],
                dental_loyalty_practitioner_id=self.dentist.id,
            )
        )
        self.assertEqual(voucher.state, "used")
        self.assertEqual(voucher.pos_order_id, order)
        self.assertEqual(order.lines[-1].dental_loyalty_voucher_id, voucher)
        # 100.00 of services, 10.00 of it covered by the voucher.
        self.assertEqual(self._earned(order), 90)
        again = self._voucher_order(
            [(self.checkup, 2)], [(voucher.code, self.discount_product, -10.0)]
        )
        self._assertSyncRefused(again, "was already used")
        with self.assertRaisesRegex(UserError, "was already used"):
            self.env["pos.order"].dental_loyalty_voucher_line(
                self.config.id, voucher.code, self.patient.id, 100.0
            )

    def test_a_taxed_discount_product_takes_off_the_discount_taxes_included(self):
        tax = self.env["account.tax"].create(
            {
                "name": "VAT 10 %",
                "amount": 10.0,
                "price_include_override": "tax_excluded",
            }
        )
        self.discount_product.taxes_id = tax
        voucher = self._issue(self.ten_off)
        line = self.env["pos.order"].dental_loyalty_voucher_line(
            self.config.id, voucher.code, self.patient.id, 100.0
        )
        self.assertEqual(line["price_unit"], -9.09)
        order = self._sync(
            self._voucher_order(
                [(self.checkup, 2)],
                [(voucher.code, self.discount_product, line["price_unit"])],
            )
        )
        self.assertEqual(voucher.pos_order_id, order)
        self.assertEqual(voucher.used_amount, 10.0)

    def test_one_voucher_twice_on_a_bill_is_refused(self):
        voucher = self._issue(self.ten_off)
        self._assertSyncRefused(
            self._voucher_order(
                [(self.checkup, 2)],
                [
                    (voucher.code, self.discount_product, -10.0),
                    (voucher.code, self.discount_product, -10.0),
                ],
            ),
            "is on the bill twice",
        )
        self.assertEqual(voucher.state, "valid")

    def test_the_same_order_synced_twice_uses_its_voucher_once(self):
        voucher = self._issue(self.ten_off)
        data = self._voucher_order(
            [(self.checkup, 2)], [(voucher.code, self.discount_product, -10.0)]
        )
        order = self._sync(data)
        self.assertEqual(self._sync(data), order)
        self.assertEqual(voucher.pos_order_id, order)

    def test_a_discount_covers_at_most_its_share_of_the_bill(self):
        self.ten_off.write({"discount_amount": 50.0, "max_coverage": 30.0})
        voucher = self._issue(self.ten_off)
        line = self.env["pos.order"].dental_loyalty_voucher_line(
            self.config.id, voucher.code, self.patient.id, 100.0
        )
        self.assertEqual(line["price_unit"], -30.0)
        lines_before = self.Ledger.search_count([])
        greedy = self._voucher_order(
            [(self.checkup, 2)], [(voucher.code, self.discount_product, -50.0)]
        )
        self._assertSyncRefused(greedy, "takes at most \\$\\s?30.00 off")
        self.assertEqual(voucher.state, "valid")
        self.assertEqual(self.Ledger.search_count([]), lines_before)

    def test_a_line_that_lies_about_its_price_is_refused(self):
        voucher = self._issue(self.ten_off)
        data = self._voucher_order(
            [(self.checkup, 2)], [(voucher.code, self.discount_product, -10.0)]
        )
        data["lines"][-1][2]["price_unit"] = -60.0  # subtotal still says -10
        self._assertSyncRefused(data, r"says \D*-10\.00, .* make \D*-60\.00")
        self.assertEqual(voucher.state, "valid")

    def test_a_free_service_is_at_zero_and_earns_no_bonus(self):
        voucher = self._issue(self.free_cleaning)
        line = self.env["pos.order"].dental_loyalty_voucher_line(
            self.config.id, voucher.code, self.patient.id, 50.0
        )
        self.assertEqual(
            (line["product_id"], line["price_unit"]), (self.cleaning.id, 0)
        )
        order = self._sync(
            self._voucher_order(
                [(self.checkup, 1)], [(voucher.code, self.cleaning, 0.0)]
            )
        )
        # The check-up's 50 points; none of the cleaning's 40 bonus points.
        self.assertEqual(self._earned(order), 50)
        self.assertEqual(voucher.used_amount, 80.0)
        charged = self._issue(self.free_cleaning)
        self._assertSyncRefused(
            self._voucher_order(
                [(self.checkup, 1)], [(charged.code, self.cleaning, 80.0)]
            ),
            "gives Six-monthly cleaning free",
        )

    def test_a_personal_voucher_stays_with_its_patient(self):
        voucher = self._issue(self.ten_off)
        stranger = self.env["res.partner"].create({"name": "Stranger"})
        with self.assertRaisesRegex(UserError, "belongs to Minh Tran"):
            self.env["pos.order"].dental_loyalty_voucher_line(
                self.config.id, voucher.code, stranger.id, 100.0
            )
        foreign = self._voucher_order(
            [(self.checkup, 2)],
            [(voucher.code, self.discount_product, -10.0)],
            partner=stranger,
        )
        self._assertSyncRefused(foreign, "belongs to Minh Tran")
        self.ten_off.transferable = True
        order = self._sync(foreign)
        self.assertEqual(voucher.pos_order_id, order)
        self.assertEqual(order.partner_id, stranger)

    def test_vouchers_are_looked_up_by_the_last_signs_of_their_code(self):
        # helper-102: a search on the hint was left out with an ERROR line,
        # and listed every voucher.
        first, second = self._issue(self.ten_off), self._issue(self.ten_off)
        Voucher = self.Voucher.with_user(self.cashier)
        for operator, value in (
            ("=", first.code[-4:].lower()),
            ("=", first.code_hint),
            ("ilike", first.code[-3:]),
        ):
            with self.subTest(operator=operator, value=value):
                found = Voucher.search(
                    [("code_hint", operator, value), ("id", "in", (first | second).ids)]
                )
                self.assertEqual(found, first)
        both = (first | second).ids
        # helper-103: the web client's "is set" filter, a list of hints, and
        # a name search at the desk, where the code is not the cashier's.
        self.assertEqual(
            set(Voucher.search([("code_hint", "!=", False), ("id", "in", both)]).ids),
            set(both),
        )
        self.assertFalse(Voucher.search([("code_hint", "=", False)]))
        self.assertEqual(
            Voucher.search(
                [("code_hint", "in", [first.code_hint]), ("id", "in", both)]
            ),
            first,
        )
        self.assertEqual(
            [pair[0] for pair in Voucher.name_search(first.code[-4:])],
            first.ids,
        )
        with self.assertRaisesRegex(UserError, "last signs of their code"):
            Voucher.search([("code_hint", "not ilike", first.code_hint)])

    def test_unknown_and_gift_codes_are_refused(self):
        Order = self.env["pos.order"]
        with self.assertRaisesRegex(UserError, "No voucher has the code •••• NOPE"):
            Order.dental_loyalty_voucher_line(self.config.id, "nope", False, 10.0)
        # A refusal is logged: it names only the typed code's last signs (the
        # code may be a live one of another clinic).
        with self.assertRaises(UserError) as refusal:
            Order.dental_loyalty_voucher_line(
                self.config.id, "gkn6 36am-mtph", False, 10.0
            )
        self.assertEqual(str(refusal.exception), "No voucher has the code •••• MTPH.")
        gift = self._issue(self.gift)
        with self.assertRaisesRegex(UserError, "handed at the desk"):
            Order.dental_loyalty_voucher_line(
                self.config.id, gift.code, self.patient.id, 10.0
            )

    def test_a_refund_makes_the_voucher_valid_again(self):
        voucher = self._issue(self.ten_off)
        order = self._sync(
            self._voucher_order(
                [(self.checkup, 2)], [(voucher.code, self.discount_product, -10.0)]
            )
        )
        old_code = voucher.code
        refund = self._sync(self._refund_data(order))
        self.assertEqual(voucher.state, "valid")
        self.assertFalse(voucher.pos_order_id)
        # The voucher names the refund that gave it back, whose receipt names
        # the reward; the sale's gives nothing back.
        self.assertEqual(voucher.restored_pos_order_id, refund)
        self.assertEqual(refund.dental_loyalty_vouchers_back, "10 off")
        self.assertFalse(order.dental_loyalty_vouchers_back)
        self.assertEqual(self._wallet().points_available, 0)
        # The old code stands on the refunded bill, which every cashier reads:
        # the voucher comes back with a new one.
        self.assertNotEqual(voucher.code, old_code)
        self._assertSyncRefused(
            self._voucher_order(
                [(self.checkup, 2)], [(old_code, self.discount_product, -10.0)]
            ),
            "No voucher has the code",
        )
        again = self._sync(
            self._voucher_order(
                [(self.checkup, 2)], [(voucher.code, self.discount_product, -10.0)]
            )
        )
        self.assertEqual(voucher.pos_order_id, again)
        # Its points were spent on the refunded visit, not on this one (round
        # 131: this receipt counted them again, its Before too high).
        self.assertEqual(order.dental_loyalty_voucher_points, self.ten_off.points_cost)
        self.assertEqual(again.dental_loyalty_voucher_points, 0)
        self.assertEqual(again.dental_loyalty_points_before, 0)
        # Given back a second time: each receipt still says what it said.
        self._sync(self._refund_data(again))
        self.env.invalidate_all()
        self.assertEqual(order.dental_loyalty_voucher_points, self.ten_off.points_cost)
        self.assertEqual(again.dental_loyalty_voucher_points, 0)

    def _two_checkups_with_ten_off(self):
        """A bill of two check-ups with a ten-off voucher's line: the voucher,
        the order and its voucher line."""
        voucher = self._issue(self.ten_off)
        order = self._sync(
            self._voucher_order(
                [(self.checkup, 2)], [(voucher.code, self.discount_product, -10.0)]
            )
        )
        return voucher, order, order.lines.filtered("dental_loyalty_voucher_code")

    def test_a_refund_of_the_voucher_line_alone_leaves_the_ledger_adding_up(self):
        voucher, order, voucher_line = self._two_checkups_with_ten_off()
        # The voucher's line alone comes back: the patient pays its 10 again,
        # a refund of less than nothing, which takes no money off the sale.
        refund = self._sync(
            self._order(
                [
                    {
                        "product": voucher_line.product_id,
                        "quantity": -1,
                        "refunded_orderline_id": voucher_line.id,
                    }
                ]
            )
        )
        self.assertEqual(refund.amount_total, 10.0)
        self.assertEqual(voucher.state, "valid")
        wallet = self._wallet()
        self.assertFalse(wallet._integrity_problems(wallet.ids))

    def test_the_goods_come_back_at_their_price_after_the_voucher_line_did(self):
        voucher, order, voucher_line = self._two_checkups_with_ten_off()
        checkups = order.lines - voucher_line
        self._sync(
            self._returns(
                order, [1 if line == voucher_line else None for line in order.lines]
            )
        )
        # The patient paid the voucher's 10 back: each check-up is returned at
        # the whole of what was paid for it, one, then the other.
        for _checkup in range(2):
            refund = self._sync(
                self._returns(
                    order, [1 if line == checkups else None for line in order.lines]
                )
            )
            self.assertEqual(refund.amount_total, -checkups.price_unit)
        self.assertEqual(voucher.state, "valid")
        wallet = self._wallet()
        self.assertFalse(wallet._integrity_problems(wallet.ids))

    def test_a_discount_sold_against_a_returned_voucher_line_pays_nothing_in(self):
        voucher, order, voucher_line = self._two_checkups_with_ten_off()
        # The voucher's line comes back with a line sold for less than nothing
        # against it: the patient paid nothing in, so the goods still come
        # back for what was paid for them, not their price.
        data = self._returns(
            order,
            [1 if line == voucher_line else None for line in order.lines],
            sold=[(self.discount_product, 1)],
        )
        data["lines"][-1][2].update(
            price_unit=-10.0,
            price_subtotal=-10.0,
            price_subtotal_incl=-10.0,
            tax_ids=[(6, 0, [])],
        )
        total = sum(line[2]["price_subtotal_incl"] for line in data["lines"])
        data.update(amount_total=total, amount_paid=total, amount_tax=0.0)
        data["payment_ids"] = (
            [(0, 0, {**data["payment_ids"][0][2], "amount": total})]
            if total and data["payment_ids"]
            else []
        )
        self._sync(data)
        # helper-99: nor does the voucher come back for another bill while
        # this one keeps its discount.
        self.assertEqual(voucher.state, "used")
        self.assertIn("stays used", voucher.message_ids[:1].body)
        checkups = order.lines - voucher_line
        self._assertSyncRefused(
            self._returns(
                order, [2 if line == checkups else None for line in order.lines]
            ),
            "may pay back at most",
        )

    def test_a_refund_after_the_expiry_leaves_the_voucher_expired(self):
        voucher = self._issue(self.ten_off)
        order = self._sync(
            self._voucher_order(
                [(self.checkup, 2)], [(voucher.code, self.discount_product, -10.0)]
            )
        )
        voucher.sudo().expiry_date = "2020-01-01"
        refund = self._sync(self._refund_data(order))
        self.assertEqual(voucher.state, "expired")
        # Given back, but not valid again: the receipt does not say it is.
        self.assertEqual(voucher.restored_pos_order_id, refund)
        self.assertFalse(refund.dental_loyalty_vouchers_back)

    def test_a_voucher_link_sent_by_a_register_is_refused(self):
        used = self._issue(self.ten_off)
        self._sync(
            self._voucher_order(
                [(self.checkup, 2)], [(used.code, self.discount_product, -10.0)]
            )
        )
        order = self._sync(self._order([(self.checkup, 1)]))
        # A register sends a voucher's code, never its link: a sale, a refund
        # (whose receipt would count a voucher bought on the visit as spent on
        # it) or a draft naming one is refused, whatever the value, before it
        # reaches the database.
        refund = self._refund_data(order)
        for forged, value in (
            (self._order([(self.checkup, 1)]), used.id),
            (refund, used.id),
            (self._order([(self.checkup, 1)]), -1),
            (self._order([(self.checkup, 1)]), 10**12),
            (self._order([(self.checkup, 1)]), [used.id]),
        ):
            forged["lines"][0][2]["dental_loyalty_voucher_id"] = value
            # A value no link has is refused by its type first.
            self._assertSyncRefused(
                forged, "names a voucher by its code only|Voucher that is not valid"
            )
        draft = self._sync(
            dict(self._order([(self.checkup, 1)]), state="draft", payment_ids=[])
        )
        with self.assertRaisesRegex(UserError, "names a voucher by its code only"):
            draft.lines.with_user(self.cashier).write(
                {"dental_loyalty_voucher_id": used.id}
            )
        # Nor as a default, the user's own or a context's.
        self.env["ir.default"].with_user(self.cashier).set(
            "pos.order.line", "dental_loyalty_voucher_id", used.id, user_id=True
        )
        defaulted = self._sync(
            dict(self._order([(self.checkup, 1)]), state="draft", payment_ids=[])
        )
        self.assertFalse(defaulted.lines.dental_loyalty_voucher_id)
        self.assertNotIn(
            "dental_loyalty_voucher_id",
            self.env["pos.order.line"]
            .with_user(self.cashier)
            .with_context(default_dental_loyalty_voucher_id=used.id)
            .default_get(["dental_loyalty_voucher_id"]),
        )
        # Only the line of the bill that used it names the voucher.
        self.assertEqual(
            self.env["pos.order.line"]
            .search([("dental_loyalty_voucher_id", "=", used.id)])
            .order_id,
            used.pos_order_id,
        )
        self._sync(self._refund_data(order))
        self.assertEqual(used.state, "used")

    def test_a_practitioner_of_another_company_is_refused(self):
        other = self.env["res.company"].create({"name": "Other Clinic"})
        stranger = self.env["hr.employee"].create(
            {"name": "Dr. Elsewhere", "company_id": other.id}
        )
        self._assertSyncRefused(
            self._voucher_order(
                [(self.checkup, 1)], [], dental_loyalty_practitioner_id=stranger.id
            ),
            "practitioner of another company",
        )

    def test_costs_are_split_between_clinic_and_practitioner(self):
        self._session_opened_at("2026-03-01")
        with freeze_time("2026-03-05"):
            first = self._issue(self.ten_off)  # clinic 60 %, practitioner 40 %
            self._sync(
                self._voucher_order(
                    [(self.checkup, 2)],
                    [(first.code, self.discount_product, -10.0)],
                    dental_loyalty_practitioner_id=self.dentist.id,
                )
            )
        with freeze_time("2026-04-07"):
            second = self._issue(self.whitening_off)  # clinic 100 %
            self._sync(
                self._voucher_order(
                    [(self.checkup, 4)],
                    [(second.code, self.discount_product, -20.0)],
                    dental_loyalty_practitioner_id=self.dentist.id,
                )
            )
        self.assertEqual((first.clinic_cost, first.practitioner_cost), (6.0, 4.0))
        self.assertEqual((second.clinic_cost, second.practitioner_cost), (20.0, 0.0))
        groups = self.Voucher._read_group(
            [("state", "=", "used"), ("partner_id", "=", self.patient.id)],
            ["practitioner_id", "used_date:month"],
            ["clinic_cost:sum", "practitioner_cost:sum"],
        )
        self.assertEqual(
            [(emp, month.month, c, p) for emp, month, c, p in groups],
            [(self.dentist, 3, 6.0, 4.0), (self.dentist, 4, 20.0, 0.0)],
        )

    def test_a_bill_parked_before_a_vouchers_first_use_leaves_it_that_use(self):
        # Round 133: a bill parked before the voucher's first use, paid with it
        # once a refund gave it back, took the first receipt's count away.
        voucher = self._issue(self.ten_off)
        data = self._order([(self.checkup, 2)])
        draft = self._sync(dict(data, state="draft", payment_ids=[], amount_paid=0.0))
        order = self._sync(
            self._voucher_order(
                [(self.checkup, 2)], [(voucher.code, self.discount_product, -10.0)]
            )
        )
        self._sync(self._refund_data(order))
        # The parked bill paid with the voucher given back: its line is added.
        paying = self._voucher_order(
            [(self.checkup, 2)], [(voucher.code, self.discount_product, -10.0)]
        )
        parked = self._sync(
            dict(
                paying,
                uuid=data["uuid"],
                access_token=draft.access_token,
                lines=paying["lines"][-1:],
            )
        )
        self.assertEqual(parked, draft)
        self.assertEqual(voucher.pos_order_id, draft)
        self.env.invalidate_all()
        self.assertEqual(order.dental_loyalty_voucher_points, self.ten_off.points_cost)
        self.assertEqual(draft.dental_loyalty_voucher_points, 0)


@tagged("post_install", "-at_install")
class TestVoucherReceipts(VoucherRegisterCommon):
    """Receipts read back together, as the register's sync reads its orders,
    say what each says alone, and read the ledger once for all of them."""

    def _receipts(self, orders):
        """The receipt figures of ``orders``, read together from a cold cache,
        and the queries the reading took."""
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.cr.sql_log_count
        figures = [
            (
                order.dental_loyalty_points_before,
                order.dental_loyalty_voucher_points,
                order.dental_loyalty_points_total,
                order.dental_loyalty_pending_batches,
            )
            for order in orders.with_user(self.cashier)
        ]
        return figures, self.cr.sql_log_count - before

    def test_receipts_read_together_say_what_each_says_alone(self):
        # Earned points wait three days: every receipt lists a pending batch.
        self._set_loyalty_settings(waiting_days=3)
        other = self.env["res.partner"].create({"name": "Second Patient"})
        orders = self.env["pos.order"]
        for partner in (self.patient, other):
            # Bought at the desk on this visit, used on its bill.
            voucher = self._issue(self.ten_off, partner)
            orders |= self._sync(
                self._voucher_order(
                    [(self.checkup, 2)],
                    [(voucher.code, self.discount_product, -10.0)],
                    partner=partner,
                )
            )
        together, queries = self._receipts(orders)
        alone = [self._receipts(order)[0][0] for order in orders]
        self.assertEqual(together, alone)
        for before, voucher_points, total, pending in together:
            # The voucher's 300 points left on this visit, before it.
            self.assertEqual(voucher_points, 300)
            self.assertEqual(before, total - 90 + 300)
            self.assertTrue(pending)
        # One ledger search for both receipts, their lines and wallets read
        # together: the second costs nothing more.
        self.assertEqual(queries, self._receipts(orders[0])[1])
