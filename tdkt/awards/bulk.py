"""The bulk evaluation of many people, from the database straight into the columnar engine
(`tdkt.awards.batch`), for the background task (`tdkt.awards.tasks`) and the benchmark (bench/eligibility).

No object per record: each table is read with one range query per chunk of people (`person_id BETWEEN lo
AND hi`, served by the per-person indexes), as plain integer tuples — titles, kinds, bases and scopes are
turned into the batch path's small codes by SQL `CASE`, dates into ordinals by SQL arithmetic — and
converted block by block into NumPy arrays. Rows of people outside the scope that fall inside a range are
dropped by a sorted-array lookup.

What is stored per run: the job's progress and its counts per title and outcome, and one short row per
person (`EvaluationOutcome`: one letter per title). The explained verdicts are computed again, one person at
a time, on the person's page.

Each person is counted as the unit they work in on the reference day counts (`Unit.cycle_kind`,
`Unit.armed_forces`): school years for a school, calendar years elsewhere; CSTT instead of LĐTT in the
armed forces — the unit the explained path (`selectors.subjects_for`) reads too, so both agree. Not in the
records, so not in a bulk run: facts a council confirms (`Subject.flags`, always empty here, as on the
person's page).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db import connection, transaction
from django.utils import timezone
from numpy.typing import NDArray

from tdkt.awards import batch, catalogue
from tdkt.awards.models import (
    OUTCOME_LETTERS,
    Award,
    Discipline,
    EvaluationJob,
    EvaluationOutcome,
    Initiative,
    JobStatus,
    PendingReview,
    TaskRating,
)
from tdkt.awards.selectors import overrides_in_force, reference_day
from tdkt.org.models import CycleKind, Employment, Person, Unit
from tdkt.org.selectors import unit_history_ids

CHUNK_PEOPLE = 50_000  # people per chunk: one progress step, about 500,000 records
FETCH_BLOCK = 100_000  # rows per fetchmany
# Every individual title: LĐTT is "-" (not applicable) for the armed forces, CSTT for civilians.
BULK_TITLES: tuple[str, ...] = catalogue.INDIVIDUAL_TITLES
_LETTERS = np.frombuffer(
    bytes(
        [
            ord(OUTCOME_LETTERS["eligible"]),
            ord(OUTCOME_LETTERS["not_yet"]),
            ord(OUTCOME_LETTERS["barred"]),
            ord("-"),
        ]
    ),
    dtype=np.uint8,
)  # indexed by batch outcome code: ELIGIBLE 0, NOT_YET 1, BARRED 2, NOT_APPLICABLE 3

IntArray = NDArray[np.int64]


# --- SQL pieces -----------------------------------------------------------------------------------------


def _ordinal(column: str) -> str:
    """A DATE column as `date.toordinal()`, computed by the database (NULL stays NULL)."""
    if connection.vendor == "postgresql":
        return f"(({column}) - DATE '0001-01-01' + 1)"
    return f"CAST(julianday({column}) - 1721424.5 AS INTEGER)"


def _case(column: str, codes: dict[str, int], default: int) -> str:
    whens = " ".join(f"WHEN '{key}' THEN {value}" for key, value in codes.items())
    return f"CASE {column} {whens} ELSE {default} END"


def _table(model: Any) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def queries() -> dict[str, str]:
    """The six range queries of a chunk (parameters: lo, hi), exposed for the benchmark's raw fetch."""
    person, rating, award = _table(Person), _table(TaskRating), _table(Award)
    initiative, discipline, pending = _table(Initiative), _table(Discipline), _table(PendingReview)
    title = _case("a.title", catalogue.TITLE_INDEX, -1)
    used_title = (
        f"CASE WHEN a.id IS NULL THEN {batch.NOT_USED} WHEN a.revoked_on IS NOT NULL THEN {batch.USED_ELSEWHERE} "
        f"ELSE {_case('a.title', catalogue.TITLE_INDEX, batch.USED_ELSEWHERE)} END"
    )
    return {
        "people": f"SELECT id, CASE WHEN gender = 'nu' THEN 1 ELSE 0 END, COALESCE({_ordinal('recruited_on')}, 0) "
        f"FROM {person} WHERE id BETWEEN %s AND %s",
        "ratings": f"SELECT person_id, cycle, rating FROM {rating} WHERE person_id BETWEEN %s AND %s",
        "awards": f"SELECT a.person_id, a.cycle, {title}, {_case('a.kind', batch.KIND_CODES, 0)}, "
        f"{_case('a.basis', batch.BASIS_CODES, batch.BASIS_CODES['other'])} FROM {award} a "
        "WHERE a.person_id BETWEEN %s AND %s AND a.revoked_on IS NULL",
        "initiatives": f"SELECT i.person_id, i.cycle, {_case('i.scope', batch.SCOPE_CODES, 0)}, {used_title}, "
        f"CASE WHEN a.id IS NULL OR a.revoked_on IS NOT NULL THEN 0 ELSE a.cycle END "
        f"FROM {initiative} i LEFT JOIN {award} a ON a.id = i.used_by_id WHERE i.person_id BETWEEN %s AND %s",
        "disciplines": f"SELECT person_id, level, {_ordinal('start')}, {_ordinal(_q('end'))} FROM {discipline} "
        "WHERE person_id BETWEEN %s AND %s",
        "pending": f"SELECT person_id, {_ordinal('since')}, COALESCE({_ordinal('until')}, 0) FROM {pending} "
        "WHERE person_id BETWEEN %s AND %s",
    }


def fetch_blocks(sql: str, params: list[Any], width: int) -> NDArray[np.int64]:
    """The rows of an all-integer query as one (rows × width) array, read FETCH_BLOCK rows at a time."""
    parts: list[NDArray[np.int64]] = []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(FETCH_BLOCK):
            parts.append(np.array(rows, dtype=np.int64).reshape(-1, width))
    return np.concatenate(parts) if parts else np.zeros((0, width), dtype=np.int64)


# --- who is in scope --------------------------------------------------------------------------------------


def scope_units(scope: Unit) -> list[int]:
    """The scope, the units it succeeded, and every unit below any of them (a province's districts and
    communes, whether still valid or not)."""
    found = set(unit_history_ids(scope))
    frontier = set(found)
    while frontier:
        children = set(Unit.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - found
        found |= children
        frontier = children
    return sorted(found)


def scope_people(scope: Unit, cycle: int) -> tuple[IntArray, IntArray]:
    """(person ids sorted, their unit ids): everyone employed in the scope's units on the cycle's reference
    day (31/12, or a unit's last day if it ended during the cycle), each once, with the unit of their latest
    employment among those. One query, the rest in NumPy."""
    unit_ids = scope_units(scope)
    first, last = dt.date(cycle, 1, 1), dt.date(cycle, 12, 31)
    valid = Unit.objects.filter(pk__in=unit_ids).values_list("pk", "valid_from", "valid_to")
    reference: dict[int, int] = {}
    for pk, valid_from, valid_to in valid:
        day = reference_day(cycle, valid_to)
        if day >= first and (valid_from is None or valid_from <= last):
            reference[pk] = day.toordinal()
    if not reference:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    table = _table(Employment)
    marks = ", ".join(["%s"] * len(reference))
    rows = fetch_blocks(
        f"SELECT person_id, unit_id, {_ordinal('start')}, COALESCE({_ordinal(_q('end'))}, 0) FROM {table} "
        f"WHERE unit_id IN ({marks}) AND start <= %s",
        [*reference, last],
        4,
    )
    units_sorted = np.array(sorted(reference), dtype=np.int64)
    days = np.array([reference[u] for u in units_sorted.tolist()], dtype=np.int64)
    on = days[np.searchsorted(units_sorted, rows[:, 1])]  # each row's unit's reference day
    active = (rows[:, 2] <= on) & ((rows[:, 3] == 0) | (on <= rows[:, 3]))
    rows = rows[active]
    if len(rows) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    order = np.lexsort((rows[:, 2], rows[:, 0]))  # by person, then start
    rows = rows[order]
    last_of_person = np.r_[rows[1:, 0] != rows[:-1, 0], True]
    return rows[last_of_person, 0].copy(), rows[last_of_person, 1].copy()


def ranges(ids: IntArray, size: int = CHUNK_PEOPLE) -> Iterator[tuple[int, int, IntArray]]:
    """(lo, hi, the sorted ids in it) per chunk of `size` people."""
    for start in range(0, len(ids), size):
        part = ids[start : start + size]
        yield int(part[0]), int(part[-1]), part


# --- one chunk ------------------------------------------------------------------------------------------


def _index(ids: IntArray, person_ids: IntArray) -> tuple[IntArray, NDArray[np.bool_]]:
    """Positions of `person_ids` in the sorted `ids`, and which of them are there at all."""
    if len(ids) == 0:
        return np.zeros(len(person_ids), dtype=np.int64), np.zeros(len(person_ids), dtype=bool)
    at = np.searchsorted(ids, person_ids)
    at = np.minimum(at, len(ids) - 1)
    return at, ids[at] == person_ids


@dataclass(frozen=True)
class UnitKinds:
    """Per person (aligned with the ids), how their unit counts: school years, armed forces."""

    school_year: NDArray[np.bool_]
    armed_forces: NDArray[np.bool_]


def unit_kinds(units: IntArray) -> UnitKinds:
    """How each person's unit (`units`, one unit id per person) counts its cycles: one query for the few
    units that are not civilian calendar-year ones, then a sorted-array lookup."""
    school = np.zeros(len(units), dtype=bool)
    armed = np.zeros(len(units), dtype=bool)
    distinct = np.unique(units)
    if len(distinct) == 0:
        return UnitKinds(school, armed)
    rows = sorted(
        Unit.objects.filter(pk__in=distinct.tolist())
        .exclude(cycle_kind=CycleKind.CALENDAR, armed_forces=False)
        .values_list("pk", "cycle_kind", "armed_forces")
    )
    if not rows:
        return UnitKinds(school, armed)
    flagged = np.array([pk for pk, _, _ in rows], dtype=np.int64)
    is_school = np.array([kind == CycleKind.SCHOOL for _, kind, _ in rows], dtype=bool)
    is_armed = np.array([bool(forces) for _, _, forces in rows], dtype=bool)
    at = np.minimum(np.searchsorted(flagged, units), len(flagged) - 1)
    hit = flagged[at] == units
    return UnitKinds(hit & is_school[at], hit & is_armed[at])


def fetch_columns(ids: IntArray, lo: int, hi: int, kinds: UnitKinds | None = None) -> batch.Columns:
    """`batch.Columns` of the people `ids` (sorted, all within lo..hi), from six range queries; `kinds`
    (aligned with `ids`) marks who counts school years and who belongs to the armed forces (default:
    nobody)."""
    sql = queries()
    params = [lo, hi]
    arrays: dict[str, Any] = {}
    if kinds is not None:
        arrays.update(school_year=kinds.school_year, armed_forces=kinds.armed_forces)

    people = fetch_blocks(sql["people"], params, 3)
    at, keep = _index(ids, people[:, 0])
    female = np.zeros(len(ids), dtype=bool)
    recruited = np.zeros(len(ids), dtype=np.int32)
    female[at[keep]] = people[keep, 1] == 1
    recruited[at[keep]] = people[keep, 2]
    arrays.update(female=female, recruited_on=recruited)

    def rows(name: str, width: int, columns: tuple[str, ...]) -> None:
        data = fetch_blocks(sql[name], params, width)
        at, keep = _index(ids, data[:, 0])
        arrays[columns[0]] = at[keep]
        for j, column in enumerate(columns[1:], start=1):
            arrays[column] = data[keep, j]

    rows("ratings", 3, ("rating_subject", "rating_cycle", "rating"))
    rows("awards", 5, ("award_subject", "award_cycle", "award_title", "award_kind", "award_basis"))
    known = arrays["award_title"] >= 0  # a code the batch path does not know is left out
    for column in ("award_subject", "award_cycle", "award_title", "award_kind", "award_basis"):
        arrays[column] = arrays[column][known]
    rows("initiatives", 5, ("init_subject", "init_cycle", "init_scope", "init_used_title", "init_used_cycle"))
    rows("disciplines", 4, ("disc_subject", "disc_level", "disc_start", "disc_end"))
    rows("pending", 3, ("pend_subject", "pend_since", "pend_until"))
    return batch.Columns.build(len(ids), **arrays)


def outcome_strings(result: batch.BatchResult, titles: tuple[str, ...], n: int) -> list[str]:
    """One string per person, one letter per title (`OUTCOME_LETTERS`, "-" not applicable)."""
    if n == 0:
        return []
    codes = np.stack([result.outcomes[t] for t in titles], axis=1).astype(np.intp)
    letters = np.ascontiguousarray(_LETTERS[codes])
    return [row.decode("ascii") for row in letters.view(f"S{len(titles)}").ravel()]


def add_counts(total: dict[str, dict[str, int]], result: batch.BatchResult, titles: tuple[str, ...]) -> None:
    for title in titles:
        codes = np.bincount(result.outcomes[title], minlength=4)
        row = total.setdefault(title, {"eligible": 0, "not_yet": 0, "barred": 0})
        for outcome, code in batch.OUTCOME_CODES.items():
            row[outcome] += int(codes[code])


def store_outcomes(job_id: int, ids: IntArray, units: IntArray, strings: list[str]) -> None:
    """One `EvaluationOutcome` row per person: COPY on PostgreSQL, executemany elsewhere."""
    table = _table(EvaluationOutcome)
    rows = zip([job_id] * len(ids), ids.tolist(), units.tolist(), strings, strict=True)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            copy_sql = f"COPY {table} (job_id, person_id, unit_id, outcomes) FROM STDIN"
            with cursor.cursor.copy(copy_sql) as copy:  # psycopg 3
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.executemany(
                f"INSERT INTO {table} (job_id, person_id, unit_id, outcomes) VALUES (%s, %s, %s, %s)",
                list(rows),
            )


# --- a whole run ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RunTotals:
    people: int
    counts: dict[str, dict[str, int]]
    packs: tuple[str, ...]


def evaluate_people(
    ids: IntArray,
    units: IntArray,
    cycle: int,
    *,
    overrides: dict[str, dict[str, Any]] | None = None,
    job_id: int | None = None,
    chunk: int = CHUNK_PEOPLE,
    progress: Callable[[int, dict[str, dict[str, int]]], None] | None = None,
) -> RunTotals:
    """Fetch, evaluate and (with a job) store, chunk by chunk; `progress(done, counts)` after each chunk,
    in the chunk's transaction."""
    counts: dict[str, dict[str, int]] = {t: {"eligible": 0, "not_yet": 0, "barred": 0} for t in BULK_TITLES}
    packs: list[str] = []
    done = 0
    kinds = unit_kinds(units)
    for lo, hi, part in ranges(ids, chunk):
        first = int(np.searchsorted(ids, part[0]))
        at = slice(first, first + len(part))
        columns = fetch_columns(
            part, lo, hi, UnitKinds(kinds.school_year[at].copy(), kinds.armed_forces[at].copy())
        )
        result = batch.evaluate_batch(columns, cycle, titles=BULK_TITLES, overrides=overrides or None)
        packs.extend(p for p in result.packs if p not in packs)
        add_counts(counts, result, BULK_TITLES)
        done += len(part)
        with transaction.atomic():
            if job_id is not None:
                store_outcomes(
                    job_id,
                    part,
                    units[at],
                    outcome_strings(result, BULK_TITLES, len(part)),
                )
            if progress is not None:
                progress(done, counts)
    return RunTotals(people=done, counts=counts, packs=tuple(packs))


def run_job(job: EvaluationJob) -> EvaluationJob:
    """Run a queued job: every person of its scope, its progress saved after each chunk. A failure is
    recorded on the job (status failed, the error) and re-raised."""
    EvaluationJob.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, started_at=timezone.now(), titles=list(BULK_TITLES)
    )
    try:
        scope = Unit.objects.get(pk=job.scope_id)
        ids, units = scope_people(scope, job.cycle)
        overrides = overrides_in_force(job.cycle)
        EvaluationJob.objects.filter(pk=job.pk).update(total=len(ids), overrides=overrides)

        def progress(done: int, counts: dict[str, dict[str, int]]) -> None:
            EvaluationJob.objects.filter(pk=job.pk).update(done=done, counts=counts)

        totals = evaluate_people(ids, units, job.cycle, overrides=overrides, job_id=job.pk, progress=progress)
        EvaluationJob.objects.filter(pk=job.pk).update(
            status=JobStatus.DONE,
            finished_at=timezone.now(),
            done=totals.people,
            counts=totals.counts,
            pack=", ".join(totals.packs),
        )
    except Exception as exc:
        EvaluationJob.objects.filter(pk=job.pk).update(
            status=JobStatus.FAILED, finished_at=timezone.now(), error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        raise
    job.refresh_from_db()
    return job
