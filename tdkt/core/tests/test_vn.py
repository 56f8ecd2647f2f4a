from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tdkt.core.vn import NumberFormatError, fold, format_number, format_percent, parse_date, parse_number


@pytest.mark.parametrize(
    ("raw", "value", "percent"),
    [
        ("199.121,158", Decimal("199121.158"), False),
        ("54,9%", Decimal("54.9"), True),
        ("127,04 %", Decimal("127.04"), True),
        ("1.234", Decimal("1234"), False),
        ("1,234", Decimal("1.234"), False),
        ("380.000", Decimal("380000"), False),
        ("199121.158", Decimal("199121.158"), False),
        ("-12,5", Decimal("-12.5"), False),
        (54.9, Decimal("54.9"), False),
        (787, Decimal("787"), False),
        ("\u00a0787 ", Decimal("787"), False),
    ],
)
def test_vietnamese_and_native_numbers_are_read_exactly(raw: object, value: Decimal, percent: bool) -> None:
    parsed = parse_number(raw)
    assert parsed.value == value
    assert parsed.is_percent is percent


@pytest.mark.parametrize("raw", ["", "abc", "12,3,4", "1.23.4,5,6", "12a", True, None, float("nan"), "--1"])
def test_non_numbers_are_refused_in_vietnamese(raw: object) -> None:
    with pytest.raises(NumberFormatError) as info:
        parse_number(raw)
    assert any(word in str(info.value) for word in ("số", "trống", "kiểu"))


def test_english_grouping_is_refused_with_a_hint() -> None:
    with pytest.raises(NumberFormatError, match="kiểu Việt Nam"):
        parse_number("199,121.158")


def test_format_number_groups_thousands_with_dots() -> None:
    assert format_number(Decimal("199121.158")) == "199.121,158"
    assert format_number(Decimal("-1234567")) == "-1.234.567"
    assert format_number(Decimal("94.5454"), 2) == "94,55"
    assert format_number(None) == "—"


def test_format_percent_drops_trailing_zeros() -> None:
    assert format_percent(Decimal("96.00")) == "96%"
    assert format_percent(Decimal("54.90")) == "54,9%"
    assert format_percent(Decimal("127.045")) == "127,05%"


@given(st.decimals(min_value=Decimal("-1e12"), max_value=Decimal("1e12"), places=3, allow_nan=False))
def test_formatted_numbers_parse_back_to_the_same_value(value: Decimal) -> None:
    assert parse_number(format_number(value)).value == value


def test_dates_are_read_day_first() -> None:
    import datetime as dt

    assert parse_date("27/3/2025") == dt.date(2025, 3, 27)
    with pytest.raises(NumberFormatError):
        parse_date("31/02/2024")
    with pytest.raises(NumberFormatError):
        parse_date("2024-03-27")


def test_fold_strips_diacritics_and_d_bar() -> None:
    assert fold("Huyện Phước Sơn") == "huyen phuoc son"
    assert fold("Đông  Giang") == "dong giang"


def test_zero_is_never_negative() -> None:
    assert format_number(Decimal("-0")) == "0"
    assert format_number(Decimal("-0.001"), 2) == "0,00"
