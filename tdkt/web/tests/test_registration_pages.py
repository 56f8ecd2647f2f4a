"""The emulation registration pages as personas: the unit's staff register the collective and their people,
send the list; its superior (the board here) accepts or returns it; outsiders get 404, the public the login
page; no raw code on a page; the candidates page marks who registered; the list downloads as a document."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from docx import Document

from tdkt.core.personas import World
from tdkt.movements.models import RegistrationLine, RegistrationStatus, TitleRegistration
from tdkt.movements.registration import (
    LineInput,
    registration_get_or_create,
    registration_lines_add,
    registration_transition,
)
from tdkt.org.models import Person, UnitKind
from tdkt.org.services import person_create, unit_create

Persona = Callable[[User | None], Client]
CYCLE = 2025


@pytest.fixture
def lan(world: World) -> Person:
    return person_create(
        actor=None,
        full_name="Nguyễn Thị Lan",
        gender="nu",
        unit=world.tien_phuoc,
        start=dt.date(2020, 1, 1),
        code="RG-LAN",
    )


def _url(world: World, name: str = "web:registration") -> str:
    return reverse(name, args=[world.tien_phuoc.pk, CYCLE])


def _text(response: object) -> str:
    return response.content.decode()  # type: ignore[attr-defined]


def test_the_units_staff_register_through_the_page(world: World, client_as: Persona, lan: Person) -> None:
    client = client_as(world.member)
    page = _text(client.get(_url(world)))
    assert "Chưa lập bản đăng ký" in page and "Tập thể lao động xuất sắc" in page
    response = client.post(_url(world), {"action": "collective", "title": "TTLDXS", "version": "0"})
    assert response.status_code == 302
    response = client.post(
        _url(world), {"action": "person", "person": str(lan.pk), "titles": ["LDTT", "CSTDCS"], "version": "2"}
    )
    assert response.status_code == 302
    assert sorted(RegistrationLine.objects.values_list("title", flat=True)) == ["CSTDCS", "LDTT", "TTLDXS"]
    page = _text(client.get(_url(world)))
    assert "Nguyễn Thị Lan" in page and "Chiến sĩ thi đua cơ sở" in page and "Đang soạn" in page
    assert client.post(_url(world), {"action": "submit", "version": "3"}).status_code == 302
    assert TitleRegistration.objects.get().status == RegistrationStatus.SUBMITTED


def test_a_refusal_is_400_in_vietnamese_and_nothing_written(world: World, client_as: Persona) -> None:
    client = client_as(world.member)
    response = client.post(_url(world), {"action": "submit", "version": "0"})
    assert response.status_code == 400 and "Chưa có bản đăng ký" in _text(response)
    registration_lines_add(
        actor=None,
        registration=registration_get_or_create(actor=None, unit=world.tien_phuoc, cycle=CYCLE),
        lines=[LineInput("TTLDTT")],
    )
    response = client.post(_url(world), {"action": "collective", "title": "TTLDTT", "version": "2"})
    assert response.status_code == 400
    assert "đã đăng ký “Tập thể lao động tiên tiến” năm 2025 ở danh sách này" in _text(response)
    stale = client.post(_url(world), {"action": "collective", "title": "TTLDXS", "version": "1"})
    assert stale.status_code == 400 and "đã được người khác thay đổi" in _text(stale)
    assert RegistrationLine.objects.count() == 1


def test_the_board_returns_with_a_reason_then_accepts(world: World, client_as: Persona) -> None:
    registration = registration_get_or_create(actor=None, unit=world.tien_phuoc, cycle=CYCLE)
    registration_lines_add(actor=None, registration=registration, lines=[LineInput("TTLDTT")])
    client_as(world.member).post(_url(world), {"action": "submit", "version": "2"})
    board = client_as(world.board)
    listing = _text(board.get(reverse("web:registrations") + f"?nam={CYCLE}"))
    assert "Huyện Tiên Phước" in listing and "1 chờ tiếp nhận" in listing
    assert "Tiếp nhận hoặc trả lại" in _text(board.get(_url(world)))
    refused = board.post(_url(world), {"action": "return", "reason": "", "version": "3"})
    assert refused.status_code == 400 and "Phải ghi lý do trả lại" in _text(refused)
    board.post(_url(world), {"action": "return", "reason": "Bổ sung cá nhân", "version": "3"})
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.RETURNED
    assert "Bổ sung cá nhân" in _text(client_as(world.member).get(_url(world)))
    client_as(world.member).post(_url(world), {"action": "submit", "version": "4"})
    board.post(_url(world), {"action": "accept", "version": "5"})
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.ACCEPTED


def test_a_member_may_not_review_its_own_list(world: World, client_as: Persona) -> None:
    registration = registration_get_or_create(actor=None, unit=world.tien_phuoc, cycle=CYCLE)
    registration_lines_add(actor=None, registration=registration, lines=[LineInput("TTLDTT")])
    client_as(world.member).post(_url(world), {"action": "submit", "version": "2"})
    response = client_as(world.member).post(_url(world), {"action": "accept", "version": "3"})
    assert response.status_code == 403
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.SUBMITTED


def test_outsiders_get_404_and_the_public_the_login_page(world: World, client_as: Persona) -> None:
    registration_get_or_create(actor=None, unit=world.tien_phuoc, cycle=CYCLE)
    for user in (world.outsider, world.head):
        client = client_as(user)
        assert client.get(_url(world)).status_code == 404
        assert (
            client.post(_url(world), {"action": "collective", "title": "TTLDTT", "version": "1"}).status_code
            == 404
        )
        assert client.get(_url(world, "web:registration_docx")).status_code == 404
        assert client.get(_url(world, "web:registration_template")).status_code == 404
    public = client_as(None).get(_url(world))
    assert public.status_code == 302 and "dang-nhap" in public["Location"]
    assert client_as(None).get(reverse("web:registrations")).status_code == 302
    assert not RegistrationLine.objects.exists()


def test_no_raw_code_on_the_pages(world: World, client_as: Persona, lan: Person) -> None:
    registration = registration_get_or_create(actor=None, unit=world.tien_phuoc, cycle=CYCLE)
    registration_lines_add(
        actor=None, registration=registration, lines=[LineInput("TTLDXS"), LineInput("CSTDCS", lan)]
    )
    pages = [
        _text(client_as(world.member).get(_url(world))),
        _text(client_as(world.board).get(reverse("web:registrations") + f"?nam={CYCLE}")),
    ]
    for page in pages:
        visible = re.sub(r"<[^>]+>", " ", re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S))
        for raw in ("TTLDXS", "CSTDCS", "LDTT", "draft", "submitted", "True", "False", "None"):
            assert not re.search(rf"\b{raw}\b", visible), raw


def test_the_candidates_page_marks_who_registered(world: World, client_as: Persona, lan: Person) -> None:
    other = person_create(
        actor=None, full_name="Trần Văn Hùng", gender="nam", unit=world.tien_phuoc, start=dt.date(2020, 1, 1)
    )
    registration = registration_get_or_create(actor=None, unit=world.tien_phuoc, cycle=CYCLE)
    registration_lines_add(actor=None, registration=registration, lines=[LineInput("CSTDCS", lan)])
    page = _text(
        client_as(world.member).get(
            reverse("web:unit_candidates", args=[world.tien_phuoc.pk]) + f"?nam={CYCLE}"
        )
    )
    rows = dict(re.findall(r"<tr>\s*<th scope=\"row\"><a [^>]*>([^<]+)</a></th>(.*?)</tr>", page, re.S))
    assert rows["Nguyễn Thị Lan"].count('data-registered="yes"') == 1
    assert 'data-registered="yes"' not in rows[other.full_name] and "không đăng ký" in rows[other.full_name]


def test_the_list_downloads_as_a_document(world: World, client_as: Persona, lan: Person) -> None:
    registration = registration_get_or_create(actor=None, unit=world.tien_phuoc, cycle=CYCLE)
    registration_lines_add(
        actor=None, registration=registration, lines=[LineInput("TTLDXS"), LineInput("CSTDCS", lan)]
    )
    response = client_as(world.member).get(_url(world, "web:registration_docx"))
    assert response.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    cells = [c.text for t in Document(io.BytesIO(response.content)).tables for r in t.rows for c in r.cells]
    assert "BẢN ĐĂNG KÝ THI ĐUA" in text and "(DỰ THẢO)" in text and "Kính gửi: Tỉnh Quảng Nam." in text
    assert (
        "Nguyễn Thị Lan" in cells
        and "Chiến sĩ thi đua cơ sở" in cells
        and "Tập thể lao động xuất sắc" in cells
    )


def test_my_work_lists_a_draft_for_the_unit_and_a_sent_list_for_its_superior(
    world: World, client_as: Persona, django_assert_max_num_queries: Any
) -> None:
    commune = unit_create(
        actor=None,
        code="T-TK",
        name="Xã Tiên Kỳ",
        kind=UnitKind.COMMUNE,
        parent=world.tien_phuoc,
        valid_from=dt.date(2020, 1, 1),
    )
    draft = registration_get_or_create(actor=None, unit=world.tien_phuoc, cycle=CYCLE)
    sent = registration_get_or_create(actor=None, unit=commune, cycle=CYCLE)
    registration_lines_add(actor=None, registration=sent, lines=[LineInput("XA_TIEU_BIEU")])
    registration_transition(actor=None, registration=sent, action="submit")
    client = client_as(world.member)
    url = reverse("web:my_work")
    with CaptureQueriesContext(connection) as before:
        page = client.get(url).content.decode()
    assert (
        "Hoàn thành và gửi bản đăng ký thi đua" in page
        and reverse("web:registration", args=[draft.unit_id, CYCLE]) in page
    )
    assert "Tiếp nhận hoặc trả lại bản đăng ký thi đua" in page and "Xã Tiên Kỳ · năm 2025" in page
    for n in range(5):  # more lists sent up: the same number of queries
        unit = unit_create(
            actor=None,
            code=f"T-X{n}",
            name=f"Xã thử {n}",
            kind=UnitKind.COMMUNE,
            parent=world.tien_phuoc,
            valid_from=dt.date(2020, 1, 1),
        )
        more = registration_get_or_create(actor=None, unit=unit, cycle=CYCLE)
        registration_lines_add(actor=None, registration=more, lines=[LineInput("XA_TIEU_BIEU")])
        registration_transition(actor=None, registration=more, action="submit")
    with django_assert_max_num_queries(len(before.captured_queries)):
        client.get(url)
