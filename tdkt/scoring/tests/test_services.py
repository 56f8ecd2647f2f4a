import datetime as dt
import json
from decimal import Decimal

import pytest

from tdkt.core.errors import NotPermitted, ValidationFailed
from tdkt.core.models import AuditEvent
from tdkt.core.personas import SCORING_CRITERIA, SCORING_RULES, World
from tdkt.movements.services import ValueInput, report_get_or_create, report_transition, report_values_set
from tdkt.scoring.engine import canonical_json, text_hash
from tdkt.scoring.jsonio import summary_of
from tdkt.scoring.models import CriteriaSet, Score, ScoringRun, SetStatus
from tdkt.scoring.selectors import scoring_document, scoring_preview
from tdkt.scoring.services import (
    appraisal_confirm,
    assignments_propose,
    assignments_set,
    criteria_set_adopt,
    criteria_set_create,
    criteria_set_lock,
    discrepancy_answer,
    score_set,
    scoring_publish,
    scoring_publish_many,
    scoring_verify,
)

CRITERIA = SCORING_CRITERIA
RULES = SCORING_RULES


def _adopted(world: World) -> CriteriaSet:
    cs = criteria_set_create(
        actor=world.head,
        cluster_year=world.cluster_year,
        criteria=CRITERIA,
        rules=RULES,
        declared_total=Decimal(30),
    )
    return criteria_set_adopt(actor=world.head, criteria_set=cs, adopted_on=dt.date(2024, 3, 1))


def _publishable(world: World) -> CriteriaSet:
    cs = _adopted(world)
    for unit in (world.phuoc_son, world.tien_phuoc, world.nam_giang):
        report = report_get_or_create(
            actor=None, cluster_year=world.cluster_year, unit=unit, period="year_end"
        )
        report_values_set(
            actor=None, report=report, values=[ValueInput(world.disbursement, Decimal(80 + unit.pk % 7))]
        )
        for action in ("submit", "accept"):
            report_transition(actor=None, report=report, action=action)
    return cs


def test_points_that_do_not_add_up_are_refused_and_nothing_is_stored(world: World) -> None:
    bad = [dict(CRITERIA[0], max_points="25"), CRITERIA[1]]
    with pytest.raises(ValidationFailed, match="khai báo 25"):
        criteria_set_create(
            actor=world.head,
            cluster_year=world.cluster_year,
            criteria=bad,
            rules=RULES,
            declared_total=Decimal(35),
        )
    assert not CriteriaSet.objects.exists()


def test_a_method_naming_an_indicator_the_cluster_does_not_follow_is_refused(world: World) -> None:
    bad = [{"code": "X", "name": "X", "max_points": "30", "method": {"type": "ratio", "indicator": "KHAC"}}]
    with pytest.raises(ValidationFailed, match="“KHAC” không có trong danh mục"):
        criteria_set_create(
            actor=None, cluster_year=world.cluster_year, criteria=bad, rules=RULES, declared_total=Decimal(30)
        )


def test_a_formula_that_does_not_parse_or_names_an_unknown_value_is_refused(world: World) -> None:
    bad = [
        {
            "code": "X",
            "name": "X",
            "max_points": "30",
            "method": {"type": "formula", "expression": "T_GN_percent +"},
        }
    ]
    with pytest.raises(ValidationFailed, match="sai cú pháp"):
        criteria_set_create(
            actor=None, cluster_year=world.cluster_year, criteria=bad, rules=RULES, declared_total=Decimal(30)
        )


def test_only_the_head_or_board_creates_criteria(world: World) -> None:
    with pytest.raises(NotPermitted):
        criteria_set_create(
            actor=world.member,
            cluster_year=world.cluster_year,
            criteria=CRITERIA,
            rules=RULES,
            declared_total=Decimal(30),
        )


def test_amendment_makes_a_new_version_with_a_reason_and_locks_the_old(world: World) -> None:
    v1 = _adopted(world)
    with pytest.raises(ValidationFailed, match="lý do"):
        criteria_set_create(
            actor=world.head,
            cluster_year=world.cluster_year,
            criteria=CRITERIA,
            rules=RULES,
            declared_total=Decimal(30),
            amends=v1,
        )
    v2 = criteria_set_create(
        actor=world.head,
        cluster_year=world.cluster_year,
        criteria=CRITERIA,
        rules=RULES,
        declared_total=Decimal(30),
        amends=v1,
        reason="Sửa đổi tại hội nghị sơ kết 6 tháng",
    )
    assert v2.version == 2 and v2.amends == v1
    criteria_set_adopt(actor=world.head, criteria_set=v2, adopted_on=dt.date(2024, 7, 28))
    v1.refresh_from_db()
    assert v1.status == SetStatus.LOCKED
    with pytest.raises(ValidationFailed, match="đã khóa"):
        score_set(
            actor=world.member,
            criteria_set=v1,
            unit=world.tien_phuoc,
            criterion_code="II.1",
            layer="self",
            points=Decimal(5),
        )


def test_scores_outside_the_range_or_on_a_draft_are_refused(world: World) -> None:
    draft = criteria_set_create(
        actor=world.head,
        cluster_year=world.cluster_year,
        criteria=CRITERIA,
        rules=RULES,
        declared_total=Decimal(30),
    )
    with pytest.raises(ValidationFailed, match="chưa được thông qua"):
        score_set(
            actor=world.member,
            criteria_set=draft,
            unit=world.tien_phuoc,
            criterion_code="II.1",
            layer="self",
            points=Decimal(5),
        )
    cs = criteria_set_adopt(actor=world.head, criteria_set=draft, adopted_on=dt.date(2024, 3, 1))
    for bad in (Decimal("-0.5"), Decimal("10.01")):
        with pytest.raises(ValidationFailed, match="nằm ngoài khoảng"):
            score_set(
                actor=world.member,
                criteria_set=cs,
                unit=world.tien_phuoc,
                criterion_code="II.1",
                layer="self",
                points=bad,
            )
    with pytest.raises(ValidationFailed, match="là nhóm"):
        score_set(
            actor=world.member,
            criteria_set=cs,
            unit=world.tien_phuoc,
            criterion_code="II",
            layer="self",
            points=Decimal(1),
        )
    assert not Score.objects.exists()


def test_cross_scoring_follows_the_assignment_and_never_scores_itself(world: World) -> None:
    cs = _adopted(world)
    assignments_propose(actor=world.head, criteria_set=cs, per_unit=1, no_reciprocal=True, seed=1)
    pair = cs.assignments.select_related("scorer", "scored").first()
    assert pair is not None
    score_set(
        actor=None,
        criteria_set=cs,
        unit=pair.scored,
        criterion_code="II.1",
        layer="cross",
        points=Decimal(7),
        scorer_unit=pair.scorer,
    )
    with pytest.raises(ValidationFailed, match="không được tự chấm chéo"):
        score_set(
            actor=None,
            criteria_set=cs,
            unit=pair.scored,
            criterion_code="II.1",
            layer="cross",
            points=Decimal(7),
            scorer_unit=pair.scored,
        )
    reverse_allowed = cs.assignments.filter(scorer=pair.scored, scored=pair.scorer).exists()
    if not reverse_allowed:
        with pytest.raises(ValidationFailed, match="không được phân công"):
            score_set(
                actor=None,
                criteria_set=cs,
                unit=pair.scorer,
                criterion_code="II.1",
                layer="cross",
                points=Decimal(7),
                scorer_unit=pair.scored,
            )
    with pytest.raises(ValidationFailed, match="không bỏ được cặp đã có điểm"):
        reversed_cycle = [(a.scored, a.scorer) for a in cs.assignments.select_related("scorer", "scored")]
        assignments_set(actor=world.head, criteria_set=cs, pairs=reversed_cycle, no_reciprocal=True)


def test_who_may_enter_which_layer(world: World) -> None:
    cs = _adopted(world)
    score_set(
        actor=world.member,
        criteria_set=cs,
        unit=world.tien_phuoc,
        criterion_code="II.1",
        layer="self",
        points=Decimal(9),
        version=0,
    )
    with pytest.raises(NotPermitted):
        score_set(
            actor=world.member,
            criteria_set=cs,
            unit=world.nam_giang,
            criterion_code="II.1",
            layer="self",
            points=Decimal(9),
        )
    with pytest.raises(NotPermitted):
        score_set(
            actor=world.member,
            criteria_set=cs,
            unit=world.tien_phuoc,
            criterion_code="II.1",
            layer="appraisal",
            points=Decimal(9),
            explanation="Theo minh chứng",
            version=0,
        )
    score_set(
        actor=world.head,
        criteria_set=cs,
        unit=world.tien_phuoc,
        criterion_code="II.1",
        layer="appraisal",
        points=Decimal(6),
        explanation="Theo minh chứng",
        version=0,
    )
    assert AuditEvent.objects.filter(action="score.appraisal").count() == 1


def test_publish_needs_every_discrepancy_answered_then_verifies(world: World) -> None:
    cs = _publishable(world)
    score_set(
        actor=world.member,
        criteria_set=cs,
        unit=world.tien_phuoc,
        criterion_code="II.1",
        layer="self",
        points=Decimal(10),
        version=0,
    )
    appraisal = score_set(
        actor=world.head,
        criteria_set=cs,
        unit=world.tien_phuoc,
        criterion_code="II.1",
        layer="appraisal",
        points=Decimal(6),
        explanation="Minh chứng không đủ",
        version=0,
    )
    with pytest.raises(ValidationFailed, match=r"chưa được giải trình: T-TP – tiêu chí II\.1"):
        scoring_publish(actor=world.head, criteria_set=cs)
    discrepancy_answer(
        actor=world.member,
        criteria_set=cs,
        unit=world.tien_phuoc,
        criterion_code="II.1",
        answer="Chấp nhận điểm thẩm định",
    )
    appraisal_confirm(actor=world.board, score=appraisal, version=appraisal.version)
    run = scoring_publish(actor=world.head, criteria_set=cs)
    assert run.number == 1 and len(run.inputs_hash) == 64
    assert scoring_verify(run).ok
    with pytest.raises(ValidationFailed, match="phải ghi lý do"):
        scoring_publish(actor=world.head, criteria_set=cs)
    run2 = scoring_publish(actor=world.head, criteria_set=cs, reason="Bổ sung minh chứng")
    assert run2.supersedes == run and ScoringRun.objects.count() == 2


def test_a_tampered_run_fails_verification(world: World) -> None:
    cs = _publishable(world)
    run = scoring_publish(actor=None, criteria_set=cs)
    run.summary["ranking"][0]["total"] = "99.99"
    verdict = scoring_verify(run)
    assert not verdict.ok and "bảng xếp hạng tính lại khác" in verdict.reasons[0]


def test_locked_set_refuses_scores_and_answers(world: World) -> None:
    cs = _adopted(world)
    criteria_set_lock(actor=world.board, criteria_set=cs)
    with pytest.raises(ValidationFailed, match="đã khóa"):
        score_set(
            actor=None,
            criteria_set=cs,
            unit=world.tien_phuoc,
            criterion_code="II.1",
            layer="self",
            points=Decimal(1),
        )
    with pytest.raises(ValidationFailed, match="đã khóa"):
        discrepancy_answer(
            actor=None, criteria_set=cs, unit=world.tien_phuoc, criterion_code="II.1", answer="x"
        )


def test_a_formula_naming_an_unknown_value_is_refused_and_a_known_one_accepted(world: World) -> None:
    bad = [
        {
            "code": "X",
            "name": "X",
            "max_points": "30",
            "method": {"type": "formula", "expression": "T_GN_percent / 10 + bi_an"},
        }
    ]
    with pytest.raises(ValidationFailed, match="dùng tên giá trị không có: bi_an"):
        criteria_set_create(
            actor=None, cluster_year=world.cluster_year, criteria=bad, rules=RULES, declared_total=Decimal(30)
        )
    good = [
        {
            "code": "X",
            "name": "X",
            "max_points": "30",
            "method": {"type": "formula", "expression": "min(T_GN_percent / 10, 30)"},
        }
    ]
    rules = {**RULES, "tie_breaks": []}  # this set has no group I
    cs = criteria_set_create(
        actor=None, cluster_year=world.cluster_year, criteria=good, rules=rules, declared_total=Decimal(30)
    )
    assert cs.criteria.get().method["expression"] == "min(T_GN_percent / 10, 30)"


def test_a_count_of_an_unknown_value_is_refused(world: World) -> None:
    bad = [
        {"code": "X", "name": "X", "max_points": "30", "method": {"type": "judged"}},
        {
            "code": "TR",
            "name": "Trừ",
            "kind": "penalty",
            "max_points": "5",
            "method": {"type": "per_count", "value": "BC_TRE", "points_each": "1"},
        },
    ]
    with pytest.raises(ValidationFailed, match="dùng tên giá trị không có: BC_TRE"):
        criteria_set_create(
            actor=None, cluster_year=world.cluster_year, criteria=bad, rules=RULES, declared_total=Decimal(30)
        )


def _other_publishable(world: World) -> CriteriaSet:
    """The other cluster-year (Điện Bàn alone), scored on its revenue."""
    cs = criteria_set_create(
        actor=None,
        cluster_year=world.other_cluster_year,
        criteria=[
            {
                "code": "A",
                "name": "Thu",
                "max_points": "30",
                "method": {"type": "achieved", "indicator": "T-THU"},
            }
        ],
        rules={"robustness": {"draws": 100, "seed": 1}},
        declared_total=Decimal(30),
    )
    return criteria_set_adopt(actor=None, criteria_set=cs, adopted_on=dt.date(2024, 3, 1))


def test_a_run_stores_its_canonical_inputs_and_a_summary_and_shows_the_explained_preview(
    world: World,
) -> None:
    cs = _publishable(world)
    preview = scoring_preview(cs)
    run = scoring_publish(actor=None, criteria_set=cs)
    run = ScoringRun.objects.get(pk=run.pk)
    assert run.inputs_text == canonical_json(run.inputs) and run.inputs_hash == text_hash(run.inputs_text)
    assert run.inputs == scoring_document(cs)
    assert "explanation" not in json.dumps(run.summary)
    assert run.summary == summary_of(preview)
    assert run.result == preview


def test_publishing_many_sets_publishes_each_as_publishing_one_would(world: World) -> None:
    sets = [_publishable(world), _other_publishable(world)]
    expected = {cs.pk: summary_of(scoring_preview(cs)) for cs in sets}
    runs = scoring_publish_many(actor=world.board, criteria_sets=sets)
    assert {r.criteria_set_id: r.summary for r in runs} == expected
    assert AuditEvent.objects.filter(action="scoring.publish").count() == 2
    again = scoring_publish_many(actor=world.board, criteria_sets=sets, reason="Sửa số liệu")
    assert {r.criteria_set_id: r.summary for r in again} == expected
    assert [r.supersedes for r in again] == runs and all(scoring_verify(r).ok for r in again)


def test_every_published_run_has_its_audit_record_naming_its_inputs_and_author(world: World) -> None:
    sets = [_publishable(world), _other_publishable(world)]
    runs = scoring_publish_many(actor=world.board, criteria_sets=sets, reason="Công bố toàn tỉnh")
    stored = ScoringRun.objects.filter(pk__in=[r.pk for r in runs]).order_by("pk")
    # the ids given back are those of the rows stored for each set
    assert [(r.pk, r.criteria_set_id, r.inputs_hash) for r in runs] == [
        (r.pk, r.criteria_set_id, r.inputs_hash) for r in stored
    ]
    events = {e.object_id: e for e in AuditEvent.objects.filter(action="scoring.publish")}
    assert set(events) == {str(r.pk) for r in stored}
    for run in stored:
        event = events[str(run.pk)]
        assert event.object_type == "scoring.scoringrun" and event.actor == world.board
        assert event.summary == "Công bố toàn tỉnh"
        assert event.after == {
            "inputs_hash": run.inputs_hash,
            "number": 1,
            "leaders": run.summary["leaders"],
        }


def test_publishing_many_refuses_all_naming_the_cluster_year(world: World) -> None:
    sets = [_publishable(world), _other_publishable(world)]
    scoring_publish(actor=None, criteria_set=sets[1])
    with pytest.raises(ValidationFailed, match=r"đồng bằng.*công bố lại phải ghi lý do"):
        scoring_publish_many(actor=world.board, criteria_sets=sets)
    assert ScoringRun.objects.count() == 1
    with pytest.raises(NotPermitted):
        scoring_publish_many(actor=world.head, criteria_sets=sets, reason="Lần hai")
