"""Scoring and ranking pages: the ranking (published, and a live preview for managers), publication, one
published run and its verification, the criteria set and its versions, score entry, and the cross-scoring
assignment.

Who sees what:
- published runs (the ranking page's published part, a run's page, its verification) are public;
- the live preview and the publish form are for those who manage the cluster-year (the board and the
  head's staff). A member's staff do not see the whole preview: it shows every unit's unpublished scores
  and the cross scores given by each peer before the cluster has checked them. They see their own unit's
  provisional points and discrepancy flags on the score page instead;
- the criteria pages (`criteria.py`), score entry and assignment pages are for the staff of members and for managers: the public
  is sent to the login page, everyone else gets 404 (never a 403 that confirms the page exists).

Every write goes through `tdkt.scoring.services`; a refused input (ValidationFailed) re-renders the page
with its Vietnamese messages next to the fields; a refused action (NotPermitted) is a 403 page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tdkt.clusters.models import ClusterMember, ClusterRole, ClusterRoleKind, ClusterYear
from tdkt.clusters.scopes import Viewer, viewer_for
from tdkt.core.errors import NotPermitted, ValidationFailed
from tdkt.org.models import Unit
from tdkt.scoring.engine import ScoringInputError
from tdkt.scoring.jsonio import HEAD_APPRAISERS, read_number
from tdkt.scoring.models import CriteriaSet, Layer, Score, ScoringRun, SetStatus
from tdkt.scoring.selectors import (
    appraisals_to_confirm,
    criteria_tree,
    current_criteria_set,
    published_runs,
    scoring_preview,
)
from tdkt.scoring.services import (
    Verification,
    appraisal_confirm,
    assignments_propose,
    assignments_set,
    discrepancy_answer,
    score_set,
    scoring_publish,
    scoring_verify,
    unanswered_discrepancies,
)
from tdkt.web.scoring import queries as q
from tdkt.web.scoring.forms import AnswersForm, ProposeForm, ScoreBlockForm

REFUSED = 400  # a re-rendered page whose input a service or a form refused
PREVIEW, PUBLISHED = "xem-truoc", "cong-bo"  # the ranking page's two views (?ban=…)


def _forbidden(request: HttpRequest, exc: NotPermitted) -> HttpResponse:
    context = {"message": exc.message, "back_url": request.path}
    return render(request, "web/scoring/forbidden.html", context, status=403)


def _cluster_year(cy_id: int) -> ClusterYear:
    cluster_year = ClusterYear.objects.select_related("cluster").filter(pk=cy_id).first()
    if cluster_year is None:
        raise Http404("Không tìm thấy cụm thi đua của năm này.")
    return cluster_year


def _get_cluster_year_for_user(request: HttpRequest, cy_id: int) -> tuple[ClusterYear, Viewer]:
    """Every cluster-year's published ranking is public; what else is shown depends on the viewer."""
    return _cluster_year(cy_id), viewer_for(request.user)


def _get_cluster_year_for_worker(request: HttpRequest, cy_id: int) -> tuple[ClusterYear, Viewer]:
    """The board, the head's staff and the members' staff of that cluster-year; 404 for anyone else."""
    viewer = viewer_for(request.user)
    cluster_year = _cluster_year(cy_id)
    is_member = (
        viewer.unit_id is not None
        and ClusterMember.objects.filter(cluster_year=cluster_year, unit_id=viewer.unit_id).exists()
    )
    if not (viewer.manages(cluster_year.pk) or is_member):
        raise Http404("Không tìm thấy cụm thi đua.")
    return cluster_year, viewer


def _get_run_for_user(request: HttpRequest, run_id: int) -> ScoringRun:
    """Published runs are public records. 404 if unknown."""
    run = (
        ScoringRun.objects.select_related(
            "criteria_set__cluster_year__cluster", "criteria_set", "published_by", "supersedes"
        )
        .filter(pk=run_id)
        .first()
    )
    if run is None:
        raise Http404("Không tìm thấy kết quả chấm điểm.")
    return run


def _not_manager() -> NotPermitted:
    return NotPermitted("Chỉ Trưởng cụm hoặc Ban Thi đua – Khen thưởng mới được làm việc này.")


def _own_member_unit(cluster_year: ClusterYear, viewer: Viewer) -> Unit | None:
    if viewer.unit_id is None:
        return None
    member = (
        ClusterMember.objects.select_related("unit")
        .filter(cluster_year=cluster_year, unit_id=viewer.unit_id)
        .first()
    )
    return member.unit if member is not None else None


def _preview(criteria_set: CriteriaSet) -> tuple[dict[str, Any] | None, list[str]]:
    """The live preview, or the problems that keep the stored data from being scored."""
    try:
        return scoring_preview(criteria_set), []
    except ScoringInputError as exc:
        return None, exc.problems


# --- the ranking -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Blocker:
    unit: str
    code: str
    name: str


def _blockers(criteria_set: CriteriaSet, preview: dict[str, Any]) -> list[Blocker]:
    names = {row["id"]: row["name"] for row in preview["ranking"]}
    criteria = {
        c["code"]: c["name"] for c in (preview["ranking"][0]["criteria"] if preview["ranking"] else [])
    }
    return [
        Blocker(names.get(unit, unit), code, criteria.get(code, ""))
        for unit, code in unanswered_discrepancies(criteria_set, preview)
    ]


def _render_ranking(
    request: HttpRequest,
    cluster_year: ClusterYear,
    viewer: Viewer,
    *,
    mode: str | None = None,
    publish_errors: list[str] | None = None,
    reason: str = "",
    status: int = 200,
) -> HttpResponse:
    runs = list(published_runs(cluster_year).select_related("published_by"))
    latest = runs[0] if runs else None
    may_preview = viewer.manages(cluster_year.pk)
    criteria_set = current_criteria_set(cluster_year) if may_preview else None
    if mode is None:
        mode = request.GET.get("ban", "")
    if criteria_set is None:
        mode = PUBLISHED
    elif mode not in (PREVIEW, PUBLISHED):
        mode = PREVIEW
    context: dict[str, Any] = {
        "cy": cluster_year,
        "viewer": viewer,
        "runs": runs,
        "latest": latest,
        "mode": mode,
        "may_preview": criteria_set is not None,
        "is_worker": may_preview or _own_member_unit(cluster_year, viewer) is not None,
        "criteria_set": criteria_set,
        "publish_errors": publish_errors or [],
        "reason": reason,
    }
    if mode == PREVIEW and criteria_set is not None:
        preview, problems = _preview(criteria_set)
        context["preview_problems"] = problems
        if preview is not None:
            context["result"] = q.present_result(
                preview, criteria_tree(criteria_set), indicators=q.indicator_names(cluster_year)
            )
            context["blockers"] = _blockers(criteria_set, preview)
            context["pending"] = appraisals_to_confirm(criteria_set)
            context["confirm_above"] = read_number(criteria_set.rules.get("appraisal_confirm_above", "1"))
            context["preview_hash"] = preview["inputs_hash"]
            context["republish"] = criteria_set.runs.exists()
            context["is_draft"] = criteria_set.status == SetStatus.DRAFT
    elif latest is not None:
        context["result"] = q.present_result(
            latest.result, q.run_tree(latest.inputs), indicators=q.run_indicators(latest.inputs)
        )
    return render(request, "web/scoring/ranking.html", context, status=status)


@require_GET
def ranking(request: HttpRequest, cy_id: int) -> HttpResponse:
    """The latest published ranking, explained; for managers also the live preview and the publish form."""
    cluster_year, viewer = _get_cluster_year_for_user(request, cy_id)
    return _render_ranking(request, cluster_year, viewer)


@login_required
@require_POST
def ranking_publish(request: HttpRequest, cy_id: int) -> HttpResponse:
    """Publish the current criteria set's ranking exactly as previewed: refused when the data changed since
    the preview was opened, while a discrepancy flag is unanswered, or without a reason when republishing."""
    cluster_year, viewer = _get_cluster_year_for_worker(request, cy_id)
    if not viewer.manages(cluster_year.pk):
        return _forbidden(request, _not_manager())
    reason = request.POST.get("reason", "").strip()
    criteria_set = current_criteria_set(cluster_year)

    def refused(problems: list[str]) -> HttpResponse:
        return _render_ranking(
            request,
            cluster_year,
            viewer,
            mode=PREVIEW,
            publish_errors=problems,
            reason=reason,
            status=REFUSED,
        )

    if criteria_set is None:
        return refused(["Cụm – năm này chưa có bộ tiêu chí: chưa có gì để công bố."])
    if request.POST.get("criteria_set") != str(criteria_set.pk):
        return refused(["Bộ tiêu chí đã thay đổi kể từ khi bạn mở bản xem trước: hãy xem lại rồi công bố."])
    try:
        run = scoring_publish(
            actor=request.user,
            criteria_set=criteria_set,
            reason=reason,
            expected_inputs_hash=request.POST.get("inputs_hash", ""),
        )
    except NotPermitted as exc:
        return _forbidden(request, exc)
    except ValidationFailed as exc:
        return refused([_sentence(p.message) for p in exc.problems])
    leaders = ", ".join(x["name"] for x in run.summary.get("leaders", [])) or "chưa xác định"
    messages.success(request, f"Đã công bố kết quả xếp hạng lần {run.number}. Đơn vị dẫn đầu: {leaders}.")
    return redirect("web:run", run_id=run.pk)


def _sentence(message: str) -> str:
    return message[:1].upper() + message[1:]


# --- one published run ----------------------------------------------------------------------------------


def _render_run(
    request: HttpRequest, run: ScoringRun, *, verdict: Verification | None = None, status: int = 200
) -> HttpResponse:
    viewer = viewer_for(request.user)
    cluster_year = run.criteria_set.cluster_year
    context = {
        "run": run,
        "cy": cluster_year,
        "viewer": viewer,
        "result": q.present_result(
            run.result, q.run_tree(run.inputs), indicators=q.run_indicators(run.inputs)
        ),
        "superseded_by": ScoringRun.objects.filter(supersedes=run).order_by("number").first(),
        "verdict": verdict,
        "show_publisher": not viewer.is_public,
    }
    return render(request, "web/scoring/run.html", context, status=status)


@require_GET
def run_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    """One published run, explained, with what makes it reproducible (inputs hash, engine version)."""
    return _render_run(request, _get_run_for_user(request, run_id))


@require_POST
def run_verify(request: HttpRequest, run_id: int) -> HttpResponse:
    """Anyone may recompute a published run from its stored inputs and compare (ĐÚNG / SAI, with reasons)."""
    run = _get_run_for_user(request, run_id)
    try:
        verdict = scoring_verify(run)
    except ScoringInputError as exc:
        verdict = Verification(False, ("dữ liệu vào đã lưu không tính lại được", *exc.problems), "")
    return _render_run(request, run, verdict=verdict)


# --- criteria: tdkt/web/scoring/criteria.py -------------------------------------------------------------------


# --- score entry ----------------------------------------------------------------------------------------------


class _Refused(Exception):
    """Raised inside the transaction to undo every write of a form that had a refused value."""


@dataclass
class ScoreBlock:
    """One form of the score page: who is scored, in which layer, and the form itself."""

    action: str
    unit: Unit
    title: str
    form: ScoreBlockForm | AnswersForm
    anchor: str
    note: str = ""
    errors: list[str] = field(default_factory=list)


@dataclass
class ScoresPage:
    cluster_year: ClusterYear
    criteria_set: CriteriaSet | None
    own_unit: Unit | None
    manages: bool
    members: list[Unit]
    blocks: list[ScoreBlock] = field(default_factory=list)
    appraised: Unit | None = None
    preview_problems: list[str] = field(default_factory=list)
    published: ScoringRun | None = None  # the latest published run of this criteria set

    @property
    def is_open(self) -> bool:
        return self.criteria_set is not None and self.criteria_set.status == SetStatus.ADOPTED


def _scores_page(
    request: HttpRequest, cluster_year: ClusterYear, viewer: Viewer, data: Any, action: str
) -> ScoresPage:
    """Every form the viewer may use, with the posted one (`action`) bound to `data`."""
    criteria_set = current_criteria_set(cluster_year)
    members = q.member_units(cluster_year)
    page = ScoresPage(
        cluster_year,
        criteria_set,
        _own_member_unit(cluster_year, viewer),
        viewer.manages(cluster_year.pk),
        members,
    )
    if criteria_set is None or not page.is_open:
        return page
    page.published = published_runs(cluster_year).filter(criteria_set=criteria_set).first()
    leaves = q.leaf_criteria(criteria_set)
    indicators = q.indicator_names(cluster_year)
    methods = {c.code: q.describe_method(c.method, c.max_points, indicators) for c in leaves}
    judged = [c for c in leaves if q.is_judged(c.method)]
    preview_rows: dict[str, q.UnitView] = {}
    if page.own_unit is not None or page.manages:
        preview, page.preview_problems = _preview(criteria_set)
        if preview is not None:
            view = q.present_result(preview, criteria_tree(criteria_set), charts=False, indicators=indicators)
            preview_rows = {row.id: row for row in view.rows}

    def bound(name: str) -> Any:
        return data if action == name else None

    own = page.own_unit
    if own is not None:
        page.blocks.append(
            ScoreBlock(
                "self",
                own,
                f"Tự chấm: {own.name}",
                ScoreBlockForm(
                    bound(f"self-{own.pk}"),
                    block="tc",
                    criteria=leaves,
                    current=q.scores_of(criteria_set, unit=own, layer=Layer.SELF),
                    methods=methods,
                ),
                anchor="tu-cham",
                note="Tự chấm mọi tiêu chí. Với tiêu chí tính từ số liệu, điểm cuối do hệ thống tính; "
                "điểm tự chấm dùng để đối chiếu.",
            )
        )
        wanted = _action_unit(action, "cross", members)
        assigned = q.assigned_units(criteria_set, own)
        extra = [wanted] if wanted is not None and wanted not in assigned else []
        for scored in assigned + extra:
            page.blocks.append(
                ScoreBlock(
                    "cross",
                    scored,
                    f"Chấm chéo: {scored.name}",
                    ScoreBlockForm(
                        bound(f"cross-{scored.pk}"),
                        block=f"cc{scored.pk}",
                        criteria=judged,
                        current=q.scores_of(criteria_set, unit=scored, layer=Layer.CROSS, scorer_unit=own),
                        methods=methods,
                        with_explanation=False,
                    ),
                    anchor=f"cham-cheo-{scored.pk}",
                    note="Chỉ chấm chéo các tiêu chí chấm điểm; tiêu chí tính từ số liệu do hệ thống tính.",
                )
            )
        row = preview_rows.get(own.code)
        by_code = {c.code: c for c in leaves}
        flagged = [
            (by_code[c.code], c) for c in (row.criteria if row else []) if c.discrepancy and c.code in by_code
        ]
        if flagged:
            page.blocks.append(
                ScoreBlock(
                    "answers",
                    own,
                    "Giải trình chênh lệch điểm",
                    AnswersForm(
                        bound(f"answers-{own.pk}"), flags=flagged, current=q.answers_of(criteria_set, own)
                    ),
                    anchor="giai-trinh",
                    note="Điểm tự chấm của đơn vị lệch điểm cuối quá mức cho phép: giải trình từng tiêu chí; "
                    "kết quả chỉ được công bố khi mọi chênh lệch đã được giải trình.",
                )
            )
    deputy_for = _head_for_deputy(cluster_year, criteria_set, viewer)
    if deputy_for is not None and not page.manages:
        # the deputy's staff appraise the head's own unit, and only it, when the criteria set says so
        page.appraised = deputy_for
        page.blocks.append(
            ScoreBlock(
                "appraisal",
                deputy_for,
                f"Thẩm định: {deputy_for.name} (đơn vị Trưởng cụm)",
                ScoreBlockForm(
                    bound(f"appraisal-{deputy_for.pk}"),
                    block=f"td{deputy_for.pk}",
                    criteria=leaves,
                    current=q.scores_of(criteria_set, unit=deputy_for, layer=Layer.APPRAISAL),
                    methods=methods,
                    context={},
                    reason_required=True,
                ),
                anchor="tham-dinh",
                note="Theo bộ tiêu chí, điểm của đơn vị Trưởng cụm do đơn vị Phó Trưởng cụm thẩm định; mỗi điểm "
                "phải ghi lý do. Để trống tiêu chí không thẩm định.",
            )
        )
    if page.manages:
        appraised = _action_unit(action, "appraisal", members)
        if appraised is None:
            appraised = _unit_from(request.GET.get("don-vi", ""), members) or (
                members[0] if members else None
            )
        page.appraised = appraised
        if appraised is not None:
            row = preview_rows.get(appraised.code)
            page.blocks.append(
                ScoreBlock(
                    "appraisal",
                    appraised,
                    f"Thẩm định: {appraised.name}",
                    ScoreBlockForm(
                        bound(f"appraisal-{appraised.pk}"),
                        block=f"td{appraised.pk}",
                        criteria=leaves,
                        current=q.scores_of(criteria_set, unit=appraised, layer=Layer.APPRAISAL),
                        methods=methods,
                        context={c.code: c for c in row.criteria} if row else {},
                        reason_required=True,
                    ),
                    anchor="tham-dinh",
                    note="Điểm thẩm định thay cho điểm hệ thống tính và điểm chấm chéo; mỗi điểm phải ghi lý do. "
                    "Để trống tiêu chí không thẩm định. Không đơn vị nào tự thẩm định điểm của mình: điểm của "
                    f"đơn vị Trưởng cụm do {head_appraiser_label(criteria_set)} thẩm định.",
                )
            )
    return page


def _unit_from(raw: str, members: list[Unit]) -> Unit | None:
    return next((u for u in members if str(u.pk) == raw), None)


def _action_unit(action: str, kind: str, members: list[Unit]) -> Unit | None:
    """The unit a posted form is about: its action is `<kind>-<unit id>`; 404 for a unit not in the cluster."""
    if not action.startswith(f"{kind}-"):
        return None
    unit = _unit_from(action.removeprefix(f"{kind}-"), members)
    if unit is None:
        raise Http404("Không tìm thấy đơn vị trong cụm.")
    return unit


def _write_block(request: HttpRequest, page: ScoresPage, block: ScoreBlock) -> int | None:
    """Write every change of one form, all or nothing: the number written, or None with every refused
    value placed next to its field."""
    criteria_set = page.criteria_set
    assert criteria_set is not None
    form = block.form
    if not form.is_valid():
        return None
    calls: list[tuple[str, Callable[[], object]]] = []
    if isinstance(form, AnswersForm):
        for crit, text in form.changes():
            answer: Callable[[], object] = partial(
                discrepancy_answer,
                actor=request.user,
                criteria_set=criteria_set,
                unit=block.unit,
                criterion_code=crit.code,
                answer=text,
            )
            calls.append((crit.code, answer))
    else:
        layer = {"self": Layer.SELF, "cross": Layer.CROSS, "appraisal": Layer.APPRAISAL}[block.action]
        scorer = page.own_unit if layer == Layer.CROSS else None
        for crit, points, explanation, version in form.changes():
            write: Callable[[], object] = partial(
                score_set,
                actor=request.user,
                criteria_set=criteria_set,
                unit=block.unit,
                criterion_code=crit.code,
                layer=layer,
                points=points,
                scorer_unit=scorer,
                explanation=explanation,
                version=version,
            )
            calls.append((crit.code, write))
    try:
        with transaction.atomic():  # several service calls, one decision
            refused = False
            for code, call in calls:
                try:
                    call()
                except ValidationFailed as exc:  # the service's savepoint is undone; keep checking the rest
                    refused = True
                    for problem in exc.problems:
                        form.add_problem(code, f"Tiêu chí {code}: {problem.message}")
            if refused:
                raise _Refused
    except _Refused:
        return None
    return len(calls)


SAVED = {
    "self": "điểm tự chấm",
    "cross": "điểm chấm chéo",
    "appraisal": "điểm thẩm định",
    "answers": "nội dung giải trình",
}


@login_required
@require_http_methods(["GET", "POST"])
def scores(request: HttpRequest, cy_id: int) -> HttpResponse:
    """What the viewer may score for the current adopted criteria set: their unit's self scores, the cross
    scores they are assigned to give, answers to discrepancy flags on their unit; for managers, appraisal
    scores of any member. Each form is saved whole or not at all."""
    cluster_year, viewer = _get_cluster_year_for_worker(request, cy_id)
    posted = request.method == "POST"
    action = request.POST.get("action", "") if posted else ""
    if posted and action.startswith("confirm-"):
        return _confirm(request, cluster_year, viewer, action.removeprefix("confirm-"))
    deputy_for = _head_for_deputy(cluster_year, current_criteria_set(cluster_year), viewer)
    if (
        posted
        and action.startswith("appraisal-")
        and not viewer.manages(cluster_year.pk)
        and not (deputy_for is not None and action == f"appraisal-{deputy_for.pk}")
    ):
        return _forbidden(
            request, NotPermitted("Chỉ Trưởng cụm hoặc Ban Thi đua – Khen thưởng mới được thẩm định điểm.")
        )
    page = _scores_page(request, cluster_year, viewer, request.POST if posted else None, action)
    status = 200
    errors: list[str] = []
    if posted:
        status = REFUSED
        block = next((b for b in page.blocks if f"{b.action}-{b.unit.pk}" == action), None)
        if not page.is_open:
            errors = ["Chưa có bộ tiêu chí đã thông qua: chưa nhập điểm được."]
        elif block is None:
            own = page.own_unit
            if (
                own is not None and action == f"answers-{own.pk}"
            ):  # the flags were answered or cleared meanwhile
                errors = ["Đơn vị không còn chênh lệch điểm nào cần giải trình."]
            elif action.startswith(("self-", "answers-", "cross-")):
                return _forbidden(request, NotPermitted("Bạn không được nhập điểm này."))
            else:
                return HttpResponseBadRequest("Thao tác không hợp lệ")
        else:
            try:
                written = _write_block(request, page, block)
            except NotPermitted as exc:
                return _forbidden(request, exc)
            if written is not None:
                if written:
                    messages.success(request, f"Đã lưu {written} {SAVED[block.action]} ({block.unit.name}).")
                else:
                    messages.info(request, "Không có gì thay đổi.")
                url = reverse("web:scores", args=[cy_id])
                query = f"?don-vi={block.unit.pk}" if block.action == "appraisal" else ""
                return redirect(f"{url}{query}#{block.anchor}")
    context = {"cy": cluster_year, "viewer": viewer, "page": page, "errors": errors}
    return render(request, "web/scoring/scores.html", context, status=status)


def _head_for_deputy(
    cluster_year: ClusterYear, criteria_set: CriteriaSet | None, viewer: Viewer
) -> Unit | None:
    """The head's unit, when this viewer is the deputy's staff and the criteria set has the deputy
    appraise it (`rules.head_appraiser`); else None."""
    if criteria_set is None or criteria_set.rules.get("head_appraiser") != "deputy" or viewer.unit_id is None:
        return None
    roles = {
        r.role: r.unit for r in ClusterRole.objects.filter(cluster_year=cluster_year).select_related("unit")
    }
    deputy, head = roles.get(ClusterRoleKind.DEPUTY), roles.get(ClusterRoleKind.HEAD)
    if deputy is None or head is None or not viewer.is_staff_of(deputy.pk):
        return None
    return head


def head_appraiser_label(criteria_set: CriteriaSet) -> str:
    """Who appraises the head's own unit under this criteria set, in words."""
    return HEAD_APPRAISERS.get(
        str(criteria_set.rules.get("head_appraiser", "board")), HEAD_APPRAISERS["board"]
    )


def _confirm(request: HttpRequest, cluster_year: ClusterYear, viewer: Viewer, raw_id: str) -> HttpResponse:
    """The board confirms an appraisal listed on the ranking preview, at the version it was shown."""
    score = (
        Score.objects.select_related("criterion__criteria_set", "unit")
        .filter(pk=raw_id if raw_id.isdigit() else 0, criterion__criteria_set__cluster_year=cluster_year)
        .first()
    )
    if score is None:
        raise Http404("Không tìm thấy điểm thẩm định.")
    raw_version = request.POST.get("version", "")
    try:
        appraisal_confirm(
            actor=request.user, score=score, version=int(raw_version) if raw_version.isdigit() else None
        )
    except NotPermitted as exc:
        return _forbidden(request, exc)
    except ValidationFailed as exc:
        return _render_ranking(
            request,
            cluster_year,
            viewer,
            mode=PREVIEW,
            publish_errors=[_sentence(p.message) for p in exc.problems],
            status=REFUSED,
        )
    messages.success(
        request, f"Đã xác nhận điểm thẩm định {score.unit.name} – tiêu chí {score.criterion.code}."
    )
    return redirect(f"{reverse('web:ranking', args=[cluster_year.pk])}?ban={PREVIEW}")


# --- cross-scoring assignment ------------------------------------------------------------------------------


def _posted_pairs(data: Any, members: list[Unit]) -> tuple[list[tuple[Unit, Unit]], set[tuple[int, int]]]:
    by_pk = {u.pk: u for u in members}
    pairs: list[tuple[Unit, Unit]] = []
    for key in data:
        parts = key.split("-")
        if len(parts) != 3 or parts[0] != "cap" or not parts[1].isdigit() or not parts[2].isdigit():
            continue
        scorer, scored = by_pk.get(int(parts[1])), by_pk.get(int(parts[2]))
        if scorer is None or scored is None:
            raise Http404("Không tìm thấy đơn vị trong cụm.")
        pairs.append((scorer, scored))
    pairs.sort(key=lambda p: (p[0].code, p[1].code))
    return pairs, {(a.pk, b.pk) for a, b in pairs}


@login_required
@require_http_methods(["GET", "POST"])
def assignments(request: HttpRequest, cy_id: int) -> HttpResponse:
    """The cross-scoring matrix (rows: scorer, columns: scored) and each unit's load; managers propose a
    balanced matrix or edit it cell by cell."""
    cluster_year, viewer = _get_cluster_year_for_worker(request, cy_id)
    manages = viewer.manages(cluster_year.pk)
    criteria_set = current_criteria_set(cluster_year)
    posted = request.method == "POST"
    action = request.POST.get("action", "") if posted else ""
    propose_form = ProposeForm(request.POST if action == "propose" else None)
    errors: list[str] = []
    checked: set[tuple[int, int]] | None = None
    no_reciprocal = True
    status = 200
    if posted:
        if not manages:
            return _forbidden(request, _not_manager())
        status = REFUSED
        try:
            if criteria_set is None:
                errors = ["Cụm – năm này chưa có bộ tiêu chí: chưa phân công chấm chéo được."]
            elif action == "propose":
                if propose_form.is_valid():
                    data = propose_form.cleaned_data
                    try:
                        rows = assignments_propose(
                            actor=request.user,
                            criteria_set=criteria_set,
                            per_unit=data["per_unit"],
                            no_reciprocal=data["no_reciprocal"],
                            seed=data.get("seed") or 0,
                        )
                    except ValidationFailed as exc:
                        errors = [_sentence(p.message) for p in exc.problems]
                    else:
                        messages.success(request, f"Đã lập phương án phân công chấm chéo: {len(rows)} cặp.")
                        return redirect("web:assignments", cy_id=cy_id)
            elif action == "matrix":
                pairs, checked = _posted_pairs(request.POST, q.member_units(cluster_year))
                no_reciprocal = request.POST.get("no_reciprocal") == "1"
                try:
                    rows = assignments_set(
                        actor=request.user,
                        criteria_set=criteria_set,
                        pairs=pairs,
                        no_reciprocal=no_reciprocal,
                    )
                except ValidationFailed as exc:
                    errors = [_sentence(p.message) for p in exc.problems]
                else:
                    messages.success(request, f"Đã lưu bảng phân công chấm chéo: {len(rows)} cặp.")
                    return redirect("web:assignments", cy_id=cy_id)
            else:
                return HttpResponseBadRequest("Thao tác không hợp lệ")
        except NotPermitted as exc:
            return _forbidden(request, exc)
    context = {
        "cy": cluster_year,
        "viewer": viewer,
        "manages": manages,
        "criteria_set": criteria_set,
        "is_open": criteria_set is not None and criteria_set.status == SetStatus.ADOPTED,
        "matrix": q.assignment_matrix(criteria_set, checked=checked) if criteria_set is not None else None,
        "propose_form": propose_form,
        "no_reciprocal": no_reciprocal,
        "errors": errors,
        "own_unit_id": viewer.unit_id,
    }
    return render(request, "web/scoring/assignments.html", context, status=status)
