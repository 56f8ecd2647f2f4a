"""The rules of the award-history spreadsheets units already keep: their shapes, how cells are read, and
what makes a file refused. Pure: no Django, no models (the sibling of `tdkt.movements.xlsx_rules`, whose
file checks it reuses: name, size, zip directory, zip bombs).

Three shapes, one per template (`tdkt.awards.xlsx_template`):

- `ca_nhan`: individuals' history, one row per person and year — rating, and/or a title or form received
  with its decision;
- `tap_the`: collectives' history, one row per unit and year, the same way;
- `sang_kien`: initiatives, one row per initiative, with the award that used it if any.

Reading order: `inspect_upload` (the movements' checks) → `read_sheet` → `identity_problems` (the hidden
sheet names the shape) → `match_header` → `extract_rows` → per cell `parse_*`, every problem located by its
1-based spreadsheet row, its column letter and the template's header.
"""

from __future__ import annotations

import datetime as dt
import difflib
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from python_calamine import CalamineWorkbook

from tdkt.awards import subjects as s
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

META_SHEET = "_tdkt"
GUIDE_SHEET = "Hướng dẫn"
LISTS_SHEET = "Danh mục"
TEMPLATE_VERSION = "1"
HEADER_ROW = 4

MIN_YEAR = 1975
MAX_TEXT = 400
MAX_NOTE = 2000
MAX_DECISION_NO = 60
MAX_AUTHORITY = 200
MAX_NAME = 200
MAX_CODE = 40


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    width: int
    required: bool = False  # a filled row must have it
    hint: str = ""


@dataclass(frozen=True)
class Shape:
    key: str  # ca_nhan | tap_the | sang_kien
    label: str  # what the page and the messages call it
    sheet: str
    template_kind: str
    columns: tuple[Column, ...]
    filename: str

    @property
    def headers(self) -> dict[str, str]:
        return {c.key: c.header for c in self.columns}


_STT = Column("stt", "STT", 6, hint="Số thứ tự (không bắt buộc)")
_YEAR_HINT = "Năm đạt thành tích, ví dụ 2024; trường học ghi năm học, ví dụ 2024–2025"
_TITLE_HINT = "Mã hoặc tên danh hiệu, hình thức (xem trang “Danh mục”)"

INDIVIDUALS = Shape(
    key="ca_nhan",
    label="quá trình khen thưởng của cá nhân",
    sheet="Cá nhân",
    template_kind="tdkt-khen-thuong-ca-nhan",
    filename="mau-khen-thuong-ca-nhan.xlsx",
    columns=(
        _STT,
        Column("person_code", "Mã cán bộ", 14, hint="Không bắt buộc; có mã thì tìm theo mã"),
        Column("full_name", "Họ và tên", 26, required=True),
        Column("unit_code", "Mã đơn vị", 14, required=True, hint="Đơn vị công tác trong năm đó"),
        Column("unit_name", "Tên đơn vị", 26),
        Column("year", "Năm", 8, required=True, hint=_YEAR_HINT),
        Column("rating", "Xếp loại", 28, hint="HTXSNV, HTTNV, HTNV, KHTNV hoặc ghi đầy đủ"),
        Column("title", "Danh hiệu, hình thức", 28, hint=_TITLE_HINT),
        Column("decision_no", "Số quyết định", 18),
        Column("decision_date", "Ngày quyết định", 14, hint="dd/mm/yyyy"),
        Column("authority", "Cơ quan ban hành", 28),
        Column("kind", "Loại khen thưởng", 18, hint="Công trạng (mặc định), đột xuất, chuyên đề"),
        Column("basis", "Căn cứ xét", 18, hint="HTXSNV, sáng kiến, khác (mặc định)"),
        Column("note", "Ghi chú", 30),
    ),
)

COLLECTIVES = Shape(
    key="tap_the",
    label="quá trình khen thưởng của tập thể",
    sheet="Tập thể",
    template_kind="tdkt-khen-thuong-tap-the",
    filename="mau-khen-thuong-tap-the.xlsx",
    columns=(
        _STT,
        Column("unit_code", "Mã đơn vị", 14, required=True),
        Column("unit_name", "Tên đơn vị", 30),
        Column("year", "Năm", 8, required=True, hint=_YEAR_HINT),
        Column("rating", "Xếp loại", 28, hint="HTXSNV, HTTNV, HTNV, KHTNV hoặc ghi đầy đủ"),
        Column("title", "Danh hiệu, hình thức", 28, hint=_TITLE_HINT),
        Column("decision_no", "Số quyết định", 18),
        Column("decision_date", "Ngày quyết định", 14, hint="dd/mm/yyyy"),
        Column("authority", "Cơ quan ban hành", 28),
        Column("kind", "Loại khen thưởng", 18, hint="Công trạng (mặc định), đột xuất, chuyên đề"),
        Column("note", "Ghi chú", 30),
    ),
)

INITIATIVES = Shape(
    key="sang_kien",
    label="sáng kiến",
    sheet="Sáng kiến",
    template_kind="tdkt-sang-kien",
    filename="mau-sang-kien.xlsx",
    columns=(
        _STT,
        Column("person_code", "Mã cán bộ", 14, hint="Không bắt buộc; có mã thì tìm theo mã"),
        Column("full_name", "Họ và tên", 26, required=True),
        Column("unit_code", "Mã đơn vị", 14, required=True),
        Column("name", "Tên sáng kiến", 40, required=True),
        Column("scope", "Cấp công nhận", 18, required=True, hint="Cơ sở; bộ, tỉnh; toàn quốc"),
        Column("recognised_by", "Cơ quan công nhận", 28),
        Column("recognised_on", "Ngày công nhận", 14, required=True, hint="dd/mm/yyyy"),
        Column("year", "Năm", 8, hint="Để trống: lấy năm của ngày công nhận"),
        Column("used_title", "Đã dùng cho danh hiệu", 24, hint="Để trống nếu chưa dùng"),
        Column("used_year", "Năm của danh hiệu", 10),
        Column("note", "Ghi chú", 30),
    ),
)

SHAPES: dict[str, Shape] = {shape.key: shape for shape in (INDIVIDUALS, COLLECTIVES, INITIATIVES)}


# --- the workbook ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SheetRows:
    data_rows: Sequence[Sequence[object]]
    meta_rows: Sequence[Sequence[object]] | None
    sheet_names: list[str]


def _file_problem(message: str) -> ValidationFailed:
    return ValidationFailed(Problem(message))


def read_sheet(data: bytes, shape: Shape) -> SheetRows:
    """The shape's data sheet and the hidden metadata sheet, as plain lists; a sheet of another shape is
    named in the refusal, so a person who picked the wrong template knows which one to use."""
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = list(workbook.sheet_names)
        sheet = workbook.get_sheet_by_name(shape.sheet) if shape.sheet in names else None
        meta = workbook.get_sheet_by_name(META_SHEET) if META_SHEET in names else None
        meta_rows = meta.to_python(skip_empty_area=False) if meta is not None else None
    except Exception as exc:  # a parser failure on an uploaded file is the file's fault
        raise _file_problem("tệp bị hỏng: không đọc được nội dung bảng tính") from exc
    if sheet is None:
        other = next((o for o in SHAPES.values() if o.sheet in names), None)
        if other is not None:
            raise _file_problem(
                f"tệp này là mẫu {other.label} (trang “{other.sheet}”), không phải mẫu {shape.label}: "
                "hãy chọn đúng loại dữ liệu khi tải lên"
            )
        close = difflib.get_close_matches(shape.sheet, names, n=1)
        hint = f" (có trang “{close[0]}”: hãy đổi lại đúng tên “{shape.sheet}”)" if close else ""
        shown = ", ".join(f"“{n}”" for n in names[:10])
        raise _file_problem(f"không có trang “{shape.sheet}” của mẫu{hint}; tệp có các trang: {shown}")
    if sheet.end is not None:
        last_row, last_col = sheet.end
        if last_row + 1 > HEADER_SEARCH_ROWS + MAX_DATA_ROWS:
            raise _file_problem(
                f"trang “{shape.sheet}” có {last_row + 1} dòng, vượt giới hạn {MAX_DATA_ROWS} dòng dữ liệu"
            )
        if last_col + 1 > MAX_COLUMNS:
            raise _file_problem(
                f"trang “{shape.sheet}” có dữ liệu tới cột {column_letter(last_col)}, "
                f"vượt giới hạn {MAX_COLUMNS} cột: hãy xóa các cột thừa"
            )
    try:
        data_rows = sheet.to_python(skip_empty_area=False)
    except Exception as exc:
        raise _file_problem("tệp bị hỏng: không đọc được nội dung bảng tính") from exc
    return SheetRows(data_rows=data_rows, meta_rows=meta_rows, sheet_names=names)


def identity_problems(meta_rows: Sequence[Sequence[object]] | None, shape: Shape) -> list[Problem]:
    """The hidden sheet must name this shape and this version of the template."""
    values = (
        {cell_text(r[0]): cell_text(r[1]) for r in meta_rows if len(r) >= 2 and not is_blank(r[0])}
        if meta_rows
        else {}
    )
    kind = values.get("mau", "")
    if kind == shape.template_kind:
        if values.get("phien_ban") != TEMPLATE_VERSION:
            return [Problem("tệp được tạo từ phiên bản mẫu khác: hãy tải mẫu mới rồi chép dữ liệu sang")]
        return []
    other = next((o for o in SHAPES.values() if o.template_kind == kind), None)
    if other is not None:
        return [
            Problem(
                f"tệp này là mẫu {other.label}, không dùng được để nhập {shape.label}: "
                "hãy chọn đúng loại dữ liệu khi tải lên"
            )
        ]
    return [
        Problem(
            f"tệp không phải mẫu nhập {shape.label} của hệ thống (thiếu trang thông tin mẫu): "
            "hãy tải mẫu, chép dữ liệu vào rồi tải lên"
        )
    ]


def meta_rows_for(shape: Shape) -> list[tuple[str, str, str]]:
    """(key, value, label) rows of the hidden sheet the template writes."""
    return [
        ("mau", shape.template_kind, "Loại mẫu"),
        ("phien_ban", TEMPLATE_VERSION, "Phiên bản mẫu"),
    ]


# --- the header -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HeaderMap:
    row: int
    positions: dict[str, int]
    shape: Shape

    def label(self, key: str) -> str:
        """`F (Năm)`: the column letter in the uploaded file and the template's header."""
        return f"{column_letter(self.positions[key])} ({self.shape.headers[key]})"


def match_header(rows: Sequence[Sequence[object]], shape: Shape) -> HeaderMap:
    """Find the header row and map every column; refuse missing, extra, renamed or repeated ones."""
    row_number, positions = locate_header(rows, shape.columns, shape.sheet)
    return HeaderMap(row=row_number, positions=positions, shape=shape)


# --- the rows -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RawRow:
    """One filled row: its 1-based spreadsheet row and its raw cells by column key."""

    row: int
    cells: Mapping[str, object]

    def text(self, key: str) -> str:
        return cell_text(self.cells.get(key))

    def raw(self, key: str) -> object:
        return self.cells.get(key)


@dataclass
class Extracted:
    rows: list[RawRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def extract_rows(rows: Sequence[Sequence[object]], header: HeaderMap) -> Extracted:
    """The rows below the header with anything in them besides the STT column; data in a column without a
    header is refused (it would otherwise be lost silently); a required cell left blank is a problem."""
    out = Extracted()
    mapped = set(header.positions.values())
    stray_reported: set[int] = set()
    stt = header.positions.get("stt")
    for index in range(header.row, len(rows)):
        cells = rows[index]
        number = index + 1
        if all(is_blank(c) for i, c in enumerate(cells) if i != stt):
            continue
        for col, cell in enumerate(cells):
            if col not in mapped and not is_blank(cell) and col not in stray_reported:
                stray_reported.add(col)
                out.problems.append(
                    Problem(
                        "ô có dữ liệu nằm ở cột không có tiêu đề của mẫu: hãy xóa hoặc chuyển vào đúng cột",
                        row=number,
                        column=column_letter(col),
                    )
                )
        values = {
            key: (cells[col] if col < len(cells) else None)
            for key, col in header.positions.items()
            if key != "stt"
        }
        raw = RawRow(row=number, cells=values)
        for column in header.shape.columns:
            if column.required and is_blank(values.get(column.key)):
                out.problems.append(
                    Problem(f"chưa điền “{column.header}”", row=number, column=header.label(column.key))
                )
        out.rows.append(raw)
    return out


# --- cells ----------------------------------------------------------------------------------------------


class CellError(ValueError):
    """A cell that cannot be read; the message is Vietnamese and says what was expected."""


_DATE_PATTERNS = (
    re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$"),  # 05/01/2024, 5-1-2024, 05.01.2024
)
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def parse_year(raw: object, *, today: dt.date, label: str = "năm") -> int:
    """A cycle: a whole number between 1975 and next year."""
    if isinstance(raw, bool):
        raise CellError(f"{label} “{'TRUE' if raw else 'FALSE'}” không phải một năm: hãy ghi năm, ví dụ 2024")
    if isinstance(raw, dt.datetime | dt.date):
        raise CellError("ô đang ở định dạng ngày, không phải năm: hãy ghi năm, ví dụ 2024")
    if isinstance(raw, float):
        if not raw.is_integer():
            raise CellError(f"{label} “{raw}” không phải một năm: hãy ghi năm, ví dụ 2024")
        value = int(raw)
    elif isinstance(raw, int):
        value = raw
    else:
        text = cell_text(raw)
        if not re.fullmatch(r"\d{4}", text):
            raise CellError(f"{label} “{text}” không phải một năm: hãy ghi 4 chữ số, ví dụ 2024")
        value = int(text)
    if not MIN_YEAR <= value <= today.year + 1:
        raise CellError(f"{label} {value} nằm ngoài khoảng cho phép ({MIN_YEAR}–{today.year + 1})")
    return value


_SCHOOL_YEAR = re.compile(r"^(\d{4})\s*[-–—/]\s*(\d{4})$")


def parse_cycle(raw: object, *, today: dt.date, label: str = "năm") -> tuple[int, bool]:
    """A cycle as a year (2024) or as a school year (2024–2025, also 2024-2025 or 2024/2025): (the year,
    or the year the school year starts in; whether it was written as a school year)."""
    text = cell_text(raw) if isinstance(raw, str) else ""
    match = _SCHOOL_YEAR.fullmatch(text)
    if match is None:
        return parse_year(raw, today=today, label=label), False
    first, second = int(match.group(1)), int(match.group(2))
    if second != first + 1:
        raise CellError(f"năm học “{text}” không hợp lệ: hai năm phải liền nhau, ví dụ {first}–{first + 1}")
    if not MIN_YEAR <= first <= today.year + 1:
        raise CellError(f"năm học {first}–{second} nằm ngoài khoảng cho phép ({MIN_YEAR}–{today.year + 1})")
    return first, True


def cycle_notation_problem(unit_name: str, school_unit: bool, year: int, as_school_year: bool) -> str | None:
    """A school counts school years and writes them 2024–2025; every other unit writes a year. A plain year
    for a school is refused rather than guessed (2025 could mean 2024–2025 or 2025–2026)."""
    if school_unit and not as_school_year:
        return (
            f"“{unit_name}” xét thi đua theo năm học: hãy ghi năm học, ví dụ {year - 1}–{year} "
            f"hoặc {year}–{year + 1}"
        )
    if as_school_year and not school_unit:
        return f"“{unit_name}” xét thi đua theo năm dương lịch: hãy ghi một năm, ví dụ {year + 1}"
    return None


def parse_date(raw: object, *, today: dt.date) -> dt.date:
    """A date: a date cell, or text dd/mm/yyyy (also yyyy-mm-dd); never in the future."""
    if isinstance(raw, dt.datetime):
        value = raw.date()
    elif isinstance(raw, dt.date):
        value = raw
    elif isinstance(raw, bool | int | float):
        raise CellError(f"“{cell_text(raw)}” không phải ngày: hãy ghi ngày dạng dd/mm/yyyy, ví dụ 05/01/2024")
    else:
        text = cell_text(raw)
        value = _date_from_text(text)
    if value.year < MIN_YEAR:
        raise CellError(f"ngày {value:%d/%m/%Y} quá xa (trước năm {MIN_YEAR})")
    if value > today:
        raise CellError(f"ngày {value:%d/%m/%Y} chưa tới (sau hôm nay {today:%d/%m/%Y})")
    return value


def _date_from_text(text: str) -> dt.date:
    match = _DATE_PATTERNS[0].match(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
    elif (iso := _ISO_DATE.match(text)) is not None:
        year, month, day = (int(g) for g in iso.groups())
    else:
        raise CellError(f"“{text}” không phải ngày: hãy ghi ngày dạng dd/mm/yyyy, ví dụ 05/01/2024")
    try:
        return dt.date(year, month, day)
    except ValueError as exc:
        raise CellError(f"ngày “{text}” không có thật (ngày/tháng không hợp lệ)") from exc


_RATINGS: dict[str, s.Rating] = {}
for _rating, _words in (
    (s.Rating.HTXSNV, ("htxsnv", "hoan thanh xuat sac nhiem vu", "hoan thanh xuat sac")),
    (s.Rating.HTTNV, ("httnv", "hoan thanh tot nhiem vu", "hoan thanh tot")),
    (s.Rating.HTNV, ("htnv", "hoan thanh nhiem vu", "hoan thanh")),
    (s.Rating.KHTNV, ("khtnv", "khong hoan thanh nhiem vu", "khong hoan thanh")),
):
    for _w in _words:
        _RATINGS[_w] = _rating

RATING_LABELS: dict[s.Rating, str] = {
    s.Rating.HTXSNV: "Hoàn thành xuất sắc nhiệm vụ",
    s.Rating.HTTNV: "Hoàn thành tốt nhiệm vụ",
    s.Rating.HTNV: "Hoàn thành nhiệm vụ",
    s.Rating.KHTNV: "Không hoàn thành nhiệm vụ",
}


def parse_rating(raw: object) -> s.Rating:
    text = cell_text(raw)
    found = _RATINGS.get(fold(text).rstrip("."))
    if found is None:
        raise CellError(
            f"xếp loại “{text}” không hợp lệ: ghi HTXSNV, HTTNV, HTNV, KHTNV "
            "hoặc “Hoàn thành xuất sắc nhiệm vụ”, “Hoàn thành tốt nhiệm vụ”…"
        )
    return found


def _choice(raw: object, options: Mapping[str, str], what: str, expected: str) -> str:
    text = cell_text(raw)
    found = options.get(fold(text).rstrip("."))
    if found is None:
        raise CellError(f"{what} “{text}” không hợp lệ: ghi {expected}")
    return found


_SCOPES = {
    "co so": s.SCOPE_CO_SO,
    "cap co so": s.SCOPE_CO_SO,
    "co_so": s.SCOPE_CO_SO,
    "bo, tinh": s.SCOPE_BO_TINH,
    "bo tinh": s.SCOPE_BO_TINH,
    "cap bo, tinh": s.SCOPE_BO_TINH,
    "cap bo, nganh, tinh": s.SCOPE_BO_TINH,
    "bo, nganh, tinh": s.SCOPE_BO_TINH,
    "cap tinh": s.SCOPE_BO_TINH,
    "tinh": s.SCOPE_BO_TINH,
    "cap bo": s.SCOPE_BO_TINH,
    "bo_tinh": s.SCOPE_BO_TINH,
    "toan quoc": s.SCOPE_TOAN_QUOC,
    "cap toan quoc": s.SCOPE_TOAN_QUOC,
    "toan_quoc": s.SCOPE_TOAN_QUOC,
}
_KINDS = {
    "": s.KIND_CONG_TRANG,
    "cong trang": s.KIND_CONG_TRANG,
    "theo cong trang": s.KIND_CONG_TRANG,
    "cong trang, thanh tich": s.KIND_CONG_TRANG,
    "thuong xuyen": s.KIND_CONG_TRANG,
    "dot xuat": s.KIND_DOT_XUAT,
    "chuyen de": s.KIND_CHUYEN_DE,
    "theo dot": s.KIND_CHUYEN_DE,
    "theo dot, chuyen de": s.KIND_CHUYEN_DE,
}
_BASES = {
    "": s.BASIS_OTHER,
    "khac": s.BASIS_OTHER,
    "htxsnv": s.BASIS_HTXSNV,
    "hoan thanh xuat sac nhiem vu": s.BASIS_HTXSNV,
    "sang kien": s.BASIS_INITIATIVE,
    "sang kien, de tai": s.BASIS_INITIATIVE,
    "de tai": s.BASIS_INITIATIVE,
}


def parse_scope(raw: object) -> str:
    return _choice(raw, _SCOPES, "cấp công nhận", "“Cơ sở”, “Bộ, tỉnh” hoặc “Toàn quốc”")


def parse_kind(raw: object) -> str:
    return _choice(
        raw, _KINDS, "loại khen thưởng", "“Công trạng”, “Đột xuất” hoặc “Chuyên đề” (để trống: công trạng)"
    )


def parse_basis(raw: object) -> str:
    return _choice(raw, _BASES, "căn cứ xét", "“HTXSNV”, “Sáng kiến” hoặc “Khác” (để trống: khác)")


def title_aliases(titles: Mapping[str, Sequence[str]]) -> dict[str, str]:
    """`{folded code or name: code}` from `{code: (names…)}`: a title may be typed as its code (CSTDCS,
    CSTĐCS) or its name (Chiến sĩ thi đua cơ sở), with or without diacritics."""
    aliases: dict[str, str] = {}
    for code, names in titles.items():
        for name in (code, *names):
            aliases.setdefault(fold(name).replace(" ", "").replace("_", ""), code)
            aliases.setdefault(fold(name), code)
    return aliases


def parse_title(raw: object, aliases: Mapping[str, str]) -> str:
    text = cell_text(raw)
    folded = fold(text).rstrip(".")
    code = aliases.get(folded) or aliases.get(folded.replace(" ", "").replace("_", ""))
    if code is None:
        close = difflib.get_close_matches(folded, list(aliases), n=1, cutoff=0.75)
        hint = f" (có phải “{aliases[close[0]]}”?)" if close else ""
        raise CellError(
            f"danh hiệu, hình thức “{text}” không có trong danh mục{hint}: xem trang “{LISTS_SHEET}” của mẫu"
        )
    return code


def parse_text(raw: object, *, limit: int, what: str) -> str:
    text = raw.strip() if isinstance(raw, str) else cell_text(raw)
    if len(text) > limit:
        raise CellError(f"{what} dài {len(text)} ký tự, tối đa {limit} ký tự")
    return text


def find_duplicates(keys: Sequence[tuple[int, tuple[object, ...] | None]]) -> list[tuple[int, int]]:
    """`(later row, earlier row)` for every `(row, key)` whose key was seen on an earlier row; None keys
    (rows too broken to compare) are skipped."""
    first: dict[tuple[object, ...], int] = {}
    found: list[tuple[int, int]] = []
    for row, key in keys:
        if key is None:
            continue
        if key in first:
            found.append((row, first[key]))
        else:
            first[key] = row
    return found
