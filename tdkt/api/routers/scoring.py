"""Scoring: score a document without the database, criteria sets and their versions, layer scores, the
cross-scoring matrix, discrepancy answers, the ranking (preview and published) and published runs.

Thin over `tdkt.scoring.services` and `tdkt.scoring.selectors`, which the web pages and `tdkt score` call
too, so every number is the engine's own. Reads of criteria sets, published rankings and runs are public.
Writes need a session (and its CSRF token); whoever takes no part in the cluster-year (neither the board,
nor the head's staff, nor a member's staff) gets 404 on them, and the services refuse the rest with 403.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Status
from ninja.errors import HttpError
from ninja.security import django_auth

from tdkt.api.access import get_cluster_year, viewer_of
from tdkt.api.schemas import (
    WRITE_ERRORS,
    AdoptIn,
    AppraisalConfirmIn,
    AssignmentOut,
    AssignmentsIn,
    AssignmentsProposeIn,
    CriteriaSetIn,
    CriteriaSetOut,
    CriteriaSetSummaryOut,
    DiscrepancyAnswerIn,
    DiscrepancyAnswerOut,
    MessageOut,
    OpenDiscrepancyOut,
    PendingAppraisalOut,
    ProblemsOut,
    PublishIn,
    RankingPreviewOut,
    ScoreIn,
    ScoreOut,
    ScoringRunOut,
    VerificationOut,
    assignment_out,
    criteria_set_out,
    criteria_set_summary_out,
    discrepancy_answer_out,
    score_out,
    scoring_run_out,
)
from tdkt.clusters.models import ClusterMember, ClusterYear
from tdkt.clusters.scopes import Viewer
from tdkt.core.errors import NotPermitted, Problem, ValidationFailed
from tdkt.org.models import Unit
from tdkt.scoring.engine import ScoringInputError
from tdkt.scoring.jsonio import run_strict as score_document
from tdkt.scoring.models import CriteriaSet, CrossAssignment, Score, ScoringRun
from tdkt.scoring.selectors import (
    PendingAppraisal,
    appraisals_to_confirm,
    criteria_tree,
    current_criteria_set,
    latest_run,
    scoring_preview,
)
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
    scoring_verify,
    unanswered_discrepancies,
)

router = Router(tags=["scoring"])

MAX_DOCUMENT_BYTES = 5 * 1024 * 1024
# The robustness test builds a draws × members matrix of floats: a public endpoint caps its size (40 MB).
MAX_ROBUSTNESS_CELLS = 5_000_000
NOT_PUBLISHED = "Cụm – năm này chưa công bố kết quả chấm điểm, xếp hạng"
NO_CRITERIA = "Cụm – năm này chưa có bộ tiêu chí"

# A problem from `jsonio` starts with the JSON path it is about: "units[2].results.GIAI-NGAN.value: …".
_PATH_PREFIX = re.compile(r"^(\$|[A-Za-z_]\w*(?:\[\d+\]|\.[^\s.:\[\]]+)*): (.+)$", re.DOTALL)


# ---- helpers ----------------------------------------------------------------------------------------


def _problem(message: str) -> Problem:
    """An engine problem in the API's shape: the JSON path it starts with, if any, becomes the field."""
    match = _PATH_PREFIX.match(message)
    if match is None:
        return Problem(message)
    return Problem(match.group(2), field=match.group(1))


def _refused(exc: ScoringInputError) -> ValidationFailed:
    return ValidationFailed([_problem(m) for m in exc.problems])


def _json_safe(value: Any) -> Any:
    """Criteria and rules are stored as JSON, which cannot hold the Decimals the API's parser makes of JSON
    numbers. Each becomes a Vietnamese decimal string (12.5 → "12,5"), read back exactly by every reader;
    a dot string is not: `tdkt.core.vn.parse_number`, which the services use, takes "1.234" for 1234."""
    if isinstance(value, Decimal):
        return format(value, "f").replace(".", ",")
    if isinstance(value, dict):
        return {key: _json_safe(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_json_safe(item) for item in value]
    return value


def _takes_part(viewer: Viewer, cluster_year: ClusterYear) -> bool:
    """The board, the head's staff and the members' staff: who may write in a cluster-year's scoring at all
    (the services then decide what each may do)."""
    if viewer.manages(cluster_year.pk):
        return True
    return (
        viewer.unit_id is not None
        and ClusterMember.objects.filter(cluster_year=cluster_year, unit_id=viewer.unit_id).exists()
    )


def _get_criteria_set(cs_id: int) -> CriteriaSet:
    """Criteria sets are public: a cluster's criteria are adopted in the open."""
    return get_object_or_404(CriteriaSet.objects.select_related("cluster_year__cluster"), pk=cs_id)


def _get_criteria_set_for_participant(request: HttpRequest, cs_id: int) -> CriteriaSet:
    criteria_set = _get_criteria_set(cs_id)
    if not _takes_part(viewer_of(request), criteria_set.cluster_year):
        raise Http404
    return criteria_set


def _get_cluster_year_for_participant(request: HttpRequest, cy_id: int) -> ClusterYear:
    cluster_year = get_cluster_year(cy_id)
    if not _takes_part(viewer_of(request), cluster_year):
        raise Http404
    return cluster_year


def _current(cluster_year: ClusterYear) -> CriteriaSet | None:
    criteria_set = current_criteria_set(cluster_year)
    if criteria_set is not None:
        criteria_set.cluster_year = cluster_year  # already loaded, with its cluster
    return criteria_set


def _fresh_set(criteria_set: CriteriaSet) -> CriteriaSetOut:
    criteria_set.refresh_from_db()
    return criteria_set_out(criteria_set, criteria_tree(criteria_set))


def _assignments(criteria_set: CriteriaSet) -> list[AssignmentOut]:
    pairs = (
        CrossAssignment.objects.filter(criteria_set=criteria_set)
        .select_related("scorer", "scored")
        .order_by("scorer__name", "scored__name", "pk")
    )
    return [assignment_out(p) for p in pairs]


def _read_document(request: HttpRequest) -> Any:
    """The body as JSON, numbers as Decimal like the rest of the API. Read from the stream, up to this
    endpoint's own limit: `request.body` would refuse anything over DATA_UPLOAD_MAX_MEMORY_SIZE (2 MB) with
    a bare 400, and a large cluster's cross scores make a bigger document."""
    too_large = f"Dữ liệu gửi lên lớn hơn {MAX_DOCUMENT_BYTES // (1024 * 1024)} MB"
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > MAX_DOCUMENT_BYTES:
        raise HttpError(413, too_large)
    raw = request.read(MAX_DOCUMENT_BYTES + 1)
    if len(raw) > MAX_DOCUMENT_BYTES:
        raise HttpError(413, too_large)
    try:
        return json.loads(raw, parse_float=Decimal)
    except UnicodeDecodeError as exc:
        raise HttpError(400, "Nội dung gửi lên không phải văn bản UTF-8") from exc
    except json.JSONDecodeError as exc:
        raise HttpError(
            400, f"Nội dung gửi lên không phải JSON hợp lệ: dòng {exc.lineno}, cột {exc.colno}: {exc.msg}"
        ) from exc
    except RecursionError as exc:
        raise HttpError(400, "Nội dung gửi lên lồng nhau quá sâu") from exc


def _robustness_too_costly(document: Any) -> Problem | None:
    """Only a well-formed document is checked; `jsonio` reports the malformed ones."""
    if not isinstance(document, dict) or not isinstance(document.get("units"), list):
        return None
    settings = document.get("robustness", {})
    draws = settings.get("draws", 1000) if isinstance(settings, dict) else 1000
    if not isinstance(draws, int) or isinstance(draws, bool):
        return None
    members = len(document["units"])
    if draws * members <= MAX_ROBUSTNESS_CELLS:
        return None
    most = max(1, MAX_ROBUSTNESS_CELLS // max(members, 1))
    return Problem(
        f"với {members} đơn vị, số lần thử tối đa là {most} (yêu cầu {draws})", field="robustness.draws"
    )


# ---- scoring a document -------------------------------------------------------------------------------

_DOCUMENT_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "description": (
                        "Tệp đầu vào chấm điểm theo docs/schemas/score-input.schema.json "
                        "(ví dụ: docs/examples/score-quang-nam-2024.json), tối đa 5 MB"
                    ),
                }
            }
        },
    }
}


@router.post(
    "/score",
    response={200: dict[str, Any], 400: MessageOut, 413: MessageOut, 422: ProblemsOut},
    summary="Chấm điểm, xếp hạng một tệp đầu vào (không lưu gì)",
    openapi_extra=_DOCUMENT_BODY,
)
def score(request: HttpRequest) -> dict[str, Any]:
    """The explained ranking of a scoring document, exactly what `tdkt score --input` prints for the same
    document. Every problem is one entry of `detail`, its `field` the JSON path it is about."""
    document = _read_document(request)
    costly = _robustness_too_costly(document)
    if costly is not None:
        raise ValidationFailed(costly)
    try:
        return score_document(document)
    except ScoringInputError as exc:
        raise _refused(exc) from exc
    except RecursionError as exc:
        raise ValidationFailed(Problem("cây tiêu chí lồng nhau quá sâu", field="criteria_set")) from exc


# ---- criteria sets ----------------------------------------------------------------------------------


@router.get(
    "/cluster-years/{cy_id}/criteria-sets",
    response=list[CriteriaSetSummaryOut],
    summary="Các phiên bản bộ tiêu chí của một cụm – năm",
)
def criteria_set_list(request: HttpRequest, cy_id: int) -> list[CriteriaSetSummaryOut]:
    cluster_year = get_cluster_year(cy_id)
    versions = CriteriaSet.objects.filter(cluster_year=cluster_year).order_by("-version")
    return [criteria_set_summary_out(cs) for cs in versions]


@router.get(
    "/criteria-sets/{cs_id}",
    response={200: CriteriaSetOut, 404: MessageOut},
    summary="Một bộ tiêu chí: cây tiêu chí và quy tắc chấm",
)
def criteria_set_detail(request: HttpRequest, cs_id: int) -> CriteriaSetOut:
    criteria_set = _get_criteria_set(cs_id)
    return criteria_set_out(criteria_set, criteria_tree(criteria_set))


@router.post(
    "/cluster-years/{cy_id}/criteria-sets",
    response={201: CriteriaSetOut, **WRITE_ERRORS},
    auth=django_auth,
    summary="Soạn một phiên bản bộ tiêu chí (dự thảo)",
)
def criteria_set_post(request: HttpRequest, cy_id: int, payload: CriteriaSetIn) -> Status[CriteriaSetOut]:
    """The head's staff or the board. Refused (422) when the points do not add up to the total, a method
    names an indicator the cluster-year does not follow, or a formula does not parse. An amendment of an
    adopted version names it in `amends` and gives a reason."""
    cluster_year = _get_cluster_year_for_participant(request, cy_id)
    amends = None
    if payload.amends is not None:
        amends = CriteriaSet.objects.filter(pk=payload.amends).first()
        if amends is None:
            raise ValidationFailed(Problem(f"không có bộ tiêu chí mã số {payload.amends}", field="amends"))
    criteria_set = criteria_set_create(
        actor=request.user,
        cluster_year=cluster_year,
        criteria=_json_safe(payload.criteria),
        rules=_json_safe(payload.rules),
        declared_total=payload.total,
        amends=amends,
        reason=payload.reason,
    )
    return Status(201, _fresh_set(criteria_set))


@router.post(
    "/criteria-sets/{cs_id}/adopt",
    response={200: CriteriaSetOut, **WRITE_ERRORS},
    auth=django_auth,
    summary="Thông qua một dự thảo bộ tiêu chí",
)
def criteria_set_adopt_post(request: HttpRequest, cs_id: int, payload: AdoptIn) -> CriteriaSetOut:
    """Scores are then entered against this version; the adopted version it amends is locked."""
    criteria_set = _get_criteria_set_for_participant(request, cs_id)
    criteria_set_adopt(actor=request.user, criteria_set=criteria_set, adopted_on=payload.adopted_on)
    return _fresh_set(criteria_set)


@router.post(
    "/criteria-sets/{cs_id}/lock",
    response={200: CriteriaSetOut, **WRITE_ERRORS},
    auth=django_auth,
    summary="Khóa một bộ tiêu chí đã thông qua",
)
def criteria_set_lock_post(request: HttpRequest, cs_id: int) -> CriteriaSetOut:
    criteria_set = _get_criteria_set_for_participant(request, cs_id)
    criteria_set_lock(actor=request.user, criteria_set=criteria_set)
    return _fresh_set(criteria_set)


# ---- cross-scoring assignment -------------------------------------------------------------------------


@router.get(
    "/criteria-sets/{cs_id}/assignments",
    response={200: list[AssignmentOut], 404: MessageOut},
    summary="Phân công chấm chéo",
)
def assignment_list(request: HttpRequest, cs_id: int) -> list[AssignmentOut]:
    """The members, the head's staff and the board."""
    return _assignments(_get_criteria_set_for_participant(request, cs_id))


@router.put(
    "/criteria-sets/{cs_id}/assignments",
    response={200: list[AssignmentOut], **WRITE_ERRORS},
    auth=django_auth,
    summary="Đặt lại toàn bộ phân công chấm chéo",
)
def assignments_put(request: HttpRequest, cs_id: int, payload: AssignmentsIn) -> list[AssignmentOut]:
    """The head's staff or the board. Every member must be scored by someone; nobody scores itself; with
    `no_reciprocal`, no two units score each other; a pair that already has cross scores stays."""
    criteria_set = _get_criteria_set_for_participant(request, cs_id)
    ids = {i for pair in payload.pairs for i in (pair.scorer_id, pair.scored_id)}
    units = Unit.objects.in_bulk(ids)
    problems = [
        Problem(f"không có đơn vị mã số {unit_id}", row=row, field=field)
        for row, pair in enumerate(payload.pairs, start=1)
        for field, unit_id in (("scorer_id", pair.scorer_id), ("scored_id", pair.scored_id))
        if unit_id not in units
    ]
    if problems:
        raise ValidationFailed(problems)
    assignments_set(
        actor=request.user,
        criteria_set=criteria_set,
        pairs=[(units[p.scorer_id], units[p.scored_id]) for p in payload.pairs],
        no_reciprocal=payload.no_reciprocal,
    )
    return _assignments(criteria_set)


@router.post(
    "/criteria-sets/{cs_id}/assignments/propose",
    response={200: list[AssignmentOut], **WRITE_ERRORS},
    auth=django_auth,
    summary="Đề xuất và lưu một phân công chấm chéo cân đối",
)
def assignments_propose_post(
    request: HttpRequest, cs_id: int, payload: AssignmentsProposeIn
) -> list[AssignmentOut]:
    """Every member scored by `per_unit` others and scoring as many; the same `seed` gives the same matrix."""
    criteria_set = _get_criteria_set_for_participant(request, cs_id)
    assignments_propose(
        actor=request.user,
        criteria_set=criteria_set,
        per_unit=payload.per_unit,
        no_reciprocal=payload.no_reciprocal,
        seed=payload.seed,
    )
    return _assignments(criteria_set)


# ---- scores -------------------------------------------------------------------------------------------


def _visible_scores(viewer: Viewer, criteria_set: CriteriaSet) -> list[Score]:
    """The board and the head's staff see every score; a member's staff the scores given to or by their
    unit. Anyone else: 404."""
    cluster_year = criteria_set.cluster_year
    if not _takes_part(viewer, cluster_year):
        raise Http404
    scores = Score.objects.filter(criterion__criteria_set=criteria_set)
    if not viewer.manages(cluster_year.pk):
        scores = scores.filter(Q(unit_id=viewer.unit_id) | Q(scorer_unit_id=viewer.unit_id))
    return list(
        scores.select_related("criterion", "unit", "scorer_unit").order_by(
            "layer", "unit__name", "criterion__position", "scorer_unit__name", "pk"
        )
    )


@router.get(
    "/criteria-sets/{cs_id}/scores",
    response={200: list[ScoreOut], 404: MessageOut},
    summary="Điểm đã chấm (tự chấm, chấm chéo, thẩm định)",
)
def score_list(request: HttpRequest, cs_id: int) -> list[ScoreOut]:
    criteria_set = _get_criteria_set(cs_id)
    return [score_out(s) for s in _visible_scores(viewer_of(request), criteria_set)]


@router.put(
    "/criteria-sets/{cs_id}/scores",
    response={200: list[ScoreOut], **WRITE_ERRORS},
    auth=django_auth,
    summary="Nhập hoặc sửa điểm (cả danh sách hoặc không gì cả)",
)
def scores_put(request: HttpRequest, cs_id: int, payload: list[ScoreIn]) -> list[ScoreOut]:
    """Self scores: the unit's staff. Cross scores: the staff of an assigned scoring unit, never the unit
    itself. Appraisal: the head's staff or the board, never a unit's own staff (the head's own unit: the
    board, or the deputy's staff as the criteria set says), always with a reason. Each row carries the
    `version` it was read at (0 for a new score): a row over a newer version is refused, saying what changed
    meanwhile. All or nothing: every problem is reported, each with
    its row (1-based), and nothing is written; a row the viewer may not write makes the whole list 403."""
    criteria_set = _get_criteria_set_for_participant(request, cs_id)
    ids = {i for item in payload for i in (item.unit_id, item.scorer_unit_id) if i is not None}
    units = Unit.objects.in_bulk(ids)
    problems: list[Problem] = []
    saved: list[Score] = []
    seen: dict[tuple[int, str, str, int | None], int] = {}
    with transaction.atomic():
        for row, item in enumerate(payload, start=1):
            unit = units.get(item.unit_id)
            scorer = units.get(item.scorer_unit_id) if item.scorer_unit_id is not None else None
            missing = [
                Problem(f"không có đơn vị mã số {unit_id}", row=row, field=field)
                for field, unit_id in (("unit_id", item.unit_id), ("scorer_unit_id", item.scorer_unit_id))
                if unit_id is not None and unit_id not in units
            ]
            key = (item.unit_id, item.criterion, item.layer.value, item.scorer_unit_id)
            if key in seen:
                missing.append(Problem(f"trùng với dòng {seen[key]}", row=row, field="criterion"))
            seen.setdefault(key, row)
            if missing or unit is None:
                problems.extend(missing)
                continue
            try:
                saved.append(
                    score_set(
                        actor=request.user,
                        criteria_set=criteria_set,
                        unit=unit,
                        criterion_code=item.criterion,
                        layer=item.layer.value,
                        points=item.points,
                        scorer_unit=scorer,
                        explanation=item.explanation,
                        version=item.version,
                    )
                )
            except ValidationFailed as exc:
                problems.extend(replace(p, row=row) for p in exc.problems)
            except NotPermitted as exc:
                raise NotPermitted(f"Dòng {row}: {exc.message}") from exc
        if problems:
            raise ValidationFailed(problems)
    return [score_out(s) for s in saved]


@router.post(
    "/scores/{score_id}/confirm",
    response={200: ScoreOut, **WRITE_ERRORS},
    auth=django_auth,
    summary="Ban Thi đua – Khen thưởng xác nhận một điểm thẩm định",
)
def appraisal_confirm_post(request: HttpRequest, score_id: int, payload: AppraisalConfirmIn) -> ScoreOut:
    """The board confirms an appraisal that moves a total too far or changes who leads, at the version it
    looked at. Whoever takes no part in the cluster-year gets 404; the head's and members' staff 403."""
    score = get_object_or_404(
        Score.objects.select_related("criterion__criteria_set__cluster_year", "unit", "scorer_unit"),
        pk=score_id,
    )
    if not _takes_part(viewer_of(request), score.criterion.criteria_set.cluster_year):
        raise Http404
    confirmed = appraisal_confirm(actor=request.user, score=score, version=payload.version)
    return score_out(confirmed)


def pending_out(item: PendingAppraisal) -> PendingAppraisalOut:
    return PendingAppraisalOut(
        score_id=item.score_id,
        version=item.version,
        unit=item.unit,
        unit_name=item.unit_name,
        criterion=item.criterion,
        points_before=str(item.points_before),
        points_after=str(item.points_after),
        total_before=str(item.total_before),
        total_after=str(item.total_after),
        appraised_by=item.by,
        changes_leader=item.changes_leader,
        message=item.message,
    )


@router.post(
    "/criteria-sets/{cs_id}/discrepancies/{unit_id}/{criterion}",
    response={200: DiscrepancyAnswerOut, **WRITE_ERRORS},
    auth=django_auth,
    summary="Giải trình chênh lệch giữa điểm tự chấm và điểm cuối",
)
def discrepancy_answer_post(
    request: HttpRequest, cs_id: int, unit_id: int, criterion: str, payload: DiscrepancyAnswerIn
) -> DiscrepancyAnswerOut:
    """The scored unit's staff (or the board). A flag left unanswered blocks publication."""
    criteria_set = _get_criteria_set_for_participant(request, cs_id)
    member = (
        ClusterMember.objects.filter(cluster_year=criteria_set.cluster_year, unit_id=unit_id)
        .select_related("unit")
        .first()
    )
    if member is None:  # the path names no member of this cluster-year
        raise Http404
    row = discrepancy_answer(
        actor=request.user,
        criteria_set=criteria_set,
        unit=member.unit,
        criterion_code=criterion,
        answer=payload.answer,
    )
    return discrepancy_answer_out(row)


# ---- ranking and published runs -------------------------------------------------------------------


@router.get(
    "/cluster-years/{cy_id}/ranking",
    response={200: ScoringRunOut, 404: MessageOut},
    summary="Kết quả chấm điểm, xếp hạng đã công bố (lần mới nhất)",
)
def ranking(request: HttpRequest, cy_id: int) -> ScoringRunOut | Status[MessageOut]:
    cluster_year = get_cluster_year(cy_id)
    run = latest_run(cluster_year)
    if run is None:
        return Status(404, MessageOut(detail=NOT_PUBLISHED))
    run.criteria_set.cluster_year = cluster_year
    return scoring_run_out(run)


@router.get(
    "/cluster-years/{cy_id}/ranking/preview",
    response={200: RankingPreviewOut, 404: MessageOut, 422: ProblemsOut},
    summary="Xem trước bảng xếp hạng từ dữ liệu hiện có (chưa công bố)",
)
def ranking_preview(request: HttpRequest, cy_id: int) -> RankingPreviewOut | Status[MessageOut]:
    """The head's staff and the board only; the same JSON a publication would store now."""
    cluster_year = get_cluster_year(cy_id)
    if not viewer_of(request).manages(cluster_year.pk):
        raise Http404
    criteria_set = _current(cluster_year)
    if criteria_set is None:
        return Status(404, MessageOut(detail=NO_CRITERIA))
    try:
        result = scoring_preview(criteria_set)
    except ScoringInputError as exc:
        raise _refused(exc) from exc
    return RankingPreviewOut(
        criteria_set=criteria_set_summary_out(criteria_set),
        unanswered_discrepancies=[
            OpenDiscrepancyOut(unit=unit, criterion=code)
            for unit, code in unanswered_discrepancies(criteria_set, result)
        ],
        appraisals_to_confirm=[pending_out(p) for p in appraisals_to_confirm(criteria_set)],
        result=result,
    )


@router.post(
    "/cluster-years/{cy_id}/ranking/publish",
    response={201: ScoringRunOut, **WRITE_ERRORS},
    auth=django_auth,
    summary="Công bố kết quả chấm điểm, xếp hạng",
)
def ranking_publish(request: HttpRequest, cy_id: int, payload: PublishIn) -> Status[ScoringRunOut]:
    """The head's staff or the board, on the current criteria set. Refused while a discrepancy is
    unanswered; publishing again needs a reason. The run stores its inputs, their hash and the result."""
    cluster_year = _get_cluster_year_for_participant(request, cy_id)
    criteria_set = _current(cluster_year)
    if criteria_set is None:
        raise ValidationFailed(Problem(NO_CRITERIA.lower(), field="criteria_set"))
    run = scoring_publish(actor=request.user, criteria_set=criteria_set, reason=payload.reason)
    run.criteria_set = criteria_set
    return Status(201, scoring_run_out(run))


def _get_run(run_id: int) -> ScoringRun:
    """Published runs are public."""
    return get_object_or_404(
        ScoringRun.objects.select_related("criteria_set__cluster_year__cluster"), pk=run_id
    )


@router.get(
    "/scoring-runs/{run_id}",
    response={200: ScoringRunOut, 404: MessageOut},
    summary="Một lần công bố kết quả chấm điểm",
)
def scoring_run_detail(request: HttpRequest, run_id: int) -> ScoringRunOut:
    return scoring_run_out(_get_run(run_id))


@router.get(
    "/scoring-runs/{run_id}/verify",
    response={200: VerificationOut, 404: MessageOut, 422: ProblemsOut},
    summary="Kiểm tra lại một lần công bố: tính lại từ dữ liệu đã lưu và so sánh",
)
def scoring_run_verify(request: HttpRequest, run_id: int) -> VerificationOut:
    run = _get_run(run_id)
    try:
        verdict = scoring_verify(run)
    except ScoringInputError as exc:
        raise _refused(exc) from exc
    return VerificationOut(
        run_id=run.pk,
        ok=verdict.ok,
        reasons=list(verdict.reasons),
        inputs_hash=run.inputs_hash,
        recomputed_hash=verdict.recomputed_hash,
    )
