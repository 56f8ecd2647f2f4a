"""Writes for titles and commendations. Every function is keyword-only, atomic, validated, audited and
permission-checked.

Who records what (see docs/architecture.md, Scopes):

- the system (`actor=None`: demo loader, commands) and the provincial board record anything;
- a unit's staff record the ratings, titles, initiatives, discipline and pending reviews of the people who
  work or worked in their unit (or in a unit it succeeded), and of their own unit as a collective;
- correcting or revoking a recorded title, the board's parameter overrides and the bulk evaluation are the
  board's alone.

A recorded award is immutable: only `award_correct` (with a reason; before and after in the audit trail)
and `award_revoke` change it. A parameter override is never edited: each change is a new row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models, transaction
from django.utils import timezone

from tdkt.awards import catalogue_services, rulepacks
from tdkt.awards.catalogue_selectors import title_name, title_short
from tdkt.awards.models import (
    Award,
    AwardBasis,
    AwardKind,
    CatalogueEntry,
    Discipline,
    DisciplineChoice,
    EvaluationJob,
    Initiative,
    InitiativeScope,
    JobStatus,
    ParameterOverride,
    PendingKind,
    PendingReview,
    RatingChoice,
    TaskRating,
)
from tdkt.awards.selectors import person_cycle_kind_on, subject_kind, viewer_unit_history
from tdkt.clusters.scopes import Viewer, viewer_for
from tdkt.core.audit import Actor, actor_user, audit_record, snapshot, state_at_version
from tdkt.core.errors import NotPermitted, Problem, ValidationFailed
from tdkt.core.versions import changes_between, check_version
from tdkt.org.models import Employment, Person, Unit

MIN_CYCLE = 1975
CORRECTABLE = (
    "title",
    "cycle",
    "period_start",
    "decision_no",
    "decision_date",
    "authority",
    "kind",
    "basis",
    "note",
)


# --- permission -------------------------------------------------------------------------------------------


def _viewer(actor: Actor) -> Viewer | None:
    return None if actor is None else viewer_for(actor)


def may_record_for(viewer: Viewer | None, *, person: Person | None = None, unit: Unit | None = None) -> bool:
    """The system and the board: anyone. A unit's staff: the people of their unit (and of the units it
    succeeded), and that unit itself."""
    if viewer is None or viewer.is_board:
        return True
    units = viewer_unit_history(viewer)
    if not units:
        return False
    if person is not None:
        return Employment.objects.filter(person=person, unit_id__in=units).exists()
    return unit is not None and unit.pk in units


def _check_records_for(actor: Actor, *, person: Person | None = None, unit: Unit | None = None) -> None:
    if not may_record_for(_viewer(actor), person=person, unit=unit):
        whom = f"cán bộ {person}" if person is not None else f"tập thể {unit}"
        raise NotPermitted(f"Bạn không có quyền ghi hồ sơ thi đua, khen thưởng của {whom}")


def _check_board(actor: Actor, what: str) -> None:
    viewer = _viewer(actor)
    if viewer is not None and not viewer.is_board:
        raise NotPermitted(f"Chỉ Ban Thi đua – Khen thưởng tỉnh được {what}")


# --- shared checks ----------------------------------------------------------------------------------------


def _today() -> dt.date:
    return timezone.localdate()


def _one_subject(person: Person | None, unit: Unit | None) -> None:
    if (person is None) == (unit is None):
        raise ValidationFailed(Problem("hồ sơ phải thuộc đúng một cá nhân hoặc một tập thể", field="person"))


def _check_cycle(cycle: int, problems: list[Problem], field: str = "cycle", label: str = "năm") -> None:
    last = _today().year + 1
    if not MIN_CYCLE <= cycle <= last:
        problems.append(
            Problem(f"{label} {cycle} nằm ngoài khoảng cho phép ({MIN_CYCLE}–{last})", field=field)
        )


def _check_past_cycle(cycle: int, problems: list[Problem], what: str, field: str = "cycle") -> None:
    """A record's cycle within the allowed range and not after this year (a rating or an initiative of a
    year that has not begun cannot exist yet)."""
    before = len(problems)
    _check_cycle(cycle, problems, field)
    if len(problems) == before and cycle > _today().year:
        problems.append(
            Problem(f"năm {cycle} chưa tới: chỉ ghi {what} của năm đã qua hoặc năm nay", field=field)
        )


def _check_date(day: dt.date | None, problems: list[Problem], field: str, label: str) -> None:
    if day is not None and day > _today():
        problems.append(Problem(f"{label} {day:%d/%m/%Y} chưa tới", field=field))


def _clean(instance: models.Model) -> None:
    try:
        instance.full_clean()
    except DjangoValidationError as exc:
        message_dict = getattr(exc, "message_dict", None) or {"__all__": exc.messages}
        raise ValidationFailed(
            [
                Problem(str(m), field=None if k == "__all__" else k)
                for k, msgs in message_dict.items()
                for m in msgs
            ]
        ) from exc


RecordT = TypeVar("RecordT", bound=models.Model)


def _save_new(actor: Actor, record: RecordT, action: str, summary: str) -> RecordT:
    """Validate a new record against its model, save it and audit it with every field."""
    _clean(record)
    record.save()
    audit_record(actor=actor, action=action, instance=record, after=snapshot(record), summary=summary)
    return record


# --- versions: no lost updates (tdkt.core.versions) ---------------------------------------------------------
# The records people change after creating them — a year's rating set again, an award corrected or revoked —
# carry `version`. A person's write sends the version they read (0: no rating of that year yet); a write over a
# newer version is refused with what changed meanwhile. `version=None` is not checked: the system's writes
# and the Excel import, a bulk replace of a unit's records by the unit itself.

RATING_LABELS = {"rating": "xếp loại", "note": "ghi chú"}
AWARD_LABELS = {
    "title": "danh hiệu, hình thức",
    "cycle": "năm thành tích",
    "period_start": "thành tích từ năm",
    "decision_no": "số quyết định",
    "decision_date": "ngày quyết định",
    "authority": "cơ quan ban hành",
    "kind": "loại khen thưởng",
    "basis": "căn cứ xét",
    "note": "ghi chú",
    "revoked_on": "ngày hủy bỏ",
}


def _record_shown(state: dict[str, Any]) -> dict[str, Any]:
    """A record's stored state (as the audit trail keeps it) in words: labels for codes, dates dd/mm/yyyy."""
    shown = dict(state)
    if shown.get("rating") not in (None, ""):
        shown["rating"] = RatingChoice(int(shown["rating"])).label
    if shown.get("title"):
        shown["title"] = title_name(str(shown["title"]))
    if shown.get("kind") in AwardKind.values:
        shown["kind"] = AwardKind(shown["kind"]).label
    if shown.get("basis") in AwardBasis.values:
        shown["basis"] = AwardBasis(shown["basis"]).label
    for name in ("decision_date", "revoked_on"):
        if isinstance(shown.get(name), str) and shown[name]:
            shown[name] = dt.date.fromisoformat(shown[name]).strftime("%d/%m/%Y")
    return shown


def _check_record_version(
    *, what: str, record: TaskRating | Award | None, given: int, labels: dict[str, str]
) -> None:
    """Refuse a write read at another version than the stored one (0: there was no record)."""
    current = record.version if record is not None else 0
    if given == current:
        return
    changes: list[str] = []
    if record is not None:
        then = state_at_version(record, given)
        if then is not None:
            now = snapshot(record, list(labels))
            changes = changes_between(_record_shown(then), _record_shown(now), labels)
    check_version(what=what, given=given, current=current, changes=changes)


def _lock_subject(person: Person | None, unit: Unit | None) -> None:
    """Serialise the writes of one person's (or one collective's) records: two requests at once cannot both
    find "no rating of that year yet" (or "no such award yet") and both insert, which the unique constraints
    would turn into a server error. On SQLite every write transaction already holds the lock (IMMEDIATE)."""
    if person is not None:
        Person.objects.select_for_update().filter(pk=person.pk).first()
    elif unit is not None:
        Unit.objects.select_for_update().filter(pk=unit.pk).first()


def _subject_filter(person: Person | None, unit: Unit | None) -> dict[str, Any]:
    return {"person": person} if person is not None else {"unit": unit}


def title_problem(
    code: str,
    *,
    person: Person | None,
    unit: Unit | None,
    field: str = "title",
    allow_retired: bool = False,
    entries: Mapping[str, CatalogueEntry] | None = None,
) -> Problem | None:
    """A code not in the catalogue the board keeps, retired there, or not given to this kind of subject.
    Any active entry may be recorded, whether or not the rule engine holds rules for it."""
    return catalogue_services.title_problem(
        code,
        person=person,
        unit=unit,
        unit_kind=subject_kind(unit) if unit is not None else "",
        field=field,
        allow_retired=allow_retired,
        entries=entries,
    )


# --- ratings ------------------------------------------------------------------------------------------------


@transaction.atomic
def task_rating_set(
    *,
    actor: Actor,
    person: Person | None = None,
    unit: Unit | None = None,
    cycle: int,
    rating: int,
    note: str = "",
    source: str = "",
    version: int | None = None,
) -> TaskRating:
    """The yearly task rating of a person or a collective; an existing rating of that year is replaced (its
    old value stays in the audit trail).

    `version`: the rating's version when the person read it, 0 when that year had none; a rating changed
    (or first set) since is refused, saying what changed. None: not checked (the system, the Excel import)."""
    _one_subject(person, unit)
    _check_records_for(actor, person=person, unit=unit)
    problems: list[Problem] = []
    _check_past_cycle(cycle, problems, "xếp loại")
    if rating not in RatingChoice.values:
        problems.append(Problem(f"xếp loại “{rating}” không hợp lệ", field="rating"))
    if problems:
        raise ValidationFailed(problems)
    _lock_subject(person, unit)
    existing = (
        TaskRating.objects.select_for_update().filter(**_subject_filter(person, unit), cycle=cycle).first()
    )
    if version is not None:
        whose = existing.subject_name if existing is not None else str(person or unit)
        _check_record_version(
            what=f"xếp loại năm {cycle} của {whose}", record=existing, given=version, labels=RATING_LABELS
        )
    if existing is not None:
        fields = ["rating", "note", "source", "version"]
        before = snapshot(existing, fields)
        if (existing.rating, existing.note, existing.source) != (rating, note, source[:300]):
            existing.version += 1
        existing.rating, existing.note, existing.source = rating, note, source[:300]
        _clean(existing)
        existing.save(update_fields=fields)
        audit_record(
            actor=actor,
            action="rating.change",
            instance=existing,
            before=before,
            after=snapshot(existing, fields),
            summary=f"Sửa xếp loại năm {cycle} của {existing.subject_name}",
        )
        return existing
    record = TaskRating(
        person=person,
        unit=unit,
        cycle=cycle,
        rating=rating,
        note=note,
        source=source[:300],
        recorded_by=actor_user(actor),
    )
    return _save_new(
        actor,
        record,
        "rating.set",
        f"Xếp loại năm {cycle} của {record.subject_name}: {record.get_rating_display()}",
    )


# --- awards -------------------------------------------------------------------------------------------------


def _award_problems(
    *,
    person: Person | None,
    unit: Unit | None,
    title: str,
    cycle: int,
    period_start: int | None,
    decision_no: str,
    decision_date: dt.date | None,
    kind: str,
    basis: str,
    exclude: Award | None = None,
) -> list[Problem]:
    problems: list[Problem] = []
    # a correction may keep the code of an entry retired since the award was recorded
    kept = exclude is not None and exclude.title == title
    if (p := title_problem(title, person=person, unit=unit, allow_retired=kept)) is not None:
        problems.append(p)
    _check_cycle(cycle, problems)
    if period_start is not None and period_start > cycle:
        problems.append(
            Problem(f"năm bắt đầu thành tích {period_start} sau năm {cycle}", field="period_start")
        )
    if not decision_no.strip():
        problems.append(Problem("chưa ghi số quyết định", field="decision_no"))
    if decision_date is None:
        problems.append(Problem("chưa ghi ngày quyết định", field="decision_date"))
    else:
        _check_date(decision_date, problems, "decision_date", "ngày quyết định")
        first = period_start if period_start is not None else cycle
        if decision_date.year < first:
            problems.append(
                Problem(
                    f"ngày quyết định {decision_date:%d/%m/%Y} trước năm thành tích {first}",
                    field="decision_date",
                )
            )
    if kind not in AwardKind.values:
        problems.append(Problem(f"loại khen thưởng “{kind}” không hợp lệ", field="kind"))
    if basis not in AwardBasis.values:
        problems.append(Problem(f"căn cứ xét “{basis}” không hợp lệ", field="basis"))
    same = Award.objects.filter(
        **_subject_filter(person, unit), title=title, cycle=cycle, revoked_on__isnull=True
    )
    if exclude is not None:
        same = same.exclude(pk=exclude.pk)
    if (other := same.first()) is not None:
        problems.append(
            Problem(
                f"{other.subject_name} đã có {_title_short(title)} năm {cycle} ({other.decision_text})",
                field="title",
            )
        )
    return problems


def _title_short(code: str) -> str:
    return title_short(code)


def _initiative_problems(
    initiatives: Sequence[Initiative], person: Person | None, award: Award | None
) -> list[Problem]:
    problems: list[Problem] = []
    for row, initiative in enumerate(initiatives, start=1):
        if person is None or initiative.person_id != person.pk:
            problems.append(
                Problem(
                    f"sáng kiến “{initiative.name}” không phải của người này", row=row, field="initiatives"
                )
            )
        elif initiative.used_by_id is not None and (award is None or initiative.used_by_id != award.pk):
            used = initiative.used_by
            problems.append(
                Problem(
                    f"sáng kiến “{initiative.name}” đã được dùng làm căn cứ cho "
                    f"{_title_short(used.title) if used else 'khen thưởng khác'} năm {used.cycle if used else ''}"
                    ": mỗi sáng kiến chỉ được dùng một lần",
                    row=row,
                    field="initiatives",
                )
            )
    return problems


@transaction.atomic
def award_record(
    *,
    actor: Actor,
    person: Person | None = None,
    unit: Unit | None = None,
    title: str,
    cycle: int,
    decision_no: str,
    decision_date: dt.date,
    authority: str = "",
    kind: str = AwardKind.CONG_TRANG,
    basis: str = AwardBasis.OTHER,
    period_start: int | None = None,
    initiatives: Sequence[Initiative] = (),
    note: str = "",
    source: str = "",
) -> Award:
    """Record a title or form received, as its decision states it, and mark the initiatives it used."""
    _one_subject(person, unit)
    _check_records_for(actor, person=person, unit=unit)
    _lock_subject(person, unit)
    locked = list(
        Initiative.objects.select_for_update(of=("self",))
        .filter(pk__in=[i.pk for i in initiatives])
        .select_related("used_by")
    )
    problems = _award_problems(
        person=person,
        unit=unit,
        title=title,
        cycle=cycle,
        period_start=period_start,
        decision_no=decision_no,
        decision_date=decision_date,
        kind=kind,
        basis=basis,
    )
    problems += _initiative_problems(locked, person, None)
    if problems:
        raise ValidationFailed(problems)
    award = Award(
        person=person,
        unit=unit,
        title=title,
        cycle=cycle,
        period_start=period_start,
        decision_no=decision_no.strip(),
        decision_date=decision_date,
        authority=authority.strip(),
        kind=kind,
        basis=basis,
        note=note,
        source=source[:300],
        recorded_by=actor_user(actor),
    )
    _clean(award)
    award.save()
    for initiative in locked:
        initiative.used_by = award
        initiative.save(update_fields=["used_by"])
    audit_record(
        actor=actor,
        action="award.record",
        instance=award,
        after={**snapshot(award), "initiatives": [i.pk for i in locked]},
        summary=f"{_title_short(title)} năm {cycle} – {award.subject_name} ({award.decision_text})",
    )
    return award


@transaction.atomic
def award_correct(
    *, actor: Actor, award: Award, reason: str, version: int | None = None, **changes: Any
) -> Award:
    """Correct a recorded award (a typing error in its decision number, date, title…). The board only, with
    a reason; the values before and after stay in the audit trail. `version`: the award's version when the
    board read it; an award corrected or revoked since is refused, saying what changed."""
    _check_board(actor, "đính chính khen thưởng đã ghi")
    award = Award.objects.select_for_update().get(pk=award.pk)
    if version is not None:
        _check_record_version(
            what=f"khen thưởng {_title_short(award.title)} năm {award.cycle} của {award.subject_name}",
            record=award,
            given=version,
            labels=AWARD_LABELS,
        )
    unknown = sorted(set(changes) - set(CORRECTABLE))
    if unknown:
        raise ValidationFailed(Problem(f"không sửa được trường {', '.join(unknown)}", field=unknown[0]))
    problems: list[Problem] = []
    if not reason.strip():
        problems.append(Problem("đính chính phải ghi lý do", field="reason"))
    if award.revoked_on is not None:
        problems.append(Problem("khen thưởng đã bị hủy bỏ, không đính chính được", field="award"))
    merged = {name: changes.get(name, getattr(award, name)) for name in CORRECTABLE}
    if all(_clean_value(name, merged[name]) == getattr(award, name) for name in CORRECTABLE):
        problems.append(Problem("chưa có thay đổi nào: đính chính phải sửa ít nhất một thông tin"))
    problems += _award_problems(
        person=award.person,
        unit=award.unit,
        title=merged["title"],
        cycle=merged["cycle"],
        period_start=merged["period_start"],
        decision_no=merged["decision_no"],
        decision_date=merged["decision_date"],
        kind=merged["kind"],
        basis=merged["basis"],
        exclude=award,
    )
    if problems:
        raise ValidationFailed(problems)
    audited = [*CORRECTABLE, "version"]
    before = snapshot(award, audited)
    for name, value in changes.items():
        setattr(award, name, _clean_value(name, value))
    award.version += 1
    _clean(award)
    award.save(update_fields=[*changes, "version"])
    audit_record(
        actor=actor,
        action="award.correct",
        instance=award,
        before=before,
        after={**snapshot(award, audited), "reason": reason.strip()},
        summary=f"Đính chính: {reason.strip()}",
    )
    return award


def _clean_value(name: str, value: Any) -> Any:
    return value.strip() if isinstance(value, str) and name != "note" else value


@transaction.atomic
def award_revoke(*, actor: Actor, award: Award, revoked_on: dt.date, reason: str) -> Award:
    """Revoke an award (REV_01: fraud, false dossier, unlawful evaluation, violations found later). The
    board only; the initiatives it used stay used."""
    _check_board(actor, "hủy bỏ quyết định khen thưởng")
    award = Award.objects.select_for_update().get(pk=award.pk)
    problems: list[Problem] = []
    if award.revoked_on is not None:
        problems.append(Problem(f"khen thưởng đã bị hủy bỏ ngày {award.revoked_on:%d/%m/%Y}", field="award"))
    if not reason.strip():
        problems.append(Problem("hủy bỏ phải ghi lý do", field="reason"))
    _check_date(revoked_on, problems, "revoked_on", "ngày hủy bỏ")
    if revoked_on < award.decision_date:
        problems.append(Problem("ngày hủy bỏ trước ngày quyết định khen thưởng", field="revoked_on"))
    if problems:
        raise ValidationFailed(problems)
    audited = [*CORRECTABLE, "revoked_on", "revoked_reason", "version"]
    before = snapshot(award, audited)
    award.revoked_on, award.revoked_reason = revoked_on, reason.strip()
    award.version += 1
    award.save(update_fields=["revoked_on", "revoked_reason", "version"])
    audit_record(
        actor=actor,
        action="award.revoke",
        instance=award,
        before=before,
        after=snapshot(award, audited),
        summary=f"Hủy bỏ {_title_short(award.title)} năm {award.cycle} – {award.subject_name}: {reason.strip()}",
    )
    return award


# --- initiatives ------------------------------------------------------------------------------------------


@transaction.atomic
def initiative_record(
    *,
    actor: Actor,
    person: Person,
    name: str,
    scope: str,
    recognised_on: dt.date | None,
    cycle: int | None = None,
    recognised_by: str = "",
    used_by: Award | None = None,
    note: str = "",
    source: str = "",
) -> Initiative:
    """An initiative (or accepted S&T topic) recognised for a person; `used_by` when an award already
    used it as its basis. Without `cycle`, the cycle `recognised_on` falls in, as the person's unit counted
    cycles that day (a school: 15/05/2025 is in the school year 2024–2025, cycle 2024)."""
    _check_records_for(actor, person=person)
    _lock_subject(person, None)
    name = " ".join(name.split())
    problems: list[Problem] = []
    if not name:
        problems.append(Problem("chưa ghi tên sáng kiến", field="name"))
    if scope not in InitiativeScope.values:
        problems.append(Problem(f"cấp công nhận “{scope}” không hợp lệ", field="scope"))
    _check_date(recognised_on, problems, "recognised_on", "ngày công nhận")
    if cycle is None:
        if recognised_on is None:
            problems.append(Problem("chưa ghi năm hoặc ngày công nhận", field="cycle"))
            cycle = 0
        else:  # the cycle the day falls in, as the person's unit then counts them (a school: school years)
            cycle = rulepacks.cycle_of(recognised_on, person_cycle_kind_on(person, recognised_on))
    _check_past_cycle(cycle, problems, "sáng kiến")
    if Initiative.objects.filter(person=person, name=name).exists():
        problems.append(Problem(f"{person} đã có sáng kiến “{name}”", field="name"))
    if used_by is not None and used_by.person_id != person.pk:
        problems.append(Problem("khen thưởng được chọn không phải của người này", field="used_by"))
    if problems:
        raise ValidationFailed(problems)
    initiative = Initiative(
        person=person,
        name=name,
        scope=scope,
        cycle=cycle,
        recognised_by=recognised_by.strip(),
        recognised_on=recognised_on,
        used_by=used_by,
        note=note,
        source=source[:300],
        recorded_by=actor_user(actor),
    )
    return _save_new(actor, initiative, "initiative.record", f"Sáng kiến “{name}” của {person}")


@transaction.atomic
def initiative_use(*, actor: Actor, initiative: Initiative, award: Award) -> Initiative:
    """Mark an initiative as the basis of an award; refused if it already served another (GEN_05)."""
    initiative = (
        Initiative.objects.select_for_update(of=("self",))
        .select_related("used_by", "person")
        .get(pk=initiative.pk)
    )
    _check_records_for(actor, person=initiative.person)
    problems = _initiative_problems([initiative], award.person, award)
    if problems:
        raise ValidationFailed([Problem(p.message, field="used_by") for p in problems])
    if initiative.used_by_id == award.pk:
        return initiative
    initiative.used_by = award
    initiative.save(update_fields=["used_by"])
    audit_record(
        actor=actor,
        action="initiative.use",
        instance=initiative,
        before={"used_by": None},
        after={"used_by": award.pk},
        summary=f"Sáng kiến “{initiative.name}” làm căn cứ cho {_title_short(award.title)} năm {award.cycle}",
    )
    return initiative


# --- discipline and pending reviews -------------------------------------------------------------------------


@transaction.atomic
def discipline_record(
    *,
    actor: Actor,
    person: Person | None = None,
    unit: Unit | None = None,
    level: int,
    start: dt.date,
    end: dt.date,
    decision_no: str = "",
    note: str = "",
    source: str = "",
) -> Discipline:
    _one_subject(person, unit)
    _check_records_for(actor, person=person, unit=unit)
    _lock_subject(person, unit)
    problems: list[Problem] = []
    if level not in DisciplineChoice.values:
        problems.append(Problem(f"hình thức kỷ luật “{level}” không hợp lệ", field="level"))
    if end < start:
        problems.append(Problem("ngày kết thúc kỷ luật trước ngày bắt đầu", field="end"))
    _check_date(start, problems, "start", "ngày bắt đầu kỷ luật")
    if problems:
        raise ValidationFailed(problems)
    record = Discipline(
        person=person,
        unit=unit,
        level=level,
        start=start,
        end=end,
        decision_no=decision_no.strip(),
        note=note,
        source=source[:300],
        recorded_by=actor_user(actor),
    )
    return _save_new(
        actor,
        record,
        "discipline.record",
        f"Kỷ luật {record.get_level_display().lower()} – {record.subject_name}",
    )


@transaction.atomic
def pending_review_open(
    *,
    actor: Actor,
    person: Person | None = None,
    unit: Unit | None = None,
    kind: str,
    since: dt.date,
    until: dt.date | None = None,
    note: str = "",
    source: str = "",
) -> PendingReview:
    """A person or collective under disciplinary review, investigation, inspection or complaint
    verification: no award while it is open (GEN_01)."""
    _one_subject(person, unit)
    _check_records_for(actor, person=person, unit=unit)
    _lock_subject(person, unit)
    problems: list[Problem] = []
    if kind not in PendingKind.values:
        problems.append(Problem(f"loại “{kind}” không hợp lệ", field="kind"))
    _check_date(since, problems, "since", "ngày bắt đầu")
    if until is not None and until < since:
        problems.append(Problem("ngày kết thúc trước ngày bắt đầu", field="until"))
    if problems:
        raise ValidationFailed(problems)
    record = PendingReview(
        person=person,
        unit=unit,
        kind=kind,
        since=since,
        until=until,
        note=note,
        source=source[:300],
        recorded_by=actor_user(actor),
    )
    return _save_new(actor, record, "pending.open", f"{record.get_kind_display()} – {record.subject_name}")


@transaction.atomic
def pending_review_close(*, actor: Actor, review: PendingReview, until: dt.date) -> PendingReview:
    review = PendingReview.objects.select_for_update().get(pk=review.pk)
    _check_records_for(actor, person=review.person, unit=review.unit)
    problems: list[Problem] = []
    if review.until is not None:
        problems.append(Problem(f"đã kết thúc ngày {review.until:%d/%m/%Y}", field="until"))
    if until < review.since:
        problems.append(Problem("ngày kết thúc trước ngày bắt đầu", field="until"))
    _check_date(until, problems, "until", "ngày kết thúc")
    if problems:
        raise ValidationFailed(problems)
    before = snapshot(review, ["until"])
    review.until = until
    review.save(update_fields=["until"])
    audit_record(
        actor=actor, action="pending.close", instance=review, before=before, after=snapshot(review, ["until"])
    )
    return review


# --- the board's parameters ---------------------------------------------------------------------------------


def _override_problems(
    rule_id: str, param: str, value: Any, cycle_from: int, cycle_to: int | None, reason: str, *, reset: bool
) -> list[Problem]:
    """The rule and parameter must exist in a shipped rule pack and the value fit its declared type and
    range (`rulepacks.validate_overrides`, which names what was expected, in Vietnamese)."""
    problems: list[Problem] = []
    if not reason.strip():
        problems.append(Problem("điều chỉnh tham số phải ghi lý do", field="reason"))
    _check_cycle(cycle_from, problems, "cycle_from", "năm áp dụng")
    if cycle_to is not None:
        _check_cycle(cycle_to, problems, "cycle_to", "năm kết thúc")
        if cycle_to < cycle_from:
            problems.append(Problem("năm kết thúc trước năm bắt đầu áp dụng", field="cycle_to"))
    if reset:
        declared = {
            p.name for pack in rulepacks.packs() if pack.has_rule(rule_id) for p in pack.rule(rule_id).params
        }
        if param not in declared:
            problems.append(Problem(f"quy tắc {rule_id} không có tham số “{param}”", field="param"))
        return problems
    try:
        rulepacks.validate_overrides({rule_id: {param: value}})
    except rulepacks.RulePackError as exc:
        problems += [Problem(message, field="value") for message in exc.problems]
    return problems


def _override_create(
    actor: Actor,
    rule_id: str,
    param: str,
    value: Any,
    cycle_from: int,
    cycle_to: int | None,
    reason: str,
    *,
    reset: bool,
) -> ParameterOverride:
    """Append one override row (the history is never rewritten) and audit it."""
    _check_board(actor, "điều chỉnh tham số quy tắc")
    problems = _override_problems(rule_id, param, value, cycle_from, cycle_to, reason, reset=reset)
    if problems:
        raise ValidationFailed(problems)
    row = ParameterOverride.objects.create(
        rule_id=rule_id,
        param=param,
        value=value,
        reset=reset,
        cycle_from=cycle_from,
        cycle_to=cycle_to,
        reason=reason.strip(),
        set_by=actor_user(actor),
    )
    if reset:
        what = f"{rule_id}.{param} trở về giá trị của bộ quy tắc từ năm {cycle_from}"
    else:
        what = f"{rule_id}.{param} = {value!r} từ năm {cycle_from}"
    audit_record(
        actor=actor,
        action="override.reset" if reset else "override.set",
        instance=row,
        after=snapshot(row),
        summary=f"{what}: {reason.strip()}",
    )
    return row


@transaction.atomic
def parameter_override_set(
    *,
    actor: Actor,
    rule_id: str,
    param: str,
    value: Any,
    cycle_from: int,
    reason: str,
    cycle_to: int | None = None,
) -> ParameterOverride:
    """The board sets a rule's parameter (a cap, a threshold, a quota) from a cycle on, with a reason."""
    return _override_create(actor, rule_id, param, value, cycle_from, cycle_to, reason, reset=False)


@transaction.atomic
def parameter_override_reset(
    *, actor: Actor, rule_id: str, param: str, cycle_from: int, reason: str, cycle_to: int | None = None
) -> ParameterOverride:
    """Return a parameter to the rule pack's value from a cycle on: a new row, the history kept."""
    return _override_create(actor, rule_id, param, None, cycle_from, cycle_to, reason, reset=True)


# --- the bulk evaluation --------------------------------------------------------------------------------------


@transaction.atomic
def evaluation_job_start(*, actor: Actor, scope: Unit, cycle: int) -> EvaluationJob:
    """Queue the evaluation of every person of `scope` (a province: all its units; or one unit) for a
    cycle. The board only. The task starts once the transaction commits."""
    _check_board(actor, "chạy xét danh hiệu hàng loạt")
    problems: list[Problem] = []
    _check_cycle(cycle, problems)
    if not scope.valid_in_year(cycle):
        problems.append(Problem(f"“{scope}” không có hiệu lực trong năm {cycle}", field="scope"))
    running = EvaluationJob.objects.filter(
        scope=scope, cycle=cycle, status__in=[JobStatus.QUEUED, JobStatus.RUNNING]
    )
    if running.exists():
        problems.append(
            Problem(f"đang có một lượt xét năm {cycle} cho “{scope}”: hãy chờ lượt đó xong", field="scope")
        )
    if problems:
        raise ValidationFailed(problems)
    job = EvaluationJob.objects.create(scope=scope, cycle=cycle, created_by=actor_user(actor))
    audit_record(
        actor=actor,
        action="evaluation.start",
        instance=job,
        after={"scope": scope.pk, "cycle": cycle},
        summary=f"Xét danh hiệu năm {cycle} cho {scope}",
    )

    def enqueue() -> None:
        from tdkt.awards.tasks import evaluate_scope

        result = evaluate_scope.enqueue(job.pk)
        EvaluationJob.objects.filter(pk=job.pk).update(task_id=str(result.id))

    transaction.on_commit(enqueue)
    return job
