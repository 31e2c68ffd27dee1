from odoo import models
from odoo.exceptions import UserError
from odoo.tools.misc import format_datetime, formatLang

from ..rules import (
    max_points_payment,
    points_for_amount,
    points_payment_standing,
)


class DentalLoyaltyWallet(models.Model):
    """Points paying a bill: the cap, and the holds a register asks for."""

    # One concern per file, as Odoo core splits its big models.
    _inherit = "dental.loyalty.wallet"  # pylint: disable=consider-merging-classes-inherited

    def _max_points_payment(self, spendable, bill_total):
        """The most of ``bill_total`` that ``spendable`` points may pay here."""
        company = self.company_id
        return max_points_payment(
            spendable,
            company.dental_loyalty_point_value,
            bill_total,
            company.dental_loyalty_max_share,
            rounding=company.currency_id.rounding,
        )

    def _points_limit(self, spendable, bill_total):
        """Which limit bounds a points payment on ``bill_total``: ``"points"``,
        the patient's spendable points, or ``"cap"``, the share of a bill
        points may pay."""
        company = self.company_id
        worth = max(spendable, 0) * company.dental_loyalty_point_value
        share = bill_total * company.dental_loyalty_max_share / 100
        return "points" if worth <= share else "cap"

    def _points_cap_message(self, spendable, max_amount, bill_total=None):
        """Why at most ``max_amount`` may be paid with points, naming the limit
        that bit (without ``bill_total``, both)."""
        company = self.company_id
        values = {
            "max_amount": formatLang(
                self.env, max_amount, currency_obj=company.currency_id
            ),
            "patient": self.partner_id.display_name,
            "spendable": spendable,
            "share": formatLang(self.env, company.dental_loyalty_max_share, digits=0),
        }
        if bill_total is None:
            return self.env._(
                "At most %(max_amount)s of this bill can be paid with points: points "
                "pay at most %(share)s %% of a bill (spendable points of %(patient)s: "
                "%(spendable)s).",
                **values,
            )
        if self._points_limit(spendable, bill_total) == "points":
            return self.env._(
                "At most %(max_amount)s of this bill can be paid with points: that is "
                "what the spendable points of %(patient)s (%(spendable)s) are worth.",
                **values,
            )
        return self.env._(
            "At most %(max_amount)s of this bill can be paid with points: the clinic "
            "lets points pay at most %(share)s %% of a bill (%(patient)s has "
            "%(spendable)s spendable points).",
            **values,
        )

    def _points_for_payment(
        self, bill_total, amount, hold_key, label, source_vals, *, redeemed=None
    ):
        """The points a points payment of ``amount`` takes, checked afresh against
        the balance and the cap unless the server granted a hold for this bill.
        A granted payment is never refused, so a register's queue never blocks;
        if its points are no longer all there (the hold lapsed while the register
        was offline), it takes what is left and the managers are told.
        ``redeemed``: the rewards held on this bill posted with it
        (``_spendable_for``)."""
        # Holds are the engine's bookkeeping: cashiers have no rights on them.
        Hold = self.env["dental.loyalty.reservation"].sudo()
        company = self.company_id
        spendable, own, _others = Hold._spendable_for(self, hold_key, redeemed)
        needed = points_for_amount(amount, company.dental_loyalty_point_value)
        max_amount = self._max_points_payment(spendable, bill_total)
        standing = points_payment_standing(
            amount,
            max_amount,
            rounding=company.currency_id.rounding,
            bill_total=bill_total,
            hold=(own.amount, own.bill_total) if own else None,
        )
        if standing == "cap":
            return needed
        if not standing:
            raise UserError(
                self.env._("%s was refused.", label)
                + " "
                + self._points_cap_message(spendable, max_amount, bill_total)
            )
        spent = min(needed, max(spendable, 0))
        self.env["dental.loyalty.shortfall"]._record(
            self, "spend", needed - spent, source_vals
        )
        self._report_problem(
            self.env._(
                "%(sale)s was paid with points the register had been granted "
                "(%(needed)s), but only %(spent)s were still spendable when it "
                "synced; points missing: %(missing)s.",
                sale=label,
                needed=needed,
                spent=spent,
                missing=needed - spent,
            )
        )
        return spent

    def _reserve_points(self, order_uuid, bill_total, amount, config, patient=None):
        """Check a points payment of ``amount`` (None: the most allowed) on a bill
        of ``bill_total`` by ``patient`` (the wallet's own by default) and hold
        its points for the order. Returns the offer the
        register shows; raises a UserError naming the rule that refused."""
        self.ensure_one()
        self._lock_for_update()
        # Holds are the engine's bookkeeping: cashiers have no rights on them.
        Hold = self.env["dental.loyalty.reservation"].sudo()
        company = self.company_id
        spendable, _own, others = Hold._spendable_for(self, order_uuid)
        max_amount = self._max_points_payment(spendable, bill_total)
        if amount is None:
            amount = max_amount
            if not max_amount:
                raise UserError(
                    self._why_nothing_payable(others, bill_total, order_uuid)
                )
        if amount and not max_amount:
            raise UserError(self._why_nothing_payable(others, bill_total, order_uuid))
        if not points_payment_standing(
            amount, max_amount, rounding=company.currency_id.rounding
        ):
            raise UserError(self._points_cap_message(spendable, max_amount, bill_total))
        points = points_for_amount(amount, company.dental_loyalty_point_value)
        # Summed before the hold is written: writing it empties the holds'
        # cache, and the other holds' points would be read again.
        held_points = sum(others.mapped("points"))
        Hold._hold(
            self,
            order_uuid,
            points=points,
            amount=amount,
            bill_total=bill_total,
            config=config,
            patient=patient,
        )
        return {
            "amount": amount,
            "points": points,
            "max_amount": max_amount,
            "spendable_points": spendable,
            "held_points": held_points,
            "max_share": company.dental_loyalty_max_share,
            "limited_by": self._points_limit(spendable, bill_total),
            # How long the hold lasts: the register asks again at Validate
            # only when it may have lapsed (or the bill or amount changed).
            "hold_seconds": int(Hold._LIFETIME.total_seconds()),
        }

    def _why_nothing_payable(self, others, bill_total, order_uuid=None):
        """The reason a bill cannot be paid with points at all, in the cashier's
        words: no points, points still pending, points held by this bill's own
        rewards, or points held elsewhere (``others``: the holds of other
        orders and of the rewards on this one)."""
        self.ensure_one()
        patient = self.partner_id.display_name
        if bill_total <= 0:
            return self.env._("Only a bill to pay can be paid with points.")
        on_this_bill = others.filtered(lambda hold: hold.order_uuid == order_uuid)
        if on_this_bill and not others - on_this_bill:
            return self.env._(
                "The spendable points of %(patient)s (%(points)s) are held by the "
                "rewards on this bill: they pay for those rewards.",
                patient=patient,
                points=self.points_available,
            )
        others -= on_this_bill
        if others:
            return self.env._(
                "The spendable points of %(patient)s (%(points)s) are held by "
                "another register until %(time)s, for an order being paid there.",
                patient=patient,
                points=self.points_available,
                time=format_datetime(
                    self.env, max(others.mapped("expires_at")), dt_format="short"
                ),
            )
        if self.points_pending:
            return self.env._(
                "%(patient)s has no spendable points yet; pending: %(batches)s.",
                patient=patient,
                batches=self._pending_batches_text(),
            )
        if not self.company_id.dental_loyalty_max_share:
            return self.env._("The clinic does not let points pay bills.")
        return self.env._("%(patient)s has no spendable points.", patient=patient)
