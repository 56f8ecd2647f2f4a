"""The emulation registration through the API, as personas: lines added all or none (422 naming the row),
the status cycle with versions, 404 for outsiders, 401 for the public."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client

from tdkt.api.tests.helpers import send
from tdkt.core.personas import World
from tdkt.movements.models import RegistrationLine, RegistrationStatus, TitleRegistration
from tdkt.org.models import Person
from tdkt.org.services import person_create

CYCLE = 2025


@pytest.fixture
def lan(world: World) -> Person:
    return person_create(
        actor=None, full_name="Nguyễn Thị Lan", gender="nu", unit=world.tien_phuoc, start=dt.date(2020, 1, 1)
    )


def _url(world: World, tail: str = "") -> str:
    return f"/api/units/{world.tien_phuoc.pk}/registrations/{CYCLE}{tail}"


def test_the_member_registers_and_sends_the_board_accepts(
    world: World, as_persona: Callable[[str], Client], lan: Person
) -> None:
    member = as_persona("member")
    body = {"version": 0, "lines": [{"title": "TTLDXS"}, {"person_id": lan.pk, "title": "CSTDCS"}]}
    response = send(member, "post", _url(world, "/lines"), body)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["status"] == "draft" and data["version"] == 2 and data["superior"] == "Tỉnh Quảng Nam"
    assert [(x["person"] and x["person"]["full_name"], x["title_name"]) for x in data["lines"]] == [
        (None, "Tập thể lao động xuất sắc"),
        ("Nguyễn Thị Lan", "Chiến sĩ thi đua cơ sở"),
    ]
    response = send(member, "post", _url(world, "/submit"), {"version": 2})
    assert response.status_code == 200 and response.json()["status"] == "submitted"
    listed = as_persona("board").get(f"/api/registrations?cycle={CYCLE}").json()
    assert [(r["unit"]["name"], r["lines"]) for r in listed] == [("Huyện Tiên Phước", 2)]
    response = send(as_persona("board"), "post", _url(world, "/accept"), {"version": 3})
    assert response.status_code == 200 and response.json()["status_label"] == "Đã tiếp nhận"


def test_a_bad_line_is_422_with_its_row_and_nothing_written(
    world: World, as_persona: Callable[[str], Client], lan: Person
) -> None:
    body = {
        "version": 0,
        "lines": [{"person_id": lan.pk, "title": "LDTT"}, {"person_id": lan.pk, "title": "TTLDXS"}],
    }
    response = send(as_persona("member"), "post", _url(world, "/lines"), body)
    assert response.status_code == 422
    problem = response.json()["detail"][0]
    assert problem["row"] == 2 and "không phải danh hiệu thi đua cá nhân" in problem["message"]
    assert not RegistrationLine.objects.exists()
    response = send(as_persona("member"), "post", _url(world, "/submit"), {"version": 1})
    assert response.status_code == 422 and "chưa có danh hiệu nào" in response.json()["detail"][0]["message"]


def test_a_line_is_removed_with_its_version(world: World, as_persona: Callable[[str], Client]) -> None:
    member = as_persona("member")
    data = send(member, "post", _url(world, "/lines"), {"version": 0, "lines": [{"title": "TTLDTT"}]}).json()
    line = data["lines"][0]["id"]
    stale = member.delete(_url(world, f"/lines/{line}?version=1"))
    assert stale.status_code == 422 and "đã được người khác thay đổi" in stale.json()["detail"][0]["message"]
    assert member.delete(_url(world, f"/lines/{line}?version=2")).status_code == 200
    assert not RegistrationLine.objects.exists()


def test_outsiders_get_404_the_public_401_a_member_403_on_review(
    world: World, as_persona: Callable[[str], Client]
) -> None:
    send(as_persona("member"), "post", _url(world, "/lines"), {"version": 0, "lines": [{"title": "TTLDTT"}]})
    send(as_persona("member"), "post", _url(world, "/submit"), {"version": 2})
    for persona in ("outsider", "head"):
        client = as_persona(persona)
        assert client.get(_url(world)).status_code == 404
        assert (
            send(
                client, "post", _url(world, "/lines"), {"version": 3, "lines": [{"title": "TTLDXS"}]}
            ).status_code
            == 404
        )
        assert client.get("/api/registrations").json() == []
    assert as_persona("public").get(_url(world)).status_code == 401
    assert send(as_persona("member"), "post", _url(world, "/accept"), {"version": 3}).status_code == 403
    assert TitleRegistration.objects.get().status == RegistrationStatus.SUBMITTED


def test_a_person_the_caller_cannot_see_is_not_named(
    world: World, as_persona: Callable[[str], Client]
) -> None:
    stranger = person_create(
        actor=None, full_name="Võ Thị Kín", gender="nu", unit=world.dien_ban, start=dt.date(2020, 1, 1)
    )
    body = {"version": 0, "lines": [{"person_id": stranger.pk, "title": "LDTT"}]}
    response = send(as_persona("member"), "post", _url(world, "/lines"), body)
    assert response.status_code == 422
    assert "Võ Thị Kín" not in response.content.decode()
    assert response.json()["detail"][0]["message"] == f"không có cán bộ mã số {stranger.pk}"
