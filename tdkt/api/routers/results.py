"""A cluster-year's targets and results. Reads are public, filtered by the viewer's visibility."""

from django.http import Http404, HttpRequest
from ninja import Router
from ninja.security import django_auth

from tdkt.api.access import (
    covenant_signed,
    get_cluster_year,
    indicators_from_body,
    unit_from_body,
    viewer_of,
)
from tdkt.api.schemas import (
    WRITE_ERRORS,
    CellOut,
    ResultRowOut,
    ResultsOut,
    ResultTargetOut,
    TargetIn,
    TargetOut,
    achievement_out,
    change_out,
    cluster_year_ref,
    indicator_out,
    plain,
    report_ref,
    stored,
    target_out,
    unit_ref,
)
from tdkt.movements.models import Period, Target
from tdkt.movements.selectors import Cell, cluster_year_dashboard, targets_visible
from tdkt.movements.services import target_set

router = Router(tags=["results"])


@router.get("/cluster-years/{cy_id}/targets", response=list[TargetOut], summary="Chỉ tiêu đăng ký")
def target_list(request: HttpRequest, cy_id: int) -> list[TargetOut]:
    """Targets are public once the covenant is signed; before that, only the unit, the head and the board
    see them."""
    cluster_year = get_cluster_year(cy_id)
    viewer = viewer_of(request)
    signed = covenant_signed(cluster_year)
    targets = (
        Target.objects.filter(cluster_year=cluster_year)
        .select_related("unit", "indicator")
        .order_by("unit__name", "indicator__code", "basis")
    )
    return [target_out(t) for t in targets if targets_visible(viewer, cluster_year, t.unit_id, signed)]


@router.put(
    "/cluster-years/{cy_id}/targets",
    response={200: TargetOut, **WRITE_ERRORS},
    auth=django_auth,
    summary="Đăng ký hoặc sửa một chỉ tiêu",
)
def target_put(request: HttpRequest, cy_id: int, payload: TargetIn) -> TargetOut:
    """`version`: the target's version when it was read (0 for a new one); a target changed since is
    refused (422) with what changed."""
    cluster_year = get_cluster_year(cy_id)
    unit = unit_from_body(payload.unit_id)
    indicator = indicators_from_body([payload.indicator_code])[payload.indicator_code]
    if not targets_visible(viewer_of(request), cluster_year, unit.pk, covenant_signed(cluster_year)):
        raise Http404
    target = target_set(
        actor=request.user,
        cluster_year=cluster_year,
        unit=unit,
        indicator=indicator,
        value=payload.value,
        basis=payload.basis,
        reference=payload.reference,
        version=payload.version,
    )
    return target_out(target)


def _cell_out(cell: Cell) -> CellOut:
    value = cell.value
    primary = cell.primary.achievement if cell.primary else None
    return CellOut(
        indicator_code=cell.indicator.code,
        value=stored(value.value) if value else None,
        value_illustrative=value.illustrative if value else False,
        value_source=value.source if value else "",
        note=value.note if value else "",
        prior_value=stored(cell.prior),
        prior_source=cell.prior_source,
        targets=[
            ResultTargetOut(
                basis=t.basis,
                basis_label=t.basis_label,
                value=stored(t.value) or "",
                reference=t.reference,
                illustrative=t.illustrative,
                achievement=achievement_out(t.achievement),
            )
            for t in cell.targets
        ],
        percent=plain(primary.percent) if primary else None,
        met=primary.met if primary else None,
        explanation=primary.explanation if primary else None,
        change=change_out(cell.change),
    )


@router.get("/cluster-years/{cy_id}/results", response=ResultsOut, summary="Kết quả thực hiện chỉ tiêu")
def results(request: HttpRequest, cy_id: int, period: Period = Period.YEAR_END) -> ResultsOut:
    """Per member and indicator: the value (only where the viewer may see the report), the targets,
    percent achieved with its arithmetic, whether met, and the change on the year before. Built from the
    same dashboard as the web page, so the numbers are the same."""
    cluster_year = get_cluster_year(cy_id)
    board = cluster_year_dashboard(cluster_year=cluster_year, period=period, viewer=viewer_of(request))
    return ResultsOut(
        cluster_year=cluster_year_ref(cluster_year),
        period=board.period,
        period_label=str(board.period_label),
        indicators=[indicator_out(i) for i in board.indicators],
        rows=[
            ResultRowOut(
                unit=unit_ref(row.unit),
                role=row.role.role if row.role else None,
                report=report_ref(row.report) if row.report is not None and row.report_visible else None,
                report_visible=row.report_visible,
                targets_visible=row.targets_visible,
                met_count=row.met_count,
                cells=[_cell_out(c) for c in row.cells],
            )
            for row in board.rows
        ],
    )
