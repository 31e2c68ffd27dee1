from datetime import timedelta

from odoo import api, fields, models


class DentalLoyaltyReservation(models.Model):
    """Points a terminal has been promised for an order being paid: other terminals
    cannot spend them until the order is synced or the promise lapses."""

    _name = "dental.loyalty.reservation"
    _description = "Loyalty Points Reservation"

    _LIFETIME = timedelta(minutes=30)
    # A lapsed reservation no longer holds points, but it is kept a while as the
    # proof that the server agreed, for a terminal that syncs late.
    _KEPT_AFTER_LAPSE = timedelta(days=7)

    wallet_id = fields.Many2one(
        "dental.loyalty.wallet", required=True, index=True, ondelete="cascade"
    )
    order_uuid = fields.Char(required=True, index=True)
    points = fields.Integer(required=True)
    amount = fields.Float(required=True)
    expires_at = fields.Datetime(required=True)

    _sql_constraints = [
        ("order_uuid_uniq", "unique(order_uuid)", "One reservation per order."),
    ]

    @api.model
    def _of_wallet(self, wallet, order_uuid):
        """The wallet's live reservations, and the order's own even if lapsed."""
        return self.search_fetch(
            [
                ("wallet_id", "=", wallet.id),
                "|",
                ("expires_at", ">", fields.Datetime.now()),
                ("order_uuid", "=", order_uuid),
            ],
            ["order_uuid", "points"],
        )

    @api.model
    def _reserve(self, wallet, order_uuid, points, amount):
        vals = {
            "wallet_id": wallet.id,
            "order_uuid": order_uuid,
            "points": points,
            "amount": amount,
            "expires_at": fields.Datetime.now() + self._LIFETIME,
        }
        existing = self.search([("order_uuid", "=", order_uuid)])
        if not points:
            existing.unlink()
            return self.browse()
        if existing:
            existing.write(vals)
            return existing
        return self.create(vals)

    @api.model
    def _cron_release_lapsed(self):
        # Lapsed promises are bookkeeping, not records anyone owns.
        lapsed_before = fields.Datetime.now() - self._KEPT_AFTER_LAPSE
        self.sudo().search([("expires_at", "<=", lapsed_before)]).unlink()
