"""Writes for clusters, their yearly membership and their head and deputy."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from tdkt.clusters.models import (
    Cluster,
    ClusterMember,
    ClusterRole,
    ClusterRoleKind,
    ClusterYear,
    RoleBasis,
    RotationPolicy,
)
from tdkt.core.audit import Actor, audit_record, snapshot
from tdkt.core.errors import Problem, ValidationFailed
from tdkt.org.models import Unit
from tdkt.org.selectors import unit_successors


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
    if Cluster.objects.filter(code=code).exists():
        raise ValidationFailed(Problem(f"mã cụm “{code}” đã tồn tại", field="code"))
    if rotation_policy not in RotationPolicy.values:
        raise ValidationFailed(
            Problem(f"cách luân phiên “{rotation_policy}” không hợp lệ", field="rotation_policy")
        )
    cluster = Cluster(
        code=code,
        name=name,
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
def cluster_year_create(
    *, actor: Actor, cluster: Cluster, year: int, members: list[Unit], note: str = ""
) -> ClusterYear:
    """Open a cluster's year with its members. Every member must exist during that year."""
    problems: list[Problem] = []
    if not 2000 <= year <= 2100:
        problems.append(Problem(f"năm {year} không hợp lệ", field="year"))
    if ClusterYear.objects.filter(cluster=cluster, year=year).exists():
        problems.append(Problem(f"{cluster} đã có năm {year}", field="year"))
    if len({u.pk for u in members}) != len(members):
        problems.append(Problem("một đơn vị được kê hai lần trong danh sách thành viên", field="members"))
    for unit in members:
        if not unit.valid_in_year(year):
            problems.append(Problem(f"đơn vị “{unit}” không còn hiệu lực trong năm {year}", field="members"))
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
    """Name the head or the deputy of a cluster-year; replaces whoever held that role (audited)."""
    if role not in ClusterRoleKind.values:
        raise ValidationFailed(Problem(f"vai trò “{role}” không hợp lệ", field="role"))
    if basis not in RoleBasis.values:
        raise ValidationFailed(Problem(f"căn cứ “{basis}” không hợp lệ", field="basis"))
    if not ClusterMember.objects.filter(cluster_year=cluster_year, unit=unit).exists():
        raise ValidationFailed(Problem(f"“{unit}” không phải thành viên của {cluster_year}", field="unit"))
    other = ClusterRole.objects.filter(cluster_year=cluster_year, unit=unit).exclude(role=role).first()
    if other is not None:
        raise ValidationFailed(
            Problem(f"“{unit}” đã là {other.get_role_display()} của {cluster_year}", field="unit")
        )
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
    """Open the next year with the same members. A member that was merged or renamed is replaced by its
    successor valid in the new year. Under the deputy-becomes-head policy, this year's deputy becomes
    next year's head; under the other policies the head is recorded when it is elected or appointed."""
    year = cluster_year.year + 1
    members: list[Unit] = []
    seen: set[int] = set()
    for member in cluster_year.members.select_related("unit"):
        candidates = [member.unit] if member.unit.valid_in_year(year) else unit_successors(member.unit)
        for unit in candidates:
            if unit.valid_in_year(year) and unit.pk not in seen:
                members.append(unit)
                seen.add(unit.pk)
                break
    nxt = cluster_year_create(actor=actor, cluster=cluster_year.cluster, year=year, members=members)
    if cluster_year.cluster.rotation_policy == RotationPolicy.DEPUTY_BECOMES_HEAD:
        deputy = ClusterRole.objects.filter(cluster_year=cluster_year, role=ClusterRoleKind.DEPUTY).first()
        if deputy is not None and deputy.unit_id in seen:
            cluster_role_set(
                actor=actor,
                cluster_year=nxt,
                unit=deputy.unit,
                role=ClusterRoleKind.HEAD,
                basis=RoleBasis.ROTATION,
                reference=f"Luân phiên: Phó Trưởng cụm năm {cluster_year.year}",
            )
    return nxt
