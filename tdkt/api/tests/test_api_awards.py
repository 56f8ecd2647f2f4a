"""The awards API as every persona: people and candidates for the board and the unit's staff (404 for
anyone else), a collective's titles for everyone."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.test import Client

from tdkt.awards.services import award_record
from tdkt.awards.tests.helpers import People, make_people
from tdkt.core.personas import World

VISIBLE_TO_MEMBER = [("board", 200), ("member", 200), ("head", 404), ("outsider", 404), ("public", 404)]


@pytest.fixture
def people(world: World) -> People:
    return make_people(world)


@pytest.mark.parametrize(("persona", "status"), VISIBLE_TO_MEMBER)
def test_a_persons_history_is_for_the_board_and_their_units_staff(
    people: People, as_persona: Callable[[str], Client], persona: str, status: int
) -> None:
    response = as_persona(persona).get(f"/api/people/{people.lan.pk}")
    assert response.status_code == status
    if status == 200:
        body = response.json()
        assert body["full_name"] == "Nguyễn Thị Lan" and body["employments"][0]["unit"] == "Huyện Tiên Phước"
        assert {(a["title"], a["cycle"]) for a in body["awards"]} >= {("CSTDCS", 2024), ("LDTT", 2022)}
        assert body["ratings"][-1] == {
            "cycle": 2024,
            "rating": "HTXSNV",
            "label": "Hoàn thành xuất sắc nhiệm vụ",
        }
    else:
        assert response.json() == {"detail": "Không tìm thấy"}


@pytest.mark.parametrize(("persona", "status"), VISIBLE_TO_MEMBER)
def test_a_persons_verdicts_carry_checks_citations_and_tags(
    people: People, as_persona: Callable[[str], Client], persona: str, status: int
) -> None:
    response = as_persona(persona).get(f"/api/people/{people.lan.pk}/verdicts?cycle=2024")
    assert response.status_code == status
    if status == 200:
        body = response.json()
        verdicts = {v["title"]: v for v in body["verdicts"]}
        assert body["cycle"] == 2024 and verdicts["LDTT"]["outcome"] == "eligible"
        assert all(c["citation"] for c in verdicts["CSTDCS"]["checks"])
        # under Decree 152/2025 the 6-month rule is carried over unverified (tag R)
        later = as_persona(persona).get(f"/api/people/{people.lan.pk}/verdicts?cycle=2025").json()
        ldtt = next(v for v in later["verdicts"] if v["title"] == "LDTT")
        ldtt02 = next(c for c in ldtt["checks"] if c["rule_id"] == "LDTT_02")
        assert ldtt02["tag"] == "R" and ldtt02["unverified"] is True and ldtt["unverified"] is True


def test_a_cycle_out_of_range_is_404(
    world: World, people: People, as_persona: Callable[[str], Client]
) -> None:
    assert as_persona("board").get(f"/api/people/{people.lan.pk}/verdicts?cycle=1800").status_code == 404


@pytest.mark.parametrize(("persona", "status"), VISIBLE_TO_MEMBER)
def test_a_units_candidates_are_for_the_board_and_its_staff(
    world: World, people: People, as_persona: Callable[[str], Client], persona: str, status: int
) -> None:
    response = as_persona(persona).get(f"/api/units/{world.tien_phuoc.pk}/candidates?cycle=2024")
    assert response.status_code == status
    if status == 200:
        body = response.json()
        assert [p["full_name"] for p in body["people"]] == ["Nguyễn Thị Lan", "Trần Văn Bình"]
        titles = {t["title"]: t for t in body["titles"]}
        assert [p["full_name"] for p in titles["CSTDCS"]["eligible"]] == ["Nguyễn Thị Lan"]
        assert body["cstdcs_quota"] is None


@pytest.mark.parametrize("persona", ["board", "head", "member", "outsider", "public"])
def test_a_collectives_titles_are_public(
    world: World, as_persona: Callable[[str], Client], persona: str
) -> None:
    award_record(
        actor=None,
        unit=world.tien_phuoc,
        title="TTLDXS",
        cycle=2024,
        decision_no="3/QĐ-UBND",
        decision_date=dt.date(2025, 2, 1),
        authority="UBND tỉnh Quảng Nam",
    )
    response = as_persona(persona).get(f"/api/units/{world.tien_phuoc.pk}/awards")
    assert response.status_code == 200
    body = response.json()
    assert [(a["title"], a["cycle"], a["unit"]) for a in body["awards"]] == [
        ("TTLDXS", 2024, "Huyện Tiên Phước")
    ]
    assert as_persona(persona).get("/api/units/999999/awards").status_code == 404
