import pytest
from hypothesis import given
from hypothesis import strategies as st

from dental_loyalty.rules import (
    RefundShare,
    SaleLine,
    bonus_points,
    money_share,
    refund_share,
)

# money_share


def test_money_share_of_a_bill_partly_paid_with_points():
    assert money_share(760.0, 130.0) == pytest.approx(630 / 760)


def test_money_share_of_a_bill_paid_only_with_money_or_points():
    assert money_share(100.0, 0.0) == 1.0
    assert money_share(100.0, 100.0) == 0.0


@pytest.mark.parametrize("bill_total", [0.0, -50.0])
def test_money_share_of_an_empty_or_refund_bill_is_zero(bill_total):
    assert money_share(bill_total, 0.0) == 0.0


def test_money_share_stays_within_bounds():
    assert money_share(100.0, 150.0) == 0.0
    assert money_share(100.0, -20.0) == 1.0


# bonus_points


def test_bonus_of_lines_paid_in_full():
    lines = [SaleLine(20, 2, 200.0, 200.0), SaleLine(0, 1, 50.0, 50.0)]
    assert bonus_points(lines, 1.0) == 40


def test_free_lines_earn_no_bonus():
    # 20 units of a bonus service at 100 % discount: nothing paid, nothing earned.
    assert bonus_points([SaleLine(20, 20, 2000.0, 0.0)], 1.0) == 0
    # A zero-price line earns nothing either.
    assert bonus_points([SaleLine(20, 1, 0.0, 0.0)], 1.0) == 0


def test_bonus_in_proportion_to_the_discount_and_the_money_share():
    line = SaleLine(40, 1, 80.0, 60.0)  # 25 % discount
    assert bonus_points([line], 1.0) == 30
    # Half the bill paid with points: half of that.
    assert bonus_points([line], 0.5) == 15


def test_returned_lines_earn_no_bonus():
    assert bonus_points([SaleLine(20, -1, -100.0, -100.0)], 1.0) == 0


@given(
    st.lists(
        st.tuples(
            st.integers(0, 100),
            st.integers(-3, 20),
            st.floats(0, 1000, allow_nan=False),
            st.floats(0, 1, allow_nan=False),
        ),
        max_size=6,
    ),
    st.floats(0, 1, allow_nan=False),
)
def test_bonus_never_exceeds_the_full_bonus(raw_lines, share):
    lines = [SaleLine(b, q, price, price * paid) for b, q, price, paid in raw_lines]
    full = sum(b * q for b, q, _price, _paid in raw_lines if q > 0)
    assert 0 <= bonus_points(lines, share) <= full + 1e-6


# refund_share


def test_full_refund_takes_back_all_earned_and_gives_back_all_spent():
    assert refund_share(
        earned=70,
        spent=300,
        taken_back=0,
        given_back=0,
        refunded_amount=100.0,
        sale_total=100.0,
    ) == RefundShare(70, 300)


def test_partial_refund_in_proportion():
    assert refund_share(
        earned=200,
        spent=0,
        taken_back=0,
        given_back=0,
        refunded_amount=50.0,
        sale_total=200.0,
    ) == RefundShare(50, 0)


def test_second_full_refund_takes_and_gives_nothing_more():
    first = refund_share(
        earned=70,
        spent=300,
        taken_back=0,
        given_back=0,
        refunded_amount=100.0,
        sale_total=100.0,
    )
    second = refund_share(
        earned=70,
        spent=300,
        taken_back=first.take_back,
        given_back=first.give_back,
        refunded_amount=100.0,
        sale_total=100.0,
    )
    assert second == RefundShare(0, 0)


def test_refunds_never_exceed_the_sale_even_when_rounding_up():
    # 70 * 1/4 rounds up to 18, 70 * 3/4 to 53: together 71 without the cap.
    first = refund_share(
        earned=70,
        spent=0,
        taken_back=0,
        given_back=0,
        refunded_amount=25.0,
        sale_total=100.0,
    )
    second = refund_share(
        earned=70,
        spent=0,
        taken_back=first.take_back,
        given_back=0,
        refunded_amount=75.0,
        sale_total=100.0,
    )
    assert first.take_back + second.take_back == 70


def test_refund_share_refuses_negative_figures():
    with pytest.raises(ValueError):
        refund_share(
            earned=-1,
            spent=0,
            taken_back=0,
            given_back=0,
            refunded_amount=10.0,
            sale_total=10.0,
        )


@given(
    st.integers(0, 5000),
    st.integers(0, 5000),
    st.lists(st.floats(0, 200, allow_nan=False), max_size=6),
)
def test_refunds_together_never_exceed_what_the_sale_earned_and_spent(
    earned, spent, refunds
):
    taken = given = 0
    for amount in refunds:
        share = refund_share(
            earned=earned,
            spent=spent,
            taken_back=taken,
            given_back=given,
            refunded_amount=amount,
            sale_total=100.0,
        )
        assert share.take_back >= 0 and share.give_back >= 0
        taken += share.take_back
        given += share.give_back
    assert taken <= earned
    assert given <= spent
