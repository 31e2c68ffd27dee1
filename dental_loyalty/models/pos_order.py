from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, float_compare
from odoo.tools.misc import formatLang

from ..rules import (
    earned_points,
    eligible_amount,
    max_points_payment,
    points_for_amount,
    proportional_points,
)

PAID_STATES = ("paid", "done", "invoiced")


class PosOrder(models.Model):
    _inherit = "pos.order"

    dental_loyalty_points_earned = fields.Integer(
        string="Loyalty Points Earned",
        readonly=True,
        copy=False,
        help="Points this order earned (negative on a refund: points taken back).",
    )
    dental_loyalty_points_spent = fields.Integer(
        string="Loyalty Points Spent",
        readonly=True,
        copy=False,
        help="Points this order spent (negative on a refund: points given back).",
    )
    dental_loyalty_balance = fields.Integer(
        string="Spendable Points After",
        readonly=True,
        copy=False,
    )
    dental_loyalty_tier_name = fields.Char(
        string="Loyalty Tier After", readonly=True, copy=False
    )
    dental_loyalty_line_ids = fields.One2many(
        "dental.loyalty.ledger", "pos_order_id", string="Loyalty Ledger Lines"
    )

    # ------------------------------------------------------------------
    # Asked by the POS before the money is taken
    # ------------------------------------------------------------------

    @api.model
    def dental_loyalty_reserve_points(
        self, config_id, order_uuid, partner_id, order_total, amount=None
    ):
        """Check a points payment and hold its points for this order.

        ``amount=None`` asks for the most the patient may pay with points. Returns
        the amount granted, the points it takes and the maximum; raises a
        UserError the cashier can read when the payment is not allowed."""
        if not self.env.user.has_group("point_of_sale.group_pos_user"):
            raise AccessError(self.env._("Only Point of Sale users pay with points."))
        config = self.env["pos.config"].browse(config_id).exists()
        if not config or not order_uuid:
            raise UserError(self.env._("This register or order is unknown."))
        config.check_access("read")
        partner = self.env["res.partner"].browse(partner_id).exists()
        if not partner:
            raise UserError(self.env._("Choose the patient before paying with points."))
        company = config.company_id
        wallet = partner._dental_loyalty_wallet(company)
        wallet._lock_for_update()
        spendable, _own = self._dental_loyalty_spendable(wallet, order_uuid)
        max_amount = max_points_payment(
            spendable,
            company.dental_loyalty_point_value,
            order_total,
            company.dental_loyalty_max_share,
            rounding=company.currency_id.rounding,
        )
        if amount is None:
            amount = max_amount
        if amount < 0:
            raise UserError(self.env._("A points payment cannot be negative here."))
        if not max_amount and amount:
            raise UserError(
                self.env._(
                    "%(patient)s has no spendable points for this bill.",
                    patient=partner.display_name,
                )
            )
        if (
            float_compare(
                amount, max_amount, precision_rounding=company.currency_id.rounding
            )
            > 0
        ):
            raise UserError(
                self._dental_loyalty_cap_message(
                    company, partner, spendable, max_amount
                )
            )
        points = points_for_amount(amount, company.dental_loyalty_point_value)
        # Reservations are the engine's bookkeeping: cashiers have no rights on them.
        self.env["dental.loyalty.reservation"].sudo()._reserve(
            wallet, order_uuid, points, amount
        )
        return {
            "amount": amount,
            "points": points,
            "max_amount": max_amount,
            "spendable_points": spendable,
        }

    def _dental_loyalty_cap_message(self, company, partner, spendable, max_amount):
        return self.env._(
            "At most %(max_amount)s of this bill can be paid with points: "
            "%(patient)s has %(spendable)s spendable points and points pay at most "
            "%(share)s %% of a bill.",
            max_amount=formatLang(
                self.env, max_amount, currency_obj=company.currency_id
            ),
            patient=partner.display_name,
            spendable=spendable,
            share=company.dental_loyalty_max_share,
        )

    @api.model
    def _dental_loyalty_spendable(self, wallet, order_uuid):
        """Spendable points less what other orders in progress hold, and this
        order's own reservation."""
        reservations = (
            self.env["dental.loyalty.reservation"].sudo()._of_wallet(wallet, order_uuid)
        )
        own = reservations.filtered(lambda r: r.order_uuid == order_uuid)
        reserved = sum((reservations - own).mapped("points"))
        return max(wallet.points_available - reserved, 0), own

    # ------------------------------------------------------------------
    # Settled by the server when the order is paid
    # ------------------------------------------------------------------

    def _process_saved_order(self, draft):
        order_id = super()._process_saved_order(draft)
        if self.state in PAID_STATES:
            self._dental_loyalty_settle()
        return order_id

    def _dental_loyalty_settle(self):
        """Post what this paid order earns and spends, computed from its lines and
        payments. Runs once per order: every line carries a key of the order."""
        self.ensure_one()
        points_paid = self._dental_loyalty_points_paid()
        if not self.partner_id:
            if points_paid:
                raise UserError(
                    self.env._(
                        "Order %s is paid with points but has no patient.", self.name
                    )
                )
            return
        Ledger = self.env["dental.loyalty.ledger"]
        wallet = self.partner_id._dental_loyalty_wallet(self.company_id)
        wallet._lock_for_update()
        if self.refunded_order_id:
            vals_list, notes = self._dental_loyalty_refund_vals(wallet, points_paid)
        else:
            vals_list, notes = self._dental_loyalty_sale_vals(wallet, points_paid)
        lines = Ledger._post(vals_list)
        for note in notes:
            wallet._post_on_patient(note)
        earned = sum(
            line.points for line in lines if line.kind in Ledger._earning_kinds()
        )
        self.write(
            {
                "dental_loyalty_points_earned": earned,
                "dental_loyalty_points_spent": -sum(
                    line.points
                    for line in lines
                    if line.kind in ("spend", "spend_return")
                ),
                "dental_loyalty_balance": wallet.points_available,
                "dental_loyalty_tier_name": wallet.tier_id.name,
            }
        )

    def _dental_loyalty_points_paid(self):
        return sum(
            payment.amount
            for payment in self.payment_ids
            if payment.payment_method_id.dental_loyalty_points
        )

    def _dental_loyalty_line_vals(self, wallet, kind, points, **vals):
        return {
            "wallet_id": wallet.id,
            "kind": kind,
            "points": points,
            "pos_order_id": self.id,
            "origin": self.name,
            # An order synced late by an offline terminal counts from its visit.
            "date": fields.Date.context_today(self, self.date_order),
            "unique_key": f"pos:{self.uuid}:{kind}",
            **vals,
        }

    def _dental_loyalty_sale_vals(self, wallet, points_paid):
        vals_list, notes = [], []
        if (
            float_compare(points_paid, 0, precision_rounding=self.currency_id.rounding)
            < 0
        ):
            raise UserError(self.env._("Points are given back only by a refund."))
        if points_paid:
            spent, note = self._dental_loyalty_points_to_spend(wallet, points_paid)
            if spent:
                vals_list.append(
                    self._dental_loyalty_line_vals(wallet, "spend", -spent)
                )
            if note:
                notes.append(note)
        earned = self._dental_loyalty_points_to_earn(wallet, points_paid)
        if earned:
            vals_list.append(
                self._dental_loyalty_line_vals(
                    wallet, "earn", earned, paid_amount=self.amount_total
                )
            )
        return vals_list, notes

    def _dental_loyalty_points_to_spend(self, wallet, points_paid):
        """The points a points payment takes, checked against the balance and the
        bill's cap. An order the server had agreed to (it holds this order's
        reservation) is never refused: a terminal that went offline after the
        agreement must be able to sync. If its points are no longer all there,
        it takes what is spendable and says what is missing."""
        company = self.company_id
        rounding = self.currency_id.rounding
        spendable, reservation = self._dental_loyalty_spendable(wallet, self.uuid)
        needed = points_for_amount(points_paid, company.dental_loyalty_point_value)
        max_amount = max_points_payment(
            spendable,
            company.dental_loyalty_point_value,
            self.amount_total,
            company.dental_loyalty_max_share,
            rounding=rounding,
        )
        agreed = reservation and (
            float_compare(points_paid, reservation.amount, precision_rounding=rounding)
            <= 0
        )
        # The reservation becomes the spend line. Deleted in SQL: it has no xmlid,
        # attachment or dependant, and an ORM unlink would clear the whole record
        # cache in the middle of the sync (+30 queries per order, bench/results.md).
        if reservation:
            self.env.cr.execute(
                SQL(
                    "DELETE FROM dental_loyalty_reservation WHERE id IN %s",
                    tuple(reservation.ids),
                )
            )
            reservation.invalidate_recordset()
        if float_compare(points_paid, max_amount, precision_rounding=rounding) <= 0:
            return needed, None
        if not agreed:
            raise UserError(
                self.env._("Order %s was refused.", self.name)
                + " "
                + self._dental_loyalty_cap_message(
                    company, self.partner_id, spendable, max_amount
                )
            )
        spent = min(needed, spendable)
        return spent, self.env._(
            "%(order)s was paid with %(needed)s points the register had been promised, "
            "but only %(spent)s were still spendable when it synced: %(missing)s "
            "points are missing.",
            order=self.name,
            needed=needed,
            spent=spent,
            missing=needed - spent,
        )

    def _dental_loyalty_points_to_earn(self, wallet, points_paid):
        """The company's rate on what was paid with money (discounts and rewards are
        already out of the total), plus the bonus of each service, times the tier's
        multiplier."""
        company = self.company_id
        bonus = sum(
            int(line.qty) * line.product_id.dental_loyalty_bonus_points
            for line in self.lines
            if line.qty > 0
        )
        return earned_points(
            eligible_amount(self.amount_total, points_paid, 0.0),
            company.dental_loyalty_earn_rate,
            bonus,
            wallet.tier_id.multiplier or 1.0,
        )

    def _dental_loyalty_refund_vals(self, wallet, points_paid):
        """A refund takes back the refunded share of what its order earned, and gives
        back the points its points payment returns, at most the refunded share of
        what the order spent. What was earned and already spent elsewhere cannot be
        taken back without a negative balance: that shortfall is reported."""
        origin = self.refunded_order_id
        company = self.company_id
        rounding = self.currency_id.rounding
        refunded = -self.amount_total
        vals_list = []
        if float_compare(points_paid, 0, precision_rounding=rounding) > 0:
            raise UserError(self.env._("A refund cannot be paid with points."))
        if points_paid:
            returned = points_for_amount(
                -points_paid, company.dental_loyalty_point_value
            )
            share = proportional_points(
                origin.dental_loyalty_points_spent, refunded, origin.amount_total
            )
            if returned > share:
                raise UserError(
                    self.env._(
                        "The refund %(refund)s gives back %(returned)s points but "
                        "%(order)s spent %(share)s points on what is refunded.",
                        refund=self.name,
                        returned=returned,
                        order=origin.name,
                        share=share,
                    )
                )
            vals_list.append(
                self._dental_loyalty_line_vals(wallet, "spend_return", returned)
            )
        to_take = proportional_points(
            origin.dental_loyalty_points_earned, refunded, origin.amount_total
        )
        own_lot = origin.dental_loyalty_line_ids.filtered(
            lambda line: line.kind == "earn"
        ).sudo()
        from_own = min(to_take, own_lot.remaining_points)
        if from_own:
            vals_list.append(
                self._dental_loyalty_line_vals(
                    wallet,
                    "earn_reversal",
                    -from_own,
                    lot_id=own_lot.id,
                    paid_amount=-refunded,
                )
            )
        rest = to_take - from_own
        if rest:
            spendable, _own = self._dental_loyalty_spendable(wallet, self.uuid)
            if own_lot.is_released:
                spendable -= from_own
            from_others = min(rest, max(spendable, 0))
            if from_others:
                vals_list.append(
                    self._dental_loyalty_line_vals(
                        wallet,
                        "earn_reversal",
                        -from_others,
                        unique_key=f"pos:{self.uuid}:earn_reversal_fifo",
                        paid_amount=0 if from_own else -refunded,
                    )
                )
            rest -= from_others
        notes = []
        if rest:
            notes.append(
                self.env._(
                    "%(points)s points earned by %(order)s were already spent and "
                    "could not be taken back by the refund %(refund)s.",
                    points=rest,
                    order=origin.name,
                    refund=self.name,
                )
            )
        return vals_list, notes
