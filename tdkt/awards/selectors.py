"""Reads for titles and commendations: who may see a person, a person's history, the people of a unit in a
cycle, and the engine's input (`tdkt.awards.subjects.Subject`) built from the database.

People are personal data. The board sees everyone; a unit's staff see the people who work or worked in
their unit or in a unit it succeeded (its history, through lineage); nobody else sees any person
(`person_visible`). A collective's titles and forms received are public records (decisions are published);
its eligibility verdicts and its people are for the board and its own staff (`unit_people_visible`).

Membership of a collective in a cycle: the people employed in the unit, or in a predecessor of it, on the
cycle's reference day — 31 December, or the unit's last day if it ended during the cycle — counted once
each (`members_in_cycles`). A person who moves in March therefore counts where they are at the year's end.

`subjects_for` reads any number of people in seven queries per chunk of `CHUNK` people; `collective_subject`
reads one unit with its predecessors, members and cluster leadership in a fixed number of queries per
lineage generation.

How cycles are counted is the unit's (`Unit.cycle_kind`: school years for schools; `Unit.armed_forces`: CSTT
for LĐTT): a person is read as the unit they work in on 31/12 of the cycle counts, a collective as itself.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Max, Q, QuerySet

from tdkt.awards import catalogue, engine, rulepacks
from tdkt.awards import subjects as s
from tdkt.awards.catalogue_selectors import title_name
from tdkt.awards.models import (
    Award,
    AwardBasis,
    AwardKind,
    Discipline,
    EvaluationJob,
    Initiative,
    ParameterOverride,
    PendingReview,
    TaskRating,
)
from tdkt.awards.verdicts import ELIGIBLE, Verdict
from tdkt.clusters.models import ClusterMember, ClusterYear
from tdkt.clusters.scopes import Viewer
from tdkt.core.models import AuditEvent
from tdkt.core.vn import fold
from tdkt.org.models import CycleKind, Employment, LineageLink, Person, Unit, UnitKind
from tdkt.org.selectors import unit_history_ids
from tdkt.scoring.models import ScoringRun
from tdkt.voting.models import Ballot, BallotPurpose, BallotStatus

CHUNK = 5000  # people per IN (...) list: well under SQLite's limit on bound parameters
HISTORY_YEARS = 10  # how far back a collective's members are counted
LDTT_TITLES = frozenset({"LDTT", "CSTT"})
CSTDCS_TITLE = "CSTDCS"
COMMUNE_KINDS = frozenset({UnitKind.COMMUNE, UnitKind.WARD, UnitKind.TOWNSHIP, UnitKind.SPECIAL_ZONE})


def person_subject_id(person_id: int) -> str:
    return f"person-{person_id}"


def unit_subject_id(unit_id: int) -> str:
    return f"unit-{unit_id}"


def reference_day(cycle: int, unit_valid_to: dt.date | None = None) -> dt.date:
    """The day membership is read on: 31 December, or the unit's last day if it ended during the cycle."""
    end = dt.date(cycle, 12, 31)
    return unit_valid_to if unit_valid_to is not None and unit_valid_to < end else end


# --- who may see what --------------------------------------------------------------------------------------


def viewer_unit_history(viewer: Viewer) -> set[int]:
    """The viewer's unit and every unit it succeeded: the units whose people its staff look after."""
    if viewer.unit_id is None:
        return set()
    unit = Unit.objects.filter(pk=viewer.unit_id).first()
    return unit_history_ids(unit) if unit is not None else set()


def person_visible(viewer: Viewer, person: Person) -> bool:
    """The board, or the staff of a unit the person works or worked in (or of its successor)."""
    if viewer.is_board:
        return True
    units = viewer_unit_history(viewer)
    return bool(units) and Employment.objects.filter(person=person, unit_id__in=units).exists()


def unit_people_visible(viewer: Viewer, unit: Unit) -> bool:
    """Who sees a unit's people, candidates and the collective's verdicts: the board and the unit's staff
    (the staff of its successor too, who carry its history)."""
    return viewer.is_board or unit.pk in viewer_unit_history(viewer)


def visible_people(viewer: Viewer) -> QuerySet[Person]:
    if viewer.is_board:
        return Person.objects.all()
    units = viewer_unit_history(viewer)
    # a semi-join, not a join made DISTINCT again: the database may then start from either side
    return Person.objects.filter(pk__in=Employment.objects.filter(unit_id__in=units).values("person_id"))


PEOPLE_SEARCH_LIMIT = 30
PEOPLE_QUERY_MAX = 100  # characters of a search, on the page and in the API


@dataclass(frozen=True)
class PersonHit:
    person: Person
    employment: Employment | None  # the latest: where the person works now, or last worked


def people_search(viewer: Viewer, query: str, *, limit: int = PEOPLE_SEARCH_LIMIT) -> list[PersonHit]:
    """The people the viewer may see whose name or code holds every word of the query, typed with or
    without diacritics (`truong ngan` finds Trương Thị Ngân), by name; each with their latest post."""
    words = fold(query).split()
    if not words:
        return []
    found = visible_people(viewer)
    for word in words:
        found = found.filter(search_key__contains=word)
    people = list(found.order_by("full_name", "pk")[:limit])
    latest: dict[int, Employment] = {}
    for employment in (
        Employment.objects.filter(person__in=people)
        .select_related("unit")
        .order_by("person_id", "start", "pk")
    ):
        latest[employment.person_id] = employment
    return [PersonHit(p, latest.get(p.pk)) for p in people]


# --- a person's history ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonHistory:
    person: Person
    employments: list[Employment]
    ratings: list[TaskRating]
    awards: list[Award]  # revoked ones included, marked by `revoked_on`
    initiatives: list[Initiative]
    disciplines: list[Discipline]
    pending: list[PendingReview]

    @property
    def current(self) -> Employment | None:
        return next((e for e in reversed(self.employments) if e.end is None), None) or (
            self.employments[-1] if self.employments else None
        )


def person_history(person: Person) -> PersonHistory:
    """Everything recorded about a person, oldest first, for the person's page."""
    return PersonHistory(
        person=person,
        employments=list(
            Employment.objects.filter(person=person).select_related("unit").order_by("start", "id")
        ),
        ratings=list(TaskRating.objects.filter(person=person).order_by("cycle")),
        awards=list(
            Award.objects.filter(person=person)
            .prefetch_related("initiatives")
            .order_by("cycle", "decision_date", "id")
        ),
        initiatives=list(
            Initiative.objects.filter(person=person).select_related("used_by").order_by("cycle", "id")
        ),
        disciplines=list(Discipline.objects.filter(person=person).order_by("start", "id")),
        pending=list(PendingReview.objects.filter(person=person).order_by("since", "id")),
    )


@dataclass(frozen=True)
class AwardChange:
    """A correction or a revocation of a recorded award, read back from the audit trail: when, by whom, why,
    and each value before and after."""

    at: dt.datetime
    by: str
    action: str  # "correct" | "revoke"
    reason: str
    changes: list[tuple[str, str, str]]  # (what, before, after), in Vietnamese

    @property
    def label(self) -> str:
        return "Đính chính" if self.action == "correct" else "Hủy bỏ"


def _change_value(name: str, value: Any) -> str:
    if value is None or value == "":
        return "—"
    if name == "title":
        return title_name(str(value))
    if name in ("decision_date", "revoked_on"):
        try:
            return f"{dt.date.fromisoformat(str(value)):%d/%m/%Y}"
        except ValueError:
            return str(value)
    if name == "kind":
        return str(AwardKind(value).label) if value in AwardKind.values else str(value)
    if name == "basis":
        return str(AwardBasis(value).label) if value in AwardBasis.values else str(value)
    return str(value)


def award_changes(award_ids: Iterable[int]) -> dict[int, list[AwardChange]]:
    """{award id: its corrections and revocation, oldest first}, from the audit trail, in one query."""
    ids = [str(pk) for pk in award_ids]
    found: dict[int, list[AwardChange]] = defaultdict(list)
    if not ids:
        return found
    events = (
        AuditEvent.objects.filter(
            object_type=Award._meta.label_lower,
            object_id__in=ids,
            action__in=["award.correct", "award.revoke"],
        )
        .select_related("actor")
        .order_by("at", "id")
    )
    for event in events:
        before, after = event.before or {}, event.after or {}
        names = [n for n in after if n != "reason" and before.get(n) != after.get(n)]
        changes = [
            (
                str(getattr(Award._meta.get_field(n), "verbose_name", n)),
                _change_value(n, before.get(n)),
                _change_value(n, after.get(n)),
            )
            for n in names
            if n not in ("revoked_reason", "version")  # the version is bookkeeping, not a change to show
        ]
        revoke = event.action == "award.revoke"
        reason = str(after.get("revoked_reason" if revoke else "reason") or "")
        if not reason and event.summary.startswith("Đính chính: "):
            reason = event.summary.removeprefix("Đính chính: ")
        actor = event.actor
        found[int(event.object_id)].append(
            AwardChange(
                at=event.at,
                by=_vietnamese_name(actor) if actor is not None else "Hệ thống",
                action="revoke" if revoke else "correct",
                reason=reason,
                changes=changes,
            )
        )
    return found


def _vietnamese_name(user: Any) -> str:
    """Family name first, as Vietnamese names are written; the login name when none is set."""
    return f"{user.last_name} {user.first_name}".strip() or str(user.get_username())


def unit_awards(unit: Unit) -> list[tuple[Award, Unit]]:
    """The collective's titles and forms received, its predecessors' included, newest first, with the unit
    each was given to. Public: commendation decisions are published."""
    ids = unit_history_ids(unit)
    awards = Award.objects.filter(unit_id__in=ids, revoked_on__isnull=True).select_related("unit")
    return [(a, a.unit) for a in awards.order_by("-cycle", "-decision_date", "-id") if a.unit is not None]


# --- people of a unit --------------------------------------------------------------------------------------


def members_in_cycles(units: Iterable[Unit], cycles: Iterable[int]) -> dict[int, set[int]]:
    """{cycle: ids of the people employed in any of `units` on the cycle's reference day}, one query."""
    unit_list = list(units)
    cycle_list = sorted(set(cycles))
    result: dict[int, set[int]] = {c: set() for c in cycle_list}
    if not unit_list or not cycle_list:
        return result
    by_id = {u.pk: u for u in unit_list}
    first, last = dt.date(cycle_list[0], 1, 1), dt.date(cycle_list[-1], 12, 31)
    rows = Employment.objects.filter(unit_id__in=by_id, start__lte=last).filter(
        Q(end__isnull=True) | Q(end__gte=first)
    )
    for person_id, unit_id, start, end in rows.values_list("person_id", "unit_id", "start", "end"):
        unit = by_id[unit_id]
        for cycle in cycle_list:
            if not unit.valid_in_year(cycle):
                continue
            day = reference_day(cycle, unit.valid_to)
            if start <= day and (end is None or day <= end):
                result[cycle].add(person_id)
    return result


def people_of_unit(unit: Unit, cycle: int) -> list[Person]:
    """The people of a unit (its predecessors included) in a cycle, by name."""
    units = Unit.objects.filter(pk__in=unit_history_ids(unit))
    ids = members_in_cycles(units, [cycle])[cycle]
    return list(Person.objects.filter(pk__in=ids).order_by("full_name", "id"))


def unit_of_people(person_ids: Sequence[int], cycle: int) -> dict[int, Unit]:
    """Each person's unit on the cycle's reference day (else their latest unit before it)."""
    day = dt.date(cycle, 12, 31)
    found: dict[int, Unit] = {}
    for chunk in _chunks(person_ids):
        rows = (
            Employment.objects.filter(person_id__in=chunk, start__lte=day)
            .select_related("unit")
            .order_by("person_id", "start", "id")
        )
        for e in rows:
            found[e.person_id] = e.unit  # the latest start before the day wins
    return found


def person_unit_on(person: Person, day: dt.date) -> Unit | None:
    """The unit a person works in on a day (else their latest unit before it)."""
    employment = (
        Employment.objects.filter(person=person, start__lte=day)
        .select_related("unit")
        .order_by("-start", "-id")
        .first()
    )
    return employment.unit if employment is not None else None


def person_cycle_kind_on(person: Person, day: dt.date) -> str:
    """How the person's cycles are counted on a day: school years in a school, else calendar years."""
    unit = person_unit_on(person, day)
    return s.CYCLE_SCHOOL if unit is not None and unit.cycle_kind == CycleKind.SCHOOL else s.CYCLE_CALENDAR


# --- the engine's input ------------------------------------------------------------------------------------


def _chunks(ids: Sequence[int], size: int = CHUNK) -> Iterable[list[int]]:
    ids = list(ids)
    for i in range(0, len(ids), size):
        yield ids[i : i + size]


def _rating_records(rows: Iterable[tuple[int, int]], source: str = "") -> tuple[s.RatingRecord, ...]:
    return tuple(s.RatingRecord(cycle=c, rating=s.Rating(r), source=source) for c, r in sorted(rows))


def _award_record(award: Award, initiative_ids: Sequence[int], source: str = "") -> s.AwardRecord:
    return s.AwardRecord(
        id=str(award.pk),
        title=award.title,
        cycle=award.cycle,
        decision_no=award.decision_no,
        decision_date=award.decision_date,
        authority=award.authority,
        kind=award.kind,
        basis=award.basis,
        initiative_ids=tuple(str(i) for i in sorted(initiative_ids)),
        source=source,
    )


def _initiative_record(i: Initiative) -> s.InitiativeRecord:
    return s.InitiativeRecord(
        id=str(i.pk),
        name=i.name,
        scope=i.scope,
        cycle=i.cycle,
        recognised_by=i.recognised_by,
        recognised_on=i.recognised_on,
        used_by=str(i.used_by_id) if i.used_by_id is not None else None,
    )


def _discipline_record(d: Discipline, source: str = "") -> s.DisciplineRecord:
    return s.DisciplineRecord(
        level=s.DisciplineLevel(d.level), start=d.start, end=d.end, decision_no=d.decision_no, source=source
    )


def _pending_record(p: PendingReview) -> s.PendingRecord:
    return s.PendingRecord(kind=p.kind, since=p.since, until=p.until, note=p.note)


def subject_cycle_kind(unit_cycle_kind: str) -> str:
    """`Subject.cycle_kind` for a unit's `cycle_kind`: school years for schools, else "" (each title's own
    default, the calendar year)."""
    return s.CYCLE_SCHOOL if unit_cycle_kind == CycleKind.SCHOOL else ""


def subjects_for(person_ids: Sequence[int], *, cycle: int | None = None) -> list[s.Subject]:
    """The people as the engine reads them, in the order given: seven queries per `CHUNK` people, however
    many records they have. `cycle` picks the unit that is theirs (default: their latest): its name, and how
    their cycles are counted — school years in a school, calendar years elsewhere — and whether they belong
    to the armed forces (CSTT instead of LĐTT). The unit is the one they work in on 31/12 of `cycle`, a day
    that lies both in calendar year `cycle` and in school year `cycle`–`cycle + 1`, so one reference day
    serves either way of counting."""
    subjects: list[s.Subject] = []
    for chunk in _chunks(person_ids):
        people = Person.objects.in_bulk(chunk)
        units: dict[int, tuple[str, str, bool]] = {}
        day = dt.date(cycle, 12, 31) if cycle is not None else None
        employments = Employment.objects.filter(person_id__in=chunk).order_by("person_id", "start", "id")
        if day is not None:
            employments = employments.filter(start__lte=day)
        for person_id, name, kind, armed in employments.values_list(
            "person_id", "unit__name", "unit__cycle_kind", "unit__armed_forces"
        ):
            units[person_id] = (name, kind, armed)  # the latest start before the day wins
        ratings: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for person_id, c, r in TaskRating.objects.filter(person_id__in=chunk).values_list(
            "person_id", "cycle", "rating"
        ):
            ratings[person_id].append((c, r))
        initiatives: dict[int, list[Initiative]] = defaultdict(list)
        used: dict[int, list[int]] = defaultdict(list)
        for i in Initiative.objects.filter(person_id__in=chunk).order_by("cycle", "id"):
            initiatives[i.person_id].append(i)
            if i.used_by_id is not None:
                used[i.used_by_id].append(i.pk)
        awards: dict[int, list[Award]] = defaultdict(list)
        for a in Award.objects.filter(person_id__in=chunk, revoked_on__isnull=True).order_by("cycle", "id"):
            assert a.person_id is not None
            awards[a.person_id].append(a)
        disciplines: dict[int, list[Discipline]] = defaultdict(list)
        for d in Discipline.objects.filter(person_id__in=chunk).order_by("start", "id"):
            assert d.person_id is not None
            disciplines[d.person_id].append(d)
        pending: dict[int, list[PendingReview]] = defaultdict(list)
        for p in PendingReview.objects.filter(person_id__in=chunk).order_by("since", "id"):
            assert p.person_id is not None
            pending[p.person_id].append(p)
        for pk in chunk:
            person = people.get(pk)
            if person is None:
                continue
            unit_name, unit_cycle_kind, armed_forces = units.get(pk, ("", "", False))
            subjects.append(
                s.Subject(
                    id=person_subject_id(pk),
                    kind=s.SUBJECT_INDIVIDUAL,
                    name=person.full_name,
                    unit=unit_name,
                    cycle_kind=subject_cycle_kind(unit_cycle_kind),
                    armed_forces=bool(armed_forces),
                    female=person.female,
                    recruited_on=person.recruited_on,
                    ratings=_rating_records(ratings[pk]),
                    awards=tuple(_award_record(a, used.get(a.pk, ())) for a in awards[pk]),
                    initiatives=tuple(_initiative_record(i) for i in initiatives[pk]),
                    disciplines=tuple(_discipline_record(d) for d in disciplines[pk]),
                    pending=tuple(_pending_record(p) for p in pending[pk]),
                )
            )
    return subjects


def subject_for_person(person: Person, *, cycle: int | None = None) -> s.Subject:
    return subjects_for([person.pk], cycle=cycle)[0]


def subject_kind(unit: Unit) -> str:
    return s.SUBJECT_COMMUNE if unit.kind in COMMUNE_KINDS else s.SUBJECT_COLLECTIVE


def predecessor_sources(unit: Unit, history: set[int]) -> dict[int, str]:
    """`{predecessor id: "Thị trấn Khâm Đức, trước sáp nhập 01/07/2025"}` for every unit in the history but
    the unit itself; the unit's own records carry no source."""
    sources: dict[int, str] = {}
    links = LineageLink.objects.filter(predecessor_id__in=history - {unit.pk}).select_related(
        "event", "predecessor"
    )
    for link in links.order_by("event__effective_date", "id"):
        if link.predecessor_id in sources:
            continue
        label = link.event.get_kind_display().split(",")[0].lower()
        sources[link.predecessor_id] = (
            f"{link.predecessor.name}, trước {label} {link.event.effective_date:%d/%m/%Y}"
        )
    return sources


def collective_subject(unit: Unit, *, cycle: int) -> s.Subject:
    """A collective as the engine reads it: its own records and its predecessors' (each with `source`), its
    members' counts for the last `HISTORY_YEARS` cycles, and the cluster-years it led."""
    history = unit_history_ids(unit)
    sources = predecessor_sources(unit, history)
    history_units = list(Unit.objects.filter(pk__in=history))
    ratings = [
        s.RatingRecord(cycle=c, rating=s.Rating(r), source=sources.get(u, ""))
        for u, c, r in TaskRating.objects.filter(unit_id__in=history)
        .order_by("cycle", "id")
        .values_list("unit_id", "cycle", "rating")
    ]
    awards = tuple(
        _award_record(a, (), sources.get(a.unit_id or 0, ""))
        for a in Award.objects.filter(unit_id__in=history, revoked_on__isnull=True).order_by("cycle", "id")
    )
    disciplines = tuple(
        _discipline_record(d, sources.get(d.unit_id or 0, ""))
        for d in Discipline.objects.filter(unit_id__in=history).order_by("start", "id")
    )
    pending = tuple(
        _pending_record(p) for p in PendingReview.objects.filter(unit_id__in=history).order_by("since", "id")
    )
    cycles = range(cycle - HISTORY_YEARS + 1, cycle + 1)
    kind = subject_cycle_kind(unit.cycle_kind)
    members = members_year(history_units, cycles, cycle_kind=kind or s.CYCLE_CALENDAR)
    return s.Subject(
        id=unit_subject_id(unit.pk),
        kind=subject_kind(unit),
        name=unit.name,
        unit=unit.parent.name if unit.parent_id is not None and unit.parent is not None else "",
        cycle_kind=kind,
        ratings=tuple(ratings),
        awards=awards,
        disciplines=disciplines,
        pending=pending,
        members=tuple(m for m in members if m.members),
        leads=tuple(leadership_records(history, sources)),
        armed_forces=unit.armed_forces,
    )


def members_year(
    units: Sequence[Unit], cycles: Iterable[int], *, cycle_kind: str = s.CYCLE_CALENDAR
) -> list[s.MembersYear]:
    """Per cycle, the collective's members counted from their own records: rated at least HTNV, holding
    LĐTT (or CSTT), holding CSTĐCS, disciplined at cảnh cáo or above during the cycle (the calendar year,
    or the school year for a school), women."""
    by_cycle = members_in_cycles(units, cycles)
    everyone = sorted(set().union(*by_cycle.values())) if by_cycle else []
    rated: dict[tuple[int, int], int] = {}
    titled: dict[tuple[int, int], set[str]] = defaultdict(set)
    disciplined: list[tuple[int, dt.date, dt.date]] = []
    women: set[int] = set()
    first = min(by_cycle, default=0)
    for chunk in _chunks(everyone):
        rated.update(
            {
                (p, c): r
                for p, c, r in TaskRating.objects.filter(person_id__in=chunk, cycle__gte=first).values_list(
                    "person_id", "cycle", "rating"
                )
            }
        )
        for p, c, t in Award.objects.filter(
            person_id__in=chunk,
            cycle__gte=first,
            revoked_on__isnull=True,
            title__in=[*LDTT_TITLES, CSTDCS_TITLE],
        ).values_list("person_id", "cycle", "title"):
            titled[(p, c)].add(t)
        disciplined.extend(
            Discipline.objects.filter(
                person_id__in=chunk, level__gte=int(s.DisciplineLevel.CANH_CAO)
            ).values_list("person_id", "start", "end")
        )
        women.update(Person.objects.filter(pk__in=chunk, gender="nu").values_list("pk", flat=True))
    out: list[s.MembersYear] = []
    for cycle, people in sorted(by_cycle.items()):
        start, end = rulepacks.cycle_start(cycle, cycle_kind), rulepacks.cycle_end(cycle, cycle_kind)
        out.append(
            s.MembersYear(
                cycle=cycle,
                members=len(people),
                completed=sum(1 for p in people if rated.get((p, cycle), 0) >= int(s.Rating.HTNV)),
                ldtt=sum(1 for p in people if titled.get((p, cycle), set()) & LDTT_TITLES),
                cstdcs=sum(1 for p in people if CSTDCS_TITLE in titled.get((p, cycle), set())),
                disciplined_warning_or_above=len(
                    {
                        p
                        for p, d_start, d_end in disciplined
                        if p in people and d_start <= end and d_end >= start
                    }
                ),
                women=sum(1 for p in people if p in women),
            )
        )
    return out


def leadership_records(history: set[int], sources: dict[int, str] | None = None) -> list[s.LeadershipRecord]:
    """The cluster-years a unit (or a predecessor) led: honoured by the conference's tallied vote for the
    flag; where a cluster-year has no such vote yet, first in its latest published ranking."""
    sources = sources or {}
    memberships = ClusterMember.objects.filter(unit_id__in=history)
    return [
        s.LeadershipRecord(
            cycle=m.cluster_year.year,
            cluster=m.cluster_year.cluster.name,
            organiser=_organiser(m.cluster_year.cluster.organiser),
            basis=basis,
            source=sources.get(m.unit_id, ""),
        )
        for m, basis in _leading_members(memberships)
    ]


def _leading_members(memberships: QuerySet[ClusterMember]) -> list[tuple[ClusterMember, str]]:
    """Of these memberships, those whose unit led its cluster-year, with the basis in words, by year."""
    members = list(memberships.select_related("cluster_year__cluster__organiser", "unit"))
    if not members:
        return []
    cy_ids = {m.cluster_year_id for m in members}
    ballots: dict[int, list[Ballot]] = defaultdict(list)
    for ballot in (
        Ballot.objects.filter(
            conference__cluster_year_id__in=cy_ids, purpose=BallotPurpose.FLAG, status=BallotStatus.TALLIED
        )
        .select_related("conference")
        .prefetch_related("candidates")
        .order_by("conference__held_on", "round_number", "id")
    ):
        if ballot.conference.cluster_year_id is not None:  # a council's session has no cluster-year
            ballots[ballot.conference.cluster_year_id].append(ballot)
    runs: dict[int, tuple[int, dict[str, Any]]] = {}
    # Only the run's number and its published summary (leaders, ranks), never its stored inputs.
    for cy_id, number, summary in (
        ScoringRun.objects.filter(criteria_set__cluster_year_id__in=cy_ids)
        .order_by("criteria_set__version", "number", "id")
        .values_list("criteria_set__cluster_year_id", "number", "summary")
    ):
        runs[cy_id] = (number, summary or {})  # the latest version's latest run wins
    leading: list[tuple[ClusterMember, str]] = []
    for m in sorted(members, key=lambda m: (m.cluster_year.year, m.cluster_year_id, m.position, m.pk)):
        cy = m.cluster_year
        latest = runs.get(cy.pk)
        ranked = _ranking_text(latest, m.unit.code)
        honoured = [b for b in ballots.get(cy.pk, []) if _elects(b, m.unit_id)]
        if ballots.get(cy.pk):
            if not honoured:
                continue
            ballot = honoured[-1]
            basis = f"Suy tôn tại hội nghị ngày {ballot.conference.held_on:%d/%m/%Y} ({ballot.title})"
            basis = f"{ranked}; {basis}" if ranked else basis
        elif latest is not None and m.unit.code in _leader_codes(latest):
            basis = f"{ranked}; chưa có kết quả bỏ phiếu suy tôn"
        else:
            continue
        leading.append((m, basis))
    return leading


@dataclass(frozen=True)
class FlagLeader:
    """A collective that led a cluster or block the province organises, and its Government-flag verdict."""

    cluster_year: ClusterYear
    unit: Unit
    basis: str
    verdict: Verdict | None  # CO_CP, when the catalogue applies it to this kind of unit


@dataclass(frozen=True)
class GovFlagProposals:
    province: Unit
    cycle: int
    clusters: int  # cluster-years of the cycle the province organises
    leaders: list[FlagLeader]
    quota: engine.QuotaResult


def gov_flag_proposals(province: Unit, cycle: int) -> GovFlagProposals:
    """The collectives leading the clusters and blocks the province organised in a cycle (vote, else the
    published ranking) and how many of them may be proposed for the Government's emulation flag (COCP_02:
    a share of the leaders, rounded as the rule pack or the board's override says). Eligible leaders come
    first, then in the order of their clusters."""
    memberships = ClusterMember.objects.filter(
        cluster_year__year=cycle, cluster_year__cluster__organiser=province
    )
    cluster_count = memberships.values("cluster_year_id").distinct().count()
    leaders: list[FlagLeader] = []
    for m, basis in _leading_members(memberships):
        verdict = next((v for v in collective_verdicts(m.unit, cycle) if v.title == "CO_CP"), None)
        leaders.append(FlagLeader(cluster_year=m.cluster_year, unit=m.unit, basis=basis, verdict=verdict))
    leaders.sort(key=lambda leader: leader.verdict is None or leader.verdict.outcome != ELIGIBLE)  # stable
    eligible = [
        leader.unit.name for leader in leaders if leader.verdict and leader.verdict.outcome == ELIGIBLE
    ]
    quota = engine.gov_flag_quota(
        leaders=[leader.unit.name for leader in leaders],
        candidates=eligible,
        cycle=cycle,
        overrides=_overrides(cycle),
    )
    return GovFlagProposals(
        province=province, cycle=cycle, clusters=cluster_count, leaders=leaders, quota=quota
    )


def _leader_codes(run: tuple[int, dict[str, Any]]) -> list[str]:
    return [str(leader.get("id")) for leader in run[1].get("leaders", [])]


def _ranking_text(run: tuple[int, dict[str, Any]] | None, code: str) -> str:
    if run is None:
        return ""
    number, summary = run
    for row in summary.get("ranking", []):
        if str(row.get("id")) == code and row.get("rank") is not None:
            return f"Xếp hạng {row['rank']} theo kết quả chấm điểm công bố lần {number}"
    if code in _leader_codes(run):
        return f"Dẫn đầu theo kết quả chấm điểm công bố lần {number}"
    return ""


def _elects(ballot: Ballot, unit_id: int) -> bool:
    elected = set((ballot.result or {}).get("elected", []))
    return any(c.unit_id == unit_id and c.name in elected for c in ballot.candidates.all())


def _organiser(unit: Unit) -> str:
    """Who organises a cluster, as `LeadershipRecord.organiser` names it."""
    if unit.kind in (UnitKind.DISTRICT, UnitKind.TOWN, UnitKind.CITY):
        return "district"
    if unit.kind == UnitKind.DEPARTMENT:
        return "ministry"
    if unit.kind == UnitKind.AGENCY and unit.parent_id is None:
        return "central"
    return "province"


# --- parameters and cycles ---------------------------------------------------------------------------------


def overrides_in_force(cycle: int) -> dict[str, dict[str, Any]]:
    """`{rule_id: {param: value}}` the board set for `cycle`: per parameter, the latest row covering the
    cycle; a reset row means the rule pack's own value."""
    latest: dict[tuple[str, str], ParameterOverride] = {}
    rows = ParameterOverride.objects.filter(cycle_from__lte=cycle).filter(
        Q(cycle_to__isnull=True) | Q(cycle_to__gte=cycle)
    )
    for row in rows.order_by("set_at", "id"):
        latest[(row.rule_id, row.param)] = row
    result: dict[str, dict[str, Any]] = {}
    for (rule_id, param), row in sorted(latest.items()):
        if not row.reset:
            result.setdefault(rule_id, {})[param] = row.value
    return result


def override_rows_in_force(cycle: int) -> dict[tuple[str, str], ParameterOverride]:
    """The rows behind `overrides_in_force`, for showing who set a value, when and why."""
    latest: dict[tuple[str, str], ParameterOverride] = {}
    rows = ParameterOverride.objects.filter(cycle_from__lte=cycle).filter(
        Q(cycle_to__isnull=True) | Q(cycle_to__gte=cycle)
    )
    for row in rows.select_related("set_by").order_by("set_at", "id"):
        latest[(row.rule_id, row.param)] = row
    return {k: v for k, v in latest.items() if not v.reset}


def default_cycle() -> int:
    """The cycle pages open on: the latest one with a recorded rating, else last year."""
    latest = TaskRating.objects.aggregate(latest=Max("cycle"))["latest"]
    return int(latest) if latest else dt.date.today().year - 1


def person_default_cycle(person: Person) -> int:
    latest = TaskRating.objects.filter(person=person).aggregate(latest=Max("cycle"))["latest"]
    return int(latest) if latest else default_cycle()


def jobs_for(viewer: Viewer) -> QuerySet[EvaluationJob]:
    if not viewer.is_board:
        return EvaluationJob.objects.none()
    return EvaluationJob.objects.select_related("scope", "created_by").order_by("-created_at", "-id")


# --- verdicts --------------------------------------------------------------------------------------------

# The individual titles of a civilian, in catalogue order; the armed forces have CSTT where LĐTT stands.
PERSON_TITLES: tuple[str, ...] = tuple(t for t in catalogue.INDIVIDUAL_TITLES if t != "CSTT")
ARMED_FORCES_TITLES: tuple[str, ...] = tuple(t for t in catalogue.INDIVIDUAL_TITLES if t != "LDTT")


def titles_for_people(subjects: Iterable[s.Subject]) -> tuple[str, ...]:
    """The individual titles a list of people is evaluated for: LĐTT if any is a civilian, CSTT if any
    belongs to the armed forces (civilians only when the list is empty)."""
    armed = {subject.armed_forces for subject in subjects} or {False}
    return tuple(
        t
        for t in catalogue.INDIVIDUAL_TITLES
        if (t != "LDTT" or False in armed) and (t != "CSTT" or True in armed)
    )


def _overrides(cycle: int) -> dict[str, dict[str, Any]] | None:
    return overrides_in_force(cycle) or None


@dataclass(frozen=True)
class Evaluation:
    """A subject as the engine read it for a cycle, and its verdicts; `cycle_kind` and `label` say how the
    cycle reads ("năm 2024", "năm học 2024–2025")."""

    subject: s.Subject
    cycle: int
    verdicts: tuple[Verdict, ...]

    @property
    def cycle_kind(self) -> str:
        return self.subject.cycle_kind or s.CYCLE_CALENDAR

    @property
    def school_year(self) -> bool:
        return self.cycle_kind == s.CYCLE_SCHOOL

    @property
    def label(self) -> str:
        return engine.cycle_label(self.cycle, self.cycle_kind)


def person_evaluation(person: Person, cycle: int) -> Evaluation:
    """The person as the engine reads them in a cycle (their unit then decides school or calendar years,
    civilian or armed forces) and their verdicts, with the board's overrides applied."""
    subject = subject_for_person(person, cycle=cycle)
    return Evaluation(subject, cycle, engine.evaluate(subject, cycle, overrides=_overrides(cycle)))


def person_verdicts(person: Person, cycle: int) -> tuple[Verdict, ...]:
    """What the person qualifies for in a cycle, and what they miss, with the board's overrides applied."""
    return person_evaluation(person, cycle).verdicts


def collective_evaluation(unit: Unit, cycle: int) -> Evaluation:
    subject = collective_subject(unit, cycle=cycle)
    return Evaluation(subject, cycle, engine.evaluate(subject, cycle, overrides=_overrides(cycle)))


def collective_verdicts(unit: Unit, cycle: int) -> tuple[Verdict, ...]:
    """The collective's own verdicts (TTLĐTT, TTLĐXS, Cờ thi đua…), its predecessors' history included."""
    return collective_evaluation(unit, cycle).verdicts


def unit_default_cycle(unit: Unit) -> int:
    """The cycle a collective's page opens on: the latest one it was rated in or took part in a cluster
    in (its predecessors included), else the general default."""
    history = unit_history_ids(unit)
    rated = TaskRating.objects.filter(unit_id__in=history).aggregate(latest=Max("cycle"))["latest"]
    clustered = ClusterMember.objects.filter(unit_id__in=history).aggregate(latest=Max("cluster_year__year"))[
        "latest"
    ]
    latest = max((c for c in (rated, clustered) if c), default=None)
    return int(latest) if latest else default_cycle()


@dataclass(frozen=True)
class TitleCandidates:
    title: str
    eligible: list[Person]
    not_yet: int
    barred: int


@dataclass(frozen=True)
class UnitCandidates:
    unit: Unit
    cycle: int
    people: list[Person]
    verdicts: dict[int, dict[str, Verdict]]  # person id → title → verdict
    by_title: list[TitleCandidates]
    quota: engine.QuotaResult | None  # the CSTĐCS cap, when the rule pack (or the board) turns it on
    titles: tuple[str, ...] = PERSON_TITLES  # the columns: LĐTT and/or CSTT, then the others

    def verdict(self, person: Person, title: str) -> Verdict | None:
        return self.verdicts.get(person.pk, {}).get(title)

    @property
    def cycle_kind(self) -> str:
        return s.CYCLE_SCHOOL if self.unit.cycle_kind == CycleKind.SCHOOL else s.CYCLE_CALENDAR

    @property
    def label(self) -> str:
        return engine.cycle_label(self.cycle, self.cycle_kind)


def unit_candidates(unit: Unit, cycle: int) -> UnitCandidates:
    """The people of a unit in a cycle and, per individual title, who qualifies. The CSTĐCS cap is counted
    on the people who qualify for LĐTT or CSTT (this year's proposal), women first among equals (GEN_06)
    being left to the council. Each person is read as the unit they work in counts (school or calendar
    years, civilian or armed forces)."""
    people = people_of_unit(unit, cycle)
    overrides = _overrides(cycle)
    subjects = subjects_for([p.pk for p in people], cycle=cycle)
    titles = titles_for_people(subjects) if subjects else _unit_titles(unit)
    verdicts: dict[int, dict[str, Verdict]] = {}
    for person, subject in zip(people, subjects, strict=True):
        verdicts[person.pk] = {
            v.title: v for v in engine.evaluate(subject, cycle, titles=titles, overrides=overrides)
        }
    by_title = []
    for title in titles:
        outcomes = [(p, verdicts[p.pk].get(title)) for p in people]
        by_title.append(
            TitleCandidates(
                title=title,
                eligible=[p for p, v in outcomes if v is not None and v.outcome == ELIGIBLE],
                not_yet=sum(1 for _, v in outcomes if v is not None and v.outcome == "not_yet"),
                barred=sum(1 for _, v in outcomes if v is not None and v.outcome == "barred"),
            )
        )
    advanced = {p.pk for t in by_title if t.title in LDTT_TITLES for p in t.eligible}
    cstdcs = next(t for t in by_title if t.title == CSTDCS_TITLE)
    quota = engine.cstdcs_quota(
        unit=unit.name,
        ldtt_count=len(advanced),
        candidates=[p.full_name for p in cstdcs.eligible],
        cycle=cycle,
        overrides=overrides,
        cycle_kind=s.CYCLE_SCHOOL if unit.cycle_kind == CycleKind.SCHOOL else s.CYCLE_CALENDAR,
    )
    return UnitCandidates(
        unit=unit,
        cycle=cycle,
        people=people,
        verdicts=verdicts,
        by_title=by_title,
        quota=quota if quota.enabled else None,
        titles=titles,
    )


def _unit_titles(unit: Unit) -> tuple[str, ...]:
    return ARMED_FORCES_TITLES if unit.armed_forces else PERSON_TITLES
