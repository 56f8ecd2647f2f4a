"""The board's unit pages as personas: the board creates, edits, closes, imports and records a merger with
its preview; a unit's staff get 403; the public is sent to log in; refusals are 400 with nothing written."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tdkt.core.personas import World
from tdkt.org.models import LineageEvent, Unit, UnitKind
from tdkt.org.services import unit_create
from tdkt.org.tests.test_xlsx_units import MERGER_LINEAGE, MERGER_UNITS, workbook

Clients = Callable[[User | None], Client]


def _units() -> list[tuple]:
    return list(Unit.objects.order_by("pk").values_list())


def _new_commune(world: World) -> Unit:
    return unit_create(
        actor=None, code="T-X-KT", name="Xã Khâm Đức", kind=UnitKind.COMMUNE, parent=world.province
    )


@pytest.mark.parametrize(
    ("name", "method", "args"),
    [
        ("web:units", "get", []),
        ("web:unit_new", "post", []),
        ("web:unit_manage", "post", ["unit"]),
        ("web:unit_close", "post", ["unit"]),
        ("web:unit_delete", "post", ["unit"]),
        ("web:units_import", "post", []),
        ("web:units_import_template", "get", []),
        ("web:lineage", "post", []),
    ],
)
def test_a_units_staff_gets_403_and_the_public_the_login_page(
    world: World, client_as: Clients, name: str, method: str, args: list[str]
) -> None:
    url = reverse(name, args=[world.nam_giang.pk for _ in args])
    before = _units()
    staff = getattr(client_as(world.member), method)(url, {"code": "T-X", "name": "X", "kind": "xa"})
    assert staff.status_code == 403
    public = getattr(client_as(None), method)(url)
    assert public.status_code == 302 and reverse("web:login") in public["Location"]
    assert _units() == before


def test_the_board_finds_units_without_diacritics(world: World, client_as: Clients) -> None:
    page = client_as(world.board).get(reverse("web:units"), {"q": "phuoc son"})
    assert page.status_code == 200
    assert "Huyện Phước Sơn" in page.content.decode() and "Tiên Phước" not in page.content.decode()


def test_the_home_page_links_the_board_to_the_units(world: World, client_as: Clients) -> None:
    assert reverse("web:units") in client_as(world.board).get(reverse("web:home")).content.decode()
    assert reverse("web:units") not in client_as(world.member).get(reverse("web:home")).content.decode()


def test_the_board_creates_a_unit_by_the_form(world: World, client_as: Clients) -> None:
    response = client_as(world.board).post(
        reverse("web:unit_new"),
        {
            "code": "T-X-KT",
            "name": "Xã Khâm Đức",
            "kind": "xa",
            "parent": "t-qna",
            "valid_from": "01/07/2025",
            "cycle_kind": "calendar",
        },
    )
    unit = Unit.objects.get(code="T-X-KT")
    assert response.status_code == 302 and response["Location"] == reverse("web:unit_manage", args=[unit.pk])
    assert unit.parent == world.province and unit.valid_from == dt.date(2025, 7, 1)


def test_a_duplicate_code_is_400_on_its_field_and_nothing_is_written(
    world: World, client_as: Clients
) -> None:
    before = _units()
    response = client_as(world.board).post(
        reverse("web:unit_new"), {"code": "T-PS", "name": "Khác", "kind": "xa", "cycle_kind": "calendar"}
    )
    assert response.status_code == 400
    assert "đã dùng cho “Huyện Phước Sơn”" in response.content.decode()
    assert _units() == before


def test_making_a_unit_its_own_ancestor_is_400(world: World, client_as: Clients) -> None:
    commune = unit_create(actor=None, code="T-X", name="Xã X", kind=UnitKind.COMMUNE, parent=world.phuoc_son)
    before = _units()
    response = client_as(world.board).post(
        reverse("web:unit_manage", args=[world.phuoc_son.pk]),
        {
            "code": "T-PS",
            "name": "Huyện Phước Sơn",
            "kind": "huyen",
            "parent": commune.code,
            "cycle_kind": "calendar",
        },
    )
    assert response.status_code == 400 and "vòng lặp" in response.content.decode()
    assert _units() == before


def test_the_board_closes_a_unit(world: World, client_as: Clients) -> None:
    response = client_as(world.board).post(
        reverse("web:unit_close", args=[world.nam_giang.pk]), {"valid_to": "30/06/2025", "reason": "Giải thể"}
    )
    assert response.status_code == 302
    assert Unit.objects.get(pk=world.nam_giang.pk).valid_to == dt.date(2025, 6, 30)


def test_deleting_a_unit_with_history_is_refused_close_it_instead(world: World, client_as: Clients) -> None:
    before = _units()
    response = client_as(world.board).post(reverse("web:unit_delete", args=[world.tien_phuoc.pk]))
    assert response.status_code == 400
    assert "hãy đóng đơn vị thay vì xóa" in response.content.decode()
    assert _units() == before


def test_the_merger_is_previewed_then_confirmed(world: World, client_as: Clients) -> None:
    new = _new_commune(world)
    board = client_as(world.board)
    form = {
        "kind": "merge",
        "effective_date": "01/07/2025",
        "predecessors": "T-PS, T-TP",
        "successors": "T-X-KT",
        "legal_basis": "NQ 1677",
        "note": "",
    }
    preview = board.post(reverse("web:lineage"), form)
    html = preview.content.decode()
    assert preview.status_code == 200 and "Xác nhận" in html
    assert "Cụm thi đua miền núi (thử nghiệm) năm 2024" in html and "Báo cáo kết quả" in html
    assert LineageEvent.objects.count() == 0
    confirmed = board.post(reverse("web:lineage"), {**form, "xac_nhan": "1"})
    assert confirmed.status_code == 302
    assert LineageEvent.objects.count() == 1
    assert Unit.objects.get(pk=world.phuoc_son.pk).valid_to == dt.date(2025, 6, 30)
    assert Unit.objects.get(pk=new.pk).valid_from == dt.date(2025, 7, 1)


def test_a_merge_into_itself_is_400_before_any_preview(world: World, client_as: Clients) -> None:
    before = _units()
    response = client_as(world.board).post(
        reverse("web:lineage"),
        {
            "kind": "merge",
            "effective_date": "01/07/2025",
            "predecessors": "T-PS, T-TP",
            "successors": "T-PS",
            "xac_nhan": "1",
        },
    )
    assert response.status_code == 400 and "vào chính nó" in response.content.decode()
    assert _units() == before and LineageEvent.objects.count() == 0


def test_the_board_imports_a_merger_file(world: World, client_as: Clients) -> None:
    upload = SimpleUploadedFile("sap-nhap.xlsx", workbook(MERGER_UNITS, MERGER_LINEAGE))
    response = client_as(world.board).post(reverse("web:units_import"), {"file": upload})
    assert response.status_code == 302
    assert Unit.objects.get(code="T-X-PKIM").valid_to == dt.date(2025, 6, 30)


def test_a_bad_file_is_400_with_the_rows_and_nothing_written(world: World, client_as: Clients) -> None:
    before = _units()
    upload = SimpleUploadedFile("x.xlsx", workbook([["T-X-A", "Xã A", "Làng", "", "", "", ""]]))
    response = client_as(world.board).post(reverse("web:units_import"), {"file": upload})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Tệp có lỗi, chưa ghi dòng nào" in html and "C (Loại)" in html
    assert _units() == before


def test_the_template_downloads(world: World, client_as: Clients) -> None:
    response = client_as(world.board).get(reverse("web:units_import_template"))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
