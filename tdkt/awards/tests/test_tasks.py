"""The bulk evaluation: run as a task, its progress and counts, and its agreement with the explained engine."""

from __future__ import annotations

import datetime as dt

import pytest

from tdkt.awards import bulk, engine
from tdkt.awards.models import EvaluationJob, EvaluationOutcome, JobStatus
from tdkt.awards.selectors import subjects_for
from tdkt.awards.services import (
    discipline_record,
    evaluation_job_start,
    initiative_record,
    pending_review_open,
)
from tdkt.awards.tests.helpers import make_people
from tdkt.core.errors import NotPermitted, ValidationFailed
from tdkt.core.personas import World


@pytest.fixture
def people(world: World):
    people = make_people(world)
    discipline_record(
        actor=None, person=people.binh, level=1, start=dt.date(2023, 3, 1), end=dt.date(2023, 9, 30)
    )
    pending_review_open(actor=None, person=people.dung, kind="thanh_tra", since=dt.date(2024, 10, 1))
    initiative_record(
        actor=None, person=people.cuong, name="Sổ tay", scope="bo_tinh", recognised_on=dt.date(2024, 5, 1)
    )
    return people


def test_a_province_is_evaluated_by_the_task_with_counts_per_title(
    world: World, people, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        job = evaluation_job_start(actor=world.board, scope=world.province, cycle=2024)
    job.refresh_from_db()
    assert (job.status, job.total, job.done, job.percent) == (JobStatus.DONE, 4, 4, 100)
    assert job.task_id and job.started_at and job.finished_at and job.titles == list(bulk.BULK_TITLES)
    assert sum(job.counts["LDTT"].values()) == 4
    assert job.counts["LDTT"]["barred"] == 1  # Dung, under inspection
    stored = {o.person_id: o for o in EvaluationOutcome.objects.filter(job=job).select_related("job")}
    assert set(stored) == {people.lan.pk, people.binh.pk, people.cuong.pk, people.dung.pk}
    assert stored[people.lan.pk].unit_id == world.tien_phuoc.pk


def test_bulk_outcomes_agree_with_the_explained_engine(world: World, people) -> None:
    ids, units = bulk.scope_people(world.province, 2024)
    job = EvaluationJob.objects.create(scope=world.province, cycle=2024, titles=list(bulk.BULK_TITLES))
    bulk.evaluate_people(ids, units, 2024, job_id=job.pk, chunk=2)
    by_person = {o.person_id: o for o in EvaluationOutcome.objects.filter(job=job).select_related("job")}
    for subject in subjects_for([int(i) for i in ids], cycle=2024):
        person_id = int(subject.id.split("-")[1])
        for verdict in engine.evaluate(subject, 2024, titles=bulk.BULK_TITLES):
            assert by_person[person_id].outcome_of(verdict.title) == verdict.outcome, (
                subject.name,
                verdict.title,
            )


def test_only_the_board_starts_a_run_and_not_twice_at_once(world: World, people) -> None:
    with pytest.raises(NotPermitted):
        evaluation_job_start(actor=world.member, scope=world.tien_phuoc, cycle=2024)
    evaluation_job_start(actor=world.board, scope=world.tien_phuoc, cycle=2024)  # queued: on_commit not run
    with pytest.raises(ValidationFailed) as exc:
        evaluation_job_start(actor=world.board, scope=world.tien_phuoc, cycle=2024)
    assert "đang có một lượt xét năm 2024" in exc.value.messages[0]


def test_a_failing_run_is_marked_failed(world: World, people, monkeypatch) -> None:
    job = EvaluationJob.objects.create(scope=world.province, cycle=2024)

    def broken(*args, **kwargs):
        raise RuntimeError("hỏng")

    monkeypatch.setattr(bulk, "evaluate_people", broken)
    with pytest.raises(RuntimeError):
        bulk.run_job(job)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "hỏng" in job.error
