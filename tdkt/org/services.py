"""Writes for units and their lineage. Every function is atomic, validated and audited."""

from __future__ import annotations

import datetime as dt
import re
import secrets

from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import ProtectedError, Q
from django.utils import timezone

from tdkt.core.audit import Actor, audit_record, snapshot
from tdkt.core.errors import NotPermitted, Problem, ValidationFailed
from tdkt.org.models import (
    Account,
    CycleKind,
    Employment,
    Gender,
    LineageEvent,
    LineageKind,
    LineageLink,
    Person,
    Role,
    Unit,
    UnitKind,
)
from tdkt.org.selectors import (
    setup_needed,
    unit_descends_from,
    unit_history_ids,
    unit_people_on,
    unit_references,
)

CODE_MAX = 40
NAME_MAX = 200


@transaction.atomic
def unit_create(
    *,
    actor: Actor,
    code: str,
    name: str,
    kind: str,
    parent: Unit | None = None,
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
    note: str = "",
    cycle_kind: str = CycleKind.CALENDAR,
    armed_forces: bool = False,
) -> Unit:
    """A unit as it stands from `valid_from` (empty: always). The board's (or the system's). Refused: a
    code already used by another unit, in any period (a code names one unit row for all time: a unit that
    follows a merge, split or rename gets a new code), an unknown kind, a validity that ends before it
    starts, a parent that is closed or whose validity does not meet the unit's."""
    _check_board(actor, "tạo đơn vị")
    unit = Unit(
        code=code.strip(),
        name=" ".join(name.split()),
        kind=kind,
        parent=parent,
        valid_from=valid_from,
        valid_to=valid_to,
        note=note.strip(),
        cycle_kind=cycle_kind,
        armed_forces=armed_forces,
    )
    # a person may not open a unit under a closed parent; the system replaying recorded history (the demo,
    # whose districts outlive their pre-reform province) may, as it may create accounts of closed units
    problems = unit_problems(unit, parent_changed=actor is not None)
    if problems:
        raise ValidationFailed(problems)
    _clean_unit(unit)
    unit.save()
    audit_record(
        actor=actor, action="unit.create", instance=unit, after=snapshot(unit), summary=f"Tạo đơn vị {unit}"
    )
    return unit


def _day(day: dt.date | None) -> str:
    return f"{day:%d/%m/%Y}" if day is not None else ""


def validity_text(unit: Unit) -> str:
    """“hiệu lực từ 01/01/2020 đến 30/06/2025”, “còn hiệu lực”."""
    if unit.valid_from is None and unit.valid_to is None:
        return "còn hiệu lực"
    parts = ["hiệu lực"]
    if unit.valid_from is not None:
        parts.append(f"từ {_day(unit.valid_from)}")
    parts.append(f"đến {_day(unit.valid_to)}" if unit.valid_to is not None else "đến nay")
    return " ".join(parts)


def unit_problems(unit: Unit, *, parent_changed: bool, codes: dict[str, Unit] | None = None) -> list[Problem]:
    """What is wrong with a unit about to be written (new, or edited: `unit.pk` set). Shared by the
    pages, the API and the Excel import, which also checks its rows against each other. `codes`: every
    stored unit by its code casefolded, read in the caller's transaction (the import's 1,000 rows would
    otherwise be 1,000 queries); without it, the code is looked up."""
    problems: list[Problem] = []
    if not unit.code:
        problems.append(Problem("chưa ghi mã đơn vị", field="code"))
    elif len(unit.code) > CODE_MAX:
        problems.append(Problem(f"mã đơn vị dài quá {CODE_MAX} ký tự", field="code"))
    else:
        if codes is not None:
            same = codes.get(unit.code.casefold())
            same = same if same is not None and same.pk != unit.pk else None
        else:
            same = Unit.objects.filter(code__iexact=unit.code).exclude(pk=unit.pk).first()
        if same is not None:
            problems.append(
                Problem(
                    f"mã “{unit.code}” đã dùng cho “{same.name}” ({validity_text(same)}): mỗi mã chỉ dùng "
                    "cho một đơn vị trong mọi thời kỳ, đơn vị mới sau sáp nhập, chia tách, đổi tên cần mã mới",
                    field="code",
                )
            )
    if not unit.name:
        problems.append(Problem("chưa ghi tên đơn vị", field="name"))
    elif len(unit.name) > NAME_MAX:
        problems.append(Problem(f"tên đơn vị dài quá {NAME_MAX} ký tự", field="name"))
    if unit.kind not in UnitKind.values:
        problems.append(Problem(f"loại đơn vị “{unit.kind}” không hợp lệ", field="kind"))
    if unit.cycle_kind not in CycleKind.values:
        problems.append(
            Problem(
                f"kỳ xét thi đua “{unit.cycle_kind}” không hợp lệ: cần năm dương lịch hoặc năm học",
                field="cycle_kind",
            )
        )
    if unit.valid_from is not None and unit.valid_to is not None and unit.valid_to < unit.valid_from:
        problems.append(
            Problem(
                f"ngày hết hiệu lực {_day(unit.valid_to)} trước ngày bắt đầu hiệu lực {_day(unit.valid_from)}",
                field="valid_to",
            )
        )
    parent = unit.parent
    if parent is not None:
        if unit.pk is not None and unit_descends_from(parent, unit):
            problems.append(
                Problem(
                    f"“{parent.name}” không thể là cấp trên của “{unit.name}”: "
                    + (
                        "một đơn vị không thể là cấp trên của chính nó"
                        if parent.pk == unit.pk
                        else f"“{unit.name}” đang là cấp trên (trực tiếp hoặc gián tiếp) của “{parent.name}”, "
                        "sẽ thành vòng lặp đơn vị là cấp trên của chính mình"
                    ),
                    field="parent",
                )
            )
        elif parent_changed and parent.valid_to is not None and unit.valid_to is None:
            problems.append(
                Problem(
                    f"cấp trên “{parent.name}” đã đóng (hết hiệu lực ngày {_day(parent.valid_to)}): "
                    "đơn vị còn hiệu lực không thể thuộc đơn vị đã đóng",
                    field="parent",
                )
            )
        elif (
            parent.valid_to is not None and unit.valid_from is not None and parent.valid_to < unit.valid_from
        ) or (
            parent.valid_from is not None and unit.valid_to is not None and unit.valid_to < parent.valid_from
        ):
            problems.append(
                Problem(
                    f"thời gian hiệu lực của cấp trên “{parent.name}” ({validity_text(parent)}) "
                    f"không trùng với thời gian hiệu lực của đơn vị",
                    field="parent",
                )
            )
    return problems


def _clean_unit(unit: Unit) -> None:
    try:
        unit.full_clean(validate_unique=False)
    except DjangoValidationError as exc:
        raise ValidationFailed(_problems_from_django(exc)) from exc


UNIT_FIELDS = [
    "code",
    "name",
    "kind",
    "parent",
    "valid_from",
    "valid_to",
    "note",
    "cycle_kind",
    "armed_forces",
]
IDENTITY_FIELDS = ["code", "name", "kind", "parent", "valid_from", "note"]


@transaction.atomic
def unit_update(
    *,
    actor: Actor,
    unit: Unit,
    code: str,
    name: str,
    kind: str,
    parent: Unit | None,
    valid_from: dt.date | None,
    note: str = "",
    cycle_kind: str | None = None,
    armed_forces: bool | None = None,
    reason: str = "",
) -> Unit:
    """Correct a unit's code, name, kind, parent, start of validity and note (the board's). A change of how
    its emulation is counted (`cycle_kind`, `armed_forces`, None: unchanged) goes through
    `unit_emulation_set` and needs a reason. The end of validity is set by `unit_close` or by a lineage
    event, never here. Refused: a parent that would make the unit its own ancestor, a duplicate code, a
    start that contradicts the lineage event that created the unit or the records already kept."""
    _check_board(actor, "sửa đơn vị")
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    before = snapshot(unit, IDENTITY_FIELDS)
    old_valid_from = unit.valid_from
    parent_changed = (parent.pk if parent else None) != unit.parent_id
    unit.code, unit.name, unit.kind = code.strip(), " ".join(name.split()), kind
    unit.parent, unit.valid_from, unit.note = parent, valid_from, note.strip()
    problems = unit_problems(unit, parent_changed=parent_changed)
    if valid_from != old_valid_from:
        created_by = unit.predecessor_links.select_related("event").first()
        if created_by is not None and valid_from != created_by.event.effective_date:
            problems.append(
                Problem(
                    f"“{unit.name}” được lập do {created_by.event.get_kind_display().lower()} có hiệu lực "
                    f"ngày {_day(created_by.event.effective_date)}: ngày bắt đầu hiệu lực phải là ngày đó",
                    field="valid_from",
                )
            )
        earlier = unit.employments.filter(start__lt=valid_from).count() if valid_from else 0
        if earlier:
            problems.append(
                Problem(
                    f"đã có {earlier} quá trình công tác tại đơn vị bắt đầu trước ngày {_day(valid_from)}",
                    field="valid_from",
                )
            )
    emulation_changes = (cycle_kind is not None and cycle_kind != unit.cycle_kind) or (
        armed_forces is not None and armed_forces != unit.armed_forces
    )
    if emulation_changes and not reason.strip():
        problems.append(Problem("thay đổi kỳ xét thi đua của đơn vị phải ghi lý do", field="reason"))
    after = snapshot(unit, IDENTITY_FIELDS)
    if not problems and after == before and not emulation_changes:
        problems.append(Problem("không có gì thay đổi so với hiện tại", field="name"))
    if problems:
        raise ValidationFailed(problems)
    _clean_unit(unit)
    if after != before:
        unit.save(update_fields=[f for f in IDENTITY_FIELDS if after[f] != before[f]])
        audit_record(
            actor=actor,
            action="unit.update",
            instance=unit,
            before=before,
            after=after,
            summary=f"Sửa đơn vị {unit}",
        )
    if emulation_changes:
        unit = unit_emulation_set(
            actor=actor,
            unit=unit,
            cycle_kind=cycle_kind if cycle_kind is not None else unit.cycle_kind,
            armed_forces=armed_forces if armed_forces is not None else unit.armed_forces,
            reason=reason,
        )
    return unit


@transaction.atomic
def unit_close(*, actor: Actor, unit: Unit, valid_to: dt.date, reason: str = "") -> Unit:
    """The unit ceases to exist after `valid_to` (dissolved, or no longer followed); its history stays.
    Refused: a unit already closed, a day before it started, sub-units or people still there after that
    day (close or move them first; a merge or split is recorded as a lineage event instead)."""
    _check_board(actor, "đóng đơn vị")
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    problems: list[Problem] = []
    if unit.valid_to is not None:
        problems.append(
            Problem(f"“{unit.name}” đã đóng (hết hiệu lực ngày {_day(unit.valid_to)})", field="valid_to")
        )
    elif unit.valid_from is not None and valid_to < unit.valid_from:
        problems.append(
            Problem(
                f"ngày hết hiệu lực {_day(valid_to)} trước ngày bắt đầu hiệu lực {_day(unit.valid_from)}",
                field="valid_to",
            )
        )
    else:
        children = list(
            unit.children.filter(Q(valid_to__isnull=True) | Q(valid_to__gt=valid_to)).order_by("name")[:6]
        )
        if children:
            shown = ", ".join(f"“{c.name}”" for c in children[:5]) + (", …" if len(children) > 5 else "")
            problems.append(
                Problem(
                    f"còn đơn vị cấp dưới có hiệu lực sau ngày {_day(valid_to)} ({shown}): "
                    "hãy đóng hoặc chuyển các đơn vị này trước",
                    field="valid_to",
                )
            )
        people = unit.employments.filter(Q(end__isnull=True) | Q(end__gt=valid_to)).count()
        if people:
            problems.append(
                Problem(
                    f"còn {people} cán bộ công tác tại đơn vị sau ngày {_day(valid_to)}: hãy chuyển họ sang "
                    "đơn vị khác, hoặc ghi biến động sáp nhập để chuyển cả đơn vị",
                    field="valid_to",
                )
            )
    if problems:
        raise ValidationFailed(problems)
    before = snapshot(unit, ["valid_to"])
    unit.valid_to = valid_to
    unit.save(update_fields=["valid_to"])
    audit_record(
        actor=actor,
        action="unit.close",
        instance=unit,
        before=before,
        after={**snapshot(unit, ["valid_to"]), "reason": reason.strip()},
        summary=f"Đóng đơn vị {unit} từ sau ngày {_day(valid_to)}"
        + (f" — {reason.strip()}" if reason.strip() else ""),
    )
    return unit


@transaction.atomic
def unit_delete(*, actor: Actor, unit: Unit) -> None:
    """Delete a unit entered by mistake. Only a unit nothing refers to: one with any history (people,
    clusters, reports, titles, lineage, sub-units, accounts) is refused — close it instead."""
    _check_board(actor, "xóa đơn vị")
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    references = unit_references([unit])
    if references:
        shown = ", ".join(f"{r.count} {r.label}" for r in references)
        raise ValidationFailed(
            Problem(
                f"không xóa được “{unit.name}” vì đã có dữ liệu gắn với đơn vị ({shown}): "
                "hãy đóng đơn vị thay vì xóa",
                field="unit",
            )
        )
    audit_record(
        actor=actor, action="unit.delete", instance=unit, before=snapshot(unit), summary=f"Xóa đơn vị {unit}"
    )
    try:
        with transaction.atomic():
            unit.delete()
    except ProtectedError as exc:  # a reference added since the count
        raise ValidationFailed(
            Problem(
                f"không xóa được “{unit.name}” vì đã có dữ liệu gắn với đơn vị: hãy đóng đơn vị thay vì xóa",
                field="unit",
            )
        ) from exc


EMULATION_FIELDS = ["cycle_kind", "armed_forces"]


@transaction.atomic
def unit_emulation_set(*, actor: Actor, unit: Unit, cycle_kind: str, armed_forces: bool, reason: str) -> Unit:
    """How a unit's emulation is counted: on school years (schools and other education institutions) or
    calendar years, and whether it belongs to the armed forces (Chiến sĩ tiên tiến stands for Lao động tiên
    tiến). It changes how every cycle of its people is read, so it is the board's, with a reason."""
    _check_board(actor, "đặt kỳ xét thi đua của đơn vị")
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    problems: list[Problem] = []
    if cycle_kind not in CycleKind.values:
        problems.append(
            Problem(
                f"kỳ xét thi đua “{cycle_kind}” không hợp lệ: cần năm dương lịch hoặc năm học",
                field="cycle_kind",
            )
        )
    if not reason.strip():
        problems.append(Problem("thay đổi kỳ xét thi đua của đơn vị phải ghi lý do", field="reason"))
    if problems:
        raise ValidationFailed(problems)
    before = snapshot(unit, EMULATION_FIELDS)
    if before == {"cycle_kind": cycle_kind, "armed_forces": armed_forces}:
        raise ValidationFailed(Problem("không có gì thay đổi so với hiện tại", field="cycle_kind"))
    unit.cycle_kind, unit.armed_forces = cycle_kind, armed_forces
    unit.save(update_fields=EMULATION_FIELDS)
    audit_record(
        actor=actor,
        action="unit.emulation",
        instance=unit,
        before=before,
        after={**snapshot(unit, EMULATION_FIELDS), "reason": reason.strip()},
        summary=f"{unit}: {unit.get_cycle_kind_display().lower()}"
        f"{', lực lượng vũ trang' if armed_forces else ''} — {reason.strip()}",
    )
    return unit


def _check_board(actor: Actor, what: str) -> None:
    if actor is None:
        return
    account = Account.objects.filter(user_id=actor.pk).first() if actor.is_authenticated else None
    if account is not None and account.role == Role.BOARD:
        return
    if getattr(actor, "is_superuser", False) and account is None:
        return
    raise NotPermitted(f"Chỉ Ban Thi đua – Khen thưởng tỉnh được {what}")


_SHAPES: dict[str, tuple[str, str]] = {
    # kind: (predecessor count rule, successor count rule)
    LineageKind.MERGE: ("many", "one"),
    LineageKind.SPLIT: ("one", "many"),
    LineageKind.RENAME: ("one", "one"),
    LineageKind.MOVE: ("one", "one"),
}


def lineage_problems(
    *, kind: str, effective_date: dt.date, predecessors: list[Unit], successors: list[Unit]
) -> list[Problem]:
    """Why a lineage event cannot be recorded as given (empty: it can). The preview shows these before
    anything is confirmed; `unit_apply_lineage` checks them again."""
    if kind not in _SHAPES:
        return [Problem(f"loại biến động “{kind}” không hợp lệ", field="kind")]
    problems: list[Problem] = []
    pred_rule, succ_rule = _SHAPES[kind]
    label = LineageKind(kind).label
    if pred_rule == "many" and len(predecessors) < 2:
        problems.append(Problem(f"{label} cần ít nhất 2 đơn vị cũ", field="predecessors"))
    if pred_rule == "one" and len(predecessors) != 1:
        problems.append(Problem(f"{label} cần đúng 1 đơn vị cũ", field="predecessors"))
    if succ_rule == "many" and len(successors) < 2:
        problems.append(Problem(f"{label} cần ít nhất 2 đơn vị mới", field="successors"))
    if succ_rule == "one" and len(successors) != 1:
        problems.append(Problem(f"{label} cần đúng 1 đơn vị mới", field="successors"))
    pred_ids = {u.pk for u in predecessors}
    for unit in successors:
        if unit.pk in pred_ids:
            problems.append(
                Problem(
                    f"không thể sáp nhập “{unit.name}” vào chính nó: đơn vị mới phải khác các đơn vị cũ"
                    if kind == LineageKind.MERGE
                    else f"“{unit.name}” không thể vừa là đơn vị cũ vừa là đơn vị mới",
                    field="successors",
                )
            )
    day_before = effective_date - dt.timedelta(days=1)
    ended = {
        link.predecessor_id: link.event
        for link in LineageLink.objects.filter(predecessor_id__in=pred_ids).select_related("event")
    }
    for unit in predecessors:
        if unit.pk in ended:
            event = ended[unit.pk]
            problems.append(
                Problem(
                    f"đơn vị cũ “{unit.name}” đã kết thúc do {event.get_kind_display().lower()} "
                    f"ngày {_day(event.effective_date)}",
                    field="predecessors",
                )
            )
        elif not unit.is_valid_on(day_before):
            problems.append(
                Problem(
                    f"đơn vị cũ “{unit.name}” không còn hiệu lực vào ngày {_day(day_before)} "
                    f"({validity_text(unit)}): ngày hiệu lực {_day(effective_date)} nằm ngoài thời gian "
                    "hiệu lực của đơn vị cũ",
                    field="effective_date",
                )
            )
    for unit in successors:
        if unit.pk in pred_ids:
            continue
        if unit.valid_to is not None:
            problems.append(
                Problem(
                    f"đơn vị mới “{unit.name}” đã đóng (hết hiệu lực ngày {_day(unit.valid_to)}): "
                    "không thể chuyển đơn vị cũ vào đơn vị đã đóng",
                    field="successors",
                )
            )
        elif unit.valid_from is not None and unit.valid_from != effective_date:
            problems.append(
                Problem(
                    f"đơn vị mới “{unit.name}” phải có hiệu lực từ ngày {_day(effective_date)} "
                    f"(đang ghi từ {_day(unit.valid_from)})",
                    field="successors",
                )
            )
    if (
        kind == LineageKind.MOVE
        and predecessors
        and successors
        and predecessors[0].parent_id == successors[0].parent_id
    ):
        problems.append(Problem("chuyển cấp trên nhưng cấp trên không đổi", field="successors"))
    return problems


@transaction.atomic
def unit_apply_lineage(
    *,
    actor: Actor,
    kind: str,
    effective_date: dt.date,
    predecessors: list[Unit],
    successors: list[Unit],
    legal_basis: str = "",
    note: str = "",
    carry_people: bool = True,
) -> LineageEvent:
    """Record a merge, split, rename or move that takes effect on `effective_date` (the board's).

    Predecessors end the day before; successors start on the day. Every successor inherits the history
    of every predecessor (see `unit_history_ids`): clusters, reports, titles and people's records follow
    it without being copied. With one successor (merge, rename, move) and `carry_people`, the people who
    work in a predecessor then continue in the successor from the day (`employment_start`, same
    position); after a split each person is moved by hand. Refused (`lineage_problems`): a merge into
    itself or into a closed unit, a day outside the predecessors' validity, a predecessor already ended
    by another event.
    """
    _check_board(actor, "ghi biến động đơn vị")
    ids = [u.pk for u in [*predecessors, *successors]]
    locked = Unit.objects.select_for_update().in_bulk(ids)
    predecessors = [locked.get(u.pk, u) for u in predecessors]
    successors = [locked.get(u.pk, u) for u in successors]
    problems = lineage_problems(
        kind=kind, effective_date=effective_date, predecessors=predecessors, successors=successors
    )
    if problems:
        raise ValidationFailed(problems)
    label = LineageKind(kind).label
    day_before = effective_date - dt.timedelta(days=1)
    event = LineageEvent.objects.create(
        kind=kind, effective_date=effective_date, legal_basis=legal_basis.strip(), note=note.strip()
    )
    for unit in successors:
        if unit.valid_from is None:
            unit.valid_from = effective_date
            unit.save(update_fields=["valid_from"])
    moving = list(unit_people_on(predecessors, day_before)) if carry_people and len(successors) == 1 else []
    for employment in moving:
        employment_start(
            actor=actor,
            person=employment.person,
            unit=successors[0],
            start=effective_date,
            position=employment.position,
        )
    for unit in predecessors:
        before = snapshot(unit, ["valid_to"])
        unit.valid_to = day_before
        unit.save(update_fields=["valid_to"])
        audit_record(
            actor=actor, action="unit.end", instance=unit, before=before, after=snapshot(unit, ["valid_to"])
        )
    LineageLink.objects.bulk_create(
        [LineageLink(event=event, predecessor=p, successor=s) for p in predecessors for s in successors]
    )
    audit_record(
        actor=actor,
        action="lineage.create",
        instance=event,
        after={
            "kind": kind,
            "predecessors": [u.pk for u in predecessors],
            "successors": [u.pk for u in successors],
            "people_moved": len(moving),
        },
        summary=f"{label}: {', '.join(map(str, predecessors))} → {', '.join(map(str, successors))}",
    )
    return event


def _problems_from_django(exc: Exception) -> list[Problem]:
    message_dict = getattr(exc, "message_dict", None)
    if not message_dict:
        return [Problem(str(exc))]
    return [Problem(msg, field=name) for name, msgs in message_dict.items() for msg in msgs]


# --- accounts ----------------------------------------------------------------------------------------------

USERNAME_MAX = 150
NAME_PART_MAX = 150  # auth.User's first_name and last_name
POSITION_MAX = 120
_USERNAME = re.compile(r"^[\w.@+-]+\Z")  # Django's own rule for usernames
# No look-alikes (0/O, 1/l/I): the board reads a temporary password out or copies it onto paper.
_TEMPORARY_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def temporary_password() -> str:
    """A password handed over once (a new account, a reset): three groups of four, ~71 bits."""
    return "-".join("".join(secrets.choice(_TEMPORARY_ALPHABET) for _ in range(4)) for _ in range(3))


def _password_message(error: DjangoValidationError) -> str:
    """Django's validators in Vietnamese, by their code (its own Vietnamese catalogue misses some)."""
    params = error.params or {}
    match error.code:
        case "password_too_short":
            return f"mật khẩu quá ngắn: cần ít nhất {params.get('min_length', 8)} ký tự"
        case "password_too_common":
            return "mật khẩu này quá phổ biến, dễ bị đoán: hãy chọn mật khẩu khác"
        case "password_entirely_numeric":
            return "mật khẩu không được chỉ gồm chữ số"
        case "password_too_similar":
            return "mật khẩu quá giống tên đăng nhập hoặc họ tên"
    return str(error.message % params if params else error.message)


def password_problems(password: str, *, user: User | None = None, field: str = "password") -> list[Problem]:
    """What the configured password validators (settings.AUTH_PASSWORD_VALIDATORS) say, in Vietnamese."""
    if not password:
        return [Problem("chưa nhập mật khẩu", field=field)]
    try:
        validate_password(password, user=user)
    except DjangoValidationError as exc:
        return [Problem(_password_message(error), field=field) for error in exc.error_list]
    return []


def unit_closed(unit: Unit, today: dt.date | None = None) -> bool:
    """A unit whose validity has ended (merged, split, renamed, dissolved): no new account acts for it."""
    return unit.valid_to is not None and unit.valid_to < (today or timezone.localdate())


def _closed_unit_problem(unit: Unit, field: str) -> Problem:
    assert unit.valid_to is not None
    return Problem(
        f"đơn vị “{unit}” đã hết hiệu lực từ sau ngày {unit.valid_to:%d/%m/%Y}: "
        "không cấp tài khoản cho đơn vị đã đóng (hãy chọn đơn vị kế thừa)",
        field=field,
    )


def _split_name(full_name: str) -> tuple[str, str]:
    """(family and middle names, given name): “Nguyễn Văn An” → (“Nguyễn Văn”, “An”)."""
    family, _, given = full_name.rpartition(" ")
    return family, given


def _account_problems(
    *,
    username: str,
    password: str,
    full_name: str,
    role: str,
    unit: Unit | None,
    position: str,
    closed_unit_allowed: bool = False,
) -> list[Problem]:
    problems: list[Problem] = []
    if not username:
        problems.append(Problem("chưa ghi tên đăng nhập", field="username"))
    elif len(username) > USERNAME_MAX or not _USERNAME.match(username):
        problems.append(
            Problem(
                f"tên đăng nhập “{username}” chỉ được gồm chữ cái, chữ số và các ký tự @ . + - _ "
                f"(không có dấu cách), tối đa {USERNAME_MAX} ký tự",
                field="username",
            )
        )
    elif User.objects.filter(username__iexact=username).exists():
        problems.append(Problem(f"tên đăng nhập “{username}” đã có: hãy chọn tên khác", field="username"))
    family, given = _split_name(full_name)
    if not full_name:
        problems.append(Problem("chưa ghi họ và tên", field="full_name"))
    elif len(family) > NAME_PART_MAX or len(given) > NAME_PART_MAX:
        problems.append(Problem(f"họ và tên dài quá {NAME_PART_MAX} ký tự", field="full_name"))
    if len(position) > POSITION_MAX:
        problems.append(Problem(f"chức vụ dài quá {POSITION_MAX} ký tự", field="position"))
    if role not in Role.values:
        problems.append(Problem(f"vai trò “{role}” không hợp lệ", field="role"))
    elif role == Role.UNIT and unit is None:
        problems.append(Problem("cán bộ đơn vị phải gắn với một đơn vị", field="unit"))
    elif role == Role.UNIT and unit is not None and unit_closed(unit) and not closed_unit_allowed:
        problems.append(_closed_unit_problem(unit, "unit"))
    candidate = User(username=username, first_name=given, last_name=family)
    problems += password_problems(password, user=candidate, field="password")
    return problems


@transaction.atomic
def account_create(
    *,
    actor: Actor,
    username: str,
    password: str,
    full_name: str,
    role: str,
    unit: Unit | None = None,
    position: str = "",
    must_change_password: bool | None = None,
) -> Account:
    """A login and what it acts for: the provincial board, or the staff of one unit. The board's (and the
    system's: the demo loader, `tdkt setup`). Refused, nothing written: an unknown role, a unit's staff
    without a unit or for a unit whose validity has ended, a username taken (whatever its letter case) or
    not Django's shape, no full name, a password the validators refuse.

    The system (actor None) loads history — the demo's staff of units closed since 2025 — so only a person
    is refused a closed unit. `must_change_password` defaults to whether someone other than the holder chose
    the password: True when a person creates the account, False for the system (the demo's shared
    password)."""
    _check_board(actor, "tạo tài khoản")
    username = username.strip()
    full_name = " ".join(full_name.split())
    position = position.strip()
    problems = _account_problems(
        username=username,
        password=password,
        full_name=full_name,
        role=role,
        unit=unit,
        position=position,
        closed_unit_allowed=actor is None,
    )
    if problems:
        raise ValidationFailed(problems)
    family, given = _split_name(full_name)
    user = User.objects.create_user(username=username, password=password, first_name=given, last_name=family)
    account = Account(
        user=user,
        role=role,
        unit=unit if role == Role.UNIT else None,
        position=position,
        must_change_password=actor is not None if must_change_password is None else must_change_password,
    )
    try:
        account.full_clean()
    except DjangoValidationError as exc:
        raise ValidationFailed(_problems_from_django(exc)) from exc
    account.save()
    audit_record(
        actor=actor,
        action="account.create",
        instance=account,
        after={**snapshot(account), "username": username, "full_name": full_name},
        summary=f"Tạo tài khoản {username} ({account.get_role_display()}"
        f"{f' – {account.unit}' if account.unit else ''})",
    )
    return account


def _locked_account(account: Account) -> Account:
    """The account and its login row, locked (the unit, an outer join, is read but not locked: PostgreSQL
    refuses FOR UPDATE on the nullable side of an outer join)."""
    return (
        Account.objects.select_for_update(of=("self", "user"))
        .select_related("user", "unit")
        .get(pk=account.pk)
    )


@transaction.atomic
def account_set_active(*, actor: Actor, account: Account, active: bool, reason: str) -> Account:
    """Lock (active=False) or unlock an account, with a reason, audited. A locked account cannot log in and
    its open sessions end (Django refuses inactive users). Refused: no reason, no change, locking one's own
    account (the board would lock itself out), unlocking an account whose unit has closed."""
    _check_board(actor, "khóa hoặc mở lại tài khoản")
    account = _locked_account(account)
    user = account.user
    reason = " ".join(reason.split())
    problems: list[Problem] = []
    if not reason:
        problems.append(Problem("khóa hoặc mở lại tài khoản phải ghi lý do", field="reason"))
    if user.is_active == active:
        state = "đang hoạt động" if active else "đã bị khóa"
        problems.append(Problem(f"tài khoản “{user.username}” {state}: không có gì thay đổi", field="active"))
    elif not active and actor is not None and actor.pk == user.pk:
        problems.append(Problem("không thể tự khóa tài khoản của chính mình", field="active"))
    elif active and account.unit is not None and unit_closed(account.unit):
        problems.append(_closed_unit_problem(account.unit, "active"))
    if problems:
        raise ValidationFailed(problems)
    before = {"is_active": user.is_active}
    user.is_active = active
    user.save(update_fields=["is_active"])
    audit_record(
        actor=actor,
        action="account.activate" if active else "account.deactivate",
        instance=account,
        before=before,
        after={"is_active": active, "reason": reason},
        summary=f"{'Mở lại' if active else 'Khóa'} tài khoản {user.username} — {reason}",
    )
    return account


@transaction.atomic
def account_password_reset(*, actor: Actor, account: Account) -> str:
    """A new temporary password for an account, returned once (never stored in clear, never audited); its
    holder must change it at the next login."""
    _check_board(actor, "đặt lại mật khẩu")
    account = _locked_account(account)
    password = temporary_password()
    account.user.set_password(password)
    account.user.save(update_fields=["password"])
    before = snapshot(account, ["must_change_password"])
    account.must_change_password = True
    account.save(update_fields=["must_change_password"])
    audit_record(
        actor=actor,
        action="account.password_reset",
        instance=account,
        before=before,
        after=snapshot(account, ["must_change_password"]),
        summary=f"Đặt lại mật khẩu tài khoản {account.user.username}",
    )
    return password


@transaction.atomic
def account_password_change(
    *, user: User, old_password: str, new_password: str, new_password_again: str
) -> None:
    """The holder chooses their password: the current one, the new one twice, the validators. Clears
    `must_change_password`. Audited without any password."""
    user = User.objects.select_for_update().get(pk=user.pk)
    problems: list[Problem] = []
    if not user.check_password(old_password):
        problems.append(Problem("mật khẩu hiện tại không đúng", field="old_password"))
    if new_password != new_password_again:
        problems.append(Problem("hai lần nhập mật khẩu mới không khớp nhau", field="new_password2"))
    elif new_password and new_password == old_password:
        problems.append(Problem("mật khẩu mới phải khác mật khẩu hiện tại", field="new_password1"))
    else:
        problems += password_problems(new_password, user=user, field="new_password1")
    if problems:
        raise ValidationFailed(problems)
    user.set_password(new_password)
    user.save(update_fields=["password"])
    account = Account.objects.select_for_update().filter(user=user).first()
    if account is not None and account.must_change_password:
        account.must_change_password = False
        account.save(update_fields=["must_change_password"])
    audit_record(
        actor=user,
        action="account.password_change",
        instance=account if account is not None else user,
        summary=f"{user.username} đổi mật khẩu",
    )


PROVINCE_KINDS = (UnitKind.PROVINCE, UnitKind.CENTRAL_CITY)


@transaction.atomic
def province_setup(
    *,
    province_name: str,
    province_code: str,
    username: str,
    full_name: str,
    password: str,
    province_kind: str = UnitKind.PROVINCE,
    position: str = "",
    must_change_password: bool = False,
) -> tuple[Unit, Account]:
    """The first run: on a database with no unit and no account, the province (or centrally-run city) and
    the board's first account. Refused on any other database, and for the inputs `unit_create` and
    `account_create` refuse — every problem at once, nothing written."""
    if not setup_needed():
        raise ValidationFailed(
            Problem(
                "cơ sở dữ liệu đã có đơn vị hoặc tài khoản: chỉ cài đặt lần đầu được trên cơ sở dữ liệu trống"
            )
        )
    province_name = " ".join(province_name.split())
    province_code = province_code.strip()
    problems: list[Problem] = []
    if province_kind not in PROVINCE_KINDS:
        problems.append(
            Problem("loại phải là tỉnh hoặc thành phố trực thuộc Trung ương", field="province_kind")
        )
    if not province_name:
        problems.append(Problem("chưa ghi tên tỉnh, thành phố", field="province_name"))
    elif len(province_name) > Unit._meta.get_field("name").max_length:  # type: ignore[operator]
        problems.append(Problem("tên tỉnh, thành phố dài quá 200 ký tự", field="province_name"))
    if not province_code:
        problems.append(Problem("chưa ghi mã tỉnh, thành phố", field="province_code"))
    elif len(province_code) > Unit._meta.get_field("code").max_length:  # type: ignore[operator]
        problems.append(Problem("mã tỉnh, thành phố dài quá 40 ký tự", field="province_code"))
    problems += _account_problems(
        username=username.strip(),
        password=password,
        full_name=" ".join(full_name.split()),
        role=Role.BOARD,
        unit=None,
        position=position.strip(),
    )
    if problems:
        raise ValidationFailed(problems)
    province = unit_create(actor=None, code=province_code, name=province_name, kind=province_kind)
    account = account_create(
        actor=None,
        username=username,
        password=password,
        full_name=full_name,
        role=Role.BOARD,
        position=position,
        must_change_password=must_change_password,
    )
    audit_record(
        actor=None,
        action="setup",
        instance=province,
        after={"province": province.pk, "account": account.pk},
        summary=f"Cài đặt lần đầu: {province}, tài khoản Ban Thi đua – Khen thưởng {account.user.username}",
    )
    return province, account


# --- people ------------------------------------------------------------------------------------------------


def _check_records_people_of(actor: Actor, unit: Unit) -> None:
    """The system and the provincial board record anyone; a unit's staff record the people of their own
    unit (or of a unit it succeeded, whose history it carries). Anyone else is refused."""
    if actor is None:
        return
    account = Account.objects.filter(user_id=actor.pk).first() if actor.is_authenticated else None
    if account is not None and account.role == Role.BOARD:
        return
    if getattr(actor, "is_superuser", False) and account is None:
        return
    if account is not None and account.unit_id is not None:
        own = Unit.objects.get(pk=account.unit_id)
        if unit.pk in unit_history_ids(own):
            return
    raise NotPermitted(f"Bạn không có quyền ghi hồ sơ cán bộ của {unit}")


@transaction.atomic
def person_create(
    *,
    actor: Actor,
    full_name: str,
    gender: str,
    unit: Unit,
    start: dt.date,
    position: str = "",
    code: str = "",
    date_of_birth: dt.date | None = None,
    recruited_on: dt.date | None = None,
    note: str = "",
) -> Person:
    """A person and their first employment, in `unit` from `start`."""
    _check_records_people_of(actor, unit)
    full_name = " ".join(full_name.split())
    code = code.strip()
    problems: list[Problem] = []
    if not full_name:
        problems.append(Problem("chưa ghi họ và tên", field="full_name"))
    if gender not in Gender.values:
        problems.append(Problem("giới tính phải là “Nam” hoặc “Nữ”", field="gender"))
    if code and Person.objects.filter(code=code).exists():
        problems.append(Problem(f"mã cán bộ “{code}” đã có trong hệ thống", field="code"))
    if not unit.is_valid_on(start):
        problems.append(Problem(f"“{unit}” không còn hiệu lực vào ngày {start:%d/%m/%Y}", field="start"))
    if recruited_on is not None and start < recruited_on:
        problems.append(Problem("ngày bắt đầu công tác tại đơn vị trước ngày tuyển dụng", field="start"))
    if problems:
        raise ValidationFailed(problems)
    person = Person(
        code=code,
        full_name=full_name,
        gender=gender,
        date_of_birth=date_of_birth,
        recruited_on=recruited_on,
        note=note,
    )
    _clean(person)
    person.save()
    employment = Employment(person=person, unit=unit, start=start, position=position.strip())
    _clean(employment)
    employment.save()
    audit_record(
        actor=actor,
        action="person.create",
        instance=person,
        after={**snapshot(person), "unit": unit.pk, "start": start, "position": employment.position},
        summary=f"Thêm cán bộ {person} vào {unit}",
    )
    return person


@transaction.atomic
def employment_start(
    *, actor: Actor, person: Person, unit: Unit, start: dt.date, position: str = ""
) -> Employment:
    """The person works in `unit` from `start`: their current employment ends the day before. Used when a
    person moves, and when their unit is merged into a successor."""
    _check_records_people_of(actor, unit)
    current = (
        Employment.objects.select_for_update()
        .filter(person=person, end__isnull=True)
        .order_by("-start")
        .first()
    )
    problems: list[Problem] = []
    if not unit.is_valid_on(start):
        problems.append(Problem(f"“{unit}” không có hiệu lực vào ngày {start:%d/%m/%Y}", field="start"))
    if current is not None and current.start >= start:
        problems.append(
            Problem(
                f"ngày bắt đầu phải sau ngày bắt đầu công tác hiện tại ({current.start:%d/%m/%Y})",
                field="start",
            )
        )
    if Employment.objects.filter(person=person, end__gte=start).exists():
        problems.append(Problem("trùng với một thời gian công tác đã ghi", field="start"))
    if problems:
        raise ValidationFailed(problems)
    if current is not None:
        before = snapshot(current, ["end"])
        current.end = start - dt.timedelta(days=1)
        current.save(update_fields=["end"])
        audit_record(
            actor=actor,
            action="employment.end",
            instance=current,
            before=before,
            after=snapshot(current, ["end"]),
        )
    employment = Employment(person=person, unit=unit, start=start, position=position.strip())
    _clean(employment)
    employment.save()
    audit_record(
        actor=actor,
        action="employment.start",
        instance=employment,
        after=snapshot(employment),
        summary=f"{person} công tác tại {unit} từ {start:%d/%m/%Y}",
    )
    return employment


def _clean(instance: Person | Employment) -> None:
    try:
        instance.full_clean()
    except DjangoValidationError as exc:
        raise ValidationFailed(_problems_from_django(exc)) from exc


# --- transfers and changes of post -------------------------------------------------------------------------

REASON_MAX = 500


def _current_employment_locked(person: Person) -> Employment | None:
    """The person's open employment (no end), locked: the latest if, by an old import, there are two."""
    return (
        Employment.objects.select_for_update()
        .select_related("unit")
        .filter(person=person, end__isnull=True)
        .order_by("-start", "-id")
        .first()
    )


def _move_problems(
    current: Employment | None, *, on: dt.date, position: str, reason: str, what: str
) -> list[Problem]:
    problems: list[Problem] = []
    if current is None:
        problems.append(
            Problem(
                "cán bộ không có quá trình công tác nào đang tiếp diễn: không có gì để " + what, field="on"
            )
        )
    elif on <= current.start:
        problems.append(
            Problem(
                f"ngày {what} ({on:%d/%m/%Y}) phải sau ngày bắt đầu công tác hiện tại "
                f"({current.start:%d/%m/%Y}) tại “{current.unit}”: lịch sử đã ghi không sửa lại",
                field="on",
            )
        )
    if len(position) > NAME_MAX:
        problems.append(Problem(f"chức vụ dài quá {NAME_MAX} ký tự", field="position"))
    if not reason:
        problems.append(Problem(f"chưa ghi lý do, căn cứ {what} (ví dụ số quyết định)", field="reason"))
    elif len(reason) > REASON_MAX:
        problems.append(Problem(f"lý do dài quá {REASON_MAX} ký tự", field="reason"))
    return problems


def _end_and_start(
    *,
    actor: Actor,
    current: Employment,
    unit: Unit,
    on: dt.date,
    position: str,
    action: str,
    summary: str,
    reason: str,
) -> Employment:
    """End the open row the day before `on` (its only change) and start a new one: history is kept."""
    before = snapshot(current, ["end"])
    current.end = on - dt.timedelta(days=1)
    current.save(update_fields=["end"])
    audit_record(
        actor=actor,
        action="employment.end",
        instance=current,
        before=before,
        after={**snapshot(current, ["end"]), "reason": reason},
    )
    employment = Employment(person_id=current.person_id, unit=unit, start=on, position=position)
    _clean(employment)
    employment.save()
    audit_record(
        actor=actor,
        action=action,
        instance=employment,
        before={"employment": current.pk, "unit": current.unit_id, "position": current.position},
        after={**snapshot(employment), "reason": reason},
        summary=summary,
    )
    return employment


@transaction.atomic
def employment_transfer(
    *, actor: Actor, person: Person, to_unit: Unit, on: dt.date, position: str = "", reason: str
) -> Employment:
    """The person moves to `to_unit` from `on`: the current employment ends the day before and a new one
    starts there, with its post. The sending unit's staff or the board. Refused, nothing written: no
    current employment, the same unit (a change of post instead), a receiving unit not valid on that day, a
    day not after the current employment's start, no reason."""
    current = _current_employment_locked(person)
    if current is not None:
        _check_records_people_of(actor, current.unit)
    elif actor is not None:
        _check_board(actor, "điều động cán bộ không có quá trình công tác hiện tại")
    to_unit = Unit.objects.get(pk=to_unit.pk)  # as stored now: it may have closed since it was read
    position = " ".join(position.split())
    reason = " ".join(reason.split())
    problems = _move_problems(current, on=on, position=position, reason=reason, what="điều động")
    if current is not None and current.unit_id == to_unit.pk:
        problems.append(
            Problem(
                f"cán bộ đang công tác tại “{to_unit}”: đổi chức vụ trong cùng đơn vị thì dùng chức năng "
                "thay đổi chức vụ",
                field="to_unit",
            )
        )
    elif not to_unit.is_valid_on(on):
        problems.append(
            Problem(f"đơn vị nhận “{to_unit}” không có hiệu lực vào ngày {on:%d/%m/%Y}", field="to_unit")
        )
    if problems:
        raise ValidationFailed(problems)
    assert current is not None
    return _end_and_start(
        actor=actor,
        current=current,
        unit=to_unit,
        on=on,
        position=position,
        action="employment.transfer",
        summary=f"Điều động {person} từ {current.unit} sang {to_unit} từ ngày {on:%d/%m/%Y} — {reason}",
        reason=reason,
    )


@transaction.atomic
def employment_position_change(
    *, actor: Actor, person: Person, on: dt.date, position: str, reason: str
) -> Employment:
    """The person holds `position` in the same unit from `on`: the current employment ends the day before
    and a new one starts with the new post. The unit's staff or the board. Refused, nothing written: no
    current employment, the post unchanged or empty, a day not after the current employment's start, a
    unit no longer valid on that day, no reason."""
    current = _current_employment_locked(person)
    if current is not None:
        _check_records_people_of(actor, current.unit)
    elif actor is not None:
        _check_board(actor, "đổi chức vụ của cán bộ không có quá trình công tác hiện tại")
    position = " ".join(position.split())
    reason = " ".join(reason.split())
    problems = _move_problems(current, on=on, position=position, reason=reason, what="thay đổi chức vụ")
    if not position:
        problems.append(Problem("chưa ghi chức vụ mới", field="position"))
    elif current is not None and current.position == position:
        problems.append(
            Problem(f"cán bộ đang giữ chức vụ “{position}”: không có gì thay đổi", field="position")
        )
    if current is not None and not current.unit.is_valid_on(on):
        problems.append(Problem(f"“{current.unit}” không có hiệu lực vào ngày {on:%d/%m/%Y}", field="on"))
    if problems:
        raise ValidationFailed(problems)
    assert current is not None
    old = current.position or "chưa ghi chức vụ"
    return _end_and_start(
        actor=actor,
        current=current,
        unit=current.unit,
        on=on,
        position=position,
        action="employment.position_change",
        summary=f"{person}: {old} → {position} tại {current.unit} từ ngày {on:%d/%m/%Y} — {reason}",
        reason=reason,
    )
