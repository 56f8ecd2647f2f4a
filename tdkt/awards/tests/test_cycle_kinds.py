"""Cycles counted on school years, and the armed forces, from the database: a person is read as the unit
they work in during the cycle counts (`Unit.cycle_kind`, `Unit.armed_forces`), on the explained path
(`selectors.subjects_for` → `engine.evaluate`) and on the bulk path (`bulk` → `batch.evaluate_batch`), and
both give the same outcome for everyone.

The world's units (tdkt.core.personas) count calendar years; here a high school of Tiên Phước counts school
years (cycle 2024 = the school year 2024–2025, ending 31/08/2025) and the district police belong to the
armed forces.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from tdkt.awards import bulk, engine, xlsx_import
from tdkt.awards.models import EvaluationJob, EvaluationOutcome, Initiative, TaskRating
from tdkt.awards.selectors import (
    collective_evaluation,
    collective_subject,
    person_evaluation,
    subjects_for,
    unit_candidates,
)
from tdkt.awards.services import (
    award_record,
    discipline_record,
    initiative_record,
    task_rating_set,
)
from tdkt.awards.subjects import CYCLE_SCHOOL
from tdkt.awards.tests import xlsx_corpus as corpus
from tdkt.awards.tests.helpers import make_people
from tdkt.core.errors import ValidationFailed
from tdkt.core.personas import World
from tdkt.org.models import CycleKind, Gender, Person, Unit, UnitKind
from tdkt.org.services import employment_start, person_create, unit_create

CYCLE = 2024


@pytest.fixture
def school(world: World) -> Unit:
    return unit_create(
        actor=None,
        code="T-TP-THPT",
        name="Trường THPT Huỳnh Thúc Kháng",
        kind=UnitKind.AGENCY,
        parent=world.province,
        cycle_kind=CycleKind.SCHOOL,
    )


@pytest.fixture
def police(world: World) -> Unit:
    return unit_create(
        actor=None,
        code="T-CA-TP",
        name="Công an huyện Tiên Phước",
        kind=UnitKind.AGENCY,
        parent=world.province,
        armed_forces=True,
    )


def _person(name: str, unit: Unit, *, recruited: dt.date, gender: str = Gender.FEMALE) -> Person:
    return person_create(
        actor=None, full_name=name, gender=gender, unit=unit, start=recruited, recruited_on=recruited
    )


def _decision(cycle: int, month: int = 8) -> dict[str, object]:
    return {"decision_no": f"{cycle}/QĐ-SGDĐT", "decision_date": dt.date(cycle + 1, month, 15)}


@pytest.fixture
def teacher(school: Unit) -> Person:
    """CSTĐCS in the school years 2023–2024 and 2024–2025, rated HTXSNV in both."""
    thao = _person("Phan Thị Thanh Thảo", school, recruited=dt.date(2011, 9, 5))
    for cycle in range(2021, CYCLE + 1):
        task_rating_set(actor=None, person=thao, cycle=cycle, rating=4 if cycle >= 2023 else 3)
        award_record(actor=None, person=thao, title="LDTT", cycle=cycle, **_decision(cycle, 7))
    for cycle in (2023, CYCLE):
        award_record(actor=None, person=thao, title="CSTDCS", cycle=cycle, basis="htxsnv", **_decision(cycle))
    return thao


@pytest.fixture
def newcomer(school: Unit) -> Person:
    """Recruited 15/10/2024: 10 months by 31/08/2025, 2 by 31/12/2024."""
    hoang = _person("Lê Văn Hoàng", school, recruited=dt.date(2024, 10, 15), gender=Gender.MALE)
    task_rating_set(actor=None, person=hoang, cycle=CYCLE, rating=3)
    return hoang


@pytest.fixture
def officer(police: Unit) -> Person:
    duy = _person("Trương Văn Duy", police, recruited=dt.date(2015, 3, 1), gender=Gender.MALE)
    for cycle in range(2021, CYCLE + 1):
        task_rating_set(actor=None, person=duy, cycle=cycle, rating=3)
    return duy


def _outcomes(person: Person, cycle: int = CYCLE) -> dict[str, str]:
    return {v.title: v.outcome for v in person_evaluation(person, cycle).verdicts}


# --- the explained path ------------------------------------------------------------------------------------


def test_a_teacher_is_read_on_school_years_from_the_database(world: World, teacher: Person) -> None:
    subject = subjects_for([teacher.pk], cycle=CYCLE)[0]
    assert (subject.cycle_kind, subject.armed_forces, subject.unit) == (
        CYCLE_SCHOOL,
        False,
        "Trường THPT Huỳnh Thúc Kháng",
    )
    evaluation = person_evaluation(teacher, CYCLE)
    assert evaluation.label == "năm học 2024–2025"
    assert {v.cycle_kind for v in evaluation.verdicts} == {CYCLE_SCHOOL}
    bk = next(v for v in evaluation.verdicts if v.title == "BK_TINH")
    assert bk.outcome == "eligible" and bk.pack == "nd152-2025"  # the school year ends on 31/08/2025
    text = " ".join(c.text for c in bk.checks)
    assert "2 lần CSTĐCS liên tục đến năm học 2024–2025: có năm học 2023–2024, 2024–2025" in text
    assert "ngày xét 31/08/2025" in text


def test_a_school_year_counts_the_months_to_its_end_not_to_december(world: World, newcomer: Person) -> None:
    subject = subjects_for([newcomer.pk], cycle=CYCLE)[0]
    ldtt = engine.evaluate(subject, CYCLE, titles=["LDTT"])[0]
    assert ldtt.outcome == "eligible"
    months = next(c for c in ldtt.checks if c.rule_id == "LDTT_02")
    assert "đến 31/08/2025 công tác 10 tháng" in months.text
    # the same records on calendar years: 2 months by 31/12/2024, not enough
    calendar = dataclasses.replace(subject, cycle_kind="")
    assert engine.evaluate(calendar, CYCLE, titles=["LDTT"])[0].outcome == "not_yet"


def test_a_persons_kind_follows_the_unit_they_work_in_during_the_cycle(world: World, school: Unit) -> None:
    person = _person("Đỗ Thị Hiền", world.tien_phuoc, recruited=dt.date(2020, 1, 1))
    employment_start(actor=None, person=person, unit=school, start=dt.date(2024, 9, 1))
    assert subjects_for([person.pk], cycle=2023)[0].cycle_kind == ""
    assert subjects_for([person.pk], cycle=2024)[0].cycle_kind == CYCLE_SCHOOL


def test_an_armed_forces_member_is_evaluated_for_cstt_not_ldtt(world: World, officer: Person) -> None:
    subject = subjects_for([officer.pk], cycle=CYCLE)[0]
    assert subject.armed_forces and subject.cycle_kind == ""
    outcomes = _outcomes(officer)
    assert outcomes["CSTT"] == "eligible" and "LDTT" not in outcomes
    # and a civilian the other way round
    civilian = make_people(world).binh
    assert "LDTT" in _outcomes(civilian) and "CSTT" not in _outcomes(civilian)


def test_a_units_candidates_carry_cstt_for_the_armed_forces(
    world: World, police: Unit, officer: Person
) -> None:
    found = unit_candidates(police, CYCLE)
    assert "CSTT" in found.titles and "LDTT" not in found.titles
    cstt = next(t for t in found.by_title if t.title == "CSTT")
    assert [p.pk for p in cstt.eligible] == [officer.pk]


def test_an_armed_forces_collective_is_judged_for_dvtt_with_its_cstt_members(
    world: World, police: Unit, officer: Person
) -> None:
    award_record(actor=None, person=officer, title="CSTT", cycle=CYCLE, **_decision(CYCLE))
    task_rating_set(actor=None, unit=police, cycle=CYCLE, rating=3)
    subject = collective_subject(police, cycle=CYCLE)
    assert subject.armed_forces
    members = {m.cycle: m for m in subject.members}
    assert (members[CYCLE].members, members[CYCLE].ldtt) == (1, 1)
    verdicts = {v.title: v for v in collective_evaluation(police, CYCLE).verdicts}
    assert "DVTT" in verdicts and "DVQT" in verdicts
    assert "TTLDTT" not in verdicts and "TTLDXS" not in verdicts
    share = next(c for c in verdicts["DVTT"].checks if "1/1 thành viên" in c.text)
    assert share.ok and "đạt Chiến sĩ tiên tiến" in share.text
    civilian = {v.title for v in collective_evaluation(world.tien_phuoc, CYCLE).verdicts}
    assert "TTLDTT" in civilian and "DVTT" not in civilian


def test_a_schools_candidates_are_labelled_by_school_year(
    world: World, school: Unit, teacher: Person
) -> None:
    found = unit_candidates(school, CYCLE)
    assert found.label == "năm học 2024–2025" and found.cycle_kind == CYCLE_SCHOOL
    bk = next(t for t in found.by_title if t.title == "BK_TINH")
    assert [p.pk for p in bk.eligible] == [teacher.pk]


def test_a_school_collective_counts_school_years_and_its_discipline_window(
    world: World, school: Unit, teacher: Person
) -> None:
    # disciplined from 01/01/2025 to 31/03/2025: in the school year 2024–2025, not in the calendar year 2024
    discipline_record(
        actor=None, person=teacher, level=2, start=dt.date(2025, 1, 1), end=dt.date(2025, 3, 31)
    )
    subject = collective_subject(school, cycle=CYCLE)
    assert subject.cycle_kind == CYCLE_SCHOOL
    members = {m.cycle: m for m in subject.members}
    assert members[CYCLE].members == 1 and members[CYCLE].disciplined_warning_or_above == 1


def test_the_excel_templates_unit_list_says_how_schools_and_the_armed_forces_write_their_rows(
    world: World, school: Unit, police: Unit
) -> None:
    import io

    from python_calamine import CalamineWorkbook

    from tdkt.awards.xlsx_rules import LISTS_SHEET
    from tdkt.awards.xlsx_template import awards_template

    for kind in ("ca_nhan", "tap_the"):
        book = CalamineWorkbook.from_filelike(io.BytesIO(awards_template(kind=kind)))
        rows = book.get_sheet_by_name(LISTS_SHEET).to_python()
        header = next(i for i, row in enumerate(rows) if "Mã đơn vị" in row)
        col = rows[header].index("Mã đơn vị")
        notes = {row[col]: row[col + 2] for row in rows[header + 1 :] if row[col]}
        assert rows[header][col + 2] == "Cách ghi của đơn vị"
        assert "năm học" in notes[school.code] and "2024–2025" in notes[school.code]
        assert "lực lượng vũ trang" in notes[police.code] and "ĐVQT thay TTLĐXS" in notes[police.code]
        assert notes[world.tien_phuoc.code] == ""


def test_an_initiatives_default_cycle_is_the_school_year_of_its_recognition(
    world: World, teacher: Person
) -> None:
    idea = initiative_record(
        actor=None,
        person=teacher,
        name="Dạy học theo dự án",
        scope="co_so",
        recognised_on=dt.date(2025, 5, 10),
    )
    assert idea.cycle == 2024  # the school year 2024–2025


def test_a_rating_of_a_year_not_yet_begun_is_refused(world: World, teacher: Person) -> None:
    from django.utils import timezone

    next_year = timezone.localdate().year + 1
    with pytest.raises(ValidationFailed) as exc:
        task_rating_set(actor=None, person=teacher, cycle=next_year, rating=4)
    assert exc.value.problems[0].field == "cycle" and "chưa tới" in exc.value.messages[0]
    assert not TaskRating.objects.filter(cycle=next_year).exists()


# --- the bulk path agrees ----------------------------------------------------------------------------------


def test_bulk_and_explained_paths_agree_on_school_years_and_the_armed_forces(
    world: World, teacher: Person, newcomer: Person, officer: Person
) -> None:
    people = make_people(world)
    ids, units = bulk.scope_people(world.province, CYCLE)
    kinds = bulk.unit_kinds(units)
    by_id = dict(
        zip(
            ids.tolist(),
            zip(kinds.school_year.tolist(), kinds.armed_forces.tolist(), strict=True),
            strict=True,
        )
    )
    assert by_id[teacher.pk] == (True, False) and by_id[officer.pk] == (False, True)
    assert by_id[people.lan.pk] == (False, False)
    job = EvaluationJob.objects.create(scope=world.province, cycle=CYCLE, titles=list(bulk.BULK_TITLES))
    bulk.evaluate_people(ids, units, CYCLE, job_id=job.pk, chunk=3)
    stored = {o.person_id: o for o in EvaluationOutcome.objects.filter(job=job).select_related("job")}
    checked = 0
    for subject in subjects_for([int(i) for i in ids], cycle=CYCLE):
        person_id = int(subject.id.split("-")[1])
        verdicts = {v.title: v.outcome for v in engine.evaluate(subject, CYCLE, titles=bulk.BULK_TITLES)}
        for title in bulk.BULK_TITLES:
            assert stored[person_id].outcome_of(title) == verdicts.get(title), (subject.name, title)
            checked += 1
    assert checked == len(ids) * len(bulk.BULK_TITLES)
    assert stored[teacher.pk].outcome_of("BK_TINH") == "eligible"
    assert stored[newcomer.pk].outcome_of("LDTT") == "eligible"
    assert (stored[officer.pk].outcome_of("CSTT"), stored[officer.pk].outcome_of("LDTT")) == (
        "eligible",
        None,
    )


def test_a_bulk_run_counts_cstt_for_the_armed_forces(
    world: World, officer: Person, django_capture_on_commit_callbacks
) -> None:
    from tdkt.awards.services import evaluation_job_start

    make_people(world)
    with django_capture_on_commit_callbacks(execute=True):
        job = evaluation_job_start(actor=world.board, scope=world.province, cycle=CYCLE)
    job.refresh_from_db()
    assert job.counts["CSTT"]["eligible"] == 1
    assert sum(job.counts["LDTT"].values()) == 4  # the four civilians of the world
    row = EvaluationOutcome.objects.select_related("job").get(job=job, person=officer)
    assert row.outcome_of("LDTT") is None and row.outcome_of("CSTT") == "eligible"


# --- the Excel way in --------------------------------------------------------------------------------------


def test_a_school_writes_its_years_as_school_years_in_the_sheet(
    world: World, school: Unit, teacher: Person
) -> None:
    def upload(year: object, unit_code: str = "T-TP-THPT", name: str = "Phan Thị Thanh Thảo") -> bytes:
        return corpus.fill(
            "ca_nhan", [{"full_name": name, "unit_code": unit_code, "year": year, "rating": "HTXSNV"}]
        )

    with pytest.raises(ValidationFailed) as exc:
        xlsx_import.awards_import(actor=None, kind="ca_nhan", filename="a.xlsx", data=upload(2020))
    assert (
        "xét thi đua theo năm học: hãy ghi năm học, ví dụ 2019–2020 hoặc 2020–2021" in exc.value.messages[0]
    )
    with pytest.raises(ValidationFailed) as exc:
        xlsx_import.awards_import(actor=None, kind="ca_nhan", filename="a.xlsx", data=upload("2020–2022"))
    assert "hai năm phải liền nhau" in exc.value.messages[0]
    xlsx_import.awards_import(actor=None, kind="ca_nhan", filename="a.xlsx", data=upload("2020–2021"))
    assert TaskRating.objects.get(person=teacher, cycle=2020).rating == 4
    # and a district writes plain years
    people = make_people(world)
    with pytest.raises(ValidationFailed) as exc:
        xlsx_import.awards_import(
            actor=None,
            kind="ca_nhan",
            filename="a.xlsx",
            data=upload("2024-2025", unit_code="T-TP", name=people.binh.full_name),
        )
    assert "xét thi đua theo năm dương lịch: hãy ghi một năm, ví dụ 2025" in exc.value.messages[0]


def test_an_imported_initiative_without_a_year_takes_its_school_year(
    world: World, school: Unit, teacher: Person
) -> None:
    data = corpus.fill(
        "sang_kien",
        [
            {
                "full_name": "Phan Thị Thanh Thảo",
                "unit_code": "T-TP-THPT",
                "name": "Ngân hàng câu hỏi Ngữ văn 10",
                "scope": "Cơ sở",
                "recognised_on": "20/04/2025",
            }
        ],
    )
    xlsx_import.awards_import(actor=None, kind="sang_kien", filename="s.xlsx", data=data)
    assert Initiative.objects.get(person=teacher).cycle == 2024


@pytest.mark.django_db
def test_the_templates_list_every_active_catalogue_entry_not_only_the_engines() -> None:
    import io

    from python_calamine import CalamineWorkbook

    from tdkt.awards.xlsx_rules import LISTS_SHEET
    from tdkt.awards.xlsx_template import awards_template

    book = CalamineWorkbook.from_filelike(io.BytesIO(awards_template(kind="ca_nhan")))
    rows = book.get_sheet_by_name(LISTS_SHEET).to_python()
    header = next(i for i, row in enumerate(rows) if "Mã danh hiệu, hình thức" in row)
    col = rows[header].index("Mã danh hiệu, hình thức")
    codes = {row[col] for row in rows[header + 1 :] if row[col]}
    assert {"LDTT", "CSTDCS", "HCLD2", "HC_DOC_LAP3"} <= codes
    assert "TTLDXS" not in codes  # a collective's title is not offered for a person
