"""HTML forms of the scoring pages: score entry (self, cross, appraisal), answers to discrepancy flags,
a criteria set pasted or uploaded as JSON, adoption, and the cross-scoring proposal.

Points are typed the Vietnamese way (`8,5`) and read with `tdkt.core.vn.parse_number`; every error names
the criterion so a person can find it. The forms only read and check input: the writes are done by
`tdkt.scoring.services`, called by the views, which also hold the authoritative checks.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet

from tdkt.core.vn import NumberFormatError, format_number, parse_number
from tdkt.scoring.models import CriteriaSet, Criterion, DiscrepancyAnswer, Score
from tdkt.web.scoring.queries import MACHINE_NUMBER

MAX_JSON_BYTES = 1024 * 1024
MAX_POINT_PLACES = 4  # Score.points keeps 4 decimal places
POINTS_ATTRS = {
    "inputmode": "decimal",
    "autocomplete": "off",
    "placeholder": "vd. 8,5",
    "class": "points-input",
}

# Python's JSON messages, in Vietnamese (the position is added separately, as line and column).
JSON_MESSAGES = {
    "Expecting value": "thiếu giá trị (hoặc thừa dấu phẩy)",
    "Expecting ',' delimiter": "thiếu dấu phẩy “,” giữa hai phần tử",
    "Expecting ':' delimiter": "thiếu dấu hai chấm “:” sau tên khóa",
    "Expecting property name enclosed in double quotes": (
        "tên khóa phải đặt trong dấu ngoặc kép (hoặc thừa dấu phẩy trước “}”)"
    ),
    "Unterminated string starting at": "chuỗi chưa được đóng bằng dấu ngoặc kép",
    "Invalid control character at": "chuỗi chứa ký tự điều khiển (xuống dòng, tab) không hợp lệ",
    "Invalid \\escape": "ký tự thoát “\\” không hợp lệ",
    "Invalid \\uXXXX escape": "mã “\\uXXXX” không hợp lệ",
    "Extra data": "có dữ liệu thừa sau khi đối tượng JSON đã kết thúc",
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


@dataclass(frozen=True)
class CriteriaSpec:
    """The `criteria_set` part of the scoring input: the criteria tree, the declared total, the rules."""

    criteria: list[dict[str, Any]]
    total: Decimal
    rules: dict[str, Any]


def json_error_message(exc: json.JSONDecodeError) -> str:
    reason = JSON_MESSAGES.get(exc.msg, exc.msg)
    return f"JSON sai cú pháp ở dòng {exc.lineno}, cột {exc.colno}: {reason}"


def read_criteria_json(text: str) -> tuple[CriteriaSpec | None, list[str]]:
    """Parse the pasted or uploaded JSON and check its outline; the detailed checks (points adding up,
    indicators, formulas) are the service's."""
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        return None, [json_error_message(exc)]
    if not isinstance(doc, dict):
        return None, ["JSON phải là một đối tượng {…} có các khóa “criteria”, “total” và “rules”"]
    rules_raw: Any = doc.get("rules", {})
    if isinstance(doc.get("criteria_set"), dict):  # a whole scoring input document: take its parts
        part = doc["criteria_set"]
        rules_raw = doc.get("rules", part.get("rules", {}))
        doc = part
    problems: list[str] = []
    criteria = doc.get("criteria")
    if not isinstance(criteria, list) or not criteria:
        problems.append("“criteria” phải là một danh sách tiêu chí […] không rỗng")
    elif not all(isinstance(item, dict) for item in criteria):
        problems.append("mỗi phần tử của “criteria” phải là một đối tượng {…}")
    total: Decimal | None = None
    if doc.get("total") is None:
        problems.append(
            "thiếu “total”: tổng điểm tối đa khai báo của bộ tiêu chí (không tính điểm thưởng, điểm trừ)"
        )
    else:
        raw_total = doc["total"]
        try:
            if isinstance(raw_total, str) and MACHINE_NUMBER.match(raw_total.strip()):
                total = Decimal(raw_total.strip())  # read as the engine reads it: "30.5" is 30.5
            else:
                total = parse_number(raw_total).value
        except NumberFormatError as exc:
            problems.append(f"“total”: {exc}")
    if not isinstance(rules_raw, dict):
        problems.append("“rules” phải là một đối tượng {…}")
    if problems or total is None or not isinstance(criteria, list) or not isinstance(rules_raw, dict):
        return None, problems
    return CriteriaSpec(criteria=criteria, total=total, rules=rules_raw), []


class VersionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"Phiên bản {obj.version} ({obj.get_status_display().lower()})"


class CriteriaSetForm(forms.Form):
    json_text = forms.CharField(
        label="Dán nội dung JSON của bộ tiêu chí",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 12, "spellcheck": "false", "class": "code-input"}),
    )
    json_file = forms.FileField(
        label="hoặc tải lên tệp .json",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".json,application/json"}),
    )
    amends = VersionChoiceField(
        label="Sửa đổi phiên bản",
        queryset=CriteriaSet.objects.none(),
        required=False,
        empty_label="Không – bộ tiêu chí mới",
        error_messages={"invalid_choice": "Phiên bản được sửa đổi không thuộc cụm – năm này."},
    )
    reason = forms.CharField(
        label="Lý do sửa đổi",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Bắt buộc khi sửa đổi một phiên bản, ví dụ: “Sửa đổi tại hội nghị sơ kết 6 tháng”.",
    )

    def __init__(self, data: Any = None, files: Any = None, *, versions: QuerySet[CriteriaSet]) -> None:
        super().__init__(data, files, prefix="tc")
        amends = self.fields["amends"]
        assert isinstance(amends, VersionChoiceField)
        amends.queryset = versions

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        text: str = data.get("json_text") or ""
        upload = data.get("json_file")
        if text.strip() and upload:
            raise forms.ValidationError("Chỉ dán nội dung hoặc tải lên một tệp, không làm cả hai.")
        if not text.strip() and not upload:
            self.add_error("json_text", "Chưa dán nội dung JSON hoặc chọn tệp .json.")
            return data
        field = "json_text"
        if upload:
            field = "json_file"
            name = upload.name or ""
            if not name.lower().endswith(".json"):
                self.add_error(field, f"Tệp “{name}” không phải tệp .json.")
                return data
            if upload.size is not None and upload.size > MAX_JSON_BYTES:
                self.add_error(
                    field, f"Tệp “{name}” lớn hơn 1 MB ({format_number(Decimal(upload.size))} byte)."
                )
                return data
            raw = upload.read()
            try:
                text = raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                self.add_error(field, f"Tệp “{name}” không phải văn bản UTF-8.")
                return data
        elif len(text.encode("utf-8")) > MAX_JSON_BYTES:
            self.add_error(field, "Nội dung JSON lớn hơn 1 MB.")
            return data
        spec, problems = read_criteria_json(text)
        for problem in problems:
            self.add_error(field, problem)
        data["spec"] = spec
        data["source_field"] = field
        if data.get("amends") is not None and not (data.get("reason") or "").strip():
            self.add_error("reason", "Sửa đổi bộ tiêu chí phải ghi lý do.")
        return data


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
