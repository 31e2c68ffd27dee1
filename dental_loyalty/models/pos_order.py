from collections import defaultdict
from uuid import uuid4

from odoo import api, fields, models
from odoo.tools import create_index

from .dental_loyalty_input import is_record_id

PAID_STATES = ("paid", "done", "invoiced")
# Context values no JSON-RPC call can forge: only the server's own code sets
# them. A register's sync holds ``_IN_SYNC``; ``_SETTLES`` tells that the
# caller settles the order once it is paid; ``_CREATING`` that lines are
# created with their new order; ``_PAYS`` that Odoo's payment marks it paid.
_IN_SYNC = object()
_SETTLES = object()
_CREATING = object()
_PAYS = object()
# What the register shows of an order the server settled: its receipt and the
# patient's figures after the sync (static/src/overrides/models).
_POS_FIGURES = (
    "dental_loyalty_points_earned",
    "dental_loyalty_points_spent",
    "dental_loyalty_recall_points",
    "dental_loyalty_balance",
    "dental_loyalty_pending",
    "dental_loyalty_pending_date",
    "dental_loyalty_tier_name",
)


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
        self._dental_loyalty_check_created_unpaid(vals_list)
        now = fields.Datetime.now()
        self._dental_loyalty_check_new_uuids(vals_list)
        for vals in vals_list:
            if "company_id" in vals and not is_record_id(vals["company_id"]):
                # A copy told to take none: PostgreSQL's refusal of the empty
                # column logged the query as an error.
                self._dental_loyalty_refuse_field(self, "company_id")
            # Core's own refunds and back-office orders get none: every
            # order's ledger lines and holds are keyed on it.
            if not vals.get("uuid"):
                vals["uuid"] = str(uuid4())
            session_id = vals.get("session_id")
            # Stamped when the server hears of the order, whatever was sent.
            vals["dental_loyalty_visit_time"] = self._dental_loyalty_known_time(
                fields.Datetime.to_datetime(vals.get("date_order")),
                self.env["pos.session"].browse(
                    session_id if isinstance(session_id, int) else ()
                ),
                now,
            )
            if vals.get("date_order"):
                # Core dates the order's invoice, its entries and its reports
                # by it: a register's 1970 posted an invoice dated 1970.
                vals["date_order"] = vals["dental_loyalty_visit_time"]
        # The lines an order is created with are its own, whatever its state.
        creating = self.with_context(dental_loyalty_creating=_CREATING)
        return super(PosOrder, creating).create(vals_list).with_env(self.env)

    def write(self, vals):
        self._dental_loyalty_check_value_change(vals)
        self._dental_loyalty_check_uuid_change(vals)
        self._dental_loyalty_check_state_change(vals)
        if "dental_loyalty_visit_time" in vals:
            # The server's stamp: neither a register nor a user rewrites it.
            vals = {
                key: value
                for key, value in vals.items()
                if key != "dental_loyalty_visit_time"
            }
        if "date_order" in vals:
            # As the sync types it: a date core can read (else a ValueError,
            # or an AttributeError in its currency rate's compute).
            Input = self.env["dental.loyalty.wizard.input"]
            if not vals["date_order"] or not Input._dental_loyalty_valid_value(
                self._fields["date_order"], vals["date_order"]
            ):
                self._dental_loyalty_refuse_field(self, "date_order")
            # A draft's next sync, or a user, dates the order within its
            # session and not after now, as a new order is dated.
            dated = self._dental_loyalty_dated(vals["date_order"])
            for date_order, orders in dated.items():
                super(PosOrder, orders).write({**vals, "date_order": date_order})
            return True
        return super().write(vals)

    def _dental_loyalty_dated(self, date_order):
        """{the date each order may take of ``date_order``, bounded by its
        own session and now: the orders}"""
        claimed = fields.Datetime.to_datetime(date_order)
        now = fields.Datetime.now()
        by_date = defaultdict(self.browse)
        for order in self:
            by_date[
                self._dental_loyalty_known_time(claimed, order.session_id, now)
            ] |= order
        return by_date

    @api.model
    def _load_pos_data_fields(self, config_id):
        fields = super()._load_pos_data_fields(config_id)
        if not fields:
            # Core lists none: the register would read every field of every
            # order it syncs, the chatter's, the pickings' and the margins'
            # included. It reads the stored ones, which any register (core's,
            # pos_hr's, ...) sends and reads back, of the x2many those to
            # records a register loads, and of the computed ones what it shows;
            # as core's read of every field, only those the user may read.
            loadable = self.pool["pos.load.mixin"]
            fields = [
                name
                for name, field in self._fields.items()
                if field.store
                and not field.manual
                and field.is_accessible(self.env)
                and (
                    field.column_type
                    or isinstance(self.env[field.comodel_name], loadable)
                )
            ]
            fields.append("tracking_number")  # the order number it shows
        return [*fields, *(name for name in _POS_FIGURES if name not in fields)]

    def _auto_init(self):
        res = super()._auto_init()
        # The register names an order by its uuid: core's sync finds a stored
        # one by it on every order, and the engine before holding points for
        # one; core leaves the column unindexed, so each read every order the
        # chain ever sold.
        create_index(
            self.env.cr,
            "pos_order_dental_loyalty_uuid_idx",
            self._table,
            ["uuid"],
            where="uuid IS NOT NULL",
        )
        return res

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
        visit, voucher validity, the day of its ledger lines, hence the window
        of a rule's cap). The clinic's day (its working hours' time zone, as
        the earning rules' days and hours), never the caller's: a register
        syncing in another time zone moves no sale to another day."""
        self.ensure_one()
        return (
            self.env["dental.loyalty.earning.rule"]
            ._clinic_time(self.company_id, self.dental_loyalty_visit_time)
            .date()
        )

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
        # A register syncing a backlog reads the figures of all its orders:
        # their wallets and next release days are read for all at once.
        wallets = self._dental_loyalty_wallets()
        pending = self.env["dental.loyalty.wallet"].union(
            *(wallet for wallet in wallets.values() if wallet.points_pending)
        )
        release_dates = dict(
            self.env["dental.loyalty.ledger"]._read_group(
                [
                    ("wallet_id", "in", pending.ids),
                    ("remaining_points", ">", 0),
                    ("is_released", "=", False),
                ],
                ["wallet_id"],
                ["available_date:min"],
            )
        )
        for order in self:
            wallet = wallets[order]
            order.dental_loyalty_balance = wallet.points_available
            order.dental_loyalty_pending = wallet.points_pending
            order.dental_loyalty_pending_date = release_dates.get(wallet, False)
            order.dental_loyalty_tier_name = wallet.tier_id.name or False

    def _dental_loyalty_wallets(self):
        """{order: the wallet its points went to (a refund's is its sale's), or
        the one its patient pays from (their family's, else their own)}, without
        creating one; for all the orders in a few queries."""
        Wallet = self.env["dental.loyalty.wallet"]
        # A slice is a recordset of its own: prefetched with all the orders'
        # lines, their wallets are read once, not order by order.
        wallets = {
            order: order.dental_loyalty_line_ids[:1]
            .with_prefetch(order.dental_loyalty_line_ids._prefetch_ids)
            .wallet_id
            for order in self
        }
        patients = self.filtered(lambda order: not wallets[order] and order.partner_id)
        if patients:
            own = Wallet.search(
                [
                    ("partner_id", "in", patients.partner_id.ids),
                    ("company_id", "in", patients.company_id.ids),
                ]
            )
            paying = {
                (wallet.partner_id.id, wallet.company_id.id): payer
                for wallet, payer in zip(own, own._paying_wallet(), strict=True)
            }
            for order in patients:
                key = (order.partner_id.id, order.company_id.id)
                wallets[order] = paying.get(key, Wallet)
        # Their figures are read together, not wallet by wallet.
        prefetch = Wallet.union(*wallets.values())._prefetch_ids
        return {
            order: wallet.with_prefetch(prefetch) for order, wallet in wallets.items()
        }

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
