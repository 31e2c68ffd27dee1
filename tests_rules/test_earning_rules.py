"""Earning rules: what each gives a bill, and what no mix of rules may give."""

from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from dental_loyalty.rules import (
    EarningRule,
    RuleLine,
    RulePatient,
    award_rules,
    cap_window,
    earned_points,
    eligible_amount,
    in_audience,
    in_period,
    in_scope,
    money_share,
)

WHEN = datetime(2026, 3, 11, 10, 30)  # a Wednesday morning
PATIENT = RulePatient(partner_id=7, tier_id=2, tag_ids=frozenset({3}))
CLEANING = RuleLine(1, "1/4/", 1, 80.0, 80.0)  # a service in Hygiene (1/4/)
WHITENING = RuleLine(2, "1/5/9/", 2, 300.0, 300.0)  # in Aesthetics (1/5/) > Whitening


def rule(rule_id=1, effect="per_bill", factor=100.0, **values):
    return EarningRule(
        id=rule_id, name=f"Rule {rule_id}", effect=effect, factor=factor, **values
    )


def award(rules, lines=(CLEANING, WHITENING), **values):
    values = {
        "patient": PATIENT,
        "when": WHEN,
        "share": 1.0,
        "rate": 1.0,
        "tier_multiplier": 1.0,
        **values,
    }
    return {item.rule.id: item.points for item in award_rules(rules, lines, **values)}


# Examples


def test_each_effect_on_the_bill():
    assert award([rule(effect="multiplier", factor=2.0)]) == {1: 380}
    assert award([rule(effect="per_line", factor=10.0)]) == {1: 20}
    assert award([rule(effect="per_unit", factor=10.0)]) == {1: 30}
    assert award([rule(effect="per_bill", factor=100.0)]) == {1: 100}


def test_scope_by_service_and_by_category_below_it():
    assert award(
        [rule(effect="per_unit", factor=10.0, product_ids=frozenset({1}))]
    ) == {1: 10}
    # Aesthetics holds Whitening: a rule on Aesthetics applies to it.
    assert award([rule(effect="per_unit", factor=10.0, categ_paths=("1/5/",))]) == {
        1: 20
    }
    # "1/5/" is not a prefix of "1/50/": a category is not its namesake's child.
    assert not in_scope(
        rule(categ_paths=("1/5/",)), RuleLine(3, "1/50/", 1, 10.0, 10.0)
    )


def test_audiences():
    assert award([rule(audience="tiers", tier_ids=frozenset({2}))]) == {1: 100}
    assert award([rule(audience="tiers", tier_ids=frozenset({1}))]) == {}
    assert award([rule(audience="tags", tag_ids=frozenset({3, 4}))]) == {1: 100}
    assert award([rule(audience="tags", tag_ids=frozenset({4}))]) == {}
    assert award([rule(audience="patients", partner_ids=frozenset({7}))]) == {1: 100}
    assert award([rule(audience="patients", partner_ids=frozenset({8}))]) == {}
    assert award([rule(audience="first_visit")]) == {}
    first = RulePatient(partner_id=7, first_visit=True)
    assert award([rule(audience="first_visit")], patient=first) == {1: 100}


def test_dates_both_days_included():
    assert award([rule(date_from=WHEN.date(), date_to=WHEN.date())]) == {1: 100}
    assert award([rule(date_to=WHEN.date() - timedelta(days=1))]) == {}
    assert award([rule(date_from=WHEN.date() + timedelta(days=1))]) == {}


def test_weekdays_and_hours():
    assert award([rule(weekdays=frozenset({0, 2}))]) == {1: 100}  # Wednesday is 2
    assert award([rule(weekdays=frozenset({5, 6}))]) == {}
    assert award([rule(hour_from=8.0, hour_to=10.5)]) == {}  # 10:30 is the end
    assert award([rule(hour_from=10.5, hour_to=12.0)]) == {1: 100}
    late = rule(hour_from=20.0, hour_to=2.0)  # across midnight
    assert in_period(late, datetime(2026, 3, 11, 1, 59))
    assert in_period(late, datetime(2026, 3, 11, 20, 0))
    assert not in_period(late, datetime(2026, 3, 11, 2, 0))


def test_a_bill_partly_paid_with_points_or_discounted_earns_on_the_money():
    discounted = RuleLine(1, "1/4/", 2, 160.0, 120.0)  # 25 % off
    assert award([rule(effect="per_unit", factor=40.0)], lines=[discounted]) == {1: 60}
    # Half paid with points: half of that, and half of the bill's bonus.
    assert award(
        [rule(effect="per_unit", factor=40.0)], lines=[discounted], share=0.5
    ) == {1: 30}
    assert award([rule()], share=0.5) == {1: 50}


def test_tier_multiplies_only_the_rules_that_say_so():
    rules = [rule(1), rule(2, tier_multiplied=False)]
    assert award(rules, tier_multiplier=1.5) == {1: 150, 2: 100}


def test_caps_per_bill_and_per_period():
    per_unit = {"effect": "per_unit", "factor": 10.0, "cap_points": 25}
    assert award([rule(**per_unit)]) == {1: 25}
    # Per bill the cap starts again whatever the patient got before.
    assert award([rule(**per_unit)], used={1: 25}) == {1: 25}
    assert award([rule(**per_unit, cap_period="month")], used={1: 20}) == {1: 5}
    assert award([rule(**per_unit, cap_period="month")], used={1: 40}) == {}
    # What refunds took back counts nothing: a negative figure leaves the cap.
    assert award([rule(**per_unit, cap_period="month")], used={1: -10}) == {1: 25}


def test_cap_windows():
    day = date(2026, 2, 11)
    assert cap_window("day", day) == (day, day)
    assert cap_window("week", day) == (date(2026, 2, 9), date(2026, 2, 15))
    assert cap_window("month", day) == (date(2026, 2, 1), date(2026, 2, 28))
    assert cap_window("year", day) == (date(2026, 1, 1), date(2026, 12, 31))
    assert cap_window("ever", day) == (None, None)


def test_the_best_rule_wins_the_first_on_a_tie_and_added_rules_stay():
    rules = [
        rule(1, combination="best", sequence=20),
        rule(2, factor=150.0, combination="best"),
        rule(3, factor=150.0, combination="best", sequence=20),
        rule(4, factor=10.0),
    ]
    assert award(rules) == {2: 150, 4: 10}
    # Capped below the others, the best rule is the next one.
    capped = rule(2, factor=150.0, combination="best", cap_points=50)
    assert award([rules[0], capped, rules[2]]) == {3: 150}


# Properties

paths = st.sampled_from(["1/", "1/4/", "1/4/6/", "1/5/", "1/5/9/", "8/"])
cents = st.integers(0, 50_000).map(lambda amount: amount / 100)


@st.composite
def lines(draw):
    quantity = draw(st.sampled_from([1, 2, 3, 0.5, 0, -1]))
    price = draw(st.integers(1, 50_000)) / 100
    discount = draw(st.sampled_from([0, 10, 25, 50, 100]))
    return RuleLine(
        product_id=draw(st.integers(1, 4)),
        categ_path=draw(paths),
        quantity=quantity,
        list_amount=price * quantity,
        paid_amount=price * quantity * (1 - discount / 100),
    )


def often(default, other):
    """``default`` three times in four: rules that apply are the ones to test."""
    return st.one_of(st.just(default), st.just(default), st.just(default), other)


@st.composite
def rules(draw, rule_id=None, combination=None):
    effect = draw(st.sampled_from(["multiplier", "per_line", "per_unit", "per_bill"]))
    factor = draw(
        st.sampled_from([2.0, 1.5, 3.0, 1.0])
        if effect == "multiplier"
        else st.sampled_from([40.0, 5.0, 100.0, 0.0])
    )
    audiences = st.sampled_from(["tiers", "tags", "patients", "first_visit"])
    return EarningRule(
        id=rule_id or draw(st.integers(1, 12)),
        name="Rule",
        effect=effect,
        factor=factor,
        sequence=draw(st.integers(1, 3)),
        product_ids=draw(
            often(frozenset(), st.frozensets(st.integers(1, 6), max_size=2))
        ),
        categ_paths=draw(often((), st.lists(paths, max_size=2).map(tuple))),
        audience=draw(often("all", audiences)),
        tier_ids=draw(st.frozensets(st.integers(1, 3), max_size=2)),
        tag_ids=draw(st.frozensets(st.integers(1, 3), max_size=2)),
        partner_ids=draw(st.frozensets(st.integers(1, 3), max_size=2)),
        date_from=draw(often(None, st.dates(date(2026, 3, 1), date(2026, 3, 20)))),
        date_to=draw(often(None, st.dates(date(2026, 3, 1), date(2026, 3, 31)))),
        weekdays=draw(often(frozenset(), st.frozensets(st.integers(0, 6), min_size=1))),
        hour_from=draw(often(0.0, st.sampled_from([8.0, 12.5, 20.0]))),
        hour_to=draw(often(0.0, st.sampled_from([2.0, 12.5, 18.0]))),
        tier_multiplied=draw(st.booleans()),
        cap_points=draw(st.sampled_from([30, 0, 200, 1])),
        cap_period=draw(
            st.sampled_from(["bill", "day", "week", "month", "year", "ever"])
        ),
        combination=combination or draw(st.sampled_from(["add", "best"])),
    )


def rule_sets(**kwargs):
    return st.lists(
        rules(**kwargs), min_size=1, max_size=6, unique_by=lambda item: item.id
    )


patients = st.builds(
    RulePatient,
    partner_id=st.integers(1, 3),
    tier_id=st.none() | st.integers(1, 3),
    tag_ids=st.frozensets(st.integers(1, 3), max_size=2),
    first_visit=st.booleans(),
)
bills = st.fixed_dictionaries(
    {
        "lines": st.lists(lines(), min_size=1, max_size=5),
        "patient": patients,
        "when": st.datetimes(datetime(2026, 2, 25), datetime(2026, 4, 5)),
        "share": st.sampled_from([1.0, 0.5, 1 / 3, 0.25, 0.0]),
        "rate": st.sampled_from([1.0, 0.1, 2.5, 0.01]),
        "tier_multiplier": st.sampled_from([1.0, 1.25, 1.5, 2.0]),
        "used": st.dictionaries(st.integers(1, 12), st.integers(-5, 250), max_size=6),
    }
)


def cap_left(item, used):
    if not item.cap_points:
        return None
    if item.cap_period == "bill":
        return item.cap_points
    return max(item.cap_points - max(used.get(item.id, 0), 0), 0)


@given(rule_sets(), bills)
def test_no_rule_gives_more_than_what_is_left_of_its_cap(rule_set, bill):
    for item in award_rules(rule_set, **bill):
        left = cap_left(item.rule, bill["used"])
        assert item.points > 0
        assert left is None or item.points <= left


@given(rule_sets(), bills)
def test_capped_rules_together_give_no_more_than_their_caps(rule_set, bill):
    capped = [item for item in rule_set if item.cap_points]
    total = sum(item.points for item in award_rules(capped, **bill))
    assert total <= sum(cap_left(item, bill["used"]) for item in capped)


@given(rule_sets(), bills)
def test_a_rule_outside_its_period_or_audience_gives_nothing(rule_set, bill):
    """Moved out of its dates, weekdays, hours or audience, a rule gives nothing;
    and every rule that gives is within them."""
    when, patient = bill["when"], bill["patient"]
    outside = [
        rule(1, date_to=when.date() - timedelta(days=1)),
        rule(2, date_from=when.date() + timedelta(days=1)),
        rule(3, weekdays=frozenset(range(7)) - {when.weekday()}),
        rule(4, hour_from=(when.hour + 1) % 24 or 0.5, hour_to=when.hour or 24.0),
        rule(5, audience="tiers", tier_ids=frozenset({1, 2, 3}) - {patient.tier_id}),
        rule(6, audience="tags", tag_ids=frozenset({1, 2, 3}) - patient.tag_ids),
        rule(
            7,
            audience="patients",
            partner_ids=frozenset({1, 2, 3}) - {patient.partner_id},
        ),
    ]
    if not patient.first_visit:
        outside.append(rule(8, audience="first_visit"))
    full = [*rule_set, *(replace(item, id=item.id + 1000) for item in outside)]
    awards = award_rules(
        full, **{**bill, "lines": [*bill["lines"], CLEANING], "share": 1.0}
    )
    for item in awards:
        assert item.rule.id < 1000
        assert in_period(item.rule, when)
        assert in_audience(item.rule, patient)


@given(rule_sets(), bills)
def test_at_most_one_best_rule_gives(rule_set, bill):
    awards = award_rules(rule_set, **bill)
    assert len([item for item in awards if item.rule.combination == "best"]) <= 1


@given(rule_sets(), rules(rule_id=2000, combination="add"), bills)
def test_an_added_up_rule_gives_what_it_gives_alone_and_changes_no_other(
    rule_set, added, bill
):
    before = {item.rule.id: item.points for item in award_rules(rule_set, **bill)}
    after = {
        item.rule.id: item.points for item in award_rules([*rule_set, added], **bill)
    }
    alone = {item.rule.id: item.points for item in award_rules([added], **bill)}
    assert after.pop(added.id, None) == alone.get(added.id)
    assert after == before


@given(
    st.lists(
        st.tuples(st.integers(1, 3), cents, st.sampled_from([0, 10, 25, 100])),
        min_size=1,
        max_size=5,
    ),
    st.integers(0, 100),
    cents,
    st.sampled_from([0.01, 0.1, 0.5, 1.0, 2.0, 2.5]),
)
# A third paid with money: a share rounded to 0.333333 gave 999 points, not 1000.
@example([(1, 3000.0, 0)], 0, 2000.0, 1.0)
def test_twice_the_points_on_every_line_gives_the_base_points_again(
    raw, voucher, points, rate
):
    """At tier 1, x2 on every line gives exactly what the money earns: the
    bill's money less what vouchers and points paid, times the rate, floored."""
    sold = [
        RuleLine(1, "1/", qty, price * qty, price * qty * (1 - off / 100))
        for qty, price, off in raw
    ]
    gross = sum(line.paid_amount for line in sold)
    covered = round(gross * voucher / 200, 2)  # up to half the bill in vouchers
    paid_with_points = min(points, round(gross - covered, 2))
    voucher_line = RuleLine(9, "8/", 1, 0.0, -covered)
    base = earned_points(
        eligible_amount(gross, paid_with_points, covered), rate, 0, 1.0
    )
    twice = award(
        [rule(effect="multiplier", factor=2.0)],
        lines=[*sold, voucher_line],
        share=money_share(gross, paid_with_points + covered),
        rate=rate,
    )
    assert twice.get(1, 0) == base


@given(rules(), bills)
def test_a_rule_on_services_the_bill_has_not_gives_nothing(item, bill):
    """Whatever its effect, per bill included: a per-bill bonus is once per bill
    of its services, not per visit. Only a rule naming no service nor category
    is in scope of every line."""
    foreign = replace(item, product_ids=frozenset({99}), categ_paths=("99/",))
    assert award_rules([foreign], **bill) == []


@given(rules(), bills)
def test_what_money_did_not_pay_earns_nothing(item, bill):
    assert award_rules([item], **{**bill, "share": 0.0}) == []
    given_away = [
        RuleLine(line.product_id, line.categ_path, line.quantity, line.list_amount, 0.0)
        for line in bill["lines"]
    ]
    assert award_rules([item], **{**bill, "lines": given_away}) == []


@settings(max_examples=50)
@given(rule_sets(), bills)
def test_the_order_of_the_rules_given_changes_nothing(rule_set, bill):
    forward = award_rules(rule_set, **bill)
    assert award_rules(list(reversed(rule_set)), **bill) == forward
    assert [(i.rule.sequence, i.rule.id) for i in forward] == sorted(
        (i.rule.sequence, i.rule.id) for i in forward
    )


def test_a_rule_refuses_values_it_cannot_mean():
    with pytest.raises(ValueError):
        rule(effect="multiplier", factor=0.5)
    with pytest.raises(ValueError):
        rule(factor=-1.0)
    with pytest.raises(ValueError):
        rule(cap_period="fortnight")
