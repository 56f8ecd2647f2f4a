"""The JSON API: one NinjaAPI, its routers, and the one place errors are mapped to responses.

- ValidationFailed (a service refused the input)   → 422 {"detail": [{"message", "row", "column", "field"}]}
- ninja's own request validation                   → 422, same shape, messages in Vietnamese
- NotPermitted (seen, but may not be changed)      → 403 {"detail": "..."}
- Http404 (absent, or not visible to the viewer)   → 404 {"detail": "..."}
- not logged in / CSRF / unreadable body           → 401 / 403 / 400 {"detail": "..."}
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser

from tdkt.api.errors import SaysWhatWasSent, problem_from_ninja
from tdkt.api.routers import (
    accounts,
    awards,
    board_data,
    catalogue,
    clusters,
    dossiers,
    people,
    reports,
    results,
    scoring,
    units,
    voting,
)
from tdkt.api.routers import registration as registration_router
from tdkt.api.schemas import problem_out
from tdkt.core.errors import NotPermitted, ValidationFailed


class DecimalParser(Parser):
    """JSON numbers in a body become Decimal, never float: 199121.158 arrives as written."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(request.body, parse_float=Decimal)
        return data


class OfflineSwagger(Swagger):
    """Swagger UI from ninja's bundled static files, never a CDN, whatever INSTALLED_APPS says; no call
    to validator.swagger.io; and the page carries the CSRF token so “Try it out” works for writes, whose
    auth is set per operation (ninja only looks at the API-wide auth for that)."""

    def __init__(self) -> None:
        super().__init__(settings={"validatorUrl": None})

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        settings = {**self.settings, "url": self.get_openapi_url(api, kwargs)}
        context = {"swagger_settings": json.dumps(settings, indent=1), "api": api, "add_csrf": True}
        return render(request, self.template, context)


api = SaysWhatWasSent(
    title="TĐKT API",
    version="1",
    description=(
        "API của hệ thống Thi đua – Khen thưởng. Đọc: công khai, lọc theo quyền xem của người dùng. "
        "Ghi: cần đăng nhập (phiên Django) và mã CSRF. Số thập phân luôn là chuỗi."
    ),
    docs_url="/docs",
    docs=OfflineSwagger(),
    parser=DecimalParser(),
    urls_namespace="api",
)

api.add_router("", units.router)
api.add_router("", clusters.router)
api.add_router("", results.router)
api.add_router("", reports.router)
api.add_router("", scoring.router)
api.add_router("", voting.router)
api.add_router("", awards.router)
api.add_router("", catalogue.router)
api.add_router("", accounts.router)
api.add_router("", people.router)
api.add_router("", registration_router.router)
api.add_router("", dossiers.router)
api.add_router("", board_data.router)


@api.exception_handler(ValidationFailed)
def _validation_failed(request: HttpRequest, exc: ValidationFailed) -> HttpResponse:
    detail = [problem_out(p).model_dump() for p in exc.problems]
    return api.create_response(request, {"detail": detail}, status=422)


@api.exception_handler(NinjaValidationError)
def _request_invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    detail = [problem_out(problem_from_ninja(error)).model_dump() for error in exc.errors]
    return api.create_response(request, {"detail": detail}, status=422)


@api.exception_handler(NotPermitted)
def _not_permitted(request: HttpRequest, exc: NotPermitted) -> HttpResponse:
    return api.create_response(request, {"detail": exc.message}, status=403)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": "Không tìm thấy"}, status=404)


_HTTP_MESSAGES = {
    "CSRF check Failed": "Thiếu hoặc sai mã CSRF: hãy gửi kèm tiêu đề X-CSRFToken lấy từ cookie csrftoken",
    "Cannot parse request body": "Nội dung gửi lên không phải JSON hợp lệ",
}


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if isinstance(exc, AuthenticationError):
        message = "Bạn cần đăng nhập để thực hiện thao tác này"
    else:
        message = next((vn for en, vn in _HTTP_MESSAGES.items() if exc.message.startswith(en)), exc.message)
    return api.create_response(request, {"detail": message}, status=exc.status_code)
