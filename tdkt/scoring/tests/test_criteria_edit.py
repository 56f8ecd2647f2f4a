"""The criteria editor's services: a draft built criterion by criterion with typed fields, refusals in
Vietnamese naming the field, draft-only, audited, versioned; the preview of a draft on last year's data."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tdkt.clusters.models import ClusterRoleKind, ClusterYear, RoleBasis
from tdkt.clusters.services import cluster_role_set, cluster_year_create
from tdkt.core.errors import NotPermitted, ValidationFailed
from tdkt.core.models import AuditEvent
from tdkt.core.personas import SCORING_CRITERIA, SCORING_RULES, World
from tdkt.movements.services import (
    ValueInput,
    cluster_indicators_set,
    report_get_or_create,
    report_transition,
    report_values_set,
)
from tdkt.scoring.criteria_edit import (
    criteria_draft_start,
    criteria_set_problems,
    criteria_set_total_set,
    criterion_add,
    criterion_delete,
    criterion_edit,
    criterion_move,
    criterion_version,
)
from tdkt.scoring.criteria_fields import CriterionInput
from tdkt.scoring.models import CriteriaSet, Criterion, SetStatus
from tdkt.scoring.selectors import criteria_tree, last_year_preview
from tdkt.scoring.services import criteria_set_adopt, criteria_set_create, score_set

GROUP_I = CriterionInput(code="I", name="Kinh tế", kind="group", max_points="20")
GROUP_II = CriterionInput(code="II", name="Thi đua", kind="group", max_points="10")
RATIO = CriterionInput(
    code="I.1", name="Giải ngân", parent="I", max_points="10", method="ratio", indicator="T-GN", cap="100"
)
ACHIEVED = CriterionInput(
    code="I.2", name="Thu ngân sách", parent="I", max_points="10", method="achieved", indicator="T-THU"
)
JUDGED = CriterionInput(code="II.1", name="Phong trào", parent="II", max_points="10", method="judged")


def _draft(world: World) -> CriteriaSet:
    return criteria_draft_start(actor=world.head, cluster_year=world.cluster_year, declared_total=Decimal(30))


def _build(world: World, cs: CriteriaSet) -> None:
    for fields in (GROUP_I, GROUP_II, RATIO, ACHIEVED, JUDGED):
        criterion_add(actor=world.head, criteria_set=cs, fields=fields)


def _crit(cs: CriteriaSet, code: str) -> Criterion:
    return Criterion.objects.get(criteria_set=cs, code=code)


def test_the_head_builds_a_draft_that_equals_the_json_set_and_adopts_it(world: World) -> None:
    cs = _draft(world)
    _build(world, cs)
    assert criteria_tree(cs) == [
        {**g, "kind": "group", "children": [{**c, "kind": "score"} for c in g["children"]]}
        for g in SCORING_CRITERIA
    ]
    assert criteria_set_problems(cs) == []
    adopted = criteria_set_adopt(actor=world.head, criteria_set=cs, adopted_on=dt.date(2024, 3, 1))
    assert adopted.status == SetStatus.ADOPTED
    actions = list(AuditEvent.objects.filter(action="criterion.add").values_list("summary", flat=True))
    assert len(actions) == 5 and "thêm I.1" in actions[0] + actions[-1] + "".join(actions)


def test_a_draft_whose_points_do_not_add_up_is_not_adopted(world: World) -> None:
    cs = _draft(world)
    _build(world, cs)
    criterion_delete(actor=world.head, criterion=_crit(cs, "I.2"), version=1)
    problems = criteria_set_problems(cs)
    assert any("tổng điểm tối đa của các tiêu chí con là 10, khai báo 20" in p for p in problems)
    with pytest.raises(ValidationFailed, match="khai báo 20"):
        criteria_set_adopt(actor=world.head, criteria_set=cs, adopted_on=dt.date(2024, 3, 1))
    cs.refresh_from_db()
    assert cs.status == SetStatus.DRAFT


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        (RATIO.__class__(**{**RATIO.__dict__, "code": ""}), "code", "Mã: chưa nhập mã"),
        (RATIO.__class__(**{**RATIO.__dict__, "max_points": "mười"}), "max_points", "Điểm tối đa:"),
        (RATIO.__class__(**{**RATIO.__dict__, "indicator": "KHAC"}), "indicator", "Chỉ tiêu: “KHAC”"),
        (RATIO.__class__(**{**RATIO.__dict__, "cap": "0"}), "cap", "Mức trần (%): phải lớn hơn 0"),
        (
            CriterionInput(
                code="I.3",
                name="x",
                parent="I",
                max_points="5",
                method="bands",
                indicator="T-GN",
                bands=(("90", "4"), ("100", "9")),
            ),
            "bands",
            "Các mức:",
        ),
        (
            CriterionInput(
                code="I.3", name="x", max_points="5", method="formula", expression="T_GN_percent +"
            ),
            "expression",
            "sai cú pháp",
        ),
        (
            CriterionInput(code="I.3", name="x", max_points="5", method="formula", expression="KHONG_CO * 2"),
            "expression",
            "KHONG_CO",
        ),
        (CriterionInput(code="I.3", name="x", max_points="5", method=""), "method", "Phương pháp chấm:"),
    ],
)
def test_bad_fields_are_refused_naming_the_field_and_nothing_is_written(
    world: World, fields: CriterionInput, field: str, words: str
) -> None:
    cs = _draft(world)
    criterion_add(actor=world.head, criteria_set=cs, fields=GROUP_I)
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as caught:
        criterion_add(actor=world.head, criteria_set=cs, fields=fields)
    assert any(p.field == field and words in p.message for p in caught.value.problems), caught.value.messages
    assert Criterion.objects.filter(criteria_set=cs).count() == 1 and AuditEvent.objects.count() == before


def test_a_code_used_twice_is_refused(world: World) -> None:
    cs = _draft(world)
    criterion_add(actor=world.head, criteria_set=cs, fields=GROUP_I)
    with pytest.raises(ValidationFailed, match="Mã: mã “I” đã dùng"):
        criterion_add(
            actor=world.head, criteria_set=cs, fields=GROUP_II.__class__(code="I", name="y", kind="group")
        )


def test_an_adopted_or_locked_set_is_never_edited(world: World) -> None:
    cs = criteria_set_create(
        actor=None,
        cluster_year=world.cluster_year,
        criteria=SCORING_CRITERIA,
        rules=SCORING_RULES,
        declared_total=Decimal(30),
    )
    criteria_set_adopt(actor=None, criteria_set=cs, adopted_on=dt.date(2024, 3, 1))
    crit = _crit(cs, "I.1")
    for write in (
        lambda: criterion_add(actor=world.head, criteria_set=cs, fields=JUDGED),
        lambda: criterion_edit(actor=world.head, criterion=crit, fields=RATIO, version=1),
        lambda: criterion_move(actor=world.head, criterion=crit, up=False, version=1),
        lambda: criterion_delete(actor=world.head, criterion=crit, version=1),
        lambda: criteria_set_total_set(actor=world.head, criteria_set=cs, declared_total=Decimal(40)),
    ):
        with pytest.raises(ValidationFailed, match="chỉ sửa được bộ tiêu chí đang dự thảo"):
            write()
    assert criteria_tree(cs) == criteria_tree(CriteriaSet.objects.get(pk=cs.pk))
    assert _crit(cs, "I.1").max_points == Decimal(10)


def test_only_the_board_and_the_heads_staff_edit(world: World) -> None:
    cs = _draft(world)
    for outsider in (world.member, world.outsider):
        with pytest.raises(NotPermitted):
            criterion_add(actor=outsider, criteria_set=cs, fields=GROUP_I)
        with pytest.raises(NotPermitted):
            criteria_draft_start(actor=outsider, cluster_year=world.cluster_year)
    criterion_add(actor=world.board, criteria_set=cs, fields=GROUP_I)
    assert Criterion.objects.filter(criteria_set=cs).count() == 1


def test_one_draft_at_a_time_and_an_amendment_needs_a_reason(world: World) -> None:
    cs = _draft(world)
    with pytest.raises(ValidationFailed, match="đã có một dự thảo"):
        _draft(world)
    _build(world, cs)
    criteria_set_adopt(actor=world.head, criteria_set=cs, adopted_on=dt.date(2024, 3, 1))
    with pytest.raises(ValidationFailed, match="phải ghi lý do"):
        criteria_draft_start(actor=world.head, cluster_year=world.cluster_year, amends=cs)
    v2 = criteria_draft_start(
        actor=world.head, cluster_year=world.cluster_year, amends=cs, reason="Sửa đổi tại hội nghị sơ kết"
    )
    assert v2.version == 2 and v2.status == SetStatus.DRAFT and criteria_tree(v2) == criteria_tree(cs)


def test_edit_changes_method_and_group_and_a_stale_version_is_refused(world: World) -> None:
    cs = _draft(world)
    _build(world, cs)
    crit = _crit(cs, "I.1")
    assert criterion_version(crit) == 1
    bands = CriterionInput(
        code="I.1",
        name="Giải ngân vốn",
        parent="II",
        max_points="10",
        method="bands",
        indicator="T-GN",
        bands=(("100", "10"), ("90", "8"), ("0", "2,5")),
    )
    criterion_edit(actor=world.head, criterion=crit, fields=bands, version=1)
    crit.refresh_from_db()
    assert crit.parent == _crit(cs, "II") and crit.name == "Giải ngân vốn"
    assert crit.method == {
        "type": "bands",
        "indicator": "T-GN",
        "on": "percent",
        "bands": [["100", "10"], ["90", "8"], ["0", "2.5"]],
    }
    assert criterion_version(crit) == 2
    with pytest.raises(ValidationFailed, match="đã được người khác thay đổi") as caught:
        criterion_edit(actor=world.board, criterion=crit, fields=RATIO, version=1)
    assert "tên: Giải ngân → Giải ngân vốn" in caught.value.messages[0]
    with pytest.raises(ValidationFailed, match="thiếu phiên bản"):
        criterion_delete(actor=world.head, criterion=crit, version=None)
    crit.refresh_from_db()
    assert crit.method["type"] == "bands"


def test_a_group_is_not_put_inside_itself_and_a_full_group_is_not_deleted(world: World) -> None:
    cs = _draft(world)
    _build(world, cs)
    group = _crit(cs, "I")
    with pytest.raises(ValidationFailed, match="Thuộc nhóm: không đặt được nhóm “I” vào chính nó"):
        criterion_edit(
            actor=world.head,
            criterion=group,
            fields=GROUP_I.__class__(**{**GROUP_I.__dict__, "parent": "I"}),
            version=1,
        )
    with pytest.raises(ValidationFailed, match="còn tiêu chí con"):
        criterion_delete(actor=world.head, criterion=group, version=1)
    with pytest.raises(ValidationFailed, match=r"Thuộc nhóm: “I\.1” không phải một nhóm"):
        criterion_add(
            actor=world.head,
            criteria_set=cs,
            fields=JUDGED.__class__(**{**JUDGED.__dict__, "code": "X", "parent": "I.1"}),
        )


def test_move_reorders_within_the_group(world: World) -> None:
    cs = _draft(world)
    _build(world, cs)
    criterion_move(actor=world.head, criterion=_crit(cs, "I.2"), up=True, version=1)
    assert [c["code"] for c in criteria_tree(cs)[0]["children"]] == ["I.2", "I.1"]
    with pytest.raises(ValidationFailed, match="đã ở đầu nhóm"):
        criterion_move(actor=world.head, criterion=_crit(cs, "I.2"), up=True, version=2)
    criterion_move(actor=world.head, criterion=_crit(cs, "I"), up=False, version=1)
    assert [c["code"] for c in criteria_tree(cs)] == ["II", "I"]
    assert AuditEvent.objects.filter(action="criterion.move").count() == 2


# --- last year's data ------------------------------------------------------------------------------------


def next_year(world: World) -> ClusterYear:
    """2025 for the mountain cluster, Phước Sơn head again, the same indicators: 2024 is 'last year'."""
    cy = cluster_year_create(
        actor=None,
        cluster=world.cluster,
        year=2025,
        members=[world.phuoc_son, world.tien_phuoc, world.nam_giang],
    )
    cluster_role_set(
        actor=None, cluster_year=cy, unit=world.phuoc_son, role=ClusterRoleKind.HEAD, basis=RoleBasis.ELECTED
    )
    cluster_indicators_set(
        actor=None, cluster_year=cy, indicators=[world.revenue, world.disbursement, world.houses]
    )
    return cy


def accept_2024(world: World) -> None:
    """Year-end 2024 reports accepted: disbursement 70 / 95 / 60 % of a 100 % target."""
    for unit, value in ((world.phuoc_son, "70"), (world.tien_phuoc, "95"), (world.nam_giang, "60")):
        report = report_get_or_create(
            actor=None, cluster_year=world.cluster_year, unit=unit, period="year_end"
        )
        report_values_set(actor=None, report=report, values=[ValueInput(world.disbursement, Decimal(value))])
        for action in ("submit", "accept"):
            report_transition(actor=None, report=report, action=action)


def test_the_preview_scores_last_years_data_with_the_draft(world: World) -> None:
    accept_2024(world)
    last = criteria_set_create(
        actor=None,
        cluster_year=world.cluster_year,
        criteria=SCORING_CRITERIA,
        rules=SCORING_RULES,
        declared_total=Decimal(30),
    )
    criteria_set_adopt(actor=None, criteria_set=last, adopted_on=dt.date(2024, 3, 1))
    score_set(
        actor=None,
        criteria_set=last,
        unit=world.tien_phuoc,
        criterion_code="II.1",
        layer="appraisal",
        points=Decimal(9),
        explanation="Phong trào tốt",
    )
    cy = next_year(world)
    draft = criteria_draft_start(actor=world.head, cluster_year=cy, declared_total=Decimal(30))
    _build(world, draft)
    # the 2025 draft caps disbursement at 120 % instead of 100 %
    criterion_edit(
        actor=world.head,
        criterion=_crit(draft, "I.1"),
        fields=RATIO.__class__(**{**RATIO.__dict__, "cap": "120"}),
        version=1,
    )
    preview = last_year_preview(draft)
    assert preview.previous == world.cluster_year and preview.has_data and preview.problems == ()
    assert preview.result is not None
    points = {
        row["name"]: {c["code"]: Decimal(c["points"]) for c in row["criteria"]}
        for row in preview.result["ranking"]
    }
    assert points[world.tien_phuoc.name]["I.1"] == Decimal(10) * Decimal(95) / Decimal(120)
    assert points[world.tien_phuoc.name]["II.1"] == Decimal(9)  # last year's appraisal of the same criterion
    assert points[world.phuoc_son.name]["II.1"] == Decimal(0)
    # nothing was written for the preview
    assert (
        not Criterion.objects.filter(criteria_set__cluster_year=world.cluster_year)
        .exclude(criteria_set=last)
        .exists()
    )


def test_the_preview_says_when_there_is_no_last_year(world: World) -> None:
    cs = _draft(world)  # 2024: the cluster has no 2023
    assert last_year_preview(cs).previous is None
    cy = next_year(world)  # 2024 exists but no report is accepted
    draft = criteria_draft_start(actor=world.head, cluster_year=cy)
    preview = last_year_preview(draft)
    assert preview.previous == world.cluster_year and not preview.has_data and preview.result is None


# --- concurrency: real threads, each with its own connection, on SQLite and PostgreSQL alike ------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_editors_of_the_same_criterion_at_once_lose_nothing_one_wins() -> None:
    import threading

    from django.db import connections

    from tdkt.core.personas import build_world

    world = build_world()
    cs = criteria_draft_start(actor=None, cluster_year=world.cluster_year, declared_total=Decimal(30))
    _build(world, cs)
    crit = _crit(cs, "I.1")
    writers = 8
    barrier = threading.Barrier(writers)
    outcomes: list[str] = []
    lock = threading.Lock()

    def edit(number: int) -> None:
        try:
            barrier.wait()
            fields = RATIO.__class__(**{**RATIO.__dict__, "name": f"Giải ngân {number}"})
            criterion_edit(actor=world.head, criterion=crit, fields=fields, version=1)
            outcome = "ok"
        except ValidationFailed as exc:
            outcome = "stale" if "đã được người khác thay đổi" in exc.messages[0] else exc.messages[0]
        except Exception as exc:  # a lock error would be a failure to report, not to hide
            outcome = f"{type(exc).__name__}: {exc}"
        finally:
            connections.close_all()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=edit, args=(n,)) for n in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert sorted(outcomes) == ["ok"] + ["stale"] * (writers - 1), outcomes
    assert criterion_version(_crit(cs, "I.1")) == 2
    assert AuditEvent.objects.filter(action="criterion.edit").count() == 1


def test_a_stale_edit_of_a_criterion_made_with_its_set_says_what_changed(world: World) -> None:
    cs = criteria_set_create(
        actor=None,
        cluster_year=world.cluster_year,
        criteria=SCORING_CRITERIA,
        rules=SCORING_RULES,
        declared_total=Decimal(30),
    )
    crit = _crit(cs, "I.1")
    criterion_edit(
        actor=world.head,
        criterion=crit,
        fields=RATIO.__class__(**{**RATIO.__dict__, "max_points": "12"}),
        version=1,
    )
    with pytest.raises(ValidationFailed) as caught:
        criterion_edit(actor=world.board, criterion=crit, fields=RATIO, version=1)
    assert "điểm tối đa: 10 → 12" in caught.value.messages[0] and "mã" not in caught.value.messages[0]
