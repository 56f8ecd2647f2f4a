"""The province's staff list from Excel (each row naming its unit) and the write without model instances:
rows land in their units, the stored values and audit rows are those of the ORM path, every problem is
located, all rows or none."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import xlsxwriter
from python_calamine import CalamineWorkbook

from tdkt.core.errors import NotPermitted, ValidationFailed
from tdkt.core.models import AuditEvent
from tdkt.core.personas import World
from tdkt.org.models import Employment, Person, person_search_key
from tdkt.org.services import person_create
from tdkt.org.xlsx_staff import province_staff_import, province_staff_template, staff_import
from tdkt.org.xlsx_staff_rules import PROVINCE_COLUMNS, STAFF_SHEET, meta_rows, province_meta_rows

HEADER = [c.header for c in PROVINCE_COLUMNS]
ROWS = [
    ["T-TP", "TP-101", "Nguyễn Thị Hoa", "Nữ", "12/03/1985", "01/09/2008", "Chuyên viên", "01/01/2020"],
    ["T-PS", "PS-102", "Trần Văn Bình", "nam", "", "", "Trưởng phòng", "15/02/2021"],
    ["t-ng", "NG-103", "Hồ Văn Lực", "Nam", "", "", "", "01/03/2022"],
]


def province_book(rows: list[list[object]], *, meta: list[tuple[str, str, str]] | None = None) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet(STAFF_SHEET)
    sheet.write_row(3, 0, HEADER)
    for offset, row in enumerate(rows):
        for col, value in enumerate(row):
            sheet.write_string(4 + offset, col, str(value))
    info = book.add_worksheet("_tdkt")
    for r, (key, value, label) in enumerate(meta if meta is not None else province_meta_rows()):
        info.write_row(r, 0, [key, value, label])
    book.close()
    return buffer.getvalue()


def _state() -> tuple[list[tuple], list[tuple], int]:
    return (
        list(Person.objects.order_by("pk").values_list()),
        list(Employment.objects.order_by("pk").values_list()),
        AuditEvent.objects.count(),
    )


def test_the_board_imports_the_province_staff_each_into_their_unit(world: World) -> None:
    result = province_staff_import(actor=world.board, filename="can-bo.xlsx", data=province_book(ROWS))
    assert (result.created, result.position_changes, result.unchanged) == (3, 0, 0)
    placed = {
        e.person.code: (e.unit.code, e.start, e.position)
        for e in Employment.objects.select_related("person", "unit")
    }
    assert placed == {
        "TP-101": ("T-TP", dt.date(2020, 1, 1), "Chuyên viên"),
        "PS-102": ("T-PS", dt.date(2021, 2, 15), "Trưởng phòng"),
        "NG-103": ("T-NG", dt.date(2022, 3, 1), ""),
    }


def test_the_rows_are_stored_as_the_orm_would_store_them(world: World) -> None:
    province_staff_import(actor=world.board, filename="can-bo.xlsx", data=province_book(ROWS[:1]))
    hoa = Person.objects.get(code="TP-101")
    assert (hoa.full_name, hoa.gender, hoa.date_of_birth, hoa.recruited_on, hoa.note) == (
        "Nguyễn Thị Hoa",
        "nu",
        dt.date(1985, 3, 12),
        dt.date(2008, 9, 1),
        "",
    )
    assert hoa.search_key == person_search_key("Nguyễn Thị Hoa", "TP-101")
    assert hoa.created_at is not None and hoa.created_at.tzinfo is not None
    employment = Employment.objects.get(person=hoa)
    event = AuditEvent.objects.get(action="person.import", object_id=str(hoa.pk))
    assert event.actor == world.board and event.object_type == "org.person"
    assert event.after == {
        "code": "TP-101",
        "full_name": "Nguyễn Thị Hoa",
        "gender": "nu",
        "date_of_birth": "1985-03-12",
        "recruited_on": "2008-09-01",
        "unit": world.tien_phuoc.pk,
        "start": "2020-01-01",
        "position": "Chuyên viên",
        "employment": employment.pk,
    }
    assert event.at == hoa.created_at
    whole = AuditEvent.objects.get(action="person.import_file")
    assert whole.object_id == str(world.province.pk) and whole.after["created"] == 1  # type: ignore[index]


def test_a_unit_code_nobody_has_is_refused_on_its_row_and_nothing_is_written(world: World) -> None:
    before = _state()
    rows = [*ROWS, ["T-KHONG", "X-104", "Lê Thị Mai", "Nữ", "", "", "", "01/01/2023"]]
    with pytest.raises(ValidationFailed) as refused:
        province_staff_import(actor=world.board, filename="can-bo.xlsx", data=province_book(rows))
    [problem] = refused.value.problems
    assert (problem.row, problem.column) == (8, "A (Mã đơn vị)")
    assert "mã đơn vị “T-KHONG” không có trong hệ thống" in problem.message
    assert _state() == before


def test_someone_of_another_unit_is_refused_naming_where_they_work(world: World) -> None:
    person_create(
        actor=None,
        full_name="Hồ Thị Lan",
        gender="nu",
        unit=world.nam_giang,
        start=dt.date(2021, 3, 1),
        code="NG-103",
    )
    before = _state()
    with pytest.raises(ValidationFailed) as refused:
        province_staff_import(
            actor=world.board,
            filename="can-bo.xlsx",
            data=province_book([["T-TP", "NG-103", "Hồ Thị Lan", "Nữ", "", "", "", "01/01/2024"]]),
        )
    [problem] = refused.value.problems
    assert (
        problem.column == "B (Mã cán bộ)" and f"đang công tác tại “{world.nam_giang.name}”" in problem.message
    )
    assert _state() == before


def test_only_the_board_imports_the_province_list(world: World) -> None:
    with pytest.raises(NotPermitted):
        province_staff_import(actor=world.member, filename="can-bo.xlsx", data=province_book(ROWS))
    assert Person.objects.count() == 0


def test_a_unit_template_and_the_province_template_are_not_taken_for_each_other(world: World) -> None:
    unit_meta = meta_rows(world.tien_phuoc.code, world.tien_phuoc.name)
    with pytest.raises(ValidationFailed, match="mẫu danh sách cán bộ của một đơn vị"):
        province_staff_import(actor=world.board, filename="a.xlsx", data=province_book(ROWS, meta=unit_meta))
    with pytest.raises(ValidationFailed, match="mẫu danh sách cán bộ toàn tỉnh"):
        staff_import(actor=world.board, unit=world.tien_phuoc, filename="a.xlsx", data=province_book(ROWS))


def test_the_province_template_lists_current_staff_with_their_unit_and_imports_back_unchanged(
    world: World,
) -> None:
    province_staff_import(actor=world.board, filename="can-bo.xlsx", data=province_book(ROWS))
    data = province_staff_template()
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_name(STAFF_SHEET).to_python()
    assert sheet[3][:2] == ["Mã đơn vị", "Mã cán bộ"]
    assert {(r[0], r[1]) for r in sheet[4:]} == {("T-NG", "NG-103"), ("T-PS", "PS-102"), ("T-TP", "TP-101")}
    again = province_staff_import(actor=world.board, filename="mau.xlsx", data=data)
    assert (again.created, again.unchanged) == (0, 3)


def test_a_unit_file_is_written_by_the_same_bulk_path(world: World) -> None:
    """The unit's own import goes through the same write: its people, posts and audit rows."""
    from tdkt.org.tests.test_staff_xlsx import ROWS as UNIT_ROWS
    from tdkt.org.tests.test_staff_xlsx import workbook

    staff_import(
        actor=world.member,
        unit=world.tien_phuoc,
        filename="a.xlsx",
        data=workbook(UNIT_ROWS, world.tien_phuoc),
    )
    assert Employment.objects.filter(unit=world.tien_phuoc).count() == 2
    assert AuditEvent.objects.filter(action="person.import", actor=world.member).count() == 2
    whole = AuditEvent.objects.get(action="person.import_file")
    assert whole.object_id == str(world.tien_phuoc.pk)
