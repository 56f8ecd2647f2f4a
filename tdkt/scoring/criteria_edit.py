"""Writes of the criteria editor: a draft criteria set built criterion by criterion, with typed fields.

Only a DRAFT is edited: an adopted or locked version is refused (a change to it is an amendment, a new
draft with a reason). Who: those who manage the cluster-year — the board and the head's staff — as for
every write on criteria sets (`services._check_manages`). Every write locks the criteria set's row (one
editor at a time, on SQLite as on PostgreSQL), is audited, and carries the version of the criterion it
was read at (`tdkt.core.versions`): a criterion's version is 1 when made and one more at every edit or
move, counted from its audit trail (no column: the trail already holds every change, in order).

The fields are read and checked by `criteria_fields.check_criterion` — the same reader the workbook import
uses, itself built on the JSON's validators. The whole tree (groups adding up, the declared total) is
checked when the draft is adopted (`services.criteria_set_adopt`).
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django.db import transaction

from tdkt.clusters.models import ClusterYear
from tdkt.core.audit import Actor, audit_record, snapshot, state_at_version
from tdkt.core.errors import Problem, ValidationFailed
from tdkt.core.models import AuditEvent
from tdkt.core.versions import changes_between, check_version
from tdkt.core.vn import format_number
from tdkt.movements.models import ClusterIndicator
from tdkt.scoring.criteria_fields import (
    FIELD_LABELS,
    Checked,
    CriterionInput,
    check_criterion,
    labelled,
)
from tdkt.scoring.models import CriteriaSet, Criterion, CriterionKind, SetStatus
from tdkt.scoring.selectors import criteria_tree
from tdkt.scoring.services import _check_manages, _store_criteria, _validate_spec

EDIT_ACTIONS = ("criterion.edit", "criterion.move")
_AUDITED = ["code", "name", "kind", "max_points", "method", "parent_id", "position"]
_CHANGE_LABELS = {
    "code": "mã",
    "name": "tên",
    "kind": "loại",
    "max_points": "điểm tối đa",
    "method": "phương pháp chấm",
    "parent_id": "nhóm",
    "position": "thứ tự",
}


def cluster_indicators(cluster_year: ClusterYear) -> dict[str, str]:
    """The indicators the cluster-year follows: code → name, in the cluster's order."""
    rows = (
        ClusterIndicator.objects.filter(cluster_year=cluster_year)
        .order_by("position", "indicator__code")
        .values_list("indicator__code", "indicator__name")
    )
    return dict(rows)


def criterion_version(criterion: Criterion) -> int:
    """1 when made, one more at every edit or move (read from the audit trail)."""
    return 1 + (
        AuditEvent.objects.filter(
            object_type=Criterion._meta.label_lower, object_id=str(criterion.pk), action__in=EDIT_ACTIONS
        ).count()
    )


def criterion_versions(criteria_set: CriteriaSet) -> dict[int, int]:
    """`criterion_version` of every criterion of a set, in one query."""
    ids = list(Criterion.objects.filter(criteria_set=criteria_set).values_list("pk", flat=True))
    counts: dict[int, int] = dict.fromkeys(ids, 1)
    for object_id in AuditEvent.objects.filter(
        object_type=Criterion._meta.label_lower,
        object_id__in=[str(pk) for pk in ids],
        action__in=EDIT_ACTIONS,
    ).values_list("object_id", flat=True):
        counts[int(object_id)] += 1
    return counts


def _locked_draft(actor: Actor, criteria_set: CriteriaSet) -> CriteriaSet:
    criteria_set = (
        CriteriaSet.objects.select_for_update()
        .select_related("cluster_year__cluster")
        .get(pk=criteria_set.pk)
    )
    _check_manages(actor, criteria_set.cluster_year)
    if criteria_set.status != SetStatus.DRAFT:
        raise ValidationFailed(
            Problem(
                f"{criteria_set} đã {criteria_set.get_status_display().lower()}: chỉ sửa được bộ tiêu chí "
                "đang dự thảo. Muốn thay đổi, hãy tạo bản sửa đổi (ghi lý do) rồi thông qua lại.",
                field="criteria_set",
            )
        )
    return criteria_set


def criteria_set_lock_draft(actor: Actor, criteria_set: CriteriaSet) -> CriteriaSet:
    """The draft's row, locked for a write by someone who manages its cluster-year; refused (in
    Vietnamese) when the version is adopted or locked. For writers outside this module (the import)."""
    return _locked_draft(actor, criteria_set)


def _refuse(checked: Checked) -> ValidationFailed:
    return ValidationFailed(
        [Problem(labelled(p), field=p.field, row=p.row, column=p.column) for p in checked.problems]
    )


def _parent(criteria_set: CriteriaSet, code: str, moving: Criterion | None = None) -> Criterion | None:
    """The group a criterion goes under ("" = the top level); never itself or one of its own."""
    code = code.strip()
    if not code:
        return None
    group = Criterion.objects.filter(criteria_set=criteria_set, code=code).first()
    if group is None or group.kind != CriterionKind.GROUP:
        raise ValidationFailed(
            Problem(f"{FIELD_LABELS['parent']}: “{code}” không phải một nhóm của bộ tiêu chí", field="parent")
        )
    if moving is not None:
        node: Criterion | None = group
        while node is not None:
            if node.pk == moving.pk:
                raise ValidationFailed(
                    Problem(
                        f"{FIELD_LABELS['parent']}: không đặt được nhóm “{moving.code}” vào chính nó "
                        "hoặc một nhóm con của nó",
                        field="parent",
                    )
                )
            node = node.parent
    return group


def _renumber(criteria_set: CriteriaSet) -> None:
    """Positions in reading order (depth first), as `_store_criteria` writes them."""
    rows = list(Criterion.objects.filter(criteria_set=criteria_set).order_by("position", "pk"))
    children: dict[int | None, list[Criterion]] = {}
    for row in rows:
        children.setdefault(row.parent_id, []).append(row)
    ordered: list[Criterion] = []

    def walk(parent_id: int | None) -> None:
        for row in children.get(parent_id, []):
            ordered.append(row)
            walk(row.pk)

    walk(None)
    changed = []
    for position, row in enumerate(ordered):
        if row.position != position:
            row.position = position
            changed.append(row)
    Criterion.objects.bulk_update(changed, ["position"])


def _state(criterion: Criterion) -> dict[str, Any]:
    return snapshot(criterion, _AUDITED)


def _check_criterion_version(criterion: Criterion, given: int | None) -> int:
    current = criterion_version(criterion)
    changes: list[str] = []
    if given is not None and given != current:
        past = state_at_version(criterion, given) or _before_version(criterion, given)
        changes = changes_between(_shown(past), _shown(_state(criterion)), _CHANGE_LABELS)
    check_version(what=f"tiêu chí {criterion.code}", given=given, current=current, changes=changes)
    return current


def _before_version(criterion: Criterion, version: int) -> dict[str, Any]:
    """A criterion as it stood at `version` when no event wrote that version (made with its set, not in
    the editor): the `before` of the edit that left it."""
    for event in AuditEvent.objects.filter(
        object_type=Criterion._meta.label_lower, object_id=str(criterion.pk), action__in=EDIT_ACTIONS
    ).order_by("id"):
        before = event.before or {}
        if before.get("version") == version:
            return dict(before)
    return {}


def _shown(state: dict[str, Any]) -> dict[str, Any]:
    out = dict(state)
    if out.get("max_points") not in (None, ""):
        out["max_points"] = format_number(Decimal(str(out["max_points"])))
    if "method" in out:
        out["method"] = "đã đổi" if out["method"] else out["method"]
    return out


def _checked(criteria_set: CriteriaSet, fields: CriterionInput, editing: Criterion | None) -> Checked:
    taken = Criterion.objects.filter(criteria_set=criteria_set)
    if editing is not None:
        taken = taken.exclude(pk=editing.pk)
    return check_criterion(
        fields,
        indicators=cluster_indicators(criteria_set.cluster_year),
        taken_codes=frozenset(taken.values_list("code", flat=True)),
    )


def criterion_check(
    *, criteria_set: CriteriaSet, fields: CriterionInput, editing: Criterion | None = None
) -> Checked:
    """What `criterion_add` / `criterion_edit` would say of these fields, without writing (the form's
    check as one types)."""
    return _checked(criteria_set, fields, editing)


@transaction.atomic
def criterion_add(*, actor: Actor, criteria_set: CriteriaSet, fields: CriterionInput) -> Criterion:
    """Add a group or a criterion to a draft, last in its group (`fields.parent`, "" for the top)."""
    criteria_set = _locked_draft(actor, criteria_set)
    checked = _checked(criteria_set, fields, None)
    if not checked.ok or checked.item is None:
        raise _refuse(checked)
    parent = _parent(criteria_set, fields.parent)
    item = checked.item
    last = Criterion.objects.filter(criteria_set=criteria_set).order_by("-position").first()
    criterion = Criterion.objects.create(
        criteria_set=criteria_set,
        parent=parent,
        code=item["code"],
        name=item["name"],
        kind=item["kind"],
        max_points=Decimal(item["max_points"]),
        method=item.get("method"),
        position=(last.position + 1) if last else 0,
    )
    _renumber(criteria_set)
    criterion.refresh_from_db()
    audit_record(
        actor=actor,
        action="criterion.add",
        instance=criterion,
        after={**_state(criterion), "version": 1},
        summary=f"{criteria_set}: thêm {criterion.code}",
    )
    return criterion


def _locked_criterion(actor: Actor, criterion: Criterion) -> tuple[CriteriaSet, Criterion]:
    criteria_set = _locked_draft(actor, criterion.criteria_set)
    fresh = Criterion.objects.filter(pk=criterion.pk, criteria_set=criteria_set).first()
    if fresh is None:
        raise ValidationFailed(
            Problem(f"tiêu chí “{criterion.code}” không còn trong dự thảo: có người đã xóa", field="version")
        )
    return criteria_set, fresh


@transaction.atomic
def criterion_edit(
    *, actor: Actor, criterion: Criterion, fields: CriterionInput, version: int | None
) -> Criterion:
    """Change a criterion of a draft: code, name, kind, points, group, method and its parameters.
    `version` is the criterion's version when the person opened it. A group with criteria under it
    stays a group."""
    criteria_set, criterion = _locked_criterion(actor, criterion)
    current = _check_criterion_version(criterion, version)
    checked = _checked(criteria_set, fields, criterion)
    if not checked.ok or checked.item is None:
        raise _refuse(checked)
    item = checked.item
    if (
        criterion.kind == CriterionKind.GROUP
        and item["kind"] != CriterionKind.GROUP
        and criterion.children.exists()
    ):
        raise ValidationFailed(
            Problem(
                f"{FIELD_LABELS['kind']}: nhóm “{criterion.code}” còn tiêu chí con; chuyển hoặc xóa chúng trước",
                field="kind",
            )
        )
    parent = _parent(criteria_set, fields.parent, moving=criterion)
    before = {**_state(criterion), "version": current}
    moved = parent != criterion.parent
    criterion.code = item["code"]
    criterion.name = item["name"]
    criterion.kind = item["kind"]
    criterion.max_points = Decimal(item["max_points"])
    criterion.method = item.get("method")
    criterion.parent = parent
    if moved:
        last = Criterion.objects.filter(criteria_set=criteria_set).order_by("-position").first()
        criterion.position = (last.position + 1) if last else 0
    criterion.save()
    _renumber(criteria_set)
    criterion.refresh_from_db()
    audit_record(
        actor=actor,
        action="criterion.edit",
        instance=criterion,
        before=before,
        after={**_state(criterion), "version": current + 1},
        summary=f"{criteria_set}: sửa {criterion.code}",
    )
    return criterion


@transaction.atomic
def criterion_move(*, actor: Actor, criterion: Criterion, up: bool, version: int | None) -> Criterion:
    """Move a criterion one place up or down among the criteria of its group."""
    criteria_set, criterion = _locked_criterion(actor, criterion)
    current = _check_criterion_version(criterion, version)
    siblings = list(
        Criterion.objects.filter(criteria_set=criteria_set, parent_id=criterion.parent_id).order_by(
            "position"
        )
    )
    index = next(i for i, s in enumerate(siblings) if s.pk == criterion.pk)
    other = index - 1 if up else index + 1
    if not 0 <= other < len(siblings):
        where = "đầu" if up else "cuối"
        raise ValidationFailed(Problem(f"tiêu chí {criterion.code} đã ở {where} nhóm", field="position"))
    before = {**_state(criterion), "version": current}
    siblings[index], siblings[other] = siblings[other], siblings[index]
    # give the siblings the positions they held, in their new order, then renumber the whole tree
    slots = sorted(s.position for s in siblings)
    for slot, sibling in zip(slots, siblings, strict=True):
        sibling.position = slot
    Criterion.objects.bulk_update(siblings, ["position"])
    _renumber(criteria_set)
    criterion.refresh_from_db()
    audit_record(
        actor=actor,
        action="criterion.move",
        instance=criterion,
        before=before,
        after={**_state(criterion), "version": current + 1},
        summary=f"{criteria_set}: chuyển {criterion.code} {'lên' if up else 'xuống'}",
    )
    return criterion


@transaction.atomic
def criterion_delete(*, actor: Actor, criterion: Criterion, version: int | None) -> None:
    """Delete a criterion of a draft; a group only once it is empty."""
    criteria_set, criterion = _locked_criterion(actor, criterion)
    current = _check_criterion_version(criterion, version)
    if criterion.children.exists():
        raise ValidationFailed(
            Problem(
                f"nhóm “{criterion.code}” còn tiêu chí con: chuyển hoặc xóa chúng trước", field="criterion"
            )
        )
    before = {**_state(criterion), "version": current}
    audit_record(
        actor=actor,
        action="criterion.delete",
        instance=criterion,
        before=before,
        summary=f"{criteria_set}: xóa {criterion.code}",
    )
    criterion.delete()
    _renumber(criteria_set)


@transaction.atomic
def criteria_set_total_set(
    *, actor: Actor, criteria_set: CriteriaSet, declared_total: Decimal
) -> CriteriaSet:
    """The declared total of a draft (the sum of its groups' and criteria's points, bonus and penalty
    items apart)."""
    criteria_set = _locked_draft(actor, criteria_set)
    if declared_total <= 0 or declared_total >= Decimal(1_000_000):
        raise ValidationFailed(
            Problem("Tổng điểm khai báo: phải lớn hơn 0 và nhỏ hơn 1.000.000", field="declared_total")
        )
    before = snapshot(criteria_set, ["declared_total"])
    criteria_set.declared_total = declared_total
    criteria_set.save(update_fields=["declared_total"])
    audit_record(
        actor=actor,
        action="criteria_set.total",
        instance=criteria_set,
        before=before,
        after=snapshot(criteria_set, ["declared_total"]),
    )
    return criteria_set


@transaction.atomic
def criteria_draft_start(
    *,
    actor: Actor,
    cluster_year: ClusterYear,
    declared_total: Decimal = Decimal(100),
    amends: CriteriaSet | None = None,
    reason: str = "",
    rules: dict[str, Any] | None = None,
) -> CriteriaSet:
    """A new draft to build in the editor: empty, or a copy of an adopted or locked version to amend (with
    a reason). One draft at a time per cluster-year."""
    _check_manages(actor, cluster_year)
    ClusterYear.objects.select_for_update().filter(pk=cluster_year.pk).first()
    if CriteriaSet.objects.filter(cluster_year=cluster_year, status=SetStatus.DRAFT).exists():
        raise ValidationFailed(
            Problem("đã có một dự thảo bộ tiêu chí chưa thông qua: hãy sửa dự thảo đó", field="criteria_set")
        )
    if amends is not None:
        if amends.cluster_year_id != cluster_year.pk:
            raise ValidationFailed(Problem("phiên bản được sửa đổi thuộc cụm – năm khác", field="amends"))
        if not reason.strip():
            raise ValidationFailed(
                Problem("Lý do sửa đổi: sửa đổi bộ tiêu chí phải ghi lý do", field="reason")
            )
    if declared_total <= 0:
        raise ValidationFailed(Problem("Tổng điểm khai báo: phải lớn hơn 0", field="declared_total"))
    last = CriteriaSet.objects.filter(cluster_year=cluster_year).order_by("-version").first()
    criteria_set = CriteriaSet.objects.create(
        cluster_year=cluster_year,
        version=(last.version + 1) if last else 1,
        amends=amends,
        reason=reason.strip(),
        declared_total=amends.declared_total if amends is not None else declared_total,
        rules=dict(amends.rules) if amends is not None else dict(rules or {}),
    )
    if amends is not None:
        _store_criteria(criteria_set, criteria_tree(amends), None, 0)
    audit_record(
        actor=actor,
        action="criteria_set.draft",
        instance=criteria_set,
        after={**snapshot(criteria_set), "amends": amends.pk if amends else None},
        summary=reason.strip(),
    )
    return criteria_set


_RULE_KEY = re.compile(r"“(group|criterion):([^”]*)”")


def in_words(message: str) -> str:
    """The engine's sentences about the rules name a tie-break by its key (“group:I”): say it in words."""
    return _RULE_KEY.sub(
        lambda m: f"“{'nhóm' if m.group(1) == 'group' else 'tiêu chí'} {m.group(2)}”", message
    )


def criteria_set_problems(criteria_set: CriteriaSet) -> list[str]:
    """What keeps a draft from being adopted (the whole tree against its declared total, indicators and
    rules: the checks adoption makes), as sentences; empty when it may be adopted."""
    try:
        _validate_spec(
            criteria_set.cluster_year,
            criteria_tree(criteria_set),
            criteria_set.rules,
            criteria_set.declared_total,
        )
    except ValidationFailed as exc:
        return [in_words(p.message) for p in exc.problems]
    if not Criterion.objects.filter(criteria_set=criteria_set).exists():
        return ["bộ tiêu chí chưa có tiêu chí nào"]
    return []
