"""GET /api/clusters, /api/clusters/{id}, /api/cluster-years/{id}: public reads over clusters."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from tdkt.api.tests.helpers import PERSONAS, sign_covenant
from tdkt.clusters.services import cluster_year_roll_forward
from tdkt.core.personas import World


@pytest.mark.parametrize("persona", PERSONAS)
def test_clusters_list_is_open_to_every_persona(
    world: World, as_persona: Callable[[str], Client], persona: str
) -> None:
    response = as_persona(persona).get("/api/clusters")
    assert response.status_code == 200
    assert [c["code"] for c in response.json()] == ["T-CDB", "T-CMN"]


def test_cluster_detail_lists_its_years_newest_first(world: World, client: Client) -> None:
    nxt = cluster_year_roll_forward(actor=None, cluster_year=world.cluster_year)
    body = client.get(f"/api/clusters/{world.cluster.pk}").json()
    assert body["name"] == "Cụm thi đua miền núi (thử nghiệm)"
    assert body["organiser"]["name"] == "Tỉnh Quảng Nam"
    assert body["years"] == [{"id": nxt.pk, "year": 2025}, {"id": world.cluster_year.pk, "year": 2024}]


def test_cluster_year_shows_members_head_deputy_and_followed_indicators(world: World, client: Client) -> None:
    body = client.get(f"/api/cluster-years/{world.cluster_year.pk}").json()
    assert body["year"] == 2024
    assert [(m["unit"]["name"], m["role"]) for m in body["members"]] == [
        ("Huyện Phước Sơn", "head"),
        ("Huyện Tiên Phước", None),
        ("Huyện Nam Giang", "deputy"),
    ]
    assert body["head"]["unit"]["name"] == "Huyện Phước Sơn"
    assert body["head"]["role_label"] == "Trưởng cụm"
    assert body["deputy"]["unit"]["name"] == "Huyện Nam Giang"
    assert [i["code"] for i in body["indicators"]] == ["T-THU", "T-GN", "T-NHA"]
    assert body["covenant"] is None


def test_cluster_year_shows_the_signed_covenant_with_its_signatories(world: World, client: Client) -> None:
    sign_covenant(world)
    covenant = client.get(f"/api/cluster-years/{world.cluster_year.pk}").json()["covenant"]
    assert covenant["signed_on"] == "2024-02-20"
    assert covenant["document_number"] == "01/GƯTĐ-CMN"
    assert [s["unit"]["name"] for s in covenant["signatories"]] == [
        "Huyện Phước Sơn",
        "Huyện Tiên Phước",
        "Huyện Nam Giang",
    ]
    assert covenant["signatories"][1]["signer_name"] == "Chủ tịch Huyện Tiên Phước"


@pytest.mark.parametrize("url", ["/api/clusters/999999", "/api/cluster-years/999999"])
def test_unknown_cluster_or_cluster_year_is_404(world: World, client: Client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 404
    assert response.json() == {"detail": "Không tìm thấy"}


def test_cluster_year_lists_its_movements(world: World, client: Client) -> None:
    import datetime as dt

    from tdkt.movements.services import movement_create

    movement_create(
        actor=None,
        name="Cả nước chung tay vì người nghèo",
        launched_by=world.province,
        level="province",
        kind="thematic",
        start_date=dt.date(2021, 1, 1),
        clusters=[world.cluster],
    )
    body = client.get(f"/api/cluster-years/{world.cluster_year.pk}").json()
    assert [m["name"] for m in body["movements"]] == ["Cả nước chung tay vì người nghèo"]
    assert body["movements"][0]["kind"] == "thematic" and body["movements"][0]["end_date"] is None
