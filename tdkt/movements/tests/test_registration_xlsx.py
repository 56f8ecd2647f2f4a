"""The emulation registration by Excel: the template made for a unit and a cycle, a good import replacing
the list, a bad file refused with every problem located by row and column and nothing changed."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from tdkt.core.errors import ValidationFailed
from tdkt.core.personas import World
from tdkt.movements.models import RegistrationLine, TitleRegistration
from tdkt.movements.registration import LineInput, registration_get_or_create, registration_lines_add
from tdkt.movements.xlsx_registration import registration_import, registration_template
from tdkt.movements.xlsx_registration_rules import DATA_SHEET, HEADER_ROW
from tdkt.org.models import Person
from tdkt.org.services import person_create

CYCLE = 2025


@pytest.fixture
def staff(world: World) -> dict[str, Person]:
    day = dt.date(2020, 1, 1)
    return {
        "lan": person_create(
            actor=None,
            full_name="Nguyễn Thị Lan",
            gender="nu",
            unit=world.tien_phuoc,
            start=day,
            code="RG-LAN",
        ),
        "hung": person_create(
            actor=None, full_name="Trần Văn Hùng", gender="nam", unit=world.tien_phuoc, start=day
        ),
        "other": person_create(
            actor=None, full_name="Lê Văn Khác", gender="nam", unit=world.dien_ban, start=day, code="RG-KHAC"
        ),
    }


def _registration(world: World) -> TitleRegistration:
    return registration_get_or_create(actor=None, unit=world.tien_phuoc, cycle=CYCLE)


def _filled(world: World, rows: list[tuple[str, str, str]]) -> bytes:
    """The unit's template with its data rows replaced by `rows`."""
    book = load_workbook(io.BytesIO(registration_template(world.tien_phuoc, CYCLE)))
    sheet = book[DATA_SHEET]
    for row in sheet.iter_rows(min_row=HEADER_ROW + 1):
        for cell in row:
            cell.value = None
    for offset, values in enumerate(rows):
        for col, value in enumerate(values, start=1):
            sheet.cell(row=HEADER_ROW + 1 + offset, column=col, value=value or None)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_template_lists_the_units_people_and_the_collective(
    world: World, staff: dict[str, Person]
) -> None:
    book = load_workbook(io.BytesIO(registration_template(world.tien_phuoc, CYCLE)))
    values = [[c.value for c in row] for row in book[DATA_SHEET].iter_rows(min_row=HEADER_ROW)]
    assert values[0] == ["Mã cán bộ", "Họ và tên", "Danh hiệu đăng ký"]
    names = [row[1] for row in values[1:]]
    assert "Tập thể" in names and "Nguyễn Thị Lan" in names and "Trần Văn Hùng" in names
    assert "Lê Văn Khác" not in names


def test_a_good_file_replaces_the_list(world: World, staff: dict[str, Person]) -> None:
    registration = _registration(world)
    registration_lines_add(actor=None, registration=registration, lines=[LineInput("TTLDTT")])
    data = _filled(
        world,
        [
            ("", "Tập thể", "Tập thể lao động xuất sắc"),
            ("RG-LAN", "Nguyễn Thị Lan", "CSTĐCS"),
            ("RG-LAN", "Nguyễn Thị Lan", "lao dong tien tien"),
            ("", "Trần Văn Hùng", "Lao động tiên tiến"),
            ("", "Ai Đó Không Đăng Ký", ""),
        ],
    )
    result = registration_import(actor=world.member, registration=registration, filename="dk.xlsx", data=data)
    assert result.lines == 4
    lines = set(RegistrationLine.objects.values_list("person_id", "title"))
    assert lines == {
        (None, "TTLDXS"),
        (staff["lan"].pk, "CSTDCS"),
        (staff["lan"].pk, "LDTT"),
        (staff["hung"].pk, "LDTT"),
    }


def test_a_bad_file_names_row_and_column_and_changes_nothing(world: World, staff: dict[str, Person]) -> None:
    registration = _registration(world)
    registration_lines_add(actor=None, registration=registration, lines=[LineInput("TTLDTT")])
    data = _filled(
        world,
        [
            ("RG-LAN", "Nguyễn Thị Lan", "Lao động tiên tiến"),  # row 5: good
            ("RG-KHAC", "Lê Văn Khác", "Lao động tiên tiến"),  # row 6: another unit's person
            ("RG-LAN", "Nguyễn Thị Lan", "Huy chương vàng"),  # row 7: no such title
            ("", "Không Có Ai", "Lao động tiên tiến"),  # row 8: nobody of that name
        ],
    )
    with pytest.raises(ValidationFailed) as exc:
        registration_import(actor=world.member, registration=registration, filename="dk.xlsx", data=data)
    found = {(p.row, p.column): p.message for p in exc.value.problems}
    assert "không thuộc danh sách cán bộ của “Huyện Tiên Phước” năm 2025" in found[(6, "A (Mã cán bộ)")]
    assert "danh hiệu “Huy chương vàng” không có trong danh mục" in found[(7, "C (Danh hiệu đăng ký)")]
    assert "không có ai tên “Không Có Ai”" in found[(8, "B (Họ và tên)")]
    assert list(RegistrationLine.objects.values_list("title", flat=True)) == ["TTLDTT"]


def test_a_title_not_for_the_subject_is_refused_on_its_row(world: World, staff: dict[str, Person]) -> None:
    registration = _registration(world)
    data = _filled(
        world, [("", "Tập thể", "Lao động tiên tiến"), ("RG-LAN", "", "LĐTT"), ("RG-LAN", "", "LĐTT")]
    )
    with pytest.raises(ValidationFailed) as exc:
        registration_import(actor=world.member, registration=registration, filename="dk.xlsx", data=data)
    rows = {p.row: p for p in exc.value.problems}
    assert (
        "không phải danh hiệu thi đua tập thể" in rows[5].message
        and rows[5].column == "C (Danh hiệu đăng ký)"
    )
    assert "hai lần (dòng 6)" in rows[7].message
    assert not RegistrationLine.objects.exists()


def test_another_units_or_years_template_is_refused(world: World, staff: dict[str, Person]) -> None:
    other = registration_get_or_create(actor=None, unit=world.tien_phuoc, cycle=CYCLE - 1)
    data = _filled(world, [("RG-LAN", "Nguyễn Thị Lan", "LĐTT")])
    with pytest.raises(ValidationFailed) as exc:
        registration_import(actor=world.member, registration=other, filename="dk.xlsx", data=data)
    assert "không phải năm 2024" in exc.value.problems[0].message
    with pytest.raises(ValidationFailed) as exc:
        registration_import(
            actor=world.member, registration=_registration(world), filename="dk.csv", data=data
        )
    assert "chỉ nhận tệp Excel .xlsx" in exc.value.problems[0].message
    assert not RegistrationLine.objects.exists()
