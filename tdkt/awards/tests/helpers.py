"""People and records for the awards tests, on top of the personas' world (tdkt.core.personas).

- Tiên Phước (the member's unit): Nguyễn Thị Lan (a woman, code TP-001) and Trần Văn Bình (TP-002);
- Phước Sơn (the head's unit): Lê Văn Cường (PS-001);
- Điện Bàn (the outsider's unit): Phạm Thị Dung (DB-001).
Each has ratings 2021–2024; Lan holds LĐTT 2022–2024 and CSTĐCS 2023–2024.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tdkt.awards.models import Award
from tdkt.awards.services import award_record, task_rating_set
from tdkt.core.personas import World
from tdkt.org.models import Gender, Person
from tdkt.org.services import person_create


@dataclass
class People:
    lan: Person
    binh: Person
    cuong: Person
    dung: Person
    lan_cstdcs_2024: Award


def make_people(world: World) -> People:
    start = dt.date(2020, 1, 1)

    def person(name: str, code: str, gender: str, unit) -> Person:
        return person_create(
            actor=None,
            full_name=name,
            gender=gender,
            unit=unit,
            start=start,
            code=code,
            recruited_on=dt.date(2015, 8, 1),
            position="Chuyên viên",
        )

    lan = person("Nguyễn Thị Lan", "TP-001", Gender.FEMALE, world.tien_phuoc)
    binh = person("Trần Văn Bình", "TP-002", Gender.MALE, world.tien_phuoc)
    cuong = person("Lê Văn Cường", "PS-001", Gender.MALE, world.phuoc_son)
    dung = person("Phạm Thị Dung", "DB-001", Gender.FEMALE, world.dien_ban)
    for p, rating in ((lan, 4), (binh, 3), (cuong, 3), (dung, 3)):
        for year in range(2021, 2025):
            task_rating_set(actor=None, person=p, cycle=year, rating=rating)
    for year in (2022, 2023, 2024):
        award_record(
            actor=None,
            person=lan,
            title="LDTT",
            cycle=year,
            decision_no=f"{year - 2000}/QĐ-UBND",
            decision_date=dt.date(year, 12, 20),
            authority="UBND huyện Tiên Phước",
        )
    award_record(
        actor=None,
        person=lan,
        title="CSTDCS",
        cycle=2023,
        decision_no="45/QĐ-UBND",
        decision_date=dt.date(2024, 1, 15),
        authority="UBND huyện Tiên Phước",
        basis="htxsnv",
    )
    last = award_record(
        actor=None,
        person=lan,
        title="CSTDCS",
        cycle=2024,
        decision_no="12/QĐ-UBND",
        decision_date=dt.date(2025, 1, 10),
        authority="UBND huyện Tiên Phước",
        basis="htxsnv",
    )
    return People(lan=lan, binh=binh, cuong=cuong, dung=dung, lan_cstdcs_2024=last)


def records_state() -> tuple[tuple[object, ...], ...]:
    """Every row a record form, an endpoint or a service could write — ratings, awards, initiatives,
    discipline, pending reviews, units' way of counting cycles — and the audit trail, to assert that a
    refused input changed nothing."""
    from tdkt.awards.models import Discipline, Initiative, PendingReview, TaskRating
    from tdkt.core.models import AuditEvent
    from tdkt.org.models import Unit

    return (
        tuple(TaskRating.objects.order_by("pk").values_list()),
        tuple(Award.objects.order_by("pk").values_list()),
        tuple(Initiative.objects.order_by("pk").values_list()),
        tuple(Discipline.objects.order_by("pk").values_list()),
        tuple(PendingReview.objects.order_by("pk").values_list()),
        tuple(Unit.objects.order_by("pk").values_list("pk", "cycle_kind", "armed_forces")),
        tuple(AuditEvent.objects.order_by("pk").values_list("pk", "action", "object_id")),
    )
