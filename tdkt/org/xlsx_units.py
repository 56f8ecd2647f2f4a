"""A province's unit list by Excel: the template (`units_template`) and the import (`units_import`).

The whole file is read and every cell checked first (`xlsx_units_rules`: the file, the template's identity,
the headers, each cell, duplicate codes, parent loops within the file), then every row against the
database (codes already used, parents and lineage codes found in the file or the database). Any problem:
`ValidationFailed` with every problem located by row and column, and nothing written. Otherwise, in ONE
transaction, every unit is checked by `unit_create`'s rules (`services.unit_problems` and the model's field
checks) and inserted in bulk, parents first wherever they are in the file (one INSERT per level of the tree
rather than one `unit_create` per row: 1,000 units took 6–13 s that way), one audit row per unit in one
insert as `unit_create` writes them, and every lineage row goes through `unit_apply_lineage`: a refusal is
reported on its row and undoes the whole file.

A row whose code is already stored with the same values is left as it is, so uploading the same file twice
changes nothing.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

import xlsxwriter
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from xlsxwriter.worksheet import Worksheet

from tdkt.core.audit import Actor, audit_record, audit_record_many, snapshot
from tdkt.core.errors import Problem, ValidationFailed
from tdkt.movements.xlsx_template import write_meta_sheet
from tdkt.org.models import CycleKind, LineageKind, Unit, UnitKind
from tdkt.org.services import _check_board, unit_apply_lineage, unit_problems
from tdkt.org.xlsx_units_rules import (
    GUIDE_SHEET,
    HEADER_ROW,
    LINEAGE_COLUMNS,
    LINEAGE_SHEET,
    LISTS_SHEET,
    MAX_BASIS,
    MAX_CODE,
    MAX_NAME,
    META_SHEET,
    PHASE_READ,
    PHASE_VALIDATE,
    PHASE_WRITE,
    UNIT_COLUMNS,
    UNITS_SHEET,
    CellError,
    Progress,
    Sheet,
    UnitRow,
    cap_problems,
    check_identity,
    duplicate_codes,
    extract,
    inspect_upload,
    meta_rows,
    no_progress,
    parent_loops,
    parents_first,
    parse_choice,
    parse_codes,
    parse_date,
    parse_text,
    parse_yes_no,
    read_units_workbook,
)

MAX_IMPORT_BYTES = 10 * 1024 * 1024
BATCH = 500  # rows per INSERT
TEMPLATE_FILENAME = "mau-danh-sach-don-vi.xlsx"
KIND_CHOICES = {str(value): str(label) for value, label in UnitKind.choices}
LINEAGE_CHOICES = {str(value): str(label) for value, label in LineageKind.choices}
# the services' field names → the unit sheet's columns, to place their refusals
_UNIT_FIELD_COLUMNS = {
    "code": "code",
    "name": "name",
    "kind": "kind",
    "parent": "parent_code",
    "valid_from": "valid_from",
    "valid_to": "valid_from",
    "cycle_kind": "school_year",
}
_LINEAGE_FIELD_COLUMNS = {
    "kind": "kind",
    "effective_date": "effective_date",
    "predecessors": "predecessors",
    "successors": "successors",
}

GUIDE_LINES: tuple[str, ...] = (
    "Trang “Đơn vị”: mỗi đơn vị một dòng. Mã, Tên, Loại là bắt buộc.",
    "Mã: mỗi mã chỉ dùng cho một đơn vị trong mọi thời kỳ; đơn vị mới sau sáp nhập, chia tách, đổi tên "
    "ghi mã mới.",
    "Loại: chọn trong danh sách (xem trang “Danh mục”), ví dụ Xã, Phường, Sở, ban, ngành.",
    "Mã đơn vị cấp trên: mã của một đơn vị đã có trong hệ thống, hoặc của một dòng khác trong tệp "
    "(có thể ở dòng sau). Để trống nếu là cấp tỉnh.",
    "Hiệu lực từ: ngày dạng dd/mm/yyyy, ví dụ 01/07/2025; để trống nếu đơn vị đã có từ trước.",
    "Lực lượng vũ trang: ghi “Có” với đơn vị Quân đội, Công an, Dân quân tự vệ (xét Chiến sĩ tiên tiến); "
    "để trống nếu không.",
    "Năm học: ghi “Có” với trường học, cơ sở giáo dục (xét thi đua theo năm học 01/09 – 31/08); "
    "để trống nếu xét theo năm dương lịch.",
    "Trang “Biến động” (không bắt buộc): mỗi lần sáp nhập, chia tách, đổi tên, chuyển cấp trên một dòng. "
    "Mã đơn vị cũ, mã đơn vị mới: nhiều mã thì cách nhau bằng dấu phẩy. Ngày hiệu lực là ngày đầu tiên "
    "của đơn vị mới; các đơn vị cũ hết hiệu lực vào ngày hôm trước (ví dụ sáp nhập ngày 01/07/2025: "
    "xã cũ hết hiệu lực ngày 30/06/2025). Đơn vị mới ghi ở trang “Đơn vị” với Hiệu lực từ là ngày đó.",
    "Khi tải lên, hệ thống kiểm tra toàn bộ tệp. Chỉ cần một lỗi là không có dòng nào được ghi; danh sách "
    "lỗi ghi rõ dòng, cột và cách sửa. Dòng trùng hoàn toàn với đơn vị đã có được bỏ qua.",
)


@dataclass(frozen=True)
class UnitsImportResult:
    created: list[str]  # names of the units created
    unchanged: int  # rows equal to a unit already stored
    events: int  # lineage events recorded


# --- the template -----------------------------------------------------------------------------------------


def units_template() -> bytes:
    """The empty unit list with its lineage sheet, instructions, the lists (kinds, units already stored)
    and the hidden sheet naming the template."""
    units = list(Unit.objects.order_by("code"))
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    workbook.set_properties(
        {"title": "Mẫu danh sách đơn vị", "subject": "Đơn vị", "author": "Hệ thống Thi đua – Khen thưởng"}
    )
    base = {"font_name": "Times New Roman", "font_size": 12, "valign": "top", "text_wrap": True}
    title = workbook.add_format({**base, "bold": True, "font_size": 14, "text_wrap": False})
    subtitle = workbook.add_format({**base, "italic": True, "text_wrap": False})
    header = workbook.add_format(
        {**base, "bold": True, "border": 1, "align": "center", "valign": "vcenter", "bg_color": "#D9E1F2"}
    )
    text_input = workbook.add_format({**base, "border": 1, "num_format": "@", "locked": False})
    text = workbook.add_format(base)
    data = workbook.add_worksheet(UNITS_SHEET)
    lineage = workbook.add_worksheet(LINEAGE_SHEET)
    guide = workbook.add_worksheet(GUIDE_SHEET)
    lists = workbook.add_worksheet(LISTS_SHEET)
    meta = workbook.add_worksheet(META_SHEET)
    for sheet, heading, columns in (
        (data, "DANH SÁCH ĐƠN VỊ", UNIT_COLUMNS),
        (lineage, "BIẾN ĐỘNG ĐƠN VỊ (SÁP NHẬP, CHIA TÁCH, ĐỔI TÊN, CHUYỂN CẤP TRÊN)", LINEAGE_COLUMNS),
    ):
        sheet.write_string(0, 0, heading, title)
        sheet.write_string(1, 0, "Xem trang “Hướng dẫn”. Ngày ghi dạng dd/mm/yyyy.", subtitle)
        for col, column in enumerate(columns):
            sheet.write_string(HEADER_ROW - 1, col, column.header, header)
            # every column text-formatted: a code or a date reads back as it was typed
            sheet.set_column(col, col, column.width, text_input)
        sheet.set_row(HEADER_ROW - 1, 30)
    _choice_list(data, 2, len(UNIT_COLUMNS), f"='{LISTS_SHEET}'!$A$4:$A${3 + len(KIND_CHOICES)}")
    _choice_list(lineage, 0, len(LINEAGE_COLUMNS), f"='{LISTS_SHEET}'!$B$4:$B${3 + len(LINEAGE_CHOICES)}")
    guide.set_column(0, 0, 110)
    guide.write_string(0, 0, "HƯỚNG DẪN ĐIỀN MẪU DANH SÁCH ĐƠN VỊ", title)
    for number, line in enumerate(GUIDE_LINES, start=1):
        guide.write_string(number + 1, 0, f"{number}. {line}", text)
    lists.write_string(0, 0, "DANH MỤC DÙNG TRONG MẪU", title)
    for col, (heading, values, width) in enumerate(
        (
            ("Loại đơn vị", list(KIND_CHOICES.values()), 30),
            ("Loại biến động", list(LINEAGE_CHOICES.values()), 22),
            ("Mã đơn vị đã có", [u.code for u in units], 16),
            ("Tên đơn vị đã có", [u.name for u in units], 36),
        )
    ):
        lists.write_string(HEADER_ROW - 1, col, heading, header)
        lists.set_column(col, col, width)
        for offset, value in enumerate(values):
            lists.write_string(HEADER_ROW + offset, col, value)
    lists.protect()
    write_meta_sheet(meta, meta_rows())
    data.activate()
    workbook.close()
    return buffer.getvalue()


def _choice_list(sheet: Worksheet, col: int, _columns: int, source: str) -> None:
    sheet.data_validation(
        HEADER_ROW,
        col,
        HEADER_ROW + 2000,
        col,
        {
            "validate": "list",
            "source": source,
            "error_title": "Danh mục",
            "error_message": "Chọn trong danh sách (trang “Danh mục”).",
        },
    )


# --- the import -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _EventRow:
    row: int
    kind: str
    effective_date: dt.date
    predecessors: list[str]
    successors: list[str]
    legal_basis: str


def units_import(
    *, actor: Actor, filename: str, data: bytes, progress: Progress = no_progress
) -> UnitsImportResult:
    """Validate the whole file, then create every unit and record every lineage row in one transaction,
    or raise ValidationFailed (each problem with its 1-based row and its column) and write nothing. The
    board's (or the system's). `progress` hears each phase (read, validate, write)."""
    _check_board(actor, "nhập danh sách đơn vị")
    progress(PHASE_READ, 0, 0)
    inspect_upload(filename, data, max_bytes=MAX_IMPORT_BYTES)
    book = read_units_workbook(data)
    check_identity(book.meta)
    units_sheet = extract(book.units, UNIT_COLUMNS, UNITS_SHEET)
    lineage_sheet = extract(book.lineage, LINEAGE_COLUMNS, LINEAGE_SHEET) if book.lineage else None
    if not units_sheet.rows and not (lineage_sheet and lineage_sheet.rows):
        raise ValidationFailed(Problem(f"tệp không có dòng nào ở trang “{UNITS_SHEET}”: chưa có gì để nhập"))

    total = len(units_sheet.rows) + (len(lineage_sheet.rows) if lineage_sheet else 0)
    progress(PHASE_VALIDATE, 0, total)
    problems = [*units_sheet.problems, *(lineage_sheet.problems if lineage_sheet else [])]
    rows = _unit_rows(units_sheet, problems)
    events = _event_rows(lineage_sheet, problems) if lineage_sheet else []
    problems += duplicate_codes(rows, units_sheet.column("code"))
    problems += parent_loops(rows, units_sheet.column("parent_code"))
    stored = {u.code.casefold(): u for u in Unit.objects.all()}
    new_rows, unchanged = _against_database(rows, units_sheet, stored, problems)
    in_file = {r.code.casefold() for r in rows}
    for r in new_rows:
        if r.parent_code and r.parent_code.casefold() not in in_file | set(stored):
            problems.append(
                Problem(
                    f"mã đơn vị cấp trên “{r.parent_code}” không có trong hệ thống và không có trong tệp",
                    row=r.row,
                    column=units_sheet.column("parent_code"),
                )
            )
    for e in events:
        assert lineage_sheet is not None
        for key in ("predecessors", "successors"):
            for code in getattr(e, key):
                if code.casefold() not in in_file | set(stored):
                    problems.append(
                        Problem(
                            f"mã “{code}” không có trong hệ thống và không có ở trang “{UNITS_SHEET}”",
                            row=e.row,
                            column=lineage_sheet.column(key),
                        )
                    )
    if problems:
        problems.sort(key=lambda p: (p.row or 0, p.column or ""))
        raise ValidationFailed(cap_problems(problems))
    progress(PHASE_WRITE, 0, total)
    return _write(actor, filename, new_rows, unchanged, events, units_sheet, lineage_sheet, stored)


def _unit_rows(sheet: Sheet, problems: list[Problem]) -> list[UnitRow]:
    rows: list[UnitRow] = []
    for number, cells in sheet.rows:
        found: list[Problem] = []
        values: dict[str, object] = {}
        readers = {
            "code": lambda raw: parse_text(raw, limit=MAX_CODE, what="mã"),
            "name": lambda raw: " ".join(parse_text(raw, limit=MAX_NAME, what="tên").split()),
            "kind": lambda raw: parse_choice(raw, KIND_CHOICES, what="loại đơn vị"),
            "parent_code": lambda raw: parse_text(raw, limit=MAX_CODE, what="mã đơn vị cấp trên"),
            "valid_from": lambda raw: parse_date(raw, what="ngày"),
            "armed_forces": lambda raw: parse_yes_no(raw, what="giá trị"),
            "school_year": lambda raw: parse_yes_no(raw, what="giá trị"),
        }
        for column in UNIT_COLUMNS:
            raw = cells.get(column.key)
            if column.required and (raw is None or not str(raw).strip()):
                found.append(
                    Problem(f"chưa ghi {column.header.lower()}", row=number, column=sheet.column(column.key))
                )
                continue
            try:
                values[column.key] = readers[column.key](raw)
            except CellError as exc:
                found.append(Problem(str(exc), row=number, column=sheet.column(column.key)))
        if found:
            problems.extend(found)
            continue
        rows.append(
            UnitRow(
                row=number,
                code=str(values["code"]),
                name=str(values["name"]),
                kind=str(values["kind"]),
                parent_code=str(values["parent_code"]),
                valid_from=values["valid_from"],  # type: ignore[arg-type]
                armed_forces=bool(values["armed_forces"]),
                school_year=bool(values["school_year"]),
            )
        )
    return rows


def _event_rows(sheet: Sheet, problems: list[Problem]) -> list[_EventRow]:
    events: list[_EventRow] = []
    for number, cells in sheet.rows:
        found: list[Problem] = []
        values: dict[str, object] = {}
        for column in LINEAGE_COLUMNS:
            raw = cells.get(column.key)
            try:
                if column.key == "kind":
                    values["kind"] = parse_choice(raw, LINEAGE_CHOICES, what="loại biến động")
                elif column.key == "effective_date":
                    day = parse_date(raw, what="ngày hiệu lực")
                    if day is None:
                        raise CellError("chưa ghi ngày hiệu lực")
                    values["effective_date"] = day
                elif column.key in ("predecessors", "successors"):
                    values[column.key] = parse_codes(raw, what=column.header.lower())
                else:
                    values[column.key] = parse_text(raw, limit=MAX_BASIS, what="căn cứ")
            except CellError as exc:
                found.append(Problem(str(exc), row=number, column=sheet.column(column.key)))
        if found:
            problems.extend(found)
            continue
        events.append(_EventRow(row=number, **values))  # type: ignore[arg-type]
    return events


def _against_database(
    rows: list[UnitRow], sheet: Sheet, stored: dict[str, Unit], problems: list[Problem]
) -> tuple[list[UnitRow], int]:
    """Rows new to the database, and how many are already stored as written. A stored code written with
    other values is refused: the list creates units, editing one is done on its page."""
    parents = {u.pk: u.code for u in stored.values()}
    new_rows: list[UnitRow] = []
    unchanged = 0
    for r in rows:
        unit = stored.get(r.code.casefold())
        if unit is None:
            new_rows.append(r)
            continue
        same = (
            unit.name == r.name
            and unit.kind == r.kind
            and parents.get(unit.parent_id or 0, "").casefold() == r.parent_code.casefold()
            and (r.valid_from is None or unit.valid_from == r.valid_from)
            and unit.armed_forces == r.armed_forces
            and unit.school_year == r.school_year
        )
        if same:
            unchanged += 1
            continue
        validity = f", hiệu lực từ {unit.valid_from:%d/%m/%Y}" if unit.valid_from else ""
        problems.append(
            Problem(
                f"mã “{r.code}” đã dùng cho “{unit.name}”{validity}: mỗi mã chỉ dùng cho một đơn vị; "
                "đơn vị mới cần mã mới, sửa đơn vị đã có thì sửa trên trang của đơn vị",
                row=r.row,
                column=sheet.column("code"),
            )
        )
    return new_rows, unchanged


def _layers(rows: list[UnitRow]) -> list[list[UnitRow]]:
    """The rows by depth within the file: first those whose parent is not in the file (stored, or none),
    then their children, and so on; each layer is one bulk insert, after its parents have their ids.
    `rows` are parents first (`parents_first`)."""
    depth: dict[str, int] = {}
    layers: list[list[UnitRow]] = []
    for r in rows:
        level = depth.get(r.parent_code.casefold(), -1) + 1 if r.parent_code else 0
        depth[r.code.casefold()] = level
        if level == len(layers):
            layers.append([])
        layers[level].append(r)
    return layers


def _field_problems(unit: Unit) -> list[Problem]:
    """The model's own field checks, as `unit_create` runs them, less the queries: the parent is a unit
    read or written in this transaction, and the one table constraint (validity ordered) is among
    `unit_problems`' checks."""
    try:
        unit.full_clean(validate_unique=False, validate_constraints=False, exclude=["parent"])
    except DjangoValidationError as exc:
        return [Problem(m, field=f) for f, messages in exc.message_dict.items() for m in messages]
    return []


def _write(
    actor: Actor,
    filename: str,
    rows: list[UnitRow],
    unchanged: int,
    events: list[_EventRow],
    units_sheet: Sheet,
    lineage_sheet: Sheet | None,
    stored: dict[str, Unit],
) -> UnitsImportResult:
    """Every unit checked by `unit_create`'s rules (`unit_problems`, the model's field checks) and written
    by one bulk insert per layer of the tree, one audit row per unit in one insert; then every lineage row
    through `unit_apply_lineage`. A refusal is reported on its row and undoes the whole file."""
    name = filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    known = dict(stored)
    created: list[Unit] = []
    problems: list[Problem] = []
    failed: set[str] = set()
    with transaction.atomic():
        # every code stored, read again inside the transaction: `unit_problems` checks each row against it
        # (and against the rows written before it) without a query per row
        codes = {u.code.casefold(): u for u in Unit.objects.all()}
        for layer in _layers(parents_first(rows)):
            batch: list[Unit] = []
            for r in layer:
                if r.parent_code and r.parent_code.casefold() in failed:
                    problems.append(
                        Problem(
                            f"đơn vị cấp trên “{r.parent_code}” có lỗi nên chưa tạo được đơn vị này",
                            row=r.row,
                            column=units_sheet.column("parent_code"),
                        )
                    )
                    failed.add(r.code.casefold())
                    continue
                unit = Unit(
                    code=r.code.strip(),
                    name=" ".join(r.name.split()),
                    kind=r.kind,
                    parent=known.get(r.parent_code.casefold()) if r.parent_code else None,
                    valid_from=r.valid_from,
                    cycle_kind=CycleKind.SCHOOL if r.school_year else CycleKind.CALENDAR,
                    armed_forces=r.armed_forces,
                )
                found = unit_problems(unit, parent_changed=actor is not None, codes=codes)
                found = found or _field_problems(unit)
                if found:
                    failed.add(r.code.casefold())
                    problems += [
                        Problem(
                            p.message,
                            row=r.row,
                            column=units_sheet.column(_UNIT_FIELD_COLUMNS.get(p.field or "", "code")),
                        )
                        for p in found
                    ]
                    continue
                known[unit.code.casefold()] = codes[unit.code.casefold()] = unit
                batch.append(unit)
            Unit.objects.bulk_create(batch, batch_size=BATCH)
            created += batch
        audit_record_many(
            actor=actor,
            action="unit.create",
            changes=((u, snapshot(u)) for u in created),
            summary=f"Tạo đơn vị từ tệp Excel “{name}”",
        )
        for e in events:
            assert lineage_sheet is not None
            if any(c.casefold() in failed for c in [*e.predecessors, *e.successors]):
                continue  # the unit's own row says what is wrong
            try:
                with transaction.atomic():
                    unit_apply_lineage(
                        actor=actor,
                        kind=e.kind,
                        effective_date=e.effective_date,
                        predecessors=[_fresh(known[c.casefold()]) for c in e.predecessors],
                        successors=[_fresh(known[c.casefold()]) for c in e.successors],
                        legal_basis=e.legal_basis,
                    )
            except ValidationFailed as exc:
                problems += [
                    Problem(
                        p.message,
                        row=e.row,
                        column=lineage_sheet.column(_LINEAGE_FIELD_COLUMNS.get(p.field or "", "kind")),
                    )
                    for p in exc.problems
                ]
        if problems:
            problems.sort(key=lambda p: (p.row or 0, p.column or ""))
            raise ValidationFailed(cap_problems(problems))  # undoes every row written above
        if created or events:
            first = created[0] if created else Unit.objects.order_by("pk").first()
            if first is not None:
                audit_record(
                    actor=actor,
                    action="unit.import",
                    instance=first,
                    summary=f"Nhập {len(created)} đơn vị, {len(events)} biến động từ tệp Excel “{name}”",
                    after={"file": name, "units": [u.code for u in created], "events": len(events)},
                )
    return UnitsImportResult(created=[u.name for u in created], unchanged=unchanged, events=len(events))


def _fresh(unit: Unit) -> Unit:
    """A unit as stored now: an earlier lineage row of the same file may have ended it."""
    return Unit.objects.get(pk=unit.pk)
