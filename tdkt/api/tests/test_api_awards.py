"""The awards API as every persona: people and candidates for the board and the unit's staff (404 for
anyone else), a collective's titles for everyone; records added one at a time by the board and the unit's
staff (a person another unit's staff cannot see: 404; another unit's collective: 403; no login: 401), every
refusal 422 with its field and nothing written."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable

import pytest
from django.test import Client

from tdkt.awards.models import Award, TaskRating
from tdkt.awards.services import award_record, initiative_record, initiative_use, task_rating_set
from tdkt.awards.tests.helpers import People, make_people, records_state
from tdkt.core.personas import World
from tdkt.org.models import CycleKind, Gender, UnitKind
from tdkt.org.services import person_create, unit_create

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
            "version": 1,
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


# --- records entered one at a time ---------------------------------------------------------------------------

WRITERS = [("board", 201), ("member", 201), ("head", 404), ("outsider", 404), ("public", 401)]
COLLECTIVE_WRITERS = [("board", 201), ("member", 201), ("head", 403), ("outsider", 403), ("public", 401)]


def _post(client: Client, url: str, body: dict[str, object]):  # type: ignore[no-untyped-def]
    return client.post(url, data=json.dumps(body), content_type="application/json")


def _award_body(**changes: object) -> dict[str, object]:
    return {
        "title": "CSTDCS",
        "cycle": 2025,
        "decision_no": "77/QĐ-UBND",
        "decision_date": "2026-01-15",
        "authority": "UBND huyện Tiên Phước",
        "basis": "htxsnv",
        **changes,
    }


@pytest.mark.parametrize(("persona", "status"), WRITERS)
def test_an_award_is_added_by_the_board_and_the_persons_unit(
    people: People, as_persona: Callable[[str], Client], persona: str, status: int
) -> None:
    before = records_state()
    response = _post(as_persona(persona), f"/api/people/{people.binh.pk}/awards", _award_body())
    assert response.status_code == status
    if status == 201:
        body = response.json()
        assert (body["title"], body["cycle"], body["decision_no"], body["basis"]) == (
            "CSTDCS",
            2025,
            "77/QĐ-UBND",
            "htxsnv",
        )
        assert Award.objects.filter(pk=body["id"], person=people.binh).exists()
    else:
        assert records_state() == before


@pytest.mark.parametrize(("persona", "status"), WRITERS)
def test_a_rating_an_initiative_and_a_discipline_are_added_by_those_who_record(
    people: People, as_persona: Callable[[str], Client], persona: str, status: int
) -> None:
    client = as_persona(persona)
    before = records_state()
    rating = _post(
        client, f"/api/people/{people.binh.pk}/ratings", {"cycle": 2025, "rating": "HTXSNV", "version": 0}
    )
    initiative = _post(
        client,
        f"/api/people/{people.binh.pk}/initiatives",
        {"name": "Số hóa hồ sơ", "scope": "co_so", "recognised_on": "2025-05-10"},
    )
    discipline = _post(
        client,
        f"/api/people/{people.binh.pk}/disciplines",
        {"level": 1, "start": "2025-02-01", "end": "2026-01-31", "decision_no": "4/QĐ-UBND"},
    )
    assert [rating.status_code, initiative.status_code, discipline.status_code] == [status] * 3
    if status == 201:
        assert rating.json() == {
            "cycle": 2025,
            "rating": "HTXSNV",
            "label": "Hoàn thành xuất sắc nhiệm vụ",
            "version": 1,
        }
        assert initiative.json()["cycle"] == 2025 and initiative.json()["used_by"] is None
        assert discipline.json()["label"] == "Khiển trách"
        again = _post(
            client, f"/api/people/{people.binh.pk}/ratings", {"cycle": 2025, "rating": "HTTNV", "version": 1}
        )
        assert again.status_code == 200 and TaskRating.objects.get(person=people.binh, cycle=2025).rating == 3
        assert again.json()["version"] == 2
    else:
        assert records_state() == before


@pytest.mark.parametrize(("persona", "status"), COLLECTIVE_WRITERS)
def test_a_collectives_records_are_added_by_the_board_and_its_staff(
    world: World, as_persona: Callable[[str], Client], persona: str, status: int
) -> None:
    client = as_persona(persona)
    before = records_state()
    award = _post(
        client,
        f"/api/units/{world.tien_phuoc.pk}/awards",
        _award_body(title="TTLDTT", cycle=2024, decision_date="2025-01-08", basis="other"),
    )
    rating = _post(
        client, f"/api/units/{world.tien_phuoc.pk}/ratings", {"cycle": 2024, "rating": "HTXSNV", "version": 0}
    )
    discipline = _post(
        client,
        f"/api/units/{world.tien_phuoc.pk}/disciplines",
        {"level": 1, "start": "2024-02-01", "end": "2024-12-31"},
    )
    assert [award.status_code, rating.status_code, discipline.status_code] == [status] * 3
    if status == 201:
        assert award.json()["unit"] == "Huyện Tiên Phước"
    else:
        assert records_state() == before
        if status == 403:
            assert "không có quyền ghi hồ sơ" in award.json()["detail"]


@pytest.mark.parametrize(
    ("url", "body", "field", "message"),
    [
        ("awards", _award_body(title="XYZ"), "title", "“XYZ” không có trong danh mục"),
        ("awards", _award_body(decision_date="2999-01-01"), "decision_date", "chưa tới"),
        (
            "awards",
            _award_body(decision_date="15/01/2026"),
            "decision_date",
            "phải là ngày theo dạng YYYY-MM-DD",
        ),
        ("awards", _award_body(initiative_ids=[999999]), "initiative_ids", "không có sáng kiến mã số 999999"),
        ("ratings", {"cycle": 2025, "rating": "TOT", "version": 0}, "rating", "xếp loại “TOT” không hợp lệ"),
        ("ratings", {"cycle": 2999, "rating": "HTTNV", "version": 0}, "cycle", "nằm ngoài khoảng cho phép"),
        (
            "initiatives",
            {"name": "X", "scope": "co_so", "recognised_on": "2999-01-01"},
            "recognised_on",
            "chưa tới",
        ),
        (
            "initiatives",
            {"name": "X", "scope": "co_so", "used_by": 999999},
            "used_by",
            "không có khen thưởng mã số",
        ),
        ("disciplines", {"level": 9, "start": "2024-01-01", "end": "2024-12-31"}, "level", "không hợp lệ"),
        ("disciplines", {"level": 1, "start": "2999-01-01", "end": "2999-12-31"}, "start", "chưa tới"),
    ],
)
def test_a_refused_write_is_422_naming_the_field_and_writes_nothing(
    people: People, as_persona: Callable[[str], Client], url: str, body: dict, field: str, message: str
) -> None:
    before = records_state()
    response = _post(as_persona("member"), f"/api/people/{people.binh.pk}/{url}", body)
    assert response.status_code == 422
    problem = response.json()["detail"][0]
    assert problem["field"] == field and message in problem["message"], problem
    assert records_state() == before


def test_an_initiative_used_by_another_award_or_another_persons_is_refused(
    people: People, as_persona: Callable[[str], Client]
) -> None:
    mine = initiative_record(
        actor=None, person=people.lan, name="Sổ tay", scope="co_so", recognised_on=dt.date(2024, 3, 1)
    )
    initiative_use(actor=None, initiative=mine, award=people.lan_cstdcs_2024)
    before = records_state()
    client = as_persona("member")
    used = _post(
        client, f"/api/people/{people.lan.pk}/awards", _award_body(title="BK_TINH", initiative_ids=[mine.pk])
    )
    assert used.status_code == 422
    assert "đã được dùng làm căn cứ cho CSTĐCS năm 2024" in used.json()["detail"][0]["message"]
    theirs = _post(client, f"/api/people/{people.binh.pk}/awards", _award_body(initiative_ids=[mine.pk]))
    assert theirs.status_code == 422 and theirs.json()["detail"][0] == {
        "message": f"Trần Văn Bình không có sáng kiến mã số {mine.pk}",
        "row": 1,
        "column": None,
        "field": "initiative_ids",
    }
    assert records_state() == before


def test_a_write_without_the_csrf_token_is_403(world: World, people: People) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.member)
    before = records_state()
    body = {"cycle": 2025, "rating": "HTXSNV", "version": 0}
    response = _post(client, f"/api/people/{people.binh.pk}/ratings", body)
    assert response.status_code == 403 and "CSRF" in response.json()["detail"]
    assert records_state() == before
    token = "k" * 32
    client.cookies["csrftoken"] = token
    response = client.post(
        f"/api/people/{people.binh.pk}/ratings",
        data=body,
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 201


def test_verdicts_say_how_the_persons_unit_counts_its_cycles(
    world: World, as_persona: Callable[[str], Client]
) -> None:
    school = unit_create(
        actor=None,
        code="T-TP-THPT",
        name="Trường THPT Huỳnh Thúc Kháng",
        kind=UnitKind.AGENCY,
        parent=world.province,
        cycle_kind=CycleKind.SCHOOL,
    )
    teacher = person_create(
        actor=None,
        full_name="Phan Thị Thanh Thảo",
        gender=Gender.FEMALE,
        unit=school,
        start=dt.date(2011, 9, 5),
        recruited_on=dt.date(2011, 9, 5),
    )
    task_rating_set(actor=None, person=teacher, cycle=2024, rating=4)
    body = as_persona("board").get(f"/api/people/{teacher.pk}/verdicts?cycle=2024").json()
    assert (body["cycle_kind"], body["cycle_label"], body["armed_forces"]) == (
        "school",
        "năm học 2024–2025",
        False,
    )
    ldtt = next(v for v in body["verdicts"] if v["title"] == "LDTT")
    assert (ldtt["cycle_kind"], ldtt["cycle_label"], ldtt["outcome"]) == (
        "school",
        "năm học 2024–2025",
        "eligible",
    )
    person = as_persona("board").get(f"/api/people/{teacher.pk}").json()
    assert person["employments"][0]["cycle_kind"] == "school"
    candidates = as_persona("board").get(f"/api/units/{school.pk}/candidates?cycle=2024").json()
    assert candidates["cycle_label"] == "năm học 2024–2025"
