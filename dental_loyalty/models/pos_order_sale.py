from uuid import uuid4

from odoo import models
from odoo.exceptions import UserError
from odoo.tools import SQL, float_compare, float_round
from odoo.tools.misc import formatLang

from ..rules import (
    SaleLine,
    is_recall_on_time,
)
from .dental_loyalty_input import check_record_ids
from .pos_order import _PAYS, _SETTLES, PAID_STATES


class PosOrderSale(models.Model):
    """The sale adapter: a paid order's sold lines handed to the wallet as a
    sale, with the vouchers it used and the recall services it was on time for."""

    _inherit = "pos.order"  # pylint: disable=consider-merging-classes-inherited

    def action_pos_order_paid(self):
        check_record_ids(self, single=True)
        # Core pays any order it is asked to: a cancelled one, its payments
        # kept, became paid with its points never taken.
        cancelled = self.filtered(lambda order: order.state == "cancel")
        if cancelled:
            raise UserError(
                self.env._(
                    "%s is cancelled: a cancelled order is never paid.",
                    cancelled[0]._dental_loyalty_label(),
                )
            )
        if self.env.context.get("dental_loyalty_pays") is not _PAYS:
            # Only this, Odoo's check that the payments cover the bill, marks an
            # unpaid order paid (_dental_loyalty_check_state_change).
            return self.with_context(dental_loyalty_pays=_PAYS).action_pos_order_paid()
        if self.env.context.get("dental_loyalty_settles") is _SETTLES:
            return super().action_pos_order_paid()
        # Paid outside of a register's sync or the payment form: settle here,
        # and only the sync's settlement takes points for a points payment.
        self.ensure_one()
        if self.state != "draft":
            return super().action_pos_order_paid()
        # Its lines may have been written since its sync (one of another
        # company's product or tax leaves the session impossible to close).
        self._dental_loyalty_refuse_foreign_links()
        if self.currency_id.compare_amounts(self._dental_loyalty_points_paid(), 0):
            raise UserError(
                self.env._(
                    "%s is paid with loyalty points: only the register settles it.",
                    self._dental_loyalty_label(),
                )
            )
        # What was paid is what its payments pay, not what was written on it,
        # as core recomputes it at sync.
        self.with_context(backend_recomputation=True).write(
            {"amount_paid": sum(self.payment_ids.mapped("amount"))}
        )
        result = super().action_pos_order_paid()
        if self.state in PAID_STATES:
            self._dental_loyalty_settle()
        return result

    def _process_saved_order(self, draft):
        """Settle the order the register sent paid, once Odoo checked it.

        Odoo only logs an order whose payments do not cover it ("Could not
        fully process the POS Order") and keeps the state the register wrote:
        paid. Such an order is refused here, before Odoo's payment logs it,
        with the whole sync, rather than
        left paid and unsettled: every refund, visit and cap counts a paid
        order as money taken, and one that took none would pay out cash or give
        a voucher back for nothing. The register's queue does not block on it:
        a register validates an order only once its payments cover it, by the
        same test; only a forged or broken payload is refused, and the cashier
        reads why."""
        # Before Odoo's payment, which would log its own ERROR line first. Odoo
        # pays every order not sent as a draft, one sent with no state too, but
        # for one sent cancelled.
        if (
            not draft
            and self.state != "cancel"
            and not self._dental_loyalty_payments_cover()
        ):
            raise UserError(
                self.env._(
                    "%(order)s was refused: it is sent as paid, but its "
                    "payments (%(paid)s) do not cover its total (%(total)s).",
                    order=self._dental_loyalty_label(),
                    paid=formatLang(
                        self.env,
                        sum(self.payment_ids.mapped("amount")),
                        currency_obj=self.currency_id,
                    ),
                    total=formatLang(
                        self.env, self.amount_total, currency_obj=self.currency_id
                    ),
                )
            )
        order_id = super(
            PosOrderSale, self.with_context(dental_loyalty_settles=_SETTLES)
        )._process_saved_order(draft)
        if self.state in PAID_STATES:
            self._dental_loyalty_settle()
        return order_id

    def _dental_loyalty_payments_cover(self):
        """Whether the order's payments cover its total: Odoo's own test of a
        paid order (``action_pos_order_paid``), within the register's cash
        rounding, on what its payment lines pay (Odoo recomputes
        ``amount_paid`` from them at sync)."""
        self.ensure_one()
        config, currency = self.config_id, self.currency_id
        paid = sum(self.payment_ids.mapped("amount"))
        if not config.cash_rounding:
            return currency.is_zero(self.amount_total - paid)
        total = self.amount_total
        rounding = config.rounding_method
        if not config.only_round_cash_method or any(
            payment.payment_method_id.is_cash_count for payment in self.payment_ids
        ):
            total = float_round(
                total,
                precision_rounding=rounding.rounding,
                rounding_method=rounding.rounding_method,
            )
        if currency.is_zero(total - paid):
            return True
        if rounding.rounding_method == "HALF-UP":
            margin = currency.round(rounding.rounding / 2)
        else:
            margin = currency.round(rounding.rounding)
        return abs(currency.round(self.amount_total - paid)) <= margin

    def _dental_loyalty_settle(self):
        """Hand the paid order to the loyalty engine: its sold lines as a sale,
        its returned lines as a refund of the sale they come from; an order may
        hold both, and settles both as if they had been rung up apart. Runs once
        per order: every ledger line carries a key of the order."""
        self.ensure_one()
        if not self.uuid:
            # An order stored before the addon gave every order one.
            self.sudo().uuid = str(uuid4())
        self._dental_loyalty_check_figures()
        returned = self._dental_loyalty_returned_lines()
        self._dental_loyalty_check_points_signs(returned)
        if not returned or self.lines - returned:
            self._dental_loyalty_settle_sale()
        if returned:
            self._dental_loyalty_settle_refund()

    def _dental_loyalty_check_points_signs(self, returned):
        """Points payments either take points (a sale) or give them back (a
        refund), never both on one bill: a points line of +18 and one of -18
        on a sale would net to nothing while each counted on its own."""
        currency = self.currency_id
        signs = {
            float_compare(payment.amount, 0, precision_rounding=currency.rounding)
            for payment in self.payment_ids
            if payment.payment_method_id.dental_loyalty_points
        } - {0}
        if len(signs) > 1 or (signs == {-1} and not returned):
            raise UserError(
                self.env._(
                    "%s was refused: its points payments take points and give "
                    "points back at once.",
                    self._dental_loyalty_label(),
                )
                if len(signs) > 1
                else self.env._("Points are given back only by a refund.")
            )

    def _dental_loyalty_settle_sale(self):
        """Settle the sold lines. In an order that also returns lines, they are a
        bill of their own: points paid on the order pay them (within the cap of
        that bill), and what the returned lines are worth counts as money paid,
        as if the patient had been refunded first and then paid."""
        returned = self.lines.filtered("refunded_orderline_id")
        wallet, referral_pending = self.env["dental.loyalty.wallet"], None
        if self.partner_id:
            # The patient's own wallet, found by its lock, which also tells
            # whether a referral of theirs waits for this visit. Taken before
            # the vouchers are checked: the lock also reads the clinic's time
            # zone their validity is counted in.
            wallet, referral_pending = wallet._lock_own_wallet(
                self.partner_id, self.company_id
            )
        covered, held_rewards = self._dental_loyalty_use_vouchers()
        # Lines of negative amount that are neither a voucher nor a return take
        # the bill down like a discount: what they cover earns no bonus either.
        covered -= sum(
            min(line._dental_loyalty_total(), 0.0)
            for line in self._dental_loyalty_discounted_lines()
        )
        points_amount = self._dental_loyalty_points_paid()
        bill_total = self.amount_total
        if returned:
            # Points given back belong to the returned part (its refund).
            points_amount = max(points_amount, 0.0)
            bill_total -= sum(line._dental_loyalty_total() for line in returned)
        # Only a member earns and spends; a patient who joins automatically
        # joins now, whatever else the register sent.
        if self.partner_id:
            wallet = wallet or self.partner_id._dental_loyalty_member_wallet(
                self.company_id
            )
        if not wallet:
            if not self.currency_id.is_zero(points_amount):
                if self.partner_id:
                    raise self.partner_id._dental_loyalty_not_member_error(
                        self.env._(
                            "%s cannot be paid with points.",
                            self._dental_loyalty_label(),
                        )
                    )
                raise UserError(
                    self.env._(
                        "%s is paid with points but has no patient.",
                        self._dental_loyalty_label(),
                    )
                )
            # No sale's lines to post the held rewards' redeem lines with; the
            # bill pays no points: a points payment hold of it keeps nothing.
            held_rewards._commit_hold((self.uuid, 0, wallet))
            # Holds are the engine's bookkeeping: cashiers have no rights on them.
            self.env["dental.loyalty.reservation"].sudo()._consume(self.uuid)
            return
        # The rules' facts (a first visit) are read under the wallet's lock,
        # as everything settlement decides.
        wallet._lock_for_update()
        posted = wallet._settle_sale(
            key=f"pos:{self.uuid}",
            bill_total=bill_total,
            points_amount=points_amount,
            lines=self._dental_loyalty_sale_lines(),
            hold_key=self.uuid,
            source_vals=self._dental_loyalty_source_vals(self),
            label=self._dental_loyalty_label(),
            covered_amount=covered,
            recall_lines=self._dental_loyalty_recall_lines(),
            rule_sale=self._dental_loyalty_rule_sale(),
            held_rewards=held_rewards,
        )
        self._dental_loyalty_remember_bought(held_rewards, posted)
        if referral_pending is False:
            return  # the lock read that no referral of the patient is pending
        self.env["dental.loyalty.referral"]._reward_first_visit(
            self,
            self._dental_loyalty_visit_date(),
            self.amount_total - self._dental_loyalty_points_paid(),
            self._dental_loyalty_label(),
        )

    def _dental_loyalty_discounted_lines(self):
        """The lines of negative amount that are neither a voucher nor a
        return: a discount the register took off the bill."""
        return self.lines.filtered(
            lambda line: (
                line.price_unit * line.qty < 0
                and not line.refunded_orderline_id
                and not line.dental_loyalty_voucher_code
            )
        )

    def _dental_loyalty_use_vouchers(self):
        """Check every voucher line against its voucher and the bill, and use
        each voucher once. Returns the money the vouchers took off the bill and
        the rewards held for this bill that it bought: their redeem lines are
        posted with the sale's (``wallet._settle_sale(held_rewards=)``)."""
        practitioner = self.dental_loyalty_practitioner_id
        # Cashiers have no HR rights: the engine reads whose employee the
        # register named, to refuse another clinic's.
        if practitioner and practitioner.sudo().company_id not in (
            self.company_id,
            self.env["res.company"],
        ):
            raise UserError(
                self.env._(
                    "%s names a practitioner of another company.",
                    self._dental_loyalty_label(),
                )
            )
        # Only sold lines use vouchers: a returned line gives its sale's back.
        sold_lines = self.lines.filtered(lambda line: not line.refunded_orderline_id)
        voucher_lines = sold_lines.filtered("dental_loyalty_voucher_code")
        # Only the server links a line to a voucher, from the code it checked.
        unchecked = (self.lines - voucher_lines).filtered("dental_loyalty_voucher_id")
        unchecked.sudo().dental_loyalty_voucher_id = False
        Voucher = self.env["dental.loyalty.voucher"]
        codes = [
            Voucher._normalize_code(code)
            for code in voucher_lines.mapped("dental_loyalty_voucher_code")
        ]
        # The bill's vouchers and the rewards held for this order, in one search.
        found = Voucher._of_codes(codes, self.company_id, held_on=self.uuid)
        # Rewards held for this order whose line is no longer on the bill (the
        # register was offline when it was deleted) are given back now.
        found._release_taken_off(self.uuid, keep_codes=codes)
        if not voucher_lines:
            return 0.0, Voucher
        # The engine read them: only the company's, by the codes on the lines.
        by_code = {
            voucher.code: voucher
            for voucher in found
            if voucher.company_id == self.company_id
        }
        today = self._dental_loyalty_visit_date()
        bill_total = sum(
            line._dental_loyalty_total() for line in sold_lines - voucher_lines
        )
        # A reward's scope is read from the order's own lines, never the payload.
        bill_lines = [
            (line.product_id, line._dental_loyalty_total())
            for line in sold_lines - voucher_lines
        ]
        covered = 0.0
        seen = Voucher
        # As the engine, as _of_codes found them: the redeem reads their hold.
        held_rewards = Voucher.sudo()
        for line, code in zip(voucher_lines, codes, strict=True):
            voucher = by_code.get(code)
            if not voucher:
                raise Voucher._unknown_code_error(code)
            if voucher in seen:
                raise UserError(
                    self.env._(
                        "%(order)s was refused: voucher %(code)s is on the bill twice.",
                        order=self._dental_loyalty_label(),
                        code=voucher.code_hint,
                    )
                )
            seen |= voucher
            if (
                line.dental_loyalty_voucher_id == voucher
                and voucher.pos_order_id == self
            ):
                continue  # this very line was checked when the order synced before
            refusal = voucher._refusal(self.partner_id, today, order_uuid=self.uuid)
            if refusal:
                raise UserError(
                    self.env._(
                        "%(order)s was refused: %(reason)s",
                        order=self._dental_loyalty_label(),
                        reason=refusal,
                    )
                )
            taken, used_amount = voucher._check_line(
                line, bill_total, covered, bill_lines
            )
            covered += taken
            if voucher.state == "held":
                held_rewards |= voucher
            # The line names the voucher the server checked, whatever was sent.
            voucher._mark_used(self, used_amount, line)
        return covered, held_rewards

    def _dental_loyalty_sale_lines(self):
        """The bill's sold lines as the engine sees them: the price before and
        after the line's discount (the same tax basis for both); a service's
        bonus is an earning rule's (``_dental_loyalty_rule_sale``)."""
        return [
            line._dental_loyalty_sale_line()
            for line in self.lines
            if not line.refunded_orderline_id
        ]

    def _dental_loyalty_recall_lines(self):
        """The bill's recall services the patient came back for on time, as
        (service name, SaleLine carrying the recall bonus): once per service and
        bill; not the first time, nor early, nor late."""
        # The service's settings are its template's, read there: through the
        # variant they are related fields, computed again on every sync.
        by_service = self.lines.filtered(
            lambda line: (
                line.qty > 0
                and not line.refunded_orderline_id
                and line.product_id.product_tmpl_id.dental_loyalty_recall
                and line.product_id.product_tmpl_id.dental_loyalty_recall_points > 0
            )
        ).grouped(lambda line: line.product_id.product_tmpl_id)
        if not by_service or not self.partner_id:
            return []
        last_visits = self._dental_loyalty_last_visits(list(by_service))
        visit = self._dental_loyalty_visit_date()
        recall_lines = []
        for service, lines in by_service.items():
            if is_recall_on_time(
                last_visits.get(service.id),
                visit,
                service.dental_loyalty_recall_months,
                service.dental_loyalty_recall_margin_days,
            ):
                amounts = [line._dental_loyalty_sale_line(0) for line in lines]
                recall_lines.append(
                    (
                        service.name,
                        SaleLine(
                            bonus_points=service.dental_loyalty_recall_points,
                            # Once per bill, for a whole service at most: a
                            # fraction of it earns that fraction.
                            quantity=min(sum(lines.mapped("qty")), 1),
                            list_amount=sum(line.list_amount for line in amounts),
                            paid_amount=sum(line.paid_amount for line in amounts),
                        ),
                    )
                )
        return recall_lines

    def _dental_loyalty_last_visits(self, services):
        """{service template id: the day of the visit this order comes back
        after: the patient's last paid visit for it before this order, in this
        company, if no other paid visit came back after that one}, in one
        query. A line its refunds took back entirely is no visit."""
        self.env["pos.order"].flush_model(
            ["partner_id", "company_id", "state", "dental_loyalty_visit_time"]
        )
        self.env["pos.order.line"].flush_model(
            ["order_id", "product_id", "qty", "refunded_orderline_id"]
        )
        # The service's visits first, then the refunds of those few lines,
        # each refund's order by its key: whatever the planner believes of the
        # tables' sizes, no step scans the clinic's orders (on tables never
        # analyzed it did so for every line).
        rows = self.env.execute_query(
            SQL(
                """
                WITH visit AS MATERIALIZED (
                    SELECT line.id, line.qty, product.product_tmpl_id,
                           sale.dental_loyalty_visit_time AS visit_time,
                           -- A bill of the same second synced before is a
                           -- visit before this one: else both were on time.
                           (sale.dental_loyalty_visit_time < %(date)s
                            OR (sale.dental_loyalty_visit_time = %(date)s
                                AND sale.id < %(order)s)) AS before
                      FROM pos_order sale
                      JOIN pos_order_line line ON line.order_id = sale.id
                      JOIN product_product product ON product.id = line.product_id
                     WHERE sale.partner_id = %(partner)s
                       AND sale.company_id = %(company)s
                       AND sale.state IN %(paid)s
                       AND sale.id != %(order)s
                       AND product.product_tmpl_id IN %(services)s
                )
                SELECT visit.product_tmpl_id,
                       MAX(visit.visit_time) FILTER (WHERE visit.before),
                       MAX(visit.visit_time)
                  FROM visit
                 WHERE visit.qty > COALESCE((
                           SELECT -SUM(refund.qty)
                             FROM pos_order_line refund
                            WHERE refund.refunded_orderline_id = visit.id
                              AND (SELECT refund_order.state
                                     FROM pos_order refund_order
                                    WHERE refund_order.id = refund.order_id)
                                  IN %(paid)s
                       ), 0)
              GROUP BY visit.product_tmpl_id
                """,
                partner=self.partner_id.id,
                company=self.company_id.id,
                paid=PAID_STATES,
                order=self.id,
                date=self.dental_loyalty_visit_time,
                services=tuple(service.id for service in services),
            )
        )
        # The clinic's days, as this visit's (``_dental_loyalty_visit_date``).
        # A visit paid after the last one but stamped later than this bill (a
        # bill saved as a draft, paid after others) came back already: one
        # recall bonus per return, whichever bill is paid first.
        Rule = self.env["dental.loyalty.earning.rule"]
        return {
            service_id: Rule._clinic_time(self.company_id, last).date()
            for service_id, last, latest in rows
            if last and latest == last
        }
