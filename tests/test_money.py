"""Decimal amounts, shares and changes: property tests."""

from decimal import Decimal

import pytest
from hypothesis import given, settings, strategies as st

from generator.money import Change, D, largest_remainder, round2

amounts = st.decimals(min_value=0, max_value=Decimal("99999999.99"), places=2, allow_nan=False, allow_infinity=False)


def test_D_refuses_float():
    with pytest.raises(TypeError):
        D(0.1)
    assert D("0.10") == Decimal("0.10")


def test_round_half_up():
    assert round2(Decimal("0.005")) == Decimal("0.01")
    assert round2(Decimal("2.675")) == Decimal("2.68")  # float would give 2.67


@given(st.lists(amounts, min_size=1, max_size=30))
def test_shares_of_a_partition_add_up_to_exactly_100(parts):
    shares = largest_remainder(parts)
    if sum(parts) == 0:
        assert all(s == 0 for s in shares)
    else:
        assert sum(shares) == Decimal("100.00")
        assert all(s >= 0 for s in shares)
        for p, s in zip(parts, shares):  # each share is within one unit of the exact value
            assert abs(s - p * 100 / sum(parts)) < Decimal("0.01")


def test_shares_known_case():
    assert largest_remainder([Decimal(1), Decimal(1), Decimal(1)]) == [Decimal("33.34"), Decimal("33.33"), Decimal("33.33")]


@given(amounts, amounts)
def test_change_words_follow_the_sign(this, last):
    ch = Change(this, last)
    text = ch.describe()
    delta = round2(this - last)
    if last == 0 and this != 0:
        assert "新增" in text and "增长" not in text
    elif delta > 0:
        assert "增加" in text and "增长" in text and "减少" not in text
    elif delta < 0:
        assert "减少" in text and "下降" in text and "增加" not in text
    else:
        assert "持平" in text


def test_percent_is_on_last_year():
    # the kezhou source divided by this year (13.63%); the right base is last year
    assert Change(Decimal("207.7"), Decimal("236.0")).describe("上年执行数") == "比上年执行数减少28.30万元，下降11.99%"
    assert "下降8.41%" in Change(Decimal("14.27"), Decimal("15.58")).describe()


def test_last_year_zero_is_new_never_growth_zero():
    assert Change(Decimal(5), Decimal(0)).describe() == "比上年新增5.00万元"
