"""Forms of the dossier pages: they parse; `tdkt.dossiers.services` and `decisions` decide."""

from __future__ import annotations

import datetime as dt

from django import forms

MAX_UPLOAD = 20 * 1024 * 1024


class DossierNewForm(forms.Form):
    track = forms.ChoiceField(label="Loại hồ sơ")
    cycle = forms.IntegerField(label="Năm thành tích", min_value=2000, max_value=2100)
    subject = forms.CharField(label="Trích yếu", max_length=300)
    cluster_year = forms.TypedChoiceField(
        label="Cụm, khối – năm", coerce=int, required=False, empty_value=None
    )

    def __init__(
        self,
        *args: object,
        tracks: list[tuple[str, str]],
        cluster_years: list[tuple[int, str]],
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["track"].choices = tracks  # type: ignore[attr-defined]
        self.fields["cluster_year"].choices = [("", "— không —"), *cluster_years]  # type: ignore[attr-defined]
        if not cluster_years:
            del self.fields["cluster_year"]


class LineForm(forms.Form):
    subject = forms.ChoiceField(label="Cá nhân, tập thể")
    title = forms.ChoiceField(label="Danh hiệu, hình thức đề nghị")
    note = forms.CharField(
        label="Thành tích tóm tắt", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(
        self, *args: object, subjects: list[tuple[str, str]], titles: list[tuple[str, str]], **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["subject"].choices = subjects  # type: ignore[attr-defined]
        self.fields["title"].choices = titles  # type: ignore[attr-defined]


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label="Loại văn bản")
    name = forms.CharField(label="Tên văn bản (nếu khác)", max_length=300, required=False)
    file = forms.FileField(label="Tệp (PDF, Word, Excel, ảnh; tối đa 20 MB)")

    def __init__(self, *args: object, kinds: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["kind"].choices = kinds  # type: ignore[attr-defined]

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError("Tệp lớn quá 20 MB.")
        return upload


class ActForm(forms.Form):
    action = forms.CharField(widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label="Lý do, ghi chú", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    specialist = forms.TypedChoiceField(
        label="Chuyên viên thẩm định", coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args: object, specialists: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["specialist"].choices = [("", "— chọn —"), *specialists]  # type: ignore[attr-defined]


class SignForm(forms.Form):
    number = forms.CharField(label="Số quyết định", max_length=60, help_text="Ví dụ: 125/QĐ-UBND")
    signed_on = forms.DateField(
        label="Ngày ký", input_formats=["%d/%m/%Y", "%Y-%m-%d"], initial=dt.date.today
    )
    signer_name = forms.CharField(label="Họ và tên người ký", max_length=200)
    signer_title = forms.CharField(label="Chức vụ người ký", max_length=200, initial="Chủ tịch")


class CommentForm(forms.Form):
    author_name = forms.CharField(label="Họ và tên", max_length=200)
    author_address = forms.CharField(label="Địa chỉ liên hệ", max_length=300)
    line = forms.TypedChoiceField(label="Góp ý về", coerce=int, required=False, empty_value=None)
    body = forms.CharField(label="Nội dung góp ý", max_length=5000, widget=forms.Textarea(attrs={"rows": 5}))
    # Left empty by people; robots fill every field.
    website = forms.CharField(label="Để trống ô này", required=False)

    def __init__(self, *args: object, lines: list[tuple[int, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["line"].choices = [("", "Cả danh sách"), *lines]  # type: ignore[attr-defined]


class AnswerForm(forms.Form):
    comment = forms.IntegerField(widget=forms.HiddenInput)
    answer = forms.CharField(label="Trả lời", max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))


class CorrectForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    number = forms.CharField(label="Số quyết định (đính chính)", max_length=60)
    signed_on = forms.DateField(label="Ngày ký (đính chính)", input_formats=["%d/%m/%Y", "%Y-%m-%d"])
    reason = forms.CharField(
        label="Lý do đính chính", max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class RevokeForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    revoked_on = forms.DateField(label="Ngày hủy bỏ", input_formats=["%d/%m/%Y", "%Y-%m-%d"])
    reason = forms.CharField(label="Lý do hủy bỏ", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
