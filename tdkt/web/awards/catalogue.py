"""The catalogue of titles and forms of commendation (`/danh-muc/khen-thuong/`): every title and form of the
Law and the province's own, grouped by kind, with a search and filters, each with its class, who decides,
its article and verification tag, and whether the rule engine holds rules for it ("có quy tắc xét") or it is
only recorded ("chưa có quy tắc: chỉ ghi nhận").

Who: anyone reads it, logged in or not (it is public law and the province's published forms). The board
adds the province's own forms, edits, retires, reactivates, and deletes one nothing refers to; a unit's
staff get 403 on those pages (the province's set-up, as the unit pages), the public is sent to log in.
Forms only parse; `tdkt.awards.catalogue_services` decides, and a refusal shows the page again with status
400 and the service's Vietnamese message on its field, nothing written.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tdkt.awards.catalogue_selectors import (
    ENGINE_BADGE,
    RECORD_ONLY_BADGE,
    award_references,
    catalogue_filter,
    catalogue_grouped,
    has_rules,
)
from tdkt.awards.catalogue_services import (
    ENGINE_FIXED,
    LAW_FIXED,
    catalogue_entry_create,
    catalogue_entry_delete,
    catalogue_entry_set_active,
    catalogue_entry_update,
)
from tdkt.awards.models import CatalogueEntry, CatalogueGroup
from tdkt.clusters.scopes import viewer_for
from tdkt.core.errors import ValidationFailed
from tdkt.web.awards.forms import CatalogueActiveForm, CatalogueEntryForm

REFUSED = 400
BOARD_ONLY = "Chỉ Ban Thi đua – Khen thưởng tỉnh được quản lý danh mục khen thưởng"
RULE_FILTERS = (("co", ENGINE_BADGE), ("khong", RECORD_ONLY_BADGE))


def _board(request: HttpRequest) -> bool:
    return request.user.is_authenticated and viewer_for(request.user).is_board


def _forbidden(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "web/movements/forbidden.html",
        {"message": BOARD_ONLY, "back_url": reverse("web:catalogue")},
        status=403,
    )


def _entry(code: str) -> CatalogueEntry:
    entry = CatalogueEntry.objects.filter(code=code).first()
    if entry is None:
        raise Http404("Không có mục này trong danh mục khen thưởng.")
    return entry


def _fixed(entry: CatalogueEntry) -> frozenset[str]:
    if has_rules(entry.code):
        return ENGINE_FIXED
    return frozenset() if entry.province_own else LAW_FIXED


@require_GET
def catalogue_list(request: HttpRequest) -> HttpResponse:
    """The catalogue grouped by kind; `q` searches names and codes without diacritics, `loai` a kind,
    `quy_tac` whether the engine holds rules, `rieng` the province's own, `ngung` shows retired entries."""
    q = request.GET.get("q", "").strip()
    group = request.GET.get("loai", "")
    group = group if group in CatalogueGroup.values else ""
    rules = request.GET.get("quy_tac", "")
    rules = rules if rules in dict(RULE_FILTERS) else ""
    own = request.GET.get("rieng") == "1"
    retired = request.GET.get("ngung") == "1"
    entries = catalogue_filter(query=q, group=group, rules=rules, own=own, retired=retired)
    groups = catalogue_grouped(entries)
    context = {
        "groups": groups,
        "total": sum(len(g.rows) for g in groups),
        "q": q,
        "group": group,
        "group_choices": CatalogueGroup.choices,
        "rules": rules,
        "rule_choices": RULE_FILTERS,
        "own": own,
        "retired": retired,
        "is_board": _board(request),
    }
    return render(request, "web/awards/catalogue.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def catalogue_new(request: HttpRequest) -> HttpResponse:
    if not _board(request):
        return _forbidden(request)
    form = CatalogueEntryForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                entry = catalogue_entry_create(actor=request.user, **form.values())
            except ValidationFailed as exc:
                form.apply(exc.problems)
            else:
                messages.success(request, f"Đã thêm “{entry.name}” (mã {entry.code}) vào danh mục.")
                return redirect("web:catalogue_edit", code=entry.code)
        status = REFUSED
    return render(request, "web/awards/catalogue_form.html", {"form": form, "entry": None}, status=status)


def _edit_context(
    entry: CatalogueEntry, form: CatalogueEntryForm, active_form: CatalogueActiveForm
) -> dict[str, Any]:
    return {
        "entry": entry,
        "form": form,
        "active_form": active_form,
        "has_rules": has_rules(entry.code),
        "badge": ENGINE_BADGE if has_rules(entry.code) else RECORD_ONLY_BADGE,
        "awards": award_references(entry.code),
    }


@login_required
@require_http_methods(["GET", "POST"])
def catalogue_edit(request: HttpRequest, code: str) -> HttpResponse:
    if not _board(request):
        return _forbidden(request)
    entry = _entry(code)
    initial = {name: getattr(entry, name) for name in CatalogueEntryForm.base_fields}
    form = CatalogueEntryForm(request.POST or None, initial=initial, fixed=_fixed(entry))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                entry = catalogue_entry_update(actor=request.user, entry=entry, **form.values())
            except ValidationFailed as exc:
                form.apply(exc.problems)
            else:
                messages.success(request, f"Đã lưu “{entry.name}”.")
                return redirect("web:catalogue_edit", code=entry.code)
        status = REFUSED
    return render(
        request,
        "web/awards/catalogue_form.html",
        _edit_context(entry, form, CatalogueActiveForm()),
        status=status,
    )


@login_required
@require_POST
def catalogue_active(request: HttpRequest, code: str, action: str) -> HttpResponse:
    """`action`: "ngung" retires the entry, "dung-lai" brings it back; a reason either way."""
    if not _board(request):
        return _forbidden(request)
    if action not in ("ngung", "dung-lai"):
        raise Http404("Không có thao tác này.")
    entry = _entry(code)
    active_form = CatalogueActiveForm(request.POST)
    if active_form.is_valid():
        try:
            entry = catalogue_entry_set_active(
                actor=request.user,
                entry=entry,
                active=action == "dung-lai",
                reason=active_form.cleaned_data["reason"],
            )
        except ValidationFailed as exc:
            active_form.apply(exc.problems)
        else:
            done = "dùng lại" if entry.active else "ngừng sử dụng"
            messages.success(request, f"Đã {done} “{entry.name}”.")
            return redirect("web:catalogue_edit", code=entry.code)
    initial = {name: getattr(entry, name) for name in CatalogueEntryForm.base_fields}
    form = CatalogueEntryForm(initial=initial, fixed=_fixed(entry))
    return render(
        request, "web/awards/catalogue_form.html", _edit_context(entry, form, active_form), status=REFUSED
    )


@login_required
@require_POST
def catalogue_delete(request: HttpRequest, code: str) -> HttpResponse:
    if not _board(request):
        return _forbidden(request)
    entry = _entry(code)
    try:
        catalogue_entry_delete(actor=request.user, entry=entry)
    except ValidationFailed as exc:
        initial = {name: getattr(entry, name) for name in CatalogueEntryForm.base_fields}
        form = CatalogueEntryForm(initial=initial, fixed=_fixed(entry))
        context = _edit_context(entry, form, CatalogueActiveForm()) | {
            "delete_errors": [p.message[:1].upper() + p.message[1:] for p in exc.problems]
        }
        return render(request, "web/awards/catalogue_form.html", context, status=REFUSED)
    messages.success(request, f"Đã xóa “{entry.name}” khỏi danh mục.")
    return redirect("web:catalogue")
