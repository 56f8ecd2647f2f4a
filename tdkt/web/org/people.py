"""A unit's people: its staff list by Excel (upload and the unit's template; the board's the province's list
at once, each row naming its unit; a large file runs as a background task), and for one person a transfer
to another unit and a change of post, each keeping history (the open employment ends the day before).

Who: the board, and the unit's staff (for a person: the staff of their current unit). Someone who may not
see the unit's people or the person gets 404; a unit's staff who see a former colleague but may not move
them get 403 with the reason; the public is sent to log in. Forms only parse; `tdkt.org.services` and
`tdkt.org.xlsx_staff` decide, and a refusal shows the page again with status 400 and the message on its
field, nothing written.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from tdkt.awards.selectors import person_visible, unit_people_visible
from tdkt.clusters.scopes import viewer_for
from tdkt.core.errors import NotPermitted, Problem, ValidationFailed
from tdkt.org import xlsx_staff
from tdkt.org.models import Employment, ImportKind, Person, Unit
from tdkt.org.selectors import units_valid_on
from tdkt.org.services import employment_position_change, employment_transfer
from tdkt.org.tasks import import_job_start, runs_in_background
from tdkt.web.org.forms import UnitsImportForm

REFUSED = 400
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _forbidden(request: HttpRequest, message: str, back_url: str) -> HttpResponse:
    return render(
        request, "web/movements/forbidden.html", {"message": message, "back_url": back_url}, status=403
    )


def _get_unit_people_for_user(request: HttpRequest, unit_id: int) -> Unit:
    unit = Unit.objects.select_related("parent").filter(pk=unit_id).first()
    if unit is None or not unit_people_visible(viewer_for(request.user), unit):
        raise Http404("Không tìm thấy đơn vị.")
    return unit


def _get_person_for_user(request: HttpRequest, person_id: int) -> tuple[Person, Employment | None]:
    person = Person.objects.filter(pk=person_id).first()
    if person is None or not person_visible(viewer_for(request.user), person):
        raise Http404("Không tìm thấy cán bộ.")
    current = (
        Employment.objects.select_related("unit")
        .filter(person=person, end__isnull=True)
        .order_by("-start", "-id")
        .first()
    )
    return person, current


def _place(form: forms.Form, problems: list[Problem], fields: dict[str, str]) -> list[Problem]:
    """Each service problem on its form field; those with no field are returned for the page's list."""
    left: list[Problem] = []
    for p in problems:
        name = fields.get(p.field or "")
        if name is not None:
            form.add_error(name, p.message)
        else:
            left.append(p)
    return left


# --- the staff list by Excel -------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def staff_import(request: HttpRequest, unit_id: int) -> HttpResponse:
    """A unit's staff list: every row written, or none and a table of problems. A large file runs as a
    background task and the user is sent to its progress page."""
    unit = _get_unit_people_for_user(request, unit_id)
    return _staff_import_page(request, unit)


@login_required
@require_http_methods(["GET", "POST"])
def province_staff_import(request: HttpRequest) -> HttpResponse:
    """The province's staff list at once, each row naming its unit (the board's, to set up a province).
    Others get 404."""
    if not viewer_for(request.user).is_board:
        raise Http404("Không tìm thấy trang.")
    return _staff_import_page(request, None)


def _staff_import_page(request: HttpRequest, unit: Unit | None) -> HttpResponse:
    posted = request.method == "POST"
    form = UnitsImportForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        max_bytes=xlsx_staff.MAX_IMPORT_BYTES,
    )
    back = reverse("web:unit", args=[unit.pk]) if unit is not None else reverse("web:home")
    problems: list[Problem] = []
    status = 200
    if posted:
        status = REFUSED
        if form.is_valid():
            upload = form.cleaned_data["file"]
            name, data = upload.name or "", upload.read()
            try:
                if runs_in_background(len(data)):  # a large list: a task, its progress on its page
                    job = import_job_start(
                        actor=request.user,
                        kind=ImportKind.STAFF if unit is not None else ImportKind.PROVINCE_STAFF,
                        unit=unit,
                        filename=name,
                        data=data,
                    )
                    return redirect("web:import_job", job_id=job.pk)
                if unit is not None:
                    result = xlsx_staff.staff_import(actor=request.user, unit=unit, filename=name, data=data)
                else:
                    result = xlsx_staff.province_staff_import(actor=request.user, filename=name, data=data)
            except NotPermitted as exc:
                return _forbidden(request, exc.message, back)
            except ValidationFailed as exc:
                problems = exc.problems
            else:
                messages.success(
                    request,
                    f"Đã nhập danh sách cán bộ: {result.created} người mới, {result.position_changes} thay đổi "
                    f"chức vụ, {result.unchanged} người không thay đổi.",
                )
                return redirect(back)
    context = {"unit": unit, "form": form, "problems": problems, "max_bytes": xlsx_staff.MAX_IMPORT_BYTES}
    return render(request, "web/org/people_import.html", context, status=status)


@login_required
@require_GET
def staff_template(request: HttpRequest, unit_id: int) -> HttpResponseBase:
    unit = _get_unit_people_for_user(request, unit_id)
    return FileResponse(
        iter([xlsx_staff.staff_template(unit)]),
        as_attachment=True,
        filename=xlsx_staff.template_filename(unit),
        content_type=XLSX,
    )


@login_required
@require_GET
def province_staff_template(request: HttpRequest) -> HttpResponseBase:
    if not viewer_for(request.user).is_board:
        raise Http404("Không tìm thấy trang.")
    return FileResponse(
        iter([xlsx_staff.province_staff_template()]),
        as_attachment=True,
        filename=xlsx_staff.PROVINCE_TEMPLATE_FILENAME,
        content_type=XLSX,
    )


# --- a transfer and a change of post --------------------------------------------------------------------


class TransferForm(forms.Form):
    to_unit = forms.ModelChoiceField(
        label="Đơn vị nhận",
        queryset=Unit.objects.none(),
        error_messages={"required": "Chưa chọn đơn vị nhận.", "invalid_choice": "Đơn vị nhận không hợp lệ."},
    )
    on = forms.DateField(
        label="Từ ngày",
        widget=DATE_INPUT,
        error_messages={
            "required": "Chưa ghi ngày bắt đầu công tác tại đơn vị mới.",
            "invalid": "Ngày không hợp lệ.",
        },
    )
    position = forms.CharField(label="Chức vụ tại đơn vị mới", required=False, max_length=200)
    reason = forms.CharField(
        label="Lý do, căn cứ (số quyết định)",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Chưa ghi lý do, căn cứ điều động."},
    )

    def __init__(self, *args: Any, current: Employment | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = units_valid_on(timezone.localdate()).order_by("name")
        if current is not None:
            units = units.exclude(pk=current.unit_id)
        field = self.fields["to_unit"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = units


class PositionForm(forms.Form):
    position = forms.CharField(
        label="Chức vụ mới", max_length=200, error_messages={"required": "Chưa ghi chức vụ mới."}
    )
    on = forms.DateField(
        label="Từ ngày",
        widget=DATE_INPUT,
        error_messages={"required": "Chưa ghi ngày giữ chức vụ mới.", "invalid": "Ngày không hợp lệ."},
    )
    reason = forms.CharField(
        label="Lý do, căn cứ (số quyết định)",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Chưa ghi lý do, căn cứ thay đổi chức vụ."},
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_transfer(request: HttpRequest, person_id: int) -> HttpResponse:
    person, current = _get_person_for_user(request, person_id)
    form = TransferForm(request.POST or None, current=current, initial={"on": timezone.localdate()})
    problems: list[Problem] = []
    status = 200
    if request.method == "POST":
        status = REFUSED
        if form.is_valid():
            data = form.cleaned_data
            try:
                employment_transfer(
                    actor=request.user,
                    person=person,
                    to_unit=data["to_unit"],
                    on=data["on"],
                    position=data["position"],
                    reason=data["reason"],
                )
            except NotPermitted as exc:
                return _forbidden(request, exc.message, reverse("web:person", args=[person.pk]))
            except ValidationFailed as exc:
                problems = _place(
                    form,
                    exc.problems,
                    {"to_unit": "to_unit", "on": "on", "position": "position", "reason": "reason"},
                )
            else:
                messages.success(
                    request,
                    f"Đã điều động {person.full_name} sang {data['to_unit'].name} từ ngày {data['on']:%d/%m/%Y}.",
                )
                return redirect("web:person", person_id=person.pk)
    context = {"person": person, "current": current, "form": form, "problems": problems}
    return render(request, "web/org/people_transfer.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def person_position(request: HttpRequest, person_id: int) -> HttpResponse:
    person, current = _get_person_for_user(request, person_id)
    form = PositionForm(request.POST or None, initial={"on": timezone.localdate()})
    problems: list[Problem] = []
    status = 200
    if request.method == "POST":
        status = REFUSED
        if form.is_valid():
            data = form.cleaned_data
            try:
                employment_position_change(
                    actor=request.user,
                    person=person,
                    on=data["on"],
                    position=data["position"],
                    reason=data["reason"],
                )
            except NotPermitted as exc:
                return _forbidden(request, exc.message, reverse("web:person", args=[person.pk]))
            except ValidationFailed as exc:
                problems = _place(
                    form, exc.problems, {"on": "on", "position": "position", "reason": "reason"}
                )
            else:
                on: dt.date = data["on"]
                messages.success(
                    request,
                    f"Đã ghi chức vụ “{data['position']}” của {person.full_name} từ ngày {on:%d/%m/%Y}.",
                )
                return redirect("web:person", person_id=person.pk)
    context = {"person": person, "current": current, "form": form, "problems": problems}
    return render(request, "web/org/people_position.html", context, status=status)
