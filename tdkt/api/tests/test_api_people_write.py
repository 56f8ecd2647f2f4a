"""POST /api/people/{id}/transfer and /position, and a unit's staff list by Excel: the sending unit's staff
and the board write, refusals are 422 with nothing written, others 404/403, the public 401."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tdkt.api.tests.helpers import send
from tdkt.core.personas import World
from tdkt.org.models import Employment, Person
from tdkt.org.services import person_create
from tdkt.org.tests.test_staff_xlsx import ROWS, workbook


@pytest.fixture
def person(world: World) -> Person:
    return person_create(
        actor=None,
        full_name="Hồ Thị Lan",
        gender="nu",
        unit=world.tien_phuoc,
        start=dt.date(2021, 3, 1),
        position="Chuyên viên",
        code="T-CB-01",
    )


def _rows() -> list[tuple]:
    return list(Employment.objects.order_by("pk").values_list())


def test_the_sending_units_staff_transfer_a_person(
    world: World, person: Person, as_persona: Callable[[str], Client]
) -> None:
    body = {
        "to_unit_id": world.phuoc_son.pk,
        "on": "2024-07-01",
        "position": "Phó Trưởng phòng",
        "reason": "QĐ 12",
    }
    response = send(as_persona("member"), "post", f"/api/people/{person.pk}/transfer", body)
    assert response.status_code == 201, response.json()
    assert response.json()["unit"]["id"] == world.phuoc_son.pk and response.json()["start"] == "2024-07-01"
    old = person.employments.get(unit=world.tien_phuoc)
    assert old.end == dt.date(2024, 6, 30)


@pytest.mark.parametrize(("persona", "status"), [("outsider", 404), ("public", 401), ("head", 404)])
def test_others_may_not_transfer(
    world: World, person: Person, as_persona: Callable[[str], Client], persona: str, status: int
) -> None:
    before = _rows()
    body = {"to_unit_id": world.phuoc_son.pk, "on": "2024-07-01", "reason": "QĐ 12"}
    assert send(as_persona(persona), "post", f"/api/people/{person.pk}/transfer", body).status_code == status
    body = {"on": "2024-07-01", "position": "Trưởng phòng", "reason": "QĐ 12"}
    assert send(as_persona(persona), "post", f"/api/people/{person.pk}/position", body).status_code == status
    assert _rows() == before


def test_a_former_units_staff_see_the_person_but_get_403(
    world: World, person: Person, as_persona: Callable[[str], Client]
) -> None:
    body = {"to_unit_id": world.phuoc_son.pk, "on": "2024-07-01", "reason": "QĐ 12"}
    assert send(as_persona("board"), "post", f"/api/people/{person.pk}/transfer", body).status_code == 201
    before = _rows()
    body = {"to_unit_id": world.dien_ban.pk, "on": "2025-01-01", "reason": "QĐ 13"}
    assert send(as_persona("member"), "post", f"/api/people/{person.pk}/transfer", body).status_code == 403
    assert _rows() == before


def test_a_bad_transfer_is_422_on_its_field(
    world: World, person: Person, as_persona: Callable[[str], Client]
) -> None:
    before = _rows()
    body = {"to_unit_id": world.tien_phuoc.pk, "on": "2024-07-01", "reason": ""}
    response = send(as_persona("board"), "post", f"/api/people/{person.pk}/transfer", body)
    assert response.status_code == 422
    assert {p["field"] for p in response.json()["detail"]} == {"to_unit", "reason"}
    body = {"to_unit_id": world.phuoc_son.pk, "on": "2024-07-01", "reason": "x", "extra": 1}
    assert send(as_persona("board"), "post", f"/api/people/{person.pk}/transfer", body).status_code == 422
    assert _rows() == before


def test_a_change_of_post(world: World, person: Person, as_persona: Callable[[str], Client]) -> None:
    body = {"on": "2024-07-01", "position": "Trưởng phòng", "reason": "QĐ bổ nhiệm 5"}
    response = send(as_persona("member"), "post", f"/api/people/{person.pk}/position", body)
    assert response.status_code == 201, response.json()
    assert response.json()["position"] == "Trưởng phòng"
    response = send(as_persona("member"), "post", f"/api/people/{person.pk}/position", body)
    assert response.status_code == 422  # unchanged, and not after the current start


def test_the_staff_list_by_excel(world: World, as_persona: Callable[[str], Client]) -> None:
    url = f"/api/units/{world.tien_phuoc.pk}/staff.xlsx"
    upload = SimpleUploadedFile("can-bo.xlsx", workbook(ROWS, world.tien_phuoc))
    response = as_persona("member").post(url, {"file": upload})
    assert response.status_code == 200, response.json()
    assert response.json() == {"created": 2, "position_changes": 0, "unchanged": 0}
    bad = SimpleUploadedFile(
        "can-bo.xlsx", workbook([["", "X", "Nam", "", "", "", "01/01/2020"]], world.tien_phuoc)
    )
    response = as_persona("member").post(url, {"file": bad})
    assert response.status_code == 422 and response.json()["detail"][0]["row"] == 5
    upload = SimpleUploadedFile("can-bo.xlsx", workbook(ROWS, world.tien_phuoc))
    assert as_persona("outsider").post(url, {"file": upload}).status_code == 404
    assert as_persona("public").post(url, {"file": upload}).status_code == 401
    template = as_persona("member").get(f"/api/units/{world.tien_phuoc.pk}/staff-template.xlsx")
    assert template.status_code == 200 and template.content.startswith(b"PK")
    assert Person.objects.count() == 2
