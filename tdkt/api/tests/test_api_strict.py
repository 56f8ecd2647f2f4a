"""Request bodies are strict (issue 11, point 12): an unknown key, a string for a boolean, a string or a
fraction for an integer are refused with 422, a Vietnamese message naming the field, and nothing written;
legitimate JSON — ISO dates, enum values, decimals as strings or numbers — is still read."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from tdkt.api.errors import problem_from_ninja
from tdkt.api.routers.awards import DisciplineIn, RatingIn
from tdkt.api.schemas import InputSchema, TargetIn, ValueIn
from tdkt.api.tests.helpers import send
from tdkt.awards.tests.helpers import People, make_people, records_state
from tdkt.core.errors import Problem
from tdkt.core.personas import World
from tdkt.movements.models import Period, ReportValue, Target, TargetBasis


@pytest.fixture
def people(world: World) -> People:
    return make_people(world)


def _current(schema: type[InputSchema], body: dict[str, object]) -> dict[str, object]:
    """The body as a client reading the current state sends it: with `version` 0 (nothing stored yet) where
    the schema asks for the version it was read at."""
    return {"version": 0, **body} if "version" in schema.model_fields else body


def _targets_url(world: World) -> str:
    return f"/api/cluster-years/{world.cluster_year.pk}/targets"


def _target(world: World, **changes: object) -> dict[str, object]:
    return _current(
        TargetIn,
        {"unit_id": world.tien_phuoc.pk, "indicator_code": "T-THU", "value": "199121.158", **changes},
    )


def _targets() -> list[tuple[Any, ...]]:
    return list(Target.objects.order_by("pk").values_list())


def _problems(response: Any) -> list[dict[str, Any]]:
    assert response.status_code == 422, response.json()
    return response.json()["detail"]


def test_a_misspelled_key_is_422_naming_it_and_nothing_is_written(
    world: World, as_persona: Callable[[str], Client]
) -> None:
    before = _targets()
    response = send(as_persona("member"), "PUT", _targets_url(world), _target(world, refrence="NQ 12/HĐND"))
    assert _problems(response) == [
        {"message": "khóa không được phép: “refrence”", "row": None, "column": None, "field": "refrence"}
    ]
    assert _targets() == before


def test_the_string_false_is_not_a_boolean(world: World, as_persona: Callable[[str], Client]) -> None:
    before = list(ReportValue.objects.values_list())
    response = send(
        as_persona("member"),
        "PUT",
        f"/api/reports/{world.member_report.pk}/values",
        [_current(ValueIn, {"indicator_code": "T-NHA", "value": "754", "illustrative": "false"})],
    )
    assert _problems(response) == [
        {
            "message": "phải là true hoặc false, không phải chuỗi “false”",
            "row": 1,
            "column": None,
            "field": "illustrative",
        }
    ]
    assert list(ReportValue.objects.values_list()) == before


@pytest.mark.parametrize(("cycle", "sent"), [("2025", "chuỗi “2025”"), (True, "giá trị true")])
def test_a_string_or_a_boolean_is_not_an_integer(
    people: People, as_persona: Callable[[str], Client], cycle: object, sent: str
) -> None:
    before = records_state()
    response = send(
        as_persona("board"),
        "POST",
        f"/api/people/{people.binh.pk}/ratings",
        _current(RatingIn, {"cycle": cycle, "rating": "HTXSNV"}),
    )
    assert _problems(response) == [
        {"message": f"phải là số nguyên, không phải {sent}", "row": None, "column": None, "field": "cycle"}
    ]
    assert records_state() == before


def test_a_fraction_is_not_an_integer_in_a_nested_list(
    world: World, as_persona: Callable[[str], Client]
) -> None:
    problem = problem_from_ninja(
        {
            "type": "int_type",
            "loc": ("body", "payload", "pairs", 1, "scorer_id"),
            "msg": "Input should be a valid integer",
            "sent": "số 2.0",
        }
    )
    assert problem == Problem("phải là số nguyên, không phải số 2.0", row=2, field="pairs.scorer_id")


def test_iso_dates_enum_values_and_decimal_strings_are_still_read(
    world: World, people: People, as_persona: Callable[[str], Client]
) -> None:
    target = send(as_persona("member"), "PUT", _targets_url(world), _target(world, basis="registered"))
    assert target.status_code == 200, target.json()
    assert Target.objects.get(unit=world.tien_phuoc, indicator__code="T-THU", basis="registered").value == (
        Decimal("199121.158")
    )
    discipline = send(
        as_persona("board"),
        "POST",
        f"/api/people/{people.binh.pk}/disciplines",
        _current(
            DisciplineIn, {"level": 1, "start": "2025-02-01", "end": "2026-01-31", "decision_no": "4/QĐ-UBND"}
        ),
    )
    assert discipline.status_code == 201, discipline.json()


def test_a_wrong_enum_value_or_a_date_not_in_iso_form_is_422_naming_the_field(
    world: World, people: People, as_persona: Callable[[str], Client]
) -> None:
    before = _targets()
    response = send(as_persona("member"), "PUT", _targets_url(world), _target(world, basis="dang_ky"))
    (problem,) = _problems(response)
    assert problem["field"] == "basis"
    assert problem["message"].startswith("“dang_ky” không hợp lệ, cần một trong: ")
    assert _targets() == before
    records = records_state()
    response = send(
        as_persona("board"),
        "POST",
        f"/api/people/{people.binh.pk}/disciplines",
        _current(DisciplineIn, {"level": 1, "start": "01/02/2025", "end": 1767139200}),
    )
    assert {p["field"]: p["message"] for p in _problems(response)} == {
        "start": "phải là ngày theo dạng YYYY-MM-DD, không phải chuỗi “01/02/2025”",
        "end": "phải là ngày theo dạng YYYY-MM-DD, không phải số 1767139200",
    }
    assert records_state() == records


class _Probe(InputSchema):
    on: dt.date | None = None
    days: list[dt.date] = []
    period: Period = Period.YEAR_END
    basis: TargetBasis | None = None
    count: int = 0
    flag: bool = False


def test_the_input_base_reads_json_strings_for_dates_and_enums_only() -> None:
    probe = _Probe.model_validate(
        {"on": "2025-12-31", "days": ["2025-01-01"], "period": Period.MID_YEAR.value, "basis": "council"}
    )
    assert probe.on == dt.date(2025, 12, 31) and probe.days == [dt.date(2025, 1, 1)]
    assert probe.period is Period.MID_YEAR and probe.basis is TargetBasis.COUNCIL_RESOLUTION
    with pytest.raises(ValueError):
        _Probe.model_validate({"count": "1"})
    with pytest.raises(ValueError):
        _Probe.model_validate({"flag": 0})
    with pytest.raises(ValueError):
        _Probe.model_validate({"on": "20251231"})
