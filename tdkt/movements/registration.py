"""Writes for the emulation registration (đăng ký thi đua) a unit sends its superior at the year's start.

A unit's staff (or the board) put on their unit's list, for a cycle, the titles its collective registers for
(TTLĐTT, TTLĐXS, Cờ thi đua…) and, for each of its people, the titles they register for (LĐTT, CSTĐCS…);
then send the list to the unit's superior: the staff of its parent unit, or the board when it has none (the
board may always act). The superior accepts the list or returns it with a reason; a returned list is
edited and sent again — the status cycle of a `Report` (draft → submitted → accepted | returned).

Refused, in Vietnamese, nothing written: a person who does not work in the unit in that cycle (read as the
candidates page reads it, `awards.selectors.members_in_cycles`), a title that is not a danh hiệu thi đua for
that kind of subject (an individual's for a person, the collective's for the unit; CSTT and ĐVTT/ĐVQT for
the armed forces instead of LĐTT and TTLĐTT/TTLĐXS), a title registered twice for one subject in a cycle
(on this list or another unit's), any change once the list is sent, sending an empty list.

Every service is keyword-only, atomic and audited; `actor=None` is the system (demo loader), unchecked.
A person's write carries the list's `version` as read (None: not checked): a list changed since is refused.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from tdkt.awards import catalogue
from tdkt.awards.selectors import members_in_cycles, subject_kind
from tdkt.awards.subjects import SUBJECT_INDIVIDUAL
from tdkt.clusters.scopes import Viewer, viewer_for
from tdkt.core.audit import Actor, actor_user, audit_record, snapshot
from tdkt.core.errors import NotPermitted, Problem, ValidationFailed
from tdkt.core.versions import check_version
from tdkt.movements.models import RegistrationLine, RegistrationStatus, TitleRegistration
from tdkt.org.models import Person, Unit
from tdkt.org.selectors import unit_history_ids

MIN_CYCLE = 2000
COLLECTIVE = "tập thể"


# --- which titles a subject may register for -----------------------------------------------------------------


def _side_fits(code: str, armed_forces: bool) -> bool:
    """A title with a twin on the other side (LĐTT ↔ CSTT, TTLĐTT ↔ ĐVTT, TTLĐXS ↔ ĐVQT) is registered
    under the name of the subject's side."""
    entry = catalogue.title(code)
    return not entry.armed_forces_equivalent or entry.armed_forces == armed_forces


def _titles(kind: str, armed_forces: bool) -> tuple[str, ...]:
    return tuple(
        code
        for code in catalogue.titles_for(kind)
        if catalogue.title(code).kind == catalogue.KIND_TITLE and _side_fits(code, armed_forces)
    )


def person_titles(unit: Unit) -> tuple[str, ...]:
    """The titles (danh hiệu thi đua) a person of this unit may register for, in catalogue order."""
    return _titles(SUBJECT_INDIVIDUAL, unit.armed_forces)


def collective_titles(unit: Unit) -> tuple[str, ...]:
    """The titles the unit itself (a collective, or a commune) may register for, in catalogue order."""
    return _titles(subject_kind(unit), unit.armed_forces)


def title_name(code: str) -> str:
    entry = catalogue.CATALOGUE.get(code)
    return entry.name if entry is not None else code


# --- who may do what ------------------------------------------------------------------------------------------


def superior_of(unit: Unit) -> Unit | None:
    """The unit that receives the list: its parent; None means the provincial board."""
    return unit.parent


def superior_name(unit: Unit) -> str:
    parent = superior_of(unit)
    return parent.name if parent is not None else "Ban Thi đua – Khen thưởng"


def may_edit(viewer: Viewer, unit: Unit) -> bool:
    return viewer.is_board or viewer.is_staff_of(unit.pk)


def may_review(viewer: Viewer, unit: Unit) -> bool:
    """The board, or the staff of the unit's parent."""
    return viewer.is_board or (unit.parent_id is not None and viewer.is_staff_of(unit.parent_id))


def check_may_edit(actor: Actor, unit: Unit) -> None:
    if actor is not None and not may_edit(viewer_for(actor), unit):
        raise NotPermitted(
            f"Chỉ cán bộ của “{unit}” hoặc Ban Thi đua – Khen thưởng mới được lập bản đăng ký này"
        )


def _check_review(actor: Actor, unit: Unit) -> None:
    if actor is not None and not may_review(viewer_for(actor), unit):
        raise NotPermitted(
            f"Chỉ {superior_name(unit)} (cấp trên của “{unit}”) hoặc Ban Thi đua – Khen thưởng mới được "
            "tiếp nhận hoặc trả lại bản đăng ký này"
        )


def _check_version(registration: TitleRegistration, version: int | None) -> None:
    if version is None:
        return
    check_version(
        what=f"bản đăng ký thi đua năm {registration.cycle} của “{registration.unit}”",
        given=version,
        current=registration.version,
        field="version",
    )


def _check_editable(registration: TitleRegistration) -> None:
    if not registration.is_editable:
        raise ValidationFailed(
            Problem(
                f"bản đăng ký đang ở trạng thái “{registration.get_status_display()}”: không sửa được; "
                "chỉ sửa khi cấp trên trả lại",
                field="status",
            )
        )


def _locked(registration: TitleRegistration) -> TitleRegistration:
    return TitleRegistration.objects.select_for_update().select_related("unit").get(pk=registration.pk)


# --- the list -------------------------------------------------------------------------------------------------


@transaction.atomic
def registration_get_or_create(*, actor: Actor, unit: Unit, cycle: int) -> TitleRegistration:
    """The unit's list for the cycle, opened (as a draft) the first time. Refused: a cycle out of range, a
    unit not in force that year."""
    check_may_edit(actor, unit)
    last = timezone.localdate().year + 1
    if not MIN_CYCLE <= cycle <= last:
        raise ValidationFailed(Problem(f"năm thi đua phải từ {MIN_CYCLE} đến {last}", field="cycle"))
    if not unit.valid_in_year(cycle):
        raise ValidationFailed(Problem(f"“{unit}” không có hiệu lực trong năm {cycle}", field="unit"))
    registration, created = TitleRegistration.objects.get_or_create(unit=unit, cycle=cycle)
    if created:
        audit_record(
            actor=actor, action="registration.create", instance=registration, after=snapshot(registration)
        )
    return registration


@dataclass(frozen=True)
class LineInput:
    """One title to register: for `person`, or for the collective when `person` is None. `row` and
    `column` locate it in the input (a body's list, a file's row) for the refusal."""

    title: str
    person: Person | None = None
    row: int | None = None
    column: str | None = None
    person_column: str | None = None


def _who(line: LineInput | RegistrationLine, unit: Unit) -> str:
    return line.person.full_name if line.person is not None else f"{COLLECTIVE} {unit.name}"


def _line_problems(
    registration: TitleRegistration, lines: Sequence[LineInput], *, replacing: bool
) -> list[Problem]:
    """Every problem of the lines against the unit, the cycle, each other and what is registered already
    (this list's lines too, unless `replacing` them)."""
    unit, cycle = registration.unit, registration.cycle
    members = members_in_cycles(Unit.objects.filter(pk__in=unit_history_ids(unit)), [cycle])[cycle]
    allowed_people, allowed_unit = person_titles(unit), collective_titles(unit)
    others = RegistrationLine.objects.filter(cycle=cycle, person__in=[x.person for x in lines if x.person])
    if replacing:
        others = others.exclude(registration=registration)
    taken = {(row.person_id, row.title): row for row in others.select_related("registration__unit")}
    if not replacing:
        for row in registration.lines.filter(person__isnull=True):
            taken[(None, row.title)] = row
    problems: list[Problem] = []
    seen: dict[tuple[int | None, str], int | None] = {}
    for line in lines:
        who = _who(line, unit)
        if line.person is not None and line.person.pk not in members:
            problems.append(
                Problem(
                    f"{line.person.full_name} không công tác tại “{unit}” trong năm {cycle}: không đăng ký "
                    "được trong danh sách của đơn vị",
                    row=line.row,
                    column=line.person_column,
                    field="person",
                )
            )
            continue
        allowed = allowed_people if line.person is not None else allowed_unit
        if line.title not in allowed:
            shown = ", ".join(f"“{title_name(c)}”" for c in allowed)
            name = title_name(line.title) if line.title in catalogue.CATALOGUE else f"mã “{line.title}”"
            kind = "cá nhân" if line.person is not None else f"tập thể {unit.name}"
            problems.append(
                Problem(
                    f"“{name}” không phải danh hiệu thi đua {kind} đăng ký được; chọn một trong: {shown}",
                    row=line.row,
                    column=line.column,
                    field="title",
                )
            )
            continue
        key = (line.person.pk if line.person is not None else None, line.title)
        if key in seen:
            earlier = f" (dòng {seen[key]})" if seen[key] is not None else ""
            problems.append(
                Problem(
                    f"{who} đăng ký “{title_name(line.title)}” hai lần{earlier}",
                    row=line.row,
                    column=line.column,
                    field="title",
                )
            )
            continue
        seen[key] = line.row
        existing = taken.get(key)
        if existing is not None:
            owner = existing.registration.unit
            on = "danh sách này" if owner.pk == unit.pk else f"danh sách của “{owner}”"
            problems.append(
                Problem(
                    f"{who} đã đăng ký “{title_name(line.title)}” năm {cycle} ở {on}",
                    row=line.row,
                    column=line.column,
                    field="title",
                )
            )
    return problems


def _insert(registration: TitleRegistration, lines: Sequence[LineInput]) -> list[RegistrationLine]:
    """Insert the checked lines. Another unit registering the same person for the same title at the same
    moment passes the check too; the database's unique constraint then refuses one of them, in words."""
    rows = [
        RegistrationLine(registration=registration, cycle=registration.cycle, person=x.person, title=x.title)
        for x in lines
    ]
    try:
        with transaction.atomic():
            return RegistrationLine.objects.bulk_create(rows)
    except IntegrityError as exc:
        raise ValidationFailed(
            Problem(
                "một danh hiệu vừa được đăng ký ở danh sách khác: hãy tải lại trang rồi thử lại",
                field="title",
            )
        ) from exc


def _bump(registration: TitleRegistration) -> None:
    registration.version += 1
    registration.save(update_fields=["version"])


@transaction.atomic
def registration_lines_add(
    *, actor: Actor, registration: TitleRegistration, lines: Sequence[LineInput], version: int | None = None
) -> list[RegistrationLine]:
    """Add titles to an editable list, all or none."""
    registration = _locked(registration)
    check_may_edit(actor, registration.unit)
    _check_editable(registration)
    _check_version(registration, version)
    if not lines:
        raise ValidationFailed(Problem("chưa chọn danh hiệu nào để đăng ký", field="title"))
    problems = _line_problems(registration, lines, replacing=False)
    if problems:
        raise ValidationFailed(problems)
    created = _write_lines(actor, registration, lines)
    _bump(registration)
    return created


def _write_lines(
    actor: Actor, registration: TitleRegistration, lines: Sequence[LineInput]
) -> list[RegistrationLine]:
    created = _insert(registration, lines)
    audit_record(
        actor=actor,
        action="registration.lines_add",
        instance=registration,
        after={"lines": [[x.person.pk if x.person else None, x.title] for x in lines]},
    )
    return created


@transaction.atomic
def registration_lines_replace(
    *, actor: Actor, registration: TitleRegistration, lines: Sequence[LineInput], source: str = ""
) -> list[RegistrationLine]:
    """Replace every line of an editable list by `lines` (the Excel import), all or none; an empty list is
    refused (nothing to register is said by sending nothing)."""
    registration = _locked(registration)
    check_may_edit(actor, registration.unit)
    _check_editable(registration)
    if not lines:
        raise ValidationFailed(Problem("không có dòng đăng ký nào", field="title"))
    problems = _line_problems(registration, lines, replacing=True)
    if problems:
        raise ValidationFailed(problems)
    before = [[line.person_id, line.title] for line in registration.lines.all()]
    registration.lines.all().delete()
    created = _insert(registration, lines)
    audit_record(
        actor=actor,
        action="registration.lines_replace",
        instance=registration,
        before={"lines": before},
        after={"lines": [[x.person.pk if x.person else None, x.title] for x in lines]},
        summary=source,
    )
    _bump(registration)
    return created


@transaction.atomic
def registration_line_remove(
    *, actor: Actor, registration: TitleRegistration, line_id: int, version: int | None = None
) -> None:
    """Take one title off an editable list."""
    registration = _locked(registration)
    check_may_edit(actor, registration.unit)
    _check_editable(registration)
    _check_version(registration, version)
    line = registration.lines.filter(pk=line_id).first()
    if line is None:
        raise ValidationFailed(Problem("dòng đăng ký này không còn trong danh sách", field="line"))
    audit_record(actor=actor, action="registration.line_remove", instance=registration, before=snapshot(line))
    line.delete()
    _bump(registration)


# --- the status cycle -----------------------------------------------------------------------------------------

_TRANSITIONS: dict[str, tuple[set[str], str]] = {
    "submit": ({RegistrationStatus.DRAFT, RegistrationStatus.RETURNED}, RegistrationStatus.SUBMITTED),
    "return": ({RegistrationStatus.SUBMITTED}, RegistrationStatus.RETURNED),
    "accept": ({RegistrationStatus.SUBMITTED}, RegistrationStatus.ACCEPTED),
}
ACTION_LABELS = {"submit": "gửi", "return": "trả lại", "accept": "tiếp nhận"}


@transaction.atomic
def registration_transition(
    *,
    actor: Actor,
    registration: TitleRegistration,
    action: str,
    reason: str = "",
    version: int | None = None,
) -> TitleRegistration:
    """Send the list to the superior (the unit's staff, the board), accept it or return it with a reason
    (the superior: the parent unit's staff, the board)."""
    if action not in _TRANSITIONS:
        raise ValidationFailed(Problem(f"thao tác “{action}” không hợp lệ", field="action"))
    registration = _locked(registration)
    if action == "submit":
        check_may_edit(actor, registration.unit)
    else:
        _check_review(actor, registration.unit)
    allowed_from, to = _TRANSITIONS[action]
    if registration.status not in allowed_from:
        raise ValidationFailed(
            Problem(
                f"không thể {ACTION_LABELS[action]} bản đăng ký đang ở trạng thái "
                f"“{registration.get_status_display()}”",
                field="status",
            )
        )
    _check_version(registration, version)
    if action == "return" and not reason.strip():
        raise ValidationFailed(Problem("phải ghi lý do trả lại", field="reason"))
    if action == "submit" and not registration.lines.exists():
        raise ValidationFailed(
            Problem(
                "bản đăng ký chưa có danh hiệu nào: thêm tập thể hoặc cá nhân đăng ký rồi gửi", field="lines"
            )
        )
    before = snapshot(registration, ["status", "return_reason"])
    now, user = timezone.now(), actor_user(actor)
    registration.status = to
    if action == "submit":
        registration.submitted_at, registration.submitted_by = now, user
    else:
        registration.reviewed_at, registration.reviewed_by = now, user
        if action == "return":
            registration.return_reason = reason.strip()
    registration.version += 1
    registration.save()
    audit_record(
        actor=actor,
        action=f"registration.{action}",
        instance=registration,
        before=before,
        after=snapshot(registration, ["status", "return_reason"]),
        summary=reason.strip(),
    )
    return registration
