"""Launching a movement (phát động phong trào thi đua): the board's list of movements and the form — level,
kind, dates, slogan, the clusters and the units taking part. Kept apart from the results pages
(`views.py`); the form only parses, `tdkt.movements.services.movement_create` decides."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from tdkt.clusters.models import Cluster
from tdkt.clusters.scopes import viewer_for
from tdkt.core.errors import ValidationFailed
from tdkt.movements.models import Movement, MovementKind, MovementLevel
from tdkt.movements.services import movement_create
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
                for p in exc.problems:
                    field = p.field if p.field in form.fields else None
                    form.add_error(field, p.message[:1].upper() + p.message[1:])
            else:
                messages.success(request, f"Đã phát động phong trào “{created.name}”.")
                return redirect("web:movements_launch")
    rows = Movement.objects.select_related("launched_by").prefetch_related("clusters", "units")
    context = {"form": form, "movements": list(rows.order_by("-start_date", "name"))}
    return render(request, "web/movements/launch.html", context, status=status)
