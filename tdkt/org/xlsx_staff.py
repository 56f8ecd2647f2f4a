"""A unit's staff list by Excel: the template (`staff_template`) and the import (`staff_import`).

The template is made for one unit and lists its current staff who have a code. The whole file is read and
every cell checked first (`xlsx_staff_rules`), then every row against the database: a code new to the
system is a new person starting in the unit on “Từ ngày”; a code of someone on the unit's list now is
left as it is, or — when “Chức vụ” differs — given that post from “Từ ngày” (the open employment ends the
day before, a new one starts, as `employment_position_change` does); a code of a person of another unit
(or of nobody's list now) is refused: moving people goes through a transfer. Any problem: `ValidationFailed`
with every problem located by row and column, nothing written. Otherwise everything is written in ONE
transaction by bulk inserts (people, employments, and one audit insert for many rows), so 50,000 people
take seconds.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import xlsxwriter
from django.db import IntegrityError, transaction
from django.utils import timezone

from tdkt.core.audit import Actor, audit_record, audit_record_many
from tdkt.core.errors import Problem, ValidationFailed
from tdkt.movements.xlsx_rules import ascii_slug, cap_problems, inspect_upload
from tdkt.movements.xlsx_template import write_meta_sheet
from tdkt.org.models import Employment, Person, Unit, person_search_key
from tdkt.org.services import _check_records_people_of
from tdkt.org.xlsx_staff_rules import (
    GENDERS,
    GUIDE_SHEET,
    HEADER_ROW,
    META_SHEET,
    STAFF_COLUMNS,
    STAFF_SHEET,
    StaffRow,
    check_identity,
    extract_staff,
    meta_rows,
    read_staff_workbook,
    staff_rows,
)

MAX_IMPORT_BYTES = 30 * 1024 * 1024
CHUNK = 2000  # codes per IN (...) query and rows per INSERT

GUIDE_LINES: tuple[str, ...] = (
    "Trang “Cán bộ”: mỗi người một dòng. Mã cán bộ, Họ và tên, Giới tính, Từ ngày là bắt buộc.",
    "Mã cán bộ: mỗi người một mã, không trùng với người khác trong toàn tỉnh; lần nhập sau hệ thống nhận ra "
    "người đã có theo mã.",
    "Giới tính: “Nam” hoặc “Nữ”. Ngày ghi dạng dd/mm/yyyy, ví dụ 01/07/2025.",
    "Người mới: “Từ ngày” là ngày bắt đầu công tác tại đơn vị.",
    "Người đã có trong danh sách đơn vị (cùng mã): chỉ chức vụ được cập nhật. Nếu “Chức vụ” khác chức vụ "
    "hiện tại, người đó giữ chức vụ mới từ “Từ ngày” (phải sau ngày bắt đầu chức vụ hiện tại); họ tên, ngày "
    "sinh không được sửa qua tệp này.",
    "Mã của người đang công tác ở đơn vị khác thì không nhận: hãy dùng chức năng điều động trên trang của "
    "người đó.",
    "Khi tải lên, hệ thống kiểm tra toàn bộ tệp. Chỉ cần một lỗi là không có dòng nào được ghi; danh sách "
    "lỗi ghi rõ dòng, cột và cách sửa.",
)


@dataclass(frozen=True)
class StaffImportResult:
    created: int
    position_changes: int
    unchanged: int


def template_filename(unit: Unit) -> str:
    return f"mau-danh-sach-can-bo-{ascii_slug(unit.code)}.xlsx"


def _current_staff(unit: Unit) -> Iterator[Employment]:
    return (
        Employment.objects.filter(unit=unit, end__isnull=True)
        .exclude(person__code="")
        .select_related("person")
        .order_by("person__full_name", "person_id")
        .iterator(chunk_size=CHUNK)
    )


def staff_template(unit: Unit) -> bytes:
    """The unit's staff list: its current staff who have a code, the instructions, the hidden sheet naming
    the template and the unit."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "constant_memory": False})
    workbook.set_properties(
        {"title": f"Danh sách cán bộ – {unit.name}", "author": "Hệ thống Thi đua – Khen thưởng"}
    )
    base = {"font_name": "Times New Roman", "font_size": 12, "valign": "top"}
    title = workbook.add_format({**base, "bold": True, "font_size": 14})
    subtitle = workbook.add_format({**base, "italic": True})
    header = workbook.add_format(
        {**base, "bold": True, "border": 1, "align": "center", "valign": "vcenter", "bg_color": "#D9E1F2"}
    )
    text_input = workbook.add_format({**base, "border": 1, "num_format": "@", "locked": False})
    text = workbook.add_format({**base, "text_wrap": True})
    data = workbook.add_worksheet(STAFF_SHEET)
    guide = workbook.add_worksheet(GUIDE_SHEET)
    meta = workbook.add_worksheet(META_SHEET)
    data.write_string(0, 0, f"DANH SÁCH CÁN BỘ – {unit.name.upper()}", title)
    data.write_string(1, 0, "Xem trang “Hướng dẫn”. Ngày ghi dạng dd/mm/yyyy.", subtitle)
    for col, column in enumerate(STAFF_COLUMNS):
        data.write_string(HEADER_ROW - 1, col, column.header, header)
        # every column text-formatted: a code or a date reads back as it was typed
        data.set_column(col, col, column.width, text_input)
    data.set_row(HEADER_ROW - 1, 30)
    data.data_validation(
        HEADER_ROW, 2, HEADER_ROW + 100_000, 2, {"validate": "list", "source": list(GENDERS.values())}
    )
    for offset, e in enumerate(_current_staff(unit)):
        p = e.person
        values = (
            p.code,
            p.full_name,
            GENDERS.get(p.gender, ""),
            _day(p.date_of_birth),
            _day(p.recruited_on),
            e.position,
            _day(e.start),
        )
        for col, value in enumerate(values):
            data.write_string(HEADER_ROW + offset, col, value, text_input)
    guide.set_column(0, 0, 110)
    guide.write_string(0, 0, "HƯỚNG DẪN ĐIỀN MẪU DANH SÁCH CÁN BỘ", title)
    for number, line in enumerate(GUIDE_LINES, start=1):
        guide.write_string(number + 1, 0, f"{number}. {line}", text)
    write_meta_sheet(meta, meta_rows(unit.code, unit.name))
    data.activate()
    workbook.close()
    return buffer.getvalue()


def _day(day: dt.date | None) -> str:
    return f"{day:%d/%m/%Y}" if day is not None else ""


# --- the import -------------------------------------------------------------------------------------------


def _chunks(items: list[str]) -> Iterable[list[str]]:
    for i in range(0, len(items), CHUNK):
        yield items[i : i + CHUNK]


def staff_import(*, actor: Actor, unit: Unit, filename: str, data: bytes) -> StaffImportResult:
    """Validate the whole file, then write every new person and every change of post in one transaction,
    or raise ValidationFailed (each problem with its 1-based row and its column) and write nothing. The
    board's and the unit's staff's (or the system's)."""
    _check_records_people_of(actor, unit)
    inspect_upload(filename, data, max_bytes=MAX_IMPORT_BYTES)
    book = read_staff_workbook(data)
    check_identity(book.meta, unit.code, unit.name)
    sheet = extract_staff(book.rows)
    if not sheet.rows:
        raise ValidationFailed(Problem(f"tệp không có dòng nào ở trang “{STAFF_SHEET}”: chưa có gì để nhập"))
    rows, problems = staff_rows(sheet, today=timezone.localdate())
    problems = [*sheet.problems, *problems]

    codes = [r.code for r in rows]
    known: dict[str, Person] = {}
    for chunk in _chunks(codes):
        known.update({p.code: p for p in Person.objects.filter(code__in=chunk)})
    current: dict[int, Employment] = {}
    person_ids = [p.pk for p in known.values()]
    for i in range(0, len(person_ids), CHUNK):
        for e in (
            Employment.objects.filter(person_id__in=person_ids[i : i + CHUNK], end__isnull=True)
            .select_related("unit")
            .order_by("start", "id")
        ):
            current[e.person_id] = e  # the latest open row wins
    new_rows: list[StaffRow] = []
    changes: list[tuple[StaffRow, Employment]] = []
    unchanged = 0
    for r in rows:
        person = known.get(r.code)
        if person is None:
            if not unit.is_valid_on(r.start):
                problems.append(
                    Problem(
                        f"“{unit.name}” không có hiệu lực vào ngày {r.start:%d/%m/%Y}",
                        row=r.row,
                        column=sheet.column("start"),
                    )
                )
            else:
                new_rows.append(r)
            continue
        employment = current.get(person.pk)
        if employment is None or employment.unit_id != unit.pk:
            where = (
                f"đang công tác tại “{employment.unit.name}”"
                if employment is not None
                else "không còn công tác tại đơn vị nào"
            )
            problems.append(
                Problem(
                    f"mã cán bộ “{r.code}” là của {person.full_name}, {where}: không nhập được vào danh sách "
                    f"của “{unit.name}”; chuyển người sang đơn vị thì dùng chức năng điều động",
                    row=r.row,
                    column=sheet.column("code"),
                )
            )
            continue
        if employment.position == r.position:
            unchanged += 1
            continue
        if r.start <= employment.start:
            problems.append(
                Problem(
                    f"chức vụ của {person.full_name} khác chức vụ hiện tại (“{employment.position}”, từ "
                    f"{employment.start:%d/%m/%Y}): “Từ ngày” của chức vụ mới phải sau ngày đó",
                    row=r.row,
                    column=sheet.column("start"),
                )
            )
        elif not r.position:
            problems.append(
                Problem(
                    f"{person.full_name} đang giữ chức vụ “{employment.position}”: không xóa chức vụ qua tệp",
                    row=r.row,
                    column=sheet.column("position"),
                )
            )
        elif not unit.is_valid_on(r.start):
            problems.append(
                Problem(
                    f"“{unit.name}” không có hiệu lực vào ngày {r.start:%d/%m/%Y}",
                    row=r.row,
                    column=sheet.column("start"),
                )
            )
        else:
            changes.append((r, employment))
    if problems:
        problems.sort(key=lambda p: (p.row or 0, p.column or ""))
        raise ValidationFailed(cap_problems(problems))
    name = filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    try:
        with transaction.atomic():
            _write(actor, unit, name, new_rows, changes)
    except IntegrityError as exc:  # a code recorded by someone else while the file was checked
        raise ValidationFailed(
            Problem("một mã cán bộ trong tệp vừa được người khác ghi vào hệ thống: hãy tải tệp lên lại")
        ) from exc
    return StaffImportResult(created=len(new_rows), position_changes=len(changes), unchanged=unchanged)


def _write(
    actor: Actor, unit: Unit, name: str, new_rows: list[StaffRow], changes: list[tuple[StaffRow, Employment]]
) -> None:
    # the open rows to end, locked and read again: one changed or ended since the check is a refusal
    locked = {
        e.pk: e
        for e in Employment.objects.select_for_update().filter(
            pk__in=[e.pk for _, e in changes], end__isnull=True
        )
    }
    stale = [r for r, e in changes if e.pk not in locked or locked[e.pk].position != e.position]
    if stale:
        raise ValidationFailed(
            [
                Problem(
                    "quá trình công tác của cán bộ vừa được người khác thay đổi: hãy tải tệp lên lại",
                    row=r.row,
                )
                for r in stale
            ]
        )
    people = Person.objects.bulk_create(
        [
            Person(
                code=r.code,
                full_name=r.full_name,
                gender=r.gender,
                date_of_birth=r.date_of_birth,
                recruited_on=r.recruited_on,
                search_key=person_search_key(r.full_name, r.code),
            )
            for r in new_rows
        ],
        batch_size=CHUNK,
    )
    started = Employment.objects.bulk_create(
        [
            Employment(person=p, unit=unit, start=r.start, position=r.position)
            for p, r in zip(people, new_rows, strict=True)
        ],
        batch_size=CHUNK,
    )
    ended: list[Employment] = []
    for r, e in changes:
        row = locked[e.pk]
        row.end = r.start - dt.timedelta(days=1)
        ended.append(row)
    Employment.objects.bulk_update(ended, ["end"], batch_size=CHUNK)
    moved = Employment.objects.bulk_create(
        [
            Employment(person_id=e.person_id, unit=unit, start=r.start, position=r.position)
            for r, e in changes
        ],
        batch_size=CHUNK,
    )
    source = f"tệp Excel “{name}”"
    audit_record_many(
        actor=actor,
        action="person.import",
        changes=(
            (p, _after(p, unit=unit.pk, start=e.start, position=e.position, employment=e.pk))
            for p, e in zip(people, started, strict=True)
        ),
        summary=f"Thêm cán bộ vào {unit} từ {source}",
    )
    audit_record_many(
        actor=actor,
        action="employment.end",
        changes=((e, {"end": e.end, "reason": f"đổi chức vụ theo {source}"}) for e in ended),
        summary=f"Kết thúc chức vụ cũ theo {source}",
    )
    audit_record_many(
        actor=actor,
        action="employment.position_change",
        changes=(
            (
                e,
                {
                    "person": e.person_id,
                    "unit": unit.pk,
                    "start": e.start,
                    "position": e.position,
                    "previous": old.pk,
                },
            )
            for e, old in zip(moved, ended, strict=True)
        ),
        summary=f"Thay đổi chức vụ tại {unit} theo {source}",
    )
    audit_record(
        actor=actor,
        action="person.import_file",
        instance=unit,
        summary=f"Nhập danh sách cán bộ {unit} từ {source}: {len(people)} người mới, "
        f"{len(moved)} thay đổi chức vụ",
        after={"file": name, "created": len(people), "position_changes": len(moved)},
    )


def _after(person: Person, **extra: Any) -> dict[str, Any]:
    return {
        "code": person.code,
        "full_name": person.full_name,
        "gender": person.gender,
        "date_of_birth": person.date_of_birth,
        "recruited_on": person.recruited_on,
        **extra,
    }
