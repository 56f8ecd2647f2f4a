"""The demo's people and collectives show what they qualify for and what they miss (tdkt/demo/awards_data.py)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tdkt.awards.selectors import (
    collective_verdicts,
    person_default_cycle,
    person_verdicts,
    unit_candidates,
)
from tdkt.demo import awards_data, loader
from tdkt.org.models import Person, Unit


@pytest.fixture
def demo(db: None) -> None:
    loader.load()


def _outcomes(code: str, cycle: int = awards_data.CYCLE) -> dict[str, str]:
    person = Person.objects.get(code=code)
    return {v.title: v.outcome for v in person_verdicts(person, cycle)}


def _verdict(code: str, title: str, cycle: int = awards_data.CYCLE):  # type: ignore[no-untyped-def]
    person = Person.objects.get(code=code)
    return next(v for v in person_verdicts(person, cycle) if v.title == title)


EXPECTED = [
    # (code, title, outcome)
    ("DEMO-TP-01", "LDTT", "eligible"),
    ("DEMO-TP-01", "CSTDCS", "eligible"),
    ("DEMO-TP-02", "CSTD_TINH", "eligible"),
    ("DEMO-TP-02", "BK_TINH", "eligible"),
    ("DEMO-TP-03", "LDTT", "eligible"),
    ("DEMO-TP-03", "CSTDCS", "not_yet"),
    ("DEMO-PS-01", "CSTD_TINH", "not_yet"),
    ("DEMO-PS-02", "BK_TINH", "not_yet"),
    ("DEMO-MH-01", "BK_TINH", "eligible"),
    ("DEMO-MH-01", "CSTD_TINH", "not_yet"),
    ("DEMO-MH-02", "LDTT", "barred"),
    ("DEMO-LT-01", "LDTT", "eligible"),
    ("DEMO-LT-01", "CSTD_TINH", "not_yet"),
    ("DEMO-LT-02", "BK_TINH", "eligible"),
    ("DEMO-KD-01", "LDTT", "not_yet"),
]


def test_the_demos_people_show_what_they_qualify_for_and_what_they_miss(demo: None) -> None:
    found = {(code, title): _outcomes(code)[title] for code, title, _ in EXPECTED}
    assert found == {(code, title): outcome for code, title, outcome in EXPECTED}
    assert person_default_cycle(Person.objects.get(code="DEMO-TP-01")) == awards_data.CYCLE

    # one missing year: CSTĐCS 2023 and 2025 but not 2024
    linh = _verdict("DEMO-PS-01", "CSTD_TINH")
    assert any("2024" in m for m in linh.missing), linh.missing
    # the initiative already used for CSTĐCS 2024 is not counted again
    bao = _verdict("DEMO-PS-02", "BK_TINH")
    assert any("đã dùng cho" in text for c in bao.checks for text in (c.text, *c.evidence, c.missing)), (
        bao.checks
    )
    # the gap year 2023 breaks the run
    hung = _verdict("DEMO-MH-01", "CSTD_TINH")
    assert any("2023" in m for m in hung.missing), hung.missing
    # the reprimand restarts the clock: 2024 is barred, 2025 counts
    assert _outcomes("DEMO-LT-01", 2024)["LDTT"] == "barred"
    # under inspection: barred for every title
    assert set(_outcomes("DEMO-MH-02").values()) == {"barred"}
    # recruited 01/09/2025: the 6-month rule, unverified under Decree 152/2025
    tam = _verdict("DEMO-KD-01", "LDTT")
    months = next(c for c in tam.checks if c.rule_id == "LDTT_02")
    assert months.ok is False and months.unverified


def test_the_demos_collectives(demo: None) -> None:
    def outcome(code: str, title: str, cycle: int) -> str:
        return next(
            v.outcome for v in collective_verdicts(Unit.objects.get(code=code), cycle) if v.title == title
        )

    assert outcome("QBH-LT", "TTLDTT", 2024) == "eligible"  # 7 of 10 members LĐTT: 70 %
    assert outcome("QBH-MH", "TTLDTT", 2024) == "not_yet"  # 9 of 13: 69,23 %
    # Tiên Phước led the Quảng Nam mountain cluster in 2024 (published ranking, then the vote)
    flag = next(v for v in collective_verdicts(Unit.objects.get(code="QNA-TP"), 2024) if v.title == "CO_TINH")
    assert flag.outcome == "eligible"
    assert any(
        "Cụm thi đua miền núi tỉnh Quảng Nam" in e and "Suy tôn" in e for c in flag.checks for e in c.evidence
    )
    # the merged commune carries Khâm Đức's Bằng khen 2020 and Cờ thi đua 2023
    merged = next(
        v
        for v in collective_verdicts(Unit.objects.get(code="DNG-KD"), awards_data.CYCLE)
        if v.title == "BK_TTG"
    )
    assert merged.outcome == "eligible" and merged.unverified
    assert any("Thị trấn Khâm Đức, trước hợp nhất 01/07/2025" in e for c in merged.checks for e in c.evidence)


def test_demo_accounts_see_their_units_candidates(demo: None) -> None:
    candidates = unit_candidates(Unit.objects.get(code="QNA-TP"), awards_data.CYCLE)
    names = {t.title: [p.full_name for p in t.eligible] for t in candidates.by_title}
    assert "Trần Văn Đức" in names["CSTD_TINH"] and "Huỳnh Văn Nam" not in names["CSTDCS"]
    client = Client()
    assert client.login(username="tienphuoc", password="tdkt-demo-2024")
    tp = Unit.objects.get(code="QNA-TP")
    page = client.get(reverse("web:unit_candidates", args=[tp.pk]))
    assert page.status_code == 200 and "Trần Văn Đức" in page.content.decode()
    duc = Person.objects.get(code="DEMO-TP-02")
    body = client.get(reverse("web:person", args=[duc.pk])).content.decode()
    assert "Chiến sĩ thi đua cấp bộ, ban, ngành, tỉnh" in body and "Đủ điều kiện" in body
    hung = Person.objects.get(code="DEMO-MH-01")
    assert client.get(reverse("web:person", args=[hung.pk])).status_code == 404


def test_the_demo_school_counts_school_years(demo: None) -> None:
    from tdkt.awards import bulk, engine
    from tdkt.awards.models import EvaluationJob, EvaluationOutcome
    from tdkt.awards.selectors import person_evaluation, subjects_for

    school = Unit.objects.get(code=awards_data.SCHOOL)
    assert school.school_year and school.name == "Trường THPT Huỳnh Thúc Kháng (Tiên Phước)"
    thao = Person.objects.get(code="DEMO-HTK-01")
    hoang = Person.objects.get(code="DEMO-HTK-02")
    assert person_default_cycle(thao) == awards_data.SCHOOL_CYCLE
    evaluation = person_evaluation(thao, awards_data.SCHOOL_CYCLE)
    assert evaluation.label == "năm học 2024–2025"
    assert {v.title: v.outcome for v in evaluation.verdicts}["BK_TINH"] == "eligible"
    newcomer = {v.title: v for v in person_evaluation(hoang, awards_data.SCHOOL_CYCLE).verdicts}["LDTT"]
    assert newcomer.outcome == "eligible"
    assert any("đến 31/08/2025 công tác 10 tháng" in c.text for c in newcomer.checks)

    # the board's page, and the bulk run over the merged city agrees with it
    client = Client()
    assert client.login(username="bantdkt", password="tdkt-demo-2024")
    body = client.get(reverse("web:person", args=[thao.pk])).content.decode()
    assert "Xét danh hiệu, hình thức khen thưởng năm học 2024–2025" in body
    city = Unit.objects.get(code="DNG")
    ids, units = bulk.scope_people(city, awards_data.SCHOOL_CYCLE)
    assert {thao.pk, hoang.pk} <= set(ids.tolist())
    job = EvaluationJob.objects.create(
        scope=city, cycle=awards_data.SCHOOL_CYCLE, titles=list(bulk.BULK_TITLES)
    )
    bulk.evaluate_people(ids, units, awards_data.SCHOOL_CYCLE, job_id=job.pk)
    stored = {o.person_id: o for o in EvaluationOutcome.objects.filter(job=job).select_related("job")}
    for subject in subjects_for([int(i) for i in ids], cycle=awards_data.SCHOOL_CYCLE):
        person_id = int(subject.id.split("-")[1])
        for v in engine.evaluate(subject, awards_data.SCHOOL_CYCLE, titles=bulk.BULK_TITLES):
            assert stored[person_id].outcome_of(v.title) == v.outcome, (subject.name, v.title)
    assert stored[thao.pk].outcome_of("BK_TINH") == "eligible"


def test_the_demo_police_officer_is_judged_for_cstt_not_ldtt(demo: None) -> None:
    from tdkt.awards.selectors import person_evaluation

    police = Unit.objects.get(code=awards_data.POLICE)
    assert police.armed_forces and police.name == "Công an tỉnh Quảng Nam"
    ngan = Person.objects.get(code="DEMO-CA-01")
    assert person_default_cycle(ngan) == awards_data.POLICE_CYCLE
    outcomes = {v.title: v.outcome for v in person_evaluation(ngan, awards_data.POLICE_CYCLE).verdicts}
    assert outcomes["CSTT"] == "eligible"
    assert "LDTT" not in outcomes
    assert outcomes["CSTDCS"] == "not_yet"
    client = Client()
    assert client.login(username="bantdkt", password="tdkt-demo-2024")
    body = client.get(reverse("web:person", args=[ngan.pk])).content.decode()
    assert '<span class="verdict-card__title">Chiến sĩ tiên tiến</span>' in body
    assert '<span class="verdict-card__title">Lao động tiên tiến</span>' not in body


def test_the_demo_police_is_judged_for_don_vi_tien_tien_not_ttldtt(demo: None) -> None:
    from tdkt.awards.selectors import collective_evaluation

    police = Unit.objects.get(code=awards_data.POLICE)
    verdicts = {v.title: v for v in collective_evaluation(police, awards_data.POLICE_CYCLE).verdicts}
    assert "TTLDTT" not in verdicts and "TTLDXS" not in verdicts
    dvtt = verdicts["DVTT"]
    assert dvtt.outcome == "not_yet"
    assert dvtt.missing == ("Cần ít nhất 1/1 thành viên đạt Chiến sĩ tiên tiến (thêm 1)",)
    client = Client()
    assert client.login(username="bantdkt", password="tdkt-demo-2024")
    body = client.get(reverse("web:unit_awards", args=[police.pk])).content.decode()
    assert "Đơn vị tiên tiến" in body and "355/QĐ-CAT" in body
    assert '<span class="verdict-card__title">Tập thể lao động tiên tiến</span>' not in body
