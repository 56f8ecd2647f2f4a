"""Proposal dossiers on the web (`/ho-so/`): the list, a new dossier, the dossier itself — lines, documents,
the checklist, the steps with their deadlines, and the actions the viewer may take —, one-click proposals
from the candidates page, the decision, and the public registry of decisions (`/quyet-dinh/`).

Who sees a dossier: `dossiers.selectors.dossiers_for` (the proposer's staff; the receiver; the assigned
specialist); anyone else gets 404. Forms only parse; the services decide and their Vietnamese refusals are
shown on the field, status 400, nothing written.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tdkt.awards.catalogue_selectors import title_name
from tdkt.awards.models import CatalogueEntry
from tdkt.awards.selectors import people_of_unit
from tdkt.clusters.models import ClusterYear
from tdkt.clusters.scopes import Viewer, viewer_for
from tdkt.core.errors import NotPermitted, ValidationFailed
from tdkt.dossiers import states, tracks
from tdkt.dossiers.council import council_done
from tdkt.dossiers.decisions import (
    decision_correct,
    decision_document,
    decision_draft,
    decision_revoke,
    decision_sign,
)
from tdkt.dossiers.documents import achievement_report, dossier_zip, list_document, submission_document
from tdkt.dossiers.from_vote import dossier_from_ballot, dossier_of_ballot
from tdkt.dossiers.models import (
    Certificate,
    Decision,
    Dossier,
    DossierDocument,
    DossierLine,
    PostingComment,
    PrintJob,
)
from tdkt.dossiers.posting import posted_dossiers, posting_comment_add, posting_comment_answer, posting_ends
from tdkt.dossiers.printing import print_job_start
from tdkt.dossiers.selectors import (
    actions_for,
    decisions_search,
    dossier_for,
    dossiers_for,
    line_rows,
    track_name,
    work_calendar,
)
from tdkt.dossiers.services import (
    at_province,
    decides_here,
    dossier_act,
    dossier_create,
    dossier_document_add,
    dossier_line_add,
    dossier_line_remove,
    dossier_missing,
    dossier_roles,
)
from tdkt.dossiers.xlsx_lines import lines_import, lines_template
from tdkt.org.models import Person, Unit
from tdkt.reports.documents import AdminDocument, to_docx, to_pdf
from tdkt.voting.models import Ballot
from tdkt.web.dossiers.forms import (
    ActForm,
    AnswerForm,
    CommentForm,
    CorrectForm,
    DocumentForm,
    DossierNewForm,
    LineForm,
    RevokeForm,
    SignForm,
)

REFUSED = 400
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ACTION_BUTTONS = {
    states.SEND: "Gửi hồ sơ",
    states.WITHDRAW: "Rút hồ sơ về để sửa",
    states.RECEIVE: "Tiếp nhận hồ sơ",
    states.RETURN: "Trả lại (ghi lý do)",
    states.ASSIGN: "Giao chuyên viên thẩm định",
    states.CHECK: "Hoàn thành thẩm định",
    states.POST: "Công khai danh sách lấy ý kiến",
    states.TO_COUNCIL: "Trình Hội đồng",
    states.APPROVE: "Thống nhất đề nghị",
    states.FORWARD: "Trình cấp trên",
}


def _place(form: Any, exc: ValidationFailed) -> None:
    for p in exc.problems:
        shown = p.field in form.fields and not form.fields[p.field].widget.is_hidden
        field = p.field if shown else None
        text = p.message[:1].upper() + p.message[1:]
        form.add_error(field, f"Dòng {p.row}: {text}" if p.row else text)


def _forbidden(request: HttpRequest, exc: NotPermitted, back: str) -> HttpResponse:
    return render(
        request, "web/movements/forbidden.html", {"message": exc.message, "back_url": back}, status=403
    )


def _dossier(request: HttpRequest, dossier_id: int) -> tuple[Dossier, Viewer]:
    viewer = viewer_for(request.user)
    dossier = dossier_for(viewer, dossier_id)
    if dossier is None:
        raise Http404("Không tìm thấy hồ sơ")
    return dossier, viewer


def _proposable_tracks(viewer: Viewer) -> list[tuple[str, str]]:
    found = []
    for spec in tracks.all_tracks().values():
        by_unit = spec.proposer == tracks.BY_UNIT and viewer.unit_id is not None
        by_cluster = spec.proposer == tracks.BY_CLUSTER and bool(viewer.head_of)
        if by_unit or by_cluster:
            found.append((spec.code, spec.name))
    return found


@login_required
@require_GET
def dossiers(request: HttpRequest) -> HttpResponse:
    """The viewer's dossiers: their own unit's, and those they receive or check."""
    viewer = viewer_for(request.user)
    rows = dossiers_for(viewer)
    state = request.GET.get("trang_thai", "")
    if state in states.STATE_NAMES:
        rows = rows.filter(state=state)
    context = {
        "rows": [(d, track_name(d.track), states.STATE_NAMES[d.state]) for d in rows[:500]],
        "state": state,
        "state_choices": list(states.STATE_NAMES.items()),
        "may_create": bool(_proposable_tracks(viewer)),
        "today": dt.date.today(),
    }
    return render(request, "web/dossiers/list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def dossier_new(request: HttpRequest) -> HttpResponse:
    viewer = viewer_for(request.user)
    choices = _proposable_tracks(viewer)
    if not choices:
        raise Http404("Không có loại hồ sơ nào bạn được lập")
    cluster_years = [
        (cy.pk, f"{cy.cluster.name} – năm {cy.year}")
        for cy in ClusterYear.objects.filter(pk__in=viewer.head_of)
        .select_related("cluster")
        .order_by("-year")
    ]
    form = DossierNewForm(
        request.POST or None,
        tracks=choices,
        cluster_years=cluster_years,
        initial={"cycle": dt.date.today().year},
    )
    status = 200
    if request.method == "POST":
        status = REFUSED
        if form.is_valid():
            data = form.cleaned_data
            cluster_year = ClusterYear.objects.filter(pk=data.get("cluster_year") or 0).first()
            proposer = _proposer(viewer, data["track"], cluster_year)
            try:
                dossier = dossier_create(
                    actor=request.user,
                    track=data["track"],
                    cycle=data["cycle"],
                    proposer=proposer,
                    subject=data["subject"],
                    cluster_year=cluster_year,
                )
            except ValidationFailed as exc:
                _place(form, exc)
            except NotPermitted as exc:
                return _forbidden(request, exc, reverse("web:dossiers"))
            else:
                messages.success(
                    request, "Đã lập hồ sơ. Thêm người, tập thể được đề nghị và tài liệu rồi gửi."
                )
                return redirect("web:dossier", dossier_id=dossier.pk)
    return render(request, "web/dossiers/new.html", {"form": form}, status=status)


def _proposer(viewer: Viewer, track: str, cluster_year: ClusterYear | None) -> Unit:
    spec = tracks.track(track)
    if spec.proposer == tracks.BY_CLUSTER and cluster_year is not None:
        role = cluster_year.roles.filter(role="head").select_related("unit").first()
        if role is not None:
            return role.unit
    unit = Unit.objects.filter(pk=viewer.unit_id or 0).first()
    if unit is None:
        raise Http404("Tài khoản không thuộc đơn vị nào")
    return unit


def _subject_choices(dossier: Dossier) -> list[tuple[str, str]]:
    spec = tracks.track(dossier.track)
    found: list[tuple[str, str]] = []
    if "individual" in spec.subjects:
        found += [(f"p{p.pk}", p.full_name) for p in people_of_unit(dossier.proposer, dossier.cycle)]
    if {"collective", "commune"} & set(spec.subjects):
        if dossier.cluster_year_id is not None:
            units = [m.unit for m in dossier.cluster_year.members.select_related("unit")]  # type: ignore[union-attr]
        else:
            units = [dossier.proposer, *Unit.objects.filter(parent=dossier.proposer, valid_to__isnull=True)]
        found += [(f"u{u.pk}", f"Tập thể: {u.name}") for u in units]
    return found


def _title_choices(dossier: Dossier) -> list[tuple[str, str]]:
    spec = tracks.track(dossier.track)
    codes = spec.titles or tuple(CatalogueEntry.objects.filter(active=True).values_list("code", flat=True))
    return [(code, title_name(code)) for code in codes]


def _document_kinds(dossier: Dossier) -> list[tuple[str, str]]:
    spec = tracks.track(dossier.track)
    kinds = [(d.kind, d.name) for d in spec.documents if d.source != tracks.DOC_GENERATED]
    return [*kinds, ("khac", "Tài liệu khác")]


def _specialists(dossier: Dossier) -> list[tuple[int, str]]:
    """Who may check the dossier: the board's accounts at the province, the receiving unit's staff below."""
    users = get_user_model().objects.filter(is_active=True).order_by("username")
    if at_province(dossier) and tracks.track(dossier.track).receiver == tracks.TO_PROVINCE:
        users = users.filter(account__role="board")
    else:
        users = users.filter(account__unit_id=dossier.receiver_id)
    return [(u.pk, f"{u.last_name} {u.first_name}".strip() or u.get_username()) for u in users]


@require_http_methods(["GET", "POST"])
def dossier(request: HttpRequest, dossier_id: int) -> HttpResponse:
    """A dossier: lines, documents, checklist, steps, and what the viewer may do next."""
    if not request.user.is_authenticated:
        raise Http404("Không tìm thấy hồ sơ")
    record, viewer = _dossier(request, dossier_id)
    spec = tracks.track(record.track)
    roles = dossier_roles(viewer, record)
    editable = states.PROPOSER in roles and record.state in states.EDITABLE
    line_form = (
        LineForm(subjects=_subject_choices(record), titles=_title_choices(record)) if editable else None
    )
    document_form = DocumentForm(kinds=_document_kinds(record)) if editable else None
    act_form = ActForm(initial={"version": record.version}, specialists=_specialists(record))
    status = 200
    xlsx_problems: list[Any] = []
    if request.method == "POST":
        status = REFUSED
        what = request.POST.get("what", "")
        try:
            if what == "line" and editable:
                line_form = LineForm(
                    request.POST, subjects=_subject_choices(record), titles=_title_choices(record)
                )
                if line_form.is_valid():
                    data = line_form.cleaned_data
                    kind, pk = data["subject"][0], int(data["subject"][1:])
                    try:
                        dossier_line_add(
                            actor=request.user,
                            dossier=record,
                            title=data["title"],
                            person=Person.objects.get(pk=pk) if kind == "p" else None,
                            unit=Unit.objects.get(pk=pk) if kind == "u" else None,
                            note=data["note"],
                        )
                    except ValidationFailed as exc:
                        _place(line_form, exc)
                    else:
                        messages.success(request, "Đã thêm vào danh sách đề nghị.")
                        return redirect("web:dossier", dossier_id=record.pk)
            elif what == "xlsx" and editable:
                upload = request.FILES.get("file")
                if upload is None or (upload.size or 0) > 10 * 1024 * 1024:
                    messages.error(request, "Chưa chọn tệp Excel, hoặc tệp lớn quá 10 MB.")
                else:
                    try:
                        added = lines_import(actor=request.user, dossier=record, data=upload.read())
                    except ValidationFailed as exc:
                        xlsx_problems = exc.problems
                    else:
                        messages.success(request, f"Đã thêm {len(added)} dòng từ tệp Excel.")
                        return redirect("web:dossier", dossier_id=record.pk)
            elif what == "remove" and editable:
                line = DossierLine.objects.filter(
                    dossier=record, pk=request.POST.get("line", "0") or 0
                ).first()
                if line is None:
                    raise Http404("Không tìm thấy dòng")
                dossier_line_remove(actor=request.user, line=line)
                messages.success(request, "Đã bỏ dòng khỏi danh sách.")
                return redirect("web:dossier", dossier_id=record.pk)
            elif what == "document" and editable:
                document_form = DocumentForm(request.POST, request.FILES, kinds=_document_kinds(record))
                if document_form.is_valid():
                    upload = document_form.cleaned_data["file"]
                    try:
                        dossier_document_add(
                            actor=request.user,
                            dossier=record,
                            kind=document_form.cleaned_data["kind"],
                            name=document_form.cleaned_data["name"],
                            filename=upload.name,
                            content=upload.read(),
                        )
                    except ValidationFailed as exc:
                        _place(document_form, exc)
                    else:
                        messages.success(request, "Đã đính kèm tài liệu.")
                        return redirect("web:dossier", dossier_id=record.pk)
            elif what == "act":
                act_form = ActForm(request.POST, specialists=_specialists(record))
                if act_form.is_valid():
                    data = act_form.cleaned_data
                    specialist = get_user_model().objects.filter(pk=data["specialist"] or 0).first()
                    try:
                        record = dossier_act(
                            actor=request.user,
                            dossier=record,
                            action=data["action"],
                            version=data["version"],
                            reason=data["reason"],
                            specialist=specialist,
                        )
                    except ValidationFailed as exc:
                        _place(act_form, exc)
                    else:
                        messages.success(
                            request, f"Đã thực hiện: {states.ACTION_NAMES[data['action']].lower()}."
                        )
                        return redirect("web:dossier", dossier_id=record.pk)
        except NotPermitted as exc:
            return _forbidden(request, exc, reverse("web:dossier", args=[record.pk]))
    calendar = work_calendar()
    posting_over = (
        record.posted_on is not None
        and calendar.between(record.posted_on, dt.date.today()) >= spec.posting_days
    )
    context_flags = states.Context(
        roles=roles,
        needs_posting=spec.needs_posting,
        posting_over=posting_over,
        needs_council=spec.council,
        council_done=council_done(record),
        decides_here=decides_here(record),
        forward_in_system=not at_province(record),
    )
    actions = [a for a in actions_for(record, roles, context_flags) if a != states.DECIDE]
    recheck = record.state in (states.CHECKING, states.CHECKED) and bool(
        roles & {states.SPECIALIST, states.RECEIVER}
    )
    context = {
        "dossier": record,
        "track": spec,
        "state_name": states.STATE_NAMES[record.state],
        "roles": roles,
        "lines": line_rows(record, recheck=recheck),
        "recheck": recheck,
        "documents": list(record.documents.all()),
        "missing": dossier_missing(record) if record.state in states.EDITABLE else [],
        "steps": [(s, states.ACTION_NAMES[s.action]) for s in record.steps.select_related("actor")],
        "actions": [(a, ACTION_BUTTONS[a]) for a in actions],
        "act_form": act_form,
        "line_form": line_form,
        "document_form": document_form,
        "editable": editable,
        "overdue": record.due_on is not None and record.due_on < dt.date.today(),
        "decision": Decision.objects.filter(dossier=record).first(),
        "may_decide": states.DECIDER in roles
        and record.state in (states.APPROVED, states.DECIDED)
        and decides_here(record),
        "may_export": record.state in (states.APPROVED, states.FORWARDED, states.DECIDED),
        "receiver_name": tracks.RECEIVERS[spec.receiver],
        "comments": list(record.comments.select_related("line__person", "line__unit"))
        if spec.needs_posting
        else [],
        "may_answer": viewer.is_board,
        "posting_ends": posting_ends(record),
        "xlsx_problems": xlsx_problems,
    }
    return render(request, "web/dossiers/dossier.html", context, status=status)


def _document_response(document: AdminDocument, name: str, kind: str) -> HttpResponse:
    if kind == "pdf":
        return HttpResponse(
            to_pdf(document),
            content_type="application/pdf",
            headers={"Content-Disposition": f'attachment; filename="{name}.pdf"'},
        )
    return HttpResponse(
        to_docx(document),
        content_type=DOCX,
        headers={"Content-Disposition": f'attachment; filename="{name}.docx"'},
    )


@login_required
@require_GET
def dossier_file(request: HttpRequest, dossier_id: int, which: str, kind: str) -> HttpResponse:
    """The submission or the list, as .docx or PDF, for whoever sees the dossier."""
    record, _ = _dossier(request, dossier_id)
    if which == "to-trinh":
        return _document_response(submission_document(record), f"to-trinh-ho-so-{record.pk}", kind)
    if which == "danh-sach":
        return _document_response(list_document(record), f"danh-sach-ho-so-{record.pk}", kind)
    raise Http404("Không có văn bản này")


@login_required
@require_GET
def dossier_zip_view(request: HttpRequest, dossier_id: int) -> HttpResponse:
    record, _ = _dossier(request, dossier_id)
    try:
        data = dossier_zip(record)
    except ValueError as exc:
        raise Http404(str(exc)) from None
    return HttpResponse(
        data,
        content_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="ho-so-{record.pk}.zip"'},
    )


@login_required
@require_GET
def dossier_document(request: HttpRequest, dossier_id: int, document_id: int) -> FileResponse:
    record, _ = _dossier(request, dossier_id)
    document = DossierDocument.objects.filter(dossier=record, pk=document_id).first()
    if document is None or not document.file:
        raise Http404("Không tìm thấy tài liệu")
    suffix = document.file.name.rsplit(".", 1)[-1]
    return FileResponse(
        document.file.open("rb"), as_attachment=True, filename=f"{document.kind}-{record.pk}.{suffix}"
    )


@login_required
@require_POST
def dossier_from_vote(request: HttpRequest, ballot_id: int) -> HttpResponse:
    """ "Lập hồ sơ đề nghị" on a conference's counted flag or Bằng khen ballot: the head's staff get the
    cluster's draft dossier with the elected units as its lines (`dossiers.from_vote`)."""
    ballot = Ballot.objects.select_related("conference").filter(pk=ballot_id).first()
    viewer = viewer_for(request.user)
    if ballot is None or ballot.conference.cluster_year_id is None:
        raise Http404("Không tìm thấy lần bỏ phiếu")
    back = reverse("web:conference", args=[ballot.conference_id]) + f"#ballot-{ballot.pk}"
    existing = dossier_of_ballot(ballot)
    if existing is not None and dossier_for(viewer, existing.pk) is not None:
        messages.info(request, f"Đã lập {existing} từ lần bỏ phiếu này.")
        return redirect("web:dossier", dossier_id=existing.pk)
    try:
        record = dossier_from_ballot(actor=request.user, ballot=ballot)
    except NotPermitted as exc:
        return _forbidden(request, exc, back)
    except ValidationFailed as exc:
        for p in exc.problems:
            messages.error(request, p.message[:1].upper() + p.message[1:])
        return redirect(back)
    messages.success(
        request,
        f"Đã lập hồ sơ với {record.lines.count()} đơn vị được suy tôn; biên bản và kết quả bỏ phiếu đã gắn "
        "theo hội nghị. Bổ sung báo cáo thành tích rồi gửi hồ sơ.",
    )
    return redirect("web:dossier", dossier_id=record.pk)


@login_required
@require_POST
def dossier_propose(request: HttpRequest) -> HttpResponse:
    """One click on the candidates page: the person (or the unit) joins the unit's draft dossier for that
    title and year, a new one if there is none."""
    viewer = viewer_for(request.user)
    unit = Unit.objects.filter(pk=request.POST.get("unit", "0") or 0).first()
    title = request.POST.get("title", "")
    try:
        cycle = int(request.POST.get("cycle", ""))
    except ValueError:
        raise Http404("Năm không hợp lệ") from None
    if unit is None or not viewer.is_staff_of(unit.pk):
        raise Http404("Không tìm thấy đơn vị")
    person = Person.objects.filter(pk=request.POST.get("person", "0") or 0).first()
    back = reverse("web:unit_candidates", args=[unit.pk]) + f"?nam={cycle}"
    spec = next(
        (
            t
            for t in tracks.all_tracks().values()
            if t.proposer == tracks.BY_UNIT and t.titles and title in t.titles
        ),
        None,
    )
    if spec is None:
        messages.error(request, f"Chưa có loại hồ sơ nào đề nghị “{title_name(title)}”.")
        return redirect(back)
    try:
        record = (
            Dossier.objects.filter(proposer=unit, track=spec.code, cycle=cycle, state__in=states.EDITABLE)
            .order_by("-id")
            .first()
        )
        if record is None:
            record = dossier_create(
                actor=request.user,
                track=spec.code,
                cycle=cycle,
                proposer=unit,
                subject=f"Đề nghị {spec.name.lower()} năm {cycle}",
            )
        dossier_line_add(
            actor=request.user, dossier=record, title=title, person=person, unit=None if person else unit
        )
    except ValidationFailed as exc:
        messages.error(request, exc.problems[0].message[:1].upper() + exc.problems[0].message[1:])
        return redirect(back)
    except NotPermitted as exc:
        return _forbidden(request, exc, back)
    who = person.full_name if person else unit.name
    messages.success(request, f"Đã đưa {who} vào {record} ({title_name(title)}).")
    return redirect(back)


@require_http_methods(["GET", "POST"])
def dossier_decision(request: HttpRequest, dossier_id: int) -> HttpResponse:
    """The decision of an approved dossier: drafted, then signed by the authority that decides it."""
    if not request.user.is_authenticated:
        raise Http404("Không tìm thấy hồ sơ")
    record, viewer = _dossier(request, dossier_id)
    if states.DECIDER not in dossier_roles(viewer, record):
        raise Http404("Không tìm thấy hồ sơ")
    form = SignForm(request.POST or None)
    status = 200
    try:
        decision = Decision.objects.filter(dossier=record).first() or decision_draft(
            actor=request.user, dossier=record
        )
    except ValidationFailed as exc:
        messages.error(request, exc.problems[0].message[:1].upper() + exc.problems[0].message[1:])
        return redirect("web:dossier", dossier_id=record.pk)
    if request.method == "POST":
        status = REFUSED
        if form.is_valid():
            try:
                decision = decision_sign(actor=request.user, decision=decision, **form.cleaned_data)
            except ValidationFailed as exc:
                _place(form, exc)
            except NotPermitted as exc:
                return _forbidden(request, exc, reverse("web:dossier", args=[record.pk]))
            else:
                messages.success(
                    request, f"Đã ký {decision}: các khen thưởng đã được ghi vào hồ sơ từng người."
                )
                return redirect("web:decision", decision_id=decision.pk)
    context = {"dossier": record, "decision": decision, "form": form, "document": decision_document(decision)}
    return render(request, "web/dossiers/decision_sign.html", context, status=status)


def _decision_visible(request: HttpRequest, decision: Decision) -> bool:
    if decision.number and decision.public:
        return True
    if not request.user.is_authenticated:
        return False
    return dossier_for(viewer_for(request.user), decision.dossier_id) is not None


@require_GET
def decisions(request: HttpRequest) -> HttpResponse:
    """The registry of signed decisions: by number, person, unit, year; public ones for everyone."""
    query = request.GET.get("q", "")[:100]
    year_text = request.GET.get("nam", "")
    year = int(year_text) if year_text.isdigit() and len(year_text) == 4 else None
    rows = decisions_search(query=query, year=year, public_only=not request.user.is_authenticated)
    return render(request, "web/dossiers/decisions.html", {"rows": rows[:200], "q": query, "year": year_text})


@require_http_methods(["GET", "POST"])
def decision(request: HttpRequest, decision_id: int) -> HttpResponse:
    """A decision and its list; for the board, its correction (đính chính) and revocation (hủy bỏ)."""
    record = (
        Decision.objects.select_related("dossier__proposer", "authority_unit").filter(pk=decision_id).first()
    )
    if record is None or not _decision_visible(request, record):
        raise Http404("Không tìm thấy quyết định")
    viewer = viewer_for(request.user)
    correct_form = CorrectForm(initial={"number": record.number, "signed_on": record.signed_on})
    revoke_form = RevokeForm()
    status = 200
    if request.method == "POST":
        if not viewer.is_board:
            raise Http404("Không tìm thấy quyết định")
        status = REFUSED
        what = request.POST.get("what")
        try:
            if what == "correct":
                correct_form = CorrectForm(request.POST)
                if correct_form.is_valid():
                    data = correct_form.cleaned_data
                    try:
                        decision_correct(
                            actor=request.user,
                            decision=record,
                            reason=data["reason"],
                            version=data["version"],
                            number=data["number"],
                            signed_on=data["signed_on"],
                        )
                    except ValidationFailed as exc:
                        _place(correct_form, exc)
                    else:
                        messages.success(
                            request, "Đã đính chính quyết định và các khen thưởng đã ghi theo quyết định."
                        )
                        return redirect("web:decision", decision_id=record.pk)
            elif what == "revoke":
                revoke_form = RevokeForm(request.POST)
                if revoke_form.is_valid():
                    data = revoke_form.cleaned_data
                    try:
                        decision_revoke(
                            actor=request.user,
                            decision=record,
                            revoked_on=data["revoked_on"],
                            reason=data["reason"],
                            version=data["version"],
                        )
                    except ValidationFailed as exc:
                        _place(revoke_form, exc)
                    else:
                        messages.success(
                            request, "Đã hủy bỏ quyết định và các khen thưởng đã ghi theo quyết định."
                        )
                        return redirect("web:decision", decision_id=record.pk)
        except NotPermitted as exc:
            return _forbidden(request, exc, reverse("web:decision", args=[record.pk]))
    lines = list(record.dossier.lines.filter(excluded_reason="").select_related("person", "unit", "award"))
    context = {
        "decision": record,
        "lines": [(line, title_name(line.title)) for line in lines],
        "may_print": bool(record.number)
        and record.revoked_on is None
        and request.user.is_authenticated
        and states.DECIDER in dossier_roles(viewer, record.dossier),
        "may_amend": viewer.is_board and bool(record.number) and record.revoked_on is None,
        "correct_form": correct_form,
        "revoke_form": revoke_form,
    }
    return render(request, "web/dossiers/decision.html", context, status=status)


@require_GET
def decision_file(request: HttpRequest, decision_id: int, kind: str) -> HttpResponse:
    record = Decision.objects.select_related("dossier", "authority_unit").filter(pk=decision_id).first()
    if record is None or not _decision_visible(request, record):
        raise Http404("Không tìm thấy quyết định")
    return _document_response(decision_document(record), f"quyet-dinh-{record.pk}", kind)


@require_GET
def certificate_verify(request: HttpRequest, token: str) -> HttpResponse:
    """The public page a certificate's QR code opens: it confirms the award, or says it was revoked."""
    certificate = (
        Certificate.objects.select_related("award__person", "award__unit", "decision__authority_unit")
        .filter(token=token)
        .first()
    )
    if certificate is None:
        raise Http404("Không tìm thấy giấy chứng nhận này")
    award = certificate.award
    context = {
        "certificate": certificate,
        "award": award,
        "subject": award.person.full_name if award.person else (award.unit.name if award.unit else ""),
        "title": title_name(award.title),
        "decision": certificate.decision,
    }
    return render(request, "web/dossiers/certificate_verify.html", context)


@login_required
@require_POST
def decision_certificates(request: HttpRequest, decision_id: int) -> HttpResponse:
    """Print the decision's documents and certificates in the background, for the authority that signed."""
    record = Decision.objects.select_related("dossier", "authority_unit").filter(pk=decision_id).first()
    if record is None or states.DECIDER not in dossier_roles(viewer_for(request.user), record.dossier):
        raise Http404("Không tìm thấy quyết định")
    try:
        job = print_job_start(actor=request.user, decision=record)
    except ValidationFailed as exc:
        messages.error(request, exc.problems[0].message[:1].upper() + exc.problems[0].message[1:])
        return redirect("web:decision", decision_id=record.pk)
    except NotPermitted as exc:
        return _forbidden(request, exc, reverse("web:decision", args=[record.pk]))
    return redirect("web:print_job", job_id=job.pk)


def _print_job(request: HttpRequest, job_id: int) -> PrintJob:
    job = PrintJob.objects.select_related("decision__dossier").filter(pk=job_id).first()
    if job is None or not request.user.is_authenticated:
        raise Http404("Không tìm thấy lượt in")
    if states.DECIDER not in dossier_roles(viewer_for(request.user), job.decision.dossier):
        raise Http404("Không tìm thấy lượt in")
    return job


@require_GET
def print_job(request: HttpRequest, job_id: int) -> HttpResponse:
    """The print's progress (polled by htmx every second until it ends) and its files."""
    job = _print_job(request, job_id)
    template = (
        "web/dossiers/_print_progress.html"
        if request.headers.get("HX-Request")
        else "web/dossiers/print_job.html"
    )
    return render(request, template, {"job": job})


@require_GET
def print_job_file(request: HttpRequest, job_id: int, which: str) -> FileResponse:
    job = _print_job(request, job_id)
    files = {"docx": job.decision_docx, "pdf": job.decision_pdf, "bang-khen": job.certificates_pdf}
    stored = files.get(which)
    if stored is None or not stored:
        raise Http404("Chưa có tệp này")
    return FileResponse(stored.open("rb"), as_attachment=True, filename=stored.name.rsplit("/", 1)[-1])


@require_GET
def postings(request: HttpRequest) -> HttpResponse:
    """The lists on public posting before the council, for everyone."""
    rows = [(d, posting_ends(d)) for d in posted_dossiers()]
    return render(request, "web/dossiers/postings.html", {"rows": rows})


@require_http_methods(["GET", "POST"])
def posting(request: HttpRequest, dossier_id: int) -> HttpResponse:
    """A posted list and the form to comment on it, with a name and an address (Decree 98/2023 Art. 46)."""
    record = Dossier.objects.select_related("proposer").filter(pk=dossier_id, state=states.POSTED).first()
    if record is None:
        raise Http404("Danh sách không còn trong thời gian công khai")
    rows = line_rows(record, recheck=False)
    choices = [
        (row.line.pk, f"{row.name} – {row.title_name}") for row in rows if not row.line.excluded_reason
    ]
    form = CommentForm(request.POST or None, lines=choices)
    status = 200
    if request.method == "POST":
        status = REFUSED
        if form.is_valid():
            data = form.cleaned_data
            if data["website"]:
                # A robot: thank it and store nothing.
                messages.success(request, "Đã nhận góp ý. Cảm ơn ông (bà).")
                return redirect("web:posting", dossier_id=record.pk)
            line = DossierLine.objects.filter(pk=data["line"] or 0, dossier=record).first()
            try:
                posting_comment_add(
                    dossier=record,
                    author_name=data["author_name"],
                    author_address=data["author_address"],
                    body=data["body"],
                    line=line,
                )
            except ValidationFailed as exc:
                _place(form, exc)
            else:
                messages.success(request, "Đã nhận góp ý. Cảm ơn ông (bà).")
                return redirect("web:posting", dossier_id=record.pk)
    context = {
        "dossier": record,
        "rows": [row for row in rows if not row.line.excluded_reason],
        "ends": posting_ends(record),
        "citation": tracks.track(record.track).citation,
        "form": form,
    }
    return render(request, "web/dossiers/posting.html", context, status=status)


@login_required
@require_POST
def posting_answer(request: HttpRequest, dossier_id: int) -> HttpResponse:
    record, _ = _dossier(request, dossier_id)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Chưa ghi nội dung trả lời.")
        return redirect("web:dossier", dossier_id=record.pk)
    comment = PostingComment.objects.filter(dossier=record, pk=form.cleaned_data["comment"]).first()
    if comment is None:
        raise Http404("Không tìm thấy góp ý")
    try:
        posting_comment_answer(actor=request.user, comment=comment, answer=form.cleaned_data["answer"])
    except NotPermitted as exc:
        return _forbidden(request, exc, reverse("web:dossier", args=[record.pk]))
    except ValidationFailed as exc:
        messages.error(request, exc.problems[0].message[:1].upper() + exc.problems[0].message[1:])
    else:
        messages.success(request, "Đã ghi câu trả lời.")
    return redirect("web:dossier", dossier_id=record.pk)


@login_required
@require_GET
def line_report(request: HttpRequest, dossier_id: int, line_id: int, kind: str) -> HttpResponse:
    """The draft achievement report of one line, from the records, for the unit to complete and sign."""
    record, _ = _dossier(request, dossier_id)
    line = DossierLine.objects.filter(dossier=record, pk=line_id, initiative__isnull=True).first()
    if line is None:
        raise Http404("Không tìm thấy dòng đề nghị")
    return _document_response(
        achievement_report(line), f"bao-cao-thanh-tich-{record.pk}-{line.position}", kind
    )


@login_required
@require_GET
def dossier_lines_template(request: HttpRequest, dossier_id: int) -> HttpResponse:
    record, _ = _dossier(request, dossier_id)
    return HttpResponse(
        lines_template(record),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="danh-sach-de-nghi-ho-so-{record.pk}.xlsx"'},
    )
