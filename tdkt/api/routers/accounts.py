"""Accounts: the board lists, creates, locks and unlocks accounts and resets passwords.

All of it is the board's: a unit's staff get 404 (the accounts are not theirs to see), the public 401.
Writes go through `tdkt.org.services`; a refusal is 422 naming the field, nothing written. A temporary
password (a new account, a reset) is in the answer once and nowhere else; its holder must change it
before anything else (`tdkt.web.middleware`).
"""

from __future__ import annotations

from typing import Literal

from django.http import Http404, HttpRequest
from ninja import Router, Schema, Status
from ninja.security import django_auth

from tdkt.api.access import unit_from_body, viewer_of
from tdkt.api.schemas import WRITE_ERRORS, InputSchema, MessageOut
from tdkt.org.models import Account
from tdkt.org.selectors import accounts_list
from tdkt.org.services import (
    account_create,
    account_password_reset,
    account_set_active,
    temporary_password,
    unit_closed,
)

router = Router(tags=["accounts"])


class AccountOut(Schema):
    id: int
    username: str
    full_name: str
    role: str  # board | unit
    role_label: str
    unit_id: int | None
    unit: str | None
    unit_closed: bool
    position: str
    active: bool
    must_change_password: bool


class AccountCreatedOut(AccountOut):
    temporary_password: str


class PasswordResetOut(Schema):
    account: AccountOut
    temporary_password: str


class AccountIn(InputSchema):
    username: str
    full_name: str
    role: Literal["board", "unit"]
    unit_id: int | None = None
    position: str = ""


class ActiveIn(InputSchema):
    active: bool
    reason: str


def account_out(account: Account) -> AccountOut:
    user = account.user
    return AccountOut(
        id=account.pk,
        username=user.username,
        full_name=f"{user.last_name} {user.first_name}".strip(),
        role=account.role,
        role_label=str(account.get_role_display()),
        unit_id=account.unit_id,
        unit=account.unit.name if account.unit else None,
        unit_closed=account.unit is not None and unit_closed(account.unit),
        position=account.position,
        active=user.is_active,
        must_change_password=account.must_change_password,
    )


def _board(request: HttpRequest) -> None:
    if not viewer_of(request).is_board:
        raise Http404


def _account_for(request: HttpRequest, account_id: int) -> Account:
    _board(request)
    account = Account.objects.select_related("user", "unit").filter(pk=account_id).first()
    if account is None:
        raise Http404
    return account


@router.get(
    "/accounts",
    response={200: list[AccountOut], 401: MessageOut, 404: MessageOut},
    auth=django_auth,
    summary="Danh sách tài khoản (Ban Thi đua – Khen thưởng)",
)
def accounts_get(
    request: HttpRequest, unit: int | None = None, active: bool | None = None
) -> list[AccountOut]:
    """Filter by unit id and by state (`active=true` the active ones, `false` the locked ones)."""
    _board(request)
    return [account_out(a) for a in accounts_list(unit_id=unit, active=active)]


@router.post(
    "/accounts",
    response={201: AccountCreatedOut, **WRITE_ERRORS},
    auth=django_auth,
    summary="Tạo tài khoản cho Ban hoặc cho một đơn vị",
)
def account_post(request: HttpRequest, payload: AccountIn) -> Status[AccountCreatedOut]:
    """The password is generated and returned once; it must be changed at the first login. Refused (422):
    a unit's staff without a unit or for a unit whose validity has ended, a username taken. Only the
    board (403 for other accounts)."""
    unit = unit_from_body(payload.unit_id) if payload.unit_id is not None else None
    password = temporary_password()
    account = account_create(
        actor=request.user,
        username=payload.username,
        password=password,
        full_name=payload.full_name,
        role=payload.role,
        unit=unit,
        position=payload.position,
    )
    out = account_out(account)
    return Status(201, AccountCreatedOut(**out.model_dump(), temporary_password=password))


@router.put(
    "/accounts/{account_id}/active",
    response={200: AccountOut, **WRITE_ERRORS},
    auth=django_auth,
    summary="Khóa hoặc mở lại một tài khoản, có lý do",
)
def account_active_put(request: HttpRequest, account_id: int, payload: ActiveIn) -> AccountOut:
    """`active: false` locks (the account can no longer log in), `true` unlocks. A reason is required;
    locking one's own account and unlocking an account of a closed unit are refused (422)."""
    account = account_set_active(
        actor=request.user,
        account=_account_for(request, account_id),
        active=payload.active,
        reason=payload.reason,
    )
    account.user.refresh_from_db()
    return account_out(account)


@router.post(
    "/accounts/{account_id}/password-reset",
    response={200: PasswordResetOut, **WRITE_ERRORS},
    auth=django_auth,
    summary="Đặt lại mật khẩu một tài khoản (mật khẩu tạm, trả về một lần)",
)
def account_password_reset_post(request: HttpRequest, account_id: int) -> PasswordResetOut:
    password = account_password_reset(actor=request.user, account=_account_for(request, account_id))
    account = _account_for(request, account_id)
    return PasswordResetOut(account=account_out(account), temporary_password=password)
