"""Launching a movement (phát động phong trào thi đua): the board's list of movements and the form — level,
kind, dates, slogan, the clusters and the units taking part, the titles and forms of commendation planned —
and editing a launched movement with the same form. Kept apart from the results pages (`views.py`); the
form only parses, `tdkt.movements.services.movement_create` and `movement_update` decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from tdkt.awards import catalogue
from tdkt.clusters.models import Cluster
from tdkt.clusters.scopes import viewer_for
from tdkt.core.errors import ValidationFailed
from tdkt.movements.models import Movement, MovementKind, MovementLevel
from tdkt.movements.services import movement_create, movement_update
from tdkt.org.models import Unit

REFUSED = 400
BOARD_ONLY = "Chỉ Ban Thi đua – Khen thưởng mới được phát động phong trào thi đua."
DATE_ATTRS = {"type": "date"}


class MovementForm(forms.Form):
    name = forms.CharField(label="Tên phong trào", max_length=400)
    slogan = forms.CharField(label="Khẩu hiệu", max_length=300, required=False)
    launched_by = forms.ModelChoiceField(label="Cơ quan phát động", queryset=Unit.objects.none())
    level = forms.ChoiceField(label="Cấp phát động", choices=MovementLevel.choices)
    kind = forms.ChoiceField(label="Hình thức", choices=MovementKind.choices)
    start_date = forms.DateField(label="Từ ngày", widget=forms.DateInput(attrs=DATE_ATTRS, format="%Y-%m-%d"))
    end_date = forms.DateField(
        label="Đến ngày", required=False, widget=forms.DateInput(attrs=DATE_ATTRS, format="%Y-%m-%d")
    )
    clusters = forms.ModelMultipleChoiceField(
        label="Cụm, khối tham gia",
        queryset=Cluster.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    units = forms.CharField(
        label="Đơn vị tham gia (ngoài các cụm, khối)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false"}),
        help_text="Mỗi dòng một mã đơn vị; chữ sau mã (tên) được bỏ qua.",
    )
    planned_titles = forms.MultipleChoiceField(
        label="Danh hiệu, hình thức khen thưởng dự kiến",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[(t.code, t.name) for t in catalogue.TITLES],
    )
    description = forms.CharField(
        label="Nội dung", required=False, widget=forms.Textarea(attrs={"rows": 4}), max_length=10000
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        launched_by = self.fields["launched_by"]
        assert isinstance(launched_by, forms.ModelChoiceField)
        launched_by.queryset = Unit.objects.filter(valid_to__isnull=True).order_by("name")

    def clean_units(self) -> list[Unit]:
        lines = [
            (i, line.split()[0])
            for i, line in enumerate(self.cleaned_data["units"].splitlines(), start=1)
            if line.strip()
        ]
        by_code = {u.code: u for u in Unit.objects.filter(code__in=[c for _, c in lines])}
        errors = [f"Dòng {i}: không có đơn vị mã “{code}”." for i, code in lines if code not in by_code]
        if errors:
            raise forms.ValidationError(errors)
        return [by_code[code] for _, code in lines]


class MovementEditForm(MovementForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # a movement launched by a unit closed since keeps it
        launched_by = self.fields["launched_by"]
        assert isinstance(launched_by, forms.ModelChoiceField)
        launched_by.queryset = Unit.objects.order_by("name")


def _initial(movement: Movement) -> dict[str, Any]:
    return {
        "name": movement.name,
        "slogan": movement.slogan,
        "launched_by": movement.launched_by_id,
        "level": movement.level,
        "kind": movement.kind,
        "start_date": movement.start_date,
        "end_date": movement.end_date,
        "clusters": list(movement.clusters.all()),
        "units": "\n".join(f"{u.code} {u.name}" for u in movement.units.order_by("name")),
        "planned_titles": list(movement.planned_titles),
        "description": movement.description,
        "version": movement.version,
    }


def _place(form: forms.Form, problems: list[Any]) -> None:
    for p in problems:
        field = p.field if p.field in form.fields and p.field != "version" else None
        form.add_error(field, p.message[:1].upper() + p.message[1:])


def planned_names(movement: Movement) -> list[str]:
    return [catalogue.CATALOGUE[c].name for c in movement.planned_titles if c in catalogue.CATALOGUE]


def _refuse(request: HttpRequest) -> HttpResponse | None:
    if viewer_for(request.user).is_board:
        return None
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    context = {"message": BOARD_ONLY, "back_url": reverse("web:home")}
    return render(request, "web/scoring/forbidden.html", context, status=403)


@require_http_methods(["GET", "POST"])
def movements(request: HttpRequest) -> HttpResponse:
    """The movements launched, newest first, and the form to launch one (the board)."""
    refused = _refuse(request)
    if refused is not None:
        return refused
    form = MovementForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = REFUSED
        if form.is_valid():
            try:
                created = movement_create(actor=request.user, **form.cleaned_data)
            except ValidationFailed as exc:
                _place(form, exc.problems)
            else:
                messages.success(request, f"Đã phát động phong trào “{created.name}”.")
                return redirect("web:movements_launch")
    rows = Movement.objects.select_related("launched_by").prefetch_related("clusters", "units")
    movements_shown = [(m, planned_names(m)) for m in rows.order_by("-start_date", "name")]
    context = {"form": form, "movements": movements_shown}
    return render(request, "web/movements/launch.html", context, status=status)


@require_http_methods(["GET", "POST"])
def movement_edit(request: HttpRequest, movement_id: int) -> HttpResponse:
    """Edit a launched movement (the board): every field, its clusters, units and planned titles."""
    refused = _refuse(request)
    if refused is not None:
        return refused
    movement = Movement.objects.select_related("launched_by").filter(pk=movement_id).first()
    if movement is None:
        raise Http404("Không tìm thấy phong trào.")
    form = MovementEditForm(request.POST if request.method == "POST" else None, initial=_initial(movement))
    status = 200
    if request.method == "POST":
        status = REFUSED
        if form.is_valid():
            try:
                movement_update(actor=request.user, movement=movement, **form.cleaned_data)
            except ValidationFailed as exc:
                _place(form, exc.problems)
            else:
                messages.success(request, f"Đã lưu phong trào “{form.cleaned_data['name']}”.")
                return redirect("web:movements_launch")
    context = {"form": form, "movement": movement}
    return render(request, "web/movements/launch_edit.html", context, status=status)
