import math
import numbers

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, float_compare, float_round
from odoo.tools.misc import formatLang

from ..rules import (
    SaleLine,
    cumulative_refund_share,
    is_recall_on_time,
    refund_money_cap,
)
from .dental_loyalty_input import MAX_AMOUNT, is_record_id

PAID_STATES = ("paid", "done", "invoiced")
# Context values no JSON-RPC call can forge: only the server's own code sets
# them. A register's sync holds ``_IN_SYNC``; ``_SETTLES`` tells that the
# caller settles the order once it is paid; ``_CREATING`` that lines are
# created with their new order.
_IN_SYNC = object()
_SETTLES = object()
_CREATING = object()
# What a paid order is worth, and whose it is: only its sync sets them.
_ORDER_VALUE_FIELDS = (
    "amount_total",
    "amount_paid",
    "amount_tax",
    "amount_return",
    "partner_id",
    "session_id",
    "company_id",
    # The taxes and prices its refunds are recomputed with.
    "fiscal_position_id",
    "pricelist_id",
)
# A register's order uuid is 36 characters; anything much longer is not one.
_MAX_UUID_LENGTH = 64


class PosOrder(models.Model):
    """The POS adapter of the loyalty engine: it turns a paid order or a refund
    into plain figures (lines, money paid with points, the sale refunded) and lets
    the wallet settle them. Every figure shown here is read from the ledger."""

    _inherit = "pos.order"

    dental_loyalty_line_ids = fields.One2many(
        "dental.loyalty.ledger", "pos_order_id", string="Loyalty Ledger Lines"
    )
    dental_loyalty_points_earned = fields.Integer(
        string="Loyalty Points Earned",
        compute="_compute_dental_loyalty_points",
        compute_sudo=True,
        help="Points this order earned (negative on a refund: points taken back).",
    )
    dental_loyalty_points_spent = fields.Integer(
        string="Loyalty Points Spent",
        compute="_compute_dental_loyalty_points",
        compute_sudo=True,
        help="Points this order spent (negative on a refund: points given back).",
    )
    dental_loyalty_recall_points = fields.Integer(
        string="Recall Bonus",
        compute="_compute_dental_loyalty_points",
        compute_sudo=True,
        help="Of the points earned, the bonus for coming back on time for a recall "
        "service.",
    )
    dental_loyalty_balance = fields.Integer(
        string="Patient's Spendable Points",
        compute="_compute_dental_loyalty_wallet_figures",
        compute_sudo=True,
    )
    dental_loyalty_pending = fields.Integer(
        string="Patient's Pending Points",
        compute="_compute_dental_loyalty_wallet_figures",
        compute_sudo=True,
    )
    dental_loyalty_pending_date = fields.Date(
        string="Next Points Spendable On",
        compute="_compute_dental_loyalty_wallet_figures",
        compute_sudo=True,
        help="The day the patient's next pending points become spendable.",
    )
    dental_loyalty_tier_name = fields.Char(
        string="Patient's Loyalty Tier",
        compute="_compute_dental_loyalty_wallet_figures",
        compute_sudo=True,
    )
    dental_loyalty_practitioner_id = fields.Many2one(
        "hr.employee",
        string="Practitioner",
        check_company=True,
        index="btree_not_null",
        ondelete="restrict",
        help="Who treated the patient: a reward used on this bill is charged to "
        "them for their share.",
    )
    dental_loyalty_visit_time = fields.Datetime(
        string="Visit Time as the Server Knows It",
        compute="_compute_dental_loyalty_visit_time",
        store=True,
        readonly=True,
        copy=False,
        help="The register's date of the sale, never before its session opened "
        "nor after the server heard of the sale: the recall window, the last "
        "visit and the loyalty lines count from it.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        now = fields.Datetime.now()
        for vals in vals_list:
            session_id = vals.get("session_id")
            # Stamped when the server hears of the order, whatever was sent.
            vals["dental_loyalty_visit_time"] = self._dental_loyalty_known_time(
                fields.Datetime.to_datetime(vals.get("date_order")),
                self.env["pos.session"].browse(
                    session_id if isinstance(session_id, int) else ()
                ),
                now,
            )
        # The lines an order is created with are its own, whatever its state.
        creating = self.with_context(dental_loyalty_creating=_CREATING)
        return super(PosOrder, creating).create(vals_list).with_env(self.env)

    def write(self, vals):
        self._dental_loyalty_check_value_change(vals)
        self._dental_loyalty_check_state_change(vals)
        if "dental_loyalty_visit_time" in vals:
            # The server's stamp: neither a register nor a user rewrites it.
            vals = {
                key: value
                for key, value in vals.items()
                if key != "dental_loyalty_visit_time"
            }
        return super().write(vals)

    def _dental_loyalty_check_value_change(self, vals):
        """Refuse to change what a paid order carrying loyalty lines is worth
        or whose it is: its refunds are priced from it and act on its wallet."""
        changed = [name for name in _ORDER_VALUE_FIELDS if name in vals]
        if not changed or self._dental_loyalty_engine_writes():
            return
        for order in self._dental_loyalty_locked():
            for name in changed:
                field = self._fields[name]
                new = field.convert_to_cache(vals[name], order)
                old = order._fields[name].convert_to_cache(order[name], order)
                if field.type in ("float", "monetary"):
                    if order.currency_id.is_zero((new or 0.0) - (old or 0.0)):
                        continue
                elif new == old:
                    continue
                raise UserError(
                    self.env._(
                        "%(order)s is paid and has settled loyalty points: its "
                        "%(field)s cannot be changed.",
                        order=order._dental_loyalty_label(),
                        field=field._description_string(self.env),
                    )
                )

    def _dental_loyalty_check_state_change(self, vals):
        """A paid order stays paid (closing its session marks it done): one
        cancelled or reopened by hand would drop out of what its refunds count,
        or let its lines be rewritten."""
        state = vals.get("state")
        if not state or state in PAID_STATES or self._dental_loyalty_engine_writes():
            return
        paid = self.filtered(lambda order: order.state in PAID_STATES)
        if paid:
            raise UserError(
                self.env._(
                    "%s is paid: it cannot be reopened nor cancelled. Refund it "
                    "instead.",
                    paid[0]._dental_loyalty_label(),
                )
            )

    def _dental_loyalty_engine_writes(self):
        """Whether the register's sync or the engine itself writes."""
        return self.env.su or self.env.context.get("dental_loyalty_sync") is _IN_SYNC

    def _dental_loyalty_locked(self):
        """The orders whose lines and value no one but the engine changes: those
        paid, or carrying loyalty ledger lines."""
        # Whether an order has ledger lines, whoever asks: the cashier may not
        # read them, and the answer shows nothing of them.
        return self.filtered(
            lambda order: (
                order.state in PAID_STATES or order.sudo().dental_loyalty_line_ids
            )
        )

    # No dependencies: create stamps every new order, and a later write of its
    # date or session moves nothing. This fills the orders already there when
    # the addon is installed, heard of when they were created.
    @api.depends()
    def _compute_dental_loyalty_visit_time(self):
        now = fields.Datetime.now()
        for order in self:
            order.dental_loyalty_visit_time = self._dental_loyalty_known_time(
                order.date_order, order.session_id, order.create_date or now
            )

    @api.model
    def _dental_loyalty_known_time(self, date_order, session, heard):
        """``date_order`` as far as the server can vouch for it: not before
        ``session`` opened, not after ``heard``, when the server heard of it."""
        # Point of Sale users may write start_at; nobody writes create_date.
        opened = max(
            filter(None, (session.start_at, session.create_date)), default=heard
        )
        return min(max(date_order or heard, opened), heard)

    def _dental_loyalty_visit_date(self):
        """The day of the sale as the server knows it: the one date every
        loyalty decision about this order counts from (recall window, last
        visit, voucher validity, the day of its ledger lines)."""
        self.ensure_one()
        return fields.Date.context_today(self, self.dental_loyalty_visit_time)

    @api.depends("dental_loyalty_line_ids.points", "dental_loyalty_line_ids.kind")
    def _compute_dental_loyalty_points(self):
        earning_kinds = self.env["dental.loyalty.ledger"]._earning_kinds()
        for order in self:
            lines = order.dental_loyalty_line_ids
            order.dental_loyalty_points_earned = sum(
                line.points for line in lines if line.kind in earning_kinds
            )
            order.dental_loyalty_points_spent = -sum(
                line.points for line in lines if line.kind in ("spend", "spend_return")
            )
            order.dental_loyalty_recall_points = sum(
                line.points for line in lines if line.kind == "recall"
            )

    @api.depends("dental_loyalty_line_ids", "partner_id", "company_id")
    def _compute_dental_loyalty_wallet_figures(self):
        for order in self:
            wallet = order._dental_loyalty_wallet()
            order.dental_loyalty_balance = wallet.points_available
            order.dental_loyalty_pending = wallet.points_pending
            order.dental_loyalty_pending_date = (
                wallet.points_pending and wallet._next_release_date()
            )
            order.dental_loyalty_tier_name = wallet.tier_id.name or False

    def _dental_loyalty_wallet(self):
        """The wallet the order's points went to (a refund's is its sale's), or
        the one the patient pays from (their family's, else their own), without
        creating one."""
        self.ensure_one()
        wallet = self.dental_loyalty_line_ids.wallet_id[:1]
        if wallet or not self.partner_id:
            return wallet
        return (
            self.env["dental.loyalty.wallet"]
            .search(
                [
                    ("partner_id", "=", self.partner_id.id),
                    ("company_id", "=", self.company_id.id),
                ],
                limit=1,
            )
            ._paying_wallet()
        )

    # ------------------------------------------------------------------
    # Asked by the register before the money is taken
    # ------------------------------------------------------------------

    @api.model
    def dental_loyalty_reserve_points(
        self, config_id, order_uuid, partner_id, order_total, amount=None
    ):
        """Check a points payment and hold its points for this order.

        ``amount=None`` asks for the most the patient may pay with points. Returns
        the amount granted, the points it takes and the maximum; raises a
        UserError the cashier can read when the payment is not allowed."""
        config = self._dental_loyalty_register(config_id, order_uuid)
        partner = self._dental_loyalty_patient(
            partner_id, self.env._("Choose the patient before paying with points.")
        )
        currency = config.currency_id
        order_total = self._dental_loyalty_check_amount(order_total, currency)
        if amount is not None:
            amount = self._dental_loyalty_check_amount(amount, currency, positive=True)
        wallet = partner._dental_loyalty_wallet(config.company_id)
        return wallet._reserve_points(order_uuid, order_total, amount, config)

    @api.model
    def dental_loyalty_release_points(self, config_id, order_uuid):
        """The register dropped the order's points payment line, the order or its
        patient: the points it held are free again at once."""
        config = self._dental_loyalty_register(config_id, order_uuid)
        # Holds are the engine's bookkeeping: cashiers have no rights on them.
        return (
            self.env["dental.loyalty.reservation"].sudo()._release(order_uuid, config)
        )

    @api.model
    def dental_loyalty_rewards(self, config_id, partner_id):
        """The catalog rewards the patient is allowed, each with its cost and the
        points left after it; those the patient cannot afford say so."""
        config = self._dental_loyalty_register(config_id)
        patient = self._dental_loyalty_patient(partner_id)
        wallet = patient._dental_loyalty_wallet(config.company_id)
        # A preview: the engine checks again, under the wallet's lock, at redeem.
        # The catalog and the holds are the engine's: cashiers read them here.
        Reward = self.env["dental.loyalty.reward"].sudo()
        spendable, _own, _others = (
            self.env["dental.loyalty.reservation"]
            .sudo()
            ._spendable_for(wallet, "rewards")
        )
        return {
            "spendable": spendable,
            "rewards": [
                {
                    "id": reward.id,
                    "name": reward.name,
                    "description": reward.description or "",
                    "kind": reward.kind,
                    "points_cost": reward.points_cost,
                    "points_after": spendable - reward.points_cost,
                    "affordable": spendable >= reward.points_cost,
                }
                for reward in Reward._available_to(wallet, patient=patient)
            ],
        }

    @api.model
    def dental_loyalty_redeem_reward(self, config_id, partner_id, reward_id):
        """Exchange the patient's points for a reward; returns the voucher's code
        and expiry. The engine decides and says why when it refuses."""
        config = self._dental_loyalty_register(config_id)
        patient = self._dental_loyalty_patient(partner_id)
        wallet = patient._dental_loyalty_wallet(config.company_id)
        reward_id = self._dental_loyalty_check_id(
            reward_id, self.env._("This reward is unknown.")
        )
        reward = self.env["dental.loyalty.reward"].browse(reward_id).exists()
        # Another clinic's reward is as unknown here as one that never was.
        if not reward or not reward.has_access("read"):
            raise UserError(self.env._("This reward is unknown."))
        voucher = self.env["dental.loyalty.voucher"]._issue(wallet, reward, patient)
        return {
            # The cashier who issued the voucher hands its code to the patient.
            "code": voucher.sudo().code,
            "kind": reward.kind,
            "reward": reward.name,
            "expiry_date": fields.Date.to_string(voucher.expiry_date),
            "spendable": wallet.points_available,
        }

    @api.model
    def dental_loyalty_voucher_line(
        self, config_id, code, partner_id, bill_total, covered=0.0
    ):
        """Check a voucher code typed or scanned at the register and answer with
        the line to add to a bill of ``bill_total`` (before vouchers), of which
        other vouchers already cover ``covered``."""
        config = self._dental_loyalty_register(config_id)
        bill_total = self._dental_loyalty_check_amount(bill_total, config.currency_id)
        covered = self._dental_loyalty_check_amount(covered, config.currency_id)
        partner = self.env["res.partner"]
        if partner_id:
            partner = self._dental_loyalty_patient(partner_id)
        voucher = self.env["dental.loyalty.voucher"]._from_code(code, config.company_id)
        refusal = voucher._refusal(partner, fields.Date.context_today(self))
        if refusal:
            raise UserError(refusal)
        return voucher._line_for_bill(bill_total, covered, partner)

    @api.model
    def dental_loyalty_patient_vouchers(self, config_id, partner_id):
        """The bill's patient's own vouchers a bill can use today, with their
        codes: the register offers them; any other code must be typed. A
        transferable voucher is cash in anyone's hands: it is typed from the
        patient's paper or message, never handed to the register by name."""
        config = self._dental_loyalty_register(config_id)
        patient = self._dental_loyalty_patient(partner_id)
        today = fields.Date.context_today(self)
        # Codes are for managers only: the engine reads those of the patient
        # the cashier named (and may read), in the register's company.
        vouchers = (
            self.env["dental.loyalty.voucher"]
            .sudo()
            .search(
                [
                    ("partner_id", "=", patient.id),
                    ("company_id", "=", config.company_id.id),
                    ("state", "=", "valid"),
                    ("expiry_date", ">=", today),
                    ("kind", "!=", "gift"),
                    ("reward_id.transferable", "=", False),
                ],
                order="expiry_date, id",
            )
        )
        return [
            {
                "code": voucher.code,
                "reward": voucher.reward_id.name,
                "kind": voucher.kind,
                "expiry_date": fields.Date.to_string(voucher.expiry_date),
            }
            for voucher in vouchers
            if not voucher._refusal(patient, today)
        ]

    @api.model
    def dental_loyalty_practitioners(self, config_id):
        """The practitioners a cashier can name on a bill."""
        config = self._dental_loyalty_register(config_id)
        employees = (
            self.env["hr.employee"]
            .sudo()  # Cashiers pick a name; they need no access to HR records.
            .search_fetch(
                [("company_id", "in", (config.company_id.id, False))],
                ["name"],
                order="name",
            )
        )
        return [{"id": employee.id, "name": employee.name} for employee in employees]

    @api.model
    def _dental_loyalty_patient(self, partner_id, message=None):
        """The patient the register names, readable by the cashier."""
        message = message or self.env._("Choose the patient first.")
        partner_id = self._dental_loyalty_check_id(partner_id, message)
        partner = self.env["res.partner"].browse(partner_id).exists()
        if not partner:
            raise UserError(message)
        partner.check_access("read")
        return partner

    @api.model
    def _dental_loyalty_register(self, config_id, order_uuid="-"):
        """The register asking, after checking who asks and what they sent."""
        if not self.env.user.has_group("point_of_sale.group_pos_user"):
            raise AccessError(self.env._("Only Point of Sale users pay with points."))
        config_id = self._dental_loyalty_check_id(
            config_id, self.env._("This register is unknown.")
        )
        if (
            not isinstance(order_uuid, str)
            or not order_uuid.strip()
            or len(order_uuid) > _MAX_UUID_LENGTH
        ):
            raise UserError(self.env._("This order is unknown to the server."))
        config = self.env["pos.config"].browse(config_id).exists()
        if not config:
            raise UserError(self.env._("This register is unknown."))
        config.check_access("read")
        return config

    @api.model
    def _dental_loyalty_check_id(self, value, message):
        """An id a register sends: an int of the database's range, else
        ``message``."""
        if not is_record_id(value):
            raise UserError(message)
        return value

    @api.model
    def _dental_loyalty_check_amount(self, value, currency=None, positive=False):
        """An amount of money a register sends: a finite number, not negative,
        below what a clinic ever bills, rounded to ``currency`` (the company's
        by default); ``positive`` asks for at least its smallest coin."""
        if (
            isinstance(value, bool)
            or not isinstance(value, numbers.Real)
            or not math.isfinite(value)
        ):
            raise UserError(
                self.env._("The amount sent by the register is not a number.")
            )
        if value < 0:
            raise UserError(self.env._("A points payment cannot be negative here."))
        currency = currency or self.env.company.currency_id
        if value > MAX_AMOUNT:
            raise UserError(
                self.env._(
                    "The amount sent by the register is more than a clinic bills: "
                    "at most %s.",
                    formatLang(self.env, MAX_AMOUNT, currency_obj=currency),
                )
            )
        value = currency.round(value)
        if positive and currency.is_zero(value):
            raise UserError(
                self.env._(
                    "A points payment is at least %s.",
                    formatLang(self.env, currency.rounding, currency_obj=currency),
                )
            )
        return value

    # ------------------------------------------------------------------
    # Settled by the server when the order is paid
    # ------------------------------------------------------------------

    @api.model
    def sync_from_ui(self, orders):
        # The register is a witness: what it sends is checked before core
        # turns it into records, so a forged value gets a message.
        if not isinstance(orders, list):
            raise UserError(self.env._("The register sent no orders."))
        for order in orders:
            self._dental_loyalty_check_payload(order)
        return super().sync_from_ui(orders)

    @api.model
    def _process_order(self, order, existing_order):
        # Within a register's sync, which settles what it pays with points.
        return super(
            PosOrder, self.with_context(dental_loyalty_sync=_IN_SYNC)
        )._process_order(order, existing_order)

    @api.model
    def _dental_loyalty_check_payload(self, order):
        """Raise a UserError naming the first field of the register's order
        whose value no register sends."""
        if not isinstance(order, dict):
            raise UserError(self.env._("The register sent an order that is not one."))
        Line = self.env["pos.order.line"]
        Payment = self.env["pos.payment"]
        session_id = order.get("session_id")
        session = self.env["pos.session"].browse(
            session_id if is_record_id(session_id) else ()
        )
        if not session.exists():
            self._dental_loyalty_refuse_field(self, "session_id")
        date_order = order.get("date_order")
        if date_order:
            try:
                fields.Datetime.to_datetime(date_order)
            except (TypeError, ValueError):
                self._dental_loyalty_refuse_field(self, "date_order")
        practitioner_id = order.get("dental_loyalty_practitioner_id")
        if practitioner_id:
            company = session.sudo().config_id.company_id
            # Cashiers have no HR rights: the engine checks the employee the
            # register named is one of the register's company.
            practitioner = (
                self.env["hr.employee"]
                .sudo()
                .browse(practitioner_id if is_record_id(practitioner_id) else ())
                .exists()
            )
            if not practitioner:
                raise UserError(
                    self.env._("The practitioner named on the bill is unknown.")
                )
            if practitioner.company_id not in (company, self.env["res.company"]):
                raise UserError(
                    self.env._("The bill names a practitioner of another company.")
                )
        for vals in self._dental_loyalty_payload_values(order, "lines"):
            for name in ("qty", "price_unit", "discount"):
                # A line rung up by a click sends no discount: false, as core
                # reads an empty number.
                value = vals.get(name)
                if value not in (None, False) and not self._dental_loyalty_is_figure(
                    value
                ):
                    self._dental_loyalty_refuse_field(Line, name)
            if not 0 <= (vals.get("discount") or 0) <= 100:
                self._dental_loyalty_refuse_field(Line, "discount")
            refunded_id = vals.get("refunded_orderline_id")
            if refunded_id and not (
                is_record_id(refunded_id) and Line.browse(refunded_id).exists()
            ):
                self._dental_loyalty_refuse_field(Line, "refunded_orderline_id")
        for vals in self._dental_loyalty_payload_values(order, "payment_ids"):
            if not self._dental_loyalty_is_figure(vals.get("amount", 0.0)):
                self._dental_loyalty_refuse_field(Payment, "amount")
            method_id = vals.get("payment_method_id")
            if not (
                is_record_id(method_id)
                and self.env["pos.payment.method"].browse(method_id).exists()
            ):
                self._dental_loyalty_refuse_field(Payment, "payment_method_id")

    @api.model
    def _dental_loyalty_payload_values(self, order, name):
        """The values of the lines or payments the register's order creates or
        updates."""
        commands = order.get(name) or []
        if not isinstance(commands, list):
            self._dental_loyalty_refuse_field(self, name)
        values = []
        for command in commands:
            if (
                not isinstance(command, (list, tuple))
                or len(command) != 3
                or not isinstance(command[2], dict)
            ):
                if (
                    isinstance(command, (list, tuple))
                    and command
                    and command[0]
                    in (
                        fields.Command.DELETE,
                        fields.Command.UNLINK,
                    )
                ):
                    continue
                self._dental_loyalty_refuse_field(self, name)
            if command[0] in (fields.Command.CREATE, fields.Command.UPDATE):
                values.append(command[2])
        return values

    @api.model
    def _dental_loyalty_is_figure(self, value):
        """A quantity, price or amount a register sends: a finite number below
        what a clinic ever bills."""
        return (
            not isinstance(value, bool)
            and isinstance(value, numbers.Real)
            and math.isfinite(value)
            and abs(value) <= MAX_AMOUNT
        )

    @api.model
    def _dental_loyalty_refuse_field(self, model, name):
        raise UserError(
            self.env._(
                "The register sent a value for %(field)s that is not valid.",
                field=model._fields[name]._description_string(self.env),
            )
        )

    def action_pos_order_paid(self):
        if self.env.context.get("dental_loyalty_settles") is _SETTLES:
            return super().action_pos_order_paid()
        # Paid outside of a register's sync or the payment form: settle here,
        # and only the sync's settlement takes points for a points payment.
        self.ensure_one()
        if self.state != "draft":
            return super().action_pos_order_paid()
        if self.currency_id.compare_amounts(self._dental_loyalty_points_paid(), 0):
            raise UserError(
                self.env._(
                    "%s is paid with loyalty points: only the register settles it.",
                    self._dental_loyalty_label(),
                )
            )
        # What was paid is what its payments pay, not what was written on it,
        # as core recomputes it at sync.
        self.with_context(backend_recomputation=True).write(
            {"amount_paid": sum(self.payment_ids.mapped("amount"))}
        )
        result = super().action_pos_order_paid()
        if self.state in PAID_STATES:
            self._dental_loyalty_settle()
        return result

    def _process_saved_order(self, draft):
        order_id = super(
            PosOrder, self.with_context(dental_loyalty_settles=_SETTLES)
        )._process_saved_order(draft)
        if self.state in PAID_STATES:
            self._dental_loyalty_settle()
        return order_id

    def _dental_loyalty_settle(self):
        """Hand the paid order to the loyalty engine: its sold lines as a sale,
        its returned lines as a refund of the sale they come from; an order may
        hold both, and settles both as if they had been rung up apart. Runs once
        per order: every ledger line carries a key of the order."""
        self.ensure_one()
        self._dental_loyalty_check_figures()
        returned = self._dental_loyalty_returned_lines()
        if not returned or self.lines - returned:
            self._dental_loyalty_settle_sale()
        if returned:
            self._dental_loyalty_settle_refund()

    def _dental_loyalty_check_figures(self):
        """Refuse an order whose figures no clinic ever bills (beyond
        MAX_AMOUNT, or not numbers): the register sent them, and the engine
        would turn them into points no wallet can hold."""
        figures = [
            self.amount_total,
            self.amount_paid,
            *self.lines.mapped("qty"),
            *self.lines.mapped("price_unit"),
            *self.lines.mapped("price_subtotal_incl"),
            *self.payment_ids.mapped("amount"),
        ]
        if not all(
            math.isfinite(figure) and abs(figure) <= MAX_AMOUNT for figure in figures
        ):
            raise UserError(
                self.env._(
                    "%s was refused: its amounts are more than a clinic bills.",
                    self._dental_loyalty_label(),
                )
            )
        # The total the register sent is what the server recomputes from the
        # lines, within each line's rounding and the register's cash rounding.
        lines_total = sum(line._dental_loyalty_total() for line in self.lines)
        currency = self.currency_id
        margin = currency.rounding * (len(self.lines) + 1)
        if self.config_id.cash_rounding and self.config_id.rounding_method:
            margin += self.config_id.rounding_method.rounding
        if abs(self.amount_total - lines_total) > margin:
            raise UserError(
                self.env._(
                    "%(order)s was refused: its total (%(total)s) is not what its "
                    "lines add up to (%(lines)s).",
                    order=self._dental_loyalty_label(),
                    total=formatLang(
                        self.env, self.amount_total, currency_obj=currency
                    ),
                    lines=formatLang(self.env, lines_total, currency_obj=currency),
                )
            )

    def _dental_loyalty_settle_sale(self):
        """Settle the sold lines. In an order that also returns lines, they are a
        bill of their own: points paid on the order pay them (within the cap of
        that bill), and what the returned lines are worth counts as money paid,
        as if the patient had been refunded first and then paid."""
        returned = self.lines.filtered("refunded_orderline_id")
        covered = self._dental_loyalty_use_vouchers()
        # Lines of negative amount that are neither a voucher nor a return take
        # the bill down like a discount: what they cover earns no bonus either.
        covered -= sum(
            min(line._dental_loyalty_total(), 0.0)
            for line in self.lines
            if line.price_unit * line.qty < 0
            and not line.refunded_orderline_id
            and not line.dental_loyalty_voucher_code
        )
        points_amount = self._dental_loyalty_points_paid()
        bill_total = self.amount_total
        if returned:
            # Points given back belong to the returned part (its refund).
            points_amount = max(points_amount, 0.0)
            bill_total -= sum(line._dental_loyalty_total() for line in returned)
        if not self.partner_id:
            if not self.currency_id.is_zero(points_amount):
                raise UserError(
                    self.env._(
                        "%s is paid with points but has no patient.",
                        self._dental_loyalty_label(),
                    )
                )
            # Holds are the engine's bookkeeping: cashiers have no rights on them.
            self.env["dental.loyalty.reservation"].sudo()._consume(self.uuid)
            return
        wallet = self.partner_id._dental_loyalty_wallet(self.company_id)
        wallet._settle_sale(
            key=f"pos:{self.uuid}",
            bill_total=bill_total,
            points_amount=points_amount,
            lines=self._dental_loyalty_sale_lines(),
            hold_key=self.uuid,
            source_vals=self._dental_loyalty_source_vals(self),
            label=self._dental_loyalty_label(),
            covered_amount=covered,
            recall_lines=self._dental_loyalty_recall_lines(),
        )
        self.env["dental.loyalty.referral"]._reward_first_visit(self)

    def _dental_loyalty_returned_lines(self):
        """The order's returned lines, each checked against the line it returns:
        a line a paid sale of this company sold, no more of it than the sale's
        earlier paid refunds left, and for no more than it was sold for. A line
        returning nothing moves nothing; anything else refuses the whole order,
        so nothing is posted."""
        returned = self.lines.filtered("refunded_orderline_id")
        if not returned:
            return returned
        label = self._dental_loyalty_label()
        digits = self.env["decimal.precision"].precision_get("Product Unit of Measure")
        for line in returned:
            sold = line.refunded_orderline_id
            sale = sold.order_id
            if (
                sale == self
                or sale.state not in PAID_STATES
                or sale.company_id != self.company_id
                or sold.refunded_orderline_id
                or float_compare(sold.qty, 0, precision_digits=digits) <= 0
            ):
                raise UserError(
                    self.env._(
                        "%(order)s was refused: it returns %(product)s from a line "
                        "that no paid sale of this clinic sold.",
                        order=label,
                        product=line.product_id.display_name,
                    )
                )
            if float_compare(line.qty, 0, precision_digits=digits) > 0:
                raise UserError(
                    self.env._(
                        "%(order)s was refused: a returned line of %(product)s "
                        "sells instead; sell it on a line of its own.",
                        order=label,
                        product=line.product_id.display_name,
                    )
                )
        sales = returned.refunded_orderline_id.order_id
        if len(sales) > 1:
            raise UserError(
                self.env._(
                    "%s was refused: it returns lines of several sales; refund "
                    "one sale at a time.",
                    label,
                )
            )
        # Two registers returning the same line at once: the second waits for
        # the first, then is retried on a snapshot that sees what it returned.
        self.env["dental.loyalty.wallet"]._serialise_rows(sales._table, sales.ids)
        currency = self.currency_id
        for sold, lines in returned.grouped("refunded_orderline_id").items():
            earlier = sold.refund_orderline_ids.filtered(
                lambda line: (
                    line.order_id != self and line.order_id.state in PAID_STATES
                )
            )
            left = sold.qty + sum(earlier.mapped("qty"))
            now = -sum(lines.mapped("qty"))
            if float_compare(now, left, precision_digits=digits) > 0:
                raise UserError(
                    self.env._(
                        "%(order)s was refused: it returns more %(product)s than "
                        "is left to return (returned: %(returned)s, left: "
                        "%(left)s).",
                        order=label,
                        product=sold.product_id.display_name,
                        returned=self._dental_loyalty_quantity(now, digits),
                        left=self._dental_loyalty_quantity(max(left, 0), digits),
                    )
                )
            sold_total = sold._dental_loyalty_total()
            for line in lines:
                # What the patient gets back for the line, against what its
                # quantity was sold for: a discount line's is negative.
                given = -line._dental_loyalty_total()
                allowed = sold_total * -line.qty / sold.qty
                if currency.compare_amounts(given - allowed, currency.rounding) > 0:
                    raise UserError(
                        self.env._(
                            "%(order)s was refused: it returns %(product)s for "
                            "%(given)s, more than it was sold for (%(allowed)s).",
                            order=label,
                            product=sold.product_id.display_name,
                            given=formatLang(self.env, given, currency_obj=currency),
                            allowed=formatLang(
                                self.env, allowed, currency_obj=currency
                            ),
                        )
                    )
        return returned

    @api.model
    def _dental_loyalty_quantity(self, quantity, digits):
        """A quantity as a cashier reads it: 2, or 0.5, not 2.000."""
        quantity = float_round(quantity, precision_digits=digits)
        shown = 0 if quantity.is_integer() else digits
        return formatLang(self.env, quantity, digits=shown)

    def _dental_loyalty_use_vouchers(self):
        """Check every voucher line against its voucher and the bill, and use
        each voucher once. Returns the money the vouchers took off the bill."""
        practitioner = self.dental_loyalty_practitioner_id
        # Cashiers have no HR rights: the engine reads whose employee the
        # register named, to refuse another clinic's.
        if practitioner and practitioner.sudo().company_id not in (
            self.company_id,
            self.env["res.company"],
        ):
            raise UserError(
                self.env._(
                    "%s names a practitioner of another company.",
                    self._dental_loyalty_label(),
                )
            )
        # Only sold lines use vouchers: a returned line gives its sale's back.
        sold_lines = self.lines.filtered(lambda line: not line.refunded_orderline_id)
        voucher_lines = sold_lines.filtered("dental_loyalty_voucher_code")
        # Only the server links a line to a voucher, from the code it checked.
        unchecked = (self.lines - voucher_lines).filtered("dental_loyalty_voucher_id")
        unchecked.sudo().dental_loyalty_voucher_id = False
        if not voucher_lines:
            return 0.0
        Voucher = self.env["dental.loyalty.voucher"]
        today = self._dental_loyalty_visit_date()
        bill_total = sum(
            line._dental_loyalty_total() for line in sold_lines - voucher_lines
        )
        covered = 0.0
        seen = Voucher
        for line in voucher_lines:
            voucher = Voucher._from_code(
                line.dental_loyalty_voucher_code, self.company_id
            )
            if voucher in seen:
                raise UserError(
                    self.env._(
                        "%(order)s was refused: voucher %(code)s is on the bill twice.",
                        order=self._dental_loyalty_label(),
                        code=voucher.code,
                    )
                )
            seen |= voucher
            if (
                line.dental_loyalty_voucher_id == voucher
                and voucher.pos_order_id == self
            ):
                continue  # this very line was checked when the order synced before
            refusal = voucher._refusal(self.partner_id, today)
            if refusal:
                raise UserError(
                    self.env._(
                        "%(order)s was refused: %(reason)s",
                        order=self._dental_loyalty_label(),
                        reason=refusal,
                    )
                )
            taken, used_amount = voucher._check_line(line, bill_total, covered)
            covered += taken
            voucher._mark_used(self, used_amount)
            # The line names the voucher the server checked, whatever was sent.
            line.sudo().dental_loyalty_voucher_id = voucher
        return covered

    def _dental_loyalty_sale_lines(self):
        """The bill's sold lines as the engine sees them: bonus, and the price
        before and after the line's discount (the same tax basis for both)."""
        return [
            SaleLine(
                bonus_points=line.product_id.dental_loyalty_bonus_points,
                quantity=line.qty,
                list_amount=line._dental_loyalty_list_amount(),
                paid_amount=line.price_unit * line.qty * (1 - line.discount / 100),
            )
            for line in self.lines
            if not line.refunded_orderline_id
        ]

    def _dental_loyalty_recall_lines(self):
        """The bill's recall services the patient came back for on time, as
        (service name, SaleLine carrying the recall bonus): once per service and
        bill; not the first time, nor early, nor late."""
        by_service = self.lines.filtered(
            lambda line: (
                line.qty > 0
                and not line.refunded_orderline_id
                and line.product_id.dental_loyalty_recall
                and line.product_id.dental_loyalty_recall_points > 0
            )
        ).grouped(lambda line: line.product_id.product_tmpl_id)
        if not by_service or not self.partner_id:
            return []
        last_visits = self._dental_loyalty_last_visits(list(by_service))
        visit = self._dental_loyalty_visit_date()
        recall_lines = []
        for service, lines in by_service.items():
            if is_recall_on_time(
                last_visits.get(service.id),
                visit,
                service.dental_loyalty_recall_months,
                service.dental_loyalty_recall_margin_days,
            ):
                list_amount = sum(line._dental_loyalty_list_amount() for line in lines)
                paid_amount = sum(
                    line.price_unit * line.qty * (1 - line.discount / 100)
                    for line in lines
                )
                recall_lines.append(
                    (
                        service.name,
                        SaleLine(
                            bonus_points=service.dental_loyalty_recall_points,
                            quantity=1,
                            list_amount=list_amount,
                            paid_amount=paid_amount,
                        ),
                    )
                )
        return recall_lines

    def _dental_loyalty_last_visits(self, services):
        """{service template id: the day of the patient's last paid visit for it
        before this order, in this company}, in one query. A line its refunds
        took back entirely is no visit."""
        self.env["pos.order"].flush_model(
            ["partner_id", "company_id", "state", "dental_loyalty_visit_time"]
        )
        self.env["pos.order.line"].flush_model(
            ["order_id", "product_id", "qty", "refunded_orderline_id"]
        )
        rows = self.env.execute_query(
            SQL(
                """
                SELECT product.product_tmpl_id, MAX(sale.dental_loyalty_visit_time)
                  FROM pos_order sale
                  JOIN pos_order_line line ON line.order_id = sale.id
                  JOIN product_product product ON product.id = line.product_id
                 WHERE sale.partner_id = %(partner)s
                   AND sale.company_id = %(company)s
                   AND sale.state IN %(paid)s
                   AND sale.id != %(order)s
                   AND sale.dental_loyalty_visit_time < %(date)s
                   AND product.product_tmpl_id IN %(services)s
                   AND line.qty > COALESCE((
                           SELECT -SUM(refund.qty)
                             FROM pos_order_line refund
                             JOIN pos_order refund_order
                               ON refund_order.id = refund.order_id
                            WHERE refund.refunded_orderline_id = line.id
                              AND refund_order.state IN %(paid)s
                       ), 0)
              GROUP BY product.product_tmpl_id
                """,
                partner=self.partner_id.id,
                company=self.company_id.id,
                paid=PAID_STATES,
                order=self.id,
                date=self.dental_loyalty_visit_time,
                services=tuple(service.id for service in services),
            )
        )
        return {
            service_id: fields.Date.context_today(self, last)
            for service_id, last in rows
        }

    def _dental_loyalty_settle_refund(self):
        """The returned lines act on the wallet of the sale they come from,
        whoever the refund is made out to: with the sale's earlier paid refunds,
        they take back their share of what it earned and give back at most
        their share of what it spent."""
        returned = self.lines.filtered("refunded_orderline_id")
        sale = returned.refunded_orderline_id.order_id
        returned.refunded_orderline_id.dental_loyalty_voucher_id._restore(self)
        points_amount = self._dental_loyalty_points_paid()
        if self.currency_id.compare_amounts(points_amount, 0) > 0:
            if returned == self.lines:
                raise UserError(self.env._("A refund cannot be paid with points."))
            points_amount = 0.0  # they paid the order's sold lines
        Ledger = self.env["dental.loyalty.ledger"].sudo()
        sale_lines = Ledger.search(
            [("res_model", "=", "pos.order"), ("res_id", "=", sale.id)]
        )
        earlier = sale.lines.refund_orderline_ids.order_id.filtered(
            lambda refund: refund != self and refund.state in PAID_STATES
        )
        self._dental_loyalty_check_refund_money(sale, earlier, sale_lines)
        if not sale_lines:
            if not self.currency_id.is_zero(points_amount):
                raise UserError(
                    self.env._(
                        "%(refund)s gives points back, but %(sale)s spent none.",
                        refund=self._dental_loyalty_label(),
                        sale=sale._dental_loyalty_label(),
                    )
                )
            self.env["dental.loyalty.referral"]._reverse_refunded_visit(self)
            return
        # The sale's wallet, or the family's it pays from now: points the sale
        # earned went there when its patient joined, and what it spent comes
        # back where the patient spends.
        sale_wallet = sale_lines.sorted("id")[:1].wallet_id
        sale_wallet._paying_wallet()._settle_refund(
            key=f"pos:{self.uuid}",
            sale_lines=sale_lines,
            refunded_amount=self._dental_loyalty_refunded_amount(sale),
            refunded_before=sum(
                refund._dental_loyalty_refunded_amount(sale) for refund in earlier
            ),
            sale_total=sale._dental_loyalty_sold_total(),
            points_returned_amount=-points_amount,
            source_vals=self._dental_loyalty_source_vals(sale),
            label=self._dental_loyalty_label(),
            sale_label=sale._dental_loyalty_label(),
        )
        self.env["dental.loyalty.referral"]._reverse_refunded_visit(self)

    def _dental_loyalty_refunded_amount(self, sale=None):
        """The part of ``sale`` (by default, of the sale it returns lines of)
        this refund returns, priced from the sale's own lines as the server
        computes them: only the returned quantities come from the register."""
        refunded = 0.0
        for line in self.lines.filtered("refunded_orderline_id"):
            sold = line.refunded_orderline_id
            if sold.qty > 0 and (sale is None or sold.order_id == sale):
                share = min(max(-line.qty / sold.qty, 0.0), 1.0)
                refunded += share * sold._dental_loyalty_total()
        return refunded

    def _dental_loyalty_check_refund_money(self, sale, earlier, sale_lines):
        """Refuse a refund that pays out more money than its share of the money
        ``sale`` took: together with the sale's ``earlier`` paid refunds, the
        refunds pay out in money at most what the sale took in money times the
        share of its goods they return. What a voucher or a points payment took
        off a returned line comes back as points (``sale_lines``: the sale's
        ledger lines, for the points left to give back) or not at all."""
        currency = self.currency_id
        paid_out = self._dental_loyalty_money_paid_out()
        if currency.compare_amounts(paid_out, 0) <= 0:
            return
        goods = sum(
            total
            for total in (
                line._dental_loyalty_total()
                for line in sale.lines
                if not line.refunded_orderline_id
            )
            if total > 0
        )
        cap = currency.round(
            refund_money_cap(
                sale_money=sale._dental_loyalty_sold_total()
                - max(sale._dental_loyalty_points_paid(), 0.0),
                goods_total=goods,
                returned_goods=sum(
                    refund._dental_loyalty_returned_goods(sale)
                    for refund in earlier | self
                ),
            )
        )
        paid_before = sum(refund._dental_loyalty_money_paid_out() for refund in earlier)
        # Pieces priced line by line may each round up: one unit of the
        # currency over the whole sale, never more.
        if (
            currency.compare_amounts(paid_before + paid_out - cap, currency.rounding)
            <= 0
        ):
            return
        money = formatLang(self.env, max(cap - paid_before, 0.0), currency_obj=currency)
        spent = sale_lines.filtered(lambda line: line.kind == "spend")
        given = sale_lines.filtered(lambda line: line.kind == "spend_return")
        points = cumulative_refund_share(
            earned=0,
            spent=abs(sum(spent.mapped("points"))),
            taken_back=0,
            given_back=abs(sum(given.mapped("points"))),
            refunded_before=sum(
                refund._dental_loyalty_refunded_amount(sale) for refund in earlier
            ),
            refunded_now=self._dental_loyalty_refunded_amount(sale),
            sale_total=sale._dental_loyalty_sold_total(),
        ).give_back
        if points:
            raise UserError(
                self.env._(
                    "%(refund)s may pay back at most %(money)s in money for what it "
                    "returns; give the rest back in points (%(points)s at most) or "
                    "not at all.",
                    refund=self._dental_loyalty_label(),
                    money=money,
                    points=formatLang(self.env, points, digits=0),
                )
            )
        raise UserError(
            self.env._(
                "%(refund)s may pay back at most %(money)s in money for what it "
                "returns; the rest cannot be paid back.",
                refund=self._dental_loyalty_label(),
                money=money,
            )
        )

    def _dental_loyalty_money_paid_out(self):
        """The money (payments of methods other than the loyalty points method)
        this order pays out for the lines it returns. In an order that also
        sells lines, what those lines take in money is not a refund's payout:
        it is netted first."""
        points = self._dental_loyalty_points_paid()
        money = sum(
            payment.amount
            for payment in self.payment_ids
            if not payment.payment_method_id.dental_loyalty_points
        )
        sold_money = self._dental_loyalty_sold_total() - max(points, 0.0)
        return max(sold_money - money, 0.0)

    def _dental_loyalty_returned_goods(self, sale):
        """What this refund returns of the lines of positive amount ``sale``
        sold, priced from the sale: the goods whose share of the sale's money
        it may pay out."""
        returned = 0.0
        for line in self.lines.filtered("refunded_orderline_id"):
            sold = line.refunded_orderline_id
            if sold.order_id != sale or sold.qty <= 0:
                continue
            total = sold._dental_loyalty_total()
            if total > 0:
                returned += min(max(-line.qty / sold.qty, 0.0), 1.0) * total
        return returned

    def _dental_loyalty_sold_total(self):
        """What the order's sold lines (not the lines it returns of an earlier
        sale) come to, as the server computes them: the whole its refunds are a
        share of."""
        return sum(
            line._dental_loyalty_total()
            for line in self.lines
            if not line.refunded_orderline_id
        )

    def _dental_loyalty_source_vals(self, sale):
        """Ledger fields of a line this order posts: it links to this order, and
        settles ``sale`` (the order itself, or the sale a refund refunds)."""
        return {
            "pos_order_id": self.id,
            "origin": self._dental_loyalty_label(),
            "res_model": "pos.order",
            "res_id": sale.id,
            # On a family's wallet, the line still names whose visit it was.
            "member_id": sale.partner_id.id,
            # The visit's day as the server knows it; a refund never dates
            # before its sale.
            "date": max(
                self._dental_loyalty_visit_date(), sale._dental_loyalty_visit_date()
            ),
        }

    def _dental_loyalty_label(self):
        """The order as the receipt names it."""
        return self.pos_reference or self.name

    def _dental_loyalty_points_paid(self):
        return sum(
            payment.amount
            for payment in self.payment_ids
            if payment.payment_method_id.dental_loyalty_points
        )
