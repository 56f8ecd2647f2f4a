"""Forms of the titles-and-commendations pages: Vietnamese labels and messages; the services validate again."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone

from tdkt.awards import rulepacks
from tdkt.awards.xlsx_rules import SHAPES
from tdkt.org.models import Gender, Unit, UnitKind

MIN_YEAR = 1975


def _year_field(label: str, required: bool = True) -> forms.IntegerField:
    last = timezone.localdate().year + 1
    return forms.IntegerField(
        label=label,
        required=required,
        min_value=MIN_YEAR,
        max_value=last,
        error_messages={
            "required": f"Vui lòng nhập {label.lower()}.",
            "invalid": f"{label} phải là một năm, ví dụ 2025.",
            "min_value": f"{label} phải từ {MIN_YEAR} trở đi.",
            "max_value": f"{label} không được sau năm {last}.",
        },
    )


class AwardsImportForm(forms.Form):
    kind = forms.ChoiceField(
        label="Loại dữ liệu",
        choices=[(shape.key, shape.label[:1].upper() + shape.label[1:]) for shape in SHAPES.values()],
        error_messages={"required": "Chọn loại dữ liệu.", "invalid_choice": "Loại dữ liệu không hợp lệ."},
    )
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
            mb = self.max_bytes // (1024 * 1024)
            raise forms.ValidationError(f"Tệp Excel nặng quá {mb} MB.")
        return upload


class PersonForm(forms.Form):
    full_name = forms.CharField(
        label="Họ và tên", max_length=200, error_messages={"required": "Vui lòng nhập họ và tên."}
    )
    gender = forms.ChoiceField(
        label="Giới tính", choices=Gender.choices, error_messages={"required": "Chọn giới tính."}
    )
    code = forms.CharField(label="Mã cán bộ (không bắt buộc)", max_length=40, required=False)
    date_of_birth = forms.DateField(
        label="Ngày sinh (không bắt buộc)",
        required=False,
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        error_messages={"invalid": "Ngày sinh ghi dạng dd/mm/yyyy."},
    )
    recruited_on = forms.DateField(
        label="Ngày tuyển dụng",
        required=False,
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        error_messages={"invalid": "Ngày tuyển dụng ghi dạng dd/mm/yyyy."},
    )
    position = forms.CharField(label="Chức vụ", max_length=200, required=False)
    start = forms.DateField(
        label="Công tác tại đơn vị từ ngày",
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        error_messages={
            "required": "Vui lòng nhập ngày bắt đầu công tác.",
            "invalid": "Ghi ngày dạng dd/mm/yyyy.",
        },
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        today = timezone.localdate()
        for name in ("date_of_birth", "recruited_on", "start"):
            value = data.get(name)
            if isinstance(value, dt.date) and value > today:
                self.add_error(name, "Ngày này chưa tới.")
        return data


def _param_choices() -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for pack in rulepacks.packs():
        for rule in pack.rules:
            for param in rule.params:
                key = f"{rule.id}.{param.name}"
                seen.setdefault(key, f"{rule.id} · {param.label or param.name}")
    return sorted(seen.items())


def param_type(rule_id: str, param: str) -> str | None:
    for pack in rulepacks.packs():
        if pack.has_rule(rule_id):
            for p in pack.rule(rule_id).params:
                if p.name == param:
                    return p.type
    return None


def parse_param_value(kind: str, text: str) -> Any:
    """What the board typed, as the rule pack's JSON value: numbers for int parameters, true/false for
    bool ones, a rating's code in capitals, else the text as typed ("15/100", "0.7", "70%")."""
    text = text.strip()
    if kind in ("int", "optional_int"):
        if kind == "optional_int" and text.lower() in ("", "null", "không"):
            return None
        try:
            return int(text)
        except ValueError as exc:
            raise forms.ValidationError("Giá trị phải là một số nguyên.") from exc
    if kind == "bool":
        folded = text.lower()
        if folded in ("true", "có", "co", "bật", "1"):
            return True
        if folded in ("false", "không", "khong", "tắt", "0"):
            return False
        raise forms.ValidationError("Giá trị phải là “có” hoặc “không”.")
    if kind == "rating":
        return text.upper()
    return text


class OverrideForm(forms.Form):
    ACTIONS = [("set", "Đặt giá trị"), ("reset", "Trở về giá trị của bộ quy tắc")]

    target = forms.ChoiceField(
        label="Quy tắc và tham số", choices=(), error_messages={"required": "Chọn tham số."}
    )
    value = forms.CharField(label="Giá trị mới", max_length=100, required=False)
    cycle_from = _year_field("Áp dụng từ năm")
    cycle_to = _year_field("Đến năm (để trống: không thời hạn)", required=False)
    reason = forms.CharField(
        label="Lý do (căn cứ văn bản của tỉnh)",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Điều chỉnh tham số phải ghi lý do."},
    )
    action = forms.ChoiceField(label="Thao tác", choices=ACTIONS, initial="set", widget=forms.RadioSelect)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        target = self.fields["target"]
        assert isinstance(target, forms.ChoiceField)
        target.choices = [("", "— chọn —"), *_param_choices()]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        target = data.get("target") or ""
        rule_id, _, param = target.partition(".")
        data["rule_id"], data["param"] = rule_id, param
        kind = param_type(rule_id, param)
        if data.get("action") == "set" and kind is not None:
            if not (data.get("value") or "").strip() and kind != "optional_int":
                self.add_error("value", "Vui lòng nhập giá trị mới.")
            else:
                try:
                    data["parsed"] = parse_param_value(kind, data.get("value") or "")
                except forms.ValidationError as exc:
                    self.add_error("value", exc)
        cycle_from, cycle_to = data.get("cycle_from"), data.get("cycle_to")
        if cycle_from and cycle_to and cycle_to < cycle_from:
            self.add_error("cycle_to", "Năm kết thúc trước năm bắt đầu áp dụng.")
        return data


def _scopes() -> list[tuple[int, str]]:
    top = Unit.objects.filter(kind__in=[UnitKind.PROVINCE, UnitKind.CENTRAL_CITY]).order_by("name")
    return [(u.pk, u.name) for u in top]


class EvaluationForm(forms.Form):
    scope = forms.TypedChoiceField(
        label="Tỉnh, thành phố", coerce=int, choices=(), error_messages={"required": "Chọn tỉnh, thành phố."}
    )
    cycle = _year_field("Năm xét")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scope = self.fields["scope"]
        assert isinstance(scope, forms.ChoiceField)
        scope.choices = [("", "— chọn —"), *_scopes()]
