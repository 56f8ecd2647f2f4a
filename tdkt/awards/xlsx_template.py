"""The Excel templates of award history a unit downloads, fills (or pastes its own sheet into) and uploads.

One template per shape of `xlsx_rules.SHAPES`. Sheets: the data sheet (title, header on row 4, text-formatted
input columns so that what a person types reaches the import as typed, drop-down lists), `Hướng dẫn`,
`Danh mục` (units the viewer may import for, titles, ratings, kinds, scopes, and the viewer's people with
their codes) and a very hidden `_tdkt` sheet naming the shape, so that a file of another shape is refused.
"""

from __future__ import annotations

import io

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from tdkt.awards import catalogue
from tdkt.awards import subjects as s
from tdkt.awards.models import AwardBasis, AwardKind, CatalogueEntry, InitiativeScope
from tdkt.awards.selectors import viewer_unit_history
from tdkt.awards.xlsx_rules import (
    GUIDE_SHEET,
    HEADER_ROW,
    INDIVIDUALS,
    INITIATIVES,
    LISTS_SHEET,
    META_SHEET,
    RATING_LABELS,
    SHAPES,
    Shape,
    meta_rows_for,
)
from tdkt.clusters.scopes import Viewer
from tdkt.core.errors import Problem, ValidationFailed
from tdkt.movements.xlsx_template import write_meta_sheet
from tdkt.org.models import CycleKind, Employment, Unit

_SPARE_ROWS = 1000  # rows below the header that get the drop-down lists
_MAX_PEOPLE_LISTED = 5000
_LISTS_FIRST_ROW = 4  # 1-based

GUIDE: dict[str, tuple[str, ...]] = {
    INDIVIDUALS.key: (
        "Mỗi dòng là một người trong một năm: xếp loại của năm đó, và/hoặc một danh hiệu, hình thức khen thưởng "
        "đã nhận (kèm số, ngày quyết định). Người có hai danh hiệu trong một năm (ví dụ LĐTT và CSTĐCS) ghi hai dòng.",
        "Họ và tên, Mã đơn vị, Năm là bắt buộc. Có “Mã cán bộ” thì hệ thống tìm người theo mã; không có thì tìm theo "
        "họ tên trong số người đã hoặc đang công tác tại đơn vị đó.",
        "Xếp loại: HTXSNV, HTTNV, HTNV, KHTNV, hoặc ghi đầy đủ “Hoàn thành xuất sắc nhiệm vụ”…",
        "Danh hiệu, hình thức: ghi mã (LDTT, CSTDCS…) hoặc tên như ở trang “Danh mục”.",
        "Căn cứ xét (cho CSTĐCS): “HTXSNV” nếu xét do hoàn thành xuất sắc nhiệm vụ, “Sáng kiến” nếu xét do có "
        "sáng kiến; để trống là “Khác”.",
    ),
    "tap_the": (
        "Mỗi dòng là một tập thể (đơn vị) trong một năm: xếp loại của năm đó, và/hoặc một danh hiệu, hình thức "
        "khen thưởng đã nhận (kèm số, ngày quyết định).",
        "Mã đơn vị và Năm là bắt buộc; tên đơn vị phải khớp với mã.",
        "Danh hiệu của đơn vị cũ (trước sáp nhập) ghi theo mã của đơn vị cũ: hệ thống tự chuyển lịch sử sang "
        "đơn vị mới.",
    ),
    INITIATIVES.key: (
        "Mỗi dòng là một sáng kiến (hoặc đề tài khoa học đã nghiệm thu) của một người.",
        "Cấp công nhận: “Cơ sở”, “Bộ, tỉnh” hoặc “Toàn quốc”. Ngày công nhận ghi dạng dd/mm/yyyy.",
        "Nếu sáng kiến đã được dùng làm căn cứ cho một danh hiệu, hình thức (ví dụ CSTĐCS năm 2023), ghi danh "
        "hiệu đó và năm của nó: mỗi sáng kiến chỉ được dùng một lần. Danh hiệu đó phải được nhập trước.",
    ),
}
COMMON_GUIDE = (
    "Ngày ghi dạng dd/mm/yyyy, ví dụ 05/01/2024; năm ghi 4 chữ số, ví dụ 2024.",
    "Không sửa, xóa, đổi tên hay thêm cột; không đổi tên trang. Có thể dán dữ liệu từ sổ theo dõi của đơn vị "
    "vào đúng các cột.",
    "Cán bộ đơn vị chỉ nhập được hồ sơ của đơn vị mình (và của đơn vị cũ đã sáp nhập vào đơn vị mình); Ban "
    "Thi đua – Khen thưởng nhập được cho mọi đơn vị.",
    "Khi tải lên, hệ thống kiểm tra toàn bộ tệp: chỉ cần một lỗi là không dòng nào được ghi; danh sách lỗi ghi "
    "rõ dòng, cột và cách sửa. Tải lại cùng một tệp không ghi thêm gì.",
    "Khen thưởng và sáng kiến đã ghi không sửa được bằng tệp Excel; cần đính chính thì đề nghị Ban Thi đua – "
    "Khen thưởng. Xếp loại đã ghi thì được thay bằng xếp loại mới trong tệp.",
    "Chỉ nhận tệp .xlsx, tối đa 10 MB.",
)


def template_filename(kind: str) -> str:
    return SHAPES[kind].filename


def awards_template(*, kind: str, viewer: Viewer | None = None) -> bytes:
    """The .xlsx template of one shape. With a viewer (a request's) the lists offer only the units that
    viewer may import for and the people of those units; the board (or None, the system) gets every unit."""
    shape = SHAPES.get(kind)
    if shape is None:
        raise ValidationFailed(Problem(f"loại dữ liệu “{kind}” không hợp lệ", field="kind"))
    if viewer is None or viewer.is_board:
        units = list(Unit.objects.order_by("code"))
    else:
        units = list(Unit.objects.filter(pk__in=viewer_unit_history(viewer)).order_by("code"))
    people = (
        Employment.objects.filter(unit__in=units)
        .select_related("person", "unit")
        .order_by("unit__code", "person__full_name", "start")[:_MAX_PEOPLE_LISTED]
        if shape is not SHAPES["tap_the"]
        else []
    )
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    workbook.set_properties(
        {
            "title": f"Mẫu nhập {shape.label}",
            "subject": "Quá trình thi đua, khen thưởng",
            "author": "Hệ thống Thi đua – Khen thưởng",
        }
    )
    styles = _Styles(workbook)
    data = workbook.add_worksheet(shape.sheet)
    guide = workbook.add_worksheet(GUIDE_SHEET)
    lists = workbook.add_worksheet(LISTS_SHEET)
    meta = workbook.add_worksheet(META_SHEET)
    ranges = _write_lists(lists, styles, shape, units, list(people))
    _write_data(data, styles, shape, ranges)
    _write_guide(guide, styles, shape)
    write_meta_sheet(meta, meta_rows_for(shape))
    data.activate()
    workbook.close()
    return buffer.getvalue()


class _Styles:
    def __init__(self, workbook: xlsxwriter.Workbook) -> None:
        base = {"font_name": "Times New Roman", "font_size": 12, "valign": "top", "text_wrap": True}
        self.title: Format = workbook.add_format({**base, "bold": True, "font_size": 14, "text_wrap": False})
        self.subtitle: Format = workbook.add_format({**base, "italic": True, "text_wrap": False})
        self.header: Format = workbook.add_format(
            {**base, "bold": True, "border": 1, "align": "center", "valign": "vcenter", "bg_color": "#D9E1F2"}
        )
        self.input: Format = workbook.add_format({**base, "num_format": "@"})
        self.text: Format = workbook.add_format(base)
        self.bold: Format = workbook.add_format({**base, "bold": True})


def _write_lists(
    sheet: Worksheet, styles: _Styles, shape: Shape, units: list[Unit], people: list[Employment]
) -> dict[str, str]:
    """Each list in its own column, from row `_LISTS_FIRST_ROW`; returns the ranges for the drop-downs."""
    sheet.write_string(0, 0, "DANH MỤC DÙNG TRONG MẪU", styles.title)
    sheet.write_string(1, 0, "Chọn hoặc chép mã từ các cột dưới đây.", styles.subtitle)
    subject = s.SUBJECT_INDIVIDUAL if shape is not SHAPES["tap_the"] else s.SUBJECT_COLLECTIVE
    # Every active entry of the catalogue the board keeps, the engine's titles first (any can be recorded).
    engine = {t.code: t for t in catalogue.TITLES}
    titles: list[tuple[str, str]] = []
    for entry in CatalogueEntry.objects.filter(active=True).order_by("sort_order", "code"):
        kinds = set(entry.subject_kinds)
        if subject in kinds or (subject == s.SUBJECT_COLLECTIVE and s.SUBJECT_COMMUNE in kinds):
            short = engine[entry.code].short if entry.code in engine else entry.short
            titles.append((entry.code, f"{short} – {entry.name}" if short else entry.name))
    titles.sort(key=lambda t: t[0] not in engine)
    columns: list[tuple[str, str, list[str], int]] = [
        ("units", "Mã đơn vị", [u.code for u in units], 14),
        ("unit_names", "Tên đơn vị", [u.name for u in units], 36),
        ("unit_notes", "Cách ghi của đơn vị", [_unit_note(u) for u in units], 52),
        ("titles", "Mã danh hiệu, hình thức", [code for code, _ in titles], 16),
        ("title_names", "Tên danh hiệu, hình thức", [name for _, name in titles], 60),
        ("ratings", "Xếp loại", [r.name for r in sorted(RATING_LABELS, reverse=True)], 12),
        ("rating_names", "Nghĩa", [RATING_LABELS[r] for r in sorted(RATING_LABELS, reverse=True)], 32),
        ("kinds", "Loại khen thưởng", [str(label) for label in AwardKind.labels], 28),
        ("bases", "Căn cứ xét", [str(label) for label in AwardBasis.labels], 28),
        ("scopes", "Cấp công nhận sáng kiến", [str(label) for label in InitiativeScope.labels], 24),
    ]
    if people:
        columns += [
            ("person_codes", "Mã cán bộ", [e.person.code for e in people], 14),
            ("person_names", "Họ và tên", [e.person.full_name for e in people], 26),
            ("person_units", "Đơn vị công tác", [e.unit.code for e in people], 14),
        ]
    ranges: dict[str, str] = {}
    first = _LISTS_FIRST_ROW - 1
    for col, (key, header, values, width) in enumerate(columns):
        sheet.write_string(first - 1, col, header, styles.header)
        sheet.set_column(col, col, width)
        for offset, value in enumerate(values):
            sheet.write_string(first + offset, col, value, styles.text)
        if values:
            letter = chr(ord("A") + col)
            ranges[key] = (
                f"='{LISTS_SHEET}'!${letter}${_LISTS_FIRST_ROW}:${letter}${_LISTS_FIRST_ROW + len(values) - 1}"
            )
    return ranges


def _unit_note(unit: Unit) -> str:
    """What the unit's rows must say differently: school years for a school (a plain year is refused), the
    armed forces' titles for the army and the police."""
    notes = []
    if unit.cycle_kind == CycleKind.SCHOOL:
        notes.append("trường học: năm ghi theo năm học, ví dụ 2024–2025")
    if unit.armed_forces:
        notes.append("lực lượng vũ trang: CSTT thay LĐTT, ĐVTT thay TTLĐTT, ĐVQT thay TTLĐXS")
    return "; ".join(notes)


_LIST_OF = {"unit_code": "units", "rating": "ratings", "title": "titles", "used_title": "titles"}


def _write_data(sheet: Worksheet, styles: _Styles, shape: Shape, ranges: dict[str, str]) -> None:
    sheet.write_string(0, 0, shape.label.upper(), styles.title)
    sheet.write_string(
        1,
        0,
        "Dán hoặc điền dữ liệu từ dòng 5. Ngày ghi dd/mm/yyyy, năm ghi 4 chữ số. Xem trang “Hướng dẫn” và “Danh mục”.",
        styles.subtitle,
    )
    header_index = HEADER_ROW - 1
    for col, column in enumerate(shape.columns):
        sheet.write_string(header_index, col, column.header, styles.header)
        sheet.set_column(col, col, column.width, styles.input)
        if column.hint:
            sheet.write_comment(header_index, col, column.hint)
    sheet.set_row(header_index, 32)
    sheet.freeze_panes(HEADER_ROW, 0)
    last_row = header_index + _SPARE_ROWS
    for col, column in enumerate(shape.columns):
        key = _LIST_OF.get(column.key)
        if key is None or key not in ranges:
            continue
        sheet.data_validation(
            header_index + 1,
            col,
            last_row,
            col,
            {
                "validate": "list",
                "source": ranges[key],
                "ignore_blank": True,
                # a warning only: a person may type the full name of a rating or a title, which the import reads
                "error_type": "warning",
                "error_title": column.header,
                "error_message": f"Nên chọn “{column.header}” trong danh sách (trang “{LISTS_SHEET}”).",
            },
        )


def _write_guide(sheet: Worksheet, styles: _Styles, shape: Shape) -> None:
    sheet.set_column(0, 0, 110)
    sheet.write_string(0, 0, f"HƯỚNG DẪN ĐIỀN MẪU NHẬP {shape.label.upper()}", styles.title)
    row = 2
    for number, line in enumerate((*GUIDE[shape.key], *COMMON_GUIDE), start=1):
        sheet.write_string(row, 0, f"{number}. {line}", styles.text)
        row += 1
    row += 1
    sheet.write_string(row, 0, "Các cột của mẫu:", styles.bold)
    for column in shape.columns:
        row += 1
        required = " (bắt buộc)" if column.required else ""
        hint = f": {column.hint}" if column.hint else ""
        sheet.write_string(row, 0, f"• {column.header}{required}{hint}", styles.text)
