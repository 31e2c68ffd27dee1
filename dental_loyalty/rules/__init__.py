"""The arithmetic of the loyalty programme: dates, lots, earning, caps, tiers and
vouchers.

Plain Python on purpose: no ``odoo`` import, so it runs under pytest without a
database. The models feed it plain values and write back what it returns.
"""

from .dates import (
    available_date,
    celebration_days,
    expiry_date,
    window_start,
    yearly_keys,
)
from .earning import (
    earned_points,
    eligible_amount,
    max_points_payment,
    points_for_amount,
    proportional_points,
)
from .lots import (
    InsufficientPoints,
    Lot,
    consume_fifo,
    expiring_lots,
    fifo_order,
    is_spendable,
    spendable_less_holds,
    spendable_points,
)
from .recall import is_recall_on_time, recall_window
from .settlement import (
    RefundShare,
    SaleLine,
    bonus_points,
    cumulative_refund_share,
    money_share,
    refund_money_cap,
    refund_share,
    sale_line,
)
from .tiers import (
    Tier,
    downgrade_allowed,
    evaluate_tier,
    ladder_conflicts,
    near_next_tier,
    next_tier,
    qualifying_tier,
)
from .vouchers import voucher_discount

__all__ = [
    "InsufficientPoints",
    "Lot",
    "RefundShare",
    "SaleLine",
    "Tier",
    "available_date",
    "bonus_points",
    "celebration_days",
    "consume_fifo",
    "cumulative_refund_share",
    "downgrade_allowed",
    "earned_points",
    "eligible_amount",
    "evaluate_tier",
    "expiring_lots",
    "expiry_date",
    "fifo_order",
    "is_recall_on_time",
    "is_spendable",
    "ladder_conflicts",
    "max_points_payment",
    "money_share",
    "near_next_tier",
    "next_tier",
    "points_for_amount",
    "proportional_points",
    "qualifying_tier",
    "recall_window",
    "refund_money_cap",
    "refund_share",
    "sale_line",
    "spendable_less_holds",
    "spendable_points",
    "voucher_discount",
    "window_start",
    "yearly_keys",
]
