"""Titles and commendations: a person's history and verdicts, a unit's candidates, a collective's titles.

People are personal data: a person, and a unit's candidates, are for the board and the unit's own staff
(the staff of its successor too); anyone else gets 404. A collective's titles received are public.
"""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Router, Schema

from tdkt.api.access import viewer_of
from tdkt.awards import catalogue, engine
from tdkt.awards.selectors import (
    PERSON_TITLES,
    default_cycle,
    leadership_records,
    person_default_cycle,
    person_history,
    person_verdicts,
    person_visible,
    predecessor_sources,
    unit_awards,
    unit_candidates,
    unit_people_visible,
)
from tdkt.awards.subjects import Rating
from tdkt.awards.verdicts import Verdict
from tdkt.org.models import Person, Unit
from tdkt.org.selectors import unit_history_ids

router = Router(tags=["awards"])
MIN_CYCLE = 1975


class EmploymentOut(Schema):
    unit_id: int
    unit: str
    start: dt.date
    end: dt.date | None
    position: str


class RatingOut(Schema):
    cycle: int
    rating: str  # HTXSNV, HTTNV, HTNV, KHTNV
    label: str


class AwardOut(Schema):
    id: int
    title: str
    title_name: str
    cycle: int
    period_start: int | None
    decision_no: str
    decision_date: dt.date
    authority: str
    kind: str
    basis: str
    initiative_ids: list[int]
    revoked_on: dt.date | None
    unit_id: int | None = None  # a collective's award: the unit that received it (a predecessor, maybe)
    unit: str = ""


class InitiativeOut(Schema):
    id: int
    name: str
    scope: str
    cycle: int
    recognised_by: str
    recognised_on: dt.date | None
    used_by: int | None


class DisciplineOut(Schema):
    level: int
    label: str
    start: dt.date
    end: dt.date
    decision_no: str


class PendingOut(Schema):
    kind: str
    label: str
    since: dt.date
    until: dt.date | None


class PersonOut(Schema):
    id: int
    code: str
    full_name: str
    gender: str
    date_of_birth: dt.date | None
    recruited_on: dt.date | None
    employments: list[EmploymentOut]
    ratings: list[RatingOut]
    awards: list[AwardOut]
    initiatives: list[InitiativeOut]
    disciplines: list[DisciplineOut]
    pending: list[PendingOut]


class CheckOut(Schema):
    rule_id: str
    ok: bool | None  # None: a fact for the council to confirm
    text: str
    evidence: list[str]
    missing: str
    citation: str
    tag: str
    unverified: bool


class VerdictOut(Schema):
    title: str
    title_name: str
    cycle: int
    outcome: str  # eligible | not_yet | barred
    outcome_label: str
    pack: str
    unverified: bool
    missing: list[str]
    checks: list[CheckOut]


class VerdictsOut(Schema):
    subject_id: int
    cycle: int
    verdicts: list[VerdictOut]


class PersonRefOut(Schema):
    id: int
    full_name: str


class TitleCandidatesOut(Schema):
    title: str
    title_name: str
    eligible: list[PersonRefOut]
    not_yet: int
    barred: int


class QuotaOut(Schema):
    rule_id: str
    limit: int | None
    text: str
    citation: str
    tag: str


class CandidatesOut(Schema):
    unit_id: int
    unit: str
    cycle: int
    people: list[PersonRefOut]
    titles: list[TitleCandidatesOut]
    cstdcs_quota: QuotaOut | None


class LeadOut(Schema):
    cycle: int
    cluster: str
    basis: str
    source: str


class UnitAwardsOut(Schema):
    unit_id: int
    unit: str
    awards: list[AwardOut]
    leads: list[LeadOut]


def _cycle(cycle: int | None, default: int) -> int:
    if cycle is None:
        return default
    last = timezone.localdate().year + 1
    if not MIN_CYCLE <= cycle <= last:
        raise Http404
    return cycle


def _person_for(request: HttpRequest, person_id: int) -> Person:
    person = Person.objects.filter(pk=person_id).first()
    if person is None or not person_visible(viewer_of(request), person):
        raise Http404
    return person


def _title_name(code: str) -> str:
    entry = catalogue.CATALOGUE.get(code)
    return entry.name if entry is not None else code


def verdict_out(v: Verdict) -> VerdictOut:
    return VerdictOut(
        title=v.title,
        title_name=_title_name(v.title),
        cycle=v.cycle,
        outcome=v.outcome,
        outcome_label=engine.OUTCOME_NAMES[v.outcome],
        pack=v.pack,
        unverified=v.unverified,
        missing=list(v.missing),
        checks=[
            CheckOut(
                rule_id=c.rule_id,
                ok=c.ok,
                text=c.text,
                evidence=list(c.evidence),
                missing=c.missing,
                citation=c.citation,
                tag=c.tag,
                unverified=c.unverified,
            )
            for c in v.checks
        ],
    )


@router.get("/people/{person_id}", response=PersonOut, summary="Hồ sơ thi đua, khen thưởng của một người")
def person_detail(request: HttpRequest, person_id: int) -> PersonOut:
    """Units over time, yearly ratings, titles and forms with their decisions, initiatives and what used
    them, discipline and pending reviews. The board and the person's units' staff only."""
    history = person_history(_person_for(request, person_id))
    p = history.person
    return PersonOut(
        id=p.pk,
        code=p.code,
        full_name=p.full_name,
        gender=p.gender,
        date_of_birth=p.date_of_birth,
        recruited_on=p.recruited_on,
        employments=[
            EmploymentOut(unit_id=e.unit_id, unit=e.unit.name, start=e.start, end=e.end, position=e.position)
            for e in history.employments
        ],
        ratings=[
            RatingOut(cycle=r.cycle, rating=Rating(r.rating).name, label=str(r.get_rating_display()))
            for r in history.ratings
        ],
        awards=[
            AwardOut(
                id=a.pk,
                title=a.title,
                title_name=_title_name(a.title),
                cycle=a.cycle,
                period_start=a.period_start,
                decision_no=a.decision_no,
                decision_date=a.decision_date,
                authority=a.authority,
                kind=a.kind,
                basis=a.basis,
                initiative_ids=[i.pk for i in a.initiatives.all()],
                revoked_on=a.revoked_on,
            )
            for a in history.awards
        ],
        initiatives=[
            InitiativeOut(
                id=i.pk,
                name=i.name,
                scope=i.scope,
                cycle=i.cycle,
                recognised_by=i.recognised_by,
                recognised_on=i.recognised_on,
                used_by=i.used_by_id,
            )
            for i in history.initiatives
        ],
        disciplines=[
            DisciplineOut(
                level=d.level,
                label=str(d.get_level_display()),
                start=d.start,
                end=d.end,
                decision_no=d.decision_no,
            )
            for d in history.disciplines
        ],
        pending=[
            PendingOut(kind=r.kind, label=str(r.get_kind_display()), since=r.since, until=r.until)
            for r in history.pending
        ],
    )


@router.get(
    "/people/{person_id}/verdicts",
    response=VerdictsOut,
    summary="Danh hiệu đủ điều kiện và còn thiếu trong một năm",
)
def person_verdict_list(request: HttpRequest, person_id: int, cycle: int | None = None) -> VerdictsOut:
    """Every individual title for the cycle (default: the person's latest rated year): outcome, each
    condition with its records, what is missing, citation and verification tag (R = unverified)."""
    person = _person_for(request, person_id)
    year = _cycle(cycle, person_default_cycle(person))
    return VerdictsOut(
        subject_id=person.pk, cycle=year, verdicts=[verdict_out(v) for v in person_verdicts(person, year)]
    )


@router.get(
    "/units/{unit_id}/candidates", response=CandidatesOut, summary="Ứng viên danh hiệu của một đơn vị"
)
def candidates(request: HttpRequest, unit_id: int, cycle: int | None = None) -> CandidatesOut:
    """The unit's people in the cycle and, per individual title, who qualifies; the CSTĐCS cap when on.
    The board and the unit's staff only."""
    unit = Unit.objects.filter(pk=unit_id).first()
    if unit is None or not unit_people_visible(viewer_of(request), unit):
        raise Http404
    year = _cycle(cycle, default_cycle())
    found = unit_candidates(unit, year)
    quota = found.quota
    return CandidatesOut(
        unit_id=unit.pk,
        unit=unit.name,
        cycle=year,
        people=[PersonRefOut(id=p.pk, full_name=p.full_name) for p in found.people],
        titles=[
            TitleCandidatesOut(
                title=t.title,
                title_name=_title_name(t.title),
                eligible=[PersonRefOut(id=p.pk, full_name=p.full_name) for p in t.eligible],
                not_yet=t.not_yet,
                barred=t.barred,
            )
            for t in found.by_title
            if t.title in PERSON_TITLES
        ],
        cstdcs_quota=QuotaOut(
            rule_id=quota.rule_id, limit=quota.limit, text=quota.text, citation=quota.citation, tag=quota.tag
        )
        if quota is not None
        else None,
    )


@router.get(
    "/units/{unit_id}/awards", response=UnitAwardsOut, summary="Danh hiệu tập thể đã nhận (công khai)"
)
def collective_awards(request: HttpRequest, unit_id: int) -> UnitAwardsOut:
    """The collective's titles and forms received, its predecessors' included, and the clusters it led."""
    unit = Unit.objects.filter(pk=unit_id).first()
    if unit is None:
        raise Http404
    history = unit_history_ids(unit)
    return UnitAwardsOut(
        unit_id=unit.pk,
        unit=unit.name,
        awards=[
            AwardOut(
                id=a.pk,
                title=a.title,
                title_name=_title_name(a.title),
                cycle=a.cycle,
                period_start=a.period_start,
                decision_no=a.decision_no,
                decision_date=a.decision_date,
                authority=a.authority,
                kind=a.kind,
                basis=a.basis,
                initiative_ids=[],
                revoked_on=a.revoked_on,
                unit_id=owner.pk,
                unit=owner.name,
            )
            for a, owner in unit_awards(unit)
        ],
        leads=[
            LeadOut(cycle=lead.cycle, cluster=lead.cluster, basis=lead.basis, source=lead.source)
            for lead in leadership_records(history, predecessor_sources(unit, history))
        ],
    )
