"""The criteria pages: a cluster-year's criteria set and its versions, and the editor of its draft.

- `criteria` (/cum/<id>/tieu-chi/): the versions, one version's tree in words (groups, criteria, maximum
  points, each method described with labels and indicators by name: never a method's code or JSON),
  its rules, its workbook. Managers adopt, lock, and start a draft (empty, or a copy of a version to
  amend, with a reason).
- the editor (/cum/<id>/tieu-chi/du-thao/…): the draft's tree with a form per group or criterion; the
  method chosen shows its own fields (htmx swaps them in), every field is checked as one types (htmx
  posts the form to `criterion_check`, which answers with the problems by field and, for a criterion, the
  points each of last year's members would get); the declared total; what still keeps the draft from
  being adopted; the whole draft scored on last year's data; import from and export to Excel.

Who: the criteria page is for the board, the head's staff and the members' staff of that cluster-year
(members read); the editor only for those who manage the cluster-year — the board and the head's staff,
as `scoring.services` allows for criteria sets. Anyone else, the public included, gets 404 on the editor.
JSON stays for the API and `tdkt score --input`: no page shows or takes it.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tdkt.clusters.models import ClusterMember, ClusterYear
from tdkt.clusters.scopes import Viewer, viewer_for
from tdkt.core.errors import NotPermitted, ValidationFailed
from tdkt.scoring import criteria_edit
from tdkt.scoring.criteria_fields import FIELD_LABELS, METHOD_FIELDS, input_from_item
from tdkt.scoring.models import CriteriaSet, Criterion, CriterionKind, SetStatus
from tdkt.scoring.selectors import criteria_tree, current_criteria_set, last_year_preview
from tdkt.scoring.services import criteria_set_adopt, criteria_set_lock
from tdkt.scoring.xlsx_criteria import XLSX, criteria_export, criteria_import, export_filename
from tdkt.web.scoring import queries as q
from tdkt.web.scoring.forms import AdoptForm, CriteriaImportForm, CriterionForm, DraftStartForm, TotalForm

REFUSED = 400
COMMON_FIELDS = ("code", "name", "kind", "parent", "max_points", "method")


def _sentence(message: str) -> str:
    return message[:1].upper() + message[1:] if message else message


def _forbidden(request: HttpRequest, exc: NotPermitted) -> HttpResponse:
    context = {"message": exc.message, "back_url": request.path}
    return render(request, "web/scoring/forbidden.html", context, status=403)


def _cluster_year(cy_id: int) -> ClusterYear:
    cluster_year = ClusterYear.objects.select_related("cluster").filter(pk=cy_id).first()
    if cluster_year is None:
        raise Http404("Không tìm thấy cụm thi đua của năm này.")
    return cluster_year


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


def _get_draft_for_manager(request: HttpRequest, cy_id: int) -> tuple[ClusterYear, CriteriaSet]:
    """The cluster-year's draft, for the board and the head's staff; 404 for anyone else (the public
    too) and when there is no draft."""
    viewer = viewer_for(request.user)
    cluster_year = _cluster_year(cy_id)
    if not viewer.manages(cluster_year.pk):
        raise Http404("Không tìm thấy dự thảo bộ tiêu chí.")
    draft = CriteriaSet.objects.filter(cluster_year=cluster_year, status=SetStatus.DRAFT).first()
    if draft is None:
        raise Http404("Cụm – năm này không có dự thảo bộ tiêu chí.")
    draft.cluster_year = cluster_year
    return cluster_year, draft


def _get_criterion_for_manager(
    request: HttpRequest, cy_id: int, crit_id: int
) -> tuple[ClusterYear, CriteriaSet, Criterion]:
    cluster_year, draft = _get_draft_for_manager(request, cy_id)
    criterion = Criterion.objects.filter(pk=crit_id, criteria_set=draft).first()
    if criterion is None:
        raise Http404("Không tìm thấy tiêu chí trong dự thảo.")
    criterion.criteria_set = draft
    return cluster_year, draft, criterion


def _editor_url(cy_id: int) -> str:
    return reverse("web:criteria_editor", args=[cy_id])


# --- the criteria page -----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def criteria(request: HttpRequest, cy_id: int) -> HttpResponse:
    """The versions of the criteria set and one version's tree in words; managers adopt drafts, lock
    adopted versions and start a draft (empty, or amending a version)."""
    cluster_year, viewer = _get_cluster_year_for_worker(request, cy_id)
    manages = viewer.manages(cluster_year.pk)
    versions = (
        CriteriaSet.objects.filter(cluster_year=cluster_year).select_related("amends").order_by("-version")
    )
    posted = request.method == "POST"
    action = request.POST.get("action", "") if posted else ""
    start_form = DraftStartForm(
        request.POST if action == "start" else None, versions=versions.exclude(status=SetStatus.DRAFT)
    )
    adopt_forms: dict[int, AdoptForm] = {}
    adopt_problems: list[str] = []
    errors: list[str] = []
    status = 200
    if posted:
        if not manages:
            return _forbidden(
                request, NotPermitted("Chỉ Trưởng cụm hoặc Ban Thi đua – Khen thưởng mới được làm việc này.")
            )
        status = REFUSED
        try:
            if action == "start":
                if start_form.is_valid():
                    try:
                        started = criteria_edit.criteria_draft_start(
                            actor=request.user,
                            cluster_year=cluster_year,
                            declared_total=start_form.cleaned_data["declared_total"],
                            amends=start_form.cleaned_data.get("amends"),
                            reason=start_form.cleaned_data.get("reason", ""),
                        )
                    except ValidationFailed as exc:
                        for problem in exc.problems:
                            field = (
                                problem.field
                                if problem.field in ("reason", "amends", "declared_total")
                                else None
                            )
                            start_form.add_error(field, _sentence(problem.message))
                    else:
                        messages.success(request, f"Đã tạo dự thảo bộ tiêu chí phiên bản {started.version}.")
                        return redirect(_editor_url(cy_id))
            elif action in ("adopt", "lock"):
                target = versions.filter(pk=request.POST.get("set_id") or 0).first()
                if target is None:
                    raise Http404("Không tìm thấy phiên bản bộ tiêu chí.")
                if action == "adopt":
                    form = AdoptForm(request.POST, prefix=f"tq{target.pk}")
                    adopt_forms[target.pk] = form
                    if form.is_valid():
                        try:
                            criteria_set_adopt(
                                actor=request.user,
                                criteria_set=target,
                                adopted_on=form.cleaned_data["adopted_on"],
                            )
                        except ValidationFailed as exc:
                            form.add_error(None, "Chưa thông qua được: bộ tiêu chí còn lỗi (xem bên dưới).")
                            adopt_problems = [
                                _sentence(criteria_edit.in_words(p.message)) for p in exc.problems
                            ]
                        else:
                            messages.success(request, f"Đã thông qua bộ tiêu chí phiên bản {target.version}.")
                            return redirect("web:criteria", cy_id=cy_id)
                else:
                    try:
                        criteria_set_lock(actor=request.user, criteria_set=target)
                    except ValidationFailed as exc:
                        errors = [_sentence(p.message) for p in exc.problems]
                    else:
                        messages.success(request, f"Đã khóa bộ tiêu chí phiên bản {target.version}.")
                        return redirect("web:criteria", cy_id=cy_id)
            else:
                return HttpResponseBadRequest("Thao tác không hợp lệ")
        except NotPermitted as exc:
            return _forbidden(request, exc)
    for cs in versions:
        if cs.status == SetStatus.DRAFT and cs.pk not in adopt_forms:
            adopt_forms[cs.pk] = AdoptForm(prefix=f"tq{cs.pk}")
    shown = _shown_version(request, cluster_year, list(versions))
    indicators = q.indicator_names(cluster_year)
    tree = criteria_tree(shown) if shown is not None else []
    draft = next((cs for cs in versions if cs.status == SetStatus.DRAFT), None)
    context = {
        "cy": cluster_year,
        "viewer": viewer,
        "manages": manages,
        "versions": [(cs, adopt_forms.get(cs.pk)) for cs in versions],
        "shown": shown,
        "current": current_criteria_set(cluster_year),
        "rows": q.tree_rows(tree, indicators),
        "rules": q.rules_summary(shown.rules, q.criteria_names(tree)) if shown is not None else [],
        "start_form": start_form,
        "draft": draft,
        "errors": errors,
        "adopt_problems": adopt_problems,
    }
    return render(request, "web/scoring/criteria.html", context, status=status)


def _shown_version(
    request: HttpRequest, cluster_year: ClusterYear, versions: list[CriteriaSet]
) -> CriteriaSet | None:
    wanted = request.GET.get("phien-ban", "")
    for cs in versions:
        if str(cs.version) == wanted:
            return cs
    return current_criteria_set(cluster_year)


@login_required
@require_GET
def criteria_xlsx(request: HttpRequest, cy_id: int, version: int) -> HttpResponse:
    """A version of the criteria set as a workbook (everyone who may read the criteria page)."""
    cluster_year, _viewer = _get_cluster_year_for_worker(request, cy_id)
    criteria_set = CriteriaSet.objects.filter(cluster_year=cluster_year, version=version).first()
    if criteria_set is None:
        raise Http404("Không tìm thấy phiên bản bộ tiêu chí.")
    criteria_set.cluster_year = cluster_year
    response = HttpResponse(criteria_export(criteria_set), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{export_filename(criteria_set)}"'
    return response


# --- the editor ----------------------------------------------------------------------------------------------


def _groups(draft: CriteriaSet, editing: Criterion | None = None) -> list[tuple[str, str]]:
    rows = Criterion.objects.filter(criteria_set=draft, kind=CriterionKind.GROUP).order_by("position")
    return [(g.code, f"{g.code} – {g.name}") for g in rows if editing is None or g.pk != editing.pk]


def _preview_view(draft: CriteriaSet) -> dict[str, Any]:
    preview = last_year_preview(draft)
    indicators = q.indicator_names(draft.cluster_year)
    return {
        "preview": preview,
        "preview_table": q.preview_table(preview.result, indicators) if preview.result else None,
        "preview_problems": [_sentence(p) for p in preview.problems],
    }


@require_GET
def criteria_editor(request: HttpRequest, cy_id: int) -> HttpResponse:
    """The draft: its tree with an action per row, the declared total, what keeps it from adoption, its
    points on last year's data, and Excel."""
    cluster_year, draft = _get_draft_for_manager(request, cy_id)
    return _render_editor(request, cluster_year, draft)


def _render_editor(
    request: HttpRequest,
    cluster_year: ClusterYear,
    draft: CriteriaSet,
    *,
    status: int = 200,
    errors: list[str] | None = None,
    total_form: TotalForm | None = None,
    import_form: CriteriaImportForm | None = None,
    import_problems: list[str] | None = None,
) -> HttpResponse:
    indicators = q.indicator_names(cluster_year)
    tree = criteria_tree(draft)
    versions = criteria_edit.criterion_versions(draft)
    ids = dict(Criterion.objects.filter(criteria_set=draft).values_list("code", "pk"))
    rows = q.editor_rows(tree, indicators, ids, versions)
    context = {
        "cy": cluster_year,
        "draft": draft,
        "rows": rows,
        "problems": [_sentence(p) for p in criteria_edit.criteria_set_problems(draft)],
        "errors": errors or [],
        "total_form": total_form or TotalForm(initial={"declared_total": q.typed(draft.declared_total)}),
        "import_form": import_form or CriteriaImportForm(),
        "import_problems": import_problems or [],
        "has_groups": any(r.kind == "group" for r in rows),
        **_preview_view(draft),
    }
    return render(request, "web/scoring/criteria_editor.html", context, status=status)


def _wired(form: CriterionForm, cy_id: int) -> CriterionForm:
    """The kind and method choices swap in the method's own fields (htmx, keeping what was typed)."""
    swap = {
        "hx-get": reverse("web:criteria_method_fields", args=[cy_id]),
        "hx-include": "closest form",
        "hx-target": "#method-fields",
        "hx-swap": "innerHTML",
        # its own queue: the form's check (hx-sync on the form, inherited) must not cancel the swap
        "hx-sync": "this:replace",
    }
    for name in ("kind", "method"):
        form.fields[name].widget.attrs.update(swap)
    return form


def _criterion_page(
    request: HttpRequest,
    cluster_year: ClusterYear,
    draft: CriteriaSet,
    form: CriterionForm,
    *,
    criterion: Criterion | None,
    status: int = 200,
    errors: list[str] | None = None,
) -> HttpResponse:
    context = {
        "cy": cluster_year,
        "draft": draft,
        "form": _wired(form, cluster_year.pk),
        "criterion": criterion,
        "errors": errors or [],
        "field_labels": FIELD_LABELS,
        "formula_names": q.formula_names(q.indicator_names(cluster_year)),
        "check_url": reverse("web:criteria_check", args=[cluster_year.pk])
        + (f"?tieu-chi={criterion.pk}" if criterion is not None else ""),
    }
    return render(request, "web/scoring/criteria_form.html", context, status=status)


def _apply_problems(form: CriterionForm, exc: ValidationFailed) -> list[str]:
    """Put each problem on its field; return those that belong to no field shown."""
    loose = []
    shown = set(COMMON_FIELDS) | set(form.method_fields())
    for problem in exc.problems:
        field = problem.field or ""
        label = FIELD_LABELS.get(field, "")
        message = problem.message
        if label and message.startswith(f"{label}: "):
            message = message[len(label) + 2 :]
        if field in shown and field != "bands" and field in form.fields:
            form.add_error(field, _sentence(message))
        elif field == "bands" and "bands" in shown:
            form.add_error(None, f"{FIELD_LABELS['bands']}: {message}")
        else:
            loose.append(_sentence(problem.message))
    return loose


@require_http_methods(["GET", "POST"])
def criterion_new(request: HttpRequest, cy_id: int) -> HttpResponse:
    """Add a group (?loai=nhom) or a criterion (?nhom=<code of its group>) to the draft."""
    cluster_year, draft = _get_draft_for_manager(request, cy_id)
    indicators = q.indicator_names(cluster_year)
    if request.method == "POST":
        form = CriterionForm(request.POST, groups=_groups(draft), indicators=indicators)
        try:
            criterion = criteria_edit.criterion_add(
                actor=request.user, criteria_set=draft, fields=form.to_input()
            )
        except NotPermitted as exc:
            return _forbidden(request, exc)
        except ValidationFailed as exc:
            loose = _apply_problems(form, exc)
            return _criterion_page(
                request, cluster_year, draft, form, criterion=None, status=REFUSED, errors=loose
            )
        messages.success(
            request, f"Đã thêm {criterion.get_kind_display().lower()} {criterion.code} – {criterion.name}."
        )
        return redirect(_editor_url(cy_id))
    group = request.GET.get("loai") == "nhom"
    start = input_from_item(
        {"kind": "group" if group else "score", "code": "", "name": "", "max_points": ""},
        parent=request.GET.get("nhom", ""),
    )
    form = CriterionForm(groups=_groups(draft), indicators=indicators, initial=start)
    return _criterion_page(request, cluster_year, draft, form, criterion=None)


@require_http_methods(["GET", "POST"])
def criterion_edit(request: HttpRequest, cy_id: int, crit_id: int) -> HttpResponse:
    cluster_year, draft, criterion = _get_criterion_for_manager(request, cy_id, crit_id)
    indicators = q.indicator_names(cluster_year)
    groups = _groups(draft, editing=criterion)
    if request.method == "POST":
        form = CriterionForm(request.POST, groups=groups, indicators=indicators)
        try:
            criteria_edit.criterion_edit(
                actor=request.user, criterion=criterion, fields=form.to_input(), version=form.read_version()
            )
        except NotPermitted as exc:
            return _forbidden(request, exc)
        except ValidationFailed as exc:
            loose = _apply_problems(form, exc)
            return _criterion_page(
                request, cluster_year, draft, form, criterion=criterion, status=REFUSED, errors=loose
            )
        messages.success(request, f"Đã lưu {criterion.code}.")
        return redirect(_editor_url(cy_id))
    item = next(item for parent, item in q.flat_tree(criteria_tree(draft)) if item["code"] == criterion.code)
    parent = criterion.parent.code if criterion.parent is not None else ""
    form = CriterionForm(
        groups=groups,
        indicators=indicators,
        initial=input_from_item(item, parent=parent, indicators=indicators),
        version=criteria_edit.criterion_version(criterion),
    )
    return _criterion_page(request, cluster_year, draft, form, criterion=criterion)


@require_POST
def criterion_move(request: HttpRequest, cy_id: int, crit_id: int) -> HttpResponse:
    cluster_year, draft, criterion = _get_criterion_for_manager(request, cy_id, crit_id)
    version = request.POST.get("version", "")
    try:
        criteria_edit.criterion_move(
            actor=request.user,
            criterion=criterion,
            up=request.POST.get("huong") == "len",
            version=int(version) if version.isdigit() else None,
        )
    except NotPermitted as exc:
        return _forbidden(request, exc)
    except ValidationFailed as exc:
        return _render_editor(
            request, cluster_year, draft, status=REFUSED, errors=[_sentence(p.message) for p in exc.problems]
        )
    return redirect(_editor_url(cy_id))


@require_POST
def criterion_delete(request: HttpRequest, cy_id: int, crit_id: int) -> HttpResponse:
    cluster_year, draft, criterion = _get_criterion_for_manager(request, cy_id, crit_id)
    version = request.POST.get("version", "")
    try:
        criteria_edit.criterion_delete(
            actor=request.user, criterion=criterion, version=int(version) if version.isdigit() else None
        )
    except NotPermitted as exc:
        return _forbidden(request, exc)
    except ValidationFailed as exc:
        return _render_editor(
            request, cluster_year, draft, status=REFUSED, errors=[_sentence(p.message) for p in exc.problems]
        )
    messages.success(request, f"Đã xóa {criterion.code} – {criterion.name}.")
    return redirect(_editor_url(cy_id))


@require_POST
def criteria_total(request: HttpRequest, cy_id: int) -> HttpResponse:
    cluster_year, draft = _get_draft_for_manager(request, cy_id)
    form = TotalForm(request.POST)
    if form.is_valid():
        try:
            criteria_edit.criteria_set_total_set(
                actor=request.user, criteria_set=draft, declared_total=form.cleaned_data["declared_total"]
            )
        except NotPermitted as exc:
            return _forbidden(request, exc)
        except ValidationFailed as exc:
            for problem in exc.problems:
                form.add_error("declared_total", _sentence(problem.message))
        else:
            messages.success(request, "Đã lưu tổng điểm khai báo.")
            return redirect(_editor_url(cy_id))
    return _render_editor(request, cluster_year, draft, status=REFUSED, total_form=form)


@require_POST
def criteria_import_xlsx(request: HttpRequest, cy_id: int) -> HttpResponse:
    cluster_year, draft = _get_draft_for_manager(request, cy_id)
    form = CriteriaImportForm(request.POST, request.FILES)
    problems: list[str] = []
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            criteria_import(
                actor=request.user, criteria_set=draft, filename=upload.name or "", data=upload.read()
            )
        except NotPermitted as exc:
            return _forbidden(request, exc)
        except ValidationFailed as exc:
            problems = [str(p) for p in exc.problems]
        else:
            messages.success(request, "Đã nhập bộ tiêu chí từ tệp Excel.")
            return redirect(_editor_url(cy_id))
    return _render_editor(
        request, cluster_year, draft, status=REFUSED, import_form=form, import_problems=problems
    )


# --- htmx: the method's fields, the check as one types --------------------------------------------------------


@require_GET
def criteria_method_fields(request: HttpRequest, cy_id: int) -> HttpResponse:
    """The fields of the method (and kind) chosen, keeping what was typed: swapped into the form."""
    cluster_year, draft = _get_draft_for_manager(request, cy_id)
    form = CriterionForm(request.GET, groups=_groups(draft), indicators=q.indicator_names(cluster_year))
    context = {
        "form": _wired(form, cluster_year.pk),
        "cy": cluster_year,
        "formula_names": q.formula_names(q.indicator_names(cluster_year)),
    }
    return render(request, "web/scoring/criteria_method_fields.html", context)


@require_POST
def criteria_check(request: HttpRequest, cy_id: int) -> HttpResponse:
    """The form's fields checked without writing: the problems by field (each also swapped next to its
    field) and, for a valid criterion, the points each of last year's members would get with it."""
    cluster_year, draft = _get_draft_for_manager(request, cy_id)
    editing = Criterion.objects.filter(criteria_set=draft, pk=request.GET.get("tieu-chi") or 0).first()
    indicators = q.indicator_names(cluster_year)
    form = CriterionForm(request.POST, groups=_groups(draft, editing), indicators=indicators)
    checked = criteria_edit.criterion_check(criteria_set=draft, fields=form.to_input(), editing=editing)
    by_field = {field: [_sentence(m) for m in messages_] for field, messages_ in checked.by_field().items()}
    shown = list(COMMON_FIELDS) + [f for f in form.method_fields() if f != "bands"]
    if "bands" in form.method_fields():
        shown.append("bands")
    table = None
    no_data = False
    previous = None
    if checked.item is not None and checked.item["kind"] != "group":
        preview = last_year_preview(draft, [checked.item])
        previous = preview.previous
        no_data = not preview.has_data
        if preview.result is not None:
            table = q.criterion_preview(preview.result, indicators)
    context = {
        "cy": cluster_year,
        "problems": [
            (FIELD_LABELS.get(field, ""), message) for field, msgs in by_field.items() for message in msgs
        ],
        "errors": [(field, by_field.get(field, [])) for field in shown],
        "checked": checked,
        "table": table,
        "previous": previous,
        "no_data": no_data,
        "is_group": form.value("kind") == "group",
        "method_fields": METHOD_FIELDS,
    }
    return render(request, "web/scoring/criteria_check.html", context)
