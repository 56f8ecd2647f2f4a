"""Writes for scoring: criteria sets and their versions, layer scores, the cross-scoring assignment,
answers to discrepancy flags, and publishing a ranking. Every function is atomic, validated, audited.

`actor=None` is the system (demo loader, commands) and skips the permission check.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple

from django.db import connection, transaction
from django.utils import timezone

from tdkt.clusters.models import ClusterMember, ClusterRole, ClusterRoleKind, ClusterYear
from tdkt.clusters.scopes import viewer_for
from tdkt.core.audit import Actor, actor_user, audit_record, audit_record_many, snapshot, state_at_version
from tdkt.core.errors import NotPermitted, Problem, ValidationFailed
from tdkt.core.versions import changes_between, check_version
from tdkt.core.vn import format_number
from tdkt.movements.models import ClusterIndicator
from tdkt.org.models import Account, Role, Unit
from tdkt.scoring import assignment, engine, jsonio
from tdkt.scoring.models import (
    CriteriaSet,
    Criterion,
    CrossAssignment,
    DiscrepancyAnswer,
    Layer,
    Score,
    ScoringRun,
    SetStatus,
)
from tdkt.scoring.selectors import (
    AppraisalCandidate,
    PendingAppraisal,
    ScoringData,
    appraisal_candidates,
    appraisals_pending,
    criteria_tree,
)


def _check_manages(actor: Actor, cluster_year: ClusterYear) -> None:
    if actor is not None and not viewer_for(actor).manages(cluster_year.pk):
        raise NotPermitted(
            f"Chỉ Trưởng cụm hoặc Ban Thi đua – Khen thưởng mới được làm việc này với {cluster_year}"
        )


def _fail(messages: list[str], field: str) -> ValidationFailed:
    return ValidationFailed([Problem(m, field=field) for m in messages])


def _member_ids(cluster_year: ClusterYear) -> list[str]:
    return list(ClusterMember.objects.filter(cluster_year=cluster_year).values_list("unit__code", flat=True))


def _validate_spec(
    cluster_year: ClusterYear,
    criteria_spec: list[dict[str, Any]],
    rules_spec: dict[str, Any],
    declared_total: Decimal,
) -> None:
    criteria, problems = jsonio.parse_criteria(criteria_spec)
    rules, rule_problems = jsonio.parse_rules(rules_spec)
    problems += rule_problems
    if problems:
        raise _fail(problems, "criteria")
    catalogue = frozenset(
        ClusterIndicator.objects.filter(cluster_year=cluster_year).values_list("indicator__code", flat=True)
    )
    members = tuple(engine.Member(code, code) for code in _member_ids(cluster_year))
    problem = engine.Problem(
        members, criteria, rules=rules, declared_total=declared_total, indicators=catalogue
    )
    problems = engine.validate(problem)
    if problems:
        raise _fail(problems, "criteria")


def _store_criteria(
    criteria_set: CriteriaSet, spec: list[dict[str, Any]], parent: Criterion | None, start: int
) -> int:
    position = start
    for item in spec:
        children = item.get("children")
        kind = item.get("kind", "group" if children is not None else "score")
        crit = Criterion.objects.create(
            criteria_set=criteria_set,
            parent=parent,
            code=item["code"].strip(),
            name=item["name"].strip(),
            kind=kind,
            max_points=jsonio.read_number(item["max_points"]),
            method=None if kind == "group" else item["method"],
            position=position,
        )
        position += 1
        if children:
            position = _store_criteria(criteria_set, children, crit, position)
    return position


@transaction.atomic
def criteria_set_create(
    *,
    actor: Actor,
    cluster_year: ClusterYear,
    criteria: list[dict[str, Any]],
    rules: dict[str, Any],
    declared_total: Decimal,
    amends: CriteriaSet | None = None,
    reason: str = "",
) -> CriteriaSet:
    """A new draft version of the cluster-year's criteria. Refused when the points do not add up as
    declared, a method names an indicator the cluster-year does not follow, or a formula does not parse."""
    _check_manages(actor, cluster_year)
    if amends is not None and amends.cluster_year_id != cluster_year.pk:
        raise ValidationFailed(Problem("phiên bản được sửa đổi thuộc cụm – năm khác", field="amends"))
    if amends is not None and not reason.strip():
        raise ValidationFailed(Problem("sửa đổi bộ tiêu chí phải ghi lý do", field="reason"))
    if CriteriaSet.objects.filter(cluster_year=cluster_year, status=SetStatus.DRAFT).exists():
        raise ValidationFailed(Problem("đã có một dự thảo bộ tiêu chí chưa thông qua", field="criteria"))
    _validate_spec(cluster_year, criteria, rules, declared_total)
    last = CriteriaSet.objects.filter(cluster_year=cluster_year).order_by("-version").first()
    criteria_set = CriteriaSet.objects.create(
        cluster_year=cluster_year,
        version=(last.version + 1) if last else 1,
        amends=amends,
        reason=reason.strip(),
        declared_total=declared_total,
        rules=rules,
    )
    _store_criteria(criteria_set, criteria, None, 0)
    audit_record(
        actor=actor,
        action="criteria_set.create",
        instance=criteria_set,
        after={**snapshot(criteria_set), "criteria": criteria},
        summary=reason,
    )
    return criteria_set


@transaction.atomic
def criteria_set_adopt(*, actor: Actor, criteria_set: CriteriaSet, adopted_on: dt.date) -> CriteriaSet:
    """Adopt a draft: it becomes the version scores are entered against. An earlier adopted version that
    this one amends is locked, so no score is ever entered against two versions."""
    criteria_set = CriteriaSet.objects.select_for_update().get(pk=criteria_set.pk)
    _check_manages(actor, criteria_set.cluster_year)
    if criteria_set.status != SetStatus.DRAFT:
        raise ValidationFailed(Problem("chỉ thông qua được bộ tiêu chí đang dự thảo", field="status"))
    # a draft built in the editor may be incomplete while it is built; never once adopted
    _validate_spec(
        criteria_set.cluster_year,
        criteria_tree(criteria_set),
        criteria_set.rules,
        criteria_set.declared_total,
    )
    before = snapshot(criteria_set, ["status", "adopted_on"])
    criteria_set.status = SetStatus.ADOPTED
    criteria_set.adopted_on = adopted_on
    criteria_set.save(update_fields=["status", "adopted_on"])
    CriteriaSet.objects.filter(cluster_year=criteria_set.cluster_year, status=SetStatus.ADOPTED).exclude(
        pk=criteria_set.pk
    ).update(status=SetStatus.LOCKED)
    audit_record(
        actor=actor,
        action="criteria_set.adopt",
        instance=criteria_set,
        before=before,
        after=snapshot(criteria_set, ["status", "adopted_on"]),
    )
    return criteria_set


@transaction.atomic
def criteria_set_lock(*, actor: Actor, criteria_set: CriteriaSet) -> CriteriaSet:
    criteria_set = CriteriaSet.objects.select_for_update().get(pk=criteria_set.pk)
    _check_manages(actor, criteria_set.cluster_year)
    if criteria_set.status != SetStatus.ADOPTED:
        raise ValidationFailed(Problem("chỉ khóa được bộ tiêu chí đã thông qua", field="status"))
    criteria_set.status = SetStatus.LOCKED
    criteria_set.save(update_fields=["status"])
    audit_record(actor=actor, action="criteria_set.lock", instance=criteria_set, after={"status": "locked"})
    return criteria_set


def _leaf(criteria_set: CriteriaSet, code: str) -> Criterion:
    crit = Criterion.objects.filter(criteria_set=criteria_set, code=code).first()
    if crit is None:
        raise ValidationFailed(Problem(f"tiêu chí “{code}” không có trong {criteria_set}", field="criterion"))
    if crit.kind == "group":
        raise ValidationFailed(
            Problem(f"“{code}” là nhóm: chấm điểm từng tiêu chí trong nhóm", field="criterion")
        )
    return crit


def _require_open(criteria_set: CriteriaSet) -> None:
    if criteria_set.status == SetStatus.LOCKED:
        raise ValidationFailed(
            Problem(f"{criteria_set} đã khóa: không nhập, sửa điểm được nữa", field="points")
        )
    if criteria_set.status == SetStatus.DRAFT:
        raise ValidationFailed(
            Problem(f"{criteria_set} chưa được thông qua: chưa chấm điểm được", field="points")
        )


SCORE_LABELS = {"points": "điểm", "explanation": "giải trình"}
APPRAISAL_LABELS = {"points": "điểm", "explanation": "lý do", "confirmed_as": "xác nhận"}
BOARD_LABEL = "Ban Thi đua – Khen thưởng"


def _person(user: Any) -> str:
    """A person's name in Vietnamese order (family name first), else their login."""
    return f"{user.last_name} {user.first_name}".strip() or str(user.get_username())


def _actor_label(actor: Actor, *, system: str = "") -> str:
    """Who did something, as the published run names them: the person and the unit they acted for."""
    user = actor_user(actor)
    if user is None:
        return system.strip() or "Hệ thống"
    account = Account.objects.filter(user_id=user.pk).select_related("unit").first()
    if account is None or account.role == Role.BOARD or account.unit is None:
        return f"{_person(user)} ({BOARD_LABEL})"
    return f"{_person(user)} ({account.unit.name})"


def _role_unit(cluster_year: ClusterYear, role: str) -> int | None:
    return (
        ClusterRole.objects.filter(cluster_year=cluster_year, role=role)
        .values_list("unit_id", flat=True)
        .first()
    )


def _check_appraiser(actor: Actor, criteria_set: CriteriaSet, unit: Unit) -> bool:
    """Whether the actor may appraise `unit`, or NotPermitted saying why; True when the board (or the
    system) appraises. No unit's staff appraises their own unit: the head's own unit is appraised by the
    board, or by the deputy's staff when the criteria set says so (rules.head_appraiser)."""
    if actor is None:
        return True
    viewer = viewer_for(actor)
    if viewer.is_board:
        return True
    cluster_year = criteria_set.cluster_year
    if viewer.is_staff_of(unit.pk):
        who = jsonio.HEAD_APPRAISERS.get(criteria_set.rules.get("head_appraiser", "board"), BOARD_LABEL)
        raise NotPermitted(
            f"Không đơn vị nào tự thẩm định điểm của chính mình: điểm của “{unit}” do {who} thẩm định"
        )
    head = _role_unit(cluster_year, ClusterRoleKind.HEAD)
    if unit.pk == head:
        if criteria_set.rules.get("head_appraiser") == "deputy" and viewer.is_staff_of(
            _role_unit(cluster_year, ClusterRoleKind.DEPUTY) or 0
        ):
            return False
        who = jsonio.HEAD_APPRAISERS.get(criteria_set.rules.get("head_appraiser", "board"), BOARD_LABEL)
        raise NotPermitted(f"Điểm của đơn vị Trưởng cụm “{unit}” do {who} thẩm định")
    if viewer.manages(cluster_year.pk):
        return False
    raise NotPermitted("Chỉ Trưởng cụm hoặc Ban Thi đua – Khen thưởng mới được thẩm định điểm")


def _shown_state(state: dict[str, Any] | None) -> dict[str, Any]:
    """A score's audited state as a person reads it: points the Vietnamese way."""
    out = dict(state or {})
    if out.get("points") not in (None, ""):
        out["points"] = format_number(Decimal(str(out["points"])))
    return out


def _score_what(crit: Criterion, unit: Unit, layer: str, scorer_unit: Unit | None) -> str:
    whose = f"“{unit}”" + (f" do “{scorer_unit}” chấm" if scorer_unit is not None else "")
    return f"điểm {Layer(layer).label.lower()} tiêu chí {crit.code} của {whose}"


def _check_score_version(
    crit: Criterion,
    unit: Unit,
    layer: str,
    scorer_unit: Unit | None,
    existing: Score | None,
    given: int | None,
) -> None:
    current = existing.version if existing is not None else 0
    changes: list[str] = []
    if existing is not None and given != current:
        labels = APPRAISAL_LABELS if layer == Layer.APPRAISAL else SCORE_LABELS
        now = _shown_state(snapshot(existing, list(labels)))
        changes = changes_between(_shown_state(state_at_version(existing, given)), now, labels)
    check_version(
        what=_score_what(crit, unit, layer, scorer_unit), given=given, current=current, changes=changes
    )


_AUDITED = ["points", "explanation", "version", "entered_as", "confirmed_as"]


@transaction.atomic
def score_set(
    *,
    actor: Actor,
    criteria_set: CriteriaSet,
    unit: Unit,
    criterion_code: str,
    layer: str,
    points: Decimal,
    scorer_unit: Unit | None = None,
    explanation: str = "",
    version: int | None = None,
    appraiser: str = "",
) -> Score:
    """Enter (or change) a self, cross or appraisal score. Self: the unit's staff. Cross: the staff of an
    assigned scoring unit, never the unit itself. Appraisal: the head's staff or the board, never a unit's
    own staff (see `_check_appraiser`), always with a reason (`explanation`).

    `version` is the score's version when the person read it (0 for a score not yet entered): a write over
    a newer version is refused, saying what changed meanwhile. People must send it; the system
    (`actor=None`) may leave it out. `appraiser` names who appraised when the system enters an appraisal.
    A changed appraisal loses its confirmation."""
    criteria_set = CriteriaSet.objects.select_for_update().get(pk=criteria_set.pk)
    _require_open(criteria_set)
    cluster_year = criteria_set.cluster_year
    if layer not in Layer.values:
        raise ValidationFailed(Problem(f"lớp điểm “{layer}” không hợp lệ", field="layer"))
    members = set(ClusterMember.objects.filter(cluster_year=cluster_year).values_list("unit_id", flat=True))
    if unit.pk not in members:
        raise ValidationFailed(Problem(f"“{unit}” không phải thành viên của {cluster_year}", field="unit"))
    crit = _leaf(criteria_set, criterion_code)
    by_board = False
    if layer == Layer.APPRAISAL:
        by_board = _check_appraiser(actor, criteria_set, unit)
    elif actor is not None:
        viewer = viewer_for(actor)
        allowed = {
            Layer.SELF: viewer.is_board or viewer.is_staff_of(unit.pk),
            Layer.CROSS: viewer.is_board or (scorer_unit is not None and viewer.is_staff_of(scorer_unit.pk)),
        }[Layer(layer)]
        if not allowed:
            raise NotPermitted(f"Bạn không được nhập điểm {Layer(layer).label.lower()} này")
    if layer == Layer.CROSS:
        if scorer_unit is None:
            raise ValidationFailed(Problem("điểm chấm chéo phải ghi đơn vị chấm", field="scorer_unit"))
        if scorer_unit.pk == unit.pk:
            raise ValidationFailed(
                Problem(f"“{unit}” không được tự chấm chéo chính mình", field="scorer_unit")
            )
        if not CrossAssignment.objects.filter(
            criteria_set=criteria_set, scorer=scorer_unit, scored=unit
        ).exists():
            raise ValidationFailed(
                Problem(f"“{scorer_unit}” không được phân công chấm chéo “{unit}”", field="scorer_unit")
            )
    elif scorer_unit is not None:
        raise ValidationFailed(Problem("chỉ điểm chấm chéo mới ghi đơn vị chấm", field="scorer_unit"))
    if layer == Layer.APPRAISAL and not explanation.strip():
        raise ValidationFailed(
            Problem(
                f"điểm thẩm định tiêu chí {crit.code} của “{unit}” phải ghi lý do thẩm định",
                field="explanation",
            )
        )
    if points < 0 or points > crit.max_points:
        raise ValidationFailed(
            Problem(
                f"điểm {format_number(points)} của tiêu chí {crit.code} nằm ngoài khoảng [0; {format_number(crit.max_points)}]",
                field="points",
            )
        )
    lookup = {"criterion": crit, "unit": unit, "layer": layer, "scorer_unit": scorer_unit}
    existing = Score.objects.select_for_update().filter(**lookup).first()
    if actor is not None or version is not None:
        _check_score_version(crit, unit, layer, scorer_unit, existing, version)
    before = snapshot(existing, _AUDITED) if existing else None
    score = existing or Score(**lookup)
    changed = existing is None or existing.points != points or existing.explanation != explanation.strip()
    score.points = points
    score.explanation = explanation.strip()
    score.entered_by = actor_user(actor)
    if layer == Layer.APPRAISAL:
        score.entered_as = _actor_label(actor, system=appraiser)
        score.by_board = by_board
        if changed:  # a confirmation holds for the appraisal the board saw, not for a new one
            score.confirmed_by, score.confirmed_as, score.confirmed_at = None, "", None
    if existing is not None and changed:
        score.version = existing.version + 1
    score.save()
    audit_record(
        actor=actor,
        action=f"score.{layer}",
        instance=score,
        before=before,
        after=snapshot(score, _AUDITED),
    )
    return score


@transaction.atomic
def appraisal_confirm(*, actor: Actor, score: Score, version: int | None = None) -> Score:
    """The board confirms an appraisal entered by the head's or the deputy's staff, so that it may be
    published although it moves a total by more than the criteria set allows or changes who leads.
    `version` is the appraisal's version the board looked at: a changed appraisal is refused."""
    score = (
        Score.objects.select_for_update().select_related("criterion__criteria_set", "unit").get(pk=score.pk)
    )
    criteria_set = score.criterion.criteria_set
    if actor is not None and not viewer_for(actor).is_board:
        raise NotPermitted("Chỉ Ban Thi đua – Khen thưởng mới xác nhận được điểm thẩm định")
    if score.layer != Layer.APPRAISAL:
        raise ValidationFailed(Problem("chỉ xác nhận được điểm thẩm định", field="score"))
    _require_open(criteria_set)
    if actor is not None or version is not None:
        _check_score_version(score.criterion, score.unit, score.layer, None, score, version)
    if score.by_board:
        raise ValidationFailed(
            Problem("điểm thẩm định do Ban Thi đua – Khen thưởng nhập, không cần xác nhận lại", field="score")
        )
    if score.confirmed_at is not None:
        raise ValidationFailed(Problem("điểm thẩm định này đã được xác nhận", field="score"))
    before = snapshot(score, _AUDITED)
    score.confirmed_by = actor_user(actor)
    score.confirmed_as = _actor_label(actor)
    score.confirmed_at = timezone.now()
    score.version += 1
    score.save(update_fields=["confirmed_by", "confirmed_as", "confirmed_at", "version"])
    audit_record(
        actor=actor,
        action="score.appraisal_confirm",
        instance=score,
        before=before,
        after=snapshot(score, _AUDITED),
    )
    return score


@transaction.atomic
def assignments_set(
    *, actor: Actor, criteria_set: CriteriaSet, pairs: list[tuple[Unit, Unit]], no_reciprocal: bool = True
) -> list[CrossAssignment]:
    """Replace the cross-scoring matrix (scorer, scored). Refused when a pair scores itself, a unit is not a
    member, a unit is left unscored, or (with no_reciprocal) two units would score each other; and when a
    pair to be removed already has cross scores."""
    criteria_set = CriteriaSet.objects.select_for_update().get(pk=criteria_set.pk)
    _check_manages(actor, criteria_set.cluster_year)
    _require_open(criteria_set)
    members = ClusterMember.objects.filter(cluster_year=criteria_set.cluster_year).select_related("unit")
    codes = [m.unit.code for m in members]
    problems = assignment.check(
        codes, [assignment.Pair(a.code, b.code) for a, b in pairs], no_reciprocal=no_reciprocal
    )
    if problems:
        raise _fail(problems, "assignments")
    new = {(a.pk, b.pk) for a, b in pairs}
    scored = set(
        Score.objects.filter(criterion__criteria_set=criteria_set, layer=Layer.CROSS).values_list(
            "scorer_unit_id", "unit_id"
        )
    )
    lost = scored - new
    if lost:
        names = Unit.objects.in_bulk({pk for pair in lost for pk in pair})
        text = ", ".join(f"{names[a]} → {names[b]}" for a, b in sorted(lost))
        raise ValidationFailed(
            Problem(f"không bỏ được cặp đã có điểm chấm chéo: {text}", field="assignments")
        )
    before = list(criteria_set.assignments.values_list("scorer_id", "scored_id"))
    criteria_set.assignments.all().delete()
    rows = CrossAssignment.objects.bulk_create(
        [CrossAssignment(criteria_set=criteria_set, scorer=a, scored=b) for a, b in pairs]
    )
    audit_record(
        actor=actor,
        action="assignments.set",
        instance=criteria_set,
        before={"pairs": before},
        after={"pairs": sorted(new)},
    )
    return rows


def assignments_propose(
    *, actor: Actor, criteria_set: CriteriaSet, per_unit: int, no_reciprocal: bool = True, seed: int = 0
) -> list[CrossAssignment]:
    """Propose a balanced matrix (see `tdkt.scoring.assignment.propose`) and store it."""
    units = [
        m.unit
        for m in ClusterMember.objects.filter(cluster_year=criteria_set.cluster_year).select_related("unit")
    ]
    by_code = {u.code: u for u in units}
    try:
        pairs = assignment.propose([u.code for u in units], per_unit, no_reciprocal=no_reciprocal, seed=seed)
    except assignment.AssignmentError as exc:
        raise ValidationFailed(Problem(str(exc), field="per_unit")) from exc
    return assignments_set(
        actor=actor,
        criteria_set=criteria_set,
        pairs=[(by_code[p.scorer], by_code[p.scored]) for p in pairs],
        no_reciprocal=no_reciprocal,
    )


@transaction.atomic
def discrepancy_answer(
    *, actor: Actor, criteria_set: CriteriaSet, unit: Unit, criterion_code: str, answer: str
) -> DiscrepancyAnswer:
    """The unit answers a discrepancy flag (its self score far from the final score)."""
    criteria_set = CriteriaSet.objects.select_for_update().get(pk=criteria_set.pk)
    crit = _leaf(criteria_set, criterion_code)
    if actor is not None:
        viewer = viewer_for(actor)
        if not (viewer.is_board or viewer.is_staff_of(unit.pk)):
            raise NotPermitted("Chỉ đơn vị được chấm mới giải trình chênh lệch điểm của mình")
    if criteria_set.status == SetStatus.LOCKED:
        raise ValidationFailed(Problem(f"{criteria_set} đã khóa", field="answer"))
    if not answer.strip():
        raise ValidationFailed(Problem("nội dung giải trình trống", field="answer"))
    row, _ = DiscrepancyAnswer.objects.update_or_create(
        criterion=crit, unit=unit, defaults={"answer": answer.strip(), "answered_by": actor_user(actor)}
    )
    audit_record(actor=actor, action="discrepancy.answer", instance=row, after=snapshot(row, ["answer"]))
    return row


def unanswered_discrepancies(criteria_set: CriteriaSet, result: dict[str, Any]) -> list[tuple[str, str]]:
    """(unit code, criterion code) of every discrepancy flag in a result (explained, or a run's summary)
    that has no answer yet."""
    answered = set(
        DiscrepancyAnswer.objects.filter(criterion__criteria_set=criteria_set).values_list(
            "unit__code", "criterion__code"
        )
    )
    return [flag for flag in _flags(result) if flag not in answered]


def _flags(result: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        (row["id"], code)
        for row in result["ranking"]
        for code in (
            row["discrepancies"]
            if "discrepancies" in row
            else [c["code"] for c in row["criteria"] if c["discrepancy"]]
        )
    ]


@transaction.atomic
def scoring_publish(
    *, actor: Actor, criteria_set: CriteriaSet, reason: str = "", expected_inputs_hash: str | None = None
) -> ScoringRun:
    """Publish the ranking: store the exact inputs, their hash, the engine version and the result.
    Refused while a discrepancy flag is unanswered, or while an appraisal that moves a total by more than
    `rules.appraisal_confirm_above` or changes who leads awaits the board's confirmation (each named:
    unit, criterion, old → new, by whom); a republication needs a reason. With
    `expected_inputs_hash` (the hash of the preview a person looked at), refused if the data changed since."""
    expected = {criteria_set.pk: expected_inputs_hash} if expected_inputs_hash is not None else {}
    return _publish(actor, [criteria_set], reason, expected, named=False)[0]


@transaction.atomic
def scoring_publish_many(
    *, actor: Actor, criteria_sets: list[CriteriaSet], reason: str = ""
) -> list[ScoringRun]:
    """Publish the rankings of many criteria sets at once (every cluster of a year), each as
    `scoring_publish` would, all or none; a refusal names the cluster-year. The inputs are read in a fixed
    number of queries whatever the number of sets."""
    return _publish(actor, criteria_sets, reason, {}, named=True)


@contextmanager
def _without_gc() -> Iterator[None]:
    """Cycle collection paused while a publication builds its inputs and results: hundreds of thousands of
    small acyclic objects would make it run over and over for nothing (measured: it doubled the time of a
    national publication). Reference counting still frees everything."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class _Scored(NamedTuple):
    """What a publication stores of one criteria set, or the problems that keep it from being scored."""

    text: str = ""
    hash: str = ""
    summary: dict[str, Any] | None = None
    problems: tuple[str, ...] = ()
    pending: tuple[PendingAppraisal, ...] = ()  # appraisals awaiting the board's confirmation


def _score_sets(
    data: ScoringData, sets: list[CriteriaSet], candidates: dict[int, list[AppraisalCandidate]]
) -> dict[int, _Scored]:
    out = {}
    for cs in sets:
        try:
            built = data.build(cs)
            pending = (
                tuple(appraisals_pending(built.parsed, candidates[cs.pk])) if cs.pk in candidates else ()
            )
            out[cs.pk] = _Scored(
                built.text, built.hash, jsonio.summarized(built.parsed, built.hash), pending=pending
            )
        except engine.ScoringInputError as exc:
            out[cs.pk] = _Scored(problems=tuple(exc.problems))
    return out


def _publish(
    actor: Actor,
    criteria_sets: list[CriteriaSet],
    reason: str,
    expected: dict[int, str],
    *,
    named: bool,
) -> list[ScoringRun]:
    ids = [cs.pk for cs in criteria_sets]
    locked = {cs.pk: cs for cs in CriteriaSet.objects.select_for_update().filter(pk__in=ids)}
    sets = [locked[pk] for pk in dict.fromkeys(ids)]

    def refuse(cs: CriteriaSet, messages: list[str], field: str) -> ValidationFailed:
        return _fail([f"{cs.cluster_year}: {m}" for m in messages] if named else messages, field)

    viewer = viewer_for(actor) if actor is not None else None
    for cs in sets:
        if viewer is not None and not viewer.manages(cs.cluster_year_id):
            _check_manages(actor, cs.cluster_year)  # refuses, naming the cluster-year
        if cs.status == SetStatus.DRAFT:
            raise refuse(cs, ["bộ tiêu chí chưa được thông qua"], "status")
    answered = set(
        DiscrepancyAnswer.objects.filter(criterion__criteria_set__in=sets).values_list(
            "criterion__criteria_set_id", "unit__code", "criterion__code"
        )
    )
    previous: dict[int, tuple[int, int]] = {}  # criteria set → (id, number) of its latest run
    for cs_id, pk, number in (
        ScoringRun.objects.filter(criteria_set__in=sets)
        .order_by("number")
        .values_list("criteria_set_id", "pk", "number")
    ):
        previous[cs_id] = (pk, number)
    user = actor_user(actor)
    runs = []
    with _without_gc():
        data = ScoringData(sets)
        scored = _score_sets(data, sets, appraisal_candidates(sets))
        for cs in sets:
            inputs = scored[cs.pk]
            if inputs.summary is None:
                raise refuse(cs, list(inputs.problems), "scores")
            if cs.pk in expected and expected[cs.pk] != inputs.hash:
                raise refuse(
                    cs,
                    [
                        "số liệu hoặc điểm đã thay đổi kể từ khi bạn mở bản xem trước: hãy xem lại bản xem trước rồi công bố"
                    ],
                    "inputs_hash",
                )
            open_flags = [(u, c) for u, c in _flags(inputs.summary) if (cs.pk, u, c) not in answered]
            if open_flags:
                text = ", ".join(f"{u} – tiêu chí {c}" for u, c in open_flags)
                raise refuse(cs, [f"còn chênh lệch điểm chưa được giải trình: {text}"], "discrepancies")
            if inputs.pending:
                raise refuse(
                    cs,
                    [
                        "còn điểm thẩm định chưa được Ban Thi đua – Khen thưởng xác nhận: "
                        + "; ".join(p.message for p in inputs.pending)
                    ],
                    "appraisals",
                )
            last = previous.get(cs.pk)
            if last is not None and not reason.strip():
                raise refuse(cs, ["công bố lại phải ghi lý do"], "reason")
            runs.append(
                ScoringRun(
                    criteria_set=cs,
                    number=last[1] + 1 if last else 1,
                    supersedes_id=last[0] if last else None,
                    reason=reason.strip(),
                    inputs_text=inputs.text,
                    inputs_hash=inputs.hash,
                    engine_version=inputs.summary["engine_version"],
                    summary=inputs.summary,
                    published_by=user,
                )
            )
        # freed while collection is paused: collecting them after would only find them all garbage
        del data, scored
    _insert(runs)
    audit_record_many(
        actor=actor,
        action="scoring.publish",
        changes=[
            (run, {"inputs_hash": run.inputs_hash, "number": run.number, "leaders": run.summary["leaders"]})
            for run in runs
        ],
        summary=reason,
    )
    return runs


def _insert(runs: list[ScoringRun]) -> None:
    """Store new runs, doing for each field what Django's INSERT does (pre_save for auto_now_add, then
    adapt) without building the statement again for every row: a third faster for a national publication
    on SQLite. One row per INSERT (several rows per INSERT were 10× slower on PostgreSQL, measured).

    On PostgreSQL the values are bound on the server — Django's psycopg cursors bind on the client,
    writing each run's inputs (some 50 KB) into the SQL text for the server to parse again (2–3× slower,
    measured) — and the INSERTs are sent in one pipeline, without waiting for each reply (400 runs: 0.13 s
    instead of 0.25 s, measured). Elsewhere (SQLite) the new id is the cursor's `lastrowid`, cheaper than
    RETURNING."""
    meta = ScoringRun._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)})"
        f" VALUES ({', '.join(['%s'] * len(fields))})"
    )
    rows = [[f.get_db_prep_save(f.pre_save(run, True), connection) for f in fields] for run in runs]
    if connection.vendor == "postgresql":
        ids = _insert_pipelined(f"{sql} RETURNING {quote(meta.pk.column)}", rows)
    else:
        ids = []
        with connection.cursor() as cursor:
            for row in rows:
                cursor.execute(sql, row)
                ids.append(cursor.lastrowid)
    for run, pk in zip(runs, ids, strict=True):
        run.pk = pk
        run._state.adding = False
        run._state.db = connection.alias


def _insert_pipelined(sql: str, rows: list[list[Any]]) -> list[int]:
    """PostgreSQL: one INSERT … RETURNING per row, bound on the server, sent in one pipeline."""
    import psycopg

    if not rows:
        return []
    connection.ensure_connection()
    ids = []
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.executemany(sql, rows, returning=True)
        while True:
            row = cursor.fetchone()
            if row is None:
                raise RuntimeError("INSERT … RETURNING không trả về mã số")
            ids.append(row[0])
            if not cursor.nextset():
                break
    return ids


@dataclass(frozen=True)
class Verification:
    ok: bool
    reasons: tuple[str, ...]
    recomputed_hash: str


def scoring_verify(run: ScoringRun) -> Verification:
    """Recompute a published run from its stored inputs and compare the hash and the result."""
    problems: list[str] = []
    document = json.loads(run.inputs_text)
    recomputed_hash = engine.inputs_hash(document)
    recomputed = jsonio.summarized(jsonio.parse(document), recomputed_hash)
    if recomputed_hash != run.inputs_hash:
        problems.append(
            f"mã băm dữ liệu vào khác: lưu {run.inputs_hash[:12]}…, tính lại {recomputed_hash[:12]}…"
        )
    if recomputed["engine_version"] != run.engine_version:
        problems.append(
            f"phiên bản bộ máy chấm khác: lưu {run.engine_version}, hiện tại {recomputed['engine_version']}"
        )
    if recomputed["ranking"] != run.summary["ranking"] or recomputed["criteria"] != run.summary["criteria"]:
        problems.append("bảng xếp hạng tính lại khác với bảng đã công bố")
    if recomputed["leaders"] != run.summary["leaders"]:
        problems.append("đơn vị dẫn đầu tính lại khác với kết quả đã công bố")
    if problems:
        return Verification(False, tuple(problems), recomputed_hash)
    return Verification(True, ("tính lại từ dữ liệu đã lưu cho đúng kết quả đã công bố",), recomputed_hash)


@transaction.atomic
def criteria_set_carry(*, actor: Actor, source: CriteriaSet, cluster_year: ClusterYear) -> CriteriaSet:
    """Copy a criteria set into the same cluster's next year as a draft there — the same tree, methods,
    rules and declared total — for the head to amend and adopt. The one who manages the source's
    cluster-year may do it (the outgoing head opens next year); refused when the next year already has a
    criteria set or the copy does not validate against its indicators and members."""
    _check_manages(actor, source.cluster_year)
    if (
        cluster_year.cluster_id != source.cluster_year.cluster_id
        or cluster_year.year != source.cluster_year.year + 1
    ):
        raise ValidationFailed(
            Problem("chỉ sao chép bộ tiêu chí sang năm kế tiếp của cùng cụm", field="criteria")
        )
    if CriteriaSet.objects.filter(cluster_year=cluster_year).exists():
        raise ValidationFailed(Problem(f"{cluster_year} đã có bộ tiêu chí", field="criteria"))
    criteria = criteria_tree(source)
    _validate_spec(cluster_year, criteria, source.rules, source.declared_total)
    criteria_set = CriteriaSet.objects.create(
        cluster_year=cluster_year,
        version=1,
        declared_total=source.declared_total,
        rules=source.rules,
        reason=f"Sao chép từ {source}",
    )
    _store_criteria(criteria_set, criteria, None, 0)
    audit_record(
        actor=actor,
        action="criteria_set.carry",
        instance=criteria_set,
        after={**snapshot(criteria_set), "source": source.pk},
        summary=f"Dự thảo sao chép từ {source}",
    )
    return criteria_set
