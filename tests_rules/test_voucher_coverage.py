import pytest

from dental_loyalty.rules import voucher_coverage


def test_a_fixed_voucher_takes_its_amount():
    assert voucher_coverage(
        bill_total=200.0, covered=0.0, max_coverage=100.0, amount=50.0
    ) == pytest.approx(50.0)


def test_a_percentage_voucher_takes_its_share_of_the_bill():
    assert voucher_coverage(
        bill_total=200.0, covered=0.0, max_coverage=100.0, percent=10.0
    ) == pytest.approx(20.0)


def test_the_reward_caps_what_a_voucher_covers():
    assert voucher_coverage(
        bill_total=200.0, covered=0.0, max_coverage=20.0, amount=50.0
    ) == pytest.approx(40.0)


def test_other_vouchers_leave_only_the_rest_of_the_bill():
    assert voucher_coverage(
        bill_total=60.0, covered=30.0, max_coverage=100.0, amount=50.0
    ) == pytest.approx(30.0)


def test_a_covered_or_negative_bill_takes_nothing():
    assert voucher_coverage(
        bill_total=60.0, covered=60.0, max_coverage=100.0, amount=50.0
    ) == pytest.approx(0.0)
    assert voucher_coverage(
        bill_total=-10.0, covered=0.0, max_coverage=100.0, percent=50.0
    ) == pytest.approx(0.0)
