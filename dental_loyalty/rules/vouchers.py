"""Using a voucher on a bill: how much of the bill it may take off."""


def voucher_discount(
    bill_total: float,
    covered: float,
    max_coverage: float,
    *,
    amount: float | None = None,
    percent: float = 0.0,
) -> float:
    """The most a voucher takes off a bill of ``bill_total`` of which other
    vouchers already cover ``covered``: its fixed ``amount``, or else
    ``percent`` of the bill, within ``max_coverage`` percent of the bill and
    what the other vouchers left of it; never below zero. A refund bill (below
    zero) counts as empty. Not rounded: the caller rounds to its currency."""
    bill_total = max(bill_total, 0.0)
    value = amount if amount is not None else bill_total * percent / 100
    cap = bill_total * max_coverage / 100
    return max(min(value, cap, bill_total - covered), 0.0)
