"""A large Excel import as a background task (`tdkt.org.tasks`): queued by `import_job_start`, run by the
task through the page's own import, its progress saved on the job while it runs, then the counts — or every
problem with its row and column in Vietnamese and nothing written. The upload is erased when the run ends."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tdkt.core.errors import NotPermitted, ValidationFailed
from tdkt.core.models import AuditEvent
from tdkt.core.personas import World
from tdkt.org import tasks
from tdkt.org.models import Employment, ImportJob, ImportKind, ImportStatus, Person, Unit
from tdkt.org.tests.test_xlsx_province_staff import province_book
from tdkt.org.tests.test_xlsx_units import MERGER_LINEAGE, MERGER_UNITS, workbook

Capture = Callable[..., Any]


def _people(n: int, *, bad_row: int | None = None) -> list[list[object]]:
    rows: list[list[object]] = []
    for i in range(n):
        born = "31/02/1980" if i == bad_row else "12/03/1980"
        rows.append(
            ["T-TP", f"TP-{i:05d}", f"Nguyễn Văn An {i}", "Nam", born, "", "Chuyên viên", "01/01/2020"]
        )
    return rows


def _start(world: World, capture: Capture, data: bytes, kind: str = ImportKind.PROVINCE_STAFF) -> ImportJob:
    with capture(execute=True):
        job = tasks.import_job_start(actor=world.board, kind=kind, filename="can-bo.xlsx", data=data)
    job.refresh_from_db()
    return job


def test_the_task_imports_the_file_and_saves_its_progress_as_it_goes(
    world: World, django_capture_on_commit_callbacks: Capture, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[tuple[str, str, int, int]] = []
    report = tasks._Reporter.__call__

    def watched(self: tasks._Reporter, phase: str, done: int, total: int) -> None:
        report(self, phase, done, total)
        job = ImportJob.objects.get(pk=self.job_id)  # what the page reads while the task runs
        seen.append((job.status, job.phase, job.done, job.total))

    monkeypatch.setattr(tasks, "SAVE_EVERY_SECONDS", 0)
    monkeypatch.setattr(tasks._Reporter, "__call__", watched)
    job = _start(world, django_capture_on_commit_callbacks, province_book(_people(2500)))
    assert seen[0] == ("running", "read", 0, 0)
    assert ("running", "validate", 0, 2500) in seen
    assert ("running", "validate", 1000, 2500) in seen and ("running", "validate", 2000, 2500) in seen
    assert seen[-1] == ("running", "write", 0, 2500)
    assert (job.status, job.done, job.total, job.percent, job.finished) == ("done", 2500, 2500, 100, True)
    assert job.result == {"created": 2500, "position_changes": 0, "unchanged": 0}
    assert job.task_id and job.started_at and job.finished_at
    assert bytes(job.data) == b"" and job.size > 0  # the upload is not kept
    assert Employment.objects.filter(unit=world.tien_phuoc).count() == 2500
    assert AuditEvent.objects.filter(action="import.start", object_id=str(job.pk)).exists()


def test_a_bad_row_refuses_the_whole_file_with_its_row_and_column_in_vietnamese(
    world: World, django_capture_on_commit_callbacks: Capture
) -> None:
    job = _start(world, django_capture_on_commit_callbacks, province_book(_people(1500, bad_row=1200)))
    assert job.status == ImportStatus.REFUSED and job.get_status_display() == "Tệp có lỗi, chưa ghi dòng nào"
    [problem] = tasks.job_problems(job)
    assert (problem.row, problem.column) == (1205, "E (Ngày sinh)")
    assert problem.message == "ngày sinh “31/02/1980” không phải ngày có thật"
    assert Person.objects.count() == 0 and Employment.objects.count() == 0
    assert not AuditEvent.objects.filter(action="person.import").exists()
    assert bytes(job.data) == b""


def test_the_unit_list_runs_as_a_task_too(world: World, django_capture_on_commit_callbacks: Capture) -> None:
    job = _start(
        world, django_capture_on_commit_callbacks, workbook(MERGER_UNITS, MERGER_LINEAGE), ImportKind.UNITS
    )
    assert (job.status, job.result) == ("done", {"created": 4, "unchanged": 0, "events": 1})
    assert Unit.objects.get(code="T-X-PKIM").valid_to is not None


def test_an_unexpected_failure_is_recorded_and_writes_nothing(
    world: World, django_capture_on_commit_callbacks: Capture, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(**kwargs: Any) -> None:
        raise RuntimeError("ổ đĩa đầy")

    monkeypatch.setattr(tasks.xlsx_staff, "province_staff_import", broken)
    job = _start(world, django_capture_on_commit_callbacks, province_book(_people(3)))
    assert (job.status, job.error) == ("failed", "RuntimeError: ổ đĩa đầy")
    assert Person.objects.count() == 0 and bytes(job.data) == b""


def test_who_may_not_import_or_a_file_that_is_no_workbook_is_refused_before_any_job(world: World) -> None:
    data = province_book(_people(3))
    with pytest.raises(NotPermitted):
        tasks.import_job_start(
            actor=world.member, kind=ImportKind.PROVINCE_STAFF, filename="a.xlsx", data=data
        )
    with pytest.raises(NotPermitted):
        tasks.import_job_start(
            actor=world.outsider, kind=ImportKind.STAFF, unit=world.tien_phuoc, filename="a.xlsx", data=data
        )
    with pytest.raises(ValidationFailed):
        tasks.import_job_start(actor=world.board, kind=ImportKind.UNITS, filename="a.csv", data=b"ma,ten\n")
    assert ImportJob.objects.count() == 0


def test_a_job_that_is_not_queued_is_not_run_again(
    world: World, django_capture_on_commit_callbacks: Capture
) -> None:
    job = _start(world, django_capture_on_commit_callbacks, province_book(_people(2)))
    assert tasks.run_import.call(job.pk) == {"job": job.pk, "status": "done"}
    assert Person.objects.count() == 2
