"""The pages of a school, which counts school years, and of a unit of the armed forces (CSTT instead of
LĐTT): every label reads as the person's unit counts its cycles."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from tdkt.awards.services import award_record, task_rating_set
from tdkt.core.personas import World
from tdkt.org.models import CycleKind, Gender, Person, Unit, UnitKind
from tdkt.org.services import person_create, unit_create

ClientAs = Callable[[User | None], Client]


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
def teacher(school: Unit) -> Person:
    thao = person_create(
        actor=None,
        full_name="Phan Thị Thanh Thảo",
        gender=Gender.FEMALE,
        unit=school,
        start=dt.date(2011, 9, 5),
        recruited_on=dt.date(2011, 9, 5),
    )
    for cycle in (2023, 2024):
        task_rating_set(actor=None, person=thao, cycle=cycle, rating=4)
        award_record(
            actor=None,
            person=thao,
            title="CSTDCS",
            cycle=cycle,
            decision_no=f"{cycle}/QĐ-SGDĐT",
            decision_date=dt.date(cycle + 1, 8, 15),
            basis="htxsnv",
        )
    return thao


def test_a_teachers_page_reads_in_school_years(world: World, teacher: Person, client_as: ClientAs) -> None:
    body = client_as(world.board).get(reverse("web:person", args=[teacher.pk])).content.decode()
    assert "Xét danh hiệu, hình thức khen thưởng năm học 2024–2025" in body
    assert "Năm học (01/09 – 31/08 năm sau)" in body
    assert 'aria-current="page">2024–2025</a>' in body and "Năm học xét" in body
    assert "<strong>2023–2024</strong>: Hoàn thành xuất sắc nhiệm vụ" in body
    assert "2 lần CSTĐCS liên tục đến năm học 2024–2025" in body
    assert "Năm học ghi năm bắt đầu: 2024 là năm học 2024–2025." in body  # the record forms' help


def test_a_schools_candidates_page_reads_in_school_years(
    world: World, school: Unit, teacher: Person, client_as: ClientAs
) -> None:
    url = reverse("web:unit_candidates", args=[school.pk]) + "?nam=2024"
    body = client_as(world.board).get(url).content.decode()
    assert "Cán bộ và ứng viên danh hiệu năm học 2024–2025" in body and "xét theo năm học" in body
    assert "Phan Thị Thanh Thảo" in body
    collective = client_as(world.board).get(reverse("web:unit_awards", args=[school.pk]) + "?nam=2024")
    assert "Xét danh hiệu tập thể năm học 2024–2025" in collective.content.decode()


def test_an_armed_forces_units_candidates_have_cstt_not_ldtt(world: World, client_as: ClientAs) -> None:
    police = unit_create(
        actor=None,
        code="T-CA-TP",
        name="Công an huyện Tiên Phước",
        kind=UnitKind.AGENCY,
        parent=world.province,
        armed_forces=True,
    )
    officer = person_create(
        actor=None,
        full_name="Trương Văn Duy",
        gender=Gender.MALE,
        unit=police,
        start=dt.date(2015, 3, 1),
        recruited_on=dt.date(2015, 3, 1),
    )
    task_rating_set(actor=None, person=officer, cycle=2024, rating=3)
    body = (
        client_as(world.board)
        .get(reverse("web:unit_candidates", args=[police.pk]) + "?nam=2024")
        .content.decode()
    )
    assert 'title="Chiến sĩ tiên tiến">CSTT</th>' in body and 'title="Lao động tiên tiến"' not in body
    person_page = client_as(world.board).get(reverse("web:person", args=[officer.pk]) + "?nam=2024")
    text = person_page.content.decode()
    assert "Đủ điều kiện</span> CSTT" in text and "xét Chiến sĩ tiên tiến thay cho Lao động tiên tiến" in text
