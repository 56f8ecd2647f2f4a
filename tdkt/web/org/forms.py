"""Forms of the board's unit and lineage pages. They only parse (a unit is named by its code); the
services in `tdkt.org.services` decide, and their problems are put back on the field they name."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile

from tdkt.core.errors import Problem
from tdkt.org.models import CycleKind, LineageKind, Unit, UnitKind

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]


class ServiceForm(forms.Form):
    """A form whose fields are named as the service's problems name them."""

    def apply(self, problems: list[Problem]) -> None:
        for problem in problems:
            message = problem.message[:1].upper() + problem.message[1:]
            self.add_error(problem.field if problem.field in self.fields else None, message)


def _date(label: str, *, required: bool = False) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(
            format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}
        ),
        error_messages={
            "required": f"Vui lòng nhập {label.lower()}.",
            "invalid": f"{label} ghi dạng dd/mm/yyyy, ví dụ 01/07/2025.",
        },
    )


def _unit_by_code(code: str, label: str) -> Unit:
    unit = Unit.objects.filter(code__iexact=code.strip()).first()
    if unit is None:
        raise forms.ValidationError(f"{label}: không có đơn vị mã “{code.strip()}”.")
    return unit


class UnitForm(ServiceForm):
    code = forms.CharField(label="Mã", max_length=40, error_messages={"required": "Vui lòng nhập mã đơn vị."})
    name = forms.CharField(
        label="Tên", max_length=200, error_messages={"required": "Vui lòng nhập tên đơn vị."}
    )
    kind = forms.ChoiceField(
        label="Loại", choices=UnitKind.choices, error_messages={"invalid_choice": "Loại đơn vị không hợp lệ."}
    )
    parent = forms.CharField(
        label="Mã đơn vị cấp trên (để trống nếu là cấp tỉnh)", max_length=40, required=False
    )
    valid_from = _date("Hiệu lực từ ngày")
    armed_forces = forms.BooleanField(
        label="Thuộc lực lượng vũ trang (xét Chiến sĩ tiên tiến thay cho Lao động tiên tiến)", required=False
    )
    cycle_kind = forms.ChoiceField(label="Kỳ xét thi đua", choices=CycleKind.choices)
    reason = forms.CharField(
        label="Lý do thay đổi kỳ xét thi đua hoặc lực lượng vũ trang (khi sửa)",
        max_length=300,
        required=False,
    )
    note = forms.CharField(label="Ghi chú", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not editing:
            del self.fields["reason"]

    def clean_parent(self) -> Unit | None:
        code = self.cleaned_data.get("parent", "")
        return _unit_by_code(code, "Cấp trên") if code.strip() else None


class UnitCloseForm(ServiceForm):
    valid_to = _date("Hết hiệu lực sau ngày", required=True)
    reason = forms.CharField(label="Lý do, căn cứ", max_length=300, required=False)


class UnitsImportForm(forms.Form):
    file = forms.FileField(
        label="Tệp Excel (.xlsx)",
        widget=forms.FileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
        error_messages={"required": "Chưa chọn tệp Excel.", "empty": "Tệp Excel rỗng."},
    )

    def __init__(self, *args: Any, max_bytes: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_bytes = max_bytes

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        if upload.size is not None and upload.size > self.max_bytes:
            raise forms.ValidationError(f"Tệp Excel nặng quá {self.max_bytes // (1024 * 1024)} MB.")
        return upload


class LineageForm(ServiceForm):
    kind = forms.ChoiceField(
        label="Loại biến động",
        choices=LineageKind.choices,
        error_messages={"invalid_choice": "Loại biến động không hợp lệ."},
    )
    effective_date = _date("Ngày hiệu lực (ngày đầu tiên của đơn vị mới)", required=True)
    predecessors = forms.CharField(
        label="Mã các đơn vị cũ (cách nhau bằng dấu phẩy)",
        max_length=2000,
        error_messages={"required": "Vui lòng nhập mã đơn vị cũ."},
    )
    successors = forms.CharField(
        label="Mã các đơn vị mới (cách nhau bằng dấu phẩy)",
        max_length=2000,
        error_messages={"required": "Vui lòng nhập mã đơn vị mới."},
    )
    legal_basis = forms.CharField(label="Căn cứ (nghị quyết, quyết định)", max_length=300, required=False)
    note = forms.CharField(label="Ghi chú", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def _units(self, name: str, label: str) -> list[Unit]:
        codes = [c.strip() for c in self.cleaned_data.get(name, "").replace(";", ",").split(",") if c.strip()]
        units: list[Unit] = []
        missing: list[str] = []
        for code in codes:
            unit = Unit.objects.filter(code__iexact=code).first()
            if unit is None:
                missing.append(code)
            elif unit.pk not in {u.pk for u in units}:
                units.append(unit)
        if missing:
            raise forms.ValidationError(
                f"{label}: không có đơn vị mã {', '.join(f'“{c}”' for c in missing)}."
            )
        return units

    def clean_predecessors(self) -> list[Unit]:
        return self._units("predecessors", "Đơn vị cũ")

    def clean_successors(self) -> list[Unit]:
        return self._units("successors", "Đơn vị mới")
