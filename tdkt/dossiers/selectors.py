"""Reads of proposal dossiers: who sees which, what each viewer may do next, each line with its verdict then
and now, the decisions registry; and the working-days calendar every deadline is counted on."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet

from tdkt.clusters.scopes import Viewer
from tdkt.core.models import DayOff, DayOffKind
from tdkt.core.vn import fold
from tdkt.core.workdays import WorkCalendar
from tdkt.dossiers import states, tracks
from tdkt.dossiers.diff import Change, verdict_changes
from tdkt.dossiers.models import Decision, Dossier, DossierLine, DossierStep


def work_calendar() -> WorkCalendar:
    """The board's days off and swapped working days, as the pure calendar counts them."""
    off: list[dt.date] = []
    worked: list[dt.date] = []
    for day, kind in DayOff.objects.values_list("day", "kind"):
        (worked if kind == DayOffKind.SWAP_WORKED else off).append(day)
    return WorkCalendar.of(days_off=off, days_worked=worked)


def dossiers_for(viewer: Viewer) -> QuerySet[Dossier]:
    """The dossiers a viewer sees: the board every one sent (none still in a unit's draft); a unit's staff
    their own unit's, those their unit receives and those it handled on their way up; the cluster head's
    staff their cluster's."""
    rows = Dossier.objects.select_related("proposer", "receiver", "cluster_year__cluster")
    if viewer.is_public:
        return rows.none()
    if viewer.is_board:
        return rows.filter(~Q(state=states.DRAFT) | Q(specialist_id=viewer.user_id))
    own = Q(proposer_id=viewer.unit_id) | Q(cluster_year_id__in=viewer.head_of)
    received = Q(receiver_id=viewer.unit_id) & ~Q(state=states.DRAFT)
    handled = Exists(
        DossierStep.objects.filter(dossier=OuterRef("pk"), actor__account__unit_id=viewer.unit_id or 0)
    )
    return rows.filter(own | received | handled)


def dossier_for(viewer: Viewer, dossier_id: int) -> Dossier | None:
    return dossiers_for(viewer).filter(pk=dossier_id).first()


def actions_for(dossier: Dossier, roles: frozenset[str], context: states.Context) -> list[str]:
    """The actions that would move this dossier for someone holding `roles` (reasons asked on the page)."""
    found = []
    for action in states.ACTIONS:
        probe = states.Context(
            roles=roles,
            has_reason=True,
            missing=(),
            needs_posting=context.needs_posting,
            posting_over=context.posting_over,
            needs_council=context.needs_council,
            council_done=context.council_done,
            decides_here=context.decides_here,
            has_lines=True,
        )
        if isinstance(states.step(dossier.state, action, probe), states.Moved):
            found.append(action)
    return found


@dataclass(frozen=True)
class LineRow:
    line: DossierLine
    name: str
    title_name: str
    outcome_then: str
    changes: list[Change]


def line_rows(dossier: Dossier, *, recheck: bool) -> list[LineRow]:
    """Each line with the verdict stored when it was proposed; with `recheck`, the engine runs again and
    every change since is listed (the specialist's check)."""
    from tdkt.awards.catalogue_selectors import title_name
    from tdkt.dossiers.services import verdict_now

    rows = []
    for line in dossier.lines.select_related("person", "unit", "initiative").order_by("position"):
        then = json.loads(line.verdict) if line.verdict else None
        changes = verdict_changes(then, verdict_now(line)) if recheck else []
        rows.append(
            LineRow(
                line=line,
                name=line.person.full_name if line.person else str(line.unit or line.initiative),
                title_name=title_name(line.title),
                outcome_then={
                    "eligible": "Đủ điều kiện",
                    "not_yet": "Chưa đủ điều kiện",
                    "barred": "Không được xét",
                }.get(line.outcome, "Không có quy tắc xét tự động"),
                changes=changes,
            )
        )
    return rows


def proposed_people(unit_ids: list[int], cycle: int) -> dict[str, set[int]]:
    """`{title: {person ids}}` already in a dossier for the cycle: the candidates page marks them proposed."""
    found: dict[str, set[int]] = {}
    rows = DossierLine.objects.filter(cycle=cycle, dossier__proposer_id__in=unit_ids, person__isnull=False)
    for title, person_id in rows.values_list("title", "person_id"):
        found.setdefault(title, set()).add(person_id)
    return found


# What each state asks of whom: (role that acts, what to do).
WAITING = {
    states.DRAFT: (states.PROPOSER, "Hoàn thành và gửi hồ sơ"),
    states.RETURNED: (states.PROPOSER, "Sửa và gửi lại hồ sơ bị trả lại"),
    states.SENT: (states.RECEIVER, "Tiếp nhận hồ sơ"),
    states.RECEIVED: (states.RECEIVER, "Giao chuyên viên thẩm định hồ sơ"),
    states.CHECKING: (states.SPECIALIST, "Thẩm định hồ sơ"),
    states.CHECKED: (states.RECEIVER, "Trình Hội đồng hoặc thống nhất đề nghị"),
    states.POSTED: (states.RECEIVER, "Theo dõi công khai danh sách, trả lời góp ý"),
    states.COUNCIL: (states.RECEIVER, "Tổ chức Hội đồng xét, bỏ phiếu"),
    states.APPROVED: (states.DECIDER, "Dự thảo và ký quyết định"),
}


def dossiers_waiting(viewer: Viewer) -> list[tuple[Dossier, str]]:
    """The dossiers whose next step is the viewer's, with what to do, oldest deadline first (one query)."""
    from tdkt.dossiers.services import dossier_roles

    found = []
    for dossier in dossiers_for(viewer).filter(state__in=list(WAITING)).order_by("due_on", "id")[:200]:
        role, what = WAITING[dossier.state]
        roles = dossier_roles(viewer, dossier)
        if role in roles or (role == states.SPECIALIST and dossier.specialist_id == viewer.user_id):
            found.append((dossier, what))
    return found


def track_name(code: str) -> str:
    try:
        return tracks.track(code).name
    except tracks.TrackError:
        return "Loại hồ sơ không còn trong danh mục"


def decisions_search(
    *, query: str = "", authority_id: int | None = None, year: int | None = None, public_only: bool
) -> QuerySet[Decision]:
    """Signed decisions by number, date, authority, person or unit (diacritics optional)."""
    rows = Decision.objects.exclude(number="").select_related("authority_unit", "dossier__proposer")
    if public_only:
        rows = rows.filter(public=True)
    if authority_id:
        rows = rows.filter(authority_unit_id=authority_id)
    if year:
        rows = rows.filter(signed_on__year=year)
    query = " ".join(query.split())
    if query:
        key = fold(query)
        rows = rows.filter(
            Q(number__icontains=query)
            | Q(number_key__icontains=query.casefold())
            | Q(dossier__lines__person__search_key__contains=key)
            | Q(dossier__lines__unit__name__icontains=query)
            | Q(dossier__proposer__name__icontains=query)
        ).distinct()
    return rows.order_by("-signed_on", "-id")
