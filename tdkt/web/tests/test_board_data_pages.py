"""The board's data pages as personas: the working-days calendar, the base salary and the certificate
layouts are the board's (a unit's staff get 403, the public the login page); the fund's book is the board's
for any unit and a unit's staff's for their own (another unit's is 404). Refusals are 400 with the message on
the field and nothing written; the test print is a PDF; the fund's numbers and its workbook add up."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from python_calamine import CalamineWorkbook

from tdkt.core.models import AuditEvent, DayOff
from tdkt.core.personas import World
from tdkt.dossiers.decisions import decision_draft
from tdkt.dossiers.fund import fund_entry_add
from tdkt.dossiers.models import BaseSalary, CertificateForm, FundEntry, FundEntryKind
from tdkt.dossiers.tests.test_decisions import _approved, _sign

ClientAs = Callable[[User | None], Client]
D = dt.date
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BOARD_PAGES = [
    ("web:board_calendar", []),
    ("web:board_calendar_new", []),
    ("web:board_calendar_xlsx", [2026]),
    ("web:board_salaries", []),
    ("web:board_layouts", []),
    ("web:board_layout", ["BK_TINH"]),
    ("web:board_layout_sample", ["BK_TINH"]),
]


def _state() -> tuple:
    return (
        list(DayOff.objects.order_by("pk").values_list()),
        list(BaseSalary.objects.order_by("pk").values_list()),
        list(CertificateForm.objects.order_by("pk").values_list()),
        list(FundEntry.objects.order_by("pk").values_list()),
        AuditEvent.objects.count(),
    )


def _text(response: object) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]*>", " ", response.content.decode()))  # type: ignore[attr-defined]


@pytest.mark.parametrize(("name", "args"), BOARD_PAGES)
def test_the_board_s_pages_are_the_board_s(world: World, client_as: ClientAs, name: str, args: list) -> None:
    url = reverse(name, args=args)
    assert client_as(world.board).get(url).status_code == 200
    assert client_as(world.member).get(url).status_code == 403
    public = client_as(None).get(url)
    assert public.status_code == 302 and reverse("web:login") in public["Location"]


def test_the_home_page_and_the_registry_link_the_pages_by_role(world: World, client_as: ClientAs) -> None:
    for page in ("web:home", "web:decisions"):
        board = client_as(world.board).get(reverse(page)).content.decode()
        member = client_as(world.member).get(reverse(page)).content.decode()
        for name in ("web:board_calendar", "web:board_salaries", "web:board_layouts"):
            assert reverse(name) in board and reverse(name) not in member
        assert reverse("web:fund") in board and reverse("web:fund") in member


# --- the working-days calendar ----------------------------------------------------------------------------


def test_the_calendar_lists_the_year_with_its_working_days(world: World, client_as: ClientAs) -> None:
    body = _text(client_as(world.board).get(reverse("web:board_calendar"), {"nam": 2026}))
    assert "Tết Nguyên đán Bính Ngọ" in body and "Ngày nghỉ lễ, Tết" in body
    # February 2026: 20 weekdays less 16–20/02 (Tết) → 15; the year: 261 weekdays less 9 seeded days → 252
    assert "Tháng 2" in body and re.search(r"Cả năm .*? 252", body)
    assert "holiday" not in body


def test_a_day_is_added_from_the_page(world: World, client_as: ClientAs) -> None:
    response = client_as(world.board).post(
        reverse("web:board_calendar_new"),
        {"day": "2027-02-08", "kind": "holiday", "name": "Tết Đinh Mùi", "source": "Thông báo của Bộ Nội vụ"},
    )
    assert response.status_code == 302 and response["Location"].endswith("?nam=2027")
    assert DayOff.objects.get(day=D(2027, 2, 8)).name == "Tết Đinh Mùi"


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"day": "2026-09-02"}, "Ngày 02/09/2026 đã có trong lịch"),
        ({"day": "2027-03-03", "kind": "swap_work"}, "ngày đi làm bù phải là thứ Bảy hoặc Chủ nhật"),
        ({"day": "2027-05-01"}, "hãy ghi ngày nghỉ bù"),
        ({"day": "2027-03-03", "source": ""}, "This field"),
    ],
)
def test_a_refused_day_shows_why_and_writes_nothing(
    world: World, client_as: ClientAs, values: dict, message: str
) -> None:
    before = _state()
    data = {"kind": "holiday", "name": "Nghỉ", "source": "Thông báo của Bộ Nội vụ"} | values
    response = client_as(world.board).post(reverse("web:board_calendar_new"), data)
    assert response.status_code == 400
    body = response.content.decode()
    if message == "This field":
        assert "errorlist" in body and "This field" not in body
    else:
        assert message in body
    assert _state() == before


def test_a_day_is_edited_and_deleted(world: World, client_as: ClientAs) -> None:
    client = client_as(world.board)
    row = DayOff.objects.get(day=D(2026, 9, 2))
    data = {"day": "2026-09-01", "kind": "holiday", "name": "Quốc khánh (nghỉ thêm)", "source": row.source}
    assert client.post(reverse("web:board_calendar_day", args=[row.pk]), data).status_code == 302
    assert DayOff.objects.get(pk=row.pk).day == D(2026, 9, 1)
    assert (
        client_as(world.member).post(reverse("web:board_calendar_day_delete", args=[row.pk])).status_code
        == 403
    )
    assert client.post(reverse("web:board_calendar_day_delete", args=[row.pk])).status_code == 302
    assert not DayOff.objects.filter(pk=row.pk).exists()


def test_the_year_is_downloaded_and_imported_back_from_excel(world: World, client_as: ClientAs) -> None:
    client = client_as(world.board)
    workbook = client.get(reverse("web:board_calendar_xlsx", args=[2026]))
    assert workbook.status_code == 200 and workbook["Content-Type"] == XLSX
    upload = SimpleUploadedFile("lich.xlsx", workbook.content)
    response = client.post(f"{reverse('web:board_calendar')}?nam=2027", {"file": upload})
    assert response.status_code == 400  # the 2026 days are not of 2027: refused whole
    body = response.content.decode()
    assert "Dòng 2, cột Ngày: ngày 01/01/2026 không thuộc năm 2027" in body
    assert DayOff.objects.filter(day__year=2027).count() == 3  # the seeded days unchanged
    upload = SimpleUploadedFile("lich.xlsx", workbook.content)
    response = client.post(f"{reverse('web:board_calendar')}?nam=2026", {"file": upload})
    assert response.status_code == 302
    assert DayOff.objects.filter(day__year=2026).count() == 9


# --- the base salary --------------------------------------------------------------------------------------


def test_the_base_salaries_are_listed_and_one_is_added(world: World, client_as: ClientAs) -> None:
    client = client_as(world.board)
    body = _text(client.get(reverse("web:board_salaries")))
    assert "2.340.000" in body and "Nghị định 73/2024/NĐ-CP" in body
    data = {"valid_from": "2026-07-01", "amount": "2530000", "source": "Nghị định mới"}
    assert client.post(reverse("web:board_salaries"), data).status_code == 302
    assert BaseSalary.objects.get(valid_from=D(2026, 7, 1)).amount == Decimal(2_530_000)


def test_a_base_salary_a_signed_decision_used_is_refused_on_the_page(
    world: World, client_as: ClientAs
) -> None:
    decision = _sign(world, decision_draft(actor=world.board, dossier=_approved(world)))
    client = client_as(world.board)
    used = BaseSalary.objects.get(valid_from=D(2024, 7, 1))
    body = client.get(reverse("web:board_salaries")).content.decode()
    assert reverse("web:decision", args=[decision.pk]) in body
    before = _state()
    data = {"valid_from": "2024-07-01", "amount": "2000000", "source": "sửa"}
    response = client.post(reverse("web:board_salary", args=[used.pk]), data)
    assert response.status_code == 400 and "không sửa được" in response.content.decode()
    data = {"valid_from": "2026-01-01", "amount": "2530000", "source": "Nghị định mới"}
    response = client.post(reverse("web:board_salaries"), data)
    assert response.status_code == 400 and f"Quyết định số {decision.number}" in response.content.decode()
    assert _state() == before


# --- certificate layouts ----------------------------------------------------------------------------------


def _layout_post(client: Client, **changes: str) -> dict[str, str]:
    """The layout page's form as it stands (the default layout), with changes."""
    page = client.get(reverse("web:board_layout", args=["BK_TINH"]))
    form = page.context["form"]
    data: dict[str, str] = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = str(value)
    return data | changes


def test_the_layout_page_shows_each_item_as_fields_not_json(world: World, client_as: ClientAs) -> None:
    body = client_as(world.board).get(reverse("web:board_layout", args=["BK_TINH"])).content.decode()
    for text in ("Họ tên hoặc tên tập thể", "Lề trái x (mm)", "Cỡ chữ (pt)", "Mã QR xác thực", "Xem thử"):
        assert text in body
    assert '"fields"' not in body and "center" not in _text(
        client_as(world.board).get(reverse("web:board_layout", args=["BK_TINH"]))
    )


def test_the_layout_is_saved_versioned_and_a_lost_update_is_refused(
    world: World, client_as: ClientAs
) -> None:
    client = client_as(world.board)
    data = _layout_post(client, name="Phôi Bằng khen tỉnh 2026", name_x="45", name_bold="")
    data.pop("name_bold")
    assert client.post(reverse("web:board_layout", args=["BK_TINH"]), data).status_code == 302
    form = CertificateForm.objects.get(title="BK_TINH")
    name_field = next(f for f in form.layout["fields"] if f["item"] == "name")
    assert (form.version, name_field["x"], "bold" in name_field) == (1, 45, False)
    stale = _layout_post(client, name_x="50")  # read at version 1
    assert client.post(reverse("web:board_layout", args=["BK_TINH"]), _layout_post(client)).status_code == 302
    assert CertificateForm.objects.get(title="BK_TINH").version == 2  # someone saved since
    before = _state()
    response = client.post(reverse("web:board_layout", args=["BK_TINH"]), stale)
    assert response.status_code == 400 and "đã được người khác sửa" in response.content.decode()
    assert _state() == before


def test_a_layout_off_the_page_is_refused_and_nothing_is_saved(world: World, client_as: ClientAs) -> None:
    client = client_as(world.board)
    before = _state()
    response = client.post(reverse("web:board_layout", args=["BK_TINH"]), _layout_post(client, name_x="290"))
    assert response.status_code == 400
    assert "nằm ngoài trang" in response.content.decode()
    assert _state() == before


def test_the_preview_downloads_a_pdf_of_the_layout_as_typed(world: World, client_as: ClientAs) -> None:
    client = client_as(world.board)
    before = _state()
    response = client.post(
        reverse("web:board_layout", args=["BK_TINH"]), _layout_post(client, action="xem-thu", name_y="90")
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert _state() == before  # a preview saves nothing
    saved = client.get(reverse("web:board_layout_sample", args=["BK_TINH"]))
    assert saved.content.startswith(b"%PDF")


def test_an_unknown_title_is_404(world: World, client_as: ClientAs) -> None:
    assert client_as(world.board).get(reverse("web:board_layout", args=["KHONG_CO"])).status_code == 404


# --- the reward fund --------------------------------------------------------------------------------------


def _book(world: World) -> None:
    for year, kind, amount, on, note in (
        (2025, FundEntryKind.ALLOCATION, 50_000_000, D(2025, 3, 1), "Trích lập quỹ năm 2025"),
        (2026, FundEntryKind.ALLOCATION, 20_000_000, D(2026, 1, 15), "Trích lập quỹ năm 2026"),
        (2026, FundEntryKind.OTHER_OUT, 1_500_000, D(2026, 2, 1), "Chi in phôi"),
    ):
        fund_entry_add(
            actor=world.board,
            unit=world.province,
            year=year,
            kind=kind,
            amount=Decimal(amount),
            on=on,
            note=note,
        )


def test_the_fund_statement_shows_the_opening_running_balance_and_totals(
    world: World, client_as: ClientAs
) -> None:
    _book(world)
    decision = _sign(world, decision_draft(actor=world.board, dossier=_approved(world)))
    response = client_as(world.board).get(reverse("web:fund"), {"don_vi": world.province.pk, "nam": 2026})
    assert response.status_code == 200
    body = _text(response)
    paid = decision.total
    assert paid
    assert "Tồn quỹ chuyển từ các năm trước 50.000.000" in body
    assert "70.000.000" in body and "68.500.000" in body
    closing = Decimal(68_500_000) - paid
    assert re.search(
        rf"Cộng 20\.000\.000 {f'{1_500_000 + paid:,.0f}'.replace(',', '.')} "
        rf"{f'{closing:,.0f}'.replace(',', '.')}",
        body,
    )
    assert reverse("web:decision", args=[decision.pk]) in response.content.decode()
    assert "allocation" not in body and "other_out" not in body


def test_the_fund_statement_downloads_as_a_workbook(world: World, client_as: ClientAs) -> None:
    _book(world)
    response = client_as(world.board).get(
        reverse("web:fund_xlsx"), {"don_vi": world.province.pk, "nam": 2026}
    )
    assert response.status_code == 200
    rows = (
        CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_name("Sổ quỹ").to_python()
    )
    assert rows[1][0] == "Tỉnh Quảng Nam"
    assert rows[-1][1:] == ["Cộng", "", 20_000_000, 1_500_000, 68_500_000]


def test_an_entry_is_added_and_a_bad_one_refused_with_nothing_written(
    world: World, client_as: ClientAs
) -> None:
    client = client_as(world.board)
    url = f"{reverse('web:fund')}?don_vi={world.tien_phuoc.pk}&nam=2026"
    data = {"kind": "allocation", "on": "2026-01-10", "amount": "10000000", "note": "Trích lập quỹ"}
    assert client.post(url, data).status_code == 302
    assert FundEntry.objects.get(unit=world.tien_phuoc).amount == Decimal(10_000_000)
    before = _state()
    response = client.post(url, data | {"on": "2025-12-31"})
    assert response.status_code == 400 and "không thuộc năm 2026" in response.content.decode()
    response = client.post(url, data | {"kind": "payout"})  # a payout by decision is written by signing only
    assert response.status_code == 400
    assert _state() == before


def test_a_unit_s_staff_keep_their_own_fund_only(world: World, client_as: ClientAs) -> None:
    client = client_as(world.member)
    own = client.get(reverse("web:fund"), {"nam": 2026})
    assert own.status_code == 200 and world.tien_phuoc.name in own.content.decode()
    data = {"kind": "allocation", "on": "2026-01-10", "amount": "5000000", "note": "Trích lập quỹ"}
    assert client.post(f"{reverse('web:fund')}?nam=2026", data).status_code == 302
    assert FundEntry.objects.get().unit == world.tien_phuoc
    before = _state()
    other = f"{reverse('web:fund')}?don_vi={world.dien_ban.pk}&nam=2026"
    assert client.get(other).status_code == 404
    assert client.post(other, data).status_code == 404
    assert client.get(reverse("web:fund_xlsx"), {"don_vi": world.dien_ban.pk}).status_code == 404
    assert _state() == before
    public = client_as(None).get(reverse("web:fund"))
    assert public.status_code == 302 and reverse("web:login") in public["Location"]
