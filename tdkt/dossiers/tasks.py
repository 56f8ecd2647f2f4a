"""Background tasks (django-tasks) of the dossiers: printing a decision's documents and certificates."""

from __future__ import annotations

from django_tasks import task

from tdkt.dossiers.models import PrintJob, PrintStatus
from tdkt.dossiers.printing import run_print_job


@task()
def print_decision(job_id: int) -> dict[str, object]:
    job = (
        PrintJob.objects.select_related("decision__dossier", "decision__authority_unit")
        .filter(pk=job_id)
        .first()
    )
    if job is None or job.status != PrintStatus.QUEUED:
        return {"job": job_id, "status": job.status if job else "missing"}
    job = run_print_job(job)
    return {"job": job.pk, "status": job.status, "done": job.done}
