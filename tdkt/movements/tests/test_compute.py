from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from tdkt.movements.compute import achievement, change_on_prior


def test_seed_001_phuoc_son_revenue_against_the_council_target() -> None:
    # 380.000 of 401.950 million VND: the seed reports 94,5 %
    result = achievement(Decimal("380000"), Decimal("401950"), direction="higher", kind="amount")
    assert result.percent == Decimal("94.54")
    assert result.met is False
    assert result.explanation == "380.000 ÷ 401.950 × 100 = 94,54%"


def test_exactly_on_target_is_met() -> None:
    result = achievement(Decimal("100"), Decimal("100"), direction="higher", kind="percentage")
    assert result.met is True and result.percent == Decimal("100.00")


def test_lower_is_better_reads_above_100_when_the_target_is_beaten() -> None:
    result = achievement(Decimal("2"), Decimal("3"), direction="lower", kind="rank")
    assert result.met is True
    assert result.percent == Decimal("150.00")
    assert "càng thấp càng tốt" in result.explanation


def test_lower_is_better_with_a_zero_value_has_no_percentage_but_is_met() -> None:
    result = achievement(Decimal("0"), Decimal("5"), direction="lower", kind="percentage")
    assert result.percent is None and result.met is True


def test_zero_target_has_no_percentage() -> None:
    result = achievement(Decimal("5"), Decimal("0"), direction="higher", kind="count")
    assert result.percent is None and result.met is True


def test_yes_no_is_met_or_not_without_a_percentage() -> None:
    assert achievement(Decimal(1), Decimal(1), direction="higher", kind="yes_no").met is True
    assert achievement(Decimal(0), Decimal(1), direction="higher", kind="yes_no").met is False


def test_no_target_says_so() -> None:
    result = achievement(Decimal(5), None, direction="higher", kind="count")
    assert result.met is None and result.explanation == "Chưa đăng ký chỉ tiêu"


def test_seed_001_dong_giang_change_on_the_year_before() -> None:
    change = change_on_prior(Decimal("199121.158"), Decimal("153835.232"))
    assert change.delta == Decimal("45285.926")
    assert change.percent == Decimal("29.44")  # the seed truncates to 29,43 %


def test_change_without_prior_or_from_zero() -> None:
    assert change_on_prior(Decimal(5), None).percent is None
    zero = change_on_prior(Decimal(5), Decimal(0))
    assert zero.percent is None and zero.delta == Decimal(5)


@given(
    st.decimals(min_value=Decimal("0.01"), max_value=Decimal("1e9"), places=2),
    st.decimals(min_value=Decimal("0.01"), max_value=Decimal("1e9"), places=2),
)
def test_met_agrees_with_the_percentage(value: Decimal, target: Decimal) -> None:
    result = achievement(value, target, direction="higher", kind="amount")
    assert result.percent is not None
    if result.met:
        assert result.percent >= 100
    if result.percent < 100:
        assert not result.met
