from odoo import api, fields, models
from odoo.exceptions import UserError

from ..rules import sale_line
from .pos_order import _CREATING, _IN_SYNC

# What a line is worth and which sale it is of: fixed once its order is paid.
_LINE_VALUE_FIELDS = frozenset(
    {
        "product_id",
        "qty",
        "price_unit",
        "discount",
        "price_subtotal",
        "price_subtotal_incl",
        "tax_ids",
        "refunded_orderline_id",
        "dental_loyalty_voucher_id",
        "dental_loyalty_voucher_code",
        "order_id",
        "company_id",
    }
)


class PosOrderLine(models.Model):
    _inherit = "pos.order.line"

    # Sent by the register; the server finds the voucher from it at sync and
    # checks the line against it.
    dental_loyalty_voucher_code = fields.Char(string="Voucher Code", copy=False)
    dental_loyalty_voucher_id = fields.Many2one(
        "dental.loyalty.voucher",
        string="Voucher",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="restrict",
    )

    @api.model_create_multi
    def create(self, vals_list):
        self._dental_loyalty_check_voucher_link(vals_list)
        orders = self.env["pos.order"].browse(
            {vals["order_id"] for vals in vals_list if vals.get("order_id")}
        )
        if self.env.context.get("dental_loyalty_creating") is not _CREATING:
            orders._dental_loyalty_check_unlocked("lines")
        return super().create(vals_list)

    def write(self, vals):
        self._dental_loyalty_check_voucher_link([vals])
        if _LINE_VALUE_FIELDS.intersection(vals):
            orders = self.order_id
            if vals.get("order_id"):
                orders |= orders.browse(vals["order_id"])
            orders._dental_loyalty_check_unlocked("lines")
        return super().write(vals)

    @api.constrains("product_id", "tax_ids", "order_id", "company_id")
    def _check_dental_loyalty_line_company(self):
        """A line added or changed outside the register's sync is of its
        order's company and carries that company's products and taxes, as the
        sync asks of a payload: one of another company left its draft
        impossible to pay, or its sale impossible to refund."""
        # The sync checked the links it sends; the order those it keeps.
        if self.env.context.get("dental_loyalty_sync") is not _IN_SYNC:
            self.order_id._dental_loyalty_refuse_foreign_links()

    @api.model
    def default_get(self, fields_list):
        defaults = super().default_get(fields_list)
        # Nor is the link a default, set by a user or a context.
        if not self.env.su:
            defaults.pop("dental_loyalty_voucher_id", None)
        return defaults

    @api.model
    def _dental_loyalty_check_voucher_link(self, vals_list):
        """Only the engine links a line to a voucher, from the code it checked
        when the bill was paid (``voucher._mark_used``): a link sent by a
        register or written over RPC is refused, whatever its value."""
        if self.env.su:
            return
        if any(vals.get("dental_loyalty_voucher_id") for vals in vals_list):
            raise UserError(
                self.env._(
                    "A bill's line names a voucher by its code only: the server "
                    "links it to the voucher when the bill is paid."
                )
            )

    def _auto_init(self):
        res = super()._auto_init()
        # A recall visit checks whether the last one was refunded: refund lines
        # are few, and core leaves the column unindexed.
        self.env.cr.execute(
            """
            CREATE INDEX IF NOT EXISTS pos_order_line_dental_loyalty_refunded_idx
                ON pos_order_line (refunded_orderline_id)
             WHERE refunded_orderline_id IS NOT NULL
            """
        )
        return res

    @api.model
    def _load_pos_data_fields(self, config_id):
        return [
            *super()._load_pos_data_fields(config_id),
            "dental_loyalty_voucher_code",
        ]

    def _dental_loyalty_total(self):
        """The line's price with taxes, recomputed from its unit price, quantity,
        discount and taxes rather than read from what the register sent."""
        self.ensure_one()
        order = self.order_id
        taxes = order.fiscal_position_id.map_tax(self.tax_ids)
        if taxes:
            return self._compute_amount_line_all()["price_subtotal_incl"]
        # Core's computation (_compute_amount_line_all) without taxes: the
        # price times the quantity in the order's currency, as compute_all
        # answers for no tax (it only adds the product's account tags, which
        # cost a query per sync, and its tax machinery, hundreds of calls per
        # line on every sync, for the same amount).
        price = self.price_unit * (1 - (self.discount or 0.0) / 100.0)
        return order.currency_id.round(price * self.qty)

    def _dental_loyalty_sale_line(self, bonus_points=0):
        """The line as the engine sees it (``rules.sale_line``): ``bonus_points``
        (a recall's; a service's bonus is an earning rule's now), and the
        line's price before and after its discount."""
        self.ensure_one()
        product = self.product_id
        # A product without attribute values (none combined: it is read with
        # the product) has no price extra: its list price is its template's,
        # without reading its (empty) combination.
        plain = not product.combination_indices and "uom" not in self.env.context
        # The template's list price, read there: the variant's list_price is a
        # related field, computed again on every sync.
        list_price = product.product_tmpl_id.list_price if plain else product.lst_price
        return sale_line(
            bonus_points=bonus_points,
            quantity=self.qty,
            price_unit=self.price_unit,
            discount=self.discount,
            list_price=list_price,
        )
