"""The board's unit services: create, edit, close, delete; every refusal leaves the data as it was."""

from __future__ import annotations

import datetime as dt

import pytest

from tdkt.core.errors import NotPermitted, ValidationFailed
from tdkt.core.models import AuditEvent
from tdkt.core.personas import World
from tdkt.org.models import CycleKind, Employment, Person, Unit, UnitKind
from tdkt.org.services import unit_close, unit_create, unit_delete, unit_update

D = dt.date(2020, 1, 1)


def _rows() -> list[tuple]:
    return list(Unit.objects.order_by("pk").values_list())


def _edit(world: World, unit: Unit, **changes: object) -> Unit:
    fields = {
        "code": unit.code,
        "name": unit.name,
        "kind": unit.kind,
        "parent": unit.parent,
        "valid_from": unit.valid_from,
        "note": unit.note,
    }
    fields.update(changes)
    return unit_update(actor=world.board, unit=unit, **fields)  # type: ignore[arg-type]


def test_the_board_creates_a_school_and_it_is_audited(world: World) -> None:
    school = unit_create(
        actor=world.board,
        code="T-THPT-PS",
        name="  Trường THPT   Phước Sơn ",
        kind=UnitKind.AGENCY,
        parent=world.phuoc_son,
        valid_from=dt.date(2021, 9, 1),
        cycle_kind=CycleKind.SCHOOL,
    )
    assert school.name == "Trường THPT Phước Sơn" and school.school_year
    assert AuditEvent.objects.filter(action="unit.create", object_id=str(school.pk)).exists()


def test_a_units_staff_may_not_create_a_unit(world: World) -> None:
    before = _rows()
    with pytest.raises(NotPermitted):
        unit_create(actor=world.member, code="T-X", name="Xã X", kind=UnitKind.COMMUNE)
    assert _rows() == before


@pytest.mark.parametrize("code", ["T-PS", "t-ps"])
def test_a_duplicate_code_is_refused_naming_the_unit_that_has_it(world: World, code: str) -> None:
    before = _rows()
    with pytest.raises(ValidationFailed) as info:
        unit_create(actor=world.board, code=code, name="Xã mới", kind=UnitKind.COMMUNE)
    problem = info.value.problems[0]
    assert problem.field == "code" and "Huyện Phước Sơn" in problem.message
    assert _rows() == before


def test_a_code_of_a_closed_unit_cannot_be_reused_in_a_later_period(world: World) -> None:
    old = unit_create(
        actor=None,
        code="T-X-OLD",
        name="Xã Cũ",
        kind=UnitKind.COMMUNE,
        valid_from=D,
        valid_to=dt.date(2025, 6, 30),
    )
    with pytest.raises(ValidationFailed) as info:
        unit_create(
            actor=world.board,
            code="T-X-OLD",
            name="Xã Mới",
            kind=UnitKind.COMMUNE,
            valid_from=dt.date(2025, 7, 1),
        )
    assert "30/06/2025" in info.value.problems[0].message
    assert Unit.objects.filter(code="T-X-OLD").get() == old


def test_validity_that_ends_before_it_starts_is_refused(world: World) -> None:
    with pytest.raises(ValidationFailed) as info:
        unit_create(
            actor=world.board,
            code="T-X",
            name="Xã X",
            kind=UnitKind.COMMUNE,
            valid_from=dt.date(2025, 7, 1),
            valid_to=dt.date(2025, 6, 30),
        )
    assert info.value.problems[0].field == "valid_to"
    assert not Unit.objects.filter(code="T-X").exists()


def test_an_open_unit_under_a_closed_parent_is_refused(world: World) -> None:
    closed = unit_create(
        actor=None,
        code="T-H-C",
        name="Huyện Cũ",
        kind=UnitKind.DISTRICT,
        valid_from=D,
        valid_to=dt.date(2025, 6, 30),
    )
    with pytest.raises(ValidationFailed, match="đã đóng"):
        unit_create(actor=world.board, code="T-X", name="Xã X", kind=UnitKind.COMMUNE, parent=closed)


def test_a_unit_cannot_become_its_own_ancestor(world: World) -> None:
    commune = unit_create(
        actor=None,
        code="T-X",
        name="Xã Phước Kim",
        kind=UnitKind.COMMUNE,
        parent=world.phuoc_son,
        valid_from=D,
    )
    before = _rows()
    with pytest.raises(ValidationFailed) as info:
        _edit(world, world.province, parent=commune)
    assert info.value.problems[0].field == "parent"
    assert "vòng lặp" in info.value.problems[0].message
    with pytest.raises(ValidationFailed, match="chính nó"):
        _edit(world, commune, parent=commune)
    assert _rows() == before


def test_the_board_renames_a_unit_and_changes_its_cycle_with_a_reason(world: World) -> None:
    unit = _edit(
        world,
        world.nam_giang,
        name="Huyện Nam Giang (mới)",
        cycle_kind=CycleKind.SCHOOL,
        armed_forces=False,
        reason="Trường học",
    )
    assert unit.name == "Huyện Nam Giang (mới)" and unit.school_year
    assert AuditEvent.objects.filter(action="unit.update").count() == 1
    assert AuditEvent.objects.filter(action="unit.emulation").count() == 1


def test_changing_the_cycle_without_a_reason_changes_nothing(world: World) -> None:
    before = _rows()
    with pytest.raises(ValidationFailed) as info:
        _edit(world, world.nam_giang, name="Tên khác", cycle_kind=CycleKind.SCHOOL)
    assert info.value.problems[0].field == "reason"
    assert _rows() == before


def test_closing_sets_the_end_of_validity(world: World) -> None:
    unit = unit_close(
        actor=world.board, unit=world.nam_giang, valid_to=dt.date(2025, 6, 30), reason="Giải thể"
    )
    assert unit.valid_to == dt.date(2025, 6, 30)
    assert AuditEvent.objects.filter(action="unit.close").exists()


def test_closing_a_unit_with_open_sub_units_or_people_is_refused(world: World) -> None:
    unit_create(actor=None, code="T-X", name="Xã Phước Kim", kind=UnitKind.COMMUNE, parent=world.phuoc_son)
    person = Person.objects.create(full_name="Nguyễn Văn A", gender="nam")
    Employment.objects.create(person=person, unit=world.phuoc_son, start=D)
    before = _rows()
    with pytest.raises(ValidationFailed) as info:
        unit_close(actor=world.board, unit=world.phuoc_son, valid_to=dt.date(2025, 6, 30))
    messages = " ".join(p.message for p in info.value.problems)
    assert "Xã Phước Kim" in messages and "1 cán bộ" in messages
    assert _rows() == before


def test_closing_twice_is_refused(world: World) -> None:
    unit_close(actor=world.board, unit=world.nam_giang, valid_to=dt.date(2025, 6, 30))
    with pytest.raises(ValidationFailed, match="đã đóng"):
        unit_close(actor=world.board, unit=world.nam_giang, valid_to=dt.date(2025, 12, 31))
    assert Unit.objects.get(pk=world.nam_giang.pk).valid_to == dt.date(2025, 6, 30)


def test_deleting_a_unit_that_history_refers_to_is_refused_close_it_instead(world: World) -> None:
    before = _rows()
    with pytest.raises(ValidationFailed) as info:
        unit_delete(actor=world.board, unit=world.tien_phuoc)
    message = info.value.problems[0].message
    assert "hãy đóng đơn vị thay vì xóa" in message
    assert "báo cáo kết quả" in message and "thành viên cụm" in message
    assert _rows() == before


def test_a_unit_nothing_refers_to_may_be_deleted(world: World) -> None:
    typo = unit_create(actor=None, code="T-TYPO", name="Xã Gõ Nhầm", kind=UnitKind.COMMUNE)
    unit_delete(actor=world.board, unit=typo)
    assert not Unit.objects.filter(code="T-TYPO").exists()
    assert AuditEvent.objects.filter(action="unit.delete", object_id=str(typo.pk)).exists()


def test_a_units_staff_may_not_delete_or_close(world: World) -> None:
    typo = unit_create(actor=None, code="T-TYPO", name="Xã Gõ Nhầm", kind=UnitKind.COMMUNE)
    with pytest.raises(NotPermitted):
        unit_delete(actor=world.member, unit=typo)
    with pytest.raises(NotPermitted):
        unit_close(actor=world.member, unit=typo, valid_to=dt.date(2025, 1, 1))
    assert Unit.objects.get(pk=typo.pk).valid_to is None
