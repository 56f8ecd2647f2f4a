"""The page of a large Excel import run in the background (`tdkt.org.tasks`): its step, the rows checked,
then what was written or every problem with its row and column. htmx polls the same URL for the progress
fragment until the run ends, as the awards bulk evaluation's page does.

Who: the unit list and the province's staff list are the board's; a unit's staff list, whoever may see that
unit's people. Anyone else gets 404.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from tdkt.awards.selectors import unit_people_visible
from tdkt.clusters.scopes import viewer_for
from tdkt.org.models import ImportJob, ImportKind
from tdkt.org.tasks import job_problems


def _get_job_for_user(request: HttpRequest, job_id: int) -> ImportJob:
    job = ImportJob.objects.select_related("unit", "created_by").filter(pk=job_id).first()
    viewer = viewer_for(request.user)
    if job is None:
        raise Http404("Không tìm thấy lượt nhập.")
    allowed = (
        unit_people_visible(viewer, job.unit)
        if job.kind == ImportKind.STAFF and job.unit is not None
        else viewer.is_board
    )
    if not allowed:
        raise Http404("Không tìm thấy lượt nhập.")
    return job


@login_required
@require_GET
def import_job(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _get_job_for_user(request, job_id)
    context = {"job": job, "problems": job_problems(job), "kinds": ImportKind}
    template = "web/org/_import_progress.html" if request.headers.get("HX-Request") == "true" else None
    response = render(request, template or "web/org/import_job.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response
