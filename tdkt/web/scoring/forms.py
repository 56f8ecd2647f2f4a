"""HTML forms of the scoring pages: score entry (self, cross, appraisal), answers to discrepancy flags,
a criteria draft (started empty or from a version, its declared total, a criterion with its method's
typed fields, a workbook to import), adoption, and the cross-scoring proposal.

Points are typed the Vietnamese way (`8,5`) and read with `tdkt.core.vn.parse_number`; every error names
the criterion so a person can find it. The forms only read and check input: the writes are done by
`tdkt.scoring.services`, called by the views, which also hold the authoritative checks.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet

from tdkt.core.vn import NumberFormatError, format_number, parse_number
from tdkt.scoring.criteria_fields import (
    FIELD_LABELS,
    KIND_LABELS,
    METHOD_FIELDS,
    METHOD_LABELS,
    ON_LABELS,
    CriterionInput,
)
from tdkt.scoring.jsonio import read_number
from tdkt.scoring.models import CriteriaSet, Criterion, DiscrepancyAnswer, Score

MAX_POINT_PLACES = 4  # Score.points keeps 4 decimal places
POINTS_ATTRS = {
    "inputmode": "decimal",
    "autocomplete": "off",
    "placeholder": "vd. 8,5",
    "class": "points-input",
}


def parse_points(raw: str, *, criterion: Criterion) -> Decimal | None:
    """Read points typed for `criterion`; None when left blank. Raises ValidationError in Vietnamese,
    naming the criterion, when the text is not a number or lies outside [0; max]."""
    text = raw.strip()
    if not text:
        return None
    where = f"Tiêu chí {criterion.code}"
    try:
        parsed = parse_number(text)
    except NumberFormatError as exc:
        raise forms.ValidationError(f"{where}: {exc}") from exc
    if parsed.is_percent:
        raise forms.ValidationError(f"{where}: điểm không có dấu % (đã nhập “{text}”)")
    value = parsed.value
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > MAX_POINT_PLACES:
        raise forms.ValidationError(f"{where}: chỉ nhập tối đa {MAX_POINT_PLACES} chữ số sau dấu phẩy")
    if value < 0 or value > criterion.max_points:
        raise forms.ValidationError(
            f"{where}: {format_number(value)} điểm nằm ngoài khoảng từ 0 đến "
            f"{format_number(criterion.max_points)} điểm"
        )
    return value


# --- scores ---------------------------------------------------------------------------------------------


class ScoreRowForm(forms.Form):
    """One criterion of a score form: the points and, for self and appraisal scores, an explanation."""

    points = forms.CharField(
        label="Điểm", required=False, max_length=20, widget=forms.TextInput(attrs=POINTS_ATTRS)
    )
    explanation = forms.CharField(
        label="Giải trình",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "Giải trình, minh chứng (không bắt buộc)"}),
    )
    # the score's version when the form was shown (0: not entered yet); a save over a newer one is refused
    version = forms.IntegerField(
        required=False,
        min_value=0,
        widget=forms.HiddenInput,
        error_messages={"invalid": "Phiên bản của điểm không hợp lệ: tải lại trang."},
    )

    def __init__(
        self,
        data: Any = None,
        *,
        prefix: str,
        criterion: Criterion,
        current: Score | None,
        method: str = "",
        with_explanation: bool = True,
        context: Any = None,
        reason_required: bool = False,
    ) -> None:
        initial: dict[str, Any] = {"version": 0}
        if current is not None:
            initial = {
                "points": format_number(current.points),
                "explanation": current.explanation,
                "version": current.version,
            }
        super().__init__(data, prefix=prefix, initial=initial)
        if not with_explanation:
            del self.fields["explanation"]
        elif reason_required:
            field = self.fields["explanation"]
            field.label = "Lý do thẩm định (bắt buộc)"
            field.widget.attrs["placeholder"] = "Vì sao điểm thẩm định khác: minh chứng, biên bản kiểm tra"
        self.reason_required = reason_required
        self.criterion = criterion
        self.current = current
        self.method = method
        self.with_explanation = with_explanation
        self.context = context  # what the appraiser sees beside the field (self, cross, computed)

    def clean_points(self) -> Decimal | None:
        return parse_points(self.cleaned_data["points"], criterion=self.criterion)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "points" in self.errors:
            return data
        if data.get("points") is None:
            if self.current is not None:
                self.add_error(
                    "points",
                    f"Tiêu chí {self.criterion.code}: đã có điểm, không được để trống (giữ nguyên nếu không đổi)",
                )
            elif (data.get("explanation") or "").strip():
                self.add_error("points", f"Tiêu chí {self.criterion.code}: chưa nhập điểm")
        elif self.reason_required and not (data.get("explanation") or "").strip():
            self.add_error("explanation", f"Tiêu chí {self.criterion.code}: phải ghi lý do thẩm định")
        return data

    def read_version(self) -> int | None:
        """The version the form was shown at (None when the posted form carried none)."""
        value = self.cleaned_data.get("version")
        return value if isinstance(value, int) else None

    def change(self) -> tuple[Decimal, str] | None:
        """(points, explanation) to write; None when blank or unchanged. Call after `is_valid()`."""
        points: Decimal | None = self.cleaned_data.get("points")
        if points is None:
            return None
        current = self.current
        if self.with_explanation:
            explanation = (self.cleaned_data.get("explanation") or "").strip()
        else:  # a form without the field keeps what is stored
            explanation = current.explanation if current is not None else ""
        if current is not None and current.points == points and current.explanation == explanation:
            return None
        return points, explanation


class ScoreBlockForm:
    """The scores of one unit in one layer (one scorer, for cross scores): a row per criterion, saved
    all or nothing."""

    def __init__(
        self,
        data: Any,
        *,
        block: str,
        criteria: list[Criterion],
        current: dict[str, Score],
        methods: dict[str, str],
        with_explanation: bool = True,
        context: dict[str, Any] | None = None,
        reason_required: bool = False,
    ) -> None:
        self.block = block
        self.rows = [
            ScoreRowForm(
                data,
                prefix=f"{block}-{c.pk}",
                criterion=c,
                current=current.get(c.code),
                method=methods.get(c.code, ""),
                with_explanation=with_explanation,
                context=(context or {}).get(c.code),
                reason_required=reason_required,
            )
            for c in criteria
        ]
        self.non_row_errors: list[str] = []

    def is_valid(self) -> bool:
        results = [row.is_valid() for row in self.rows]  # every row, so every error is shown
        return all(results)

    def changes(self) -> list[tuple[Criterion, Decimal, str, int | None]]:
        """(criterion, points, explanation, version read) of every changed row."""
        out = []
        for row in self.rows:
            change = row.change()
            if change is not None:
                out.append((row.criterion, change[0], change[1], row.read_version()))
        return out

    def add_problem(self, code: str, message: str) -> None:
        for row in self.rows:
            if row.criterion.code == code:
                row.add_error("points", message)
                return
        self.non_row_errors.append(message)

    @property
    def error_count(self) -> int:
        return len(self.non_row_errors) + sum(len(row.errors.as_data()) for row in self.rows if row.is_bound)


class AnswerRowForm(forms.Form):
    answer = forms.CharField(
        label="Giải trình", required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(
        self,
        data: Any = None,
        *,
        prefix: str,
        criterion: Criterion,
        current: DiscrepancyAnswer | None,
        flag: Any,
    ) -> None:
        super().__init__(data, prefix=prefix, initial={"answer": current.answer if current else ""})
        self.criterion = criterion
        self.current = current
        self.flag = flag  # the criterion's line of the preview: self score, final points, explanation

    def clean_answer(self) -> str:
        text: str = (self.cleaned_data.get("answer") or "").strip()
        if not text and self.current is not None:
            raise forms.ValidationError(
                f"Tiêu chí {self.criterion.code}: đã giải trình, không được để trống (giữ nguyên nếu không đổi)"
            )
        return text

    def change(self) -> str | None:
        text: str = self.cleaned_data.get("answer", "")
        if not text or (self.current is not None and self.current.answer == text):
            return None
        return text


class AnswersForm:
    def __init__(
        self, data: Any, *, flags: list[tuple[Criterion, Any]], current: dict[str, DiscrepancyAnswer]
    ):
        self.rows = [
            AnswerRowForm(data, prefix=f"gt-{c.pk}", criterion=c, current=current.get(c.code), flag=flag)
            for c, flag in flags
        ]
        self.non_row_errors: list[str] = []

    def is_valid(self) -> bool:
        results = [row.is_valid() for row in self.rows]
        return all(results)

    def changes(self) -> list[tuple[Criterion, str]]:
        return [(row.criterion, text) for row in self.rows if (text := row.change()) is not None]

    def add_problem(self, code: str, message: str) -> None:
        for row in self.rows:
            if row.criterion.code == code:
                row.add_error("answer", message)
                return
        self.non_row_errors.append(message)


# --- criteria sets --------------------------------------------------------------------------------------


class VersionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"Phiên bản {obj.version} ({obj.get_status_display().lower()})"


class DraftStartForm(forms.Form):
    """A new draft: empty (with its declared total), or a copy of a version to amend (with a reason)."""

    amends = VersionChoiceField(
        label="Bắt đầu từ",
        queryset=CriteriaSet.objects.none(),
        required=False,
        empty_label="Bộ tiêu chí mới, chưa có tiêu chí nào",
        error_messages={"invalid_choice": "Phiên bản được sửa đổi không thuộc cụm – năm này."},
    )
    declared_total = forms.CharField(
        label="Tổng điểm tối đa khai báo",
        initial="100",
        required=False,
        help_text="Tổng điểm các nhóm và tiêu chí, không tính điểm thưởng, điểm trừ. "
        "Bản sửa đổi giữ tổng điểm của phiên bản được sửa đổi.",
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    reason = forms.CharField(
        label="Lý do sửa đổi",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Bắt buộc khi sửa đổi một phiên bản, ví dụ: “Sửa đổi tại hội nghị sơ kết 6 tháng”.",
    )

    def __init__(self, data: Any = None, *, versions: QuerySet[CriteriaSet]) -> None:
        super().__init__(data, prefix="tc")
        amends = self.fields["amends"]
        assert isinstance(amends, VersionChoiceField)
        amends.queryset = versions

    def clean_declared_total(self) -> Decimal:
        return read_total(self.cleaned_data.get("declared_total") or "100")


def read_total(text: str) -> Decimal:
    """A declared total typed the Vietnamese way, or a form error in Vietnamese."""
    try:
        value = read_number(text.strip())
    except NumberFormatError as exc:
        raise forms.ValidationError(f"Tổng điểm khai báo “{text}” không phải số ({exc}).") from exc
    if value <= 0:
        raise forms.ValidationError("Tổng điểm khai báo phải lớn hơn 0.")
    return value


class TotalForm(forms.Form):
    declared_total = forms.CharField(
        label="Tổng điểm tối đa khai báo",
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        error_messages={"required": "Chưa nhập tổng điểm khai báo."},
    )

    def clean_declared_total(self) -> Decimal:
        return read_total(self.cleaned_data["declared_total"])


class CriteriaImportForm(forms.Form):
    file = forms.FileField(
        label="Tệp Excel bộ tiêu chí (.xlsx)",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
        error_messages={"required": "Chưa chọn tệp Excel."},
    )


def _text(attrs: dict[str, str] | None = None) -> forms.CharField:
    return forms.CharField(required=False, strip=False, widget=forms.TextInput(attrs=attrs or {}))


NUMBER = {"inputmode": "decimal", "autocomplete": "off"}
FIELD_HELP = {
    "code": "Ví dụ I, I.1, II.3. Mỗi mã chỉ dùng một lần trong bộ tiêu chí.",
    "max_points": "Số thập phân ghi dấu phẩy, ví dụ 7,5. Điểm của nhóm bằng tổng điểm các tiêu chí trong nhóm.",
    "cap": "Đạt từ tỷ lệ này trở lên được trọn điểm. Để trống là 100%.",
    "floor": "Đạt dưới tỷ lệ này không có điểm. Để trống là không đặt ngưỡng.",
    "on": "So ngưỡng với tỷ lệ % so với chỉ tiêu được giao, hoặc với giá trị đạt được.",
    "last_share": "Đứng đầu được trọn điểm; đứng cuối được tỷ lệ này của điểm tối đa. Để trống là 0%.",
    "points_each": "Ví dụ 1 điểm cho mỗi mô hình; tổng không quá điểm tối đa.",
    "expression": "Phép tính + − * /, ngoặc, min(…), max(…), round(…); dùng các tên trong bảng bên dưới.",
}


class CriterionForm(forms.Form):
    """One group or criterion with its method's fields. The form only carries text: every check is
    `criteria_fields.check_criterion`'s (through the services), shown next to its field."""

    code = _text({"autocomplete": "off", "placeholder": "vd. I.1"})
    name = _text({"autocomplete": "off"})
    kind = forms.ChoiceField(choices=list(KIND_LABELS.items()), required=False)
    parent = forms.ChoiceField(choices=[], required=False)
    max_points = _text({**NUMBER, "placeholder": "vd. 10"})
    method = forms.ChoiceField(
        choices=[("", "— Chọn phương pháp chấm —"), *METHOD_LABELS.items()], required=False
    )
    indicator = forms.ChoiceField(choices=[], required=False)
    cap = _text({**NUMBER, "placeholder": "100"})
    floor = _text({**NUMBER, "placeholder": "0"})
    on = forms.ChoiceField(choices=list(ON_LABELS.items()), required=False)
    last_share = _text({**NUMBER, "placeholder": "0"})
    points_each = _text(NUMBER)
    expression = forms.CharField(
        required=False, strip=False, widget=forms.Textarea(attrs={"rows": 2, "spellcheck": "false"})
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(
        self,
        data: Any = None,
        *,
        groups: list[tuple[str, str]],
        indicators: dict[str, str],
        initial: CriterionInput | None = None,
        version: int | None = None,
    ) -> None:
        start = initial or CriterionInput()
        values: dict[str, Any] = {
            name: getattr(start, name) for name in FIELD_LABELS if name not in ("bands",)
        }
        values["version"] = version
        band_rows = list(start.bands)
        if data is not None:
            band_rows = [
                (str(data.get(f"band_threshold_{i}", "")), str(data.get(f"band_points_{i}", "")))
                for i in range(_band_count(data))
            ]
        super().__init__(data, initial=values)
        for name, label in FIELD_LABELS.items():
            if name in self.fields:
                self.fields[name].label = label
                self.fields[name].help_text = FIELD_HELP.get(name, "")
        self.fields["parent"].choices = [("", "— Cấp cao nhất (không thuộc nhóm nào) —"), *groups]  # type: ignore[attr-defined]
        self.fields["indicator"].choices = [("", "— Chọn chỉ tiêu —"), *indicators.items()]  # type: ignore[attr-defined]
        self.band_count = max(len(band_rows) + 1, 4)
        for i in range(self.band_count):
            threshold, points = band_rows[i] if i < len(band_rows) else ("", "")
            self.fields[f"band_threshold_{i}"] = forms.CharField(
                label=f"Ngưỡng mức {i + 1}",
                required=False,
                initial=threshold,
                widget=forms.TextInput(attrs=NUMBER),
            )
            self.fields[f"band_points_{i}"] = forms.CharField(
                label=f"Điểm mức {i + 1}",
                required=False,
                initial=points,
                widget=forms.TextInput(attrs=NUMBER),
            )

    def value(self, name: str) -> str:
        """A field's text as typed (posted), else as first shown."""
        if self.is_bound:
            return str(self.data.get(name, "") or "")
        initial = self.initial.get(name, self.fields[name].initial if name in self.fields else "")
        return "" if initial is None else str(initial)

    def band_rows(self) -> list[tuple[Any, Any]]:
        return [(self[f"band_threshold_{i}"], self[f"band_points_{i}"]) for i in range(self.band_count)]

    def to_input(self) -> CriterionInput:
        return CriterionInput(
            code=self.value("code"),
            name=self.value("name"),
            kind=self.value("kind") or "score",
            parent=self.value("parent"),
            max_points=self.value("max_points"),
            method=self.value("method"),
            indicator=self.value("indicator"),
            cap=self.value("cap"),
            floor=self.value("floor"),
            on=self.value("on"),
            bands=tuple(
                (self.value(f"band_threshold_{i}"), self.value(f"band_points_{i}"))
                for i in range(self.band_count)
            ),
            last_share=self.value("last_share"),
            points_each=self.value("points_each"),
            expression=self.value("expression"),
        )

    def read_version(self) -> int | None:
        raw = self.value("version").strip()
        return int(raw) if raw.isdigit() else None

    def is_group(self) -> bool:
        return self.value("kind") == "group"

    def shown_method_fields(self) -> list[Any]:
        """The chosen method's fields but the bands, as bound fields, in order."""
        return [self[name] for name in self.method_fields() if name != "bands"]

    def shows_bands(self) -> bool:
        return "bands" in self.method_fields()

    def method_fields(self) -> tuple[str, ...]:
        """The fields of the method chosen (none for a group)."""
        if self.value("kind") == "group":
            return ()
        return METHOD_FIELDS.get(self.value("method"), ())


def _band_count(data: Any) -> int:
    count = 0
    while f"band_threshold_{count}" in data or f"band_points_{count}" in data:
        count += 1
        if count >= 50:
            break
    return count


class AdoptForm(forms.Form):
    adopted_on = forms.DateField(
        label="Ngày thông qua",
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": "Chưa nhập ngày thông qua.",
            "invalid": "Ngày thông qua không hợp lệ (viết dd/mm/yyyy).",
        },
    )

    def __init__(self, data: Any = None, *, prefix: str) -> None:
        super().__init__(data, prefix=prefix, initial={"adopted_on": dt.date.today()})


# --- cross-scoring assignment ----------------------------------------------------------------------------


class ProposeForm(forms.Form):
    per_unit = forms.IntegerField(
        label="Số đơn vị chấm chéo mỗi đơn vị",
        min_value=1,
        max_value=50,
        initial=2,
        error_messages={
            "required": "Chưa nhập số đơn vị chấm chéo mỗi đơn vị.",
            "invalid": "Số đơn vị chấm chéo phải là số nguyên.",
            "min_value": "Mỗi đơn vị phải được ít nhất 1 đơn vị chấm chéo.",
            "max_value": "Số đơn vị chấm chéo quá lớn.",
        },
    )
    no_reciprocal = forms.BooleanField(
        label="Không để hai đơn vị chấm qua lại lẫn nhau", required=False, initial=True
    )
    seed = forms.IntegerField(
        label="Số khởi tạo (để lập lại đúng phương án)",
        required=False,
        min_value=0,
        max_value=2**31,
        initial=0,
        error_messages={
            "invalid": "Số khởi tạo phải là số nguyên không âm.",
            "min_value": "Số khởi tạo không được âm.",
        },
    )

    def __init__(self, data: Any = None) -> None:
        super().__init__(data, prefix="de-xuat")
