"""The tier ladder: which tier a qualifying figure reaches, and what is missing."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import combinations

# Figures are sums of amounts: 299.99999999999994 must reach a 300 threshold.
_NOISE_DIGITS = 6


@dataclass(frozen=True)
class Tier:
    id: int
    sequence: int
    threshold: float


def _ladder(tiers: Iterable[Tier]) -> list[Tier]:
    """Lowest threshold first; sequence and id only make ties deterministic."""
    return sorted(tiers, key=lambda tier: (tier.threshold, tier.sequence, tier.id))


def ladder_conflicts(tiers: Iterable[Tier]) -> list[tuple[Tier, Tier]]:
    """Pairs of tiers that make the ladder ambiguous: equal thresholds, or a tier
    placed before another (lower sequence) while asking for more."""
    ordered = sorted(tiers, key=lambda tier: (tier.sequence, tier.threshold, tier.id))
    return [
        (first, second)
        for first, second in combinations(ordered, 2)
        if first.threshold == second.threshold
        or (first.sequence < second.sequence and first.threshold > second.threshold)
    ]


def _qualifying_tier(tiers: Iterable[Tier], figure: float) -> Tier | None:
    """The highest tier whose threshold the figure reaches; None below them all."""
    figure = round(figure, _NOISE_DIGITS)
    reached = [tier for tier in _ladder(tiers) if tier.threshold <= figure]
    return reached[-1] if reached else None


def next_tier(tiers: Iterable[Tier], figure: float) -> tuple[Tier, float] | None:
    """The lowest tier above the figure and how much is missing to reach it;
    None at the top of the ladder."""
    figure = round(figure, _NOISE_DIGITS)
    for tier in _ladder(tiers):
        if tier.threshold > figure:
            return tier, round(tier.threshold - figure, _NOISE_DIGITS)
    return None


def evaluate_tier(
    tiers: Iterable[Tier], figure: float, current_id: int | None, allow_downgrade: bool
) -> int | None:
    """The id of the tier the patient should hold: the one the figure reaches,
    unless downgrades are not allowed and the current tier is higher."""
    tiers = list(tiers)
    qualifying = _qualifying_tier(tiers, figure)
    # An id missing from the ladder (a deleted tier, or Odoo's False) counts as none.
    current = next((tier for tier in tiers if tier.id == current_id), None)
    if (
        not allow_downgrade
        and current is not None
        and (qualifying is None or current.threshold > qualifying.threshold)
    ):
        return current.id
    return qualifying.id if qualifying else None


def near_next_tier(
    tiers: Iterable[Tier], figure: float, current_id: int | None, share_percent: float
) -> tuple[Tier, float] | None:
    """The next tier and what is missing to reach it, when the figure is within
    ``share_percent`` % of its threshold; None otherwise or at the top.

    The next tier is the lowest one above both the figure and the tier held (a
    tier kept through a grace period may be above what the figure reaches)."""
    if not 0 <= share_percent <= 100:
        raise ValueError(f"share_percent must be within 0 and 100, got {share_percent}")
    tiers = list(tiers)
    current = next((tier for tier in tiers if tier.id == current_id), None)
    above = [
        tier for tier in tiers if current is None or tier.threshold > current.threshold
    ]
    step = next_tier(above, figure)
    if step is None:
        return None
    tier, missing = step
    if missing <= round(tier.threshold * share_percent / 100, _NOISE_DIGITS):
        return step
    return None


def downgrade_allowed(tier_date: date | None, grace_days: int, today: date) -> bool:
    """A tier may be taken away once ``grace_days`` have passed since it was
    reached; a tier without a date has no grace."""
    if grace_days < 0:
        raise ValueError(f"grace_days must not be negative, got {grace_days}")
    return tier_date is None or tier_date + timedelta(days=grace_days) <= today
