from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dental_loyalty.rules import (
    available_date,
    celebration_days,
    expiry_date,
    window_start,
    yearly_keys,
)

days = st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31))
months = st.integers(min_value=0, max_value=240)


def test_available_date_adds_days_across_month_and_year():
    assert available_date(date(2024, 12, 25), 10) == date(2025, 1, 4)


def test_available_date_without_waiting_is_the_posting_day():
    assert available_date(date(2024, 3, 1), 0) == date(2024, 3, 1)


def test_available_date_refuses_negative_waiting():
    with pytest.raises(ValueError):
        available_date(date(2024, 3, 1), -1)


def test_expiry_date_zero_months_never_expires():
    assert expiry_date(date(2024, 3, 1), 0) is None


@pytest.mark.parametrize(
    ("posted", "validity_months", "expected"),
    [
        (date(2024, 3, 15), 1, date(2024, 4, 15)),
        (date(2024, 11, 30), 3, date(2025, 2, 28)),
        (date(2023, 1, 31), 1, date(2023, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),  # leap year
        (date(2024, 2, 29), 12, date(2025, 2, 28)),  # leap day, next year is not
        (date(2024, 2, 29), 48, date(2028, 2, 29)),
        (date(2024, 8, 31), 1, date(2024, 9, 30)),
        (date(2024, 12, 31), 12, date(2025, 12, 31)),
        (date(2024, 12, 15), 1, date(2025, 1, 15)),
    ],
)
def test_expiry_date_adds_calendar_months_clamped(posted, validity_months, expected):
    assert expiry_date(posted, validity_months) == expected


def test_expiry_date_refuses_negative_validity():
    with pytest.raises(ValueError):
        expiry_date(date(2024, 3, 1), -1)


@pytest.mark.parametrize(
    ("today", "window_months", "expected"),
    [
        (date(2024, 6, 15), 12, date(2023, 6, 15)),
        (date(2024, 3, 31), 1, date(2024, 2, 29)),  # leap year
        (date(2023, 3, 31), 1, date(2023, 2, 28)),
        (date(2024, 1, 10), 1, date(2023, 12, 10)),
        (date(2024, 2, 29), 12, date(2023, 2, 28)),
        (date(2024, 5, 31), 3, date(2024, 2, 29)),
        (date(2024, 5, 20), 0, date(2024, 5, 20)),
    ],
)
def test_window_start_goes_back_calendar_months_clamped(today, window_months, expected):
    assert window_start(today, window_months) == expected


def test_window_start_refuses_negative_months():
    with pytest.raises(ValueError):
        window_start(date(2024, 3, 1), -3)


@given(days, st.integers(min_value=0, max_value=10_000))
def test_available_date_is_exactly_the_waiting_days_later(posted, waiting_days):
    assert (available_date(posted, waiting_days) - posted).days == waiting_days


@given(days, st.integers(min_value=1, max_value=240))
def test_expiry_date_lands_n_months_later_on_the_same_or_last_day(posted, n):
    expiry = expiry_date(posted, n)
    assert (expiry.year - posted.year) * 12 + expiry.month - posted.month == n
    if expiry.day != posted.day:
        # Only a day the target month lacks moves, and only to its last day.
        assert expiry.day < posted.day
        assert (expiry + timedelta(days=1)).month != expiry.month


@given(days, months)
def test_window_start_lands_n_months_earlier_never_after_today(today, n):
    start = window_start(today, n)
    assert (today.year - start.year) * 12 + today.month - start.month == n
    assert start <= today
    assert start.day == today.day or (start + timedelta(days=1)).month != start.month


def test_celebration_days_first_run_is_today_only():
    assert celebration_days(None, date(2026, 3, 14), 30) == [date(2026, 3, 14)]


def test_celebration_days_after_a_full_run_is_today_again():
    today = date(2026, 3, 14)
    assert celebration_days(today, today, 30) == [today]
    assert celebration_days(today + timedelta(days=3), today, 30) == [today]


def test_celebration_days_catch_up_the_missed_days():
    assert celebration_days(date(2026, 3, 11), date(2026, 3, 14), 30) == [
        date(2026, 3, 12),
        date(2026, 3, 13),
        date(2026, 3, 14),
    ]


def test_celebration_days_catch_up_is_capped():
    days = celebration_days(date(2025, 1, 1), date(2026, 3, 14), 30)
    assert days[0] == date(2026, 2, 12)
    assert days[-1] == date(2026, 3, 14)
    assert len(days) == 31


def test_celebration_days_refuses_a_negative_cap():
    with pytest.raises(ValueError):
        celebration_days(None, date(2026, 3, 14), -1)


@given(last=days, today=days, cap=st.integers(min_value=0, max_value=60))
def test_celebration_days_are_consecutive_and_end_today(last, today, cap):
    covered = celebration_days(last, today, cap)
    assert covered[-1] == today
    assert len(covered) <= cap + 1
    assert all(
        later - earlier == timedelta(days=1)
        for earlier, later in zip(covered, covered[1:], strict=False)
    )
    assert covered == [today] or covered[0] > last


def test_yearly_keys_feb_29_on_feb_28_of_a_common_year():
    assert yearly_keys([date(2026, 2, 28)]) == {
        "02-28": date(2026, 2, 28),
        "02-29": date(2026, 2, 28),
    }
    assert yearly_keys([date(2028, 2, 28), date(2028, 2, 29)]) == {
        "02-28": date(2028, 2, 28),
        "02-29": date(2028, 2, 29),
    }


def test_yearly_keys_across_the_new_year():
    keys = yearly_keys([date(2025, 12, 31), date(2026, 1, 1)])
    assert keys == {"12-31": date(2025, 12, 31), "01-01": date(2026, 1, 1)}
