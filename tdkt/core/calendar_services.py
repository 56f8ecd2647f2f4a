"""Keeping the working-days calendar (`core.models.DayOff`): the days off and swapped days the board records
each year with their source, which every deadline counts through `core.workdays.WorkCalendar`.

`core` imports no domain app, so these services cannot tell who is the board: the front ends (pages, API)
check that before calling, as for every other board-only set-up page. The services validate, write inside a
transaction, audit, and on a refusal write nothing.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction

from tdkt.core.audit import Actor, audit_record, snapshot
from tdkt.core.errors import Problem, ValidationFailed
from tdkt.core.models import DayOff, DayOffKind
from tdkt.core.vn import format_date
from tdkt.core.workdays import SATURDAY, SUNDAY, WorkCalendar

WEEKDAY_NAMES = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")
FIELDS = ["day", "kind", "name", "source"]


def day_off_problems(
    *, day: dt.date, kind: str, name: str, source: str, instead_of: DayOff | None = None
) -> list[Problem]:
    """Every reason a day cannot be recorded as given (empty: it can). `instead_of`: the row being edited."""
    problems: list[Problem] = []
    weekend = day.weekday() in (SATURDAY, SUNDAY)
    when = f"ngày {format_date(day)} là {WEEKDAY_NAMES[day.weekday()]}"
    if kind not in DayOffKind.values:
        problems.append(Problem(f"loại “{kind}” không hợp lệ", field="kind"))
    elif kind == DayOffKind.SWAP_WORKED and not weekend:
        problems.append(Problem(f"{when}: ngày đi làm bù phải là thứ Bảy hoặc Chủ nhật", field="kind"))
    elif kind == DayOffKind.HOLIDAY and weekend:
        problems.append(
            Problem(
                f"{when}, vốn đã là ngày nghỉ: hãy ghi ngày nghỉ bù (ngày làm việc kế tiếp) "
                "với loại “Nghỉ bù”",
                field="day",
            )
        )
    elif kind != DayOffKind.SWAP_WORKED and weekend:
        problems.append(Problem(f"{when}, vốn đã là ngày nghỉ: không cần ghi", field="day"))
    if not " ".join(name.split()):
        problems.append(Problem("chưa ghi tên ngày nghỉ", field="name"))
    if not " ".join(source.split()):
        problems.append(
            Problem(
                "chưa ghi căn cứ (văn bản quy định ngày nghỉ, ví dụ thông báo của Bộ Nội vụ)", field="source"
            )
        )
    taken = DayOff.objects.filter(day=day)
    if instead_of is not None:
        taken = taken.exclude(pk=instead_of.pk)
    other = taken.first()
    if other is not None:
        problems.append(Problem(f"ngày {format_date(day)} đã có trong lịch: “{other.name}”", field="day"))
    return problems


def _clean(text: str, limit: int) -> str:
    return " ".join(text.split())[:limit]


def _refuse_duplicate(day: dt.date) -> ValidationFailed:
    return ValidationFailed([Problem(f"ngày {format_date(day)} đã có trong lịch", field="day")])


@transaction.atomic
def day_off_add(*, actor: Actor, day: dt.date, kind: str, name: str, source: str) -> DayOff:
    """Record a day off (holiday, day in lieu, swapped day off) or a weekend day worked, with its source."""
    problems = day_off_problems(day=day, kind=kind, name=name, source=source)
    if problems:
        raise ValidationFailed(problems)
    try:
        with transaction.atomic():
            row = DayOff.objects.create(
                day=day, kind=kind, name=_clean(name, 200), source=_clean(source, 300)
            )
    except IntegrityError:  # the same day recorded at the same moment by someone else
        raise _refuse_duplicate(day) from None
    audit_record(actor=actor, action="day_off.add", instance=row, after=snapshot(row, FIELDS))
    return row


@transaction.atomic
def day_off_update(*, actor: Actor, row: DayOff, day: dt.date, kind: str, name: str, source: str) -> DayOff:
    row = DayOff.objects.select_for_update().get(pk=row.pk)
    problems = day_off_problems(day=day, kind=kind, name=name, source=source, instead_of=row)
    if problems:
        raise ValidationFailed(problems)
    before = snapshot(row, FIELDS)
    row.day, row.kind, row.name, row.source = day, kind, _clean(name, 200), _clean(source, 300)
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        raise _refuse_duplicate(day) from None
    audit_record(
        actor=actor, action="day_off.update", instance=row, before=before, after=snapshot(row, FIELDS)
    )
    return row


@transaction.atomic
def day_off_delete(*, actor: Actor, row: DayOff) -> None:
    before = snapshot(row, FIELDS)
    audit_record(
        actor=actor,
        action="day_off.delete",
        instance=row,
        before=before,
        summary=f"{format_date(row.day)} {row.name}",
    )
    row.delete()


def working_days_by_month(year: int, calendar: WorkCalendar) -> list[tuple[int, int]]:
    """(month, working days) of each month of the year."""
    out = []
    for month in range(1, 13):
        day = dt.date(year, month, 1)
        count = 0
        while day.month == month:
            count += calendar.is_working_day(day)
            day += dt.timedelta(days=1)
        out.append((month, count))
    return out
