"""Scores no one bends alone (issue 11): who may appraise whom, reasons, the board's confirmation, what the
published run says, and no lost updates on a score."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import User

from tdkt.core.errors import NotPermitted, ValidationFailed
from tdkt.core.personas import SCORING_CRITERIA, SCORING_RULES, World
from tdkt.movements.services import ValueInput, report_get_or_create, report_transition, report_values_set
from tdkt.org.models import Account, Role
from tdkt.scoring.models import CriteriaSet, Score
from tdkt.scoring.selectors import appraisals_to_confirm
from tdkt.scoring.services import (
    appraisal_confirm,
    criteria_set_adopt,
    criteria_set_create,
    discrepancy_answer,
    score_set,
    scoring_publish,
    scoring_verify,
)

# I.1 ratio of disbursement to 100 %, I.2 revenue reached (10 each): Phước Sơn 18, Tiên Phước 19,
# Nam Giang 18.5 before any judged points.
DISBURSED = {"T-PS": 80, "T-TP": 90, "T-NG": 85}
REVENUE = {"T-PS": "400000", "T-TP": "260000", "T-NG": "180000"}


def _set(world: World, **rules: Any) -> CriteriaSet:
    cs = criteria_set_create(
        actor=None,
        cluster_year=world.cluster_year,
        criteria=SCORING_CRITERIA,
        rules={**SCORING_RULES, **rules},
        declared_total=Decimal(30),
    )
    cs = criteria_set_adopt(actor=None, criteria_set=cs, adopted_on=dt.date(2024, 3, 1))
    for unit in (world.phuoc_son, world.tien_phuoc, world.nam_giang):
        report = report_get_or_create(
            actor=None, cluster_year=world.cluster_year, unit=unit, period="year_end"
        )
        report_values_set(
            actor=None,
            report=report,
            values=[
                ValueInput(world.disbursement, Decimal(DISBURSED[unit.code])),
                ValueInput(world.revenue, Decimal(REVENUE[unit.code])),
            ],
        )
        for action in ("submit", "accept"):
            report_transition(actor=None, report=report, action=action)
    return cs


def _deputy_staff(world: World) -> User:
    user = User.objects.create_user(username="t-deputy", first_name="Bình", last_name="Trần Văn")
    Account.objects.create(user=user, role=Role.UNIT, unit=world.nam_giang)
    return user


def _appraise(
    actor: Any, cs: CriteriaSet, unit: Any, points: str, *, version: int = 0, reason: str = "Theo minh chứng"
) -> Score:
    return score_set(
        actor=actor,
        criteria_set=cs,
        unit=unit,
        criterion_code="II.1",
        layer="appraisal",
        points=Decimal(points),
        explanation=reason,
        version=version,
    )


# --- who appraises whom -----------------------------------------------------------------------------------


def test_the_heads_staff_may_not_appraise_their_own_unit(world: World) -> None:
    cs = _set(world)
    with pytest.raises(NotPermitted, match=r"tự thẩm định điểm của chính mình.*Ban Thi đua – Khen thưởng"):
        _appraise(world.head, cs, world.phuoc_son, "9")
    assert not Score.objects.exists()
    _appraise(world.board, cs, world.phuoc_son, "9")
    _appraise(world.head, cs, world.tien_phuoc, "1")  # another member: the head's work


def test_with_the_deputy_setting_the_deputys_staff_appraise_the_head_and_nobody_else(world: World) -> None:
    cs = _set(world, head_appraiser="deputy")
    deputy = _deputy_staff(world)
    with pytest.raises(NotPermitted, match="đơn vị Phó Trưởng cụm"):
        _appraise(world.head, cs, world.phuoc_son, "9")
    score = _appraise(deputy, cs, world.phuoc_son, "3")
    assert score.entered_as == "Trần Văn Bình (Huyện Nam Giang)" and not score.by_board
    with pytest.raises(NotPermitted, match="chính mình"):
        _appraise(deputy, cs, world.nam_giang, "3")
    with pytest.raises(NotPermitted):
        _appraise(deputy, cs, world.tien_phuoc, "3")


def test_a_member_may_not_appraise_at_all(world: World) -> None:
    cs = _set(world)
    with pytest.raises(NotPermitted):
        _appraise(world.member, cs, world.nam_giang, "3")


def test_an_appraisal_without_a_reason_is_refused(world: World) -> None:
    cs = _set(world)
    with pytest.raises(ValidationFailed, match="phải ghi lý do thẩm định") as exc:
        _appraise(world.head, cs, world.tien_phuoc, "3", reason="   ")
    assert exc.value.problems[0].field == "explanation"
    assert not Score.objects.exists()


def test_an_unknown_head_appraiser_setting_is_refused(world: World) -> None:
    with pytest.raises(ValidationFailed, match=r"rules\.head_appraiser"):
        criteria_set_create(
            actor=None,
            cluster_year=world.cluster_year,
            criteria=SCORING_CRITERIA,
            rules={**SCORING_RULES, "head_appraiser": "head"},
            declared_total=Decimal(30),
        )


# --- the board's confirmation -------------------------------------------------------------------------------


def test_an_appraisal_moving_a_total_too_far_waits_for_the_board(world: World) -> None:
    cs = _set(world)
    score = _appraise(world.head, cs, world.tien_phuoc, "2", reason="Phong trào chưa có minh chứng")
    with pytest.raises(ValidationFailed) as exc:
        scoring_publish(actor=world.head, criteria_set=cs)
    message = exc.value.problems[0].message
    assert "chưa được Ban Thi đua – Khen thưởng xác nhận" in message
    assert "Huyện Tiên Phước – tiêu chí II.1: 0 → 2 điểm (tổng điểm 19 → 21)" in message
    assert "do Trần Thị Hạnh (Huyện Phước Sơn) thẩm định" in message
    assert not cs.runs.exists()
    with pytest.raises(NotPermitted):
        appraisal_confirm(actor=world.head, score=score, version=score.version)
    confirmed = appraisal_confirm(actor=world.board, score=score, version=score.version)
    assert confirmed.confirmed_as.endswith("(Ban Thi đua – Khen thưởng)")
    run = scoring_publish(actor=world.head, criteria_set=cs)
    line = next(
        c for r in run.result["ranking"] if r["id"] == "T-TP" for c in r["criteria"] if c["code"] == "II.1"
    )
    assert line["appraisal_reason"] == "Phong trào chưa có minh chứng"
    assert line["appraised_by"] == score.entered_as
    assert line["confirmed_by"] == confirmed.confirmed_as
    assert scoring_verify(run).ok


def test_a_small_appraisal_that_changes_the_leader_also_waits(world: World) -> None:
    cs = _set(world)
    _appraise(world.head, cs, world.nam_giang, "0.4")  # 18.9 < 19: nothing to confirm
    assert appraisals_to_confirm(cs) == []
    score = Score.objects.get(layer="appraisal")
    _appraise(world.head, cs, world.nam_giang, "0.6", version=score.version)  # 19.1: Nam Giang leads
    pending = appraisals_to_confirm(cs)
    assert [(p.unit, p.criterion, p.changes_leader) for p in pending] == [("T-NG", "II.1", True)]
    assert "thay đổi đơn vị dẫn đầu" in pending[0].message


def test_the_boards_own_appraisal_needs_no_second_confirmation(world: World) -> None:
    cs = _set(world)
    score = _appraise(world.board, cs, world.phuoc_son, "5")
    assert score.by_board and appraisals_to_confirm(cs) == []
    with pytest.raises(ValidationFailed, match="không cần xác nhận"):
        appraisal_confirm(actor=world.board, score=score, version=score.version)
    run = scoring_publish(actor=world.head, criteria_set=cs)
    assert run.summary["leaders"][0]["id"] == "T-PS"


def test_changing_a_confirmed_appraisal_needs_a_new_confirmation(world: World) -> None:
    cs = _set(world)
    score = _appraise(world.head, cs, world.tien_phuoc, "2")
    score = appraisal_confirm(actor=world.board, score=score, version=score.version)
    assert appraisals_to_confirm(cs) == []
    score = _appraise(world.head, cs, world.tien_phuoc, "4", version=score.version)
    assert score.confirmed_at is None and score.confirmed_as == ""
    assert [p.criterion for p in appraisals_to_confirm(cs)] == ["II.1"]


def test_the_published_run_shows_the_units_answers_to_discrepancy_flags(world: World) -> None:
    cs = _set(world)
    score_set(
        actor=world.member,
        criteria_set=cs,
        unit=world.tien_phuoc,
        criterion_code="II.1",
        layer="self",
        points=Decimal(9),
        explanation="Tự đánh giá",
        version=0,
    )
    _appraise(world.board, cs, world.tien_phuoc, "5")
    discrepancy_answer(
        actor=world.member,
        criteria_set=cs,
        unit=world.tien_phuoc,
        criterion_code="II.1",
        answer="Đơn vị đã nộp đủ minh chứng",
    )
    run = scoring_publish(actor=world.board, criteria_set=cs)
    assert run.inputs["answers"] == [
        {"answer": "Đơn vị đã nộp đủ minh chứng", "criterion": "II.1", "unit": "T-TP"}
    ]
    line = next(
        c for r in run.result["ranking"] if r["id"] == "T-TP" for c in r["criteria"] if c["code"] == "II.1"
    )
    assert line["discrepancy"] and line["answer"] == "Đơn vị đã nộp đủ minh chứng"
    assert scoring_verify(run).ok


# --- no lost updates ---------------------------------------------------------------------------------------


def test_the_second_of_two_writes_read_at_the_same_version_is_refused_and_the_first_stays(
    world: World,
) -> None:
    cs = _set(world)
    first = score_set(
        actor=world.member,
        criteria_set=cs,
        unit=world.tien_phuoc,
        criterion_code="II.1",
        layer="self",
        points=Decimal(6),
        explanation="Bản đầu",
        version=0,
    )
    assert first.version == 1
    # two people open the form at version 1; the first saves 7, the second then tries 8
    score_set(
        actor=world.member,
        criteria_set=cs,
        unit=world.tien_phuoc,
        criterion_code="II.1",
        layer="self",
        points=Decimal(7),
        explanation="Bản đầu",
        version=1,
    )
    with pytest.raises(ValidationFailed) as exc:
        score_set(
            actor=world.board,
            criteria_set=cs,
            unit=world.tien_phuoc,
            criterion_code="II.1",
            layer="self",
            points=Decimal(8),
            explanation="Bản đầu",
            version=1,
        )
    message = exc.value.problems[0].message
    assert "đã được người khác thay đổi" in message and "phiên bản 1 → 2" in message
    assert "điểm: 6 → 7" in message
    stored = Score.objects.get()
    assert (stored.points, stored.version) == (Decimal(7), 2)


def test_a_score_entered_meanwhile_refuses_a_form_read_before_it_existed(world: World) -> None:
    cs = _set(world)
    _appraise(world.head, cs, world.nam_giang, "0.5")
    with pytest.raises(ValidationFailed, match=r"điểm: \(trống\) → 0,5"):
        _appraise(world.board, cs, world.nam_giang, "0.7", version=0)


def test_a_person_must_send_the_version_they_read(world: World) -> None:
    cs = _set(world)
    with pytest.raises(ValidationFailed, match="thiếu phiên bản"):
        score_set(
            actor=world.member,
            criteria_set=cs,
            unit=world.tien_phuoc,
            criterion_code="II.1",
            layer="self",
            points=Decimal(6),
        )
    assert not Score.objects.exists()
