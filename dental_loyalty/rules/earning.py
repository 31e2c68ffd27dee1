"""Points earned on a bill, and what points can pay of a bill."""

import math

# Six decimals are far below a point or a cent and far above float noise:
# 2.3 * 100 is 229.99999999999997 and 0.07 / 0.01 is 7.000000000000001.
_NOISE_DIGITS = 6


def _check_not_negative(name: str, value: float) -> None:
    if value < 0:
        raise ValueError(f"{name} must not be negative, got {value}")


def eligible_amount(
    paid_total: float, paid_with_points: float, reward_discounts: float
) -> float:
    """The part of a bill that earns points: not what points or rewards covered."""
    return max(0.0, paid_total - paid_with_points - reward_discounts)


def earned_points(
    eligible: float, rate: float, bonus_points: int, multiplier: float
) -> int:
    """Points per currency unit plus per-product bonus, times the tier multiplier;
    whole points only, rounded down."""
    _check_not_negative("rate", rate)
    _check_not_negative("multiplier", multiplier)
    points = (eligible * rate + bonus_points) * multiplier
    return max(0, math.floor(round(points, _NOISE_DIGITS)))


def max_points_payment(
    spendable_points: int,
    point_value: float,
    bill_total: float,
    max_share_percent: float,
    rounding: float = 0.01,
) -> float:
    """The most of a bill that points may pay: capped by the balance's worth and
    by the share of the bill allowed, rounded down to ``rounding``."""
    _check_not_negative("point_value", point_value)
    if rounding <= 0:
        raise ValueError(f"rounding must be positive, got {rounding}")
    if bill_total <= 0:
        return 0.0
    cap = min(spendable_points * point_value, bill_total * max_share_percent / 100)
    if cap <= 0:
        return 0.0
    steps = math.floor(round(cap / rounding, _NOISE_DIGITS))
    # Round the product so that 7 * 0.1 comes back as 0.7, not 0.7000000000000001.
    decimals = max(0, -math.floor(math.log10(rounding))) + _NOISE_DIGITS
    return round(steps * rounding, decimals)


def points_for_amount(amount: float, point_value: float) -> int:
    """The points needed to pay ``amount``, rounded up so the points always cover
    it; a negative amount (a refund) gives the same count, negative."""
    if point_value <= 0:
        raise ValueError(f"point_value must be positive, got {point_value}")
    points = math.ceil(round(abs(amount) / point_value, _NOISE_DIGITS))
    return points if amount >= 0 else -points


def proportional_points(points: int, part: float, whole: float) -> int:
    """The share of ``points`` that ``part`` is of ``whole``, rounded half up,
    never more than ``points`` and with its sign (a partial refund takes back
    the refunded share of what the order earned or spent)."""
    if whole == 0:
        return 0
    # Refund amounts come negative against a positive order: the share is a size.
    share = min(1.0, abs(part / whole))
    size = math.floor(round(abs(points) * share, _NOISE_DIGITS) + 0.5)
    return size if points >= 0 else -size
