import pytest
from hypothesis import given
from hypothesis import strategies as st

from dental_loyalty.rules import voucher_discount


def test_a_fixed_voucher_takes_its_amount_off():
    assert voucher_discount(200.0, 0.0, 100.0, amount=50.0) == 50.0


def test_a_percentage_voucher_takes_its_share_of_the_bill():
    assert voucher_discount(200.0, 0.0, 100.0, percent=15.0) == pytest.approx(30.0)


def test_a_fixed_voucher_ignores_the_percentage():
    assert voucher_discount(200.0, 0.0, 100.0, amount=10.0, percent=50.0) == 10.0


def test_the_coverage_caps_the_discount():
    # A 100 voucher on a bill of 120 that it may cover at most half of.
    assert voucher_discount(120.0, 0.0, 50.0, amount=100.0) == pytest.approx(60.0)


def test_other_vouchers_leave_only_the_rest_of_the_bill():
    assert voucher_discount(100.0, 80.0, 100.0, amount=50.0) == pytest.approx(20.0)


def test_a_bill_already_covered_leaves_nothing():
    assert voucher_discount(100.0, 100.0, 100.0, amount=50.0) == 0.0
    assert voucher_discount(100.0, 130.0, 100.0, amount=50.0) == 0.0


@pytest.mark.parametrize("bill_total", [0.0, -40.0])
def test_an_empty_or_refund_bill_takes_nothing(bill_total):
    assert voucher_discount(bill_total, 0.0, 100.0, amount=50.0) == 0.0
    assert voucher_discount(bill_total, 0.0, 100.0, percent=20.0) == 0.0


amounts = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)


@given(
    bill_total=amounts,
    covered=st.floats(min_value=0, max_value=1e6),
    max_coverage=st.floats(min_value=0.01, max_value=100),
    amount=st.none() | st.floats(min_value=0, max_value=1e6),
    percent=st.floats(min_value=0, max_value=100),
)
def test_the_discount_stays_within_the_bill_its_cap_and_zero(
    bill_total, covered, max_coverage, amount, percent
):
    discount = voucher_discount(
        bill_total, covered, max_coverage, amount=amount, percent=percent
    )
    bill = max(bill_total, 0.0)
    assert 0.0 <= discount <= max(bill - covered, 0.0)
    assert discount <= bill * max_coverage / 100


def test_a_scoped_percentage_counts_only_the_lines_in_scope():
    # 10 % off whitening on a bill of 150 of which whitening is 40.
    assert voucher_discount(
        150.0, 0.0, 100.0, percent=10.0, scope_total=40.0
    ) == pytest.approx(4.0)


def test_a_scoped_fixed_discount_takes_at_most_the_lines_in_scope():
    assert voucher_discount(150.0, 0.0, 100.0, amount=50.0, scope_total=30.0) == 30.0


def test_a_bill_without_the_scope_gets_nothing():
    assert voucher_discount(150.0, 0.0, 100.0, percent=10.0, scope_total=0.0) == 0.0


_money = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)
_share = st.floats(min_value=0.0, max_value=100.0, allow_nan=False)


@given(
    bill=_money,
    covered=_money,
    scope=_money,
    coverage=_share,
    percent=_share,
    amount=st.one_of(st.none(), st.floats(min_value=0.0, max_value=1e6)),
)
def test_a_scoped_discount_stays_within_its_lines_and_its_cap(
    *, bill, covered, scope, coverage, percent, amount
):
    discount = voucher_discount(
        bill, covered, coverage, amount=amount, percent=percent, scope_total=scope
    )
    in_scope = min(max(scope, 0.0), max(bill, 0.0))
    assert 0.0 <= discount <= in_scope + 1e-9
    assert discount <= in_scope * coverage / 100 + 1e-9
    assert discount <= max(max(bill, 0.0) - covered, 0.0) + 1e-9


def test_a_second_scoped_voucher_is_priced_on_what_the_first_left():
    # Whitening 400 on a bill of 1100: 100 % off it, then 50 % off it.
    first = voucher_discount(1100.0, 0.0, 100.0, percent=100.0, scope_total=400.0)
    second = voucher_discount(1100.0, first, 50.0, percent=50.0, scope_total=400.0)
    assert (first, second) == (400.0, 0.0)


@given(
    bill=st.floats(min_value=0.0, max_value=1e6, allow_nan=False),
    scope=_money,
    vouchers=st.lists(
        st.tuples(
            _share,
            _share,
            st.one_of(st.none(), st.floats(min_value=0.0, max_value=1e6)),
        ),
        max_size=6,
    ),
)
def test_the_discounts_on_a_scope_never_exceed_its_total(bill, scope, vouchers):
    covered = 0.0
    for coverage, percent, amount in vouchers:
        covered += voucher_discount(
            bill, covered, coverage, amount=amount, percent=percent, scope_total=scope
        )
    assert covered <= min(max(scope, 0.0), bill) + 1e-6
