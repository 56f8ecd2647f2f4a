"""Presentational reads for the public pages: shapes the selectors' data for the templates.

Nothing here decides who may see what: visibility stays in `tdkt.movements.selectors` and
`tdkt.clusters.scopes`. These helpers only group, count and label what the pages show.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Prefetch

from tdkt.clusters.models import Cluster, ClusterRole, ClusterRoleKind, ClusterYear
from tdkt.clusters.selectors import cluster_years
from tdkt.core.vn import fold
from tdkt.movements.models import Covenant, CovenantSignatory, ReportStatus
from tdkt.movements.selectors import cluster_years_of_unit
from tdkt.org.models import LineageLink, Unit
from tdkt.org.selectors import unit_lineage_events, unit_predecessors

NO_REPORT = "none"
NO_REPORT_LABEL = "Chưa có số liệu"  # none, or not visible to this viewer
MEMBER = "member"
MEMBER_LABEL = "Thành viên"


@dataclass(frozen=True)
class ClusterYearSummary:
    cluster_year: ClusterYear
    head: Unit | None
    deputy: Unit | None
    member_count: int


@dataclass
class ClusterGroup:
    cluster: Cluster
    years: list[ClusterYearSummary] = field(default_factory=list)


def home_cluster_groups() -> list[ClusterGroup]:
    """Every cluster-year, newest year first, grouped by cluster (clusters by name)."""
    rows = (
        cluster_years()
        .annotate(member_count=Count("members", distinct=True))
        .prefetch_related(Prefetch("roles", queryset=ClusterRole.objects.select_related("unit")))
    )
    groups: dict[int, ClusterGroup] = {}
    for cy in rows:
        roles = {role.role: role.unit for role in cy.roles.all()}
        group = groups.setdefault(cy.cluster_id, ClusterGroup(cluster=cy.cluster))
        group.years.append(
            ClusterYearSummary(
                cluster_year=cy,
                head=roles.get(ClusterRoleKind.HEAD),
                deputy=roles.get(ClusterRoleKind.DEPUTY),
                member_count=cy.member_count,
            )
        )
    return list(groups.values())


SEARCH_LIMIT = 30


def search_units(query: str, *, limit: int = SEARCH_LIMIT) -> list[Unit]:
    """Units whose folded name (or code) holds every folded word of the query: `phuoc son` finds
    `Phước Sơn`. Units still in force come first. Done in Python: the unit list is small."""
    words = fold(query).split()
    if not words:
        return []
    found = []
    for unit in Unit.objects.select_related("parent").order_by("name"):
        haystack = f"{fold(unit.name)} {fold(unit.code)}"
        if all(word in haystack for word in words):
            found.append(unit)
    found.sort(key=lambda u: (u.valid_to is not None, fold(u.name)))
    return found[:limit]


def covenant_signatories(covenant: Covenant | None) -> list[CovenantSignatory]:
    if covenant is None:
        return []
    return list(covenant.signatories.select_related("unit").order_by("unit__name"))


@dataclass(frozen=True)
class StatusCount:
    status: str
    label: str
    count: int


def status_summary(counts: dict[str, int]) -> list[StatusCount]:
    """Report counts by status in workflow order, then the members with no report; every status listed."""
    items = [StatusCount(s.value, s.label, counts.get(s.value, 0)) for s in ReportStatus]
    items.append(StatusCount(NO_REPORT, NO_REPORT_LABEL, counts.get(NO_REPORT, 0)))
    return items


@dataclass(frozen=True)
class Membership:
    cluster_year: ClusterYear
    role: str  # "head", "deputy" or MEMBER
    role_label: str


def unit_memberships(unit: Unit) -> list[Membership]:
    """The cluster-years a unit belongs to, newest first, with its role (head, deputy or member)."""
    roles = {r.cluster_year_id: r for r in ClusterRole.objects.filter(unit=unit)}
    memberships = []
    for cy in cluster_years_of_unit(unit):
        role = roles.get(cy.pk)
        memberships.append(
            Membership(
                cluster_year=cy,
                role=role.role if role else MEMBER,
                role_label=role.get_role_display() if role else MEMBER_LABEL,
            )
        )
    return memberships


@dataclass(frozen=True)
class Lineage:
    formed_from: list[LineageLink]  # links whose successor is this unit
    became: list[LineageLink]  # links whose predecessor is this unit
    earlier: list[Unit]  # predecessors further back than the direct ones


def unit_lineage(unit: Unit) -> Lineage:
    links = list(unit_lineage_events(unit))
    formed_from = [link for link in links if link.successor_id == unit.pk]
    became = [link for link in links if link.predecessor_id == unit.pk]
    direct = {link.predecessor_id for link in formed_from}
    earlier = [u for u in unit_predecessors(unit) if u.pk not in direct]
    return Lineage(formed_from=formed_from, became=became, earlier=earlier)
