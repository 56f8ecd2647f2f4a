"""Reads over clusters and their years."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet

from tdkt.clusters.models import ClusterMember, ClusterRole, ClusterRoleKind, ClusterYear, RotationPolicy
from tdkt.movements.models import ClusterIndicator, Indicator
from tdkt.org.models import Unit
from tdkt.org.selectors import unit_successors
from tdkt.scoring.models import CriteriaSet, SetStatus


def cluster_years() -> QuerySet[ClusterYear]:
    return ClusterYear.objects.select_related("cluster", "cluster__organiser").order_by(
        "cluster__name", "-year"
    )


def cluster_year_with_members(pk: int) -> ClusterYear | None:
    return (
        ClusterYear.objects.select_related("cluster", "cluster__organiser")
        .prefetch_related(
            Prefetch(
                "members",
                queryset=ClusterMember.objects.select_related("unit").order_by("position", "unit__name"),
            ),
            Prefetch("roles", queryset=ClusterRole.objects.select_related("unit")),
        )
        .filter(pk=pk)
        .first()
    )


def roles_by_unit(cluster_year: ClusterYear) -> dict[int, ClusterRole]:
    return {role.unit_id: role for role in cluster_year.roles.all()}


# --- opening next year ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class MemberCarry:
    """A member of this year and who stands for it next year (itself, its successor, or nobody)."""

    before: Unit
    unit: Unit | None

    @property
    def note(self) -> str:
        if self.unit is None:
            return "Không còn hiệu lực, không có đơn vị kế thừa: không chuyển sang năm sau"
        if self.unit.pk == self.before.pk:
            return "Giữ nguyên"
        return f"Thay bằng đơn vị kế thừa “{self.unit.name}”"


@dataclass(frozen=True)
class RoleCarry:
    """Next year's head or deputy: kept as already elected or appointed, given by the rotation policy
    (`applies`: opening next year writes it), or left for the conference or the appointing body."""

    role: str
    unit: Unit | None
    note: str
    applies: bool = False
    reference: str = ""

    @property
    def role_label(self) -> str:
        return str(ClusterRoleKind(self.role).label)


@dataclass(frozen=True)
class RollForwardPlan:
    cluster_year: ClusterYear
    year: int
    next_year: ClusterYear | None  # already open (by an applied election, or earlier)
    members: list[MemberCarry]
    indicators: list[Indicator]  # what this year follows
    indicators_to_carry: bool  # next year follows none yet
    criteria_set: CriteriaSet | None  # the version in force this year
    criteria_carried: bool  # copied as next year's draft
    criteria_note: str
    roles: list[RoleCarry]
    blocking: list[str] = field(default_factory=list)

    @property
    def next_members(self) -> list[Unit]:
        return [m.unit for m in self.members if m.unit is not None]


def _successor_in(unit: Unit, year: int) -> Unit | None:
    if unit.valid_in_year(year):
        return unit
    return next((u for u in unit_successors(unit) if u.valid_in_year(year)), None)


def _criteria_in_force(cluster_year: ClusterYear) -> CriteriaSet | None:
    sets = CriteriaSet.objects.filter(cluster_year=cluster_year).order_by("-version")
    return sets.exclude(status=SetStatus.DRAFT).first() or sets.first()


def rotation_roles(
    cluster_year: ClusterYear, members_next: list[Unit], held: dict[str, ClusterRole]
) -> list[RoleCarry]:
    """Next year's head and deputy: the ones already named in `held` (by role) are kept; the rotation
    policy fills the others where it decides (under "deputy becomes head", this year's deputy — or its
    successor — if still a member and holding no other role)."""
    policy = cluster_year.cluster.rotation_policy
    year = cluster_year.year + 1
    out: list[RoleCarry] = []
    held_units = {r.unit_id for r in held.values()}
    waiting = {
        RotationPolicy.ELECTED: "Chờ hội nghị tổng kết bầu",
        RotationPolicy.APPOINTED: "Chờ cấp trên chỉ định",
        RotationPolicy.DEPUTY_BECOMES_HEAD: "Chờ hội nghị bầu hoặc cấp trên chỉ định",
    }[RotationPolicy(policy)]
    for kind in (ClusterRoleKind.HEAD, ClusterRoleKind.DEPUTY):
        existing = held.get(kind)
        if existing is not None:
            note = f"Giữ nguyên: {existing.get_basis_display().lower()}"
            if existing.reference:
                note += f" ({existing.reference})"
            out.append(RoleCarry(kind, existing.unit, note))
            continue
        if policy == RotationPolicy.DEPUTY_BECOMES_HEAD and kind == ClusterRoleKind.HEAD:
            deputy = (
                ClusterRole.objects.filter(cluster_year=cluster_year, role=ClusterRoleKind.DEPUTY)
                .select_related("unit")
                .first()
            )
            unit = _successor_in(deputy.unit, year) if deputy is not None else None
            if unit is not None and unit.pk not in held_units and unit.pk in {u.pk for u in members_next}:
                out.append(
                    RoleCarry(
                        kind,
                        unit,
                        f"Theo quy chế luân phiên: Phó Trưởng cụm năm {cluster_year.year}",
                        applies=True,
                        reference=f"Luân phiên: Phó Trưởng cụm năm {cluster_year.year}",
                    )
                )
                continue
        out.append(RoleCarry(kind, None, waiting))
    return out


def roll_forward_plan(cluster_year: ClusterYear) -> RollForwardPlan:
    """What opening the cluster's next year carries over, read without writing anything: the page shows
    it before the manager confirms, and `cluster_year_roll_forward` does exactly this."""
    year = cluster_year.year + 1
    nxt = ClusterYear.objects.filter(cluster_id=cluster_year.cluster_id, year=year).first()
    blocking: list[str] = []
    if nxt is None:
        members: list[MemberCarry] = []
        seen: set[int] = set()
        for member in cluster_year.members.select_related("unit").order_by("position", "unit__name"):
            unit = _successor_in(member.unit, year)
            if unit is not None and unit.pk in seen:
                unit = None
            if unit is not None:
                seen.add(unit.pk)
            members.append(MemberCarry(member.unit, unit))
        if not seen:
            blocking.append(
                f"không thành viên nào còn hiệu lực trong năm {year}: cụm – năm không thể không có thành viên"
            )
        members_next = [m.unit for m in members if m.unit is not None]
        held: dict[str, ClusterRole] = {}
    else:
        members_next = [m.unit for m in nxt.members.select_related("unit").order_by("position", "unit__name")]
        members = [MemberCarry(u, u) for u in members_next]
        held = {r.role: r for r in nxt.roles.select_related("unit")}
    indicators = [
        ci.indicator
        for ci in ClusterIndicator.objects.filter(cluster_year=cluster_year)
        .select_related("indicator")
        .order_by("position")
    ]
    indicators_to_carry = bool(indicators) and (
        nxt is None or not ClusterIndicator.objects.filter(cluster_year=nxt).exists()
    )
    source = _criteria_in_force(cluster_year)
    next_sets = (
        CriteriaSet.objects.filter(cluster_year=nxt).order_by("-version")
        if nxt
        else CriteriaSet.objects.none()
    )
    criteria_carried = source is not None and not next_sets.exists()
    if source is None:
        criteria_note = f"Năm {cluster_year.year} chưa có bộ tiêu chí: Trưởng cụm năm {year} soạn mới"
    elif criteria_carried:
        criteria_note = f"Sao chép phiên bản {source.version} ({source.get_status_display().lower()}) thành dự thảo năm {year}, chờ hội nghị thông qua"
    else:
        criteria_note = f"Năm {year} đã có bộ tiêu chí: giữ nguyên"
    return RollForwardPlan(
        cluster_year=cluster_year,
        year=year,
        next_year=nxt,
        members=members,
        indicators=indicators,
        indicators_to_carry=indicators_to_carry,
        criteria_set=source,
        criteria_carried=criteria_carried,
        criteria_note=criteria_note,
        roles=rotation_roles(cluster_year, members_next, held),
        blocking=blocking,
    )
