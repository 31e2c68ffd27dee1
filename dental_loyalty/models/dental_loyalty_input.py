import math
import numbers

from odoo import api, fields, models
from odoo.exceptions import UserError

# What a clinic never reaches: a bill, a payment or a setting in money, and a
# number of points. Anything beyond is a forged or mistyped figure.
MAX_AMOUNT = 1e9
# More of one line than any clinic sells at once: a forged quantity (a sale's
# and a refund's alike).
MAX_QUANTITY = 1e6
# Points are int4 in the ledger: a cap far below it keeps sums from overflowing.
MAX_POINTS = 10**7
# A wallet's balance and a line's points, int4 in the ledger: two sales each
# within MAX_AMOUNT earned past it, and the second failed in the database.
MAX_WALLET_POINTS = 10**9
# Ids are PostgreSQL's int4.
MAX_ID = 2**31 - 1
# A reason or a code typed by a person.
MAX_TEXT = 4096
# The years a typed date may fall in.
MIN_YEAR, MAX_YEAR = 1900, 9000
# A register names its orders by a uuid4 (36 characters): room for others'.
MAX_UUID_LENGTH = 64


def is_finite_number(value):
    """Whether ``value`` is a finite real number, not a bool. JSON carries
    integers of any size, which no float holds: they are not finite here."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:
        return False


def is_storable_text(value):
    """Whether ``value`` is a string PostgreSQL can store and look up: it
    takes no NUL character in text, nor what UTF-8 cannot encode (a lone
    surrogate, which JSON carries as "\\ud800"); a forged one would be a
    crash."""
    if not isinstance(value, str) or "\x00" in value:
        return False
    try:
        value.encode()
    except UnicodeEncodeError:
        return False
    return True


def is_order_uuid(value):
    """Whether ``value`` can name an order as a register does: a text that is
    not blank, of a uuid's length at most, without a colon (the engine's keys
    join an order's uuid to others with it, and a register's uuid4 has none:
    an order named "x:rule:2" would take another order's ledger key)."""
    return (
        is_storable_text(value)
        and bool(value.strip())
        and len(value) <= MAX_UUID_LENGTH
        and ":" not in value
    )


def is_record_id(value):
    """Whether ``value`` can be a database id: an int of int4, not a bool."""
    return (
        not isinstance(value, bool) and isinstance(value, int) and 0 < value <= MAX_ID
    )


def check_record_ids(records, single=False):
    """Refuse a button called on what are no ids (``["x"]``, ``[[1]]``), or
    on no record or several where it acts on one (``single``): the browser
    sends database ids, and anything else reached the database as SQL text or
    a Python error instead of a sentence."""
    if not all(is_record_id(record_id) for record_id in records._ids) or (
        single and not records._ids
    ):
        raise UserError(
            records.env._("This record is unknown: %s.", records._description)
        )
    if single and len(records._ids) > 1:
        raise UserError(
            records.env._(
                "This acts on one record at a time: %s.", records._description
            )
        )


def command_ids(value):
    """The ids an x2many ``value`` names, as the web client and the register
    send it: a list of ids, or of commands that name records (set, update,
    link, unlink, delete, clear; none creates one); None when it is no such
    value or an id is not a database id."""
    if not isinstance(value, (list, tuple)):
        return None
    ids = []
    for command in value:
        if is_record_id(command):
            ids.append(command)
            continue
        if not isinstance(command, (list, tuple)) or not command:
            return None
        operation = command[0]
        if operation == fields.Command.SET and len(command) == 3:
            if not isinstance(command[2], (list, tuple)):
                return None
            ids.extend(command[2])
        elif (
            operation
            in (
                fields.Command.UPDATE,
                fields.Command.LINK,
                fields.Command.UNLINK,
                fields.Command.DELETE,
            )
            and len(command) >= 2
        ):
            ids.append(command[1])
        elif operation != fields.Command.CLEAR:
            return None
    if not all(is_record_id(record_id) for record_id in ids):
        return None
    return ids


class DentalLoyaltyWizardInput(models.AbstractModel):
    """What every loyalty wizard checks of the values it is given (create,
    write, defaults, onchange) and of the ids it is called on: each field's
    type and range, and that a record named exists, so that a forged call gets
    a message instead of a database error."""

    _name = "dental.loyalty.wizard.input"
    _description = "Loyalty Wizard Input Checks"

    def browse(self, ids=()):
        records = super().browse(ids)
        for record_id in records._ids:
            if not (is_record_id(record_id) or isinstance(record_id, models.NewId)):
                raise UserError(
                    self.env._("This form is unknown: %s.", self._description)
                )
        return records

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._dental_loyalty_check_vals(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._dental_loyalty_check_vals(vals)
        return super().write(vals)

    @api.model
    def default_get(self, fields_list):
        defaults = super().default_get(fields_list)
        self._dental_loyalty_check_vals(defaults)
        return defaults

    def onchange(self, values, field_names, fields_spec):
        self._dental_loyalty_check_vals(values)
        return super().onchange(values, field_names, fields_spec)

    @api.model
    def _dental_loyalty_check_vals(self, vals):
        """Raise a UserError naming the first field whose value is not one a
        person could have entered."""
        if not isinstance(vals, dict):
            raise UserError(self.env._("The values sent are not a form's values."))
        for fname, value in vals.items():
            field = self._fields.get(fname)
            if field is None or value in (False, None) or field.compute:
                continue
            if not self._dental_loyalty_valid_value(field, value):
                raise UserError(
                    self.env._(
                        "The value given for %(field)s is not valid.",
                        field=field._description_string(self.env),
                    )
                )

    @api.model
    def _dental_loyalty_valid_value(self, field, value):
        if field.type == "many2one":
            return is_record_id(value) and bool(
                self.env[field.comodel_name].browse(value).exists()
            )
        if field.type in ("many2many", "one2many"):
            return self._dental_loyalty_valid_commands(field, value)
        if field.type == "integer":
            return (
                not isinstance(value, bool)
                and isinstance(value, int)
                and abs(value) <= MAX_POINTS
            )
        if field.type in ("float", "monetary"):
            return is_finite_number(value) and abs(value) <= MAX_AMOUNT
        if field.type in ("char", "text", "html"):
            return is_storable_text(value) and len(value) <= MAX_TEXT
        if field.type == "selection":
            return isinstance(value, str) and value in field.get_values(self.env)
        if field.type == "boolean":
            return isinstance(value, bool)
        if field.type in ("date", "datetime"):
            convert = (
                fields.Date.to_date
                if field.type == "date"
                else fields.Datetime.to_datetime
            )
            try:
                day = convert(value)
            except (TypeError, ValueError):
                return False
            # A date the programme can mean: a year counted back from it exists.
            return day is False or day is None or MIN_YEAR <= day.year <= MAX_YEAR
        return True

    @api.model
    def _dental_loyalty_valid_commands(self, field, value):
        """x2many values as the web client sends them: a list of ids, or of
        commands whose ids are records of the field's model."""
        ids = command_ids(value)
        if ids is None:
            return False
        return len(self.env[field.comodel_name].browse(ids).exists()) == len(set(ids))
