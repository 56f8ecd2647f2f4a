"""Public pages: home, login, the cluster-year dashboard, a unit's page. Owned by the web-public work.

Every page here is open to the public; what each viewer sees inside a page (draft figures, targets before
the covenant) is decided by the selectors from `viewer_for(request.user)`, never by the templates.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tdkt.clusters.models import ClusterRoleKind, ClusterYear
from tdkt.clusters.scopes import viewer_for
from tdkt.clusters.selectors import cluster_year_with_members
from tdkt.movements.models import Period
from tdkt.movements.selectors import cluster_year_dashboard, movements_of, reports_of_unit
from tdkt.org.models import Unit
from tdkt.org.selectors import setup_needed, unit_ancestors
from tdkt.voting.models import Conference
from tdkt.web.public import mywork, queries

MAX_QUERY_LENGTH = 100


class LoginForm(AuthenticationForm):
    """Django's login form with Vietnamese labels and messages."""

    username = forms.CharField(
        label="Tên đăng nhập",
        max_length=150,
        widget=forms.TextInput(
            attrs={"autofocus": True, "autocomplete": "username", "autocapitalize": "none"}
        ),
        error_messages={"required": "Vui lòng nhập tên đăng nhập."},
    )
    password = forms.CharField(
        label="Mật khẩu",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Vui lòng nhập mật khẩu."},
    )
    error_messages = {
        "invalid_login": (
            "Tên đăng nhập hoặc mật khẩu không đúng. Lưu ý: mật khẩu phân biệt chữ hoa, chữ thường."
        ),
        "inactive": "Tài khoản này đã bị khóa. Vui lòng liên hệ Ban Thi đua – Khen thưởng.",
    }


def _get_cluster_year_for_user(request: HttpRequest, cy_id: int) -> ClusterYear:
    """Every cluster-year is public; what is shown inside depends on the viewer. 404 if unknown."""
    cluster_year = cluster_year_with_members(cy_id)
    if cluster_year is None:
        raise Http404("Không tìm thấy cụm thi đua của năm này.")
    return cluster_year


def _get_unit_for_user(request: HttpRequest, unit_id: int) -> Unit:
    """Units are public records (name, history, memberships). 404 if unknown."""
    unit = Unit.objects.select_related("parent").filter(pk=unit_id).first()
    if unit is None:
        raise Http404("Không tìm thấy đơn vị.")
    return unit


def _safe_next(request: HttpRequest, target: str) -> str:
    """Where to go after login: the page asked for, else what waits for the user (LOGIN_REDIRECT_URL)."""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    context: dict[str, Any] = {"query": query, "units": queries.search_units(query) if query else []}
    if request.headers.get("HX-Request") == "true":
        response = render(request, "web/partials/unit_results.html", context)
    else:
        context["groups"] = queries.home_cluster_groups()
        context["viewer"] = viewer_for(request.user)
        context["needs_setup"] = setup_needed()  # an empty database: the first-run page
        response = render(request, "web/public/home.html", context)
    # The same URL answers with a fragment for htmx and a full page otherwise.
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    next_url = request.POST.get("next") or request.GET.get("next", "")
    form = LoginForm(request, data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        login(request, form.get_user())
        messages.success(request, "Đăng nhập thành công.")
        return HttpResponseRedirect(_safe_next(request, next_url))
    return render(request, "web/public/login.html", {"form": form, "next": next_url})


@require_GET
@login_required
def my_work(request: HttpRequest) -> HttpResponse:
    """What waits for the signed-in user, section by section, each item linked to the page that does it."""
    items = mywork.for_request(request)
    return render(
        request, "web/public/mywork.html", {"sections": mywork.sections(items), "total": len(items)}
    )


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, "Bạn đã đăng xuất.")
    return redirect("web:home")


@require_GET
def cluster_year(request: HttpRequest, cy_id: int) -> HttpResponse:
    cy = _get_cluster_year_for_user(request, cy_id)
    viewer = viewer_for(request.user)
    period = request.GET.get("ky", Period.YEAR_END)
    if period not in Period.values:
        period = Period.YEAR_END
    dashboard = cluster_year_dashboard(cluster_year=cy, period=period, viewer=viewer)
    roles = {role.role: role for role in cy.roles.all()}
    own_row = next((row for row in dashboard.rows if viewer.is_staff_of(row.unit.pk)), None)
    context = {
        "cy": cy,
        "dashboard": dashboard,
        "periods": Period.choices,
        "head": roles.get(ClusterRoleKind.HEAD),
        "deputy": roles.get(ClusterRoleKind.DEPUTY),
        "signatories": queries.covenant_signatories(dashboard.covenant),
        "status_summary": queries.status_summary(dashboard.status_counts),
        "manages": viewer.manages(cy.pk),
        "own_row": own_row,
        "own_unit_id": viewer.unit_id,
        "movements": list(movements_of(cy)),
        "conferences": list(Conference.objects.filter(cluster_year=cy).order_by("held_on")),
    }
    return render(request, "web/public/cluster_year.html", context)


@require_GET
def unit(request: HttpRequest, unit_id: int) -> HttpResponse:
    the_unit = _get_unit_for_user(request, unit_id)
    viewer = viewer_for(request.user)
    context = {
        "unit": the_unit,
        "ancestors": unit_ancestors(the_unit),
        "lineage": queries.unit_lineage(the_unit),
        "memberships": queries.unit_memberships(the_unit),
        "reports": list(reports_of_unit(unit=the_unit, viewer=viewer)),
        "is_own_unit": viewer.is_staff_of(the_unit.pk),
    }
    return render(request, "web/public/unit.html", context)
