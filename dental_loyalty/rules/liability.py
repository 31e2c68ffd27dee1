"""What the programme owes: the points of the lots still held at a day, split
spendable and pending and by expiry month, the breakage rate over a period, and
the liability net of expected breakage.

A lot's points held at the end of a day are its points less what the lines
dated up to that day took from it (the ledger's takes): a past day is answered
from the ledger, not from what is left of the lots today.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date

from .lots import Lot, _fifo_order, _is_spendable

# Takes that move points elsewhere or cancel them: those points never reach
# their expiry in this lot (a moved point has its own lot, with the same dates).
NOT_REACHING_EXPIRY = frozenset({"transfer_out", "earn_reversal", "referral_reversal"})


@dataclass(frozen=True)
class HeldLot:
    """A positive ledger line as the liability reads it."""

    id: int
    points: int
    posted: date
    available_date: date
    expiry_date: date | None


@dataclass(frozen=True)
class Take:
    """Points a negative line (dated ``date``, of ``kind``) took from a lot."""

    lot_id: int
    points: int
    date: date
    kind: str = ""


@dataclass(frozen=True)
class Outstanding:
    """What a lot still held at the end of a day."""

    lot_id: int
    points: int
    spendable: bool
    expiry_month: date | None


def outstanding_lots(
    lots: Iterable[HeldLot], takes: Iterable[Take], day: date
) -> list[Outstanding]:
    """The lots posted up to ``day`` with points left at its end: spendable
    when their waiting period was over on that day, pending otherwise. A lot
    past its expiry whose expire line is dated later still counts: the ledger
    holds its points until that line."""
    taken = defaultdict(int)
    for take in takes:
        if take.date <= day:
            taken[take.lot_id] += take.points
    held = []
    for lot in lots:
        if lot.posted > day:
            continue
        points = lot.points - taken[lot.id]
        if points > 0:
            held.append(
                Outstanding(
                    lot_id=lot.id,
                    points=points,
                    spendable=lot.available_date <= day,
                    expiry_month=lot.expiry_date and lot.expiry_date.replace(day=1),
                )
            )
    return held


def outstanding_totals(held: Iterable[Outstanding]) -> dict[str, int]:
    """{"points", "spendable_points", "pending_points"} of ``held``."""
    totals = {"points": 0, "spendable_points": 0, "pending_points": 0}
    for lot in held:
        totals["points"] += lot.points
        totals["spendable_points" if lot.spendable else "pending_points"] += lot.points
    return totals


def by_expiry_month(held: Iterable[Outstanding]) -> dict[date | None, int]:
    """Points held by the first day of the month they expire (None: never)."""
    months = defaultdict(int)
    for lot in held:
        months[lot.expiry_month] += lot.points
    return dict(months)


def breakage_rate(
    lots: Iterable[HeldLot],
    takes: Iterable[Take],
    date_from: date,
    date_to: date,
) -> float:
    """Points expired over points that reached their expiry, for the lots whose
    expiry day fell in ``date_from``..``date_to``: 0.0 when none did. Points
    moved to another wallet or taken back by a refund never reached their
    expiry in this lot and count on neither side."""
    due = {
        lot.id: lot.points
        for lot in lots
        if lot.expiry_date and date_from <= lot.expiry_date <= date_to
    }
    reached = sum(due.values())
    expired = 0
    for take in takes:
        if take.lot_id not in due:
            continue
        if take.kind in NOT_REACHING_EXPIRY:
            reached -= take.points
        elif take.kind == "expire":
            expired += take.points
    return ratio(expired, reached)


def ratio(expired: int, reached: int) -> float:
    """``expired`` over ``reached``, within 0..1; 0.0 when nothing reached."""
    if reached <= 0:
        return 0.0
    return min(1.0, max(0.0, expired / reached))


def net_liability(worth: float, rate: float) -> float:
    """The worth of the points held less what is expected to expire unspent."""
    return worth * (1.0 - min(1.0, max(0.0, rate)))


def replay_takes(
    lines: Iterable[tuple[int, int, int | None, date]],
    lots: Iterable[Lot],
    taken_today: dict[int, int],
) -> tuple[list[tuple[int, int, int]], bool]:
    """Rebuild a wallet's takes from its history: ``lines`` are its negative
    lines ``(line id, points (<0), lot id or None, posting day)`` in the order
    they were posted; ``lots`` its positive lines (``remaining``: their
    points); ``taken_today`` {lot id: points - remaining points} as the ledger
    holds it now. A line naming its lot took from it; another took the lots
    spendable on its posting day, oldest first, as the engine does.

    Returns ``([(line id, lot id, points)], adjusted)``: when the replay does
    not give every lot what the ledger says it gave, the lines without a lot
    are shared again, oldest lots first, within what each lot gave
    (``adjusted`` True), so that each lot's takes add up to the ledger's."""
    lines = list(lines)
    lots = _fifo_order(lots)
    takes = _replay(lines, lots, {lot.id: lot.remaining for lot in lots})
    if _sums(takes) == {k: v for k, v in taken_today.items() if v}:
        return takes, False
    capacity = dict(taken_today)
    for _line_id, points, lot_id, _day in lines:
        if lot_id:
            capacity[lot_id] = capacity.get(lot_id, 0) + points
    return _replay(lines, lots, capacity, any_day=True), True


def _replay(lines, lots, left, any_day=False):
    """Each line without a lot takes from the lots posted before it that were
    spendable on its posting day, oldest first; with ``any_day``, from any lot
    with something ``left``, those posted before it first."""
    left = dict(left)
    takes = []
    for line_id, points, lot_id, day in lines:
        if lot_id:
            takes.append((line_id, lot_id, -points))
            left[lot_id] = left.get(lot_id, 0) + points
            continue
        if any_day:
            order = sorted(lots, key=lambda lot, line_id=line_id: lot.id >= line_id)
        else:
            order = [
                lot
                for lot in lots
                if lot.id < line_id
                and _is_spendable(replace(lot, remaining=left.get(lot.id, 0)), day)
            ]
        needed = -points
        for lot in order:
            taken = min(max(left.get(lot.id, 0), 0), needed)
            if taken:
                takes.append((line_id, lot.id, taken))
                left[lot.id] -= taken
                needed -= taken
    return takes


def _sums(takes):
    sums = defaultdict(int)
    for _line_id, lot_id, points in takes:
        sums[lot_id] += points
    return dict(sums)
