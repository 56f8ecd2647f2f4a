"""A unit's staff list by Excel: the template (`staff_template`) and the import (`staff_import`); and the
province's, the board's way to set up a province's people in one file (`province_staff_template`,
`province_staff_import`): the same sheet with a first column naming each row's unit, the same checks.

The template is made for one unit and lists its current staff who have a code. The whole file is read and
every cell checked first (`xlsx_staff_rules`), then every row against the database: a code new to the
system is a new person starting in the unit on “Từ ngày”; a code of someone on the unit's list now is
left as it is, or — when “Chức vụ” differs — given that post from “Từ ngày” (the open employment ends the
day before, a new one starts, as `employment_position_change` does); a code of a person of another unit
(or of nobody's list now) is refused: moving people goes through a transfer. Any problem: `ValidationFailed`
with every problem located by row and column, nothing written. Otherwise everything is written in ONE
transaction by bulk inserts (people, employments, and their audit rows): new people as plain rows without a
model instance each (`_insert`: COPY on PostgreSQL, executemany on SQLite; the database checks every
constraint), so 50,000 people take seconds. Large files run as a background task (`tdkt.org.tasks`).
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import xlsxwriter
from django.db import IntegrityError, connection, transaction
from django.db.models import DateField, DateTimeField, JSONField, Model
from django.utils import timezone

from tdkt.core.audit import Actor, actor_user, audit_record, audit_record_many
from tdkt.core.errors import Problem, ValidationFailed
from tdkt.core.models import AuditEvent
from tdkt.movements.xlsx_rules import ascii_slug, cap_problems, inspect_upload
from tdkt.movements.xlsx_template import write_meta_sheet
from tdkt.org.models import Employment, Person, Unit, UnitKind, person_search_key
from tdkt.org.services import _check_board, _check_records_people_of
from tdkt.org.xlsx_staff_rules import (
    GENDERS,
    GUIDE_SHEET,
    HEADER_ROW,
    META_SHEET,
    PROVINCE_COLUMNS,
    STAFF_COLUMNS,
    STAFF_SHEET,
    StaffRow,
    StaffSheet,
    check_identity,
    check_province_identity,
    extract_staff,
    meta_rows,
    province_meta_rows,
    read_staff_workbook,
    staff_rows,
)
from tdkt.org.xlsx_units_rules import (
    PHASE_READ,
    PHASE_VALIDATE,
    PHASE_WRITE,
    Column,
    Progress,
    no_progress,
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


PROVINCE_GUIDE_LINE = (
    "Mẫu toàn tỉnh: cột đầu “Mã đơn vị” là mã của đơn vị nơi người đó công tác (xem danh sách đơn vị); "
    "mỗi dòng được kiểm tra như khi đơn vị tự nhập danh sách của mình."
)


@dataclass(frozen=True)
class StaffImportResult:
    created: int
    position_changes: int
    unchanged: int


def template_filename(unit: Unit) -> str:
    return f"mau-danh-sach-can-bo-{ascii_slug(unit.code)}.xlsx"


PROVINCE_TEMPLATE_FILENAME = "mau-danh-sach-can-bo-toan-tinh.xlsx"


def _current_staff(unit: Unit | None) -> Iterator[Employment]:
    rows = Employment.objects.filter(end__isnull=True).exclude(person__code="")
    if unit is not None:
        rows = rows.filter(unit=unit)
    return (
        rows.select_related("person", "unit")
        .order_by(*(["unit__code"] if unit is None else []), "person__full_name", "person_id")
        .iterator(chunk_size=CHUNK)
    )


def staff_template(unit: Unit) -> bytes:
    """The unit's staff list: its current staff who have a code, the instructions, the hidden sheet naming
    the template and the unit."""
    return _template(unit)


def province_staff_template() -> bytes:
    """The province's staff list (the board's): every current post of someone with a code, each row with
    its unit's code, the instructions, the hidden sheet naming the template."""
    return _template(None)


def _template(unit: Unit | None) -> bytes:
    columns = STAFF_COLUMNS if unit is not None else PROVINCE_COLUMNS
    whose = unit.name if unit is not None else "toàn tỉnh"
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "constant_memory": False})
    workbook.set_properties(
        {"title": f"Danh sách cán bộ – {whose}", "author": "Hệ thống Thi đua – Khen thưởng"}
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
    data.write_string(0, 0, f"DANH SÁCH CÁN BỘ – {whose.upper()}", title)
    data.write_string(1, 0, "Xem trang “Hướng dẫn”. Ngày ghi dạng dd/mm/yyyy.", subtitle)
    for col, column in enumerate(columns):
        data.write_string(HEADER_ROW - 1, col, column.header, header)
        # every column text-formatted: a code or a date reads back as it was typed
        data.set_column(col, col, column.width, text_input)
    data.set_row(HEADER_ROW - 1, 30)
    gender_col = [c.key for c in columns].index("gender")
    data.data_validation(
        HEADER_ROW,
        gender_col,
        HEADER_ROW + 100_000,
        gender_col,
        {"validate": "list", "source": list(GENDERS.values())},
    )
    for offset, e in enumerate(_current_staff(unit)):
        p = e.person
        values = (
            *(() if unit is not None else (e.unit.code,)),
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
    lines = GUIDE_LINES if unit is not None else (PROVINCE_GUIDE_LINE, *GUIDE_LINES)
    for number, line in enumerate(lines, start=1):
        guide.write_string(number + 1, 0, f"{number}. {line}", text)
    write_meta_sheet(meta, meta_rows(unit.code, unit.name) if unit is not None else province_meta_rows())
    data.activate()
    workbook.close()
    return buffer.getvalue()


def _day(day: dt.date | None) -> str:
    return f"{day:%d/%m/%Y}" if day is not None else ""


# --- the import -------------------------------------------------------------------------------------------


def staff_import(
    *, actor: Actor, unit: Unit, filename: str, data: bytes, progress: Progress = no_progress
) -> StaffImportResult:
    """Validate the whole file, then write every new person and every change of post in one transaction,
    or raise ValidationFailed (each problem with its 1-based row and its column) and write nothing. The
    board's and the unit's staff's (or the system's). `progress` hears each phase and, while the rows are
    checked, how many are done; the write is one transaction, told when it starts."""
    _check_records_people_of(actor, unit)
    progress(PHASE_READ, 0, 0)
    inspect_upload(filename, data, max_bytes=MAX_IMPORT_BYTES)
    book = read_staff_workbook(data)
    check_identity(book.meta, unit.code, unit.name)
    sheet = extract_staff(book.rows)
    return _import(actor, sheet, STAFF_COLUMNS, filename, progress, unit=unit)


def province_staff_import(
    *, actor: Actor, filename: str, data: bytes, progress: Progress = no_progress
) -> StaffImportResult:
    """`staff_import` for the whole province at once, each row naming its unit by code (the province's
    template): the board's, to set up a province's people in one file. The same checks row by row, all
    rows or none."""
    _check_board(actor, "nhập danh sách cán bộ toàn tỉnh")
    progress(PHASE_READ, 0, 0)
    inspect_upload(filename, data, max_bytes=MAX_IMPORT_BYTES)
    book = read_staff_workbook(data)
    check_province_identity(book.meta)
    sheet = extract_staff(book.rows, PROVINCE_COLUMNS)
    return _import(actor, sheet, PROVINCE_COLUMNS, filename, progress, unit=None)


def _import(
    actor: Actor,
    sheet: StaffSheet,
    columns: tuple[Column, ...],
    filename: str,
    progress: Progress,
    *,
    unit: Unit | None,
) -> StaffImportResult:
    """The rows against the database, then the write. `unit`: the unit whose list it is, or None for the
    province's list, where each row names its unit."""
    if not sheet.rows:
        raise ValidationFailed(Problem(f"tệp không có dòng nào ở trang “{STAFF_SHEET}”: chưa có gì để nhập"))
    total = len(sheet.rows)
    progress(PHASE_VALIDATE, 0, total)
    rows, problems = staff_rows(sheet, today=timezone.localdate(), columns=columns, progress=progress)
    problems = [*sheet.problems, *problems]
    unit_of: dict[int, Unit] = {}  # row number → its unit
    if unit is None:
        units = {u.code.casefold(): u for u in Unit.objects.all()}
        placed: list[StaffRow] = []
        for r in rows:
            found = units.get(r.unit_code.casefold())
            if found is None:
                problems.append(
                    Problem(
                        f"mã đơn vị “{r.unit_code}” không có trong hệ thống: hãy nhập danh sách đơn vị trước, "
                        "hoặc sửa mã cho đúng",
                        row=r.row,
                        column=sheet.column("unit_code"),
                    )
                )
                continue
            unit_of[r.row] = found
            placed.append(r)
        rows = placed
    else:
        unit_of = {r.row: unit for r in rows}

    # the codes already stored, by plain SQL (the ORM spent seconds preparing 50,000 parameters), then
    # those few people as models
    stored = _ids(Person, "code", [r.code for r in rows])
    known = {p.code: p for p in Person.objects.filter(pk__in=list(stored.values()))} if stored else {}
    current: dict[int, Employment] = {}
    person_ids = [p.pk for p in known.values()]
    for i in range(0, len(person_ids), CHUNK):
        for e in (
            Employment.objects.filter(person_id__in=person_ids[i : i + CHUNK], end__isnull=True)
            .select_related("unit")
            .order_by("start", "id")
        ):
            current[e.person_id] = e  # the latest open row wins
    new_rows: list[tuple[StaffRow, Unit]] = []
    changes: list[tuple[StaffRow, Employment]] = []
    unchanged = 0
    for r in rows:
        target = unit_of[r.row]
        person = known.get(r.code)
        if person is None:
            if not target.is_valid_on(r.start):
                problems.append(
                    Problem(
                        f"“{target.name}” không có hiệu lực vào ngày {r.start:%d/%m/%Y}",
                        row=r.row,
                        column=sheet.column("start"),
                    )
                )
            else:
                new_rows.append((r, target))
            continue
        employment = current.get(person.pk)
        if employment is None or employment.unit_id != target.pk:
            where = (
                f"đang công tác tại “{employment.unit.name}”"
                if employment is not None
                else "không còn công tác tại đơn vị nào"
            )
            problems.append(
                Problem(
                    f"mã cán bộ “{r.code}” là của {person.full_name}, {where}: không nhập được vào danh sách "
                    f"của “{target.name}”; chuyển người sang đơn vị thì dùng chức năng điều động",
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
        elif not target.is_valid_on(r.start):
            problems.append(
                Problem(
                    f"“{target.name}” không có hiệu lực vào ngày {r.start:%d/%m/%Y}",
                    row=r.row,
                    column=sheet.column("start"),
                )
            )
        else:
            changes.append((r, employment))
    if problems:
        problems.sort(key=lambda p: (p.row or 0, p.column or ""))
        raise ValidationFailed(cap_problems(problems))
    progress(PHASE_WRITE, 0, total)
    name = filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    try:
        with transaction.atomic():
            _write(actor, unit, name, new_rows, changes)
    except IntegrityError as exc:  # a code recorded by someone else while the file was checked
        raise ValidationFailed(
            Problem("một mã cán bộ trong tệp vừa được người khác ghi vào hệ thống: hãy tải tệp lên lại")
        ) from exc
    return StaffImportResult(created=len(new_rows), position_changes=len(changes), unchanged=unchanged)


def _province() -> Unit | None:
    """Where the province's list is recorded in the audit trail: the province (the oldest unit of a
    province's kind with no parent)."""
    return (
        Unit.objects.filter(parent__isnull=True, kind__in=[UnitKind.PROVINCE, UnitKind.CENTRAL_CITY])
        .order_by("pk")
        .first()
    )


def _write(
    actor: Actor,
    unit: Unit | None,
    name: str,
    new_rows: list[tuple[StaffRow, Unit]],
    changes: list[tuple[StaffRow, Employment]],
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
    now = timezone.now()
    _insert(
        Person,
        [
            {
                "code": r.code,
                "full_name": r.full_name,
                "gender": r.gender,
                "date_of_birth": r.date_of_birth,
                "recruited_on": r.recruited_on,
                "note": "",
                "created_at": now,
                "search_key": person_search_key(r.full_name, r.code),
            }
            for r, _ in new_rows
        ],
    )
    person_ids = _ids(Person, "code", [r.code for r, _ in new_rows])
    started = [
        {
            "person_id": person_ids[r.code],
            "unit_id": target.pk,
            "start": r.start,
            "end": None,
            "position": r.position,
        }
        for r, target in new_rows
    ]
    _insert(Employment, started)
    employment_ids = _ids(Employment, "person_id", [e["person_id"] for e in started])
    ended: list[Employment] = []
    for r, e in changes:
        row = locked[e.pk]
        row.end = r.start - dt.timedelta(days=1)
        ended.append(row)
    Employment.objects.bulk_update(ended, ["end"], batch_size=CHUNK)
    moved = Employment.objects.bulk_create(
        [
            Employment(person_id=e.person_id, unit_id=e.unit_id, start=r.start, position=r.position)
            for r, e in changes
        ],
        batch_size=CHUNK,
    )
    source = f"tệp Excel “{name}”"
    place = unit if unit is not None else _province() or next((t for _, t in new_rows), None)
    where = f" vào {unit}" if unit is not None else ""
    user = actor_user(actor)
    summary = f"Thêm cán bộ{where} từ {source}"
    _insert(
        AuditEvent,
        [
            {
                "at": now,
                "actor_id": user.pk if user is not None else None,
                "action": "person.import",
                "object_type": Person._meta.label_lower,
                "object_id": str(person_ids[r.code]),
                "summary": summary,
                "before": None,
                # the person as `audit_record_many` stores a created row, with their first post
                "after": {
                    "code": r.code,
                    "full_name": r.full_name,
                    "gender": r.gender,
                    "date_of_birth": _iso(r.date_of_birth),
                    "recruited_on": _iso(r.recruited_on),
                    "unit": target.pk,
                    "start": _iso(r.start),
                    "position": r.position,
                    "employment": employment_ids[person_ids[r.code]],
                },
            }
            for r, target in new_rows
        ],
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
                    "unit": e.unit_id,
                    "start": e.start,
                    "position": e.position,
                    "previous": old.pk,
                },
            )
            for e, old in zip(moved, ended, strict=True)
        ),
        summary=f"Thay đổi chức vụ{' tại ' + str(unit) if unit is not None else ''} theo {source}",
    )
    if place is not None:
        audit_record(
            actor=actor,
            action="person.import_file",
            instance=place,
            summary=f"Nhập danh sách cán bộ {'toàn tỉnh ' if unit is None else ''}{place} từ {source}: "
            f"{len(new_rows)} người mới, {len(moved)} thay đổi chức vụ",
            after={
                "file": name,
                "created": len(new_rows),
                "position_changes": len(moved),
                **({"province": True} if unit is None else {}),
            },
        )


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _insert(model: type[Model], rows: list[dict[str, Any]]) -> None:
    """Insert plain rows (every concrete field but the key, by attname) without a model instance each:
    Django's `bulk_create` spent 4/5 of a 50,000-person import building and adapting 150,000 instances.
    COPY on PostgreSQL, executemany elsewhere, as `tdkt.awards.bulk.store_outcomes` does. The database
    still checks every constraint; an IntegrityError comes out as Django's."""
    if not rows:
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(f.column) for f in fields)
    postgres = connection.vendor == "postgresql"
    adapters: list[Callable[[Any], Any]] = []
    for f in fields:
        if isinstance(f, JSONField):
            adapters.append(lambda v: None if v is None else json.dumps(v))
        elif postgres:
            adapters.append(lambda v: v)  # psycopg writes dates, times and text itself
        elif isinstance(f, DateTimeField):  # one `now` for every row: adapted once
            adapters.append(functools.lru_cache(maxsize=16)(connection.ops.adapt_datetimefield_value))
        elif isinstance(f, DateField):
            adapters.append(functools.lru_cache(maxsize=50_000)(connection.ops.adapt_datefield_value))
        else:
            adapters.append(lambda v: v)
    names = [f.attname for f in fields]
    pairs = list(zip(names, adapters, strict=True))
    values = [[adapt(row[name]) for name, adapt in pairs] for row in rows]
    with connection.wrap_database_errors, connection.cursor() as cursor:
        if postgres:
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:  # psycopg 3
                for row in values:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(fields))
            for i in range(0, len(values), CHUNK):
                cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", values[i : i + CHUNK])


def _ids(model: type[Model], key: str, values: list[Any]) -> dict[Any, int]:
    """The ids of rows by a key unique among them (a person's code; a new person's one employment), in
    plain SQL."""
    if not values:
        return {}
    quote = connection.ops.quote_name
    column = quote(str(model._meta.get_field(key).column))  # type: ignore[union-attr]
    table = quote(model._meta.db_table)
    found: dict[Any, int] = {}
    select = f"SELECT {column}, {quote(model._meta.pk.column)} FROM {table} WHERE {column}"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # one array parameter: no 50,000 placeholders to parse
            cursor.execute(f"{select} = ANY(%s)", [list(values)])
            found.update(cursor.fetchall())
            return found
        for i in range(0, len(values), CHUNK):
            chunk = values[i : i + CHUNK]
            cursor.execute(f"{select} IN ({', '.join(['%s'] * len(chunk))})", chunk)
            found.update(cursor.fetchall())
    return found
