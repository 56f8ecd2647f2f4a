"""Units: search, detail with the parent chain, and lineage history. All public."""

import datetime as dt

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router
from ninja.pagination import LimitOffsetPagination, paginate

from tdkt.api.schemas import LineageEventOut, UnitDetailOut, UnitHistoryOut, UnitOut, unit_ref
from tdkt.core.vn import fold
from tdkt.org.models import LineageLink, Unit, UnitKind
from tdkt.org.selectors import (
    unit_ancestors,
    unit_lineage_events,
    unit_predecessors,
    unit_successors,
    units_valid_on,
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
