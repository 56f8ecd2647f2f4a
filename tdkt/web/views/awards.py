"""Titles and commendations: a person's history and what they qualify for next, a unit's candidates per
title, the collective's titles and verdicts, the Excel import of award history, the board's parameter
overrides and the bulk evaluation with its progress bar.

Who sees what (docs/architecture.md, Scopes): people are personal data — a person's page, a unit's people
and candidates and the collective's verdicts are for the board and the unit's own staff (and the staff of
its successor); everyone else gets 404. A collective's titles received are public (decisions are
published). The parameter page is read by any logged-in account and changed by the board only (403 for
others); the bulk evaluation is the board's (404 for others).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods

from tdkt.awards import catalogue, engine, rulepacks, xlsx_import, xlsx_template
from tdkt.awards.models import EvaluationJob, ParameterOverride
from tdkt.awards.selectors import (
    PERSON_TITLES,
    collective_verdicts,
    default_cycle,
    jobs_for,
    leadership_records,
    override_rows_in_force,
    person_default_cycle,
    person_history,
    person_verdicts,
    person_visible,
    predecessor_sources,
    unit_default_cycle,
    unit_people_visible,
)
from tdkt.awards.selectors import unit_awards as awards_of_unit
from tdkt.awards.selectors import unit_candidates as candidates_of_unit
from tdkt.awards.services import (
    evaluation_job_start,
    parameter_override_reset,
    parameter_override_set,
)
from tdkt.awards.verdicts import BARRED, ELIGIBLE, NOT_YET, Verdict
from tdkt.clusters.scopes import Viewer, viewer_for
from tdkt.core.errors import NotPermitted, ValidationFailed
from tdkt.org.models import Person, Unit
from tdkt.org.selectors import unit_history_ids
from tdkt.org.services import person_create
from tdkt.web.forms_awards import AwardsImportForm, EvaluationForm, OverrideForm, PersonForm

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
REFUSED = 400
MIN_YEAR = 1975
OUTCOME_ORDER = {ELIGIBLE: 0, NOT_YET: 1, BARRED: 2}


# --- lookups that 404 --------------------------------------------------------------------------------------


def _get_person_for_user(request: HttpRequest, person_id: int) -> tuple[Person, Viewer]:
    viewer = viewer_for(request.user)
    person = Person.objects.filter(pk=person_id).first()
    if person is None or not person_visible(viewer, person):
        raise Http404("Không tìm thấy cán bộ.")
    return person, viewer


def _get_unit(unit_id: int) -> Unit:
    unit = Unit.objects.select_related("parent").filter(pk=unit_id).first()
    if unit is None:
        raise Http404("Không tìm thấy đơn vị.")
    return unit


def _get_unit_people_for_user(request: HttpRequest, unit_id: int) -> tuple[Unit, Viewer]:
    viewer = viewer_for(request.user)
    unit = _get_unit(unit_id)
    if not unit_people_visible(viewer, unit):
        raise Http404("Không tìm thấy đơn vị.")
    return unit, viewer


def _board(request: HttpRequest) -> Viewer:
    viewer = viewer_for(request.user)
    if not viewer.is_board:
        raise Http404("Không tìm thấy trang.")
    return viewer


def _cycle(request: HttpRequest, default: int) -> int:
    text = request.GET.get("nam", "")
    last = timezone.localdate().year + 1
    if text.isdigit() and MIN_YEAR <= int(text) <= last:
        return int(text)
    return default


def _forbidden(request: HttpRequest, exc: NotPermitted) -> HttpResponse:
    return render(
        request, "web/work/forbidden.html", {"message": exc.message, "back_url": request.path}, status=403
    )


# --- verdicts as shown ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VerdictView:
    verdict: Verdict
    title: catalogue.Title
    outcome_label: str

    @property
    def outcome(self) -> str:
        return self.verdict.outcome


def verdict_views(verdicts: tuple[Verdict, ...] | list[Verdict]) -> list[VerdictView]:
    """Eligible first, then not yet, then barred; catalogue order within each."""
    views = [VerdictView(v, catalogue.title(v.title), engine.OUTCOME_NAMES[v.outcome]) for v in verdicts]
    return sorted(views, key=lambda v: (OUTCOME_ORDER.get(v.outcome, 9), v.title.index))


def _cycles_around(cycle: int) -> list[int]:
    this_year = timezone.localdate().year
    return list(range(min(cycle, this_year) - 4, this_year + 1))


# --- a person ---------------------------------------------------------------------------------------------


@require_GET
def person(request: HttpRequest, person_id: int) -> HttpResponse:
    the_person, viewer = _get_person_for_user(request, person_id)
    cycle = _cycle(request, person_default_cycle(the_person))
    history = person_history(the_person)
    views = verdict_views(person_verdicts(the_person, cycle))
    context = {
        "person": the_person,
        "history": history,
        "cycle": cycle,
        "cycles": _cycles_around(cycle),
        "verdicts": views,
        "eligible": [v for v in views if v.outcome == ELIGIBLE],
        "not_yet": [v for v in views if v.outcome == NOT_YET],
        "barred": [v for v in views if v.outcome == BARRED],
        "titles": catalogue.CATALOGUE,
        "viewer": viewer,
    }
    return render(request, "web/awards/person.html", context)


# --- a unit -----------------------------------------------------------------------------------------------


@require_GET
def unit_awards(request: HttpRequest, unit_id: int) -> HttpResponse:
    """The collective's titles received (public) and, for the board and its staff, its own verdicts."""
    unit = _get_unit(unit_id)
    viewer = viewer_for(request.user)
    sees = unit_people_visible(viewer, unit)
    cycle = _cycle(request, unit_default_cycle(unit))
    history = unit_history_ids(unit)
    context: dict[str, Any] = {
        "unit": unit,
        "awards": unit_awards_list(unit),
        "leads": leadership_records(history, predecessor_sources(unit, history)),
        "sees": sees,
        "cycle": cycle,
        "cycles": _cycles_around(cycle),
        "titles": catalogue.CATALOGUE,
    }
    if sees:
        context["verdicts"] = verdict_views(collective_verdicts(unit, cycle))
    return render(request, "web/awards/unit.html", context)


def unit_awards_list(unit: Unit) -> list[dict[str, Any]]:
    return [
        {
            "award": award,
            "unit": owner,
            "inherited": owner.pk != unit.pk,
            "title": catalogue.CATALOGUE.get(award.title),
        }
        for award, owner in awards_of_unit(unit)
    ]


@require_GET
def unit_candidates(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit, viewer = _get_unit_people_for_user(request, unit_id)
    cycle = _cycle(request, default_cycle())
    candidates = candidates_of_unit(unit, cycle)
    context = {
        "unit": unit,
        "cycle": cycle,
        "cycles": _cycles_around(cycle),
        "candidates": candidates,
        "titles": catalogue.CATALOGUE,
        "person_titles": PERSON_TITLES,
        "rows": [(p, [candidates.verdict(p, t) for t in PERSON_TITLES]) for p in candidates.people],
        "viewer": viewer,
    }
    return render(request, "web/awards/candidates.html", context)


@require_http_methods(["GET", "POST"])
def person_new(request: HttpRequest, unit_id: int) -> HttpResponse:
    """Add a person to a unit (the board, or the unit's staff)."""
    unit, _viewer = _get_unit_people_for_user(request, unit_id)
    form = PersonForm(request.POST or None)
    problems = []
    status = 200
    if request.method == "POST":
        status = REFUSED
        if form.is_valid():
            data = form.cleaned_data
            try:
                created = person_create(
                    actor=request.user,
                    full_name=data["full_name"],
                    gender=data["gender"],
                    unit=unit,
                    start=data["start"],
                    position=data["position"],
                    code=data["code"],
                    date_of_birth=data["date_of_birth"],
                    recruited_on=data["recruited_on"],
                )
            except NotPermitted as exc:
                return _forbidden(request, exc)
            except ValidationFailed as exc:
                problems = exc.problems
            else:
                messages.success(request, f"Đã thêm {created.full_name} vào {unit.name}.")
                return redirect("web:person", person_id=created.pk)
    return render(
        request,
        "web/awards/person_new.html",
        {"unit": unit, "form": form, "problems": problems},
        status=status,
    )


# --- Excel import -----------------------------------------------------------------------------------------


def _importer(request: HttpRequest) -> Viewer:
    viewer = viewer_for(request.user)
    if not viewer.is_board and viewer.unit_id is None:
        raise Http404("Không tìm thấy trang.")
    return viewer


@login_required
@require_http_methods(["GET", "POST"])
def import_awards(request: HttpRequest) -> HttpResponse:
    """Upload an award-history sheet: every row written, or none and a table of problems."""
    viewer = _importer(request)
    posted = request.method == "POST"
    form = AwardsImportForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        max_bytes=xlsx_import.MAX_IMPORT_BYTES,
        prefix="nhap",
        initial={"kind": request.GET.get("loai", "ca_nhan")},
    )
    problems = []
    status = 200
    if posted:
        status = REFUSED
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                result = xlsx_import.awards_import(
                    actor=request.user,
                    kind=form.cleaned_data["kind"],
                    filename=upload.name or "",
                    data=upload.read(),
                )
            except NotPermitted as exc:
                return _forbidden(request, exc)
            except ValidationFailed as exc:
                problems = exc.problems
            else:
                _import_message(request, result)
                return redirect(f"{reverse('web:awards_import')}?loai={result.kind}&xong=1")
    own = Unit.objects.filter(pk=viewer.unit_id).first() if viewer.unit_id else None
    context = {
        "form": form,
        "problems": problems,
        "templates": [
            (s.key, s.label)
            for s in (xlsx_import.INDIVIDUALS, xlsx_import.COLLECTIVES, xlsx_import.INITIATIVES)
        ],
        "own_unit": own,
        "viewer": viewer,
        "max_bytes": xlsx_import.MAX_IMPORT_BYTES,
        "done": request.GET.get("xong") == "1",
    }
    return render(request, "web/awards/import.html", context, status=status)


def _import_message(request: HttpRequest, result: xlsx_import.ImportResult) -> None:
    if result.written == 0:
        messages.info(request, f"Tệp không có gì mới: {result.unchanged} dòng trùng với dữ liệu đã lưu.")
        return
    parts = [
        f"{n} {label}"
        for n, label in (
            (result.ratings, "xếp loại"),
            (result.awards, "khen thưởng"),
            (result.initiatives, "sáng kiến"),
        )
        if n
    ]
    messages.success(request, f"Đã nhập {', '.join(parts)} của {', '.join(result.units)}.")


@login_required
@require_GET
def import_template(request: HttpRequest, kind: str) -> HttpResponseBase:
    viewer = _importer(request)
    if kind not in xlsx_import.SHAPES:
        raise Http404("Không có mẫu này.")
    data = xlsx_template.awards_template(kind=kind, viewer=viewer)
    return FileResponse(
        io.BytesIO(data),
        as_attachment=True,
        filename=xlsx_template.template_filename(kind),
        content_type=XLSX,
    )


# --- the board's parameters -------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def parameters(request: HttpRequest) -> HttpResponse:
    """The rules with parameters in force for a cycle, the board's overrides and their history."""
    viewer = viewer_for(request.user)
    if viewer.is_public:
        raise Http404("Không tìm thấy trang.")
    cycle = _cycle(request, default_cycle())
    form = OverrideForm(request.POST or None, initial={"cycle_from": cycle})
    problems = []
    status = 200
    if request.method == "POST":
        if not viewer.is_board:
            return _forbidden(
                request, NotPermitted("Chỉ Ban Thi đua – Khen thưởng tỉnh được điều chỉnh tham số quy tắc")
            )
        status = REFUSED
        if form.is_valid():
            data = form.cleaned_data
            try:
                if data["action"] == "reset":
                    parameter_override_reset(
                        actor=request.user,
                        rule_id=data["rule_id"],
                        param=data["param"],
                        cycle_from=data["cycle_from"],
                        cycle_to=data["cycle_to"],
                        reason=data["reason"],
                    )
                else:
                    parameter_override_set(
                        actor=request.user,
                        rule_id=data["rule_id"],
                        param=data["param"],
                        value=data["parsed"],
                        cycle_from=data["cycle_from"],
                        cycle_to=data["cycle_to"],
                        reason=data["reason"],
                    )
            except NotPermitted as exc:
                return _forbidden(request, exc)
            except ValidationFailed as exc:
                problems = exc.problems
            else:
                messages.success(request, f"Đã ghi điều chỉnh tham số {data['rule_id']}.{data['param']}.")
                return redirect(f"{reverse('web:awards_parameters')}?nam={data['cycle_from']}")
    pack = rulepacks.pack_for(cycle)
    overrides = override_rows_in_force(cycle)
    in_force = rulepacks.with_overrides(pack, _grouped(overrides) or None, strict=False)
    rules = [
        {
            "rule": rulepacks.describe_rule(rule),
            "rows": {p.name: overrides.get((rule.id, p.name)) for p in rule.params},
        }
        for rule in in_force.rules
        if rule.params
    ]
    context = {
        "cycle": cycle,
        "cycles": _cycles_around(cycle),
        "pack": pack,
        "rules": rules,
        "history": ParameterOverride.objects.select_related("set_by").order_by("-set_at", "-id")[:200],
        "form": form if viewer.is_board else None,
        "problems": problems,
        "viewer": viewer,
    }
    return render(request, "web/awards/parameters.html", context, status=status)


def _grouped(rows: dict[tuple[str, str], ParameterOverride]) -> dict[str, dict[str, Any]]:
    grouped: dict[str, dict[str, Any]] = {}
    for (rule_id, param), row in rows.items():
        grouped.setdefault(rule_id, {})[param] = row.value
    return grouped


# --- the bulk evaluation ------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def jobs(request: HttpRequest) -> HttpResponse:
    viewer = _board(request)
    form = EvaluationForm(request.POST or None, initial={"cycle": default_cycle()})
    problems = []
    status = 200
    if request.method == "POST":
        status = REFUSED
        if form.is_valid():
            scope = Unit.objects.get(pk=form.cleaned_data["scope"])
            try:
                job = evaluation_job_start(actor=request.user, scope=scope, cycle=form.cleaned_data["cycle"])
            except ValidationFailed as exc:
                problems = exc.problems
            else:
                messages.success(request, f"Đã bắt đầu xét danh hiệu năm {job.cycle} cho {scope.name}.")
                return redirect("web:awards_job", job_id=job.pk)
    context = {"form": form, "problems": problems, "jobs": jobs_for(viewer)[:50]}
    return render(request, "web/awards/jobs.html", context, status=status)


@require_GET
def job(request: HttpRequest, job_id: int) -> HttpResponse:
    """A run's progress; htmx polls the same URL for the progress fragment until the run finishes."""
    _board(request)
    the_job = EvaluationJob.objects.select_related("scope", "created_by").filter(pk=job_id).first()
    if the_job is None:
        raise Http404("Không tìm thấy lượt xét.")
    rows = [
        {"title": catalogue.CATALOGUE[code], "counts": the_job.counts.get(code, {})}
        for code in (the_job.titles or list(the_job.counts))
        if code in catalogue.CATALOGUE
    ]
    context = {"job": the_job, "rows": rows}
    if request.headers.get("HX-Request") == "true":
        response = render(request, "web/awards/_job_progress.html", context)
    else:
        response = render(request, "web/awards/job.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response
