from datetime import timedelta

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import DentalLoyaltyCommon
from .test_rewards import RewardCatalogMixin


@tagged("post_install", "-at_install")
class TestVoucherBackoffice(RewardCatalogMixin, DentalLoyaltyCommon):
    """A voucher in the back office: past its date it reads Expired at once,
    before the nightly job; printed, it is in the clinic's layout with its
    name and the reward's conditions."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._make_catalog(cls.company)
        cls.company.name = "Smile Bright Clinic"
        cls.Voucher = cls.env["dental.loyalty.voucher"]

    def setUp(self):
        super().setUp()
        self._post(self.patient, "adjust", 500, reason="Test")
        self.voucher = self.Voucher._issue(
            self.patient._dental_loyalty_wallet(), self.ten_off
        )

    def _label(self, voucher):
        labels = dict(voucher._fields["status"]._description_selection(voucher.env))
        return labels[voucher.status]

    def test_a_voucher_past_its_date_reads_expired_at_once(self):
        Voucher = self.Voucher.with_user(self.manager)
        voucher = Voucher.browse(self.voucher.id)
        self.assertEqual(self._label(voucher), "Valid")
        self.assertEqual(self.patient.with_user(self.manager).loyalty_voucher_count, 1)
        yesterday = voucher.company_id._dental_loyalty_today() - timedelta(days=1)
        # As the clock does it: the date passes, no job has run yet.
        self.voucher.sudo().expiry_date = yesterday
        voucher.invalidate_recordset()
        self.assertEqual(voucher.state, "valid")
        self.assertEqual(self._label(voucher), "Expired")
        self.assertIn(voucher, Voucher.search([("status", "=", "expired")]))
        self.assertNotIn(voucher, Voucher.search([("status", "=", "valid")]))
        self.assertIn(voucher, Voucher.search([("status", "!=", "valid")]))
        self.patient.invalidate_recordset()
        self.assertEqual(self.patient.with_user(self.manager).loyalty_voucher_count, 0)
        # The nightly job still finds it and marks it; it reads the same.
        self.Voucher._cron_expire_vouchers()
        voucher.invalidate_recordset()
        self.assertEqual(voucher.state, "expired")
        self.assertEqual(self._label(voucher), "Expired")

    def test_status_searches_as_text_and_refuses_what_it_cannot(self):
        Voucher = self.Voucher.with_user(self.manager)
        yesterday = self.env.company._dental_loyalty_today() - timedelta(days=1)
        self.voucher.sudo().expiry_date = yesterday
        expired = [("id", "=", self.voucher.id)]
        for operator, value, found in (
            ("ilike", "exp", 1),
            ("like", "Expired", 1),
            ("like", "EXP", 0),
            ("=like", "exp%", 1),
            ("=ilike", "VAL%", 0),
            ("not ilike", "exp", 0),
            ("not like", "valid", 1),
            ("=?", False, 1),
            ("=?", "expired", 1),
            ("=?", "valid", 0),
            # No status has this name, NUL and all: nothing found, no crash.
            ("=", "exp\x00", 0),
            ("in", ["expired", "\x00"], 1),
            ("not in", ["\x00"], 1),
        ):
            with self.subTest(operator=operator, value=value):
                self.assertEqual(
                    Voucher.search_count([*expired, ("status", operator, value)]),
                    found,
                )
        for operator in ("child_of", "parent_of", ">"):
            with (
                self.subTest(operator=operator),
                self.assertRaisesRegex(
                    UserError,
                    f"cannot be searched by status with the operator {operator}",
                ),
            ):
                Voucher.search_count([("status", operator, "valid")])
        for operator, value in (
            ("in", [{"a": 1}]),
            ("=", {"a": 1}),
            ("in", [["valid"]]),
            ("=?", ["valid"]),
        ):
            with (
                self.subTest(operator=operator, value=value),
                self.assertRaisesRegex(UserError, "with status names, not"),
            ):
                Voucher.search_count([("status", operator, value)])

    def test_the_printed_voucher_has_the_clinic_and_its_conditions(self):
        self.ten_off.write({"max_coverage": 50.0, "description": "Ten off a visit"})
        html = (
            self.env["ir.actions.report"]
            .with_user(self.manager)
            ._render_qweb_html(
                "dental_loyalty.action_report_dental_loyalty_voucher",
                self.voucher.ids,
            )[0]
            .decode()
        )
        self.assertIn("Smile Bright Clinic", html)
        self.assertIn(self.voucher.code, html)
        self.assertIn("For Lan Nguyen only", html)
        self.assertIn("Covers at most 50 % of a bill", html)
        self.assertIn("One use, on one bill", html)
