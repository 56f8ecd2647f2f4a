"""The dossier API: the same services and scopes as the pages."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable

import pytest
from django.test import Client

from tdkt.core.personas import World
from tdkt.dossiers.models import Dossier
from tdkt.org.models import Gender
from tdkt.org.services import person_create

pytestmark = pytest.mark.django_db
ClientAs = Callable[..., Client]


def _post(client: Client, url: str, body: dict) -> object:  # type: ignore[type-arg]
    return client.post(url, json.dumps(body), content_type="application/json")


def test_a_unit_drafts_adds_a_line_and_sends_refusals_are_422(world: World, client_as: ClientAs) -> None:
    member = client_as(world.member)
    created = _post(
        member,
        "/api/dossiers",
        {"track": "DOT_XUAT", "cycle": 2026, "subject": "Khen đột xuất", "proposer_id": world.tien_phuoc.pk},
    )
    assert created.status_code == 201  # type: ignore[attr-defined]
    dossier_id = created.json()["id"]  # type: ignore[attr-defined]
    ngan = person_create(
        actor=None,
        full_name="Trương Thị Ngân",
        gender=Gender.FEMALE,
        unit=world.tien_phuoc,
        start=dt.date(2020, 1, 1),
    )
    added = _post(member, f"/api/dossiers/{dossier_id}/lines", {"title": "BK_TINH", "person_id": ngan.pk})
    body = added.json()  # type: ignore[attr-defined]
    assert added.status_code == 201 and body["lines"][0]["name"] == "Trương Thị Ngân"  # type: ignore[attr-defined]
    assert body["missing"] == ["Bản tóm tắt thành tích đột xuất"]
    refused = _post(
        member, f"/api/dossiers/{dossier_id}/actions", {"action": "send", "version": body["version"]}
    )
    assert refused.status_code == 422  # type: ignore[attr-defined]
    assert refused.json()["detail"][0]["message"].startswith("hồ sơ còn thiếu")  # type: ignore[attr-defined]
    assert Dossier.objects.get().state == "draft"


def test_others_get_404_and_the_public_401(world: World, client_as: ClientAs) -> None:
    member = client_as(world.member)
    created = _post(
        member,
        "/api/dossiers",
        {"track": "DOT_XUAT", "cycle": 2026, "subject": "Khen đột xuất", "proposer_id": world.tien_phuoc.pk},
    )
    dossier_id = created.json()["id"]  # type: ignore[attr-defined]
    assert client_as(world.outsider).get(f"/api/dossiers/{dossier_id}").status_code == 404
    assert client_as(None).get(f"/api/dossiers/{dossier_id}").status_code == 401
    assert (
        _post(
            client_as(world.outsider),
            "/api/dossiers",
            {"track": "DOT_XUAT", "cycle": 2026, "subject": "Giả danh", "proposer_id": world.tien_phuoc.pk},
        ).status_code
        == 403
    )  # type: ignore[attr-defined]
    unknown = _post(
        member,
        "/api/dossiers",
        {"track": "DOT_XUAT", "cycle": 2026, "subject": "x", "proposer_id": 1, "extra": 1},
    )
    assert unknown.status_code == 422  # type: ignore[attr-defined]


def test_the_decisions_registry_is_public_and_checks_its_query(client_as: ClientAs, world: World) -> None:
    assert client_as(None).get("/api/decisions").json() == []
    assert client_as(None).get("/api/decisions", {"q": "x" * 101}).status_code == 422
