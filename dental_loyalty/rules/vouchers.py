"""Using a voucher on a bill: how much of the bill it may take off."""


def voucher_discount(
    bill_total: float,
    covered: float,
    max_coverage: float,
    *,
    amount: float | None = None,
    percent: float = 0.0,
    scope_total: float | None = None,
) -> float:
    """The most a voucher takes off a bill of ``bill_total`` of which other
    vouchers already cover ``covered``: its fixed ``amount``, or else
    ``percent`` of what it applies to, within ``max_coverage`` percent of it
    and what the other vouchers left of the bill; never below zero.

    What it applies to is the whole bill, or with ``scope_total`` the bill's
    lines in the reward's scope (services, categories): never more than those
    lines, nor than the bill. What the other vouchers cover counts against the
    scope too (they may have taken it off these very lines): a scoped voucher
    is priced on what they left of its lines, so the vouchers of one bill never
    take more off a scope than its lines cost. A refund bill (below zero)
    counts as empty. Not rounded: the caller rounds to its currency."""
    bill_total = max(bill_total, 0.0)
    if scope_total is None:
        base = bill_total
    else:
        left = max(scope_total, 0.0) - max(covered, 0.0)
        base = min(max(left, 0.0), bill_total)
    value = amount if amount is not None else base * percent / 100
    cap = base * max_coverage / 100
    return max(min(value, cap, base, bill_total - covered), 0.0)
