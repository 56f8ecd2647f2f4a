"""The emulation registration pages (đăng ký thi đua): a unit's list for a cycle — the collective's titles and
each person's —, edited by the unit's staff (or the board) by form or Excel, sent to the superior, who
accepts it or returns it with a reason; the superior's list of registrations to review; the list as a
document (.docx, PDF, Decree 30 layout).

The forms only parse; `tdkt.movements.registration` decides. Who sees a list (it names people): the board,
the unit's staff, the staff of its superior (`movements.selectors.registration_visible`); anyone else
logged in gets 404, the public the login page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from tdkt.awards import catalogue
from tdkt.awards.selectors import people_of_unit
from tdkt.clusters.scopes import Viewer, viewer_for
from tdkt.core.errors import NotPermitted, Problem, ValidationFailed
from tdkt.movements.models import RegistrationStatus, TitleRegistration
from tdkt.movements.registration import (
    MIN_CYCLE,
    LineInput,
    collective_titles,
    may_edit,
    may_review,
    person_titles,
    registration_get_or_create,
    registration_line_remove,
    registration_lines_add,
    registration_transition,
    superior_name,
    title_name,
)
from tdkt.movements.registration_document import registration_document
from tdkt.movements.selectors import (
    registration_lines,
    registration_of,
    registration_visible,
    registrations_to_review,
)
from tdkt.movements.xlsx_registration import (
    registration_import,
    registration_template,
    template_filename,
)
from tdkt.org.models import Person, Unit
from tdkt.reports.documents import to_docx, to_pdf

REFUSED = 400
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_UPLOAD = 30 * 1024 * 1024


def _choices(codes: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(code, title_name(code)) for code in codes]


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class CollectiveForm(VersionForm):
    title = forms.ChoiceField(label="Danh hiệu tập thể đăng ký")

    def __init__(self, *args: Any, unit: Unit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["title"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = _choices(collective_titles(unit))


class PersonForm(VersionForm):
    person = forms.TypedChoiceField(label="Cá nhân", coerce=int)
    titles = forms.MultipleChoiceField(label="Danh hiệu đăng ký", widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, unit: Unit, people: list[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        person = self.fields["person"]
        titles = self.fields["titles"]
        assert isinstance(person, forms.TypedChoiceField) and isinstance(titles, forms.MultipleChoiceField)
        person.choices = [("", "— chọn cán bộ —")] + [
            (p.pk, f"{p.full_name} ({p.code})" if p.code else p.full_name) for p in people
        ]
        titles.choices = _choices(person_titles(unit))


class ReviewForm(VersionForm):
    reason = forms.CharField(
        label="Lý do trả lại", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ImportForm(forms.Form):
    file = forms.FileField(label="Tệp Excel đăng ký thi đua (.xlsx)")


# --- lookups that 404 -----------------------------------------------------------------------------------------


def _cycle(cycle: int) -> int:
    if not MIN_CYCLE <= cycle <= timezone.localdate().year + 1:
        raise Http404("Không có năm thi đua này.")
    return cycle


def _get_unit_for_user(request: HttpRequest, unit_id: int) -> tuple[Unit, Viewer]:
    viewer = viewer_for(request.user)
    unit = Unit.objects.select_related("parent").filter(pk=unit_id).first()
    if unit is None or not registration_visible(viewer, unit):
        raise Http404("Không tìm thấy bản đăng ký thi đua.")
    return unit, viewer


def _login_first(request: HttpRequest) -> HttpResponseBase | None:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return None


def _place(form: forms.Form, exc: ValidationFailed) -> None:
    for p in exc.problems:
        field = p.field if p.field in form.fields and p.row is None else None
        text = str(p) if p.row is not None else p.message
        form.add_error(field, text[:1].upper() + text[1:])


def _forbidden(request: HttpRequest, exc: NotPermitted) -> HttpResponse:
    context = {"message": exc.message, "back_url": request.path}
    return render(request, "web/movements/forbidden.html", context, status=403)


def _page(unit: Unit, cycle: int) -> str:
    return reverse("web:registration", args=[unit.pk, cycle])


# --- the unit's list ------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def registration(request: HttpRequest, unit_id: int, cycle: int) -> HttpResponseBase:
    """The list: status, the collective's titles and each person's; the forms to add and remove (the unit's
    staff, the board, while a draft or returned), to send, to accept or return (the superior)."""
    login = _login_first(request)
    if login is not None:
        return login
    unit, viewer = _get_unit_for_user(request, unit_id)
    cycle = _cycle(cycle)
    current = registration_of(unit, cycle)
    people = people_of_unit(unit, cycle)
    version = current.version if current else 0
    collective_form = CollectiveForm(unit=unit, initial={"version": version})
    person_form = PersonForm(unit=unit, people=people, initial={"version": version})
    review_form = ReviewForm(initial={"version": version})
    import_form = ImportForm()
    action_errors: list[str] = []
    status = 200
    if request.method == "POST":
        status = REFUSED
        action = request.POST.get("action", "")
        try:
            done = _post(request, unit, cycle, current, action, people)
        except NotPermitted as exc:
            return _forbidden(request, exc)
        if isinstance(done, str):
            messages.success(request, done)
            return redirect(_page(unit, cycle))
        if action == "collective":
            collective_form = done  # type: ignore[assignment]
        elif action == "person":
            person_form = done  # type: ignore[assignment]
        elif action in ("accept", "return"):
            review_form = done  # type: ignore[assignment]
        elif action == "import":
            import_form = done  # type: ignore[assignment]
        else:
            action_errors = [str(e) for errors in done.errors.values() for e in errors]
    lines = registration_lines(current) if current else []
    editable = current is None or current.is_editable
    context = {
        "unit": unit,
        "cycle": cycle,
        "cycles": list(range(timezone.localdate().year + 1, timezone.localdate().year - 4, -1)),
        "registration": current,
        "version": version,
        "collective_lines": [(x, title_name(x.title)) for x in lines if x.person is None],
        "person_lines": [(x, title_name(x.title)) for x in lines if x.person is not None],
        "people_count": len(people),
        "registered_people": len({x.person_id for x in lines if x.person_id}),
        "superior": superior_name(unit),
        "can_edit": may_edit(viewer, unit) and editable,
        "can_send": may_edit(viewer, unit) and current is not None and current.is_editable and bool(lines),
        "can_review": current is not None
        and current.status == RegistrationStatus.SUBMITTED
        and may_review(viewer, unit),
        "collective_form": collective_form,
        "person_form": person_form,
        "review_form": review_form,
        "import_form": import_form,
        "action_errors": action_errors,
    }
    return render(request, "web/movements/registration.html", context, status=status)


def _post(
    request: HttpRequest,
    unit: Unit,
    cycle: int,
    current: TitleRegistration | None,
    action: str,
    people: list[Person],
) -> str | forms.Form:
    """Do the action; a message on success, else the bound form carrying the refusal."""
    if action == "collective":
        form: forms.Form = CollectiveForm(request.POST, unit=unit)
    elif action == "person":
        form = PersonForm(request.POST, unit=unit, people=people)
    elif action in ("accept", "return", "submit", "remove"):
        form = ReviewForm(request.POST)
    elif action == "import":
        form = ImportForm(request.POST, request.FILES)
    else:
        form = forms.Form()
        form.add_error(None, "Thao tác không hợp lệ.")
        return form
    if not form.is_valid():
        return form
    data = form.cleaned_data
    try:
        if action in ("collective", "person", "import"):
            registration = current or registration_get_or_create(actor=request.user, unit=unit, cycle=cycle)
            if action == "import":
                upload = data["file"]
                if upload.size > MAX_UPLOAD:
                    raise ValidationFailed(Problem("tệp lớn hơn 30 MB", field="file"))
                result = registration_import(
                    actor=request.user, registration=registration, filename=upload.name, data=upload.read()
                )
                return f"Đã nhập bản đăng ký từ Excel: {result.lines} danh hiệu đăng ký."
            if action == "collective":
                lines = [LineInput(data["title"])]
            else:
                person = next((p for p in people if p.pk == data["person"]), None)
                if person is None:
                    raise ValidationFailed(Problem("chọn một cán bộ của đơn vị", field="person"))
                lines = [LineInput(code, person) for code in data["titles"]]
            # version 0: the page showed no list yet; the one just opened (empty, version 1) is that one
            version = data["version"]
            if version == 0 and registration.version == 1 and not registration.lines.exists():
                version = 1
            registration_lines_add(
                actor=request.user, registration=registration, lines=lines, version=version
            )
            return f"Đã thêm {len(lines)} danh hiệu đăng ký."
        if current is None:
            raise ValidationFailed(Problem("chưa có bản đăng ký", field="version"))
        if action == "remove":
            line_id = request.POST.get("line", "")
            registration_line_remove(
                actor=request.user,
                registration=current,
                line_id=int(line_id) if line_id.isdigit() else 0,
                version=data["version"],
            )
            return "Đã bỏ một danh hiệu khỏi bản đăng ký."
        registration_transition(
            actor=request.user,
            registration=current,
            action=action,
            reason=data.get("reason", ""),
            version=data["version"],
        )
    except ValidationFailed as exc:
        _place(form, exc)
        return form
    return {
        "submit": f"Đã gửi bản đăng ký tới {superior_name(unit)}.",
        "accept": "Đã tiếp nhận bản đăng ký.",
        "return": "Đã trả lại bản đăng ký cho đơn vị.",
    }[action]


@require_GET
def registration_template_xlsx(request: HttpRequest, unit_id: int, cycle: int) -> HttpResponseBase:
    login = _login_first(request)
    if login is not None:
        return login
    unit, _viewer = _get_unit_for_user(request, unit_id)
    cycle = _cycle(cycle)
    response = HttpResponse(registration_template(unit, cycle), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{template_filename(unit, cycle)}"'
    return response


def _document(request: HttpRequest, unit_id: int, cycle: int) -> TitleRegistration:
    if not request.user.is_authenticated:
        raise Http404("Không tìm thấy bản đăng ký thi đua.")
    unit, _viewer = _get_unit_for_user(request, unit_id)
    current = registration_of(unit, _cycle(cycle))
    if current is None:
        raise Http404("Chưa có bản đăng ký thi đua.")
    return current


def _filename(registration: TitleRegistration, ext: str) -> str:
    return f"dang-ky-thi-dua-{registration.unit.code}-{registration.cycle}.{ext}".lower()


@require_GET
def registration_docx(request: HttpRequest, unit_id: int, cycle: int) -> HttpResponse:
    current = _document(request, unit_id, cycle)
    response = HttpResponse(to_docx(registration_document(current)), content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="{_filename(current, "docx")}"'
    return response


@require_GET
def registration_pdf(request: HttpRequest, unit_id: int, cycle: int) -> HttpResponse:
    current = _document(request, unit_id, cycle)
    response = HttpResponse(to_pdf(registration_document(current)), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename(current, "pdf")}"'
    return response


# --- the superior's list --------------------------------------------------------------------------------------


@require_GET
def registrations(request: HttpRequest) -> HttpResponseBase:
    """The lists sent to the viewer as superior (all of them, for the board), by cycle; and a link to the
    viewer's own unit's list."""
    login = _login_first(request)
    if login is not None:
        return login
    viewer = viewer_for(request.user)
    if viewer.is_public:
        raise Http404("Không tìm thấy trang.")
    today = timezone.localdate()
    text = request.GET.get("nam", "")
    cycle = int(text) if text.isdigit() and MIN_CYCLE <= int(text) <= today.year + 1 else today.year
    rows = list(registrations_to_review(viewer, cycle).order_by("unit__name"))
    own = Unit.objects.filter(pk=viewer.unit_id).first() if viewer.unit_id else None
    context = {
        "cycle": cycle,
        "cycles": list(range(today.year + 1, today.year - 4, -1)),
        "rows": rows,
        "waiting": sum(1 for r in rows if r.status == RegistrationStatus.SUBMITTED),
        "own": own,
        "is_board": viewer.is_board,
        "titles": catalogue.CATALOGUE,
    }
    return render(request, "web/movements/registrations.html", context)
