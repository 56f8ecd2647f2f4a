"""The scoring pages (ranking, publication, a run and its verification, criteria, score entry, cross-scoring
assignment) as every persona.

Personas (tdkt.core.personas): board; head = staff of Phước Sơn, head of the cluster in 2024;
member = staff of Tiên Phước; outsider = staff of Điện Bàn, in another cluster; public = not logged in.
Decision tested here: a member's staff do not see the live preview (only managers do).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from tdkt.core.personas import SCORING_CRITERIA, SCORING_RULES, World
from tdkt.movements.services import ValueInput, report_get_or_create, report_transition, report_values_set
from tdkt.org.models import Unit
from tdkt.scoring.engine import inputs_hash
from tdkt.scoring.models import (
    CriteriaSet,
    Criterion,
    CrossAssignment,
    DiscrepancyAnswer,
    Score,
    ScoringRun,
)
from tdkt.scoring.selectors import scoring_document
from tdkt.scoring.services import (
    assignments_set,
    criteria_set_adopt,
    criteria_set_create,
    score_set,
    scoring_publish,
)

ClientAs = Callable[[User | None], Client]
PERSONAS = ["board", "head", "member", "outsider", "public"]
PREVIEW_LABEL = "Bản xem trước – chưa công bố"

CRITERIA = SCORING_CRITERIA
RULES = SCORING_RULES


def _user(world: World, persona: str) -> User | None:
    return None if persona == "public" else getattr(world, persona)


def _adopted(world: World) -> CriteriaSet:
    cs = criteria_set_create(
        actor=None,
        cluster_year=world.cluster_year,
        criteria=CRITERIA,
        rules=RULES,
        declared_total=Decimal(30),
    )
    return criteria_set_adopt(actor=None, criteria_set=cs, adopted_on=dt.date(2024, 3, 1))


def _publishable(world: World) -> CriteriaSet:
    """An adopted set and every member's year-end report accepted (Tiên Phước's disbursement is best)."""
    cs = _adopted(world)
    for unit, value in ((world.phuoc_son, "70"), (world.tien_phuoc, "95"), (world.nam_giang, "60")):
        report = report_get_or_create(
            actor=None, cluster_year=world.cluster_year, unit=unit, period="year_end"
        )
        report_values_set(actor=None, report=report, values=[ValueInput(world.disbursement, Decimal(value))])
        for action in ("submit", "accept"):
            report_transition(actor=None, report=report, action=action)
    return cs


def _published(world: World) -> ScoringRun:
    return scoring_publish(actor=None, criteria_set=_publishable(world))


def _publish_post(cs: CriteriaSet, **extra: str) -> dict[str, str]:
    return {"criteria_set": str(cs.pk), "inputs_hash": inputs_hash(scoring_document(cs)), **extra}


def _flag_discrepancy(world: World, cs: CriteriaSet) -> None:
    """Tiên Phước gives itself 10 on II.1; the head appraises 3: a gap of 7 > 2 is flagged."""
    score_set(
        actor=None,
        criteria_set=cs,
        unit=world.tien_phuoc,
        criterion_code="II.1",
        layer="self",
        points=Decimal(10),
    )
    score_set(
        actor=None,
        criteria_set=cs,
        unit=world.tien_phuoc,
        criterion_code="II.1",
        layer="appraisal",
        points=Decimal(3),
        explanation="Minh chứng chưa đủ",
    )


def _crit(cs: CriteriaSet, code: str) -> Criterion:
    return Criterion.objects.get(criteria_set=cs, code=code)


def _self_post(world: World, cs: CriteriaSet, typed: dict[str, str]) -> dict[str, str]:
    data = {"action": f"self-{world.tien_phuoc.pk}"}
    for code in ("I.1", "I.2", "II.1"):
        crit = _crit(cs, code)
        data[f"tc-{crit.pk}-points"] = typed.get(code, "")
        data[f"tc-{crit.pk}-explanation"] = ""
        data[f"tc-{crit.pk}-version"] = "0"
    return data


def _urls(world: World, run: ScoringRun) -> dict[str, str]:
    cy = world.cluster_year.pk
    return {
        "ranking": reverse("web:ranking", args=[cy]),
        "run": reverse("web:run", args=[run.pk]),
        "criteria": reverse("web:criteria", args=[cy]),
        "scores": reverse("web:scores", args=[cy]),
        "assignments": reverse("web:assignments", args=[cy]),
    }


# --- every page as every persona -----------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_scoring_page_as_every_persona(world: World, client_as: ClientAs, persona: str) -> None:
    run = _published(world)
    client = client_as(_user(world, persona))
    urls = _urls(world, run)
    for name in ("ranking", "run"):  # published runs are public
        assert client.get(urls[name]).status_code == 200, name
    for name in ("criteria", "scores", "assignments"):
        response = client.get(urls[name])
        if persona == "public":
            assert response.status_code == 302 and reverse("web:login") in response["Location"], name
        elif persona == "outsider":
            assert response.status_code == 404, name
        else:
            assert response.status_code == 200, name


def test_unknown_cluster_year_and_run_are_404(world: World, client_as: ClientAs) -> None:
    client = client_as(world.board)
    assert client.get(reverse("web:ranking", args=[99999])).status_code == 404
    assert client.get(reverse("web:run", args=[99999])).status_code == 404
    assert client.get(reverse("web:criteria", args=[99999])).status_code == 404


def test_outsider_gets_404_on_every_write(world: World, client_as: ClientAs) -> None:
    cs = _publishable(world)
    client = client_as(world.outsider)
    cy = world.cluster_year.pk
    assert client.post(reverse("web:ranking_publish", args=[cy]), _publish_post(cs)).status_code == 404
    assert (
        client.post(reverse("web:criteria", args=[cy]), {"action": "lock", "set_id": cs.pk}).status_code
        == 404
    )
    assert (
        client.post(reverse("web:scores", args=[cy]), _self_post(world, cs, {"II.1": "5"})).status_code == 404
    )
    assert client.post(reverse("web:assignments", args=[cy]), {"action": "matrix"}).status_code == 404
    assert not ScoringRun.objects.exists() and not Score.objects.exists()


# --- the ranking -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_preview_is_for_the_head_and_the_board_only(
    world: World, client_as: ClientAs, persona: str
) -> None:
    _publishable(world)
    response = client_as(_user(world, persona)).get(
        reverse("web:ranking", args=[world.cluster_year.pk]), {"ban": "xem-truoc"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    if persona in ("head", "board"):
        assert PREVIEW_LABEL in html
        assert "Huyện Tiên Phước" in html and "<svg" in html
        assert "Công bố kết quả xếp hạng" in html
    else:  # a member's staff included: see the module docstring
        assert PREVIEW_LABEL not in html
        assert "Chưa công bố kết quả" in html
        assert "Công bố kết quả xếp hạng" not in html


@pytest.mark.parametrize("persona", ["public", "member", "outsider"])
def test_nothing_published_says_so(world: World, client_as: ClientAs, persona: str) -> None:
    _adopted(world)
    html = (
        client_as(_user(world, persona))
        .get(reverse("web:ranking", args=[world.cluster_year.pk]))
        .content.decode()
    )
    assert "Chưa công bố kết quả" in html
    assert "Bảng xếp hạng" not in html


def test_the_public_sees_the_published_ranking_explained(world: World, client_as: ClientAs) -> None:
    run = _published(world)
    html = client_as(None).get(reverse("web:ranking", args=[world.cluster_year.pk])).content.decode()
    leader = run.result["leaders"][0]["name"]
    assert leader == "Huyện Tiên Phước"
    assert "Đơn vị dẫn đầu" in html and leader in html
    assert "Bảng xếp hạng" in html and "Nhóm I" in html
    assert "Bằng tổng điểm thì xét lần lượt: tổng điểm nhóm I (Kinh tế)" in html
    assert "Bộ tiêu chí phiên bản 1" in html
    # every unit's criteria explained: method, inputs, arithmetic, source
    assert 'class="unit-explain"' in html
    assert "Đạt 95% chỉ tiêu; tính tối đa 100%: 10 × 95 ÷ 100 = 9,5 điểm" in html
    assert "Hệ thống tính từ số liệu" in html and "Chưa chấm" in html
    # robustness with both charts inline
    assert "Độ vững của kết quả" in html and "Cách biệt" in html
    assert "±10%" in html and "200 lần thử" in html
    assert html.count("<svg") == 2 and "<?xml" not in html
    # past runs, with the hash prefix and a link to the run
    assert run.inputs_hash[:12] in html
    assert reverse("web:run", args=[run.pk]) in html
    assert PREVIEW_LABEL not in html


def test_head_publishes_and_lands_on_the_run(world: World, client_as: ClientAs) -> None:
    cs = _publishable(world)
    client = client_as(world.head)
    response = client.post(reverse("web:ranking_publish", args=[world.cluster_year.pk]), _publish_post(cs))
    run = ScoringRun.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("web:run", args=[run.pk])
    assert run.published_by == world.head and run.number == 1
    html = client.get(response["Location"]).content.decode()
    assert "Đã công bố kết quả xếp hạng lần 1. Đơn vị dẫn đầu: Huyện Tiên Phước." in html
    assert run.inputs_hash in html and run.engine_version in html
    assert "Trần Thị Hạnh" in html  # the publisher, shown to logged-in viewers
    assert "Trần Thị Hạnh" not in client_as(None).get(response["Location"]).content.decode()


def test_the_score_page_says_a_ranking_was_published_and_what_changes_now(
    world: World, client_as: ClientAs
) -> None:
    cs = _publishable(world)
    member = client_as(world.member)
    url = reverse("web:scores", args=[world.cluster_year.pk])
    assert "Bảng xếp hạng đã được công bố" not in member.get(url).content.decode()
    client_as(world.head).post(
        reverse("web:ranking_publish", args=[world.cluster_year.pk]), _publish_post(cs)
    )
    run = ScoringRun.objects.get()
    html = member.get(url).content.decode()
    assert "Bảng xếp hạng đã được công bố (lần 1, ngày" in html
    assert "chỉ được tính khi Trưởng cụm hoặc Ban Thi đua – Khen thưởng công bố lại" in html
    assert reverse("web:run", args=[run.pk]) in html


def test_publication_is_blocked_by_an_unanswered_discrepancy(world: World, client_as: ClientAs) -> None:
    cs = _publishable(world)
    _flag_discrepancy(world, cs)
    head = client_as(world.head)
    url = reverse("web:ranking", args=[world.cluster_year.pk])
    html = head.get(url).content.decode()
    assert "Chưa công bố được:" in html and "Huyện Tiên Phước – tiêu chí II.1 “Phong trào”" in html
    assert "disabled" in html
    response = head.post(reverse("web:ranking_publish", args=[world.cluster_year.pk]), _publish_post(cs))
    assert response.status_code == 400
    assert "Còn chênh lệch điểm chưa được giải trình: T-TP – tiêu chí II.1" in response.content.decode()
    assert not ScoringRun.objects.exists()

    # the member answers on the score page, then the head publishes
    member = client_as(world.member)
    page = member.get(reverse("web:scores", args=[world.cluster_year.pk])).content.decode()
    assert "Giải trình chênh lệch điểm" in page and "Chưa giải trình" in page
    crit = _crit(cs, "II.1")
    response = member.post(
        reverse("web:scores", args=[world.cluster_year.pk]),
        {"action": f"answers-{world.tien_phuoc.pk}", f"gt-{crit.pk}-answer": "Chấp nhận điểm thẩm định"},
    )
    assert response.status_code == 302
    assert DiscrepancyAnswer.objects.get().answer == "Chấp nhận điểm thẩm định"
    response = head.post(reverse("web:ranking_publish", args=[world.cluster_year.pk]), _publish_post(cs))
    assert response.status_code == 302 and ScoringRun.objects.count() == 1


def test_republishing_needs_a_reason(world: World, client_as: ClientAs) -> None:
    cs = _publishable(world)
    first = scoring_publish(actor=None, criteria_set=cs)
    head = client_as(world.head)
    html = head.get(reverse("web:ranking", args=[world.cluster_year.pk])).content.decode()
    assert "Lý do công bố lại (bắt buộc)" in html
    url = reverse("web:ranking_publish", args=[world.cluster_year.pk])
    response = head.post(url, _publish_post(cs, reason="  "))
    assert response.status_code == 400 and "Công bố lại phải ghi lý do" in response.content.decode()
    assert ScoringRun.objects.count() == 1
    response = head.post(url, _publish_post(cs, reason="Bổ sung minh chứng giải ngân"))
    second = ScoringRun.objects.get(number=2)
    assert response.status_code == 302 and second.supersedes == first
    html = client_as(None).get(reverse("web:run", args=[second.pk])).content.decode()
    assert "Bổ sung minh chứng giải ngân" in html and "Kết quả công bố lần 1" in html
    old = client_as(None).get(reverse("web:run", args=[first.pk])).content.decode()
    assert "đã được thay thế bởi" in old
    listing = client_as(None).get(reverse("web:ranking", args=[world.cluster_year.pk])).content.decode()
    assert "Kết quả đã công bố – lần 2" in listing and "Bổ sung minh chứng giải ngân" in listing


def test_publication_is_refused_when_the_data_changed_since_the_preview(
    world: World, client_as: ClientAs
) -> None:
    cs = _publishable(world)
    stale = _publish_post(cs)
    score_set(
        actor=None,
        criteria_set=cs,
        unit=world.nam_giang,
        criterion_code="II.1",
        layer="self",
        points=Decimal(1),
    )
    response = client_as(world.head).post(reverse("web:ranking_publish", args=[world.cluster_year.pk]), stale)
    assert response.status_code == 400
    assert "đã thay đổi kể từ khi bạn mở bản xem trước" in response.content.decode()
    assert not ScoringRun.objects.exists()


def test_only_managers_publish(world: World, client_as: ClientAs) -> None:
    cs = _publishable(world)
    url = reverse("web:ranking_publish", args=[world.cluster_year.pk])
    assert client_as(world.member).post(url, _publish_post(cs)).status_code == 403
    response = client_as(None).post(url, _publish_post(cs))
    assert response.status_code == 302 and reverse("web:login") in response["Location"]
    assert client_as(world.member).get(url).status_code == 405
    assert not ScoringRun.objects.exists()
    assert client_as(world.board).post(url, _publish_post(cs)).status_code == 302


def test_publishing_a_draft_is_refused(world: World, client_as: ClientAs) -> None:
    cs = criteria_set_create(
        actor=None,
        cluster_year=world.cluster_year,
        criteria=CRITERIA,
        rules=RULES,
        declared_total=Decimal(30),
    )
    head = client_as(world.head)
    html = head.get(reverse("web:ranking", args=[world.cluster_year.pk])).content.decode()
    assert "đang là dự thảo" in html
    response = head.post(reverse("web:ranking_publish", args=[world.cluster_year.pk]), _publish_post(cs))
    assert response.status_code == 400 and "Bộ tiêu chí chưa được thông qua" in response.content.decode()


# --- one run and its verification ----------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_anyone_verifies_a_run_and_sees_dung(world: World, client_as: ClientAs, persona: str) -> None:
    run = _published(world)
    response = client_as(_user(world, persona)).post(reverse("web:run_verify", args=[run.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "ĐÚNG" in html and "Tính lại từ dữ liệu đã lưu cho đúng kết quả đã công bố" in html
    assert "SAI" not in html


def test_a_tampered_run_verifies_as_sai(world: World, client_as: ClientAs) -> None:
    run = _published(world)
    summary = run.summary
    summary["ranking"][0]["total"] = "99.99"
    ScoringRun.objects.filter(pk=run.pk).update(summary=summary)  # tampering behind the services' back
    html = client_as(None).post(reverse("web:run_verify", args=[run.pk])).content.decode()
    assert "SAI" in html and "Bảng xếp hạng tính lại khác với bảng đã công bố" in html


def test_verify_is_post_only(world: World, client_as: ClientAs) -> None:
    run = _published(world)
    assert client_as(None).get(reverse("web:run_verify", args=[run.pk])).status_code == 405


# --- criteria: tdkt/web/tests/test_criteria_pages.py (the pages take no JSON any more) -------------------------


# --- score entry ----------------------------------------------------------------------------------------------


def test_member_enters_self_scores_typed_the_vietnamese_way(world: World, client_as: ClientAs) -> None:
    cs = _adopted(world)
    member = client_as(world.member)
    url = reverse("web:scores", args=[world.cluster_year.pk])
    html = member.get(url).content.decode()
    assert "Tự chấm: Huyện Tiên Phước" in html and "Thẩm định" not in html
    data = _self_post(world, cs, {"II.1": "8,5"})
    data[f"tc-{_crit(cs, 'II.1').pk}-explanation"] = "Tổ chức 12 phong trào"
    response = member.post(url, data)
    assert response.status_code == 302
    score = Score.objects.get()
    assert score.points == Decimal("8.5") and score.layer == "self" and score.unit == world.tien_phuoc
    assert score.explanation == "Tổ chức 12 phong trào" and score.entered_by == world.member
    html = member.get(url).content.decode()
    assert "Đã lưu 1 điểm tự chấm" in html and 'value="8,5"' in html
    # unchanged: nothing written again
    assert member.post(url, data).status_code == 302
    assert Score.objects.count() == 1


def test_a_value_above_the_maximum_is_refused_and_nothing_is_stored(
    world: World, client_as: ClientAs
) -> None:
    cs = _adopted(world)
    member = client_as(world.member)
    url = reverse("web:scores", args=[world.cluster_year.pk])
    response = member.post(url, _self_post(world, cs, {"I.1": "7", "II.1": "10,5"}))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Tiêu chí II.1: 10,5 điểm nằm ngoài khoảng từ 0 đến 10 điểm" in html
    assert 'value="10,5"' in html and 'value="7"' in html  # the form comes back as typed
    response = member.post(url, _self_post(world, cs, {"I.1": "7", "II.1": "tám"}))
    assert response.status_code == 400 and "không phải là số" in response.content.decode()
    response = member.post(url, _self_post(world, cs, {"II.1": "8%"}))
    assert response.status_code == 400 and "không có dấu %" in response.content.decode()
    assert not Score.objects.exists()


def test_a_member_cannot_appraise_or_score_another_unit(world: World, client_as: ClientAs) -> None:
    cs = _adopted(world)
    member = client_as(world.member)
    url = reverse("web:scores", args=[world.cluster_year.pk])
    crit = _crit(cs, "II.1")
    appraisal = {
        "action": f"appraisal-{world.tien_phuoc.pk}",
        f"td{world.tien_phuoc.pk}-{crit.pk}-points": "10",
    }
    assert member.post(url, appraisal).status_code == 403
    other = {"action": f"self-{world.nam_giang.pk}", f"tc-{crit.pk}-points": "1"}
    assert member.post(url, other).status_code == 403
    assert not Score.objects.exists()


def test_the_head_appraises_any_member(world: World, client_as: ClientAs) -> None:
    cs = _adopted(world)
    head = client_as(world.head)
    url = reverse("web:scores", args=[world.cluster_year.pk])
    html = head.get(url, {"don-vi": world.nam_giang.pk}).content.decode()
    assert "Thẩm định: Huyện Nam Giang" in html and "Tự chấm: Huyện Phước Sơn" in html
    crit = _crit(cs, "II.1")
    prefix = f"td{world.nam_giang.pk}-{crit.pk}"
    response = head.post(
        url,
        {
            "action": f"appraisal-{world.nam_giang.pk}",
            f"{prefix}-points": "6,25",
            f"{prefix}-explanation": "Theo minh chứng",
            f"{prefix}-version": "0",
        },
    )
    assert response.status_code == 302 and f"don-vi={world.nam_giang.pk}" in response["Location"]
    score = Score.objects.get()
    assert (score.layer, score.unit, score.points) == ("appraisal", world.nam_giang, Decimal("6.25"))
    html = head.get(url, {"don-vi": world.nam_giang.pk}).content.decode()
    assert "điểm cuối hiện tại: <strong>6,25</strong>" in html


def test_the_board_appraises_but_has_no_unit_to_self_score(world: World, client_as: ClientAs) -> None:
    _adopted(world)
    html = client_as(world.board).get(reverse("web:scores", args=[world.cluster_year.pk])).content.decode()
    assert "Thẩm định: Huyện Phước Sơn" in html and "Tự chấm: Huyện" not in html


def test_cross_scores_only_for_assigned_pairs(world: World, client_as: ClientAs) -> None:
    cs = _adopted(world)
    tp, ng, ps = world.tien_phuoc, world.nam_giang, world.phuoc_son
    assignments_set(actor=None, criteria_set=cs, pairs=[(tp, ng), (ng, ps), (ps, tp)], no_reciprocal=True)
    member = client_as(world.member)
    url = reverse("web:scores", args=[world.cluster_year.pk])
    html = member.get(url).content.decode()
    assert "Chấm chéo: Huyện Nam Giang" in html and "Chấm chéo: Huyện Phước Sơn" not in html
    crit = _crit(cs, "II.1")
    assert f"cc{ng.pk}-{_crit(cs, 'I.1').pk}-points" not in html  # computed criteria are not cross-scored
    response = member.post(
        url,
        {
            "action": f"cross-{ng.pk}",
            f"cc{ng.pk}-{crit.pk}-points": "7,5",
            f"cc{ng.pk}-{crit.pk}-version": "0",
        },
    )
    assert response.status_code == 302
    score = Score.objects.get()
    assert (score.layer, score.unit, score.scorer_unit, score.points) == ("cross", ng, tp, Decimal("7.5"))
    response = member.post(
        url,
        {"action": f"cross-{ps.pk}", f"cc{ps.pk}-{crit.pk}-points": "5", f"cc{ps.pk}-{crit.pk}-version": "0"},
    )
    assert response.status_code == 400
    assert "không được phân công chấm chéo" in response.content.decode()
    assert Score.objects.count() == 1
    unknown = Unit.objects.get(code="T-DB")
    assert member.post(url, {"action": f"cross-{unknown.pk}"}).status_code == 404


def test_no_score_entry_before_adoption(world: World, client_as: ClientAs) -> None:
    cs = criteria_set_create(
        actor=None,
        cluster_year=world.cluster_year,
        criteria=CRITERIA,
        rules=RULES,
        declared_total=Decimal(30),
    )
    member = client_as(world.member)
    url = reverse("web:scores", args=[world.cluster_year.pk])
    assert "chưa chấm điểm được cho đến khi được thông qua" in member.get(url).content.decode()
    response = member.post(url, _self_post(world, cs, {"II.1": "5"}))
    assert response.status_code == 400 and not Score.objects.exists()


# --- cross-scoring assignment ----------------------------------------------------------------------------------


def _matrix_post(pairs: list[tuple[Unit, Unit]], *, no_reciprocal: bool = True) -> dict[str, str]:
    data = {"action": "matrix", **{f"cap-{a.pk}-{b.pk}": "1" for a, b in pairs}}
    if no_reciprocal:
        data["no_reciprocal"] = "1"
    return data


def test_head_proposes_and_edits_the_matrix(world: World, client_as: ClientAs) -> None:
    cs = _adopted(world)
    head = client_as(world.head)
    url = reverse("web:assignments", args=[world.cluster_year.pk])
    response = head.post(
        url,
        {"action": "propose", "de-xuat-per_unit": "1", "de-xuat-no_reciprocal": "on", "de-xuat-seed": "7"},
    )
    assert response.status_code == 302 and CrossAssignment.objects.filter(criteria_set=cs).count() == 3
    html = head.get(url).content.decode()
    assert "Đã lập phương án phân công chấm chéo: 3 cặp" in html and "Bảng phân công (3 cặp)" in html
    response = head.post(url, {"action": "propose", "de-xuat-per_unit": "2", "de-xuat-no_reciprocal": "on"})
    assert response.status_code == 400 and "không chấm qua lại chỉ làm được" in response.content.decode()

    tp, ng, ps = world.tien_phuoc, world.nam_giang, world.phuoc_son
    response = head.post(url, _matrix_post([(tp, ng), (ng, tp), (ps, tp)]))
    html = response.content.decode()
    assert response.status_code == 400
    assert "chấm qua lại lẫn nhau" in html and "chưa được ai chấm chéo" in html
    response = head.post(url, _matrix_post([(tp, tp), (ng, ps), (ps, ng)], no_reciprocal=False))
    assert response.status_code == 400 and "không được tự chấm chéo chính mình" in response.content.decode()
    response = head.post(url, _matrix_post([(tp, ng), (ng, ps), (ps, tp)]))
    assert response.status_code == 302
    assert set(CrossAssignment.objects.values_list("scorer_id", "scored_id")) == {
        (tp.pk, ng.pk),
        (ng.pk, ps.pk),
        (ps.pk, tp.pk),
    }
    # a pair with cross scores cannot be removed
    score_set(
        actor=None,
        criteria_set=cs,
        unit=ng,
        criterion_code="II.1",
        layer="cross",
        points=Decimal(5),
        scorer_unit=tp,
    )
    response = head.post(url, _matrix_post([(ng, tp), (ps, ng), (tp, ps)]))
    assert (
        response.status_code == 400 and "Không bỏ được cặp đã có điểm chấm chéo" in response.content.decode()
    )


def test_a_member_sees_the_matrix_but_cannot_change_it(world: World, client_as: ClientAs) -> None:
    cs = _adopted(world)
    tp, ng, ps = world.tien_phuoc, world.nam_giang, world.phuoc_son
    assignments_set(actor=None, criteria_set=cs, pairs=[(tp, ng), (ng, ps), (ps, tp)], no_reciprocal=True)
    member = client_as(world.member)
    url = reverse("web:assignments", args=[world.cluster_year.pk])
    html = member.get(url).content.decode()
    assert "Huyện Tiên Phước chấm Huyện Nam Giang" in html and 'type="checkbox"' not in html
    assert "Lập phương án" not in html
    assert member.post(url, _matrix_post([(tp, ps), (ps, ng), (ng, tp)])).status_code == 403
    assert CrossAssignment.objects.filter(scorer=tp, scored=ng).exists()


# --- the cluster-year page links here --------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_cluster_year_page_links_to_the_scoring_pages(
    world: World, client_as: ClientAs, persona: str
) -> None:
    html = (
        client_as(_user(world, persona))
        .get(reverse("web:cluster_year", args=[world.cluster_year.pk]))
        .content.decode()
    )
    cy = world.cluster_year.pk
    assert reverse("web:ranking", args=[cy]) in html
    worker_links = [reverse(name, args=[cy]) for name in ("web:criteria", "web:scores", "web:assignments")]
    if persona in ("board", "head", "member"):
        assert all(link in html for link in worker_links)
    else:
        assert not any(link in html for link in worker_links)


# --- scores no one bends alone; no lost updates (issue 11) -------------------------------------------------


def test_two_people_on_one_score_form_the_second_is_refused_and_the_first_stays(
    world: World, client_as: ClientAs
) -> None:
    cs = _adopted(world)
    url = reverse("web:scores", args=[world.cluster_year.pk])
    first, second = client_as(world.member), client_as(world.member)
    crit = _crit(cs, "II.1")
    # both load the same (empty) form: it carries version 0
    for client in (first, second):
        assert f'name="tc-{crit.pk}-version" value="0"' in client.get(url).content.decode()
    assert first.post(url, _self_post(world, cs, {"II.1": "6"})).status_code == 302
    response = second.post(url, _self_post(world, cs, {"II.1": "9"}))
    assert response.status_code == 400
    html = response.content.decode()
    assert "đã được người khác thay đổi sau khi bạn mở" in html and "điểm: (trống) → 6" in html
    assert Score.objects.get().points == Decimal(6)
    # reloaded, the form carries the new version and the save goes through
    assert f'name="tc-{crit.pk}-version" value="1"' in second.get(url).content.decode()
    data = _self_post(world, cs, {"II.1": "9"})
    data[f"tc-{crit.pk}-version"] = "1"
    assert second.post(url, data).status_code == 302
    assert Score.objects.get().points == Decimal(9)


def test_an_appraisal_needs_a_reason_on_the_page(world: World, client_as: ClientAs) -> None:
    cs = _adopted(world)
    url = reverse("web:scores", args=[world.cluster_year.pk])
    prefix = f"td{world.nam_giang.pk}-{_crit(cs, 'II.1').pk}"
    head = client_as(world.head)
    assert "Lý do thẩm định tiêu chí II.1" in head.get(url, {"don-vi": world.nam_giang.pk}).content.decode()
    response = head.post(
        url, {"action": f"appraisal-{world.nam_giang.pk}", f"{prefix}-points": "5", f"{prefix}-version": "0"}
    )
    assert response.status_code == 400 and "phải ghi lý do thẩm định" in response.content.decode()
    assert not Score.objects.exists()


def test_the_heads_staff_may_not_appraise_their_own_unit_on_the_page(
    world: World, client_as: ClientAs
) -> None:
    cs = _adopted(world)
    url = reverse("web:scores", args=[world.cluster_year.pk])
    prefix = f"td{world.phuoc_son.pk}-{_crit(cs, 'II.1').pk}"
    html = client_as(world.head).get(url).content.decode()
    assert "do Ban Thi đua – Khen thưởng tỉnh thẩm định" in html
    response = client_as(world.head).post(
        url,
        {
            "action": f"appraisal-{world.phuoc_son.pk}",
            f"{prefix}-points": "9",
            f"{prefix}-explanation": "Tự đánh giá lại",
            f"{prefix}-version": "0",
        },
    )
    assert response.status_code == 403 and "chính mình" in response.content.decode()
    assert not Score.objects.exists()


def test_the_board_confirms_a_large_appraisal_on_the_ranking_page_then_the_run_shows_who_and_why(
    world: World, client_as: ClientAs
) -> None:
    cs = _publishable(world)
    url = reverse("web:scores", args=[world.cluster_year.pk])
    prefix = f"td{world.nam_giang.pk}-{_crit(cs, 'II.1').pk}"
    response = client_as(world.head).post(
        url,
        {
            "action": f"appraisal-{world.nam_giang.pk}",
            f"{prefix}-points": "5",
            f"{prefix}-explanation": "Biên bản kiểm tra phong trào ngày 12/11",
            f"{prefix}-version": "0",
        },
    )
    assert response.status_code == 302
    ranking = reverse("web:ranking", args=[world.cluster_year.pk])
    head_html = client_as(world.head).get(ranking).content.decode()
    assert "chờ Ban Thi đua – Khen thưởng xác nhận" in head_html
    assert (
        "Huyện Nam Giang – tiêu chí II.1: 0 → 5 điểm" in head_html
        and "Xác nhận điểm thẩm định" not in head_html
    )
    publish = reverse("web:ranking_publish", args=[world.cluster_year.pk])
    response = client_as(world.head).post(publish, _publish_post(cs))
    assert (
        response.status_code == 400
        and "chưa được Ban Thi đua – Khen thưởng xác nhận" in response.content.decode()
    )
    score = Score.objects.get(layer="appraisal")
    confirm = {"action": f"confirm-{score.pk}", "version": str(score.version)}
    assert client_as(world.head).post(url, confirm).status_code == 403
    board = client_as(world.board)
    assert "Xác nhận điểm thẩm định Huyện Nam Giang – tiêu chí II.1" in board.get(ranking).content.decode()
    response = board.post(url, confirm)
    assert response.status_code == 302
    score.refresh_from_db()
    assert score.confirmed_by == world.board
    response = client_as(world.head).post(publish, _publish_post(cs))
    assert response.status_code == 302
    run = ScoringRun.objects.get()
    html = client_as(None).get(reverse("web:run", args=[run.pk])).content.decode()
    assert "Biên bản kiểm tra phong trào ngày 12/11" in html
    assert "Trần Thị Hạnh (Huyện Phước Sơn)" in html and "(Ban Thi đua – Khen thưởng)" in html


def test_the_units_answer_is_shown_to_the_head_and_in_the_published_run(
    world: World, client_as: ClientAs
) -> None:
    cs = _publishable(world)
    _flag_discrepancy(world, cs)
    crit = _crit(cs, "II.1")
    client_as(world.member).post(
        reverse("web:scores", args=[world.cluster_year.pk]),
        {
            "action": f"answers-{world.tien_phuoc.pk}",
            f"gt-{crit.pk}-answer": "Đã nộp đủ minh chứng phong trào",
        },
    )
    ranking = reverse("web:ranking", args=[world.cluster_year.pk])
    for persona in (world.head, world.board):
        assert "Đã nộp đủ minh chứng phong trào" in client_as(persona).get(ranking).content.decode()
    run = scoring_publish(actor=None, criteria_set=cs)
    html = client_as(None).get(reverse("web:run", args=[run.pk])).content.decode()
    assert "Giải trình của đơn vị:</strong> Đã nộp đủ minh chứng phong trào" in html
    assert "Minh chứng chưa đủ" in html  # the appraisal's reason, beside the point it changed


def test_with_the_deputy_setting_the_deputys_staff_appraise_the_head_on_the_page(
    world: World, client_as: ClientAs
) -> None:
    from tdkt.org.models import Account, Role
    from tdkt.scoring.services import criteria_set_adopt, criteria_set_create

    cs = criteria_set_create(
        actor=None,
        cluster_year=world.cluster_year,
        criteria=SCORING_CRITERIA,
        rules={**SCORING_RULES, "head_appraiser": "deputy"},
        declared_total=Decimal(30),
    )
    cs = criteria_set_adopt(actor=None, criteria_set=cs, adopted_on=dt.date(2024, 3, 1))
    deputy = User.objects.create_user(username="t-deputy-page", first_name="Bình", last_name="Trần Văn")
    Account.objects.create(user=deputy, role=Role.UNIT, unit=world.nam_giang)
    url = reverse("web:scores", args=[world.cluster_year.pk])
    html = client_as(deputy).get(url).content.decode()
    assert "Thẩm định: Huyện Phước Sơn (đơn vị Trưởng cụm)" in html
    assert "Thẩm định: Huyện Tiên Phước" not in html
    prefix = f"td{world.phuoc_son.pk}-{_crit(cs, 'II.1').pk}"
    posted = {
        f"{prefix}-points": "7",
        f"{prefix}-explanation": "Theo biên bản kiểm tra",
        f"{prefix}-version": "0",
    }
    response = client_as(deputy).post(url, {"action": f"appraisal-{world.phuoc_son.pk}", **posted})
    assert response.status_code == 302
    score = Score.objects.get(unit=world.phuoc_son, layer="appraisal")
    assert score.points == Decimal(7) and score.entered_as == "Trần Văn Bình (Huyện Nam Giang)"
    other = {"action": f"appraisal-{world.tien_phuoc.pk}"}
    assert client_as(deputy).post(url, other).status_code == 403


def test_the_discrepancy_badge_is_printed_once_per_unit_however_many_criteria_are_flagged(
    world: World, client_as: ClientAs
) -> None:
    cs = _publishable(world)
    _flag_discrepancy(world, cs)
    for layer, points in (("self", Decimal(10)), ("appraisal", Decimal(2))):
        score_set(
            actor=None,
            criteria_set=cs,
            unit=world.tien_phuoc,
            criterion_code="I.2",
            layer=layer,
            points=points,
            explanation="Thu ngân sách chưa đạt" if layer == "appraisal" else "",
        )
    html = client_as(world.head).get(reverse("web:ranking", args=[world.cluster_year.pk])).content.decode()
    assert html.count(">Có chênh lệch</span>") == 1
    assert html.count('<li class="crit crit--flag">') == 2  # both flagged criteria are still marked
