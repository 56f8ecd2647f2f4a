"""Units: search, detail with the parent chain, and lineage history, all public; the board's writes
(create, edit, close, delete what nothing refers to) and lineage events with their preview."""

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.security import django_auth
from pydantic import Field

from tdkt.api.access import unit_from_body
from tdkt.api.schemas import (
    WRITE_ERRORS,
    InputSchema,
    LineageEventOut,
    UnitDetailOut,
    UnitHistoryOut,
    UnitOut,
    UnitRef,
    unit_ref,
)
from tdkt.clusters.scopes import viewer_for
from tdkt.core.errors import NotPermitted, Problem, ValidationFailed
from tdkt.core.vn import fold
from tdkt.org.models import CycleKind, LineageKind, LineageLink, Unit, UnitKind
from tdkt.org.selectors import (
    lineage_preview,
    unit_ancestors,
    unit_lineage_events,
    unit_predecessors,
    unit_successors,
    units_valid_on,
)
from tdkt.org.services import (
    lineage_problems,
    unit_apply_lineage,
    unit_close,
    unit_create,
    unit_delete,
    unit_update,
)

router = Router(tags=["units"])

MAX_PAGE = 500


@router.get("/units", response=list[UnitOut], summary="Danh sách đơn vị")
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE)
def unit_list(
    request: HttpRequest,
    kind: UnitKind | None = None,
    parent: int | None = None,
    valid_on: dt.date | None = None,
    q: str | None = None,
) -> QuerySet[Unit] | list[Unit]:
    """Filter by kind, by parent id, by the day the unit must be valid on (YYYY-MM-DD), and by text in the
    name or code, compared without diacritics (“phuoc son” finds “Phước Sơn”)."""
    units = units_valid_on(valid_on) if valid_on is not None else Unit.objects.all()
    if kind is not None:
        units = units.filter(kind=kind)
    if parent is not None:
        units = units.filter(parent_id=parent)
    units = units.order_by("name", "id")
    needle = fold(q or "")
    if not needle:
        return units
    # Folding happens in Python: SQLite has no unaccent. Units number in the thousands, not millions.
    return [u for u in units if needle in fold(u.name) or needle in fold(u.code)]


@router.get("/units/{unit_id}", response=UnitDetailOut, summary="Một đơn vị và các cấp trên")
def unit_detail(request: HttpRequest, unit_id: int) -> UnitDetailOut:
    unit = get_object_or_404(Unit, pk=unit_id)
    return UnitDetailOut(
        id=unit.pk,
        code=unit.code,
        name=unit.name,
        kind=unit.kind,
        kind_label=str(unit.get_kind_display()),
        parent_id=unit.parent_id,
        valid_from=unit.valid_from,
        valid_to=unit.valid_to,
        note=unit.note,
        ancestors=[unit_ref(u) for u in unit_ancestors(unit)],
    )


@router.get(
    "/units/{unit_id}/history", response=UnitHistoryOut, summary="Lịch sử sáp nhập, chia tách, đổi tên"
)
def unit_history(request: HttpRequest, unit_id: int) -> UnitHistoryOut:
    unit = get_object_or_404(Unit, pk=unit_id)
    predecessors = unit_predecessors(unit)
    successors = unit_successors(unit)
    links: dict[int, LineageLink] = {}
    for member in (unit, *predecessors, *successors):
        for link in unit_lineage_events(member):
            links[link.pk] = link
    events: dict[int, LineageEventOut] = {}
    for link in sorted(links.values(), key=lambda lk: (lk.event.effective_date, lk.event_id, lk.pk)):
        event = events.get(link.event_id)
        if event is None:
            event = events[link.event_id] = LineageEventOut(
                id=link.event_id,
                kind=link.event.kind,
                kind_label=str(link.event.get_kind_display()),
                effective_date=link.event.effective_date,
                legal_basis=link.event.legal_basis,
                note=link.event.note,
                predecessors=[],
                successors=[],
            )
        if all(u.id != link.predecessor_id for u in event.predecessors):
            event.predecessors.append(unit_ref(link.predecessor))
        if all(u.id != link.successor_id for u in event.successors):
            event.successors.append(unit_ref(link.successor))
    return UnitHistoryOut(
        unit=unit_ref(unit),
        predecessors=[unit_ref(u) for u in predecessors],
        successors=[unit_ref(u) for u in successors],
        events=list(events.values()),
    )


# ---- the board's writes ------------------------------------------------------------------------------------


class UnitIn(InputSchema):
    code: str
    name: str
    kind: UnitKind
    parent_id: int | None = None
    valid_from: dt.date | None = None
    note: str = ""
    cycle_kind: CycleKind = CycleKind.CALENDAR
    armed_forces: bool = False


class UnitUpdateIn(UnitIn):
    reason: str = Field("", description="Bắt buộc khi đổi kỳ xét thi đua hoặc lực lượng vũ trang")


class UnitCloseIn(InputSchema):
    valid_to: dt.date
    reason: str = ""


class LineageIn(InputSchema):
    kind: LineageKind
    effective_date: dt.date
    predecessor_ids: list[int]
    successor_ids: list[int]
    legal_basis: str = ""
    note: str = ""


class ReferenceOut(Schema):
    label: str
    count: int


class MembershipOut(Schema):
    cluster_name: str
    year: int
    unit_name: str


class LineagePreviewOut(Schema):
    kind_label: str
    effective_date: dt.date
    closes_on: dt.date
    predecessors: list[UnitRef]
    successors: list[UnitRef]
    memberships: list[MembershipOut]
    people_moving: int
    references: list[ReferenceOut]


def _board_only(request: HttpRequest) -> None:
    if not viewer_for(request.user).is_board:
        raise NotPermitted("Chỉ Ban Thi đua – Khen thưởng tỉnh được quản lý đơn vị")


def _units_from_body(ids: list[int], field: str) -> list[Unit]:
    found = Unit.objects.in_bulk(ids)
    missing = [i for i in ids if i not in found]
    if missing:
        raise ValidationFailed(Problem(f"không có đơn vị mã số {', '.join(map(str, missing))}", field=field))
    return [found[i] for i in dict.fromkeys(ids)]


@router.post(
    "/units",
    response={201: UnitDetailOut, **WRITE_ERRORS},
    auth=django_auth,
    summary="Tạo đơn vị (Ban Thi đua – Khen thưởng)",
)
def unit_post(request: HttpRequest, payload: UnitIn) -> Status[UnitDetailOut]:
    """Refused (422, nothing written): a code already used by any unit in any period, a parent that is
    closed or whose validity does not meet the unit's. A unit's staff get 403."""
    _board_only(request)
    parent = unit_from_body(payload.parent_id, field="parent_id") if payload.parent_id is not None else None
    unit = unit_create(
        actor=request.user,
        code=payload.code,
        name=payload.name,
        kind=payload.kind,
        parent=parent,
        valid_from=payload.valid_from,
        note=payload.note,
        cycle_kind=payload.cycle_kind,
        armed_forces=payload.armed_forces,
    )
    return Status(201, unit_detail(request, unit.pk))


@router.put(
    "/units/{unit_id}",
    response={200: UnitDetailOut, **WRITE_ERRORS},
    auth=django_auth,
    summary="Sửa đơn vị (Ban Thi đua – Khen thưởng)",
)
def unit_put(request: HttpRequest, unit_id: int, payload: UnitUpdateIn) -> UnitDetailOut:
    """Refused (422): a parent that would make the unit its own ancestor, a duplicate code, a change of its
    emulation without a reason. The end of validity is set by closing or by a lineage event."""
    _board_only(request)
    unit = get_object_or_404(Unit, pk=unit_id)
    parent = unit_from_body(payload.parent_id, field="parent_id") if payload.parent_id is not None else None
    unit_update(
        actor=request.user,
        unit=unit,
        code=payload.code,
        name=payload.name,
        kind=payload.kind,
        parent=parent,
        valid_from=payload.valid_from,
        note=payload.note,
        cycle_kind=payload.cycle_kind,
        armed_forces=payload.armed_forces,
        reason=payload.reason,
    )
    return unit_detail(request, unit_id)


@router.post(
    "/units/{unit_id}/close",
    response={200: UnitDetailOut, **WRITE_ERRORS},
    auth=django_auth,
    summary="Đóng đơn vị: ghi ngày hết hiệu lực",
)
def unit_close_post(request: HttpRequest, unit_id: int, payload: UnitCloseIn) -> UnitDetailOut:
    _board_only(request)
    unit = get_object_or_404(Unit, pk=unit_id)
    unit_close(actor=request.user, unit=unit, valid_to=payload.valid_to, reason=payload.reason)
    return unit_detail(request, unit_id)


@router.delete(
    "/units/{unit_id}",
    response={204: None, **WRITE_ERRORS},
    auth=django_auth,
    summary="Xóa đơn vị tạo nhầm (chưa có dữ liệu nào gắn với nó)",
)
def unit_delete_call(request: HttpRequest, unit_id: int) -> Status[None]:
    """A unit any record refers to is refused (422): close it instead."""
    _board_only(request)
    unit_delete(actor=request.user, unit=get_object_or_404(Unit, pk=unit_id))
    return Status(204, None)


def _lineage_args(payload: LineageIn) -> dict[str, Any]:
    return {
        "kind": payload.kind.value,
        "effective_date": payload.effective_date,
        "predecessors": _units_from_body(payload.predecessor_ids, "predecessor_ids"),
        "successors": _units_from_body(payload.successor_ids, "successor_ids"),
    }


@router.post(
    "/lineage/preview",
    response={200: LineagePreviewOut, **WRITE_ERRORS},
    auth=django_auth,
    summary="Xem trước biến động: những gì đơn vị mới kế thừa (không ghi gì)",
)
def lineage_preview_post(request: HttpRequest, payload: LineageIn) -> LineagePreviewOut:
    """The same checks as recording it (422), then what carries over; nothing is written."""
    _board_only(request)
    args = _lineage_args(payload)
    problems = lineage_problems(**args)
    if problems:
        raise ValidationFailed(problems)
    preview = lineage_preview(
        kind_label=str(LineageKind(args["kind"]).label),
        effective_date=args["effective_date"],
        predecessors=args["predecessors"],
        successors=args["successors"],
    )
    return LineagePreviewOut(
        kind_label=preview.kind_label,
        effective_date=preview.effective_date,
        closes_on=preview.closes_on,
        predecessors=[unit_ref(u) for u in preview.predecessors],
        successors=[unit_ref(u) for u in preview.successors],
        memberships=[MembershipOut(**vars(m)) for m in preview.memberships],
        people_moving=preview.people_moving,
        references=[ReferenceOut(label=r.label, count=r.count) for r in preview.references],
    )


@router.post(
    "/lineage",
    response={201: LineageEventOut, **WRITE_ERRORS},
    auth=django_auth,
    summary="Ghi sáp nhập, chia tách, đổi tên, chuyển cấp trên",
)
def lineage_post(request: HttpRequest, payload: LineageIn) -> Status[LineageEventOut]:
    """Refused (422, nothing written): a merge into itself or into a closed unit, a day outside the
    predecessors' validity, a predecessor already ended by another event."""
    _board_only(request)
    args = _lineage_args(payload)
    event = unit_apply_lineage(actor=request.user, legal_basis=payload.legal_basis, note=payload.note, **args)
    return Status(
        201,
        LineageEventOut(
            id=event.pk,
            kind=event.kind,
            kind_label=str(event.get_kind_display()),
            effective_date=event.effective_date,
            legal_basis=event.legal_basis,
            note=event.note,
            predecessors=[unit_ref(u) for u in args["predecessors"]],
            successors=[unit_ref(u) for u in args["successors"]],
        ),
    )
