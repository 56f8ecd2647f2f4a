"""POST/PUT/DELETE /api/units and /api/lineage: the board writes, refusals are 422 with nothing written,
a unit's staff get 403, the public 401."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from tdkt.api.tests.helpers import send
from tdkt.core.personas import World
from tdkt.org.models import LineageEvent, Unit, UnitKind
from tdkt.org.services import unit_create

NEW = {"code": "T-X-KT", "name": "Xã Khâm Đức", "kind": "xa", "parent_id": None, "valid_from": "2025-07-01"}


def _units() -> list[tuple]:
    return list(Unit.objects.order_by("pk").values_list())


def test_the_board_creates_a_unit(world: World, as_persona: Callable[[str], Client]) -> None:
    response = send(as_persona("board"), "post", "/api/units", {**NEW, "parent_id": world.province.pk})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["code"] == "T-X-KT" and body["parent_id"] == world.province.pk


@pytest.mark.parametrize(("persona", "status"), [("member", 403), ("head", 403), ("public", 401)])
def test_only_the_board_writes_units(
    world: World, as_persona: Callable[[str], Client], persona: str, status: int
) -> None:
    before = _units()
    assert send(as_persona(persona), "post", "/api/units", NEW).status_code == status
    assert send(as_persona(persona), "delete", f"/api/units/{world.nam_giang.pk}", {}).status_code == status
    assert _units() == before


def test_a_duplicate_code_is_422_on_the_code(world: World, as_persona: Callable[[str], Client]) -> None:
    before = _units()
    response = send(as_persona("board"), "post", "/api/units", {**NEW, "code": "T-PS"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "code"
    assert _units() == before


def test_a_parent_loop_is_422(world: World, as_persona: Callable[[str], Client]) -> None:
    commune = unit_create(actor=None, code="T-X", name="Xã X", kind=UnitKind.COMMUNE, parent=world.phuoc_son)
    before = _units()
    body = {"code": "T-PS", "name": "Huyện Phước Sơn", "kind": "huyen", "parent_id": commune.pk}
    response = send(as_persona("board"), "put", f"/api/units/{world.phuoc_son.pk}", body)
    assert response.status_code == 422 and "vòng lặp" in response.json()["detail"][0]["message"]
    assert _units() == before


def test_an_unknown_key_is_refused(world: World, as_persona: Callable[[str], Client]) -> None:
    response = send(as_persona("board"), "post", "/api/units", {**NEW, "valid_to": "2025-12-31"})
    assert response.status_code == 422
    assert not Unit.objects.filter(code="T-X-KT").exists()


def test_close_then_delete_is_refused_for_a_unit_with_history(
    world: World, as_persona: Callable[[str], Client]
) -> None:
    board = as_persona("board")
    closed = send(board, "post", f"/api/units/{world.nam_giang.pk}/close", {"valid_to": "2025-06-30"})
    assert closed.status_code == 200 and closed.json()["valid_to"] == "2025-06-30"
    refused = send(board, "delete", f"/api/units/{world.nam_giang.pk}", {})
    assert refused.status_code == 422 and "đóng đơn vị thay vì xóa" in refused.json()["detail"][0]["message"]
    typo = unit_create(actor=None, code="T-TYPO", name="Xã Nhầm", kind=UnitKind.COMMUNE)
    assert send(board, "delete", f"/api/units/{typo.pk}", {}).status_code == 204
    assert not Unit.objects.filter(pk=typo.pk).exists()


def test_a_merger_is_previewed_then_recorded(world: World, as_persona: Callable[[str], Client]) -> None:
    new = unit_create(
        actor=None, code="T-X-KT", name="Xã Khâm Đức", kind=UnitKind.COMMUNE, parent=world.province
    )
    board = as_persona("board")
    body = {
        "kind": "merge",
        "effective_date": "2025-07-01",
        "predecessor_ids": [world.phuoc_son.pk, world.tien_phuoc.pk],
        "successor_ids": [new.pk],
        "legal_basis": "NQ 1677",
    }
    preview = send(board, "post", "/api/lineage/preview", body)
    assert preview.status_code == 200, preview.json()
    assert preview.json()["closes_on"] == "2025-06-30"
    assert {m["year"] for m in preview.json()["memberships"]} == {2024}
    assert LineageEvent.objects.count() == 0
    recorded = send(board, "post", "/api/lineage", body)
    assert recorded.status_code == 201 and recorded.json()["kind_label"] == "Hợp nhất, sáp nhập"
    assert Unit.objects.get(pk=world.tien_phuoc.pk).valid_to is not None


def test_a_merge_into_itself_is_422_and_changes_nothing(
    world: World, as_persona: Callable[[str], Client]
) -> None:
    before = _units()
    body = {
        "kind": "merge",
        "effective_date": "2025-07-01",
        "predecessor_ids": [world.phuoc_son.pk, world.tien_phuoc.pk],
        "successor_ids": [world.phuoc_son.pk],
    }
    for url in ("/api/lineage/preview", "/api/lineage"):
        response = send(as_persona("board"), "post", url, body)
        assert response.status_code == 422 and "chính nó" in response.json()["detail"][0]["message"]
    assert _units() == before and LineageEvent.objects.count() == 0
