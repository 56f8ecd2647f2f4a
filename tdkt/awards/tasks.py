"""Background tasks (django-tasks): the bulk evaluation of a province or a unit for one cycle.

Queued by `services.evaluation_job_start` once its transaction commits; run by `tdkt db_worker` with the
database backend (`make demo`, production) or at once with the immediate backend (tests). Progress is
saved on the `EvaluationJob` after each chunk of people, so the page's progress bar can poll it.
"""

from __future__ import annotations

from django_tasks import task

from tdkt.awards.bulk import run_job
from tdkt.awards.models import EvaluationJob, JobStatus


@task()
def evaluate_scope(job_id: int) -> dict[str, object]:
    """Evaluate every person of the job's scope; returns the job's final status and counts."""
    job = EvaluationJob.objects.filter(pk=job_id).first()
    if job is None or job.status != JobStatus.QUEUED:
        return {"job": job_id, "status": job.status if job else "missing"}
    job = run_job(job)
    return {"job": job.pk, "status": job.status, "done": job.done, "counts": job.counts}
