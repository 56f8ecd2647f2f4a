"""A lower unit's proposal list from Excel: all rows or none, every problem with its row and column."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest

from tdkt.core.errors import ValidationFailed
from tdkt.core.personas import World
from tdkt.dossiers.models import Dossier, DossierLine
from tdkt.dossiers.services import dossier_create
from tdkt.dossiers.xlsx_lines import lines_import, lines_template
from tdkt.org.models import Gender
from tdkt.org.services import person_create

pytestmark = pytest.mark.django_db


def _dossier(world: World) -> Dossier:
    return dossier_create(
        actor=world.member,
        track="TINH_KHEN",
        cycle=2025,
        proposer=world.tien_phuoc,
        subject="Đề nghị Bằng khen",
    )


def _filled(dossier: Dossier, rows: list[list[object]]) -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(lines_template(dossier)))
    sheet = book["Danh sách đề nghị"]
    for i, row in enumerate(rows, start=5):
        for j, value in enumerate(row, start=1):
            sheet.cell(row=i, column=j, value=value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _people(world: World) -> None:
    for name, code in (
        ("Trương Thị Ngân", "TP-01"),
        ("Võ Văn Hùng", ""),
        ("Lê Thị Hoa", ""),
        ("Lê Thị Hoa", ""),
    ):
        person_create(
            actor=None,
            full_name=name,
            gender=Gender.FEMALE,
            unit=world.tien_phuoc,
            start=dt.date(2020, 1, 1),
            code=code,
        )


def test_a_good_list_becomes_the_dossiers_lines(world: World) -> None:
    _people(world)
    dossier = _dossier(world)
    data = _filled(
        dossier,
        [
            [1, "TP-01", "", "", "Bằng khen tỉnh", "Dẫn đầu phong trào"],
            [2, "", "vo van hung", "", "BK_TINH", ""],
            [3, "", "", world.tien_phuoc.code, "Tap the lao dong xuat sac", ""],
        ],
    )
    lines = lines_import(actor=world.member, dossier=dossier, data=data)
    assert [(line.person.full_name if line.person else line.unit.name, line.title) for line in lines] == [  # type: ignore[union-attr]
        ("Trương Thị Ngân", "BK_TINH"),
        ("Võ Văn Hùng", "BK_TINH"),
        ("Huyện Tiên Phước", "TTLDXS"),
    ]
    assert lines[0].note == "Dẫn đầu phong trào"


def test_every_bad_row_is_named_and_nothing_is_written(world: World) -> None:
    _people(world)
    dossier = _dossier(world)
    data = _filled(
        dossier,
        [
            [1, "TP-99", "", "", "BK_TINH", ""],
            [2, "", "Lê Thị Hoa", "", "BK_TINH", ""],
            [3, "", "Võ Văn Hùng", "", "Huân chương Mặt Trăng", ""],
            [4, "", "", "", "BK_TINH", ""],
        ],
    )
    with pytest.raises(ValidationFailed) as info:
        lines_import(actor=world.member, dossier=dossier, data=data)
    found = [(p.row, p.column.split(" ")[0] if p.column else None) for p in info.value.problems]
    assert found == [(5, "B"), (6, "C"), (7, "E"), (8, "C")]
    assert "có 2 người trùng tên" in info.value.problems[1].message
    assert not DossierLine.objects.exists()


def test_a_refusal_by_the_service_names_the_row_and_rolls_back(world: World) -> None:
    _people(world)
    dossier = _dossier(world)
    data = _filled(dossier, [[1, "TP-01", "", "", "BK_TINH", ""], [2, "TP-01", "", "", "BK_TINH", ""]])
    with pytest.raises(ValidationFailed) as info:
        lines_import(actor=world.member, dossier=dossier, data=data)
    assert info.value.problems[0].row == 6 and "trong hồ sơ này" in info.value.problems[0].message
    assert not DossierLine.objects.exists()


def test_another_workbook_is_refused(world: World) -> None:
    book = openpyxl.Workbook()
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(ValidationFailed):
        lines_import(actor=world.member, dossier=_dossier(world), data=out.getvalue())
