"""Invariants of the eligibility engine, with random histories (hypothesis). No database."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tdkt.awards.catalogue import INDIVIDUAL_TITLES
from tdkt.awards.engine import evaluate
from tdkt.awards.rulepacks import FLAGS
from tdkt.awards.subjects import (
    AWARD_KINDS,
    SCOPES,
    AwardRecord,
    DisciplineLevel,
    DisciplineRecord,
    InitiativeRecord,
    MembersYear,
    PendingRecord,
    Rating,
    RatingRecord,
    Subject,
)
from tdkt.awards.verdicts import BARRED, ELIGIBLE, NOT_YET

RANK = {ELIGIBLE: 0, NOT_YET: 1, BARRED: 2}
PROPERTY_SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

days = st.dates(date(2013, 1, 1), date(2027, 12, 31))
cycles = st.integers(2012, 2026)


@st.composite
def individuals(draw: st.DrawFn, index: int = 0) -> Subject:
    """A person with a random history: ratings, awards of every individual title and kind, initiatives
    (some already used), disciplines, open or closed reviews, sometimes in the army or on school years."""
    ratings = draw(st.dictionaries(st.integers(2013, 2026), st.sampled_from(list(Rating)), max_size=14))
    raw_awards = draw(
        st.lists(
            st.tuples(st.sampled_from(INDIVIDUAL_TITLES), cycles, st.sampled_from(AWARD_KINDS)), max_size=10
        )
    )
    awards = tuple(AwardRecord(f"a{j}", t, c, kind=k) for j, (t, c, k) in enumerate(raw_awards))
    initiatives = []
    for j, (scope, cycle, use) in enumerate(
        draw(st.lists(st.tuples(st.sampled_from(SCOPES), cycles, st.integers(-2, 12)), max_size=5))
    ):
        used_by = None if use < 0 else (awards[use].id if use < len(awards) else "ngoai")
        if use == -2:
            used_by = None
        initiatives.append(InitiativeRecord(f"i{j}", f"Sáng kiến {j}", scope, cycle, used_by=used_by))
    disciplines = tuple(
        DisciplineRecord(DisciplineLevel(level), start, start + timedelta(days=length))
        for level, start, length in draw(
            st.lists(st.tuples(st.integers(1, 6), days, st.integers(0, 700)), max_size=2)
        )
    )
    pending = tuple(
        PendingRecord("thanh_tra", since, None if length is None else since + timedelta(days=length))
        for since, length in draw(st.lists(st.tuples(days, st.none() | st.integers(0, 400)), max_size=1))
    )
    return Subject(
        id=f"p{index}",
        kind="individual",
        name=f"Người {index}",
        recruited_on=draw(st.none() | st.dates(date(2008, 1, 1), date(2026, 12, 31))),
        ratings=tuple(RatingRecord(c, r) for c, r in ratings.items()),
        awards=awards,
        initiatives=tuple(initiatives),
        disciplines=disciplines,
        pending=pending,
        flags=frozenset(draw(st.sets(st.sampled_from(list(FLAGS)), max_size=4))),
        cycle_kind=draw(st.sampled_from(["", "", "calendar", "school"])),
        armed_forces=draw(st.booleans()),
    )


evaluated = st.integers(2021, 2026)
evaluation_days = st.none() | st.dates(date(2021, 1, 1), date(2027, 12, 31))


def outcomes(subject: Subject, cycle: int, on: date | None) -> dict[str, str]:
    return {v.title: v.outcome for v in evaluate(subject, cycle, on=on)}


def never_better(before: dict[str, str], after: dict[str, str], skip: str = "") -> None:
    for title, was in before.items():
        if title != skip:
            assert RANK[after[title]] >= RANK[was], (title, was, after[title])


@PROPERTY_SETTINGS
@given(individuals(), evaluated, evaluation_days, days, st.integers(0, 700), st.integers(1, 6))
def test_adding_a_discipline_never_helps(
    subject: Subject, cycle: int, on: date | None, start: date, length: int, level: int
) -> None:
    record = DisciplineRecord(DisciplineLevel(level), start, start + timedelta(days=length))
    worse = dataclasses.replace(subject, disciplines=(*subject.disciplines, record))
    never_better(outcomes(subject, cycle, on), outcomes(worse, cycle, on))


@PROPERTY_SETTINGS
@given(individuals(), evaluated, evaluation_days, days, st.none() | st.integers(0, 400))
def test_adding_a_pending_review_never_helps(
    subject: Subject, cycle: int, on: date | None, since: date, length: int | None
) -> None:
    until = None if length is None else since + timedelta(days=length)
    worse = dataclasses.replace(subject, pending=(*subject.pending, PendingRecord("dieu_tra", since, until)))
    never_better(outcomes(subject, cycle, on), outcomes(worse, cycle, on))


@PROPERTY_SETTINGS
@given(individuals(), evaluated, evaluation_days, st.data())
def test_using_an_initiative_never_helps(
    subject: Subject, cycle: int, on: date | None, data: st.DataObject
) -> None:
    if not subject.initiatives:
        return
    k = data.draw(st.integers(0, len(subject.initiatives) - 1))
    used = dataclasses.replace(subject.initiatives[k], used_by="khen-thuong-khac")
    initiatives = (*subject.initiatives[:k], used, *subject.initiatives[k + 1 :])
    worse = dataclasses.replace(subject, initiatives=initiatives)
    never_better(outcomes(subject, cycle, on), outcomes(worse, cycle, on))


@PROPERTY_SETTINGS
@given(individuals(), evaluated, evaluation_days, st.data())
def test_a_lower_rating_never_helps(
    subject: Subject, cycle: int, on: date | None, data: st.DataObject
) -> None:
    if not subject.ratings:
        return
    k = data.draw(st.integers(0, len(subject.ratings) - 1))
    old = subject.ratings[k]
    lower = data.draw(st.sampled_from([None, *(r for r in Rating if r < old.rating)]))
    rest = subject.ratings[:k] + subject.ratings[k + 1 :]
    ratings = rest if lower is None else (*rest, RatingRecord(old.cycle, lower))
    worse = dataclasses.replace(subject, ratings=ratings)
    never_better(outcomes(subject, cycle, on), outcomes(worse, cycle, on))


@PROPERTY_SETTINGS
@given(individuals(), evaluated, evaluation_days, st.data())
def test_removing_a_title_never_makes_another_title_eligible(
    subject: Subject, cycle: int, on: date | None, data: st.DataObject
) -> None:
    if not subject.awards:
        return
    k = data.draw(st.integers(0, len(subject.awards) - 1))
    removed = subject.awards[k]
    fewer = dataclasses.replace(subject, awards=subject.awards[:k] + subject.awards[k + 1 :])
    # The same title may become possible again (GEN_09: its previous award no longer blocks the window).
    never_better(outcomes(subject, cycle, on), outcomes(fewer, cycle, on), skip=removed.title)


@PROPERTY_SETTINGS
@given(
    st.integers(1, 200),
    st.data(),
    st.sampled_from(list(Rating)),
    st.integers(2022, 2026),
)
def test_fewer_members_with_ldtt_never_helps_a_collective(
    members: int, data: st.DataObject, rating: Rating, cycle: int
) -> None:
    ldtt = data.draw(st.integers(1, members))
    completed = data.draw(st.integers(0, members))

    def unit(count: int) -> Subject:
        row = MembersYear(cycle, members, completed, count, 1, 0)
        return Subject(
            id="t", kind="collective", name="Tổ", ratings=(RatingRecord(cycle, rating),), members=(row,)
        )

    never_better(outcomes(unit(ldtt), cycle, None), outcomes(unit(ldtt - 1), cycle, None))


@PROPERTY_SETTINGS
@given(individuals(), evaluated)
def test_every_failed_check_says_what_is_missing(subject: Subject, cycle: int) -> None:
    for v in evaluate(subject, cycle):
        assert v.checks and v.outcome in RANK
        for check in v.checks:
            assert check.text and check.citation
            if check.ok is False:
                assert check.missing
        if v.outcome == ELIGIBLE:
            assert not any(c.ok is False and c.effect == "bar" for c in v.checks)
