"""Writes for units and their lineage. Every function is atomic, validated and audited."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction

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
)
from tdkt.org.selectors import unit_history_ids


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
    unit = Unit(
        code=code.strip(),
        name=name.strip(),
        kind=kind,
        parent=parent,
        valid_from=valid_from,
        valid_to=valid_to,
        note=note,
        cycle_kind=cycle_kind,
        armed_forces=armed_forces,
    )
    try:
        unit.full_clean()
    except Exception as exc:  # django ValidationError → our Vietnamese problem list
        raise ValidationFailed(_problems_from_django(exc)) from exc
    unit.save()
    audit_record(
        actor=actor, action="unit.create", instance=unit, after=snapshot(unit), summary=f"Tạo đơn vị {unit}"
    )
    return unit


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
) -> LineageEvent:
    """Record a merge, split, rename or move that takes effect on `effective_date`.

    Predecessors end the day before; successors start on the day. Every successor inherits the history
    of every predecessor (see `unit_history_ids`).
    """
    problems: list[Problem] = []
    if kind not in _SHAPES:
        raise ValidationFailed(Problem(f"loại biến động “{kind}” không hợp lệ", field="kind"))
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
    overlap = {u.pk for u in predecessors} & {u.pk for u in successors}
    if overlap:
        problems.append(
            Problem("một đơn vị không thể vừa là đơn vị cũ vừa là đơn vị mới", field="successors")
        )
    day_before = effective_date - dt.timedelta(days=1)
    for unit in predecessors:
        if not unit.is_valid_on(day_before):
            problems.append(
                Problem(
                    f"đơn vị cũ “{unit}” không còn hiệu lực vào ngày {day_before:%d/%m/%Y}",
                    field="predecessors",
                )
            )
    for unit in successors:
        if unit.valid_from is not None and unit.valid_from != effective_date:
            problems.append(
                Problem(
                    f"đơn vị mới “{unit}” phải có hiệu lực từ ngày {effective_date:%d/%m/%Y}",
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
    if problems:
        raise ValidationFailed(problems)

    event = LineageEvent.objects.create(
        kind=kind, effective_date=effective_date, legal_basis=legal_basis, note=note
    )
    for unit in predecessors:
        before = snapshot(unit, ["valid_to"])
        unit.valid_to = day_before
        unit.save(update_fields=["valid_to"])
        audit_record(
            actor=actor, action="unit.end", instance=unit, before=before, after=snapshot(unit, ["valid_to"])
        )
    for unit in successors:
        if unit.valid_from is None:
            unit.valid_from = effective_date
            unit.save(update_fields=["valid_from"])
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
        },
        summary=f"{label}: {', '.join(map(str, predecessors))} → {', '.join(map(str, successors))}",
    )
    return event


def _problems_from_django(exc: Exception) -> list[Problem]:
    message_dict = getattr(exc, "message_dict", None)
    if not message_dict:
        return [Problem(str(exc))]
    return [Problem(msg, field=name) for name, msgs in message_dict.items() for msg in msgs]


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
) -> Account:
    """A login and what it acts for: the provincial board, or the staff of one unit."""
    problems: list[Problem] = []
    if role not in Role.values:
        problems.append(Problem(f"vai trò “{role}” không hợp lệ", field="role"))
    if role == Role.UNIT and unit is None:
        problems.append(Problem("cán bộ đơn vị phải gắn với một đơn vị", field="unit"))
    if User.objects.filter(username=username).exists():
        problems.append(Problem(f"tên đăng nhập “{username}” đã có", field="username"))
    if problems:
        raise ValidationFailed(problems)
    family, _, given = full_name.strip().rpartition(" ")
    user = User.objects.create_user(username=username, password=password, first_name=given, last_name=family)
    account = Account.objects.create(
        user=user, role=role, unit=unit if role == Role.UNIT else None, position=position
    )
    audit_record(actor=actor, action="account.create", instance=account, after=snapshot(account))
    return account


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
