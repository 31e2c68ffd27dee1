import math
import numbers

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from ..rules import SaleLine, is_recall_on_time

PAID_STATES = ("paid", "done", "invoiced")
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
        return super().create(vals_list)

    def write(self, vals):
        if "dental_loyalty_visit_time" in vals:
            # The server's stamp: neither a register nor a user rewrites it.
            vals = {
                key: value
                for key, value in vals.items()
                if key != "dental_loyalty_visit_time"
            }
        return super().write(vals)

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
        order_total = self._dental_loyalty_check_amount(order_total)
        if amount is not None:
            amount = self._dental_loyalty_check_amount(amount)
        wallet = partner._dental_loyalty_wallet(config.company_id)
        # Holds are the engine's bookkeeping: cashiers have no rights on them.
        return (
            self.env["dental.loyalty.reservation"]
            .sudo()
            ._reserve_points(wallet, order_uuid, order_total, amount, config)
        )

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
        reward = self.env["dental.loyalty.reward"].sudo().browse(reward_id).exists()
        if not reward:
            raise UserError(self.env._("This reward is unknown."))
        voucher = self.env["dental.loyalty.voucher"]._issue(wallet, reward, patient)
        return {
            "code": voucher.code,
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
        bill_total = self._dental_loyalty_check_amount(bill_total)
        covered = self._dental_loyalty_check_amount(covered)
        partner = self.env["res.partner"]
        if partner_id:
            partner = self._dental_loyalty_patient(partner_id)
        voucher = self.env["dental.loyalty.voucher"]._from_code(code, config.company_id)
        refusal = voucher._refusal(partner, fields.Date.context_today(self))
        if refusal:
            raise UserError(refusal)
        return voucher._line_for_bill(bill_total, covered)

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
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise UserError(message)
        return value

    @api.model
    def _dental_loyalty_check_amount(self, value):
        """A finite amount of money, not negative: what a register sends."""
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
        return float(value)

    # ------------------------------------------------------------------
    # Settled by the server when the order is paid
    # ------------------------------------------------------------------

    def _process_saved_order(self, draft):
        order_id = super()._process_saved_order(draft)
        if self.state in PAID_STATES:
            self._dental_loyalty_settle()
        return order_id

    def _dental_loyalty_settle(self):
        """Hand the paid order to the loyalty engine. Runs once per order: every
        ledger line carries a key of the order."""
        self.ensure_one()
        if self.refunded_order_id:
            self._dental_loyalty_settle_refund()
        else:
            self._dental_loyalty_settle_sale()

    def _dental_loyalty_settle_sale(self):
        covered = self._dental_loyalty_use_vouchers()
        points_amount = self._dental_loyalty_points_paid()
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
            bill_total=self.amount_total,
            points_amount=points_amount,
            lines=self._dental_loyalty_sale_lines(),
            hold_key=self.uuid,
            source_vals=self._dental_loyalty_source_vals(self),
            label=self._dental_loyalty_label(),
            covered_amount=covered,
            recall_lines=self._dental_loyalty_recall_lines(),
        )
        self.env["dental.loyalty.referral"]._reward_first_visit(self)

    def _dental_loyalty_use_vouchers(self):
        """Check every voucher line against its voucher and the bill, and use
        each voucher once. Returns the money the vouchers took off the bill."""
        practitioner = self.dental_loyalty_practitioner_id
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
        voucher_lines = self.lines.filtered("dental_loyalty_voucher_code")
        # Only the server links a line to a voucher, from the code it checked.
        unchecked = (self.lines - voucher_lines).filtered("dental_loyalty_voucher_id")
        unchecked.sudo().dental_loyalty_voucher_id = False
        if not voucher_lines:
            return 0.0
        Voucher = self.env["dental.loyalty.voucher"]
        today = self._dental_loyalty_visit_date()
        bill_total = sum(
            line._dental_loyalty_total() for line in self.lines - voucher_lines
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
        """The bill's lines as the engine sees them: bonus, and the price before
        and after the line's discount (the same tax basis for both)."""
        return [
            SaleLine(
                bonus_points=line.product_id.dental_loyalty_bonus_points,
                quantity=line.qty,
                list_amount=line.price_unit * line.qty,
                paid_amount=line.price_unit * line.qty * (1 - line.discount / 100),
            )
            for line in self.lines
        ]

    def _dental_loyalty_recall_lines(self):
        """The bill's recall services the patient came back for on time, as
        (service name, SaleLine carrying the recall bonus): once per service and
        bill; not the first time, nor early, nor late."""
        by_service = self.lines.filtered(
            lambda line: (
                line.qty > 0
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
                list_amount = sum(line.price_unit * line.qty for line in lines)
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
        """A refund acts on the wallet of the sale it refunds, whoever the refund
        is made out to, and within what that sale earned and spent."""
        sale = self.refunded_order_id
        self.lines.refunded_orderline_id.dental_loyalty_voucher_id._restore(self)
        points_amount = self._dental_loyalty_points_paid()
        if self.currency_id.compare_amounts(points_amount, 0) > 0:
            raise UserError(self.env._("A refund cannot be paid with points."))
        Ledger = self.env["dental.loyalty.ledger"].sudo()
        sale_lines = Ledger.search(
            [("res_model", "=", "pos.order"), ("res_id", "=", sale.id)]
        )
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
        refunded = self._dental_loyalty_refunded_amount()
        # The sale's wallet, or the family's it pays from now: points the sale
        # earned went there when its patient joined, and what it spent comes
        # back where the patient spends.
        sale_wallet = sale_lines.sorted("id")[:1].wallet_id
        sale_wallet._paying_wallet()._settle_refund(
            key=f"pos:{self.uuid}",
            sale_lines=sale_lines,
            refunded_amount=refunded,
            sale_total=sale.amount_total,
            points_returned_amount=-points_amount,
            source_vals=self._dental_loyalty_source_vals(sale),
            label=self._dental_loyalty_label(),
            sale_label=sale._dental_loyalty_label(),
        )
        self.env["dental.loyalty.referral"]._reverse_refunded_visit(self)

    def _dental_loyalty_refunded_amount(self):
        """The part of its sale this refund returns, priced from the sale's own
        lines: only the returned quantities come from the register."""
        refunded = 0.0
        for line in self.lines.filtered("refunded_orderline_id"):
            sold = line.refunded_orderline_id
            if sold.qty > 0:
                share = min(-line.qty / sold.qty, 1.0)
                refunded += max(share, 0.0) * sold.price_subtotal_incl
        return refunded

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
