"""Dates of a lot's life, of the tier window and of yearly celebrations."""

import calendar
from datetime import date, timedelta


def _shift_months(day: date, months: int) -> date:
    """``day`` moved by ``months`` calendar months (either way); a day the target
    month lacks becomes its last day, so Jan 31 + 1 month is Feb 28 (or 29)."""
    month_index = day.year * 12 + day.month - 1 + months
    year, month = divmod(month_index, 12)
    last_day = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last_day))


def _check_not_negative(name: str, value: int) -> None:
    if value < 0:
        raise ValueError(f"{name} must not be negative, got {value}")


def available_date(posted: date, waiting_days: int) -> date:
    """The day a lot posted on ``posted`` becomes spendable."""
    _check_not_negative("waiting_days", waiting_days)
    return posted + timedelta(days=waiting_days)


def expiry_date(posted: date, validity_months: int) -> date | None:
    """The day a lot posted on ``posted`` expires; None when it never does
    (``validity_months`` is 0)."""
    _check_not_negative("validity_months", validity_months)
    if validity_months == 0:
        return None
    return _shift_months(posted, validity_months)


def window_start(today: date, months: int) -> date:
    """The first day of the rolling window of ``months`` months ending today."""
    _check_not_negative("months", months)
    return _shift_months(today, -months)


def celebration_days(
    last_covered: date | None, today: date, catch_up_days: int
) -> list[date]:
    """The days a yearly job celebrates on ``today``: those after
    ``last_covered`` (the last day it went through to the end), at most
    ``catch_up_days`` back, and always today itself (a date entered after the
    day's run is still celebrated by a later run that day)."""
    _check_not_negative("catch_up_days", catch_up_days)
    first = today
    if last_covered is not None and last_covered < today:
        first = max(last_covered + timedelta(days=1), today - timedelta(catch_up_days))
    return [first + timedelta(days=n) for n in range((today - first).days + 1)]


def yearly_keys(days) -> dict[str, date]:
    """``{"MM-DD": day}``: the month and day of the yearly dates celebrated on
    each of ``days``; Feb 29 joins Feb 28 in a year without one."""
    keys = {}
    for day in days:
        keys[day.strftime("%m-%d")] = day
        if (day.month, day.day) == (2, 28) and not calendar.isleap(day.year):
            keys["02-29"] = day
    return keys
