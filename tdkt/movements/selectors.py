"""Reads for the cluster-year dashboard, a unit's page and the API; visibility rules live here too."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet

from tdkt.clusters.models import ClusterMember, ClusterRole, ClusterRoleKind, ClusterYear
from tdkt.clusters.scopes import Viewer
from tdkt.movements.compute import Achievement, Change, achievement, change_on_prior
from tdkt.movements.models import (
    ClusterIndicator,
    Covenant,
    Evidence,
    Indicator,
    Movement,
    Period,
    RegistrationLine,
    RegistrationStatus,
    Report,
    ReportStatus,
    ReportValue,
    Target,
    TargetBasis,
    TitleRegistration,
)
from tdkt.org.models import Unit
from tdkt.org.selectors import unit_history_ids

PUBLISHED_STATUSES = (ReportStatus.LOCKED,)
BASIS_ORDER = [TargetBasis.PROVINCE_ESTIMATE, TargetBasis.COUNCIL_RESOLUTION, TargetBasis.REGISTERED]


def report_visible(viewer: Viewer, report: Report) -> bool:
    """Board: all. A unit's staff: their own unit's reports. The head's staff: every report that has left
    draft. The public: locked (published) reports only."""
    if viewer.is_board or viewer.is_staff_of(report.unit_id):
        return True
    if report.cluster_year_id in viewer.head_of:
        return report.status != ReportStatus.DRAFT
    return report.status in PUBLISHED_STATUSES


def visible_reports(viewer: Viewer) -> Q:
    """The same rule as `report_visible`, as a query filter."""
    if viewer.is_board:
        return Q()
    rule = Q(status__in=PUBLISHED_STATUSES)
    if viewer.head_of:
        rule |= Q(cluster_year_id__in=viewer.head_of) & ~Q(status=ReportStatus.DRAFT)
    if viewer.unit_id is not None:
        rule |= Q(unit_id=viewer.unit_id)
    return rule


def targets_visible(viewer: Viewer, cluster_year: ClusterYear, unit_id: int, covenant_signed: bool) -> bool:
    """Targets are public once the covenant is signed; before that, the unit, the head and the board."""
    return covenant_signed or viewer.manages(cluster_year.pk) or viewer.is_staff_of(unit_id)


@dataclass(frozen=True)
class TargetView:
    basis: str
    basis_label: str
    value: Decimal
    reference: str
    illustrative: bool
    achievement: Achievement | None


@dataclass
class Cell:
    indicator: Indicator
    targets: list[TargetView] = field(default_factory=list)
    value: ReportValue | None = None
    prior: Decimal | None = None
    prior_source: str = ""
    change: Change | None = None

    @property
    def primary(self) -> TargetView | None:
        return self.targets[0] if self.targets else None


@dataclass
class MemberRow:
    unit: Unit
    role: ClusterRole | None
    report: Report | None
    report_visible: bool
    targets_visible: bool
    cells: list[Cell]

    @property
    def met_count(self) -> int:
        return sum(1 for c in self.cells if c.primary and c.primary.achievement and c.primary.achievement.met)


@dataclass
class Dashboard:
    cluster_year: ClusterYear
    period: str
    indicators: list[Indicator]
    rows: list[MemberRow]
    covenant: Covenant | None
    status_counts: dict[str, int]

    @property
    def period_label(self) -> str:
        return Period(self.period).label


def _prior_values(
    cluster_year: ClusterYear, period: str, units: list[Unit]
) -> dict[tuple[int, int], tuple[Decimal, str]]:
    """Values of the same period a year before, following lineage: a merged commune's predecessors count."""
    history: dict[int, int] = {}
    for unit in units:
        for pk in unit_history_ids(unit):
            history.setdefault(pk, unit.pk)
    rows = (
        ReportValue.objects.filter(
            report__cluster_year__year=cluster_year.year - 1,
            report__period=period,
            report__unit_id__in=list(history),
            report__status__in=(ReportStatus.ACCEPTED, ReportStatus.LOCKED),
        )
        .values_list("report__unit_id", "report__unit__name", "indicator_id", "value")
        .order_by("report__unit_id")
    )
    found: dict[tuple[int, int], tuple[Decimal, str]] = {}
    for unit_id, unit_name, indicator_id, value in rows:
        key = (history[unit_id], indicator_id)
        if key in found:
            # several predecessors: their results add up (amounts and counts); percentages have no sum
            found[key] = (found[key][0] + value, found[key][1] + f", {unit_name}")
        else:
            found[key] = (value, f"Báo cáo năm {cluster_year.year - 1} của {unit_name}")
    return found


def cluster_year_dashboard(*, cluster_year: ClusterYear, period: str, viewer: Viewer) -> Dashboard:
    indicators = [
        ci.indicator
        for ci in ClusterIndicator.objects.filter(cluster_year=cluster_year).select_related("indicator")
    ]
    members = list(ClusterMember.objects.filter(cluster_year=cluster_year).select_related("unit"))
    units = [m.unit for m in members]
    roles = {
        r.unit_id: r for r in ClusterRole.objects.filter(cluster_year=cluster_year).select_related("unit")
    }
    covenant = Covenant.objects.filter(cluster_year=cluster_year).first()
    targets: dict[tuple[int, int], list[Target]] = defaultdict(list)
    for t in Target.objects.filter(cluster_year=cluster_year):
        targets[(t.unit_id, t.indicator_id)].append(t)
    reports = {r.unit_id: r for r in Report.objects.filter(cluster_year=cluster_year, period=period)}
    values: dict[tuple[int, int], ReportValue] = {
        (v.report.unit_id, v.indicator_id): v
        for v in ReportValue.objects.filter(
            report__cluster_year=cluster_year, report__period=period
        ).select_related("report")
    }
    priors = _prior_values(cluster_year, period, units)
    status_counts: dict[str, int] = defaultdict(int)
    rows: list[MemberRow] = []
    for unit in units:
        report = reports.get(unit.pk)
        show_report = report is not None and report_visible(viewer, report)
        if not show_report:
            report = None  # not even its existence or status is shown to who may not see it
        status_counts[report.status if report else "none"] += 1
        show_targets = targets_visible(viewer, cluster_year, unit.pk, covenant is not None)
        cells = []
        for ind in indicators:
            cell = Cell(indicator=ind)
            rv = values.get((unit.pk, ind.pk)) if show_report else None
            cell.value = rv
            if show_targets:
                for t in sorted(
                    targets.get((unit.pk, ind.pk), []), key=lambda t: BASIS_ORDER.index(TargetBasis(t.basis))
                ):
                    ach = (
                        achievement(rv.value, t.value, direction=ind.direction, kind=ind.kind) if rv else None
                    )
                    cell.targets.append(
                        TargetView(
                            t.basis, TargetBasis(t.basis).label, t.value, t.reference, t.illustrative, ach
                        )
                    )
            if rv is not None:
                if rv.prior_value is not None:
                    cell.prior, cell.prior_source = rv.prior_value, "Đơn vị báo cáo số cùng kỳ"
                elif (unit.pk, ind.pk) in priors:
                    cell.prior, cell.prior_source = priors[(unit.pk, ind.pk)]
                if ind.kind in ("amount", "count"):
                    cell.change = change_on_prior(rv.value, cell.prior)
            cells.append(cell)
        rows.append(MemberRow(unit, roles.get(unit.pk), report, show_report, show_targets, cells))
    return Dashboard(cluster_year, period, indicators, rows, covenant, dict(status_counts))


def cluster_years_of_unit(unit: Unit) -> QuerySet[ClusterYear]:
    return ClusterYear.objects.filter(members__unit=unit).select_related("cluster").order_by("-year")


def reports_of_unit(*, unit: Unit, viewer: Viewer) -> QuerySet[Report]:
    return (
        Report.objects.filter(unit=unit)
        .filter(visible_reports(viewer))
        .select_related("cluster_year", "cluster_year__cluster")
        .order_by("-cluster_year__year", "period")
    )


def report_detail(report_id: int) -> Report | None:
    return (
        Report.objects.select_related("cluster_year", "cluster_year__cluster", "unit")
        .prefetch_related("values__indicator", "evidence")
        .filter(pk=report_id)
        .first()
    )


def evidence_of(report: Report) -> QuerySet[Evidence]:
    return Evidence.objects.filter(report=report).order_by("uploaded_at")


def movements_of(cluster_year: ClusterYear) -> QuerySet[Movement]:
    """The movements a cluster-year takes part in: launched for the cluster or for one of its members,
    and running during the year."""
    start, end = dt.date(cluster_year.year, 1, 1), dt.date(cluster_year.year, 12, 31)
    members = ClusterMember.objects.filter(cluster_year=cluster_year).values("unit_id")
    return (
        Movement.objects.filter(Q(clusters=cluster_year.cluster_id) | Q(units__in=members))
        .filter(start_date__lte=end)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=start))
        .select_related("launched_by")
        .distinct()
        .order_by("level", "start_date", "name")
    )


# ----------------------------------------------------------------------------------------- my work
# What waits for one viewer (the page "Việc của tôi" and the header's count compose these). Each reader
# runs a fixed number of queries, whatever the number of clusters.

WAITING_TO_FILL = (ReportStatus.DRAFT, ReportStatus.RETURNED)


def reports_waiting(viewer: Viewer) -> list[Report]:
    """Reports that wait for this viewer: their unit's drafts and returned reports (to fill and submit),
    and, in the cluster-years they head, the submitted reports (to accept or return). The board is not
    listed every cluster's reports: the heads accept them."""
    rule = Q(pk__in=[])
    if viewer.unit_id is not None:
        rule |= Q(unit_id=viewer.unit_id, status__in=WAITING_TO_FILL)
    if viewer.head_of:
        rule |= Q(cluster_year_id__in=viewer.head_of, status=ReportStatus.SUBMITTED)
    return list(
        Report.objects.filter(rule)
        .select_related("cluster_year", "cluster_year__cluster", "unit")
        .order_by("-cluster_year__year", "cluster_year__cluster__name", "period", "unit__name")
    )


@dataclass(frozen=True)
class SetupGap:
    """A cluster-year (its cluster's newest) that cannot run yet, and what it lacks."""

    cluster_year: ClusterYear
    lacks: str  # "members", "indicators" or "head"


def setup_unfinished() -> list[SetupGap]:
    """For the board: each cluster's newest year without members, indicators or a head (three queries)."""
    newest: dict[int, ClusterYear] = {}
    for cy in ClusterYear.objects.select_related("cluster").order_by("cluster_id", "-year"):
        newest.setdefault(cy.cluster_id, cy)
    ids = [cy.pk for cy in newest.values()]
    with_members = set(
        ClusterMember.objects.filter(cluster_year_id__in=ids).values_list("cluster_year_id", flat=True)
    )
    with_indicators = set(
        ClusterIndicator.objects.filter(cluster_year_id__in=ids).values_list("cluster_year_id", flat=True)
    )
    with_head = set(
        ClusterRole.objects.filter(cluster_year_id__in=ids, role=ClusterRoleKind.HEAD).values_list(
            "cluster_year_id", flat=True
        )
    )
    gaps = []
    for cy in sorted(newest.values(), key=lambda c: (c.cluster.name, c.year)):
        for lacks, present in (
            ("members", with_members),
            ("indicators", with_indicators),
            ("head", with_head),
        ):
            if cy.pk not in present:
                gaps.append(SetupGap(cy, lacks))
    return gaps


def units_without_accounts() -> list[Unit]:
    """Open units that are members of a cluster-year of the newest year and have no active account."""
    newest = ClusterYear.objects.order_by("-year").values_list("year", flat=True).first()
    if newest is None:
        return []
    return list(
        Unit.objects.filter(valid_to__isnull=True, cluster_memberships__cluster_year__year=newest)
        .exclude(account__user__is_active=True)
        .distinct()
        .order_by("name")
    )


# --- emulation registrations (tdkt.movements.registration) ----------------------------------------------------


def registration_visible(viewer: Viewer, unit: Unit) -> bool:
    """Who sees a unit's registration list (it names people): the board, the unit's staff (and its
    successor's), and its superior's staff, to whom the list is sent."""
    if viewer.is_board:
        return True
    if viewer.unit_id is None:
        return False
    return viewer.unit_id in (unit.pk, unit.parent_id) or unit.pk in _viewer_history(viewer)


def _viewer_history(viewer: Viewer) -> set[int]:
    """The viewer's unit and every unit it succeeded."""
    unit = Unit.objects.filter(pk=viewer.unit_id).first() if viewer.unit_id is not None else None
    return unit_history_ids(unit) if unit is not None else set()


def registration_of(unit: Unit, cycle: int) -> TitleRegistration | None:
    return (
        TitleRegistration.objects.filter(unit=unit, cycle=cycle)
        .select_related("unit", "submitted_by", "reviewed_by")
        .first()
    )


def registration_lines(registration: TitleRegistration) -> list[RegistrationLine]:
    """The lines, the collective's first, then people by name."""
    lines = registration.lines.select_related("person")
    return sorted(
        lines,
        key=lambda x: (x.person is not None, x.person.full_name if x.person else "", x.person_id or 0, x.pk),
    )


def registered_titles(unit: Unit, cycle: int) -> dict[int, set[str]]:
    """{person id: titles registered} on the lists of the unit (or of a unit it succeeded) for the cycle,
    whatever their status: what the candidates page marks “đã đăng ký”. One query."""
    found: dict[int, set[str]] = defaultdict(set)
    rows = RegistrationLine.objects.filter(
        cycle=cycle, person__isnull=False, registration__unit_id__in=unit_history_ids(unit)
    ).values_list("person_id", "title")
    for person_id, title in rows:
        found[person_id].add(title)
    return dict(found)


def registrations_to_review(viewer: Viewer, cycle: int | None = None) -> QuerySet[TitleRegistration]:
    """The lists sent to this viewer as superior (every list, for the board), newest cycle first; drafts
    are the unit's own and are not shown."""
    rows = TitleRegistration.objects.exclude(status=RegistrationStatus.DRAFT)
    if not viewer.is_board:
        if viewer.unit_id is None:
            return rows.none()
        rows = rows.filter(unit__parent_id=viewer.unit_id)
    if cycle is not None:
        rows = rows.filter(cycle=cycle)
    return rows.select_related("unit", "unit__parent").annotate(line_count=Count("lines"))


def registrations_waiting(viewer: Viewer) -> list[TitleRegistration]:
    """Lists that wait for this viewer: their unit's drafts and returned lists (to complete and send), and
    the lists sent to them as superior (to accept or return): the board only for units with no parent.
    Two queries whatever the number of units."""
    rule = Q(pk__in=[])
    if viewer.unit_id is not None:
        rule |= Q(unit_id=viewer.unit_id, status__in=[RegistrationStatus.DRAFT, RegistrationStatus.RETURNED])
        rule |= Q(unit__parent_id=viewer.unit_id, status=RegistrationStatus.SUBMITTED)
    if viewer.is_board:
        rule |= Q(unit__parent__isnull=True, status=RegistrationStatus.SUBMITTED)
    return list(
        TitleRegistration.objects.filter(rule).select_related("unit").order_by("-cycle", "unit__name")
    )
