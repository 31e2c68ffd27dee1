from odoo.tests import HttpCase, tagged
from odoo.tools import SQL

from .common_pos import PosJsonRpcMixin
from .test_pos_vouchers import VoucherRegisterCommon


@tagged("post_install", "-at_install")
class TestRefundPreviewOverTheWire(PosJsonRpcMixin, VoucherRegisterCommon, HttpCase):
    """The register asks, over JSON-RPC as a cashier, what a refund being rung
    up takes back and gives back (points earned by the returned lines, points
    it may give back and their worth in money): the answer is what the sync
    then settles, and a forged question gets a sentence, not a figure."""

    def setUp(self):
        super().setUp()
        self.authenticate(self.cashier.login, self.cashier.login)

    def _preview(self, returned, partner_id=None):
        return self._call(
            "pos.order",
            "dental_loyalty_refund_preview",
            self.config.id,
            self.patient.id if partner_id is None else partner_id,
            returned,
        )

    def _returned(self, sale, quantities):
        return [
            {"line_id": line.id, "qty": quantity}
            for line, quantity in zip(sale.lines, quantities, strict=True)
            if quantity
        ]

    def _points_sale(self, quantity, points):
        self._give_points(self.patient, 1000)
        sale, error = self._sync_rpc(
            self._order([(self.checkup, quantity)], points=points)
        )
        self.assertIsNone(error)
        return sale

    def _assertRefused(self, error, sentence):
        self.assertIsNotNone(error)
        self.assertEqual(error["name"], "odoo.exceptions.UserError")
        self.assertIn(sentence, error["message"])

    def test_the_preview_is_what_the_refund_settles(self):
        # 150.00: 450 points spent (45.00), 105.00 in cash earning 105 points.
        sale = self._points_sale(3, 45)
        preview, error = self._preview(self._returned(sale, [3]))
        self.assertIsNone(error)
        self.assertEqual(
            preview,
            {"take_back": 105, "give_back_points": 450, "give_back_amount": 45.0},
        )
        refund, error = self._sync_rpc(
            self._returns(sale, [3], points=-preview["give_back_amount"])
        )
        self.assertIsNone(error)
        self.assertEqual(refund.dental_loyalty_points_taken_back, 105)
        self.assertEqual(refund.dental_loyalty_points_given_back, 450)
        self.assertEqual(refund.dental_loyalty_amount_given_back, 45.0)
        self.assertEqual(self._wallet().points_balance, 1000)

    def test_partial_refunds_after_an_earlier_refund(self):
        # 200.00: 600 points (60.00), 140.00 in cash earning 140 points.
        sale = self._points_sale(4, 60)
        preview, error = self._preview(self._returned(sale, [1]))
        self.assertIsNone(error)
        self.assertEqual(
            preview,
            {"take_back": 35, "give_back_points": 150, "give_back_amount": 15.0},
        )
        _refund, error = self._sync_rpc(self._returns(sale, [1], points=-15))
        self.assertIsNone(error)
        # The same line in two pieces counts as one return of its sum.
        preview, error = self._preview(
            [
                {"line_id": sale.lines.id, "qty": 1.5},
                {"line_id": sale.lines.id, "qty": 1.5},
            ]
        )
        self.assertIsNone(error)
        self.assertEqual(
            preview,
            {"take_back": 105, "give_back_points": 450, "give_back_amount": 45.0},
        )
        # Beyond what is left after the first refund.
        _preview, error = self._preview(self._returned(sale, [4]))
        self._assertRefused(
            error, "more Check-up than is left to return (returned: 4, left: 3)"
        )

    def test_a_partial_refund_pays_in_money_what_whole_points_leave_over(self):
        # 350.00: 1,000 points spent (100.00), 250.00 in cash. Four of the
        # seven check-ups back are 571.43 points, given back whole (571,
        # 57.10) with the cash's share (142.86): the 0.43 point left over
        # comes back in money, and the preview's split is what the sync takes.
        sale = self._points_sale(7, 100)
        balance = self._wallet().points_balance
        preview, error = self._preview(self._returned(sale, [4]))
        self.assertIsNone(error)
        self.assertEqual(
            (preview["give_back_points"], preview["give_back_amount"]), (571, 57.1)
        )
        # More money than that is still refused, naming what the refund may pay.
        _refund, error = self._sync_rpc(self._returns(sale, [4], points=-57.0))
        self._assertRefused(error, "may pay back at most")
        self.assertRegex(error["message"], r"at most \D*142\.90 in money")
        # helper-114: a points line saying less than its whole points are worth
        # (57.09 for 571 points worth 57.10) left a cent more to take in cash.
        _refund, error = self._sync_rpc(self._returns(sale, [4], points=-57.09))
        self._assertRefused(error, "give back whole points at their worth")
        self.assertRegex(error["message"], r"571 points, worth \D*57\.10")
        refund, error = self._sync_rpc(
            self._returns(sale, [4], points=-preview["give_back_amount"])
        )
        self.assertIsNone(error)
        self.assertEqual(refund.dental_loyalty_points_given_back, 571)
        cash = refund.payment_ids.filtered(
            lambda payment: not payment.payment_method_id.dental_loyalty_points
        )
        self.assertAlmostEqual(sum(cash.mapped("amount")), -142.9)
        self.assertEqual(
            self._wallet().points_balance,
            balance + 571 - refund.dental_loyalty_points_taken_back,
        )
        self.assertLedgerIntegrity()

    def test_points_that_paid_less_than_their_value_come_back_as_they_paid(self):
        # helper-115: 44.95 paid with points takes 450 whole points (worth
        # 45.00). The refund of it all gives the 450 points back for what they
        # paid, 44.95, and the 105.05 in cash the sale took.
        sale = self._points_sale(3, 44.95)
        self.assertEqual(sale.dental_loyalty_points_spent, 450)
        # helper-116: the preview said 45.00, the cash 0.05 short.
        preview, error = self._preview(self._returned(sale, [3]))
        self.assertIsNone(error)
        self.assertEqual(
            (preview["give_back_points"], preview["give_back_amount"]), (450, 44.95)
        )
        refund, error = self._sync_rpc(self._returns(sale, [3], points=-44.95))
        self.assertIsNone(error)
        self.assertEqual(refund.dental_loyalty_points_given_back, 450)
        cash = refund.payment_ids.filtered(
            lambda payment: not payment.payment_method_id.dental_loyalty_points
        )
        self.assertAlmostEqual(sum(cash.mapped("amount")), -105.05)
        self.assertLedgerIntegrity()

    def test_a_sale_paid_in_cash_gives_nothing_back_in_points(self):
        sale, error = self._sync_rpc(self._order([(self.checkup, 2)]))
        self.assertIsNone(error)  # 100 points earned
        preview, error = self._preview(self._returned(sale, [1]))
        self.assertIsNone(error)
        self.assertEqual(
            preview, {"take_back": 50, "give_back_points": 0, "give_back_amount": 0.0}
        )

    def test_an_over_refund_in_points_is_refused_in_money_and_points(self):
        sale = self._points_sale(3, 45)
        balance = self._wallet().points_balance
        # One check-up back may give 150 points (15.00) back; 20.00 is asked.
        data = self._returns(sale, [1], points=-20)
        refund, error = self._sync_rpc(data)
        self.assertIsNone(refund)
        self._assertRefused(error, "more than is left to give back")
        self.assertRegex(
            error["message"], r"gives back \D*20\.00 in points \(200 points\)"
        )
        self.assertRegex(error["message"], r"at most \D*15\.00 \(150 points\)")
        self.assertFalse(self.env["pos.order"].search([("uuid", "=", data["uuid"])]))
        self.assertEqual(self._wallet().points_balance, balance)

    def test_points_back_from_a_sale_without_points_are_refused_in_money(self):
        data = self._order([(self.checkup, 2)])
        data["partner_id"] = False  # no patient: no points moved
        sale, error = self._sync_rpc(data)
        self.assertIsNone(error)
        preview, error = self._preview(self._returned(sale, [1]), partner_id=False)
        self.assertIsNone(error)
        self.assertEqual(
            preview, {"take_back": 0, "give_back_points": 0, "give_back_amount": 0.0}
        )
        refund, error = self._sync_rpc(self._returns(sale, [1], points=-5))
        self.assertIsNone(refund)
        self._assertRefused(error, "spent none")
        message = error["message"]
        self.assertRegex(message, r"gives back \D*5\.00 in points \(50 points\)")
        self.assertRegex(message, r"at most \D*0\.00 \(0 points\)")

    def test_forged_questions_get_a_sentence(self):
        sale = self._points_sale(3, 45)
        line_id = sale.lines.id
        forged = [
            ("not a list", "no lines to refund"),
            ([], "no lines to refund"),
            ([{"line_id": line_id}], "no lines to refund"),
            ([{"line_id": line_id, "qty": 1, "price": 99}], "no lines to refund"),
            ([{"line_id": line_id, "qty": 1}] * 501, "no lines to refund"),
            ([line_id], "no lines to refund"),
        ]
        unknown = "returns a line no paid sale of this clinic sold"
        for bad_id in (0, -1, 2**31, 2**31 - 1, True, "1", 1.0, None):
            forged.append(([{"line_id": bad_id, "qty": 1}], unknown))
        positive = "a positive quantity"
        for bad_qty in (0, -1, 1e7, True, "1", None, [1]):
            forged.append(([{"line_id": line_id, "qty": bad_qty}], positive))
        for returned, sentence in forged:
            with self.subTest(returned=str(returned)[:60]):
                preview, error = self._preview(returned)
                self.assertIsNone(preview)
                self._assertRefused(error, sentence)
        # A patient who is not one, a register that is not one.
        _preview, error = self._preview(self._returned(sale, [1]), partner_id="1")
        self._assertRefused(error, "Choose the patient first.")
        _preview, error = self._call(
            "pos.order",
            "dental_loyalty_refund_preview",
            2**31,
            self.patient.id,
            self._returned(sale, [1]),
        )
        self._assertRefused(error, "This register is unknown.")

    def test_lines_that_are_not_a_paid_sale_of_this_clinic(self):
        sale = self._points_sale(3, 45)
        refund, error = self._sync_rpc(self._returns(sale, [1], points=-15))
        self.assertIsNone(error)
        unknown = "returns a line no paid sale of this clinic sold"
        # A refund's own line is no sale's.
        _preview, error = self._preview(self._returned(refund, [1]))
        self._assertRefused(error, unknown)
        # Lines of two sales at once.
        other, error = self._sync_rpc(self._order([(self.cleaning, 1)]))
        self.assertIsNone(error)
        _preview, error = self._preview(
            self._returned(sale, [1]) + self._returned(other, [1])
        )
        self._assertRefused(error, "refund one at a time")

    def test_another_clinics_sale_is_unknown(self):
        # A sale of this clinic without a patient (no points), moved to
        # another clinic: its line exists, the cashier may not read it.
        data = self._order([(self.checkup, 1)])
        data["partner_id"] = False
        sale, error = self._sync_rpc(data)
        self.assertIsNone(error)
        clinic_b = self.env["res.company"].create({"name": "Clinic B"})
        self.env.flush_all()
        for table, column in (("pos_order", "id"), ("pos_order_line", "order_id")):
            self.env.cr.execute(
                SQL(
                    "UPDATE %s SET company_id = %s WHERE %s = %s",
                    SQL.identifier(table),
                    clinic_b.id,
                    SQL.identifier(column),
                    sale.id,
                )
            )
        self.env.invalidate_all()
        _preview, error = self._preview(self._returned(sale, [1]))
        self._assertRefused(error, "returns a line no paid sale of this clinic sold")
        # A cashier of both clinics, working in both, reads the line: at this
        # clinic's register it is still no sale of this clinic.
        self.cashier.write({"company_ids": [(4, clinic_b.id)]})
        both = {"allowed_company_ids": [self.company.id, clinic_b.id]}
        _preview, error = self._call_kw(
            "pos.order",
            "dental_loyalty_refund_preview",
            [self.config.id, self.patient.id, self._returned(sale, [1])],
            {"context": both},
        )
        self._assertRefused(error, "returns a line no paid sale of this clinic sold")
        self.assertTrue(sale.with_user(self.cashier).with_context(**both).lines.read())
