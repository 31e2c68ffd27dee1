"""Earning rules: who earns what more, on which services, and when.

A rule gives points on top of the base earning (the bill's money times the
earning rate): a multiplier on the base points of the lines it applies to, or
a flat bonus per line, per unit or per bill. It applies only to its audience,
within its dates, weekdays and hours (the clinic's local time), never more than
what is left of its cap for the patient in its period; rules that take the best
one compete and only the one that gives most applies, rules that add up all
apply. Whole points, rounded down, per rule.
"""

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

_NOISE_DIGITS = 6

EFFECTS = ("multiplier", "per_line", "per_unit", "per_bill")
AUDIENCES = ("all", "tiers", "tags", "patients", "first_visit")
CAP_PERIODS = ("bill", "day", "week", "month", "year", "ever")
COMBINATIONS = ("add", "best")

# What a rule may say, and the most one rule gives one bill: a rule saved
# before these bounds, or a bill of a great many units, gives no more, and a
# ledger line's points stay far within what the ledger's integers hold.
MAX_MULTIPLIER = 10.0
MAX_BONUS_POINTS = 100_000
MAX_CAP_POINTS = 10_000_000
MAX_AWARD_POINTS = 10_000_000


@dataclass(frozen=True)
class EarningRule:
    """A rule as the engine reads it: plain values; its categories as their
    ``parent_path`` ("1/4/"), which the paths of the categories below start
    with."""

    id: int
    name: str
    effect: str
    factor: float
    sequence: int = 10
    product_ids: frozenset = field(default_factory=frozenset)
    categ_paths: tuple = ()
    audience: str = "all"
    tier_ids: frozenset = field(default_factory=frozenset)
    tag_ids: frozenset = field(default_factory=frozenset)
    partner_ids: frozenset = field(default_factory=frozenset)
    date_from: date | None = None
    date_to: date | None = None
    weekdays: frozenset = field(default_factory=frozenset)
    hour_from: float = 0.0
    hour_to: float = 0.0
    tier_multiplied: bool = True
    cap_points: int = 0
    cap_period: str = "bill"
    combination: str = "add"

    def __post_init__(self):
        if self.effect not in EFFECTS:
            raise ValueError(f"unknown effect {self.effect!r}")
        if self.audience not in AUDIENCES:
            raise ValueError(f"unknown audience {self.audience!r}")
        if self.cap_period not in CAP_PERIODS:
            raise ValueError(f"unknown cap period {self.cap_period!r}")
        if self.combination not in COMBINATIONS:
            raise ValueError(f"unknown combination {self.combination!r}")
        if self.effect == "multiplier" and self.factor < 1:
            raise ValueError(f"a multiplier is 1 or more, got {self.factor}")
        if self.factor < 0 or self.cap_points < 0:
            raise ValueError("a rule gives no negative points")


@dataclass(frozen=True)
class RulePatient:
    """Who the sale is for, as the rules' audiences read it."""

    partner_id: int
    tier_id: int | None = None
    tag_ids: frozenset = field(default_factory=frozenset)
    first_visit: bool = False


@dataclass(frozen=True)
class RuleLine:
    """A sold line as the rules read it; the amounts as :class:`SaleLine`'s."""

    product_id: int
    categ_path: str
    quantity: float
    list_amount: float
    paid_amount: float


@dataclass(frozen=True)
class RuleAward:
    """What one rule gives a bill: whole ``points``, and the ``basis`` its
    factor applied to (the base points of its lines for a multiplier; the
    units, lines or bill paid with money for a bonus), kept so that the
    integrity check recomputes the points from the ledger alone."""

    rule: EarningRule
    points: int
    basis: float


def in_scope(rule: EarningRule, line: RuleLine) -> bool:
    """Whether ``rule`` applies to ``line``: every line when it names no
    service nor category; else a line of its services, or of a product in its
    categories or below them."""
    if not rule.product_ids and not rule.categ_paths:
        return True
    if line.product_id in rule.product_ids:
        return True
    return any(line.categ_path.startswith(path) for path in rule.categ_paths if path)


def _in_hours(rule: EarningRule, when: datetime) -> bool:
    if not rule.hour_from and not rule.hour_to:
        return True
    hour = when.hour + when.minute / 60 + when.second / 3600
    if rule.hour_from <= rule.hour_to:
        return rule.hour_from <= hour < rule.hour_to
    # Hours across midnight: 20:00 to 02:00.
    return hour >= rule.hour_from or hour < rule.hour_to


def in_period(rule: EarningRule, when: datetime) -> bool:
    """Whether ``when`` (the sale's time in the clinic's time zone, naive)
    falls within the rule's dates (both days included), weekdays (none: every
    day; 0 is Monday) and hours (``hour_from`` included, ``hour_to`` not; none:
    all day)."""
    day = when.date()
    if rule.date_from and day < rule.date_from:
        return False
    if rule.date_to and day > rule.date_to:
        return False
    if rule.weekdays and day.weekday() not in rule.weekdays:
        return False
    return _in_hours(rule, when)


def in_audience(rule: EarningRule, patient: RulePatient) -> bool:
    """Whether ``patient`` is among those the rule is for."""
    if rule.audience == "tiers":
        return patient.tier_id in rule.tier_ids
    if rule.audience == "tags":
        return bool(patient.tag_ids & rule.tag_ids)
    if rule.audience == "patients":
        return patient.partner_id in rule.partner_ids
    if rule.audience == "first_visit":
        return patient.first_visit
    return True


def cap_window(period: str, day: date) -> tuple[date | None, date | None]:
    """The first and last day of the cap's period that holds ``day``: (None,
    None) for a cap over the rule's whole life; for a cap per bill, the
    caller counts nothing before the bill."""
    if period == "day":
        return day, day
    if period == "week":
        monday = day - timedelta(days=day.weekday())
        return monday, monday + timedelta(days=6)
    if period == "month":
        first = day.replace(day=1)
        following = (first + timedelta(days=32)).replace(day=1)
        return first, following - timedelta(days=1)
    if period == "year":
        return day.replace(month=1, day=1), day.replace(month=12, day=31)
    return None, None


def _paid_share(line: RuleLine) -> float:
    if line.list_amount <= 0:
        return 0.0
    return min(max(line.paid_amount / line.list_amount, 0.0), 1.0)


def rule_basis(
    rule: EarningRule, lines: Iterable[RuleLine], share: float, rate: float
) -> float:
    """What the rule's factor applies to on the bill, on what money paid of
    it (``share``, from 0 to 1): the base points of its lines for a
    multiplier, the units, lines or the bill of its services for a bonus. A
    line given away, returned or of no price gives nothing. A line counts at
    most once and at most its quantity for a bonus per line: ten lines of a
    tenth of a service are one service's line, not ten."""
    share = min(max(share, 0.0), 1.0)
    scoped = [
        line
        for line in lines
        if line.quantity > 0 and line.list_amount > 0 and in_scope(rule, line)
    ]
    if rule.effect == "multiplier":
        basis = sum(max(line.paid_amount, 0.0) for line in scoped) * rate
    elif rule.effect == "per_unit":
        basis = sum(line.quantity * _paid_share(line) for line in scoped)
    elif rule.effect == "per_line":
        basis = sum(min(line.quantity, 1.0) * _paid_share(line) for line in scoped)
    else:  # per_bill: once, on what money paid of its services
        listed = sum(line.list_amount for line in scoped)
        paid = sum(min(max(line.paid_amount, 0.0), line.list_amount) for line in scoped)
        basis = paid / listed if listed > 0 else 0.0
    return round(basis * share, _NOISE_DIGITS)


def line_weight(effect: str, line: RuleLine, value: float) -> float:
    """What ``line`` counted in the basis of a rule of ``effect`` that gave on
    it, for taking the rule's points back with the line: its ``value`` in the
    sale (what was paid for it) for a multiplier or a bonus per bill, its
    units for a bonus per unit, the line itself for a bonus per line, both
    times what money paid of the line (``rule_basis``): a bonus per unit gave
    as much on a cheap unit as on a dear one, and goes back so."""
    if effect == "per_unit":
        return max(line.quantity, 0.0) * _paid_share(line)
    if effect == "per_line":
        return min(max(line.quantity, 0.0), 1.0) * _paid_share(line)
    return max(value, 0.0)


def returned_share(
    effect: str, lines: Iterable[tuple[RuleLine, float, float]]
) -> tuple[float, float]:
    """(returned, whole) of what a rule of ``effect`` counted on its ``lines``
    (``(line as sold, its value in the sale, quantity returned of it)``):
    ``returned / whole`` is the share of the rule's points that go back. Each
    line weighs ``line_weight``; when they all weigh nothing, each counts as
    one. A line returns at most its quantity, and nothing for a negative
    return."""
    lines = [line for line in lines if line[0].quantity > 0]
    weights = [line_weight(effect, line, value) for line, value, _returned in lines]
    if not sum(weights):
        weights = [1.0] * len(lines)
    returned = sum(
        weight * min(max(back / line.quantity, 0.0), 1.0)
        for weight, (line, _value, back) in zip(weights, lines, strict=True)
    )
    return returned, sum(weights)


def bounded_factor(effect: str, factor: float) -> float:
    """``factor`` within what a rule of ``effect`` may say: a multiplier from
    1 to :data:`MAX_MULTIPLIER`, a bonus from 0 to :data:`MAX_BONUS_POINTS`;
    a value that is no number gives nothing."""
    if effect == "multiplier":
        low, high = 1.0, MAX_MULTIPLIER
    else:
        low, high = 0.0, float(MAX_BONUS_POINTS)
    if math.isnan(factor):
        return low
    return min(max(factor, low), high)


def rule_points(rule: EarningRule, basis: float, tier_multiplier: float) -> float:
    """The points the rule gives on ``basis``, before its cap: for a
    multiplier, what it adds to the base points (x2 adds them once more);
    times the tier's multiplier unless the rule says not. Not rounded. A
    factor beyond what a rule may say counts as the most it may."""
    factor = bounded_factor(rule.effect, rule.factor)
    if rule.effect == "multiplier":
        factor -= 1
    if rule.tier_multiplied:
        factor *= max(tier_multiplier, 0.0)
    return round(max(basis, 0.0) * max(factor, 0.0), _NOISE_DIGITS)


def whole_points(points: float) -> int:
    if math.isnan(points):
        return 0
    return max(0, math.floor(round(points, _NOISE_DIGITS)))


def award_rules(
    rules: Iterable[EarningRule],
    lines: Iterable[RuleLine],
    *,
    patient: RulePatient,
    when: datetime,
    share: float,
    rate: float,
    tier_multiplier: float,
    used: Mapping[int, int] | None = None,
) -> list[RuleAward]:
    """What the ``rules`` give a bill of ``lines`` for ``patient`` at
    ``when`` (the clinic's local time), of which money paid ``share``;
    ``used`` the points each capped rule already gave the patient in its
    period. In the rules' order (sequence, then id); only those that give
    points. Of the rules that take the best one, only the one that gives most
    (the first in order on a tie) applies; the others add up. No rule gives
    one bill more than :data:`MAX_AWARD_POINTS`."""
    lines = list(lines)
    used = used or {}
    awards = []
    for rule in sorted(rules, key=lambda rule: (rule.sequence, rule.id)):
        if not (in_audience(rule, patient) and in_period(rule, when)):
            continue
        basis = rule_basis(rule, lines, share, rate)
        points = rule_points(rule, basis, tier_multiplier)
        points = whole_points(min(points, MAX_AWARD_POINTS))
        if rule.cap_points:
            left = rule.cap_points
            if rule.cap_period != "bill":
                left -= max(used.get(rule.id, 0), 0)
            points = min(points, max(left, 0))
        if points > 0:
            awards.append(RuleAward(rule=rule, points=points, basis=basis))
    best = [award for award in awards if award.rule.combination == "best"]
    if len(best) > 1:
        # max() keeps the first of equals: the first in order wins a tie.
        winner = max(best, key=lambda award: award.points)
        awards = [
            award
            for award in awards
            if award.rule.combination != "best" or award is winner
        ]
    return awards
