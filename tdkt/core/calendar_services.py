"""Keeping the working-days calendar (`core.models.DayOff`): the days off and swapped days the board records
each year with their source, which every deadline counts through `core.workdays.WorkCalendar`.

`core` imports no domain app, so these services cannot tell who is the board: the front ends (pages, API)
check that before calling, as for every other board-only set-up page. The services validate, write inside a
transaction, audit, and on a refusal write nothing.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import xlsxwriter
from django.db import IntegrityError, transaction
from python_calamine import CalamineWorkbook

from tdkt.core.audit import Actor, audit_record, audit_record_many, snapshot
from tdkt.core.errors import Problem, ValidationFailed
from tdkt.core.models import DayOff, DayOffKind
from tdkt.core.vn import fold, format_date
from tdkt.core.workdays import SATURDAY, SUNDAY, WorkCalendar

WEEKDAY_NAMES = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")
FIELDS = ["day", "kind", "name", "source"]


def day_off_problems(
    *,
    day: dt.date,
    kind: str,
    name: str,
    source: str,
    instead_of: DayOff | None = None,
    check_taken: bool = True,
) -> list[Problem]:
    """Every reason a day cannot be recorded as given (empty: it can). `instead_of`: the row being edited;
    `check_taken` False when the year's rows are being replaced."""
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
    other = taken.first() if check_taken else None
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


# --- a year's days from Excel -------------------------------------------------------------------------------

SHEET = "Lịch nghỉ"
HEADERS = ("Ngày", "Loại", "Tên", "Căn cứ")
KIND_NAMES = {fold(label): value for value, label in DayOffKind.choices} | {
    fold("Ngày nghỉ lễ"): DayOffKind.HOLIDAY,
    fold("Hoán đổi: đi làm"): DayOffKind.SWAP_WORKED,
    fold("Đi làm bù"): DayOffKind.SWAP_WORKED,
}
ROWS_MAX = 200
EXCEL_EPOCH = dt.date(1899, 12, 30)


def days_off_xlsx(year: int) -> bytes:
    """The year's days as a workbook to edit and import back: one row a day, the kinds by their names."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet(SHEET)
    bold = book.add_format({"bold": True, "border": 1})
    day_format = book.add_format({"num_format": "dd/mm/yyyy"})
    sheet.write_row(0, 0, HEADERS, bold)
    for width, col in zip((12, 34, 36, 60), range(4), strict=True):
        sheet.set_column(col, col, width)
    for row, day in enumerate(DayOff.objects.filter(day__year=year).order_by("day"), start=1):
        sheet.write_datetime(row, 0, dt.datetime.combine(day.day, dt.time()), day_format)
        sheet.write_row(row, 1, [day.get_kind_display(), day.name, day.source])
    kinds = [label for _, label in DayOffKind.choices]
    sheet.data_validation(1, 1, ROWS_MAX, 1, {"validate": "list", "source": kinds})
    sheet.write(0, 5, f"Lịch ngày nghỉ năm {year}: mỗi dòng một ngày; loại chọn trong danh sách.")
    book.close()
    return buffer.getvalue()


def _cell_day(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and 1 <= value < 2958466:
        return EXCEL_EPOCH + dt.timedelta(days=int(value))  # a date cell without a date format
    text = str(value or "").strip()
    try:
        return dt.datetime.strptime(text, "%d/%m/%Y").date()
    except ValueError:
        return None


def _read(data: bytes) -> list[list[Any]]:
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        name = SHEET if SHEET in book.sheet_names else book.sheet_names[0]
        return book.get_sheet_by_name(name).to_python(skip_empty_area=False)
    except Exception:  # calamine raises its own errors for every kind of unreadable file
        raise ValidationFailed([Problem("tệp không đọc được: cần tệp Excel (.xlsx) theo mẫu")]) from None


@transaction.atomic
def days_off_import(*, actor: Actor, year: int, data: bytes) -> list[DayOff]:
    """Replace the year's days with the workbook's (all or none): every problem is reported with its row and
    column, and on any problem nothing changes."""
    rows = _read(data)
    if not rows or [str(c).strip() for c in rows[0][:4]] != list(HEADERS):
        raise ValidationFailed(
            [Problem(f"dòng 1 phải là tiêu đề các cột: {', '.join(HEADERS)} (hãy tải tệp mẫu)", row=1)]
        )
    problems: list[Problem] = []
    parsed: list[tuple[dt.date, str, str, str]] = []
    seen: dict[dt.date, int] = {}
    for number, raw in enumerate(rows[1:], start=2):
        cells = [*raw[:4], "", "", "", ""][:4]
        if all(str(c).strip() == "" for c in cells):
            continue
        day = _cell_day(cells[0])
        kind = KIND_NAMES.get(fold(str(cells[1])), "")
        name, source = str(cells[2]).strip(), str(cells[3]).strip()
        row_problems: list[Problem] = []
        if day is None:
            row_problems.append(Problem("cần một ngày dạng ngày/tháng/năm", row=number, column="Ngày"))
        elif day.year != year:
            row_problems.append(
                Problem(f"ngày {format_date(day)} không thuộc năm {year}", row=number, column="Ngày")
            )
        elif day in seen:
            row_problems.append(
                Problem(f"ngày {format_date(day)} đã có ở dòng {seen[day]}", row=number, column="Ngày")
            )
        if not kind:
            labels = "; ".join(f"“{label}”" for _, label in DayOffKind.choices)
            row_problems.append(Problem(f"loại cần một trong: {labels}", row=number, column="Loại"))
        if day is not None and kind and not row_problems:
            columns = {"day": "Ngày", "kind": "Loại", "name": "Tên", "source": "Căn cứ"}
            for problem in day_off_problems(day=day, kind=kind, name=name, source=source, check_taken=False):
                row_problems.append(
                    Problem(problem.message, row=number, column=columns[problem.field or "day"])
                )
        elif not name or not source:
            if not name:
                row_problems.append(Problem("chưa ghi tên ngày nghỉ", row=number, column="Tên"))
            if not source:
                row_problems.append(Problem("chưa ghi căn cứ", row=number, column="Căn cứ"))
        if day is not None and day not in seen:
            seen[day] = number
        problems += row_problems
        if not row_problems and day is not None:
            parsed.append((day, kind, _clean(name, 200), _clean(source, 300)))
    if len(seen) > ROWS_MAX:
        problems.append(Problem(f"tệp có quá {ROWS_MAX} ngày"))
    if problems:
        raise ValidationFailed(problems)
    old = list(DayOff.objects.select_for_update().filter(day__year=year))
    for row in old:
        audit_record(
            actor=actor,
            action="day_off.delete",
            instance=row,
            before=snapshot(row, FIELDS),
            summary="nhập lại từ Excel",
        )
    DayOff.objects.filter(pk__in=[row.pk for row in old]).delete()
    created = [DayOff.objects.create(day=d, kind=k, name=n, source=s) for d, k, n, s in parsed]
    audit_record_many(
        actor=actor,
        action="day_off.import",
        changes=[(row, snapshot(row, FIELDS)) for row in created],
        summary=f"lịch ngày nghỉ năm {year} nhập từ Excel",
    )
    return created
