import json
from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged

from .common_pos import DentalLoyaltyPosCommon, PosJsonRpcMixin
from .test_families import FamilyMixin

SPEND_CODE_REQUIRED = "needs the code sent to"


@tagged("post_install", "-at_install")
class TestSpendCodeDay(FamilyMixin, PosJsonRpcMixin, DentalLoyaltyPosCommon, HttpCase):
    """The spend code's threshold counts what the patient spent in the last 24
    hours by the server's clock, from every wallet they spend from: neither the
    register's time zone, nor a bill's date, nor a family joined in between
    splits one day's spend in two."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._set_loyalty_settings(spend_code_points=500)

    def setUp(self):
        super().setUp()
        self._give_points(self.patient, 2000)
        self.authenticate(self.cashier.login, self.cashier.login)

    def _bill(self, partner=None, **kwargs):
        """A bill of 200.00 paid with 40.00 of points: 400 points."""
        data = self._order([(self.checkup, 4)], points=40.0, partner=partner)
        data.update(kwargs)
        return data

    def _sync_in(self, data, tz=None):
        # What the register sends: plain JSON, in the time zone it says.
        return self._call_kw(
            "pos.order",
            "sync_from_ui",
            [[json.loads(json.dumps(data, default=str))]],
            {"context": {"tz": tz}} if tz else {},
        )

    def _assert_second_refused(self, error):
        self.assertTrue(error, "800 points in a day went without a code")
        self.assertIn(SPEND_CODE_REQUIRED, error["message"])

    def test_the_register_time_zone_does_not_move_the_day(self):
        # UTC-12 and UTC+14: two dates, always.
        _result, error = self._sync_in(self._bill(), "Etc/GMT+12")
        self.assertIsNone(error)
        _result, error = self._sync_in(self._bill(), "Etc/GMT-14")
        self._assert_second_refused(error)

    def test_a_hold_left_to_lapse_still_counts_today(self):
        # A lapsed hold still pays its bill at sync (a register that was
        # offline): letting it lapse must not make room for another spend.
        first = self._bill()
        offer, error = self._hold_rpc(first, 40.0)
        self.assertEqual((offer["points"], error), (400, None))
        self.env["dental.loyalty.reservation"].sudo().search(
            [("order_uuid", "=", first["uuid"])]
        ).expires_at = fields.Datetime.now() - timedelta(minutes=1)
        _result, error = self._sync_in(self._bill())
        self._assert_second_refused(error)
        _result, error = self._sync_in(first)
        self.assertIsNone(error)

    def test_a_bill_dated_yesterday_still_counts_today(self):
        yesterday = fields.Datetime.now() - timedelta(days=1)
        self._session_opened_at(yesterday - timedelta(days=1))
        data = self._bill(date_order=fields.Datetime.to_string(yesterday))
        _result, error = self._sync_in(data)
        self.assertIsNone(error)
        _result, error = self._sync_in(self._bill())
        self._assert_second_refused(error)

    def test_joining_a_family_does_not_open_a_new_day(self):
        holder = self.env["res.partner"].create({"name": "Family holder"})
        _result, error = self._sync_in(self._bill())
        self.assertIsNone(error)
        self._make_family(self.env, holder, self.patient)
        self._give_points(holder, 2000)
        _result, error = self._sync_in(self._bill())
        self._assert_second_refused(error)
        # The register's hold counts the member's day too.
        _result, error = self._call(
            "pos.order",
            "dental_loyalty_reserve_points",
            self.config.id,
            "family-day-hold",
            self.patient.id,
            200.0,
            40.0,
        )
        self._assert_second_refused(error)
