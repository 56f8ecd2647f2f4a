"""A password someone else chose (a new account, a reset by the board) is changed before anything else.

For a logged-in user whose account has `must_change_password`, every page sends them to the change page
(htmx requests are told to go there), every API call is refused with 403 and a Vietnamese message; the
change page itself, logging out and static files are let through.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.http import urlencode

from tdkt.org.models import Account

API_PREFIX = "/api/"
MUST_CHANGE = "Bạn cần đổi mật khẩu (do Ban Thi đua – Khen thưởng cấp hoặc đặt lại) trước khi tiếp tục."


def must_change_password(user: object) -> bool:
    if not isinstance(user, User) or not user.is_authenticated:
        return False
    try:
        account: Account = user.account  # cached on the user: the header reads it again for free
    except Account.DoesNotExist:
        return False
    return account.must_change_password


class PasswordChangeRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if must_change_password(getattr(request, "user", None)) and not self._let_through(request.path):
            return self._refuse(request)
        return self.get_response(request)

    @staticmethod
    def _let_through(path: str) -> bool:
        allowed = (reverse("web:password_change"), reverse("web:logout"), "/favicon.ico")
        return path in allowed or path.startswith(settings.STATIC_URL or "/static/")

    @staticmethod
    def _refuse(request: HttpRequest) -> HttpResponse:
        if request.path.startswith(API_PREFIX):
            return JsonResponse({"detail": MUST_CHANGE}, status=403)
        target = reverse("web:password_change")
        if request.method == "GET" and request.path != reverse("web:home"):
            target += "?" + urlencode({"next": request.get_full_path()})
        if request.headers.get("HX-Request") == "true":
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        return HttpResponseRedirect(target)
