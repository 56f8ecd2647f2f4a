"""Editing a launched movement: the board changes every field, the clusters, units and the titles planned
(checkboxes with Vietnamese names); the change is audited; a stale version is refused saying what changed;
others cannot."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from tdkt.core.errors import ValidationFailed
from tdkt.core.models import AuditEvent
from tdkt.core.personas import World
from tdkt.movements.models import Movement
from tdkt.movements.services import movement_create, movement_update

Persona = Callable[[User | None], Client]


@pytest.fixture
def movement(world: World) -> Movement:
    return movement_create(
        actor=None,
        name="Thi đua chuyển đổi số",
        launched_by=world.province,
        level="province",
        kind="thematic",
        start_date=dt.date(2025, 1, 1),
        clusters=[world.cluster],
        planned_titles=["CO_TINH"],
    )


def _form(world: World, movement: Movement, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": movement.name,
        "slogan": "Chuyển đổi số vì nhân dân",
        "launched_by": str(world.province.pk),
        "level": "province",
        "kind": "thematic",
        "start_date": "2025-01-01",
        "end_date": "2025-12-31",
        "clusters": [str(world.cluster.pk)],
        "units": "T-DB",
        "planned_titles": ["CO_TINH", "BK_TINH"],
        "description": "",
        "version": str(movement.version),
    }
    data.update(changes)
    return data


def test_the_board_edits_a_movement_and_its_planned_titles(
    world: World, client_as: Persona, movement: Movement
) -> None:
    url = reverse("web:movement_edit", args=[movement.pk])
    board = client_as(world.board)
    page = board.get(url).content.decode()
    assert "Cờ thi đua của bộ, ban, ngành, tỉnh" in page and 'value="CO_TINH"' in page and "checked" in page
    response = board.post(url, _form(world, movement))
    assert response.status_code == 302
    movement.refresh_from_db()
    assert movement.planned_titles == ["BK_TINH", "CO_TINH"]  # catalogue order
    assert movement.slogan == "Chuyển đổi số vì nhân dân" and movement.version == 2
    assert [u.code for u in movement.units.all()] == ["T-DB"]
    event = AuditEvent.objects.filter(action="movement.update", object_id=str(movement.pk)).get()
    assert event.before is not None and event.after is not None
    assert event.before["planned_titles"] == ["CO_TINH"] and event.after["units"] == [world.dien_ban.pk]
    listing = board.get(reverse("web:movements_launch")).content.decode()
    assert "Danh hiệu, hình thức khen thưởng dự kiến: Bằng khen" in listing and "BK_TINH<" not in listing


def test_a_stale_edit_is_refused_saying_what_changed(
    world: World, client_as: Persona, movement: Movement
) -> None:
    url = reverse("web:movement_edit", args=[movement.pk])
    client_as(world.board).post(url, _form(world, movement))
    response = client_as(world.board).post(url, _form(world, movement, name="Tên khác", version="1"))
    assert response.status_code == 400
    text = response.content.decode()
    assert "đã được người khác thay đổi" in text and "khẩu hiệu: (trống) → Chuyển đổi số vì nhân dân" in text
    movement.refresh_from_db()
    assert movement.name == "Thi đua chuyển đổi số"


def test_an_unknown_planned_title_is_refused_by_the_service(world: World, movement: Movement) -> None:
    with pytest.raises(ValidationFailed) as exc:
        movement_update(
            actor=world.board,
            movement=movement,
            name=movement.name,
            launched_by=world.province,
            level="province",
            kind="thematic",
            start_date=dt.date(2025, 1, 1),
            planned_titles=["KHONG_CO"],
        )
    assert "không có danh hiệu, hình thức khen thưởng mã “KHONG_CO”" in exc.value.problems[0].message
    movement.refresh_from_db()
    assert movement.planned_titles == ["CO_TINH"]


def test_only_the_board_edits(world: World, client_as: Persona, movement: Movement) -> None:
    url = reverse("web:movement_edit", args=[movement.pk])
    assert client_as(world.member).post(url, _form(world, movement)).status_code == 403
    assert client_as(None).get(url).status_code == 302
    assert (
        client_as(world.board).get(reverse("web:movement_edit", args=[movement.pk + 99])).status_code == 404
    )
    movement.refresh_from_db()
    assert movement.version == 1
