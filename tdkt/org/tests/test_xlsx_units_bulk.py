"""The unit list written in bulk: one INSERT per level of the tree, `unit_create`'s checks on every row,
one audit row per unit as `unit_create` writes it, a refusal on its row undoing the whole file."""

from __future__ import annotations

import datetime as dt

import pytest

from tdkt.core.audit import snapshot
from tdkt.core.errors import ValidationFailed
from tdkt.core.models import AuditEvent
from tdkt.core.personas import World
from tdkt.org.models import Unit
from tdkt.org.services import unit_close
from tdkt.org.tests.test_xlsx_units import workbook
from tdkt.org.xlsx_units import units_import

TREE = [  # the grandchild first, its parent last: written parents first all the same
    ["B-TR-1", "Trường Tiểu học Tam Kỳ", "Cơ quan, đơn vị khác", "B-X-1", "", "", "Có"],
    ["B-X-1", "Xã Tam Kỳ", "Xã", "B-H-1", "", "", ""],
    ["B-CA", "Công an huyện Núi Thành", "Cơ quan, đơn vị khác", "B-H-1", "", "Có", ""],
    ["B-H-1", "Huyện Núi Thành", "Huyện", "T-QNA", "", "", ""],
]


def test_a_tree_in_any_order_is_written_with_its_parents_and_one_audit_row_per_unit(world: World) -> None:
    result = units_import(actor=world.board, filename="don-vi.xlsx", data=workbook(TREE))
    assert sorted(result.created) == sorted(r[1] for r in TREE)
    school = Unit.objects.select_related("parent__parent__parent").get(code="B-TR-1")
    assert [school.parent.code, school.parent.parent.code, school.parent.parent.parent.code] == [  # type: ignore[union-attr]
        "B-X-1",
        "B-H-1",
        "T-QNA",
    ]
    assert school.school_year and Unit.objects.get(code="B-CA").armed_forces
    for code in ("B-TR-1", "B-X-1", "B-CA", "B-H-1"):
        unit = Unit.objects.get(code=code)
        event = AuditEvent.objects.get(action="unit.create", object_id=str(unit.pk))
        assert event.after == snapshot(unit) and event.actor == world.board
    assert AuditEvent.objects.filter(action="unit.import").count() == 1


def test_a_row_the_service_refuses_is_reported_on_its_row_and_nothing_is_written(world: World) -> None:
    unit_close(actor=None, unit=world.dien_ban, valid_to=dt.date(2025, 6, 30), reason="sáp nhập")
    before = (Unit.objects.count(), AuditEvent.objects.count())
    rows = [*TREE, ["B-P-1", "Phường Điện Dương", "Phường", "T-DB", "", "", ""]]
    with pytest.raises(ValidationFailed) as refused:
        units_import(actor=world.board, filename="don-vi.xlsx", data=workbook(rows))
    [problem] = refused.value.problems
    assert (problem.row, problem.column) == (9, "D (Mã đơn vị cấp trên)")
    assert f"cấp trên “{world.dien_ban.name}” đã đóng" in problem.message
    assert (Unit.objects.count(), AuditEvent.objects.count()) == before


def test_a_child_of_a_refused_row_is_named_too(world: World) -> None:
    unit_close(actor=None, unit=world.dien_ban, valid_to=dt.date(2025, 6, 30), reason="sáp nhập")
    rows = [
        ["B-P-1", "Phường Điện Dương", "Phường", "T-DB", "", "", ""],
        ["B-TR-2", "Trường Mầm non Điện Dương", "Cơ quan, đơn vị khác", "B-P-1", "", "", "Có"],
    ]
    with pytest.raises(ValidationFailed) as refused:
        units_import(actor=world.board, filename="don-vi.xlsx", data=workbook(rows))
    assert [(p.row, p.column) for p in refused.value.problems] == [
        (5, "D (Mã đơn vị cấp trên)"),
        (6, "D (Mã đơn vị cấp trên)"),
    ]
    assert "có lỗi nên chưa tạo được" in refused.value.problems[1].message
    assert not Unit.objects.filter(code__startswith="B-").exists()


def test_the_codes_read_once_refuse_what_the_per_row_query_refuses(world: World) -> None:
    from tdkt.org.services import unit_problems

    codes = {u.code.casefold(): u for u in Unit.objects.all()}
    for code in ("t-tp", "T-TP", "B-MOI"):
        unit = Unit(code=code, name="Xã thử", kind="xa", parent=world.province)
        assert unit_problems(unit, parent_changed=True, codes=codes) == unit_problems(
            unit, parent_changed=True
        )
    assert unit_problems(world.tien_phuoc, parent_changed=False, codes=codes) == []  # itself is no duplicate
