"""The rules of a unit's emulation registration as a spreadsheet: its shape, how cells are read, and the
checks that need only the file. Pure: no Django, no models (the sibling of `tdkt.org.xlsx_staff_rules`,
whose sheet reader it copies and whose cell readers — `tdkt.org.xlsx_units_rules` — it reuses).

One sheet, `Đăng ký`, one row per title registered: the person's code (or, without a code, their full
name), and the title, written as its name, its short form or its code. The collective registers on a row
whose “Họ và tên” is “Tập thể” and whose code is empty. A row naming a person with no title is someone who
does not register: it is skipped.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from python_calamine import CalamineWorkbook

from tdkt.core.errors import Problem, ValidationFailed
from tdkt.core.vn import fold
from tdkt.movements.xlsx_rules import MAX_COLUMNS, cell_text, column_letter, is_blank
from tdkt.org.xlsx_units_rules import CellError, Column, Sheet, extract, label, parse_text

DATA_SHEET = "Đăng ký"
GUIDE_SHEET = "Hướng dẫn"
LISTS_SHEET = "Danh mục"
META_SHEET = "_tdkt"
TEMPLATE_KIND = "tdkt-dang-ky-thi-dua"
TEMPLATE_VERSION = "1"
HEADER_ROW = 4
HEADER_SEARCH_ROWS = 10
MAX_ROWS = 20_000
MAX_CODE = 40
MAX_NAME = 200
COLLECTIVE_WORD = "Tập thể"

COLUMNS: tuple[Column, ...] = (
    Column("code", "Mã cán bộ", 16),
    Column("full_name", "Họ và tên", 32, True),
    Column("title", "Danh hiệu đăng ký", 36),
)


class RegistrationSheet(Sheet):
    """The one sheet: its columns are named without the sheet's name."""

    def column(self, key: str) -> str:
        return label(self.headers, self.positions, key)


def extract_registration(rows: Sequence[Sequence[object]]) -> RegistrationSheet:
    found = extract(rows, COLUMNS, DATA_SHEET)
    return RegistrationSheet(found.name, found.headers, found.positions, found.rows, found.problems)


@dataclass(frozen=True)
class RegistrationRow:
    """One title registered: by the collective (`collective`), else by the person of `code` (or, without a
    code, of `full_name`)."""

    row: int
    collective: bool
    code: str
    full_name: str
    title: str  # a catalogue code


@dataclass(frozen=True)
class RegistrationWorkbook:
    rows: Sequence[Sequence[object]]
    meta: Sequence[Sequence[object]] | None


_BROKEN = "tệp bị hỏng: không đọc được nội dung bảng tính"


def read_registration_workbook(data: bytes) -> RegistrationWorkbook:
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = list(workbook.sheet_names)
        sheet = workbook.get_sheet_by_name(DATA_SHEET) if DATA_SHEET in names else None
        meta = workbook.get_sheet_by_name(META_SHEET) if META_SHEET in names else None
    except Exception as exc:  # a parser failure on an uploaded file is the file's fault
        raise ValidationFailed(Problem(_BROKEN)) from exc
    if sheet is None:
        shown = ", ".join(f"“{n}”" for n in names[:10])
        raise ValidationFailed(Problem(f"không có trang “{DATA_SHEET}” của mẫu; tệp có các trang: {shown}"))
    if sheet.end is not None:
        last_row, last_col = sheet.end
        if last_row + 1 > HEADER_SEARCH_ROWS + MAX_ROWS:
            raise ValidationFailed(
                Problem(f"trang “{DATA_SHEET}” có {last_row + 1} dòng, vượt giới hạn {MAX_ROWS} dòng")
            )
        if last_col + 1 > MAX_COLUMNS:
            raise ValidationFailed(
                Problem(
                    f"trang “{DATA_SHEET}” có dữ liệu tới cột {column_letter(last_col)}: hãy xóa các cột thừa"
                )
            )
    try:
        rows = sheet.to_python(skip_empty_area=False)
        meta_rows = meta.to_python(skip_empty_area=False) if meta is not None else None
    except Exception as exc:
        raise ValidationFailed(Problem(_BROKEN)) from exc
    return RegistrationWorkbook(rows=rows, meta=meta_rows)


NOT_TEMPLATE = (
    "tệp không phải mẫu đăng ký thi đua của hệ thống (thiếu trang thông tin mẫu): "
    "hãy tải mẫu đăng ký thi đua của đơn vị, điền vào rồi tải lên"
)


def meta_rows(unit_code: str, unit_name: str, cycle: int) -> list[tuple[str, str, str]]:
    return [
        ("mau", TEMPLATE_KIND, "Loại mẫu"),
        ("phien_ban", TEMPLATE_VERSION, "Phiên bản mẫu"),
        ("don_vi", unit_code, unit_name),
        ("nam", str(cycle), "Năm thi đua"),
    ]


def check_identity(
    meta: Sequence[Sequence[object]] | None, unit_code: str, unit_name: str, cycle: int
) -> None:
    """The file is this template, of this version, made for this unit and this cycle."""
    values = {cell_text(r[0]): cell_text(r[1]) for r in meta or [] if len(r) >= 2 and not is_blank(r[0])}
    names = {cell_text(r[0]): cell_text(r[2]) for r in meta or [] if len(r) >= 3 and not is_blank(r[0])}
    if values.get("mau") != TEMPLATE_KIND:
        raise ValidationFailed(Problem(NOT_TEMPLATE))
    if values.get("phien_ban") != TEMPLATE_VERSION:
        raise ValidationFailed(
            Problem("tệp được tạo từ phiên bản mẫu khác: hãy tải mẫu mới rồi chép dữ liệu sang")
        )
    if values.get("don_vi", "").casefold() != unit_code.casefold():
        other = names.get("don_vi") or values.get("don_vi") or "đơn vị khác"
        raise ValidationFailed(
            Problem(
                f"tệp là mẫu đăng ký thi đua của “{other}”, không phải của “{unit_name}”: "
                "hãy tải mẫu của đúng đơn vị"
            )
        )
    if values.get("nam") != str(cycle):
        raise ValidationFailed(
            Problem(
                f"tệp là mẫu đăng ký thi đua năm {values.get('nam') or '(không rõ)'}, không phải năm {cycle}: "
                "hãy tải mẫu của đúng năm"
            )
        )


def title_lookup(titles: Mapping[str, tuple[str, str]]) -> dict[str, str]:
    """{folded name, short form or code: code} for `titles` = {code: (name, short)}."""
    found: dict[str, str] = {}
    for code, (name, short) in titles.items():
        for key in (code, name, short):
            found[fold(key)] = code
    return found


def parse_title(raw: object, lookup: Mapping[str, str], *, shown: str) -> str:
    """A title written as its name, its short form or its code, compared without diacritics or case."""
    text = cell_text(raw)
    code = lookup.get(fold(text))
    if code is None:
        raise CellError(f"danh hiệu “{text}” không có trong danh mục: cần một trong {shown}")
    return code


def registration_rows(
    sheet: Sheet, titles: Mapping[str, tuple[str, str]]
) -> tuple[list[RegistrationRow], list[Problem]]:
    """Every cell read and checked (titles among `titles`, every title of the catalogue: whether it fits
    the subject is the database side's check); a row with any problem is left out and named in the
    problems (row and column), so one upload shows every bad cell."""
    lookup = title_lookup(titles)
    shown = ", ".join(f"“{name}”" for name, _short in titles.values())
    rows: list[RegistrationRow] = []
    problems: list[Problem] = []
    for number, cells in sheet.rows:
        found: list[Problem] = []
        values: dict[str, str] = {}
        for column in COLUMNS:
            raw = cells.get(column.key)
            where = sheet.column(column.key)
            if is_blank(raw):
                values[column.key] = ""
                continue
            try:
                if column.key == "code":
                    values["code"] = parse_text(raw, limit=MAX_CODE, what="mã cán bộ")
                elif column.key == "full_name":
                    values["full_name"] = " ".join(parse_text(raw, limit=MAX_NAME, what="họ và tên").split())
                else:
                    values["title"] = parse_title(raw, lookup, shown=shown)
            except CellError as exc:
                found.append(Problem(str(exc), row=number, column=where))
        if found:
            problems.extend(found)
            continue
        if not values["title"]:
            continue  # someone who does not register
        collective = not values["code"] and fold(values["full_name"]) == fold(COLLECTIVE_WORD)
        if not collective and not values["code"] and not values["full_name"]:
            problems.append(
                Problem(
                    f"chưa ghi mã cán bộ hay họ và tên (ghi “{COLLECTIVE_WORD}” nếu tập thể đăng ký)",
                    row=number,
                    column=sheet.column("full_name"),
                )
            )
            continue
        rows.append(
            RegistrationRow(
                row=number,
                collective=collective,
                code=values["code"],
                full_name=values["full_name"],
                title=values["title"],
            )
        )
    return rows, problems
