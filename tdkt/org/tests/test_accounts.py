"""Account services: create (never for a closed unit), lock and unlock with a reason, reset, change."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from django.test import Client

from tdkt.core.errors import NotPermitted, ValidationFailed
from tdkt.core.models import AuditEvent
from tdkt.core.personas import PASSWORD, World
from tdkt.org.models import Account, Role, Unit, UnitKind
from tdkt.org.services import (
    account_create,
    account_password_change,
    account_password_reset,
    account_set_active,
    temporary_password,
    unit_create,
)

NEW_PASSWORD = "mat-khau-moi-cua-toi"


def _state() -> tuple[int, int, int]:
    return User.objects.count(), Account.objects.count(), AuditEvent.objects.count()


def closed_unit(world: World) -> Unit:
    """Tiên Phước before a merger: valid until 30/06/2025."""
    return unit_create(
        actor=None,
        code="T-OLD",
        name="Huyện Cũ (đã sáp nhập)",
        kind=UnitKind.DISTRICT,
        parent=world.province,
        valid_from=dt.date(2020, 1, 1),
        valid_to=dt.date(2025, 6, 30),
    )


def _create(world: World, **changes: object) -> Account:
    values: dict[str, object] = {
        "actor": world.board,
        "username": "canbo.tp",
        "password": temporary_password(),
        "full_name": "Nguyễn  Thị Hoa ",
        "role": Role.UNIT,
        "unit": world.tien_phuoc,
        "position": "Chuyên viên",
        **changes,
    }
    return account_create(**values)  # type: ignore[arg-type]


def test_the_board_creates_a_units_account_that_must_change_its_password(world: World) -> None:
    account = _create(world)
    assert (account.role, account.unit, account.position) == (Role.UNIT, world.tien_phuoc, "Chuyên viên")
    assert (account.user.last_name, account.user.first_name) == ("Nguyễn Thị", "Hoa")
    assert account.must_change_password
    event = AuditEvent.objects.get(action="account.create", object_id=str(account.pk))
    assert event.actor == world.board and "canbo.tp" in event.summary


def test_an_account_the_system_creates_keeps_its_password(world: World) -> None:
    account = _create(world, actor=None)
    assert not account.must_change_password  # the demo loader's shared password


def test_a_board_account_has_no_unit(world: World) -> None:
    account = _create(world, role=Role.BOARD)
    assert (account.role, account.unit) == (Role.BOARD, None)


def test_an_account_for_a_closed_unit_is_refused_with_nothing_written(world: World) -> None:
    old = closed_unit(world)
    before = _state()
    with pytest.raises(ValidationFailed) as refused:
        _create(world, unit=old)
    [problem] = refused.value.problems
    assert problem.field == "unit"
    assert problem.message.startswith(
        "đơn vị “Huyện Cũ (đã sáp nhập)” đã hết hiệu lực từ sau ngày 30/06/2025"
    )
    assert _state() == before


def test_the_system_loading_history_may_create_an_account_for_a_closed_unit(world: World) -> None:
    old = closed_unit(world)
    account = _create(world, actor=None, unit=old)  # the demo loader: staff of a unit merged in 2025
    assert account.unit == old


def test_a_username_taken_in_any_letter_case_is_refused(world: World) -> None:
    before = _state()
    with pytest.raises(ValidationFailed, match="tên đăng nhập “T-Board” đã có"):
        _create(world, username="T-Board")  # the persona's login is "t-board"
    assert _state() == before


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"username": "can bo"}, "username", "chỉ được gồm chữ cái, chữ số"),
        ({"username": " "}, "username", "chưa ghi tên đăng nhập"),
        ({"full_name": "  "}, "full_name", "chưa ghi họ và tên"),
        ({"unit": None}, "unit", "cán bộ đơn vị phải gắn với một đơn vị"),
        ({"role": "admin"}, "role", "vai trò “admin” không hợp lệ"),
        ({"password": "1234567"}, "password", "mật khẩu quá ngắn: cần ít nhất 8 ký tự"),
        ({"password": "password123"}, "password", "mật khẩu này quá phổ biến"),
    ],
)
def test_bad_input_is_refused_in_vietnamese_naming_the_field(
    world: World, changes: dict[str, object], field: str, message: str
) -> None:
    before = _state()
    with pytest.raises(ValidationFailed) as refused:
        _create(world, **changes)
    assert any(p.field == field and message in p.message for p in refused.value.problems)
    assert _state() == before


@pytest.mark.parametrize("persona", ["head", "member", "outsider"])
def test_a_units_staff_cannot_create_lock_or_reset_accounts(world: World, persona: str) -> None:
    actor = getattr(world, persona)
    before = _state()
    with pytest.raises(NotPermitted):
        _create(world, actor=actor)
    target = world.outsider.account if persona != "outsider" else world.member.account
    with pytest.raises(NotPermitted):
        account_set_active(actor=actor, account=target, active=False, reason="thử")
    with pytest.raises(NotPermitted):
        account_password_reset(actor=actor, account=target)
    assert _state() == before


def test_a_locked_account_cannot_log_in_and_its_session_ends(world: World) -> None:
    client = Client()
    assert client.login(username="t-member", password=PASSWORD)
    account = account_set_active(
        actor=world.board, account=world.member.account, active=False, reason="Chuyển công tác"
    )
    assert not account.user.is_active
    assert authenticate(username="t-member", password=PASSWORD) is None
    assert not Client().login(username="t-member", password=PASSWORD)
    response = client.get("/doi-mat-khau/")
    assert response.status_code == 302 and "/dang-nhap/" in response["Location"]  # logged out
    event = AuditEvent.objects.get(action="account.deactivate")
    assert event.before == {"is_active": True}
    assert event.after == {"is_active": False, "reason": "Chuyển công tác"}
    account_set_active(actor=world.board, account=account, active=True, reason="Trở lại đơn vị")
    assert authenticate(username="t-member", password=PASSWORD) == world.member
    assert AuditEvent.objects.filter(action="account.activate").count() == 1


@pytest.mark.parametrize(
    ("active", "reason", "field", "message"),
    [
        (False, "  ", "reason", "khóa hoặc mở lại tài khoản phải ghi lý do"),
        (True, "mở", "active", "tài khoản “t-member” đang hoạt động: không có gì thay đổi"),
    ],
)
def test_locking_needs_a_reason_and_a_change(
    world: World, active: bool, reason: str, field: str, message: str
) -> None:
    before = _state()
    with pytest.raises(ValidationFailed) as refused:
        account_set_active(actor=world.board, account=world.member.account, active=active, reason=reason)
    assert [(p.field, p.message) for p in refused.value.problems] == [(field, message)]
    assert _state() == before
    assert User.objects.get(pk=world.member.pk).is_active


def test_the_board_cannot_lock_itself_out(world: World) -> None:
    with pytest.raises(ValidationFailed, match="không thể tự khóa tài khoản của chính mình"):
        account_set_active(actor=world.board, account=world.board.account, active=False, reason="thử")
    assert User.objects.get(pk=world.board.pk).is_active


def test_an_account_of_a_closed_unit_is_not_unlocked(world: World) -> None:
    old = closed_unit(world)
    user = User.objects.create_user(username="cu", password=PASSWORD, is_active=False)
    account = Account.objects.create(user=user, role=Role.UNIT, unit=old)
    with pytest.raises(ValidationFailed, match="đã hết hiệu lực"):
        account_set_active(actor=world.board, account=account, active=True, reason="mở lại")
    assert not User.objects.get(pk=user.pk).is_active


def test_a_reset_gives_a_temporary_password_once_and_forces_a_change(world: World) -> None:
    password = account_password_reset(actor=world.board, account=world.member.account)
    assert authenticate(username="t-member", password=PASSWORD) is None
    assert authenticate(username="t-member", password=password) == world.member
    assert Account.objects.get(user=world.member).must_change_password
    event = AuditEvent.objects.get(action="account.password_reset")
    assert password not in str(event.before) + str(event.after) + event.summary
    assert event.after == {"must_change_password": True}


def test_changing_the_password_clears_the_forced_change(world: World) -> None:
    password = account_password_reset(actor=world.board, account=world.member.account)
    account_password_change(
        user=world.member, old_password=password, new_password=NEW_PASSWORD, new_password_again=NEW_PASSWORD
    )
    assert authenticate(username="t-member", password=NEW_PASSWORD) == world.member
    assert not Account.objects.get(user=world.member).must_change_password
    event = AuditEvent.objects.get(action="account.password_change")
    assert event.actor == world.member and NEW_PASSWORD not in str(event.after)


@pytest.mark.parametrize(
    ("old", "new", "again", "expected"),
    [
        ("sai", NEW_PASSWORD, NEW_PASSWORD, [("old_password", "mật khẩu hiện tại không đúng")]),
        (PASSWORD, NEW_PASSWORD, "khac", [("new_password2", "hai lần nhập mật khẩu mới không khớp nhau")]),
        (PASSWORD, PASSWORD, PASSWORD, [("new_password1", "mật khẩu mới phải khác mật khẩu hiện tại")]),
        (PASSWORD, "Qz7#x", "Qz7#x", [("new_password1", "mật khẩu quá ngắn: cần ít nhất 8 ký tự")]),
        (PASSWORD, "12345678", "12345678", None),
    ],
)
def test_a_refused_change_keeps_the_old_password(
    world: World, old: str, new: str, again: str, expected: list[tuple[str, str]] | None
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        account_password_change(
            user=world.member, old_password=old, new_password=new, new_password_again=again
        )
    problems = [(p.field, p.message) for p in refused.value.problems]
    if expected is not None:
        assert problems == expected
    else:  # every validator's message is Vietnamese
        assert ("new_password1", "mật khẩu không được chỉ gồm chữ số") in problems or (
            "new_password1",
            "mật khẩu này quá phổ biến, dễ bị đoán: hãy chọn mật khẩu khác",
        ) in problems
    assert authenticate(username="t-member", password=PASSWORD) == world.member


def test_temporary_passwords_pass_the_validators_and_differ() -> None:
    from tdkt.org.services import password_problems

    passwords = {temporary_password() for _ in range(50)}
    assert len(passwords) == 50
    assert all(password_problems(p) == [] for p in passwords)
