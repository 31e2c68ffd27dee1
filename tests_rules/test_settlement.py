import pytest
from hypothesis import given
from hypothesis import strategies as st

from dental_loyalty.rules import (
    SaleLine,
    bonus_points,
    cumulative_refund_share,
    money_share,
    points_rounded_off,
    refund_money_cap,
)
from dental_loyalty.rules.settlement import RefundShare

# money_share


def test_money_share_of_a_bill_partly_paid_with_points():
    assert money_share(760.0, 130.0) == pytest.approx(630 / 760)


def test_money_share_of_a_bill_paid_only_with_money_or_points():
    assert money_share(100.0, 0.0) == 1.0
    assert money_share(100.0, 100.0) == 0.0


@pytest.mark.parametrize("bill_total", [0.0, -50.0])
def test_money_share_of_an_empty_or_refund_bill_is_zero(bill_total):
    assert money_share(bill_total, 0.0) == 0.0


def test_money_share_is_not_rounded():
    # Rounded to 0.333333, a third of 3000 points came back as 999.999: 999.
    assert money_share(3000.0, 2000.0) * 3000.0 == pytest.approx(1000.0, abs=1e-9)
    assert (
        bonus_points([SaleLine(30, 100, 3000.0, 3000.0)], money_share(3000.0, 2000.0))
        == 1000
    )


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


# cumulative_refund_share


def _refund_in_pieces(earned, spent, pieces, sale_total, give=True):
    """Run refunds of ``pieces`` (amounts) one after the other, each taking back
    and giving back all it may; returns the running totals after each."""
    taken = given = 0
    refunded = 0.0
    steps = []
    for piece in pieces:
        share = cumulative_refund_share(
            earned=earned,
            spent=spent,
            taken_back=taken,
            given_back=given,
            refunded_before=refunded,
            refunded_now=piece,
            sale_total=sale_total,
        )
        assert share.take_back >= 0 and share.give_back >= 0
        taken += share.take_back
        given += share.give_back if give else 0
        refunded += piece
        steps.append((taken, given))
    return steps


def test_three_thirds_take_back_everything():
    # Per piece, 70 / 3 rounds to 23 three times: 69, one point kept.
    assert _refund_in_pieces(70, 0, [10.0, 10.0, 10.0], 30.0)[-1] == (70, 0)


def test_a_refund_of_nothing_moves_nothing():
    share = cumulative_refund_share(
        earned=70,
        spent=300,
        taken_back=0,
        given_back=0,
        refunded_before=0.0,
        refunded_now=0.0,
        sale_total=100.0,
    )
    assert share == RefundShare(0, 0)


def test_a_refund_of_a_discount_line_alone_moves_nothing():
    # A voucher's line is worth -15 of a 65 bill: returning it alone returns
    # no part of what the bill earned.
    assert _refund_in_pieces(65, 0, [-15.0], 65.0) == [(0, 0)]
    # The rest returned after it: the whole bill, all of it taken back.
    assert _refund_in_pieces(65, 0, [-15.0, 80.0], 65.0)[-1] == (65, 0)


def test_a_later_refund_catches_up_what_an_earlier_one_could_not_give():
    # The first refund gave back nothing of the 300 points it could; the second
    # may give back the whole sale's share.
    share = cumulative_refund_share(
        earned=0,
        spent=300,
        taken_back=0,
        given_back=0,
        refunded_before=50.0,
        refunded_now=50.0,
        sale_total=100.0,
    )
    assert share.give_back == 300


def test_refunds_beyond_the_sale_take_nothing_more():
    steps = _refund_in_pieces(70, 300, [100.0, 100.0], 100.0)
    assert steps == [(70, 300), (70, 300)]


def test_cumulative_refund_share_refuses_negative_figures():
    with pytest.raises(ValueError):
        cumulative_refund_share(
            earned=1,
            spent=0,
            taken_back=-1,
            given_back=0,
            refunded_before=0.0,
            refunded_now=1.0,
            sale_total=1.0,
        )


@st.composite
def _sale_cut_in_pieces(draw):
    """A sale's total, and refunds of it that together return it all."""
    total = draw(st.floats(0.01, 100_000, allow_nan=False))
    weights = draw(st.lists(st.integers(0, 1000), min_size=1, max_size=12))
    if not any(weights):
        weights[-1] = 1
    whole = sum(weights)
    pieces = [total * weight / whole for weight in weights[:-1]]
    pieces.append(total - sum(pieces))
    return total, pieces


@given(st.integers(0, 100_000), st.integers(0, 100_000), _sale_cut_in_pieces())
def test_refunds_summing_to_the_whole_take_back_exactly_what_was_earned(
    earned, spent, sale
):
    total, pieces = sale
    steps = _refund_in_pieces(earned, spent, pieces, total)
    assert steps[-1] == (earned, spent)
    # Never more on the way there.
    assert all(taken <= earned and given <= spent for taken, given in steps)


@given(st.integers(0, 100_000), _sale_cut_in_pieces())
def test_at_each_step_the_refunds_hold_their_share_within_one_point(earned, sale):
    total, pieces = sale
    refunded = 0.0
    for (taken, _given), piece in zip(
        _refund_in_pieces(earned, 0, pieces, total), pieces, strict=True
    ):
        refunded += piece
        assert abs(taken - earned * min(refunded / total, 1.0)) <= 1


@given(
    st.integers(0, 5000),
    st.integers(0, 5000),
    st.lists(st.floats(-200, 200, allow_nan=False), max_size=8),
    st.booleans(),
)
def test_any_refunds_stay_within_what_the_sale_earned_and_spent(
    earned, spent, pieces, give
):
    # Whatever the register sends (pieces beyond the sale, negative pieces, a
    # give-back left out), the running totals never pass the sale's figures.
    for taken, returned in _refund_in_pieces(earned, spent, pieces, 100.0, give):
        assert 0 <= taken <= earned
        assert 0 <= returned <= spent


# refund_money_cap


def test_refund_money_cap_of_a_sale_partly_paid_with_points():
    # 300.00 of goods, 90.00 paid with points: all of it returned pays 210.00.
    assert refund_money_cap(
        sale_money=210.0, goods_total=300.0, returned_goods=300.0
    ) == pytest.approx(210.0)
    assert refund_money_cap(
        sale_money=210.0, goods_total=300.0, returned_goods=100.0
    ) == pytest.approx(70.0)


def test_refund_money_cap_of_a_voucher_bill_is_the_money_it_took():
    # 10 x 90.00 less a 90.00 voucher, paid 810.00: the goods alone pay 810.00.
    assert refund_money_cap(
        sale_money=810.0, goods_total=900.0, returned_goods=900.0
    ) == pytest.approx(810.0)


@pytest.mark.parametrize(
    ("sale_money", "goods_total", "returned_goods"),
    [(0.0, 100.0, 100.0), (-5.0, 100.0, 50.0), (100.0, 0.0, 10.0), (100.0, 100.0, 0.0)],
)
def test_refund_money_cap_is_zero_without_money_goods_or_returns(
    sale_money, goods_total, returned_goods
):
    assert (
        refund_money_cap(
            sale_money=sale_money,
            goods_total=goods_total,
            returned_goods=returned_goods,
        )
        == 0.0
    )


_money = st.floats(min_value=0, max_value=1e6, allow_nan=False)


@given(
    sale_money=_money,
    goods_total=st.floats(min_value=0.01, max_value=1e6),
    pieces=st.lists(st.floats(min_value=0, max_value=1), min_size=1, max_size=6),
)
def test_refund_money_cap_grows_with_returns_and_never_passes_the_money(
    sale_money, goods_total, pieces
):
    """However the goods are returned in pieces, the cap over all the refunds
    so far grows with them, never passes what the sale took in money, and is
    all of it once all the goods are back."""
    returned = 0.0
    cap = 0.0
    for piece in pieces:
        returned += piece * goods_total / len(pieces)
        now = refund_money_cap(
            sale_money=sale_money, goods_total=goods_total, returned_goods=returned
        )
        assert now >= cap - 1e-6
        assert now <= sale_money + 1e-6
        cap = now
    everything = refund_money_cap(
        sale_money=sale_money, goods_total=goods_total, returned_goods=goods_total
    )
    assert everything == pytest.approx(sale_money, abs=1e-5)


# points_rounded_off


def test_points_rounded_off_is_the_part_of_a_point_whole_points_leave():
    # Four sevenths of 1,000 points: 571.43, given back as 571.
    assert points_rounded_off(
        spent=1000, refunded_so_far=200.0, sale_total=350.0
    ) == pytest.approx(0.428571, abs=1e-6)


def test_points_rounded_up_leave_nothing_over():
    # One seventh: 142.86, given back as 143.
    assert points_rounded_off(spent=1000, refunded_so_far=50.0, sale_total=350.0) == 0.0


@pytest.mark.parametrize(
    ("spent", "refunded_so_far", "sale_total"),
    [(0, 50.0, 350.0), (1000, 0.0, 350.0), (1000, 50.0, 0.0), (1000, 350.0, 350.0)],
)
def test_nothing_spent_refunded_or_left_over(spent, refunded_so_far, sale_total):
    assert (
        points_rounded_off(
            spent=spent, refunded_so_far=refunded_so_far, sale_total=sale_total
        )
        == 0.0
    )
