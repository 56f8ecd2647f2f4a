"""HTML forms of the work pages (a report's values, targets, evidence, Excel import).

Numbers are typed the Vietnamese way (`199.121,158`, `54,9`, `54,9%`) and read with
`tdkt.core.vn.parse_number`; every error names the indicator and the field so a person can find it.
The forms only read and check input: the writes are done by `tdkt.movements.services`, called by the views.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat

from tdkt.core.errors import Problem
from tdkt.core.vn import NumberFormatError, format_number, parse_number
from tdkt.movements.models import (
    Indicator,
    IndicatorKind,
    Period,
    ReportValue,
    Target,
    TargetBasis,
)
from tdkt.movements.selectors import BASIS_ORDER
from tdkt.movements.services import EVIDENCE_TYPES, MAX_EVIDENCE_BYTES, ValueInput, validate_value

MAX_DECIMAL_PLACES = 4  # the DecimalFields of targets and values keep 4 places
NUMBER_ATTRS = {"inputmode": "decimal", "autocomplete": "off", "placeholder": "vd. 199.121,158"}


def parse_indicator_number(raw: str, *, indicator: Indicator, label: str) -> Decimal | None:
    """Read one number typed for `indicator`; None when left blank. Raises ValidationError in Vietnamese,
    naming the indicator, when the text is not a number or breaks the indicator's range rule."""
    text = raw.strip()
    if not text:
        return None
    where = f"“{indicator.name}” – {label}"
    try:
        parsed = parse_number(text)
    except NumberFormatError as exc:
        raise forms.ValidationError(f"{where}: {exc}") from exc
    if parsed.is_percent and indicator.kind != IndicatorKind.PERCENTAGE:
        raise forms.ValidationError(
            f"{where}: chỉ tiêu tính bằng “{indicator.measure_unit}”, không nhập dấu % (đã nhập “{text}”)"
        )
    value = parsed.value
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > MAX_DECIMAL_PLACES:
        raise forms.ValidationError(f"{where}: chỉ nhập tối đa {MAX_DECIMAL_PLACES} chữ số sau dấu phẩy")
    problem = validate_value(indicator, value, label=label)
    if problem:
        raise forms.ValidationError(f"{where}: {problem}")
    return value


def _shown(value: Decimal | None) -> str:
    """A stored number as a person would type it back: `260.000`, `54,9`."""
    return "" if value is None else format_number(value)


def version_field() -> forms.IntegerField:
    """The version of the row the page showed (0 when it had none), sent back so that a write over someone
    else's later change is refused (tdkt.core.versions)."""
    return forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=0,
        error_messages={
            "required": "Thiếu phiên bản của số liệu lúc mở trang: hãy tải lại trang rồi nhập lại.",
            "invalid": "Phiên bản của số liệu không hợp lệ: hãy tải lại trang rồi nhập lại.",
            "min_value": "Phiên bản của số liệu không hợp lệ: hãy tải lại trang rồi nhập lại.",
        },
    )


def _same(a: Decimal | None, b: Decimal | None) -> bool:
    return a == b if a is not None and b is not None else a is None and b is None


# --- a report's values -------------------------------------------------------------------------------


class ValueRowForm(forms.Form):
    """One followed indicator of a report: the result, the same period last year, a note."""

    value = forms.CharField(
        label="Kết quả", required=False, max_length=40, widget=forms.TextInput(NUMBER_ATTRS)
    )
    prior_value = forms.CharField(
        label="Cùng kỳ năm trước", required=False, max_length=40, widget=forms.TextInput(NUMBER_ATTRS)
    )
    note = forms.CharField(
        label="Ghi chú", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 1, "cols": 24})
    )
    illustrative = forms.BooleanField(label="Số liệu minh họa", required=False)
    version = version_field()

    def __init__(self, data: Any = None, *, indicator: Indicator, current: ReportValue | None) -> None:
        initial: dict[str, Any] = {"version": 0}
        if current is not None:
            initial = {
                "value": _shown(current.value),
                "prior_value": _shown(current.prior_value),
                "note": current.note,
                "illustrative": current.illustrative,
                "version": current.version,
            }
        super().__init__(data, prefix=f"ct{indicator.pk}", initial=initial)
        self.indicator = indicator
        self.current = current
        for name in self.SHOWN:
            self.fields[name].show_hidden_initial = True

    SHOWN = ("value", "prior_value", "note", "illustrative")

    def shown_unedited(self) -> bool:
        return _shown_unedited(self, self.SHOWN)

    def clean_value(self) -> Decimal | None:
        return parse_indicator_number(self.cleaned_data["value"], indicator=self.indicator, label="kết quả")

    def clean_prior_value(self) -> Decimal | None:
        return parse_indicator_number(
            self.cleaned_data["prior_value"], indicator=self.indicator, label="số cùng kỳ năm trước"
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "value" in self.errors or "prior_value" in self.errors:
            return data
        if data.get("value") is None:
            if self.current is not None:
                self.add_error(
                    "value",
                    f"“{self.indicator.name}” – kết quả: đã có số liệu, không được để trống "
                    "(giữ nguyên số cũ nếu không thay đổi)",
                )
            elif data.get("prior_value") is not None or data.get("note"):
                self.add_error("value", f"“{self.indicator.name}” – kết quả: chưa nhập kết quả")
        return data

    def value_input(self) -> ValueInput | None:
        """What to write for this row; None when left blank or unchanged. Call after `is_valid()`.

        Unchanged means: not edited since the page showed it (the hidden initial values say what it
        showed), or equal to what is stored. So a row someone else changed meanwhile is not written back
        by a person who did not touch it, and one they did edit is sent with the version they saw."""
        data = self.cleaned_data
        value: Decimal | None = data.get("value")
        if value is None:
            return None
        if self.shown_unedited():
            return None
        prior: Decimal | None = data.get("prior_value")
        note: str = data.get("note", "").strip()
        illustrative: bool = data.get("illustrative", False)
        current = self.current
        if (
            current is not None
            and _same(current.value, value)
            and _same(current.prior_value, prior)
            and current.note == note
            and current.illustrative == illustrative
        ):
            return None
        return ValueInput(
            indicator=self.indicator,
            value=value,
            prior_value=prior,
            note=note,
            illustrative=illustrative,
            source=current.source if current is not None else "",
            version=data["version"],
        )


def _shown_unedited(form: forms.Form, names: tuple[str, ...]) -> bool:
    """Every field in `names` posted its hidden initial (what the page showed) and was left as shown."""
    for name in names:
        field = form.fields[name]
        shown_name = form.add_initial_prefix(name)
        if shown_name not in form.data:
            return False  # a client that did not send what it was shown: compare with what is stored
        shown = field.widget.value_from_datadict(form.data, form.files, shown_name)
        try:
            if field.has_changed(field.to_python(shown), form[name].data):
                return False
        except forms.ValidationError:
            return False
    return True


class ReportValuesForm:
    """The values form of a report: one `ValueRowForm` per followed indicator, checked all together."""

    def __init__(self, data: Any, *, indicators: list[Indicator], current: dict[int, ReportValue]) -> None:
        self.rows = [ValueRowForm(data, indicator=ind, current=current.get(ind.pk)) for ind in indicators]
        self.non_row_errors: list[str] = []

    def is_valid(self) -> bool:
        checked = [row.is_valid() for row in self.rows]  # every row, so that every error is shown at once
        return all(checked)

    def changes(self) -> list[ValueInput]:
        return [item for row in self.rows if (item := row.value_input()) is not None]

    def add_problems(self, problems: list[Problem]) -> None:
        """Place a service's problems on their rows (a problem's field is the indicator's code)."""
        by_code = {row.indicator.code: row for row in self.rows}
        for problem in problems:
            row = by_code.get(problem.field or "")
            if row is None:
                self.non_row_errors.append(str(problem))
            else:
                row.add_error(None, f"“{row.indicator.name}”: {problem.message}")

    @property
    def error_count(self) -> int:
        return len(self.non_row_errors) + sum(len(row.errors.as_data()) for row in self.rows if row.is_bound)


# --- targets -------------------------------------------------------------------------------------------


class TargetCellForm(forms.Form):
    """One target of a member: an indicator under one basis, with the document that set it."""

    value = forms.CharField(
        label="Chỉ tiêu", required=False, max_length=40, widget=forms.TextInput(NUMBER_ATTRS)
    )
    reference = forms.CharField(label="Văn bản giao", required=False, max_length=300)
    version = version_field()

    def __init__(
        self, data: Any = None, *, indicator: Indicator, basis: TargetBasis, current: Target | None
    ) -> None:
        initial: dict[str, Any] = (
            {"value": _shown(current.value), "reference": current.reference, "version": current.version}
            if current is not None
            else {"version": 0}
        )
        super().__init__(data, prefix=f"ct{indicator.pk}-{basis.value}", initial=initial)
        self.indicator = indicator
        self.basis = basis
        self.current = current
        for name in ("value", "reference"):
            self.fields[name].show_hidden_initial = True

    def clean_value(self) -> Decimal | None:
        return parse_indicator_number(
            self.cleaned_data["value"], indicator=self.indicator, label=f"chỉ tiêu theo “{self.basis.label}”"
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "value" not in self.errors and data.get("value") is None:
            where = f"“{self.indicator.name}” – chỉ tiêu theo “{self.basis.label}”"
            if self.current is not None:
                self.add_error("value", f"{where}: đã đăng ký, không được để trống")
            elif data.get("reference", "").strip():
                self.add_error("value", f"{where}: chưa nhập số chỉ tiêu")
        return data

    def changed(self) -> tuple[Decimal, str, int] | None:
        """(value, reference, version read) to write; None when blank or unchanged. Call after `is_valid()`."""
        value: Decimal | None = self.cleaned_data.get("value")
        reference: str = self.cleaned_data.get("reference", "").strip()
        if value is None:
            return None
        if _shown_unedited(self, ("value", "reference")):
            return None  # left as the page showed it, even if someone changed it meanwhile
        if self.current is not None and self.current.value == value and self.current.reference == reference:
            return None
        return value, reference, self.cleaned_data["version"]


@dataclass
class TargetRow:
    indicator: Indicator
    cells: list[TargetCellForm]


class TargetsForm:
    """A member's targets: for each followed indicator, one cell per basis (province, council, registered)."""

    def __init__(
        self, data: Any, *, indicators: list[Indicator], current: dict[tuple[int, str], Target]
    ) -> None:
        self.rows = [
            TargetRow(
                ind,
                [
                    TargetCellForm(
                        data, indicator=ind, basis=basis, current=current.get((ind.pk, basis.value))
                    )
                    for basis in BASIS_ORDER
                ],
            )
            for ind in indicators
        ]
        self.non_row_errors: list[str] = []

    @property
    def cells(self) -> list[TargetCellForm]:
        return [cell for row in self.rows for cell in row.cells]

    def is_valid(self) -> bool:
        checked = [cell.is_valid() for cell in self.cells]
        return all(checked)

    def changes(self) -> list[tuple[TargetCellForm, Decimal, str, int]]:
        return [(cell, *change) for cell in self.cells if (change := cell.changed()) is not None]

    @property
    def all_errors(self) -> list[str]:
        """Every message, for a page that shows no inputs to put them next to."""
        found = list(self.non_row_errors)
        for cell in self.cells:
            if cell.is_bound:
                found += [str(m) for errors in cell.errors.values() for m in errors]
        return found

    def add_problems(self, cell: TargetCellForm, problems: list[Problem]) -> None:
        """Place the problems a service raised while writing `cell` next to it."""
        for problem in problems:
            if problem.field in ("value", "basis", "indicator", "version"):
                cell.add_error(None, f"“{cell.indicator.name}” – {cell.basis.label}: {problem.message}")
            else:
                self.non_row_errors.append(str(problem))


# --- transitions, evidence, import --------------------------------------------------------------------


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label="Lý do trả lại",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Phải ghi lý do trả lại báo cáo."},
    )

    def clean_reason(self) -> str:
        reason: str = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError("Phải ghi lý do trả lại báo cáo.")
        return reason


def _check_size(upload: UploadedFile, limit: int, what: str) -> UploadedFile:
    # `size` comes from the upload handler: the file is refused before the view reads it.
    if upload.size is not None and upload.size > limit:
        size, most = filesizeformat(upload.size), filesizeformat(limit)
        raise forms.ValidationError(f"{what} “{upload.name}” nặng {size}, vượt giới hạn {most}.")
    return upload


class EvidenceForm(forms.Form):
    file = forms.FileField(
        label="Tệp minh chứng",
        widget=forms.FileInput(attrs={"accept": ",".join(sorted(EVIDENCE_TYPES))}),
        error_messages={"required": "Chưa chọn tệp minh chứng.", "empty": "Tệp minh chứng rỗng."},
    )
    indicator = forms.TypedChoiceField(label="Cho chỉ tiêu", required=False, coerce=int, empty_value=None)
    description = forms.CharField(label="Mô tả", required=False, max_length=300)

    def __init__(self, data: Any = None, files: Any = None, *, indicators: list[Indicator]) -> None:
        super().__init__(data, files, prefix="mc")
        self.indicators = {ind.pk: ind for ind in indicators}
        field = self.fields["indicator"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", "Cả báo cáo"), *((ind.pk, ind.name) for ind in indicators)]

    def clean_file(self) -> UploadedFile:
        return _check_size(self.cleaned_data["file"], MAX_EVIDENCE_BYTES, "Tệp minh chứng")

    def clean_indicator(self) -> Indicator | None:
        pk = self.cleaned_data.get("indicator")
        return self.indicators.get(pk) if pk is not None else None

    @staticmethod
    def allowed_types() -> str:
        return ", ".join(sorted(EVIDENCE_TYPES))


class ResultsImportForm(forms.Form):
    period = forms.ChoiceField(label="Kỳ báo cáo", choices=Period.choices, initial=Period.YEAR_END)
    file = forms.FileField(
        label="Tệp Excel kết quả (.xlsx)",
        widget=forms.FileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
        error_messages={"required": "Chưa chọn tệp Excel.", "empty": "Tệp Excel rỗng."},
    )

    def __init__(self, data: Any = None, files: Any = None, *, max_bytes: int, **kwargs: Any) -> None:
        super().__init__(data, files, **kwargs)
        self.max_bytes = max_bytes

    def clean_file(self) -> UploadedFile:
        return _check_size(self.cleaned_data["file"], self.max_bytes, "Tệp Excel")
