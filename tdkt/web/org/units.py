"""The board's unit pages: the list, create, edit, close, delete (only a unit nothing refers to), the
province's unit list by Excel, and lineage events (merge, split, rename, move) with a preview of what
carries over before the board confirms.

Who: the board. A unit's staff get 403 (these are the province's set-up pages), the public is sent to log
in. Forms only parse; `tdkt.org.services` decides, and a refusal shows the page again with status 400, the
service's Vietnamese message on its field, nothing written.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tdkt.clusters.scopes import viewer_for
from tdkt.core.errors import NotPermitted, ValidationFailed
from tdkt.core.vn import fold
from tdkt.org import xlsx_units
from tdkt.org.models import ImportKind, LineageKind, Unit, UnitKind
from tdkt.org.selectors import lineage_preview, unit_lineage_events, unit_references, units_valid_on
from tdkt.org.services import (
    lineage_problems,
    unit_apply_lineage,
    unit_close,
    unit_create,
    unit_delete,
    unit_update,
)
from tdkt.org.tasks import import_job_start, runs_in_background
from tdkt.web.org.forms import LineageForm, UnitCloseForm, UnitForm, UnitsImportForm

REFUSED = 400
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LIST_LIMIT = 500
BOARD_ONLY = "Chỉ Ban Thi đua – Khen thưởng tỉnh được quản lý danh sách đơn vị"


def _forbidden(request: HttpRequest, message: str = BOARD_ONLY) -> HttpResponse:
    return render(
        request,
        "web/movements/forbidden.html",
        {"message": message, "back_url": reverse("web:home")},
        status=403,
    )


def _board(request: HttpRequest) -> bool:
    return viewer_for(request.user).is_board


def _get_unit_for_user(unit_id: int) -> Unit:
    unit = Unit.objects.select_related("parent").filter(pk=unit_id).first()
    if unit is None:
        raise Http404("Không tìm thấy đơn vị.")
    return unit


@login_required
@require_GET
def units(request: HttpRequest) -> HttpResponse:
    """Every unit, filtered by text (without diacritics), kind and the day it must be valid on."""
    if not _board(request):
        return _forbidden(request)
    needle = fold(request.GET.get("q", ""))
    kind = request.GET.get("loai", "")
    day_text = request.GET.get("ngay", "")
    day = _parse_day(day_text)
    rows = units_valid_on(day) if day else Unit.objects.all()
    if kind in UnitKind.values:
        rows = rows.filter(kind=kind)
    rows = rows.select_related("parent").order_by("name", "id")
    shown = [u for u in rows if not needle or needle in fold(u.name) or needle in fold(u.code)]
    context = {
        "units": shown[:LIST_LIMIT],
        "total": len(shown),
        "limit": LIST_LIMIT,
        "q": request.GET.get("q", ""),
        "kind": kind,
        "day": day_text,
        "kinds": UnitKind.choices,
    }
    return render(request, "web/org/units.html", context)


def _parse_day(text: str) -> dt.date | None:
    try:
        return dt.datetime.strptime(text.strip(), "%d/%m/%Y").date() if text.strip() else None
    except ValueError:
        return None


@login_required
@require_http_methods(["GET", "POST"])
def unit_new(request: HttpRequest) -> HttpResponse:
    if not _board(request):
        return _forbidden(request)
    form = UnitForm(request.POST or None, initial={"parent": request.GET.get("cap-tren", "")})
    status = 200
    if request.method == "POST":
        status = REFUSED
        if form.is_valid():
            data = form.cleaned_data
            try:
                unit = unit_create(
                    actor=request.user,
                    code=data["code"],
                    name=data["name"],
                    kind=data["kind"],
                    parent=data["parent"],
                    valid_from=data["valid_from"],
                    note=data["note"],
                    cycle_kind=data["cycle_kind"],
                    armed_forces=data["armed_forces"],
                )
            except NotPermitted as exc:
                return _forbidden(request, exc.message)
            except ValidationFailed as exc:
                form.apply(exc.problems)
            else:
                messages.success(request, f"Đã tạo đơn vị {unit.name} ({unit.code}).")
                return redirect("web:unit_manage", unit.pk)
    return render(request, "web/org/units_form.html", {"form": form, "unit": None}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def unit_manage(request: HttpRequest, unit_id: int) -> HttpResponse:
    """A unit's page for the board: edit its identity and emulation, and the ways to close or delete it."""
    if not _board(request):
        return _forbidden(request)
    unit = _get_unit_for_user(unit_id)
    initial = {
        "code": unit.code,
        "name": unit.name,
        "kind": unit.kind,
        "parent": unit.parent.code if unit.parent else "",
        "valid_from": unit.valid_from,
        "armed_forces": unit.armed_forces,
        "cycle_kind": unit.cycle_kind,
        "note": unit.note,
    }
    form = UnitForm(request.POST or None, initial=initial, editing=True)
    status = 200
    if request.method == "POST":
        status = REFUSED
        if form.is_valid():
            data = form.cleaned_data
            try:
                unit = unit_update(
                    actor=request.user,
                    unit=unit,
                    code=data["code"],
                    name=data["name"],
                    kind=data["kind"],
                    parent=data["parent"],
                    valid_from=data["valid_from"],
                    note=data["note"],
                    cycle_kind=data["cycle_kind"],
                    armed_forces=data["armed_forces"],
                    reason=data["reason"],
                )
            except NotPermitted as exc:
                return _forbidden(request, exc.message)
            except ValidationFailed as exc:
                form.apply(exc.problems)
            else:
                messages.success(request, f"Đã lưu đơn vị {unit.name}.")
                return redirect("web:unit_manage", unit.pk)
    context = {
        "form": form,
        "unit": unit,
        "close_form": UnitCloseForm(),
        "references": unit_references([unit]),
        "links": unit_lineage_events(unit),
    }
    return render(request, "web/org/units_form.html", context, status=status)


@login_required
@require_POST
def unit_close_view(request: HttpRequest, unit_id: int) -> HttpResponse:
    if not _board(request):
        return _forbidden(request)
    unit = _get_unit_for_user(unit_id)
    form = UnitCloseForm(request.POST)
    if form.is_valid():
        try:
            unit_close(
                actor=request.user,
                unit=unit,
                valid_to=form.cleaned_data["valid_to"],
                reason=form.cleaned_data["reason"],
            )
        except NotPermitted as exc:
            return _forbidden(request, exc.message)
        except ValidationFailed as exc:
            form.apply(exc.problems)
        else:
            messages.success(
                request, f"Đã đóng đơn vị {unit.name} từ sau ngày {form.cleaned_data['valid_to']:%d/%m/%Y}."
            )
            return redirect("web:unit_manage", unit.pk)
    return render(request, "web/org/units_close.html", {"form": form, "unit": unit}, status=REFUSED)


@login_required
@require_POST
def unit_delete_view(request: HttpRequest, unit_id: int) -> HttpResponse:
    if not _board(request):
        return _forbidden(request)
    unit = _get_unit_for_user(unit_id)
    try:
        unit_delete(actor=request.user, unit=unit)
    except NotPermitted as exc:
        return _forbidden(request, exc.message)
    except ValidationFailed as exc:
        context = {"unit": unit, "problems": exc.problems, "form": UnitCloseForm()}
        return render(request, "web/org/units_close.html", context, status=REFUSED)
    messages.success(request, f"Đã xóa đơn vị {unit.name} ({unit.code}).")
    return redirect("web:units")


@login_required
@require_http_methods(["GET", "POST"])
def units_import(request: HttpRequest) -> HttpResponse:
    """Upload the province's unit list: every row written, or none and a table of problems. A large file
    runs as a background task and the board is sent to its progress page."""
    if not _board(request):
        return _forbidden(request)
    posted = request.method == "POST"
    form = UnitsImportForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        max_bytes=xlsx_units.MAX_IMPORT_BYTES,
    )
    problems = []
    status = 200
    if posted:
        status = REFUSED
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                if runs_in_background(upload.size or 0):  # a large list: a task, its progress on its page
                    job = import_job_start(
                        actor=request.user,
                        kind=ImportKind.UNITS,
                        filename=upload.name or "",
                        data=upload.read(),
                    )
                    return redirect("web:import_job", job_id=job.pk)
                result = xlsx_units.units_import(
                    actor=request.user, filename=upload.name or "", data=upload.read()
                )
            except NotPermitted as exc:
                return _forbidden(request, exc.message)
            except ValidationFailed as exc:
                problems = exc.problems
            else:
                if result.created or result.events:
                    messages.success(
                        request,
                        f"Đã nhập {len(result.created)} đơn vị và {result.events} biến động"
                        + (
                            f"; {result.unchanged} dòng trùng với đơn vị đã có được bỏ qua."
                            if result.unchanged
                            else "."
                        ),
                    )
                else:
                    messages.info(
                        request, f"Tệp không có gì mới: {result.unchanged} dòng trùng với đơn vị đã có."
                    )
                return redirect("web:units")
    context = {"form": form, "problems": problems, "max_bytes": xlsx_units.MAX_IMPORT_BYTES}
    return render(request, "web/org/units_import.html", context, status=status)


@login_required
@require_GET
def units_import_template(request: HttpRequest) -> HttpResponseBase:
    if not _board(request):
        return _forbidden(request)
    return FileResponse(
        iter([xlsx_units.units_template()]),
        as_attachment=True,
        filename=xlsx_units.TEMPLATE_FILENAME,
        content_type=XLSX,
    )


@login_required
@require_http_methods(["GET", "POST"])
def lineage(request: HttpRequest) -> HttpResponse:
    """Record a lineage event in two steps: the form posts to a preview of what carries over (nothing
    written); the preview's confirmation posts the same values with `xac_nhan=1`, which calls the service."""
    if not _board(request):
        return _forbidden(request)
    form = LineageForm(request.POST or None, initial={"kind": request.GET.get("loai", LineageKind.MERGE)})
    if request.method != "POST":
        return render(request, "web/org/lineage.html", {"form": form})
    if not form.is_valid():
        return render(request, "web/org/lineage.html", {"form": form}, status=REFUSED)
    data = form.cleaned_data
    args = {
        "kind": data["kind"],
        "effective_date": data["effective_date"],
        "predecessors": data["predecessors"],
        "successors": data["successors"],
    }
    problems = lineage_problems(**args)
    if problems:
        form.apply(problems)
        return render(request, "web/org/lineage.html", {"form": form}, status=REFUSED)
    if request.POST.get("xac_nhan") != "1":
        preview = lineage_preview(
            kind_label=LineageKind(data["kind"]).label, **{k: v for k, v in args.items() if k != "kind"}
        )
        return render(request, "web/org/lineage_preview.html", {"form": form, "preview": preview})
    try:
        event = unit_apply_lineage(
            actor=request.user, legal_basis=data["legal_basis"], note=data["note"], **args
        )
    except NotPermitted as exc:
        return _forbidden(request, exc.message)
    except ValidationFailed as exc:
        form.apply(exc.problems)
        return render(request, "web/org/lineage.html", {"form": form}, status=REFUSED)
    successor = data["successors"][0]
    messages.success(
        request,
        f"Đã ghi {event.get_kind_display().lower()} có hiệu lực ngày {event.effective_date:%d/%m/%Y}: "
        f"{', '.join(u.name for u in data['predecessors'])} → {', '.join(u.name for u in data['successors'])}.",
    )
    return redirect("web:unit_manage", successor.pk)
