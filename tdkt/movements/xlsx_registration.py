"""A unit's emulation registration by Excel: the template (`registration_template`) and the import
(`registration_import`).

The template is made for one unit and one cycle: one row per title already on the list, then one row per
person of the unit in the cycle not on it yet (code and name filled, title empty), a drop-down of the
titles, the instructions and the hidden sheet naming the template, the unit and the cycle. The import reads
the whole file and checks every cell (`xlsx_registration_rules`), finds each person among the unit's people
in the cycle by code (or by name when the row has no code), then replaces the list's lines through
`registration.registration_lines_replace`, which checks the rest (title for the kind of subject, duplicates,
another unit's list) — all or none, every problem located by row and column.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import xlsxwriter

from tdkt.awards import catalogue
from tdkt.awards.selectors import people_of_unit
from tdkt.core.audit import Actor
from tdkt.core.errors import Problem, ValidationFailed
from tdkt.core.vn import fold
from tdkt.movements.models import TitleRegistration
from tdkt.movements.registration import (
    LineInput,
    check_may_edit,
    collective_titles,
    person_titles,
    registration_lines_replace,
)
from tdkt.movements.selectors import registration_lines, registration_of
from tdkt.movements.xlsx_registration_rules import (
    COLLECTIVE_WORD,
    COLUMNS,
    DATA_SHEET,
    GUIDE_SHEET,
    HEADER_ROW,
    LISTS_SHEET,
    META_SHEET,
    check_identity,
    extract_registration,
    meta_rows,
    read_registration_workbook,
    registration_rows,
)
from tdkt.movements.xlsx_rules import ascii_slug, cap_problems, inspect_upload
from tdkt.movements.xlsx_template import write_meta_sheet
from tdkt.org.models import Person, Unit

MAX_IMPORT_BYTES = 10 * 1024 * 1024
SPARE_ROWS = 200

GUIDE_LINES: tuple[str, ...] = (
    "Trang “Đăng ký”: mỗi dòng một danh hiệu đăng ký. Một người đăng ký hai danh hiệu thì ghi hai dòng.",
    "Cá nhân: ghi mã cán bộ (nếu có) và họ và tên như trong danh sách cán bộ của đơn vị; người không có mã "
    "được tìm theo họ và tên.",
    f"Tập thể đơn vị: ghi “{COLLECTIVE_WORD}” ở cột Họ và tên, để trống mã cán bộ.",
    "Danh hiệu: chọn trong danh sách thả xuống (tên đầy đủ); cũng nhận tên viết tắt như LĐTT, CSTĐCS.",
    "Dòng có tên người nhưng để trống danh hiệu là người đó không đăng ký: hệ thống bỏ qua.",
    "Khi tải lên, danh sách đăng ký của đơn vị được thay bằng nội dung tệp. Chỉ cần một lỗi là không có dòng "
    "nào được ghi; danh sách lỗi ghi rõ dòng, cột và cách sửa.",
)


@dataclass(frozen=True)
class RegistrationImportResult:
    lines: int


def template_filename(unit: Unit, cycle: int) -> str:
    return f"mau-dang-ky-thi-dua-{ascii_slug(unit.code)}-{cycle}.xlsx"


def _all_titles() -> dict[str, tuple[str, str]]:
    """Every title (danh hiệu thi đua) of the catalogue, for reading cells: whether one fits the subject is
    the service's check, which says so in words."""
    return {t.code: (t.name, t.short) for t in catalogue.TITLES if t.kind == catalogue.KIND_TITLE}


def registration_template(unit: Unit, cycle: int) -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    workbook.set_properties(
        {"title": f"Đăng ký thi đua năm {cycle} – {unit.name}", "author": "Hệ thống Thi đua – Khen thưởng"}
    )
    base = {"font_name": "Times New Roman", "font_size": 12, "valign": "top"}
    title = workbook.add_format({**base, "bold": True, "font_size": 14})
    subtitle = workbook.add_format({**base, "italic": True})
    header = workbook.add_format(
        {**base, "bold": True, "border": 1, "align": "center", "valign": "vcenter", "bg_color": "#D9E1F2"}
    )
    cell = workbook.add_format({**base, "border": 1, "num_format": "@", "locked": False})
    text = workbook.add_format({**base, "text_wrap": True})
    data = workbook.add_worksheet(DATA_SHEET)
    guide = workbook.add_worksheet(GUIDE_SHEET)
    lists = workbook.add_worksheet(LISTS_SHEET)
    meta = workbook.add_worksheet(META_SHEET)
    data.write_string(0, 0, f"ĐĂNG KÝ THI ĐUA NĂM {cycle} – {unit.name.upper()}", title)
    data.write_string(1, 0, "Xem trang “Hướng dẫn”.", subtitle)
    for col, column in enumerate(COLUMNS):
        data.write_string(HEADER_ROW - 1, col, column.header, header)
        data.set_column(col, col, column.width, cell)
    names = [catalogue.title(c).name for c in (*collective_titles(unit), *person_titles(unit))]
    lists.write_string(0, 0, "Danh hiệu đăng ký được", header)
    for i, name in enumerate(names, start=1):
        lists.write_string(i, 0, name)
    lists.set_column(0, 0, 50)
    rows: list[tuple[str, str, str]] = []
    current = registration_of(unit, cycle)
    on_list: set[int] = set()
    for line in registration_lines(current) if current else []:
        if line.person is None:
            rows.append(("", COLLECTIVE_WORD, catalogue.title(line.title).name))
        else:
            on_list.add(line.person.pk)
            rows.append((line.person.code, line.person.full_name, catalogue.title(line.title).name))
    if not current or not any(line.person is None for line in current.lines.all()):
        rows.append(("", COLLECTIVE_WORD, ""))
    rows += [(p.code, p.full_name, "") for p in people_of_unit(unit, cycle) if p.pk not in on_list]
    for offset, values in enumerate(rows):
        for col, value in enumerate(values):
            data.write_string(HEADER_ROW + offset, col, value, cell)
    data.data_validation(
        HEADER_ROW,
        2,
        HEADER_ROW + len(rows) + SPARE_ROWS,
        2,
        {"validate": "list", "source": f"='{LISTS_SHEET}'!$A$2:$A${len(names) + 1}"},
    )
    guide.set_column(0, 0, 110)
    guide.write_string(0, 0, "HƯỚNG DẪN ĐIỀN MẪU ĐĂNG KÝ THI ĐUA", title)
    for number, guide_line in enumerate(GUIDE_LINES, start=1):
        guide.write_string(number + 1, 0, f"{number}. {guide_line}", text)
    write_meta_sheet(meta, meta_rows(unit.code, unit.name, cycle))
    data.activate()
    workbook.close()
    return buffer.getvalue()


def registration_import(
    *, actor: Actor, registration: TitleRegistration, filename: str, data: bytes
) -> RegistrationImportResult:
    """Validate the whole file, then replace the list's lines by its rows, or raise ValidationFailed (each
    problem with its row and column) and write nothing."""
    unit, cycle = registration.unit, registration.cycle
    check_may_edit(actor, unit)
    inspect_upload(filename, data, max_bytes=MAX_IMPORT_BYTES)
    book = read_registration_workbook(data)
    check_identity(book.meta, unit.code, unit.name, cycle)
    sheet = extract_registration(book.rows)
    rows, problems = registration_rows(sheet, _all_titles())
    problems = [*sheet.problems, *problems]
    people = people_of_unit(unit, cycle)
    by_code = {fold(p.code): p for p in people if p.code}
    by_name: dict[str, list[Person]] = {}
    for p in people:
        by_name.setdefault(fold(p.full_name), []).append(p)
    lines: list[LineInput] = []
    for r in rows:
        title_column = sheet.column("title")
        if r.collective:
            lines.append(LineInput(r.title, None, row=r.row, column=title_column))
            continue
        if r.code:
            person = by_code.get(fold(r.code))
            if person is None:
                problems.append(
                    Problem(
                        f"mã cán bộ “{r.code}” không thuộc danh sách cán bộ của “{unit}” năm {cycle}",
                        row=r.row,
                        column=sheet.column("code"),
                    )
                )
                continue
        else:
            found = by_name.get(fold(r.full_name), [])
            if len(found) != 1:
                why = (
                    f"có {len(found)} người cùng tên “{r.full_name}” trong đơn vị: hãy ghi mã cán bộ"
                    if found
                    else f"không có ai tên “{r.full_name}” trong danh sách cán bộ của “{unit}” năm {cycle}"
                )
                problems.append(Problem(why, row=r.row, column=sheet.column("full_name")))
                continue
            person = found[0]
        lines.append(
            LineInput(r.title, person, row=r.row, column=title_column, person_column=sheet.column("code"))
        )
    if problems:
        problems.sort(key=lambda p: (p.row or 0, p.column or ""))
        raise ValidationFailed(cap_problems(problems))
    if not lines:
        raise ValidationFailed(Problem(f"tệp chưa có dòng nào ghi danh hiệu đăng ký ở trang “{DATA_SHEET}”"))
    name = filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    try:
        created = registration_lines_replace(
            actor=actor, registration=registration, lines=lines, source=f"tệp Excel “{name}”"
        )
    except ValidationFailed as exc:
        exc.problems.sort(key=lambda p: (p.row or 0, p.column or ""))
        raise
    return RegistrationImportResult(lines=len(created))
