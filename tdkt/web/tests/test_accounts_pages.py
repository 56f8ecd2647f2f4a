"""Accounts pages: the first-run page, every account's password change, the board's accounts pages, and the
forced change of a password someone else chose."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from tdkt.core.models import AuditEvent
from tdkt.core.personas import PASSWORD, World
from tdkt.org.models import Account, Role, Unit
from tdkt.org.services import account_password_reset
from tdkt.org.tests.test_accounts import closed_unit

ClientAs = Callable[[User | None], Client]
NEW_PASSWORD = "mat-khau-moi-cua-toi"
TEMPORARY = re.compile(r'class="temporary-password">([^<]+)<')


def _state() -> tuple[int, int, int]:
    return User.objects.count(), Account.objects.count(), AuditEvent.objects.count()


def _board_pages(world: World) -> list[str]:
    account = world.member.account
    return [
        reverse("web:accounts"),
        reverse("web:account_new"),
        reverse("web:account", args=[account.pk]),
    ]


# --- who sees the board's pages ------------------------------------------------------------------------


def test_the_board_opens_the_accounts_pages(world: World, client_as: ClientAs) -> None:
    client = client_as(world.board)
    for url in _board_pages(world):
        assert client.get(url).status_code == 200, url
    home = client.get(reverse("web:home")).content.decode()
    assert reverse("web:accounts") in home


@pytest.mark.parametrize("persona", ["head", "member", "outsider"])
def test_a_units_staff_get_404_on_the_accounts_pages(world: World, client_as: ClientAs, persona: str) -> None:
    client = client_as(getattr(world, persona))
    before = _state()
    for url in _board_pages(world):
        assert client.get(url).status_code == 404, url
    account = world.board.account
    assert client.post(reverse("web:account_reset", args=[account.pk])).status_code == 404
    active_url = reverse("web:account_active", args=[account.pk])
    assert client.post(active_url, {"active": "0", "reason": "thử"}).status_code == 404
    new = {"role": "unit", "unit": world.tien_phuoc.pk, "full_name": "A B", "username": "moi"}
    assert client.post(reverse("web:account_new"), new).status_code == 404
    assert _state() == before
    assert reverse("web:accounts") not in client.get(reverse("web:home")).content.decode()


def test_the_public_is_sent_to_log_in(world: World, client_as: ClientAs) -> None:
    client = client_as(None)
    for url in [*_board_pages(world), reverse("web:password_change")]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("web:login")), url


# --- the board's work ----------------------------------------------------------------------------------


def test_the_list_filters_by_unit_and_state(world: World, client_as: ClientAs) -> None:
    client = client_as(world.board)
    page = client.get(reverse("web:accounts")).content.decode()
    assert all(name in page for name in ("t-board", "t-head", "t-member", "t-outsider"))
    page = client.get(reverse("web:accounts"), {"don_vi": world.tien_phuoc.pk}).content.decode()
    assert "t-member" in page and "t-head" not in page and "t-board" not in page
    User.objects.filter(pk=world.outsider.pk).update(is_active=False)
    page = client.get(reverse("web:accounts"), {"trang_thai": "khoa"}).content.decode()
    assert "t-outsider" in page and "t-member" not in page and "Đã khóa" in page
    page = client.get(reverse("web:accounts"), {"trang_thai": "hoat-dong"}).content.decode()
    assert "t-outsider" not in page and "t-member" in page


def test_the_board_creates_an_account_and_sees_its_temporary_password_once(
    world: World, client_as: ClientAs
) -> None:
    client = client_as(world.board)
    response = client.post(
        reverse("web:account_new"),
        {"role": "unit", "unit": world.nam_giang.pk, "full_name": "Hồ Văn Lâm", "username": "ho.lam"},
    )
    assert response.status_code == 201
    assert response["Cache-Control"] == "no-store"
    [password] = TEMPORARY.findall(response.content.decode())
    account = Account.objects.get(user__username="ho.lam")
    assert (account.role, account.unit, account.must_change_password) == (Role.UNIT, world.nam_giang, True)
    assert Client().login(username="ho.lam", password=password)
    page = client.get(reverse("web:account", args=[account.pk])).content.decode()
    assert password not in page and "Mật khẩu tạm, chưa đổi" in page and "Tạo tài khoản ho.lam" in page


def test_an_account_for_a_closed_unit_is_refused_on_its_field_with_nothing_written(
    world: World, client_as: ClientAs
) -> None:
    old = closed_unit(world)
    client = client_as(world.board)
    page = client.get(reverse("web:account_new")).content.decode()
    assert "Huyện Cũ (đã sáp nhập) (hết hiệu lực 30/06/2025)" in page
    before = _state()
    response = client.post(
        reverse("web:account_new"), {"role": "unit", "unit": old.pk, "full_name": "Lê Cũ", "username": "cu"}
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["unit"][0].startswith("Đơn vị “Huyện Cũ (đã sáp nhập)” đã hết hiệu lực")
    assert _state() == before


def test_a_duplicate_username_is_refused_on_its_field(world: World, client_as: ClientAs) -> None:
    before = _state()
    response = client_as(world.board).post(
        reverse("web:account_new"), {"role": "board", "full_name": "Trùng Tên", "username": "t-member"}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["username"] == [
        "Tên đăng nhập “t-member” đã có: hãy chọn tên khác"
    ]
    assert _state() == before


def test_the_board_locks_an_account_with_a_reason_and_it_cannot_log_in(
    world: World, client_as: ClientAs
) -> None:
    client = client_as(world.board)
    url = reverse("web:account_active", args=[world.member.account.pk])
    refused = client.post(url, {"active": "0", "reason": " "})
    assert refused.status_code == 400
    assert refused.context["active_form"].errors["reason"] == ["Khóa hoặc mở lại tài khoản phải ghi lý do"]
    assert User.objects.get(pk=world.member.pk).is_active
    response = client.post(url, {"active": "0", "reason": "Nghỉ hưu"})
    assert response.status_code == 302
    assert not Client().login(username="t-member", password=PASSWORD)
    page = client.get(reverse("web:account", args=[world.member.account.pk])).content.decode()
    assert "Khóa tài khoản t-member — Nghỉ hưu" in page and "Mở lại tài khoản" in page
    assert client.post(url, {"active": "1", "reason": "Trở lại"}).status_code == 302
    assert Client().login(username="t-member", password=PASSWORD)


def test_the_board_resets_a_password_and_the_holder_must_change_it(world: World, client_as: ClientAs) -> None:
    response = client_as(world.board).post(reverse("web:account_reset", args=[world.member.account.pk]))
    assert response.status_code == 200
    [password] = TEMPORARY.findall(response.content.decode())
    member = Client()
    assert member.login(username="t-member", password=password)
    assert member.get(reverse("web:home"))["Location"] == reverse("web:password_change")


# --- a password someone else chose is changed first ------------------------------------------------------


@pytest.fixture
def forced(world: World) -> tuple[Client, str]:
    password = account_password_reset(actor=world.board, account=world.member.account)
    client = Client()
    assert client.login(username="t-member", password=password)
    return client, password


def test_the_forced_change_blocks_every_other_page_until_done(
    world: World, forced: tuple[Client, str]
) -> None:
    client, password = forced
    change = reverse("web:password_change")
    person_page = reverse("web:unit_candidates", args=[world.tien_phuoc.pk])
    response = client.get(person_page)
    assert (
        response.status_code == 302
        and response["Location"] == f"{change}?next={person_page.replace('/', '%2F')}"
    )
    assert (
        client.post(reverse("web:targets", args=[world.cluster_year.pk, world.tien_phuoc.pk])).status_code
        == 302
    )
    htmx = client.get(reverse("web:home"), headers={"HX-Request": "true"})
    assert htmx.status_code == 204 and htmx["HX-Redirect"] == change
    api = client.get("/api/units")
    assert api.status_code == 403
    assert api.json() == {
        "detail": "Bạn cần đổi mật khẩu (do Ban Thi đua – Khen thưởng cấp hoặc đặt lại) trước khi tiếp tục."
    }
    assert client.get("/static/web/app.css").status_code != 302
    page = client.get(change)
    assert page.status_code == 200 and "Hãy đặt mật khẩu của riêng bạn" in page.content.decode()
    done = client.post(
        change,
        {
            "old_password": password,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
            "next": person_page,
        },
    )
    assert done.status_code == 302 and done["Location"] == person_page
    assert client.get(person_page).status_code == 200  # the session survived the change
    assert client.get("/api/units").status_code == 200


def test_logging_out_is_allowed_before_the_change(forced: tuple[Client, str]) -> None:
    client, _password = forced
    response = client.post(reverse("web:logout"))
    assert response.status_code == 302 and response["Location"] == reverse("web:home")
    assert client.get(reverse("web:home")).status_code == 200


# --- every account's own password ------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["board", "head", "member", "outsider"])
def test_every_account_changes_its_password_from_the_header(
    world: World, client_as: ClientAs, persona: str
) -> None:
    user = getattr(world, persona)
    client = client_as(user)
    home = client.get(reverse("web:home")).content.decode()
    assert f'href="{reverse("web:password_change")}">Đổi mật khẩu</a>' in home
    response = client.post(
        reverse("web:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302 and response["Location"] == reverse("web:home")
    assert Client().login(username=user.username, password=NEW_PASSWORD)


def test_a_refused_change_shows_the_vietnamese_messages_on_their_fields(
    world: World, client_as: ClientAs
) -> None:
    client = client_as(world.member)
    response = client.post(
        reverse("web:password_change"),
        {"old_password": "sai", "new_password1": "1234", "new_password2": "1234"},
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["old_password"] == ["Mật khẩu hiện tại không đúng"]
    assert "Mật khẩu quá ngắn: cần ít nhất 8 ký tự" in errors["new_password1"]
    assert "Mật khẩu này quá phổ biến, dễ bị đoán: hãy chọn mật khẩu khác" in errors["new_password1"]
    assert Client().login(username="t-member", password=PASSWORD)


# --- the first run -----------------------------------------------------------------------------------------

SETUP = {
    "province_kind": "tinh",
    "province_name": "Tỉnh Thử Nghiệm",
    "province_code": "TTN",
    "full_name": "Lê Văn An",
    "position": "Trưởng ban",
    "username": "bantdkt",
    "password1": NEW_PASSWORD,
    "password2": NEW_PASSWORD,
}


@pytest.mark.django_db
def test_an_empty_database_offers_the_first_run_which_creates_the_province_and_logs_in() -> None:
    client = Client()
    home = client.get(reverse("web:home")).content.decode()
    assert "Cài đặt lần đầu" in home and reverse("web:setup") in home
    assert client.get(reverse("web:setup")).status_code == 200
    response = client.post(reverse("web:setup"), SETUP)
    assert response.status_code == 302 and response["Location"] == reverse("web:home")
    province = Unit.objects.get()
    assert (province.name, province.code) == ("Tỉnh Thử Nghiệm", "TTN")
    account = Account.objects.get()
    assert (account.role, account.user.username, account.must_change_password) == (
        Role.BOARD,
        "bantdkt",
        False,
    )
    home = client.get(reverse("web:home")).content.decode()
    assert "Cài đặt lần đầu" not in home and reverse("web:accounts") in home  # logged in as the board
    assert client.get(reverse("web:setup")).status_code == 404
    assert Client().post(reverse("web:setup"), {**SETUP, "username": "khac"}).status_code == 404
    assert Account.objects.count() == 1


@pytest.mark.django_db
def test_the_first_run_refuses_bad_input_on_its_fields_with_nothing_written() -> None:
    response = Client().post(
        reverse("web:setup"),
        {**SETUP, "username": "ban tdkt", "password1": "12345678", "password2": "12345678"},
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["username"][0].startswith("Tên đăng nhập “ban tdkt” chỉ được gồm chữ cái")
    assert "Mật khẩu này quá phổ biến, dễ bị đoán: hãy chọn mật khẩu khác" in errors["password1"]
    mismatch = Client().post(reverse("web:setup"), {**SETUP, "password2": "khac-hoan-toan"})
    assert mismatch.context["form"].errors["password2"] == ["Hai lần nhập mật khẩu không khớp nhau"]
    assert (Unit.objects.count(), Account.objects.count(), User.objects.count()) == (0, 0, 0)


def test_the_first_run_page_is_404_once_the_database_holds_data(world: World, client_as: ClientAs) -> None:
    for user in (None, world.board):
        client = client_as(user)
        assert client.get(reverse("web:setup")).status_code == 404
        assert "Cài đặt lần đầu" not in client.get(reverse("web:home")).content.decode()
