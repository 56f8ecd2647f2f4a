"""Proposal dossiers and decisions. A dossier is read by whoever sees it on the pages (its proposer's staff,
its receiver, the assigned specialist; 404 otherwise); writes need a session and its CSRF token and go
through the same services as the pages: a refusal is 422 naming the field (or the line), nothing written.
Signed public decisions are public."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db.models import Prefetch
from django.http import Http404, HttpRequest
from ninja import Router, Schema, Status
from ninja.security import django_auth
from pydantic import Field

from tdkt.api.schemas import WRITE_ERRORS, InputSchema
from tdkt.awards.catalogue_selectors import title_name
from tdkt.clusters.models import ClusterYear
from tdkt.clusters.scopes import viewer_for
from tdkt.core.errors import Problem, ValidationFailed
from tdkt.dossiers import states, tracks
from tdkt.dossiers.models import Dossier, DossierLine
from tdkt.dossiers.selectors import decisions_search, dossier_for, dossiers_for, track_name
from tdkt.dossiers.services import dossier_act, dossier_create, dossier_line_add, dossier_missing
from tdkt.org.models import Person, Unit

router = Router(tags=["dossiers"])


class LineOut(Schema):
    id: int
    position: int
    subject_kind: str
    person_id: int | None
    unit_id: int | None
    name: str
    title: str
    title_name: str
    outcome_when_proposed: str
    verdict_sha256: str
    excluded_reason: str


class StepOut(Schema):
    action: str
    action_label: str
    from_state: str
    to_state: str
    on: dt.date
    reason: str
    due_on: dt.date | None


class DossierOut(Schema):
    id: int
    track: str
    track_name: str
    cycle: int
    subject: str
    proposer_id: int
    proposer: str
    receiver_id: int
    state: str
    state_label: str
    due_on: dt.date | None
    version: int
    missing: list[str]
    lines: list[LineOut]
    steps: list[StepOut]


def _line_out(line: DossierLine) -> LineOut:
    return LineOut(
        id=line.pk,
        position=line.position,
        subject_kind=line.subject_kind,
        person_id=line.person_id,
        unit_id=line.unit_id,
        name=line.person.full_name if line.person else str(line.unit or line.initiative),
        title=line.title,
        title_name=title_name(line.title),
        outcome_when_proposed=line.outcome,
        verdict_sha256=line.verdict_sha256,
        excluded_reason=line.excluded_reason,
    )


def dossier_out(dossier: Dossier) -> DossierOut:
    return DossierOut(
        id=dossier.pk,
        track=dossier.track,
        track_name=track_name(dossier.track),
        cycle=dossier.cycle,
        subject=dossier.subject,
        proposer_id=dossier.proposer_id,
        proposer=dossier.proposer.name,
        receiver_id=dossier.receiver_id,
        state=dossier.state,
        state_label=states.STATE_NAMES[dossier.state],
        due_on=dossier.due_on,
        version=dossier.version,
        missing=dossier_missing(dossier) if dossier.state in states.EDITABLE else [],
        lines=[_line_out(line) for line in dossier.lines.all()],
        steps=[
            StepOut(
                action=s.action,
                action_label=states.ACTION_NAMES[s.action],
                from_state=s.from_state,
                to_state=s.to_state,
                on=s.on,
                reason=s.reason,
                due_on=s.due_on,
            )
            for s in dossier.steps.all()
        ],
    )


def _get(request: HttpRequest, dossier_id: int) -> Dossier:
    dossier = dossier_for(viewer_for(request.user), dossier_id)
    if dossier is None:
        raise Http404
    return dossier


@router.get("/dossiers", response=list[DossierOut], auth=django_auth, summary="Hồ sơ đề nghị khen thưởng")
def dossiers_list(request: HttpRequest, state: str = "", cycle: int | None = None) -> list[DossierOut]:
    rows = dossiers_for(viewer_for(request.user))
    if state:
        rows = rows.filter(state=state)
    if cycle:
        rows = rows.filter(cycle=cycle)
    rows = rows.prefetch_related(
        Prefetch("lines", queryset=DossierLine.objects.select_related("person", "unit", "initiative")),
        "steps",
    )
    return [dossier_out(d) for d in rows[:200]]


@router.get("/dossiers/{dossier_id}", response=DossierOut, auth=django_auth, summary="Một hồ sơ đề nghị")
def dossier_detail(request: HttpRequest, dossier_id: int) -> DossierOut:
    return dossier_out(_get(request, dossier_id))


class DossierIn(InputSchema):
    track: str = Field(max_length=40, description=f"Một trong: {', '.join(tracks.all_tracks())}")
    cycle: int = Field(ge=2000, le=2100)
    subject: str = Field(max_length=300)
    proposer_id: int
    cluster_year_id: int | None = None


@router.post(
    "/dossiers", response={201: DossierOut, **WRITE_ERRORS}, auth=django_auth, summary="Lập hồ sơ đề nghị"
)
def dossiers_post(request: HttpRequest, payload: DossierIn) -> Status[DossierOut]:
    proposer = Unit.objects.filter(pk=payload.proposer_id).first()
    if proposer is None:
        raise Http404
    cluster_year = (
        ClusterYear.objects.filter(pk=payload.cluster_year_id).first() if payload.cluster_year_id else None
    )
    dossier = dossier_create(
        actor=request.user,
        track=payload.track,
        cycle=payload.cycle,
        proposer=proposer,
        subject=payload.subject,
        cluster_year=cluster_year,
    )
    return Status(201, dossier_out(dossier))


class LineIn(InputSchema):
    title: str = Field(max_length=20)
    person_id: int | None = None
    unit_id: int | None = None
    note: str = Field("", max_length=2000)


@router.post(
    "/dossiers/{dossier_id}/lines",
    response={201: DossierOut, **WRITE_ERRORS},
    auth=django_auth,
    summary="Thêm một người hoặc tập thể vào hồ sơ (kèm kết quả xét điều kiện lúc đề nghị)",
)
def dossier_lines_post(request: HttpRequest, dossier_id: int, payload: LineIn) -> Status[DossierOut]:
    dossier = _get(request, dossier_id)
    person = Person.objects.filter(pk=payload.person_id).first() if payload.person_id else None
    unit = Unit.objects.filter(pk=payload.unit_id).first() if payload.unit_id else None
    dossier_line_add(
        actor=request.user, dossier=dossier, title=payload.title, person=person, unit=unit, note=payload.note
    )
    dossier.refresh_from_db()
    return Status(201, dossier_out(dossier))


class ActIn(InputSchema):
    action: str = Field(
        description=f"Một trong: {', '.join(a for a in states.ACTIONS if a != states.DECIDE)}"
    )
    version: int
    reason: str = Field("", max_length=2000)
    specialist_user_id: int | None = None


@router.post(
    "/dossiers/{dossier_id}/actions",
    response={200: DossierOut, **WRITE_ERRORS},
    auth=django_auth,
    summary="Một bước xử lý hồ sơ: gửi, tiếp nhận, trả lại, giao thẩm định, thẩm định, công khai, trình Hội đồng, thống nhất, trình cấp trên",
)
def dossier_actions_post(request: HttpRequest, dossier_id: int, payload: ActIn) -> Status[DossierOut]:
    dossier = _get(request, dossier_id)
    if payload.action == states.DECIDE:
        raise ValidationFailed([Problem("ký quyết định qua trang hoặc API quyết định", field="action")])
    specialist = (
        get_user_model().objects.filter(pk=payload.specialist_user_id).first()
        if payload.specialist_user_id
        else None
    )
    dossier = dossier_act(
        actor=request.user,
        dossier=dossier,
        action=payload.action,
        version=payload.version,
        reason=payload.reason,
        specialist=specialist,
    )
    return Status(200, dossier_out(dossier))


class DecisionOut(Schema):
    id: int
    number: str
    signed_on: dt.date | None
    authority: str
    subject: str
    total: str | None
    lines: list[LineOut]


@router.get("/decisions", response=list[DecisionOut], summary="Sổ quyết định khen thưởng (công khai)")
def decisions_list(request: HttpRequest, q: str = "", year: int | None = None) -> list[DecisionOut]:
    """By number, a person's name (diacritics optional), a unit; public decisions only without a login."""
    if len(q) > 100:
        raise ValidationFailed([Problem("chuỗi tìm kiếm dài quá 100 ký tự", field="q")])
    rows = decisions_search(query=q, year=year, public_only=not request.user.is_authenticated)
    return [
        DecisionOut(
            id=d.pk,
            number=d.number,
            signed_on=d.signed_on,
            authority=d.authority,
            subject=d.dossier.subject,
            total=str(d.total) if d.total is not None else None,
            lines=[
                _line_out(line)
                for line in d.dossier.lines.filter(excluded_reason="").select_related("person", "unit")
            ],
        )
        for d in rows[:100]
    ]
