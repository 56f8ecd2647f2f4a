"""How a unit counts its emulation cycles (school or calendar years) and whether it belongs to the armed
forces: set by the board with a reason, validated and audited; nobody else may change it."""

from __future__ import annotations

import pytest

from tdkt.awards.subjects import CYCLE_CALENDAR, CYCLE_SCHOOL
from tdkt.core.errors import NotPermitted, ValidationFailed
from tdkt.core.models import AuditEvent
from tdkt.core.personas import World
from tdkt.org.models import CycleKind, Unit
from tdkt.org.services import unit_emulation_set


def test_the_unit_values_are_the_engines_cycle_kinds() -> None:
    assert (CycleKind.CALENDAR.value, CycleKind.SCHOOL.value) == (CYCLE_CALENDAR, CYCLE_SCHOOL)


def test_units_count_calendar_years_as_civilians_by_default(world: World) -> None:
    assert {(u.cycle_kind, u.armed_forces) for u in Unit.objects.all()} == {("calendar", False)}


def test_the_board_sets_a_units_way_of_counting_with_a_reason(world: World) -> None:
    unit_emulation_set(
        actor=world.board,
        unit=world.nam_giang,
        cycle_kind=CycleKind.SCHOOL,
        armed_forces=False,
        reason="Thử nghiệm: đơn vị sự nghiệp giáo dục",
    )
    unit = Unit.objects.get(pk=world.nam_giang.pk)
    assert unit.school_year and not unit.armed_forces
    event = AuditEvent.objects.get(action="unit.emulation")
    assert event.before == {"cycle_kind": "calendar", "armed_forces": False}
    assert event.after == {
        "cycle_kind": "school",
        "armed_forces": False,
        "reason": "Thử nghiệm: đơn vị sự nghiệp giáo dục",
    }
    assert event.actor == world.board


@pytest.mark.parametrize("persona", ["head", "member", "outsider"])
def test_only_the_board_changes_it(world: World, persona: str) -> None:
    with pytest.raises(NotPermitted):
        unit_emulation_set(
            actor=getattr(world, persona),
            unit=world.tien_phuoc,
            cycle_kind=CycleKind.CALENDAR,
            armed_forces=True,
            reason="Công an",
        )
    assert not Unit.objects.get(pk=world.tien_phuoc.pk).armed_forces
    assert not AuditEvent.objects.filter(action="unit.emulation").exists()


@pytest.mark.parametrize(
    ("cycle_kind", "armed_forces", "reason", "field", "message"),
    [
        ("hoc_ky", False, "Lý do", "cycle_kind", "kỳ xét thi đua “hoc_ky” không hợp lệ"),
        ("school", False, "  ", "reason", "phải ghi lý do"),
        ("calendar", False, "Không đổi", "cycle_kind", "không có gì thay đổi"),
    ],
)
def test_a_refused_change_names_the_field_and_writes_nothing(
    world: World, cycle_kind: str, armed_forces: bool, reason: str, field: str, message: str
) -> None:
    with pytest.raises(ValidationFailed) as exc:
        unit_emulation_set(
            actor=world.board,
            unit=world.tien_phuoc,
            cycle_kind=cycle_kind,
            armed_forces=armed_forces,
            reason=reason,
        )
    assert exc.value.problems[0].field == field and message in exc.value.messages[0]
    assert Unit.objects.get(pk=world.tien_phuoc.pk).cycle_kind == "calendar"
    assert not AuditEvent.objects.filter(action="unit.emulation").exists()
