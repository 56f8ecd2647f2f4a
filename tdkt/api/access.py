"""Lookups shared by the routers: find an object for a viewer, or 404 when they may not see it.

A refusal on an object the viewer may not see is always 404, never 403, so that a response never confirms
that, say, another unit's draft exists. 403 is left to the services (`NotPermitted`) for objects the viewer
can see but may not change.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from tdkt.clusters.models import ClusterYear
from tdkt.clusters.scopes import Viewer, viewer_for
from tdkt.core.errors import Problem, ValidationFailed
from tdkt.movements.models import Covenant, Indicator, Report
from tdkt.movements.selectors import report_detail, report_visible
from tdkt.org.models import Unit


def viewer_of(request: HttpRequest) -> Viewer:
    return viewer_for(request.user)


def get_cluster_year(cy_id: int) -> ClusterYear:
    """Cluster-years are public: their members, roles and indicators are published."""
    return get_object_or_404(ClusterYear.objects.select_related("cluster"), pk=cy_id)


def get_report_for_viewer(report_id: int, viewer: Viewer) -> Report:
    report = report_detail(report_id)
    if report is None or not report_visible(viewer, report):
        raise Http404
    return report


def covenant_signed(cluster_year: ClusterYear) -> bool:
    return Covenant.objects.filter(cluster_year=cluster_year).exists()


def sees_unit_work(viewer: Viewer, cluster_year: ClusterYear, unit_id: int) -> bool:
    """Who may see a member's unpublished work in a cluster-year at all: the board, the unit's staff and
    the head's staff. Anyone else writing there gets 404, like the outsider everywhere."""
    return viewer.is_board or viewer.is_staff_of(unit_id) or viewer.manages(cluster_year.pk)


def unit_from_body(unit_id: int, *, field: str = "unit_id") -> Unit:
    unit = Unit.objects.filter(pk=unit_id).first()
    if unit is None:
        raise ValidationFailed(Problem(f"không có đơn vị mã số {unit_id}", field=field))
    return unit


def indicators_from_body(
    codes: list[str], *, numbered: bool = False, field: str = "indicator_code"
) -> dict[str, Indicator]:
    """The indicators named in a request, by code. Every unknown code is one problem; `numbered` when the
    body is a list, so that each problem carries its row (1-based)."""
    found = {ind.code: ind for ind in Indicator.objects.filter(code__in=set(codes))}
    problems = [
        Problem(f"không có chỉ tiêu mã “{code}”", row=row if numbered else None, field=field)
        for row, code in enumerate(codes, start=1)
        if code not in found
    ]
    if problems:
        raise ValidationFailed(problems)
    return found
