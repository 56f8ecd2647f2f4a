"""Forms of the titles-and-commendations pages: Vietnamese labels and messages; the services validate again."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.utils import timezone

from tdkt.awards import catalogue, rulepacks
from tdkt.awards.catalogue_selectors import grouped_choices, recordable, title_name, title_short
from tdkt.awards.models import (
    SUBJECT_KIND_LABELS,
    Award,
    AwardBasis,
    AwardKind,
    CatalogueClass,
    CatalogueGroup,
    CatalogueLevel,
    DisciplineChoice,
    Initiative,
    InitiativeScope,
    PendingKind,
    PendingReview,
    RatingChoice,
    VerificationTag,
)
from tdkt.awards.services import CORRECTABLE
from tdkt.awards.xlsx_rules import SHAPES
from tdkt.org.models import CycleKind, Gender, Unit, UnitKind

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
                titles = ", ".join(catalogue.title(t).name for t in rule.titles if t in catalogue.CATALOGUE)
                seen.setdefault(key, f"{titles} — {param.label or param.name} ({rule.label})")
    return sorted(seen.items(), key=lambda item: item[1])


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


class GovFlagForm(EvaluationForm):
    """Which province's and year's cluster leaders to weigh for the Government's emulation flag."""


# --- entering and correcting records by hand --------------------------------------------------------------
#
# These forms only read what was typed (a number, a date) and offer the lists to choose from; every rule —
# a date in the future, an unknown title, an initiative already used, an empty reason — is the service's,
# whose Vietnamese message the view attaches to the field it names. Choices are therefore offered by the
# widget but not enforced here, so that a value the service refuses reaches it and is refused there.

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
DATE_HINT = "dd/mm/yyyy"


def _date(label: str, *, required: bool = False) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": DATE_HINT, "inputmode": "numeric"}),
        error_messages={
            "required": f"Vui lòng nhập {label.lower()}.",
            "invalid": f"{label} ghi dạng dd/mm/yyyy, ví dụ 05/01/2025.",
        },
    )


def _number(label: str, *, required: bool = True, help_text: str = "") -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": f"Vui lòng nhập {label.lower()}.",
            "invalid": f"{label} phải là một số, ví dụ 2024.",
        },
    )


def _text(label: str, max_length: int, *, required: bool = False, rows: int = 0) -> forms.CharField:
    widget: forms.Widget = forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput()
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        widget=widget,
        error_messages={
            "required": f"Vui lòng nhập {label.lower()}.",
            "max_length": f"{label} dài quá {max_length} ký tự.",
        },
    )


def _pick(label: str, choices: list[tuple[Any, str]], *, initial: Any = None) -> forms.CharField:
    """A list to choose from whose value the service checks (an unknown one is refused there)."""
    return forms.CharField(
        label=label,
        required=False,
        initial=initial,
        widget=forms.Select(choices=[("", "— chọn —"), *choices]),
    )


def cycle_help(school_year: bool) -> str:
    if school_year:
        return "Năm học ghi năm bắt đầu: 2024 là năm học 2024–2025."
    return ""


def _short(code: str) -> str:
    return title_short(code)


def individual_title_choices() -> list[tuple[str, Any]]:
    """The active catalogue entries a person may be recorded as having received, one group per kind."""
    return grouped_choices(recordable(individual=True))


def collective_title_choices() -> list[tuple[str, Any]]:
    """The active catalogue entries a collective may be recorded as having received, one group per kind."""
    return grouped_choices(recordable(individual=False))


def _with_code(titles: list[tuple[str, Any]], code: str) -> list[tuple[str, Any]]:
    """The choices with `code` among them: a correction keeps an award's code even after its entry retired."""
    codes = {c for _, options in titles for c, _ in (options if isinstance(options, list) else [(_, "")])}
    if not code or code in codes:
        return titles
    return [*titles, ("Đã ngừng sử dụng", [(code, title_name(code))])]


def initiative_label(initiative: Initiative) -> str:
    used = initiative.used_by
    note = f" (đã dùng cho {_short(used.title)} năm {used.cycle})" if used is not None else ""
    return f"{initiative.name} – năm {initiative.cycle}{note}"


def award_label(award: Award) -> str:
    return f"{_short(award.title)} năm {award.cycle} – QĐ số {award.decision_no}"


class InitiativeField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return initiative_label(obj)


class InitiativesField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return initiative_label(obj)


class AwardField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return award_label(obj)


class ReviewField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.get_kind_display()} từ {obj.since:%d/%m/%Y}"


class RecordForm(forms.Form):
    """What every record form shares: the `action` the page posts it to and the summary it is shown under."""

    action = ""
    summary = ""
    submit = "Ghi"

    def __init__(self, *args: Any, school_year: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("cycle", "period_start"):
            if name in self.fields and school_year:
                self.fields[name].help_text = cycle_help(school_year)

    def apply(self, problems: list[Any]) -> None:
        """Attach the service's problems to the fields they name (the rest above the form)."""
        for problem in problems:
            message = problem.message[:1].upper() + problem.message[1:]
            self.add_error(problem.field if problem.field in self.fields else None, message)


_STALE = "hãy tải lại trang rồi nhập lại"


class RatingForm(RecordForm):
    """A year's rating, new or set again. `versions` carries the version of every rating the page showed
    ("2023:1;2024:2"): setting a year again over a rating changed since — or first set since, when the page
    showed none for that year — is refused by the service, saying what changed (tdkt.core.versions)."""

    action = "xep-loai"
    summary = "Ghi xếp loại hằng năm"
    cycle = _number("Năm")
    rating = forms.TypedChoiceField(
        label="Xếp loại",
        coerce=int,
        choices=[("", "— chọn —"), *RatingChoice.choices],
        error_messages={"required": "Chọn xếp loại.", "invalid_choice": "Xếp loại không hợp lệ."},
    )
    note = _text("Ghi chú", 2000, rows=2)
    versions = forms.CharField(widget=forms.HiddenInput, required=False, max_length=4000)

    def __init__(self, *args: Any, ratings: Any = (), **kwargs: Any) -> None:
        """`ratings`: the subject's ratings as the page shows them (TaskRating rows)."""
        kwargs.setdefault("initial", {"versions": ";".join(f"{r.cycle}:{r.version}" for r in ratings)})
        super().__init__(*args, **kwargs)

    def clean_versions(self) -> dict[int, int]:
        if self.is_bound and self.add_prefix("versions") not in self.data:
            raise forms.ValidationError(f"Thiếu phiên bản của các xếp loại lúc mở trang: {_STALE}.")
        found: dict[int, int] = {}
        for item in self.cleaned_data["versions"].split(";"):
            if not item.strip():
                continue
            cycle, _, version = item.partition(":")
            try:
                found[int(cycle)] = int(version)
            except ValueError:
                raise forms.ValidationError(f"Phiên bản của các xếp loại không hợp lệ: {_STALE}.") from None
        return found

    def version_of(self, cycle: int) -> int:
        """The version of that year's rating when the page was opened; 0 when it showed none."""
        versions: dict[int, int] = self.cleaned_data["versions"]
        return versions.get(cycle, 0)


class AwardForm(RecordForm):
    action = "khen-thuong"
    summary = "Ghi danh hiệu, hình thức khen thưởng đã nhận"
    title = _pick("Danh hiệu, hình thức", [])
    cycle = _number("Năm thành tích")
    period_start = _number("Thành tích từ năm (nếu nhiều năm)", required=False)
    decision_no = _text("Số quyết định", 60)
    decision_date = _date("Ngày quyết định")
    authority = _text("Cơ quan, người ban hành", 200)
    kind = _pick("Loại khen thưởng", list(AwardKind.choices), initial=AwardKind.CONG_TRANG)
    basis = _pick("Căn cứ xét", list(AwardBasis.choices), initial=AwardBasis.OTHER)
    initiatives = InitiativesField(
        label="Sáng kiến làm căn cứ",
        queryset=Initiative.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 3}),
        error_messages={"invalid_choice": "Sáng kiến được chọn không phải của người này."},
    )
    note = _text("Ghi chú", 2000, rows=2)

    def __init__(
        self,
        *args: Any,
        titles: list[tuple[str, Any]],
        initiatives: QuerySet[Initiative] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["title"].widget.choices = [("", "— chọn —"), *titles]
        if initiatives is None:  # a collective: no basis, no initiatives
            del self.fields["initiatives"]
            del self.fields["basis"]
        else:
            field = self.fields["initiatives"]
            assert isinstance(field, forms.ModelMultipleChoiceField)
            field.queryset = initiatives

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["kind"] = data.get("kind") or AwardKind.CONG_TRANG
        data["basis"] = data.get("basis") or AwardBasis.OTHER
        return data


class InitiativeForm(RecordForm):
    action = "sang-kien"
    summary = "Ghi sáng kiến, đề tài được công nhận"
    name = _text("Tên sáng kiến", 400)
    scope = _pick("Cấp công nhận", list(InitiativeScope.choices))
    recognised_on = _date("Ngày công nhận")
    cycle = _number("Năm công nhận (để trống: theo ngày công nhận)", required=False)
    recognised_by = _text("Cơ quan công nhận", 200)
    used_by = AwardField(
        label="Đã dùng làm căn cứ cho (nếu có)",
        queryset=Award.objects.none(),
        required=False,
        empty_label="— chưa dùng —",
        error_messages={"invalid_choice": "Khen thưởng được chọn không phải của người này."},
    )
    note = _text("Ghi chú", 2000, rows=2)

    def __init__(self, *args: Any, awards: QuerySet[Award], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["used_by"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = awards


class InitiativeUseForm(RecordForm):
    action = "dung-sang-kien"
    summary = "Đánh dấu sáng kiến đã dùng cho một khen thưởng"
    submit = "Đánh dấu"
    initiative = InitiativeField(
        label="Sáng kiến",
        queryset=Initiative.objects.none(),
        empty_label="— chọn —",
        error_messages={
            "required": "Chọn sáng kiến.",
            "invalid_choice": "Sáng kiến được chọn không phải của người này.",
        },
    )
    used_by = AwardField(
        label="Khen thưởng đã dùng sáng kiến",
        queryset=Award.objects.none(),
        empty_label="— chọn —",
        error_messages={
            "required": "Chọn khen thưởng.",
            "invalid_choice": "Khen thưởng được chọn không phải của người này.",
        },
    )

    def __init__(
        self, *args: Any, initiatives: QuerySet[Initiative], awards: QuerySet[Award], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        initiative = self.fields["initiative"]
        used_by = self.fields["used_by"]
        assert isinstance(initiative, forms.ModelChoiceField) and isinstance(used_by, forms.ModelChoiceField)
        initiative.queryset = initiatives
        used_by.queryset = awards


class DisciplineForm(RecordForm):
    action = "ky-luat"
    summary = "Ghi kỷ luật"
    level = forms.TypedChoiceField(
        label="Hình thức kỷ luật",
        coerce=int,
        choices=[("", "— chọn —"), *DisciplineChoice.choices],
        error_messages={
            "required": "Chọn hình thức kỷ luật.",
            "invalid_choice": "Hình thức kỷ luật không hợp lệ.",
        },
    )
    start = _date("Từ ngày", required=True)
    end = _date("Đến ngày", required=True)
    decision_no = _text("Số quyết định", 60)
    note = _text("Ghi chú", 2000, rows=2)


class PendingOpenForm(RecordForm):
    action = "xem-xet"
    summary = "Ghi đang xem xét kỷ luật, điều tra, thanh tra…"
    kind = _pick("Loại", list(PendingKind.choices))
    since = _date("Từ ngày", required=True)
    note = _text("Ghi chú", 2000, rows=2)


class PendingCloseForm(RecordForm):
    action = "ket-thuc-xem-xet"
    summary = "Ghi kết thúc việc đang xem xét"
    submit = "Ghi kết thúc"
    review = ReviewField(
        label="Việc đang xem xét",
        queryset=PendingReview.objects.none(),
        empty_label="— chọn —",
        error_messages={"required": "Chọn việc đang xem xét.", "invalid_choice": "Việc được chọn không có."},
    )
    until = _date("Ngày kết thúc", required=True)

    def __init__(self, *args: Any, reviews: QuerySet[PendingReview], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["review"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = reviews


class AwardCorrectForm(RecordForm):
    """Every correctable value of one recorded award, filled with what is stored; what differs is the
    correction. The reason is required by the service."""

    summary = "Đính chính"
    submit = "Ghi đính chính"
    title = _pick("Danh hiệu, hình thức", [])
    cycle = _number("Năm thành tích")
    period_start = _number("Thành tích từ năm (nếu nhiều năm)", required=False)
    decision_no = _text("Số quyết định", 60)
    decision_date = _date("Ngày quyết định")
    authority = _text("Cơ quan, người ban hành", 200)
    kind = _pick("Loại khen thưởng", list(AwardKind.choices))
    basis = _pick("Căn cứ xét", list(AwardBasis.choices))
    note = _text("Ghi chú", 2000, rows=2)
    reason = _text("Lý do đính chính", 2000, rows=2)
    # the award's version when the page was opened: a correction over a later one is refused
    version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        error_messages={
            "required": f"Thiếu phiên bản của khen thưởng lúc mở trang: {_STALE}.",
            "invalid": f"Phiên bản của khen thưởng không hợp lệ: {_STALE}.",
            "min_value": f"Phiên bản của khen thưởng không hợp lệ: {_STALE}.",
        },
    )

    def __init__(self, *args: Any, award: Award, titles: list[tuple[str, Any]], **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial", {**{name: getattr(award, name) for name in CORRECTABLE}, "version": award.version}
        )
        super().__init__(*args, **kwargs)
        self.award = award
        self.fields["title"].widget.choices = [("", "— chọn —"), *_with_code(titles, award.title)]
        if award.person_id is None:
            del self.fields["basis"]

    def changes(self) -> dict[str, Any]:
        """The values that differ from the stored ones (the service validates them)."""
        data = self.cleaned_data
        out: dict[str, Any] = {}
        for name in CORRECTABLE:
            if name not in self.fields:
                continue
            value = data.get(name)
            if name in ("decision_no", "authority", "note") and value is None:
                value = ""
            if value != getattr(self.award, name):
                out[name] = value
        return out


class AwardRevokeForm(RecordForm):
    summary = "Hủy bỏ"
    submit = "Hủy bỏ khen thưởng"
    revoked_on = _date("Ngày hủy bỏ", required=True)
    reason = _text("Lý do hủy bỏ", 2000, rows=2)


class UnitEmulationForm(RecordForm):
    action = "ky-xet"
    summary = "Kỳ xét thi đua của đơn vị"
    submit = "Ghi"
    cycle_kind = _pick("Kỳ xét thi đua", list(CycleKind.choices))
    armed_forces = forms.BooleanField(
        label="Thuộc lực lượng vũ trang (Quân đội, Công an, Dân quân tự vệ)", required=False
    )
    reason = _text("Lý do, căn cứ", 2000, rows=2)


# --- the catalogue (the board's) ---------------------------------------------------------------------------


class CatalogueEntryForm(forms.Form):
    """An entry of the catalogue: the province's own in full; of the Law's and the engine's, the fields the
    service lets change (the others are shown disabled). The service validates again."""

    code = _text("Mã (chữ in hoa không dấu, ví dụ KNC_TINH)", 20, required=True)
    name = _text("Tên", 300, required=True)
    short = _text("Tên ngắn (để trống: như tên)", 100)
    group = _pick("Loại", list(CatalogueGroup.choices))
    grade = _pick("Hạng", [c for c in CatalogueClass.choices if c[0]])
    level = _pick("Cấp", list(CatalogueLevel.choices))
    authority = _text("Người quyết định tặng", 300)
    subject_kinds = forms.MultipleChoiceField(
        label="Đối tượng được tặng",
        choices=list(SUBJECT_KIND_LABELS.items()),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    article = _text("Căn cứ (văn bản, điều)", 300)
    article_tag = _pick("Mức kiểm chứng của căn cứ", list(VerificationTag.choices), initial=VerificationTag.R)
    note = _text("Ghi chú", 2000, rows=2)
    sort_order = _number("Thứ tự trong loại", required=False)

    def __init__(self, *args: Any, fixed: frozenset[str] = frozenset(), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in fixed:
            if name in self.fields:
                self.fields[name].disabled = True

    def values(self) -> dict[str, Any]:
        """What was typed, for the service (disabled fields keep their stored value and are left out)."""
        out: dict[str, Any] = {}
        for name, field in self.fields.items():
            if field.disabled:
                continue
            value = self.cleaned_data.get(name)
            if name == "subject_kinds":
                value = list(value or [])
            elif name == "sort_order" and value is None:
                continue
            elif value is None:
                value = ""
            out[name] = value
        return out

    def apply(self, problems: list[Any]) -> None:
        for problem in problems:
            message = problem.message[:1].upper() + problem.message[1:]
            self.add_error(problem.field if problem.field in self.fields else None, message)


class CatalogueActiveForm(forms.Form):
    reason = _text("Lý do", 2000, required=True, rows=2)

    def apply(self, problems: list[Any]) -> None:
        for problem in problems:
            message = problem.message[:1].upper() + problem.message[1:]
            self.add_error("reason" if problem.field == "reason" else None, message)
