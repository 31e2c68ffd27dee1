from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

from ..rules import spendable_less_holds


class DentalLoyaltyReservation(models.Model):
    """Points a register holds for the bill it is being paid: other registers
    cannot spend them. A hold lives as long as the points payment line that
    asked for it: the register releases it when the line, the order or the
    patient goes, the sync turns it into the spend, and it lapses if the
    register went away. The holds' bookkeeping only: the wallet decides what a
    register may hold (``_reserve_points``) and spend; it calls this model,
    never the other way round."""

    _name = "dental.loyalty.reservation"
    _description = "Loyalty Points Hold"

    _LIFETIME = timedelta(minutes=30)
    # A lapsed hold no longer holds points, but it is kept a while as the proof
    # that the server agreed, for a register that syncs late.
    _KEPT_AFTER_LAPSE = timedelta(days=7)

    wallet_id = fields.Many2one(
        "dental.loyalty.wallet", required=True, index=True, ondelete="cascade"
    )
    config_id = fields.Many2one("pos.config", string="Register", ondelete="cascade")
    order_uuid = fields.Char(required=True, index=True)
    points = fields.Integer(required=True)
    amount = fields.Float(required=True, help="The money these points pay.")
    bill_total = fields.Float(
        required=True, help="The bill total the hold was granted for."
    )
    expires_at = fields.Datetime(required=True)

    _sql_constraints = [
        ("order_uuid_uniq", "unique(order_uuid)", "One hold per order."),
    ]

    @api.model
    def _of_wallet(self, wallet, order_uuid):
        """The wallet's live holds, and the order's own even if lapsed."""
        return self.search_fetch(
            [
                ("wallet_id", "=", wallet.id),
                "|",
                ("expires_at", ">", fields.Datetime.now()),
                ("order_uuid", "=", order_uuid),
            ],
            ["order_uuid", "points", "amount", "bill_total", "expires_at"],
        )

    @api.model
    def _spendable_for(self, wallet, order_uuid):
        """What the order ``order_uuid`` may spend of a locked wallet: its
        spendable points less what other orders hold. Returns the points, the
        order's own hold, and the other holds."""
        holds = self._of_wallet(wallet, order_uuid)
        own = holds.filtered(lambda hold: hold.order_uuid == order_uuid)
        others = holds - own
        spendable = spendable_less_holds(
            wallet.points_available, sum(others.mapped("points"))
        )
        return spendable, own, others

    @api.model
    def _hold(self, wallet, order_uuid, *, points, amount, bill_total, config):
        existing = self.search([("order_uuid", "=", order_uuid)])
        if not points:
            existing.unlink()
            return self.browse()
        vals = {
            "wallet_id": wallet.id,
            "config_id": config.id,
            "order_uuid": order_uuid,
            "points": points,
            "amount": amount,
            "bill_total": bill_total,
            "expires_at": fields.Datetime.now() + self._LIFETIME,
        }
        if existing:
            existing.write(vals)
            return existing
        return self.create(vals)

    @api.model
    def _release(self, order_uuid, config):
        """Drop the hold of an order whose points payment line went away."""
        holds = self.search(
            [("order_uuid", "=", order_uuid), ("config_id", "=", config.id)]
        )
        holds.unlink()
        return bool(holds)

    @api.model
    def _consume(self, order_uuid):
        """The order is paid: its hold becomes its spend line. Deleted in SQL: a
        hold has no xmlid, attachment or dependant, and an ORM unlink would clear
        the whole record cache in the middle of the sync (bench/results.md)."""
        self.env.cr.execute(
            SQL(
                "DELETE FROM dental_loyalty_reservation WHERE order_uuid = %s",
                order_uuid,
            )
        )
        self.invalidate_model()

    @api.autovacuum
    def _gc_lapsed_holds(self):
        lapsed_before = fields.Datetime.now() - self._KEPT_AFTER_LAPSE
        # Lapsed holds are the engine's bookkeeping, not records anyone owns.
        self.sudo().search([("expires_at", "<=", lapsed_before)]).unlink()
