import pytest
from hypothesis import given
from hypothesis import strategies as st

from dental_loyalty.rules import points_payment_standing

# points_payment_standing


def test_a_payment_within_the_cap_stands_without_a_hold():
    assert points_payment_standing(30.0, 50.0, rounding=0.01) == "cap"
    assert points_payment_standing(50.0, 50.0, rounding=0.01) == "cap"


def test_a_payment_over_the_cap_without_a_hold_is_refused():
    assert points_payment_standing(50.01, 50.0, rounding=0.01) is None


def test_a_difference_below_the_smallest_coin_is_no_difference():
    assert points_payment_standing(50.004, 50.0, rounding=0.01) == "cap"
    assert points_payment_standing(0.1 + 0.2, 0.3, rounding=0.01) == "cap"


def test_a_hold_granted_for_this_bill_carries_a_payment_over_the_cap():
    assert (
        points_payment_standing(
            40.0, 10.0, rounding=0.01, bill_total=200.0, hold=(40.0, 200.0)
        )
        == "hold"
    )
    # Less than was held is still what was agreed.
    assert (
        points_payment_standing(
            30.0, 10.0, rounding=0.01, bill_total=200.0, hold=(40.0, 200.0)
        )
        == "hold"
    )


def test_a_hold_for_another_bill_or_a_smaller_amount_does_not():
    other_bill = points_payment_standing(
        40.0, 10.0, rounding=0.01, bill_total=210.0, hold=(40.0, 200.0)
    )
    more_than_held = points_payment_standing(
        45.0, 10.0, rounding=0.01, bill_total=200.0, hold=(40.0, 200.0)
    )
    assert other_bill is None
    assert more_than_held is None


def test_the_rounding_must_be_positive():
    with pytest.raises(ValueError):
        points_payment_standing(1.0, 1.0, rounding=0)


@given(
    amount=st.integers(min_value=0, max_value=10**6),
    cap=st.integers(min_value=0, max_value=10**6),
)
def test_whole_coins_stand_exactly_up_to_the_cap(amount, cap):
    standing = points_payment_standing(amount / 100, cap / 100, rounding=0.01)
    assert (standing == "cap") is (amount <= cap)
