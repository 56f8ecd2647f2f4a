"""Pages where a unit's staff and the cluster head's staff work: a report, targets, Excel import, evidence.

Every page finds its object through a `_get_<thing>_for_user()` helper that raises Http404 when the
viewer may not see it (a unit's draft is private: another unit gets 404, never a 403 that confirms it
exists). Writes go through `tdkt.movements.services`; a refused input (ValidationFailed) re-renders the
form with each message next to its row and field; a refused action (NotPermitted) is a 403 page.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tdkt.clusters.models import ClusterMember, ClusterYear
from tdkt.clusters.scopes import Viewer, viewer_for
from tdkt.core.errors import NotPermitted, ValidationFailed
from tdkt.core.models import AuditEvent
from tdkt.movements import xlsx_import, xlsx_template
from tdkt.movements.models import (
    ClusterIndicator,
    Covenant,
    Evidence,
    Indicator,
    Period,
    Report,
    Target,
    TargetBasis,
)
from tdkt.movements.selectors import (
    BASIS_ORDER,
    Cell,
    cluster_year_dashboard,
    evidence_of,
    report_detail,
    report_visible,
    targets_visible,
)
from tdkt.movements.services import (
    EVIDENCE_TYPES,
    evidence_attach,
    report_get_or_create,
    report_missing_indicators,
    report_transition,
    report_values_set,
    target_set,
)
from tdkt.org.models import Unit
from tdkt.web.movements.forms import (
    EvidenceForm,
    ReportValuesForm,
    ResultsImportForm,
    ReturnForm,
    TargetsForm,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
REFUSED = 400  # a re-rendered form whose input a service or the form refused

TRANSITIONS = {
    # action: (button label, success message)
    "submit": ("Gửi báo cáo", "Đã gửi báo cáo cho Trưởng cụm."),
    "return": ("Trả lại", "Đã trả lại báo cáo cho đơn vị."),
    "accept": ("Tiếp nhận", "Đã tiếp nhận báo cáo."),
    "lock": ("Khóa", "Đã khóa báo cáo: số liệu được công bố và không sửa được nữa."),
}
HISTORY_LABELS = {
    "report.create": "Tạo báo cáo",
    "report.submit": "Gửi báo cáo",
    "report.return": "Trả lại",
    "report.accept": "Tiếp nhận",
    "report.lock": "Khóa",
}


def _forbidden(request: HttpRequest, exc: NotPermitted) -> HttpResponse:
    context = {"message": exc.message, "back_url": request.path}
    return render(request, "web/movements/forbidden.html", context, status=403)


def _followed_indicators(cluster_year_id: int) -> list[Indicator]:
    return [
        ci.indicator
        for ci in ClusterIndicator.objects.filter(cluster_year_id=cluster_year_id).select_related("indicator")
    ]


def _is_member(cluster_year_id: int, unit_id: int | None) -> bool:
    return (
        unit_id is not None
        and ClusterMember.objects.filter(cluster_year_id=cluster_year_id, unit_id=unit_id).exists()
    )


# --- one report ----------------------------------------------------------------------------------------


def _get_report_for_user(request: HttpRequest, report_id: int) -> tuple[Report, Viewer]:
    viewer = viewer_for(request.user)
    report = report_detail(report_id)
    if report is None or not report_visible(viewer, report):
        raise Http404("Không tìm thấy báo cáo")
    return report, viewer


def _may_edit(viewer: Viewer, report: Report) -> bool:
    return (viewer.is_board or viewer.is_staff_of(report.unit_id)) and report.is_editable


@dataclass(frozen=True)
class HistoryEntry:
    event: AuditEvent
    label: str
    actor: AbstractBaseUser | None  # None for the system, and always for the public


def _report_history(report: Report, viewer: Viewer) -> list[HistoryEntry]:
    """The report's life from the audit trail, oldest first. Officials' names are not shown to the public."""
    events = AuditEvent.objects.filter(
        object_type=Report._meta.label_lower, object_id=str(report.pk), action__in=list(HISTORY_LABELS)
    ).select_related("actor")
    return [
        HistoryEntry(event, HISTORY_LABELS[event.action], None if viewer.is_public else event.actor)
        for event in events.order_by("at", "id")
    ]


def _report_cells(report: Report, viewer: Viewer) -> list[Cell]:
    """The report's row of the cluster-year table: values, priors and % of each target, as the dashboard
    computes them, so both pages show the same figures."""
    dashboard = cluster_year_dashboard(cluster_year=report.cluster_year, period=report.period, viewer=viewer)
    for row in dashboard.rows:
        if row.unit.pk == report.unit_id:
            return row.cells
    return [Cell(indicator=rv.indicator, value=rv) for rv in report.values.all()]


def _report_title(report: Report) -> str:
    """`Báo cáo tổng kết năm 2024`, `Báo cáo sơ kết 6 tháng năm 2024`."""
    label = report.get_period_display().lower()
    year = report.cluster_year.year
    return f"Báo cáo {label} {year}" if label.endswith("năm") else f"Báo cáo {label} năm {year}"


def _render_report(
    request: HttpRequest,
    report: Report,
    viewer: Viewer,
    *,
    values_form: ReportValuesForm | None = None,
    return_form: ReturnForm | None = None,
    evidence_form: EvidenceForm | None = None,
    errors: list[str] | None = None,
    missing: list[Indicator] | None = None,
    status: int = 200,
) -> HttpResponse:
    cells = _report_cells(report, viewer)
    indicators = [cell.indicator for cell in cells]
    can_edit = _may_edit(viewer, report)
    manages = viewer.manages(report.cluster_year_id)
    if can_edit and values_form is None:
        values_form = ReportValuesForm(
            None, indicators=indicators, current={rv.indicator_id: rv for rv in report.values.all()}
        )
    if can_edit and evidence_form is None:
        evidence_form = EvidenceForm(indicators=indicators)
    if manages and report.status == "submitted" and return_form is None:
        return_form = ReturnForm()
    actions = []
    if can_edit:
        actions.append("submit")
    if manages and report.status == "submitted":
        actions += ["accept", "return"]
    if manages and report.status == "accepted":
        actions.append("lock")
    context: dict[str, Any] = {
        "report": report,
        "title": _report_title(report),
        "viewer": viewer,
        "cells": cells,
        "history": _report_history(report, viewer),
        "evidence": evidence_of(report).select_related("indicator"),
        "can_edit": can_edit,
        "values_form": values_form if can_edit else None,
        "evidence_form": evidence_form if can_edit else None,
        "evidence_types": ", ".join(sorted(EVIDENCE_TYPES)),
        "return_form": return_form if "return" in actions else None,
        "actions": [(a, TRANSITIONS[a][0]) for a in actions if a != "return"],
        "errors": errors or [],
        "missing": missing or [],
    }
    return render(request, "web/movements/report.html", context, status=status)


@require_http_methods(["GET", "POST"])
def report(request: HttpRequest, report_id: int) -> HttpResponse:
    """One report: its status and history, values against targets, evidence; the forms the viewer may use."""
    report, viewer = _get_report_for_user(request, report_id)
    if request.method != "POST":
        return _render_report(request, report, viewer)
    action = request.POST.get("action", "")
    try:
        if action == "values":
            return _report_values_post(request, report, viewer)
        if action == "evidence":
            return _report_evidence_post(request, report, viewer)
        if action in TRANSITIONS:
            return _report_transition_post(request, report, viewer, action)
    except NotPermitted as exc:
        return _forbidden(request, exc)
    return HttpResponseBadRequest("Thao tác không hợp lệ")


def _report_values_post(request: HttpRequest, report: Report, viewer: Viewer) -> HttpResponse:
    form = ReportValuesForm(
        request.POST,
        indicators=_followed_indicators(report.cluster_year_id),
        current={rv.indicator_id: rv for rv in report.values.all()},
    )
    if not form.is_valid():
        return _render_report(request, report, viewer, values_form=form, status=REFUSED)
    changes = form.changes()
    if not changes:
        messages.info(request, "Không có số liệu nào thay đổi.")
        return redirect("web:report", report_id=report.pk)
    try:
        report_values_set(actor=request.user, report=report, values=changes)
    except ValidationFailed as exc:
        if not _may_edit(viewer, report):  # the page shows no form: the messages go on top
            return _render_report(request, report, viewer, errors=exc.messages, status=REFUSED)
        form.add_problems(exc.problems)
        return _render_report(request, report, viewer, values_form=form, status=REFUSED)
    messages.success(request, f"Đã lưu {len(changes)} số liệu.")
    return redirect("web:report", report_id=report.pk)


def _report_evidence_post(request: HttpRequest, report: Report, viewer: Viewer) -> HttpResponse:
    form = EvidenceForm(request.POST, request.FILES, indicators=_followed_indicators(report.cluster_year_id))
    if not form.is_valid():
        return _render_report(request, report, viewer, evidence_form=form, status=REFUSED)
    upload = form.cleaned_data["file"]
    try:
        evidence = evidence_attach(
            actor=request.user,
            report=report,
            filename=upload.name or "",
            data=upload.read(),
            indicator=form.cleaned_data["indicator"],
            description=form.cleaned_data["description"].strip(),
        )
    except ValidationFailed as exc:
        if not _may_edit(viewer, report):
            return _render_report(request, report, viewer, errors=exc.messages, status=REFUSED)
        for problem in exc.problems:
            form.add_error("file" if problem.field == "file" else None, problem.message)
        return _render_report(request, report, viewer, evidence_form=form, status=REFUSED)
    messages.success(request, f"Đã thêm minh chứng “{evidence.original_name}”.")
    return redirect("web:report", report_id=report.pk)


def _report_transition_post(
    request: HttpRequest, report: Report, viewer: Viewer, action: str
) -> HttpResponse:
    reason = ""
    return_form = None
    if action == "return":
        return_form = ReturnForm(request.POST)
        if not return_form.is_valid():
            return _render_report(request, report, viewer, return_form=return_form, status=REFUSED)
        reason = return_form.cleaned_data["reason"]
    try:
        report_transition(
            actor=request.user,
            report=report,
            action=action,
            reason=reason,
            allow_incomplete=request.POST.get("confirm_incomplete") == "1",
        )
    except ValidationFailed as exc:
        if action == "submit" and any(p.field == "confirm_incomplete" for p in exc.problems):
            # not an error: the page asks to confirm, listing the indicators still without a value
            return _render_report(
                request, report, viewer, missing=report_missing_indicators(report), status=REFUSED
            )
        if return_form is not None:
            for problem in exc.problems:
                return_form.add_error("reason" if problem.field == "reason" else None, problem.message)
        return _render_report(
            request, report, viewer, return_form=return_form, errors=exc.messages, status=REFUSED
        )
    messages.success(request, TRANSITIONS[action][1])
    return redirect("web:report", report_id=report.pk)


@login_required
@require_POST
def report_open(request: HttpRequest, cy_id: int, unit_id: int, period: str) -> HttpResponse:
    """Open (creating if needed) a unit's report for a period. The unit's staff and the board only."""
    viewer = viewer_for(request.user)
    if not (viewer.is_board or viewer.is_staff_of(unit_id)):
        raise Http404("Không tìm thấy đơn vị")
    cluster_year = ClusterYear.objects.filter(pk=cy_id).first()
    unit = Unit.objects.filter(pk=unit_id).first()
    if cluster_year is None or unit is None:
        raise Http404("Không tìm thấy cụm hoặc đơn vị")
    try:
        report = report_get_or_create(actor=request.user, cluster_year=cluster_year, unit=unit, period=period)
    except ValidationFailed as exc:  # not a member that year, or no such period
        raise Http404(exc.messages[0]) from exc
    return redirect("web:report", report_id=report.pk)


# --- targets -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TargetsPage:
    cluster_year: ClusterYear
    unit: Unit
    covenant: Covenant | None
    indicators: list[Indicator]
    current: dict[tuple[int, str], Target]

    @property
    def signed(self) -> bool:
        return self.covenant is not None


def _get_targets_for_user(request: HttpRequest, cy_id: int, unit_id: int) -> tuple[TargetsPage, Viewer]:
    viewer = viewer_for(request.user)
    cluster_year = ClusterYear.objects.select_related("cluster").filter(pk=cy_id).first()
    member = (
        ClusterMember.objects.select_related("unit").filter(cluster_year_id=cy_id, unit_id=unit_id).first()
        if cluster_year is not None
        else None
    )
    if cluster_year is None or member is None:
        raise Http404("Không tìm thấy đơn vị trong cụm")
    covenant = Covenant.objects.filter(cluster_year=cluster_year).first()
    if not targets_visible(viewer, cluster_year, unit_id, covenant is not None):
        raise Http404("Không tìm thấy chỉ tiêu")
    current = {
        (t.indicator_id, t.basis): t
        for t in Target.objects.filter(cluster_year=cluster_year, unit_id=unit_id)
    }
    page = TargetsPage(cluster_year, member.unit, covenant, _followed_indicators(cy_id), current)
    return page, viewer


@login_required
@require_http_methods(["GET", "POST"])
def targets(request: HttpRequest, cy_id: int, unit_id: int) -> HttpResponse:
    """A member's registered targets, per indicator and basis; editable until the covenant is signed."""
    page, viewer = _get_targets_for_user(request, cy_id, unit_id)
    can_edit = (viewer.is_board or viewer.is_staff_of(unit_id)) and not page.signed
    form = TargetsForm(
        request.POST if request.method == "POST" else None, indicators=page.indicators, current=page.current
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                written = _targets_write(request, page, form)
            except NotPermitted as exc:
                return _forbidden(request, exc)
            if written is not None:
                if written:
                    messages.success(request, f"Đã lưu {written} chỉ tiêu.")
                else:
                    messages.info(request, "Không có chỉ tiêu nào thay đổi.")
                return redirect("web:targets", cy_id=cy_id, unit_id=unit_id)
        status = REFUSED
    context = {
        "page": page,
        "viewer": viewer,
        "form": form,
        "can_edit": can_edit,
        "basis_labels": [TargetBasis(basis).label for basis in BASIS_ORDER],
    }
    return render(request, "web/movements/targets.html", context, status=status)


def _targets_write(request: HttpRequest, page: TargetsPage, form: TargetsForm) -> int | None:
    """Write every changed target, all or nothing; the count written, or None with the problems placed
    on the form."""
    changes = form.changes()
    try:
        with transaction.atomic():  # several service calls, one decision
            for cell, value, reference, version in changes:
                try:
                    target_set(
                        actor=request.user,
                        cluster_year=page.cluster_year,
                        unit=page.unit,
                        indicator=cell.indicator,
                        value=value,
                        basis=cell.basis,
                        reference=reference,
                        illustrative=cell.current.illustrative if cell.current else False,
                        source=cell.current.source if cell.current else "",
                        version=version,
                    )
                except ValidationFailed as exc:
                    form.add_problems(cell, exc.problems)
                    raise
    except ValidationFailed:
        return None
    return len(changes)


# --- Excel import and its template ---------------------------------------------------------------------


def _get_cluster_year_for_worker(request: HttpRequest, cy_id: int) -> tuple[ClusterYear, Viewer]:
    """The board, the head's staff and the members' staff of that cluster-year; 404 for anyone else."""
    viewer = viewer_for(request.user)
    cluster_year = ClusterYear.objects.select_related("cluster").filter(pk=cy_id).first()
    if cluster_year is None or not (viewer.manages(cy_id) or _is_member(cy_id, viewer.unit_id)):
        raise Http404("Không tìm thấy cụm thi đua")
    return cluster_year, viewer


def _dashboard_url(cluster_year: ClusterYear, period: str) -> str:
    return f"{reverse('web:cluster_year', args=[cluster_year.pk])}?ky={period}"


@login_required
@require_http_methods(["GET", "POST"])
def import_results(request: HttpRequest, cy_id: int) -> HttpResponse:
    """Upload an Excel file of results for a period: all rows are written, or none and a table of problems."""
    cluster_year, viewer = _get_cluster_year_for_worker(request, cy_id)
    posted = request.method == "POST"
    period = _import_period(request, cluster_year)
    form = ResultsImportForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        max_bytes=xlsx_import.MAX_IMPORT_BYTES,
        prefix="nhap",
        initial={"period": period},
    )
    problems = []
    warnings: list[Any] = []
    status = 200
    if posted:
        status = REFUSED
        if form.is_valid():
            period = form.cleaned_data["period"]
            upload = form.cleaned_data["file"]
            try:
                result = xlsx_import.results_import(
                    actor=request.user,
                    cluster_year=cluster_year,
                    period=period,
                    filename=upload.name or "",
                    data=upload.read(),
                )
            except NotPermitted as exc:
                return _forbidden(request, exc)
            except ValidationFailed as exc:
                problems = exc.problems
            else:
                _import_message(request, result, period)
                if not result.warnings:
                    return redirect(f"{reverse('web:import', args=[cy_id])}?ky={period}&xong=1")
                # written, but how some cells were read must be checked: shown here, not lost in a redirect
                warnings = result.warnings
                status = 200
                form = ResultsImportForm(
                    max_bytes=xlsx_import.MAX_IMPORT_BYTES, prefix="nhap", initial={"period": period}
                )
    context = {
        "cluster_year": cluster_year,
        "viewer": viewer,
        "form": form,
        "problems": problems,
        "warnings": warnings,
        "period": period,
        "done": request.GET.get("xong") == "1" or bool(warnings),
        "dashboard_url": _dashboard_url(cluster_year, period),
        "template_links": [(p, Period(p).label) for p in Period.values],
        "max_bytes": xlsx_import.MAX_IMPORT_BYTES,
        "own_rows_only": not viewer.is_board,
    }
    return render(request, "web/movements/import.html", context, status=status)


def _import_period(request: HttpRequest, cluster_year: ClusterYear) -> str:
    """The period the upload form starts on: the one in the query (`?ky=`, as the report page and the
    cluster's dashboard link it), else the year-end once any year-end report of the cluster-year exists
    (the year-end reports are being filled), else the mid-year, the first report of a year."""
    asked = request.GET.get("ky", "")
    if asked in Period.values:
        return asked
    if Report.objects.filter(cluster_year=cluster_year, period=Period.YEAR_END).exists():
        return Period.YEAR_END
    return Period.MID_YEAR


def _import_message(request: HttpRequest, result: xlsx_import.ImportResult, period: str) -> None:
    label = Period(period).label.lower()
    if result.values_written == 0:
        messages.info(request, f"Tệp không có số liệu mới ({label}): mọi số liệu đều trùng với số đã lưu.")
        return
    messages.success(
        request,
        f"Đã nhập {result.values_written} số liệu của {len(result.units)} đơn vị ({label}): "
        f"{', '.join(result.units)}.",
    )


@login_required
@require_GET
def import_template(request: HttpRequest, cy_id: int) -> HttpResponseBase:
    """The Excel template of results: the board gets every member, a unit's staff (the head's included) their
    own unit's rows, with only the figures they may see pre-filled."""
    cluster_year, viewer = _get_cluster_year_for_worker(request, cy_id)
    period = request.GET.get("ky", Period.YEAR_END)
    if period not in Period.values:
        raise Http404("Không có kỳ báo cáo này")
    # Drafts are private to their unit and only the board writes another unit's values, so everyone but
    # the board gets their own unit's rows (the head's staff included); the template enforces it too.
    unit = None
    if not viewer.is_board and viewer.unit_id is not None and _is_member(cy_id, viewer.unit_id):
        unit = Unit.objects.get(pk=viewer.unit_id)
    data = xlsx_template.results_template(cluster_year=cluster_year, period=period, unit=unit, viewer=viewer)
    return FileResponse(
        io.BytesIO(data),
        as_attachment=True,
        filename=xlsx_template.TEMPLATE_FILENAME(cluster_year, period, unit),
        content_type=XLSX,
    )


# --- evidence ------------------------------------------------------------------------------------------


def _get_evidence_for_user(request: HttpRequest, evidence_id: int) -> Evidence:
    viewer = viewer_for(request.user)
    evidence = Evidence.objects.select_related("report").filter(pk=evidence_id).first()
    if evidence is None or not report_visible(viewer, evidence.report):
        raise Http404("Không tìm thấy minh chứng")
    return evidence


@require_GET
def evidence_download(request: HttpRequest, evidence_id: int) -> HttpResponseBase:
    """Stream an evidence file to a viewer who may see its report. Evidence is never served from MEDIA_URL."""
    evidence = _get_evidence_for_user(request, evidence_id)
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("Tệp minh chứng không còn trên máy chủ") from exc
    response = FileResponse(
        handle, as_attachment=True, filename=evidence.original_name, content_type=evidence.content_type
    )
    response["Cache-Control"] = "private, no-store"
    return response
