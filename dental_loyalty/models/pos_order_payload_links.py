from odoo import api, models
from odoo.exceptions import UserError
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


# Records a sale takes of its clinic only (or of a company above it, or of
# none): a line taxed by another company's tax was stored, and its session
# could never be closed (core refuses to book it). {model: the table holding
# its company}: a product's is its template's.
_OF_THE_CLINIC = {
    "product.product": "product_template",
    "account.tax": None,
    "account.fiscal.position": None,
    "product.pricelist": None,
    "pos.payment.method": None,
}


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
        payments') to a record that does not exist, whoever may read it, or
        to a product, tax, pricelist, fiscal position or payment method of
        another clinic than the register's: all of them in one query. The
        payload's types are checked already."""
        links = self._dental_loyalty_payload_links(order)
        tables = {}
        for _model, _name, comodel, ids in links:
            tables.setdefault(comodel, set()).update(ids)
        if not tables:
            return
        # The register's company and those above it (a branch uses its
        # parent's taxes).
        companies = SQL(
            """(SELECT unnest(string_to_array(rtrim(company.parent_path, '/'),
                                              '/'))::int
                  FROM pos_session session
                  JOIN pos_config config ON config.id = session.config_id
                  JOIN res_company company ON company.id = config.company_id
                 WHERE session.id = %s)""",
            order["session_id"],
        )
        rows = self.env.execute_query(
            SQL(" UNION ALL ").join(
                self._dental_loyalty_unknown_links_sql(comodel, ids, companies)
                for comodel, ids in sorted(tables.items())
            )
        )
        missing = {
            (comodel, record_id) for comodel, record_id, found in rows if not found
        }
        foreign = {(comodel, record_id) for comodel, record_id, found in rows if found}
        for model, name, comodel, ids in links:
            if any((comodel, record_id) in missing for record_id in ids):
                self._dental_loyalty_refuse_field(model, name)
        for model, name, comodel, ids in links:
            if any((comodel, record_id) in foreign for record_id in ids):
                raise UserError(
                    self.env._(
                        "The register sent for %(field)s a record of another "
                        "company than the register's.",
                        field=model._fields[name]._description_string(self.env),
                    )
                )

    @api.model
    def _dental_loyalty_unknown_links_sql(self, comodel, ids, companies):
        """The query of the ``ids`` of ``comodel`` that are no record, or one
        of another company than ``companies``: (comodel, id, whether found)."""
        table = SQL.identifier(self.env[comodel]._table)
        clinic = SQL("TRUE")
        if comodel in _OF_THE_CLINIC:
            holder = _OF_THE_CLINIC[comodel]
            company = (
                SQL(
                    "(SELECT holder.company_id FROM %s holder"
                    " WHERE holder.id = record.product_tmpl_id)",
                    SQL.identifier(holder),
                )
                if holder
                else SQL("record.company_id")
            )
            clinic = SQL("(%s IS NULL OR %s IN %s)", company, company, companies)
        return SQL(
            """SELECT %(comodel)s, sent.id, record.id IS NOT NULL
                 FROM unnest(%(ids)s::int[]) AS sent(id)
            LEFT JOIN %(table)s record ON record.id = sent.id
                WHERE record.id IS NULL OR NOT %(clinic)s""",
            comodel=comodel,
            ids=sorted(ids),
            table=table,
            clinic=clinic,
        )

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
