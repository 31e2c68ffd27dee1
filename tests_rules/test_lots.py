from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from dental_loyalty.rules import (
    InsufficientPoints,
    Lot,
    available_date,
    consume_fifo,
    expiring_lots,
    expiry_date,
    spendable_less_holds,
    spendable_points,
)
from dental_loyalty.rules.lots import _fifo_order, _is_spendable

TODAY = date(2024, 6, 15)


def make_lot(
    lot_id,
    remaining,
    posted=date(2024, 1, 1),
    available=None,
    expiry=None,
):
    return Lot(
        id=lot_id,
        remaining=remaining,
        available_date=available or posted,
        expiry_date=expiry,
        posted=posted,
    )


# _is_spendable


def test_lot_is_spendable_from_its_available_date():
    lot = make_lot(1, 10, available=TODAY)
    assert _is_spendable(lot, TODAY)
    assert not _is_spendable(lot, TODAY - timedelta(days=1))


def test_a_released_lot_is_spendable_on_a_caller_s_earlier_day():
    """Released by the server in a clinic's evening: a cashier whose time zone
    is still on the day before spends it too."""
    tomorrow = TODAY + timedelta(days=1)
    lot = replace(make_lot(1, 10, posted=tomorrow, available=tomorrow), released=True)
    assert _is_spendable(lot, TODAY)
    assert consume_fifo([lot], 10, TODAY) == [(1, 10)]
    assert not _is_spendable(replace(lot, released=False), TODAY)


def test_lot_is_dead_on_its_expiry_date():
    lot = make_lot(1, 10, expiry=TODAY)
    assert _is_spendable(lot, TODAY - timedelta(days=1))
    assert not _is_spendable(lot, TODAY)


def test_lot_without_expiry_stays_spendable():
    assert _is_spendable(make_lot(1, 10), date(2099, 1, 1))


def test_lot_expiring_while_still_pending_is_not_spendable():
    lot = make_lot(1, 10, available=TODAY + timedelta(days=5), expiry=TODAY)
    assert not _is_spendable(lot, TODAY)


def test_empty_lot_is_not_spendable():
    assert not _is_spendable(make_lot(1, 0), TODAY)


def test_spendable_points_leave_out_pending_and_expired_lots():
    lots = [
        make_lot(1, 100),
        make_lot(2, 40, available=TODAY + timedelta(days=3)),
        make_lot(3, 25, expiry=TODAY),  # expired, not yet swept
        make_lot(4, 0),
        make_lot(5, 7, expiry=TODAY + timedelta(days=1)),
    ]
    assert spendable_points(lots, TODAY) == 107


def test_spendable_points_are_what_consume_may_take():
    lots = [make_lot(1, 30), make_lot(2, 25, expiry=TODAY)]
    spendable = spendable_points(lots, TODAY)
    assert consume_fifo(lots, spendable, TODAY) == [(1, 30)]
    with pytest.raises(InsufficientPoints):
        consume_fifo(lots, spendable + 1, TODAY)


# spendable_less_holds


@pytest.mark.parametrize(
    ("spendable", "held", "expected"),
    [(100, 0, 100), (100, 30, 70), (100, 100, 0), (100, 130, 0), (0, 0, 0)],
)
def test_spendable_less_holds_never_negative(spendable, held, expected):
    assert spendable_less_holds(spendable, held) == expected


def test_spendable_less_holds_ignores_a_negative_hold():
    assert spendable_less_holds(50, -20) == 50


# _fifo_order


def test_fifo_order_by_posting_then_availability_then_id():
    lots = [
        # Posted later but released sooner (a shorter waiting period): still later.
        make_lot(6, 1, posted=date(2024, 2, 2), available=date(2024, 2, 2)),
        make_lot(5, 1, posted=date(2024, 2, 1), available=date(2024, 3, 1)),
        make_lot(4, 1, posted=date(2024, 1, 1), available=date(2024, 1, 20)),
        make_lot(3, 1, posted=date(2024, 1, 1), available=date(2024, 1, 10)),
        make_lot(2, 1, posted=date(2024, 1, 1), available=date(2024, 1, 10)),
    ]
    assert [lot.id for lot in _fifo_order(lots)] == [2, 3, 4, 5, 6]


# consume_fifo


def test_consume_takes_oldest_lots_first():
    lots = [
        make_lot(2, 50, posted=date(2024, 2, 1)),
        make_lot(1, 30, posted=date(2024, 1, 1)),
        make_lot(3, 80, posted=date(2024, 3, 1)),
    ]
    assert consume_fifo(lots, 100, TODAY) == [(1, 30), (2, 50), (3, 20)]


def test_consume_within_the_first_lot():
    lots = [make_lot(1, 30), make_lot(2, 50, posted=date(2024, 2, 1))]
    assert consume_fifo(lots, 30, TODAY) == [(1, 30)]


def test_consume_skips_empty_pending_and_expired_lots():
    lots = [
        make_lot(1, 0, posted=date(2024, 1, 1)),
        make_lot(2, 40, posted=date(2024, 1, 2), expiry=TODAY),
        make_lot(3, 40, posted=date(2024, 1, 3), available=TODAY + timedelta(1)),
        make_lot(4, 15, posted=date(2024, 1, 4)),
        make_lot(5, 15, posted=date(2024, 1, 5)),
    ]
    assert consume_fifo(lots, 20, TODAY) == [(4, 15), (5, 5)]


def test_consume_short_balance_raises_and_takes_nothing():
    lots = [
        make_lot(1, 30),
        make_lot(2, 500, available=TODAY + timedelta(days=1)),
    ]
    before = list(lots)
    with pytest.raises(InsufficientPoints) as shortage:
        consume_fifo(lots, 31, TODAY)
    assert (shortage.value.requested, shortage.value.spendable) == (31, 30)
    assert lots == before


def test_consume_everything_spendable():
    assert consume_fifo([make_lot(1, 30), make_lot(2, 12)], 42, TODAY) == [
        (1, 30),
        (2, 12),
    ]


@pytest.mark.parametrize("points", [0, -5])
def test_consume_refuses_non_positive_points(points):
    with pytest.raises(ValueError):
        consume_fifo([make_lot(1, 30)], points, TODAY)


# expiring_lots


def test_expiring_lots_takes_only_what_remains():
    lots = [
        make_lot(1, 12, expiry=TODAY),  # 100 earned, 88 already spent
        make_lot(2, 0, expiry=TODAY - timedelta(days=10)),  # fully spent
        make_lot(3, 50, expiry=TODAY + timedelta(days=1)),  # not yet
        make_lot(4, 70),  # never expires
        make_lot(5, 9, posted=date(2023, 1, 1), expiry=TODAY - timedelta(days=30)),
    ]
    assert expiring_lots(lots, TODAY) == [(5, 9), (1, 12)]


def test_expiring_lots_none_due():
    assert expiring_lots([make_lot(1, 10, expiry=TODAY + timedelta(1))], TODAY) == []


# A simulated ledger: the functions above drive a wallet through random days.


class LedgerMachine(RuleBasedStateMachine):
    """Lots and signed ledger lines, changed only through the rules' functions."""

    def __init__(self):
        super().__init__()
        self.today = date(2024, 1, 1)
        self.lots: dict[int, Lot] = {}
        self.earned: dict[int, int] = {}
        self.lines: list[int] = []

    @rule(
        points=st.integers(min_value=1, max_value=500),
        waiting_days=st.integers(min_value=0, max_value=30),
        validity_months=st.integers(min_value=0, max_value=13),
    )
    def earn(self, points, waiting_days, validity_months):
        lot_id = len(self.earned) + 1
        self.lots[lot_id] = Lot(
            id=lot_id,
            remaining=points,
            available_date=available_date(self.today, waiting_days),
            expiry_date=expiry_date(self.today, validity_months),
            posted=self.today,
        )
        self.earned[lot_id] = points
        self.lines.append(points)

    @rule(points=st.integers(min_value=1, max_value=1500))
    def spend(self, points):
        spendable = spendable_points(self.lots.values(), self.today)
        if points > spendable:
            before = dict(self.lots)
            with pytest.raises(InsufficientPoints) as shortage:
                consume_fifo(list(self.lots.values()), points, self.today)
            assert shortage.value.requested == points
            assert shortage.value.spendable == spendable
            assert self.lots == before
            return
        taken_per_lot = consume_fifo(list(self.lots.values()), points, self.today)
        assert sum(taken for _, taken in taken_per_lot) == points
        assert len({lot_id for lot_id, _ in taken_per_lot}) == len(taken_per_lot)
        for lot_id, taken in taken_per_lot:
            lot = self.lots[lot_id]
            assert _is_spendable(lot, self.today)
            assert 0 < taken <= lot.remaining
        # Oldest first: every lot but the last one is emptied, and no older
        # spendable lot is passed over.
        for lot_id, taken in taken_per_lot[:-1]:
            assert taken == self.lots[lot_id].remaining
        spendable_in_order = [
            lot.id
            for lot in _fifo_order(self.lots.values())
            if _is_spendable(lot, self.today)
        ]
        assert [lot_id for lot_id, _ in taken_per_lot] == spendable_in_order[
            : len(taken_per_lot)
        ]
        for lot_id, taken in taken_per_lot:
            lot = self.lots[lot_id]
            self.lots[lot_id] = replace(lot, remaining=lot.remaining - taken)
        self.lines.append(-points)

    @rule()
    def expire(self):
        expired = expiring_lots(self.lots.values(), self.today)
        for lot_id, points in expired:
            lot = self.lots[lot_id]
            assert 0 < points == lot.remaining
            assert lot.expiry_date is not None and lot.expiry_date <= self.today
            self.lots[lot_id] = replace(lot, remaining=0)
        if expired:
            self.lines.append(-sum(points for _, points in expired))
        assert expiring_lots(self.lots.values(), self.today) == []

    @rule(days=st.integers(min_value=1, max_value=200))
    def pass_days(self, days):
        self.today += timedelta(days=days)

    @precondition(lambda self: self.lots)
    @invariant()
    def balance_is_the_sum_of_the_lines(self):
        assert sum(self.lines) == sum(lot.remaining for lot in self.lots.values())

    @invariant()
    def lots_stay_between_empty_and_earned(self):
        for lot_id, lot in self.lots.items():
            assert 0 <= lot.remaining <= self.earned[lot_id]

    @invariant()
    def spendable_pending_and_unswept_make_the_balance(self):
        lots = self.lots.values()
        unswept = sum(points for _, points in expiring_lots(lots, self.today))
        pending = sum(
            lot.remaining
            for lot in lots
            if lot.available_date > self.today
            and not (lot.expiry_date and lot.expiry_date <= self.today)
        )
        assert spendable_points(lots, self.today) + pending + unswept == sum(
            lot.remaining for lot in lots
        )


LedgerMachine.TestCase.settings = settings(
    max_examples=300, stateful_step_count=40, deadline=None
)
TestLedger = LedgerMachine.TestCase
