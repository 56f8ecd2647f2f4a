"""The API's number reading and its translation of request errors: pure, no database."""

from __future__ import annotations

from decimal import Decimal

import pytest
from pydantic_core import PydanticCustomError

from tdkt.api.errors import problem_from_ninja
from tdkt.api.schemas import parse_decimal, plain, stored
from tdkt.core.errors import Problem


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("199121.158", Decimal("199121.158")),
        ("199.121,158", Decimal("199121.158")),
        ("54,9%", Decimal("54.9")),
        ("1.234.567", Decimal("1234567")),
        ("1234", Decimal("1234")),
        (" -12.5 ", Decimal("-12.5")),
        ("260000.0000", Decimal("260000")),
        (Decimal("0.1"), Decimal("0.1")),
        (787, Decimal("787")),
        ("999999999999999", Decimal("999999999999999")),
    ],
)
def test_parse_decimal_reads_machine_and_vietnamese_numbers(raw: object, expected: Decimal) -> None:
    assert parse_decimal(raw) == expected


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        ("199.121", "number_ambiguous"),
        ("1.000", "number_ambiguous"),
        ("abc", "number"),
        ("1e5", "number"),
        ("1,5.2", "number"),
        ("0.00001", "number_too_precise"),
        ("1234567890123.4567", "number_too_long"),
        ("10000000000000000", "number_too_large"),
    ],
)
def test_parse_decimal_refuses_what_it_cannot_store_exactly(raw: object, kind: str) -> None:
    with pytest.raises(PydanticCustomError) as caught:
        parse_decimal(raw)
    assert caught.value.type == kind


def test_an_ambiguous_number_is_explained_both_ways() -> None:
    with pytest.raises(PydanticCustomError) as caught:
        parse_decimal("1.500")
    assert caught.value.message() == (
        "“1.500” có thể là 1,5 hoặc 1.500: hãy viết “1.5” hoặc “1500”, hoặc theo kiểu Việt Nam “1,5” hoặc “1.500,0”"
    )


def test_what_the_api_sends_it_reads_back_unchanged() -> None:
    for value in (Decimal("1.234"), Decimal("199121.158"), Decimal("1.5"), Decimal("0")):
        assert parse_decimal(stored(value)) == value


def test_numbers_leave_the_api_as_fixed_point_strings() -> None:
    assert stored(Decimal("260000")) == "260000.0000"
    assert stored(Decimal("1E+5")) == "100000.0000"
    assert stored(None) is None
    assert plain(Decimal("104.00")) == "104.00"


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (
            {"type": "missing", "loc": ("body", "payload", "indicator_code"), "msg": "Field required"},
            Problem("thiếu giá trị bắt buộc", field="indicator_code"),
        ),
        (
            {"type": "number", "loc": ("body", "payload", 2, "value"), "msg": "“x” không phải là số"},
            Problem("“x” không phải là số", row=3, field="value"),
        ),
        (
            {
                "type": "enum",
                "loc": ("query", "period"),
                "msg": "Input should be 'mid_year' or 'year_end'",
                "ctx": {"expected": "'mid_year' or 'year_end'"},
            },
            Problem("phải là một trong các giá trị: 'mid_year' hoặc 'year_end'", field="period"),
        ),
        (
            {"type": "list_type", "loc": ("body", "payload"), "msg": "Input should be a valid list"},
            Problem("phải là một danh sách"),
        ),
        (
            {"type": "something_rare", "loc": ("path", "cy_id"), "msg": "Something rare"},
            Problem("Something rare", field="cy_id"),
        ),
    ],
)
def test_request_errors_become_problems_with_row_and_field(error: dict, expected: Problem) -> None:
    assert problem_from_ninja(error) == expected
