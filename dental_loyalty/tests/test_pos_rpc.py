from odoo.tests import HttpCase, tagged

from .common_pos import DentalLoyaltyPosCommon, PosJsonRpcMixin


@tagged("post_install", "-at_install", "dental_loyalty_slow")
class TestPosOverTheWire(PosJsonRpcMixin, DentalLoyaltyPosCommon, HttpCase):
    """The same attacks over JSON-RPC, logged in as a user with nothing but Point
    of Sale rights, as a browser or a script would send them."""

    def setUp(self):
        super().setUp()
        self.authenticate(self.cashier.login, self.cashier.login)

    def _assert_refused_as_not_valid(self, data):
        """The sync of ``data`` refused with a sentence, nothing stored."""
        order, error = self._sync_rpc(data)
        self.assertIsNone(order)
        self.assertEqual(error["name"], "odoo.exceptions.UserError")
        self.assertIn("not valid", error["message"])
        self.assertFalse(self.env["pos.order"].search([("uuid", "=", data["uuid"])]))

    def _assert_call_refused(self, method, args, message):
        """The register's call of ``method`` refused with a sentence."""
        with self.subTest(method=method):
            result, error = self._call("pos.order", method, *args)
            self.assertIsNone(result)
            self.assertEqual(error["name"], "odoo.exceptions.UserError")
            self.assertIn(message, error["message"])

    def _order_with(self, where, name, value):
        """A one-line order whose ``where`` (the order, its line or its
        payment) says ``value`` for ``name``."""
        data = self._order([(self.checkup, 1)])
        target = {
            "order": data,
            "line": data["lines"][0][2],
            "payment": data["payment_ids"][0][2],
        }[where]
        target[name] = value
        return data

    def _sent_as_paid(self, data, total):
        """The order's total as its register sends it, paid in cash."""
        data.update(amount_total=total, amount_paid=total)
        data["payment_ids"][0][2]["amount"] = total

    def test_bad_argument_types_come_back_as_messages(self):
        self._give_points(self.patient, 500)
        for args, message in [
            ((self.config.id, "x", "abc", 100.0), "Choose the patient"),
            ((self.config.id, "x", self.patient.id, "NaN"), "not a number"),
            ((self.config.id, "x", self.patient.id, None), "not a number"),
            ((self.config.id, "x", self.patient.id, 100.0, "12"), "not a number"),
            ((self.config.id, "x", self.patient.id, 100.0, -1), "cannot be negative"),
            (("abc", "x", self.patient.id, 100.0), "register is unknown"),
            ((self.config.id, {"a": 1}, self.patient.id, 100.0), "order is unknown"),
            ((self.config.id, "ab\x00cd", self.patient.id, 100.0), "order is unknown"),
        ]:
            with self.subTest(args=args):
                result, error = self._call(
                    "pos.order", "dental_loyalty_reserve_points", *args
                )
                self.assertIsNone(result)
                self.assertEqual(error["name"], "odoo.exceptions.UserError")
                self.assertIn(message, error["message"])

    def test_integers_no_float_holds_come_back_as_messages(self):
        # JSON carries integers of any size; no float holds this one.
        huge = 10**400
        for method, args, message in [
            ("dental_loyalty_reserve_points", (huge,), "not a number"),
            ("dental_loyalty_reserve_points", (100.0, huge), "not a number"),
            (
                "dental_loyalty_refund_preview",
                ([{"line_id": 1, "qty": huge}],),
                "positive quantity",
            ),
        ]:
            with self.subTest(method=method, args=args):
                ids = (self.config.id, "x", self.patient.id)
                if method == "dental_loyalty_refund_preview":
                    ids = (self.config.id, self.patient.id)
                result, error = self._call("pos.order", method, *ids, *args)
                self.assertIsNone(result)
                self.assertEqual(error["name"], "odoo.exceptions.UserError")
                self.assertIn(message, error["message"])
        data = self._order([(self.checkup, 1)])
        data["lines"][0][2]["qty"] = huge
        order, error = self._sync_rpc(data)
        self.assertIsNone(order)
        self.assertEqual(error["name"], "odoo.exceptions.UserError")
        self.assertFalse(self.env["pos.order"].search([("uuid", "=", data["uuid"])]))

    def test_a_nul_character_comes_back_as_a_message(self):
        # PostgreSQL takes no NUL in a string: each is a refusal, not a crash.
        for method, args, message in [
            (
                "dental_loyalty_voucher_line",
                (self.config.id, "AB\x00CD", self.patient.id, 100.0),
                "No voucher",
            ),
            (
                "dental_loyalty_release_reward",
                (self.config.id, "x", "AB\x00CD"),
                "No voucher",
            ),
        ]:
            self._assert_call_refused(method, args, message)
        data = self._order([(self.checkup, 1)])
        data["uuid"] = "a\x00"
        data["lines"][0] = [1, 5, {"qty": 1}]
        order, error = self._sync_rpc(data)
        self.assertIsNone(order)
        self.assertEqual(error["name"], "odoo.exceptions.UserError")

    def test_a_lone_surrogate_comes_back_as_a_message(self):
        # JSON carries "\ud800", which UTF-8 cannot encode nor PostgreSQL take:
        # a refusal, not a crash (an HTTP 500 and ERROR lines in the log).
        text = "ab\ud800cd"
        for method, args, message in [
            (
                "dental_loyalty_reserve_points",
                (self.config.id, text, self.patient.id, 100.0),
                "order is unknown",
            ),
            ("dental_loyalty_release_points", (self.config.id, text), "unknown"),
            (
                "dental_loyalty_voucher_line",
                (self.config.id, text, self.patient.id, 100.0),
                "No voucher",
            ),
            (
                "dental_loyalty_release_reward",
                (self.config.id, "x", text),
                "No voucher",
            ),
        ]:
            self._assert_call_refused(method, args, message)
        for where, name in [
            ("order", "general_note"),
            ("line", "dental_loyalty_voucher_code"),
            ("line", "note"),
            ("payment", "name"),
        ]:
            with self.subTest(name=name):
                self._assert_refused_as_not_valid(self._order_with(where, name, text))
        data = self._order([(self.checkup, 1)])
        data["uuid"] = text
        order, error = self._sync_rpc(data)
        self.assertIsNone(order)
        self.assertEqual(error["name"], "odoo.exceptions.UserError")
        self.assertFalse(self._wallet().points_balance)

    def test_a_sync_with_figures_no_bill_has_is_refused_with_a_message(self):
        for where, name, value in [
            ("order", "amount_total", float("nan")),
            ("order", "amount_total", float("inf")),
            ("order", "amount_paid", 10**400),
            ("order", "amount_tax", 1e300),
            ("line", "price_subtotal", 1e300),
            ("line", "price_subtotal_incl", True),
            ("line", "dental_loyalty_voucher_code", "ABCD\x00EFGH"),
        ]:
            with self.subTest(name=name, value=value):
                data = self._order([(self.checkup, 1)])
                target = data if where == "order" else data["lines"][0][2]
                target[name] = value
                self._assert_refused_as_not_valid(data)

    def test_a_sync_with_values_the_database_cannot_store_gets_a_message(self):
        # A NUL in a text, a word or a boolean for a link, an id beyond the
        # database's: each a sentence, not a database error, nothing stored.
        for where, name, value in [
            ("order", "name", "Order \x00"),
            ("order", "general_note", "a\x00b"),
            ("order", "shipping_date", "a\x00b"),
            ("order", "state", "a\x00b"),
            ("order", "partner_id", True),
            ("order", "pricelist_id", "x"),
            ("order", "fiscal_position_id", 10**400),
            ("line", "note", "a\x00b"),
            ("line", "full_product_name", "a\x00b"),
            ("line", "product_id", True),
            ("line", "tax_ids", [[6, 0, [10**400]]]),
            ("line", "tax_ids", [[4, "x"]]),
            ("payment", "name", "a\x00b"),
            ("payment", "transaction_id", "a\x00b"),
        ]:
            with self.subTest(name=name, value=value):
                self._assert_refused_as_not_valid(self._order_with(where, name, value))
        self.assertFalse(self._wallet().points_balance)

    def test_a_line_rewrites_no_other_orders_records(self):
        # helper-96: commands nested in a new line named another order's lines:
        # a refund's link to its sale dropped, so the sale could be refunded
        # again in cash; a paid line's lots rewritten.
        sale = self._sync(self._order([(self.checkup, 1)]))
        refund = self._sync(self._refund_data(sale))
        returned = refund.lines
        for name, value in [
            ("refund_orderline_ids", [[1, returned.id, {"refunded_orderline_id": 0}]]),
            ("refund_orderline_ids", [[4, returned.id]]),
            ("refund_orderline_ids", [[6, 0, [returned.id]]]),
            ("pack_lot_ids", [[2, 1]]),
            ("pack_lot_ids", [[0, 0, {"lot_name": "a\x00b"}]]),
            ("pack_lot_ids", "zz"),
            ("combo_line_ids", "x"),
        ]:
            with self.subTest(name=name, value=value):
                data = self._order([(self.checkup, 1)])
                data["lines"][0][2][name] = value
                self._assert_refused_as_not_valid(data)
        returned.invalidate_recordset()
        self.assertEqual(returned.refunded_orderline_id, sale.lines)
        _order, error = self._sync_rpc(self._refund_data(sale))
        self.assertIn("than is left to return", error["message"])
        self.assertLedgerIntegrity()

    def test_a_nested_line_or_lot_lands_on_no_other_order(self):
        # helper-97: a line created among a new line's refunds went on the
        # order it named, paid or not; a lot's order and product are its
        # line's, written through it.
        sale = self._sync(self._order([(self.checkup, 1)]))
        sold = sale.lines
        planted = {
            "order_id": sale.id,
            "product_id": self.checkup.id,
            "qty": 1,
            "price_unit": 1000.0,
            "price_subtotal": 1000.0,
            "price_subtotal_incl": 1000.0,
            "tax_ids": [[6, 0, []]],
        }
        for name, value in [
            ("refund_orderline_ids", [[0, 0, planted]]),
            ("refund_orderline_ids", [[0, 0, {**planted, "order_id": False}]]),
            ("pack_lot_ids", [[0, 0, {"lot_name": "L1", "order_id": sale.id}]]),
            ("pack_lot_ids", [[0, 0, {"lot_name": "L1", "product_id": 1}]]),
        ]:
            with self.subTest(name=name, value=value):
                data = self._order([(self.checkup, 1)])
                data["lines"][0][2][name] = value
                self._assert_refused_as_not_valid(data)
        sale.invalidate_recordset()
        self.assertEqual(sale.lines, sold)
        self.assertLedgerIntegrity()

    def test_a_saved_draft_keeps_its_own_lines_and_payments(self):
        # helper-97's shape on a draft: its own line or payment, updated with
        # another order named as theirs, would move onto that order.
        sale = self._sync(self._order([(self.checkup, 1)]))
        data = self._order([(self.checkup, 1)])
        draft = self._sync(dict(data, state="draft"))
        self.assertTrue(draft.lines and draft.payment_ids)
        for name, record, inverse in [
            ("lines", draft.lines, "order_id"),
            ("payment_ids", draft.payment_ids, "pos_order_id"),
        ]:
            with self.subTest(name=name):
                again = dict(data, **{name: [[1, record.id, {inverse: sale.id}]]})
                order, error = self._sync_rpc(again)
                self.assertIsNone(order)
                self.assertIn("not valid", error["message"])
                record.invalidate_recordset()
                self.assertEqual(record[inverse], draft)
        # The draft itself named as theirs is what a register sends (with its
        # token, which core drops: a payload without one syncs all the same).
        again = dict(
            data,
            lines=[[1, draft.lines.id, {"order_id": draft.id}]],
            payment_ids=[],
        )
        order, error = self._sync_rpc(again)
        self.assertIsNone(error)
        self.assertEqual(order, draft)

    def test_values_no_register_sends_get_a_sentence_not_a_crash(self):
        # helper-97: each of these reached the database or core's code.
        for where, name, value in [
            ("order", "lines", None),
            ("order", "lines", ""),
            ("order", "payment_ids", 0),
            ("order", "amount_return", None),
            ("order", "date_order", None),
            ("order", "date_order", 0),
            ("order", "date_order", ""),
            ("order", "shipping_date", ""),
            ("payment", "payment_date", 0),
            ("payment", "payment_date", ""),
            ("line", "combo_line_ids", [5]),
            # helper-99, after the fixes above.
            ("order", "date_order", False),
            ("order", "lines", [[2]]),
            ("order", "payment_ids", [[3]]),
            ("order", "lines", [[6, 0, {"1": 1}]]),
            ("order", "payment_ids", [[4, 1, {}]]),
            ("order", "picking_ids", ""),
            ("order", "picking_ids", {}),
            ("line", "attribute_value_ids", [[1, 1]]),
            ("line", "tax_ids", [[1, 1, None]]),
            ("line", "tax_ids", [[2, 1]]),
            ("line", "x", 1),
            ("line", "pack_lot_ids", [[0, 0, {"x": 1}]]),
            ("payment", "x", 1),
            # helper-100: a required value left out, a company no record is,
            # a journal entry the register named.
            ("line", "product_id", False),
            ("payment", "payment_date", False),
            ("line", "company_id", 3),
            ("payment", "company_id", 3),
            ("payment", "account_move_id", 1),
            ("order", "account_move", 1),
        ]:
            with self.subTest(where=where, name=name, value=value):
                data = self._order_with(where, name, value)
                if where == "line":
                    # Core finds a combo's lines by their line's uuid.
                    data["lines"][0][2].pop("uuid", None)
                self._assert_refused_as_not_valid(data)
        # A line named by a word, with commands of its own.
        data = self._order([(self.checkup, 1)])
        data["lines"].append([1, "abc", {"pack_lot_ids": [[2, 1]]}])
        self._assert_refused_as_not_valid(data)

    def test_a_line_of_negative_quantity_and_price_earns_as_the_audit_counts(self):
        # helper-97: one returned with no sale, at a negative price, charges
        # the bill; the sync earned on it and the audit said it earned on
        # nothing.
        credit = self.env["product.product"].create(
            {"name": "Credit note", "list_price": -60.0, "taxes_id": [(5, 0, 0)]}
        )
        order, error = self._sync_rpc(self._order([(credit, -1)]))
        self.assertIsNone(error)
        self.assertEqual(order.amount_total, 60.0)
        self.assertTrue(order.dental_loyalty_points_earned)
        self.assertLedgerIntegrity()

    def test_a_one_line_bill_rounded_globally_at_the_margin_goes(self):
        # Four taxes rounded over the bill: the line says 91.73, the bill
        # 91.71, two cents, the margin of one priced line, to the cent.
        self.company.tax_calculation_rounding_method = "round_globally"
        taxes = self.env["account.tax"].create(
            [
                {
                    "name": f"Tax {rate} %",
                    "amount": rate,
                    "price_include_override": "tax_excluded",
                }
                for rate in (2.9, 4.81, 1.0, 0.1)
            ]
        )
        kit = self.create_product(
            "Implant kit", self.categ_basic, 84.30, tax_ids=taxes.ids
        )
        data = self._order([(kit, 1)])
        data["lines"][0][2].update(price_subtotal=84.30, price_subtotal_incl=91.73)
        self._sent_as_paid(data, 91.71)
        order, error = self._sync_rpc(data)
        self.assertIsNone(error)
        self.assertEqual(self._wallet().points_balance, 91)
        self.assertLedgerIntegrity()

    def test_a_line_total_its_price_does_not_make_is_refused(self):
        # Two check-ups at 50.00 with a line that says 5.00: the order's total
        # is right, but the audits read the line, and would cry wolf.
        data = self._order([(self.checkup, 2), (self.checkup, 1)])
        sent = data["lines"][0][2]
        sent.update(price_subtotal=5.0, price_subtotal_incl=5.0)
        order, error = self._sync_rpc(data)
        self.assertIsNone(order)
        self.assertEqual(error["name"], "odoo.exceptions.UserError")
        self.assertRegex(error["message"], r"says \D*5\.00, but .* make \D*100\.00")
        self.assertFalse(self.env["pos.order"].search([("uuid", "=", data["uuid"])]))
        self.assertFalse(self._wallet().points_balance)
        # Within a cent, as a register may round it, the bill goes.
        sent.update(price_subtotal=100.01, price_subtotal_incl=100.01)
        order, error = self._sync_rpc(data)
        self.assertIsNone(error)
        self.assertEqual(self._wallet().points_balance, 150)
        self.assertLedgerIntegrity()

    def test_a_total_rounded_globally_earns_and_raises_no_alarm(self):
        # A clinic that rounds taxes globally: three lines of 10.08 with 5 %
        # tax are 10.58 each, and the register's total is 31.75, not 31.74.
        self.company.tax_calculation_rounding_method = "round_globally"
        tax = self.env["account.tax"].create(
            {"name": "VAT 5 %", "amount": 5.0, "price_include_override": "tax_excluded"}
        )
        floss = self.create_product("Floss", self.categ_basic, 10.08, tax_ids=tax.ids)
        data = self._order([(floss, 1), (floss, 1), (floss, 1)])
        for line in data["lines"]:
            line[2].update(price_subtotal=10.08, price_subtotal_incl=10.58)
        self._sent_as_paid(data, 31.75)
        order, error = self._sync_rpc(data)
        self.assertIsNone(error)
        self.assertEqual(self._wallet().points_balance, 31)
        self.assertLedgerIntegrity()

    def test_lines_of_no_amount_give_a_total_no_more_room(self):
        # One check-up and five free lines: the total may not run 6 cents over.
        free = self.create_product("Free sample", self.categ_basic, 0.0)
        data = self._order([(self.checkup, 1)] + [(free, 1)] * 5)
        self._sent_as_paid(data, 50.06)
        order, error = self._sync_rpc(data)
        self.assertIsNone(order)
        self.assertIn("is not what its lines add up to", error["message"])
        self.assertFalse(self._wallet().points_balance)

    def test_a_cashier_cannot_write_points_into_an_order(self):
        order = self._sync(self._order([(self.checkup, 2)]))  # 100 earned
        self._call(
            "pos.order",
            "write",
            [order.id],
            {"dental_loyalty_points_spent": 3000, "dental_loyalty_points_earned": 0},
        )
        order.invalidate_recordset()
        self.assertEqual(order.dental_loyalty_points_spent, 0)
        self.assertEqual(order.dental_loyalty_points_earned, 100)
        refund, error = self._sync_rpc(self._refund_data(order, points=-300))
        self.assertIsNone(refund)
        self.assertRegex(error["message"], r"at most \D*0\.00 \(0 points\)")
        self.assertEqual(self._wallet().points_balance, 100)

    def test_a_forged_sync_cannot_create_points(self):
        data = self._order([(self.checkup, 2)])
        data.update(
            partner_id=False,
            dental_loyalty_points_spent=3000,
            dental_loyalty_balance=99999,
            dental_loyalty_line_ids=[
                [0, 0, {"wallet_id": 1, "kind": "adjust", "points": 3000}]
            ],
        )
        order, error = self._sync_rpc(data)
        # The ledger is not the cashier's to write: the forged lines refuse the
        # whole sync (a register sends no such lines), and nothing of it is left.
        self.assertIsNone(order)
        self.assertIn(
            error["name"], ("odoo.exceptions.AccessError", "odoo.exceptions.UserError")
        )
        self.assertFalse(self.env["pos.order"].search([("uuid", "=", data["uuid"])]))
        self.assertFalse(
            self.env["dental.loyalty.ledger"].search([("points", "=", 3000)])
        )

    def test_a_refund_to_another_patient_over_the_wire(self):
        other = self.env["res.partner"].create({"name": "Hoa Le"})
        self._give_points(self.patient, 1000)
        order, error = self._sync_rpc(self._order([(self.checkup, 2)], points=30))
        self.assertIsNone(error)
        refund, error = self._sync_rpc(
            self._refund_data(order, points=-30, partner=other)
        )
        self.assertIsNone(error)
        self.assertEqual(self._wallet().points_balance, 1000)
        self.assertEqual(self._wallet(other).points_balance, 0)
        # The same refund again gives nothing more back.
        again, error = self._sync_rpc(
            self._refund_data(order, points=-30, partner=other)
        )
        self.assertIsNone(again)
        self.assertIn("left: 0)", error["message"])
        self.assertEqual(self._wallet().points_balance, 1000)

    def test_a_hold_asked_for_a_bigger_bill_does_not_pay_the_real_one(self):
        self._give_points(self.patient, 2000)
        data = self._order([(self.checkup, 3)], points=150, cash=0)
        offer, error = self._call(
            "pos.order",
            "dental_loyalty_reserve_points",
            self.config.id,
            data["uuid"],
            self.patient.id,
            15000.0,
        )
        self.assertIsNone(error)
        self.assertEqual(offer["max_amount"], 200)
        order, error = self._sync_rpc(data)
        self.assertIsNone(order)
        self.assertIn("At most", error["message"])
        self.assertEqual(self._wallet().points_available, 2000)
