"""The rules of a criteria set as a spreadsheet: its shape, how cells are read, and the checks that need
only the file. Pure: no Django, no models (the sibling of `tdkt.org.xlsx_units_rules`, whose header and
row extraction it reuses, with the file checks of `tdkt.movements.xlsx_rules`).

One sheet, `Tiêu chí`: one row per group or criterion, in reading order; a criterion names the code of its
group in “Thuộc nhóm” (the group may be on a later row). The method is a label of the list and its
parameters have a column each; the bands are written “ngưỡng: điểm” separated by semicolons, best band
first (“100: 10; 90: 8; 0: 2,5”). A second sheet, `Thông tin`, carries the declared total (optional on
import), and a hidden one names the template.

Each cell becomes a field of `criteria_fields.CriterionInput`; `xlsx_criteria` then checks every row with
`check_criterion`, the editor's own reader, so a workbook is held to exactly the form's rules.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from python_calamine import CalamineWorkbook

from tdkt.core.errors import Problem, ValidationFailed
from tdkt.core.vn import NumberFormatError, fold
from tdkt.movements.xlsx_rules import (
    HEADER_SEARCH_ROWS,
    MAX_COLUMNS,
    MAX_DATA_ROWS,
    cap_problems,
    cell_text,
    column_letter,
    inspect_upload,
    is_blank,
)
from tdkt.org.xlsx_units_rules import Column, Sheet, extract, label
from tdkt.scoring import jsonio
from tdkt.scoring.criteria_fields import (
    FIELD_LABELS,
    KIND_LABELS,
    METHOD_FIELDS,
    METHOD_LABELS,
    ON_LABELS,
    CriterionInput,
    plain_number,
    typed_number,
)

__all__ = ["cap_problems", "inspect_upload"]

CRITERIA_SHEET = "Tiêu chí"
INFO_SHEET = "Thông tin"
META_SHEET = "_tdkt"
TEMPLATE_KIND = "tdkt-tieu-chi"
TEMPLATE_VERSION = "1"
HEADER_ROW = 4
TOTAL_LABEL = "Tổng điểm tối đa khai báo"
MAX_CRITERIA = 500

# the columns' keys are the fields of CriterionInput, so that a field's problem finds its column
COLUMNS: tuple[Column, ...] = (
    Column("code", FIELD_LABELS["code"], 10, True),
    Column("name", FIELD_LABELS["name"], 48, True),
    Column("parent", "Thuộc nhóm (mã nhóm)", 14),
    Column("kind", FIELD_LABELS["kind"], 20, True),
    Column("max_points", FIELD_LABELS["max_points"], 12, True),
    Column("method", FIELD_LABELS["method"], 30),
    Column("indicator", FIELD_LABELS["indicator"], 36),
    Column("cap", FIELD_LABELS["cap"], 12),
    Column("floor", FIELD_LABELS["floor"], 14),
    Column("on", FIELD_LABELS["on"], 22),
    Column("bands", "Các mức (ngưỡng: điểm; …)", 30),
    Column("last_share", FIELD_LABELS["last_share"], 16),
    Column("points_each", FIELD_LABELS["points_each"], 16),
    Column("expression", FIELD_LABELS["expression"], 36),
)
HEADERS = {c.key: c.header for c in COLUMNS}
NUMBER_COLUMNS = ("max_points", "cap", "floor", "last_share", "points_each")

GUIDE_LINES: tuple[str, ...] = (
    "Mỗi dòng một nhóm hoặc một tiêu chí, theo thứ tự đọc. Mã, Tên, Loại, Điểm tối đa là bắt buộc.",
    "Thuộc nhóm: mã của nhóm chứa tiêu chí (nhóm có thể ở dòng sau); để trống nếu ở cấp cao nhất.",
    "Loại và Phương pháp chấm: chọn trong danh sách. Nhóm không có phương pháp chấm.",
    "Chỉ tiêu: tên (hoặc mã) một chỉ tiêu cụm theo dõi năm này.",
    "Các mức: “ngưỡng: điểm”, cách nhau bằng dấu chấm phẩy, mức cao nhất trước, ví dụ 100: 10; 90: 8; 0: 2,5.",
    "Số thập phân ghi dấu phẩy (2,5). Chỉ điền các cột của phương pháp đã chọn.",
    "Khi tải lên, toàn bộ tệp được kiểm tra; chỉ cần một lỗi là không có gì thay đổi. "
    "Tệp hợp lệ thay toàn bộ cây tiêu chí của dự thảo.",
)

_BAND = re.compile(r"^\s*(.+?)\s*:\s*(.+?)\s*$")


class CellError(ValueError):
    """A cell that cannot be read; the message is Vietnamese and says what was expected."""


@dataclass(frozen=True)
class CriterionRow:
    row: int
    fields: CriterionInput


@dataclass(frozen=True)
class CriteriaWorkbook:
    rows: Sequence[Sequence[object]]
    info: Sequence[Sequence[object]] | None
    meta: Sequence[Sequence[object]] | None


# --- cells ------------------------------------------------------------------------------------------------


def number_text(raw: object) -> str:
    """A number cell as text the editor's reader takes: 10.0 → "10", 2.5 → "2,5"; text as typed."""
    if is_blank(raw):
        return ""
    if isinstance(raw, bool):
        return cell_text(raw)
    if isinstance(raw, int | float):
        return typed_number(Decimal(repr(raw)))
    return cell_text(raw)


def choice(raw: object, choices: Mapping[str, str], *, what: str) -> str:
    """A value of `choices` (value → label) written as its label, compared without diacritics or case."""
    text = cell_text(raw)
    folded = fold(text)
    for value, shown in choices.items():
        if folded == fold(shown):
            return value
    expected = "; ".join(f"“{shown}”" for shown in choices.values())
    raise CellError(f"{what} “{text}” không có trong danh sách: cần một trong {expected}")


def indicator_code(raw: object, indicators: Mapping[str, str]) -> str:
    """An indicator written by its name or its code → its code; anything else is kept as written (the
    editor's reader says it is not one of the cluster's)."""
    text = cell_text(raw)
    folded = fold(text)
    for code, name in indicators.items():
        if folded in (fold(name), fold(code)):
            return code
    return text


def bands(raw: object) -> tuple[tuple[str, str], ...]:
    """“100: 10; 90: 8; 0: 2,5” → (("100", "10"), ("90", "8"), ("0", "2,5"))."""
    text = cell_text(raw)
    out = []
    for number, part in enumerate((p for p in text.split(";") if p.strip()), start=1):
        match = _BAND.match(part)
        if match is None:
            raise CellError(f"mức {number} “{part.strip()}” phải ghi “ngưỡng: điểm”, ví dụ 90: 8")
        for value in match.groups():
            try:
                jsonio.read_number(value)
            except NumberFormatError as exc:
                raise CellError(f"mức {number}: “{value}” không phải số") from exc
        out.append((match.group(1), match.group(2)))
    return tuple(out)


def bands_text(raw_bands: Sequence[Sequence[object]]) -> str:
    """Stored bands as the cell writes them (see `bands`)."""
    return "; ".join(
        f"{typed_number(jsonio.read_number(b[0]))}: {typed_number(jsonio.read_number(b[1]))}"
        for b in raw_bands
        if len(b) == 2
    )


# --- the workbook -----------------------------------------------------------------------------------------


def read_criteria_workbook(data: bytes) -> CriteriaWorkbook:
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = list(workbook.sheet_names)
        sheets = {
            name: workbook.get_sheet_by_name(name) if name in names else None
            for name in (CRITERIA_SHEET, INFO_SHEET, META_SHEET)
        }
    except Exception as exc:  # a parser failure on an uploaded file is the file's fault
        raise ValidationFailed(Problem("tệp bị hỏng: không đọc được nội dung bảng tính")) from exc
    if sheets[CRITERIA_SHEET] is None:
        shown = ", ".join(f"“{n}”" for n in names[:10])
        raise ValidationFailed(
            Problem(f"không có trang “{CRITERIA_SHEET}” của mẫu bộ tiêu chí; tệp có các trang: {shown}")
        )
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
    return CriteriaWorkbook(rows=rows[CRITERIA_SHEET] or [], info=rows[INFO_SHEET], meta=rows[META_SHEET])


NOT_TEMPLATE = (
    "tệp không phải bộ tiêu chí xuất từ hệ thống (thiếu trang thông tin mẫu): "
    "hãy tải bộ tiêu chí về (nút “Tải Excel”), sửa rồi tải lên"
)


def check_identity(meta: Sequence[Sequence[object]] | None) -> None:
    values = {cell_text(r[0]): cell_text(r[1]) for r in meta or [] if len(r) >= 2 and not is_blank(r[0])}
    if values.get("mau") != TEMPLATE_KIND:
        raise ValidationFailed(Problem(NOT_TEMPLATE))
    if values.get("phien_ban") != TEMPLATE_VERSION:
        raise ValidationFailed(
            Problem("tệp được tạo từ phiên bản mẫu khác: hãy tải bộ tiêu chí về lại rồi chép dữ liệu sang")
        )


def meta_rows() -> list[tuple[str, str, str]]:
    return [("mau", TEMPLATE_KIND, "Loại mẫu"), ("phien_ban", TEMPLATE_VERSION, "Phiên bản mẫu")]


def declared_total(info: Sequence[Sequence[object]] | None) -> tuple[Decimal | None, list[Problem]]:
    """The declared total from the `Thông tin` sheet (a row “Tổng điểm tối đa khai báo | 100”), if any."""
    for index, row in enumerate(info or []):
        if len(row) >= 2 and fold(cell_text(row[0])) == fold(TOTAL_LABEL):
            text = number_text(row[1])
            if not text:
                return None, []
            try:
                value = jsonio.read_number(text)
            except NumberFormatError:
                value = None
            if value is None or value <= 0:
                return None, [
                    Problem(
                        f"trang “{INFO_SHEET}”: tổng điểm khai báo “{text}” phải là một số lớn hơn 0",
                        row=index + 1,
                        column="B",
                    )
                ]
            return value, []
    return None, []


def column_of(sheet: Sheet, key: str) -> str:
    """`E (Điểm tối đa)`: the column letter in the uploaded file and the template's header."""
    return label(sheet.headers, sheet.positions, key if key in sheet.positions else "method")


def parse_rows(
    rows: Sequence[Sequence[object]], indicators: Mapping[str, str]
) -> tuple[Sheet, list[CriterionRow]]:
    """Every filled row as the editor's fields; problems of cells that cannot be read go to
    `sheet.problems`, located by row and column."""
    sheet = extract(rows, COLUMNS, CRITERIA_SHEET)
    out: list[CriterionRow] = []
    if len(sheet.rows) > MAX_CRITERIA:
        sheet.problems.append(Problem(f"bộ tiêu chí có {len(sheet.rows)} dòng, tối đa {MAX_CRITERIA}"))
        return sheet, out
    for number, cells in sheet.rows:

        def fail(key: str, message: str, number: int = number) -> None:
            sheet.problems.append(Problem(message, row=number, column=column_of(sheet, key)))

        values: dict[str, object] = {}
        for key in ("code", "name", "parent", "expression"):
            values[key] = cell_text(cells.get(key))
        for key in NUMBER_COLUMNS:
            values[key] = number_text(cells.get(key))
        kind = "score"
        try:
            kind = choice(cells.get("kind"), KIND_LABELS, what="loại")
        except CellError as exc:
            fail("kind", str(exc))
        method = ""
        if kind != "group" and not is_blank(cells.get("method")):
            try:
                method = choice(cells.get("method"), METHOD_LABELS, what="phương pháp chấm")
            except CellError as exc:
                fail("method", str(exc))
        elif kind == "group" and not is_blank(cells.get("method")):
            fail("method", "nhóm không có phương pháp chấm: hãy để trống ô này")
        used = set(METHOD_FIELDS.get(method, ())) if kind != "group" else set()
        for key in ("indicator", "cap", "floor", "on", "bands", "last_share", "points_each", "expression"):
            if key not in used and not is_blank(cells.get(key)):
                what = f"phương pháp “{METHOD_LABELS[method]}”" if method else "dòng này"
                fail(key, f"{what} không dùng ô này: hãy để trống")
        on = ""
        if "on" in used and not is_blank(cells.get("on")):
            try:
                on = choice(cells.get("on"), ON_LABELS, what="cách tính mức")
            except CellError as exc:
                fail("on", str(exc))
        band_rows: tuple[tuple[str, str], ...] = ()
        if "bands" in used:
            try:
                band_rows = bands(cells.get("bands"))
            except CellError as exc:
                fail("bands", str(exc))
        out.append(
            CriterionRow(
                number,
                CriterionInput(
                    code=str(values["code"]),
                    name=str(values["name"]),
                    kind=kind,
                    parent=str(values["parent"]),
                    max_points=str(values["max_points"]),
                    method=method,
                    indicator=indicator_code(cells.get("indicator"), indicators)
                    if "indicator" in used
                    else "",
                    cap=str(values["cap"]) if "cap" in used else "",
                    floor=str(values["floor"]) if "floor" in used else "",
                    on=on,
                    bands=band_rows,
                    last_share=str(values["last_share"]) if "last_share" in used else "",
                    points_each=str(values["points_each"]) if "points_each" in used else "",
                    expression=str(values["expression"]) if "expression" in used else "",
                ),
            )
        )
    return sheet, out


def tree_problems(sheet: Sheet, rows: Sequence[CriterionRow]) -> list[Problem]:
    """Codes used twice, a group that is not in the file or not a group, a group inside itself."""
    problems: list[Problem] = []
    first: dict[str, int] = {}
    kinds: dict[str, str] = {}
    for r in rows:
        code = r.fields.code.strip()
        if not code:
            continue
        if code in first:
            problems.append(
                Problem(
                    f"mã “{code}” đã có ở dòng {first[code]}: mỗi mã chỉ dùng cho một tiêu chí",
                    row=r.row,
                    column=column_of(sheet, "code"),
                )
            )
        else:
            first[code] = r.row
            kinds[code] = r.fields.kind
    parents = {r.fields.code.strip(): r.fields.parent.strip() for r in rows if r.fields.parent.strip()}
    for r in rows:
        parent = r.fields.parent.strip()
        if not parent:
            continue
        column = column_of(sheet, "parent")
        if parent not in kinds:
            problems.append(Problem(f"nhóm “{parent}” không có trong tệp", row=r.row, column=column))
            continue
        if kinds[parent] != "group":
            problems.append(
                Problem(f"“{parent}” (dòng {first[parent]}) không phải một nhóm", row=r.row, column=column)
            )
            continue
        chain = [r.fields.code.strip()]
        current: str | None = parent
        while current is not None and current not in chain:
            chain.append(current)
            current = parents.get(current)
        if current == r.fields.code.strip():
            path = " → ".join([*chain, chain[0]])
            problems.append(Problem(f"nhóm lồng vào chính nó ({path})", row=r.row, column=column))
    return problems


def nest(items: Sequence[tuple[str, dict[str, object]]]) -> list[dict[str, object]]:
    """(parent code, item) pairs in file order → the nested tree (children in file order). Assumes the
    parents are groups of the file without loops (`tree_problems`)."""
    by_code = {str(item["code"]): item for _parent, item in items}
    top: list[dict[str, object]] = []
    for parent, item in items:
        if parent:
            children = by_code[parent].setdefault("children", [])
            assert isinstance(children, list)
            children.append(item)
        else:
            top.append(item)
    return top


def number_cell(raw: object) -> Decimal | None:
    """A stored number for a numeric cell."""
    if raw is None or raw == "":
        return None
    return Decimal(plain_number(jsonio.read_number(raw)))
