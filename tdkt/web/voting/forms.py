"""HTML forms of the conference pages: the conference and what it decided, delegates, the counting board,
a new ballot (rules as data, candidates from the published ranking with a reason for every change), the
roll, and paper ballots (each ballot as a line, or the per-candidate totals).

The forms read and check what a person typed, naming the line or the candidate of every error; the
writes, and the authoritative checks, are in `tdkt.voting.services`, called by the views.
"""

from __future__ import annotations

import re
from fractions import Fraction
from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.db.models import Q

from tdkt.clusters.models import ClusterMember
from tdkt.movements.models import Covenant
from tdkt.org.models import Account, Unit
from tdkt.scoring.models import CriteriaSet
from tdkt.voting.box import VoterInput
from tdkt.voting.models import (
    BallotBase,
    BallotMethod,
    BallotMode,
    BallotPurpose,
    Conference,
    ConferenceKind,
    Delegate,
    Electorate,
)
from tdkt.voting.paper import PaperBallotInput, PaperTotalsInput
from tdkt.voting.selectors import DefaultCandidates
from tdkt.voting.services import CandidateInput, CandidateRemoval, DelegateInput

MAX_LINES = 2000
DATE_ATTRS = {"type": "date"}
NUMBER_ATTRS = {"inputmode": "numeric", "autocomplete": "off"}


def _members(conference_or_cy_id: int) -> list[Unit]:
    return [
        m.unit
        for m in ClusterMember.objects.filter(cluster_year_id=conference_or_cy_id).select_related("unit")
    ]


def _lines(text: str) -> list[tuple[int, str]]:
    return [(i, line.strip()) for i, line in enumerate(text.splitlines(), start=1) if line.strip()]


class ConferenceForm(forms.Form):
    """A conference: kind, date, place, host, chair, secretary, agenda; when editing, also what it
    decided (the covenant signed, the criteria set amended, other conclusions). A council session
    (`council_of`): its kind is fixed, the host is the unit or one under it, and it states the council's
    size and the decision that set it up; it takes no covenant or criteria."""

    kind = forms.ChoiceField(label="Loại hội nghị", choices=ConferenceKind.choices)
    held_on = forms.DateField(label="Ngày họp", widget=forms.DateInput(attrs=DATE_ATTRS, format="%Y-%m-%d"))
    place = forms.CharField(label="Địa điểm", max_length=300)
    host = forms.ModelChoiceField(label="Đơn vị đăng cai", queryset=Unit.objects.none())
    chair_name = forms.CharField(label="Chủ trì hội nghị", max_length=200, required=False)
    secretary_name = forms.CharField(label="Thư ký hội nghị", max_length=200, required=False)
    agenda = forms.CharField(
        label="Chương trình (mỗi dòng một nội dung)", widget=forms.Textarea(attrs={"rows": 5}), required=False
    )

    def __init__(
        self,
        *args: Any,
        cluster_year_id: int | None = None,
        council_of: Unit | None = None,
        decisions: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        host = self.fields["host"]
        assert isinstance(host, forms.ModelChoiceField)
        if council_of is not None:
            kind = self.fields["kind"]
            assert isinstance(kind, forms.ChoiceField)
            kind.choices = [(ConferenceKind.COUNCIL.value, ConferenceKind.COUNCIL.label)]
            kind.initial = ConferenceKind.COUNCIL.value
            host.label = "Nơi họp (đơn vị)"
            host.queryset = Unit.objects.filter(Q(pk=council_of.pk) | Q(parent=council_of)).order_by("name")
            host.initial = council_of.pk
            self.fields["council_size"] = forms.IntegerField(
                label="Số thành viên Hội đồng", min_value=1, max_value=2000
            )
            self.fields["council_basis"] = forms.CharField(
                label="Quyết định thành lập, kiện toàn Hội đồng (số, ngày)", max_length=300, required=False
            )
            return
        kind = self.fields["kind"]
        assert isinstance(kind, forms.ChoiceField)
        kind.choices = [c for c in ConferenceKind.choices if c[0] != ConferenceKind.COUNCIL]
        host.queryset = Unit.objects.filter(cluster_memberships__cluster_year_id=cluster_year_id).order_by(
            "name"
        )
        if decisions:
            from tdkt.clusters.models import ClusterYear

            assert cluster_year_id is not None
            cy = ClusterYear.objects.get(pk=cluster_year_id)
            near = {
                "cluster_year__cluster_id": cy.cluster_id,
                "cluster_year__year__in": [cy.year, cy.year + 1],
            }
            self.fields["covenant"] = forms.ModelChoiceField(
                label="Giao ước thi đua được ký tại hội nghị",
                queryset=Covenant.objects.filter(**near).select_related("cluster_year__cluster"),
                required=False,
                empty_label="(không có)",
            )
            self.fields["criteria_set"] = forms.ModelChoiceField(
                label="Bộ tiêu chí được sửa đổi, thông qua (phiên bản mới)",
                queryset=CriteriaSet.objects.filter(**near).select_related("cluster_year__cluster"),
                required=False,
                empty_label="(không có)",
            )
            self.fields["conclusions"] = forms.CharField(
                label="Kết luận khác (mỗi dòng một nội dung)",
                widget=forms.Textarea(attrs={"rows": 4}),
                required=False,
            )

    @classmethod
    def initial_of(cls, conference: Conference) -> dict[str, Any]:
        return {
            "kind": conference.kind,
            "held_on": conference.held_on,
            "place": conference.place,
            "host": conference.host_id,
            "chair_name": conference.chair_name,
            "secretary_name": conference.secretary_name,
            "agenda": conference.agenda,
            "covenant": conference.covenant_id,
            "criteria_set": conference.criteria_set_id,
            "conclusions": conference.conclusions,
            "council_size": conference.council_size,
            "council_basis": conference.council_basis,
        }


class DelegatesForm(forms.Form):
    """One text box per member unit: one delegate per line, "Họ tên, chức vụ"; the first line is the
    delegate who votes for the unit."""

    def __init__(self, *args: Any, conference: Conference, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.units = _members(conference.cluster_year_id or 0)
        current: dict[int, list[str]] = {}
        for d in Delegate.objects.filter(conference=conference).order_by("-votes", "order", "id"):
            current.setdefault(d.unit_id, []).append(f"{d.name}, {d.position}" if d.position else d.name)
        for unit in self.units:
            self.fields[f"u{unit.pk}"] = forms.CharField(
                label=unit.name,
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
                initial="\n".join(current.get(unit.pk, [])),
            )

    @property
    def unit_fields(self) -> list[forms.BoundField]:
        return [self[f"u{u.pk}"] for u in self.units]

    def delegates(self) -> list[DelegateInput]:
        out = []
        for unit in self.units:
            text = self.cleaned_data.get(f"u{unit.pk}", "")
            for n, (_, line) in enumerate(_lines(text)):
                name, _, position = line.partition(",")
                out.append(DelegateInput(unit, name.strip(), position.strip(), votes=n == 0))
        return out


class CountingBoardForm(forms.Form):
    members = forms.MultipleChoiceField(
        label="Thành viên Ban kiểm phiếu (ít nhất 2)", widget=forms.CheckboxSelectMultiple
    )
    chair = forms.ChoiceField(label="Trưởng ban kiểm phiếu", widget=forms.RadioSelect)

    def __init__(self, *args: Any, accounts: list[Account], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [
            (
                str(a.user_id),
                f"{(a.user.last_name + ' ' + a.user.first_name).strip() or a.user.username} – "
                f"{a.unit.name if a.unit else a.get_role_display()}",
            )
            for a in accounts
        ]
        members = self.fields["members"]
        chair = self.fields["chair"]
        assert isinstance(members, forms.ChoiceField) and isinstance(chair, forms.ChoiceField)
        members.choices = choices
        chair.choices = choices
        self.users = {str(a.user_id): a.user for a in accounts}

    def chosen(self) -> tuple[list[User], User]:
        return [self.users[i] for i in self.cleaned_data["members"]], self.users[self.cleaned_data["chair"]]


class BallotForm(forms.Form):
    """A new ballot: purpose, title, method and rules, electorate, form (electronic or paper), and the
    candidates — the default list (the latest published ranking) with a reason for each one left off, and
    further candidates with a reason each ("Tên | lý do" per line)."""

    purpose = forms.ChoiceField(label="Mục đích", choices=BallotPurpose.choices)
    title = forms.CharField(label="Tiêu đề trên phiếu", max_length=300)
    method = forms.ChoiceField(label="Cách bỏ phiếu", choices=BallotMethod.choices, initial="choose_k")
    max_choices = forms.IntegerField(
        label="Số người được chọn tối đa trên một phiếu (k)", min_value=1, initial=1
    )
    seats = forms.IntegerField(
        label="Số người được chọn (để trống: mọi người đạt ngưỡng)", min_value=1, required=False, initial=1
    )
    quorum = forms.CharField(label="Tỷ lệ cử tri tham gia tối thiểu", initial="2/3", max_length=20)
    threshold = forms.CharField(label="Ngưỡng trúng", initial="1/2", max_length=20)
    strict = forms.TypedChoiceField(
        label="So với ngưỡng",
        choices=[("1", "Phải vượt ngưỡng (trên)"), ("0", "Đạt ngưỡng là đủ (từ … trở lên)")],
        coerce=lambda v: v == "1",
        initial="1",
    )
    base = forms.ChoiceField(label="Tỷ lệ tính trên", choices=BallotBase.choices, initial="valid")
    electorate_kind = forms.ChoiceField(label="Cử tri", choices=Electorate.choices, initial="delegates")
    mode = forms.ChoiceField(label="Hình thức", choices=BallotMode.choices, initial="electronic")
    council_name = forms.CharField(
        label="Hội đồng bỏ phiếu (khi cử tri là thành viên hội đồng): tên và quyết định thành lập",
        max_length=300,
        required=False,
    )
    council_size = forms.IntegerField(
        label="Số thành viên hội đồng", min_value=1, max_value=2000, required=False
    )
    extra = forms.CharField(
        label="Thêm ứng viên ngoài danh sách (mỗi dòng: Tên ứng viên | lý do)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(
        self,
        *args: Any,
        default: DefaultCandidates,
        members: list[Unit],
        council: Conference | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.default = default
        self.council = council
        self.members = {u.name.casefold(): u for u in members}
        if council is not None:
            # a council session: the council's members vote on the list typed here, one name a line
            purpose = self.fields["purpose"]
            assert isinstance(purpose, forms.ChoiceField)
            purpose.choices = [
                (p.value, p.label) for p in (BallotPurpose.COUNCIL, BallotPurpose.MERIT, BallotPurpose.OTHER)
            ]
            purpose.initial = BallotPurpose.COUNCIL.value
            self.fields["method"].initial = BallotMethod.YES_NO.value
            for name in ("electorate_kind", "council_name", "council_size"):
                del self.fields[name]
            self.fields["extra"] = forms.CharField(
                label="Danh sách Hội đồng xem xét (mỗi dòng một người hoặc tập thể)",
                widget=forms.Textarea(attrs={"rows": 6}),
            )
        for i, c in enumerate(default.candidates, start=1):
            self.fields[f"keep_{i}"] = forms.BooleanField(label=c.name, required=False, initial=True)
            self.fields[f"why_{i}"] = forms.CharField(
                label=f"Lý do không đưa {c.name} vào phiếu", required=False, max_length=300
            )
        for name in ("quorum", "threshold"):
            self.fields[name].widget.attrs.update({"inputmode": "decimal", "autocomplete": "off"})

    RULE_FIELDS = (
        "purpose",
        "title",
        "method",
        "max_choices",
        "seats",
        "quorum",
        "threshold",
        "strict",
        "base",
        "electorate_kind",
        "council_name",
        "council_size",
        "mode",
    )

    @property
    def rule_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.RULE_FIELDS if name in self.fields]

    @property
    def default_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"keep_{i}"], self[f"why_{i}"]) for i in range(1, len(self.default.candidates) + 1)]

    def clean_quorum(self) -> str:
        return self._fraction("quorum")

    def clean_threshold(self) -> str:
        return self._fraction("threshold")

    def _fraction(self, name: str) -> str:
        text = str(self.cleaned_data.get(name, "")).replace(" ", "").replace(",", ".")
        try:
            if text.endswith("%"):
                return str(Fraction(text[:-1]) / 100)
            Fraction(text)
        except (ValueError, ZeroDivisionError) as exc:
            raise forms.ValidationError("Viết tỷ lệ như 2/3, 0,9 hoặc 90%.") from exc
        return text

    def clean_extra(self) -> list[CandidateInput]:
        out = []
        if self.council is not None:
            return [
                CandidateInput(line, self.members.get(line.casefold()))
                for _, line in _lines(self.cleaned_data.get("extra", ""))[:MAX_LINES]
            ]
        for row, line in _lines(self.cleaned_data.get("extra", ""))[:MAX_LINES]:
            name, sep, reason = line.partition("|")
            if not name.strip():
                raise forms.ValidationError(f"Dòng {row}: thiếu tên ứng viên.")
            if not sep or not reason.strip():
                raise forms.ValidationError(f"Dòng {row}: ghi lý do đưa “{name.strip()}” vào, sau dấu “|”.")
            out.append(
                CandidateInput(name.strip(), self.members.get(name.strip().casefold()), reason.strip())
            )
        return out

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for i, c in enumerate(self.default.candidates, start=1):
            if not data.get(f"keep_{i}") and not str(data.get(f"why_{i}", "")).strip():
                self.add_error(f"why_{i}", f"Ghi lý do không đưa {c.name} vào phiếu.")
        return data

    def candidates(self) -> tuple[list[CandidateInput], list[CandidateRemoval]]:
        kept, removed = [], []
        for i, c in enumerate(self.default.candidates, start=1):
            if self.cleaned_data.get(f"keep_{i}"):
                kept.append(CandidateInput(c.name, c.unit))
            else:
                removed.append(CandidateRemoval(c.name, self.cleaned_data[f"why_{i}"]))
        return kept + list(self.cleaned_data.get("extra", [])), removed


class RollForm(forms.Form):
    voters = forms.CharField(
        label="Danh sách cử tri (mỗi dòng một người, kèm đơn vị trong ngoặc)",
        widget=forms.Textarea(attrs={"rows": 10}),
    )
    reason = forms.CharField(
        label="Lý do thay đổi (ghi vào biên bản kiểm phiếu)", max_length=300, required=False
    )

    def __init__(self, *args: Any, members: list[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.members = members

    def clean_voters(self) -> list[VoterInput]:
        lines = _lines(self.cleaned_data.get("voters", ""))
        if len(lines) > MAX_LINES:
            raise forms.ValidationError(f"Quá {MAX_LINES} cử tri.")
        out = []
        for _, line in lines:
            # a line naming a member unit in brackets, "Nguyễn Văn A (Huyện X)", votes for that unit
            unit = next(
                (u for u in self.members if line.endswith(f"({u.name})") or line.endswith(u.name)), None
            )
            out.append(VoterInput(line, unit))
        return out


class PaperBallotsForm(forms.Form):
    """Paper ballots typed one per line: the candidates' numbers, separated by spaces or commas ("1 3");
    "-2" for "không đồng ý" with candidate 2 on a yes/no ballot; "0" for a blank ballot; "X" for a ballot
    the counting board finds invalid."""

    lines = forms.CharField(label="Các phiếu (mỗi dòng một phiếu)", widget=forms.Textarea(attrs={"rows": 8}))

    def __init__(self, *args: Any, candidates: list[str], **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "tp")
        super().__init__(*args, **kwargs)
        self.candidates = candidates

    def clean_lines(self) -> list[PaperBallotInput]:
        text = self.cleaned_data.get("lines", "")
        raw = text.splitlines()
        if len([line for line in raw if line.strip()]) > MAX_LINES:
            raise forms.ValidationError(f"Quá {MAX_LINES} phiếu trong một lần nhập.")
        out, errors = [], []
        n = len(self.candidates)
        row = 0
        for line in raw:
            if not line.strip():
                continue
            row += 1
            tokens = [t for t in re.split(r"[\s,;]+", line.strip()) if t]
            if len(tokens) == 1 and tokens[0].upper() in ("X", "H", "HỎNG"):
                out.append(PaperBallotInput(spoiled=True))
                continue
            if tokens == ["0"]:
                out.append(PaperBallotInput())
                continue
            marks: list[str] = []
            against: list[str] = []
            for token in tokens:
                negative = token.startswith("-")
                digits = token.lstrip("+-")
                if not digits.isdigit() or not 1 <= int(digits) <= n:
                    errors.append(f"Phiếu thứ {row}: “{token}” không phải số thứ tự ứng viên (1 – {n}).")
                    break
                (against if negative else marks).append(self.candidates[int(digits) - 1])
            else:
                out.append(PaperBallotInput(marks, against))
        if errors:
            raise forms.ValidationError(errors)
        return out


class PaperTotalsForm(forms.Form):
    cast = forms.IntegerField(label="Số phiếu thu về", widget=forms.NumberInput(attrs=NUMBER_ATTRS))
    invalid = forms.IntegerField(
        label="Số phiếu không hợp lệ", initial=0, widget=forms.NumberInput(attrs=NUMBER_ATTRS)
    )

    def __init__(self, *args: Any, candidates: list[str], yes_no: bool, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "th")
        super().__init__(*args, **kwargs)
        self.candidates = candidates
        self.yes_no = yes_no
        for i, name in enumerate(candidates, start=1):
            self.fields[f"yes_{i}"] = forms.IntegerField(
                label=f"{i}. {name}: đồng ý" if yes_no else f"{i}. {name}",
                initial=0,
                widget=forms.NumberInput(attrs=NUMBER_ATTRS),
            )
            if yes_no:
                self.fields[f"no_{i}"] = forms.IntegerField(
                    label=f"{i}. {name}: không đồng ý",
                    initial=0,
                    widget=forms.NumberInput(attrs=NUMBER_ATTRS),
                )

    @property
    def candidate_fields(self) -> list[forms.BoundField]:
        out = []
        for i in range(1, len(self.candidates) + 1):
            out.append(self[f"yes_{i}"])
            if self.yes_no:
                out.append(self[f"no_{i}"])
        return out

    def totals(self) -> PaperTotalsInput:
        data = self.cleaned_data
        return PaperTotalsInput(
            cast=data["cast"],
            invalid=data["invalid"],
            yes={n: data[f"yes_{i}"] for i, n in enumerate(self.candidates, start=1)},
            no={n: data[f"no_{i}"] for i, n in enumerate(self.candidates, start=1)} if self.yes_no else {},
        )

    def field_for(self, field: str | None, row: int | None) -> str | None:
        """The form field a service's problem points at (`yes` of candidate 2 → `yes_2`)."""
        if field in ("cast", "invalid"):
            return field
        if field in ("yes", "no") and row is not None and f"{field}_{row}" in self.fields:
            return f"{field}_{row}"
        return None
