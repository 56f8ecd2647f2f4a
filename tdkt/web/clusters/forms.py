"""HTML forms of the clusters' set-up pages: a cluster, a year with its members, the members, the head and
deputy, the indicator catalogue and a cluster-year's indicators. Forms only read what was typed (unit and
indicator codes one per line, naming the line of an unknown code); `tdkt.clusters.services` and
`tdkt.movements.services` decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q

from tdkt.clusters.models import Cluster, ClusterKind, ClusterRoleKind, RoleBasis, RotationPolicy
from tdkt.movements.models import Direction, Indicator, IndicatorKind
from tdkt.org.models import Unit

DATE_ATTRS = {"type": "date"}
MAX_LINES = 2000


def _codes(text: str) -> list[tuple[int, str]]:
    """(line number, code) for every non-empty line; a code is the line's first word, so a pasted
    “T-PS Huyện Phước Sơn” reads as T-PS."""
    return [(i, line.split()[0]) for i, line in enumerate(text.splitlines(), start=1) if line.strip()]


class ClusterForm(forms.Form):
    code = forms.CharField(label="Mã cụm, khối", max_length=40)
    name = forms.CharField(label="Tên cụm, khối", max_length=200)
    kind = forms.ChoiceField(label="Loại", choices=ClusterKind.choices)
    organiser = forms.ModelChoiceField(label="Cơ quan tổ chức", queryset=Unit.objects.none())
    rotation_policy = forms.ChoiceField(label="Trưởng cụm, Phó Trưởng cụm", choices=RotationPolicy.choices)
    description = forms.CharField(
        label="Mô tả", widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000
    )

    def __init__(self, *args: Any, cluster: Cluster | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organiser = self.fields["organiser"]
        assert isinstance(organiser, forms.ModelChoiceField)
        # units in operation, and the organiser a cluster of the past already has
        current = Q(pk=cluster.organiser_id) if cluster is not None else Q(pk__in=[])
        organiser.queryset = Unit.objects.filter(Q(valid_to__isnull=True) | current).order_by("name")
        if cluster is not None:
            del self.fields["code"]

    @staticmethod
    def initial_of(cluster: Cluster) -> dict[str, Any]:
        return {
            "name": cluster.name,
            "kind": cluster.kind,
            "organiser": cluster.organiser_id,
            "rotation_policy": cluster.rotation_policy,
            "description": cluster.description,
        }


class UnitCodesField(forms.CharField):
    """Units by code, one per line, in order."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}))
        kwargs.setdefault("help_text", "Mỗi dòng một mã đơn vị, theo thứ tự; chữ sau mã (tên) được bỏ qua.")
        super().__init__(**kwargs)

    def clean(self, value: Any) -> list[Unit]:
        text = super().clean(value)
        lines = _codes(text)
        if len(lines) > MAX_LINES:
            raise forms.ValidationError(f"Quá {MAX_LINES} dòng.")
        by_code: dict[str, list[Unit]] = {}
        for unit in Unit.objects.filter(code__in=[c for _, c in lines]):
            by_code.setdefault(unit.code, []).append(unit)
        errors = [f"Dòng {i}: không có đơn vị mã “{code}”." for i, code in lines if code not in by_code]
        if errors:
            raise forms.ValidationError(errors)
        return [by_code[code][0] for _, code in lines]


class ClusterYearForm(forms.Form):
    year = forms.IntegerField(label="Năm thi đua", min_value=2000, max_value=2100)
    members = UnitCodesField(label="Thành viên")
    note = forms.CharField(label="Ghi chú", widget=forms.Textarea(attrs={"rows": 2}), required=False)


class MembersForm(forms.Form):
    members = UnitCodesField(label="Thành viên")


class RoleForm(forms.Form):
    role = forms.ChoiceField(label="Vai trò", choices=ClusterRoleKind.choices)
    unit = forms.ModelChoiceField(label="Đơn vị", queryset=Unit.objects.none())
    basis = forms.ChoiceField(label="Căn cứ", choices=RoleBasis.choices)
    decided_on = forms.DateField(
        label="Ngày quyết định, ngày hội nghị", widget=forms.DateInput(attrs=DATE_ATTRS, format="%Y-%m-%d")
    )
    reference = forms.CharField(label="Văn bản, hội nghị", max_length=300)

    def __init__(self, *args: Any, cluster_year_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit = self.fields["unit"]
        assert isinstance(unit, forms.ModelChoiceField)
        unit.queryset = Unit.objects.filter(cluster_memberships__cluster_year_id=cluster_year_id).order_by(
            "cluster_memberships__position", "name"
        )


class IndicatorForm(forms.Form):
    code = forms.CharField(label="Mã chỉ tiêu", max_length=40)
    name = forms.CharField(label="Tên chỉ tiêu", max_length=300)
    measure_unit = forms.CharField(label="Đơn vị tính", max_length=40)
    kind = forms.ChoiceField(label="Loại", choices=IndicatorKind.choices)
    direction = forms.ChoiceField(label="Chiều đánh giá", choices=Direction.choices)
    description = forms.CharField(
        label="Mô tả", widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000
    )


class ClusterIndicatorsForm(forms.Form):
    indicators = forms.CharField(
        label="Bộ chỉ tiêu",
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
        help_text="Mỗi dòng một mã chỉ tiêu trong danh mục, theo thứ tự báo cáo.",
    )

    def clean_indicators(self) -> list[Indicator]:
        lines = _codes(self.cleaned_data["indicators"])
        by_code = Indicator.objects.in_bulk([c for _, c in lines], field_name="code")
        errors = [
            f"Dòng {i}: không có chỉ tiêu mã “{code}” trong danh mục."
            for i, code in lines
            if code not in by_code
        ]
        if errors:
            raise forms.ValidationError(errors)
        return [by_code[code] for _, code in lines]
