"""The catalogue pages as personas: everyone reads `/danh-muc/khen-thuong/` (the public too); the board adds,
edits, retires and deletes the province's own forms; a unit's staff get 403 on those pages and the public
the login page; refusals are 400 with nothing written. The person's record form offers any active entry,
and an order the engine holds no rules for is recorded and shown by its name."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from tdkt.awards.catalogue_services import catalogue_entry_create
from tdkt.awards.models import Award, CatalogueEntry
from tdkt.awards.services import award_record
from tdkt.awards.tests.helpers import People, make_people
from tdkt.core.models import AuditEvent
from tdkt.core.personas import World

ClientAs = Callable[[User | None], Client]
NEW = {
    "code": "KNC_TINH",
    "name": "Kỷ niệm chương tỉnh Quảng Nam",
    "group": "ky_niem_chuong",
    "level": "bo_tinh",
    "subject_kinds": ["individual"],
    "article_tag": "R",
}


@pytest.fixture
def people(world: World) -> People:
    return make_people(world)


def _state() -> tuple:
    return list(CatalogueEntry.objects.order_by("pk").values_list()), AuditEvent.objects.count()


@pytest.mark.parametrize("persona", [None, "member", "board"])
def test_everyone_reads_the_catalogue_with_its_badges(
    world: World, client_as: ClientAs, persona: str | None
) -> None:
    page = client_as(getattr(world, persona) if persona else None).get(reverse("web:catalogue"))
    assert page.status_code == 200
    body = page.content.decode()
    for text in (
        "Huân chương Sao vàng",
        "Huy chương Chiến sĩ vẻ vang hạng Nhì",
        "Nhà giáo nhân dân",
        "Bằng khen của Thủ tướng Chính phủ",
        "Giấy khen",
        "có quy tắc xét",
        "chưa có quy tắc: chỉ ghi nhận",
        "Luật Thi đua, khen thưởng 2022, Điều 57",
        "chưa được kiểm chứng",
    ):
        assert text in body, text
    assert "HC_SAO_VANG" not in re.sub(r"<[^>]*>", " ", body)  # no raw code in the page's text
    assert (reverse("web:catalogue_new") in body) == (persona == "board")


def test_the_catalogue_is_searched_without_diacritics_and_filtered(world: World, client_as: ClientAs) -> None:
    client = client_as(None)
    body = client.get(reverse("web:catalogue"), {"q": "chien si ve vang"}).content.decode()
    assert "Huy chương Chiến sĩ vẻ vang hạng Ba" in body and "Huân chương Sao vàng" not in body
    body = client.get(reverse("web:catalogue"), {"quy_tac": "khong", "loai": "huan_chuong"}).content.decode()
    assert "Huân chương Lao động hạng Nhì" in body and "Huân chương Lao động hạng Ba" not in body
    assert "Lao động tiên tiến" not in body


def test_the_home_page_links_the_catalogue(world: World, client_as: ClientAs) -> None:
    assert reverse("web:catalogue") in client_as(world.board).get(reverse("web:home")).content.decode()


@pytest.mark.parametrize(
    ("name", "method", "args"),
    [
        ("web:catalogue_new", "get", []),
        ("web:catalogue_new", "post", []),
        ("web:catalogue_edit", "post", ["LDTT"]),
        ("web:catalogue_active", "post", ["HCLD2", "ngung"]),
        ("web:catalogue_delete", "post", ["HCLD2"]),
    ],
)
def test_a_units_staff_gets_403_and_the_public_the_login_page(
    world: World, client_as: ClientAs, name: str, method: str, args: list[str]
) -> None:
    url = reverse(name, args=args)
    before = _state()
    staff = getattr(client_as(world.member), method)(url, {**NEW, "name": "Đổi", "reason": "x"})
    assert staff.status_code == 403
    public = getattr(client_as(None), method)(url)
    assert public.status_code == 302 and reverse("web:login") in public["Location"]
    assert _state() == before


def test_the_board_adds_a_form_of_its_own(world: World, client_as: ClientAs) -> None:
    response = client_as(world.board).post(reverse("web:catalogue_new"), NEW)
    assert response.status_code == 302, response.content.decode()[:500]
    entry = CatalogueEntry.objects.get(code="KNC_TINH")
    assert (entry.province_own, entry.subject_kinds, entry.group) == (True, ["individual"], "ky_niem_chuong")
    listed = client_as(None).get(reverse("web:catalogue"), {"rieng": "1"}).content.decode()
    assert "Kỷ niệm chương tỉnh Quảng Nam" in listed and "riêng của tỉnh" in listed


def test_a_duplicate_code_is_400_with_the_message_and_nothing_written(
    world: World, client_as: ClientAs
) -> None:
    before = _state()
    response = client_as(world.board).post(reverse("web:catalogue_new"), {**NEW, "code": "NGND"})
    assert response.status_code == 400
    assert "Mã “NGND” đã dùng cho “Nhà giáo nhân dân”" in response.content.decode()
    assert _state() == before


def test_the_engines_entry_shows_its_facts_read_only(world: World, client_as: ClientAs) -> None:
    client = client_as(world.board)
    page = client.get(reverse("web:catalogue_edit", args=["LDTT"])).content.decode()
    assert 'name="name"' in page and "disabled" in page and "chỉ đọc" in page
    # a disabled field posted anyway keeps its stored value; the note changes
    response = client.post(
        reverse("web:catalogue_edit", args=["LDTT"]), {"name": "Lao động giỏi", "note": "Ghi chú của Ban"}
    )
    assert response.status_code == 302
    ldtt = CatalogueEntry.objects.get(code="LDTT")
    assert (ldtt.name, ldtt.note) == ("Lao động tiên tiến", "Ghi chú của Ban")


def test_the_board_retires_then_brings_back_an_entry(world: World, client_as: ClientAs) -> None:
    client = client_as(world.board)
    refused = client.post(reverse("web:catalogue_active", args=["HCLD2", "ngung"]), {"reason": ""})
    assert refused.status_code == 400 and CatalogueEntry.objects.get(code="HCLD2").active
    done = client.post(reverse("web:catalogue_active", args=["HCLD2", "ngung"]), {"reason": "Thử"})
    assert done.status_code == 302 and not CatalogueEntry.objects.get(code="HCLD2").active
    hidden = client_as(None).get(reverse("web:catalogue")).content.decode()
    assert "Huân chương Lao động hạng Nhì" not in hidden
    shown = client_as(None).get(reverse("web:catalogue"), {"ngung": "1"}).content.decode()
    assert "đã ngừng sử dụng" in shown
    back = client.post(reverse("web:catalogue_active", args=["HCLD2", "dung-lai"]), {"reason": "Dùng lại"})
    assert back.status_code == 302 and CatalogueEntry.objects.get(code="HCLD2").active


def test_an_entry_an_award_carries_is_not_deleted(world: World, people: People, client_as: ClientAs) -> None:
    catalogue_entry_create(actor=None, **NEW)  # type: ignore[arg-type]
    award_record(
        actor=None,
        person=people.lan,
        title="KNC_TINH",
        cycle=2024,
        decision_no="1/QĐ-UBND",
        decision_date=dt.date(2025, 1, 5),
    )
    before = _state()
    response = client_as(world.board).post(reverse("web:catalogue_delete", args=["KNC_TINH"]))
    assert response.status_code == 400 and "chỉ ngừng sử dụng" in response.content.decode()
    assert _state() == before


def test_the_record_form_offers_any_active_entry_and_records_an_engine_less_order(
    world: World, people: People, client_as: ClientAs
) -> None:
    client = client_as(world.member)
    url = reverse("web:person", args=[people.lan.pk]) + "?nam=2025"
    page = client.get(url).content.decode()
    assert 'value="HCLD2"' in page and "Huân chương Lao động hạng Nhì" in page
    assert 'value="TINH_ANH_HUNG"' not in page  # a province's title is not offered to a person
    response = client.post(
        reverse("web:person_record", args=[people.lan.pk, "khen-thuong"]) + "?nam=2025",
        {
            "khen-thuong-title": "HCLD2",
            "khen-thuong-cycle": 2024,
            "khen-thuong-decision_no": "88/QĐ-CTN",
            "khen-thuong-decision_date": "01/03/2025",
            "khen-thuong-authority": "Chủ tịch nước",
            "khen-thuong-kind": "cong_trang",
            "khen-thuong-basis": "other",
            "khen-thuong-note": "",
        },
    )
    assert response.status_code in (200, 302), response.content.decode()[:500]
    assert Award.objects.filter(person=people.lan, title="HCLD2", cycle=2024).exists()
    after = client.get(url)
    body = after.content.decode()
    assert after.status_code == 200 and "Huân chương Lao động hạng Nhì" in body
    assert "Đủ điều kiện" in body  # the verdicts still compute
