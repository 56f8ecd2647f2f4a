"""The covenant page (giao ước thi đua) of a cluster-year: the head's staff (or the board) draft and edit it,
each member's staff sign for their unit, everyone sees its status and who signed; the document downloads
as .docx and PDF. The forms only parse; `covenant_draft` and `covenant_member_sign` decide.

The document lists every member's targets: before the covenant is signed they are not public, so only the
head's staff, the board and the members' staff may download it until then (others get 404)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from tdkt.clusters.models import ClusterMember, ClusterYear
from tdkt.clusters.scopes import Viewer, viewer_for
from tdkt.core.errors import NotPermitted, ValidationFailed
from tdkt.movements.covenant_document import covenant_document
from tdkt.movements.models import Covenant, CovenantStatus
from tdkt.movements.services import covenant_draft, covenant_member_sign
from tdkt.reports.documents import to_docx, to_pdf

REFUSED = 400
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class DraftForm(forms.Form):
    text = forms.CharField(
        label="Nội dung giao ước", widget=forms.Textarea(attrs={"rows": 10}), max_length=20000
    )
    place = forms.CharField(label="Địa điểm ký", max_length=200, required=False)
    document_number = forms.CharField(label="Số văn bản", max_length=100, required=False)


class SignForm(forms.Form):
    signer_name = forms.CharField(label="Họ và tên người ký", max_length=120)
    signer_title = forms.CharField(label="Chức vụ người ký", max_length=160)


def _get_cluster_year_for_user(cy_id: int) -> ClusterYear:
    cluster_year = ClusterYear.objects.select_related("cluster__organiser").filter(pk=cy_id).first()
    if cluster_year is None:
        raise Http404("Không tìm thấy cụm thi đua")
    return cluster_year


def _get_document_for_user(request: HttpRequest, cy_id: int) -> Covenant:
    """The covenant whose document the viewer may download: a signed one for everyone; a draft for the
    head's staff, the board and the members' staff only."""
    cluster_year = _get_cluster_year_for_user(cy_id)
    covenant = Covenant.all_objects.filter(cluster_year=cluster_year).first()
    if covenant is None:
        raise Http404("Chưa có giao ước")
    if not covenant.is_signed:
        viewer = viewer_for(request.user)
        members = set(
            ClusterMember.objects.filter(cluster_year=cluster_year).values_list("unit_id", flat=True)
        )
        if not (viewer.manages(cy_id) or (viewer.unit_id is not None and viewer.unit_id in members)):
            raise Http404("Chưa có giao ước")
    return covenant


def _place_problems(form: forms.Form, exc: ValidationFailed) -> None:
    for p in exc.problems:
        field = p.field if p.field in form.fields else None
        form.add_error(field, p.message[:1].upper() + p.message[1:])


def _forbidden(request: HttpRequest, exc: NotPermitted) -> HttpResponse:
    context = {"message": exc.message, "back_url": request.path}
    return render(request, "web/movements/forbidden.html", context, status=403)


@require_http_methods(["GET", "POST"])
def covenant(request: HttpRequest, cy_id: int) -> HttpResponse:
    """The covenant: its status, text and signatures; the draft form (the head's staff, the board) and the
    signing form (a member's staff, for their unit)."""
    cluster_year = _get_cluster_year_for_user(cy_id)
    viewer: Viewer = viewer_for(request.user)
    current = Covenant.all_objects.filter(cluster_year=cluster_year).first()
    members = list(
        ClusterMember.objects.filter(cluster_year=cluster_year).select_related("unit").order_by("unit__name")
    )
    signed = {s.unit_id: s for s in current.signatories.all()} if current else {}
    is_open = current is None or current.status in (CovenantStatus.DRAFT, CovenantStatus.SIGNING)
    can_draft = viewer.manages(cy_id) and (current is None or current.status == CovenantStatus.DRAFT)
    own_unit = next((m.unit for m in members if viewer.is_staff_of(m.unit_id)), None)
    can_sign = current is not None and is_open and own_unit is not None and own_unit.pk not in signed
    draft_form = DraftForm(
        initial={"text": current.content, "place": current.place, "document_number": current.document_number}
        if current
        else None
    )
    sign_form = SignForm()
    status = 200
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        action = request.POST.get("action")
        status = REFUSED
        try:
            if action == "draft":
                draft_form = DraftForm(request.POST)
                if draft_form.is_valid():
                    try:
                        covenant_draft(
                            actor=request.user, cluster_year=cluster_year, **draft_form.cleaned_data
                        )
                    except ValidationFailed as exc:
                        _place_problems(draft_form, exc)
                    else:
                        messages.success(request, "Đã lưu dự thảo giao ước.")
                        return redirect("web:covenant", cy_id=cy_id)
            elif action == "sign" and current is not None:
                sign_form = SignForm(request.POST)
                if sign_form.is_valid():
                    try:
                        covenant_member_sign(actor=request.user, covenant=current, **sign_form.cleaned_data)
                    except ValidationFailed as exc:
                        _place_problems(sign_form, exc)
                    else:
                        messages.success(request, "Đã ghi nhận chữ ký của đơn vị.")
                        return redirect("web:covenant", cy_id=cy_id)
            else:
                return render(
                    request,
                    "web/movements/forbidden.html",
                    {"message": "Thao tác không hợp lệ.", "back_url": request.path},
                    status=REFUSED,
                )
        except NotPermitted as exc:
            return _forbidden(request, exc)
    rows = [(m.unit, signed.get(m.unit_id)) for m in members]
    may_download = current is not None and (
        current.is_signed or viewer.manages(cy_id) or (viewer.unit_id in {m.unit_id for m in members})
    )
    context = {
        "cluster_year": cluster_year,
        "covenant": current,
        "rows": rows,
        "signed_count": len(signed),
        "can_draft": can_draft,
        "can_sign": can_sign,
        "own_unit": own_unit,
        "draft_form": draft_form,
        "sign_form": sign_form,
        "may_download": may_download,
    }
    return render(request, "web/movements/covenant.html", context, status=status)


def _filename(covenant: Covenant, ext: str) -> str:
    cy = covenant.cluster_year
    return f"giao-uoc-thi-dua-{cy.cluster.code}-{cy.year}.{ext}".lower()


@require_GET
def covenant_docx(request: HttpRequest, cy_id: int) -> HttpResponse:
    current = _get_document_for_user(request, cy_id)
    response = HttpResponse(to_docx(covenant_document(current)), content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="{_filename(current, "docx")}"'
    return response


@require_GET
def covenant_pdf(request: HttpRequest, cy_id: int) -> HttpResponse:
    current = _get_document_for_user(request, cy_id)
    response = HttpResponse(to_pdf(covenant_document(current)), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename(current, "pdf")}"'
    return response
