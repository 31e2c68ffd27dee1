from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dental_loyalty.rules import is_recall_on_time
from dental_loyalty.rules.recall import _recall_window

days = st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31))


def test_window_is_the_interval_give_or_take_the_margin():
    assert _recall_window(date(2026, 1, 15), 6, 30) == (
        date(2026, 6, 15),
        date(2026, 8, 14),
    )


def test_window_of_a_month_end_keeps_to_the_shorter_month():
    assert _recall_window(date(2025, 8, 31), 6, 0) == (
        date(2026, 2, 28),
        date(2026, 2, 28),
    )


@pytest.mark.parametrize(
    ("visit", "on_time"),
    [
        (date(2026, 6, 14), False),  # a day early
        (date(2026, 6, 15), True),  # the first day
        (date(2026, 7, 15), True),  # the day it was due
        (date(2026, 8, 14), True),  # the last day
        (date(2026, 8, 15), False),  # a day late
    ],
)
def test_on_time_within_the_bounds_included(visit, on_time):
    assert is_recall_on_time(date(2026, 1, 15), visit, 6, 30) is on_time


def test_the_first_visit_is_no_recall():
    assert is_recall_on_time(None, date(2026, 1, 15), 6, 30) is False


def test_bad_settings_are_refused():
    with pytest.raises(ValueError):
        _recall_window(date(2026, 1, 15), 0, 30)
    with pytest.raises(ValueError):
        _recall_window(date(2026, 1, 15), 6, -1)


@given(last=days, months=st.integers(1, 36), margin=st.integers(0, 27))
def test_the_window_follows_the_last_visit(last, months, margin):
    first, end = _recall_window(last, months, margin)
    assert last < first <= end
    assert (end - first) == timedelta(days=2 * margin)
    assert is_recall_on_time(last, first, months, margin)
    assert not is_recall_on_time(last, end + timedelta(days=1), months, margin)
