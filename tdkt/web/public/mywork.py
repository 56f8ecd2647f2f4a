"""What waits for the signed-in user ("Việc của tôi"): the page and the header's count read the same list.

Each domain answers its own question in its selectors (`movements.selectors.reports_waiting`,
`registrations_waiting`, `setup_unfinished`, `units_without_accounts`; `scoring.selectors.scores_waiting`, `appraisals_waiting`;
`voting.selectors.ballots_waiting`; `dossiers.selectors.dossiers_waiting`); this module only words them and links each to the page that does it.
The list is built once per request (`for_request`), in a fixed number of queries whatever the number of
clusters, so the header's count and the page always agree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse

from tdkt.awards.models import EvaluationJob, JobStatus
from tdkt.clusters.models import ClusterYear
from tdkt.clusters.scopes import Viewer, viewer_for
from tdkt.core.vn import format_number
from tdkt.dossiers.selectors import dossiers_waiting
from tdkt.movements.models import RegistrationStatus, ReportStatus
from tdkt.movements.selectors import (
    registrations_waiting,
    reports_waiting,
    setup_unfinished,
    units_without_accounts,
)
from tdkt.scoring.selectors import appraisals_waiting, scores_waiting
from tdkt.voting.selectors import ballots_waiting

# Sections of the page, in this order.
REPORTS = "Báo cáo kết quả"
REGISTRATIONS = "Đăng ký thi đua"
SCORING = "Chấm điểm, xếp hạng"
VOTING = "Hội nghị, bỏ phiếu"
SETUP = "Thiết lập còn dở"
AWARDS = "Xét danh hiệu"
DOSSIERS = "Hồ sơ đề nghị khen thưởng"
SECTIONS = (REGISTRATIONS, REPORTS, SCORING, VOTING, DOSSIERS, SETUP, AWARDS)

SHOWN_NAMES = 5  # names listed in one item before "và N đơn vị khác"


@dataclass(frozen=True)
class WorkItem:
    """One thing to do: what, for which cluster-year or unit, the page that does it, a deadline if any."""

    section: str
    what: str
    where: str
    url: str
    deadline: dt.date | None = None
    note: str = ""


@dataclass(frozen=True)
class Section:
    title: str
    items: list[WorkItem]


def _where(cluster_year: ClusterYear) -> str:
    return f"{cluster_year.cluster.name} – năm {cluster_year.year}"


def _names(names: list[str] | tuple[str, ...]) -> str:
    shown = ", ".join(names[:SHOWN_NAMES])
    more = len(names) - SHOWN_NAMES
    return f"{shown} và {more} mục khác" if more > 0 else shown


def _report_items(viewer: Viewer) -> list[WorkItem]:
    items = []
    for report in reports_waiting(viewer):
        where = f"{report.unit.name} · {_where(report.cluster_year)}"
        url = reverse("web:report", args=[report.pk])
        period = report.get_period_display()
        if report.status == ReportStatus.SUBMITTED:
            what = f"Tiếp nhận hoặc trả lại báo cáo {period.lower()}"
            items.append(WorkItem(REPORTS, what, where, url))
        elif report.status == ReportStatus.RETURNED:
            note = f"Lý do trả lại: {report.return_reason}" if report.return_reason else ""
            items.append(WorkItem(REPORTS, f"Sửa và gửi lại báo cáo {period.lower()}", where, url, note=note))
        else:
            items.append(WorkItem(REPORTS, f"Nhập và gửi báo cáo {period.lower()}", where, url))
    return items


def _registration_items(viewer: Viewer) -> list[WorkItem]:
    items = []
    for registration in registrations_waiting(viewer):
        where = f"{registration.unit.name} · năm {registration.cycle}"
        url = reverse("web:registration", args=[registration.unit_id, registration.cycle])
        if registration.status == RegistrationStatus.SUBMITTED:
            items.append(WorkItem(REGISTRATIONS, "Tiếp nhận hoặc trả lại bản đăng ký thi đua", where, url))
        elif registration.status == RegistrationStatus.RETURNED:
            reason = registration.return_reason
            note = f"Lý do trả lại: {reason}" if reason else ""
            items.append(WorkItem(REGISTRATIONS, "Sửa và gửi lại bản đăng ký thi đua", where, url, note=note))
        else:
            items.append(WorkItem(REGISTRATIONS, "Hoàn thành và gửi bản đăng ký thi đua", where, url))
    return items


def _scoring_items(viewer: Viewer) -> list[WorkItem]:
    items = []
    for task in scores_waiting(viewer):
        cy = task.criteria_set.cluster_year
        where = _where(cy)
        scores = reverse("web:scores", args=[cy.pk])
        if task.kind == "self":
            what = f"Tự chấm điểm: còn {task.missing}/{task.of} tiêu chí chưa chấm"
            items.append(WorkItem(SCORING, what, where, f"{scores}#tu-cham"))
        elif task.kind == "cross" and task.scored is not None:
            what = f"Chấm chéo {task.scored.name}: còn {task.missing}/{task.of} tiêu chí chưa chấm"
            items.append(WorkItem(SCORING, what, where, f"{scores}#cham-cheo-{task.scored.pk}"))
        elif task.kind == "flags":
            what = f"Giải trình chênh lệch điểm: {task.missing} tiêu chí ({_names(task.names)})"
            items.append(WorkItem(SCORING, what, where, f"{scores}#giai-trinh"))
        elif task.kind == "cross_missing":
            what = f"Đôn đốc chấm chéo: {task.missing}/{task.of} cặp chưa chấm xong"
            url = reverse("web:assignments", args=[cy.pk])
            items.append(WorkItem(SCORING, what, where, url, note=_names(task.names)))
        elif task.kind == "publish":
            what = f"Công bố kết quả xếp hạng: báo cáo năm của cả {task.of} đơn vị đã được tiếp nhận"
            items.append(WorkItem(SCORING, what, where, reverse("web:ranking", args=[cy.pk])))
    return items


def _appraisal_items() -> list[WorkItem]:
    return [
        WorkItem(
            SCORING,
            "Xác nhận điểm thẩm định trước khi công bố",
            _where(criteria_set.cluster_year),
            reverse("web:scores", args=[criteria_set.cluster_year_id]),
            note=pending.message,
        )
        for criteria_set, pending in appraisals_waiting()
    ]


BALLOT_WHAT = {
    "prepare": "Chuẩn bị phiếu bầu (đang soạn)",
    "open": "Mở hòm phiếu",
    "close": "Đóng hòm phiếu",
    "count": "Kiểm phiếu",
}


def _ballot_items(viewer: Viewer) -> list[WorkItem]:
    items = []
    for task in ballots_waiting(viewer):
        ballot = task.ballot
        conference = ballot.conference
        meeting = _where(conference.cluster_year) if conference.cluster_year else conference.council_name
        where = f"{conference.get_kind_display()} · {meeting}"
        if task.kind == "confirm":
            what = f"Xác nhận {format_number(task.count)} lần nhập phiếu giấy: {ballot.title}"
            url = reverse("web:ballot_paper", args=[ballot.pk])
        else:
            what = f"{BALLOT_WHAT[task.kind]}: {ballot.title}"
            url = reverse("web:conference", args=[conference.pk])
        items.append(WorkItem(VOTING, what, where, url, deadline=conference.held_on))
    return items


SETUP_WHAT = {
    "members": ("Chọn các đơn vị thành viên", "web:cluster_members"),
    "indicators": ("Chọn bộ chỉ tiêu của năm", "web:cluster_indicators"),
    "head": ("Xác định Trưởng cụm", "web:cluster_roles"),
}


def _setup_items() -> list[WorkItem]:
    items = []
    for gap in setup_unfinished():
        what, view = SETUP_WHAT[gap.lacks]
        items.append(
            WorkItem(SETUP, what, _where(gap.cluster_year), reverse(view, args=[gap.cluster_year.pk]))
        )
    units = units_without_accounts()
    if units:
        items.append(
            WorkItem(
                SETUP,
                f"Tạo tài khoản cho {format_number(len(units))} đơn vị thành viên chưa có tài khoản",
                "Các cụm, khối năm gần nhất",
                reverse("web:account_new"),
                note=_names([unit.name for unit in units]),
            )
        )
    return items


def _job_items() -> list[WorkItem]:
    jobs = EvaluationJob.objects.filter(status__in=[JobStatus.QUEUED, JobStatus.RUNNING]).select_related(
        "scope"
    )
    return [
        WorkItem(
            AWARDS,
            f"Theo dõi lượt xét danh hiệu hàng loạt năm {job.cycle} ({job.get_status_display().lower()})",
            job.scope.name,
            reverse("web:awards_job", args=[job.pk]),
            note=f"Đã xét {format_number(job.done)}/{format_number(job.total)} người" if job.total else "",
        )
        for job in jobs
    ]


def _dossier_items(viewer: Viewer) -> list[WorkItem]:
    today = dt.date.today()
    return [
        WorkItem(
            DOSSIERS,
            f"{what}: {dossier.subject}",
            dossier.proposer.name,
            reverse("web:dossier", args=[dossier.pk]),
            deadline=dossier.due_on,
            note="Đã quá hạn" if dossier.due_on is not None and dossier.due_on < today else "",
        )
        for dossier, what in dossiers_waiting(viewer)
    ]


def work_items(viewer: Viewer) -> list[WorkItem]:
    """Everything waiting for this viewer, section by section. The public has nothing to do."""
    if viewer.is_public:
        return []
    items = (
        _registration_items(viewer)
        + _report_items(viewer)
        + _scoring_items(viewer)
        + _ballot_items(viewer)
        + _dossier_items(viewer)
    )
    if viewer.is_board:
        items += _appraisal_items() + _setup_items() + _job_items()
    order = {title: n for n, title in enumerate(SECTIONS)}
    return sorted(items, key=lambda item: order[item.section])  # stable: each reader's order is kept


def sections(items: list[WorkItem]) -> list[Section]:
    return [
        Section(title, [item for item in items if item.section == title])
        for title in SECTIONS
        if any(item.section == title for item in items)
    ]


_CACHE = "_tdkt_my_work"


def for_request(request: HttpRequest) -> list[WorkItem]:
    """The signed-in user's work, read once per request (the header and the page share it)."""
    cached: list[WorkItem] | None = getattr(request, _CACHE, None)
    if cached is None:
        cached = work_items(viewer_for(request.user))
        setattr(request, _CACHE, cached)
    return cached
