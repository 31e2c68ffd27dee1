"""returned_share: a rule's points go back with the lines it gave on, in the
share of what its basis counted on them (money for a multiplier or a bill
bonus, paid units for a bonus per unit, paid lines for a bonus per line)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_earning_rules import rule

from dental_loyalty.rules import RuleLine, returned_share, rule_basis


def _line(product_id, quantity, price, paid=None):
    paid = price * quantity if paid is None else paid
    return RuleLine(
        product_id=product_id,
        categ_path="",
        quantity=quantity,
        list_amount=price * quantity,
        paid_amount=paid,
    )


CONSULTATION = _line(1, 1, 50.0)
ROOT_CANAL = _line(2, 1, 700.0)


def _share(effect, lines):
    returned, whole = returned_share(effect, lines)
    return returned / whole


@pytest.mark.parametrize("effect", ["per_unit", "per_line"])
def test_a_bonus_goes_back_with_its_cheap_line_in_full(effect):
    # +1000 on each: returning the 50.00 line returns half the bonus, not 50/750.
    lines = [(CONSULTATION, 50.0, 1), (ROOT_CANAL, 700.0, 0)]
    assert _share(effect, lines) == pytest.approx(0.5)


@pytest.mark.parametrize("effect", ["multiplier", "per_bill"])
def test_a_multiplier_and_a_bill_bonus_go_back_by_value(effect):
    lines = [(CONSULTATION, 50.0, 1), (ROOT_CANAL, 700.0, 0)]
    assert _share(effect, lines) == pytest.approx(50 / 750)


def test_units_count_for_a_bonus_per_unit_not_for_a_bonus_per_line():
    three = _line(1, 3, 50.0)
    lines = [(three, 150.0, 1), (ROOT_CANAL, 700.0, 0)]
    # Per unit: 1 of 4 units. Per line: a third of one of two lines.
    assert _share("per_unit", lines) == pytest.approx(1 / 4)
    assert _share("per_line", lines) == pytest.approx(1 / 6)


def test_a_discounted_line_weighs_what_money_paid_of_it():
    half_paid = _line(1, 1, 50.0, paid=25.0)
    lines = [(half_paid, 25.0, 1), (ROOT_CANAL, 700.0, 0)]
    assert _share("per_unit", lines) == pytest.approx(0.5 / 1.5)


def test_lines_worth_nothing_count_one_each():
    free = _line(1, 1, 50.0, paid=0.0)
    assert _share("per_unit", [(free, 0.0, 1), (free, 0.0, 0)]) == pytest.approx(0.5)


def test_a_return_counts_at_most_the_line_and_never_below_nothing():
    assert returned_share("per_unit", [(CONSULTATION, 50.0, 5)]) == (1.0, 1.0)
    assert returned_share("per_unit", [(CONSULTATION, 50.0, -1)]) == (0.0, 1.0)


@given(
    effect=st.sampled_from(["multiplier", "per_line", "per_unit", "per_bill"]),
    lines=st.lists(
        st.tuples(
            st.floats(min_value=0.01, max_value=20),
            st.floats(min_value=0.01, max_value=1000),
            st.floats(min_value=0.01, max_value=1),
        ),
        min_size=1,
        max_size=6,
    ),
)
def test_returning_everything_returns_everything_and_the_share_of_a_bonus_is_its_basis(
    effect, lines
):
    sold = [
        (
            _line(index, quantity, price, paid=price * quantity * paid),
            price * quantity * paid,
        )
        for index, (quantity, price, paid) in enumerate(lines)
    ]
    returned, whole = returned_share(
        effect, [(line, value, line.quantity) for line, value in sold]
    )
    assert returned == pytest.approx(whole)
    if effect in ("per_unit", "per_line"):
        # What a bonus counted on its lines is the basis it gave on.
        basis = rule_basis(
            rule(effect=effect), [line for line, _ in sold], share=1.0, rate=1.0
        )
        assert whole == pytest.approx(basis, abs=1e-5)
