"""Writes for units and their lineage. Every function is atomic, validated and audited."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User
from django.db import transaction

from tdkt.core.audit import Actor, audit_record, snapshot
from tdkt.core.errors import Problem, ValidationFailed
from tdkt.org.models import Account, LineageEvent, LineageKind, LineageLink, Role, Unit


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
) -> Unit:
    unit = Unit(
        code=code.strip(),
        name=name.strip(),
        kind=kind,
        parent=parent,
        valid_from=valid_from,
        valid_to=valid_to,
        note=note,
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
