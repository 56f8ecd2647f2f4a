"""The rules of a province's unit list as a spreadsheet: its shape, how cells are read, and the checks that
need only the file. Pure: no Django, no models (the sibling of `tdkt.movements.xlsx_rules`, whose file
checks — name, size, zip directory, zip bombs — and header matching it reuses).

Two sheets: `Đơn vị`, one row per unit (code, name, kind, parent's code, start of validity, armed forces,
school years), and `Biến động`, optional, one row per lineage event (kind, day, the old units' codes and
the new ones', legal basis). A parent may appear on a later row of the same file; `xlsx_units` orders the
rows so that parents are written first.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from python_calamine import CalamineWorkbook

from tdkt.core.errors import Problem, ValidationFailed
from tdkt.core.vn import fold
from tdkt.movements.xlsx_rules import (
    HEADER_SEARCH_ROWS,
    MAX_COLUMNS,
    MAX_DATA_ROWS,
    cap_problems,
    cell_text,
    column_letter,
    inspect_upload,
    is_blank,
    locate_header,
)

__all__ = ["cap_problems", "inspect_upload"]

UNITS_SHEET = "Đơn vị"
LINEAGE_SHEET = "Biến động"
GUIDE_SHEET = "Hướng dẫn"
LISTS_SHEET = "Danh mục"
META_SHEET = "_tdkt"
TEMPLATE_KIND = "tdkt-don-vi"
TEMPLATE_VERSION = "1"
HEADER_ROW = 4
MAX_CODE = 40
MAX_NAME = 200
MAX_BASIS = 300


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    width: int
    required: bool = False


UNIT_COLUMNS: tuple[Column, ...] = (
    Column("code", "Mã", 16, True),
    Column("name", "Tên", 36, True),
    Column("kind", "Loại", 26, True),
    Column("parent_code", "Mã đơn vị cấp trên", 18),
    Column("valid_from", "Hiệu lực từ", 14),
    Column("armed_forces", "Lực lượng vũ trang", 14),
    Column("school_year", "Năm học", 12),
)
LINEAGE_COLUMNS: tuple[Column, ...] = (
    Column("kind", "Loại biến động", 22, True),
    Column("effective_date", "Ngày hiệu lực", 14, True),
    Column("predecessors", "Mã đơn vị cũ", 30, True),
    Column("successors", "Mã đơn vị mới", 30, True),
    Column("legal_basis", "Căn cứ", 40),
)
UNIT_HEADERS = {c.key: c.header for c in UNIT_COLUMNS}
LINEAGE_HEADERS = {c.key: c.header for c in LINEAGE_COLUMNS}

YES = ("có", "x", "1", "đúng")
NO = ("không", "0", "sai")
_DATE_TEXT = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_ISO_TEXT = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_CODE_SEPARATORS = re.compile(r"[,;\n]+")


# An import's progress, told as (phase, rows done, rows in all): the background task saves it on its job for
# the page, the benchmark times the phases by it. Phases: the file read, its rows checked, the rows written.
Progress = Callable[[str, int, int], None]
PHASE_READ = "read"
PHASE_VALIDATE = "validate"
PHASE_WRITE = "write"
PROGRESS_EVERY = 1000  # rows between two reports while checking


def no_progress(phase: str, done: int, total: int) -> None:
    """The default: nobody is watching."""


class CellError(ValueError):
    """A cell that cannot be read; the message is Vietnamese and says what was expected."""


def label(headers: Mapping[str, str], positions: Mapping[str, int], key: str) -> str:
    """`D (Mã đơn vị cấp trên)`: the column letter in the uploaded file and the template's header."""
    return f"{column_letter(positions[key])} ({headers[key]})"


# --- cells ------------------------------------------------------------------------------------------------


def parse_text(raw: object, *, limit: int, what: str) -> str:
    text = cell_text(raw)
    if len(text) > limit:
        raise CellError(f"{what} dài {len(text)} ký tự, tối đa {limit} ký tự")
    return text


def parse_choice(raw: object, choices: Mapping[str, str], *, what: str) -> str:
    """A value of `choices` (value → label) written as its label or its value, compared without
    diacritics or case: “Xã”, “xa” and “XÃ” all give the commune."""
    text = cell_text(raw)
    index = _choice_index(tuple(choices.items()))
    found = index.get(text)  # as the template's list writes it: no folding needed
    if found is None:
        found = index.get(fold(text))
    if found is not None:
        return found
    expected = ", ".join(f"“{shown}”" for shown in choices.values())
    raise CellError(f"{what} “{text}” không có trong danh mục: cần một trong {expected}")


@functools.lru_cache(maxsize=64)
def _choice_index(choices: tuple[tuple[str, str], ...]) -> dict[str, str]:
    """Each choice by its label as written and by its label and value folded."""
    index: dict[str, str] = {}
    for value, shown in choices:
        index.setdefault(fold(shown), value)
        index.setdefault(fold(value), value)
    for value, shown in choices:
        if index[fold(shown)] == value:  # the exact label gives what its folded form gives
            index.setdefault(shown, value)
    return index


def parse_date(raw: object, *, what: str) -> dt.date | None:
    """A date cell, or text dd/mm/yyyy (or yyyy-mm-dd). Blank gives None."""
    if is_blank(raw):
        return None
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    if isinstance(raw, int | float):  # bool included
        raise CellError(f"{what} “{cell_text(raw)}” là số, không phải ngày: hãy ghi dạng dd/mm/yyyy")
    text = cell_text(raw)
    match = _DATE_TEXT.match(text)
    iso = _ISO_TEXT.match(text)
    try:
        if match:
            day, month, year = (int(g) for g in match.groups())
            return dt.date(year, month, day)
        if iso:
            year, month, day = (int(g) for g in iso.groups())
            return dt.date(year, month, day)
    except ValueError as exc:
        raise CellError(f"{what} “{text}” không phải ngày có thật") from exc
    raise CellError(f"{what} “{text}” không đọc được: hãy ghi dạng dd/mm/yyyy, ví dụ 01/07/2025")


def parse_yes_no(raw: object, *, what: str) -> bool:
    """Blank or “Không” is no; “Có” (or x, 1) is yes."""
    if is_blank(raw):
        return False
    if isinstance(raw, bool):
        return raw
    text = cell_text(raw)
    if fold(text) in {fold(y) for y in YES}:
        return True
    if fold(text) in {fold(n) for n in NO}:
        return False
    raise CellError(f"{what} “{text}” không hợp lệ: ghi “Có” hoặc để trống (không)")


def parse_codes(raw: object, *, what: str) -> list[str]:
    """Several codes in one cell, separated by commas, semicolons or line breaks."""
    codes = [c.strip() for c in _CODE_SEPARATORS.split(cell_text(raw) if not isinstance(raw, str) else raw)]
    codes = [c for c in codes if c]
    if not codes:
        raise CellError(f"chưa ghi {what}")
    seen: set[str] = set()
    for code in codes:
        if code.casefold() in seen:
            raise CellError(f"mã “{code}” ghi hai lần trong {what}")
        seen.add(code.casefold())
    return codes


# --- the workbook -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitsWorkbook:
    units: Sequence[Sequence[object]]
    lineage: Sequence[Sequence[object]] | None
    meta: Sequence[Sequence[object]] | None


def read_units_workbook(data: bytes) -> UnitsWorkbook:
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = list(workbook.sheet_names)
        sheets = {
            name: workbook.get_sheet_by_name(name) if name in names else None
            for name in (UNITS_SHEET, LINEAGE_SHEET, META_SHEET)
        }
    except Exception as exc:  # a parser failure on an uploaded file is the file's fault
        raise ValidationFailed(Problem("tệp bị hỏng: không đọc được nội dung bảng tính")) from exc
    if sheets[UNITS_SHEET] is None:
        shown = ", ".join(f"“{n}”" for n in names[:10])
        raise ValidationFailed(Problem(f"không có trang “{UNITS_SHEET}” của mẫu; tệp có các trang: {shown}"))
    rows: dict[str, Sequence[Sequence[object]] | None] = {}
    for name, sheet in sheets.items():
        if sheet is None:
            rows[name] = None
            continue
        if sheet.end is not None:
            last_row, last_col = sheet.end
            if last_row + 1 > HEADER_SEARCH_ROWS + MAX_DATA_ROWS:
                raise ValidationFailed(
                    Problem(f"trang “{name}” có {last_row + 1} dòng, vượt giới hạn {MAX_DATA_ROWS} dòng")
                )
            if last_col + 1 > MAX_COLUMNS:
                raise ValidationFailed(
                    Problem(
                        f"trang “{name}” có dữ liệu tới cột {column_letter(last_col)}: hãy xóa các cột thừa"
                    )
                )
        try:
            rows[name] = sheet.to_python(skip_empty_area=False)
        except Exception as exc:
            raise ValidationFailed(Problem("tệp bị hỏng: không đọc được nội dung bảng tính")) from exc
    return UnitsWorkbook(units=rows[UNITS_SHEET] or [], lineage=rows[LINEAGE_SHEET], meta=rows[META_SHEET])


NOT_TEMPLATE = (
    "tệp không phải mẫu danh sách đơn vị của hệ thống (thiếu trang thông tin mẫu): "
    "hãy tải mẫu danh sách đơn vị, điền vào rồi tải lên"
)


def check_identity(meta: Sequence[Sequence[object]] | None) -> None:
    values = {cell_text(r[0]): cell_text(r[1]) for r in meta or [] if len(r) >= 2 and not is_blank(r[0])}
    if values.get("mau") != TEMPLATE_KIND:
        raise ValidationFailed(Problem(NOT_TEMPLATE))
    if values.get("phien_ban") != TEMPLATE_VERSION:
        raise ValidationFailed(
            Problem("tệp được tạo từ phiên bản mẫu khác: hãy tải mẫu mới rồi chép dữ liệu sang")
        )


def meta_rows() -> list[tuple[str, str, str]]:
    return [("mau", TEMPLATE_KIND, "Loại mẫu"), ("phien_ban", TEMPLATE_VERSION, "Phiên bản mẫu")]


@dataclass
class Sheet:
    """The filled rows of one sheet, each as (1-based row number, cells by column key)."""

    name: str
    headers: dict[str, str]
    positions: dict[str, int] = field(default_factory=dict)
    rows: list[tuple[int, dict[str, object]]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def column(self, key: str) -> str:
        """The column as the error report names it; on any sheet but the unit list, with the sheet's name
        first, since both sheets have a row 5."""
        shown = label(self.headers, self.positions, key)
        return shown if self.name == UNITS_SHEET else f"trang “{self.name}”, {shown}"


def extract(rows: Sequence[Sequence[object]], columns: Sequence[Column], sheet_name: str) -> Sheet:
    """Locate the header, then keep every row below it that is not wholly blank. Data under no header is
    refused (it would otherwise be lost silently)."""
    header_row, positions = locate_header(rows, columns, sheet_name)
    sheet = Sheet(sheet_name, {c.key: c.header for c in columns}, positions)
    mapped = set(positions.values())
    stray: set[int] = set()
    for index in range(header_row, len(rows)):
        cells = rows[index]
        if all(is_blank(c) for c in cells):
            continue
        for col, cell in enumerate(cells):
            if col not in mapped and not is_blank(cell) and col not in stray:
                stray.add(col)
                sheet.problems.append(
                    Problem(
                        f"ô có dữ liệu nằm ở cột không có tiêu đề của mẫu (trang “{sheet_name}”): "
                        "hãy xóa hoặc chuyển vào đúng cột",
                        row=index + 1,
                        column=column_letter(col),
                    )
                )
        sheet.rows.append(
            (index + 1, {key: cells[col] if col < len(cells) else None for key, col in positions.items()})
        )
    return sheet


# --- checks across rows -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitRow:
    row: int
    code: str
    name: str
    kind: str
    parent_code: str
    valid_from: dt.date | None
    armed_forces: bool
    school_year: bool


def duplicate_codes(rows: Sequence[UnitRow], column: str) -> list[Problem]:
    first: dict[str, int] = {}
    problems: list[Problem] = []
    for r in rows:
        key = r.code.casefold()
        if key in first:
            problems.append(
                Problem(
                    f"mã “{r.code}” đã có ở dòng {first[key]}: mỗi đơn vị chỉ ghi một dòng, "
                    "mỗi mã chỉ dùng cho một đơn vị",
                    row=r.row,
                    column=column,
                )
            )
        else:
            first[key] = r.row
    return problems


def parent_loops(rows: Sequence[UnitRow], column: str) -> list[Problem]:
    """Rows whose parents, followed within the file, come back to them: A's parent B, B's parent A."""
    parents = {r.code.casefold(): r.parent_code.casefold() for r in rows if r.parent_code}
    codes = {r.code.casefold(): r.code for r in rows}
    problems: list[Problem] = []
    for r in rows:
        start = r.code.casefold()
        chain = [start]
        current = parents.get(start)
        while current is not None and current not in chain:
            chain.append(current)
            current = parents.get(current)
        if current == start:
            path = " → ".join(codes.get(c, c) for c in [*chain, start])
            problems.append(
                Problem(
                    f"mã đơn vị cấp trên tạo thành vòng lặp ({path}): "
                    "một đơn vị không thể là cấp trên của chính mình",
                    row=r.row,
                    column=column,
                )
            )
    return problems


def parents_first(rows: Sequence[UnitRow]) -> list[UnitRow]:
    """The rows in an order where every parent given in the file comes before its children (the file's
    order otherwise). Assumes no loops (`parent_loops`)."""
    by_code = {r.code.casefold(): r for r in rows}
    done: set[str] = set()
    ordered: list[UnitRow] = []

    def visit(r: UnitRow, depth: int = 0) -> None:
        key = r.code.casefold()
        if key in done or depth > len(rows):
            return
        parent = by_code.get(r.parent_code.casefold()) if r.parent_code else None
        if parent is not None:
            visit(parent, depth + 1)
        done.add(key)
        ordered.append(r)

    for r in rows:
        visit(r)
    return ordered
