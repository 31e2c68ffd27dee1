"""Recall visits: a service the patient should come back for after an interval,
rewarded when they come back on time."""

from datetime import date, timedelta

from .dates import _shift_months


def _recall_window(last_visit: date, interval_months: int, margin_days: int):
    """The first and last day of a visit on time: the interval after the last
    visit, give or take the margin."""
    if interval_months < 1:
        raise ValueError(f"interval_months must be at least 1, got {interval_months}")
    if margin_days < 0:
        raise ValueError(f"margin_days must not be negative, got {margin_days}")
    due = _shift_months(last_visit, interval_months)
    return due - timedelta(days=margin_days), due + timedelta(days=margin_days)


def is_recall_on_time(
    last_visit: date | None, visit: date, interval_months: int, margin_days: int
) -> bool:
    """Whether ``visit`` comes back on time after ``last_visit``; the first visit
    (no last one) is not a recall."""
    if last_visit is None:
        return False
    first, last = _recall_window(last_visit, interval_months, margin_days)
    return first <= visit <= last
