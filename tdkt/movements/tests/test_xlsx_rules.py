"""The pure rules of the results spreadsheet, tested without a database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tdkt.core.errors import Problem, ValidationFailed
from tdkt.core.vn import NumberFormatError, format_number
from tdkt.movements import xlsx_rules as rules
from tdkt.movements.tests import xlsx_corpus as corpus
from tdkt.movements.xlsx_rules import (
    COLUMNS,
    HeaderMap,
    RawRow,
    TemplateIdentity,
    ascii_slug,
    cap_problems,
    column_letter,
    extract_rows,
    find_duplicates,
    identity_from_rows,
    identity_problems,
    inspect_upload,
    match_header,
    parse_number_cell,
)

HEADER = [c.header for c in COLUMNS]
LIMIT = 10 * 1024 * 1024


def _refused(filename: str, data: bytes) -> str:
    with pytest.raises(ValidationFailed) as exc:
        inspect_upload(filename, data, max_bytes=LIMIT)
    assert len(exc.value.problems) == 1
    return exc.value.messages[0]


def _sheet(*rows: list[object]) -> list[list[object]]:
    """Rows as calamine gives them: title rows, the header on row 4, data below."""
    return [["Tiêu đề"], [], [], HEADER, *rows]


def _row(
    unit: str = "T-TP", indicator: str = "T-THU", result: object = "1", prior: object = "", note: object = ""
):
    return [unit, "", indicator, "", "", "", result, prior, note]


IDENTITY = TemplateIdentity(
    cluster_year_id=7,
    cluster_code="T-CMN",
    cluster_name="Cụm miền núi",
    year=2024,
    period="year_end",
    period_label="Tổng kết năm",
)


# --- column letters, text, slugs ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("index", "letter"), [(0, "A"), (6, "G"), (25, "Z"), (26, "AA"), (701, "ZZ"), (702, "AAA")]
)
def test_column_letter_counts_like_a_spreadsheet(index: int, letter: str) -> None:
    assert column_letter(index) == letter


def test_ascii_slug_folds_vietnamese_for_file_names() -> None:
    assert ascii_slug("Cụm Đồng bằng T-CDB 2024") == "cum-dong-bang-t-cdb-2024"


def test_cap_keeps_200_problems_and_counts_the_rest() -> None:
    problems = [Problem(f"lỗi {i}", row=i) for i in range(250)]
    capped = cap_problems(problems)
    assert len(capped) == 201
    assert capped[-1].message == "và 50 lỗi khác"
    assert cap_problems(problems[:200]) == problems[:200]


# --- number cells ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("199.121,158", Decimal("199121.158")),
        ("1.234", Decimal("1234")),
        ("1,234", Decimal("1.234")),
        ("127,04", Decimal("127.04")),
        (" 380.000 ", Decimal("380000")),
        ("199121.158", Decimal("199121.158")),
        (199121.158, Decimal("199121.158")),
        (787, Decimal("787")),
        (787.0, Decimal("787")),
        ("-12,5", Decimal("-12.5")),
    ],
)
def test_vietnamese_text_and_native_numbers_are_read(raw: object, expected: Decimal) -> None:
    assert parse_number_cell(raw, percent_allowed=False) == expected


def test_percent_is_kept_in_percent_units_for_a_percentage_indicator() -> None:
    assert parse_number_cell("54,9%", percent_allowed=True) == Decimal("54.9")
    assert parse_number_cell("54,9", percent_allowed=True) == Decimal("54.9")


def test_percent_sign_on_an_indicator_not_in_percent_is_refused() -> None:
    with pytest.raises(NumberFormatError, match=r"có dấu %.*tính bằng triệu đồng"):
        parse_number_cell("54,9%", percent_allowed=False, measure_unit="triệu đồng")


def test_english_grouped_number_is_refused_with_a_hint() -> None:
    with pytest.raises(NumberFormatError, match=r"kiểu tiếng Anh.*199\.121,158"):
        parse_number_cell("199,121.158", percent_allowed=False)


@pytest.mark.parametrize("raw", ["12,3,4", "mười hai", "12 tỷ", "1e5", "Đạt"])
def test_text_that_is_not_a_number_is_refused_with_examples(raw: str) -> None:
    with pytest.raises(
        NumberFormatError, match=r"không phải là số \(ví dụ hợp lệ: 199\.121,158 hoặc 54,9%\)"
    ):
        parse_number_cell(raw, percent_allowed=True)


def test_true_false_cell_is_refused_asking_for_one_or_zero() -> None:
    with pytest.raises(NumberFormatError, match="hãy ghi 1 hoặc 0"):
        parse_number_cell(True, percent_allowed=False)


@pytest.mark.parametrize(
    "raw", [dt.date(2024, 1, 2), dt.datetime(2024, 1, 2, 3, 4), dt.time(10, 30), dt.timedelta(hours=5)]
)
def test_date_cell_is_refused_as_not_a_number(raw: object) -> None:
    with pytest.raises(NumberFormatError, match="định dạng ngày giờ"):
        parse_number_cell(raw, percent_allowed=False)


@pytest.mark.parametrize("raw", [None, "", "   "])
def test_blank_cell_reads_as_no_value(raw: object) -> None:
    assert parse_number_cell(raw, percent_allowed=False) is None


def test_figure_is_rounded_half_up_to_four_places_once() -> None:
    assert parse_number_cell(89.68235294117647, percent_allowed=True) == Decimal("89.6824")
    assert parse_number_cell("0,00005", percent_allowed=False) == Decimal("0.0001")
    assert str(parse_number_cell("260.000,0000", percent_allowed=False)) == "260000"


def test_absurdly_large_figure_is_refused() -> None:
    with pytest.raises(NumberFormatError, match="quá lớn"):
        parse_number_cell(1e20, percent_allowed=False)


@given(st.decimals(min_value=Decimal("-1e14"), max_value=Decimal("1e14"), places=4, allow_nan=False))
def test_a_figure_written_the_vietnamese_way_reads_back_unchanged(value: Decimal) -> None:
    assert parse_number_cell(format_number(value), percent_allowed=False) == value


# --- the header -----------------------------------------------------------------------------------------


def test_template_header_is_found_and_every_column_mapped() -> None:
    header = match_header(_sheet())
    assert header.row == 4
    assert header.positions == {c.key: i for i, c in enumerate(COLUMNS)}
    assert header.label("result") == "G (Kết quả)"


def test_header_is_found_when_title_rows_were_deleted_and_columns_moved() -> None:
    moved = [*HEADER[6:], *HEADER[:6]]
    header = match_header([moved])
    assert header.row == 1
    assert header.label("result") == "A (Kết quả)"


def test_header_matching_ignores_case_spacing_and_diacritics() -> None:
    header = match_header([[h.upper() if i % 2 else f"  {h} " for i, h in enumerate(HEADER)]])
    assert set(header.positions) == {c.key for c in COLUMNS}


def test_missing_header_row_is_refused() -> None:
    with pytest.raises(ValidationFailed, match="không tìm thấy dòng tiêu đề"):
        match_header([["a", "b"], ["c"]])


def test_missing_column_is_refused_naming_it() -> None:
    without_note = HEADER[:-1]
    with pytest.raises(ValidationFailed) as exc:
        match_header([without_note])
    assert exc.value.messages == ["Dòng 1, cột Ghi chú: thiếu cột “Ghi chú” của mẫu: hãy tải lại mẫu"]


def test_extra_column_is_refused_naming_its_letter() -> None:
    with pytest.raises(ValidationFailed) as exc:
        match_header([[*HEADER, "Xếp loại"]])
    assert exc.value.messages == [
        "Dòng 1, cột J: cột “Xếp loại” không có trong mẫu: hãy xóa cột này (không thêm cột vào mẫu)"
    ]


def test_renamed_column_is_refused_naming_the_expected_header() -> None:
    renamed = [*HEADER]
    renamed[6] = "KQ"
    with pytest.raises(ValidationFailed) as exc:
        match_header([renamed])
    assert exc.value.messages == [
        "Dòng 1, cột G: tiêu đề “KQ” không đúng mẫu, phải là “Kết quả”: hãy giữ nguyên tiêu đề của mẫu"
    ]


def test_misspelt_column_elsewhere_is_recognised_as_renamed() -> None:
    moved = [
        *HEADER[:7],
        "Ghi chu them",
        HEADER[7],
    ]  # 'Ghi chú' misspelt and swapped with 'Cùng kỳ năm trước'
    with pytest.raises(ValidationFailed) as exc:
        match_header([moved])
    assert exc.value.messages == [
        "Dòng 1, cột H: tiêu đề “Ghi chu them” không đúng mẫu, phải là “Ghi chú”: hãy giữ nguyên tiêu đề của mẫu"
    ]


def test_repeated_column_is_refused() -> None:
    with pytest.raises(ValidationFailed, match="cột J: tiêu đề “Kết quả” lặp lại"):
        match_header([[*HEADER, "Kết quả"]])


# --- rows -----------------------------------------------------------------------------------------------


def test_empty_rows_and_rows_without_a_result_are_skipped() -> None:
    rows = _sheet(
        _row(result="1"), [], ["", "", "", ""], _row(result="", prior="5", note="chưa có"), _row(result="2")
    )
    extracted = extract_rows(rows, match_header(rows))
    assert [r.row for r in extracted.rows] == [5, 9]
    assert extracted.skipped == 1
    assert extracted.problems == []


def test_data_in_a_column_without_header_is_refused() -> None:
    rows = _sheet([*_row(), "", "lạc cột"])
    extracted = extract_rows(rows, match_header(rows))
    assert [str(p) for p in extracted.problems] == [
        "Dòng 5, cột K: ô có dữ liệu nằm ở cột không có tiêu đề của mẫu: hãy xóa hoặc chuyển vào đúng cột"
    ]


def test_codes_typed_as_numbers_read_as_text() -> None:
    rows = _sheet([123.0, "", 45.0, "", "", "", "1", "", 12.0])
    extracted = extract_rows(rows, match_header(rows))
    assert (extracted.rows[0].unit_code, extracted.rows[0].indicator_code, extracted.rows[0].note) == (
        "123",
        "45",
        "12",
    )


def test_duplicate_unit_and_indicator_is_refused_naming_both_rows() -> None:
    header = HeaderMap(row=4, positions={c.key: i for i, c in enumerate(COLUMNS)})
    rows = [
        RawRow(5, "T-TP", "", "T-THU", "", "1", "", ""),
        RawRow(6, "T-TP", "", "T-GN", "", "1", "", ""),
        RawRow(9, "t-tp", "", "t-thu", "", "2", "", ""),
    ]
    problems = find_duplicates(rows, header)
    assert [str(p) for p in problems] == [
        "Dòng 9, cột C (Mã chỉ tiêu): đơn vị “t-tp”, chỉ tiêu “t-thu” đã có ở dòng 5: "
        "dòng 5 và dòng 9 trùng nhau, hãy giữ lại một dòng"
    ]


# --- the metadata sheet ---------------------------------------------------------------------------------


def test_identity_round_trips_through_its_rows() -> None:
    rows = [[key, value, label] for key, value, label in IDENTITY.rows()]
    assert identity_from_rows(rows) == IDENTITY


def test_identity_of_numbers_read_back_as_floats() -> None:
    rows = [[key, float(value) if value.isdigit() else value] for key, value, _ in IDENTITY.rows()]
    assert identity_from_rows(rows) == IDENTITY


@pytest.mark.parametrize("rows", [None, [], [["mau", "khac"]]])
def test_file_without_this_systems_metadata_is_refused(rows: list[list[object]] | None) -> None:
    with pytest.raises(ValidationFailed, match="không phải mẫu nhập kết quả của hệ thống"):
        identity_from_rows(rows)


def test_tampered_metadata_is_refused() -> None:
    rows = [[k, "abc" if k == "cluster_year_id" else v] for k, v, _ in IDENTITY.rows()]
    with pytest.raises(ValidationFailed, match="bị sửa hoặc hỏng"):
        identity_from_rows(rows)


def test_template_of_another_period_is_refused_naming_both() -> None:
    other = TemplateIdentity(7, "T-CMN", "Cụm miền núi", 2024, "mid_year", "Sơ kết 6 tháng")
    problems = identity_problems(other, IDENTITY)
    assert [p.message for p in problems] == [
        "tệp này là mẫu của “Cụm miền núi” năm 2024, kỳ “Sơ kết 6 tháng”, không dùng được để nhập cho "
        "“Cụm miền núi” năm 2024, kỳ “Tổng kết năm”: hãy tải mẫu của đúng cụm và kỳ báo cáo"
    ]
    assert identity_problems(IDENTITY, IDENTITY) == []


# --- the file -------------------------------------------------------------------------------------------


def test_a_sound_xlsx_passes_the_file_checks() -> None:
    inspect_upload("ket-qua.XLSX", corpus.minimal_xlsx(), max_bytes=LIMIT)


@pytest.mark.parametrize("name", ["ket-qua.csv", "ket-qua.xls", "ket-qua.xlsm", "ket-qua"])
def test_wrong_extension_is_refused(name: str) -> None:
    assert "chỉ nhận tệp Excel .xlsx" in _refused(name, corpus.minimal_xlsx())


def test_old_xls_gets_a_hint_to_save_as_xlsx() -> None:
    assert "lưu lại dưới dạng .xlsx" in _refused("ket-qua.xls", corpus.minimal_xlsx())


def test_empty_file_is_refused() -> None:
    assert _refused("ket-qua.xlsx", b"") == "tệp “ket-qua.xlsx” rỗng (0 byte)"


def test_csv_renamed_to_xlsx_is_refused() -> None:
    assert "tệp văn bản (có thể là .csv)" in _refused("ket-qua.xlsx", corpus.csv_file())


def test_renamed_xls_is_refused() -> None:
    assert "tệp Excel cũ (.xls) đổi đuôi" in _refused("ket-qua.xlsx", corpus.ole_file())


def test_renamed_docx_is_refused() -> None:
    assert "tệp Word (.docx) đổi đuôi" in _refused("ket-qua.xlsx", corpus.docx_file())


def test_zip_without_content_types_is_refused() -> None:
    assert "tệp nén .zip, không phải tệp Excel" in _refused("ket-qua.xlsx", corpus.plain_zip())


def test_truncated_zip_is_refused_as_corrupt() -> None:
    assert "bị hỏng" in _refused("ket-qua.xlsx", corpus.truncated(corpus.minimal_xlsx()))


def test_damaged_member_is_refused_as_corrupt() -> None:
    assert "dữ liệu nén không toàn vẹn" in _refused("ket-qua.xlsx", corpus.corrupted(corpus.minimal_xlsx()))


def test_upload_over_the_size_limit_is_refused_before_the_zip_is_opened(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def must_not_run(*args: object, **kwargs: object) -> None:
        raise AssertionError("the zip must not be opened")

    monkeypatch.setattr(rules, "inspect_zip", must_not_run)
    message = _refused("ket-qua.xlsx", corpus.oversized(50))
    assert message == "tệp “ket-qua.xlsx” nặng 50 MB, vượt giới hạn 10 MB"


def test_zip_bomb_by_ratio_is_refused() -> None:
    assert "tỷ lệ nén trên 100:1" in _refused("ket-qua.xlsx", corpus.ratio_bomb())


def test_zip_bomb_by_total_size_is_refused() -> None:
    assert "khi giải nén nặng 60 MB, vượt giới hạn 50 MB" in _refused("ket-qua.xlsx", corpus.large_total())


def test_zip_bomb_declaring_a_huge_member_is_refused_from_the_directory() -> None:
    assert "khi giải nén nặng 60 MB" in _refused("ket-qua.xlsx", corpus.declared_huge())


def test_zip_whose_member_lies_about_its_size_is_refused() -> None:
    assert "bị hỏng" in _refused("ket-qua.xlsx", corpus.lying_small(corpus.minimal_xlsx()))


def test_zip_with_too_many_members_is_refused() -> None:
    assert "chứa 602 thành phần (tối đa 500)" in _refused("ket-qua.xlsx", corpus.many_members(600))
