from odoo import api, fields, models


class DentalLoyaltyShortfall(models.Model):
    """Points the engine should have moved but could not: a granted points
    payment (or a reward held on the bill) whose points were gone when its bill
    synced, or earned points a refund found already spent. The ledger only
    moves points; this says what the clinic did not get back, so the integrity
    check can tell an accounted loss from value created out of nothing. Written
    by the engine only."""

    _name = "dental.loyalty.shortfall"
    _description = "Loyalty Points Not Recovered"
    _order = "date desc, id desc"

    wallet_id = fields.Many2one(
        "dental.loyalty.wallet",
        required=True,
        index=True,
        ondelete="restrict",
        readonly=True,
    )
    partner_id = fields.Many2one(
        related="wallet_id.partner_id", string="Patient", store=True, index=True
    )
    company_id = fields.Many2one(related="wallet_id.company_id", store=True, index=True)
    kind = fields.Selection(
        selection=[
            ("spend", "Granted points gone at sync"),
            ("redeem", "Held reward's points gone at sync"),
            ("take_back", "Earned points already spent at refund"),
            ("referral", "Referral bonus already spent"),
        ],
        string="What Was Missing",
        required=True,
        readonly=True,
    )
    points = fields.Integer(required=True, readonly=True)
    date = fields.Date(
        required=True,
        readonly=True,
        default=lambda self: self.env.company._dental_loyalty_today(),
    )
    pos_order_id = fields.Many2one(
        "pos.order",
        string="POS Order",
        index="btree_not_null",
        ondelete="restrict",
        readonly=True,
        help="The bill or refund whose settling found the points missing.",
    )
    # The sale it belongs to, as on ledger lines: a sale's refunds share it.
    res_model = fields.Char(string="Sale Document Type", readonly=True)
    res_id = fields.Many2oneReference(
        string="Sale Document", model_field="res_model", readonly=True
    )
    origin = fields.Char(string="Reference", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    paid_amount = fields.Monetary(
        string="Money Refunded",
        currency_field="currency_id",
        readonly=True,
        help="Minus the money a refund returned of the sale's paid amount when "
        "no ledger line could take it back with the points: a spend-based tier "
        "counts it off here.",
    )

    _sql_constraints = [
        ("points_positive", "CHECK(points > 0)", "A shortfall is a number of points."),
    ]

    @api.model
    def _record(self, wallet, kind, points, source_vals, paid_amount=0.0):
        """Note ``points`` missing on ``wallet``; ``source_vals`` are the ledger
        fields of the posting that missed them (order, sale, reference);
        ``paid_amount``, minus the money a refund returned that no line
        carries (``dental.loyalty.wallet._settle_refund``)."""
        if points <= 0:
            return self
        keep = ("pos_order_id", "res_model", "res_id", "origin", "date")
        # The engine's bookkeeping: nobody has create rights on it.
        return self.sudo().create(
            {
                "wallet_id": wallet.id,
                "kind": kind,
                "points": points,
                "paid_amount": paid_amount,
                **{name: source_vals[name] for name in keep if name in source_vals},
            }
        )
