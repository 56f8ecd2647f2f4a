"""Accounts: the first run's set-up page, every account's password change, and the board's accounts pages
(list, create, lock and unlock with a reason, reset a password).

Who: the set-up page exists only while the database has no unit and no account (404 afterwards); the
password page is every logged-in account's; the accounts pages are the board's — the public is sent to
log in, a unit's staff get 404. Forms only parse; `tdkt.org.services` decides, and a refusal shows the
page again with status 400 and the service's message on its field, nothing written. A temporary password
(a new account, a reset) is shown once, in the answer to the POST, never stored in a message or session.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from tdkt.clusters.scopes import viewer_for
from tdkt.core.errors import NotPermitted, Problem, ValidationFailed
from tdkt.core.models import AuditEvent
from tdkt.org.models import Account, Role, Unit, UnitKind
from tdkt.org.selectors import accounts_list, setup_needed
from tdkt.org.services import (
    PROVINCE_KINDS,
    account_create,
    account_password_change,
    account_password_reset,
    account_set_active,
    province_setup,
    temporary_password,
    unit_closed,
)

REFUSED = 400
ACTIVE_FILTERS = [("", "Tất cả"), ("hoat-dong", "Đang hoạt động"), ("khoa", "Đã khóa")]
HISTORY_LIMIT = 50


# --- forms -------------------------------------------------------------------------------------------------


class ServiceForm(forms.Form):
    """A form whose fields are named as the service's problems name them."""

    def apply(self, problems: list[Problem]) -> None:
        for problem in problems:
            message = problem.message[:1].upper() + problem.message[1:]
            self.add_error(problem.field if problem.field in self.fields else None, message)
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs["autofocus"] = True
                break


def _text(label: str, max_length: int, *, required: bool = True, **attrs: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        widget=forms.TextInput(attrs=attrs),
        error_messages={
            "required": f"Vui lòng nhập {label[:1].lower() + label[1:]}.",
            "max_length": f"{label} dài quá {max_length} ký tự.",
        },
    )


def _password(label: str, autocomplete: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": autocomplete}),
        error_messages={
            "required": f"Vui lòng nhập {label[:1].lower() + label[1:]}.",
            "max_length": f"{label} dài quá 128 ký tự.",
        },
    )


class PasswordChangeForm(ServiceForm):
    old_password = _password("Mật khẩu hiện tại", "current-password")
    new_password1 = _password("Mật khẩu mới", "new-password")
    new_password2 = _password("Nhập lại mật khẩu mới", "new-password")


class SetupForm(ServiceForm):
    province_kind = forms.ChoiceField(
        label="Loại",
        choices=[(kind.value, kind.label) for kind in PROVINCE_KINDS],
        error_messages={"required": "Chọn loại.", "invalid_choice": "Loại không hợp lệ."},
    )
    province_name = _text("Tên tỉnh, thành phố", 200, placeholder="Ví dụ: Tỉnh Quảng Nam")
    province_code = _text("Mã tỉnh, thành phố", 40, placeholder="Ví dụ: QNA")
    full_name = _text("Họ và tên người dùng tài khoản", 200, autocomplete="name")
    position = _text("Chức vụ", 120, required=False)
    username = _text("Tên đăng nhập", 150, autocomplete="username", autocapitalize="none")
    password1 = _password("Mật khẩu", "new-password")
    password2 = _password("Nhập lại mật khẩu", "new-password")


class AccountForm(ServiceForm):
    role = forms.ChoiceField(
        label="Tài khoản của",
        choices=Role.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Chọn tài khoản của Ban hay của một đơn vị.",
            "invalid_choice": "Không hợp lệ.",
        },
    )
    unit = forms.TypedChoiceField(
        label="Đơn vị (với cán bộ đơn vị)",
        coerce=int,
        required=False,
        empty_value=None,
        error_messages={"invalid_choice": "Đơn vị không có trong danh sách."},
    )
    full_name = _text("Họ và tên", 200, autocomplete="off")
    position = _text("Chức vụ", 120, required=False)
    username = _text("Tên đăng nhập", 150, autocomplete="off", autocapitalize="none")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", "— chọn đơn vị —"), *unit_choices()]  # type: ignore[attr-defined]


class ActiveForm(ServiceForm):
    active = forms.TypedChoiceField(
        label="Thao tác",
        choices=[("0", "Khóa tài khoản"), ("1", "Mở lại tài khoản")],
        coerce=lambda value: value == "1",
        widget=forms.HiddenInput,
        error_messages={"required": "Chưa chọn thao tác.", "invalid_choice": "Thao tác không hợp lệ."},
    )
    reason = forms.CharField(
        label="Lý do",
        max_length=500,
        required=False,  # the service says it is missing, in the same words as the API
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": "Lý do dài quá 500 ký tự."},
    )


class FilterForm(forms.Form):
    don_vi = forms.TypedChoiceField(label="Đơn vị", coerce=int, required=False, empty_value=None)
    trang_thai = forms.ChoiceField(label="Trạng thái", choices=ACTIVE_FILTERS, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["don_vi"].choices = [("", "Mọi đơn vị"), *unit_choices()]  # type: ignore[attr-defined]


def unit_choices() -> list[tuple[int, str]]:
    today = timezone.localdate()
    return [
        (
            unit.pk,
            f"{unit.name} (hết hiệu lực {unit.valid_to:%d/%m/%Y})" if unit_closed(unit, today) else unit.name,
        )
        for unit in Unit.objects.order_by("name", "pk")
    ]


# --- helpers -----------------------------------------------------------------------------------------------


def _board(request: HttpRequest) -> None:
    if not viewer_for(request.user).is_board:
        raise Http404("Không tìm thấy trang.")


def _get_account_for_user(request: HttpRequest, account_id: int) -> Account:
    """The board's; anyone else gets 404, as for a page that does not exist."""
    _board(request)
    account = Account.objects.select_related("user", "unit").filter(pk=account_id).first()
    if account is None:
        raise Http404("Không tìm thấy tài khoản.")
    return account


def _forbidden(request: HttpRequest, exc: NotPermitted) -> HttpResponse:
    return render(
        request,
        "web/movements/forbidden.html",
        {"message": exc.message, "back_url": request.path},
        status=403,
    )


def _safe_next(request: HttpRequest, target: str) -> str:
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("web:home")


def _shown_once(request: HttpRequest, account: Account, password: str, created: bool) -> HttpResponse:
    response = render(
        request,
        "web/org/accounts_password.html",
        {"account": account, "password": password, "created": created},
        status=201 if created else 200,
    )
    response["Cache-Control"] = "no-store"
    return response


# --- first run ---------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def setup(request: HttpRequest) -> HttpResponse:
    """The first page of an empty database: the province and the board's first account; then logged in."""
    if not setup_needed():
        raise Http404("Không tìm thấy trang.")
    form = SetupForm(request.POST or None, initial={"province_kind": UnitKind.PROVINCE})
    status = 200
    if request.method == "POST":
        status = REFUSED
        if form.is_valid():
            data = form.cleaned_data
            problems = []
            if data["password1"] != data["password2"]:
                problems.append(Problem("hai lần nhập mật khẩu không khớp nhau", field="password2"))
            else:
                try:
                    province, account = province_setup(
                        province_name=data["province_name"],
                        province_code=data["province_code"],
                        province_kind=data["province_kind"],
                        username=data["username"],
                        full_name=data["full_name"],
                        position=data["position"],
                        password=data["password1"],
                    )
                except ValidationFailed as exc:
                    problems = [
                        Problem(p.message, field="password1" if p.field == "password" else p.field)
                        for p in exc.problems
                    ]
                else:
                    login(request, account.user, backend="django.contrib.auth.backends.ModelBackend")
                    messages.success(
                        request,
                        f"Đã cài đặt {province.name} và tài khoản “{account.user.username}”. "
                        "Bước tiếp theo: tạo các đơn vị và tài khoản của các đơn vị.",
                    )
                    return redirect("web:home")
            form.apply(problems)
    return render(request, "web/public/setup.html", {"form": form}, status=status)


# --- every account's password ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)  # login_required
    next_url = request.POST.get("next") or request.GET.get("next", "")
    form = PasswordChangeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = REFUSED
        if form.is_valid():
            data = form.cleaned_data
            try:
                account_password_change(
                    user=user,
                    old_password=data["old_password"],
                    new_password=data["new_password1"],
                    new_password_again=data["new_password2"],
                )
            except ValidationFailed as exc:
                form.apply(exc.problems)
            else:
                user.refresh_from_db()
                update_session_auth_hash(request, user)  # the session stays open
                messages.success(request, "Đã đổi mật khẩu.")
                return HttpResponseRedirect(_safe_next(request, next_url))
    account = Account.objects.filter(user=user).first()
    context = {"form": form, "next": next_url, "forced": account is not None and account.must_change_password}
    return render(request, "web/public/password_change.html", context, status=status)


# --- the board's accounts pages ----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET"])
def accounts(request: HttpRequest) -> HttpResponse:
    _board(request)
    form = FilterForm(request.GET or None)
    unit_id: int | None = None
    active: bool | None = None
    if form.is_valid():
        unit_id = form.cleaned_data["don_vi"]
        active = {"hoat-dong": True, "khoa": False}.get(form.cleaned_data["trang_thai"])
    context = {"form": form, "accounts": list(accounts_list(unit_id=unit_id, active=active))}
    return render(request, "web/org/accounts.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def account_new(request: HttpRequest) -> HttpResponse:
    _board(request)
    initial = {"role": Role.UNIT, "unit": request.GET.get("don_vi", "")}
    form = AccountForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = REFUSED
        if form.is_valid():
            data = form.cleaned_data
            unit = Unit.objects.filter(pk=data["unit"]).first() if data["unit"] else None
            password = temporary_password()
            try:
                account = account_create(
                    actor=request.user,
                    username=data["username"],
                    password=password,
                    full_name=data["full_name"],
                    role=data["role"],
                    unit=unit,
                    position=data["position"],
                )
            except NotPermitted as exc:
                return _forbidden(request, exc)
            except ValidationFailed as exc:
                form.apply(exc.problems)
            else:
                return _shown_once(request, account, password, created=True)
    return render(request, "web/org/accounts_new.html", {"form": form}, status=status)


def _render_account(
    request: HttpRequest, account: Account, active_form: ActiveForm | None = None, status: int = 200
) -> HttpResponse:
    active = account.user.is_active
    context = {
        "account": account,
        "active_form": active_form or ActiveForm(initial={"active": "0" if active else "1"}),
        "closed": account.unit is not None and unit_closed(account.unit),
        "history": AuditEvent.objects.filter(object_type="org.account", object_id=str(account.pk))
        .select_related("actor")
        .order_by("-at", "-id")[:HISTORY_LIMIT],
    }
    return render(request, "web/org/accounts_detail.html", context, status=status)


@login_required
@require_http_methods(["GET"])
def account(request: HttpRequest, account_id: int) -> HttpResponse:
    return _render_account(request, _get_account_for_user(request, account_id))


@login_required
@require_POST
def account_active(request: HttpRequest, account_id: int) -> HttpResponse:
    the_account = _get_account_for_user(request, account_id)
    form = ActiveForm(request.POST)
    if form.is_valid():
        active = form.cleaned_data["active"]
        try:
            account_set_active(
                actor=request.user, account=the_account, active=active, reason=form.cleaned_data["reason"]
            )
        except NotPermitted as exc:
            return _forbidden(request, exc)
        except ValidationFailed as exc:
            form.apply(exc.problems)
        else:
            verb = "mở lại" if active else "khóa"
            messages.success(request, f"Đã {verb} tài khoản “{the_account.user.username}”.")
            return redirect("web:account", account_id=the_account.pk)
    the_account.user.refresh_from_db()
    return _render_account(request, the_account, form, status=REFUSED)


@login_required
@require_POST
def account_reset(request: HttpRequest, account_id: int) -> HttpResponse:
    the_account = _get_account_for_user(request, account_id)
    try:
        password = account_password_reset(actor=request.user, account=the_account)
    except NotPermitted as exc:
        return _forbidden(request, exc)
    return _shown_once(request, the_account, password, created=False)
