"""The Excel template of results: its sheets, rows, pre-filled figures, drop-down lists and metadata."""

from __future__ import annotations

import io

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet
from python_calamine import CalamineWorkbook

from tdkt.core.errors import ValidationFailed
from tdkt.core.personas import World
from tdkt.movements.models import Period
from tdkt.movements.services import report_transition
from tdkt.movements.xlsx_rules import (
    COLUMNS,
    DATA_SHEET,
    GUIDE_SHEET,
    HEADER_ROW,
    META_SHEET,
    TemplateIdentity,
    identity_from_rows,
    match_header,
)
from tdkt.movements.xlsx_template import TEMPLATE_FILENAME, results_template


def _book(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def _rows(sheet: Worksheet) -> list[tuple[object, ...]]:
    return [
        r for r in sheet.iter_rows(min_row=HEADER_ROW + 1, values_only=True) if any(c is not None for c in r)
    ]


def test_template_has_the_data_sheet_then_the_guide_and_a_very_hidden_metadata_sheet(world: World) -> None:
    book = _book(results_template(cluster_year=world.cluster_year, period=Period.YEAR_END))
    assert book.sheetnames[:2] == [DATA_SHEET, GUIDE_SHEET]
    assert book[META_SHEET].sheet_state == "veryHidden"
    assert book[META_SHEET].protection.sheet
    assert book[GUIDE_SHEET].protection.sheet


def test_metadata_names_the_cluster_year_year_and_period(world: World) -> None:
    data = results_template(cluster_year=world.cluster_year, period=Period.MID_YEAR, unit=world.tien_phuoc)
    meta = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_name(META_SHEET).to_python()
    assert identity_from_rows(meta) == TemplateIdentity(
        cluster_year_id=world.cluster_year.pk,
        cluster_code="T-CMN",
        cluster_name="Cụm thi đua miền núi (thử nghiệm)",
        year=2024,
        period="mid_year",
        period_label="Sơ kết 6 tháng",
        unit_code="T-TP",
    )


def test_header_is_the_templates_columns_and_reads_back(world: World) -> None:
    data = results_template(cluster_year=world.cluster_year, period=Period.YEAR_END)
    sheet = _book(data)[DATA_SHEET]
    assert [c.value for c in sheet[HEADER_ROW]] == [c.header for c in COLUMNS]
    rows = (
        CalamineWorkbook.from_filelike(io.BytesIO(data))
        .get_sheet_by_name(DATA_SHEET)
        .to_python(skip_empty_area=False)
    )
    assert match_header(rows).label("result") == "G (Kết quả)"


def test_one_row_per_member_and_followed_indicator_in_their_order(world: World) -> None:
    sheet = _book(results_template(cluster_year=world.cluster_year, period=Period.YEAR_END))[DATA_SHEET]
    assert [(r[0], r[2]) for r in _rows(sheet)] == [
        (unit, indicator) for unit in ("T-PS", "T-TP", "T-NG") for indicator in ("T-THU", "T-GN", "T-NHA")
    ]


def test_a_units_template_has_only_that_units_rows(world: World) -> None:
    sheet = _book(
        results_template(cluster_year=world.cluster_year, period=Period.YEAR_END, unit=world.nam_giang)
    )[DATA_SHEET]
    assert {r[1] for r in _rows(sheet)} == {"Huyện Nam Giang"}
    assert len(_rows(sheet)) == 3


def test_names_measure_units_and_targets_are_pre_filled(world: World) -> None:
    sheet = _book(results_template(cluster_year=world.cluster_year, period=Period.YEAR_END))[DATA_SHEET]
    first = _rows(sheet)[0]
    assert first[:6] == (
        "T-PS",
        "Huyện Phước Sơn",
        "T-THU",
        "Thu ngân sách trên địa bàn",
        "triệu đồng",
        "400.000 (Dự toán, kế hoạch tỉnh giao)",
    )
    assert _rows(sheet)[1][5] == "100% (Dự toán, kế hoạch tỉnh giao)"
    assert _rows(sheet)[2][5] == "500 (Đơn vị tự đăng ký)"
    assert first[6:] == (None, None, None)


def test_values_of_an_editable_report_are_pre_filled_as_typed_vietnamese(world: World) -> None:
    sheet = _book(results_template(cluster_year=world.cluster_year, period=Period.YEAR_END))[DATA_SHEET]
    tien_phuoc = [r for r in _rows(sheet) if r[0] == "T-TP"]
    assert [r[6:8] for r in tien_phuoc] == [("260.000", "230.000"), ("83%", None), (None, None)]


def test_values_of_a_submitted_report_are_not_pre_filled(world: World) -> None:
    report_transition(actor=None, report=world.member_report, action="submit")
    sheet = _book(results_template(cluster_year=world.cluster_year, period=Period.YEAR_END))[DATA_SHEET]
    tien_phuoc = [r for r in sheet.iter_rows(min_row=HEADER_ROW + 1) if r[0].value == "T-TP"]
    assert all(r[6].value is None for r in tien_phuoc)
    assert "Đã gửi" in tien_phuoc[0][6].comment.text


def test_input_columns_are_text_formatted_so_what_is_typed_stays_as_typed(world: World) -> None:
    sheet = _book(results_template(cluster_year=world.cluster_year, period=Period.YEAR_END))[DATA_SHEET]
    row = HEADER_ROW + 1
    assert [sheet.cell(row, col).number_format for col in (7, 8, 9)] == ["@", "@", "@"]
    assert sheet.cell(row, 1).fill.fgColor.rgb != sheet.cell(row, 7).fill.fgColor.rgb  # grey look vs white


def test_unit_and_indicator_codes_have_drop_down_lists(world: World) -> None:
    book = _book(results_template(cluster_year=world.cluster_year, period=Period.YEAR_END))
    lists = {
        str(v.sqref).split(":")[0][0]: v.formula1
        for v in book[DATA_SHEET].data_validations.dataValidation
        if v.type == "list"
    }
    assert set(lists) == {"A", "C"}
    units_sheet, _, units_range = lists["A"].partition("!")
    codes = [c.value for row in book[units_sheet.strip("'")][units_range.replace("$", "")] for c in row]
    assert codes == ["T-PS", "T-TP", "T-NG"]
    indicators_sheet, _, indicators_range = lists["C"].partition("!")
    codes = [
        c.value for row in book[indicators_sheet.strip("'")][indicators_range.replace("$", "")] for c in row
    ]
    assert codes == ["T-THU", "T-GN", "T-NHA"]


def test_guide_explains_the_vietnamese_number_format_and_yes_no(world: World) -> None:
    guide = _book(results_template(cluster_year=world.cluster_year, period=Period.YEAR_END))[GUIDE_SHEET]
    text = "\n".join(str(r[0]) for r in guide.iter_rows(values_only=True) if r[0])
    assert "199.121,158" in text
    assert "54,9%" in text
    assert "ghi 1 nếu đạt, 0 nếu không đạt" in text


def test_template_filename_is_ascii_and_names_cluster_year_and_period(world: World) -> None:
    assert (
        TEMPLATE_FILENAME(world.cluster_year, Period.YEAR_END, None) == "mau-ket-qua-t-cmn-2024-tong-ket.xlsx"
    )
    assert TEMPLATE_FILENAME(world.cluster_year, Period.MID_YEAR, world.tien_phuoc) == (
        "mau-ket-qua-t-cmn-2024-so-ket-t-tp.xlsx"
    )


def test_template_of_an_unknown_period_is_refused(world: World) -> None:
    with pytest.raises(ValidationFailed, match="kỳ báo cáo “quarterly” không hợp lệ"):
        results_template(cluster_year=world.cluster_year, period="quarterly")


def test_template_for_a_unit_outside_the_cluster_year_is_refused(world: World) -> None:
    with pytest.raises(ValidationFailed, match="“Thị xã Điện Bàn” không phải thành viên"):
        results_template(cluster_year=world.cluster_year, period=Period.YEAR_END, unit=world.dien_ban)


def test_a_viewers_template_holds_only_their_unit_and_no_draft_of_others(world) -> None:  # type: ignore[no-untyped-def]
    from python_calamine import CalamineWorkbook

    from tdkt.clusters.scopes import viewer_for

    data = results_template(cluster_year=world.cluster_year, period="year_end", viewer=viewer_for(world.head))
    rows = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_name("Kết quả").to_python()
    codes = {r[0] for r in rows[4:] if r and r[0]}
    assert codes == {"T-PS"}
    text = repr(rows)
    assert "260.000" not in text and "260000" not in text
