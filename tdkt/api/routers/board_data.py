"""Data the board keeps for deadlines and reward money, and the reward fund's book. The working-days
calendar and the base salary are the board's (a unit's staff get 403, the public 401); the fund's book is the
board's for any unit and a unit's staff's for their own (another unit's is 404). Writes need a session and
its CSRF token and go through the same services as the pages: a refusal is 422 naming the field, nothing
written."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from decimal import Decimal

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from ninja.security import django_auth
from pydantic import Field

from tdkt.api.schemas import WRITE_ERRORS, DecimalInput, InputSchema
from tdkt.clusters.scopes import viewer_for
from tdkt.core.calendar_services import day_off_add, working_days_by_month
from tdkt.core.errors import NotPermitted
from tdkt.core.models import DayOff, DayOffKind
from tdkt.dossiers.board_services import base_salary_add, base_salary_used_by
from tdkt.dossiers.fund import fund_statement
from tdkt.dossiers.models import BaseSalary
from tdkt.dossiers.selectors import work_calendar
from tdkt.org.models import Unit

router = Router(tags=["board-data"])


def _board_only(request: HttpRequest, what: str) -> None:
    if not viewer_for(request.user).is_board:
        raise NotPermitted(f"Chỉ Ban Thi đua – Khen thưởng tỉnh được quản lý {what}")


class DayOffOut(Schema):
    id: int
    day: dt.date
    kind: str
    kind_label: str
    name: str
    source: str


class CalendarOut(Schema):
    year: int
    days: list[DayOffOut]
    working_days_by_month: list[int] = Field(description="Số ngày làm việc của tháng 1 đến tháng 12")


class DayOffIn(InputSchema):
    day: dt.date
    kind: DayOffKind
    name: str = Field(max_length=200)
    source: str = Field(max_length=300, description="Văn bản quy định ngày nghỉ")


def _day_out(row: DayOff) -> DayOffOut:
    return DayOffOut(
        id=row.pk,
        day=row.day,
        kind=row.kind,
        kind_label=row.get_kind_display(),
        name=row.name,
        source=row.source,
    )


@router.get(
    "/working-days/{year}",
    response={200: CalendarOut, **WRITE_ERRORS},
    auth=django_auth,
    summary="Lịch ngày nghỉ, ngày đi làm bù của một năm và số ngày làm việc từng tháng (Ban Thi đua – Khen thưởng)",
)
def calendar_get(request: HttpRequest, year: int) -> CalendarOut:
    _board_only(request, "lịch ngày làm việc")
    if not 2000 <= year <= 2100:
        raise Http404
    rows = DayOff.objects.filter(day__year=year).order_by("day")
    months = [n for _, n in working_days_by_month(year, work_calendar())]
    return CalendarOut(year=year, days=[_day_out(r) for r in rows], working_days_by_month=months)


@router.post(
    "/working-days",
    response={201: DayOffOut, **WRITE_ERRORS},
    auth=django_auth,
    summary="Ghi một ngày nghỉ hoặc ngày đi làm bù, với căn cứ (Ban Thi đua – Khen thưởng)",
)
def calendar_post(request: HttpRequest, payload: DayOffIn) -> Status[DayOffOut]:
    """Refused (422, nothing written): a day already recorded, a day worked that is not a Saturday or Sunday,
    a holiday on a weekend (record the day in lieu), no source."""
    _board_only(request, "lịch ngày làm việc")
    row = day_off_add(
        actor=request.user, day=payload.day, kind=payload.kind.value, name=payload.name, source=payload.source
    )
    return Status(201, _day_out(row))


class BaseSalaryOut(Schema):
    id: int
    valid_from: dt.date
    amount: Decimal
    source: str
    used_by_signed_decision: bool


class BaseSalaryIn(InputSchema):
    valid_from: dt.date
    amount: DecimalInput
    source: str = Field(max_length=300)


def _salary_out(row: BaseSalary) -> BaseSalaryOut:
    return BaseSalaryOut(
        id=row.pk,
        valid_from=row.valid_from,
        amount=row.amount,
        source=row.source,
        used_by_signed_decision=base_salary_used_by(row) is not None,
    )


@router.get(
    "/base-salaries",
    response={200: list[BaseSalaryOut], **WRITE_ERRORS},
    auth=django_auth,
    summary="Các mức lương cơ sở theo ngày áp dụng (Ban Thi đua – Khen thưởng)",
)
def salaries_get(request: HttpRequest) -> list[BaseSalaryOut]:
    _board_only(request, "mức lương cơ sở")
    return [_salary_out(r) for r in BaseSalary.objects.order_by("-valid_from")]


@router.post(
    "/base-salaries",
    response={201: BaseSalaryOut, **WRITE_ERRORS},
    auth=django_auth,
    summary="Thêm mức lương cơ sở từ một ngày (Ban Thi đua – Khen thưởng)",
)
def salaries_post(request: HttpRequest, payload: BaseSalaryIn) -> Status[BaseSalaryOut]:
    """Refused (422, nothing written): an amount not a positive whole number of đồng, no source, a day
    already recorded, a day that would put a signed decision under the new row."""
    row = base_salary_add(
        actor=request.user, valid_from=payload.valid_from, amount=payload.amount, source=payload.source
    )
    return Status(201, _salary_out(row))


class FundRowOut(Schema):
    on: dt.date
    note: str
    decision: str
    allocated: Decimal
    paid: Decimal
    balance: Decimal


class FundOut(Schema):
    unit_id: int
    unit: str
    year: int
    opening: Decimal
    allocated: Decimal
    paid: Decimal
    closing: Decimal
    rows: list[FundRowOut]


@router.get(
    "/funds/{unit_id}/{year}",
    response={200: FundOut, **WRITE_ERRORS},
    auth=django_auth,
    summary="Sổ quỹ thi đua, khen thưởng của một đơn vị trong một năm",
)
def fund_get(request: HttpRequest, unit_id: int, year: int) -> FundOut:
    """The board: any unit's; a unit's staff: their own unit's (another's is 404)."""
    viewer = viewer_for(request.user)
    if not (viewer.is_board or viewer.is_staff_of(unit_id)):
        raise Http404
    unit = get_object_or_404(Unit, pk=unit_id)
    statement = fund_statement(unit, year)
    return FundOut(
        unit_id=unit.pk,
        unit=unit.name,
        year=year,
        opening=statement.opening,
        allocated=statement.allocated,
        paid=statement.paid,
        closing=statement.closing,
        rows=[FundRowOut(**asdict(r)) for r in statement.rows],
    )
