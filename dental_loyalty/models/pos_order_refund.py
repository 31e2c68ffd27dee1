from odoo import api, models
from odoo.exceptions import UserError
from odoo.tools import float_compare, float_round
from odoo.tools.misc import formatLang

from ..rules import (
    cumulative_refund_share,
    points_for_amount,
    points_rounded_off,
    refund_money_cap,
)
from .pos_order import PAID_STATES


class PosOrderRefund(models.Model):
    """The refund adapter: the returned lines checked against what their sale
    sold, and settled as a refund of it, within the money it took."""

    _inherit = "pos.order"  # pylint: disable=consider-merging-classes-inherited

    def _dental_loyalty_returned_lines(self):
        """The order's returned lines, each checked against the line it returns:
        a line a paid sale of this company sold, no more of it than the sale's
        earlier paid refunds left, and for no more than it was sold for. A line
        returning nothing moves nothing; anything else refuses the whole order,
        so nothing is posted."""
        returned = self.lines.filtered("refunded_orderline_id")
        if not returned:
            return returned
        label = self._dental_loyalty_label()
        digits = self.env["decimal.precision"].precision_get("Product Unit of Measure")
        for line in returned:
            if not self._dental_loyalty_is_returnable(
                line.refunded_orderline_id, self.company_id, digits
            ):
                raise UserError(
                    self.env._(
                        "%(order)s was refused: it returns %(product)s from a line "
                        "that no paid sale of this clinic sold.",
                        order=label,
                        product=line.product_id.display_name,
                    )
                )
            sold = line.refunded_orderline_id
            # A return is of what was sold, as it was taxed: another product
            # moved stock back that never left, other taxes refunded tax never
            # collected (round 131).
            if line.product_id != sold.product_id:
                raise UserError(
                    self.env._(
                        "%(order)s was refused: it returns %(product)s on the line "
                        "of %(sold)s it names; return what the line sold.",
                        order=label,
                        product=line.product_id.display_name,
                        sold=sold.product_id.display_name,
                    )
                )
            # The taxes the books use: after each order's fiscal position (a
            # sale whose position took its tax off, returned with none, had
            # refunded that tax).
            if line.tax_ids_after_fiscal_position != sold.tax_ids_after_fiscal_position:
                raise UserError(
                    self.env._(
                        "%(order)s was refused: it returns %(product)s with other "
                        "taxes than it was sold with.",
                        order=label,
                        product=line.product_id.display_name,
                    )
                )
            if float_compare(line.qty, 0, precision_digits=digits) > 0:
                raise UserError(
                    self.env._(
                        "%(order)s was refused: a returned line of %(product)s "
                        "sells instead; sell it on a line of its own.",
                        order=label,
                        product=line.product_id.display_name,
                    )
                )
        sales = returned.refunded_orderline_id.order_id
        if len(sales) > 1:
            raise UserError(
                self.env._(
                    "%s was refused: it returns lines of several sales; refund "
                    "one sale at a time.",
                    label,
                )
            )
        # Two registers returning the same line at once: the second waits for
        # the first, then is retried on a snapshot that sees what it returned.
        self.env["dental.loyalty.wallet"]._serialise_rows(sales._table, sales.ids)
        currency = self.currency_id
        for sold, lines in returned.grouped("refunded_orderline_id").items():
            self._dental_loyalty_check_left_to_return(
                sold, -sum(lines.mapped("qty")), label, digits
            )
            sold_total = sold._dental_loyalty_total()
            for line in lines:
                # What the patient gets back for the line, against what its
                # quantity was sold for: a discount line's is negative.
                given = -line._dental_loyalty_total()
                allowed = sold_total * -line.qty / sold.qty
                if currency.compare_amounts(given - allowed, currency.rounding) > 0:
                    raise UserError(
                        self.env._(
                            "%(order)s was refused: it returns %(product)s for "
                            "%(given)s, more than it was sold for (%(allowed)s).",
                            order=label,
                            product=sold.product_id.display_name,
                            given=formatLang(self.env, given, currency_obj=currency),
                            allowed=formatLang(
                                self.env, allowed, currency_obj=currency
                            ),
                        )
                    )
        return returned

    def _dental_loyalty_is_returnable(self, sold, company, digits):
        """Whether ``sold`` is a line a paid sale of ``company`` (not this
        order) sold, which a refund may return."""
        sale = sold.order_id
        return not (
            sale == self
            or sale.state not in PAID_STATES
            or sale.company_id != company
            or sold.refunded_orderline_id
            or float_compare(sold.qty, 0, precision_digits=digits) <= 0
        )

    def _dental_loyalty_check_left_to_return(self, sold, now, label, digits):
        """Refuse returning ``now`` of the sold line ``sold`` when its sale's
        paid refunds other than this order left less of it to return: the
        sync's check, and the refund preview's."""
        earlier = sold.refund_orderline_ids.filtered(
            lambda line: line.order_id != self and line.order_id.state in PAID_STATES
        )
        left = sold.qty + sum(earlier.mapped("qty"))
        if float_compare(now, left, precision_digits=digits) > 0:
            raise UserError(
                self.env._(
                    "%(order)s was refused: it returns more %(product)s than "
                    "is left to return (returned: %(returned)s, left: "
                    "%(left)s).",
                    order=label,
                    product=sold.product_id.display_name,
                    returned=self._dental_loyalty_quantity(now, digits),
                    left=self._dental_loyalty_quantity(max(left, 0), digits),
                )
            )

    @api.model
    def _dental_loyalty_quantity(self, quantity, digits):
        """A quantity as a cashier reads it: 2, or 0.5, not 2.000."""
        quantity = float_round(quantity, precision_digits=digits)
        shown = 0 if quantity.is_integer() else digits
        return formatLang(self.env, quantity, digits=shown)

    def _dental_loyalty_settle_refund(self):
        """The returned lines act on the wallet of the sale they come from,
        whoever the refund is made out to: with the sale's earlier paid refunds,
        they take back their share of what it earned and give back at most
        their share of what it spent."""
        returned = self.lines.filtered("refunded_orderline_id")
        sale = returned.refunded_orderline_id.order_id
        returned.refunded_orderline_id.dental_loyalty_voucher_id._restore(self)
        points_amount = self._dental_loyalty_points_paid()
        if self.currency_id.compare_amounts(points_amount, 0) > 0:
            if returned == self.lines:
                raise UserError(self.env._("A refund cannot be paid with points."))
            points_amount = 0.0  # they paid the order's sold lines
        sale_lines, earlier, refunded_before, wallet = (
            self._dental_loyalty_refund_basis(sale)
        )
        self._dental_loyalty_check_refund_money(sale, earlier, sale_lines)
        refunded_now = self._dental_loyalty_refunded_amount(sale)
        if not sale_lines:
            if not self.currency_id.is_zero(points_amount):
                raise UserError(
                    self.env._(
                        "%(refund)s gives back %(amount)s in points (%(points)s "
                        "points), but %(sale)s spent none: at most %(none)s (0 "
                        "points) may be given back in points.",
                        refund=self._dental_loyalty_label(),
                        amount=formatLang(
                            self.env, -points_amount, currency_obj=self.currency_id
                        ),
                        points=formatLang(
                            self.env,
                            points_for_amount(
                                -points_amount,
                                self.company_id.dental_loyalty_point_value,
                            ),
                            digits=0,
                        ),
                        sale=sale._dental_loyalty_label(),
                        none=formatLang(self.env, 0.0, currency_obj=self.currency_id),
                    )
                )
            self._dental_loyalty_reverse_referral(sale, refunded_before + refunded_now)
            return
        wallet._settle_refund(
            points_rate=sale._dental_loyalty_points_rate(sale_lines),
            key=f"pos:{self.uuid}",
            sale_lines=sale_lines,
            refunded_amount=refunded_now,
            refunded_before=refunded_before,
            sale_total=sale._dental_loyalty_sold_total(),
            points_returned_amount=-points_amount,
            source_vals=self._dental_loyalty_source_vals(sale),
            label=self._dental_loyalty_label(),
            sale_label=sale._dental_loyalty_label(),
            rule_returns=self._dental_loyalty_rule_returns(
                sale,
                sale_lines,
                earlier,
                [(line.refunded_orderline_id, -line.qty) for line in returned],
            ),
        )
        self._dental_loyalty_reverse_referral(sale, refunded_before + refunded_now)

    def _dental_loyalty_points_rate(self, sale_lines):
        """What each point this sale spent paid of its bill (``sale_lines``:
        its ledger lines), or None when it spent none."""
        spent = -sum(
            sale_lines.filtered(lambda line: line.kind == "spend").mapped("points")
        )
        paid = self._dental_loyalty_points_paid()
        return paid / spent if spent > 0 and paid > 0 else None

    def _dental_loyalty_refund_basis(self, sale):
        """What a refund of ``sale`` is settled against, besides the lines it
        returns: the ledger lines of the sale and of its refunds, its paid
        refunds other than this order, what they returned of it (priced from
        the sale's lines: the ledger's share and the referral's), and the
        wallet the refund settles on (none when the sale moved no points).
        The sync and the register's refund preview read the same."""
        Ledger = self.env["dental.loyalty.ledger"].sudo()
        sale_lines = Ledger.search(
            [("res_model", "=", "pos.order"), ("res_id", "=", sale.id)]
        )
        earlier = sale.lines.refund_orderline_ids.order_id.filtered(
            lambda refund: refund != self and refund.state in PAID_STATES
        )
        refunded_before = sum(
            refund._dental_loyalty_refunded_amount(sale) for refund in earlier
        )
        # The sale's wallet, or the family's it pays from now: points the sale
        # earned went there when its patient joined, and what it spent comes
        # back where the patient spends.
        wallet = sale_lines.sorted("id")[:1].wallet_id
        if wallet:
            wallet = wallet._paying_wallet()
        return sale_lines, earlier, refunded_before, wallet

    def _dental_loyalty_reverse_referral(self, sale, refunded):
        """Hand the referral that ``sale`` (a first visit) rewarded the figures
        it decides on: what the sale's paid refunds, this one included,
        returned of it in all (``refunded``), and what money paid of the sale."""
        referral = self.env["dental.loyalty.referral"]._rewarded_by_visit(sale)
        if referral:
            referral._reverse_refunded_visit(
                refunded=refunded,
                paid=sale.amount_total - sale._dental_loyalty_points_paid(),
                label=self._dental_loyalty_label(),
                refund=self,
            )

    def _dental_loyalty_refunded_amount(self, sale=None):
        """The part of ``sale`` (by default, of the sale it returns lines of)
        this refund returns, priced from the sale's own lines as the server
        computes them: only the returned quantities come from the register."""
        return self._dental_loyalty_returned_value(
            [
                (line.refunded_orderline_id, -line.qty)
                for line in self.lines.filtered("refunded_orderline_id")
            ],
            sale,
        )

    @api.model
    def _dental_loyalty_returned_value(self, returns, sale=None):
        """What ``returns`` (``(sold line, quantity returned)`` pairs) return
        of ``sale`` (of any sale by default), priced from the sold lines as
        their sale values them (a scoped discount on its own lines)."""
        refunded = 0.0
        values = {}
        for sold, quantity in returns:
            if sold.qty > 0 and (sale is None or sold.order_id == sale):
                share = min(max(quantity / sold.qty, 0.0), 1.0)
                if sold.order_id not in values:
                    values[sold.order_id] = sold.order_id._dental_loyalty_line_values()
                refunded += share * values[sold.order_id][sold.id]
        return refunded

    def _dental_loyalty_check_refund_money(self, sale, earlier, sale_lines):
        """Refuse a refund that pays out more money than its share of the money
        ``sale`` took: together with the sale's ``earlier`` paid refunds, the
        refunds pay out in money at most what the sale took in money times the
        share of its goods they return. What a voucher or a points payment took
        off a returned line comes back as points (``sale_lines``: the sale's
        ledger lines, for the points left to give back) or not at all."""
        currency = self.currency_id
        paid_out = self._dental_loyalty_money_paid_out()
        if currency.compare_amounts(paid_out, 0) <= 0:
            return
        values = sale._dental_loyalty_line_values()
        goods = sum(value for value in values.values() if value > 0)
        spent = sale_lines.filtered(lambda line: line.kind == "spend")
        given = sale_lines.filtered(lambda line: line.kind == "spend_return")
        refunded_before = sum(
            refund._dental_loyalty_refunded_amount(sale) for refund in earlier
        )
        refunded_now = self._dental_loyalty_refunded_amount(sale)
        cap = currency.round(
            refund_money_cap(
                sale_money=sale._dental_loyalty_money_taken(),
                goods_total=goods,
                returned_goods=sum(
                    refund._dental_loyalty_returned_goods(sale, values)
                    for refund in earlier | self
                ),
            )
            # Points come back whole: the part of a point their share leaves
            # over comes back in money, at what a point comes back for (its
            # value, or less if it paid less in the sale: _refund_points_worth).
            + points_rounded_off(
                spent=abs(sum(spent.mapped("points"))),
                refunded_so_far=refunded_before + refunded_now,
                sale_total=sale._dental_loyalty_sold_total(),
            )
            * min(
                self.company_id.dental_loyalty_point_value,
                sale._dental_loyalty_points_rate(sale_lines) or float("inf"),
            )
        )
        # What an earlier refund took in counts too: the patient who paid a
        # voucher's discount back (its line returned alone) has paid the goods
        # in full, and gets their whole price back.
        paid_before = sum(refund._dental_loyalty_money_flow() for refund in earlier)
        # Pieces priced line by line may each round up: one unit of the
        # currency over the whole sale, never more.
        if (
            currency.compare_amounts(paid_before + paid_out - cap, currency.rounding)
            <= 0
        ):
            return
        money = formatLang(self.env, max(cap - paid_before, 0.0), currency_obj=currency)
        points = cumulative_refund_share(
            earned=0,
            spent=abs(sum(spent.mapped("points"))),
            taken_back=0,
            given_back=abs(sum(given.mapped("points"))),
            refunded_before=refunded_before,
            refunded_now=refunded_now,
            sale_total=sale._dental_loyalty_sold_total(),
        ).give_back
        if points:
            raise UserError(
                self.env._(
                    "%(refund)s may pay back at most %(money)s in money for what it "
                    "returns; give the rest back in points (%(points)s at most) or "
                    "not at all.",
                    refund=self._dental_loyalty_label(),
                    money=money,
                    points=formatLang(self.env, points, digits=0),
                )
            )
        raise UserError(
            self.env._(
                "%(refund)s may pay back at most %(money)s in money for what it "
                "returns; the rest cannot be paid back.",
                refund=self._dental_loyalty_label(),
                money=money,
            )
        )

    def _dental_loyalty_money_paid_out(self):
        """The money (payments of methods other than the loyalty points method)
        this order pays out for the lines it returns. In an order that also
        sells lines, what those lines take in money is not a refund's payout:
        it is netted first."""
        return max(self._dental_loyalty_money_flow(), 0.0)

    def _dental_loyalty_money_flow(self):
        """The money this order pays out for the lines it returns, less what
        it takes in beyond the lines it sells (negative when it takes money
        in: a voucher's line returned alone). Lines sold for less than
        nothing take nothing in: they are no money the patient paid."""
        points = self._dental_loyalty_points_paid()
        money = sum(
            payment.amount
            for payment in self.payment_ids
            if not payment.payment_method_id.dental_loyalty_points
        )
        sold_money = max(self._dental_loyalty_sold_total() - max(points, 0.0), 0.0)
        return sold_money - money

    def _dental_loyalty_money_taken(self):
        """The money (payments of methods other than the loyalty points method)
        this order's payments took for its sold lines: what they cost less the
        points paid, and never more than its payments brought in, with what the
        lines it returns paid out netted back."""
        money = sum(
            payment.amount
            for payment in self.payment_ids
            if not payment.payment_method_id.dental_loyalty_points
        )
        returned = sum(
            line._dental_loyalty_total()
            for line in self.lines
            if line.refunded_orderline_id
        )
        sold_money = self._dental_loyalty_sold_total() - max(
            self._dental_loyalty_points_paid(), 0.0
        )
        return max(min(sold_money, money - returned), 0.0)

    def _dental_loyalty_returned_goods(self, sale, values):
        """What this refund returns of the lines of positive value ``sale``
        sold, priced from the sale (``values``: its lines' values, a scoped
        discount taken off its own lines): the goods whose share of the sale's
        money it may pay out."""
        returned = 0.0
        for line in self.lines.filtered("refunded_orderline_id"):
            sold = line.refunded_orderline_id
            if sold.order_id != sale or sold.qty <= 0:
                continue
            total = values[sold.id]
            if total > 0:
                returned += min(max(-line.qty / sold.qty, 0.0), 1.0) * total
        return returned

    def _dental_loyalty_sold_total(self):
        """What the order's sold lines (not the lines it returns of an earlier
        sale) come to, as the server computes them: the whole its refunds are a
        share of."""
        return sum(
            line._dental_loyalty_total()
            for line in self.lines
            if not line.refunded_orderline_id
        )
