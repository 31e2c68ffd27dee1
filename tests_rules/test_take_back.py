import pytest
from hypothesis import given
from hypothesis import strategies as st

from dental_loyalty.rules import take_back_from_lots

# take_back_from_lots


def test_the_lot_that_gave_the_points_gives_them_back_first():
    assert take_back_from_lots(60, [(100, True)], free=100) == ([60], 0, 0)


def test_spent_points_come_from_the_other_spendable_points():
    # The lot has 20 left; 40 more come from the wallet's other points.
    assert take_back_from_lots(60, [(20, True)], free=100) == ([20], 40, 0)


def test_pending_points_are_taken_whatever_is_held():
    assert take_back_from_lots(50, [(50, False)], free=0) == ([50], 0, 0)


def test_points_a_register_holds_are_left_to_it():
    # 100 spendable, 70 held by a register: 30 free to take back.
    assert take_back_from_lots(60, [(100, True)], free=30) == ([30], 0, 30)


def test_a_lot_taken_from_leaves_less_free_for_the_next():
    assert take_back_from_lots(80, [(50, True), (50, True)], free=60) == (
        [50, 10],
        0,
        20,
    )


def test_points_gone_everywhere_are_missing():
    assert take_back_from_lots(40, [(0, True)], free=0) == ([0], 0, 40)


def test_nothing_to_take_back_takes_nothing():
    assert take_back_from_lots(0, [(10, True)], free=10) == ([0], 0, 0)


def test_a_negative_amount_is_refused():
    with pytest.raises(ValueError):
        take_back_from_lots(-1, [], free=0)


@given(
    points=st.integers(min_value=0, max_value=500),
    lots=st.lists(
        st.tuples(st.integers(min_value=0, max_value=200), st.booleans()), max_size=5
    ),
    free=st.integers(min_value=-10, max_value=500),
)
def test_what_is_taken_and_missing_adds_up(points, lots, free):
    taken, from_others, missing = take_back_from_lots(points, lots, free)
    assert len(taken) == len(lots)
    assert all(
        0 <= got <= remaining for got, (remaining, _) in zip(taken, lots, strict=True)
    )
    assert min(from_others, missing) >= 0
    assert sum(taken) + from_others + missing == points
    released_taken = sum(
        got for got, (_, released) in zip(taken, lots, strict=True) if released
    )
    assert released_taken + from_others <= max(free, 0)
