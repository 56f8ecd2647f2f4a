"""The emulation registration (đăng ký thi đua) of a unit for a cycle: read it, add and remove lines, send it
to the superior, accept or return it — the same services as the pages (`tdkt.movements.registration`).

Who: the list names people, so only the board, the unit's staff and its superior's staff see it; anyone else
gets 404, the public 401. Writes carry the list's `version` as read (0: no list yet); a list changed since is
refused (422, saying so). Refusals are 422 with each problem's row (the 1-based line of the body's list).
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.http import Http404, HttpRequest
from ninja import Router, Schema, Status
from ninja.security import django_auth
from pydantic import Field

from tdkt.api.access import viewer_of
from tdkt.api.schemas import WRITE_ERRORS, InputSchema, MessageOut, UnitRef, unit_ref
from tdkt.awards.selectors import visible_people
from tdkt.core.errors import Problem, ValidationFailed
from tdkt.movements.models import TitleRegistration
from tdkt.movements.registration import (
    LineInput,
    registration_get_or_create,
    registration_line_remove,
    registration_lines_add,
    registration_transition,
    superior_name,
    title_name,
)
from tdkt.movements.selectors import (
    registration_lines,
    registration_of,
    registration_visible,
    registrations_to_review,
)
from tdkt.org.models import Unit

router = Router(tags=["registration"])
READ_ERRORS: dict[int, type] = {401: MessageOut, 404: MessageOut}


class PersonRef(Schema):
    id: int
    code: str
    full_name: str


class LineOut(Schema):
    id: int
    person: PersonRef | None = Field(description="trống: tập thể đơn vị đăng ký")
    title: str = Field(description="mã danh hiệu trong danh mục")
    title_name: str


class RegistrationOut(Schema):
    id: int
    unit: UnitRef
    cycle: int
    status: str
    status_label: str
    superior: str
    version: int
    submitted_at: dt.datetime | None
    reviewed_at: dt.datetime | None
    return_reason: str
    lines: list[LineOut]


class RegistrationSummaryOut(Schema):
    id: int
    unit: UnitRef
    cycle: int
    status: str
    status_label: str
    lines: int
    submitted_at: dt.datetime | None


class LineIn(InputSchema):
    person_id: int | None = Field(default=None, description="trống: tập thể đơn vị đăng ký")
    title: str = Field(description="mã danh hiệu, ví dụ LDTT, CSTDCS, TTLDXS")


class LinesIn(InputSchema):
    version: int = Field(description="phiên bản của bản đăng ký lúc đọc (0: chưa có)")
    lines: list[LineIn]


class TransitionIn(InputSchema):
    version: int
    reason: str = ""


def registration_out(registration: TitleRegistration) -> RegistrationOut:
    return RegistrationOut(
        id=registration.pk,
        unit=unit_ref(registration.unit),
        cycle=registration.cycle,
        status=registration.status,
        status_label=registration.get_status_display(),
        superior=superior_name(registration.unit),
        version=registration.version,
        submitted_at=registration.submitted_at,
        reviewed_at=registration.reviewed_at,
        return_reason=registration.return_reason,
        lines=[
            LineOut(
                id=line.pk,
                person=PersonRef(id=line.person.pk, code=line.person.code, full_name=line.person.full_name)
                if line.person is not None
                else None,
                title=line.title,
                title_name=title_name(line.title),
            )
            for line in registration_lines(registration)
        ],
    )


def _unit_for(request: HttpRequest, unit_id: int) -> Unit:
    unit = Unit.objects.select_related("parent").filter(pk=unit_id).first()
    if unit is None or not registration_visible(viewer_of(request), unit):
        raise Http404
    return unit


def _registration_for(request: HttpRequest, unit_id: int, cycle: int) -> TitleRegistration:
    registration = registration_of(_unit_for(request, unit_id), cycle)
    if registration is None:
        raise Http404
    return registration


@router.get(
    "/registrations",
    response={200: list[RegistrationSummaryOut], **READ_ERRORS},
    auth=django_auth,
    summary="Các bản đăng ký thi đua gửi tới đơn vị mình (Ban Thi đua: tất cả)",
)
def registrations_list(request: HttpRequest, cycle: int | None = None) -> list[RegistrationSummaryOut]:
    return [
        RegistrationSummaryOut(
            id=r.pk,
            unit=unit_ref(r.unit),
            cycle=r.cycle,
            status=r.status,
            status_label=r.get_status_display(),
            lines=r.line_count,  # type: ignore[attr-defined]
            submitted_at=r.submitted_at,
        )
        for r in registrations_to_review(viewer_of(request), cycle).order_by("-cycle", "unit__name")
    ]


@router.get(
    "/units/{unit_id}/registrations/{cycle}",
    response={200: RegistrationOut, **READ_ERRORS},
    auth=django_auth,
    summary="Bản đăng ký thi đua của đơn vị trong một năm",
)
def registration_get(request: HttpRequest, unit_id: int, cycle: int) -> RegistrationOut:
    return registration_out(_registration_for(request, unit_id, cycle))


@router.post(
    "/units/{unit_id}/registrations/{cycle}/lines",
    response={201: RegistrationOut, **WRITE_ERRORS},
    auth=django_auth,
    summary="Thêm danh hiệu đăng ký (tập thể hoặc cá nhân), tất cả hoặc không",
)
def registration_lines_post(
    request: HttpRequest, unit_id: int, cycle: int, payload: LinesIn
) -> Status[RegistrationOut]:
    unit = _unit_for(request, unit_id)
    ids = {line.person_id for line in payload.lines if line.person_id is not None}
    # a person the caller may not see reads as no person at all: the refusal must not give away a name
    people = visible_people(viewer_of(request)).in_bulk(ids)
    unknown = [
        Problem(f"không có cán bộ mã số {line.person_id}", row=n, field="person_id")
        for n, line in enumerate(payload.lines, start=1)
        if line.person_id is not None and line.person_id not in people
    ]
    if unknown:
        raise ValidationFailed(unknown)
    registration = registration_of(unit, cycle)
    version = payload.version
    if registration is None:
        registration = registration_get_or_create(actor=request.user, unit=unit, cycle=cycle)
        version = registration.version if version == 0 else version
    lines = [
        LineInput(line.title, people[line.person_id] if line.person_id is not None else None, row=n)
        for n, line in enumerate(payload.lines, start=1)
    ]
    registration_lines_add(actor=request.user, registration=registration, lines=lines, version=version)
    registration.refresh_from_db()
    return Status(201, registration_out(registration))


@router.delete(
    "/units/{unit_id}/registrations/{cycle}/lines/{line_id}",
    response={200: RegistrationOut, **WRITE_ERRORS},
    auth=django_auth,
    summary="Bỏ một danh hiệu khỏi bản đăng ký",
)
def registration_line_delete(
    request: HttpRequest, unit_id: int, cycle: int, line_id: int, version: int
) -> RegistrationOut:
    registration = _registration_for(request, unit_id, cycle)
    registration_line_remove(actor=request.user, registration=registration, line_id=line_id, version=version)
    registration.refresh_from_db()
    return registration_out(registration)


@router.post(
    "/units/{unit_id}/registrations/{cycle}/{action}",
    response={200: RegistrationOut, **WRITE_ERRORS},
    auth=django_auth,
    summary="Gửi cấp trên (submit), tiếp nhận (accept) hoặc trả lại có lý do (return)",
)
def registration_action(
    request: HttpRequest,
    unit_id: int,
    cycle: int,
    action: Literal["submit", "accept", "return"],
    payload: TransitionIn,
) -> RegistrationOut:
    registration = _registration_for(request, unit_id, cycle)
    done = registration_transition(
        actor=request.user,
        registration=registration,
        action=action,
        reason=payload.reason,
        version=payload.version,
    )
    return registration_out(done)
