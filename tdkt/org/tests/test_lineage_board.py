"""Lineage events as the board records them: refusals that change nothing, people carried to the
successor, and the preview of what a merge carries over."""

from __future__ import annotations

import datetime as dt

import pytest

from tdkt.core.errors import NotPermitted, ValidationFailed
from tdkt.core.personas import World
from tdkt.org.models import Employment, LineageEvent, LineageKind, Person, Unit, UnitKind
from tdkt.org.selectors import lineage_preview, unit_history_ids
from tdkt.org.services import unit_apply_lineage, unit_create

REFORM = dt.date(2025, 7, 1)


def _state() -> tuple[list[tuple], int, list[tuple]]:
    return (
        list(Unit.objects.order_by("pk").values_list()),
        LineageEvent.objects.count(),
        list(Employment.objects.order_by("pk").values_list()),
    )


def _new(code: str, **kw: object) -> Unit:
    return unit_create(actor=None, code=code, name=f"Huyện {code}", kind=UnitKind.DISTRICT, **kw)  # type: ignore[arg-type]


def _merge(world: World, predecessors: list[Unit], successor: Unit, day: dt.date = REFORM) -> LineageEvent:
    return unit_apply_lineage(
        actor=world.board,
        kind=LineageKind.MERGE,
        effective_date=day,
        predecessors=predecessors,
        successors=[successor],
        legal_basis="Nghị quyết 1677/NQ-UBTVQH15",
    )


def test_a_merge_into_itself_is_refused_and_changes_nothing(world: World) -> None:
    before = _state()
    with pytest.raises(ValidationFailed) as info:
        _merge(world, [world.phuoc_son, world.tien_phuoc], world.phuoc_son)
    assert any("vào chính nó" in p.message for p in info.value.problems)
    assert _state() == before


def test_a_merge_into_a_closed_unit_is_refused(world: World) -> None:
    closed = _new("T-OLD", valid_from=REFORM, valid_to=dt.date(2025, 12, 31))
    before = _state()
    with pytest.raises(ValidationFailed) as info:
        _merge(world, [world.phuoc_son, world.tien_phuoc], closed)
    assert any("đã đóng" in p.message and p.field == "successors" for p in info.value.problems)
    assert _state() == before


def test_an_event_dated_before_a_predecessor_began_is_refused(world: World) -> None:
    new = _new("T-NEW")
    before = _state()
    with pytest.raises(ValidationFailed) as info:
        _merge(world, [world.phuoc_son, world.tien_phuoc], new, day=dt.date(2019, 6, 1))
    assert any(p.field == "effective_date" and "nằm ngoài" in p.message for p in info.value.problems)
    assert _state() == before


def test_a_predecessor_already_merged_cannot_be_merged_again_earlier(world: World) -> None:
    first = _new("T-NEW")
    _merge(world, [world.phuoc_son, world.tien_phuoc], first)
    second = _new("T-NEW2")
    before = _state()
    with pytest.raises(ValidationFailed, match="đã kết thúc"):
        _merge(world, [world.phuoc_son, world.nam_giang], second, day=dt.date(2025, 3, 1))
    assert _state() == before


def test_a_units_staff_may_not_record_lineage(world: World) -> None:
    new = _new("T-NEW")
    before = _state()
    with pytest.raises(NotPermitted):
        unit_apply_lineage(
            actor=world.member,
            kind=LineageKind.MERGE,
            effective_date=REFORM,
            predecessors=[world.phuoc_son, world.tien_phuoc],
            successors=[new],
        )
    assert _state() == before


def test_a_merge_moves_the_people_to_the_successor_keeping_their_position(world: World) -> None:
    new = _new("T-NEW")
    person = Person.objects.create(full_name="Trần Thị B", gender="nu")
    Employment.objects.create(
        person=person, unit=world.tien_phuoc, start=dt.date(2015, 3, 1), position="Chủ tịch"
    )
    gone = Person.objects.create(full_name="Lê Văn C", gender="nam")
    Employment.objects.create(
        person=gone, unit=world.tien_phuoc, start=dt.date(2015, 3, 1), end=dt.date(2022, 12, 31)
    )
    _merge(world, [world.phuoc_son, world.tien_phuoc], new)
    rows = list(Employment.objects.filter(person=person).order_by("start"))
    assert [(e.unit_id, e.end) for e in rows] == [(world.tien_phuoc.pk, dt.date(2025, 6, 30)), (new.pk, None)]
    assert rows[1].start == REFORM and rows[1].position == "Chủ tịch"
    assert Employment.objects.filter(person=gone).count() == 1


def test_the_preview_counts_what_the_successor_inherits(world: World) -> None:
    new = _new("T-NEW")
    person = Person.objects.create(full_name="Trần Thị B", gender="nu")
    Employment.objects.create(person=person, unit=world.tien_phuoc, start=dt.date(2015, 3, 1))
    before = _state()
    preview = lineage_preview(
        kind_label="Hợp nhất, sáp nhập",
        effective_date=REFORM,
        predecessors=[world.phuoc_son, world.tien_phuoc],
        successors=[new],
    )
    assert _state() == before  # a preview writes nothing
    assert preview.closes_on == dt.date(2025, 6, 30)
    assert preview.people_moving == 1
    assert {(m.cluster_name, m.year) for m in preview.memberships} == {
        ("Cụm thi đua miền núi (thử nghiệm)", 2024)
    }
    counts = {r.label: r.count for r in preview.references}
    assert counts["lần là thành viên cụm, khối"] == 2
    assert counts["báo cáo kết quả"] == 1  # Tiên Phước's year-end draft
    assert counts["lần làm cụm trưởng, cụm phó"] == 1  # Phước Sơn heads the cluster
    assert counts["quá trình công tác của cán bộ"] == 1
    _merge(world, [world.phuoc_son, world.tien_phuoc], new)
    assert {world.phuoc_son.pk, world.tien_phuoc.pk} <= unit_history_ids(new)
