"""Set-up pages for clusters and blocks (cụm, khối).

- the board: the clusters (create, edit), a cluster's years (open one with its members), a year's members,
  its head and deputy (appointed or elected with a basis and date, or by the rotation policy, shown first),
  and the indicator catalogue;
- the board or the cluster-year's head staff: the indicators the year follows, and opening next year
  (“Mở năm sau”: what carries over is shown, then confirmed).

Clusters are public records, so an unknown one is a 404; the public is sent to the login page for these
pages; another account gets a 403 page saying who may. Writes go through the services, which decide; a
refusal re-renders the form with status 400 and the service's message on its field.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from tdkt.clusters.models import Cluster, ClusterRoleKind, ClusterYear, RoleBasis
from tdkt.clusters.scopes import viewer_for
from tdkt.clusters.selectors import roll_forward_plan, rotation_roles
from tdkt.clusters.services import (
    cluster_create,
    cluster_role_set,
    cluster_update,
    cluster_year_create,
    cluster_year_members_set,
    cluster_year_roll_forward,
)
from tdkt.core.errors import NotPermitted, ValidationFailed
from tdkt.core.vn import fold
from tdkt.movements.models import ClusterIndicator, Indicator
from tdkt.movements.services import cluster_indicators_set, indicator_create
from tdkt.scoring.models import CriteriaSet
from tdkt.web.clusters.forms import (
    ClusterForm,
    ClusterIndicatorsForm,
    ClusterYearForm,
    IndicatorForm,
    MembersForm,
    RoleForm,
)

REFUSED = 400
BOARD_ONLY = "Chỉ Ban Thi đua – Khen thưởng mới được thiết lập cụm, khối thi đua."
MANAGERS_ONLY = "Chỉ Trưởng cụm hoặc Ban Thi đua – Khen thưởng mới được làm việc này."


def _sentence(message: str) -> str:
    return message[:1].upper() + message[1:]


def _refuse(request: HttpRequest, allowed: bool, message: str, back: str) -> HttpResponse | None:
    """None when the viewer may act; the login page for the public; a 403 page saying who may."""
    if allowed:
        return None
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return render(request, "web/scoring/forbidden.html", {"message": message, "back_url": back}, status=403)


def _attach(form: forms.Form, exc: ValidationFailed) -> None:
    """A service's problems next to the fields they name, the others at the top."""
    for problem in exc.problems:
        form.add_error(problem.field if problem.field in form.fields else None, _sentence(problem.message))


def _get_cluster_for_user(request: HttpRequest, cluster_id: int) -> Cluster:
    """Clusters are public records: 404 only when unknown."""
    cluster = Cluster.objects.select_related("organiser").filter(pk=cluster_id).first()
    if cluster is None:
        raise Http404("Không tìm thấy cụm, khối thi đua.")
    return cluster


def _get_cluster_year_for_user(request: HttpRequest, cy_id: int) -> ClusterYear:
    cluster_year = ClusterYear.objects.select_related("cluster__organiser").filter(pk=cy_id).first()
    if cluster_year is None:
        raise Http404("Không tìm thấy cụm thi đua của năm này.")
    return cluster_year


def _posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _codes_text(rows: list[tuple[str, str]]) -> str:
    return "\n".join(f"{code} {name}" for code, name in rows)


# ------------------------------------------------------------------------------------------- clusters


@require_http_methods(["GET"])
def clusters(request: HttpRequest) -> HttpResponse:
    refused = _refuse(request, viewer_for(request.user).is_board, BOARD_ONLY, reverse("web:home"))
    if refused is not None:
        return refused
    rows = sorted(
        Cluster.objects.select_related("organiser").prefetch_related("years"),
        key=lambda c: (fold(c.name), c.pk),
    )
    return render(request, "web/clusters/clusters.html", {"clusters": rows})


@require_http_methods(["GET", "POST"])
def cluster_new(request: HttpRequest) -> HttpResponse:
    refused = _refuse(request, viewer_for(request.user).is_board, BOARD_ONLY, reverse("web:home"))
    if refused is not None:
        return refused
    form = ClusterForm(_posted(request))
    status = 200
    if request.method == "POST":
        status = REFUSED
        if form.is_valid():
            data = form.cleaned_data
            try:
                created = cluster_create(actor=request.user, **data)
            except ValidationFailed as exc:
                _attach(form, exc)
            else:
                messages.success(request, f"Đã tạo {created.get_kind_display().lower()} “{created.name}”.")
                return redirect("web:cluster", cluster_id=created.pk)
    return render(request, "web/clusters/cluster_form.html", {"form": form, "cluster": None}, status=status)


@require_http_methods(["GET"])
def cluster(request: HttpRequest, cluster_id: int) -> HttpResponse:
    the_cluster = _get_cluster_for_user(request, cluster_id)
    refused = _refuse(request, viewer_for(request.user).is_board, BOARD_ONLY, reverse("web:home"))
    if refused is not None:
        return refused
    years = list(the_cluster.years.order_by("-year").prefetch_related("members", "roles__unit"))
    return render(request, "web/clusters/cluster.html", {"cluster": the_cluster, "years": years})


@require_http_methods(["GET", "POST"])
def cluster_edit(request: HttpRequest, cluster_id: int) -> HttpResponse:
    the_cluster = _get_cluster_for_user(request, cluster_id)
    back = reverse("web:cluster", args=[cluster_id])
    refused = _refuse(request, viewer_for(request.user).is_board, BOARD_ONLY, back)
    if refused is not None:
        return refused
    form = ClusterForm(_posted(request), cluster=the_cluster, initial=ClusterForm.initial_of(the_cluster))
    status = 200
    if request.method == "POST":
        status = REFUSED
        if form.is_valid():
            try:
                cluster_update(actor=request.user, cluster=the_cluster, **form.cleaned_data)
            except ValidationFailed as exc:
                _attach(form, exc)
            else:
                messages.success(request, "Đã lưu thông tin cụm, khối.")
                return redirect(back)
    context = {"form": form, "cluster": the_cluster}
    return render(request, "web/clusters/cluster_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
def cluster_year_new(request: HttpRequest, cluster_id: int) -> HttpResponse:
    the_cluster = _get_cluster_for_user(request, cluster_id)
    back = reverse("web:cluster", args=[cluster_id])
    refused = _refuse(request, viewer_for(request.user).is_board, BOARD_ONLY, back)
    if refused is not None:
        return refused
    last = the_cluster.years.order_by("-year").first()
    initial: dict[str, Any] = {}
    if last is not None:
        initial = {
            "year": last.year + 1,
            "members": _codes_text(list(last.members.values_list("unit__code", "unit__name"))),
        }
    form = ClusterYearForm(_posted(request), initial=initial)
    status = 200
    if request.method == "POST":
        status = REFUSED
        if form.is_valid():
            data = form.cleaned_data
            try:
                created = cluster_year_create(
                    actor=request.user,
                    cluster=the_cluster,
                    year=data["year"],
                    members=data["members"],
                    note=data["note"],
                )
            except ValidationFailed as exc:
                _attach(form, exc)
            else:
                messages.success(request, f"Đã mở {created} với {created.members.count()} thành viên.")
                return redirect(back)
    context = {"form": form, "cluster": the_cluster, "previous": last}
    return render(request, "web/clusters/year_form.html", context, status=status)


# ---------------------------------------------------------------------------------------- a cluster-year


@require_http_methods(["GET", "POST"])
def cluster_members(request: HttpRequest, cy_id: int) -> HttpResponse:
    cluster_year = _get_cluster_year_for_user(request, cy_id)
    back = reverse("web:cluster_year", args=[cy_id])
    refused = _refuse(request, viewer_for(request.user).is_board, BOARD_ONLY, back)
    if refused is not None:
        return refused
    current = list(cluster_year.members.select_related("unit").order_by("position", "unit__name"))
    initial = {"members": _codes_text([(m.unit.code, m.unit.name) for m in current])}
    form = MembersForm(_posted(request), initial=initial)
    status = 200
    if request.method == "POST":
        status = REFUSED
        if form.is_valid():
            try:
                cluster_year_members_set(
                    actor=request.user, cluster_year=cluster_year, members=form.cleaned_data["members"]
                )
            except ValidationFailed as exc:
                _attach(form, exc)
            else:
                messages.success(request, "Đã lưu danh sách thành viên.")
                return redirect("web:cluster_members", cy_id=cy_id)
    context = {"form": form, "cluster_year": cluster_year, "members": current}
    return render(request, "web/clusters/members.html", context, status=status)


@require_http_methods(["GET", "POST"])
def cluster_roles(request: HttpRequest, cy_id: int) -> HttpResponse:
    cluster_year = _get_cluster_year_for_user(request, cy_id)
    back = reverse("web:cluster_year", args=[cy_id])
    refused = _refuse(request, viewer_for(request.user).is_board, BOARD_ONLY, back)
    if refused is not None:
        return refused
    form = RoleForm(_posted(request), cluster_year_id=cy_id)
    status = 200
    if request.method == "POST":
        status = REFUSED
        if form.is_valid():
            try:
                role = cluster_role_set(actor=request.user, cluster_year=cluster_year, **form.cleaned_data)
            except ValidationFailed as exc:
                _attach(form, exc)
            else:
                messages.success(request, f"Đã ghi {role.get_role_display()}: {role.unit.name}.")
                return redirect("web:cluster_roles", cy_id=cy_id)
    roles = {r.role: r for r in cluster_year.roles.select_related("unit")}
    previous = ClusterYear.objects.filter(cluster=cluster_year.cluster, year=cluster_year.year - 1).first()
    rotation = []
    if previous is not None:
        members = [m.unit for m in cluster_year.members.select_related("unit")]
        rotation = [r for r in rotation_roles(previous, members, {}) if r.applies]
    context = {
        "form": form,
        "cluster_year": cluster_year,
        "head": roles.get(ClusterRoleKind.HEAD),
        "deputy": roles.get(ClusterRoleKind.DEPUTY),
        "previous": previous,
        "rotation": rotation,
        "rotation_basis": RoleBasis.ROTATION.value,
    }
    return render(request, "web/clusters/roles.html", context, status=status)


@require_http_methods(["GET", "POST"])
def cluster_indicators(request: HttpRequest, cy_id: int) -> HttpResponse:
    cluster_year = _get_cluster_year_for_user(request, cy_id)
    back = reverse("web:cluster_year", args=[cy_id])
    refused = _refuse(request, viewer_for(request.user).manages(cy_id), MANAGERS_ONLY, back)
    if refused is not None:
        return refused
    followed = [
        ci.indicator
        for ci in ClusterIndicator.objects.filter(cluster_year=cluster_year)
        .select_related("indicator")
        .order_by("position")
    ]
    form = ClusterIndicatorsForm(
        _posted(request), initial={"indicators": _codes_text([(i.code, i.name) for i in followed])}
    )
    status = 200
    if request.method == "POST":
        status = REFUSED
        if form.is_valid():
            try:
                cluster_indicators_set(
                    actor=request.user, cluster_year=cluster_year, indicators=form.cleaned_data["indicators"]
                )
            except ValidationFailed as exc:
                _attach(form, exc)
            except NotPermitted as exc:  # pragma: no cover - the page is refused before
                return _refuse(request, False, exc.message, back) or redirect(back)
            else:
                messages.success(request, "Đã lưu bộ chỉ tiêu của cụm.")
                return redirect("web:cluster_indicators", cy_id=cy_id)
    context = {
        "form": form,
        "cluster_year": cluster_year,
        "followed": followed,
        "catalogue": list(Indicator.objects.order_by("code")),
    }
    return render(request, "web/clusters/indicators.html", context, status=status)


@require_http_methods(["GET", "POST"])
def roll_forward(request: HttpRequest, cy_id: int) -> HttpResponse:
    cluster_year = _get_cluster_year_for_user(request, cy_id)
    back = reverse("web:cluster_year", args=[cy_id])
    refused = _refuse(request, viewer_for(request.user).manages(cy_id), MANAGERS_ONLY, back)
    if refused is not None:
        return refused
    plan = roll_forward_plan(cluster_year)
    problems: list[str] = []
    status = 200
    if request.method == "POST":
        try:
            nxt = cluster_year_roll_forward(actor=request.user, cluster_year=cluster_year)
        except ValidationFailed as exc:
            problems = [_sentence(p.message) for p in exc.problems]
            status = REFUSED
        else:
            done = "Đã bổ sung" if plan.next_year is not None else "Đã mở"
            messages.success(
                request, f"{done} {nxt}: thành viên, bộ chỉ tiêu, bộ tiêu chí (dự thảo) và luân phiên."
            )
            if plan.criteria_carried and not CriteriaSet.objects.filter(cluster_year=nxt).exists():
                messages.warning(
                    request,
                    "Bộ tiêu chí năm trước không sao chép được (không khớp bộ chỉ tiêu, thành viên năm mới): "
                    "Trưởng cụm soạn bộ tiêu chí mới.",
                )
            return redirect("web:cluster_year", cy_id=nxt.pk)
    context = {"cluster_year": cluster_year, "plan": plan, "problems": problems}
    return render(request, "web/clusters/roll_forward.html", context, status=status)


# --------------------------------------------------------------------------------- indicator catalogue


@require_http_methods(["GET", "POST"])
def indicators(request: HttpRequest) -> HttpResponse:
    refused = _refuse(request, viewer_for(request.user).is_board, BOARD_ONLY, reverse("web:home"))
    if refused is not None:
        return refused
    form = IndicatorForm(_posted(request))
    status = 200
    if request.method == "POST":
        status = REFUSED
        if form.is_valid():
            try:
                created = indicator_create(actor=request.user, **form.cleaned_data)
            except ValidationFailed as exc:
                _attach(form, exc)
            else:
                messages.success(request, f"Đã thêm chỉ tiêu “{created.name}” vào danh mục.")
                return redirect("web:indicators")
    context = {"form": form, "catalogue": list(Indicator.objects.order_by("code"))}
    return render(request, "web/clusters/catalogue.html", context, status=status)
