"""Writing clusters through the API: the board creates and edits clusters, opens years with members, sets
members and roles and adds indicators; the head's staff or the board set the year's indicators and open next
year. Refusals are 422 naming the field with nothing written, 403 for other accounts, 401 for the public."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from tdkt.api.tests.helpers import send
from tdkt.clusters.models import Cluster, ClusterMember, ClusterRole, ClusterYear
from tdkt.core.personas import World
from tdkt.movements.models import ClusterIndicator, Indicator

AsPersona = Callable[[str], Client]


def _state() -> list[Any]:
    return [
        list(m.objects.order_by("pk").values_list())
        for m in (Cluster, ClusterYear, ClusterMember, ClusterRole, Indicator, ClusterIndicator)
    ]


def _cluster(world: World, **changes: Any) -> dict[str, Any]:
    return {
        "code": "T-KSO",
        "name": "Khối các sở",
        "kind": "khoi",
        "organiser_id": world.province.pk,
        "rotation_policy": "appointed",
        **changes,
    }


def test_the_board_creates_a_block_and_edits_it(world: World, as_persona: AsPersona) -> None:
    board = as_persona("board")
    created = send(board, "POST", "/api/clusters", _cluster(world))
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["code"], body["kind_label"], body["organiser"]["id"]) == (
        "T-KSO",
        "Khối thi đua",
        world.province.pk,
    )
    edited = send(
        board,
        "PUT",
        f"/api/clusters/{body['id']}",
        {
            "name": "Khối các sở, ngành",
            "kind": "khoi",
            "organiser_id": world.province.pk,
            "rotation_policy": "elected",
        },
    )
    assert edited.status_code == 200
    assert (edited.json()["name"], edited.json()["rotation_policy"]) == ("Khối các sở, ngành", "elected")


@pytest.mark.parametrize(
    ("who", "status"), [("head", 403), ("member", 403), ("outsider", 403), ("public", 401)]
)
def test_only_the_board_creates_a_cluster(world: World, as_persona: AsPersona, who: str, status: int) -> None:
    before = _state()
    assert send(as_persona(who), "POST", "/api/clusters", _cluster(world)).status_code == status
    assert _state() == before


def test_a_used_code_is_422_naming_the_field(world: World, as_persona: AsPersona) -> None:
    before = _state()
    response = send(as_persona("board"), "POST", "/api/clusters", _cluster(world, code="T-CMN"))
    assert response.status_code == 422
    assert [p["field"] for p in response.json()["detail"]] == ["code"]
    assert _state() == before


def test_an_unknown_key_is_refused(world: World, as_persona: AsPersona) -> None:
    response = send(as_persona("board"), "POST", "/api/clusters", _cluster(world, rotation="elected"))
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "rotation"


def test_the_board_opens_a_year_with_members(world: World, as_persona: AsPersona) -> None:
    response = send(
        as_persona("board"),
        "POST",
        f"/api/clusters/{world.cluster.pk}/years",
        {"year": 2025, "member_ids": [world.nam_giang.pk, world.phuoc_son.pk]},
    )
    assert response.status_code == 201, response.json()
    assert [m["unit"]["code"] for m in response.json()["members"]] == ["T-NG", "T-PS"]


def test_a_year_with_no_members_is_422_and_nothing_is_written(world: World, as_persona: AsPersona) -> None:
    before = _state()
    response = send(
        as_persona("board"),
        "POST",
        f"/api/clusters/{world.cluster.pk}/years",
        {"year": 2025, "member_ids": []},
    )
    assert response.status_code == 422
    assert "ít nhất một thành viên" in response.json()["detail"][0]["message"]
    assert _state() == before


def test_an_unknown_member_id_is_named_by_its_row(world: World, as_persona: AsPersona) -> None:
    response = send(
        as_persona("board"),
        "PUT",
        f"/api/cluster-years/{world.cluster_year.pk}/members",
        {"member_ids": [world.phuoc_son.pk, 999999]},
    )
    assert response.status_code == 422
    assert response.json()["detail"][0] | {"message": ""} == {
        "message": "",
        "row": 2,
        "column": None,
        "field": "member_ids",
    }


def test_the_board_adds_a_member(world: World, as_persona: AsPersona) -> None:
    from tdkt.org.models import UnitKind
    from tdkt.org.services import unit_create

    # Điện Bàn competes in another cluster that year: a unit is in one cluster a year.
    hoi_an = unit_create(
        actor=None, code="T-HA", name="Thành phố Hội An", kind=UnitKind.CITY, parent=world.province
    )
    ids = [world.phuoc_son.pk, world.tien_phuoc.pk, world.nam_giang.pk, hoi_an.pk]
    response = send(
        as_persona("board"), "PUT", f"/api/cluster-years/{world.cluster_year.pk}/members", {"member_ids": ids}
    )
    assert response.status_code == 200
    assert len(response.json()["members"]) == 4


def _role(unit_id: int) -> dict[str, Any]:
    return {
        "unit_id": unit_id,
        "basis": "appointed",
        "decided_on": "2024-01-15",
        "reference": "QĐ 12/QĐ-UBND",
    }


def test_the_board_appoints_a_deputy(world: World, as_persona: AsPersona) -> None:
    response = send(
        as_persona("board"),
        "PUT",
        f"/api/cluster-years/{world.cluster_year.pk}/roles/deputy",
        _role(world.tien_phuoc.pk),
    )
    assert response.status_code == 200, response.json()
    assert (response.json()["unit"]["code"], response.json()["decided_on"]) == ("T-TP", "2024-01-15")


@pytest.mark.parametrize(
    ("unit", "message"), [("phuoc_son", "đã là Trưởng cụm"), ("dien_ban", "không phải thành viên")]
)
def test_a_refused_deputy_is_422_and_nothing_changes(
    world: World, as_persona: AsPersona, unit: str, message: str
) -> None:
    before = _state()
    response = send(
        as_persona("board"),
        "PUT",
        f"/api/cluster-years/{world.cluster_year.pk}/roles/deputy",
        _role(getattr(world, unit).pk),
    )
    assert response.status_code == 422 and message in response.json()["detail"][0]["message"]
    assert _state() == before


def test_the_heads_staff_cannot_appoint(world: World, as_persona: AsPersona) -> None:
    response = send(
        as_persona("head"),
        "PUT",
        f"/api/cluster-years/{world.cluster_year.pk}/roles/deputy",
        _role(world.tien_phuoc.pk),
    )
    assert response.status_code == 403


def test_the_board_adds_an_indicator_and_anyone_reads_the_catalogue(
    world: World, as_persona: AsPersona
) -> None:
    body = {"code": "T-OCOP", "name": "Sản phẩm OCOP", "measure_unit": "sản phẩm", "kind": "count"}
    assert send(as_persona("head"), "POST", "/api/indicators", body).status_code == 403
    assert send(as_persona("board"), "POST", "/api/indicators", body).status_code == 201
    codes = [i["code"] for i in as_persona("public").get("/api/indicators").json()]
    assert "T-OCOP" in codes


def test_the_heads_staff_set_the_years_indicators_and_an_unknown_code_is_named(
    world: World, as_persona: AsPersona
) -> None:
    url = f"/api/cluster-years/{world.cluster_year.pk}/indicators"
    head = as_persona("head")
    bad = send(head, "PUT", url, {"indicator_codes": ["T-THU", "T-XX", "T-GN", "T-NHA"]})
    assert bad.status_code == 422 and bad.json()["detail"][0]["row"] == 2
    ok = send(head, "PUT", url, {"indicator_codes": ["T-NHA", "T-THU", "T-GN"]})
    assert ok.status_code == 200 and [i["code"] for i in ok.json()] == ["T-NHA", "T-THU", "T-GN"]
    assert send(as_persona("member"), "PUT", url, {"indicator_codes": ["T-THU"]}).status_code == 403


def test_the_head_previews_and_opens_next_year(world: World, as_persona: AsPersona) -> None:
    url = f"/api/cluster-years/{world.cluster_year.pk}/next-year"
    preview = as_persona("public").get(url).json()
    assert preview["year"] == 2025 and preview["indicators_carried"] and preview["next_year_id"] is None
    assert [r["note"] for r in preview["roles"]] == ["Chờ hội nghị tổng kết bầu"] * 2
    assert send(as_persona("public"), "POST", url, {}).status_code == 401
    assert send(as_persona("member"), "POST", url, {}).status_code == 403
    opened = as_persona("head").post(url)
    assert opened.status_code == 201, opened.json()
    assert [i["code"] for i in opened.json()["indicators"]] == ["T-THU", "T-GN", "T-NHA"]
    assert opened.json()["year"] == 2025


def _movement(world: World, **changes: Any) -> dict[str, Any]:
    return {
        "name": "Thi đua xây dựng nông thôn mới",
        "launched_by_id": world.province.pk,
        "level": "province",
        "kind": "thematic",
        "start_date": "2025-01-01",
        "cluster_ids": [world.cluster.pk],
        "unit_ids": [world.dien_ban.pk],
        **changes,
    }


def test_the_board_launches_a_movement(world: World, as_persona: AsPersona) -> None:
    response = send(as_persona("board"), "POST", "/api/movements", _movement(world))
    assert response.status_code == 201, response.json()
    assert (response.json()["level"], response.json()["kind"]) == ("province", "thematic")
    assert send(as_persona("head"), "POST", "/api/movements", _movement(world)).status_code == 403


def test_a_movement_for_an_unknown_cluster_is_422_by_row(world: World, as_persona: AsPersona) -> None:
    from tdkt.movements.models import Movement

    response = send(
        as_persona("board"), "POST", "/api/movements", _movement(world, cluster_ids=[world.cluster.pk, 99999])
    )
    assert response.status_code == 422
    assert (response.json()["detail"][0]["row"], response.json()["detail"][0]["field"]) == (2, "cluster_ids")
    assert not Movement.objects.exists()


def test_the_board_edits_a_movement_with_its_planned_titles_and_a_stale_edit_is_422(
    world: World, as_persona: AsPersona
) -> None:
    created = send(
        as_persona("board"), "POST", "/api/movements", _movement(world, planned_titles=["BK_TINH"])
    )
    body = created.json()
    assert body["planned_titles"] == ["BK_TINH"]
    url = f"/api/movements/{body['id']}"
    edited = send(
        as_persona("board"),
        "PUT",
        url,
        _movement(
            world,
            name="Thi đua nông thôn mới 2025",
            planned_titles=["BK_TINH", "CO_TINH"],
            version=body["version"],
        ),
    )
    assert edited.status_code == 200, edited.json()
    assert edited.json()["planned_titles"] == ["BK_TINH", "CO_TINH"]
    stale = send(as_persona("board"), "PUT", url, _movement(world, name="Cũ", version=body["version"]))
    assert stale.status_code == 422
    assert (
        send(as_persona("head"), "PUT", url, _movement(world, version=edited.json()["version"])).status_code
        == 403
    )
