"""The Excel template a member (or the cluster head) downloads, fills and uploads back.

Sheets, in order: `Kết quả` (one row per member unit and followed indicator), `Hướng dẫn` (instructions),
`Danh mục` (the codes the drop-down lists offer) and a very hidden `_tdkt` sheet naming the cluster-year
and period, so that `xlsx_import` refuses a file made for another cluster, year or period.

The input columns are formatted as text: what a person types (`199.121,158`, `54,9%`) reaches the import as
typed instead of being reinterpreted by the spreadsheet's locale (Excel would store `54,9%` as 0.549).
The template does not check who downloads it: the view must only offer a unit's staff their own unit's
template (`unit=`), since an editable report's values are pre-filled.
"""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from tdkt.clusters.models import ClusterMember, ClusterYear
from tdkt.clusters.scopes import Viewer
from tdkt.core.errors import Problem, ValidationFailed
from tdkt.core.vn import format_number
from tdkt.movements.models import (
    ClusterIndicator,
    Indicator,
    IndicatorKind,
    Period,
    Report,
    ReportValue,
    Target,
    TargetBasis,
)
from tdkt.movements.selectors import report_visible
from tdkt.movements.xlsx_rules import (
    COLUMNS,
    DATA_SHEET,
    GUIDE_SHEET,
    HEADER_ROW,
    LISTS_SHEET,
    META_SHEET,
    TemplateIdentity,
    ascii_slug,
)
from tdkt.org.models import Unit

_PERIOD_SLUGS = {Period.MID_YEAR.value: "so-ket", Period.YEAR_END.value: "tong-ket"}
_BASIS_ORDER = [TargetBasis.PROVINCE_ESTIMATE, TargetBasis.COUNCIL_RESOLUTION, TargetBasis.REGISTERED]
_SPARE_ROWS = 200  # drop-down lists reach this far below the filled rows, for rows a person adds
_LISTS_FIRST_ROW = 4  # 1-based row of the first code on the `Danh mục` sheet

KIND_HINTS: dict[str, str] = {
    IndicatorKind.AMOUNT: "Số không âm, ví dụ 199.121,158",
    IndicatorKind.PERCENTAGE: "Số phần trăm, ví dụ 54,9% hoặc 54,9 (không ghi 0,549)",
    IndicatorKind.COUNT: "Số nguyên không âm, ví dụ 787",
    IndicatorKind.YES_NO: "1 = đạt, 0 = không đạt",
    IndicatorKind.RANK: "Số nguyên từ 1 (1 = hạng nhất)",
}

GUIDE_LINES: tuple[str, ...] = (
    "HƯỚNG DẪN ĐIỀN MẪU KẾT QUẢ THỰC HIỆN CHỈ TIÊU THI ĐUA",
    "",
    "1. Chỉ điền ba cột nền trắng của trang “Kết quả”: Kết quả, Cùng kỳ năm trước, Ghi chú. "
    "Các cột nền xám (mã, tên đơn vị, mã, tên chỉ tiêu, đơn vị tính, chỉ tiêu đăng ký) chỉ để đối chiếu: "
    "không sửa, không xóa, không đổi tên, không thêm cột.",
    "2. Viết số theo kiểu Việt Nam: dấu chấm ngăn cách hàng nghìn, dấu phẩy trước phần thập phân. "
    "Ví dụ: 199.121,158 (một trăm chín mươi chín nghìn một trăm hai mươi mốt phẩy một năm tám); "
    "1.234 là một nghìn hai trăm ba mươi tư. Không viết kiểu tiếng Anh 199,121.158.",
    "3. Chỉ tiêu tỷ lệ phần trăm: ghi số phần trăm, ví dụ 54,9% hoặc 54,9 (không ghi 0,549). "
    "Chỉ tiêu khác không ghi dấu %.",
    "4. Chỉ tiêu đạt/không đạt: ghi 1 nếu đạt, 0 nếu không đạt. "
    "Chỉ tiêu số lượng và thứ hạng: ghi số nguyên (thứ hạng từ 1).",
    "5. Dòng để trống cột Kết quả được bỏ qua: đơn vị có thể điền một phần, lần sau tải lên tiếp; "
    "số liệu đã nhập trước đó của dòng để trống được giữ nguyên.",
    "6. Mỗi đơn vị – chỉ tiêu chỉ điền một dòng. Nếu thêm dòng, chọn mã đơn vị và mã chỉ tiêu "
    "trong danh sách (xem trang “Danh mục”).",
    "7. Cán bộ của đơn vị chỉ được nhập dòng của đơn vị mình; Trưởng cụm và Ban Thi đua – Khen thưởng "
    "được nhập cho mọi đơn vị thành viên.",
    "8. Báo cáo đã gửi, đã tiếp nhận hoặc đã khóa thì không nhập được (dòng đó để nền xám, có ghi chú): "
    "cần sửa thì đề nghị Trưởng cụm trả lại báo cáo.",
    "9. Khi tải lên, hệ thống kiểm tra toàn bộ tệp. Chỉ cần một lỗi là không có số liệu nào được ghi; "
    "danh sách lỗi ghi rõ dòng, cột và cách sửa.",
    "10. Mẫu này chỉ dùng cho đúng cụm, năm và kỳ báo cáo ghi ở đầu trang “Kết quả”; "
    "tệp của cụm hoặc kỳ khác sẽ bị từ chối. Chỉ nhận tệp .xlsx, tối đa 10 MB.",
)


def TEMPLATE_FILENAME(cluster_year: ClusterYear, period: str, unit: Unit | None = None) -> str:
    """`mau-ket-qua-<cluster code>-2024-tong-ket[-<unit code>].xlsx`: ASCII, folded, safe in any browser."""
    parts = ["mau-ket-qua", ascii_slug(cluster_year.cluster.code), str(cluster_year.year)]
    parts.append(_PERIOD_SLUGS.get(period, ascii_slug(period)))
    if unit is not None:
        parts.append(ascii_slug(unit.code))
    return "-".join(p for p in parts if p) + ".xlsx"


def _percent_kind(indicator: Indicator) -> bool:
    return indicator.kind == IndicatorKind.PERCENTAGE


def _figure(indicator: Indicator, value: Decimal | None) -> str:
    """A stored figure written back the way a person would type it, so that the round trip is exact."""
    if value is None:
        return ""
    text = format_number(value)
    return f"{text}%" if _percent_kind(indicator) else text


def results_template(
    *, cluster_year: ClusterYear, period: str, unit: Unit | None = None, viewer: Viewer | None = None
) -> bytes:
    """An .xlsx for the cluster-year and period ('mid_year' | 'year_end'): one row per (member unit, followed
    indicator) — only that unit's rows when unit is given — with unit code and name, indicator code, name,
    measure unit, the registered targets pre-filled (read-only look), empty 'Kết quả' and 'Cùng kỳ năm trước'
    and 'Ghi chú' columns to fill; existing values of an editable report pre-filled; data-validation lists for
    unit codes and indicator codes; a hidden or protected metadata sheet naming the cluster-year id, year and
    period so an upload for the wrong cluster/period is refused; a second sheet 'Hướng dẫn' with instructions
    in Vietnamese (number format 199.121,158 / 54,9%, yes/no as 1/0).

    With a `viewer` (a request's), only what that viewer may write is offered: anyone but the board gets their
    own unit's rows, and only values of reports the viewer may see are pre-filled (drafts stay private)."""
    if period not in Period.values:
        raise ValidationFailed(Problem(f"kỳ báo cáo “{period}” không hợp lệ", field="period"))
    cluster_year = ClusterYear.objects.select_related("cluster").get(pk=cluster_year.pk)
    members = [m.unit for m in ClusterMember.objects.filter(cluster_year=cluster_year).select_related("unit")]
    if unit is None and viewer is not None and not viewer.is_board:
        unit = next((m for m in members if viewer.is_staff_of(m.pk)), None)
        if unit is None:
            raise ValidationFailed(
                Problem(f"đơn vị của bạn không phải thành viên của {cluster_year}", field="unit")
            )
    if unit is not None:
        if unit.pk not in {m.pk for m in members}:
            raise ValidationFailed(
                Problem(f"“{unit}” không phải thành viên của {cluster_year}", field="unit")
            )
        members = [m for m in members if m.pk == unit.pk]
    indicators = [
        ci.indicator
        for ci in ClusterIndicator.objects.filter(cluster_year=cluster_year).select_related("indicator")
    ]
    unit_ids = [m.pk for m in members]
    targets: dict[tuple[int, int], list[Target]] = defaultdict(list)
    for t in Target.objects.filter(cluster_year=cluster_year, unit_id__in=unit_ids):
        targets[(t.unit_id, t.indicator_id)].append(t)
    reports = {
        r.unit_id: r
        for r in Report.objects.filter(cluster_year=cluster_year, period=period, unit_id__in=unit_ids)
    }
    editable_ids = [
        r.pk for r in reports.values() if r.is_editable and (viewer is None or report_visible(viewer, r))
    ]
    values = {
        (v.report.unit_id, v.indicator_id): v
        for v in ReportValue.objects.filter(report_id__in=editable_ids).select_related("report")
    }
    identity = TemplateIdentity(
        cluster_year_id=cluster_year.pk,
        cluster_code=cluster_year.cluster.code,
        cluster_name=cluster_year.cluster.name,
        year=cluster_year.year,
        period=period,
        period_label=Period(period).label,
        unit_code=unit.code if unit is not None else "",
    )

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    workbook.set_properties(
        {
            "title": f"Mẫu nhập kết quả – {identity.label}",
            "subject": "Kết quả thực hiện chỉ tiêu thi đua",
            "author": "Hệ thống Thi đua – Khen thưởng",
        }
    )
    styles = _Styles(workbook)
    data = workbook.add_worksheet(DATA_SHEET)
    guide = workbook.add_worksheet(GUIDE_SHEET)
    lists = workbook.add_worksheet(LISTS_SHEET)
    meta = workbook.add_worksheet(META_SHEET)

    _write_data_sheet(data, styles, identity, unit, members, indicators, targets, reports, values)
    _write_guide(guide, styles)
    _write_lists(lists, styles, members, indicators)
    write_meta_sheet(meta, identity.rows())
    data.activate()
    workbook.close()
    return buffer.getvalue()


def write_meta_sheet(meta: Worksheet, rows: Iterable[tuple[str, str, str]]) -> None:
    """The template's identity as (key, value, label) rows on a protected, very hidden sheet: the import
    reads it back to refuse another template or another cluster-year's file."""
    for row, (key, value, label) in enumerate(rows):
        meta.write_string(row, 0, key)
        meta.write_string(row, 1, value)
        meta.write_string(row, 2, label)
    meta.protect()
    meta.very_hidden()


class _Styles:
    def __init__(self, workbook: xlsxwriter.Workbook) -> None:
        base = {"font_name": "Times New Roman", "font_size": 12, "valign": "top", "text_wrap": True}
        self.title: Format = workbook.add_format({**base, "bold": True, "font_size": 14, "text_wrap": False})
        self.subtitle: Format = workbook.add_format({**base, "italic": True, "text_wrap": False})
        self.header: Format = workbook.add_format(
            {**base, "bold": True, "border": 1, "align": "center", "valign": "vcenter", "bg_color": "#D9E1F2"}
        )
        self.fixed: Format = workbook.add_format(
            {**base, "border": 1, "bg_color": "#EDEDED", "font_color": "#404040", "locked": True}
        )
        self.input: Format = workbook.add_format({**base, "border": 1, "num_format": "@", "locked": False})
        self.closed: Format = workbook.add_format(
            {**base, "border": 1, "num_format": "@", "bg_color": "#D0CECE", "italic": True}
        )
        self.text: Format = workbook.add_format(base)
        self.guide_title: Format = workbook.add_format({**base, "bold": True, "font_size": 14})


def _write_data_sheet(
    sheet: Worksheet,
    styles: _Styles,
    identity: TemplateIdentity,
    unit: Unit | None,
    members: list[Unit],
    indicators: list[Indicator],
    targets: dict[tuple[int, int], list[Target]],
    reports: dict[int, Report],
    values: dict[tuple[int, int], ReportValue],
) -> None:
    last_col = len(COLUMNS) - 1
    title = f"KẾT QUẢ THỰC HIỆN CHỈ TIÊU THI ĐUA NĂM {identity.year} – {identity.period_label.upper()}"
    sheet.write_string(0, 0, title, styles.title)
    scope = f"{identity.cluster_name} ({identity.cluster_code})"
    if unit is not None:
        scope += f" – {unit.name} ({unit.code})"
    sheet.write_string(1, 0, scope, styles.subtitle)
    sheet.write_string(
        2,
        0,
        "Chỉ điền các cột nền trắng: Kết quả, Cùng kỳ năm trước, Ghi chú. "
        "Số viết kiểu Việt Nam: 199.121,158 hoặc 54,9%; đạt/không đạt ghi 1 hoặc 0. Xem trang “Hướng dẫn”.",
        styles.subtitle,
    )
    header_index = HEADER_ROW - 1
    for col, column in enumerate(COLUMNS):
        sheet.write_string(header_index, col, column.header, styles.header)
        # input columns are text-formatted all the way down, so rows a person adds read as typed too
        sheet.set_column(col, col, column.width, styles.input if column.editable else None)
    sheet.set_row(header_index, 32)

    row = header_index + 1
    for member in members:
        report = reports.get(member.pk)
        closed = report is not None and not report.is_editable
        for indicator in indicators:
            target_text = "\n".join(
                f"{_figure(indicator, t.value)} ({TargetBasis(t.basis).label})"
                for t in sorted(
                    targets.get((member.pk, indicator.pk), []),
                    key=lambda t: _BASIS_ORDER.index(TargetBasis(t.basis)),
                )
            )
            fixed = [
                member.code,
                member.name,
                indicator.code,
                indicator.name,
                indicator.measure_unit,
                target_text,
            ]
            for col, text in enumerate(fixed):
                sheet.write_string(row, col, text, styles.fixed)
            existing = values.get((member.pk, indicator.pk))
            filled = (
                [_figure(indicator, existing.value), _figure(indicator, existing.prior_value), existing.note]
                if existing is not None
                else ["", "", ""]
            )
            input_format = styles.closed if closed else styles.input
            for offset, text in enumerate(filled):
                col = len(fixed) + offset
                if text:
                    sheet.write_string(row, col, text, input_format)
                else:
                    sheet.write_blank(row, col, None, input_format)
            if closed and report is not None:
                sheet.write_comment(
                    row,
                    len(fixed),
                    f"Báo cáo đang ở trạng thái “{report.get_status_display()}”: không nhập được. "
                    "Cần sửa thì đề nghị Trưởng cụm trả lại báo cáo.",
                )
            row += 1

    last_row = max(row, header_index + 1) + _SPARE_ROWS
    if members:
        unit_range = f"='{LISTS_SHEET}'!$A${_LISTS_FIRST_ROW}:$A${_LISTS_FIRST_ROW + len(members) - 1}"
        sheet.data_validation(
            header_index + 1,
            0,
            last_row,
            0,
            {
                "validate": "list",
                "source": unit_range,
                "error_title": "Mã đơn vị",
                "error_message": "Chọn mã đơn vị trong danh sách (trang “Danh mục”).",
            },
        )
    if indicators:
        indicator_range = (
            f"='{LISTS_SHEET}'!$D${_LISTS_FIRST_ROW}:$D${_LISTS_FIRST_ROW + len(indicators) - 1}"
        )
        sheet.data_validation(
            header_index + 1,
            2,
            last_row,
            2,
            {
                "validate": "list",
                "source": indicator_range,
                "error_title": "Mã chỉ tiêu",
                "error_message": "Chọn mã chỉ tiêu trong danh sách (trang “Danh mục”).",
            },
        )
    result_col = next(i for i, c in enumerate(COLUMNS) if c.key == "result")
    sheet.data_validation(
        header_index + 1,
        result_col,
        last_row,
        result_col + 1,
        {
            "validate": "any",
            "input_title": "Nhập số kiểu Việt Nam",
            "input_message": "Ví dụ 199.121,158 hoặc 54,9%. Đạt/không đạt: 1 hoặc 0. "
            "Để trống nếu chưa có số liệu.",
        },
    )
    sheet.freeze_panes(HEADER_ROW, 3)
    sheet.autofilter(header_index, 0, max(row - 1, header_index), last_col)
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(header_index)
    # The sheet itself is not protected: people add rows and sort; grey columns only look read-only.


def _write_guide(sheet: Worksheet, styles: _Styles) -> None:
    sheet.set_column(0, 0, 120)
    for row, line in enumerate(GUIDE_LINES):
        sheet.write_string(row, 0, line, styles.guide_title if row == 0 else styles.text)
    sheet.protect()


def _write_lists(sheet: Worksheet, styles: _Styles, members: list[Unit], indicators: list[Indicator]) -> None:
    sheet.write_string(0, 0, "DANH MỤC ĐƠN VỊ VÀ CHỈ TIÊU CỦA MẪU", styles.title)
    header_index = _LISTS_FIRST_ROW - 2
    for col, text in enumerate(
        ["Mã đơn vị", "Tên đơn vị", "", "Mã chỉ tiêu", "Tên chỉ tiêu", "Đơn vị tính", "Cách nhập"]
    ):
        if text:
            sheet.write_string(header_index, col, text, styles.header)
    for offset, member in enumerate(members):
        sheet.write_string(header_index + 1 + offset, 0, member.code, styles.fixed)
        sheet.write_string(header_index + 1 + offset, 1, member.name, styles.fixed)
    for offset, indicator in enumerate(indicators):
        cells = [indicator.code, indicator.name, indicator.measure_unit, KIND_HINTS.get(indicator.kind, "")]
        for col, text in enumerate(cells, start=3):
            sheet.write_string(header_index + 1 + offset, col, text, styles.fixed)
    for col, width in enumerate([12, 28, 3, 12, 40, 12, 40]):
        sheet.set_column(col, col, width)
    sheet.protect()
