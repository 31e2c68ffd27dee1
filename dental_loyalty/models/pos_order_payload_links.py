from odoo import api, models
from odoo.tools import SQL

from .dental_loyalty_input import command_ids, is_record_id

# Links of the register's order left to others: core reads the register's
# own number of a combo's line and drops it, and stores a bill whose patient
# was deleted meanwhile (merged into another) without one, as the register
# cannot pick another once offline; the practitioner is checked on its own
# (unknown, or of another company).
_NOT_CHECKED = frozenset(
    {
        ("pos.order.line", "combo_parent_id"),
        ("pos.order", "partner_id"),
        ("pos.order", "dental_loyalty_practitioner_id"),
    }
)


def _writes_to_register(field):
    """Whether writing the order's ``field`` writes its register's (or its
    session's) own: a related field through the session that Odoo lets write."""
    return bool(
        field
        and field.related
        and not field.readonly
        and field.related.split(".")[0] == "session_id"
    )


class PosOrderPayloadLinks(models.Model):
    """Every record the register's order links to exists, before core stores
    it: an id the register made up (a product, a tax, a pricelist) gets a
    sentence naming the field, not a foreign key's error in the server's log."""

    _inherit = "pos.order"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _dental_loyalty_check_links(self, order):
        """Refuse the first link of ``order`` (its own, its lines', its
        payments') to a record that does not exist, whoever may read it:
        all of them in one query. The payload's types are checked already."""
        links = self._dental_loyalty_payload_links(order)
        tables = {}
        for _model, _name, comodel, ids in links:
            tables.setdefault(self.env[comodel]._table, set()).update(ids)
        if not tables:
            return
        missing = set(
            self.env.execute_query(
                SQL(" UNION ALL ").join(
                    SQL(
                        """SELECT %(table_name)s, sent.id
                             FROM unnest(%(ids)s::int[]) AS sent(id)
                            WHERE NOT EXISTS (SELECT 1 FROM %(table)s
                                               WHERE %(table)s.id = sent.id)""",
                        table_name=table,
                        ids=sorted(ids),
                        table=SQL.identifier(table),
                    )
                    for table, ids in sorted(tables.items())
                )
            )
        )
        for model, name, comodel, ids in links:
            table = self.env[comodel]._table
            if any((table, record_id) in missing for record_id in ids):
                self._dental_loyalty_refuse_field(model, name)

    @api.model
    def _dental_loyalty_without_settings(self, order):
        """``order`` without the links Odoo would write through to its
        register (the register, its operation type): the order's are the
        session's anyway, and a sync never changes the register's settings,
        which every later sale takes. Not refused: a register sends them as
        it loaded them, and the bills it kept offline while a manager changed
        the register must still sync."""
        for name in list(order):
            if _writes_to_register(self._fields.get(name)):
                del order[name]
        return order

    @api.model
    def _dental_loyalty_payload_links(self, order):
        """(model, field name, comodel, ids) of each link the order, its lines
        and its payments name that the sync stores or writes through, in the
        order they are refused; not those the sync drops (the register's)."""
        records = [(self, order)]
        for name, Child in (
            ("lines", self.env["pos.order.line"]),
            ("payment_ids", self.env["pos.payment"]),
        ):
            records += [
                (Child, vals)
                for _record_id, vals in self._dental_loyalty_payload_values(order, name)
            ]
        links = []
        for model, vals in records:
            for name, value in vals.items():
                field = model._fields.get(name)
                # Stored, or written through (followers): the sync writes it
                # either way.
                if (
                    not field
                    or not (field.store or field.inverse)
                    or field.type not in ("many2one", "many2many")
                    or (model._name, name) in _NOT_CHECKED
                    or (model is self and _writes_to_register(field))
                ):
                    continue
                if field.type == "many2one":
                    ids = [value] if is_record_id(value) else []
                else:
                    ids = command_ids(value) or []
                if ids:
                    links.append((model, name, field.comodel_name, ids))
        return links
