# The model is split by concern on purpose (one file each), as Odoo core does.
# pylint: disable=consider-merging-classes-inherited

from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, float_compare, float_round
from odoo.tools.misc import format_date, formatLang

from ..rules import voucher_discount
from .pos_order import PAID_STATES


class DentalLoyaltyVoucher(models.Model):
    _inherit = "dental.loyalty.voucher"

    # ------------------------------------------------------------------
    # Using: the server checks the code and prices its line on the bill
    # ------------------------------------------------------------------

    def _refusal(self, partner, today, on_bill=True):
        """Why this voucher cannot be used today on ``partner``'s bill (or, with
        ``on_bill=False``, handed over as a gift), or None."""
        self.ensure_one()
        # Its last signs only: the message goes to the server's log too, and
        # whoever typed the code knows which voucher it is.
        code = self.code_hint
        if self.state == "used":
            return self._used_refusal(code)
        if self.state == "cancelled":
            return self.env._("Voucher %s was cancelled.", code)
        if self.state == "expired" or self.expiry_date < today:
            return self.env._(
                "Voucher %(code)s expired on %(date)s.",
                code=code,
                date=format_date(self.env, self.expiry_date),
            )
        if not self.reward_id.active or (
            self.reward_id.date_to and self.reward_id.date_to < today
        ):
            return self.env._(
                "Voucher %(code)s is for %(reward)s, which the clinic no longer "
                "offers.",
                code=code,
                reward=self.reward_id.name,
            )
        if not self.reward_id.transferable and partner != self.partner_id:
            # The owner is named only to whoever may read them.
            if not self.partner_id.sudo(False).has_access("read"):
                return self.env._(
                    "Voucher %s belongs to another patient and cannot be used on "
                    "this bill.",
                    code,
                )
            return self.env._(
                "Voucher %(code)s belongs to %(owner)s and cannot be used on "
                "another patient's bill.",
                code=code,
                owner=self.partner_id.display_name,
            )
        if on_bill and self.kind == "gift":
            return self.env._(
                "Voucher %s is a gift handed at the desk, not a discount on a bill.",
                code,
            )
        return None

    def _discount_allowed(self, bill_total, covered=0.0, bill_lines=None):
        """The most this voucher takes off a bill of ``bill_total`` of which other
        vouchers already cover ``covered``; a reward with a scope counts only
        the ``bill_lines`` (pairs of product, total with tax) in it."""
        self.ensure_one()
        reward = self.reward_id
        fixed = reward.kind == "discount_fixed"
        return self.currency_id.round(
            voucher_discount(
                bill_total,
                covered,
                reward.max_coverage,
                amount=reward.discount_amount if fixed else None,
                percent=reward.discount_percent,
                scope_total=reward._scope_total(bill_lines),
            )
        )

    def _line_for_bill(self, bill_total, covered=0.0, partner=None, bill_lines=None):
        """The order line the register adds for this voucher, on ``partner``'s
        bill (``bill_lines``: pairs of product, total with tax, for a reward
        with a scope): a transferable voucher of another patient says so, a
        discount says what it covers."""
        self.ensure_one()
        reward = self.reward_id
        label = reward.name
        if reward.kind == "gift":
            label = self.env._("%s, gift, handed over", reward.name)
        elif reward.kind != "product" and reward._has_scope():
            label = self.env._(
                "%(reward)s, on %(scope)s",
                reward=reward.name,
                scope=reward._scope_names(),
            )
        if self._is_transferred(partner):
            label = self.env._("%s (transferable voucher)", label)
        product = reward.product_id
        if reward.kind in ("product", "gift"):
            price = 0.0
        else:
            discount = self._discount_allowed(bill_total, covered, bill_lines)
            if not discount and reward._has_scope():
                raise UserError(
                    self.env._(
                        "Voucher %(code)s applies to %(scope)s only: nothing of "
                        "it is left to take off this bill.",
                        code=self.code_hint,
                        scope=reward._scope_names(),
                    )
                )
            if not discount:
                raise UserError(
                    self.env._(
                        "Voucher %s has nothing left to take off this bill.",
                        self.code_hint,
                    )
                )
            price = -self._unit_price_for(discount)
        return {
            "code": self.code,
            "reward": reward.name,
            "label": label,
            "transferred": self._is_transferred(partner),
            "kind": reward.kind,
            "product_id": product.id,
            "price_unit": price,
            "qty": 1,
            "expiry_date": fields.Date.to_string(self.expiry_date),
        }

    def _is_transferred(self, partner):
        """Used on the bill of someone else than its patient (a transferable
        voucher; others are refused)."""
        self.ensure_one()
        return bool(partner is not None and partner != self.partner_id)

    def _unit_price_for(self, discount):
        """The unit price of the discount product whose total, taxes included,
        takes ``discount`` off the bill, never more: the register adds the
        product's taxes to the price it is given."""
        self.ensure_one()
        currency = self.currency_id
        product = self.reward_id.product_id
        # A shared product may carry other companies' taxes, unreadable here.
        taxes = product.sudo().taxes_id._filter_taxes_by_company(self.company_id)
        if not taxes:
            return discount
        per_unit = taxes.compute_all(1.0, currency, 1.0, product=product)[
            "total_included"
        ]
        price = float_round(
            discount / per_unit,
            precision_rounding=currency.rounding,
            rounding_method="DOWN",
        )
        while (
            float_compare(
                taxes.compute_all(price, currency, 1.0, product=product)[
                    "total_included"
                ],
                discount,
                precision_rounding=currency.rounding,
            )
            > 0
        ):
            price -= currency.rounding
        return price

    def _check_line(self, line, bill_total, covered, bill_lines=None):
        """Refuse an order line that claims more than this voucher gives, on a
        bill whose sold lines are ``bill_lines`` (pairs of product, total)."""
        self.ensure_one()
        reward = self.reward_id
        currency = self.currency_id
        label = line.order_id._dental_loyalty_label()
        if line.product_id != reward.product_id or line.qty != 1:
            raise UserError(
                self.env._(
                    "%(order)s was refused: the line of voucher %(code)s is not "
                    "what the voucher gives (one %(product)s).",
                    order=label,
                    code=self.code_hint,
                    product=reward.product_id.display_name,
                )
            )
        amount = line._dental_loyalty_total()
        if not currency.is_zero(amount - line.price_subtotal_incl):
            raise UserError(
                self.env._(
                    "%(order)s was refused: the line of voucher %(code)s does not "
                    "add up to its own price.",
                    order=label,
                    code=self.code_hint,
                )
            )
        if reward.kind in ("product", "gift"):
            if not currency.is_zero(amount):
                raise UserError(
                    self.env._(
                        "%(order)s was refused: voucher %(code)s gives %(product)s "
                        "free, the bill charges %(amount)s for it.",
                        order=label,
                        code=self.code_hint,
                        product=reward.product_id.display_name,
                        amount=formatLang(self.env, amount, currency_obj=currency),
                    )
                )
            return 0.0, reward.product_id.lst_price
        allowed = self._discount_allowed(bill_total, covered, bill_lines)
        taken = -amount
        if (
            float_compare(taken, allowed, precision_rounding=currency.rounding) > 0
            or float_compare(taken, 0, precision_rounding=currency.rounding) < 0
        ):
            raise UserError(
                self.env._(
                    "%(order)s was refused: voucher %(code)s takes at most "
                    "%(allowed)s off this bill, the order takes %(taken)s.",
                    order=label,
                    code=self.code_hint,
                    allowed=formatLang(self.env, allowed, currency_obj=currency),
                    taken=formatLang(self.env, taken, currency_obj=currency),
                )
            )
        return taken, taken

    def _mark_used(self, order, used_amount, line=None):
        """Use the voucher on ``order``, once: of two registers using one code at
        the same moment, the second fails to serialise, is retried by Odoo and
        then finds the voucher used. ``line``, the order line the voucher was
        checked against, is linked to it by the same statement."""
        self.ensure_one()
        self.env.flush_all()
        used = {
            "state": "used",
            # A held voucher's order is its use now (its hold goes next).
            "hold_order_uuid": False,
            "pos_order_id": order.id or False,
            "used_date": self.env.company._dental_loyalty_today(),
            "used_amount": used_amount,
            "practitioner_id": order.dental_loyalty_practitioner_id.id or False,
        }
        # Its costs are written with its use: one statement, no recompute.
        used["clinic_cost"], used["practitioner_cost"] = self._costs_of(used_amount)
        # The line names the voucher only if the voucher was used: one
        # statement for both, where the line's write was one more.
        self.env.cr.execute(
            SQL(
                """
                WITH used AS (
                    UPDATE dental_loyalty_voucher
                       SET state = 'used', pos_order_id = %s, used_date = %s,
                           used_amount = %s, practitioner_id = %s,
                           clinic_cost = %s, practitioner_cost = %s,
                           hold_order_uuid = NULL
                     WHERE id = %s
                       AND (state = 'valid'
                            OR (state = 'held' AND hold_order_uuid = %s))
                 RETURNING id
                ), linked AS (
                    UPDATE pos_order_line
                       SET dental_loyalty_voucher_id = used.id,
                           write_uid = %s, write_date = %s
                      FROM used
                     WHERE pos_order_line.id = %s
                )
                SELECT id FROM used
                """,
                used["pos_order_id"] or None,
                used["used_date"],
                used_amount,
                used["practitioner_id"] or None,
                used["clinic_cost"],
                used["practitioner_cost"],
                self.id,
                order.uuid or None,
                self.env.uid,
                self.env.cr.now(),
                line.id if line else None,
            ),
            # One voucher at two registers at once: the second's conflict is
            # expected and Odoo retries it, no ERROR line (_serialise_rows).
            log_exceptions=False,
        )
        if not self.env.cr.fetchone():
            raise UserError(self.env._("Voucher %s was already used.", self.code_hint))
        # The row is what this transaction wrote (another's write of it would
        # have failed the update): the cache takes the values, not a re-read.
        self._update_cache(used, validate=False)
        self.modified(["state", "used_amount"])
        for fname in ("clinic_cost", "practitioner_cost"):
            self.env.remove_to_compute(self._fields[fname], self)
        if line:
            line.sudo()._update_cache(
                {
                    "dental_loyalty_voucher_id": self.id,
                    "write_uid": self.env.uid,
                    "write_date": self.env.cr.now(),
                },
                validate=False,
            )
            line.modified(["dental_loyalty_voucher_id"])
        if self._is_transferred(order.partner_id):
            # A bearer code paid a stranger's bill: say who took it, for whom.
            body = self.env._(
                "Used on %(order)s by %(user)s, for %(patient)s: a transferable "
                "voucher on someone else's bill.",
                user=self.env.user.name,
                order=order._dental_loyalty_label(),
                patient=order.partner_id.display_name or self.env._("no patient"),
            )
        elif self.kind == "gift":
            body = self.env._(
                "Gift handed over with %s.", order._dental_loyalty_label()
            )
        else:
            body = self.env._("Used on %s.", order._dental_loyalty_label())
        self._message_log(body=body)

    def _restore(self, refund):
        """A refund of the bill the voucher was used on makes it valid again, if
        it still is within its dates: once, when the refund and the paid refunds
        before it return the voucher's whole line, and the patient paid its
        discount back: a refund that takes a discount of its own off (a line of
        negative amount that returns nothing) leaves the voucher used."""
        today = self.env.company._dental_loyalty_today()
        digits = self.env["decimal.precision"].precision_get("Product Unit of Measure")
        # Only vouchers this refund's sale really used: a line's voucher field
        # could have been written by anyone who writes order lines.
        sales = refund.lines.refunded_orderline_id.order_id
        vouchers = self.sudo().filtered(
            lambda v: v.state == "used" and v.pos_order_id and v.pos_order_id in sales
        )
        if vouchers and refund._dental_loyalty_discounted_lines():
            for voucher in vouchers:
                voucher._message_log(
                    body=self.env._(
                        "Refunded by %s, which takes a discount off the refund: "
                        "the discount of the voucher was not paid back, and the "
                        "voucher stays used.",
                        refund._dental_loyalty_label(),
                    )
                )
            return
        for voucher in vouchers:
            line = voucher.pos_order_id.lines.filtered(
                lambda line, voucher=voucher: line.dental_loyalty_voucher_id == voucher
            )
            if not any(
                line.refund_orderline_ids.filtered(
                    lambda back: back.order_id == refund
                ).mapped("qty")
            ):
                continue  # this refund returns nothing of the voucher's line
            returned = -sum(
                line.refund_orderline_ids.filtered(
                    lambda back: (
                        back.order_id == refund or back.order_id.state in PAID_STATES
                    )
                ).mapped("qty")
            )
            sold = sum(line.mapped("qty"))
            if float_compare(returned, sold, precision_digits=digits) < 0:
                continue  # part of the discount is still on the bill
            state = "valid" if voucher.expiry_date >= today else "expired"
            vals = {
                "state": state,
                "restored_pos_order_id": refund.id,
                "pos_order_id": False,
                "used_date": False,
                "used_amount": 0.0,
                "practitioner_id": False,
            }
            if state == "valid":
                # The old code stands on the refunded bill's line, which every
                # cashier reads: a bearer code seen by others is spent.
                vals["code"] = self._new_code()
            voucher.write(vals)
            if state == "valid":
                voucher._send_code()
            voucher._message_log(
                body=self.env._(
                    "Refunded by %s: the voucher can be used again, with a new "
                    "code sent to the patient.",
                    refund._dental_loyalty_label(),
                )
                if state == "valid"
                else self.env._(
                    "Refunded by %s after its expiry date: the voucher stays expired.",
                    refund._dental_loyalty_label(),
                )
            )
