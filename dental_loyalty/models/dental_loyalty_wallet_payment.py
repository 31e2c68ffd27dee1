from odoo import models
from odoo.exceptions import UserError
from odoo.tools import float_compare
from odoo.tools.misc import formatLang

from ..rules import (
    max_points_payment,
    points_for_amount,
)


class DentalLoyaltyWallet(models.Model):
    """Points paying a bill: the cap, and the holds a register asks for."""

    _inherit = "dental.loyalty.wallet"

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

    def _points_cap_message(self, spendable, max_amount):
        company = self.company_id
        return self.env._(
            "At most %(max_amount)s of this bill can be paid with points: points "
            "pay at most %(share)s %% of a bill (spendable points of %(patient)s: "
            "%(spendable)s).",
            max_amount=formatLang(
                self.env, max_amount, currency_obj=company.currency_id
            ),
            patient=self.partner_id.display_name,
            spendable=spendable,
            share=formatLang(self.env, company.dental_loyalty_max_share, digits=0),
        )

    def _points_for_payment(self, bill_total, amount, hold_key, label, source_vals):
        """The points a points payment of ``amount`` takes, checked afresh against
        the balance and the cap unless the server granted a hold for this bill.
        A granted payment is never refused, so a register's queue never blocks;
        if its points are no longer all there (the hold lapsed while the register
        was offline), it takes what is left and the managers are told."""
        Hold = self.env["dental.loyalty.reservation"].sudo()
        company = self.company_id
        rounding = company.currency_id.rounding
        spendable, own, _others = Hold._spendable_for(self, hold_key)
        agreed = bool(own) and (
            float_compare(own.bill_total, bill_total, precision_rounding=rounding) == 0
            and float_compare(amount, own.amount, precision_rounding=rounding) <= 0
        )
        needed = points_for_amount(amount, company.dental_loyalty_point_value)
        max_amount = self._max_points_payment(spendable, bill_total)
        if float_compare(amount, max_amount, precision_rounding=rounding) <= 0:
            return needed
        if not agreed:
            raise UserError(
                self.env._("%s was refused.", label)
                + " "
                + self._points_cap_message(spendable, max_amount)
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
