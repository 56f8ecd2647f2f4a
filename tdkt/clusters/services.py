"""Writes for clusters, their yearly membership, their head and deputy, and opening next year.

The board sets up clusters, their years, members and appointed roles. Opening next year is also the
outgoing head's (it happens when the conference's election is applied): it carries the members (their
successors after a merger), the indicators followed, the criteria set as a draft and the rotation, and
never overwrites a head or deputy already elected or appointed for that year.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from tdkt.clusters.models import (
    Cluster,
    ClusterKind,
    ClusterMember,
    ClusterRole,
    ClusterRoleKind,
    ClusterYear,
    RoleBasis,
    RotationPolicy,
)
from tdkt.clusters.scopes import viewer_for
from tdkt.clusters.selectors import roll_forward_plan
from tdkt.core.audit import Actor, audit_record, snapshot
from tdkt.core.errors import NotPermitted, Problem, ValidationFailed
from tdkt.movements.models import Report, Target
from tdkt.movements.services import cluster_indicators_carry
from tdkt.org.models import Unit
from tdkt.scoring.services import criteria_set_carry

MIN_YEAR, MAX_YEAR = 2000, 2100


def _check_board(actor: Actor, what: str) -> None:
    if actor is not None and not viewer_for(actor).is_board:
        raise NotPermitted(f"Chỉ Ban Thi đua – Khen thưởng mới được {what}")


def _check_manages(actor: Actor, cluster_year: ClusterYear) -> None:
    if actor is not None and not viewer_for(actor).manages(cluster_year.pk):
        raise NotPermitted(
            f"Chỉ Trưởng cụm hoặc Ban Thi đua – Khen thưởng mới được làm việc này với {cluster_year}"
        )


def _cluster_problems(*, name: str, kind: str, organiser: Unit | None, rotation_policy: str) -> list[Problem]:
    problems: list[Problem] = []
    if not name.strip():
        problems.append(Problem("thiếu tên cụm, khối", field="name"))
    elif len(name.strip()) > 200:
        problems.append(Problem("tên cụm, khối dài quá 200 ký tự", field="name"))
    if kind not in ClusterKind.values:
        problems.append(Problem(f"loại “{kind}” không hợp lệ: chọn cụm hoặc khối", field="kind"))
    if rotation_policy not in RotationPolicy.values:
        problems.append(Problem(f"cách luân phiên “{rotation_policy}” không hợp lệ", field="rotation_policy"))
    if organiser is None:
        problems.append(Problem("thiếu cơ quan tổ chức", field="organiser"))
    return problems


@transaction.atomic
def cluster_create(
    *,
    actor: Actor,
    code: str,
    name: str,
    kind: str,
    organiser: Unit,
    rotation_policy: str,
    description: str = "",
) -> Cluster:
    """A cluster (cụm) or block (khối) with its organiser and rotation policy (the board)."""
    _check_board(actor, "tạo cụm, khối thi đua")
    code = code.strip()
    problems: list[Problem] = []
    if not code:
        problems.append(Problem("thiếu mã cụm, khối", field="code"))
    elif len(code) > 40:
        problems.append(Problem("mã cụm, khối dài quá 40 ký tự", field="code"))
    elif Cluster.objects.filter(code=code).exists():
        problems.append(Problem(f"mã cụm “{code}” đã tồn tại", field="code"))
    problems += _cluster_problems(name=name, kind=kind, organiser=organiser, rotation_policy=rotation_policy)
    if problems:
        raise ValidationFailed(problems)
    cluster = Cluster(
        code=code,
        name=name.strip(),
        kind=kind,
        organiser=organiser,
        rotation_policy=rotation_policy,
        description=description,
    )
    cluster.full_clean()
    cluster.save()
    audit_record(actor=actor, action="cluster.create", instance=cluster, after=snapshot(cluster))
    return cluster


@transaction.atomic
def cluster_update(
    *,
    actor: Actor,
    cluster: Cluster,
    name: str,
    kind: str,
    organiser: Unit,
    rotation_policy: str,
    description: str = "",
) -> Cluster:
    """Change a cluster's name, kind, organiser, rotation policy or description (the board). Its code, which
    documents and exports cite, stays."""
    _check_board(actor, "sửa cụm, khối thi đua")
    problems = _cluster_problems(name=name, kind=kind, organiser=organiser, rotation_policy=rotation_policy)
    if problems:
        raise ValidationFailed(problems)
    cluster = Cluster.objects.select_for_update().get(pk=cluster.pk)
    before = snapshot(cluster)
    cluster.name = name.strip()
    cluster.kind = kind
    cluster.organiser = organiser
    cluster.rotation_policy = rotation_policy
    cluster.description = description
    cluster.full_clean()
    cluster.save()
    audit_record(
        actor=actor, action="cluster.update", instance=cluster, before=before, after=snapshot(cluster)
    )
    return cluster


def _member_problems(year: int, members: list[Unit], cluster: Cluster) -> list[Problem]:
    problems: list[Problem] = []
    if not members:
        problems.append(Problem(f"cụm – năm {year} phải có ít nhất một thành viên", field="members"))
    seen: set[int] = set()
    for unit in members:
        if unit.pk in seen:
            problems.append(
                Problem(f"đơn vị “{unit}” được kê hai lần trong danh sách thành viên", field="members")
            )
        seen.add(unit.pk)
        if not unit.valid_in_year(year):
            problems.append(Problem(f"đơn vị “{unit}” không còn hiệu lực trong năm {year}", field="members"))
    # A unit competes in one cluster (cụm) and at most one block (khối) a year: two memberships of the same
    # kind would rank it twice and let it lead twice.
    elsewhere = (
        ClusterMember.objects.filter(
            unit__in=[u.pk for u in members],
            cluster_year__year=year,
            cluster_year__cluster__kind=cluster.kind,
        )
        .exclude(cluster_year__cluster=cluster)
        .select_related("unit", "cluster_year__cluster")
        .order_by("unit__name")
    )
    for member in elsewhere:
        problems.append(
            Problem(
                f"đơn vị “{member.unit}” đã là thành viên của {member.cluster_year.cluster} năm {year}: "
                f"mỗi đơn vị chỉ thuộc một {cluster.get_kind_display().lower()} trong một năm",
                field="members",
            )
        )
    return problems


@transaction.atomic
def cluster_year_create(
    *, actor: Actor, cluster: Cluster, year: int, members: list[Unit], note: str = ""
) -> ClusterYear:
    """Open a cluster's year with its members (the board). Refused: no member, a member listed twice or
    not valid during that year, a year already open."""
    _check_board(actor, "mở năm thi đua của cụm, khối")
    return _year_open(actor=actor, cluster=cluster, year=year, members=members, note=note)


def _year_open(
    *, actor: Actor, cluster: Cluster, year: int, members: list[Unit], note: str = ""
) -> ClusterYear:
    problems: list[Problem] = []
    if not MIN_YEAR <= year <= MAX_YEAR:
        problems.append(Problem(f"năm {year} không hợp lệ", field="year"))
    elif ClusterYear.objects.filter(cluster=cluster, year=year).exists():
        problems.append(Problem(f"{cluster} đã có năm {year}", field="year"))
    problems += _member_problems(year, members, cluster)
    if problems:
        raise ValidationFailed(problems)
    cluster_year = ClusterYear.objects.create(cluster=cluster, year=year, note=note)
    ClusterMember.objects.bulk_create(
        [ClusterMember(cluster_year=cluster_year, unit=u, position=i) for i, u in enumerate(members, start=1)]
    )
    audit_record(
        actor=actor,
        action="cluster_year.create",
        instance=cluster_year,
        after={"cluster": cluster.pk, "year": year, "members": [u.pk for u in members]},
        summary=f"Mở {cluster_year} với {len(members)} thành viên",
    )
    return cluster_year


@transaction.atomic
def cluster_year_members_set(*, actor: Actor, cluster_year: ClusterYear, members: list[Unit]) -> ClusterYear:
    """Set a cluster-year's members, in order (the board). Refused: no member, a unit listed twice or not
    valid in that year, dropping the head or the deputy (name another first) or a member that has already
    registered targets or opened a report that year."""
    _check_board(actor, "sửa thành viên của cụm, khối")
    cluster_year = ClusterYear.objects.select_for_update().get(pk=cluster_year.pk)
    problems = _member_problems(cluster_year.year, members, cluster_year.cluster)
    kept = {u.pk for u in members}
    current = list(cluster_year.members.select_related("unit").order_by("position"))
    dropped = [m.unit for m in current if m.unit_id not in kept]
    roles = {r.unit_id: r for r in cluster_year.roles.all()}
    for unit in dropped:
        if unit.pk in roles:
            problems.append(
                Problem(
                    f"không thể bỏ “{unit}”: đang là {roles[unit.pk].get_role_display()}, hãy chọn đơn vị khác trước",
                    field="members",
                )
            )
        elif (
            Target.objects.filter(cluster_year=cluster_year, unit=unit).exists()
            or Report.objects.filter(cluster_year=cluster_year, unit=unit).exists()
        ):
            problems.append(
                Problem(
                    f"không thể bỏ “{unit}”: đơn vị đã đăng ký chỉ tiêu hoặc lập báo cáo năm {cluster_year.year}",
                    field="members",
                )
            )
    if problems:
        raise ValidationFailed(problems)
    before = [m.unit_id for m in current]
    cluster_year.members.all().delete()
    ClusterMember.objects.bulk_create(
        [ClusterMember(cluster_year=cluster_year, unit=u, position=i) for i, u in enumerate(members, start=1)]
    )
    audit_record(
        actor=actor,
        action="cluster_year.members_set",
        instance=cluster_year,
        before={"members": before},
        after={"members": [u.pk for u in members]},
        summary=f"Thành viên {cluster_year}: {len(members)} đơn vị",
    )
    return cluster_year


def _check_role_setter(actor: Actor, cluster_year: ClusterYear, basis: str) -> None:
    """The board names any head or deputy. The outgoing head's staff record the ones the conference elected
    into next year (what applying a ballot does)."""
    if actor is None:
        return
    viewer = viewer_for(actor)
    if viewer.is_board:
        return
    if basis == RoleBasis.ELECTED:
        previous = ClusterYear.objects.filter(
            cluster_id=cluster_year.cluster_id, year=cluster_year.year - 1
        ).first()
        if previous is not None and viewer.manages(previous.pk):
            return
    raise NotPermitted(
        f"Chỉ Ban Thi đua – Khen thưởng mới được chỉ định Trưởng cụm, Phó Trưởng cụm của {cluster_year}"
    )


@transaction.atomic
def cluster_role_set(
    *,
    actor: Actor,
    cluster_year: ClusterYear,
    unit: Unit,
    role: str,
    basis: str,
    decided_on: dt.date | None = None,
    reference: str = "",
) -> ClusterRole:
    """Name the head or the deputy of a cluster-year; replaces whoever held that role (audited). Refused: a
    unit that is not a member, or that already holds the other role — unless it holds it only by rotation,
    which an election or an appointment overrides."""
    if role not in ClusterRoleKind.values:
        raise ValidationFailed(Problem(f"vai trò “{role}” không hợp lệ", field="role"))
    if basis not in RoleBasis.values:
        raise ValidationFailed(Problem(f"căn cứ “{basis}” không hợp lệ", field="basis"))
    _check_role_setter(actor, cluster_year, basis)
    if not ClusterMember.objects.filter(cluster_year=cluster_year, unit=unit).exists():
        raise ValidationFailed(Problem(f"“{unit}” không phải thành viên của {cluster_year}", field="unit"))
    if decided_on is not None and not MIN_YEAR <= decided_on.year <= MAX_YEAR:
        raise ValidationFailed(Problem("ngày quyết định không hợp lệ", field="decided_on"))
    if len(reference) > 300:
        raise ValidationFailed(Problem("văn bản, hội nghị dài quá 300 ký tự", field="reference"))
    other = ClusterRole.objects.filter(cluster_year=cluster_year, unit=unit).exclude(role=role).first()
    if other is not None:
        if other.basis == RoleBasis.ROTATION and basis != RoleBasis.ROTATION:
            audit_record(
                actor=actor,
                action="cluster_role.remove",
                instance=other,
                before=snapshot(other),
                summary=f"{other.get_role_display()} {cluster_year} theo luân phiên được thay bởi kết quả {basis}",
            )
            other.delete()
        else:
            raise ValidationFailed(
                Problem(f"“{unit}” đã là {other.get_role_display()} của {cluster_year}", field="unit")
            )
    return _role_write(
        actor=actor,
        cluster_year=cluster_year,
        unit=unit,
        role=role,
        basis=basis,
        decided_on=decided_on,
        reference=reference,
    )


def _role_write(
    *,
    actor: Actor,
    cluster_year: ClusterYear,
    unit: Unit,
    role: str,
    basis: str,
    decided_on: dt.date | None,
    reference: str,
) -> ClusterRole:
    existing = ClusterRole.objects.filter(cluster_year=cluster_year, role=role).first()
    before = snapshot(existing) if existing else None
    if existing is None:
        existing = ClusterRole(cluster_year=cluster_year, role=role)
    existing.unit = unit
    existing.basis = basis
    existing.decided_on = decided_on
    existing.reference = reference
    existing.save()
    audit_record(
        actor=actor,
        action="cluster_role.set",
        instance=existing,
        before=before,
        after=snapshot(existing),
        summary=f"{existing.get_role_display()} {cluster_year}: {unit}",
    )
    return existing


@transaction.atomic
def cluster_year_roll_forward(*, actor: Actor, cluster_year: ClusterYear) -> ClusterYear:
    """Open the cluster's next year, or complete it if it is open already, with what carries over
    (`roll_forward_plan` shows it first): the members — a merged or renamed member replaced by its successor
    valid in the new year —, the indicators followed, the criteria set in force as a draft, and the rotation
    policy's head where no head was elected or appointed. The board or this year's head's staff."""
    _check_manages(actor, cluster_year)
    plan = roll_forward_plan(cluster_year)
    if plan.blocking:
        raise ValidationFailed([Problem(message, field="members") for message in plan.blocking])
    nxt = plan.next_year
    if nxt is None:
        nxt = _year_open(
            actor=actor,
            cluster=cluster_year.cluster,
            year=plan.year,
            members=[m.unit for m in plan.members if m.unit],
        )
    if plan.indicators_to_carry:
        cluster_indicators_carry(actor=actor, source=cluster_year, cluster_year=nxt)
    if plan.criteria_set is not None and plan.criteria_carried:
        try:
            criteria_set_carry(actor=actor, source=plan.criteria_set, cluster_year=nxt)
        except ValidationFailed as exc:
            # the year still opens: the head drafts the criteria again, told why on the next year's page
            audit_record(
                actor=actor,
                action="criteria_set.carry_refused",
                instance=nxt,
                summary="; ".join(p.message for p in exc.problems)[:500],
            )
    for carried in plan.roles:
        if carried.applies and carried.unit is not None:
            _role_write(
                actor=actor,
                cluster_year=nxt,
                unit=carried.unit,
                role=carried.role,
                basis=RoleBasis.ROTATION,
                decided_on=None,
                reference=carried.reference,
            )
    return nxt
