"""Transfers and changes of post: the open employment ends the day before, a new one starts; a refusal
writes nothing; the sending unit's staff or the board decide."""

from __future__ import annotations

import datetime as dt

import pytest

from tdkt.core.errors import NotPermitted, ValidationFailed
from tdkt.core.models import AuditEvent
from tdkt.core.personas import World
from tdkt.org.models import Employment, Gender, Person
from tdkt.org.services import (
    employment_position_change,
    employment_transfer,
    person_create,
    unit_close,
)

START = dt.date(2021, 3, 1)
ON = dt.date(2024, 7, 1)


@pytest.fixture
def person(world: World) -> Person:
    return person_create(
        actor=None,
        full_name="Hồ Thị Lan",
        gender=Gender.FEMALE,
        unit=world.tien_phuoc,
        start=START,
        position="Chuyên viên",
        code="T-CB-01",
    )


def _state() -> tuple[list[tuple], int]:
    return list(Employment.objects.order_by("pk").values_list()), AuditEvent.objects.count()


def test_transfer_ends_the_old_row_the_day_before_and_starts_one_in_the_new_unit(
    world: World, person: Person
) -> None:
    new = employment_transfer(
        actor=world.member,
        person=person,
        to_unit=world.phuoc_son,
        on=ON,
        position="Phó Trưởng phòng",
        reason="Quyết định 12/QĐ-UBND",
    )
    rows = list(person.employments.order_by("start"))
    assert [(r.unit, r.start, r.end, r.position) for r in rows] == [
        (world.tien_phuoc, START, dt.date(2024, 6, 30), "Chuyên viên"),
        (world.phuoc_son, ON, None, "Phó Trưởng phòng"),
    ]
    assert new == rows[1]
    event = AuditEvent.objects.get(action="employment.transfer", object_id=str(new.pk))
    assert event.after is not None and event.after["reason"] == "Quyết định 12/QĐ-UBND"
    assert AuditEvent.objects.filter(action="employment.end", object_id=str(rows[0].pk)).exists()


def test_the_board_transfers_anyone(world: World, person: Person) -> None:
    employment_transfer(
        actor=world.board, person=person, to_unit=world.dien_ban, on=ON, reason="Điều động theo yêu cầu"
    )
    assert person.employments.get(end__isnull=True).unit == world.dien_ban


@pytest.mark.parametrize("persona", ["head", "outsider"])
def test_only_the_sending_unit_or_the_board_may_transfer(world: World, person: Person, persona: str) -> None:
    # the receiving unit's staff (head: Phước Sơn) may not pull a person in, nor a third unit
    before = _state()
    with pytest.raises(NotPermitted):
        employment_transfer(
            actor=getattr(world, persona), person=person, to_unit=world.phuoc_son, on=ON, reason="x"
        )
    assert _state() == before


def test_transfer_to_a_unit_not_valid_that_day_is_refused_with_nothing_written(
    world: World, person: Person
) -> None:
    unit_close(actor=None, unit=world.nam_giang, valid_to=dt.date(2024, 6, 30))
    before = _state()
    with pytest.raises(ValidationFailed) as exc:
        employment_transfer(actor=world.member, person=person, to_unit=world.nam_giang, on=ON, reason="QĐ 1")
    assert exc.value.problems[0].field == "to_unit"
    assert "không có hiệu lực vào ngày 01/07/2024" in exc.value.problems[0].message
    assert _state() == before


@pytest.mark.parametrize(
    ("to", "on", "reason", "field"),
    [
        ("tien_phuoc", ON, "QĐ 1", "to_unit"),  # the same unit: a change of post instead
        ("phuoc_son", START, "QĐ 1", "on"),  # not after the current start: history is never edited
        ("phuoc_son", dt.date(2020, 1, 1), "QĐ 1", "on"),
        ("phuoc_son", ON, "   ", "reason"),
    ],
)
def test_bad_transfers_are_refused_and_change_nothing(
    world: World, person: Person, to: str, on: dt.date, reason: str, field: str
) -> None:
    before = _state()
    with pytest.raises(ValidationFailed) as exc:
        employment_transfer(
            actor=world.member, person=person, to_unit=getattr(world, to), on=on, reason=reason
        )
    assert field in {p.field for p in exc.value.problems}
    assert _state() == before


def test_a_person_already_gone_cannot_be_transferred_again(world: World, person: Person) -> None:
    employment_transfer(actor=world.board, person=person, to_unit=world.phuoc_son, on=ON, reason="QĐ 1")
    # Tiên Phước's staff still see the person, but no longer send them anywhere
    with pytest.raises(NotPermitted):
        employment_transfer(
            actor=world.member, person=person, to_unit=world.dien_ban, on=dt.date(2025, 1, 1), reason="QĐ 2"
        )


def test_change_of_post_keeps_the_unit_and_the_history(world: World, person: Person) -> None:
    new = employment_position_change(
        actor=world.member, person=person, on=ON, position="Trưởng phòng", reason="Quyết định bổ nhiệm 5"
    )
    rows = list(person.employments.order_by("start"))
    assert [(r.unit, r.start, r.end, r.position) for r in rows] == [
        (world.tien_phuoc, START, dt.date(2024, 6, 30), "Chuyên viên"),
        (world.tien_phuoc, ON, None, "Trưởng phòng"),
    ]
    event = AuditEvent.objects.get(action="employment.position_change", object_id=str(new.pk))
    assert "Chuyên viên → Trưởng phòng" in event.summary


@pytest.mark.parametrize(
    ("on", "position", "reason", "field"),
    [
        (ON, "Chuyên viên", "QĐ", "position"),  # unchanged
        (ON, "  ", "QĐ", "position"),
        (START, "Trưởng phòng", "QĐ", "on"),
        (ON, "Trưởng phòng", "", "reason"),
    ],
)
def test_bad_changes_of_post_are_refused_and_change_nothing(
    world: World, person: Person, on: dt.date, position: str, reason: str, field: str
) -> None:
    before = _state()
    with pytest.raises(ValidationFailed) as exc:
        employment_position_change(actor=world.member, person=person, on=on, position=position, reason=reason)
    assert field in {p.field for p in exc.value.problems}
    assert _state() == before


def test_another_units_staff_may_not_change_a_post(world: World, person: Person) -> None:
    before = _state()
    with pytest.raises(NotPermitted):
        employment_position_change(
            actor=world.outsider, person=person, on=ON, position="Trưởng phòng", reason="x"
        )
    assert _state() == before
