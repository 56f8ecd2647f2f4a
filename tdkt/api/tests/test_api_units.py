"""GET /api/units, /api/units/{id}, /api/units/{id}/history: public reads over units and lineage."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client

from tdkt.api.tests.helpers import PERSONAS
from tdkt.core.personas import World
from tdkt.org.models import LineageKind, Unit, UnitKind
from tdkt.org.services import unit_apply_lineage, unit_create

REFORM = dt.date(2025, 7, 1)


def _names(body: dict) -> list[str]:
    return [item["name"] for item in body["items"]]


def _merge_communes(world: World) -> tuple[Unit, Unit, Unit, Unit]:
    """Two communes of Phước Sơn merge on 1/7/2025; the new commune is renamed on 1/1/2026."""
    day = dt.date(2020, 1, 1)
    a = unit_create(
        actor=None,
        code="T-X-KH",
        name="Xã Phước Kim",
        kind=UnitKind.COMMUNE,
        parent=world.phuoc_son,
        valid_from=day,
    )
    b = unit_create(
        actor=None,
        code="T-X-PT",
        name="Xã Phước Thành",
        kind=UnitKind.COMMUNE,
        parent=world.phuoc_son,
        valid_from=day,
    )
    merged = unit_create(
        actor=None, code="T-X-PK", name="Xã Phước Kim Thành", kind=UnitKind.COMMUNE, parent=world.province
    )
    unit_apply_lineage(
        actor=None,
        kind=LineageKind.MERGE,
        effective_date=REFORM,
        predecessors=[a, b],
        successors=[merged],
        legal_basis="Nghị quyết 1677/NQ-UBTVQH15",
    )
    renamed = unit_create(
        actor=None, code="T-X-PKM", name="Xã Phước Kim Mới", kind=UnitKind.COMMUNE, parent=world.province
    )
    unit_apply_lineage(
        actor=None,
        kind=LineageKind.RENAME,
        effective_date=dt.date(2026, 1, 1),
        predecessors=[merged],
        successors=[renamed],
        legal_basis="Nghị quyết 99/NQ-HĐND",
    )
    return a, b, merged, renamed


@pytest.mark.parametrize("persona", PERSONAS)
def test_units_list_is_open_to_every_persona(
    world: World, as_persona: Callable[[str], Client], persona: str
) -> None:
    response = as_persona(persona).get("/api/units")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 5
    assert "Huyện Tiên Phước" in _names(body)


def test_units_list_is_paginated_with_limit_and_offset(world: World, client: Client) -> None:
    first = client.get("/api/units?limit=2").json()
    second = client.get("/api/units?limit=2&offset=2").json()
    assert first["count"] == second["count"] == 5
    assert len(first["items"]) == len(second["items"]) == 2
    assert not set(_names(first)) & set(_names(second))


def test_units_filter_by_kind_and_parent(world: World, client: Client) -> None:
    towns = client.get("/api/units?kind=thi_xa").json()
    assert _names(towns) == ["Thị xã Điện Bàn"]
    children = client.get(f"/api/units?parent={world.province.pk}").json()
    assert children["count"] == 4
    assert all(item["parent_id"] == world.province.pk for item in children["items"])


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("phuoc son", ["Huyện Phước Sơn"]),
        ("PHƯỚC SƠN", ["Huyện Phước Sơn"]),
        ("dien ban", ["Thị xã Điện Bàn"]),
        ("T-TP", ["Huyện Tiên Phước"]),
        ("khong co", []),
    ],
)
def test_units_search_ignores_case_and_diacritics(
    world: World, client: Client, q: str, expected: list[str]
) -> None:
    body = client.get("/api/units", {"q": q}).json()
    assert _names(body) == expected
    assert body["count"] == len(expected)


def test_units_valid_on_leaves_out_units_ended_before_that_day(world: World, client: Client) -> None:
    a, _b, merged, _renamed = _merge_communes(world)
    before = _names(client.get("/api/units?kind=xa&valid_on=2025-06-30").json())
    after = _names(client.get("/api/units?kind=xa&valid_on=2025-07-01").json())
    assert a.name in before and merged.name not in before
    assert a.name not in after and merged.name in after


def test_bad_valid_on_is_422_in_vietnamese(world: World, client: Client) -> None:
    response = client.get("/api/units?valid_on=30/06/2025")
    assert response.status_code == 422
    [problem] = response.json()["detail"]
    assert problem["field"] == "valid_on"
    assert problem["message"] == "phải là ngày theo dạng YYYY-MM-DD"


def test_unknown_kind_is_422_listing_the_allowed_kinds(world: World, client: Client) -> None:
    response = client.get("/api/units?kind=quan")
    assert response.status_code == 422
    [problem] = response.json()["detail"]
    assert problem["field"] == "kind"
    assert problem["message"].startswith("phải là một trong các giá trị:")
    assert "'huyen'" in problem["message"]


def test_unit_detail_lists_the_parent_chain(world: World, client: Client) -> None:
    a, *_ = _merge_communes(world)
    body = client.get(f"/api/units/{a.pk}").json()
    assert body["name"] == "Xã Phước Kim"
    assert body["kind_label"] == "Xã"
    assert body["valid_to"] == "2025-06-30"
    assert [u["name"] for u in body["ancestors"]] == ["Huyện Phước Sơn", "Tỉnh Quảng Nam"]


def test_unknown_unit_is_404_with_a_vietnamese_detail(world: World, client: Client) -> None:
    response = client.get("/api/units/999999")
    assert response.status_code == 404
    assert response.json() == {"detail": "Không tìm thấy"}


def test_unit_history_follows_a_merge_then_a_rename(world: World, client: Client) -> None:
    a, b, merged, renamed = _merge_communes(world)
    body = client.get(f"/api/units/{renamed.pk}/history").json()
    assert [u["id"] for u in body["predecessors"]] == [merged.pk, *sorted([a.pk, b.pk])]
    assert body["successors"] == []
    merge, rename = body["events"]
    assert (merge["kind"], merge["effective_date"], merge["legal_basis"]) == (
        "merge",
        "2025-07-01",
        "Nghị quyết 1677/NQ-UBTVQH15",
    )
    assert {u["id"] for u in merge["predecessors"]} == {a.pk, b.pk}
    assert [u["id"] for u in merge["successors"]] == [merged.pk]
    assert (rename["kind"], rename["effective_date"]) == ("rename", "2026-01-01")
    assert [u["id"] for u in rename["predecessors"]] == [merged.pk]


def test_unit_history_of_an_ended_unit_lists_its_successors(world: World, client: Client) -> None:
    a, _b, merged, renamed = _merge_communes(world)
    body = client.get(f"/api/units/{a.pk}/history").json()
    assert body["predecessors"] == []
    assert [u["id"] for u in body["successors"]] == [merged.pk, renamed.pk]
    assert [e["kind"] for e in body["events"]] == ["merge", "rename"]


def test_unit_without_lineage_has_an_empty_history(world: World, client: Client) -> None:
    body = client.get(f"/api/units/{world.tien_phuoc.pk}/history").json()
    assert body["predecessors"] == body["successors"] == body["events"] == []
