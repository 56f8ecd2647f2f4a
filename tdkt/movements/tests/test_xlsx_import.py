"""Importing results from the Excel template: the round trip, every refused file and cell, and permissions.

Every refusal is checked twice: the message names the row and the column (or the file), and the database
(reports, values, audit trail) is exactly as it was before.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser, User

from tdkt.clusters.scopes import viewer_for
from tdkt.core.errors import NotPermitted, ValidationFailed
from tdkt.core.models import AuditEvent
from tdkt.core.personas import World
from tdkt.movements import xlsx_rules
from tdkt.movements.models import Indicator, IndicatorKind, Period, Report, ReportStatus, ReportValue
from tdkt.movements.selectors import cluster_year_dashboard
from tdkt.movements.services import cluster_indicators_set, report_transition
from tdkt.movements.tests import xlsx_corpus as corpus
from tdkt.movements.tests.xlsx_corpus import COL, LETTER, database_state
from tdkt.movements.xlsx_import import MAX_IMPORT_BYTES, ImportResult, results_import
from tdkt.movements.xlsx_template import results_template

YEAR_END = Period.YEAR_END.value


def _template(world: World, period: str = YEAR_END, unit=None) -> bytes:
    return results_template(cluster_year=world.cluster_year, period=period, unit=unit)


def _import(
    world: World, data: bytes, *, actor: User | None = None, filename: str = "ket-qua.xlsx"
) -> ImportResult:
    return results_import(
        actor=actor if actor is not None else world.board,
        cluster_year=world.cluster_year,
        period=YEAR_END,
        filename=filename,
        data=data,
    )


def _refused(
    world: World,
    data: bytes,
    *,
    actor: User | AnonymousUser | None = None,
    filename: str = "ket-qua.xlsx",
    period: str = YEAR_END,
) -> list[str]:
    """Import, expect a refusal, check nothing changed, and return the messages."""
    before = database_state()
    with pytest.raises(ValidationFailed) as exc:
        results_import(
            actor=actor if actor is not None else world.board,
            cluster_year=world.cluster_year,
            period=period,
            filename=filename,
            data=data,
        )
    assert database_state() == before
    return exc.value.messages


def _value(world: World, unit, indicator) -> ReportValue:
    return ReportValue.objects.get(
        report__cluster_year=world.cluster_year,
        report__period=YEAR_END,
        report__unit=unit,
        indicator=indicator,
    )


def _follow(world: World, *extra: Indicator) -> None:
    cluster_indicators_set(
        actor=None,
        cluster_year=world.cluster_year,
        indicators=[world.revenue, world.disbursement, world.houses, *extra],
    )


# --- the round trip ---------------------------------------------------------------------------------------


def test_filled_template_is_stored_and_the_dashboard_computes_percent_of_target(world: World) -> None:
    data = corpus.fill(
        _template(world),
        {
            ("T-PS", "T-THU"): ("380.000", "274.000", "Số liệu Chi cục Thuế"),
            ("T-PS", "T-GN"): "54,9%",
            ("T-PS", "T-NHA"): 787,
            ("T-NG", "T-THU"): 199121.158,
        },
    )
    result = _import(world, data)

    assert result == ImportResult(
        reports_touched=2, values_written=4, units=["Huyện Phước Sơn", "Huyện Nam Giang"]
    )
    revenue = _value(world, world.phuoc_son, world.revenue)
    assert (revenue.value, revenue.prior_value, revenue.note) == (
        Decimal("380000"),
        Decimal("274000"),
        "Số liệu Chi cục Thuế",
    )
    assert revenue.source == "Tệp Excel “ket-qua.xlsx”"
    assert _value(world, world.phuoc_son, world.disbursement).value == Decimal("54.9")
    assert _value(world, world.phuoc_son, world.houses).value == Decimal("787")
    assert _value(world, world.nam_giang, world.revenue).value == Decimal("199121.158")

    dashboard = cluster_year_dashboard(
        cluster_year=world.cluster_year, period=YEAR_END, viewer=viewer_for(world.board)
    )
    cells = {(row.unit.code, cell.indicator.code): cell for row in dashboard.rows for cell in row.cells}
    assert cells[("T-PS", "T-THU")].primary.achievement.percent == Decimal("95.00")  # 380.000 ÷ 400.000
    assert cells[("T-PS", "T-GN")].primary.achievement.percent == Decimal("54.90")
    assert cells[("T-NG", "T-THU")].primary.achievement.percent == Decimal("110.62")  # 199.121,158 ÷ 180.000
    assert cells[("T-PS", "T-THU")].change.percent == Decimal("38.69")  # (380.000 − 274.000) ÷ 274.000


def test_pre_filled_values_left_as_they_are_are_not_written_again(world: World) -> None:
    data = corpus.fill(_template(world), {("T-TP", "T-NHA"): "512"})
    events = AuditEvent.objects.count()
    result = _import(world, data)
    assert result == ImportResult(reports_touched=1, values_written=1, units=["Huyện Tiên Phước"])
    assert _value(world, world.tien_phuoc, world.revenue).source == ""  # 260.000 untouched
    assert AuditEvent.objects.count() == events + 2  # the new value and the import itself


def test_reimporting_the_same_file_changes_nothing(world: World) -> None:
    data = corpus.fill(_template(world), {("T-PS", "T-THU"): "380.000"})
    _import(world, data)
    before = database_state()
    assert _import(world, data) == ImportResult(reports_touched=0, values_written=0, units=[])
    assert database_state() == before


def test_changed_pre_filled_value_overwrites_the_stored_one(world: World) -> None:
    data = corpus.fill(_template(world), {("T-TP", "T-THU"): ("261.500,5", None, "đã điều chỉnh")})
    _import(world, data)
    value = _value(world, world.tien_phuoc, world.revenue)
    assert (value.value, value.prior_value, value.note) == (Decimal("261500.5"), None, "đã điều chỉnh")


def test_import_is_audited_with_the_file_name_and_rows(world: World) -> None:
    data = corpus.fill(_template(world), {("T-PS", "T-THU"): "380.000"})
    _import(world, data, filename="C:\\Users\\ps\\ket qua PS.xlsx")
    event = AuditEvent.objects.get(action="report.import")
    assert event.actor == world.board
    assert event.summary == "Nhập 1 số liệu từ tệp Excel “ket qua PS.xlsx”"
    assert event.after == {"file": "ket qua PS.xlsx", "rows": [5], "indicators": ["T-THU"]}


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("199.121,158", Decimal("199121.158")),
        ("1.234", Decimal("1234")),
        ("127,04", Decimal("127.04")),
        (199121.158, Decimal("199121.158")),
        (260000, Decimal("260000")),
        ("199121.158", Decimal("199121.158")),
    ],
)
def test_vietnamese_text_and_native_numbers_are_accepted(
    world: World, typed: object, stored: Decimal
) -> None:
    _import(world, corpus.fill(_template(world), {("T-NG", "T-THU"): typed}))
    assert _value(world, world.nam_giang, world.revenue).value == stored


@pytest.mark.parametrize("typed", ["54,9%", "54,9", 54.9, "54,9 %"])
def test_percentage_is_accepted_with_or_without_the_sign(world: World, typed: object) -> None:
    _import(world, corpus.fill(_template(world), {("T-NG", "T-GN"): typed}))
    assert _value(world, world.nam_giang, world.disbursement).value == Decimal("54.9")


def test_rows_with_an_empty_result_are_skipped_so_a_unit_can_fill_some_rows(world: World) -> None:
    data = corpus.fill(
        _template(world), {("T-NG", "T-THU"): "150.000", ("T-NG", "T-GN"): (None, "12", "chưa có số liệu")}
    )
    result = _import(world, data)
    assert result.values_written == 1
    assert not ReportValue.objects.filter(indicator=world.disbursement, report__unit=world.nam_giang).exists()


def test_fully_empty_rows_between_rows_are_skipped(world: World) -> None:
    def change(book) -> None:
        sheet = book[xlsx_rules.DATA_SHEET]
        sheet.cell(17, COL["unit_code"]).value = "  "  # a row of blanks, three rows below the template's rows
        for key, value in (("unit_code", "T-NG"), ("indicator_code", "T-NHA"), ("result", "12")):
            sheet.cell(20, COL[key]).value = value

    assert _import(world, corpus.edit(_template(world), change)).values_written == 1


def test_a_row_added_by_hand_without_names_is_accepted(world: World) -> None:
    data = corpus.append_rows(
        corpus.clear_all_results(_template(world)),
        [{"unit_code": "T-NG", "indicator_code": "T-NHA", "result": "7"}],
    )
    assert _import(world, data).values_written == 1


def test_figures_are_rounded_half_up_to_four_places(world: World) -> None:
    _import(world, corpus.fill(_template(world), {("T-NG", "T-GN"): 89.68235294117647}))
    assert _value(world, world.nam_giang, world.disbursement).value == Decimal("89.6824")


# --- refused cells (each names its row and column; nothing is written) -----------------------------------


def test_text_in_number_cell_is_refused_with_row_and_column(world: World) -> None:
    template = _template(world)
    row = corpus.row_of(template, "T-PS", "T-NHA")
    assert row == 7
    messages = _refused(
        world, corpus.fill(template, {("T-PS", "T-NHA"): "12,3,4", ("T-PS", "T-THU"): "380.000"})
    )
    assert messages == [
        "Dòng 7, cột G (Kết quả): “12,3,4” không phải là số (ví dụ hợp lệ: 199.121,158 hoặc 54,9%)"
    ]


def test_text_in_the_prior_year_cell_is_refused_naming_column_h(world: World) -> None:
    messages = _refused(
        world, corpus.fill(_template(world), {("T-NG", "T-THU"): ("150.000", "khoảng 140 tỷ")})
    )
    assert messages == [
        "Dòng 11, cột H (Cùng kỳ năm trước): “khoảng 140 tỷ” không phải là số (ví dụ hợp lệ: 199.121,158 hoặc 54,9%)"
    ]


def test_english_grouped_number_is_refused_with_a_hint(world: World) -> None:
    messages = _refused(world, corpus.fill(_template(world), {("T-NG", "T-THU"): "199,121.158"}))
    assert messages == [
        "Dòng 11, cột G (Kết quả): “199,121.158” viết theo kiểu tiếng Anh; hãy viết theo kiểu Việt Nam, ví dụ 199.121,158"
    ]


def test_percent_sign_on_an_amount_is_refused(world: World) -> None:
    messages = _refused(world, corpus.fill(_template(world), {("T-NG", "T-THU"): "96%"}))
    assert messages == [
        "Dòng 11, cột G (Kết quả): “96%” có dấu %, nhưng chỉ tiêu này tính bằng triệu đồng: hãy bỏ dấu %"
    ]


def test_true_false_cell_is_refused(world: World) -> None:
    messages = _refused(world, corpus.fill(_template(world), {("T-NG", "T-NHA"): True}))
    assert messages == [
        "Dòng 13, cột G (Kết quả): “TRUE” là giá trị đúng/sai, không phải số: hãy ghi 1 hoặc 0"
    ]


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("-5", "“-5”: kết quả không được âm"),
        ("20000%", "“20000%”: kết quả 20.000% vượt quá giới hạn hợp lý (10.000%)"),
        ("20.000,5%", "“20.000,5%”: kết quả 20.000,5% vượt quá giới hạn hợp lý (10.000%)"),
        (
            "20.000%",
            "“20.000%” không rõ nghĩa với chỉ tiêu tính bằng %: có thể là 20.000 % (dấu chấm ngăn hàng "
            "nghìn, tức 20000) hoặc 20,000 % (dấu chấm thập phân kiểu tiếng Anh): hãy viết 20000 hoặc 20,000",
        ),
    ],
)
def test_negative_and_absurd_percentages_are_refused(world: World, typed: str, message: str) -> None:
    assert _refused(world, corpus.fill(_template(world), {("T-NG", "T-GN"): typed})) == [
        f"Dòng 12, cột G (Kết quả): {message}"
    ]


@pytest.mark.parametrize("typed", ["3,5", "-1"])
def test_count_must_be_a_whole_non_negative_number(world: World, typed: str) -> None:
    assert _refused(world, corpus.fill(_template(world), {("T-NG", "T-NHA"): typed})) == [
        f"Dòng 13, cột G (Kết quả): “{typed}”: kết quả số lượng phải là số nguyên không âm"
    ]


def test_negative_prior_year_amount_is_refused(world: World) -> None:
    assert _refused(world, corpus.fill(_template(world), {("T-NG", "T-THU"): ("10", "-3")})) == [
        "Dòng 11, cột H (Cùng kỳ năm trước): “-3”: số cùng kỳ không được âm"
    ]


@pytest.mark.parametrize(
    ("kind", "typed", "message"),
    [
        (IndicatorKind.YES_NO, "2", "kết quả của chỉ tiêu đạt/không đạt phải là 1 (đạt) hoặc 0 (không đạt)"),
        (IndicatorKind.RANK, "0", "kết quả thứ hạng phải là số nguyên từ 1 trở lên"),
        (IndicatorKind.RANK, "1,5", "kết quả thứ hạng phải là số nguyên từ 1 trở lên"),
    ],
)
def test_yes_no_and_rank_ranges_are_enforced(world: World, kind: str, typed: str, message: str) -> None:
    extra = Indicator.objects.create(code="T-X", name="Chỉ tiêu thêm", measure_unit="", kind=kind)
    _follow(world, extra)
    template = _template(world, unit=world.nam_giang)
    row = corpus.row_of(template, "T-NG", "T-X")
    assert _refused(world, corpus.fill(template, {("T-NG", "T-X"): typed})) == [
        f"Dòng {row}, cột G (Kết quả): “{typed}”: {message}"
    ]


def test_yes_no_accepts_one_and_zero(world: World) -> None:
    extra = Indicator.objects.create(
        code="T-QP", name="Quốc phòng – an ninh vững mạnh", measure_unit="", kind=IndicatorKind.YES_NO
    )
    _follow(world, extra)
    _import(world, corpus.fill(_template(world), {("T-NG", "T-QP"): 1, ("T-PS", "T-QP"): "0"}))
    assert _value(world, world.nam_giang, extra).value == 1
    assert _value(world, world.phuoc_son, extra).value == 0


def test_duplicate_rows_are_refused_naming_both_rows(world: World) -> None:
    data = corpus.append_rows(
        corpus.fill(_template(world), {("T-NG", "T-THU"): "150.000"}),
        [{"unit_code": "T-NG", "indicator_code": "T-THU", "result": "151.000"}],
    )
    assert _refused(world, data) == [
        "Dòng 14, cột C (Mã chỉ tiêu): đơn vị “T-NG”, chỉ tiêu “T-THU” đã có ở dòng 11: "
        "dòng 11 và dòng 14 trùng nhau, hãy giữ lại một dòng"
    ]


def test_unknown_unit_code_is_refused_with_a_suggestion(world: World) -> None:
    data = corpus.append_rows(
        corpus.clear_all_results(_template(world)),
        [{"unit_code": "T-NGG", "indicator_code": "T-THU", "result": "1"}],
    )
    assert _refused(world, data) == [
        "Dòng 14, cột A (Mã đơn vị): mã đơn vị “T-NGG” không có trong hệ thống (có phải “T-NG”?)"
    ]


def test_unit_that_is_not_a_member_is_refused(world: World) -> None:
    data = corpus.append_rows(
        corpus.clear_all_results(_template(world)),
        [{"unit_code": "T-DB", "indicator_code": "T-THU", "result": "1"}],
    )
    assert _refused(world, data) == [
        "Dòng 14, cột A (Mã đơn vị): “Thị xã Điện Bàn” (T-DB) không phải thành viên của "
        "Cụm thi đua miền núi (thử nghiệm) – năm 2024"
    ]


def test_unknown_indicator_code_is_refused(world: World) -> None:
    data = corpus.append_rows(
        corpus.clear_all_results(_template(world)),
        [{"unit_code": "T-NG", "indicator_code": "KHONG-CO", "result": "1"}],
    )
    assert _refused(world, data) == [
        "Dòng 14, cột C (Mã chỉ tiêu): mã chỉ tiêu “KHONG-CO” không có trong hệ thống"
    ]


def test_indicator_the_cluster_year_does_not_follow_is_refused(world: World) -> None:
    Indicator.objects.create(
        code="T-RUNG", name="Trồng rừng mới", measure_unit="%", kind=IndicatorKind.PERCENTAGE
    )
    data = corpus.append_rows(
        corpus.clear_all_results(_template(world)),
        [{"unit_code": "T-NG", "indicator_code": "T-RUNG", "result": "1"}],
    )
    assert _refused(world, data) == [
        "Dòng 14, cột C (Mã chỉ tiêu): chỉ tiêu “Trồng rừng mới” (T-RUNG) không thuộc bộ chỉ tiêu của "
        "Cụm thi đua miền núi (thử nghiệm) – năm 2024"
    ]


def test_missing_codes_are_refused(world: World) -> None:
    data = corpus.append_rows(corpus.clear_all_results(_template(world)), [{"result": "1"}])
    assert _refused(world, data) == [
        "Dòng 14, cột A (Mã đơn vị): thiếu mã đơn vị",
        "Dòng 14, cột C (Mã chỉ tiêu): thiếu mã chỉ tiêu",
    ]


def test_unit_code_changed_without_its_name_is_refused(world: World) -> None:
    def change(book) -> None:
        sheet = book[xlsx_rules.DATA_SHEET]
        sheet.cell(11, COL["unit_code"]).value = "T-PS"  # the row still says Nam Giang
        sheet.cell(11, COL["result"]).value = "1"

    assert _refused(world, corpus.edit(_template(world), change)) == [
        "Dòng 11, cột B (Tên đơn vị): tên đơn vị “Huyện Nam Giang” không khớp với mã “T-PS” (“Huyện Phước Sơn”): "
        "hãy kiểm tra lại mã đơn vị"
    ]


def test_every_problem_in_the_file_is_reported_at_once(world: World) -> None:
    data = corpus.fill(
        _template(world),
        {
            ("T-PS", "T-THU"): "abc",
            ("T-TP", "T-NHA"): "-1",
            ("T-NG", "T-GN"): "1,2,3",
            ("T-NG", "T-NHA"): "5",
        },
    )
    messages = _refused(world, data)
    assert [m.split(":")[0] for m in messages] == [
        "Dòng 5, cột G (Kết quả)",
        "Dòng 10, cột G (Kết quả)",
        "Dòng 12, cột G (Kết quả)",
    ]


def test_problems_are_capped_at_200_with_a_count_of_the_rest(world: World) -> None:
    rows = [{"unit_code": f"X{i}", "indicator_code": "T-THU", "result": "1"} for i in range(250)]
    messages = _refused(world, corpus.append_rows(_template(world), rows))
    assert len(messages) == 201
    assert messages[0] == "Dòng 14, cột A (Mã đơn vị): mã đơn vị “X0” không có trong hệ thống"
    assert messages[199].startswith("Dòng 213, cột A (Mã đơn vị)")
    assert messages[-1] == "và 50 lỗi khác"


def test_data_typed_beside_the_table_is_refused(world: World) -> None:
    def change(book) -> None:
        book[xlsx_rules.DATA_SHEET].cell(11, 11).value = "150.000"

    assert _refused(world, corpus.edit(_template(world), change)) == [
        "Dòng 11, cột K: ô có dữ liệu nằm ở cột không có tiêu đề của mẫu: hãy xóa hoặc chuyển vào đúng cột"
    ]


def test_file_with_no_result_at_all_is_refused(world: World) -> None:
    assert _refused(world, corpus.clear_all_results(_template(world))) == [
        "Cột Kết quả: tệp không có dòng nào điền cột “Kết quả”: chưa có số liệu để nhập"
    ]


# --- report status --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("actions", "label"),
    [
        (["submit"], "Đã gửi"),
        (["submit", "accept"], "Đã tiếp nhận"),
        (["submit", "accept", "lock"], "Đã khóa"),
    ],
)
def test_report_that_is_not_editable_is_refused_naming_unit_and_status(
    world: World, actions: list[str], label: str
) -> None:
    for action in actions:
        report_transition(actor=None, report=world.member_report, action=action)
    data = corpus.fill(
        _template(world), {("T-TP", "T-THU"): "265.000", ("T-TP", "T-NHA"): "3", ("T-NG", "T-THU"): "1"}
    )
    assert _refused(world, data) == [
        f"Dòng 8, cột A (Mã đơn vị): báo cáo tổng kết năm của “Huyện Tiên Phước” đang ở trạng thái “{label}”, "
        "không sửa được (dòng 8, 10): cần sửa thì đề nghị Trưởng cụm trả lại báo cáo"
    ]


def test_returned_report_can_be_corrected_by_import(world: World) -> None:
    report_transition(actor=None, report=world.member_report, action="submit")
    report_transition(actor=None, report=world.member_report, action="return", reason="Thiếu số nhà tạm")
    _import(
        world,
        corpus.fill(_template(world, unit=world.tien_phuoc), {("T-TP", "T-NHA"): "480"}),
        actor=world.member,
    )
    assert _value(world, world.tien_phuoc, world.houses).value == 480


def test_unchanged_figures_of_a_submitted_report_are_not_an_error(world: World) -> None:
    report_transition(actor=None, report=world.member_report, action="submit")
    data = corpus.fill(_template(world), {("T-TP", "T-THU"): ("260.000", "230.000"), ("T-NG", "T-THU"): "1"})
    assert _import(world, data).units == ["Huyện Nam Giang"]


# --- permissions ----------------------------------------------------------------------------------------


def test_member_imports_their_own_units_rows(world: World) -> None:
    data = corpus.fill(_template(world, unit=world.tien_phuoc), {("T-TP", "T-NHA"): "512"})
    assert _import(world, data, actor=world.member).units == ["Huyện Tiên Phước"]
    assert AuditEvent.objects.filter(action="report_value.set", actor=world.member).count() == 1


def test_member_importing_another_units_row_is_refused_naming_the_row(world: World) -> None:
    data = corpus.fill(_template(world), {("T-TP", "T-NHA"): "512", ("T-PS", "T-THU"): "380.000"})
    assert _refused(world, data, actor=world.member) == [
        "Dòng 5, cột A (Mã đơn vị): bạn chỉ được nhập số liệu của “Huyện Tiên Phước”; "
        "dòng này là của “Huyện Phước Sơn” (T-PS)"
    ]


def test_board_imports_any_members_rows(world: World) -> None:
    data = corpus.fill(
        _template(world), {("T-TP", "T-NHA"): "512", ("T-PS", "T-THU"): "380.000", ("T-NG", "T-GN"): "70%"}
    )
    result = _import(world, data, actor=world.board)
    assert result.values_written == 3
    assert sorted(result.units) == ["Huyện Nam Giang", "Huyện Phước Sơn", "Huyện Tiên Phước"]
    assert AuditEvent.objects.filter(action="report.import", actor=world.board).count() == 3
    assert AuditEvent.objects.filter(action="report_value.set", actor=world.board).count() == 3


def test_head_imports_only_its_own_units_rows(world: World) -> None:
    # drafts are private to their unit: the head reviews reports once submitted, it does not write them
    own = corpus.fill(_template(world, unit=world.phuoc_son), {("T-PS", "T-THU"): "380.000"})
    assert _import(world, own, actor=world.head).values_written == 1
    other = corpus.fill(_template(world, unit=world.tien_phuoc), {("T-TP", "T-NHA"): "512"})
    before = database_state()
    with pytest.raises(ValidationFailed, match="chỉ được nhập số liệu của “Huyện Phước Sơn”"):
        _import(world, other, actor=world.head)
    assert database_state() == before


def test_outsider_may_not_import_at_all(world: World) -> None:
    data = corpus.fill(_template(world), {("T-PS", "T-THU"): "380.000"})
    before = database_state()
    with pytest.raises(NotPermitted):
        _import(world, data, actor=world.outsider)
    assert database_state() == before


def test_public_may_never_import(world: World) -> None:
    data = corpus.fill(_template(world), {("T-PS", "T-THU"): "380.000"})
    before = database_state()
    with pytest.raises(NotPermitted):
        results_import(
            actor=AnonymousUser(),
            cluster_year=world.cluster_year,
            period=YEAR_END,
            filename="a.xlsx",
            data=data,
        )
    assert database_state() == before


def test_system_imports_without_a_permission_check(world: World) -> None:
    data = corpus.fill(_template(world), {("T-PS", "T-THU"): "380.000"})
    result = results_import(
        actor=None, cluster_year=world.cluster_year, period=YEAR_END, filename="a.xlsx", data=data
    )
    assert result.values_written == 1


# --- refused files --------------------------------------------------------------------------------------


def test_file_with_another_extension_is_refused(world: World) -> None:
    assert _refused(world, _template(world), filename="ket-qua.csv") == [
        "tệp “ket-qua.csv” (“.csv”) không được nhận: chỉ nhận tệp Excel .xlsx"
    ]


def test_empty_file_is_refused(world: World) -> None:
    assert _refused(world, b"") == ["tệp “ket-qua.xlsx” rỗng (0 byte)"]


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (corpus.csv_file, "tệp văn bản (có thể là .csv)"),
        (corpus.ole_file, "tệp Excel cũ (.xls) đổi đuôi"),
        (corpus.docx_file, "tệp Word (.docx) đổi đuôi"),
        (corpus.plain_zip, "tệp nén .zip, không phải tệp Excel .xlsx"),
    ],
)
def test_file_that_is_not_an_xlsx_is_refused(world: World, make: Callable[[], bytes], expected: str) -> None:
    (message,) = _refused(world, make())
    assert expected in message


def test_truncated_upload_is_refused_as_corrupt(world: World) -> None:
    assert _refused(world, corpus.truncated(_template(world))) == [
        "tệp “ket-qua.xlsx” bị hỏng (không đọc được cấu trúc nén .xlsx)"
    ]


def test_damaged_zip_is_refused_as_corrupt(world: World) -> None:
    assert _refused(world, corpus.corrupted(_template(world))) == [
        "tệp “ket-qua.xlsx” bị hỏng (dữ liệu nén không toàn vẹn)"
    ]


def test_upload_over_the_limit_is_refused_by_size_before_parsing(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    def must_not_run(*args: object, **kwargs: object) -> None:
        raise AssertionError("nothing may be parsed")

    monkeypatch.setattr(xlsx_rules, "inspect_zip", must_not_run)
    monkeypatch.setattr(xlsx_rules, "CalamineWorkbook", must_not_run)
    assert MAX_IMPORT_BYTES == 10 * 1024 * 1024
    assert _refused(world, corpus.oversized(50)) == ["tệp “ket-qua.xlsx” nặng 50 MB, vượt giới hạn 10 MB"]


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (corpus.ratio_bomb, "có thành phần nén bất thường (tỷ lệ nén trên 100:1)"),
        (corpus.large_total, "khi giải nén nặng 60 MB, vượt giới hạn 50 MB"),
        (corpus.declared_huge, "khi giải nén nặng 60 MB, vượt giới hạn 50 MB"),
        (corpus.many_members, "chứa 602 thành phần (tối đa 500)"),
    ],
)
def test_zip_bomb_is_refused_before_calamine_sees_it(
    world: World, monkeypatch: pytest.MonkeyPatch, make: Callable[[], bytes], expected: str
) -> None:
    def must_not_run(*args: object, **kwargs: object) -> None:
        raise AssertionError("calamine must not open a zip bomb")

    monkeypatch.setattr(xlsx_rules, "CalamineWorkbook", must_not_run)
    (message,) = _refused(world, make())
    assert expected in message


def test_zip_member_lying_about_its_size_is_refused(world: World) -> None:
    (message,) = _refused(world, corpus.lying_small(_template(world)))
    assert "bị hỏng" in message


# --- refused structure ----------------------------------------------------------------------------------


def test_missing_data_sheet_is_refused_naming_it(world: World) -> None:
    data = corpus.rename_sheet(
        corpus.fill(_template(world), {("T-PS", "T-THU"): "1"}), "Kết quả", "Ket qua 2024"
    )
    assert _refused(world, data) == [
        "không có trang “Kết quả” của mẫu; tệp có các trang: “Ket qua 2024”, “Hướng dẫn”, “Danh mục”, “_tdkt”"
    ]


def test_file_without_the_metadata_sheet_is_refused(world: World) -> None:
    data = corpus.remove_sheet(corpus.fill(_template(world), {("T-PS", "T-THU"): "1"}), "_tdkt")
    (message,) = _refused(world, data)
    assert message.startswith("tệp không phải mẫu nhập kết quả của hệ thống")


def test_template_of_another_cluster_year_is_refused(world: World) -> None:
    other = results_template(cluster_year=world.other_cluster_year, period=YEAR_END)
    data = corpus.fill(other, {("T-DB", "T-THU"): "1"})
    assert _refused(world, data) == [
        "tệp này là mẫu của “Cụm thi đua đồng bằng (thử nghiệm)” năm 2024, kỳ “Tổng kết năm”, không dùng được để "
        "nhập cho “Cụm thi đua miền núi (thử nghiệm)” năm 2024, kỳ “Tổng kết năm”: hãy tải mẫu của đúng cụm và kỳ báo cáo"
    ]


def test_template_of_another_period_is_refused(world: World) -> None:
    data = corpus.fill(_template(world, period=Period.MID_YEAR), {("T-PS", "T-THU"): "1"})
    (message,) = _refused(world, data)
    assert "kỳ “Sơ kết 6 tháng”, không dùng được để nhập cho" in message


def test_unknown_period_is_refused(world: World) -> None:
    assert _refused(world, _template(world), period="quarterly") == [
        "Trường “period”: kỳ báo cáo “quarterly” không hợp lệ"
    ]


def test_missing_column_is_refused_naming_it(world: World) -> None:
    data = corpus.delete_column(corpus.fill(_template(world), {("T-PS", "T-THU"): "1"}), COL["note"])
    assert _refused(world, data) == ["Dòng 4, cột Ghi chú: thiếu cột “Ghi chú” của mẫu: hãy tải lại mẫu"]


def test_extra_column_is_refused_naming_it(world: World) -> None:
    data = corpus.insert_column(
        corpus.fill(_template(world), {("T-PS", "T-THU"): "1"}), COL["note"] + 1, "Xếp loại"
    )
    assert _refused(world, data) == [
        "Dòng 4, cột J: cột “Xếp loại” không có trong mẫu: hãy xóa cột này (không thêm cột vào mẫu)"
    ]


def test_renamed_column_is_refused_naming_it(world: World) -> None:
    data = corpus.set_header(
        corpus.fill(_template(world), {("T-PS", "T-THU"): "1"}), COL["result"], "Kết quả 2024"
    )
    assert _refused(world, data) == [
        f"Dòng 4, cột {LETTER['result']}: tiêu đề “Kết quả 2024” không đúng mẫu, phải là “Kết quả”: "
        "hãy giữ nguyên tiêu đề của mẫu"
    ]


def test_nothing_is_written_when_one_row_of_many_is_wrong(world: World) -> None:
    data = corpus.fill(
        _template(world), {("T-PS", "T-THU"): "380.000", ("T-PS", "T-GN"): "70%", ("T-NG", "T-NHA"): "ba"}
    )
    _refused(world, data)
    assert not Report.objects.filter(unit=world.phuoc_son).exists()


def test_report_status_changing_while_importing_rolls_everything_back(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another request submits Tiên Phước's report between the checks and the writes."""
    from tdkt.movements import xlsx_import

    real = xlsx_import._changed_and_editable

    def then_submitted(*args, **kwargs):
        result = real(*args, **kwargs)
        Report.objects.filter(pk=world.member_report.pk).update(status=ReportStatus.SUBMITTED)
        return result

    monkeypatch.setattr(xlsx_import, "_changed_and_editable", then_submitted)
    data = corpus.fill(_template(world), {("T-PS", "T-THU"): "380.000", ("T-TP", "T-NHA"): "3"})
    values_before = list(ReportValue.objects.order_by("pk").values_list("pk", "value"))
    events_before = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as exc:
        _import(world, data)
    assert exc.value.problems[0].row == 10  # Tiên Phước's row, after Phước Sơn's was written
    assert list(ReportValue.objects.order_by("pk").values_list("pk", "value")) == values_before
    assert AuditEvent.objects.count() == events_before
    assert not Report.objects.filter(unit=world.phuoc_son).exists()


# --- what a user met trying the demo (issue 12): warnings, formulas, every problem at once ---------------


def _with_cached_value(data: bytes, formula: str, cached: str) -> bytes:
    """openpyxl writes a formula without its computed value; Excel keeps one: add it, as Excel would."""
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            content = source.read(name)
            if name.startswith("xl/worksheets/"):
                content = content.replace(
                    f"<f>{formula}</f><v></v>".encode(), f"<f>{formula}</f><v>{cached}</v>".encode()
                )
            target.writestr(name, content)
    return out.getvalue()


def test_an_english_decimal_is_read_and_warned_naming_row_column_and_the_reading(world: World) -> None:
    result = _import(world, corpus.fill(_template(world), {("T-NG", "T-GN"): "54.9"}))
    assert _value(world, world.nam_giang, world.disbursement).value == Decimal("54.9")
    assert [str(w) for w in result.warnings] == [
        "Dòng 12, cột G (Kết quả): “54.9” viết dấu chấm thập phân kiểu tiếng Anh: đọc là 54,9; "
        "hãy kiểm tra lại (kiểu Việt Nam dùng dấu phẩy trước phần thập phân)"
    ]


def test_a_vietnamese_figure_gives_no_warning(world: World) -> None:
    assert _import(world, corpus.fill(_template(world), {("T-NG", "T-GN"): "54,9"})).warnings == []


def test_a_percentage_beyond_a_thousand_is_written_and_warned(world: World) -> None:
    result = _import(world, corpus.fill(_template(world), {("T-NG", "T-GN"): "1500"}))
    assert [w.message for w in result.warnings] == [
        "“1500” được đọc là 1.500 %, vượt quá 1.000 %: hãy kiểm tra lại con số"
    ]


def test_one_thousand_grouping_in_a_percentage_is_refused_with_both_readings(world: World) -> None:
    [message] = _refused(world, corpus.fill(_template(world), {("T-NG", "T-GN"): "1.234"}))
    assert "có thể là 1.234 % (dấu chấm ngăn hàng nghìn, tức 1234) hoặc 1,234 %" in message


def test_a_formula_without_a_computed_value_is_refused_not_skipped(world: World) -> None:
    data = corpus.fill(_template(world), {("T-NG", "T-GN"): "=50+4.9"})
    assert _refused(world, data) == [f"Dòng 12, cột G (Kết quả): {xlsx_rules.FORMULA_WITHOUT_VALUE}"]


def test_a_formulas_computed_value_is_read_and_said_so(world: World) -> None:
    data = _with_cached_value(corpus.fill(_template(world), {("T-NG", "T-GN"): "=50+4.9"}), "50+4.9", "54.9")
    result = _import(world, data)
    assert _value(world, world.nam_giang, world.disbursement).value == Decimal("54.9")
    assert [str(w) for w in result.warnings] == [
        "Dòng 12, cột G (Kết quả): ô chứa công thức: đã đọc giá trị Excel đã tính (54,9); "
        "nên dán giá trị thay cho công thức"
    ]


def test_a_missing_column_and_every_cells_error_are_reported_in_one_upload(world: World) -> None:
    data = corpus.fill(_template(world), {("T-NG", "T-GN"): "nhiều", ("T-NG", "T-NHA"): "3,5"})
    data = corpus.delete_column(data, COL["note"])
    messages = _refused(world, data)
    assert messages[0] == "Dòng 4, cột Ghi chú: thiếu cột “Ghi chú” của mẫu: hãy tải lại mẫu"
    assert messages[1].startswith("Dòng 12, cột G (Kết quả): “nhiều” không phải là số")
    assert messages[2] == "Dòng 13, cột G (Kết quả): “3,5”: kết quả số lượng phải là số nguyên không âm"
    assert len(messages) == 3


def test_a_native_number_is_quoted_the_vietnamese_way(world: World) -> None:
    [message] = _refused(world, corpus.fill(_template(world), {("T-NG", "T-NHA"): 265.5}))
    assert message == "Dòng 13, cột G (Kết quả): “265,5”: kết quả số lượng phải là số nguyên không âm"
