"""Titles and commendations: a person's history and what they qualify for next, a unit's candidates per
title, the collective's titles and verdicts, records entered and corrected by hand on those pages, the
Excel import of award history, the board's parameter overrides and the bulk evaluation with its progress
bar.

Records by hand: each form on a person's page (or a collective's) posts to its own URL; the service
validates, and a refusal shows the page again with status 400, the service's Vietnamese message on the
field it names and nothing written. With htmx the forms submit in place (a refusal replaces the page's
block, a success reloads <main> with its message); plain form posts work without it.

Who sees what (docs/architecture.md, Scopes): people are personal data — a person's page, a unit's people
and candidates and the collective's verdicts are for the board and the unit's own staff (and the staff of
its successor); everyone else gets 404. A collective's titles received are public (decisions are
published). The parameter page is read by any logged-in account and changed by the board only (403 for
others); the bulk evaluation is the board's (404 for others).
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tdkt.awards import catalogue, engine, rulepacks, xlsx_candidates, xlsx_import, xlsx_template
from tdkt.awards.catalogue_selectors import entries_by_code, title_short
from tdkt.awards.models import (
    Award,
    EvaluationJob,
    Initiative,
    ParameterOverride,
    PendingReview,
    TaskRating,
)
from tdkt.awards.selectors import (
    PEOPLE_QUERY_MAX,
    PEOPLE_SEARCH_LIMIT,
    PersonHistory,
    award_changes,
    collective_evaluation,
    default_cycle,
    gov_flag_proposals,
    jobs_for,
    leadership_records,
    override_rows_in_force,
    people_search,
    person_cycle_kind_on,
    person_default_cycle,
    person_evaluation,
    person_history,
    person_visible,
    predecessor_sources,
    unit_default_cycle,
    unit_people_visible,
)
from tdkt.awards.selectors import unit_awards as awards_of_unit
from tdkt.awards.selectors import unit_candidates as candidates_of_unit
from tdkt.awards.services import (
    award_correct,
    award_record,
    award_revoke,
    discipline_record,
    evaluation_job_start,
    initiative_record,
    initiative_use,
    may_record_for,
    parameter_override_reset,
    parameter_override_set,
    pending_review_close,
    pending_review_open,
    task_rating_set,
)
from tdkt.awards.subjects import CYCLE_CALENDAR, CYCLE_SCHOOL
from tdkt.awards.verdicts import BARRED, ELIGIBLE, NOT_YET, Verdict
from tdkt.clusters.scopes import Viewer, viewer_for
from tdkt.core.audit import Actor
from tdkt.core.errors import NotPermitted, Problem, ValidationFailed
from tdkt.dossiers.selectors import proposed_people
from tdkt.movements.selectors import registered_titles
from tdkt.org.models import Person, Unit
from tdkt.org.selectors import unit_history_ids
from tdkt.org.services import person_create, unit_emulation_set
from tdkt.web.awards.forms import (
    AwardCorrectForm,
    AwardForm,
    AwardRevokeForm,
    AwardsImportForm,
    DisciplineForm,
    EvaluationForm,
    GovFlagForm,
    InitiativeForm,
    InitiativeUseForm,
    OverrideForm,
    PendingCloseForm,
    PendingOpenForm,
    PersonForm,
    RatingForm,
    RecordForm,
    UnitEmulationForm,
    collective_title_choices,
    individual_title_choices,
)

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


def _forbidden(request: HttpRequest, exc: NotPermitted, back_url: str = "") -> HttpResponse:
    return render(
        request,
        "web/movements/forbidden.html",
        {"message": exc.message, "back_url": back_url or request.path},
        status=403,
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
    return sorted(views, key=lambda v: (OUTCOME_ORDER.get(v.outcome, 9), catalogue.TITLE_ORDER[v.title.code]))


def _cycles_around(cycle: int) -> list[int]:
    this_year = timezone.localdate().year
    return list(range(min(cycle, this_year) - 4, this_year + 1))


def _cycle_options(cycle: int, kind: str = CYCLE_CALENDAR) -> list[dict[str, Any]]:
    """The cycle picker's years, labelled as the subject counts them: "2024" or "2024–2025"."""
    return [
        {"year": year, "label": f"{year}–{year + 1}" if kind == CYCLE_SCHOOL else str(year)}
        for year in _cycles_around(cycle)
    ]


def _done(request: HttpRequest, url: str, message: str) -> HttpResponse:
    """After a write: back to the page, whose verdicts now reflect it. A plain form is redirected; an htmx
    one is told to load the page into <main> (a redirect would be followed inside the XHR, unseen)."""
    messages.success(request, message)
    if request.headers.get("HX-Request") == "true":
        response = HttpResponse(status=204)
        response["HX-Location"] = json.dumps(
            {"path": url, "target": "#main", "select": "#main", "swap": "outerHTML show:window:top"}
        )
        return response
    return redirect(url)


def _refused(form: RecordForm, problems: list[Problem] | None = None) -> None:
    """Attach the service's problems to the form's fields and focus the first field in error."""
    if problems:
        form.apply(problems)
    for name in form.errors:
        if name in form.fields:
            form.fields[name].widget.attrs["autofocus"] = True
            break


def _page_url(name: str, pk: int, cycle: int) -> str:
    return f"{reverse(f'web:{name}', args=[pk])}?nam={cycle}"


# --- a person ---------------------------------------------------------------------------------------------

PERSON_FORMS: dict[str, type[RecordForm]] = {
    f.action: f
    for f in (
        RatingForm,
        AwardForm,
        InitiativeForm,
        InitiativeUseForm,
        DisciplineForm,
        PendingOpenForm,
        PendingCloseForm,
    )
}
UNIT_FORMS: dict[str, type[RecordForm]] = {
    f.action: f
    for f in (RatingForm, AwardForm, DisciplineForm, PendingOpenForm, PendingCloseForm, UnitEmulationForm)
}


def _person_school_year(person: Person) -> bool:
    return person_cycle_kind_on(person, timezone.localdate()) == CYCLE_SCHOOL


def _person_form(action: str, person: Person, school_year: bool, data: QueryDict | None = None) -> RecordForm:
    initiatives = Initiative.objects.filter(person=person).select_related("used_by").order_by("cycle", "id")
    awards = Award.objects.filter(person=person, revoked_on__isnull=True).order_by("cycle", "id")
    kwargs: dict[str, Any] = {"data": data, "prefix": action, "school_year": school_year}
    if action == AwardForm.action:
        return AwardForm(titles=individual_title_choices(), initiatives=initiatives, **kwargs)
    if action == InitiativeForm.action:
        return InitiativeForm(awards=awards, **kwargs)
    if action == InitiativeUseForm.action:
        return InitiativeUseForm(initiatives=initiatives, awards=awards, **kwargs)
    if action == PendingCloseForm.action:
        return PendingCloseForm(
            reviews=PendingReview.objects.filter(person=person, until__isnull=True), **kwargs
        )
    if action == RatingForm.action:
        return RatingForm(ratings=TaskRating.objects.filter(person=person), **kwargs)
    return PERSON_FORMS[action](**kwargs)


@dataclass(frozen=True)
class FormSlot:
    """A form as a page shows it: where it posts and the line it sits under."""

    form: RecordForm
    url: str
    summary: str = ""


def _correction_forms(
    awards: list[Award],
    titles: list[tuple[str, str]],
    bound: RecordForm | None,
    *,
    cycle: int,
    page_unit: Unit | None = None,
) -> list[FormSlot]:
    """Per award still in force, the board's correction and revocation forms (the bound one as posted)."""
    query = f"?nam={cycle}" + (f"&don_vi={page_unit.pk}" if page_unit is not None else "")
    slots: list[FormSlot] = []
    for award in awards:
        if award.revoked_on is not None:
            continue
        what = f"{_short(award.title)} năm {award.cycle} ({award.decision_no})"
        for action, form in (
            ("dinh-chinh", AwardCorrectForm(award=award, titles=titles, prefix=f"dc{award.pk}")),
            ("huy-bo", AwardRevokeForm(prefix=f"hb{award.pk}")),
        ):
            shown = bound if bound is not None and bound.prefix == form.prefix else form
            url = reverse("web:award_change", args=[award.pk, action]) + query
            slots.append(FormSlot(shown, url, f"{form.summary} {what}"))
    return slots


def _render_person(
    request: HttpRequest,
    person: Person,
    viewer: Viewer,
    cycle: int,
    *,
    bound: RecordForm | None = None,
    status: int = 200,
) -> HttpResponse:
    history = person_history(person)
    evaluation = person_evaluation(person, cycle)
    views = verdict_views(evaluation.verdicts)
    records = may_record_for(viewer, person=person) and not viewer.is_public
    school_year = _person_school_year(person)
    forms = []
    if records:
        for action in PERSON_FORMS:
            if (bound is None or bound.prefix != action) and not _applies(action, history):
                continue
            form = (
                bound
                if bound is not None and bound.prefix == action
                else _person_form(action, person, school_year)
            )
            url = reverse("web:person_record", args=[person.pk, action]) + f"?nam={cycle}"
            forms.append(FormSlot(form, url))
    context = {
        "person": person,
        "history": history,
        "cycle": cycle,
        "evaluation": evaluation,
        "cycles": _cycle_options(cycle, evaluation.cycle_kind),
        "school_cycles": evaluation.school_year,
        "verdicts": views,
        "eligible": [v for v in views if v.outcome == ELIGIBLE],
        "not_yet": [v for v in views if v.outcome == NOT_YET],
        "barred": [v for v in views if v.outcome == BARRED],
        "titles": entries_by_code(),
        "viewer": viewer,
        "record_forms": forms,
        "open_form": bound.prefix if bound is not None else "",
        # the staff of a unit the person left see the person, not the candidates of the unit they are in now
        "current_unit_linked": history.current is not None
        and unit_people_visible(viewer, history.current.unit),
        "changes": award_changes(a.pk for a in history.awards),
        "corrections": _correction_forms(history.awards, individual_title_choices(), bound, cycle=cycle)
        if viewer.is_board
        else [],
    }
    return render(request, "web/awards/person.html", context, status=status)


def _applies(action: str, history: PersonHistory) -> bool:
    """Forms that would offer an empty list are left out: marking an initiative used needs an initiative
    and an award, closing a review needs an open one."""
    if action == InitiativeUseForm.action:
        return bool(history.initiatives) and any(a.revoked_on is None for a in history.awards)
    if action == PendingCloseForm.action:
        return any(p.until is None for p in history.pending)
    return True


@login_required
@require_GET
def people(request: HttpRequest) -> HttpResponse:
    """Find a person by name or code, typed with or without diacritics, among the people the viewer may
    see (the board: everyone; a unit's staff: the people of their unit and of the units it succeeded). The
    same URL answers htmx with the results alone."""
    viewer = viewer_for(request.user)
    query = request.GET.get("q", "").strip()[:PEOPLE_QUERY_MAX]
    hits = people_search(viewer, query) if query else []
    context = {"query": query, "hits": hits, "viewer": viewer, "limit": PEOPLE_SEARCH_LIMIT}
    template = "web/awards/_people_results.html" if request.headers.get("HX-Request") == "true" else None
    response = render(request, template or "web/awards/people.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_GET
def person(request: HttpRequest, person_id: int) -> HttpResponse:
    the_person, viewer = _get_person_for_user(request, person_id)
    return _render_person(request, the_person, viewer, _cycle(request, person_default_cycle(the_person)))


@login_required
@require_POST
def person_record(request: HttpRequest, person_id: int, action: str) -> HttpResponse:
    """Enter one record of a person by hand: a rating, an award, an initiative and what used it, a
    discipline, a pending review opened or closed. The board, or the staff of the person's units (anyone
    else does not see the person: 404). Refused input: the page again, status 400, the service's message on
    the field, nothing written."""
    the_person, viewer = _get_person_for_user(request, person_id)
    if action not in PERSON_FORMS:
        raise Http404("Không có thao tác này.")
    cycle = _cycle(request, person_default_cycle(the_person))
    form = _person_form(action, the_person, _person_school_year(the_person), request.POST)
    if form.is_valid():
        try:
            message, at = _person_write(action, request.user, the_person, form.cleaned_data)
        except NotPermitted as exc:
            return _forbidden(request, exc, reverse("web:person", args=[the_person.pk]))
        except ValidationFailed as exc:
            _refused(form, exc.problems)
        else:
            return _done(request, _page_url("person", the_person.pk, at or cycle), message)
    else:
        _refused(form)
    return _render_person(request, the_person, viewer, cycle, bound=form, status=REFUSED)


def _person_write(action: str, actor: Actor, person: Person, data: dict[str, Any]) -> tuple[str, int | None]:
    """Call the service of one form; (the message shown, the cycle the page then opens on)."""
    return _record_write(action, actor, data, person.full_name, person=person)


def _record_write(
    action: str,
    actor: Actor,
    data: dict[str, Any],
    name: str,
    *,
    person: Person | None = None,
    unit: Unit | None = None,
) -> tuple[str, int | None]:
    """The records a person and a collective share (rating, award, discipline, pending review), plus a
    person's initiatives; the caller names exactly one subject."""
    subject: dict[str, Any] = {"person": person} if person is not None else {"unit": unit}
    if action == RatingForm.action:
        rating = task_rating_set(
            actor=actor,
            **subject,
            cycle=data["cycle"],
            rating=data["rating"],
            note=data["note"],
            version=data["versions"].get(data["cycle"], 0),
        )
        return f"Đã ghi xếp loại năm {rating.cycle} của {name}: {rating.get_rating_display()}.", rating.cycle
    if action == AwardForm.action:
        own: dict[str, Any] = {}
        if person is not None:  # the basis and the initiatives used are a person's
            own = {"basis": data["basis"], "initiatives": list(data["initiatives"])}
        award = award_record(
            actor=actor,
            **subject,
            title=data["title"],
            cycle=data["cycle"],
            period_start=data["period_start"],
            decision_no=data["decision_no"],
            decision_date=data["decision_date"],
            authority=data["authority"],
            kind=data["kind"],
            note=data["note"],
            **own,
        )
        return (
            f"Đã ghi {_short(award.title)} năm {award.cycle} của {name} ({award.decision_text}).",
            award.cycle,
        )
    if action == InitiativeForm.action and person is not None:
        initiative = initiative_record(
            actor=actor,
            person=person,
            name=data["name"],
            scope=data["scope"],
            recognised_on=data["recognised_on"],
            cycle=data["cycle"],
            recognised_by=data["recognised_by"],
            used_by=data["used_by"],
            note=data["note"],
        )
        return f"Đã ghi sáng kiến “{initiative.name}” của {name}.", initiative.cycle
    if action == InitiativeUseForm.action and person is not None:
        initiative = initiative_use(actor=actor, initiative=data["initiative"], award=data["used_by"])
        award = data["used_by"]
        return (
            f"Đã ghi sáng kiến “{initiative.name}” làm căn cứ cho {_short(award.title)} năm {award.cycle}.",
            award.cycle,
        )
    if action == DisciplineForm.action:
        discipline = discipline_record(
            actor=actor,
            **subject,
            level=data["level"],
            start=data["start"],
            end=data["end"],
            decision_no=data["decision_no"],
            note=data["note"],
        )
        return f"Đã ghi kỷ luật {discipline.get_level_display().lower()} của {name}.", None
    if action == PendingOpenForm.action:
        review = pending_review_open(
            actor=actor, **subject, kind=data["kind"], since=data["since"], note=data["note"]
        )
        return f"Đã ghi: {review.get_kind_display().lower()} – {name}.", None
    if action == PendingCloseForm.action:
        review = pending_review_close(actor=actor, review=data["review"], until=data["until"])
        return f"Đã ghi kết thúc: {review.get_kind_display().lower()} – {name}.", None
    raise Http404("Không có thao tác này.")


def _short(code: str) -> str:
    return title_short(code)


# --- corrections and revocations (the board's) -----------------------------------------------------------


def _get_award_for_user(request: HttpRequest, award_id: int) -> tuple[Award, Viewer]:
    """A person's award is seen by whoever sees the person (else 404); a collective's is public."""
    viewer = viewer_for(request.user)
    award = Award.objects.select_related("person", "unit").filter(pk=award_id).first()
    if award is None or (award.person is not None and not person_visible(viewer, award.person)):
        raise Http404("Không tìm thấy khen thưởng.")
    return award, viewer


def _page_unit(request: HttpRequest, award: Award) -> Unit:
    """The collective's page the form was posted from (a successor's page lists its predecessors' awards)."""
    text = request.GET.get("don_vi", "")
    unit = Unit.objects.select_related("parent").filter(pk=int(text)).first() if text.isdigit() else None
    if unit is None or award.unit_id not in unit_history_ids(unit):
        assert award.unit is not None
        return award.unit
    return unit


@login_required
@require_POST
def award_change(request: HttpRequest, award_id: int, action: str) -> HttpResponse:
    """Correct (`dinh-chinh`) or revoke (`huy-bo`) a recorded award: the board only (403 for the unit's staff,
    who see it), with a reason; the page shows each value before and after."""
    award, viewer = _get_award_for_user(request, award_id)
    if action not in ("dinh-chinh", "huy-bo"):
        raise Http404("Không có thao tác này.")
    correcting = action == "dinh-chinh"
    back = (
        reverse("web:person", args=[award.person.pk])
        if award.person is not None
        else reverse("web:unit_awards", args=[_page_unit(request, award).pk])
    )
    if not viewer.is_board:
        what = "đính chính khen thưởng đã ghi" if correcting else "hủy bỏ quyết định khen thưởng"
        return _forbidden(request, NotPermitted(f"Chỉ Ban Thi đua – Khen thưởng tỉnh được {what}"), back)
    titles = individual_title_choices() if award.person_id is not None else collective_title_choices()
    form: RecordForm = (
        AwardCorrectForm(request.POST, award=award, titles=titles, prefix=f"dc{award.pk}")
        if correcting
        else AwardRevokeForm(request.POST, prefix=f"hb{award.pk}")
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            if isinstance(form, AwardCorrectForm):
                award_correct(
                    actor=request.user,
                    award=award,
                    reason=data["reason"],
                    version=data["version"],
                    **form.changes(),
                )
            else:
                award_revoke(
                    actor=request.user, award=award, revoked_on=data["revoked_on"], reason=data["reason"]
                )
        except NotPermitted as exc:
            return _forbidden(request, exc, back)
        except ValidationFailed as exc:
            _refused(form, exc.problems)
        else:
            award.refresh_from_db()
            done = "Đã đính chính" if correcting else "Đã hủy bỏ"
            message = f"{done} {_short(award.title)} năm {award.cycle} của {award.subject_name}."
            if award.person is not None:
                return _done(request, _page_url("person", award.person.pk, award.cycle), message)
            return _done(
                request, _page_url("unit_awards", _page_unit(request, award).pk, award.cycle), message
            )
    else:
        _refused(form)
    if award.person is not None:
        cycle = _cycle(request, person_default_cycle(award.person))
        return _render_person(request, award.person, viewer, cycle, bound=form, status=REFUSED)
    unit = _page_unit(request, award)
    return _render_unit_awards(
        request, unit, viewer, _cycle(request, unit_default_cycle(unit)), bound=form, status=REFUSED
    )


# --- a unit -----------------------------------------------------------------------------------------------


def _unit_form(action: str, unit: Unit, data: QueryDict | None = None) -> RecordForm:
    kwargs: dict[str, Any] = {"data": data, "prefix": action, "school_year": unit.school_year}
    if action == AwardForm.action:
        return AwardForm(titles=collective_title_choices(), **kwargs)
    if action == PendingCloseForm.action:
        return PendingCloseForm(reviews=PendingReview.objects.filter(unit=unit, until__isnull=True), **kwargs)
    if action == UnitEmulationForm.action:
        kwargs["initial"] = {"cycle_kind": unit.cycle_kind, "armed_forces": unit.armed_forces}
    if action == RatingForm.action:
        return RatingForm(ratings=TaskRating.objects.filter(unit=unit), **kwargs)
    return UNIT_FORMS[action](**kwargs)


def _render_unit_awards(
    request: HttpRequest,
    unit: Unit,
    viewer: Viewer,
    cycle: int,
    *,
    bound: RecordForm | None = None,
    status: int = 200,
) -> HttpResponse:
    sees = unit_people_visible(viewer, unit)
    history = unit_history_ids(unit)
    awards = unit_awards_list(unit)
    context: dict[str, Any] = {
        "unit": unit,
        "awards": awards,
        "leads": leadership_records(history, predecessor_sources(unit, history)),
        "sees": sees,
        "cycle": cycle,
        "cycles": _cycle_options(cycle, CYCLE_SCHOOL if unit.school_year else CYCLE_CALENDAR),
        "school_cycles": unit.school_year,
        "titles": entries_by_code(),
        "viewer": viewer,
        # who corrected what and why: for those who see the collective's records, not the public
        "changes": award_changes(row["award"].pk for row in awards) if sees else {},
        "open_form": bound.prefix if bound is not None else "",
        "record_forms": [],
        "corrections": [],
    }
    if sees:
        evaluation = collective_evaluation(unit, cycle)
        context["evaluation"] = evaluation
        context["verdicts"] = verdict_views(evaluation.verdicts)
    else:
        context["evaluation"] = None
    if not viewer.is_public and may_record_for(viewer, unit=unit):
        open_reviews = PendingReview.objects.filter(unit=unit, until__isnull=True).exists()
        actions = [
            a
            for a in UNIT_FORMS
            if (a != UnitEmulationForm.action or viewer.is_board)
            and (a != PendingCloseForm.action or open_reviews or (bound is not None and bound.prefix == a))
        ]
        context["record_forms"] = [
            FormSlot(
                bound if bound is not None and bound.prefix == a else _unit_form(a, unit),
                reverse("web:unit_record", args=[unit.pk, a]) + f"?nam={cycle}",
            )
            for a in actions
        ]
    if viewer.is_board:
        context["corrections"] = _correction_forms(
            [row["award"] for row in awards], collective_title_choices(), bound, cycle=cycle, page_unit=unit
        )
    return render(request, "web/awards/unit.html", context, status=status)


@require_GET
def unit_awards(request: HttpRequest, unit_id: int) -> HttpResponse:
    """The collective's titles received (public) and, for the board and its staff, its own verdicts and the
    forms to enter its records."""
    unit = _get_unit(unit_id)
    viewer = viewer_for(request.user)
    return _render_unit_awards(request, unit, viewer, _cycle(request, unit_default_cycle(unit)))


@login_required
@require_POST
def unit_record(request: HttpRequest, unit_id: int, action: str) -> HttpResponse:
    """Enter one record of a collective: its rating, an award, a discipline, a pending review; and, for the
    board, how the unit counts its cycles. The board or the unit's own staff; other accounts get 403 (the
    collective's page is public, so refusing does not reveal anything)."""
    unit = _get_unit(unit_id)
    viewer = viewer_for(request.user)
    if action not in UNIT_FORMS:
        raise Http404("Không có thao tác này.")
    back = reverse("web:unit_awards", args=[unit.pk])
    if not may_record_for(viewer, unit=unit):
        return _forbidden(
            request,
            NotPermitted(f"Bạn không có quyền ghi hồ sơ thi đua, khen thưởng của tập thể {unit}"),
            back,
        )
    cycle = _cycle(request, unit_default_cycle(unit))
    form = _unit_form(action, unit, request.POST)
    if form.is_valid():
        try:
            message, at = _unit_write(action, request.user, unit, form.cleaned_data)
        except NotPermitted as exc:
            return _forbidden(request, exc, back)
        except ValidationFailed as exc:
            _refused(form, exc.problems)
        else:
            return _done(request, _page_url("unit_awards", unit.pk, at or cycle), message)
    else:
        _refused(form)
    return _render_unit_awards(request, unit, viewer, cycle, bound=form, status=REFUSED)


def _unit_write(action: str, actor: Actor, unit: Unit, data: dict[str, Any]) -> tuple[str, int | None]:
    if action != UnitEmulationForm.action:
        return _record_write(action, actor, data, unit.name, unit=unit)
    changed = unit_emulation_set(
        actor=actor,
        unit=unit,
        cycle_kind=data["cycle_kind"],
        armed_forces=data["armed_forces"],
        reason=data["reason"],
    )
    armed = ", thuộc lực lượng vũ trang" if changed.armed_forces else ""
    return f"Đã ghi: {unit.name} xét thi đua theo {changed.get_cycle_kind_display().lower()}{armed}.", None


def unit_awards_list(unit: Unit) -> list[dict[str, Any]]:
    rows = awards_of_unit(unit)
    names = entries_by_code(award.title for award, _ in rows)
    return [
        {
            "award": award,
            "unit": owner,
            "inherited": owner.pk != unit.pk,
            "title": names.get(award.title),
        }
        for award, owner in rows
    ]


@require_GET
def unit_candidates(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit, viewer = _get_unit_people_for_user(request, unit_id)
    cycle = _cycle(request, default_cycle())
    candidates = candidates_of_unit(unit, cycle)
    registered = registered_titles(unit, cycle)
    context = {
        "unit": unit,
        "cycle": cycle,
        "cycles": _cycle_options(cycle, candidates.cycle_kind),
        "school_cycles": candidates.cycle_kind == CYCLE_SCHOOL,
        "candidates": candidates,
        "titles": entries_by_code(),
        "person_titles": candidates.titles,
        # each cell: the verdict, and whether the person registered for the title at the year's start
        "rows": [
            (p, [(candidates.verdict(p, t), t in registered.get(p.pk, ())) for t in candidates.titles])
            for p in candidates.people
        ],
        "registered_any": bool(registered),
        "viewer": viewer,
        # one click proposes an eligible person into the unit's draft dossier (web/dossiers)
        "may_propose": viewer.is_staff_of(unit.pk),
        "proposed": proposed_people([unit.pk], cycle),
    }
    return render(request, "web/awards/candidates.html", context)


@require_GET
def unit_candidates_xlsx(request: HttpRequest, unit_id: int) -> FileResponse:
    """The candidates of the page above as an Excel workbook, for the unit's emulation council."""
    unit, _viewer = _get_unit_people_for_user(request, unit_id)
    candidates = candidates_of_unit(unit, _cycle(request, default_cycle()))
    return FileResponse(
        io.BytesIO(xlsx_candidates.candidates_workbook(candidates)),
        as_attachment=True,
        filename=xlsx_candidates.candidates_filename(candidates),
        content_type=XLSX,
    )


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
        "cycles": _cycle_options(cycle),
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


@require_GET
def gov_flag(request: HttpRequest) -> HttpResponse:
    """The board's view of the Government-flag proposals of a province: the collectives that led its clusters
    and blocks in a year, each one's verdict, and how many may be proposed (a share of the leaders, rounded
    as stated)."""
    _board(request)
    form = GovFlagForm(request.GET or None, initial={"cycle": default_cycle()})
    proposals = None
    if form.is_bound and form.is_valid():
        province = Unit.objects.get(pk=form.cleaned_data["scope"])
        proposals = gov_flag_proposals(province, form.cleaned_data["cycle"])
    leaders = []
    if proposals is not None:
        within = set(proposals.quota.within)
        leaders = [
            {
                "leader": leader,
                "verdict": verdict_views([leader.verdict])[0] if leader.verdict else None,
                "within": leader.unit.name in within,
            }
            for leader in proposals.leaders
        ]
    context = {"form": form, "proposals": proposals, "leaders": leaders}
    return render(request, "web/awards/gov_flag.html", context, status=200 if not form.errors else REFUSED)
