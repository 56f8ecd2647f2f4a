"""Large Excel imports as background tasks (django-tasks), the sibling of `tdkt.awards.tasks`.

`import_job_start` checks who may import and the file's name and size, keeps the upload on an `ImportJob`
and queues `run_import` once its transaction commits: `tdkt db_worker` runs it with the database backend
(`make demo`, production), the immediate backend at once (tests, `TASKS_BACKEND=immediate`). The task calls
the very import the page calls inline for a small file (`xlsx_units.units_import`, `xlsx_staff.staff_import`,
`xlsx_staff.province_staff_import`), all rows or none, and saves its progress on the job: the phase, and
while rows are checked how many. The write is one transaction (a second connection could not report from
inside it on SQLite, whose writer holds the lock), so the page shows that step without a count, then the
counts written — or every problem with its row and column, nothing written. The upload is erased from the
job when the run ends.

Start and run live here rather than in `services.py`: they are the import's, and `services.py` is the
units' and people's own writes.
"""

from __future__ import annotations

import logging
import time
from dataclasses import asdict
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django_tasks import task

from tdkt.core.audit import Actor, actor_user, audit_record
from tdkt.core.errors import NotPermitted, Problem, ValidationFailed
from tdkt.movements.xlsx_rules import inspect_upload
from tdkt.org import xlsx_staff, xlsx_units
from tdkt.org.models import ImportJob, ImportKind, ImportStatus, Unit
from tdkt.org.services import _check_board, _check_records_people_of

logger = logging.getLogger(__name__)

# An upload larger than this runs as a background task; a smaller one inline, within the request (a unit's
# staff list of a few hundred people is written in well under a second).
BACKGROUND_FROM_BYTES = 64 * 1024
SAVE_EVERY_SECONDS = 0.5  # progress written at most this often, and at each new phase

MAX_BYTES = {
    ImportKind.UNITS: xlsx_units.MAX_IMPORT_BYTES,
    ImportKind.STAFF: xlsx_staff.MAX_IMPORT_BYTES,
    ImportKind.PROVINCE_STAFF: xlsx_staff.MAX_IMPORT_BYTES,
}


def runs_in_background(size: int) -> bool:
    return size > BACKGROUND_FROM_BYTES


@transaction.atomic
def import_job_start(
    *, actor: Actor, kind: str, filename: str, data: bytes, unit: Unit | None = None
) -> ImportJob:
    """Queue an import: the unit list or the province's staff list (the board's), or a unit's staff list
    (the board's and the unit's staff's). Refused at once: someone not allowed, a file that is not a
    workbook or is too large. The rows are checked by the task, which records any problem on the job."""
    if kind == ImportKind.UNITS:
        _check_board(actor, "nhập danh sách đơn vị")
    elif kind == ImportKind.PROVINCE_STAFF:
        _check_board(actor, "nhập danh sách cán bộ toàn tỉnh")
    elif kind == ImportKind.STAFF and unit is not None:
        _check_records_people_of(actor, unit)
    else:
        raise ValidationFailed(Problem("loại tệp nhập không hợp lệ"))
    inspect_upload(filename, data, max_bytes=MAX_BYTES[ImportKind(kind)])
    name = filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1][:255]
    job = ImportJob.objects.create(
        kind=kind,
        unit=unit if kind == ImportKind.STAFF else None,
        filename=name,
        size=len(data),
        data=data,
        created_by=actor_user(actor),
    )
    audit_record(
        actor=actor,
        action="import.start",
        instance=job,
        after={"kind": kind, "file": name, "size": len(data), "unit": unit.pk if unit else None},
        summary=f"Bắt đầu nhập {job.get_kind_display().lower()} từ tệp “{name}”",
    )

    def enqueue() -> None:
        result = run_import.enqueue(job.pk)
        ImportJob.objects.filter(pk=job.pk).update(task_id=str(result.id))

    transaction.on_commit(enqueue)
    return job


@task()
def run_import(job_id: int) -> dict[str, Any]:
    """Run a queued import; returns the job's final status."""
    job = ImportJob.objects.filter(pk=job_id).first()
    if job is None or job.status != ImportStatus.QUEUED:
        return {"job": job_id, "status": job.status if job else "missing"}
    job = run_import_job(job)
    return {"job": job.pk, "status": job.status, "result": job.result}


class _Reporter:
    """The import's progress callback: the job row updated at each new phase and at most every
    `SAVE_EVERY_SECONDS` while rows are checked (in autocommit, so the page sees it at once)."""

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self.phase = ""
        self.saved = 0.0

    def __call__(self, phase: str, done: int, total: int) -> None:
        now = time.monotonic()
        if phase == self.phase and now - self.saved < SAVE_EVERY_SECONDS:
            return
        self.phase, self.saved = phase, now
        ImportJob.objects.filter(pk=self.job_id).update(phase=phase, done=done, total=total)


def run_import_job(job: ImportJob) -> ImportJob:
    """Run the job's import through the same function the page calls inline. A refusal (the file's
    problems, or the user no longer allowed) is recorded on the job with every problem; an unexpected
    failure as a system error (logged). Either way nothing of the file is written, and the upload is
    erased."""
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING, started_at=timezone.now())
    actor: Actor = User.objects.filter(pk=job.created_by_id).first() if job.created_by_id else None
    data = bytes(job.data)
    report = _Reporter(job.pk)
    outcome: dict[str, Any] = {"data": b"", "finished_at": None}
    try:
        if job.kind == ImportKind.UNITS:
            units = xlsx_units.units_import(actor=actor, filename=job.filename, data=data, progress=report)
            result: dict[str, Any] = {
                "created": len(units.created),
                "unchanged": units.unchanged,
                "events": units.events,
            }
        elif job.kind == ImportKind.PROVINCE_STAFF:
            result = asdict(
                xlsx_staff.province_staff_import(
                    actor=actor, filename=job.filename, data=data, progress=report
                )
            )
        else:
            unit = Unit.objects.get(pk=job.unit_id or 0)
            result = asdict(
                xlsx_staff.staff_import(
                    actor=actor, unit=unit, filename=job.filename, data=data, progress=report
                )
            )
    except ValidationFailed as exc:
        outcome.update(status=ImportStatus.REFUSED, problems=[_plain(p) for p in exc.problems])
    except NotPermitted as exc:
        outcome.update(status=ImportStatus.REFUSED, problems=[{"message": exc.message}])
    except Exception as exc:
        logger.exception("import job %s failed", job.pk)
        outcome.update(status=ImportStatus.FAILED, error=f"{type(exc).__name__}: {exc}"[:2000])
    else:
        outcome.update(status=ImportStatus.DONE, result=result, done=F("total"))
    outcome["finished_at"] = timezone.now()
    ImportJob.objects.filter(pk=job.pk).update(**outcome)
    job.refresh_from_db()
    return job


def _plain(problem: Problem) -> dict[str, Any]:
    return {"message": problem.message, "row": problem.row, "column": problem.column, "field": problem.field}


def job_problems(job: ImportJob) -> list[Problem]:
    """The refused file's problems as the pages show them."""
    return [
        Problem(p.get("message", ""), row=p.get("row"), column=p.get("column"), field=p.get("field"))
        for p in job.problems
    ]
