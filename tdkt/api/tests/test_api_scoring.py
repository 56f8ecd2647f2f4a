"""The scoring API: POST /api/score, criteria sets, assignments, scores, discrepancies, ranking, runs."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from tdkt.api.routers.scoring import MAX_DOCUMENT_BYTES, NO_CRITERIA, NOT_PUBLISHED
from tdkt.api.tests.helpers import PERSONAS, send
from tdkt.core.personas import SCORING_CRITERIA, SCORING_RULES, World
from tdkt.movements.models import Report
from tdkt.movements.services import ValueInput, report_transition, report_values_set
from tdkt.scoring.jsonio import run
from tdkt.scoring.models import CriteriaSet, Criterion, CrossAssignment, DiscrepancyAnswer, Score, ScoringRun
from tdkt.scoring.selectors import scoring_preview
from tdkt.scoring.services import (
    assignments_set,
    criteria_set_adopt,
    criteria_set_create,
    score_set,
    scoring_publish,
)

EXAMPLE = Path(__file__).resolve().parents[3] / "docs" / "examples" / "score-quang-nam-2024.json"

CRITERIA = SCORING_CRITERIA
RULES = SCORING_RULES
CREATE = {"criteria": CRITERIA, "rules": RULES, "total": "30"}


# ---- the world moved along ----------------------------------------------------------------------------


def _draft(world: World) -> CriteriaSet:
    return criteria_set_create(
        actor=None,
        cluster_year=world.cluster_year,
        criteria=CRITERIA,
        rules=RULES,
        declared_total=Decimal(30),
    )


def _adopted(world: World) -> CriteriaSet:
    return criteria_set_adopt(actor=None, criteria_set=_draft(world), adopted_on=dt.date(2024, 3, 1))


def _cycle(world: World) -> None:
    """Phước Sơn scores Tiên Phước, Tiên Phước scores Nam Giang, Nam Giang scores Phước Sơn."""
    criteria_set = CriteriaSet.objects.get(cluster_year=world.cluster_year, status="adopted")
    pairs = [
        (world.phuoc_son, world.tien_phuoc),
        (world.tien_phuoc, world.nam_giang),
        (world.nam_giang, world.phuoc_son),
    ]
    assignments_set(actor=None, criteria_set=criteria_set, pairs=pairs)


def _scored(world: World) -> CriteriaSet:
    """Five scores: two self, two cross, one appraisal."""
    criteria_set = _adopted(world)
    _cycle(world)
    for unit, layer, points, scorer in (
        (world.tien_phuoc, "self", "8", None),
        (world.nam_giang, "self", "7", None),
        (world.nam_giang, "cross", "6", world.tien_phuoc),
        (world.phuoc_son, "cross", "9", world.nam_giang),
        (world.phuoc_son, "appraisal", "8.5", None),
    ):
        score_set(
            actor=None,
            criteria_set=criteria_set,
            unit=unit,
            criterion_code="II.1",
            layer=layer,
            points=Decimal(points),
            scorer_unit=scorer,
            explanation="Theo minh chứng" if layer == "appraisal" else "",
        )
    return criteria_set


def _with_discrepancy(world: World) -> CriteriaSet:
    """Tiên Phước gave itself 10 on II.1, the appraisal says 2: a gap the unit must explain."""
    criteria_set = _adopted(world)
    for layer, points in (("self", 10), ("appraisal", 2)):
        score_set(
            actor=None,
            criteria_set=criteria_set,
            unit=world.tien_phuoc,
            criterion_code="II.1",
            layer=layer,
            points=Decimal(points),
            explanation="Theo minh chứng" if layer == "appraisal" else "",
        )
    return criteria_set


def _accept(report: Report) -> None:
    for action in ("submit", "accept"):
        report_transition(actor=None, report=report, action=action)


def _published(world: World) -> ScoringRun:
    return scoring_publish(actor=None, criteria_set=_adopted(world))


def _scores_url(criteria_set: CriteriaSet) -> str:
    return f"/api/criteria-sets/{criteria_set.pk}/scores"


def _score(world: World, points: object, **extra: object) -> dict[str, object]:
    reason = {"explanation": "Theo minh chứng"} if extra.get("layer") == "appraisal" else {}
    return {
        "unit_id": world.tien_phuoc.pk,
        "criterion": "II.1",
        "layer": "self",
        "points": points,
        "version": 0,
        **reason,
        **extra,
    }


def _example() -> str:
    return EXAMPLE.read_text(encoding="utf-8")


# ---- POST /api/score ----------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_scoring_the_quang_nam_example_ranks_tien_phuoc_first_exactly_as_jsonio(
    world: World, as_persona: Callable[[str], Client], persona: str
) -> None:
    response = as_persona(persona).post("/api/score", data=_example(), content_type="application/json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["ranking"][0]["name"] == "Huyện Tiên Phước"
    assert body == run(json.loads(_example()))


def test_scoring_a_document_gives_what_the_cli_prints(client: Client) -> None:
    out = io.StringIO()
    call_command("score", "--input", str(EXAMPLE), stdout=out)
    response = client.post("/api/score", data=_example(), content_type="application/json")
    assert response.json() == json.loads(out.getvalue())


def test_scoring_stores_nothing(world: World, client: Client) -> None:
    before = ScoringRun.objects.count(), Score.objects.count(), CriteriaSet.objects.count()
    client.post("/api/score", data=_example(), content_type="application/json")
    assert (ScoringRun.objects.count(), Score.objects.count(), CriteriaSet.objects.count()) == before


def test_a_json_number_in_a_document_scores_like_the_same_number_written_as_text(client: Client) -> None:
    text = _example()
    as_number = text.replace('"value": "126.3"', '"value": 126.3', 1)
    assert as_number != text
    written = client.post("/api/score", data=text, content_type="application/json").json()
    numeric = client.post("/api/score", data=as_number, content_type="application/json").json()
    assert numeric["ranking"] == written["ranking"]
    assert numeric["leaders"] == written["leaders"]


@pytest.mark.parametrize(
    ("document", "field", "message"),
    [
        ([], "$", "phải là đối tượng {…}"),
        ({"criteria_set": {"criteria": []}, "units": "ba huyện"}, "units", "phải là danh sách […]"),
        (
            {"criteria_set": {"criteria": []}, "units": [{"id": "A"}]},
            "units[0].name",
            "thiếu khóa bắt buộc “name”",
        ),
        (
            {"criteria_set": {"criteria": [], "totl": "30"}, "units": []},
            "criteria_set.totl",
            "khóa không được phép: “totl” — có phải “total”?",
        ),
        ({"criteria_set": {"criteria": []}, "units": [], "year": "2024"}, "year", "phải là số nguyên"),
        (
            {
                "criteria_set": {
                    "criteria": [
                        {
                            "code": "X",
                            "name": "X",
                            "max_points": "10",
                            "method": {"type": "formula", "expression": "a +"},
                        }
                    ]
                },
                "units": [],
            },
            "criteria_set.criteria[0].method.expression",
            "sai cú pháp",
        ),
        (
            {
                "criteria_set": {"criteria": []},
                "units": [{"id": "A", "name": "A", "results": {"X": "1.2.3,4,5"}}],
            },
            "units[0].results.X",
            "không phải là số",
        ),
    ],
)
def test_a_bad_document_is_422_naming_the_json_path(
    client: Client, document: object, field: str, message: str
) -> None:
    response = send(client, "POST", "/api/score", document)
    assert response.status_code == 422
    problems = response.json()["detail"]
    assert any(p["field"] == field and message in p["message"] for p in problems), problems


def test_criteria_that_do_not_add_up_are_422_with_the_engines_sentence(client: Client) -> None:
    document = json.loads(_example())
    document["criteria_set"]["total"] = "90"
    response = send(client, "POST", "/api/score", document)
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {
            "message": "Tổng điểm tối đa của bộ tiêu chí là 100, khai báo 90",
            "row": None,
            "column": None,
            "field": None,
        }
    ]


def test_a_document_that_is_not_json_is_400_in_vietnamese(client: Client) -> None:
    response = client.post("/api/score", data='{"units": [', content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"].startswith("Nội dung gửi lên không phải JSON hợp lệ: dòng 1")


def test_a_document_over_5_mb_is_413_in_vietnamese(client: Client) -> None:
    body = json.dumps({"note": "x" * MAX_DOCUMENT_BYTES})
    response = client.post("/api/score", data=body, content_type="application/json")
    assert response.status_code == 413
    assert response.json() == {"detail": "Dữ liệu gửi lên lớn hơn 5 MB"}


def test_a_document_above_the_sites_2_mb_body_limit_but_under_5_mb_is_scored(client: Client) -> None:
    document = json.loads(_example())
    document["note"] = "x" * (3 * 1024 * 1024)
    response = send(client, "POST", "/api/score", document)
    assert response.status_code == 200
    assert response.json()["ranking"][0]["name"] == "Huyện Tiên Phước"


def test_a_robustness_test_too_costly_for_a_public_endpoint_is_422(client: Client) -> None:
    document = json.loads(_example())
    document["robustness"]["draws"] = 100_000
    document["units"] = document["units"] * 10  # 90 members: 9 million cells
    response = send(client, "POST", "/api/score", document)
    assert response.status_code == 422
    [problem] = response.json()["detail"]
    assert problem["field"] == "robustness.draws"
    assert "số lần thử tối đa" in problem["message"]


# ---- criteria sets: reading ---------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_criteria_set_versions_are_public(
    world: World, as_persona: Callable[[str], Client], persona: str
) -> None:
    v1 = _adopted(world)
    v2 = criteria_set_create(
        actor=None,
        cluster_year=world.cluster_year,
        criteria=CRITERIA,
        rules=RULES,
        declared_total=Decimal(30),
        amends=v1,
        reason="Sửa đổi tại hội nghị sơ kết",
    )
    response = as_persona(persona).get(f"/api/cluster-years/{world.cluster_year.pk}/criteria-sets")
    assert response.status_code == 200
    assert response.json() == [
        {
            "id": v2.pk,
            "version": 2,
            "status": "draft",
            "status_label": "Dự thảo",
            "adopted_on": None,
            "amends": v1.pk,
            "reason": "Sửa đổi tại hội nghị sơ kết",
            "declared_total": "30.0000",
        },
        {
            "id": v1.pk,
            "version": 1,
            "status": "adopted",
            "status_label": "Đã thông qua",
            "adopted_on": "2024-03-01",
            "amends": None,
            "reason": "",
            "declared_total": "30.0000",
        },
    ]


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_criteria_set_with_its_tree_and_rules_is_public(
    world: World, as_persona: Callable[[str], Client], persona: str
) -> None:
    criteria_set = _adopted(world)
    response = as_persona(persona).get(f"/api/criteria-sets/{criteria_set.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["cluster_year"]["id"] == world.cluster_year.pk
    assert body["rules"] == RULES
    assert body["criteria"][0]["code"] == "I"
    assert body["criteria"][0]["children"][0] == {
        "code": "I.1",
        "name": "Giải ngân",
        "kind": "score",
        "max_points": "10",
        "method": {"type": "ratio", "indicator": "T-GN"},
    }


def test_an_unknown_criteria_set_is_404(world: World, client: Client) -> None:
    assert client.get("/api/criteria-sets/999999").status_code == 404
    assert client.get("/api/cluster-years/999999/criteria-sets").status_code == 404


# ---- criteria sets: writing ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [("board", 201), ("head", 201), ("member", 403), ("outsider", 404), ("public", 401)],
)
def test_the_head_and_the_board_draft_criteria_sets(
    world: World, as_persona: Callable[[str], Client], persona: str, status: int
) -> None:
    url = f"/api/cluster-years/{world.cluster_year.pk}/criteria-sets"
    response = send(as_persona(persona), "POST", url, CREATE)
    assert response.status_code == status, response.json()
    assert CriteriaSet.objects.exists() == (status == 201)
    if status == 201:
        body = response.json()
        assert (body["version"], body["status"], body["declared_total"]) == (1, "draft", "30.0000")
        assert [c["code"] for c in body["criteria"]] == ["I", "II"]


def test_json_numbers_in_criteria_are_stored_exactly_not_read_as_thousands(
    world: World, as_persona: Callable[[str], Client]
) -> None:
    raw = (
        '{"total": 30, "rules": {"discrepancy_gap": 1.125}, "criteria": ['
        '{"code": "A", "name": "A", "max_points": 1.125, "method": {"type": "judged"}},'
        '{"code": "B", "name": "B", "max_points": 28.875, "method": {"type": "judged"}}]}'
    )
    url = f"/api/cluster-years/{world.cluster_year.pk}/criteria-sets"
    response = as_persona("head").post(url, data=raw, content_type="application/json")
    assert response.status_code == 201, response.json()
    points = dict(Criterion.objects.values_list("code", "max_points"))
    assert points == {"A": Decimal("1.125"), "B": Decimal("28.875")}
    assert response.json()["rules"] == {"discrepancy_gap": "1,125"}


@pytest.mark.parametrize(
    ("criteria", "message"),
    [
        ([dict(CRITERIA[0], max_points="25"), CRITERIA[1]], "khai báo 25"),
        (
            [
                {
                    "code": "X",
                    "name": "X",
                    "max_points": "30",
                    "method": {"type": "ratio", "indicator": "KHAC"},
                }
            ],
            "“KHAC” không có trong danh mục",
        ),
        (
            [
                {
                    "code": "X",
                    "name": "X",
                    "max_points": "30",
                    "method": {"type": "formula", "expression": "T_GN_percent +"},
                }
            ],
            "sai cú pháp",
        ),
    ],
    ids=["points-do-not-add-up", "unknown-indicator", "bad-formula"],
)
def test_bad_criteria_are_422_and_nothing_is_stored(
    world: World, as_persona: Callable[[str], Client], criteria: list[dict[str, Any]], message: str
) -> None:
    url = f"/api/cluster-years/{world.cluster_year.pk}/criteria-sets"
    response = send(as_persona("head"), "POST", url, {**CREATE, "criteria": criteria})
    assert response.status_code == 422
    problems = response.json()["detail"]
    assert any(message in p["message"] and p["field"] == "criteria" for p in problems), problems
    assert not CriteriaSet.objects.exists()


def test_an_amendment_without_a_reason_is_422(world: World, as_persona: Callable[[str], Client]) -> None:
    v1 = _adopted(world)
    url = f"/api/cluster-years/{world.cluster_year.pk}/criteria-sets"
    response = send(as_persona("head"), "POST", url, {**CREATE, "amends": v1.pk})
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "reason"
    response = send(as_persona("head"), "POST", url, {**CREATE, "amends": v1.pk, "reason": "Sơ kết 6 tháng"})
    assert response.status_code == 201
    assert (response.json()["version"], response.json()["amends"]) == (2, v1.pk)


def test_amending_an_unknown_version_is_422_naming_amends(
    world: World, as_persona: Callable[[str], Client]
) -> None:
    url = f"/api/cluster-years/{world.cluster_year.pk}/criteria-sets"
    response = send(as_persona("head"), "POST", url, {**CREATE, "amends": 999999, "reason": "x"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "amends"


def test_a_criteria_set_without_a_total_is_422_in_vietnamese(
    world: World, as_persona: Callable[[str], Client]
) -> None:
    url = f"/api/cluster-years/{world.cluster_year.pk}/criteria-sets"
    response = send(as_persona("head"), "POST", url, {"criteria": CRITERIA})
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"message": "thiếu giá trị bắt buộc", "row": None, "column": None, "field": "total"}
    ]


@pytest.mark.parametrize(
    ("persona", "status"),
    [("board", 200), ("head", 200), ("member", 403), ("outsider", 404), ("public", 401)],
)
def test_the_head_and_the_board_adopt_a_draft(
    world: World, as_persona: Callable[[str], Client], persona: str, status: int
) -> None:
    draft = _draft(world)
    response = send(
        as_persona(persona), "POST", f"/api/criteria-sets/{draft.pk}/adopt", {"adopted_on": "2024-03-01"}
    )
    assert response.status_code == status
    draft.refresh_from_db()
    assert draft.status == ("adopted" if status == 200 else "draft")
    if status == 200:
        assert response.json()["adopted_on"] == "2024-03-01"


def test_adopting_twice_is_422(world: World, as_persona: Callable[[str], Client]) -> None:
    adopted = _adopted(world)
    response = send(
        as_persona("head"), "POST", f"/api/criteria-sets/{adopted.pk}/adopt", {"adopted_on": "2024-03-02"}
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "status"


@pytest.mark.parametrize(
    ("persona", "status"),
    [("board", 200), ("head", 200), ("member", 403), ("outsider", 404), ("public", 401)],
)
def test_the_head_and_the_board_lock_an_adopted_set(
    world: World, as_persona: Callable[[str], Client], persona: str, status: int
) -> None:
    adopted = _adopted(world)
    response = as_persona(persona).post(f"/api/criteria-sets/{adopted.pk}/lock")
    assert response.status_code == status
    adopted.refresh_from_db()
    assert adopted.status == ("locked" if status == 200 else "adopted")


def test_locking_a_draft_is_422(world: World, as_persona: Callable[[str], Client]) -> None:
    response = as_persona("head").post(f"/api/criteria-sets/{_draft(world).pk}/lock")
    assert response.status_code == 422


# ---- assignments --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [("board", 200), ("head", 200), ("member", 200), ("outsider", 404), ("public", 404)],
)
def test_assignments_are_seen_by_members_and_managers_only(
    world: World, as_persona: Callable[[str], Client], persona: str, status: int
) -> None:
    criteria_set = _adopted(world)
    _cycle(world)
    response = as_persona(persona).get(f"/api/criteria-sets/{criteria_set.pk}/assignments")
    assert response.status_code == status
    if status == 200:
        pairs = {(p["scorer"]["name"], p["scored"]["name"]) for p in response.json()}
        assert ("Huyện Tiên Phước", "Huyện Nam Giang") in pairs and len(pairs) == 3


def _pairs(*pairs: tuple[int, int]) -> dict[str, object]:
    return {"pairs": [{"scorer_id": a, "scored_id": b} for a, b in pairs], "no_reciprocal": True}


@pytest.mark.parametrize(
    ("persona", "status"),
    [("board", 200), ("head", 200), ("member", 403), ("outsider", 404), ("public", 401)],
)
def test_the_head_and_the_board_set_the_assignments(
    world: World, as_persona: Callable[[str], Client], persona: str, status: int
) -> None:
    criteria_set = _adopted(world)
    ps, tp, ng = world.phuoc_son.pk, world.tien_phuoc.pk, world.nam_giang.pk
    body = _pairs((ps, ng), (ng, tp), (tp, ps))
    response = send(as_persona(persona), "PUT", f"/api/criteria-sets/{criteria_set.pk}/assignments", body)
    assert response.status_code == status
    assert CrossAssignment.objects.count() == (3 if status == 200 else 0)


@pytest.mark.parametrize(
    ("pairs", "message"),
    [
        ([("tp", "tp"), ("ps", "ng"), ("ng", "tp"), ("tp", "ps")], "không được tự chấm chéo chính mình"),
        ([("ps", "tp"), ("tp", "ps"), ("tp", "ng")], "chấm qua lại lẫn nhau"),
        ([("ps", "tp"), ("tp", "ps")], "chưa được ai chấm chéo"),
    ],
)
def test_a_bad_assignment_matrix_is_422(
    world: World, as_persona: Callable[[str], Client], pairs: list[tuple[str, str]], message: str
) -> None:
    criteria_set = _adopted(world)
    ids = {"ps": world.phuoc_son.pk, "tp": world.tien_phuoc.pk, "ng": world.nam_giang.pk}
    body = _pairs(*((ids[a], ids[b]) for a, b in pairs))
    response = send(as_persona("head"), "PUT", f"/api/criteria-sets/{criteria_set.pk}/assignments", body)
    assert response.status_code == 422
    assert any(message in p["message"] for p in response.json()["detail"])
    assert not CrossAssignment.objects.exists()


def test_an_assignment_naming_an_unknown_unit_is_422_with_its_row(
    world: World, as_persona: Callable[[str], Client]
) -> None:
    criteria_set = _adopted(world)
    body = _pairs((world.phuoc_son.pk, world.tien_phuoc.pk), (999999, world.nam_giang.pk))
    response = send(as_persona("head"), "PUT", f"/api/criteria-sets/{criteria_set.pk}/assignments", body)
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"message": "không có đơn vị mã số 999999", "row": 2, "column": None, "field": "scorer_id"}
    ]


@pytest.mark.parametrize(
    ("persona", "status"),
    [("board", 200), ("head", 200), ("member", 403), ("outsider", 404), ("public", 401)],
)
def test_the_head_and_the_board_have_a_balanced_matrix_proposed(
    world: World, as_persona: Callable[[str], Client], persona: str, status: int
) -> None:
    criteria_set = _adopted(world)
    body = {"per_unit": 1, "no_reciprocal": True, "seed": 7}
    response = send(
        as_persona(persona), "POST", f"/api/criteria-sets/{criteria_set.pk}/assignments/propose", body
    )
    assert response.status_code == status
    if status == 200:
        body_out = response.json()
        assert len(body_out) == 3
        assert {p["scorer"]["id"] for p in body_out} == {p["scored"]["id"] for p in body_out}
    assert CrossAssignment.objects.count() == (3 if status == 200 else 0)


@pytest.mark.parametrize(("per_unit", "field"), [(2, "per_unit"), (0, "per_unit")])
def test_an_impossible_proposal_is_422(
    world: World, as_persona: Callable[[str], Client], per_unit: int, field: str
) -> None:
    criteria_set = _adopted(world)
    url = f"/api/criteria-sets/{criteria_set.pk}/assignments/propose"
    response = send(as_persona("head"), "POST", url, {"per_unit": per_unit})
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == field


# ---- scores: writing ----------------------------------------------------------------------------------


def test_member_enters_its_self_scores(world: World, as_persona: Callable[[str], Client]) -> None:
    criteria_set = _adopted(world)
    body = [_score(world, "7.5", explanation="Tổ chức 12 phong trào")]
    response = send(as_persona("member"), "PUT", _scores_url(criteria_set), body)
    assert response.status_code == 200, response.json()
    [out] = response.json()
    assert (out["layer"], out["layer_label"], out["points"], out["criterion"]) == (
        "self",
        "Tự chấm",
        "7.5000",
        "II.1",
    )
    assert out["unit"]["name"] == "Huyện Tiên Phước" and out["scorer_unit"] is None
    assert Score.objects.get().points == Decimal("7.5")


def test_changing_a_score_replaces_it(world: World, as_persona: Callable[[str], Client]) -> None:
    criteria_set = _adopted(world)
    send(as_persona("member"), "PUT", _scores_url(criteria_set), [_score(world, "7")])
    send(as_persona("member"), "PUT", _scores_url(criteria_set), [_score(world, "6,5", version=1)])
    assert list(Score.objects.values_list("points", flat=True)) == [Decimal("6.5")]


def test_two_clients_writing_over_the_same_version_the_second_is_422_and_the_first_stays(
    world: World, as_persona: Callable[[str], Client]
) -> None:
    criteria_set = _adopted(world)
    send(as_persona("member"), "PUT", _scores_url(criteria_set), [_score(world, "7")])
    first, second = as_persona("member"), as_persona("board")
    assert send(first, "PUT", _scores_url(criteria_set), [_score(world, "8", version=1)]).status_code == 200
    response = send(second, "PUT", _scores_url(criteria_set), [_score(world, "9", version=1)])
    assert response.status_code == 422
    detail = response.json()["detail"][0]
    assert detail["field"] == "version" and detail["row"] == 1
    assert "phiên bản 1 → 2" in detail["message"] and "điểm: 7 → 8" in detail["message"]
    assert Score.objects.get().points == Decimal(8)


def test_a_score_without_its_version_is_422(world: World, as_persona: Callable[[str], Client]) -> None:
    criteria_set = _adopted(world)
    row = {k: v for k, v in _score(world, "7").items() if k != "version"}
    response = send(as_persona("member"), "PUT", _scores_url(criteria_set), [row])
    assert response.status_code == 422 and not Score.objects.exists()


def test_the_board_confirms_an_appraisal_the_preview_lists(
    world: World, as_persona: Callable[[str], Client]
) -> None:
    criteria_set = _adopted(world)
    body = [_score(world, "6", layer="appraisal", explanation="Minh chứng chưa đủ")]
    assert send(as_persona("head"), "PUT", _scores_url(criteria_set), body).status_code == 200
    preview = as_persona("head").get(f"/api/cluster-years/{world.cluster_year.pk}/ranking/preview").json()
    [pending] = preview["appraisals_to_confirm"]
    assert (pending["unit"], pending["criterion"], pending["points_after"]) == ("T-TP", "II.1", "6")
    assert "Trần Thị Hạnh (Huyện Phước Sơn)" in pending["appraised_by"]
    url = f"/api/scores/{pending['score_id']}/confirm"
    assert send(as_persona("head"), "POST", url, {"version": pending["version"]}).status_code == 403
    assert send(as_persona("outsider"), "POST", url, {"version": pending["version"]}).status_code == 404
    response = send(as_persona("board"), "POST", url, {"version": pending["version"]})
    assert response.status_code == 200, response.json()
    assert response.json()["confirmed_by"].endswith("(Ban Thi đua – Khen thưởng)")
    preview = as_persona("head").get(f"/api/cluster-years/{world.cluster_year.pk}/ranking/preview").json()
    assert preview["appraisals_to_confirm"] == []


def test_the_heads_staff_appraising_their_own_unit_is_403(
    world: World, as_persona: Callable[[str], Client]
) -> None:
    criteria_set = _adopted(world)
    body = [_score(world, "6", layer="appraisal", unit_id=world.phuoc_son.pk)]
    response = send(as_persona("head"), "PUT", _scores_url(criteria_set), body)
    assert response.status_code == 403 and "chính mình" in response.json()["detail"]
    assert not Score.objects.exists()


def test_scores_outside_the_range_are_422_each_with_its_row_and_nothing_is_stored(
    world: World, as_persona: Callable[[str], Client]
) -> None:
    criteria_set = _adopted(world)
    before = Score.objects.count()
    body = [_score(world, "5"), _score(world, "10.5", criterion="I.1"), _score(world, "-1", criterion="I.2")]
    response = send(as_persona("member"), "PUT", _scores_url(criteria_set), body)
    assert response.status_code == 422
    problems = response.json()["detail"]
    assert [(p["row"], p["field"]) for p in problems] == [(2, "points"), (3, "points")]
    assert all("nằm ngoài khoảng [0; " in p["message"] for p in problems)
    assert Score.objects.count() == before == 0


def test_every_kind_of_bad_row_is_reported_at_once(world: World, as_persona: Callable[[str], Client]) -> None:
    criteria_set = _adopted(world)
    body = [
        _score(world, "5", criterion="KHONG"),
        _score(world, "5", unit_id=999999),
        _score(world, "5", criterion="II"),
        _score(world, "5"),
        _score(world, "6"),
    ]
    response = send(as_persona("member"), "PUT", _scores_url(criteria_set), body)
    assert response.status_code == 422
    problems = response.json()["detail"]
    assert [(p["row"], p["field"]) for p in problems] == [
        (1, "criterion"),
        (2, "unit_id"),
        (3, "criterion"),
        (5, "criterion"),
    ]
    assert problems[3]["message"] == "trùng với dòng 4"
    assert not Score.objects.exists()


def test_an_unreadable_score_is_422_naming_its_row(world: World, as_persona: Callable[[str], Client]) -> None:
    criteria_set = _adopted(world)
    body = [_score(world, "5"), _score(world, "1.000"), _score(world, "5", layer="chấm lại")]
    response = send(as_persona("member"), "PUT", _scores_url(criteria_set), body)
    assert response.status_code == 422
    problems = response.json()["detail"]
    assert [(p["row"], p["field"]) for p in problems] == [(2, "points"), (3, "layer")]
    assert not Score.objects.exists()


def test_a_unit_cross_scoring_itself_is_422(world: World, as_persona: Callable[[str], Client]) -> None:
    criteria_set = _adopted(world)
    _cycle(world)
    body = [_score(world, "5", layer="cross", scorer_unit_id=world.tien_phuoc.pk)]
    response = send(as_persona("member"), "PUT", _scores_url(criteria_set), body)
    assert response.status_code == 422
    [problem] = response.json()["detail"]
    assert (problem["row"], problem["field"]) == (1, "scorer_unit")
    assert "không được tự chấm chéo chính mình" in problem["message"]
    assert not Score.objects.exists()


def test_member_cross_scores_the_unit_it_is_assigned(
    world: World, as_persona: Callable[[str], Client]
) -> None:
    criteria_set = _adopted(world)
    _cycle(world)
    body = [_score(world, "6", unit_id=world.nam_giang.pk, layer="cross", scorer_unit_id=world.tien_phuoc.pk)]
    response = send(as_persona("member"), "PUT", _scores_url(criteria_set), body)
    assert response.status_code == 200, response.json()
    assert response.json()[0]["scorer_unit"]["name"] == "Huyện Tiên Phước"


def test_cross_scoring_an_unassigned_unit_is_422(world: World, as_persona: Callable[[str], Client]) -> None:
    criteria_set = _adopted(world)
    _cycle(world)
    body = [_score(world, "6", unit_id=world.phuoc_son.pk, layer="cross", scorer_unit_id=world.tien_phuoc.pk)]
    response = send(as_persona("member"), "PUT", _scores_url(criteria_set), body)
    assert response.status_code == 422
    assert "không được phân công" in response.json()["detail"][0]["message"]


def test_member_cannot_appraise_and_nothing_of_the_list_is_stored(
    world: World, as_persona: Callable[[str], Client]
) -> None:
    criteria_set = _adopted(world)
    body = [_score(world, "5"), _score(world, "5", layer="appraisal")]
    response = send(as_persona("member"), "PUT", _scores_url(criteria_set), body)
    assert response.status_code == 403
    assert response.json()["detail"].startswith("Dòng 2: ")
    assert not Score.objects.exists()


def test_a_score_write_without_a_csrf_token_is_403(world: World) -> None:
    criteria_set = _adopted(world)
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.member)
    response = send(client, "PUT", _scores_url(criteria_set), [_score(world, "5")])
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert not Score.objects.exists()


@pytest.mark.parametrize("persona", ["board", "head"])
def test_the_head_and_the_board_appraise(
    world: World, as_persona: Callable[[str], Client], persona: str
) -> None:
    criteria_set = _adopted(world)
    response = send(
        as_persona(persona), "PUT", _scores_url(criteria_set), [_score(world, "9", layer="appraisal")]
    )
    assert response.status_code == 200
    assert Score.objects.get().layer == "appraisal"


def test_head_cannot_enter_a_members_self_score(world: World, as_persona: Callable[[str], Client]) -> None:
    criteria_set = _adopted(world)
    response = send(as_persona("head"), "PUT", _scores_url(criteria_set), [_score(world, "9")])
    assert response.status_code == 403
    assert not Score.objects.exists()


@pytest.mark.parametrize(("persona", "status"), [("outsider", 404), ("public", 401)])
def test_outsider_score_writes_are_404_and_the_public_401(
    world: World, as_persona: Callable[[str], Client], persona: str, status: int
) -> None:
    criteria_set = _adopted(world)
    response = send(as_persona(persona), "PUT", _scores_url(criteria_set), [_score(world, "5")])
    assert response.status_code == status
    assert not Score.objects.exists()


def test_scores_on_a_draft_are_422(world: World, as_persona: Callable[[str], Client]) -> None:
    response = send(as_persona("member"), "PUT", _scores_url(_draft(world)), [_score(world, "5")])
    assert response.status_code == 422
    assert "chưa được thông qua" in response.json()["detail"][0]["message"]


# ---- scores: reading ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("board", 5),
        ("head", 5),
        ("member", {("self", "Huyện Tiên Phước", None), ("cross", "Huyện Nam Giang", "Huyện Tiên Phước")}),
        ("outsider", 404),
        ("public", 404),
    ],
)
def test_scores_are_seen_by_managers_in_full_and_by_a_member_for_its_own_unit(
    world: World, as_persona: Callable[[str], Client], persona: str, expected: object
) -> None:
    criteria_set = _scored(world)
    response = as_persona(persona).get(_scores_url(criteria_set))
    if expected == 404:
        assert response.status_code == 404
        return
    assert response.status_code == 200
    body = response.json()
    if isinstance(expected, int):
        assert len(body) == expected
    else:
        seen = {(s["layer"], s["unit"]["name"], s["scorer_unit"] and s["scorer_unit"]["name"]) for s in body}
        assert seen == expected


# ---- discrepancies ------------------------------------------------------------------------------------


def _answer_url(criteria_set: CriteriaSet, unit_id: int, criterion: str = "II.1") -> str:
    return f"/api/criteria-sets/{criteria_set.pk}/discrepancies/{unit_id}/{criterion}"


@pytest.mark.parametrize(
    ("persona", "status"),
    [("board", 200), ("head", 403), ("member", 200), ("outsider", 404), ("public", 401)],
)
def test_the_scored_unit_answers_its_discrepancy(
    world: World, as_persona: Callable[[str], Client], persona: str, status: int
) -> None:
    criteria_set = _with_discrepancy(world)
    body = {"answer": "Đơn vị đã tổ chức 12 phong trào, có minh chứng kèm theo"}
    response = send(as_persona(persona), "POST", _answer_url(criteria_set, world.tien_phuoc.pk), body)
    assert response.status_code == status
    assert DiscrepancyAnswer.objects.exists() == (status == 200)
    if status == 200:
        assert response.json()["criterion"] == "II.1"
        assert response.json()["unit"]["name"] == "Huyện Tiên Phước"


def test_an_empty_answer_is_422(world: World, as_persona: Callable[[str], Client]) -> None:
    criteria_set = _with_discrepancy(world)
    response = send(
        as_persona("member"), "POST", _answer_url(criteria_set, world.tien_phuoc.pk), {"answer": "  "}
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "answer"


def test_answering_for_a_unit_outside_the_cluster_is_404(
    world: World, as_persona: Callable[[str], Client]
) -> None:
    criteria_set = _with_discrepancy(world)
    response = send(
        as_persona("board"), "POST", _answer_url(criteria_set, world.dien_ban.pk), {"answer": "x"}
    )
    assert response.status_code == 404


def test_answering_on_an_unknown_criterion_is_422(world: World, as_persona: Callable[[str], Client]) -> None:
    criteria_set = _with_discrepancy(world)
    url = _answer_url(criteria_set, world.tien_phuoc.pk, "IX.9")
    response = send(as_persona("member"), "POST", url, {"answer": "x"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "criterion"


# ---- ranking: preview and publication -----------------------------------------------------------------


def _ranking_url(world: World, suffix: str = "") -> str:
    return f"/api/cluster-years/{world.cluster_year.pk}/ranking{suffix}"


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_ranking_before_any_publication_is_404_in_vietnamese(
    world: World, as_persona: Callable[[str], Client], persona: str
) -> None:
    _adopted(world)
    response = as_persona(persona).get(_ranking_url(world))
    assert response.status_code == 404
    assert response.json() == {"detail": NOT_PUBLISHED}


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_published_ranking_is_public(
    world: World, as_persona: Callable[[str], Client], persona: str
) -> None:
    scoring_run = _published(world)
    response = as_persona(persona).get(_ranking_url(world))
    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["number"], body["inputs_hash"]) == (scoring_run.pk, 1, scoring_run.inputs_hash)
    assert body["result"] == scoring_run.result


@pytest.mark.parametrize(
    ("persona", "status"),
    [("board", 200), ("head", 200), ("member", 404), ("outsider", 404), ("public", 404)],
)
def test_the_preview_is_for_the_head_and_the_board_only(
    world: World, as_persona: Callable[[str], Client], persona: str, status: int
) -> None:
    criteria_set = _with_discrepancy(world)
    response = as_persona(persona).get(_ranking_url(world, "/preview"))
    assert response.status_code == status
    if status == 200:
        body = response.json()
        assert body["result"] == scoring_preview(criteria_set)
        assert body["criteria_set"]["id"] == criteria_set.pk
        assert body["unanswered_discrepancies"] == [{"unit": "T-TP", "criterion": "II.1"}]


def test_the_preview_is_what_tdkt_score_prints_for_the_stored_data(
    world: World, as_persona: Callable[[str], Client]
) -> None:
    _scored(world)
    _accept(world.member_report)
    out = io.StringIO()
    call_command("score", "--cluster", world.cluster.code, "--year", "2024", stdout=out)
    preview = as_persona("head").get(_ranking_url(world, "/preview")).json()["result"]
    assert preview == json.loads(out.getvalue())


def test_the_preview_without_criteria_is_404_in_vietnamese(
    world: World, as_persona: Callable[[str], Client]
) -> None:
    response = as_persona("head").get(_ranking_url(world, "/preview"))
    assert response.status_code == 404
    assert response.json() == {"detail": NO_CRITERIA}


@pytest.mark.parametrize(
    ("persona", "status"),
    [("board", 201), ("head", 201), ("member", 403), ("outsider", 404), ("public", 401)],
)
def test_the_head_and_the_board_publish(
    world: World, as_persona: Callable[[str], Client], persona: str, status: int
) -> None:
    _adopted(world)
    response = send(as_persona(persona), "POST", _ranking_url(world, "/publish"), {})
    assert response.status_code == status
    assert ScoringRun.objects.count() == (1 if status == 201 else 0)


def test_publication_waits_for_every_discrepancy_to_be_answered(
    world: World, as_persona: Callable[[str], Client]
) -> None:
    criteria_set = _with_discrepancy(world)
    blocked = send(as_persona("head"), "POST", _ranking_url(world, "/publish"), {})
    assert blocked.status_code == 422
    [problem] = blocked.json()["detail"]
    assert problem["field"] == "discrepancies"
    assert "T-TP – tiêu chí II.1" in problem["message"]
    assert not ScoringRun.objects.exists()

    answer = {"answer": "Đơn vị đã tổ chức 12 phong trào, có minh chứng kèm theo"}
    assert (
        send(as_persona("member"), "POST", _answer_url(criteria_set, world.tien_phuoc.pk), answer).status_code
        == 200
    )

    response = send(as_persona("head"), "POST", _ranking_url(world, "/publish"), {})
    assert response.status_code == 201
    body = response.json()
    scoring_run = ScoringRun.objects.get()
    assert (body["id"], body["number"], body["supersedes"]) == (scoring_run.pk, 1, None)
    assert body["inputs_hash"] == scoring_run.inputs_hash and len(body["inputs_hash"]) == 64
    assert body["criteria_set"] == {"id": criteria_set.pk, "version": 1}
    assert body["result"] == scoring_run.result == scoring_preview(criteria_set)


def test_publishing_again_needs_a_reason_and_supersedes_the_last_run(
    world: World, as_persona: Callable[[str], Client]
) -> None:
    first = _published(world)
    refused = send(as_persona("head"), "POST", _ranking_url(world, "/publish"), {"reason": " "})
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["field"] == "reason"
    response = send(
        as_persona("head"), "POST", _ranking_url(world, "/publish"), {"reason": "Bổ sung điểm thẩm định"}
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["number"], body["supersedes"], body["reason"]) == (2, first.pk, "Bổ sung điểm thẩm định")
    assert as_persona("public").get(_ranking_url(world)).json()["number"] == 2


def test_publishing_without_an_adopted_criteria_set_is_422(
    world: World, as_persona: Callable[[str], Client]
) -> None:
    response = send(as_persona("head"), "POST", _ranking_url(world, "/publish"), {})
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "criteria_set"
    _draft(world)
    response = send(as_persona("head"), "POST", _ranking_url(world, "/publish"), {})
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "status"


# Regressions: a stored “83.125” was once read back by the engine as 83125.


def test_a_reported_value_with_three_decimals_is_scored_as_reported(
    world: World, as_persona: Callable[[str], Client]
) -> None:
    _adopted(world)
    report_values_set(
        actor=None, report=world.member_report, values=[ValueInput(world.disbursement, Decimal("83.125"))]
    )
    _accept(world.member_report)
    result = as_persona("head").get(_ranking_url(world, "/preview")).json()["result"]
    row = next(r for r in result["ranking"] if r["name"] == "Huyện Tiên Phước")
    assert next(c for c in row["criteria"] if c["code"] == "I.1")["points"] == "8.3125"


def test_a_score_with_three_decimals_is_ranked_as_entered(
    world: World, as_persona: Callable[[str], Client]
) -> None:
    criteria_set = _adopted(world)
    assert (
        send(as_persona("member"), "PUT", _scores_url(criteria_set), [_score(world, "8,125")]).status_code
        == 200
    )
    result = as_persona("head").get(_ranking_url(world, "/preview")).json()["result"]
    row = next(r for r in result["ranking"] if r["name"] == "Huyện Tiên Phước")
    assert next(c for c in row["criteria"] if c["code"] == "II.1")["points"] == "8.125"


# ---- published runs -----------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_published_run_is_public(world: World, as_persona: Callable[[str], Client], persona: str) -> None:
    scoring_run = _published(world)
    response = as_persona(persona).get(f"/api/scoring-runs/{scoring_run.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["cluster_year"]["id"] == world.cluster_year.pk
    assert body["engine_version"] == scoring_run.engine_version
    assert body["result"] == scoring_run.result
    assert (body["number"], body["supersedes"], body["reason"]) == (1, None, "")
    assert body["published_at"]


@pytest.mark.parametrize("persona", PERSONAS)
def test_anyone_verifies_a_published_run(
    world: World, as_persona: Callable[[str], Client], persona: str
) -> None:
    scoring_run = _published(world)
    response = as_persona(persona).get(f"/api/scoring-runs/{scoring_run.pk}/verify")
    assert response.status_code == 200
    assert response.json() == {
        "run_id": scoring_run.pk,
        "ok": True,
        "reasons": ["tính lại từ dữ liệu đã lưu cho đúng kết quả đã công bố"],
        "inputs_hash": scoring_run.inputs_hash,
        "recomputed_hash": scoring_run.inputs_hash,
    }


def test_an_unknown_run_is_404(world: World, client: Client) -> None:
    assert client.get("/api/scoring-runs/999999").status_code == 404
    assert client.get("/api/scoring-runs/999999/verify").status_code == 404


# ---- regressions of defects once found in shared code ---------------------------------------------------


def test_an_out_of_range_score_names_the_maximum_as_people_write_it(
    world: World, as_persona: Callable[[str], Client]
) -> None:
    criteria_set = _adopted(world)
    response = send(as_persona("member"), "PUT", _scores_url(criteria_set), [_score(world, "11")])
    assert "nằm ngoài khoảng [0; 10]" in response.json()["detail"][0]["message"]


def test_a_dot_decimal_string_in_criteria_is_stored_as_it_was_validated(
    world: World, as_persona: Callable[[str], Client]
) -> None:
    criteria = [
        {"code": "A", "name": "A", "max_points": "1.125", "method": {"type": "judged"}},
        {"code": "B", "name": "B", "max_points": "28.875", "method": {"type": "judged"}},
    ]
    url = f"/api/cluster-years/{world.cluster_year.pk}/criteria-sets"
    response = send(as_persona("head"), "POST", url, {"criteria": criteria, "total": "30"})
    assert response.status_code == 201, response.json()
    points = dict(Criterion.objects.values_list("code", "max_points"))
    assert points == {"A": Decimal("1.125"), "B": Decimal("28.875")}


# ---- OpenAPI ------------------------------------------------------------------------------------------

SCORING_ENDPOINTS = {
    ("post", "/api/score"),
    ("get", "/api/cluster-years/{cy_id}/criteria-sets"),
    ("post", "/api/cluster-years/{cy_id}/criteria-sets"),
    ("get", "/api/criteria-sets/{cs_id}"),
    ("post", "/api/criteria-sets/{cs_id}/adopt"),
    ("post", "/api/criteria-sets/{cs_id}/lock"),
    ("get", "/api/criteria-sets/{cs_id}/assignments"),
    ("put", "/api/criteria-sets/{cs_id}/assignments"),
    ("post", "/api/criteria-sets/{cs_id}/assignments/propose"),
    ("get", "/api/criteria-sets/{cs_id}/scores"),
    ("put", "/api/criteria-sets/{cs_id}/scores"),
    ("post", "/api/criteria-sets/{cs_id}/discrepancies/{unit_id}/{criterion}"),
    ("get", "/api/cluster-years/{cy_id}/ranking"),
    ("get", "/api/cluster-years/{cy_id}/ranking/preview"),
    ("post", "/api/cluster-years/{cy_id}/ranking/publish"),
    ("get", "/api/scoring-runs/{run_id}"),
    ("get", "/api/scoring-runs/{run_id}/verify"),
}
SESSION_WRITES = {(m, p) for m, p in SCORING_ENDPOINTS if m != "get" and p != "/api/score"}


def test_openapi_lists_every_scoring_endpoint(client: Client) -> None:
    schema = client.get("/api/openapi.json").json()
    listed = {(method, path) for path, methods in schema["paths"].items() for method in methods}
    assert not SCORING_ENDPOINTS - listed, f"missing from the schema: {sorted(SCORING_ENDPOINTS - listed)}"


def test_openapi_marks_scoring_writes_as_needing_a_session_and_scoring_a_document_as_public(
    client: Client,
) -> None:
    schema = client.get("/api/openapi.json").json()
    for method, path in SCORING_ENDPOINTS:
        security = schema["paths"][path][method].get("security")
        assert bool(security) == ((method, path) in SESSION_WRITES), (method, path)


def test_openapi_describes_the_scoring_documents_body_and_declares_points_as_strings(client: Client) -> None:
    schema = client.get("/api/openapi.json").json()
    body = schema["paths"]["/api/score"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert "score-input.schema.json" in body["description"]
    components = schema["components"]["schemas"]
    assert components["ScoreOut"]["properties"]["points"]["type"] == "string"
    assert components["CriteriaSetSummaryOut"]["properties"]["declared_total"]["type"] == "string"
