import copy

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL
from odoo.tools.misc import formatLang

from .dental_loyalty_input import (
    MAX_AMOUNT,
    MAX_ID,
    MAX_QUANTITY,
    command_ids,
    is_finite_number,
    is_order_uuid,
    is_record_id,
    is_storable_text,
)
from .pos_order import _CREATING, _IN_SYNC, _PAYS, PAID_STATES

# The journal entries a bill and its payments are booked in: Odoo's to set
# when the session closes or the bill is invoiced, never a register's.
_BOOKED_BY_ODOO = frozenset(
    {("pos.order", "account_move"), ("pos.payment", "account_move_id")}
)
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


class PosOrderGuards(models.Model):
    """What the register sends is checked before it becomes an order, and a paid
    order's value and lines stay what its sync made them."""

    _inherit = "pos.order"  # pylint: disable=consider-merging-classes-inherited

    @api.constrains("company_id", "session_id")
    def _check_dental_loyalty_register_company(self):
        """An order is of its register's company: core keeps a company the
        payload names, and a company-1 register's sale stored in company 2
        (its lines and payments with it) earned in the other programme and
        left its session impossible to close. Moved to another company's
        register with both (a write, a copy), it takes its lines along: they
        are of that company too. A new order's sync checked all its links (its
        payload's); a draft's next sync only those it sends."""
        checked = (
            self.env.context.get("dental_loyalty_sync") is _IN_SYNC
            and self.env.context.get("dental_loyalty_creating") is _CREATING
        )
        for order in self:
            register_company = order.session_id.config_id.company_id
            if not register_company:
                continue
            if order.company_id != register_company:
                raise ValidationError(
                    self.env._(
                        "%(order)s must belong to its register's company, %(company)s.",
                        order=order._dental_loyalty_refused_label(),
                        company=register_company.name,
                    )
                )
            if not checked:
                order._dental_loyalty_refuse_foreign_links()

    def _dental_loyalty_refuse_foreign_links(self):
        """Refuse an order that carries another company's links
        (``_dental_loyalty_foreign_links``)."""
        for order in self:
            if not order._dental_loyalty_foreign_links():
                continue
            raise ValidationError(
                self.env._(
                    "%(order)s carries products, taxes or prices of another "
                    "company than its register's, %(company)s.",
                    order=order._dental_loyalty_refused_label(),
                    company=order.company_id.name,
                )
            )

    def _dental_loyalty_refused_label(self):
        """The order as a refusal names it: an order not created yet has no
        name ("/")."""
        label = self._dental_loyalty_label()
        if not label or label == "/":
            return self.env._("This order")
        return label

    def _dental_loyalty_foreign_links(self):
        """The products, taxes, pricelist, fiscal position and payment
        methods of the order, its lines and payments that belong to a company
        other than its own or one above it: what the sync's link check
        refuses in a payload (``_OF_THE_CLINIC``), read from the records; and
        its lines and payments themselves stored in another company (their
        company is a copy of the order's a write could change)."""
        self.ensure_one()
        # Every line and payment, those the user's company rules hide too (a
        # line moved to no company is hidden from everyone).
        order = self.sudo()
        allowed = order.company_id.parent_ids
        return [
            record
            for records in (
                order.lines.product_id.product_tmpl_id,
                order.lines.tax_ids,
                order.pricelist_id,
                order.fiscal_position_id,
                order.payment_ids.payment_method_id,
            )
            for record in records
            if record.company_id and record.company_id not in allowed
        ] + [
            record
            for record in (*order.lines, *order.payment_ids)
            if record.company_id != order.company_id
        ]

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

    @api.model
    def _dental_loyalty_check_new_uuids(self, vals_list):
        """A new order's uuid is one no other order has: core's sync finds
        an order by it, and would write the register's into another. The
        sync's are checked with its payload, and core looked them up before
        it creates; a create or copy of anyone else's costs a query."""
        uuids = [vals["uuid"] for vals in vals_list if vals.get("uuid")]
        if not uuids or self.env.context.get("dental_loyalty_sync") is _IN_SYNC:
            return
        if (
            not all(is_order_uuid(uuid) for uuid in uuids)
            or len(set(uuids)) < len(uuids)
            or self.sudo().search_count([("uuid", "in", uuids)], limit=1)
        ):
            raise UserError(
                self.env._(
                    "This uuid cannot name a new order: it is blank, longer than "
                    "64 signs or holds a colon, or another order has it."
                )
            )

    def _dental_loyalty_check_uuid_change(self, vals):
        """An order's uuid names it for good: core's sync finds the order by
        it, and the engine its ledger lines, holds and codes. A uuid written
        over would let the register's order be stored a second time."""
        if "uuid" not in vals:
            return
        if any(order.uuid and order.uuid != vals["uuid"] for order in self):
            raise UserError(
                self.env._("An order's uuid names it for good: it cannot be changed.")
            )

    def _dental_loyalty_check_state_change(self, vals):
        """A paid order stays paid (closing its session marks it done): one
        cancelled or reopened by hand would drop out of what its refunds count,
        or let its lines be rewritten. An unpaid order becomes paid only by
        Odoo's payment, which checks the payments and settles it: one written
        paid by hand would keep its vouchers valid and its points unposted."""
        state = vals.get("state")
        if state == "draft" and not self._dental_loyalty_engine_writes():
            # Reopened, a cancelled order could be paid after all: its payments
            # stayed with it.
            cancelled = self.filtered(lambda order: order.state == "cancel")
            if cancelled:
                raise UserError(
                    self.env._(
                        "%s is cancelled: it cannot be reopened. Make a new order "
                        "instead.",
                        cancelled[0]._dental_loyalty_label(),
                    )
                )
        if state and state not in PAID_STATES:
            self._dental_loyalty_check_unlocked("state")
        elif (
            state
            and not self._dental_loyalty_engine_writes()
            and self.env.context.get("dental_loyalty_pays") is not _PAYS
        ):
            unpaid = self.filtered(lambda order: order.state not in PAID_STATES)
            if unpaid:
                raise UserError(
                    self.env._(
                        "%s is not paid: only its payment marks it paid.",
                        unpaid[0]._dental_loyalty_label(),
                    )
                )

    @api.model
    def _dental_loyalty_check_created_unpaid(self, vals_list):
        """An order created outside a register's sync starts unpaid, as one
        written paid by hand would skip its settlement."""
        if self._dental_loyalty_engine_writes():
            return
        if any(vals.get("state") in PAID_STATES for vals in vals_list):
            raise UserError(
                self.env._(
                    "An order is created unpaid: only its payment marks it paid."
                )
            )

    def _dental_loyalty_check_unlocked(self, change):
        """Refuse ``change`` to these orders once it is settled: "state" (reopen
        or cancel) and "payments" once an order is paid, "lines" once it is
        paid or carries loyalty ledger lines. Only the register's sync and the
        engine change them then."""
        if self._dental_loyalty_engine_writes():
            return
        locked = self._dental_loyalty_locked(ledger=change == "lines")
        if not locked:
            return
        label = locked[0]._dental_loyalty_label()
        if change == "lines":
            message = self.env._(
                "%s is paid: its lines can no longer be added or changed. "
                "Refund it instead.",
                label,
            )
        elif change == "payments":
            message = self.env._(
                "%s is paid: its payments can no longer be added, changed or removed.",
                label,
            )
        else:
            message = self.env._(
                "%s is paid: it cannot be reopened nor cancelled. Refund it instead.",
                label,
            )
        raise UserError(message)

    def _dental_loyalty_engine_writes(self):
        """Whether the register's sync or the engine itself writes."""
        return self.env.su or self.env.context.get("dental_loyalty_sync") is _IN_SYNC

    def _dental_loyalty_locked(self, ledger=True):
        """The orders whose value no one but the engine changes: those paid, or
        (``ledger``) carrying loyalty ledger lines. One query for all of them;
        orders that do not exist (or not yet) are not locked."""
        ids = tuple(id_ for id_ in self.ids if isinstance(id_, int))
        if not ids:
            return self.browse()
        self.flush_model(["state"])
        self.env["dental.loyalty.ledger"].flush_model(["pos_order_id"])
        # Whether an order has ledger lines, whoever asks: the cashier may not
        # read them, and the answer shows nothing of them.
        locked = {
            order_id
            for (order_id,) in self.env.execute_query(
                SQL(
                    """
                    SELECT pos_order.id
                      FROM pos_order
                     WHERE pos_order.id IN %(ids)s
                       AND (pos_order.state IN %(paid)s
                            OR (%(ledger)s AND EXISTS (
                                    SELECT 1
                                      FROM dental_loyalty_ledger line
                                     WHERE line.pos_order_id = pos_order.id)))
                    """,
                    ids=ids,
                    paid=PAID_STATES,
                    ledger=ledger,
                )
            )
        }
        return self.filtered(lambda order: order.id in locked)

    @api.model
    def sync_from_ui(self, orders):
        # The register is a witness: what it sends is checked before core
        # turns it into records, so a forged value gets a message.
        if not isinstance(orders, list):
            raise UserError(self.env._("The register sent no orders."))
        for order in orders:
            self._dental_loyalty_check_payload(order)
            self._dental_loyalty_check_own_records(order)
        # Core empties and deletes keys of a saved draft's payload as it writes
        # it, and Odoo re-runs a request that met a serialization failure (two
        # registers on one wallet) with the same arguments: core gets a copy,
        # so that a retry starts from what the register sent.
        return super().sync_from_ui(
            [
                self._dental_loyalty_without_settings(order)
                for order in copy.deepcopy(orders)
            ]
        )

    @api.model
    def _dental_loyalty_check_own_records(self, order):
        """A register's order updates or drops only its own lines and payments:
        commands naming records by id name those of the draft it saved before
        (the order of the same uuid), never another order's, paid or not. New
        orders send none, and cost no query."""
        for name in ("lines", "payment_ids"):
            named = {
                command[1]
                for command in order.get(name) or []
                if command[0]
                in (
                    fields.Command.UPDATE,
                    fields.Command.DELETE,
                    fields.Command.UNLINK,
                    fields.Command.LINK,
                )
            }
            if not named:
                continue
            # The draft core's sync will write, found as core finds it.
            saved = isinstance(order.get("uuid"), str) and self._get_open_order(order)
            # Core writes only a saved draft (it leaves a paid one as it is,
            # however it is sent again); a new order has no records to name.
            if not saved or (
                saved.state == "draft" and not named <= set(saved[name].ids)
            ):
                self._dental_loyalty_refuse_field(self, name)
            # A line or payment it updates stays on that draft: the order it
            # names is the draft's (a new record's is the ORM's to set).
            inverse = self._fields[name].inverse_name
            if any(
                command[0] == fields.Command.UPDATE
                and command[2].get(inverse) not in (None, False, saved.id)
                for command in order[name]
            ):
                self._dental_loyalty_refuse_field(self, name)

    @api.model
    def _process_order(self, order, existing_order):
        # Within a register's sync, which settles what it pays with points:
        # core writes an order the register saved before (a draft) through
        # ``existing_order``, so that one syncs within it too.
        if existing_order:
            existing_order = existing_order.with_context(dental_loyalty_sync=_IN_SYNC)
            # Core drops the key before it writes a saved draft: a payload
            # without one would fail there, not be refused.
            order.setdefault("access_token", False)
        return super(
            PosOrderGuards, self.with_context(dental_loyalty_sync=_IN_SYNC)
        )._process_order(order, existing_order)

    @api.model
    def _dental_loyalty_check_payload(self, order):
        """Raise a UserError naming the first field of the register's order
        whose value no register sends."""
        if not isinstance(order, dict):
            raise UserError(self.env._("The register sent an order that is not one."))
        self._dental_loyalty_check_payload_types(self, order)
        # Core finds the draft to update by it, the engine keys the ledger
        # lines and holds of the order on it: without one, the payload would
        # go into any draft that has none (a refund made in the back office).
        if not is_order_uuid(order.get("uuid")):
            self._dental_loyalty_refuse_field(self, "uuid")
        if not is_record_id(order.get("session_id")):
            self._dental_loyalty_refuse_field(self, "session_id")
        self._dental_loyalty_check_payload_lines(order)
        self._dental_loyalty_check_payload_payments(order)
        # The session, products, taxes, methods... it names exist.
        self._dental_loyalty_check_links(order)
        practitioner_id = order.get("dental_loyalty_practitioner_id")
        if practitioner_id:
            session = self.env["pos.session"].browse(order["session_id"])
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

    @api.model
    def _dental_loyalty_check_payload_lines(self, order):
        """The register's lines: figures a clinic bills, quantities it
        sells, a discount in percent, the sold line a return names, a voucher
        code as typed."""
        Line = self.env["pos.order.line"]
        for line_id, vals in self._dental_loyalty_payload_values(order, "lines"):
            # Its figures (quantity, prices, totals) are typed with the rest; a
            # line rung up by a click sends no discount: false, as core reads
            # an empty number.
            self._dental_loyalty_check_payload_types(Line, vals, line_id)
            if vals.get("combo_line_ids") and not is_storable_text(vals.get("uuid")):
                # Core finds a combo's lines by the uuid of the line they are of.
                self._dental_loyalty_refuse_field(Line, "combo_line_ids")
            if abs(vals.get("qty") or 0) > MAX_QUANTITY:
                self._dental_loyalty_refuse_field(Line, "qty")
            if not 0 <= (vals.get("discount") or 0) <= 100:
                self._dental_loyalty_refuse_field(Line, "discount")
            refunded_id = vals.get("refunded_orderline_id")
            if refunded_id and not is_record_id(refunded_id):
                self._dental_loyalty_refuse_field(Line, "refunded_orderline_id")

    @api.model
    def _dental_loyalty_check_payload_payments(self, order):
        """The register's payments: amounts a clinic bills, a method named."""
        Payment = self.env["pos.payment"]
        for payment_id, vals in self._dental_loyalty_payload_values(
            order, "payment_ids"
        ):
            self._dental_loyalty_check_payload_types(Payment, vals, payment_id)
            if not self._dental_loyalty_is_figure(vals.get("amount", 0.0)):
                self._dental_loyalty_refuse_field(Payment, "amount")
            if not is_record_id(vals.get("payment_method_id")):
                self._dental_loyalty_refuse_field(Payment, "payment_method_id")

    @api.model
    def _dental_loyalty_check_payload_types(self, model, vals, record_id=None):
        """Each value of ``model`` in the register's ``vals`` (of the record
        ``record_id``, if it updates one) of the type the database stores,
        read without a query: a NUL in a text, a word for a link, an id beyond
        int4, a number no clinic bills get a sentence, not a database error.
        The order's lines and payments are checked on their own."""
        for name, value in vals.items():
            field = model._fields.get(name)
            # "id": the register's own number for a record it made, which
            # core reads (combo lines) and never stores; the order's, its
            # record's (a saved draft), read by other apps of the register.
            if name == "id":
                continue
            if not self._dental_loyalty_check_sent(model, name, field, value):
                continue  # nothing more to type: an empty value
            if field.type == "one2many":
                valid = self._dental_loyalty_check_children(
                    model, name, value, record_id
                )
            elif field.type == "integer":
                valid = (
                    isinstance(value, int)
                    and not isinstance(value, bool)
                    and abs(value) <= MAX_ID
                )
            elif field.type in ("float", "monetary", "selection", "date", "datetime"):
                # As a wizard's: a finite amount a clinic bills, a choice the
                # field has, a date of a year the programme can mean.
                Input = self.env["dental.loyalty.wizard.input"]
                valid = Input._dental_loyalty_valid_value(field, value)
            elif field.type in ("char", "text", "html"):
                # Core stores a scalar as its text (a payment's name may be a
                # date): only a NUL or a structure is no text.
                valid = (
                    is_storable_text(value)
                    if isinstance(value, str)
                    else not isinstance(value, (list, tuple, dict))
                )
            elif field.type == "many2one":
                valid = is_record_id(value)
            elif field.type == "many2many":
                valid = command_ids(value) is not None and self._dental_loyalty_links(
                    value
                )
            else:
                continue
            if not valid:
                self._dental_loyalty_refuse_field(model, name)

    @api.model
    def _dental_loyalty_check_sent(self, model, name, field, value):
        """Refuse a value of ``model``'s ``name`` that a register never sends,
        whatever its type: a key that is no field (the order, a line, payment
        or lot is created or written with what it is sent: core's ValueError
        and its traceback in the log), a related field of a line or payment,
        the journal entry Odoo books a bill in, an empty required value, a
        null number or date, a date that is no date. Returns whether there is
        a value to type."""
        if field is None:
            raise UserError(
                self.env._(
                    "The register sent %s, which is not valid: the bill has "
                    "no such field.",
                    name if is_storable_text(name) else "?",
                )
            )
        refused = (
            # A line's or payment's company, session... are its order's (and
            # one was stored as sent).
            (model._name != "pos.order" and field.related)
            or ((model._name, name) in _BOOKED_BY_ODOO and value)
            # Core reads the bill's date as it comes.
            or ((model._name, name) == ("pos.order", "date_order") and not value)
        )
        empty = value is None or value is False
        if empty:
            # Core and the database read these as they come: a null is no
            # number nor date, and a required value is there.
            refused = refused or (field.required and field.type != "boolean")
            refused = refused or (
                value is None
                and field.store
                and field.type in ("integer", "float", "monetary", "date", "datetime")
            )
        elif field.type in ("date", "datetime"):
            # An empty text or a number is no date, nor an empty one.
            refused = refused or not (isinstance(value, str) and value)
        if refused:
            self._dental_loyalty_refuse_field(model, name)
        return not empty

    @api.model
    def _dental_loyalty_check_children(self, model, name, commands, record_id):
        """Whether a one-to-many inside the register's order is one a register
        sends: new records, themselves checked; commands naming records only
        of the record it updates, the saved draft's own, never another
        order's (a refund's link to its sale, a paid line's lots)."""
        if model._name == "pos.order":
            # Lines and payments are checked apart; a register sends no other.
            return name in ("lines", "payment_ids") or commands == []
        if model._name == "pos.order.line" and name == "combo_line_ids":
            # The register's own numbers for its lines, which core reads and
            # then drops.
            return isinstance(commands, (list, tuple)) and all(
                isinstance(number, (int, str)) for number in commands
            )
        if not isinstance(commands, (list, tuple)):
            return False
        if record_id is not None and not is_record_id(record_id):
            return False
        field = model._fields[name]
        Child = self.env[field.comodel_name]
        if Child._name == "pos.order.line":
            # The lines that refund a line are other orders' lines: a register
            # sends none (a refund names its sale from its own line).
            return not commands
        parsed = self._dental_loyalty_child_commands(commands)
        if parsed is None:
            return False
        named, children = parsed
        if named and not named <= set(model.browse(record_id or ())[name].ids):
            return False
        for child_id, vals in children:
            if not isinstance(vals, dict):
                return False
            if not self._dental_loyalty_child_stays(
                Child, field.inverse_name, vals, child_id, record_id
            ):
                return False
            self._dental_loyalty_check_payload_types(Child, vals, child_id)
        return True

    @api.model
    def _dental_loyalty_links(self, commands):
        """Whether a many-to-many's ``commands`` only link records, as the
        register sends them (ids, link, unlink, set, clear): none creates,
        updates or deletes the records it names."""
        for command in commands:
            if is_record_id(command):
                continue
            operation, size = command[0], len(command)
            if not (
                (
                    operation in (fields.Command.LINK, fields.Command.UNLINK)
                    and size == 2
                )
                or (operation == fields.Command.SET and size == 3)
                or operation == fields.Command.CLEAR
            ):
                return False
        return True

    @api.model
    def _dental_loyalty_child_commands(self, commands):
        """The ids a one-to-many's ``commands`` name and the (id, values) of
        the records they create (no id) or update; None for a command a
        register never sends or an id no record can have."""
        named, children = set(), []
        for command in commands:
            if not isinstance(command, (list, tuple)) or not command:
                return None
            operation = command[0]
            if operation == fields.Command.CLEAR:
                continue
            if operation == fields.Command.CREATE and len(command) == 3:
                children.append((None, command[2]))
            elif operation == fields.Command.UPDATE and len(command) == 3:
                named.add(command[1])
                children.append((command[1], command[2]))
            elif operation in (fields.Command.DELETE, fields.Command.UNLINK):
                named.add(command[1] if len(command) > 1 else None)
            else:
                return None
        if not all(is_record_id(child_id) for child_id in named):
            return None
        return named, children

    @api.model
    def _dental_loyalty_child_stays(self, Child, inverse, vals, child_id, record_id):
        """Whether a lot or an attribute's value the register sends stays with
        its line: it writes no related field (a lot's order and product are
        its line's, written through it) and names no order, line or payment
        but its own line (a new one's is set by the ORM)."""
        for name in vals:
            field = Child._fields.get(name)
            if field is None:
                continue
            if field.related:
                return False
            if name == inverse:
                if child_id is not None and vals[name] not in (None, False, record_id):
                    return False
            elif field.type == "many2one" and field.comodel_name in (
                "pos.order",
                "pos.order.line",
                "pos.payment",
            ):
                return False
        return True

    @api.model
    def _dental_loyalty_payload_values(self, order, name):
        """(id, values) of the lines or payments the register's order creates
        (no id) or updates."""
        commands = order.get(name, [])
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
                    and len(command) >= 2
                    and command[0] in (fields.Command.DELETE, fields.Command.UNLINK)
                    and is_record_id(command[1])
                ):
                    continue
                self._dental_loyalty_refuse_field(self, name)
            if command[0] == fields.Command.CREATE:
                values.append((None, command[2]))
            elif command[0] == fields.Command.UPDATE:
                values.append((command[1], command[2]))
            else:
                # A register creates, updates or drops its records; it never
                # sets or links a list of them.
                self._dental_loyalty_refuse_field(self, name)
        return values

    @api.model
    def _dental_loyalty_is_figure(self, value):
        """A quantity, price or amount a register sends: a finite number below
        what a clinic ever bills."""
        return is_finite_number(value) and abs(value) <= MAX_AMOUNT

    @api.model
    def _dental_loyalty_refuse_field(self, model, name):
        raise UserError(
            self.env._(
                "The register sent a value for %(field)s that is not valid.",
                field=model._fields[name]._description_string(self.env),
            )
        )

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
            is_finite_number(figure) and abs(figure) <= MAX_AMOUNT for figure in figures
        ):
            raise UserError(
                self.env._(
                    "%s was refused: its amounts are more than a clinic bills.",
                    self._dental_loyalty_label(),
                )
            )
        currency = self.currency_id
        # Each line's total as sent is the one recomputed from its price,
        # quantity, discount and taxes, within its rounding: the audits read
        # the stored one, and a forged one would raise false alarms there.
        line_totals = {line: line._dental_loyalty_total() for line in self.lines}
        for line, total in line_totals.items():
            gap = abs(line.price_subtotal_incl - total)
            if currency.compare_amounts(gap, currency.rounding) > 0:
                raise UserError(
                    self.env._(
                        "%(order)s was refused: its line %(product)s says "
                        "%(sent)s, but its price, quantity, discount and taxes "
                        "make %(total)s.",
                        order=self._dental_loyalty_label(),
                        product=line.full_product_name or line.product_id.display_name,
                        sent=formatLang(
                            self.env, line.price_subtotal_incl, currency_obj=currency
                        ),
                        total=formatLang(self.env, total, currency_obj=currency),
                    )
                )
        # The total the register sent is what the server recomputes from the
        # lines, within each priced line's rounding (a clinic that rounds taxes
        # globally rounds the total, not the lines) and the register's cash
        # rounding; lines of no amount widen nothing. The earnings audit
        # allows the same (``_audit_earnings``).
        lines_total = sum(line_totals.values())
        priced = sum(1 for total in line_totals.values() if not currency.is_zero(total))
        margin = currency.rounding * (priced + 1)
        if self.config_id.cash_rounding and self.config_id.rounding_method:
            margin += self.config_id.rounding_method.rounding
        if currency.compare_amounts(abs(self.amount_total - lines_total), margin) > 0:
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
