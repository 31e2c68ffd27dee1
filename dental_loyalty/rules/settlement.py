"""Settling a sale and its refunds: the bonus of each line, and what a refund
takes back and gives back."""

from collections.abc import Iterable
from dataclasses import dataclass

from .earning import proportional_points

_NOISE_DIGITS = 6


@dataclass(frozen=True)
class SaleLine:
    """One line of a bill as the engine sees it.

    ``list_amount`` is the line's price before its discount, ``paid_amount`` what
    the line costs after it; both for the whole quantity and on the same tax basis.
    """

    bonus_points: int
    quantity: float
    list_amount: float
    paid_amount: float


def sale_line(
    *,
    bonus_points: int,
    quantity: float,
    price_unit: float,
    discount: float,
    list_price: float,
) -> SaleLine:
    """A line as the register rang it up, as the engine sees it: its price
    before the discount at the service's own price (``list_price``), or at the
    line's if dearer, so that a line rung up at 0.01 earns the bonus of what it
    charged, not of the service; and what it costs after ``discount`` (a
    percentage). The register's preview computes the same."""
    return SaleLine(
        bonus_points=bonus_points,
        quantity=quantity,
        list_amount=max(price_unit, list_price) * quantity,
        paid_amount=price_unit * quantity * (1 - (discount or 0.0) / 100),
    )


@dataclass(frozen=True)
class RefundShare:
    """The most one refund may take back of what its sale earned and give back of
    what it spent."""

    take_back: int
    give_back: int


def money_share(bill_total: float, paid_with_points: float) -> float:
    """The part of a bill paid with money, from 0 to 1. Not rounded: times a
    bill of 3000 a third paid with money, 0.333333 gives 999.999 points, not
    the 1000 the money earns."""
    if bill_total <= 0:
        return 0.0
    paid_with_money = min(max(bill_total - paid_with_points, 0.0), bill_total)
    return paid_with_money / bill_total


def bonus_points(lines: Iterable[SaleLine], share_paid_with_money: float) -> float:
    """The services' bonus points, earned only on what was paid with money: a
    line given away (100 % discount, zero price) earns none, a line half paid
    with points half its bonus. Not rounded: the earning rule rounds the total."""
    total = 0.0
    for line in lines:
        if line.quantity <= 0 or line.bonus_points <= 0 or line.list_amount <= 0:
            continue
        paid_share = min(max(line.paid_amount / line.list_amount, 0.0), 1.0)
        total += line.bonus_points * line.quantity * paid_share
    return round(total * min(max(share_paid_with_money, 0.0), 1.0), _NOISE_DIGITS)


def _check_figures(**figures: int) -> None:
    for name, value in figures.items():
        if value < 0:
            raise ValueError(f"{name} must not be negative, got {value}")


def cumulative_refund_share(
    *,
    earned: int,
    spent: int,
    taken_back: int,
    given_back: int,
    refunded_before: float,
    refunded_now: float,
    sale_total: float,
) -> RefundShare:
    """What a refund may take back and give back, counted over all the refunds
    of the sale: the share of what it earned and spent that everything refunded
    so far (``refunded_before`` by earlier refunds, ``refunded_now`` by this
    one, both priced from the sale's lines) is of ``sale_total``, less what
    earlier refunds already took back and gave back.

    However a sale is cut into refunds, together they take back exactly their
    share (all it earned once everything is returned) and give back at most
    their share of what it spent: no piece rounds in the patient's favour twice.
    A refund of nothing, or of a discount line only, moves nothing."""
    _check_figures(
        earned=earned, spent=spent, taken_back=taken_back, given_back=given_back
    )
    so_far = max(refunded_before + refunded_now, 0.0)
    if sale_total <= 0 or so_far <= 0:
        return RefundShare(take_back=0, give_back=0)
    due_back = proportional_points(earned, so_far, sale_total)
    due_given = proportional_points(spent, so_far, sale_total)
    return RefundShare(
        take_back=max(0, due_back - taken_back),
        give_back=max(0, due_given - given_back),
    )


def refund_money_cap(
    *,
    sale_money: float,
    goods_total: float,
    returned_goods: float,
) -> float:
    """The most all the refunds of a sale may pay out in money, together: the
    share of the money the sale took (``sale_money``: its sold lines less what
    points paid) that the goods they return are of its goods (``goods_total``:
    its sold lines of positive amount, before vouchers and other lines that took
    the bill down, but after a scoped discount, which belongs to its own lines;
    ``returned_goods``: what all its refunds so far return of those lines,
    priced from the sale). A voucher's or a points payment's part
    of a returned line comes back as points or not at all, never as money.
    Not rounded: the caller rounds the cap to its currency once."""
    if sale_money <= 0 or goods_total <= 0 or returned_goods <= 0:
        return 0.0
    share = min(returned_goods / goods_total, 1.0)
    return round(sale_money * share, _NOISE_DIGITS)


def points_rounded_off(
    *, spent: int, refunded_so_far: float, sale_total: float
) -> float:
    """The part of a point the refunds of a sale so far could not give back:
    their share of the points it ``spent`` (``refunded_so_far`` of
    ``sale_total``, both priced from the sale's lines) comes back in whole
    points, rounded half up (``cumulative_refund_share``), so up to half a
    point of it is left over, which the refunds pay back in money instead.
    Zero when the points were rounded up, or nothing was spent or refunded."""
    if spent <= 0 or sale_total <= 0 or refunded_so_far <= 0:
        return 0.0
    exact = round(spent * min(refunded_so_far / sale_total, 1.0), _NOISE_DIGITS)
    return max(exact - proportional_points(spent, refunded_so_far, sale_total), 0.0)


def take_back_from_lots(
    points: int, lots: Iterable[tuple[int, bool]], free: int
) -> tuple[list[int], int, int]:
    """Where a refund takes back ``points`` a sale or a bonus gave: from the lots
    that gave them first (``lots``: ``(remaining, released)`` of each, in the
    order to take them, wherever their points are now), then from the wallet's
    other spendable points. ``free`` is what of the wallet's spendable points no
    register holds: released points are taken only within it, pending ones
    (held by nobody) always. Returns what each lot gives, what the other
    spendable points give, and what is missing (gone or held), which nothing
    takes back."""
    _check_figures(points=points)
    free = max(free, 0)
    taken_per_lot = []
    taken_total = 0
    for remaining, released in lots:
        takeable = min(remaining, free) if released else remaining
        taken = max(min(points - taken_total, takeable), 0)
        taken_per_lot.append(taken)
        taken_total += taken
        if released:
            free -= taken
    rest = points - taken_total
    from_others = min(rest, free)
    return taken_per_lot, from_others, rest - from_others
