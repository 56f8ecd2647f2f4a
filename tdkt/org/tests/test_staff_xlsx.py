"""A unit's staff list from Excel: every cell checked and located, all rows or none, people already on the
list only change post, a code of another unit's person is refused."""

from __future__ import annotations

import datetime as dt
import io
import time

import pytest
import xlsxwriter
from python_calamine import CalamineWorkbook

from tdkt.core.errors import NotPermitted, ValidationFailed
from tdkt.core.models import AuditEvent
from tdkt.core.personas import World
from tdkt.org.models import Employment, Gender, Person, Unit
from tdkt.org.services import person_create
from tdkt.org.xlsx_staff import staff_import, staff_template
from tdkt.org.xlsx_staff_rules import GENDERS, STAFF_COLUMNS, STAFF_SHEET, meta_rows

HEADER = [c.header for c in STAFF_COLUMNS]
ROWS = [
    ["TP-001", "Nguyễn Thị Hoa", "Nữ", "12/03/1985", "01/09/2008", "Chuyên viên", "01/01/2020"],
    ["TP-002", "Trần Văn Bình", "nam", "", "", "Trưởng phòng", "15/02/2021"],
]


def workbook(rows: list[list[object]], unit: Unit, *, meta: bool = True) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet(STAFF_SHEET)
    sheet.write_row(3, 0, HEADER)
    for offset, row in enumerate(rows):
        for col, value in enumerate(row):
            if isinstance(value, str):
                sheet.write_string(4 + offset, col, value)
            elif value is not None:
                sheet.write(4 + offset, col, value)
    if meta:
        info = book.add_worksheet("_tdkt")
        for r, (key, value, label) in enumerate(meta_rows(unit.code, unit.name)):
            info.write_row(r, 0, [key, value, label])
    book.close()
    return buffer.getvalue()


def _state() -> tuple[list[tuple], list[tuple], int]:
    return (
        list(Person.objects.order_by("pk").values_list()),
        list(Employment.objects.order_by("pk").values_list()),
        AuditEvent.objects.count(),
    )


def _import(
    world: World, rows: list[list[object]], unit: Unit | None = None, actor: object = "member"
) -> object:
    unit = unit or world.tien_phuoc
    return staff_import(
        actor=getattr(world, actor) if isinstance(actor, str) else actor,  # type: ignore[arg-type]
        unit=unit,
        filename="can-bo.xlsx",
        data=workbook(rows, unit),
    )


def test_the_genders_are_the_models() -> None:
    assert dict(Gender.choices) == GENDERS


def test_the_units_staff_import_their_list(world: World) -> None:
    result = _import(world, ROWS)
    assert (result.created, result.position_changes, result.unchanged) == (2, 0, 0)  # type: ignore[attr-defined]
    hoa = Person.objects.get(code="TP-001")
    assert (hoa.full_name, hoa.gender, hoa.date_of_birth) == (
        "Nguyễn Thị Hoa",
        Gender.FEMALE,
        dt.date(1985, 3, 12),
    )
    assert hoa.search_key == "nguyen thi hoa tp-001"
    e = hoa.employments.get()
    assert (e.unit, e.start, e.end, e.position) == (
        world.tien_phuoc,
        dt.date(2020, 1, 1),
        None,
        "Chuyên viên",
    )
    assert AuditEvent.objects.filter(action="person.import", object_id=str(hoa.pk)).exists()
    assert AuditEvent.objects.filter(action="person.import_file").count() == 1


def test_the_same_file_twice_changes_nothing(world: World) -> None:
    _import(world, ROWS)
    before = _state()[:2]
    result = _import(world, ROWS)
    assert (result.created, result.position_changes, result.unchanged) == (0, 0, 2)  # type: ignore[attr-defined]
    assert _state()[:2] == before


def test_a_new_post_from_the_given_day_keeps_the_old_row(world: World) -> None:
    _import(world, ROWS)
    changed = [[*ROWS[0][:5], "Phó Trưởng phòng", "01/07/2024"], ROWS[1]]
    result = _import(world, changed)
    assert (result.created, result.position_changes, result.unchanged) == (0, 1, 1)  # type: ignore[attr-defined]
    rows = list(Person.objects.get(code="TP-001").employments.order_by("start"))
    assert [(r.start, r.end, r.position) for r in rows] == [
        (dt.date(2020, 1, 1), dt.date(2024, 6, 30), "Chuyên viên"),
        (dt.date(2024, 7, 1), None, "Phó Trưởng phòng"),
    ]
    assert AuditEvent.objects.filter(action="employment.position_change", object_id=str(rows[1].pk)).exists()


def test_a_code_of_another_units_person_is_refused_and_nothing_is_written(world: World) -> None:
    person_create(
        actor=None,
        full_name="Lê Văn Đông",
        gender="nam",
        unit=world.dien_ban,
        start=dt.date(2020, 1, 1),
        code="DB-9",
    )
    before = _state()
    with pytest.raises(ValidationFailed) as exc:
        _import(world, [*ROWS, ["DB-9", "Lê Văn Đông", "Nam", "", "", "", "01/01/2024"]])
    [problem] = exc.value.problems
    assert (problem.row, problem.column) == (7, "A (Mã cán bộ)")
    assert "Thị xã Điện Bàn" in problem.message and "điều động" in problem.message
    assert _state() == before  # the two good rows were not written either


def test_every_bad_cell_is_located_and_nothing_is_written(world: World) -> None:
    before = _state()
    bad = [
        ["", "Không Mã", "Nữ", "", "", "", "01/01/2020"],  # row 5: no code
        ["TP-010", "Hà Văn Cường", "Khác", "31/02/1990", "", "", "01/01/2020"],  # row 6: gender, date
        ["TP-011", "Phan Thị Mai", "Nữ", "01/01/1990", "01/01/1989", "", "2020"],  # row 7: recruited, start
        ["TP-011", "Phan Thị Mai", "Nữ", "", "", "", "01/01/2020"],  # row 8: duplicate code
        ["TP-012", "Đỗ Văn Hùng", "Nam", "", "01/06/2021", "", "01/01/2021"],  # row 9: start before recruited
        ["TP-013", "Võ Thị Yến", "Nữ", "", "", "", "01/01/2019"],  # row 10: unit not valid before 2020
    ]
    with pytest.raises(ValidationFailed) as exc:
        _import(world, bad)
    located = {(p.row, p.column) for p in exc.value.problems}
    assert located == {
        (5, "A (Mã cán bộ)"),
        (6, "C (Giới tính)"),
        (6, "D (Ngày sinh)"),
        (7, "E (Ngày tuyển dụng)"),
        (7, "G (Từ ngày)"),
        (8, "A (Mã cán bộ)"),
        (9, "G (Từ ngày)"),
        (10, "G (Từ ngày)"),
    }
    messages = " | ".join(p.message for p in exc.value.problems)
    assert "chưa ghi mã cán bộ" in messages and "“Khác” không có trong danh mục" in messages
    assert "đã có ở dòng 7" in messages
    assert _state() == before


def test_a_new_post_not_after_the_current_one_is_refused(world: World) -> None:
    _import(world, ROWS)
    before = _state()
    with pytest.raises(ValidationFailed) as exc:
        _import(world, [[*ROWS[0][:5], "Trưởng phòng", "01/01/2020"]])
    assert [(p.row, p.column) for p in exc.value.problems] == [(5, "G (Từ ngày)")]
    assert _state() == before


def test_another_units_file_and_other_templates_are_refused(world: World) -> None:
    with pytest.raises(ValidationFailed) as exc:
        staff_import(
            actor=world.member, unit=world.tien_phuoc, filename="x.xlsx", data=workbook(ROWS, world.dien_ban)
        )
    assert "của “Thị xã Điện Bàn”" in exc.value.problems[0].message
    with pytest.raises(ValidationFailed, match="không phải mẫu danh sách cán bộ"):
        staff_import(
            actor=world.member,
            unit=world.tien_phuoc,
            filename="x.xlsx",
            data=workbook(ROWS, world.tien_phuoc, meta=False),
        )


def test_another_units_staff_may_not_import(world: World) -> None:
    with pytest.raises(NotPermitted):
        _import(world, ROWS, actor="outsider")
    assert not Person.objects.exists()


def test_the_template_lists_the_current_staff_and_reads_back_unchanged(world: World) -> None:
    _import(world, ROWS)
    data = staff_template(world.tien_phuoc)
    rows = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_name(STAFF_SHEET).to_python()
    assert rows[3][:7] == HEADER
    assert [r[0] for r in rows[4:]] == ["TP-001", "TP-002"]  # by name
    before = _state()[:2]
    result = staff_import(actor=world.board, unit=world.tien_phuoc, filename="mau.xlsx", data=data)
    assert result.unchanged == 2 and result.created == 0
    assert _state()[:2] == before


def test_fifty_thousand_people_import_in_seconds(world: World) -> None:
    rows: list[list[object]] = [
        [
            f"TP-{i:06d}",
            f"Nguyễn Văn Số {i}",
            "Nam" if i % 2 else "Nữ",
            "01/01/1980",
            "",
            "Chuyên viên",
            "01/01/2020",
        ]
        for i in range(50_000)
    ]
    data = workbook(rows, world.tien_phuoc)
    started = time.perf_counter()
    result = staff_import(actor=world.board, unit=world.tien_phuoc, filename="lon.xlsx", data=data)
    elapsed = time.perf_counter() - started
    assert result.created == 50_000
    assert Employment.objects.filter(unit=world.tien_phuoc).count() == 50_000
    print(f"50,000 people imported in {elapsed:.1f} s")
    assert elapsed < 60
