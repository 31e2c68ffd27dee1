from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, float_compare
from odoo.tools.misc import format_datetime

from ..rules import points_for_amount, spendable_less_holds


class DentalLoyaltyReservation(models.Model):
    """Points a register holds for the bill it is being paid: other registers
    cannot spend them. A hold lives as long as the points payment line that asked
    for it: the register releases it when the line, the order or the patient goes,
    the sync turns it into the spend, and it lapses if the register went away."""

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
    def _reserve_points(self, wallet, order_uuid, bill_total, amount, config):
        """Check a points payment of ``amount`` (None: the most allowed) on a bill
        of ``bill_total`` and hold its points for the order. Returns the offer the
        register shows; raises a UserError naming the rule that refused."""
        wallet._lock_for_update()
        company = wallet.company_id
        rounding = company.currency_id.rounding
        spendable, _own, others = self._spendable_for(wallet, order_uuid)
        max_amount = wallet._max_points_payment(spendable, bill_total)
        if amount is None:
            amount = max_amount
            if not max_amount:
                raise UserError(self._why_nothing_payable(wallet, others, bill_total))
        if amount and not max_amount:
            raise UserError(self._why_nothing_payable(wallet, others, bill_total))
        if float_compare(amount, max_amount, precision_rounding=rounding) > 0:
            raise UserError(wallet._points_cap_message(spendable, max_amount))
        points = points_for_amount(amount, company.dental_loyalty_point_value)
        self._hold(
            wallet,
            order_uuid,
            points=points,
            amount=amount,
            bill_total=bill_total,
            config=config,
        )
        return {
            "amount": amount,
            "points": points,
            "max_amount": max_amount,
            "spendable_points": spendable,
            "held_points": sum(others.mapped("points")),
            "max_share": company.dental_loyalty_max_share,
        }

    def _why_nothing_payable(self, wallet, others, bill_total):
        """The reason a bill cannot be paid with points at all, in the cashier's
        words: no points, points still pending, or points held elsewhere."""
        patient = wallet.partner_id.display_name
        if bill_total <= 0:
            return self.env._("Only a bill to pay can be paid with points.")
        if others:
            return self.env._(
                "The spendable points of %(patient)s (%(points)s) are held by "
                "another register until %(time)s, for an order being paid there.",
                patient=patient,
                points=wallet.points_available,
                time=format_datetime(
                    self.env, max(others.mapped("expires_at")), dt_format="short"
                ),
            )
        if wallet.points_pending:
            return self.env._(
                "%(patient)s has no spendable points yet; points pending until "
                "%(date)s: %(points)s.",
                patient=patient,
                points=wallet.points_pending,
                date=wallet._next_release_date_text(),
            )
        if not wallet.company_id.dental_loyalty_max_share:
            return self.env._("The clinic does not let points pay bills.")
        return self.env._("%(patient)s has no spendable points.", patient=patient)

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
