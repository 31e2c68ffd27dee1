import json

from odoo.tests import new_test_user

from odoo.addons.point_of_sale.tests.common import TestPoSCommon

from .common import DentalLoyaltyTestMixin, RequestEndMixin, add_points_payment_method


class DentalLoyaltyPosCommon(RequestEndMixin, DentalLoyaltyTestMixin, TestPoSCommon):
    """A register with cash and a Loyalty Points method, a cashier with nothing but
    Point of Sale rights, a patient, and the suite's programme and ladder for the
    test company (see DentalLoyaltyTestMixin)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The accounting test user sets the programme up as the clinic manager would.
        cls.env.user.groups_id += cls.env.ref(
            "dental_loyalty.group_dental_loyalty_manager"
        )
        cls._set_up_loyalty_programme(cls.company)
        cls.config = cls.basic_config
        cls.points_pm = add_points_payment_method(
            cls.config,
            receivable_account_id=cls.pos_receivable_bank.id,
            outstanding_account_id=cls.outstanding_bank.id,
        )
        cls.cashier = new_test_user(
            cls.env,
            login="dl_cashier",
            groups="base.group_user,point_of_sale.group_pos_user",
            company_id=cls.company.id,
            company_ids=[(6, 0, cls.company.ids)],
        )
        cls.patient = cls.env["res.partner"].create(
            {"name": "Minh Tran", "barcode": "0421234567890"}
        )
        cls.checkup = cls.create_product("Check-up", cls.categ_basic, 50.0)
        cls.cleaning = cls.create_product("Six-monthly cleaning", cls.categ_basic, 80.0)
        # The cleaning's 40 bonus points per unit: an earning rule, as the
        # migration makes of a service's bonus.
        cls.cleaning_bonus = cls.env["dental.loyalty.earning.rule"].create(
            {
                "name": "Service bonus: 40 points",
                "company_id": cls.company.id,
                "effect": "per_unit",
                "bonus_points": 40,
                "product_ids": [(6, 0, cls.cleaning.ids)],
                "tier_multiplied": True,
                "cap_points": 0,
                "combination": "add",
            }
        )
        cls.Ledger = cls.env["dental.loyalty.ledger"]
        cls.Wallet = cls.env["dental.loyalty.wallet"]

    def setUp(self):
        super().setUp()
        self.open_new_session()

    def _give_points(self, partner, points):
        wallet = partner._dental_loyalty_wallet(self.company)
        return self.env["dental.loyalty.wallet"]._post_lines(
            [
                {
                    "wallet_id": wallet.id,
                    "kind": "adjust",
                    "points": points,
                    "reason": "Test",
                }
            ]
        )

    def _session_opened_at(self, when):
        """The register's session as if it had been open since ``when``, for
        history synced under freeze_time: the server never dates a sale before
        its session opened (nor does the integrity check believe it)."""
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE pos_session SET start_at = LEAST(start_at, %s), "
            "create_date = LEAST(create_date, %s) WHERE id = %s",
            [when, when, self.pos_session.id],
        )
        self.pos_session.invalidate_recordset()

    def _session_reopened_now(self):
        """End the register's session (its history stays in it) and open today's,
        as a clinic does each morning."""
        self.pos_session.sudo().state = "closed"
        return self.open_new_session()

    def _sync(self, order_data, user=None):
        orders = self.env["pos.order"].with_user(user or self.cashier)
        # As a request: a refused sync leaves nothing behind.
        try:
            with self.env.cr.savepoint():
                result = orders.sync_from_ui([order_data])
        except Exception:
            self.env.invalidate_all()
            raise
        return self.env["pos.order"].browse(result["pos.order"][0]["id"])

    def _order(self, lines, cash=None, points=0.0, partner=None, uuid=None, **kwargs):
        """Order data as the POS sends it; paid with ``points`` worth of points and
        the rest in cash unless ``cash`` says otherwise."""
        data = self.create_ui_order_data(
            lines, customer=partner or self.patient, uuid=uuid
        )
        self._price_returns_as_sold(data)
        total = data["amount_total"]
        payments = []
        if points:
            payments.append((self.points_pm, points))
        cash = total - points if cash is None else cash
        if cash:
            payments.append((self.cash_pm1, cash))
        data = self.create_ui_order_data(
            lines,
            customer=partner or self.patient,
            payments=payments,
            uuid=data["uuid"],
        )
        return self._price_returns_as_sold(data)

    def _price_returns_as_sold(self, data):
        """Price each returned line as the register does: at the unit price,
        discount and taxes of the line it returns."""
        Line = self.env["pos.order.line"]
        for command in data["lines"]:
            vals = command[2]
            sold = Line.browse(vals.get("refunded_orderline_id") or [])
            if not sold or not sold.qty:
                continue
            ratio = vals["qty"] / sold.qty
            vals.update(
                price_unit=sold.price_unit,
                discount=sold.discount,
                tax_ids=[(6, 0, sold.tax_ids.ids)],
                price_subtotal=self.currency.round(sold.price_subtotal * ratio),
                price_subtotal_incl=self.currency.round(
                    sold.price_subtotal_incl * ratio
                ),
            )
        total = sum(command[2]["price_subtotal_incl"] for command in data["lines"])
        base = sum(command[2]["price_subtotal"] for command in data["lines"])
        data.update(amount_total=total, amount_tax=total - base)
        return data

    def _returns(self, order, quantities, points=0.0, sold=()):
        """Order data returning ``quantities`` (one per line of ``order``, None
        to leave a line out) and selling ``sold`` ((product, quantity) pairs);
        points given back are ``points`` (negative), the rest in cash."""
        lines = [
            {
                "product": line.product_id,
                "quantity": -quantity,
                "refunded_orderline_id": line.id,
            }
            for line, quantity in zip(order.lines, quantities, strict=True)
            if quantity is not None
        ]
        return self._order([*lines, *sold], points=points)

    def _refund_data(self, order, quantity=None, points=0.0, partner=None):
        """Refund data of ``quantity`` of each line of ``order`` (all of it),
        made out to ``partner`` (the order's patient by default)."""
        return self._order(
            [
                {
                    "product": line.product_id,
                    "quantity": -(quantity or line.qty),
                    "refunded_orderline_id": line.id,
                }
                for line in order.lines
            ],
            points=points,
            partner=partner,
        )

    def _wallet(self, partner=None):
        wallet = (partner or self.patient)._dental_loyalty_wallet(self.company)
        wallet.invalidate_recordset()
        return wallet


# What a JSON-RPC error names when the user may not do what was asked.
ACCESS_ERROR = "odoo.exceptions.AccessError"


class PosJsonRpcMixin:
    """Calls as a browser or a script sends them over JSON-RPC, for HttpCase
    classes logged in as the cashier."""

    def _call(self, model, method, *args):
        """(result, error message) of a call_kw request."""
        return self._call_kw(model, method, list(args), {})

    def _call_kw(self, model, method, args, kwargs):
        """(result, error message) of a call_kw request with keyword arguments."""
        response = self.url_open(
            f"/web/dataset/call_kw/{model}/{method}",
            data=json.dumps(
                {
                    "jsonrpc": "2.0",
                    "method": "call",
                    "id": 1,
                    "params": {
                        "model": model,
                        "method": method,
                        "args": args,
                        "kwargs": kwargs,
                    },
                },
                default=str,
            ),
            headers={"Content-Type": "application/json"},
        )
        body = response.json()
        if "error" in body:
            return None, body["error"]["data"]
        return body["result"], None

    def _offers_rpc(self, partner=None):
        """The patient's offers, as the register asks when they are chosen."""
        offers, error = self._call(
            "pos.order",
            "dental_loyalty_patient_offers",
            self.config.id,
            (partner or self.patient).id,
        )
        self.assertIsNone(error)
        return offers

    def _hold_rpc(self, data, amount):
        """(offer, error) of the register asking the server to hold points worth
        ``amount`` for the bill ``data``, as it does before a points payment."""
        return self._call(
            "pos.order",
            "dental_loyalty_reserve_points",
            self.config.id,
            data["uuid"],
            data["partner_id"],
            data["amount_total"],
            amount,
        )

    def _sync_rpc(self, data):
        # What the register sends: plain JSON.
        result, error = self._call(
            "pos.order", "sync_from_ui", [json.loads(json.dumps(data, default=str))]
        )
        if error:
            return None, error
        return self.env["pos.order"].browse(result["pos.order"][0]["id"]), None
