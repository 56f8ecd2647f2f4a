"""A decision's documents made in the background with progress: the decision as .docx and PDF, and every
certificate printed onto its blank. Started by the authority that signed; run by `tasks.print_decision`
(`tdkt db_worker` with the database backend, at once with the immediate backend)."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from tdkt.core.audit import Actor, actor_user, audit_record
from tdkt.core.errors import Problem, ValidationFailed
from tdkt.dossiers.certificates import certificates_issue, certificates_pdf
from tdkt.dossiers.decisions import _check_decider, decision_document
from tdkt.dossiers.models import Certificate, Decision, PrintJob, PrintStatus
from tdkt.reports.documents import to_docx, to_pdf

DOCUMENT_STEPS = 2  # the decision's .docx and PDF, before the certificates


@transaction.atomic
def print_job_start(*, actor: Actor, decision: Decision) -> PrintJob:
    """Issue the decision's certificates and queue their printing with the decision's documents. Refused:
    a decision not signed, a print of the same decision already running."""
    _check_decider(actor, decision.dossier)
    problems: list[Problem] = []
    if not decision.number:
        problems.append(Problem("quyết định chưa ký: chưa in được", field="decision"))
    if PrintJob.objects.filter(
        decision=decision, status__in=[PrintStatus.QUEUED, PrintStatus.RUNNING]
    ).exists():
        problems.append(Problem("đang in quyết định này: hãy chờ lượt in đang chạy xong", field="decision"))
    if problems:
        raise ValidationFailed(problems)
    issued = certificates_issue(actor=actor, decision=decision)
    job = PrintJob.objects.create(
        decision=decision, total=DOCUMENT_STEPS + len(issued), created_by=actor_user(actor)
    )
    audit_record(actor=actor, action="decision.print", instance=job, summary=f"In {decision}")

    def enqueue() -> None:
        from tdkt.dossiers.tasks import print_decision

        print_decision.enqueue(job.pk)

    transaction.on_commit(enqueue)
    return job


def _save(job: PrintJob, **fields: object) -> None:
    PrintJob.objects.filter(pk=job.pk).update(**fields)
    for name, value in fields.items():
        setattr(job, name, value)


def run_print_job(job: PrintJob) -> PrintJob:
    """Make the documents, saving progress after each step; a failure is recorded on the job and re-raised."""
    _save(job, status=PrintStatus.RUNNING, started_at=timezone.now(), stage="Quyết định (.docx)")
    decision = job.decision
    try:
        document = decision_document(decision)
        name = f"quyet-dinh-{decision.pk}"
        job.decision_docx.save(f"{name}.docx", ContentFile(to_docx(document)), save=False)
        _save(job, decision_docx=job.decision_docx.name, done=1, stage="Quyết định (.pdf)")
        job.decision_pdf.save(f"{name}.pdf", ContentFile(to_pdf(document)), save=False)
        _save(job, decision_pdf=job.decision_pdf.name, done=2, stage="Bằng khen, giấy khen")
        if Certificate.objects.filter(decision=decision).exists():

            def progress(done: int, total: int) -> None:
                _save(job, done=DOCUMENT_STEPS + done, total=DOCUMENT_STEPS + total)

            pdf = certificates_pdf(decision, progress=progress)
            job.certificates_pdf.save(f"bang-khen-{decision.pk}.pdf", ContentFile(pdf), save=False)
            _save(job, certificates_pdf=job.certificates_pdf.name)
        _save(job, status=PrintStatus.DONE, stage="", done=job.total, finished_at=timezone.now())
    except Exception as exc:
        _save(
            job,
            status=PrintStatus.FAILED,
            finished_at=timezone.now(),
            error=f"{type(exc).__name__}: {exc}"[:2000],
        )
        raise
    return job
