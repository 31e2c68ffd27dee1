from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dental_loyalty.rules import (
    Tier,
    downgrade_allowed,
    evaluate_tier,
    ladder_conflicts,
    near_next_tier,
    next_tier,
)
from dental_loyalty.rules.tiers import _qualifying_tier

BRONZE = Tier(id=1, sequence=10, threshold=0.0)
SILVER = Tier(id=2, sequence=20, threshold=500.0)
GOLD = Tier(id=3, sequence=30, threshold=2000.0)
# Given out of order on purpose: nothing may depend on the order of the list.
LADDER = [GOLD, BRONZE, SILVER]


def figures():
    """Points, amounts or visits: whole cents at most."""
    return st.floats(min_value=-100, max_value=10_000, allow_nan=False).map(
        lambda figure: round(figure, 2)
    )


def ladders():
    """Sane ladders: distinct thresholds, sequences in the same order."""
    return st.lists(
        st.integers(min_value=0, max_value=5000), min_size=0, max_size=6, unique=True
    ).map(
        lambda thresholds: [
            Tier(id=index + 1, sequence=index * 10, threshold=float(threshold))
            for index, threshold in enumerate(sorted(thresholds))
        ]
    )


# ladder_conflicts


def test_sane_ladder_has_no_conflicts():
    assert ladder_conflicts(LADDER) == []


def test_empty_ladder_has_no_conflicts():
    assert ladder_conflicts([]) == []


def test_equal_thresholds_conflict():
    twin = Tier(id=4, sequence=25, threshold=500.0)
    assert ladder_conflicts([*LADDER, twin]) == [(SILVER, twin)]


def test_sequence_against_threshold_conflicts():
    platinum_first = Tier(id=4, sequence=5, threshold=5000.0)
    assert ladder_conflicts([*LADDER, platinum_first]) == [
        (platinum_first, BRONZE),
        (platinum_first, SILVER),
        (platinum_first, GOLD),
    ]


def test_same_sequence_different_thresholds_is_fine():
    # Ordered by threshold when the sequences tie, so there is nothing ambiguous.
    assert ladder_conflicts([BRONZE, Tier(id=4, sequence=10, threshold=50.0)]) == []


# _qualifying_tier / next_tier


@pytest.mark.parametrize(
    ("figure", "expected"),
    [
        (-1.0, None),
        (0.0, BRONZE),
        (499.99, BRONZE),
        (500.0, SILVER),
        (1999.0, SILVER),
        (2000.0, GOLD),
        (1e9, GOLD),
    ],
)
def test_qualifying_tier(figure, expected):
    assert _qualifying_tier(LADDER, figure) == expected


def test_qualifying_tier_float_noise_reaches_the_threshold():
    figure = sum([0.1] * 10) * 500  # 499.99999999999994
    assert figure < 500
    assert _qualifying_tier(LADDER, figure) == SILVER


def test_qualifying_tier_without_tiers():
    assert _qualifying_tier([], 100.0) is None


def test_next_tier_and_what_is_missing():
    assert next_tier(LADDER, 120.0) == (SILVER, 380.0)
    assert next_tier(LADDER, 500.0) == (GOLD, 1500.0)
    assert next_tier(LADDER, -10.0) == (BRONZE, 10.0)


def test_next_tier_missing_is_free_of_float_noise():
    assert next_tier(LADDER, 499.9) == (SILVER, 0.1)


def test_next_tier_at_the_top_is_none():
    assert next_tier(LADDER, 2000.0) is None
    assert next_tier([], 0.0) is None


# evaluate_tier


def test_evaluate_tier_upgrades():
    assert evaluate_tier(LADDER, 2500.0, BRONZE.id, allow_downgrade=False) == GOLD.id


def test_evaluate_tier_keeps_current_when_downgrade_not_allowed():
    assert evaluate_tier(LADDER, 100.0, GOLD.id, allow_downgrade=False) == GOLD.id


def test_evaluate_tier_keeps_current_below_every_threshold():
    assert evaluate_tier(LADDER, -5.0, SILVER.id, allow_downgrade=False) == SILVER.id


def test_evaluate_tier_downgrades_when_allowed():
    assert evaluate_tier(LADDER, 100.0, GOLD.id, allow_downgrade=True) == BRONZE.id
    assert evaluate_tier(LADDER, -5.0, GOLD.id, allow_downgrade=True) is None


def test_evaluate_tier_without_current():
    assert evaluate_tier(LADDER, 600.0, None, allow_downgrade=False) == SILVER.id
    assert evaluate_tier(LADDER, -1.0, None, allow_downgrade=False) is None


@pytest.mark.parametrize("unknown_id", [99, False])
def test_evaluate_tier_unknown_current_counts_as_none(unknown_id):
    # A tier deleted since, or Odoo's False for an empty many2one.
    assert evaluate_tier(LADDER, 600.0, unknown_id, allow_downgrade=False) == SILVER.id


@given(ladders(), figures())
def test_qualifying_is_the_highest_reached(ladder, figure):
    tier = _qualifying_tier(ladder, figure)
    reached = [t for t in ladder if t.threshold <= figure]
    if tier is None:
        assert reached == []
    else:
        assert tier.threshold == max(t.threshold for t in reached)


@given(ladders(), figures())
def test_next_tier_is_the_lowest_not_reached(ladder, figure):
    result = next_tier(ladder, figure)
    above = [t for t in ladder if t.threshold > figure]
    if result is None:
        assert above == []
    else:
        tier, missing = result
        assert tier.threshold == min(t.threshold for t in above)
        assert missing > 0
        assert figure + missing == pytest.approx(tier.threshold)


@given(ladders(), figures(), st.integers(min_value=0, max_value=8), st.booleans())
def test_evaluate_never_drops_without_permission(ladder, figure, current_id, allow):
    by_id = {tier.id: tier for tier in ladder}
    result = evaluate_tier(ladder, figure, current_id, allow)
    qualifying = _qualifying_tier(ladder, figure)
    assert result is None or result in by_id
    if allow or current_id not in by_id:
        assert result == (qualifying.id if qualifying else None)
    else:
        assert result is not None
        assert by_id[result].threshold >= by_id[current_id].threshold
        if qualifying is not None:
            assert by_id[result].threshold >= qualifying.threshold


@given(ladders())
def test_generated_sane_ladders_have_no_conflicts(ladder):
    assert ladder_conflicts(ladder) == []


# near_next_tier


def test_near_when_within_the_share_of_the_next_threshold():
    # Silver at 500 is the next tier of a Bronze patient; 10 % of it is 50.
    assert near_next_tier(LADDER, 450, BRONZE.id, 10) == (SILVER, 50)
    assert near_next_tier(LADDER, 449, BRONZE.id, 10) is None


def test_near_looks_above_the_tier_held():
    # Kept on Gold through a grace period with a Silver figure: nothing above Gold.
    assert near_next_tier(LADDER, 1990, GOLD.id, 10) is None
    # Held Silver, figure below Silver (grace): the next tier is Gold, far away.
    assert near_next_tier(LADDER, 480, SILVER.id, 10) is None
    assert near_next_tier(LADDER, 1800, SILVER.id, 10) == (GOLD, 200)


def test_near_with_a_share_of_zero_never_and_at_the_top_never():
    assert near_next_tier(LADDER, 499.99, BRONZE.id, 0) is None
    assert near_next_tier(LADDER, 5000, GOLD.id, 100) is None


def test_near_without_a_tier_held_reads_the_figure_alone():
    assert near_next_tier(LADDER, 460, None, 10) == (SILVER, 40)


def test_near_refuses_a_share_outside_0_to_100():
    with pytest.raises(ValueError):
        near_next_tier(LADDER, 460, None, 101)


@given(ladder=ladders(), figure=figures(), share=st.floats(0, 100))
def test_near_is_a_next_tier_within_the_share(ladder, figure, share):
    near = near_next_tier(ladder, figure, None, share)
    if near is not None:
        tier, missing = near
        assert (tier, missing) == next_tier(ladder, figure)
        assert 0 < missing <= tier.threshold * share / 100 + 1e-6


# downgrade_allowed


def test_no_downgrade_within_the_grace_period():
    reached = date(2026, 1, 1)
    assert not downgrade_allowed(reached, 90, date(2026, 3, 31))
    assert downgrade_allowed(reached, 90, date(2026, 4, 1))
    assert downgrade_allowed(reached, 0, reached)
    assert downgrade_allowed(None, 90, reached)
    with pytest.raises(ValueError):
        downgrade_allowed(reached, -1, reached)
