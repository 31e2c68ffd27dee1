from odoo import api, fields, models


class DentalLoyaltyReservation(models.Model):
    """Every spend a register asks for is held here first: a points payment, a
    reward on the bill. A clinic that asks for a code by SMS from some points
    gets it checked here, for all that the order holds, whatever held it."""

    # One concern per file: the spend code's check on holds.
    _inherit = "dental.loyalty.reservation"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _hold(self, wallet, order_uuid, *, points, patient=None, **kwargs):
        # ``patient``: whose day the threshold counts (the wallet's own by
        # default); the hold itself is the wallet's.
        # Codes are the engine's bookkeeping: cashiers have no rights on them.
        Code = self.env["dental.loyalty.spend.code"].sudo()
        # Without a threshold no spend needs a code: the order's holds are not
        # even read (_check_spend would answer the same, a query later).
        if points and Code._threshold(wallet):
            Code._check_spend(
                wallet,
                order_uuid,
                self._points_held_with(
                    wallet, order_uuid, points, kwargs.get("voucher")
                ),
                config=kwargs.get("config"),
                patient=patient,
            )
        return super()._hold(wallet, order_uuid, points=points, **kwargs)

    @api.model
    def _points_held_with(self, wallet, order_uuid, points, voucher=None):
        """What the order would hold of the wallet with ``points`` held for
        ``voucher`` (None: for its points payment) instead of what they hold now:
        a spend split between a reward and a payment is one spend."""
        holds = self._live_holds_of_bill(wallet, order_uuid)
        if "voucher_id" in self._fields:
            voucher_id = voucher.id if voucher else False
            replaced = holds.filtered(lambda hold: hold.voucher_id.id == voucher_id)
        else:
            replaced = holds  # one hold per order
        # Rewards redeemed at once for the bill are its spends too.
        redeemed = self.env["dental.loyalty.spend.code"]._redeemed_for_order(
            wallet, order_uuid
        )
        return sum((holds - replaced).mapped("points")) + points + redeemed

    @api.model
    def _live_holds_of_bill(self, wallet, order_uuid):
        """The holds of ``wallet`` the bill ``order_uuid`` has now, points read."""
        return self.search_fetch(
            [
                ("wallet_id", "=", wallet.id),
                ("order_uuid", "=", order_uuid),
                ("expires_at", ">", fields.Datetime.now()),
            ],
            ["points"],
        )
