import math

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from dental_loyalty.rules import (
    earned_points,
    eligible_amount,
    max_points_payment,
    points_for_amount,
    proportional_points,
)

money = st.floats(min_value=0, max_value=1_000_000, allow_nan=False).map(
    lambda amount: round(amount, 2)
)


# eligible_amount


def test_eligible_amount_leaves_out_points_and_rewards():
    assert eligible_amount(100.0, 30.0, 20.0) == pytest.approx(50.0)


def test_eligible_amount_is_never_negative():
    assert eligible_amount(100.0, 80.0, 40.0) == 0.0


def test_eligible_amount_of_a_bill_paid_only_with_points_is_zero():
    assert eligible_amount(45.5, 45.5, 0.0) == 0.0


# earned_points


def test_earned_points_rate_bonus_and_multiplier():
    # (120 * 1 + 30) * 1.5
    assert earned_points(120.0, 1.0, 30, 1.5) == 225


def test_earned_points_floors():
    assert earned_points(19.99, 1.0, 0, 1.0) == 19


@pytest.mark.parametrize(
    ("eligible", "rate", "multiplier", "expected"),
    [
        (0.1, 3.0, 10.0, 3),  # 3.0000000000000004
        (2.3, 100.0, 1.0, 230),  # 229.99999999999997
        (0.57, 100.0, 1.0, 57),  # 56.99999999999999
        (4.35, 100.0, 1.0, 435),  # 434.99999999999994
        (1.15, 10.0, 10.0, 115),
    ],
)
def test_earned_points_float_noise(eligible, rate, multiplier, expected):
    assert earned_points(eligible, rate, 0, multiplier) == expected


def test_earned_points_noise_guard_is_needed():
    # Without the guard 2.3 paid at 100 points per unit would earn 229.
    assert math.floor(2.3 * 100.0) == 229
    assert earned_points(2.3, 100.0, 0, 1.0) == 230


def test_earned_points_never_negative():
    assert earned_points(0.0, 1.0, -50, 1.0) == 0


def test_earned_points_zero_multiplier_earns_nothing():
    assert earned_points(500.0, 1.0, 40, 0.0) == 0


@pytest.mark.parametrize(("rate", "multiplier"), [(-1.0, 1.0), (1.0, -0.5)])
def test_earned_points_refuses_negative_rate_or_multiplier(rate, multiplier):
    with pytest.raises(ValueError):
        earned_points(100.0, rate, 0, multiplier)


@given(
    money,
    st.floats(min_value=0, max_value=100, allow_nan=False),
    st.integers(min_value=-1000, max_value=1000),
    st.floats(min_value=0, max_value=10, allow_nan=False),
)
def test_earned_points_is_the_whole_part_of_the_exact_figure(
    eligible, rate, bonus, multiplier
):
    points = earned_points(eligible, rate, bonus, multiplier)
    exact = (eligible * rate + bonus) * multiplier
    assert points >= 0
    assert points <= max(0, exact) + 1e-6
    assert points > exact - 1 - 1e-6


# max_points_payment


def test_max_points_payment_capped_by_balance():
    # 500 points at 0.05 are worth 25.00; half of 200 would be 100.
    assert max_points_payment(500, 0.05, 200.0, 50.0) == 25.0


def test_max_points_payment_capped_by_share():
    # 10000 points at 0.05 are worth 500.00; 30 % of 120 is 36.
    assert max_points_payment(10_000, 0.05, 120.0, 30.0) == 36.0


def test_max_points_payment_floors_to_rounding():
    # 333 * 0.03 = 9.99; 33 % of 30.31 = 10.0023: the balance caps, then floors.
    assert max_points_payment(333, 0.03, 30.31, 33.0) == 9.99
    # 25 % of 10.07 is 2.5175: round down, never up, to the cent.
    assert max_points_payment(1000, 1.0, 10.07, 25.0) == 2.51


def test_max_points_payment_coarse_rounding():
    assert max_points_payment(1000, 1.0, 87.0, 100.0, rounding=5.0) == 85.0
    assert max_points_payment(1000, 1.0, 87.0, 100.0, rounding=0.05) == 87.0


def test_max_points_payment_float_noise_does_not_lose_a_cent():
    # 1234.56 / 0.01 == 123455.99999999999: a naive floor pays 1234.55.
    assert math.floor(123_456 * 0.01 / 0.01) == 123_455
    assert max_points_payment(123_456, 0.01, 10_000.0, 100.0) == 1234.56
    assert max_points_payment(7, 0.1, 100.0, 100.0) == 0.7  # 0.7000000000000001


@pytest.mark.parametrize("bill_total", [0.0, -50.0])
def test_max_points_payment_nothing_on_an_empty_or_refund_bill(bill_total):
    assert max_points_payment(1000, 1.0, bill_total, 100.0) == 0.0


def test_max_points_payment_nothing_without_points_or_share():
    assert max_points_payment(0, 0.05, 100.0, 50.0) == 0.0
    assert max_points_payment(1000, 0.05, 100.0, 0.0) == 0.0


def test_max_points_payment_refuses_bad_rounding_or_value():
    with pytest.raises(ValueError):
        max_points_payment(10, 1.0, 100.0, 50.0, rounding=0)
    with pytest.raises(ValueError):
        max_points_payment(10, -1.0, 100.0, 50.0)


@given(
    st.integers(min_value=0, max_value=10_000_000),
    st.sampled_from([0.01, 0.02, 0.05, 0.1, 0.5, 1.0]),
    money,
    st.floats(min_value=0, max_value=100, allow_nan=False),
)
def test_max_points_payment_never_exceeds_either_cap(points, value, bill, share):
    paid = max_points_payment(points, value, bill, share)
    assert 0 <= paid <= points * value + 1e-6
    assert paid <= bill * share / 100 + 1e-6
    assert paid * 100 == pytest.approx(round(paid * 100))  # whole cents
    # Floored, not rounded: at most a cent short of the lower cap.
    assert paid > min(points * value, bill * share / 100) - 0.01 - 1e-6
    # And the points needed for that payment are there.
    assert points_for_amount(paid, value) <= points


# points_for_amount


def test_points_for_amount_rounds_up():
    assert points_for_amount(10.01, 0.05) == 201


def test_points_for_amount_exact():
    assert points_for_amount(10.0, 0.05) == 200


@pytest.mark.parametrize(
    ("amount", "point_value", "expected"),
    [
        (0.7, 0.1, 7),  # 6.999999999999999
        (0.07, 0.01, 7),  # 7.000000000000001: a naive ceil asks for 8
        (0.28, 0.02, 14),  # 14.000000000000002
        (3.3, 1.1, 3),  # 2.9999999999999996
    ],
)
def test_points_for_amount_float_noise(amount, point_value, expected):
    assert points_for_amount(amount, point_value) == expected


def test_points_for_amount_noise_guard_is_needed():
    assert math.ceil(0.07 / 0.01) == 8
    assert points_for_amount(0.07, 0.01) == 7


def test_points_for_amount_zero():
    assert points_for_amount(0.0, 0.05) == 0


def test_points_for_amount_refund_is_symmetric():
    assert points_for_amount(-10.01, 0.05) == -201


@pytest.mark.parametrize("point_value", [0.0, -0.05])
def test_points_for_amount_refuses_non_positive_value(point_value):
    with pytest.raises(ValueError):
        points_for_amount(10.0, point_value)


@given(money, st.sampled_from([0.01, 0.02, 0.05, 0.1, 0.25, 1.0, 2.0]))
def test_points_for_amount_is_the_fewest_points_that_cover(amount, value):
    points = points_for_amount(amount, value)
    assert points * value >= amount - 1e-6
    assert (points - 1) * value < amount - 1e-9 or points == 0


# proportional_points


def test_proportional_points_share_of_a_partial_refund():
    assert proportional_points(100, 25.0, 100.0) == 25


def test_proportional_points_rounds_half_up():
    assert proportional_points(5, 1.0, 2.0) == 3
    assert proportional_points(5, 1.0, 4.0) == 1  # 1.25
    assert proportional_points(7, 1.0, 2.0) == 4  # 3.5, float 0.5 not banker's


def test_proportional_points_float_noise():
    # 9 * 0.15 / 0.54 is 2.5, computed as 2.4999999999999996; half up gives 3.
    assert 9 * (0.15 / 0.54) < 2.5
    assert proportional_points(9, 0.15, 0.54) == 3
    assert proportional_points(7, 1.69, 1.82) == 7  # 6.499999999999999


def test_proportional_points_keeps_the_sign_of_points():
    assert proportional_points(-100, 25.0, 100.0) == -25


def test_proportional_points_negative_refund_amount():
    # A refund line is negative against a positive order: the share is what counts.
    assert proportional_points(100, -40.0, 100.0) == 40
    assert proportional_points(-100, -40.0, 100.0) == -40


def test_proportional_points_bounded_by_points():
    assert proportional_points(100, 150.0, 100.0) == 100
    assert proportional_points(-100, 150.0, 100.0) == -100


def test_proportional_points_whole_zero():
    assert proportional_points(100, 10.0, 0.0) == 0


@given(
    st.integers(min_value=-100_000, max_value=100_000),
    st.floats(min_value=-1e6, max_value=1e6, allow_nan=False),
    st.floats(min_value=-1e6, max_value=1e6, allow_nan=False),
)
def test_proportional_points_bounded_and_signed(points, part, whole):
    assume(whole != 0)
    share = proportional_points(points, part, whole)
    assert abs(share) <= abs(points)
    assert share == 0 or math.copysign(1, share) == math.copysign(1, points)
    if abs(part) <= abs(whole):
        assert abs(share - points * abs(part / whole)) <= 0.5 + 1e-6
