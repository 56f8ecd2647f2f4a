"""The rules of the results spreadsheet: its shape, how its cells are read, and what makes a file refused.

Pure: no Django, no models. `xlsx_template` writes the shape described here and `xlsx_import` reads
uploads through these functions, then checks the rows against the database.

Reading order for an upload, cheapest and safest first:

1. `inspect_upload`: name, size and the zip directory, before any parser sees the bytes (a zip bomb is
   refused from its declared sizes, and every member is streamed once with a cap so that sizes that lie
   fail their CRC instead of filling memory);
2. `read_workbook`: calamine reads the data sheet and the hidden metadata sheet into plain lists;
3. `identity_from_rows` / `identity_problems`: the file must be the template of this cluster-year and period;
4. `match_header`, `extract_rows`, `parse_number_cell`, `find_duplicates`: row by row, every problem
   located by its 1-based spreadsheet row and its column letter and header.

Rounding rule: a figure is rounded once, half up, to `VALUE_PLACES` (4 decimal places, what the database
keeps), so a formula's 89.68235294117647 is stored as 89.6824 rather than refused.
"""

from __future__ import annotations

import datetime as dt
import difflib
import io
import re
import zipfile
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Protocol
from xml.etree import ElementTree

from python_calamine import CalamineWorkbook

from tdkt.core.errors import Problem, ValidationFailed
from tdkt.core.vn import NumberFormatError, fold, format_number, parse_number

# --- the template's shape -------------------------------------------------------------------------------

DATA_SHEET = "Kết quả"
GUIDE_SHEET = "Hướng dẫn"
LISTS_SHEET = "Danh mục"
META_SHEET = "_tdkt"
TEMPLATE_KIND = "tdkt-ket-qua"
TEMPLATE_VERSION = "1"

HEADER_ROW = 4  # where the template puts the header; the reader looks for it in the first rows
HEADER_SEARCH_ROWS = 10
MIN_HEADER_MATCHES = 3


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    editable: bool
    width: int


COLUMNS: tuple[Column, ...] = (
    Column("unit_code", "Mã đơn vị", False, 12),
    Column("unit_name", "Tên đơn vị", False, 26),
    Column("indicator_code", "Mã chỉ tiêu", False, 12),
    Column("indicator_name", "Tên chỉ tiêu", False, 40),
    Column("measure_unit", "Đơn vị tính", False, 12),
    Column("targets", "Chỉ tiêu đăng ký", False, 30),
    Column("result", "Kết quả", True, 16),
    Column("prior", "Cùng kỳ năm trước", True, 16),
    Column("note", "Ghi chú", True, 36),
)
HEADERS: dict[str, str] = {c.key: c.header for c in COLUMNS}

# --- limits ---------------------------------------------------------------------------------------------

MAX_DATA_ROWS = 5000
MAX_COLUMNS = 60
MAX_PROBLEMS = 200
MAX_NOTE_CHARS = 2000
MAX_CODE_CHARS = 40
ZIP_MAX_MEMBERS = 500
ZIP_MAX_TOTAL_BYTES = 50 * 1024 * 1024
ZIP_RATIO_CHECK_BYTES = 1024 * 1024  # members smaller than this may compress as well as they like
ZIP_MAX_RATIO = 100
VALUE_PLACES = Decimal("0.0001")
MAX_ABS_VALUE = Decimal("1e15")  # the database keeps 16 integer digits; validate_value says the same

_STREAM_CHUNK = 64 * 1024
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def is_blank(raw: object) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def cell_text(raw: object) -> str:
    """A code or a name as text: a code typed as a number (123) comes back from the sheet as 123.0."""
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, dt.datetime | dt.date):
        return raw.strftime("%d/%m/%Y")
    return " ".join(str(raw).split())


def ascii_slug(text: str) -> str:
    """`Cụm miền núi T-CMN` → `cum-mien-nui-t-cmn`: folded to ASCII for a download's file name."""
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")


def cap_problems(problems: list[Problem], limit: int = MAX_PROBLEMS) -> list[Problem]:
    """At most `limit` problems, then one line saying how many more there are."""
    if len(problems) <= limit:
        return problems
    return [*problems[:limit], Problem(f"và {len(problems) - limit} lỗi khác")]


# --- the file itself ------------------------------------------------------------------------------------


def _file_problem(message: str) -> ValidationFailed:
    """A problem with the file as a whole: no row or column to point at, the message names the file."""
    return ValidationFailed(Problem(message))


def _megabytes(size: int) -> str:
    return format_number((Decimal(size) / 1024 / 1024).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def inspect_upload(filename: str, data: bytes, *, max_bytes: int) -> None:
    """Refuse, before any parsing, a file that is not a sound .xlsx of a reasonable size."""
    name = filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix != "xlsx":
        shown = f"“.{suffix}”" if suffix else "không có đuôi"
        hint = " (tệp .xls cũ: mở bằng Excel rồi lưu lại dưới dạng .xlsx)" if suffix == "xls" else ""
        raise _file_problem(f"tệp “{name}” ({shown}) không được nhận: chỉ nhận tệp Excel .xlsx{hint}")
    if not data:
        raise _file_problem(f"tệp “{name}” rỗng (0 byte)")
    if len(data) > max_bytes:
        raise _file_problem(
            f"tệp “{name}” nặng {_megabytes(len(data))} MB, vượt giới hạn {_megabytes(max_bytes)} MB"
        )
    if data.startswith(_OLE_MAGIC):
        raise _file_problem(
            f"tệp “{name}” là tệp Excel cũ (.xls) đổi đuôi hoặc tệp đã đặt mật khẩu: "
            "hãy mở bằng Excel, bỏ mật khẩu nếu có, rồi lưu lại dưới dạng .xlsx"
        )
    if not data.startswith(b"PK"):
        kind = "tệp văn bản (có thể là .csv)" if _looks_like_text(data) else "không phải tệp Excel .xlsx"
        raise _file_problem(f"tệp “{name}” {kind} dù có đuôi .xlsx: hãy tải mẫu của hệ thống và điền vào mẫu")
    inspect_zip(data, name=name)


def _looks_like_text(data: bytes) -> bool:
    head = data[:2048]
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return b"\x00" not in head


def inspect_zip(data: bytes, *, name: str = "tệp") -> None:
    """Read the zip directory and refuse a bomb or a broken archive before calamine opens it.

    Declared sizes are checked first (sum, member count, ratio); then every member is streamed once,
    never reading more than it declares, so a member whose real size differs fails its CRC here.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        raise _file_problem(f"tệp “{name}” bị hỏng (không đọc được cấu trúc nén .xlsx)") from exc
    with archive:
        members = archive.infolist()
        if len(members) > ZIP_MAX_MEMBERS:
            raise _file_problem(
                f"tệp “{name}” chứa {len(members)} thành phần (tối đa {ZIP_MAX_MEMBERS}): "
                "không phải bảng tính thông thường"
            )
        total = sum(m.file_size for m in members)
        if total > ZIP_MAX_TOTAL_BYTES:
            raise _file_problem(
                f"tệp “{name}” khi giải nén nặng {_megabytes(total)} MB, "
                f"vượt giới hạn {_megabytes(ZIP_MAX_TOTAL_BYTES)} MB: hãy chỉ giữ trang “{DATA_SHEET}”"
            )
        for member in members:
            if member.file_size > ZIP_RATIO_CHECK_BYTES and member.file_size > ZIP_MAX_RATIO * max(
                member.compress_size, 1
            ):
                raise _file_problem(
                    f"tệp “{name}” có thành phần nén bất thường "
                    f"(tỷ lệ nén trên {ZIP_MAX_RATIO}:1): tệp bị từ chối vì lý do an toàn"
                )
        names = {m.filename for m in members}
        _check_package_kind(names, name)
        try:
            for member in members:
                if member.flag_bits & 0x1:
                    raise _file_problem(
                        f"tệp “{name}” có thành phần được mã hóa: hãy bỏ mật khẩu rồi tải lại"
                    )
                with archive.open(member) as stream:
                    while stream.read(_STREAM_CHUNK):
                        pass
        except ValidationFailed:
            raise
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError) as exc:
            raise _file_problem(f"tệp “{name}” bị hỏng (dữ liệu nén không toàn vẹn)") from exc


def _check_package_kind(names: set[str], name: str) -> None:
    if "[Content_Types].xml" not in names:
        if "mimetype" in names:
            raise _file_problem(f"tệp “{name}” là tệp OpenDocument (.ods): hãy lưu lại dưới dạng Excel .xlsx")
        raise _file_problem(f"tệp “{name}” là tệp nén .zip, không phải tệp Excel .xlsx")
    if any(n.startswith("word/") for n in names):
        raise _file_problem(f"tệp “{name}” là tệp Word (.docx) đổi đuôi, không phải tệp Excel .xlsx")
    if any(n.startswith("ppt/") for n in names):
        raise _file_problem(f"tệp “{name}” là tệp PowerPoint (.pptx) đổi đuôi, không phải tệp Excel .xlsx")
    if "xl/workbook.bin" in names:
        raise _file_problem(f"tệp “{name}” là tệp Excel nhị phân (.xlsb): hãy lưu lại dưới dạng .xlsx")
    if "xl/workbook.xml" not in names:
        raise _file_problem(f"tệp “{name}” không phải tệp Excel .xlsx (thiếu phần bảng tính)")


@dataclass(frozen=True)
class WorkbookRows:
    """The two sheets an import reads, as plain lists of rows starting at A1."""

    data_rows: Sequence[Sequence[object]]
    meta_rows: Sequence[Sequence[object]] | None
    sheet_names: list[str]
    # (0-based row, 0-based column) of every formula cell of the data sheet → whether the file keeps the
    # value Excel computed; calamine gives that value, or an empty cell when there is none
    formulas: Mapping[tuple[int, int], bool] = field(default_factory=dict)


def read_workbook(data: bytes) -> WorkbookRows:
    """Read the data sheet and the metadata sheet; refuse a file calamine cannot read or too large a sheet."""
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = list(workbook.sheet_names)
        sheet = workbook.get_sheet_by_name(DATA_SHEET) if DATA_SHEET in names else None
        meta = workbook.get_sheet_by_name(META_SHEET) if META_SHEET in names else None
        meta_rows = meta.to_python(skip_empty_area=False) if meta is not None else None
    except Exception as exc:  # a parser failure on an uploaded file is the file's fault, never a server error
        raise _file_problem("tệp bị hỏng: không đọc được nội dung bảng tính") from exc
    if sheet is None:
        close = difflib.get_close_matches(DATA_SHEET, names, n=1)
        hint = f" (có trang “{close[0]}”: hãy đổi lại đúng tên “{DATA_SHEET}”)" if close else ""
        shown = ", ".join(f"“{n}”" for n in names[:10])
        raise ValidationFailed(
            Problem(
                f"không có trang “{DATA_SHEET}” của mẫu{hint}; tệp có các trang: {shown}",
            )
        )
    if sheet.end is not None:
        last_row, last_col = sheet.end
        if last_row + 1 > HEADER_SEARCH_ROWS + MAX_DATA_ROWS:
            raise _file_problem(
                f"trang “{DATA_SHEET}” có {last_row + 1} dòng, vượt giới hạn {MAX_DATA_ROWS} dòng số liệu"
            )
        if last_col + 1 > MAX_COLUMNS:
            raise _file_problem(
                f"trang “{DATA_SHEET}” có dữ liệu tới cột {column_letter(last_col)}, "
                f"vượt giới hạn {MAX_COLUMNS} cột: hãy xóa các cột thừa"
            )
    try:
        data_rows = sheet.to_python(skip_empty_area=False)
    except Exception as exc:
        raise _file_problem("tệp bị hỏng: không đọc được nội dung bảng tính") from exc
    return WorkbookRows(
        data_rows=data_rows, meta_rows=meta_rows, sheet_names=names, formulas=formula_cells(data, DATA_SHEET)
    )


_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_CELL_REF = re.compile(r"^([A-Z]{1,3})(\d+)$")


def _cell_position(ref: str) -> tuple[int, int] | None:
    match = _CELL_REF.match(ref)
    if match is None:
        return None
    col = 0
    for letter in match.group(1):
        col = col * 26 + ord(letter) - ord("A") + 1
    return int(match.group(2)) - 1, col - 1


def _xml_root(archive: zipfile.ZipFile, member: str) -> ElementTree.Element:
    data = archive.read(member)
    if b"<!DOCTYPE" in data[:4096] or b"<!ENTITY" in data[:4096]:  # no entity expansion, ever
        raise _file_problem("tệp có cấu trúc XML không hợp lệ: hãy lưu lại bằng Excel")
    return ElementTree.fromstring(data)


def formula_cells(data: bytes, sheet: str) -> dict[tuple[int, int], bool]:
    """Every formula cell of `sheet` → whether it holds a computed (cached) value. calamine reads the cached
    value and gives an empty cell when there is none (a file written by a program that does not compute),
    so without this a formula's figure would be skipped silently. The zip was inspected before."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            workbook = _xml_root(archive, "xl/workbook.xml")
            rel_id = next(
                (s.get(f"{_NS_REL}id") for s in workbook.iter(f"{_NS_MAIN}sheet") if s.get("name") == sheet),
                None,
            )
            rels = _xml_root(archive, "xl/_rels/workbook.xml.rels")
            target = next(
                (
                    r.get("Target", "")
                    for r in rels.iter(f"{_NS_PKG_REL}Relationship")
                    if r.get("Id") == rel_id
                ),
                "",
            )
            if not target:
                return {}
            member = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            root = _xml_root(archive, member)
    except (KeyError, ElementTree.ParseError, zipfile.BadZipFile) as exc:
        raise _file_problem("tệp bị hỏng: không đọc được nội dung bảng tính") from exc
    found: dict[tuple[int, int], bool] = {}
    for cell in root.iter(f"{_NS_MAIN}c"):
        if cell.find(f"{_NS_MAIN}f") is None:
            continue
        position = _cell_position(cell.get("r", ""))
        if position is None:
            continue
        value = cell.find(f"{_NS_MAIN}v")
        inline = cell.find(f"{_NS_MAIN}is")
        found[position] = (value is not None and bool((value.text or "").strip())) or inline is not None
    return found


# --- the metadata sheet ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class TemplateIdentity:
    """What the hidden metadata sheet records: which cluster-year and period the template was made for."""

    cluster_year_id: int
    cluster_code: str
    cluster_name: str
    year: int
    period: str
    period_label: str
    unit_code: str = ""

    def rows(self) -> list[tuple[str, str, str]]:
        """(key, value, label) rows as the template writes them."""
        return [
            ("mau", TEMPLATE_KIND, "Loại mẫu"),
            ("phien_ban", TEMPLATE_VERSION, "Phiên bản mẫu"),
            ("cluster_year_id", str(self.cluster_year_id), "Mã cụm – năm trong hệ thống"),
            ("cluster_code", self.cluster_code, "Mã cụm"),
            ("cluster_name", self.cluster_name, "Tên cụm"),
            ("year", str(self.year), "Năm thi đua"),
            ("period", self.period, "Kỳ báo cáo"),
            ("period_label", self.period_label, "Tên kỳ báo cáo"),
            ("unit_code", self.unit_code, "Mẫu riêng của đơn vị"),
        ]

    @property
    def label(self) -> str:
        return f"“{self.cluster_name}” năm {self.year}, kỳ “{self.period_label}”"


_NOT_TEMPLATE = (
    "tệp không phải mẫu nhập kết quả của hệ thống (thiếu trang thông tin mẫu): "
    "hãy tải mẫu của đúng cụm và kỳ báo cáo, điền số liệu rồi tải lên"
)


def identity_from_rows(rows: Sequence[Sequence[object]] | None) -> TemplateIdentity:
    """Read the metadata sheet; refuse a file that is not (or no longer) this system's template."""
    if not rows:
        raise ValidationFailed(Problem(_NOT_TEMPLATE))
    values = {cell_text(r[0]): cell_text(r[1]) for r in rows if len(r) >= 2 and not is_blank(r[0])}
    if values.get("mau") != TEMPLATE_KIND:
        raise ValidationFailed(Problem(_NOT_TEMPLATE))
    if values.get("phien_ban") != TEMPLATE_VERSION:
        raise ValidationFailed(
            Problem("tệp được tạo từ phiên bản mẫu khác: hãy tải mẫu mới rồi chép số liệu sang")
        )
    try:
        return TemplateIdentity(
            cluster_year_id=int(values["cluster_year_id"]),
            cluster_code=values.get("cluster_code", ""),
            cluster_name=values.get("cluster_name", ""),
            year=int(values["year"]),
            period=values["period"],
            period_label=values.get("period_label", values["period"]),
            unit_code=values.get("unit_code", ""),
        )
    except (KeyError, ValueError) as exc:
        raise ValidationFailed(
            Problem("trang thông tin mẫu bị sửa hoặc hỏng: hãy tải mẫu mới rồi chép số liệu sang")
        ) from exc


def identity_problems(found: TemplateIdentity, expected: TemplateIdentity) -> list[Problem]:
    """The file must be the template of the cluster-year and period being imported."""
    same_cluster_year = found.cluster_year_id == expected.cluster_year_id and found.year == expected.year
    if same_cluster_year and found.period == expected.period:
        return []
    return [
        Problem(
            f"tệp này là mẫu của {found.label}, không dùng được để nhập cho {expected.label}: "
            "hãy tải mẫu của đúng cụm và kỳ báo cáo",
        )
    ]


# --- the header -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HeaderMap:
    """Where each template column sits in the uploaded sheet (0-based), and the header's 1-based row."""

    row: int
    positions: dict[str, int]
    problems: tuple[Problem, ...] = ()  # the header's own problems (see `scan_header_map`)
    reported: frozenset[int] = frozenset()  # columns whose header is already named in `problems`

    def label(self, key: str) -> str:
        """`G (Kết quả)`: the column letter in the uploaded file and the template's header (the header alone
        for a column missing from the file)."""
        if key not in self.positions:
            return HEADERS[key]
        return f"{column_letter(self.positions[key])} ({HEADERS[key]})"


class HeaderColumn(Protocol):
    """What `locate_header` needs of a template's column."""

    @property
    def key(self) -> str: ...

    @property
    def header(self) -> str: ...


def locate_header(
    rows: Sequence[Sequence[object]], columns: Sequence[HeaderColumn], sheet: str
) -> tuple[int, dict[str, int]]:
    """Find the header row among the first rows and map every template column to its 0-based position;
    refuse missing, extra, renamed or repeated columns. Shared by every Excel import."""
    row_number, positions, problems, _reported = scan_header(rows, columns, sheet)
    if problems:
        raise ValidationFailed(problems)
    return row_number, positions


def scan_header(
    rows: Sequence[Sequence[object]], columns: Sequence[HeaderColumn], sheet: str
) -> tuple[int, dict[str, int], list[Problem], set[int]]:
    """`locate_header` without refusing: the header's row, the columns found, the problems with the header
    (missing, extra, renamed, repeated columns) and the positions of the columns those problems name, so
    that an import can go on checking the cells of the columns that are there. Refuses only when no
    header row is found at all."""
    keys = {fold(c.header): c.key for c in columns}
    header_index = None
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if sum(1 for cell in row if fold(cell_text(cell)) in keys) >= MIN_HEADER_MATCHES:
            header_index = index
            break
    if header_index is None:
        expected = ", ".join(c.header for c in columns)
        raise ValidationFailed(
            Problem(
                f"không tìm thấy dòng tiêu đề ({expected}) trong {HEADER_SEARCH_ROWS} dòng đầu "
                f"của trang “{sheet}”: hãy dùng mẫu của hệ thống",
            )
        )
    row_number = header_index + 1
    positions: dict[str, int] = {}
    extras: list[tuple[int, str]] = []
    problems: list[Problem] = []
    reported: set[int] = set()
    for index, cell in enumerate(rows[header_index]):
        text = cell_text(cell)
        if not text:
            continue
        key = keys.get(fold(text))
        if key is None:
            extras.append((index, text))
        elif key in positions:
            reported.add(index)
            problems.append(
                Problem(
                    f"tiêu đề “{text}” lặp lại (đã có ở cột {column_letter(positions[key])})",
                    row=row_number,
                    column=column_letter(index),
                )
            )
        else:
            positions[key] = index
    missing = [c for c in columns if c.key not in positions]
    template_index = {c.key: i for i, c in enumerate(columns)}
    for index, text in extras:
        reported.add(index)
        renamed = next((c for c in missing if template_index[c.key] == index), None)
        if renamed is None:
            close = difflib.get_close_matches(fold(text), [fold(c.header) for c in missing], n=1, cutoff=0.6)
            renamed = next((c for c in missing if close and fold(c.header) == close[0]), None)
        if renamed is not None:
            missing.remove(renamed)
            problems.append(
                Problem(
                    f"tiêu đề “{text}” không đúng mẫu, phải là “{renamed.header}”: "
                    "hãy giữ nguyên tiêu đề của mẫu",
                    row=row_number,
                    column=column_letter(index),
                )
            )
        else:
            problems.append(
                Problem(
                    f"cột “{text}” không có trong mẫu: hãy xóa cột này (không thêm cột vào mẫu)",
                    row=row_number,
                    column=column_letter(index),
                )
            )
    for c in missing:
        problems.append(
            Problem(f"thiếu cột “{c.header}” của mẫu: hãy tải lại mẫu", row=row_number, column=c.header)
        )
    return row_number, positions, problems, reported


def match_header(rows: Sequence[Sequence[object]]) -> HeaderMap:
    """Find the header row and map every template column; refuse missing, extra, renamed or repeated ones."""
    header = scan_header_map(rows)
    if header.problems:
        raise ValidationFailed(list(header.problems))
    return header


def scan_header_map(rows: Sequence[Sequence[object]]) -> HeaderMap:
    """The header as found, its problems kept in `problems` rather than raised: the import reports them
    together with every cell's problem in the columns that are there (one upload shows everything)."""
    row_number, positions, problems, reported = scan_header(rows, COLUMNS, DATA_SHEET)
    return HeaderMap(
        row=row_number, positions=positions, problems=tuple(problems), reported=frozenset(reported)
    )


# --- the rows -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RawRow:
    """One filled row, as text and raw cells; nothing checked against the database yet."""

    row: int
    unit_code: str
    unit_name: str
    indicator_code: str
    indicator_name: str
    result: object
    prior: object
    note: str
    computed: frozenset[str] = frozenset()  # keys of the cells read from a formula's computed value

    @property
    def key(self) -> tuple[str, str]:
        return (self.unit_code.casefold(), self.indicator_code.casefold())


@dataclass
class Extracted:
    rows: list[RawRow] = field(default_factory=list)
    skipped: int = 0  # rows with a blank 'Kết quả' (a unit may fill only some rows)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


FORMULA_WITHOUT_VALUE = "ô chứa công thức, không có giá trị đã tính: hãy dán giá trị (Dán đặc biệt → Giá trị)"


def extract_rows(
    rows: Sequence[Sequence[object]],
    header: HeaderMap,
    formulas: Mapping[tuple[int, int], bool] | None = None,
) -> Extracted:
    """The rows below the header that carry a result. Fully empty rows and rows whose 'Kết quả' is blank are
    skipped; data in a column without a header is refused (it would otherwise be lost silently), except in
    a column whose header is already reported. A formula cell without a computed value is refused (it
    reads as blank); a figure read from a formula's computed value is said so in a warning."""
    out = Extracted()
    formulas = formulas or {}
    mapped = set(header.positions.values())
    stray_reported: set[int] = set(header.reported)
    for index in range(header.row, len(rows)):
        cells = rows[index]
        number = index + 1
        uncomputed = {
            key
            for key, col in header.positions.items()
            if formulas.get((index, col)) is False and (col >= len(cells) or is_blank(cells[col]))
        }
        for key in sorted(uncomputed, key=lambda k: header.positions[k]):
            out.problems.append(Problem(FORMULA_WITHOUT_VALUE, row=number, column=header.label(key)))
        if uncomputed:
            continue
        if all(is_blank(c) for c in cells):
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

        def at(key: str, cells: Sequence[object] = cells) -> object:
            col = header.positions.get(key)
            return cells[col] if col is not None and col < len(cells) else None

        if is_blank(at("result")):
            out.skipped += 1
            continue
        computed = frozenset(
            key
            for key in ("result", "prior")
            if key in header.positions and formulas.get((index, header.positions[key])) is True
        )
        for key in sorted(computed):
            out.warnings.append(
                Problem(
                    f"ô chứa công thức: đã đọc giá trị Excel đã tính ({shown(at(key))}); "
                    "nên dán giá trị thay cho công thức",
                    row=number,
                    column=header.label(key),
                )
            )
        out.rows.append(
            RawRow(
                row=number,
                unit_code=cell_text(at("unit_code")),
                unit_name=cell_text(at("unit_name")),
                indicator_code=cell_text(at("indicator_code")),
                indicator_name=cell_text(at("indicator_name")),
                result=at("result"),
                prior=at("prior"),
                note=_note_text(at("note")),
                computed=computed,
            )
        )
    return out


def _note_text(raw: object) -> str:
    """A note keeps its line breaks; a number typed as a note reads as it was typed (12, not 12.0)."""
    if isinstance(raw, str):
        return raw.strip()
    return cell_text(raw)


def find_duplicates(rows: Sequence[RawRow], header: HeaderMap) -> list[Problem]:
    """The same unit and indicator filled twice: refused on the later row, naming the earlier one."""
    first: dict[tuple[str, str], int] = {}
    problems: list[Problem] = []
    for r in rows:
        if not r.unit_code or not r.indicator_code:
            continue
        if r.key in first:
            problems.append(
                Problem(
                    f"đơn vị “{r.unit_code}”, chỉ tiêu “{r.indicator_code}” đã có ở dòng {first[r.key]}: "
                    f"dòng {first[r.key]} và dòng {r.row} trùng nhau, hãy giữ lại một dòng",
                    row=r.row,
                    column=header.label("indicator_code"),
                )
            )
        else:
            first[r.key] = r.row
    return problems


def shown(raw: object) -> str:
    """A cell as a message quotes it: a native number written the Vietnamese way (265.5 → 265,5)."""
    if isinstance(raw, bool) or raw is None:
        return cell_text(raw)
    if isinstance(raw, float) and raw == raw and raw not in (float("inf"), float("-inf")):
        return format_number(Decimal(repr(raw)))
    if isinstance(raw, int | Decimal):
        return format_number(Decimal(raw))
    return cell_text(raw)


PLAUSIBLE_PERCENT = Decimal(1000)  # above this a percentage is read but questioned
_ENGLISH_DECIMAL = re.compile(r"^[+-]?\d+\.\d+%?$")  # 54.9 or 199121.158: a dot before the decimals
_ONE_GROUP = re.compile(r"^[+-]?\d{1,3}\.\d{3}%?$")  # 1.234: one thousand … or one point two …


def read_figure(
    raw: object, *, percent_allowed: bool, measure_unit: str = ""
) -> tuple[Decimal | None, list[str]]:
    """`parse_number_cell` and the warnings a person should read about how the cell was understood.

    Rule (warnings vs refusals): a reading that is certain but unusual is written and warned about, saying
    how it was read; a reading that could mean two figures is refused, giving both.
    - text with a dot before the decimals (`54.9`, English style) reads as 54,9: warned;
    - `1.234` for an indicator in percent could be 1.234 % (thousands) or 1,234 %: refused with both
      readings (for other indicators the Vietnamese grouping, one thousand two hundred thirty-four, holds);
    - a percentage above 1.000 % is read and warned as implausible (validate_value refuses above 10.000 %).
    """
    text = raw.strip().replace("\u00a0", "").replace(" ", "") if isinstance(raw, str) else ""
    if percent_allowed and _ONE_GROUP.match(text):
        bare = text.rstrip("%")
        raise NumberFormatError(
            f"“{raw}” không rõ nghĩa với chỉ tiêu tính bằng %: có thể là {bare} % (dấu chấm ngăn hàng "
            f"nghìn, tức {bare.replace('.', '')}) hoặc {bare.replace('.', ',')} % (dấu chấm thập phân kiểu tiếng Anh): "
            f"hãy viết {bare.replace('.', '')} hoặc {bare.replace('.', ',')}"
        )
    value = parse_number_cell(raw, percent_allowed=percent_allowed, measure_unit=measure_unit)
    warnings: list[str] = []
    if value is None:
        return None, warnings
    if _ENGLISH_DECIMAL.match(text) and not _ONE_GROUP.match(text):
        warnings.append(
            f"“{raw}” viết dấu chấm thập phân kiểu tiếng Anh: đọc là {format_number(value)}; "
            "hãy kiểm tra lại (kiểu Việt Nam dùng dấu phẩy trước phần thập phân)"
        )
    if percent_allowed and value > PLAUSIBLE_PERCENT:
        warnings.append(
            f"“{shown(raw)}” được đọc là {format_number(value)} %, vượt quá {format_number(PLAUSIBLE_PERCENT)} %: "
            "hãy kiểm tra lại con số"
        )
    return value, warnings


def parse_number_cell(raw: object, *, percent_allowed: bool, measure_unit: str = "") -> Decimal | None:
    """A figure from a cell: Vietnamese text (`199.121,158`, `54,9%`, `1.234` = 1234) or a native number.

    Blank gives None. Raises `NumberFormatError` with a Vietnamese message otherwise. A `%` is only
    accepted for an indicator measured in percent, whose value is kept in percent units (54,9% → 54.9).
    `read_figure` adds the warnings and the refusal of ambiguous percentages.
    """
    if is_blank(raw):
        return None
    if isinstance(raw, bool):
        raise NumberFormatError(
            f"“{'TRUE' if raw else 'FALSE'}” là giá trị đúng/sai, không phải số: hãy ghi 1 hoặc 0"
        )
    if isinstance(raw, dt.datetime | dt.date | dt.time | dt.timedelta):
        raise NumberFormatError(
            "ô đang ở định dạng ngày giờ, không phải số: hãy định dạng lại ô là văn bản rồi gõ số"
        )
    parsed = parse_number(raw)
    if parsed.is_percent and not percent_allowed:
        unit = f" tính bằng {measure_unit}" if measure_unit else ""
        raise NumberFormatError(f"“{raw}” có dấu %, nhưng chỉ tiêu này{unit}: hãy bỏ dấu %")
    if abs(parsed.value) >= MAX_ABS_VALUE:
        raise NumberFormatError(f"“{shown(raw)}” quá lớn (tối đa {format_number(MAX_ABS_VALUE - 1)})")
    return _tidy(parsed.value.quantize(VALUE_PLACES, rounding=ROUND_HALF_UP))


def _tidy(value: Decimal) -> Decimal:
    """54.9000 → 54.9 and 260000.0000 → 260000, never 2.6E+5."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def parse_note(text: str) -> str:
    if len(text) > MAX_NOTE_CHARS:
        raise NumberFormatError(f"ghi chú dài {len(text)} ký tự, tối đa {MAX_NOTE_CHARS} ký tự")
    return text
