"""Keeping the working-days calendar: each refusal names its field in Vietnamese and writes nothing; what is
kept is audited and read by the deadlines' calendar."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
import xlsxwriter
from python_calamine import CalamineWorkbook

from tdkt.core.calendar_services import (
    day_off_add,
    day_off_delete,
    day_off_update,
    days_off_import,
    days_off_xlsx,
    working_days_by_month,
)
from tdkt.core.errors import ValidationFailed
from tdkt.core.models import AuditEvent, DayOff, DayOffKind
from tdkt.core.workdays import WorkCalendar

pytestmark = pytest.mark.django_db
D = dt.date
SOURCE = "Thông báo số 6150/TB-BNV ngày 29/10/2024 của Bộ Nội vụ"


def _state() -> tuple:
    return list(DayOff.objects.order_by("pk").values_list()), AuditEvent.objects.count()


def _refused(**values: Any) -> list:
    before = _state()
    with pytest.raises(ValidationFailed) as info:
        fields: dict[str, Any] = {"kind": DayOffKind.HOLIDAY, "name": "Nghỉ", "source": SOURCE} | values
        day_off_add(actor=None, **fields)
    assert _state() == before
    return info.value.problems


def test_a_day_is_added_with_its_source_and_audited() -> None:
    row = day_off_add(
        actor=None, day=D(2027, 2, 8), kind=DayOffKind.HOLIDAY, name=" Tết  Đinh Mùi ", source=SOURCE
    )
    assert (row.name, row.source) == ("Tết Đinh Mùi", SOURCE)
    assert AuditEvent.objects.filter(action="day_off.add", object_id=str(row.pk)).exists()


def test_a_day_already_in_the_calendar_is_refused() -> None:
    problems = _refused(day=D(2026, 9, 2))  # seeded: Quốc khánh
    assert [(p.field, p.message) for p in problems] == [
        ("day", "ngày 02/09/2026 đã có trong lịch: “Quốc khánh”")
    ]


def test_a_swapped_working_day_must_be_a_saturday_or_sunday() -> None:
    problems = _refused(day=D(2027, 3, 3), kind=DayOffKind.SWAP_WORKED)
    assert problems[0].field == "kind"
    assert "ngày 03/03/2027 là thứ Tư: ngày đi làm bù phải là thứ Bảy hoặc Chủ nhật" in problems[0].message


def test_a_holiday_on_a_weekend_is_refused_pointing_to_the_day_in_lieu() -> None:
    problems = _refused(day=D(2027, 5, 1))  # a Saturday
    assert problems[0].field == "day"
    assert "thứ Bảy" in problems[0].message and "ngày nghỉ bù" in problems[0].message


def test_no_source_and_no_name_are_refused_naming_their_fields() -> None:
    problems = _refused(day=D(2027, 3, 3), name=" ", source="  ")
    assert {p.field for p in problems} == {"name", "source"}
    assert any("căn cứ" in p.message for p in problems)


def test_a_weekend_worked_day_counts_and_a_day_off_does_not() -> None:
    day_off_add(actor=None, day=D(2027, 1, 9), kind=DayOffKind.SWAP_WORKED, name="Làm bù", source=SOURCE)
    day_off_add(actor=None, day=D(2027, 1, 4), kind=DayOffKind.SWAP_OFF, name="Nghỉ hoán đổi", source=SOURCE)
    calendar = WorkCalendar.of(
        days_off=DayOff.objects.exclude(kind=DayOffKind.SWAP_WORKED).values_list("day", flat=True),
        days_worked=DayOff.objects.filter(kind=DayOffKind.SWAP_WORKED).values_list("day", flat=True),
    )
    months = dict(working_days_by_month(2027, calendar))
    # January 2027: 21 weekdays, less 1/1 (Friday, seeded) and 4/1, plus Saturday 9/1
    assert months[1] == 20
    assert len(months) == 12 and months[2] == 20  # February 2027: 20 weekdays, no day off recorded


def test_an_edit_to_a_taken_day_is_refused_and_changes_nothing() -> None:
    row = day_off_add(actor=None, day=D(2027, 3, 3), kind=DayOffKind.SWAP_OFF, name="Nghỉ", source=SOURCE)
    before = _state()
    with pytest.raises(ValidationFailed):
        day_off_update(
            actor=None, row=row, day=D(2026, 9, 2), kind=DayOffKind.HOLIDAY, name="x", source=SOURCE
        )
    assert _state() == before
    row = day_off_update(
        actor=None, row=row, day=D(2027, 3, 4), kind=DayOffKind.SWAP_OFF, name="Nghỉ", source=SOURCE
    )
    assert row.day == D(2027, 3, 4)
    day_off_delete(actor=None, row=row)
    assert not DayOff.objects.filter(day=D(2027, 3, 4)).exists()
    assert AuditEvent.objects.filter(action="day_off.delete").count() == 1


# --- a year's days from Excel ------------------------------------------------------------------------------


def _workbook(rows: list[list[Any]]) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("Lịch nghỉ")
    for r, row in enumerate([["Ngày", "Loại", "Tên", "Căn cứ"], *rows]):
        for c, value in enumerate(row):
            if isinstance(value, dt.date):
                sheet.write_datetime(r, c, dt.datetime.combine(value, dt.time()))
            else:
                sheet.write(r, c, value)
    book.close()
    return buffer.getvalue()


def test_the_year_s_workbook_round_trips_and_replaces_the_year() -> None:
    data = days_off_xlsx(2026)
    rows = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_name("Lịch nghỉ").to_python()
    assert rows[1][1:3] == ["Ngày nghỉ lễ, Tết", "Tết Dương lịch"]
    extra = _workbook([[D(2026, 1, 2), "Nghỉ bù", "Nghỉ bù Tết Dương lịch", SOURCE]])
    created = days_off_import(actor=None, year=2026, data=extra)
    assert [r.day for r in created] == [D(2026, 1, 2)]
    assert list(DayOff.objects.filter(day__year=2026).values_list("day", flat=True)) == [D(2026, 1, 2)]
    created = days_off_import(actor=None, year=2026, data=data)  # the original back
    assert len(created) == 9 and DayOff.objects.filter(day__year=2026).count() == 9
    assert AuditEvent.objects.filter(action="day_off.import").count() == 10


def test_a_bad_workbook_is_refused_whole_with_each_row_and_column() -> None:
    before = _state()
    data = _workbook(
        [
            [D(2027, 2, 8), "Ngày nghỉ lễ, Tết", "Tết Đinh Mùi", SOURCE],  # fine
            ["31/02/2027", "Nghỉ bù", "x", SOURCE],
            [D(2027, 3, 3), "Hoán đổi: đi làm (thứ Bảy, Chủ nhật)", "Làm bù", SOURCE],
            [D(2027, 5, 1), "Ngày nghỉ lễ, Tết", "Quốc tế lao động", SOURCE],
            [D(2026, 5, 4), "Nghỉ bù", "Nghỉ bù", SOURCE],
            [D(2027, 2, 8), "ngay nghi le, tet", "Tết Đinh Mùi", SOURCE],
            [D(2027, 2, 9), "Nghỉ phép", "Tết", ""],
        ]
    )
    with pytest.raises(ValidationFailed) as info:
        days_off_import(actor=None, year=2027, data=data)
    found = {(p.row, p.column) for p in info.value.problems}
    assert found == {
        (3, "Ngày"),
        (4, "Loại"),
        (5, "Ngày"),
        (6, "Ngày"),
        (7, "Ngày"),
        (8, "Loại"),
        (8, "Căn cứ"),
    }
    assert "Dòng 7, cột Ngày: ngày 08/02/2027 đã có ở dòng 2" in info.value.messages
    assert _state() == before


def test_a_file_that_is_not_the_template_is_refused() -> None:
    with pytest.raises(ValidationFailed) as info:
        days_off_import(actor=None, year=2027, data=b"not a workbook")
    assert "không đọc được" in info.value.messages[0]
