from odoo.tests import HttpCase, tagged

from .test_held_rewards_over_the_wire import HeldRewardCommon


@tagged("post_install", "-at_install")
class TestVoucherRefusalsOverTheWire(HeldRewardCommon, HttpCase):
    """A refused voucher is named by its last signs, which the server's log
    repeats, never by its whole code; its owner is named only to a cashier
    who may read them."""

    def _line(self, code, partner, order_uuid=None):
        return self._call(
            "pos.order",
            "dental_loyalty_voucher_line",
            self.config.id,
            code,
            partner.id,
            100.0,
            0.0,
            None,
            order_uuid,
        )

    def test_refusals_and_the_log_carry_the_codes_last_signs_only(self):
        self._give_points(self.patient, 300)
        held, _error = self._hold("order-a", self.ten_off)
        held = self._voucher(held["code"])
        personal = self._issue(self.ten_off)
        used = self._issue(self.ten_off)
        self._sync(
            self._voucher_order(
                [(self.checkup, 2)], [(used.code, self.discount_product, -10.0)]
            )
        )
        stranger = self.env["res.partner"].create({"name": "Stranger"})
        with self.assertLogs("odoo.http", "WARNING") as logs:
            refusals = [
                (held, self._line(held.code, self.patient, "order-b")[1]),
                (personal, self._line(personal.code, stranger)[1]),
                (used, self._line(used.code, self.patient)[1]),
            ]
        for voucher, error in refusals:
            with self.subTest(message=error["message"]):
                self.assertIn(f"Voucher {voucher.code_hint} ", error["message"])
                self.assertNotIn(voucher.code, error["message"])
        self.assertIn("belongs to Minh Tran", refusals[1][1]["message"])
        log = "\n".join(logs.output)
        self.assertIn("on another bill being paid", log)
        for voucher in (held, personal, used):
            self.assertNotIn(voucher.code, log)

    def test_an_owner_the_cashier_may_not_read_is_not_named(self):
        other_company = self.env["res.company"].create({"name": "Other Clinic"})
        hidden = self.env["res.partner"].create(
            {"name": "Hidden Owner", "company_id": other_company.id}
        )
        self.assertFalse(hidden.with_user(self.cashier).has_access("read"))
        voucher = self._issue(self.ten_off, partner=hidden)
        _result, error = self._line(voucher.code, self.patient)
        self.assertIn("belongs to another patient", error["message"])
        self.assertNotIn("Hidden Owner", error["message"])
        self.assertFalse((error.get("context") or {}).get("partner_id"))
