from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .common_pos import ACCESS_ERROR, PosJsonRpcMixin
from .test_pos_vouchers import VoucherRegisterCommon


@tagged("post_install", "-at_install", "dental_loyalty_slow")
class TestVoucherCodesOverTheWire(PosJsonRpcMixin, VoucherRegisterCommon, HttpCase):
    """Voucher codes are bearer codes: a cashier, over JSON-RPC, lists none, gets
    the codes of the bill's patient's own vouchers from the register's call,
    and a typed code still works; a transferable voucher used for someone else
    says so and is logged to whoever used it."""

    def setUp(self):
        super().setUp()
        self.authenticate(self.cashier.login, self.cashier.login)
        self.stranger = self.env["res.partner"].create({"name": "Stranger"})
        self.own = self._issue(self.ten_off)
        self.others = self._issue(self.ten_off, self.stranger) | self._issue(
            self.whitening_off, self.stranger
        )
        self.codes = set((self.own | self.others).mapped("code"))

    @mute_logger("odoo.http")
    def test_a_cashier_lists_no_code(self):
        for method, args in [
            ("search_read", ([], ["code"])),
            ("read", (self.others.ids, ["code"])),
            ("search", ([("code", "=", self.others[:1].code)],)),
            ("search_read", ([("code", "like", "A")], ["id"])),
        ]:
            with self.subTest(method=method, args=args):
                result, error = self._call("dental.loyalty.voucher", method, *args)
                self.assertIsNone(result)
                self.assertEqual(error["name"], ACCESS_ERROR)
        # Every field a cashier may read: not one is a code.
        rows, error = self._call("dental.loyalty.voucher", "search_read", [], [])
        self.assertIsNone(error)
        self.assertEqual(len(rows), 3)
        shown = {str(value) for row in rows for value in row.values()}
        self.assertFalse(self.codes & shown)
        self.assertIn(f"\u2022\u2022\u2022\u2022 {self.own.code[-4:]}", shown)
        # Nor the ledger lines of the vouchers, which the front desk reads.
        lines, error = self._call(
            "dental.loyalty.ledger",
            "search_read",
            [("res_model", "=", "dental.loyalty.voucher")],
            ["origin", "display_name", "reason"],
        )
        self.assertIsNone(error)
        self.assertEqual(len(lines), 3)
        shown = {str(value) for row in lines for value in row.values()}
        self.assertFalse(self.codes & shown)
        # Nor the names core reads under sudo(): a name search lists them all.
        names, error = self._call("dental.loyalty.voucher", "name_search", "")
        self.assertIsNone(error)
        self.assertEqual(len(names), 3)
        self.assertFalse(self.codes & {name for _id, name in names})

    def test_a_code_sent_to_its_patient_is_in_no_chatter(self):
        self._set_loyalty_settings(channel_voucher="both")
        self.stranger.write({"email": "hoa@example.com", "phone": "+84 912 345 678"})
        sent = self._issue(self.whitening_off, self.stranger)
        self._end_request()
        self.assertTrue(self.env["sms.sms"].search([("body", "like", sent.code)]))
        self.assertTrue(
            self.env["mail.mail"].search([("body_html", "like", sent.code)])
        )
        for model in ("dental.loyalty.voucher", "res.partner"):
            with self.subTest(model=model):
                rows, error = self._call(
                    "mail.message", "search_read", [("model", "=", model)], ["body"]
                )
                self.assertIsNone(error)
                self.assertFalse([row for row in rows if sent.code in row["body"]])

    def test_the_register_gets_the_patients_own_codes_only(self):
        self._issue(self.gift)  # handed at the desk, no use on a bill
        self._issue(self.whitening_off).action_cancel()
        # Cash in anyone's hands: typed from the patient's paper, not offered.
        self.free_cleaning.transferable = True
        self._issue(self.free_cleaning)
        offered, error = self._call(
            "pos.order",
            "dental_loyalty_patient_vouchers",
            self.config.id,
            self.patient.id,
        )
        self.assertIsNone(error)
        self.assertEqual([voucher["code"] for voucher in offered], [self.own.code])
        self.assertEqual(offered[0]["reward"], "10 off")
        for args, message in [
            ((self.config.id, "abc"), "Choose the patient"),
            ((self.config.id, 0), "Choose the patient"),
            (("abc", self.patient.id), "register is unknown"),
        ]:
            with self.subTest(args=args):
                result, error = self._call(
                    "pos.order", "dental_loyalty_patient_vouchers", *args
                )
                self.assertIsNone(result)
                self.assertIn(message, error["message"])

    def test_a_typed_code_still_works(self):
        line, error = self._call(
            "pos.order",
            "dental_loyalty_voucher_line",
            self.config.id,
            self.own.code.lower(),
            self.patient.id,
            100.0,
        )
        self.assertIsNone(error)
        self.assertEqual((line["code"], line["price_unit"]), (self.own.code, -10.0))
        self.assertEqual(line["label"], "10 off")
        self.assertFalse(line["transferred"])
        order, error = self._sync_rpc(
            self._voucher_order(
                [(self.checkup, 2)], [(self.own.code, self.discount_product, -10.0)]
            )
        )
        self.assertIsNone(error)
        self.assertEqual((self.own.state, self.own.pos_order_id), ("used", order))
        self.assertIn(
            f"Used on {order.pos_reference}.",
            self.own.message_ids.mapped("preview"),
        )

    def test_a_transferable_voucher_used_for_another_patient_is_logged(self):
        self.ten_off.transferable = True
        # The stranger's code, typed on Minh Tran's bill.
        voucher = self.others.filtered(lambda v: v.reward_id == self.ten_off)
        line, error = self._call(
            "pos.order",
            "dental_loyalty_voucher_line",
            self.config.id,
            voucher.code,
            self.patient.id,
            100.0,
        )
        self.assertIsNone(error)
        self.assertTrue(line["transferred"])
        self.assertEqual(line["label"], "10 off (transferable voucher)")
        order, error = self._sync_rpc(
            self._voucher_order(
                [(self.checkup, 2)], [(voucher.code, self.discount_product, -10.0)]
            )
        )
        self.assertIsNone(error)
        self.assertEqual((voucher.state, voucher.pos_order_id), ("used", order))
        self.assertIn(
            f"Used on {order.pos_reference} by {self.cashier.name}, for Minh Tran: "
            "a transferable voucher on someone else's bill.",
            voucher.message_ids.mapped("preview"),
        )

    @mute_logger("odoo.http")
    def test_the_front_desk_prints_only_the_vouchers_it_issued(self):
        self._give_points(self.patient, 300)
        issued, error = self._call(
            "pos.order",
            "dental_loyalty_redeem_reward",
            self.config.id,
            self.patient.id,
            self.ten_off.id,
        )
        self.assertIsNone(error)
        mine = self.Voucher.search([("code", "=", issued["code"])])
        action, error = self._call("dental.loyalty.voucher", "action_print", mine.ids)
        self.assertIsNone(error)
        self.assertEqual(action["type"], "ir.actions.report")
        page = self.url_open(f"/report/html/dental_loyalty.report_voucher/{mine.id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn(mine.code, page.text)
        self.assertIn(
            f"Printed by {self.cashier.name}.", mine.message_ids.mapped("preview")
        )
        # Someone else's voucher: no print, no code.
        _result, error = self._call(
            "dental.loyalty.voucher", "action_print", self.others.ids
        )
        self.assertEqual(error["name"], ACCESS_ERROR)
        page = self.url_open(
            f"/report/html/dental_loyalty.report_voucher/{self.others[0].id}"
        )
        self.assertNotIn(self.others[0].code, page.text)
