"""Paying a bill with points: whether a payment stands, within the cap or
within a hold the server granted for that very bill."""


def _compare(value: float, other: float, rounding: float) -> int:
    """-1, 0 or 1 as ``value`` is below, at or above ``other`` once both are
    rounded to ``rounding`` (a currency's smallest coin)."""
    delta = (value - other) / rounding
    if abs(delta) < 0.5:
        return 0
    return 1 if delta > 0 else -1


def points_payment_standing(
    amount: float,
    max_amount: float,
    *,
    rounding: float,
    bill_total: float = 0.0,
    hold: tuple[float, float] | None = None,
) -> str | None:
    """Whether a points payment of ``amount`` stands: ``"cap"`` within
    ``max_amount`` (the most the spendable points and the share of the bill
    allow), ``"hold"`` beyond it but within the hold the server granted for this
    very bill (``hold``: the ``(amount, bill_total)`` it was granted for: the
    same total, no more than that amount), ``None`` when it is refused."""
    if rounding <= 0:
        raise ValueError(f"rounding must be positive, got {rounding}")
    if _compare(amount, max_amount, rounding) <= 0:
        return "cap"
    if hold is not None:
        held_amount, held_bill_total = hold
        if (
            _compare(held_bill_total, bill_total, rounding) == 0
            and _compare(amount, held_amount, rounding) <= 0
        ):
            return "hold"
    return None
