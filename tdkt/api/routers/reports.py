"""A member's report: open it, read it, write its values, move it through its states.

Reads 404 unless `report_visible`; writes need a session (and its CSRF token) and go through
`tdkt.movements.services`, which check the permission again and raise `NotPermitted` (403) for a viewer
who can see the report but may not change it.
"""

from django.http import Http404, HttpRequest
from ninja import Router
from ninja.security import django_auth

from tdkt.api.access import (
    get_cluster_year,
    get_report_for_viewer,
    indicators_from_body,
    sees_unit_work,
    unit_from_body,
    viewer_of,
)
from tdkt.api.schemas import (
    WRITE_ERRORS,
    MessageOut,
    ReportOpenIn,
    ReportOut,
    TransitionIn,
    ValueIn,
    report_out,
)
from tdkt.core.errors import NotPermitted
from tdkt.movements.selectors import report_detail
from tdkt.movements.services import ValueInput, report_get_or_create, report_transition, report_values_set

router = Router(tags=["reports"])


class ReportTransitionIn(TransitionIn):
    """`confirm_incomplete`: submit even though some indicators have no value (refused with 422 otherwise)."""

    confirm_incomplete: bool = False


def _fresh(report_id: int) -> ReportOut:
    report = report_detail(report_id)
    if report is None:  # pragma: no cover - reports are never deleted
        raise Http404
    return report_out(report)


@router.post(
    "/cluster-years/{cy_id}/reports",
    response={200: ReportOut, **WRITE_ERRORS},
    auth=django_auth,
    summary="Mở (hoặc lấy lại) báo cáo của một đơn vị",
)
def report_open(request: HttpRequest, cy_id: int, payload: ReportOpenIn) -> ReportOut:
    """Only the unit's staff or the board; returns the existing report when there is one."""
    cluster_year = get_cluster_year(cy_id)
    unit = unit_from_body(payload.unit_id)
    viewer = viewer_of(request)
    if not (viewer.is_board or viewer.is_staff_of(unit.pk)):
        if sees_unit_work(viewer, cluster_year, unit.pk):
            raise NotPermitted(f"Chỉ cán bộ của “{unit}” hoặc Ban Thi đua – Khen thưởng mới được mở báo cáo")
        raise Http404
    report = report_get_or_create(
        actor=request.user, cluster_year=cluster_year, unit=unit, period=payload.period
    )
    return _fresh(report.pk)


@router.get("/reports/{report_id}", response={200: ReportOut, 404: MessageOut}, summary="Một báo cáo")
def report_get(request: HttpRequest, report_id: int) -> ReportOut:
    return report_out(get_report_for_viewer(report_id, viewer_of(request)))


@router.put(
    "/reports/{report_id}/values",
    response={200: ReportOut, **WRITE_ERRORS},
    auth=django_auth,
    summary="Ghi số liệu vào báo cáo",
)
def report_values_put(request: HttpRequest, report_id: int, payload: list[ValueIn]) -> ReportOut:
    """All or nothing: one bad row and nothing is written. Each row carries `version`, the version of that
    value when it was read (0 for a value not yet entered): a value changed since is refused (422) with what
    changed, and nothing is written."""
    report = get_report_for_viewer(report_id, viewer_of(request))
    indicators = indicators_from_body([item.indicator_code for item in payload], numbered=True)
    report_values_set(
        actor=request.user,
        report=report,
        values=[
            ValueInput(
                indicator=indicators[item.indicator_code],
                value=item.value,
                prior_value=item.prior_value,
                note=item.note,
                illustrative=item.illustrative,
                source=item.source,
                version=item.version,
            )
            for item in payload
        ],
    )
    return _fresh(report.pk)


@router.post(
    "/reports/{report_id}/transition",
    response={200: ReportOut, **WRITE_ERRORS},
    auth=django_auth,
    summary="Gửi, trả lại, tiếp nhận hoặc khóa báo cáo",
)
def report_transition_post(request: HttpRequest, report_id: int, payload: ReportTransitionIn) -> ReportOut:
    """submit: the unit's staff; return (with a reason), accept, lock: the head's staff or the board.

    A submit with indicators left without a value is refused (422, one problem naming each missing
    indicator, field `confirm_incomplete`) unless the body says `"confirm_incomplete": true`."""
    report = get_report_for_viewer(report_id, viewer_of(request))
    report_transition(
        actor=request.user,
        report=report,
        action=payload.action,
        reason=payload.reason,
        allow_incomplete=payload.confirm_incomplete,
    )
    return _fresh(report.pk)
