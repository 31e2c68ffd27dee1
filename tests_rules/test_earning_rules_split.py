"""Earning rules: a bill cut into more lines earns no more.

A register lets the cashier sell one service on several lines of a fraction
of it each; the rules must pay what the service is worth, not what the number
of lines is. (test_earning_rules.py holds the other properties; this file
keeps both under the size a test file may have.)
"""

from dataclasses import replace

from hypothesis import example, given
from hypothesis import strategies as st
from test_earning_rules import CLEANING, PATIENT, WHEN, bills, rule, rules

from dental_loyalty.rules import RuleLine, award_rules


@st.composite
def split_lines(draw):
    """A line of a service of unit price ``price`` and the pieces it can be cut
    into: the same quantity and amounts in total, each piece listed at the same
    price (as the register lists a line: price x quantity) and paid no more
    than listed, with a discount of its own."""
    price = draw(st.integers(1, 50_000))  # cents
    hundredths = draw(st.integers(2, 300))  # the quantity, in hundredths
    count = draw(st.integers(2, min(hundredths, 12)))
    cuts = sorted(
        draw(
            st.lists(
                st.integers(1, hundredths - 1),
                min_size=count - 1,
                max_size=count - 1,
                unique=True,
            )
        )
    )
    sizes = [b - a for a, b in zip([0, *cuts], [*cuts, hundredths], strict=True)]
    product, path = draw(st.sampled_from([(1, "1/4/"), (2, "1/5/9/")]))
    pieces = []
    for size in sizes:
        listed = price * size / 10_000
        paid = draw(st.integers(0, price * size // 100)) / 100
        pieces.append(RuleLine(product, path, size / 100, listed, paid))
    whole = RuleLine(
        product,
        path,
        hundredths / 100,
        price * hundredths / 10_000,
        round(sum(piece.paid_amount for piece in pieces), 2),
    )
    return whole, pieces


def points(item, lines, bill):
    awards = award_rules([item], **{**bill, "lines": lines})
    return sum(award.points for award in awards)


@given(rules(), split_lines(), bills)
# Ten lines of a tenth of a 50.00 service: one line's bonus, not ten.
@example(
    rule(effect="per_line", factor=100.0),
    (
        RuleLine(1, "1/4/", 1.0, 50.0, 50.0),
        [RuleLine(1, "1/4/", 0.1, 5.0, 5.0)] * 10,
    ),
    {
        "lines": [],
        "patient": PATIENT,
        "when": WHEN,
        "share": 1.0,
        "rate": 1.0,
        "tier_multiplier": 1.0,
        "used": {},
    },
)
def test_splitting_a_line_never_gives_more_points(item, split, bill):
    """For every effect: a line cut into pieces of the same total quantity and
    amounts gives no more than the line. A bonus per line counts a line at
    most once and at most its quantity, so that a service of several units
    cut into lines of one unit each gives at most a bonus per unit of it."""
    whole, pieces = split
    others = bill["lines"]
    before = points(item, [*others, whole], bill)
    after = points(item, [*others, *pieces], bill)
    if item.effect == "per_line" and whole.quantity > 1:
        per_unit = replace(item, effect="per_unit")
        assert after <= max(before, points(per_unit, [*others, whole], bill))
    else:
        assert after <= before


@given(st.integers(2, 100), st.sampled_from([1.0, 0.5, 0.25]))
def test_a_bonus_per_line_on_a_service_cut_in_fractions_is_one_line(count, share):
    pieces = [
        RuleLine(1, "1/4/", 1 / count, 80.0 / count, 80.0 / count) for _ in range(count)
    ]
    once = award_rules(
        [rule(effect="per_line", factor=100.0)],
        [CLEANING],
        patient=PATIENT,
        when=WHEN,
        share=share,
        rate=1.0,
        tier_multiplier=1.0,
    )
    cut = award_rules(
        [rule(effect="per_line", factor=100.0)],
        pieces,
        patient=PATIENT,
        when=WHEN,
        share=share,
        rate=1.0,
        tier_multiplier=1.0,
    )
    assert sum(award.points for award in cut) <= once[0].points
