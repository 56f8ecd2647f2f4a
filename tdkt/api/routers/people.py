"""People's work history: a transfer to another unit and a change of post (each ends the open employment
the day before and starts another, so history is kept), and a unit's staff list by Excel.

Who: the board, and the staff of the person's current unit (the sending unit for a transfer); someone who
cannot see the person gets 404, a unit's staff who see them but may not move them 403, the public 401.
"""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpRequest, HttpResponse
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.security import django_auth
from pydantic import Field

from tdkt.api.access import unit_from_body, viewer_of
from tdkt.api.schemas import WRITE_ERRORS, InputSchema, UnitRef, unit_ref
from tdkt.awards.selectors import person_visible, unit_people_visible
from tdkt.org.models import Employment, Person, Unit
from tdkt.org.services import employment_position_change, employment_transfer
from tdkt.org.xlsx_staff import staff_import, staff_template, template_filename

router = Router(tags=["people"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class TransferIn(InputSchema):
    to_unit_id: int
    on: dt.date = Field(description="ngày bắt đầu công tác tại đơn vị mới (YYYY-MM-DD)")
    position: str = ""
    reason: str = Field(description="lý do, căn cứ (ví dụ số quyết định điều động)")


class PositionIn(InputSchema):
    on: dt.date = Field(description="ngày giữ chức vụ mới (YYYY-MM-DD)")
    position: str
    reason: str = Field(description="lý do, căn cứ (ví dụ số quyết định bổ nhiệm)")


class EmploymentOut(Schema):
    id: int
    person_id: int
    unit: UnitRef
    start: dt.date
    end: dt.date | None
    position: str


class StaffImportOut(Schema):
    created: int
    position_changes: int
    unchanged: int


def employment_out(employment: Employment) -> EmploymentOut:
    return EmploymentOut(
        id=employment.pk,
        person_id=employment.person_id,
        unit=unit_ref(employment.unit),
        start=employment.start,
        end=employment.end,
        position=employment.position,
    )


def _person_for(request: HttpRequest, person_id: int) -> Person:
    person = Person.objects.filter(pk=person_id).first()
    if person is None or not person_visible(viewer_of(request), person):
        raise Http404
    return person


def _unit_people_for(request: HttpRequest, unit_id: int) -> Unit:
    unit = Unit.objects.filter(pk=unit_id).first()
    if unit is None or not unit_people_visible(viewer_of(request), unit):
        raise Http404
    return unit


@router.post(
    "/people/{person_id}/transfer",
    response={201: EmploymentOut, **WRITE_ERRORS},
    auth=django_auth,
    summary="Điều động cán bộ sang đơn vị khác",
)
def person_transfer_post(request: HttpRequest, person_id: int, payload: TransferIn) -> Status[EmploymentOut]:
    """The current employment ends the day before `on`; the new one (returned) starts in `to_unit_id`.
    Refused (422, nothing written): the same unit, a receiving unit not valid that day, a day not after the
    current start, no reason. The sending unit's staff and the board; others who see the person 403."""
    person = _person_for(request, person_id)
    to_unit = unit_from_body(payload.to_unit_id, field="to_unit_id")
    employment = employment_transfer(
        actor=request.user,
        person=person,
        to_unit=to_unit,
        on=payload.on,
        position=payload.position,
        reason=payload.reason,
    )
    return Status(201, employment_out(employment))


@router.post(
    "/people/{person_id}/position",
    response={201: EmploymentOut, **WRITE_ERRORS},
    auth=django_auth,
    summary="Thay đổi chức vụ của cán bộ trong đơn vị",
)
def person_position_post(request: HttpRequest, person_id: int, payload: PositionIn) -> Status[EmploymentOut]:
    """Same unit, new post from `on`: the current employment ends the day before. Refused (422): the post
    unchanged or empty, a day not after the current start, no reason."""
    person = _person_for(request, person_id)
    employment = employment_position_change(
        actor=request.user, person=person, on=payload.on, position=payload.position, reason=payload.reason
    )
    return Status(201, employment_out(employment))


@router.get(
    "/units/{unit_id}/staff-template.xlsx",
    auth=django_auth,
    summary="Mẫu Excel danh sách cán bộ của đơn vị",
    response={200: None, 401: Schema, 404: Schema},
)
def unit_staff_template(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = _unit_people_for(request, unit_id)
    response = HttpResponse(staff_template(unit), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{template_filename(unit)}"'
    return response


@router.post(
    "/units/{unit_id}/staff.xlsx",
    response={200: StaffImportOut, **WRITE_ERRORS},
    auth=django_auth,
    summary="Nhập danh sách cán bộ của đơn vị từ Excel (tất cả hoặc không)",
)
def unit_staff_import(request: HttpRequest, unit_id: int, file: File[UploadedFile]) -> StaffImportOut:
    """Every row written, or none: 422 with every problem located by row and column."""
    unit = _unit_people_for(request, unit_id)
    result = staff_import(actor=request.user, unit=unit, filename=file.name or "", data=file.read())
    return StaffImportOut(
        created=result.created, position_changes=result.position_changes, unchanged=result.unchanged
    )
