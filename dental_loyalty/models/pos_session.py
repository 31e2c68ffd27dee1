from odoo import api, models
from odoo.exceptions import UserError

from .dental_loyalty_input import (
    MAX_AMOUNT,
    check_record_ids,
    is_finite_number,
    is_record_id,
)

# Set only by _validate_session, which books the session: no JSON-RPC call can
# forge it.
_BOOKING = object()
# What the chatter writes on a record, closed session or not (its activities
# are records of their own, never written through the session).
_CHATTER_FIELDS = ("message_",)
# The cash a session opens and closes with, which a cashier writes.
_CASH_FIELDS = {"cash_register_balance_start", "cash_register_balance_end_real"}


class PosSession(models.Model):
    _inherit = "pos.session"

    @api.model
    def _load_pos_data_models(self, config_id):
        # The earn preview names the rules a bill earns by.
        return [
            *super()._load_pos_data_models(config_id),
            "dental.loyalty.earning.rule",
        ]

    @api.model_create_multi
    def create(self, vals_list):
        # Core creates a Point of Sale user's session as the superuser: what
        # the user sent is checked here, before, as theirs.
        if not self.env.su:
            for vals in vals_list:
                self._dental_loyalty_check_new_session(vals)
        return super().create(vals_list)

    @api.model
    def _dental_loyalty_check_new_session(self, vals):
        """A new session names its register and who opens it: its orders,
        payments and entry come from its work, its state from its opening
        and closing, and a related value is its register's, not its to write
        (created as the superuser, any of them would skip every check: a paid
        order moved in or made up, a session created closed)."""
        fields_sent = [self._fields.get(name) for name in vals]
        if (
            any(
                field is None
                or field.type in ("one2many", "many2many")
                or field.related
                for field in fields_sent
            )
            or vals.get("state", "opening_control") != "opening_control"
            or vals.get("move_id")
        ):
            raise UserError(
                self.env._(
                    "A new session names its register and who opens it: its "
                    "orders, payments, entry and state come from its work."
                )
            )

    def get_closing_control_data(self):
        check_record_ids(self, single=True)
        data = super().get_closing_control_data()
        points_methods = self.payment_method_ids.filtered("dental_loyalty_points").ids
        for method in data.get("non_cash_payment_methods", []):
            if method["id"] in points_methods:
                # The server knows to the cent what points paid: the closing
                # shows it, with nothing to count (core asks a count of bank
                # methods only).
                method["type"] = "dental_loyalty_points"
        return data

    def close_session_from_ui(self, bank_payment_method_diff_pairs=None):
        check_record_ids(self)
        self._dental_loyalty_check_one()
        # The register's pairs of (payment method, difference counted), which
        # core reads as they come: a pair of another shape is a crash there,
        # and so is a difference too large to round to the cent.
        pairs = bank_payment_method_diff_pairs or []
        if not isinstance(pairs, list) or not all(
            isinstance(pair, list | tuple)
            and len(pair) == 2
            and is_record_id(pair[0])
            and is_finite_number(pair[1])
            and abs(pair[1]) <= MAX_AMOUNT
            for pair in pairs
        ):
            raise UserError(
                self.env._("The register sent differences that are not valid.")
            )
        self._dental_loyalty_check_differences(dict(pairs))
        return super().close_session_from_ui(bank_payment_method_diff_pairs)

    def post_closing_cash_details(self, counted_cash):
        check_record_ids(self)
        # The cash the register counted is booked at the closing against what
        # the session expected: a number a clinic counts, or a sentence.
        self._dental_loyalty_check_one()
        self._dental_loyalty_check_cash(counted_cash)
        return super().post_closing_cash_details(counted_cash)

    def try_cash_in_out(self, _type, amount, reason, extras):
        check_record_ids(self, single=True)
        self._dental_loyalty_check_cash(amount)
        # Core reads the move's label from them.
        if not isinstance(extras, dict) or not isinstance(
            extras.get("translatedType"), str
        ):
            raise UserError(
                self.env._("The register sent a cash move that is not valid.")
            )
        return super().try_cash_in_out(_type, amount, reason, extras)

    def set_opening_control(self, cashbox_value, notes):
        check_record_ids(self, single=True)
        # Core writes the cash counted at opening into the session's message
        # before its write: checked first.
        self._dental_loyalty_check_cash(cashbox_value)
        return super().set_opening_control(cashbox_value, notes)

    def _dental_loyalty_check_one(self):
        # Core's own ensure_one comes after the checks that read the session.
        if len(self) != 1:
            raise UserError(self.env._("Close one session at a time."))

    def _dental_loyalty_check_cash(self, amount):
        """An amount of cash the register sends: a finite number within
        MAX_AMOUNT (1e308 is finite, and crashed the rounding)."""
        if not (is_finite_number(amount) and abs(amount) <= MAX_AMOUNT):
            raise UserError(
                self.env._("The amount of cash sent by the register is not valid.")
            )

    def _validate_session(
        self,
        balancing_account=False,
        amount_to_balance=0,
        bank_payment_method_diffs=None,
    ):
        # Every way of closing (the register's, the back office's) ends here.
        self._dental_loyalty_check_differences(bank_payment_method_diffs or {})
        if balancing_account and not isinstance(balancing_account, models.BaseModel):
            raise UserError(self.env._("The balancing account sent is not valid."))
        return super(
            PosSession, self.with_context(dental_loyalty_booking=_BOOKING)
        )._validate_session(
            balancing_account, amount_to_balance, bank_payment_method_diffs
        )

    def _dental_loyalty_check_differences(self, differences):
        """No difference is booked on a points method: what points paid is
        the server's figure, not a count. Any points method, not only the
        register's: core books the differences of the methods the session's
        payments used."""
        if not isinstance(differences, dict):
            raise UserError(
                self.env._("The register sent differences that are not valid.")
            )
        # The flag of whichever method was named, in one read.
        points_methods = (
            self.env["pos.payment.method"]
            .sudo()
            .browse(filter(is_record_id, differences))
            .exists()
            .filtered("dental_loyalty_points")
        )
        for method in points_methods:
            difference = differences[method.id]
            if not (
                is_finite_number(difference)
                and abs(difference) <= MAX_AMOUNT
                and self.currency_id.is_zero(difference)
            ):
                raise UserError(
                    self.env._(
                        "%s is what points paid, to the cent: a session closes "
                        "with no difference on it.",
                        method.name,
                    )
                )

    def write(self, vals):
        # Core never moves a session to another register: one moved would be
        # closed by the other register's rules (its payment methods) and
        # booked under its name.
        if "config_id" in vals and any(
            session.config_id.id not in (False, vals["config_id"]) for session in self
        ):
            raise UserError(
                self.env._("A session stays with the register it was opened on.")
            )
        self._dental_loyalty_check_booking(vals)
        for fname in _CASH_FIELDS.intersection(vals):
            self._dental_loyalty_check_cash(vals[fname])
        return super().write(vals)

    def _dental_loyalty_check_booking(self, vals):
        """A session is closed, and its entry linked, only by its booking
        (``_validate_session``), and a closed one is never reopened: written
        by hand, a session would be closed with its points payments never
        booked, or booked a second time."""
        booking = self.env.su or (
            self.env.context.get("dental_loyalty_booking") is _BOOKING
        )
        state = vals.get("state")
        if (
            ("state" in vals and state != "closed" and "closed" in self.mapped("state"))
            or (state == "closed" and not booking)
            or ("move_id" in vals and not booking)
        ):
            raise UserError(
                self.env._(
                    "A session is closed only by its closing, which books it, "
                    "and stays closed."
                )
            )
        # Its figures too: the cash counted at its closing is what the next
        # session opens with, and what its entry booked.
        if (
            not booking
            and "closed" in self.mapped("state")
            and any(not fname.startswith(_CHATTER_FIELDS) for fname in vals)
        ):
            raise UserError(
                self.env._("A closed session keeps what its closing booked.")
            )
