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
from .earning_rules import (
    EarningRule,
    RuleAward,
    RuleLine,
    RulePatient,
    award_rules,
    cap_window,
    in_audience,
    in_period,
    in_scope,
    rule_basis,
    rule_points,
    whole_points,
)
from .earning import (
    earned_points,
    eligible_amount,
    max_points_payment,
    points_for_amount,
    proportional_points,
)
from .liability import (
    HeldLot,
    Outstanding,
    Take,
    breakage_rate,
    by_expiry_month,
    net_liability,
    outstanding_lots,
    outstanding_totals,
    replay_takes,
)
from .lots import (
    InsufficientPoints,
    Lot,
    consume_fifo,
    expiring_lots,
    spendable_less_holds,
    spendable_points,
)
from .payment import points_payment_standing
from .recall import is_recall_on_time
from .settlement import (
    SaleLine,
    bonus_points,
    cumulative_refund_share,
    money_share,
    refund_money_cap,
    sale_line,
    take_back_from_lots,
)
from .tiers import (
    Tier,
    downgrade_allowed,
    evaluate_tier,
    ladder_conflicts,
    near_next_tier,
    next_tier,
)
from .vouchers import voucher_discount

__all__ = [
    "EarningRule",
    "HeldLot",
    "InsufficientPoints",
    "Lot",
    "Outstanding",
    "RuleAward",
    "RuleLine",
    "RulePatient",
    "SaleLine",
    "Take",
    "Tier",
    "available_date",
    "award_rules",
    "bonus_points",
    "breakage_rate",
    "by_expiry_month",
    "cap_window",
    "celebration_days",
    "consume_fifo",
    "cumulative_refund_share",
    "downgrade_allowed",
    "earned_points",
    "eligible_amount",
    "evaluate_tier",
    "expiring_lots",
    "expiry_date",
    "in_audience",
    "in_period",
    "in_scope",
    "is_recall_on_time",
    "ladder_conflicts",
    "max_points_payment",
    "money_share",
    "near_next_tier",
    "net_liability",
    "next_tier",
    "outstanding_lots",
    "outstanding_totals",
    "points_for_amount",
    "points_payment_standing",
    "proportional_points",
    "refund_money_cap",
    "replay_takes",
    "rule_basis",
    "rule_points",
    "sale_line",
    "spendable_less_holds",
    "spendable_points",
    "take_back_from_lots",
    "voucher_discount",
    "whole_points",
    "window_start",
    "yearly_keys",
]
