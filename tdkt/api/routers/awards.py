"""Titles and commendations: a person's history and verdicts, a unit's candidates, a collective's titles;
and records entered one at a time (a rating, an award, an initiative, a discipline) for a person or a
collective.

People are personal data: a person, and a unit's candidates, are for the board and the unit's own staff
(the staff of its successor too); anyone else gets 404, writes included. A collective's titles received are
public, so a write to another unit's collective is 403. Writes need a session and its CSRF token (401
without a login) and go through `tdkt.awards.services`, whose refusals are 422 with the field named.
"""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Router, Schema, Status
from ninja.security import django_auth
from pydantic import Field

from tdkt.api.access import viewer_of
from tdkt.api.schemas import WRITE_ERRORS, InputSchema
from tdkt.awards import engine
from tdkt.awards.catalogue_selectors import title_name
from tdkt.awards.models import Award, Discipline, Initiative, TaskRating
from tdkt.awards.selectors import (
    PEOPLE_QUERY_MAX,
    default_cycle,
    gov_flag_proposals,
    leadership_records,
    people_search,
    person_default_cycle,
    person_evaluation,
    person_history,
    person_visible,
    predecessor_sources,
    unit_awards,
    unit_candidates,
    unit_people_visible,
)
from tdkt.awards.services import (
    award_record,
    discipline_record,
    initiative_record,
    task_rating_set,
)
from tdkt.awards.subjects import CYCLE_CALENDAR, Rating
from tdkt.awards.verdicts import Verdict
from tdkt.core.errors import Problem, ValidationFailed
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
    cycle_kind: str = CYCLE_CALENDAR  # calendar | school: how the unit counts its cycles
    armed_forces: bool = False  # the unit gives CSTT instead of LĐTT


class RatingOut(Schema):
    cycle: int
    rating: str  # HTXSNV, HTTNV, HTNV, KHTNV
    label: str
    version: int = Field(description="Phiên bản hiện tại: gửi lại khi ghi lại xếp loại năm này")


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
    cycle_kind: str  # calendar | school
    cycle_label: str  # "năm 2024" | "năm học 2024–2025"
    outcome: str  # eligible | not_yet | barred
    outcome_label: str
    pack: str
    unverified: bool
    missing: list[str]
    checks: list[CheckOut]


class VerdictsOut(Schema):
    subject_id: int
    cycle: int
    cycle_kind: str  # how the person's unit in the cycle counts it: calendar | school
    cycle_label: str
    armed_forces: bool
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
    cycle_kind: str
    cycle_label: str
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


class RatingIn(InputSchema):
    cycle: int
    rating: str  # HTXSNV, HTTNV, HTNV, KHTNV
    note: str = ""
    version: int = Field(
        ge=0,
        description="Phiên bản của xếp loại năm đó lúc bạn đọc (0 khi chưa có): "
        "ghi đè lên phiên bản mới hơn bị từ chối",
    )


class AwardIn(InputSchema):
    title: str  # a catalogue code: LDTT, CSTDCS, BK_TINH, TTLDXS…
    cycle: int  # the (last) cycle of the achievement; a school year by the year it starts in
    decision_no: str
    decision_date: dt.date
    authority: str = ""
    kind: str = "cong_trang"  # cong_trang | dot_xuat | chuyen_de
    basis: str = "other"  # htxsnv | initiative | other (people only)
    period_start: int | None = None
    initiative_ids: list[int] = []  # the person's initiatives this award used (each serves one award)
    note: str = ""


class InitiativeIn(InputSchema):
    name: str
    scope: str  # co_so | bo_tinh | toan_quoc
    recognised_on: dt.date | None = None
    cycle: int | None = None  # default: the cycle the recognition day falls in
    recognised_by: str = ""
    used_by: int | None = None  # the id of the person's award that used it
    note: str = ""


class DisciplineIn(InputSchema):
    level: int  # 1 khiển trách, 2 cảnh cáo, 3 hạ bậc lương, 4 giáng chức, 5 cách chức, 6 buộc thôi việc
    start: dt.date
    end: dt.date
    decision_no: str = ""
    note: str = ""


def rating_out(r: TaskRating) -> RatingOut:
    return RatingOut(
        cycle=r.cycle, rating=Rating(r.rating).name, label=str(r.get_rating_display()), version=r.version
    )


def award_out(a: Award, initiative_ids: list[int], owner: Unit | None = None) -> AwardOut:
    return AwardOut(
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
        initiative_ids=initiative_ids,
        revoked_on=a.revoked_on,
        unit_id=owner.pk if owner is not None else None,
        unit=owner.name if owner is not None else "",
    )


def initiative_out(i: Initiative) -> InitiativeOut:
    return InitiativeOut(
        id=i.pk,
        name=i.name,
        scope=i.scope,
        cycle=i.cycle,
        recognised_by=i.recognised_by,
        recognised_on=i.recognised_on,
        used_by=i.used_by_id,
    )


def discipline_out(d: Discipline) -> DisciplineOut:
    return DisciplineOut(
        level=d.level, label=str(d.get_level_display()), start=d.start, end=d.end, decision_no=d.decision_no
    )


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
    return title_name(code)


def verdict_out(v: Verdict) -> VerdictOut:
    return VerdictOut(
        title=v.title,
        title_name=_title_name(v.title),
        cycle=v.cycle,
        cycle_kind=v.cycle_kind,
        cycle_label=engine.cycle_label(v.cycle, v.cycle_kind),
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


class PersonHitOut(Schema):
    id: int
    code: str
    full_name: str
    unit_id: int | None
    unit: str  # the latest post's unit ("" when none is recorded)
    position: str
    until: dt.date | None  # the latest post's end, when the person has left it


@router.get(
    "/people",
    response={200: list[PersonHitOut], **WRITE_ERRORS},
    auth=django_auth,
    summary="Tìm cán bộ theo họ tên hoặc mã",
)
def people_find(request: HttpRequest, q: str = "") -> list[PersonHitOut]:
    """People whose name or code holds every word of `q`, typed with or without diacritics, among those
    the caller may see (the board: everyone; a unit's staff: their unit's people); at most 30, by name,
    each with their latest post."""
    query = q.strip()
    if not query or len(query) > PEOPLE_QUERY_MAX:
        raise ValidationFailed(
            Problem(f"cần nhập họ tên hoặc mã cán bộ, từ 1 đến {PEOPLE_QUERY_MAX} ký tự", field="q")
        )
    return [
        PersonHitOut(
            id=hit.person.pk,
            code=hit.person.code,
            full_name=hit.person.full_name,
            unit_id=hit.employment.unit_id if hit.employment else None,
            unit=hit.employment.unit.name if hit.employment else "",
            position=hit.employment.position if hit.employment else "",
            until=hit.employment.end if hit.employment else None,
        )
        for hit in people_search(viewer_of(request), query)
    ]


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
            EmploymentOut(
                unit_id=e.unit_id,
                unit=e.unit.name,
                start=e.start,
                end=e.end,
                position=e.position,
                cycle_kind=e.unit.cycle_kind,
                armed_forces=e.unit.armed_forces,
            )
            for e in history.employments
        ],
        ratings=[rating_out(r) for r in history.ratings],
        awards=[award_out(a, [i.pk for i in a.initiatives.all()]) for a in history.awards],
        initiatives=[initiative_out(i) for i in history.initiatives],
        disciplines=[discipline_out(d) for d in history.disciplines],
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
    evaluation = person_evaluation(person, year)
    return VerdictsOut(
        subject_id=person.pk,
        cycle=year,
        cycle_kind=evaluation.cycle_kind,
        cycle_label=evaluation.label,
        armed_forces=evaluation.subject.armed_forces,
        verdicts=[verdict_out(v) for v in evaluation.verdicts],
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
        cycle_kind=found.cycle_kind,
        cycle_label=found.label,
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
        awards=[award_out(a, [], owner) for a, owner in unit_awards(unit)],
        leads=[
            LeadOut(cycle=lead.cycle, cluster=lead.cluster, basis=lead.basis, source=lead.source)
            for lead in leadership_records(history, predecessor_sources(unit, history))
        ],
    )


class FlagLeaderOut(Schema):
    unit_id: int
    unit: str
    cluster: str
    basis: str
    outcome: str | None  # the Government-flag verdict: eligible | not_yet | barred; None: not for this kind
    missing: list[str]
    within_quota: bool


class GovFlagOut(Schema):
    province_id: int
    province: str
    cycle: int
    clusters: int
    leaders: list[FlagLeaderOut]
    quota: QuotaOut


@router.get(
    "/provinces/{province_id}/gov-flag",
    response=GovFlagOut,
    summary="Đề nghị Cờ thi đua của Chính phủ: tập thể dẫn đầu cụm, khối và số được đề nghị",
)
def gov_flag(request: HttpRequest, province_id: int, cycle: int | None = None) -> GovFlagOut:
    """The collectives that led the clusters and blocks the province organised in the cycle, each one's
    Government-flag verdict, and how many may be proposed (COCP_02, its rounding stated). The board only."""
    if not viewer_of(request).is_board:
        raise Http404
    province = Unit.objects.filter(pk=province_id).first()
    if province is None:
        raise Http404
    year = _cycle(cycle, default_cycle())
    found = gov_flag_proposals(province, year)
    quota = found.quota
    within = set(quota.within)
    return GovFlagOut(
        province_id=province.pk,
        province=province.name,
        cycle=year,
        clusters=found.clusters,
        leaders=[
            FlagLeaderOut(
                unit_id=leader.unit.pk,
                unit=leader.unit.name,
                cluster=leader.cluster_year.cluster.name,
                basis=leader.basis,
                outcome=leader.verdict.outcome if leader.verdict else None,
                missing=list(leader.verdict.missing) if leader.verdict else [],
                within_quota=leader.unit.name in within,
            )
            for leader in found.leaders
        ],
        quota=QuotaOut(
            rule_id=quota.rule_id, limit=quota.limit, text=quota.text, citation=quota.citation, tag=quota.tag
        ),
    )


# --- records entered one at a time ---------------------------------------------------------------------


def _collective_for(unit_id: int) -> Unit:
    """A collective: public (its titles are published), so a caller who may not record gets 403 from the
    service rather than 404."""
    unit = Unit.objects.filter(pk=unit_id).first()
    if unit is None:
        raise Http404
    return unit


def _rating_value(code: str) -> int:
    try:
        return int(Rating[code.strip().upper()])
    except KeyError:
        raise ValidationFailed(
            Problem(f"xếp loại “{code}” không hợp lệ: cần HTXSNV, HTTNV, HTNV hoặc KHTNV", field="rating")
        ) from None


def _initiatives_of(person: Person, ids: list[int]) -> list[Initiative]:
    """The person's initiatives named by id; an id that is not one of theirs is a problem on its row."""
    found = {i.pk: i for i in Initiative.objects.filter(person=person, pk__in=ids)}
    problems = [
        Problem(f"{person} không có sáng kiến mã số {pk}", row=row, field="initiative_ids")
        for row, pk in enumerate(ids, start=1)
        if pk not in found
    ]
    if problems:
        raise ValidationFailed(problems)
    return [found[pk] for pk in ids]


def _rating(request: HttpRequest, payload: RatingIn, **subject: Person | Unit) -> Status[RatingOut]:
    existed = TaskRating.objects.filter(**subject, cycle=payload.cycle).exists()
    rating = task_rating_set(
        actor=request.user,
        cycle=payload.cycle,
        rating=_rating_value(payload.rating),
        note=payload.note,
        version=payload.version,
        **subject,  # type: ignore[arg-type]
    )
    return Status(200 if existed else 201, rating_out(rating))


@router.post(
    "/people/{person_id}/ratings",
    response={200: RatingOut, 201: RatingOut, **WRITE_ERRORS},
    auth=django_auth,
    summary="Ghi xếp loại hằng năm của một người",
)
def person_rating_post(request: HttpRequest, person_id: int, payload: RatingIn) -> Status[RatingOut]:
    """201 when new, 200 when it replaces that year's rating (the old value stays in the audit trail). The
    board and the person's units' staff; 404 for anyone else. `version` is that year's rating's version
    when it was read (0 when there was none): a rating changed or first set since is refused (422), saying
    what changed."""
    return _rating(request, payload, person=_person_for(request, person_id))


@router.post(
    "/units/{unit_id}/ratings",
    response={200: RatingOut, 201: RatingOut, **WRITE_ERRORS},
    auth=django_auth,
    summary="Ghi xếp loại hằng năm của một tập thể",
)
def unit_rating_post(request: HttpRequest, unit_id: int, payload: RatingIn) -> Status[RatingOut]:
    """The board and the unit's own staff; 403 for other accounts."""
    return _rating(request, payload, unit=_collective_for(unit_id))


@router.post(
    "/people/{person_id}/awards",
    response={201: AwardOut, **WRITE_ERRORS},
    auth=django_auth,
    summary="Ghi một danh hiệu, hình thức khen thưởng một người đã nhận",
)
def person_award_post(request: HttpRequest, person_id: int, payload: AwardIn) -> Status[AwardOut]:
    """As the decision states it. Refused (422, nothing written): an unknown title or one for collectives, a
    decision date in the future or before the achievement, the same title twice in a cycle, an initiative
    that is not the person's or already served another award."""
    person = _person_for(request, person_id)
    initiatives = _initiatives_of(person, payload.initiative_ids)
    award = _award(request, payload, person=person, initiatives=initiatives)
    return Status(201, award_out(award, [i.pk for i in initiatives]))


def _award(
    request: HttpRequest,
    payload: AwardIn,
    *,
    person: Person | None = None,
    unit: Unit | None = None,
    initiatives: list[Initiative] | None = None,
) -> Award:
    return award_record(
        actor=request.user,
        person=person,
        unit=unit,
        title=payload.title,
        cycle=payload.cycle,
        decision_no=payload.decision_no,
        decision_date=payload.decision_date,
        authority=payload.authority,
        kind=payload.kind,
        basis=payload.basis,
        period_start=payload.period_start,
        initiatives=initiatives or [],
        note=payload.note,
    )


@router.post(
    "/units/{unit_id}/awards",
    response={201: AwardOut, **WRITE_ERRORS},
    auth=django_auth,
    summary="Ghi một danh hiệu, hình thức khen thưởng một tập thể đã nhận",
)
def unit_award_post(request: HttpRequest, unit_id: int, payload: AwardIn) -> Status[AwardOut]:
    unit = _collective_for(unit_id)
    if payload.initiative_ids:
        raise ValidationFailed(Problem("tập thể không có sáng kiến làm căn cứ", field="initiative_ids"))
    award = _award(request, payload, unit=unit)
    return Status(201, award_out(award, [], unit))


@router.post(
    "/people/{person_id}/initiatives",
    response={201: InitiativeOut, **WRITE_ERRORS},
    auth=django_auth,
    summary="Ghi một sáng kiến, đề tài được công nhận của một người",
)
def person_initiative_post(
    request: HttpRequest, person_id: int, payload: InitiativeIn
) -> Status[InitiativeOut]:
    """`used_by`: the person's award that already used it as its basis, if any."""
    person = _person_for(request, person_id)
    used_by = None
    if payload.used_by is not None:
        used_by = Award.objects.filter(pk=payload.used_by, person=person).first()
        if used_by is None:
            raise ValidationFailed(
                Problem(f"{person} không có khen thưởng mã số {payload.used_by}", field="used_by")
            )
    initiative = initiative_record(
        actor=request.user,
        person=person,
        name=payload.name,
        scope=payload.scope,
        recognised_on=payload.recognised_on,
        cycle=payload.cycle,
        recognised_by=payload.recognised_by,
        used_by=used_by,
        note=payload.note,
    )
    return Status(201, initiative_out(initiative))


@router.post(
    "/people/{person_id}/disciplines",
    response={201: DisciplineOut, **WRITE_ERRORS},
    auth=django_auth,
    summary="Ghi một hình thức kỷ luật của một người",
)
def person_discipline_post(
    request: HttpRequest, person_id: int, payload: DisciplineIn
) -> Status[DisciplineOut]:
    """Achievements count again only from the day after the disciplinary period ends (GEN_02)."""
    person = _person_for(request, person_id)
    discipline = discipline_record(
        actor=request.user,
        person=person,
        level=payload.level,
        start=payload.start,
        end=payload.end,
        decision_no=payload.decision_no,
        note=payload.note,
    )
    return Status(201, discipline_out(discipline))


@router.post(
    "/units/{unit_id}/disciplines",
    response={201: DisciplineOut, **WRITE_ERRORS},
    auth=django_auth,
    summary="Ghi một hình thức kỷ luật của một tập thể",
)
def unit_discipline_post(request: HttpRequest, unit_id: int, payload: DisciplineIn) -> Status[DisciplineOut]:
    discipline = discipline_record(
        actor=request.user,
        unit=_collective_for(unit_id),
        level=payload.level,
        start=payload.start,
        end=payload.end,
        decision_no=payload.decision_no,
        note=payload.note,
    )
    return Status(201, discipline_out(discipline))
