import math

from odoo import models

from ..rules import cumulative_refund_share, proportional_points
from ..rules.settlement import RefundShare


class DentalLoyaltyWallet(models.Model):
    """What the refunds of a sale owe back of what it earned: its earning by
    the share they return of the sale, an earning rule's points by the share
    they return of the lines it gave on. What the sync settles, the
    register's preview shows and the integrity check expects."""

    # One concern per file, as Odoo core splits its big models.
    _inherit = "dental.loyalty.wallet"  # pylint: disable=consider-merging-classes-inherited

    def _refund_share(
        self,
        sale_lines,
        refunded_amount,
        refunded_before,
        sale_total,
        rule_returns=None,
    ):
        """The :class:`RefundShare` of a refund returning ``refunded_amount``
        of a sale of ``sale_total`` after its earlier refunds returned
        ``refunded_before``; ``sale_lines`` are the ledger lines of the sale
        and of its refunds. An earning rule's points that ``rule_returns``
        names (``{rule line id: (returned, whole)}``) are due back in the
        share the refunds return of the lines it gave on; the rest of what
        the sale earned in the share they return of the sale. What the sync
        settles and the register previews."""
        rule_returns = rule_returns or {}

        def total(kind):
            lines = sale_lines.filtered(lambda line: line.kind == kind)
            return abs(sum(lines.mapped("points")))

        # A recall bonus and the rules' points are earned by the sale too:
        # refunds take them back.
        earned = total("earn") + total("rule") + total("recall")
        share = cumulative_refund_share(
            earned=earned,
            spent=total("spend"),
            taken_back=total("earn_reversal"),
            given_back=total("spend_return"),
            refunded_before=refunded_before,
            refunded_now=refunded_amount,
            sale_total=sale_total,
        )
        by_lines = sale_lines.filtered(
            lambda line: line.kind == "rule" and line.id in rule_returns
        )
        if not by_lines:
            return share
        due = self._refund_due(
            earned - sum(by_lines.mapped("points")),
            refunded_before + refunded_amount,
            sale_total,
            [(line.points, *rule_returns[line.id]) for line in by_lines],
        )
        return RefundShare(
            take_back=max(0, min(due, earned) - total("earn_reversal")),
            give_back=share.give_back,
        )

    def _refund_due(self, bill_points, refunded, sale_total, rule_points):
        """The whole points all the refunds of a sale owe back of what it
        earned: ``bill_points`` in the share ``refunded`` is of
        ``sale_total``, and each rule's ``(points, returned, whole)`` of
        ``rule_points`` in the share ``returned`` is of ``whole`` (what the
        refunds return of the lines it gave on); rounded half up once, on the
        sum, as a sale's whole earning is when no rule is apart."""

        def share(part, whole):
            return min(max(part / whole, 0.0), 1.0) if whole > 0 else 0.0

        exact = bill_points * share(refunded, sale_total) + sum(
            points * share(part, whole) for points, part, whole in rule_points
        )
        return math.floor(round(exact, 6) + 0.5)

    def _lot_refund_due(self, lot, refunded, sale_total, rule_returns):
        """What all the refunds of a sale, which return ``refunded`` of its
        ``sale_total``, owe back of its earning ``lot``: a rule's by the lines
        it gave on when ``rule_returns`` names it, else by the bill."""
        if lot.id in rule_returns:
            return proportional_points(lot.points, *rule_returns[lot.id])
        return proportional_points(lot.points, refunded, sale_total)
