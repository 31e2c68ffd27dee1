from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from dental_loyalty.rules import (
    HeldLot,
    Lot,
    Take,
    breakage_rate,
    by_expiry_month,
    net_liability,
    outstanding_lots,
    outstanding_totals,
    replay_takes,
)

START = date(2024, 1, 1)


@st.composite
def histories(draw):
    """A wallet's lots and the takes from them, dated over a year; no lot gives
    more than its points and none before it was posted. Returns (lots, takes,
    lines): ``lines`` the signed points of every line, dated."""
    lots, takes, lines = [], [], []
    for lot_id in range(1, draw(st.integers(0, 8)) + 1):
        posted = START + timedelta(days=draw(st.integers(0, 365)))
        points = draw(st.integers(1, 500))
        wait = draw(st.integers(0, 30))
        expiry = draw(st.none() | st.integers(31, 400))
        lots.append(
            HeldLot(
                lot_id,
                points,
                posted,
                posted + timedelta(days=wait),
                expiry and posted + timedelta(days=expiry),
            )
        )
        lines.append((posted, points))
        left = points
        for _take in range(draw(st.integers(0, 3))):
            if not left:
                break
            taken = draw(st.integers(1, left))
            day = posted + timedelta(days=draw(st.integers(0, 400)))
            kind = draw(st.sampled_from(["spend", "expire", "transfer_out", "redeem"]))
            takes.append(Take(lot_id, taken, day, kind))
            lines.append((day, -taken))
            left -= taken
    return lots, takes, lines


days = st.dates(START - timedelta(days=10), START + timedelta(days=800))


@given(histories(), days)
def test_no_lot_is_held_below_zero(history, day):
    lots, takes, _lines = history
    assert all(lot.points > 0 for lot in outstanding_lots(lots, takes, day))


@given(histories(), days)
def test_held_points_add_up_to_the_balance_at_the_day(history, day):
    lots, takes, lines = history
    held = outstanding_lots(lots, takes, day)
    totals = outstanding_totals(held)
    balance = sum(points for line_day, points in lines if line_day <= day)
    assert totals["points"] == balance
    assert totals["spendable_points"] + totals["pending_points"] == balance
    assert sum(by_expiry_month(held).values()) == balance


def test_spendable_and_pending_follow_the_waiting_period_at_the_day():
    lots = [
        HeldLot(1, 100, date(2024, 1, 1), date(2024, 1, 1), date(2025, 1, 1)),
        HeldLot(2, 50, date(2024, 3, 1), date(2024, 3, 15), date(2025, 3, 1)),
    ]
    takes = [Take(1, 30, date(2024, 2, 1), "spend"), Take(1, 20, date(2024, 4, 1))]
    held = outstanding_lots(lots, takes, date(2024, 3, 10))
    assert outstanding_totals(held) == {
        "points": 120,
        "spendable_points": 70,
        "pending_points": 50,
    }
    assert by_expiry_month(held) == {date(2025, 1, 1): 70, date(2025, 3, 1): 50}
    later = outstanding_totals(outstanding_lots(lots, takes, date(2024, 4, 1)))
    assert later == {"points": 100, "spendable_points": 100, "pending_points": 0}


def test_breakage_counts_only_lots_whose_expiry_fell_in_the_period():
    lots = [
        HeldLot(1, 100, date(2023, 1, 1), date(2023, 1, 1), date(2024, 1, 1)),
        HeldLot(2, 100, date(2023, 6, 1), date(2023, 6, 1), date(2024, 6, 1)),
        HeldLot(3, 100, date(2024, 1, 1), date(2024, 1, 1), date(2025, 1, 1)),
    ]
    takes = [
        Take(1, 60, date(2023, 5, 1), "spend"),
        Take(1, 40, date(2024, 1, 1), "expire"),
        # Moved away: those 50 points reach their expiry in their new lot.
        Take(2, 50, date(2023, 7, 1), "transfer_out"),
        Take(2, 50, date(2024, 6, 1), "expire"),
        Take(3, 100, date(2025, 1, 1), "expire"),
    ]
    rate = breakage_rate(lots, takes, date(2023, 12, 1), date(2024, 11, 30))
    assert rate == 90 / 150
    assert breakage_rate(lots, takes, date(2020, 1, 1), date(2020, 12, 31)) == 0.0


@given(histories(), days, days)
def test_breakage_is_a_rate(history, first, second):
    lots, takes, _lines = history
    rate = breakage_rate(lots, takes, min(first, second), max(first, second))
    assert 0.0 <= rate <= 1.0


@given(st.floats(0, 1e9), st.floats(-1, 2))
def test_net_liability_is_within_the_gross(worth, rate):
    assert 0.0 <= net_liability(worth, rate) <= worth


def test_net_liability_takes_off_expected_breakage():
    assert net_liability(1000.0, 0.25) == 750.0


def _lot(lot_id, points, posted, available=None, expiry=None):
    return Lot(lot_id, points, available or posted, expiry, posted)


def test_replay_takes_oldest_spendable_lots_first():
    lots = [
        _lot(1, 100, date(2024, 1, 1)),
        _lot(2, 100, date(2024, 1, 5), available=date(2024, 3, 1)),
        _lot(3, 100, date(2024, 1, 10)),
    ]
    lines = [
        (4, -150, None, date(2024, 2, 1)),  # lot 2 is still pending
        (5, -20, 2, date(2024, 6, 1)),  # an expiry naming its lot
        (6, -80, None, date(2024, 6, 2)),
    ]
    takes, adjusted = replay_takes(lines, lots, {1: 100, 2: 100, 3: 50})
    assert not adjusted
    assert takes == [
        (4, 1, 100),
        (4, 3, 50),
        (5, 2, 20),
        (6, 2, 80),
    ]


def test_replay_that_disagrees_with_the_ledger_is_adjusted():
    lots = [_lot(1, 100, date(2024, 1, 1)), _lot(2, 100, date(2024, 1, 2))]
    lines = [(3, -100, None, date(2024, 2, 1))]
    # The ledger says lot 2 gave them (a spend the replay cannot explain).
    takes, adjusted = replay_takes(lines, lots, {2: 100})
    assert adjusted
    assert takes == [(3, 2, 100)]
