"""Lots: the positive ledger lines, consumed oldest first and expired when due."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Lot:
    """A positive ledger line with what is left of it."""

    id: int
    remaining: int
    available_date: date
    expiry_date: date | None
    posted: date
    # Released by the server (its nightly job or a wallet's catch-up): spendable
    # whatever day the caller's time zone says it is.
    released: bool = False


class InsufficientPoints(Exception):
    """A spend asked for more points than the wallet can spend today."""

    def __init__(self, requested: int, spendable: int):
        super().__init__(requested, spendable)
        self.requested = requested
        self.spendable = spendable


def _is_expired(lot: Lot, today: date) -> bool:
    # A lot is dead on its expiry day itself, not the day after.
    return lot.expiry_date is not None and lot.expiry_date <= today


def _is_spendable(lot: Lot, today: date) -> bool:
    return (
        lot.remaining > 0
        and (lot.released or lot.available_date <= today)
        and not _is_expired(lot, today)
    )


def spendable_points(lots: Iterable[Lot], today: date) -> int:
    """What a wallet can spend today: released, unexpired lots."""
    return sum(lot.remaining for lot in lots if _is_spendable(lot, today))


def spendable_less_holds(spendable: int, held_by_others: int) -> int:
    """What one order may spend: the wallet's spendable points less what other
    orders being paid hold."""
    return max(0, spendable - max(0, held_by_others))


def _fifo_order(lots: Iterable[Lot]) -> list[Lot]:
    """Oldest first; the id settles lots posted and released on the same day."""
    return sorted(lots, key=lambda lot: (lot.posted, lot.available_date, lot.id))


def consume_fifo(
    lots: Iterable[Lot], points: int, today: date
) -> list[tuple[int, int]]:
    """Which spendable lots give ``points``, oldest first, as [(lot_id, taken)].

    All or nothing: when the spendable balance is short, raise before taking any.
    """
    if points <= 0:
        raise ValueError(f"points to consume must be positive, got {points}")
    candidates = [lot for lot in _fifo_order(lots) if _is_spendable(lot, today)]
    spendable = sum(lot.remaining for lot in candidates)
    if spendable < points:
        raise InsufficientPoints(requested=points, spendable=spendable)
    taken_per_lot = []
    still_needed = points
    for lot in candidates:
        taken = min(lot.remaining, still_needed)
        taken_per_lot.append((lot.id, taken))
        still_needed -= taken
        if not still_needed:
            break
    return taken_per_lot


def expiring_lots(lots: Iterable[Lot], today: date) -> list[tuple[int, int]]:
    """[(lot_id, remaining)] of the lots due to expire, oldest first. Only what is
    left of a lot expires: points already spent from it are not taken twice."""
    return [
        (lot.id, lot.remaining)
        for lot in _fifo_order(lots)
        if lot.remaining > 0 and _is_expired(lot, today)
    ]
