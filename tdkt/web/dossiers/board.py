"""Data the provincial board keeps for deadlines, decisions and certificates, on the web:

- the working-days calendar (`/ngay-lam-viec/`): the year's days off and swapped days, each with its source,
  and the working days of each month (`core.calendar_services`);
- the base salary by date (`/luong-co-so/`) that reward money multiplies (`dossiers.board_services`);
- the certificate layouts (`/phoi-in/`): where each item is printed on the blank of a title, as a form of
  millimetres and points (no JSON), with a one-page test print to hold against the blank
  (`dossiers.certificates.certificate_form_set`, `board_services.certificate_sample_pdf`);
- the reward fund's book (`/quy-thi-dua/`): a unit's year, its opening and running balance, the entries, an
  entry added, the Excel statement (`dossiers.fund`).

Who: the first three are the board's (a unit's staff get 403, the public the login page). The fund: the
board any unit's, a unit's staff their own unit's (another unit's is 404). Forms only parse; the services
decide, and a refusal shows the page again with status 400 and the Vietnamese message on its field, nothing
written.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tdkt.awards.catalogue_selectors import title_name
from tdkt.awards.models import CatalogueEntry, CatalogueGroup
from tdkt.clusters.scopes import Viewer, viewer_for
from tdkt.core.calendar_services import (
    day_off_add,
    day_off_delete,
    day_off_update,
    days_off_import,
    days_off_xlsx,
    working_days_by_month,
)
from tdkt.core.errors import NotPermitted, Problem, ValidationFailed
from tdkt.core.models import DayOff, DayOffKind
from tdkt.dossiers.board_services import (
    base_salary_add,
    base_salary_update,
    base_salary_used_by,
    certificate_sample_pdf,
)
from tdkt.dossiers.certificate_layout import ITEMS
from tdkt.dossiers.certificates import certificate_form_set, layout_for
from tdkt.dossiers.fund import fund_entry_add, fund_statement, fund_statement_xlsx
from tdkt.dossiers.models import BaseSalary, CertificateForm, FundEntryKind
from tdkt.dossiers.selectors import work_calendar
from tdkt.org.models import Unit

REFUSED = 400
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BOARD_ONLY = "Chỉ Ban Thi đua – Khen thưởng tỉnh được quản lý {what}"
MONTHS = ("", *(f"Tháng {m}" for m in range(1, 13)))
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# The catalogue's groups whose titles are handed out on a printed blank.
PRINTED_GROUPS = (CatalogueGroup.BANG_KHEN, CatalogueGroup.GIAY_KHEN, CatalogueGroup.DANH_HIEU_THI_DUA)
ALIGN_LABELS = {"left": "Trái", "center": "Giữa", "right": "Phải"}


# --- shared ------------------------------------------------------------------------------------------------


def _apply(form: forms.Form, problems: list[Problem]) -> None:
    """The service's problems on the fields they name (the rest above the form)."""
    for problem in problems:
        text = problem.message[:1].upper() + problem.message[1:]
        field = form.fields.get(problem.field or "")
        form.add_error(problem.field if field is not None and not field.widget.is_hidden else None, text)


def _is_board(request: HttpRequest) -> bool:
    return request.user.is_authenticated and viewer_for(request.user).is_board


def _forbidden(request: HttpRequest, what: str, back: str = "web:home") -> HttpResponse:
    return render(
        request,
        "web/movements/forbidden.html",
        {"message": BOARD_ONLY.format(what=what), "back_url": reverse(back)},
        status=403,
    )


def _year(request: HttpRequest, default: int) -> int:
    text = request.GET.get("nam", "")
    return int(text) if text.isdigit() and 2000 <= int(text) <= 2100 else default


# --- the working-days calendar ----------------------------------------------------------------------------

CALENDAR = "lịch ngày làm việc"


class DayOffForm(forms.Form):
    day = forms.DateField(label="Ngày", widget=DATE_INPUT)
    kind = forms.ChoiceField(label="Loại", choices=DayOffKind.choices)
    name = forms.CharField(label="Tên (ví dụ: Tết Nguyên đán, Giỗ Tổ Hùng Vương)", max_length=200)
    source = forms.CharField(
        label="Căn cứ (văn bản quy định, ví dụ: Thông báo số 6150/TB-BNV ngày 29/10/2024 của Bộ Nội vụ)",
        max_length=300,
    )


class DaysImportForm(forms.Form):
    file = forms.FileField(label="Tệp Excel lịch ngày nghỉ của năm (.xlsx, theo mẫu)")

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > IMPORT_MAX:
            raise forms.ValidationError("Tệp lớn quá 2 MB.")
        return upload


IMPORT_MAX = 2 * 1024 * 1024


@login_required
@require_http_methods(["GET", "POST"])
def calendar(request: HttpRequest) -> HttpResponse:
    """The year's days off and swapped days with their sources, and the working days of each month. POST: the
    year's days replaced by a workbook's (all or none; each problem with its row and column)."""
    if not _is_board(request):
        return _forbidden(request, CALENDAR)
    year = _year(request, timezone.localdate().year)
    import_form = DaysImportForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if import_form.is_valid():
            try:
                created = days_off_import(
                    actor=request.user, year=year, data=import_form.cleaned_data["file"].read()
                )
            except ValidationFailed as exc:
                for problem in exc.problems:
                    import_form.add_error(None, str(problem))
            else:
                messages.success(request, f"Đã nhập {len(created)} ngày vào lịch năm {year}.")
                return redirect(f"{reverse('web:board_calendar')}?nam={year}")
        status = REFUSED
    rows = list(DayOff.objects.filter(day__year=year).order_by("day"))
    months = [(MONTHS[m], n) for m, n in working_days_by_month(year, work_calendar())]
    context = {
        "year": year,
        "rows": rows,
        "months": months,
        "total": sum(n for _, n in months),
        "years": sorted({d.year for d in DayOff.objects.dates("day", "year")} | {year, year + 1}),
        "import_form": import_form,
    }
    return render(request, "web/dossiers/board_calendar.html", context, status=status)


@login_required
@require_GET
def calendar_xlsx(request: HttpRequest, year: int) -> HttpResponse:
    """The year's days as the workbook to edit and import back."""
    if not _is_board(request):
        return _forbidden(request, CALENDAR)
    response = HttpResponse(days_off_xlsx(year), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="lich-ngay-nghi-{year}.xlsx"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def calendar_day(request: HttpRequest, day_off_id: int | None = None) -> HttpResponse:
    """Add a day (no id) or edit one."""
    if not _is_board(request):
        return _forbidden(request, CALENDAR)
    row = None
    if day_off_id is not None:
        row = DayOff.objects.filter(pk=day_off_id).first()
        if row is None:
            raise Http404("Không có ngày này trong lịch")
    initial = {"day": row.day, "kind": row.kind, "name": row.name, "source": row.source} if row else {}
    form = DayOffForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                if row is None:
                    saved = day_off_add(actor=request.user, **form.cleaned_data)
                else:
                    saved = day_off_update(actor=request.user, row=row, **form.cleaned_data)
            except ValidationFailed as exc:
                _apply(form, exc.problems)
            else:
                messages.success(request, f"Đã ghi ngày {saved.day:%d/%m/%Y} “{saved.name}” vào lịch.")
                return redirect(f"{reverse('web:board_calendar')}?nam={saved.day.year}")
        status = REFUSED
    return render(request, "web/dossiers/board_calendar_day.html", {"form": form, "row": row}, status=status)


@login_required
@require_POST
def calendar_day_delete(request: HttpRequest, day_off_id: int) -> HttpResponse:
    if not _is_board(request):
        return _forbidden(request, CALENDAR)
    row = DayOff.objects.filter(pk=day_off_id).first()
    if row is None:
        raise Http404("Không có ngày này trong lịch")
    year = row.day.year
    day_off_delete(actor=request.user, row=row)
    messages.success(request, f"Đã xóa ngày {row.day:%d/%m/%Y} “{row.name}” khỏi lịch.")
    return redirect(f"{reverse('web:board_calendar')}?nam={year}")


# --- the base salary --------------------------------------------------------------------------------------

SALARY = "mức lương cơ sở"


class BaseSalaryForm(forms.Form):
    valid_from = forms.DateField(label="Áp dụng từ ngày", widget=DATE_INPUT)
    amount = forms.DecimalField(label="Mức lương cơ sở (đồng/tháng)", max_digits=12, decimal_places=0)
    source = forms.CharField(label="Căn cứ (ví dụ: Nghị định 73/2024/NĐ-CP)", max_length=300)


def _salary_rows() -> list[tuple[BaseSalary, Any]]:
    return [(row, base_salary_used_by(row)) for row in BaseSalary.objects.order_by("-valid_from")]


@login_required
@require_http_methods(["GET", "POST"])
def salaries(request: HttpRequest) -> HttpResponse:
    """The base salaries by date, which signed decisions used, and a new one added."""
    if not _is_board(request):
        return _forbidden(request, SALARY)
    form = BaseSalaryForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                row = base_salary_add(actor=request.user, **form.cleaned_data)
            except ValidationFailed as exc:
                _apply(form, exc.problems)
            else:
                messages.success(
                    request, f"Đã ghi mức lương cơ sở áp dụng từ ngày {row.valid_from:%d/%m/%Y}."
                )
                return redirect("web:board_salaries")
        status = REFUSED
    context = {"rows": _salary_rows(), "form": form}
    return render(request, "web/dossiers/board_salaries.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def salary_edit(request: HttpRequest, salary_id: int) -> HttpResponse:
    if not _is_board(request):
        return _forbidden(request, SALARY)
    row = BaseSalary.objects.filter(pk=salary_id).first()
    if row is None:
        raise Http404("Không có mức lương cơ sở này")
    initial = {"valid_from": row.valid_from, "amount": row.amount, "source": row.source}
    form = BaseSalaryForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                base_salary_update(actor=request.user, row=row, **form.cleaned_data)
            except ValidationFailed as exc:
                _apply(form, exc.problems)
            else:
                messages.success(request, "Đã sửa mức lương cơ sở.")
                return redirect("web:board_salaries")
        status = REFUSED
    context = {"row": row, "form": form, "used_by": base_salary_used_by(row)}
    return render(request, "web/dossiers/board_salary.html", context, status=status)


# --- certificate layouts ----------------------------------------------------------------------------------

LAYOUTS = "bố cục phôi in bằng khen, giấy khen"


def _mm(label: str, required: bool = True) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=required,
        max_digits=5,
        decimal_places=1,
        min_value=0,
        widget=forms.NumberInput(attrs={"step": "0.5", "style": "max-width: 7rem"}),
    )


def _number(value: Decimal | None) -> int | float:
    """A form's decimal as the layout's JSON number (whole numbers stay integers)."""
    value = value or Decimal(0)
    return int(value) if value == value.to_integral_value() else float(value)


class LayoutForm(forms.Form):
    """The layout as fields: the page, then for each item whether it is printed and where, then the QR box.
    Parses only; `layout_problems` (through the service) decides."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(label="Tên mẫu phôi", max_length=200)
    page_width = _mm("Chiều rộng trang (mm)")
    page_height = _mm("Chiều cao trang (mm)")
    qr_on = forms.BooleanField(label="In mã QR xác thực", required=False)
    qr_x = _mm("Mã QR: lề trái (mm)", required=False)
    qr_y = _mm("Mã QR: lề trên (mm)", required=False)
    qr_size = _mm("Mã QR: cạnh (mm)", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for item, label in ITEMS.items():
            self.fields[f"{item}_on"] = forms.BooleanField(label=f"In “{label}”", required=False)
            self.fields[f"{item}_x"] = _mm("Lề trái x (mm)", required=False)
            self.fields[f"{item}_y"] = _mm("Lề trên y (mm)", required=False)
            self.fields[f"{item}_width"] = _mm("Độ rộng (mm)", required=False)
            self.fields[f"{item}_size"] = forms.DecimalField(
                label="Cỡ chữ (pt)",
                required=False,
                max_digits=4,
                decimal_places=1,
                min_value=0,
                widget=forms.NumberInput(attrs={"step": "0.5", "style": "max-width: 6rem"}),
            )
            self.fields[f"{item}_bold"] = forms.BooleanField(label="Đậm", required=False)
            self.fields[f"{item}_italic"] = forms.BooleanField(label="Nghiêng", required=False)
            self.fields[f"{item}_align"] = forms.ChoiceField(
                label="Căn lề", choices=list(ALIGN_LABELS.items())
            )

    @staticmethod
    def initial_from(name: str, layout: dict[str, Any], version: int) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "version": version,
            "name": name,
            "page_width": layout["page"]["width"],
            "page_height": layout["page"]["height"],
        }
        qr = layout.get("qr")
        initial["qr_on"] = qr is not None
        if qr:
            initial |= {"qr_x": qr["x"], "qr_y": qr["y"], "qr_size": qr["size"]}
        for field in layout["fields"]:
            item = field["item"]
            initial |= {
                f"{item}_on": True,
                f"{item}_x": field["x"],
                f"{item}_y": field["y"],
                f"{item}_width": field["width"],
                f"{item}_size": field.get("size", 14),
                f"{item}_bold": field.get("bold", False),
                f"{item}_italic": field.get("italic", False),
                f"{item}_align": field.get("align", "left"),
            }
        for item in ITEMS:
            initial.setdefault(f"{item}_align", "left")
            initial.setdefault(f"{item}_size", 14)
        return initial

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for item, label in ITEMS.items():
            if data.get(f"{item}_on"):
                for key, what in (
                    ("x", "lề trái"),
                    ("y", "lề trên"),
                    ("width", "độ rộng"),
                    ("size", "cỡ chữ"),
                ):
                    if data.get(f"{item}_{key}") is None:
                        self.add_error(f"{item}_{key}", f"Chưa ghi {what} của “{label}”.")
        if data.get("qr_on"):
            for key in ("qr_x", "qr_y", "qr_size"):
                if data.get(key) is None:
                    self.add_error(key, "Chưa ghi vị trí, cỡ của mã QR.")
        return data

    def layout(self) -> dict[str, Any]:
        data = self.cleaned_data
        fields = []
        for item in ITEMS:
            if not data.get(f"{item}_on"):
                continue
            field: dict[str, Any] = {
                "item": item,
                "x": _number(data[f"{item}_x"]),
                "y": _number(data[f"{item}_y"]),
                "width": _number(data[f"{item}_width"]),
                "size": _number(data[f"{item}_size"]),
                "align": data[f"{item}_align"],
            }
            if data.get(f"{item}_bold"):
                field["bold"] = True
            if data.get(f"{item}_italic"):
                field["italic"] = True
            fields.append(field)
        layout: dict[str, Any] = {
            "page": {"width": _number(data["page_width"]), "height": _number(data["page_height"])},
            "fields": fields,
        }
        if data.get("qr_on"):
            layout["qr"] = {
                "x": _number(data["qr_x"]),
                "y": _number(data["qr_y"]),
                "size": _number(data["qr_size"]),
            }
        return layout

    def item_rows(self) -> list[dict[str, Any]]:
        return [
            {
                "label": label,
                "on": self[f"{item}_on"],
                "cells": [self[f"{item}_{key}"] for key in ("x", "y", "width", "size")],
                "bold": self[f"{item}_bold"],
                "italic": self[f"{item}_italic"],
                "align": self[f"{item}_align"],
            }
            for item, label in ITEMS.items()
        ]


def _printed_title(code: str) -> CatalogueEntry:
    entry = CatalogueEntry.objects.filter(code=code).first()
    if entry is None:
        raise Http404("Không có danh hiệu, hình thức này trong danh mục")
    return entry


@login_required
@require_GET
def layouts(request: HttpRequest) -> HttpResponse:
    """The titles handed out on a printed blank, each with its layout's name and version or the default."""
    if not _is_board(request):
        return _forbidden(request, LAYOUTS)
    saved = {f.title: f for f in CertificateForm.objects.all()}
    entries = CatalogueEntry.objects.filter(
        active=True, group__in=PRINTED_GROUPS
    ) | CatalogueEntry.objects.filter(code__in=saved)
    rows = [(e, saved.get(e.code)) for e in entries.distinct().order_by("group", "sort_order", "name")]
    return render(request, "web/dossiers/board_layouts.html", {"rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def layout(request: HttpRequest, code: str) -> HttpResponse:
    """A title's layout as a form. "Lưu" saves it (refused when someone saved it since the page was read);
    "Xem thử" downloads one page printed with invented values at the places as typed, saved or not."""
    if not _is_board(request):
        return _forbidden(request, LAYOUTS)
    entry = _printed_title(code)
    current, version = layout_for(code)
    saved = CertificateForm.objects.filter(title=code).first()
    name = saved.name if saved else f"Phôi {entry.name}"
    form = LayoutForm(request.POST or None, initial=LayoutForm.initial_from(name, current, version))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                if request.POST.get("action") == "xem-thu":
                    pdf = certificate_sample_pdf(title=code, layout=form.layout())
                    return _pdf(pdf, f"xem-thu-{code}.pdf")
                certificate_form_set(
                    actor=request.user,
                    title=code,
                    name=form.cleaned_data["name"],
                    layout=form.layout(),
                    version=form.cleaned_data.get("version"),
                )
            except ValidationFailed as exc:
                _apply(form, exc.problems)
            else:
                messages.success(request, f"Đã lưu bố cục phôi “{entry.name}”.")
                return redirect("web:board_layout", code=code)
        status = REFUSED
    context = {"entry": entry, "form": form, "saved": saved, "title_name": title_name(code)}
    return render(request, "web/dossiers/board_layout.html", context, status=status)


@login_required
@require_GET
def layout_sample(request: HttpRequest, code: str) -> HttpResponse:
    """The saved layout's (or the default's) test page."""
    if not _is_board(request):
        return _forbidden(request, LAYOUTS)
    _printed_title(code)
    return _pdf(certificate_sample_pdf(title=code, layout=layout_for(code)[0]), f"xem-thu-{code}.pdf")


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- the reward fund --------------------------------------------------------------------------------------

FUND_KINDS = [
    (FundEntryKind.ALLOCATION, FundEntryKind.ALLOCATION.label),
    (FundEntryKind.OTHER_OUT, FundEntryKind.OTHER_OUT.label),
]


class FundEntryForm(forms.Form):
    kind = forms.ChoiceField(label="Loại", choices=FUND_KINDS)
    on = forms.DateField(label="Ngày", widget=DATE_INPUT)
    amount = forms.DecimalField(label="Số tiền (đồng)", max_digits=16, decimal_places=0)
    note = forms.CharField(label="Nội dung", max_length=300)


def _fund_unit(request: HttpRequest, viewer: Viewer) -> Unit:
    """The board picks any unit (the province's by default); a unit's staff see their own, and another
    unit's fund is 404 to them."""
    text = request.GET.get("don_vi", "")
    wanted = int(text) if text.isdigit() else None
    if viewer.is_board:
        unit = Unit.objects.filter(pk=wanted).first() if wanted else None
        if unit is None and wanted:
            raise Http404("Không có đơn vị này")
        return unit or Unit.objects.filter(parent__isnull=True).order_by("pk").first() or _no_unit()
    if viewer.unit_id is None or (wanted and wanted != viewer.unit_id):
        raise Http404("Không tìm thấy sổ quỹ")
    return Unit.objects.get(pk=viewer.unit_id)


def _no_unit() -> Unit:
    raise Http404("Chưa có đơn vị nào")


@login_required
@require_http_methods(["GET", "POST"])
def fund(request: HttpRequest) -> HttpResponse:
    """A unit's fund for a year: the balance carried in, each entry with the running balance (a payout by
    decision links to it), the totals, and an entry added (an allocation or another payout)."""
    viewer = viewer_for(request.user)
    unit = _fund_unit(request, viewer)
    year = _year(request, timezone.localdate().year)
    form = FundEntryForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                fund_entry_add(actor=request.user, unit=unit, year=year, **form.cleaned_data)
            except ValidationFailed as exc:
                _apply(form, exc.problems)
            except NotPermitted as exc:
                raise Http404(exc.message) from None
            else:
                messages.success(request, "Đã ghi vào sổ quỹ.")
                return redirect(f"{reverse('web:fund')}?don_vi={unit.pk}&nam={year}")
        status = REFUSED
    statement = fund_statement(unit, year)
    context = {
        "unit": unit,
        "year": year,
        "statement": statement,
        "rows": [(row, row.decision_id) for row in statement.rows],
        "form": form,
        "units": Unit.objects.order_by("name") if viewer.is_board else None,
        "years": range(year - 3, year + 2),
    }
    return render(request, "web/dossiers/board_fund.html", context, status=status)


@login_required
@require_GET
def fund_xlsx(request: HttpRequest) -> HttpResponse:
    viewer = viewer_for(request.user)
    unit = _fund_unit(request, viewer)
    year = _year(request, timezone.localdate().year)
    response = HttpResponse(fund_statement_xlsx(fund_statement(unit, year)), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="so-quy-{unit.code}-{year}.xlsx"'
    return response
