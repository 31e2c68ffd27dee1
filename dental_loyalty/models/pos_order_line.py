from odoo import api, fields, models


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
        return self._compute_amount_line_all()["price_subtotal_incl"]

    def _dental_loyalty_list_amount(self):
        """What the line's quantity costs at the service's own price, or at the
        line's if dearer: a register that sends a price of 0.01 earns the bonus
        of what it charged, not of the service."""
        self.ensure_one()
        return max(self.price_unit, self.product_id.lst_price) * self.qty
