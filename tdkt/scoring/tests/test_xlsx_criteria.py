"""Criteria by Excel: export → import gives the same tree; a bad file is refused with its rows and columns
and nothing changes; only a draft, only by those who manage the cluster-year."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import load_workbook

from tdkt.core.errors import NotPermitted, ValidationFailed
from tdkt.core.models import AuditEvent
from tdkt.core.personas import World
from tdkt.scoring.criteria_edit import criteria_draft_start
from tdkt.scoring.models import CriteriaSet, SetStatus
from tdkt.scoring.selectors import criteria_tree
from tdkt.scoring.services import criteria_set_adopt, criteria_set_create
from tdkt.scoring.xlsx_criteria import criteria_export, criteria_import
from tdkt.scoring.xlsx_criteria_rules import CRITERIA_SHEET, HEADER_ROW

# every method, with Vietnamese decimals and a value over a thousand
EVERY_METHOD: list[dict[str, Any]] = [
    {
        "code": "I",
        "name": "Kinh tế",
        "kind": "group",
        "max_points": "42.5",
        "children": [
            {
                "code": "I.1",
                "name": "Giải ngân",
                "kind": "score",
                "max_points": "10",
                "method": {"type": "ratio", "indicator": "T-GN", "cap": "120", "floor": "50"},
            },
            {
                "code": "I.2",
                "name": "Thu ngân sách",
                "kind": "score",
                "max_points": "10",
                "method": {"type": "achieved", "indicator": "T-THU"},
            },
            {
                "code": "I.3",
                "name": "Nhà ở",
                "kind": "score",
                "max_points": "7.5",
                "method": {
                    "type": "bands",
                    "indicator": "T-NHA",
                    "on": "value",
                    "bands": [["1500", "7.5"], ["500", "5"], ["0", "2.25"]],
                },
            },
            {
                "code": "I.4",
                "name": "Xếp hạng giải ngân",
                "kind": "score",
                "max_points": "10",
                "method": {"type": "rank", "indicator": "T-GN", "last_share": "0.25"},
            },
            {
                "code": "I.5",
                "name": "Công thức",
                "kind": "score",
                "max_points": "5",
                "method": {"type": "formula", "expression": "min(T_GN_percent / 20, 5)"},
            },
        ],
    },
    {
        "code": "II",
        "name": "Thi đua",
        "kind": "group",
        "max_points": "57.5",
        "children": [
            {
                "code": "II.1",
                "name": "Phong trào",
                "kind": "score",
                "max_points": "57.5",
                "method": {"type": "judged"},
            }
        ],
    },
    {
        "code": "TH",
        "name": "Điểm thưởng",
        "kind": "bonus",
        "max_points": "3",
        "method": {"type": "per_count", "value": "T_NHA", "points_each": "0.5"},
    },
]


def _draft(world: World) -> CriteriaSet:
    return criteria_draft_start(
        actor=world.head, cluster_year=world.cluster_year, declared_total=Decimal(100)
    )


def _adopted(world: World) -> CriteriaSet:
    cs = criteria_set_create(
        actor=None,
        cluster_year=world.cluster_year,
        criteria=EVERY_METHOD,
        rules={},
        declared_total=Decimal(100),
    )
    return criteria_set_adopt(actor=None, criteria_set=cs, adopted_on=dt.date(2024, 3, 1))


def _edited(data: bytes, cells: dict[str, object]) -> bytes:
    book = load_workbook(io.BytesIO(data))
    for ref, value in cells.items():
        book[CRITERIA_SHEET][ref] = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_export_then_import_gives_the_same_tree(world: World) -> None:
    source = _adopted(world)
    data = criteria_export(source)
    sheet = load_workbook(io.BytesIO(data))[CRITERIA_SHEET]
    row = [c.value for c in sheet[HEADER_ROW + 2]]  # I.1
    assert row[:7] == [
        "I.1",
        "Giải ngân",
        "I",
        "Tiêu chí chấm điểm",
        10,
        "Tỷ lệ so với chỉ tiêu",
        "Tỷ lệ giải ngân vốn đầu tư công",
    ]
    assert [c.value for c in sheet[HEADER_ROW + 4]][10] == "1500: 7,5; 500: 5; 0: 2,25"  # I.3's bands
    draft = criteria_draft_start(
        actor=world.head, cluster_year=world.cluster_year, amends=source, reason="Thử nhập lại"
    )
    for crit in reversed(list(draft.criteria.order_by("position"))):
        crit.delete()
    criteria_import(actor=world.head, criteria_set=draft, filename="tieu-chi.xlsx", data=data)
    assert criteria_tree(draft) == criteria_tree(source) == EVERY_METHOD
    assert AuditEvent.objects.filter(action="criteria_set.import").count() == 1


def test_an_import_replaces_a_drafts_tree_and_its_declared_total(world: World) -> None:
    data = criteria_export(_adopted(world))
    draft = criteria_draft_start(
        actor=world.head, cluster_year=world.cluster_year, amends=CriteriaSet.objects.get(), reason="x"
    )
    book = load_workbook(io.BytesIO(data))
    book["Thông tin"]["B4"] = 110
    book[CRITERIA_SHEET][f"E{HEADER_ROW + 7}"] = 67.5  # II
    book[CRITERIA_SHEET][f"E{HEADER_ROW + 8}"] = 67.5  # II.1
    out = io.BytesIO()
    book.save(out)
    criteria_import(actor=world.head, criteria_set=draft, filename="a.xlsx", data=out.getvalue())
    draft.refresh_from_db()
    assert draft.declared_total == Decimal(110) and criteria_tree(draft)[1]["max_points"] == "67.5"


def test_a_bad_file_is_refused_with_row_and_column_and_nothing_changes(world: World) -> None:
    data = criteria_export(_adopted(world))
    draft = criteria_draft_start(
        actor=world.head, cluster_year=world.cluster_year, amends=CriteriaSet.objects.get(), reason="x"
    )
    before = criteria_tree(draft)
    bad = _edited(
        data,
        {
            f"E{HEADER_ROW + 2}": "mười",  # I.1 max points
            f"G{HEADER_ROW + 3}": "Chỉ tiêu không có",  # I.2 indicator
            f"K{HEADER_ROW + 4}": "1500 7,5",  # I.3 bands
            f"F{HEADER_ROW + 5}": "Bốc thăm",  # I.4 method
            f"N{HEADER_ROW + 6}": "T_GN_percent +",  # I.5 formula
            f"C{HEADER_ROW + 8}": "KHONG",  # II.1 group
            f"A{HEADER_ROW + 9}": "I.1",  # TH's code used twice
        },
    )
    with pytest.raises(ValidationFailed) as caught:
        criteria_import(actor=world.head, criteria_set=draft, filename="sai.xlsx", data=bad)
    text = "\n".join(caught.value.messages)
    for expected in (
        f"Dòng {HEADER_ROW + 2}, cột E (Điểm tối đa): “mười” không phải số",
        f"Dòng {HEADER_ROW + 3}, cột G (Chỉ tiêu): “Chỉ tiêu không có” không phải chỉ tiêu",
        f"Dòng {HEADER_ROW + 4}, cột K (Các mức (ngưỡng: điểm; …)): mức 1 “1500 7,5” phải ghi “ngưỡng: điểm”",
        f"Dòng {HEADER_ROW + 5}, cột F (Phương pháp chấm): phương pháp chấm “Bốc thăm” không có trong danh sách",
        f"Dòng {HEADER_ROW + 6}, cột N (Công thức): công thức “T_GN_percent +” sai cú pháp",
        f"Dòng {HEADER_ROW + 8}, cột C (Thuộc nhóm (mã nhóm)): nhóm “KHONG” không có trong tệp",
        f"Dòng {HEADER_ROW + 9}, cột A (Mã): mã “I.1” đã có ở dòng {HEADER_ROW + 2}",
    ):
        assert expected in text, text
    assert criteria_tree(draft) == before
    assert not AuditEvent.objects.filter(action="criteria_set.import").exists()


def test_not_a_workbook_and_not_the_template_are_refused(world: World) -> None:
    draft = _draft(world)
    with pytest.raises(ValidationFailed, match=r"chỉ nhận tệp Excel \.xlsx"):
        criteria_import(actor=world.head, criteria_set=draft, filename="a.csv", data=b"a;b")
    plain = io.BytesIO()
    from openpyxl import Workbook

    Workbook().save(plain)
    with pytest.raises(ValidationFailed, match="không có trang “Tiêu chí”"):
        criteria_import(actor=world.head, criteria_set=draft, filename="a.xlsx", data=plain.getvalue())


def test_only_a_draft_and_only_its_managers_import(world: World) -> None:
    adopted = _adopted(world)
    data = criteria_export(adopted)
    with pytest.raises(ValidationFailed, match="chỉ sửa được bộ tiêu chí đang dự thảo"):
        criteria_import(actor=world.head, criteria_set=adopted, filename="a.xlsx", data=data)
    draft = criteria_draft_start(
        actor=world.head, cluster_year=world.cluster_year, amends=adopted, reason="x"
    )
    with pytest.raises(NotPermitted):
        criteria_import(actor=world.member, criteria_set=draft, filename="a.xlsx", data=data)
    assert CriteriaSet.objects.get(pk=adopted.pk).status == SetStatus.ADOPTED
