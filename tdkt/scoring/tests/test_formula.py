from decimal import Decimal

import pytest

from tdkt.scoring.formula import FormulaError, parse

D = Decimal


@pytest.mark.parametrize(
    ("text", "values", "expected"),
    [
        ("a + b * 2", {"a": D(1), "b": D(3)}, D(7)),
        ("min(a, 10) - max(b, 0)", {"a": D(12), "b": D(-1)}, D(10)),
        ("clamp(x / 2, 0, 5)", {"x": D(14)}, D(5)),
        ("10 if x >= 100 else 5", {"x": D("99.99")}, D(5)),
        ("(x > 1) and (y < 2)", {"x": D(2), "y": D(1)}, D(1)),
        ("not x", {"x": D(0)}, D(1)),
        ("round(x, 2)", {"x": D("1.005")}, D("1.01")),
        ("-abs(x)", {"x": D(-3)}, D(-3)),
        ("0 < x <= 5", {"x": D(5)}, D(1)),
    ],
)
def test_formulas_evaluate_in_decimal(text: str, values: dict[str, Decimal], expected: Decimal) -> None:
    assert parse(text).evaluate(values) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("__import__('os').system('ls')", "không"),
        ("a.b", "Attribute"),
        ("a[0]", "Subscript"),
        ("lambda: 1", "Lambda"),
        ("'x'", "chỉ dùng số"),
        ("open(1)", "hàm “open” không có"),
        ("a ** 2", "chỉ dùng"),
        ("a +", "sai cú pháp"),
        ("min", "phải gọi kèm ngoặc"),
        ("", "trống"),
        ("x" * 600, "dài quá"),
        ("-" * 40 + "1", "sâu"),
    ],
)
def test_unsafe_or_malformed_formulas_are_refused(text: str, message: str) -> None:
    with pytest.raises(FormulaError, match=message):
        parse(text)


def test_unknown_names_are_refused_when_the_names_are_known() -> None:
    with pytest.raises(FormulaError, match="tên không có: z"):
        parse("x + z", allowed_names={"x"})


def test_missing_value_and_division_by_zero_say_so() -> None:
    with pytest.raises(FormulaError, match="thiếu giá trị cho: y"):
        parse("x + y").evaluate({"x": D(1)})
    with pytest.raises(FormulaError, match="chia cho 0"):
        parse("x / y").evaluate({"x": D(1), "y": D(0)})
