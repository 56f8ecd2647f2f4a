"""Reads: who sees a person, people of a unit in a cycle, subjects built in a fixed number of queries,
collectives with their predecessors' history and their cluster leadership."""

from __future__ import annotations

import datetime as dt

import pytest

from tdkt.awards import subjects as s
from tdkt.awards.selectors import (
    collective_subject,
    members_in_cycles,
    people_of_unit,
    person_visible,
    subjects_for,
    unit_awards,
    unit_people_visible,
)
from tdkt.awards.services import award_record, discipline_record, pending_review_open, task_rating_set
from tdkt.awards.tests.helpers import make_people
from tdkt.clusters.scopes import PUBLIC, viewer_for
from tdkt.core.personas import World
from tdkt.org.models import Gender, UnitKind
from tdkt.org.services import employment_start, person_create, unit_apply_lineage, unit_create


def test_people_are_seen_by_the_board_and_their_units_staff_only(world: World) -> None:
    people = make_people(world)
    assert person_visible(viewer_for(world.board), people.lan)
    assert person_visible(viewer_for(world.member), people.lan)
    assert not person_visible(viewer_for(world.head), people.lan)
    assert not person_visible(viewer_for(world.outsider), people.lan)
    assert not person_visible(PUBLIC, people.lan)
    assert unit_people_visible(viewer_for(world.member), world.tien_phuoc)
    assert not unit_people_visible(viewer_for(world.member), world.phuoc_son)
    assert not unit_people_visible(PUBLIC, world.tien_phuoc)


def test_a_person_who_moved_stays_visible_to_the_unit_they_left(world: World) -> None:
    people = make_people(world)
    employment_start(actor=None, person=people.binh, unit=world.phuoc_son, start=dt.date(2025, 3, 1))
    assert person_visible(viewer_for(world.member), people.binh)
    assert person_visible(viewer_for(world.head), people.binh)
    assert [p.full_name for p in people_of_unit(world.tien_phuoc, 2024)] == [
        "Nguyễn Thị Lan",
        "Trần Văn Bình",
    ]
    assert [p.full_name for p in people_of_unit(world.tien_phuoc, 2025)] == ["Nguyễn Thị Lan"]
    assert "Trần Văn Bình" in [p.full_name for p in people_of_unit(world.phuoc_son, 2025)]


def test_subject_carries_every_record_in_engine_types(world: World) -> None:
    people = make_people(world)
    discipline_record(
        actor=None, person=people.binh, level=2, start=dt.date(2023, 3, 1), end=dt.date(2024, 2, 28)
    )
    pending_review_open(actor=None, person=people.binh, kind="thanh_tra", since=dt.date(2025, 2, 1))
    lan, binh = subjects_for([people.lan.pk, people.binh.pk], cycle=2024)
    assert (lan.kind, lan.name, lan.unit, lan.female) == (
        s.SUBJECT_INDIVIDUAL,
        "Nguyễn Thị Lan",
        "Huyện Tiên Phước",
        True,
    )
    assert [(r.cycle, r.rating) for r in lan.ratings] == [(y, s.Rating.HTXSNV) for y in range(2021, 2025)]
    assert sorted((a.title, a.cycle) for a in lan.awards) == [
        ("CSTDCS", 2023),
        ("CSTDCS", 2024),
        ("LDTT", 2022),
        ("LDTT", 2023),
        ("LDTT", 2024),
    ]
    cstdcs = next(a for a in lan.awards if a.title == "CSTDCS" and a.cycle == 2024)
    assert (cstdcs.decision_no, cstdcs.decision_date, cstdcs.basis) == (
        "12/QĐ-UBND",
        dt.date(2025, 1, 10),
        "htxsnv",
    )
    assert binh.disciplines == (
        s.DisciplineRecord(
            level=s.DisciplineLevel.CANH_CAO, start=dt.date(2023, 3, 1), end=dt.date(2024, 2, 28)
        ),
    )
    assert binh.pending[0].kind == "thanh_tra" and binh.pending[0].until is None


def test_subjects_are_read_in_a_fixed_number_of_queries(world: World, django_assert_max_num_queries) -> None:
    people = make_people(world)
    for i in range(30):
        p = person_create(
            actor=None,
            full_name=f"Người thứ {i}",
            gender=Gender.MALE,
            unit=world.nam_giang,
            start=dt.date(2020, 1, 1),
        )
        task_rating_set(actor=None, person=p, cycle=2024, rating=3)
    ids = [people.lan.pk, *range(people.dung.pk + 1, people.dung.pk + 40)]
    with django_assert_max_num_queries(7):
        one = subjects_for([people.lan.pk], cycle=2024)
    with django_assert_max_num_queries(7):
        many = subjects_for(ids, cycle=2024)
    assert len(one) == 1 and len(many) == 31


@pytest.fixture
def merged(world: World):
    """Two communes of Tiên Phước merged into one on 01/07/2025; their people moved with them."""
    old_a = unit_create(
        actor=None,
        code="T-A",
        name="Xã A",
        kind=UnitKind.COMMUNE,
        parent=world.tien_phuoc,
        valid_from=dt.date(2020, 1, 1),
    )
    old_b = unit_create(
        actor=None,
        code="T-B",
        name="Xã B",
        kind=UnitKind.COMMUNE,
        parent=world.tien_phuoc,
        valid_from=dt.date(2020, 1, 1),
    )
    new = unit_create(
        actor=None,
        code="T-AB",
        name="Xã AB",
        kind=UnitKind.COMMUNE,
        parent=world.province,
        valid_from=dt.date(2025, 7, 1),
    )
    unit_apply_lineage(
        actor=None,
        kind="merge",
        effective_date=dt.date(2025, 7, 1),
        predecessors=[old_a, old_b],
        successors=[new],
    )
    for unit in (old_a, old_b, new):
        unit.refresh_from_db()
    staff = []
    for i, (unit, gender) in enumerate([(old_a, Gender.FEMALE), (old_a, Gender.MALE), (old_b, Gender.MALE)]):
        p = person_create(
            actor=None, full_name=f"Cán bộ {i}", gender=gender, unit=unit, start=dt.date(2020, 1, 1)
        )
        employment_start(actor=None, person=p, unit=new, start=dt.date(2025, 7, 1))
        staff.append(p)
    award_record(
        actor=None,
        unit=old_a,
        title="TTLDXS",
        cycle=2024,
        decision_no="7/QĐ-UBND",
        decision_date=dt.date(2025, 1, 5),
    )
    award_record(
        actor=None,
        unit=old_b,
        title="TTLDTT",
        cycle=2024,
        decision_no="8/QĐ-UBND",
        decision_date=dt.date(2025, 1, 5),
    )
    task_rating_set(actor=None, unit=new, cycle=2025, rating=4)
    for p in staff:
        task_rating_set(actor=None, person=p, cycle=2025, rating=3)
    award_record(
        actor=None,
        person=staff[0],
        title="LDTT",
        cycle=2025,
        decision_no="1/QĐ-UBND",
        decision_date=dt.date(2025, 12, 30),
    )
    discipline_record(
        actor=None, person=staff[2], level=2, start=dt.date(2025, 2, 1), end=dt.date(2026, 1, 31)
    )
    return old_a, old_b, new, staff


def test_members_are_counted_once_on_the_reference_day_across_a_merge(world: World, merged) -> None:
    old_a, old_b, new, staff = merged
    by_cycle = members_in_cycles([old_a, old_b, new], [2024, 2025, 2026])
    assert by_cycle[2024] == by_cycle[2025] == by_cycle[2026] == {p.pk for p in staff}
    assert members_in_cycles([old_a], [2025, 2026]) == {2025: {staff[0].pk, staff[1].pk}, 2026: set()}


def test_a_merged_collective_carries_its_predecessors_titles_and_members(world: World, merged) -> None:
    _old_a, _old_b, new, _staff = merged
    subject = collective_subject(new, cycle=2025)
    assert subject.kind == s.SUBJECT_COMMUNE
    assert {(a.title, a.cycle, a.source) for a in subject.awards} == {
        ("TTLDXS", 2024, "Xã A, trước hợp nhất 01/07/2025"),
        ("TTLDTT", 2024, "Xã B, trước hợp nhất 01/07/2025"),
    }
    assert [(r.cycle, r.rating, r.source) for r in subject.ratings] == [(2025, s.Rating.HTXSNV, "")]
    year = next(m for m in subject.members if m.cycle == 2025)
    assert (
        year.members,
        year.completed,
        year.ldtt,
        year.cstdcs,
        year.disciplined_warning_or_above,
        year.women,
    ) == (3, 3, 1, 0, 1, 1)
    assert sorted(unit.name for _, unit in unit_awards(new)) == ["Xã A", "Xã B"]
