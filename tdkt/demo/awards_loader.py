"""Loads the demo's people, ratings, titles, initiatives, discipline and pending reviews
(`tdkt.demo.awards_data`) through the services, so that they are validated and audited like any input; and
the demo's school, which counts school years, with its teachers."""

from __future__ import annotations

from tdkt.awards.models import Initiative
from tdkt.awards.services import (
    award_record,
    discipline_record,
    initiative_record,
    pending_review_open,
    task_rating_set,
)
from tdkt.demo import awards_data as data
from tdkt.org.models import CycleKind, Person, Unit
from tdkt.org.services import employment_start, person_create, unit_create


def load(units: dict[str, Unit]) -> None:
    units = {**units, **_schools(units)}
    for row in [*data.PEOPLE, *data.STAFF, *data.TEACHERS, *data.OFFICERS]:
        _person(row, units)
    for collective in data.COLLECTIVES:
        unit = units[collective.unit]
        for cycle, rating in sorted(collective.ratings.items()):
            task_rating_set(
                actor=None,
                unit=unit,
                cycle=cycle,
                rating=data.RATING_CODES[rating],
                source=data.ILLUSTRATIVE_SOURCE,
            )
        for award in collective.awards:
            _award(award, unit=unit)


def _schools(units: dict[str, Unit]) -> dict[str, Unit]:
    return {
        row.code: unit_create(
            actor=None,
            code=row.code,
            name=row.name,
            kind=row.kind,
            parent=units[row.parent],
            note=row.note,
            cycle_kind=CycleKind(row.cycle_kind),
            armed_forces=row.armed_forces,
        )
        for row in data.SCHOOLS
    }


def _person(row: data.PersonRow, units: dict[str, Unit]) -> Person:
    person = person_create(
        actor=None,
        full_name=row.name,
        gender=row.gender,
        unit=units[row.unit],
        start=row.start,
        position=row.position,
        code=row.code,
        date_of_birth=row.born,
        recruited_on=row.recruited,
        note=row.story,
    )
    for unit_code, start, position in row.moves:
        employment_start(actor=None, person=person, unit=units[unit_code], start=start, position=position)
    for cycle, rating in sorted(row.ratings.items()):
        task_rating_set(
            actor=None,
            person=person,
            cycle=cycle,
            rating=data.RATING_CODES[rating],
            source=data.ILLUSTRATIVE_SOURCE,
        )
    initiatives: dict[str, Initiative] = {}
    for i in row.initiatives:
        initiatives[i.key] = initiative_record(
            actor=None,
            person=person,
            name=i.name,
            scope=i.scope,
            recognised_on=i.recognised_on,
            recognised_by=i.recognised_by,
            source=data.ILLUSTRATIVE_SOURCE,
        )
    for award in sorted(row.awards, key=lambda a: (a.cycle, a.decision_date)):
        _award(award, person=person, initiatives=[initiatives[key] for key in award.initiatives])
    for d in row.disciplines:
        discipline_record(
            actor=None,
            person=person,
            level=d.level,
            start=d.start,
            end=d.end,
            decision_no=d.decision_no,
            source=data.ILLUSTRATIVE_SOURCE,
        )
    for p in row.pending:
        pending_review_open(
            actor=None,
            person=person,
            kind=p.kind,
            since=p.since,
            note=p.note,
            source=data.ILLUSTRATIVE_SOURCE,
        )
    return person


def _award(
    award: data.AwardRow,
    *,
    person: Person | None = None,
    unit: Unit | None = None,
    initiatives: list[Initiative] | None = None,
) -> None:
    award_record(
        actor=None,
        person=person,
        unit=unit,
        title=award.title,
        cycle=award.cycle,
        decision_no=award.decision_no,
        decision_date=award.decision_date,
        authority=award.authority,
        kind=award.kind,
        basis=award.basis,
        initiatives=initiatives or [],
        source=data.ILLUSTRATIVE_SOURCE,
    )
