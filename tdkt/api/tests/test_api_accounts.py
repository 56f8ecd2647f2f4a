"""The accounts API: the board's; a unit's staff get 404 (403 when creating), the public 401."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from tdkt.core.models import AuditEvent
from tdkt.core.personas import PASSWORD, World
from tdkt.org.models import Account, Role
from tdkt.org.tests.test_accounts import closed_unit

AsPersona = Callable[[str], Client]
STAFF = ["head", "member", "outsider"]


def _state() -> tuple[int, int, int]:
    return User.objects.count(), Account.objects.count(), AuditEvent.objects.count()


def _send(client: Client, method: str, url: str, body: dict[str, Any] | None = None) -> Any:
    call = getattr(client, method)
    if body is None:
        return call(url)
    return call(url, data=json.dumps(body), content_type="application/json")


def test_the_board_lists_accounts_filtered_by_unit_and_state(world: World, as_persona: AsPersona) -> None:
    client = as_persona("board")
    body = client.get("/api/accounts").json()
    assert body[0]["username"] == "t-board"
    assert {a["username"] for a in body} == {"t-board", "t-head", "t-member", "t-outsider"}
    member = next(a for a in body if a["username"] == "t-member")
    assert member["unit"] == "Huyện Tiên Phước" and member["role_label"] == "Cán bộ đơn vị"
    assert member["active"] is True and member["must_change_password"] is False
    only = client.get(f"/api/accounts?unit={world.tien_phuoc.pk}").json()
    assert [a["username"] for a in only] == ["t-member"]
    User.objects.filter(pk=world.outsider.pk).update(is_active=False)
    locked = client.get("/api/accounts?active=false").json()
    assert [a["username"] for a in locked] == ["t-outsider"]


@pytest.mark.parametrize(("persona", "status"), [("head", 404), ("member", 404), ("public", 401)])
def test_others_cannot_list_accounts(as_persona: AsPersona, persona: str, status: int) -> None:
    assert as_persona(persona).get("/api/accounts").status_code == status


def test_the_board_creates_an_account_with_a_temporary_password(world: World, as_persona: AsPersona) -> None:
    body = {"username": "ho.lam", "full_name": "Hồ Văn Lâm", "role": "unit", "unit_id": world.nam_giang.pk}
    response = _send(as_persona("board"), "post", "/api/accounts", body)
    assert response.status_code == 201
    out = response.json()
    assert (out["username"], out["full_name"], out["unit_id"]) == ("ho.lam", "Hồ Văn Lâm", world.nam_giang.pk)
    assert out["must_change_password"] is True
    assert Client().login(username="ho.lam", password=out["temporary_password"])
    board = _send(
        as_persona("board"),
        "post",
        "/api/accounts",
        {"username": "ban2", "full_name": "A B", "role": "board"},
    )
    assert board.status_code == 201 and board.json()["role"] == Role.BOARD and board.json()["unit_id"] is None


@pytest.mark.parametrize(("persona", "status"), [("head", 403), ("member", 403), ("public", 401)])
def test_others_cannot_create_accounts(
    world: World, as_persona: AsPersona, persona: str, status: int
) -> None:
    before = _state()
    body = {"username": "moi", "full_name": "A B", "role": "unit", "unit_id": world.tien_phuoc.pk}
    assert _send(as_persona(persona), "post", "/api/accounts", body).status_code == status
    assert _state() == before


def test_an_account_for_a_closed_unit_is_422_with_nothing_written(
    world: World, as_persona: AsPersona
) -> None:
    old = closed_unit(world)
    before = _state()
    body = {"username": "cu", "full_name": "Lê Cũ", "role": "unit", "unit_id": old.pk}
    response = _send(as_persona("board"), "post", "/api/accounts", body)
    assert response.status_code == 422
    [problem] = response.json()["detail"]
    assert problem["field"] == "unit" and "đã hết hiệu lực" in problem["message"]
    assert _state() == before


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"username": "t-member"}, "username"),
        ({"unit_id": 999999}, "unit_id"),
        ({"role": "admin"}, "role"),
        ({"extra": 1}, "extra"),
        ({"unit_id": "1"}, "unit_id"),
    ],
)
def test_bad_input_is_422_naming_the_field(
    world: World, as_persona: AsPersona, changes: dict[str, Any], field: str
) -> None:
    before = _state()
    body = {"username": "moi", "full_name": "A B", "role": "unit", "unit_id": world.tien_phuoc.pk, **changes}
    response = _send(as_persona("board"), "post", "/api/accounts", body)
    assert response.status_code == 422
    assert field in [p["field"] for p in response.json()["detail"]]
    assert _state() == before


def test_the_board_locks_and_unlocks_an_account_with_a_reason(world: World, as_persona: AsPersona) -> None:
    client = as_persona("board")
    url = f"/api/accounts/{world.member.account.pk}/active"
    refused = _send(client, "put", url, {"active": False, "reason": ""})
    assert refused.status_code == 422 and refused.json()["detail"][0]["field"] == "reason"
    response = _send(client, "put", url, {"active": False, "reason": "Chuyển công tác"})
    assert response.status_code == 200 and response.json()["active"] is False
    assert not Client().login(username="t-member", password=PASSWORD)
    assert _send(client, "put", url, {"active": True, "reason": "Trở lại"}).json()["active"] is True
    assert Client().login(username="t-member", password=PASSWORD)
    own = _send(
        client, "put", f"/api/accounts/{world.board.account.pk}/active", {"active": False, "reason": "x"}
    )
    assert own.status_code == 422


def test_the_board_resets_a_password(world: World, as_persona: AsPersona) -> None:
    response = _send(as_persona("board"), "post", f"/api/accounts/{world.member.account.pk}/password-reset")
    assert response.status_code == 200
    out = response.json()
    assert out["account"]["must_change_password"] is True
    client = Client()
    assert client.login(username="t-member", password=out["temporary_password"])
    assert client.get("/api/units").status_code == 403  # until the password is changed


@pytest.mark.parametrize(("persona", "status"), [("head", 404), ("member", 404), ("public", 401)])
def test_others_cannot_lock_or_reset(world: World, as_persona: AsPersona, persona: str, status: int) -> None:
    before = _state()
    account = world.board.account.pk
    client = as_persona(persona)
    assert (
        _send(client, "put", f"/api/accounts/{account}/active", {"active": False, "reason": "x"}).status_code
        == status
    )
    assert _send(client, "post", f"/api/accounts/{account}/password-reset").status_code == status
    assert (
        _send(
            as_persona("board"), "put", "/api/accounts/999999/active", {"active": False, "reason": "x"}
        ).status_code
        == 404
    )
    assert _state() == before
