"""No lost updates through the API: two clients read the same thing, both write with the version they read;
the second gets 422 with a Vietnamese message saying what changed, and the first one's values stay."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client

from tdkt.api.tests.helpers import send
from tdkt.awards.models import TaskRating
from tdkt.awards.tests.helpers import People, make_people
from tdkt.core.personas import World
from tdkt.movements.models import ReportValue, Target


@pytest.fixture
def people(world: World) -> People:
    return make_people(world)


def _version_of(body: dict, code: str) -> int:
    return next(v["version"] for v in body["values"] if v["indicator_code"] == code)


def test_the_second_of_two_value_writes_is_422_naming_what_changed(
    world: World, as_persona: Callable[[str], Client]
) -> None:
    url = f"/api/reports/{world.member_report.pk}"
    first, second = as_persona("member"), as_persona("board")
    read_a, read_b = first.get(url).json(), second.get(url).json()
    assert _version_of(read_a, "T-THU") == 1

    row = {"indicator_code": "T-THU", "version": _version_of(read_a, "T-THU")}
    response = send(first, "PUT", f"{url}/values", [{**row, "value": "300000"}])
    assert response.status_code == 200 and _version_of(response.json(), "T-THU") == 2
    row = {"indicator_code": "T-THU", "version": _version_of(read_b, "T-THU")}
    response = send(second, "PUT", f"{url}/values", [{**row, "value": "280000"}])

    assert response.status_code == 422
    [problem] = response.json()["detail"]
    assert problem["field"] == "T-THU"
    assert "đã được người khác thay đổi sau khi bạn mở (phiên bản 1 → 2)" in problem["message"]
    assert "kết quả: 260.000 → 300.000" in problem["message"]
    stored = ReportValue.objects.get(report=world.member_report, indicator=world.revenue)
    assert (stored.value, stored.version) == (Decimal("300000"), 2)


def test_a_refused_row_writes_no_other_row(world: World, as_persona: Callable[[str], Client]) -> None:
    url = f"/api/reports/{world.member_report.pk}/values"
    rows = [
        {"indicator_code": "T-THU", "value": "300000", "version": 7},  # not the version stored
        {"indicator_code": "T-NHA", "value": "12", "version": 0},
    ]
    response = send(as_persona("member"), "PUT", url, rows)
    assert response.status_code == 422
    assert not ReportValue.objects.filter(report=world.member_report, indicator=world.houses).exists()


def test_a_value_write_without_its_version_is_422(world: World, as_persona: Callable[[str], Client]) -> None:
    url = f"/api/reports/{world.member_report.pk}/values"
    response = send(as_persona("member"), "PUT", url, [{"indicator_code": "T-THU", "value": "1"}])
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "version"


def test_the_second_of_two_target_writes_is_422_naming_what_changed(
    world: World, as_persona: Callable[[str], Client]
) -> None:
    url = f"/api/cluster-years/{world.cluster_year.pk}/targets"
    first, second = as_persona("member"), as_persona("board")

    def read(client: Client) -> int:
        return next(
            t["version"]
            for t in client.get(url).json()
            if t["unit"]["id"] == world.tien_phuoc.pk
            and t["indicator_code"] == "T-THU"
            and t["basis"] == "province"
        )

    seen_a, seen_b = read(first), read(second)
    body = {"unit_id": world.tien_phuoc.pk, "indicator_code": "T-THU", "basis": "province"}
    assert send(first, "PUT", url, {**body, "value": "310000", "version": seen_a}).status_code == 200
    response = send(second, "PUT", url, {**body, "value": "290000", "version": seen_b})

    assert response.status_code == 422
    [problem] = response.json()["detail"]
    assert problem["field"] == "version"
    assert "(phiên bản 1 → 2)" in problem["message"] and "chỉ tiêu: 250.000 → 310.000" in problem["message"]
    stored = Target.objects.get(
        cluster_year=world.cluster_year, unit=world.tien_phuoc, indicator=world.revenue, basis="province"
    )
    assert stored.value == Decimal("310000")


def test_two_first_ratings_of_the_same_year_count_once(
    world: World, people: People, as_persona: Callable[[str], Client]
) -> None:
    url = f"/api/people/{people.binh.pk}/ratings"
    first, second = as_persona("member"), as_persona("board")
    assert send(first, "POST", url, {"cycle": 2025, "rating": "HTXSNV", "version": 0}).status_code == 201
    response = send(second, "POST", url, {"cycle": 2025, "rating": "HTNV", "version": 0})

    assert response.status_code == 422
    [problem] = response.json()["detail"]
    assert (
        "xếp loại năm 2025 của Trần Văn Bình đã được người khác thay đổi sau khi bạn mở (phiên bản 0 → 1)"
        in problem["message"]
    )
    assert "xếp loại: (trống) → Hoàn thành xuất sắc nhiệm vụ" in problem["message"]
    assert TaskRating.objects.get(person=people.binh, cycle=2025).rating == 4


def test_a_rating_set_again_over_a_newer_version_is_422(
    world: World, people: People, as_persona: Callable[[str], Client]
) -> None:
    url = f"/api/people/{people.lan.pk}/ratings"
    read = {
        r["cycle"]: r["version"]
        for r in as_persona("board").get(f"/api/people/{people.lan.pk}").json()["ratings"]
    }
    first = send(as_persona("member"), "POST", url, {"cycle": 2024, "rating": "HTTNV", "version": read[2024]})
    assert first.status_code == 200 and first.json()["version"] == 2
    again = send(as_persona("board"), "POST", url, {"cycle": 2024, "rating": "HTNV", "version": read[2024]})
    assert again.status_code == 422
    assert (
        "xếp loại: Hoàn thành xuất sắc nhiệm vụ → Hoàn thành tốt nhiệm vụ"
        in again.json()["detail"][0]["message"]
    )
    assert TaskRating.objects.get(person=people.lan, cycle=2024).rating == 3
