"""GET /api/catalogue (public), POST/PUT for the board: refusals are 422 naming the field with nothing
written, a unit's staff get 403, the public 401; an award of an engine-less code through the API."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from tdkt.api.tests.helpers import send
from tdkt.awards import catalogue
from tdkt.awards.models import Award, CatalogueEntry
from tdkt.awards.tests.helpers import make_people
from tdkt.core.personas import World

NEW = {
    "code": "KNC_TINH",
    "name": "Kỷ niệm chương tỉnh Quảng Nam",
    "group": "ky_niem_chuong",
    "level": "bo_tinh",
    "subject_kinds": ["individual"],
}


def _entries() -> list[tuple]:
    return list(CatalogueEntry.objects.order_by("pk").values_list())


def test_the_public_reads_the_catalogue_with_the_engine_flag(
    world: World, as_persona: Callable[[str], Client]
) -> None:
    body = as_persona("public").get("/api/catalogue").json()
    by_code = {e["code"]: e for e in body}
    assert set(catalogue.TITLE_CODES) <= set(by_code)
    assert by_code["LDTT"]["has_rules"] and by_code["LDTT"]["rules_label"] == "có quy tắc xét"
    hcld2 = by_code["HCLD2"]
    assert (hcld2["has_rules"], hcld2["grade_label"], hcld2["group_label"], hcld2["article_tag"]) == (
        False,
        "Hạng Nhì",
        "Huân chương",
        "R",
    )
    only = as_persona("public").get("/api/catalogue", {"rules": "false", "q": "nha giao"}).json()
    assert {e["code"] for e in only} == {"NGND", "NGUT"}
    assert as_persona("public").get("/api/catalogue/NGND").json()["article"].endswith("Điều 64")


def test_the_board_creates_and_retires_an_entry(world: World, as_persona: Callable[[str], Client]) -> None:
    board = as_persona("board")
    created = send(board, "post", "/api/catalogue", NEW)
    assert created.status_code == 201, created.json()
    assert created.json()["province_own"] and not created.json()["has_rules"]
    retired = send(board, "put", "/api/catalogue/KNC_TINH", {"active": False, "reason": "Thôi áp dụng"})
    assert retired.status_code == 200 and retired.json()["active"] is False
    listed = {e["code"] for e in as_persona("public").get("/api/catalogue").json()}
    assert "KNC_TINH" not in listed


@pytest.mark.parametrize(("persona", "status"), [("member", 403), ("head", 403), ("public", 401)])
def test_only_the_board_writes(
    world: World, as_persona: Callable[[str], Client], persona: str, status: int
) -> None:
    before = _entries()
    assert send(as_persona(persona), "post", "/api/catalogue", NEW).status_code == status
    assert send(as_persona(persona), "put", "/api/catalogue/HCLD2", {"note": "x"}).status_code == status
    assert _entries() == before


@pytest.mark.parametrize(
    ("url", "method", "body", "field"),
    [
        ("/api/catalogue", "post", {**NEW, "code": "GK"}, "code"),
        ("/api/catalogue", "post", {**NEW, "subject_kinds": []}, "subject_kinds"),
        ("/api/catalogue/LDTT", "put", {"name": "Lao động giỏi"}, "name"),
        ("/api/catalogue/LDTT", "put", {"active": False, "reason": "x"}, "active"),
    ],
)
def test_refusals_are_422_on_the_field(
    world: World, as_persona: Callable[[str], Client], url: str, method: str, body: dict, field: str
) -> None:
    before = _entries()
    response = send(as_persona("board"), method, url, body)
    assert response.status_code == 422, response.json()
    assert response.json()["detail"][0]["field"] == field
    assert _entries() == before


def test_an_engine_less_order_is_recorded_through_the_api(
    world: World, as_persona: Callable[[str], Client]
) -> None:
    people = make_people(world)
    body = {
        "title": "HC_DOC_LAP3",
        "cycle": 2024,
        "decision_no": "9/QĐ-CTN",
        "decision_date": "2025-03-01",
        "authority": "Chủ tịch nước",
    }
    response = send(as_persona("member"), "post", f"/api/people/{people.lan.pk}/awards", body)
    assert response.status_code in (200, 201), response.json()
    assert Award.objects.filter(person=people.lan, title="HC_DOC_LAP3").exists()
    history = as_persona("member").get(f"/api/people/{people.lan.pk}").json()
    assert "Huân chương Độc lập hạng Ba" in str(history)
