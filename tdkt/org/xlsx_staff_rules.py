"""The rules of a unit's staff list as a spreadsheet: its shape, how cells are read, and the checks that need
only the file. Pure: no Django, no models (the sibling of `xlsx_units_rules`, whose cell readers it reuses,
and of `tdkt.movements.xlsx_rules`, whose file checks and header matching both reuse).

One sheet, `Cán bộ`, one row per person: code, full name, gender, date of birth, recruitment date, post,
and the day the row's facts hold from (the start in the unit for a new person, the day of a new post for
someone already on the list). A unit's template is made for that unit; the province's (the board's, to
set up a province at once) has a first column more, the code of each person's unit.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass

from python_calamine import CalamineWorkbook

from tdkt.core.errors import Problem, ValidationFailed
from tdkt.core.vn import fold
from tdkt.movements.xlsx_rules import MAX_COLUMNS, cell_text, column_letter, is_blank
from tdkt.org.xlsx_units_rules import (
    PHASE_VALIDATE,
    PROGRESS_EVERY,
    CellError,
    Column,
    Progress,
    Sheet,
    extract,
    label,
    no_progress,
    parse_choice,
    parse_date,
    parse_text,
)

STAFF_SHEET = "Cán bộ"
GUIDE_SHEET = "Hướng dẫn"
META_SHEET = "_tdkt"
TEMPLATE_KIND = "tdkt-can-bo"
PROVINCE_TEMPLATE_KIND = "tdkt-can-bo-tinh"
TEMPLATE_VERSION = "1"
HEADER_ROW = 4
HEADER_SEARCH_ROWS = 10
MAX_STAFF_ROWS = 100_000  # a province's largest department; the units list keeps the movements' 5,000
MAX_CODE = 40
MAX_NAME = 200
MAX_POSITION = 200
# the values of `tdkt.org.models.Gender`, which a pure module may not import (a test holds them equal)
GENDERS = {"nam": "Nam", "nu": "Nữ"}

STAFF_COLUMNS: tuple[Column, ...] = (
    Column("code", "Mã cán bộ", 16, True),
    Column("full_name", "Họ và tên", 30, True),
    Column("gender", "Giới tính", 10, True),
    Column("date_of_birth", "Ngày sinh", 13),
    Column("recruited_on", "Ngày tuyển dụng", 15),
    Column("position", "Chức vụ", 28),
    Column("start", "Từ ngày", 13, True),
)
UNIT_CODE_COLUMN = Column("unit_code", "Mã đơn vị", 16, True)
PROVINCE_COLUMNS: tuple[Column, ...] = (UNIT_CODE_COLUMN, *STAFF_COLUMNS)
STAFF_HEADERS = {c.key: c.header for c in PROVINCE_COLUMNS}


class StaffSheet(Sheet):
    """The one sheet: its columns are named without the sheet's name."""

    def column(self, key: str) -> str:
        return label(self.headers, self.positions, key)


def extract_staff(rows: Sequence[Sequence[object]], columns: Sequence[Column] = STAFF_COLUMNS) -> StaffSheet:
    found = extract(rows, columns, STAFF_SHEET)
    return StaffSheet(found.name, found.headers, found.positions, found.rows, found.problems)


@dataclass(frozen=True)
class StaffRow:
    row: int
    code: str
    full_name: str
    gender: str
    date_of_birth: dt.date | None
    recruited_on: dt.date | None
    position: str
    start: dt.date
    unit_code: str = ""  # the province's list only


@dataclass(frozen=True)
class StaffWorkbook:
    rows: Sequence[Sequence[object]]
    meta: Sequence[Sequence[object]] | None


def read_staff_workbook(data: bytes) -> StaffWorkbook:
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = list(workbook.sheet_names)
        staff = workbook.get_sheet_by_name(STAFF_SHEET) if STAFF_SHEET in names else None
        meta = workbook.get_sheet_by_name(META_SHEET) if META_SHEET in names else None
    except Exception as exc:  # a parser failure on an uploaded file is the file's fault
        raise ValidationFailed(Problem("tệp bị hỏng: không đọc được nội dung bảng tính")) from exc
    if staff is None:
        shown = ", ".join(f"“{n}”" for n in names[:10])
        raise ValidationFailed(Problem(f"không có trang “{STAFF_SHEET}” của mẫu; tệp có các trang: {shown}"))
    if staff.end is not None:
        last_row, last_col = staff.end
        if last_row + 1 > HEADER_SEARCH_ROWS + MAX_STAFF_ROWS:
            raise ValidationFailed(
                Problem(f"trang “{STAFF_SHEET}” có {last_row + 1} dòng, vượt giới hạn {MAX_STAFF_ROWS} dòng")
            )
        if last_col + 1 > MAX_COLUMNS:
            raise ValidationFailed(
                Problem(
                    f"trang “{STAFF_SHEET}” có dữ liệu tới cột {column_letter(last_col)}: hãy xóa các cột thừa"
                )
            )
    try:
        rows = staff.to_python(skip_empty_area=False)
        meta_rows = meta.to_python(skip_empty_area=False) if meta is not None else None
    except Exception as exc:
        raise ValidationFailed(Problem("tệp bị hỏng: không đọc được nội dung bảng tính")) from exc
    return StaffWorkbook(rows=rows, meta=meta_rows)


NOT_TEMPLATE = (
    "tệp không phải mẫu danh sách cán bộ của hệ thống (thiếu trang thông tin mẫu): "
    "hãy tải mẫu danh sách cán bộ của đơn vị, điền vào rồi tải lên"
)


def meta_rows(unit_code: str, unit_name: str) -> list[tuple[str, str, str]]:
    return [
        ("mau", TEMPLATE_KIND, "Loại mẫu"),
        ("phien_ban", TEMPLATE_VERSION, "Phiên bản mẫu"),
        ("don_vi", unit_code, unit_name),
    ]


def province_meta_rows() -> list[tuple[str, str, str]]:
    return [("mau", PROVINCE_TEMPLATE_KIND, "Loại mẫu"), ("phien_ban", TEMPLATE_VERSION, "Phiên bản mẫu")]


NOT_PROVINCE_TEMPLATE = (
    "tệp không phải mẫu danh sách cán bộ toàn tỉnh của hệ thống (thiếu trang thông tin mẫu): "
    "hãy tải mẫu danh sách cán bộ toàn tỉnh, điền vào rồi tải lên"
)


def _meta_values(meta: Sequence[Sequence[object]] | None) -> dict[str, str]:
    return {cell_text(r[0]): cell_text(r[1]) for r in meta or [] if len(r) >= 2 and not is_blank(r[0])}


def check_province_identity(meta: Sequence[Sequence[object]] | None) -> None:
    """The file is the province's template (with the unit column), of this version."""
    values = _meta_values(meta)
    if values.get("mau") == TEMPLATE_KIND:
        raise ValidationFailed(
            Problem(
                "tệp là mẫu danh sách cán bộ của một đơn vị (không có cột mã đơn vị): hãy tải lên ở trang "
                "nhập danh sách cán bộ của đơn vị đó, hoặc dùng mẫu danh sách cán bộ toàn tỉnh"
            )
        )
    if values.get("mau") != PROVINCE_TEMPLATE_KIND:
        raise ValidationFailed(Problem(NOT_PROVINCE_TEMPLATE))
    if values.get("phien_ban") != TEMPLATE_VERSION:
        raise ValidationFailed(
            Problem("tệp được tạo từ phiên bản mẫu khác: hãy tải mẫu mới rồi chép dữ liệu sang")
        )


def check_identity(meta: Sequence[Sequence[object]] | None, unit_code: str, unit_name: str) -> None:
    """The file is this template, of this version, made for this unit."""
    values = _meta_values(meta)
    names = {cell_text(r[0]): cell_text(r[2]) for r in meta or [] if len(r) >= 3 and not is_blank(r[0])}
    if values.get("mau") == PROVINCE_TEMPLATE_KIND:
        raise ValidationFailed(
            Problem(
                "tệp là mẫu danh sách cán bộ toàn tỉnh: hãy tải lên ở trang nhập danh sách cán bộ toàn tỉnh "
                "(Ban Thi đua – Khen thưởng), hoặc dùng mẫu của đơn vị"
            )
        )
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
                f"tệp là mẫu danh sách cán bộ của “{other}”, không phải của “{unit_name}”: "
                "hãy tải mẫu của đúng đơn vị"
            )
        )


def _person_date(raw: object, *, what: str) -> dt.date | None:
    day = parse_date(raw, what=what)
    if day is not None and day.year < 1900:
        raise CellError(f"{what} {day:%d/%m/%Y} quá xa: hãy kiểm tra lại năm")
    return day


def staff_rows(
    sheet: Sheet,
    *,
    today: dt.date,
    columns: Sequence[Column] = STAFF_COLUMNS,
    progress: Progress = no_progress,
) -> tuple[list[StaffRow], list[Problem]]:
    """Every cell read and checked; a row with any problem is left out of the rows and named in the
    problems (row and column), so one upload shows every bad cell. `columns`: a unit's
    (`STAFF_COLUMNS`) or the province's (`PROVINCE_COLUMNS`). `progress` hears every `PROGRESS_EVERY`
    rows."""
    rows: list[StaffRow] = []
    problems: list[Problem] = []
    first: dict[str, int] = {}  # a code's first row, whatever else is wrong on either row
    total = len(sheet.rows)
    places = {c.key: sheet.column(c.key) for c in columns}  # named once, not once per cell
    for index, (number, cells) in enumerate(sheet.rows):
        if index and index % PROGRESS_EVERY == 0:
            progress(PHASE_VALIDATE, index, total)
        found: list[Problem] = []
        values: dict[str, object] = {}
        for column in columns:
            raw = cells.get(column.key)
            where = places[column.key]
            if column.required and is_blank(raw):
                found.append(Problem(f"chưa ghi {column.header.lower()}", row=number, column=where))
                continue
            try:
                if column.key == "code":
                    values["code"] = parse_text(raw, limit=MAX_CODE, what="mã cán bộ")
                elif column.key == "unit_code":
                    values["unit_code"] = parse_text(raw, limit=MAX_CODE, what="mã đơn vị")
                elif column.key == "full_name":
                    values["full_name"] = parse_text(raw, limit=MAX_NAME, what="họ và tên")
                elif column.key == "gender":
                    values["gender"] = parse_choice(raw, GENDERS, what="giới tính")
                elif column.key == "position":
                    values["position"] = parse_text(raw, limit=MAX_POSITION, what="chức vụ")
                else:
                    values[column.key] = _person_date(raw, what=column.header.lower())
            except CellError as exc:
                found.append(Problem(str(exc), row=number, column=where))
        code = values.get("code")
        if isinstance(code, str) and code:
            key = fold(code)
            if key in first:
                found.append(
                    Problem(
                        f"mã cán bộ “{code}” đã có ở dòng {first[key]}: mỗi người chỉ ghi một dòng",
                        row=number,
                        column=places["code"],
                    )
                )
            else:
                first[key] = number
        born, recruited, start = values.get("date_of_birth"), values.get("recruited_on"), values.get("start")
        for key, day in (("date_of_birth", born), ("recruited_on", recruited), ("start", start)):
            if isinstance(day, dt.date) and day > today and key != "start":
                found.append(
                    Problem(
                        f"{STAFF_HEADERS[key].lower()} {day:%d/%m/%Y} chưa đến",
                        row=number,
                        column=places[key],
                    )
                )
        if isinstance(born, dt.date) and isinstance(recruited, dt.date) and recruited <= born:
            found.append(
                Problem(
                    f"ngày tuyển dụng {recruited:%d/%m/%Y} không sau ngày sinh {born:%d/%m/%Y}",
                    row=number,
                    column=places["recruited_on"],
                )
            )
        if isinstance(recruited, dt.date) and isinstance(start, dt.date) and start < recruited:
            found.append(
                Problem(
                    f"từ ngày {start:%d/%m/%Y} trước ngày tuyển dụng {recruited:%d/%m/%Y}",
                    row=number,
                    column=places["start"],
                )
            )
        if found:
            problems.extend(found)
            continue
        rows.append(
            StaffRow(
                row=number,
                code=str(values["code"]),
                full_name=" ".join(str(values["full_name"]).split()),
                gender=str(values["gender"]),
                date_of_birth=born,  # type: ignore[arg-type]
                recruited_on=recruited,  # type: ignore[arg-type]
                position=" ".join(str(values["position"]).split()),
                start=start,  # type: ignore[arg-type]
                unit_code=str(values.get("unit_code", "")),
            )
        )
    return rows, problems
