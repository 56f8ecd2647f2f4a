"""A province's unit list from Excel: a 2025 merger file, every cell checked, all rows or none."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import xlsxwriter
from python_calamine import CalamineWorkbook

from tdkt.core.errors import NotPermitted, ValidationFailed
from tdkt.core.personas import World
from tdkt.org.models import Employment, LineageEvent, Person, Unit
from tdkt.org.selectors import unit_history_ids
from tdkt.org.xlsx_units import units_import, units_template
from tdkt.org.xlsx_units_rules import LINEAGE_COLUMNS, LINEAGE_SHEET, UNIT_COLUMNS, UNITS_SHEET, meta_rows

UNIT_HEADER = [c.header for c in UNIT_COLUMNS]
LINEAGE_HEADER = [c.header for c in LINEAGE_COLUMNS]

# Phước Sơn's communes before 2025: the new commune (a later row) is their parent's sibling, and the merger
# takes effect on 01/07/2025.
MERGER_UNITS = [
    ["T-X-PKIM", "Xã Phước Kim", "Xã", "T-PS", "01/01/2008", "", ""],
    ["T-X-PTHANH", "Xã Phước Thành", "xa", "T-PS", "01/01/2008", "", ""],
    ["T-X-KT", "Xã Khâm Đức", "Xã", "T-QNA", "01/07/2025", "", ""],
    ["T-TH-KD", "Trường THCS Khâm Đức", "Cơ quan, đơn vị khác", "T-X-KT", "01/07/2025", "", "Có"],
]
MERGER_LINEAGE = [
    ["Hợp nhất, sáp nhập", "01/07/2025", "T-X-PKIM, T-X-PTHANH", "T-X-KT", "NQ 1677/NQ-UBTVQH15"]
]


def workbook(
    units: list[list[object]], lineage: list[list[object]] | None = None, *, meta: bool = True
) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    for name, header, rows in ((UNITS_SHEET, UNIT_HEADER, units), (LINEAGE_SHEET, LINEAGE_HEADER, lineage)):
        if rows is None:
            continue
        sheet = book.add_worksheet(name)
        sheet.write_row(3, 0, header)
        for offset, row in enumerate(rows):
            for col, value in enumerate(row):
                if isinstance(value, str):
                    sheet.write_string(4 + offset, col, value)
                elif value is not None:
                    sheet.write(4 + offset, col, value)
    if meta:
        sheet = book.add_worksheet("_tdkt")
        for row, (key, value, _label) in enumerate(meta_rows()):
            sheet.write_string(row, 0, key)
            sheet.write_string(row, 1, value)
    book.close()
    return buffer.getvalue()


def _state() -> tuple[list[tuple], int]:
    return list(Unit.objects.order_by("pk").values_list()), LineageEvent.objects.count()


def _problems(world: World, data: bytes) -> list[tuple[int | None, str | None, str]]:
    before = _state()
    with pytest.raises(ValidationFailed) as info:
        units_import(actor=world.board, filename="don-vi.xlsx", data=data)
    assert _state() == before, "a refused file wrote something"
    return [(p.row, p.column, p.message) for p in info.value.problems]


def test_the_template_has_both_sheets_and_the_headers(world: World) -> None:
    book = CalamineWorkbook.from_filelike(io.BytesIO(units_template()))
    assert book.sheet_names[:2] == [UNITS_SHEET, LINEAGE_SHEET]
    assert book.get_sheet_by_name(UNITS_SHEET).to_python()[3][: len(UNIT_HEADER)] == UNIT_HEADER


def test_a_2025_merger_file_creates_the_communes_and_records_the_merger(world: World) -> None:
    result = units_import(
        actor=world.board, filename="sap-nhap-2025.xlsx", data=workbook(MERGER_UNITS, MERGER_LINEAGE)
    )
    assert result.events == 1 and len(result.created) == 4
    kim, thanh, new = (Unit.objects.get(code=c) for c in ("T-X-PKIM", "T-X-PTHANH", "T-X-KT"))
    assert kim.valid_to == thanh.valid_to == dt.date(2025, 6, 30)
    assert new.valid_from == dt.date(2025, 7, 1) and new.valid_to is None
    assert new.parent == world.province
    school = Unit.objects.get(code="T-TH-KD")
    assert school.parent == new and school.school_year and not school.armed_forces
    assert unit_history_ids(new) == {kim.pk, thanh.pk, new.pk}


def test_the_merger_moves_the_old_communes_people(world: World) -> None:
    units_import(actor=world.board, filename="a.xlsx", data=workbook(MERGER_UNITS[:2]))
    person = Person.objects.create(full_name="Hồ Văn D", gender="nam")
    Employment.objects.create(
        person=person, unit=Unit.objects.get(code="T-X-PKIM"), start=dt.date(2010, 1, 1)
    )
    units_import(actor=world.board, filename="b.xlsx", data=workbook(MERGER_UNITS, MERGER_LINEAGE))
    current = Employment.objects.get(person=person, end__isnull=True)
    assert current.unit.code == "T-X-KT" and current.start == dt.date(2025, 7, 1)


def test_uploading_the_same_file_twice_changes_nothing(world: World) -> None:
    data = workbook(MERGER_UNITS)
    units_import(actor=world.board, filename="a.xlsx", data=data)
    before = _state()
    result = units_import(actor=world.board, filename="a.xlsx", data=data)
    assert result.created == [] and result.unchanged == 4
    assert _state() == before


def test_every_bad_cell_is_reported_with_its_row_and_column_and_nothing_is_written(world: World) -> None:
    rows = [
        ["T-X-A", "", "Xã", "", "", "", ""],  # row 5: no name
        ["T-X-B", "Xã B", "Làng", "", "", "", ""],  # row 6: unknown kind
        ["T-X-C", "Xã C", "Xã", "T-NOWHERE", "", "", ""],  # row 7: unknown parent
        ["T-X-D", "Xã D", "Xã", "", "31/02/2025", "", ""],  # row 8: no such day
        ["T-X-E", "Xã E", "Xã", "", "", "Có lẽ", ""],  # row 9: not yes/no
        ["T-X-F", "Xã F", "Xã", "", "", "", ""],  # row 10: fine
        ["t-x-f", "Xã F bis", "Xã", "", "", "", ""],  # row 11: duplicate code
        ["T-PS", "Huyện khác", "Huyện", "", "", "", ""],  # row 12: code already used
    ]
    found = _problems(world, workbook(rows))
    where = {(row, column.split(" ")[0] if column else None) for row, column, _ in found}
    assert where == {(5, "B"), (6, "C"), (7, "D"), (8, "E"), (9, "F"), (11, "A"), (12, "A")}
    messages = {row: msg for row, _, msg in found}
    assert "dòng 10" in messages[11]
    assert "Huyện Phước Sơn" in messages[12]


def test_a_parent_loop_within_the_file_is_refused(world: World) -> None:
    rows = [
        ["T-X-A", "Xã A", "Xã", "T-X-B", "", "", ""],
        ["T-X-B", "Xã B", "Xã", "T-X-A", "", "", ""],
    ]
    found = _problems(world, workbook(rows))
    assert {row for row, _, _ in found} == {5, 6}
    assert all("vòng lặp" in msg for _, _, msg in found)


def test_a_lineage_row_the_service_refuses_undoes_the_whole_file(world: World) -> None:
    # the new commune starts on 01/08/2025 but the merger is dated 01/07/2025: refused by the service
    units = [*MERGER_UNITS[:2], ["T-X-KT", "Xã Khâm Đức", "Xã", "T-QNA", "01/08/2025", "", ""]]
    found = _problems(world, workbook(units, MERGER_LINEAGE))
    assert [(row, column) for row, column, _ in found] == [(5, "trang “Biến động”, D (Mã đơn vị mới)")]
    assert "01/07/2025" in found[0][2]


def test_merging_into_itself_in_the_file_is_refused(world: World) -> None:
    lineage = [["Hợp nhất, sáp nhập", "01/07/2025", "T-X-PKIM, T-X-PTHANH", "T-X-PKIM", ""]]
    found = _problems(world, workbook(MERGER_UNITS[:2], lineage))
    assert any(row == 5 and "chính nó" in msg for row, _, msg in found)


def test_a_file_that_is_not_the_template_is_refused(world: World) -> None:
    found = _problems(world, workbook(MERGER_UNITS, meta=False))
    assert "không phải mẫu danh sách đơn vị" in found[0][2]


def test_a_units_staff_may_not_import(world: World) -> None:
    with pytest.raises(NotPermitted):
        units_import(actor=world.member, filename="a.xlsx", data=workbook(MERGER_UNITS))
    assert not Unit.objects.filter(code="T-X-KT").exists()
