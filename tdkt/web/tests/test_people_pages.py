"""A unit's staff list by Excel, a person's transfer and change of post, as each persona: the board and the
unit's staff write; another unit's staff get 404; the public is sent to log in; refusals are 400 with the
message on the field, nothing written."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tdkt.core.personas import World
from tdkt.org.models import Employment, Person
from tdkt.org.services import person_create
from tdkt.org.tests.test_staff_xlsx import ROWS, workbook

Persona = Callable[[User | None], Client]


@pytest.fixture
def person(world: World) -> Person:
    return person_create(
        actor=None,
        full_name="Hồ Thị Lan",
        gender="nu",
        unit=world.tien_phuoc,
        start=dt.date(2021, 3, 1),
        position="Chuyên viên",
        code="T-CB-01",
    )


def _rows() -> list[tuple]:
    return list(Employment.objects.order_by("pk").values_list())


def test_the_unit_page_links_the_staff_import_for_its_staff_and_the_board(
    world: World, client_as: Persona
) -> None:
    url = f"/don-vi/{world.tien_phuoc.pk}/"
    for user in (world.member, world.board):
        assert (
            f"/don-vi/{world.tien_phuoc.pk}/can-bo/nhap-excel/" in client_as(user).get(url).content.decode()
        )
    for user in (world.outsider, None):
        assert "can-bo/nhap-excel" not in client_as(user).get(url).content.decode()


@pytest.mark.parametrize("persona", ["member", "board"])
def test_the_units_staff_and_the_board_import_the_staff_list(
    world: World, client_as: Persona, persona: str
) -> None:
    client = client_as(getattr(world, persona))
    url = f"/don-vi/{world.tien_phuoc.pk}/can-bo/nhap-excel/"
    page = client.get(url)
    assert page.status_code == 200 and "Tải mẫu danh sách cán bộ" in page.content.decode()
    template = client.get(f"/don-vi/{world.tien_phuoc.pk}/can-bo/mau-excel/")
    assert template.status_code == 200 and b"".join(template.streaming_content).startswith(b"PK")
    upload = SimpleUploadedFile("can-bo.xlsx", workbook(ROWS, world.tien_phuoc))
    response = client.post(url, {"file": upload})
    assert response.status_code == 302
    assert Person.objects.count() == 2
    assert "2 người mới" in client.get(response["Location"]).content.decode()


def test_a_bad_file_is_400_with_every_problem_and_nothing_written(world: World, client_as: Persona) -> None:
    upload = SimpleUploadedFile(
        "can-bo.xlsx", workbook([*ROWS, ["", "Không Mã", "Khác", "", "", "", "01/01/2020"]], world.tien_phuoc)
    )
    response = client_as(world.member).post(
        f"/don-vi/{world.tien_phuoc.pk}/can-bo/nhap-excel/", {"file": upload}
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "chưa ghi dòng nào" in text and "A (Mã cán bộ)" in text and "C (Giới tính)" in text
    assert not Person.objects.exists()


def test_another_units_staff_get_404_and_the_public_is_sent_to_log_in(
    world: World, person: Person, client_as: Persona
) -> None:
    urls = [
        f"/don-vi/{world.tien_phuoc.pk}/can-bo/nhap-excel/",
        f"/don-vi/{world.tien_phuoc.pk}/can-bo/mau-excel/",
        f"/nguoi/{person.pk}/dieu-dong/",
        f"/nguoi/{person.pk}/chuc-vu/",
    ]
    for url in urls:
        assert client_as(world.outsider).get(url).status_code == 404
        response = client_as(None).get(url)
        assert response.status_code == 302 and "?next=" in response["Location"]
    before = _rows()
    body = {"to_unit": world.dien_ban.pk, "on": "2024-07-01", "reason": "QĐ 1"}
    assert client_as(world.outsider).post(f"/nguoi/{person.pk}/dieu-dong/", body).status_code == 404
    assert _rows() == before


def test_the_person_page_links_the_transfer_for_their_units_staff(
    world: World, person: Person, client_as: Persona
) -> None:
    text = client_as(world.member).get(f"/nguoi/{person.pk}/").content.decode()
    assert f"/nguoi/{person.pk}/dieu-dong/" in text and f"/nguoi/{person.pk}/chuc-vu/" in text


def test_the_units_staff_transfer_a_person(world: World, person: Person, client_as: Persona) -> None:
    client = client_as(world.member)
    page = client.get(f"/nguoi/{person.pk}/dieu-dong/")
    assert page.status_code == 200 and "Huyện Phước Sơn" in page.content.decode()
    body = {
        "to_unit": world.phuoc_son.pk,
        "on": "2024-07-01",
        "position": "Phó Trưởng phòng",
        "reason": "QĐ 12",
    }
    response = client.post(f"/nguoi/{person.pk}/dieu-dong/", body)
    assert response.status_code == 302
    assert [(e.unit, e.end) for e in person.employments.order_by("start")] == [
        (world.tien_phuoc, dt.date(2024, 6, 30)),
        (world.phuoc_son, None),
    ]
    # Tiên Phước's staff still see the person they recorded, but may no longer move them
    before = _rows()
    body = {"to_unit": world.dien_ban.pk, "on": "2025-01-01", "reason": "QĐ 13"}
    assert client.post(f"/nguoi/{person.pk}/dieu-dong/", body).status_code == 403
    assert _rows() == before


def test_a_refused_transfer_is_400_on_its_field(world: World, person: Person, client_as: Persona) -> None:
    before = _rows()
    body = {"to_unit": world.phuoc_son.pk, "on": "2021-03-01", "reason": "QĐ 12"}
    response = client_as(world.board).post(f"/nguoi/{person.pk}/dieu-dong/", body)
    assert response.status_code == 400
    assert "phải sau ngày bắt đầu công tác hiện tại" in response.content.decode()
    assert _rows() == before


def test_the_board_changes_a_post_and_a_refusal_is_400(
    world: World, person: Person, client_as: Persona
) -> None:
    client = client_as(world.board)
    url = f"/nguoi/{person.pk}/chuc-vu/"
    response = client.post(url, {"position": "Chuyên viên", "on": "2024-07-01", "reason": "QĐ"})
    assert response.status_code == 400 and "không có gì thay đổi" in response.content.decode()
    response = client.post(url, {"position": "Trưởng phòng", "on": "2024-07-01", "reason": "QĐ bổ nhiệm"})
    assert response.status_code == 302
    assert person.employments.get(end__isnull=True).position == "Trưởng phòng"
