"""Certificates (Bằng khen, Giấy khen) printed onto the official blank: one per award of a signed decision,
each with a QR code to its public page (`/xac-thuc/<token>/`) that confirms it, or says it was revoked.

The board sets where each item goes per form (`CertificateForm.layout`, checked by `certificate_layout`).
Rendering is one WeasyPrint document per chunk of certificates, the chunks' pages joined into one PDF, so a
background job can report progress as it goes (decision 0007).
"""

from __future__ import annotations

import base64
import html
import io
import secrets
from collections.abc import Callable
from typing import Any

import segno
from django.conf import settings
from django.db import transaction
from django.urls import reverse

from tdkt.awards.catalogue_selectors import title_name
from tdkt.awards.models import Award
from tdkt.core.audit import Actor, audit_record, snapshot
from tdkt.core.errors import NotPermitted, Problem, ValidationFailed
from tdkt.core.vn import format_date, format_date_decree30
from tdkt.dossiers.certificate_layout import DEFAULT_LAYOUT, layout_problems, place
from tdkt.dossiers.decisions import _check_decider
from tdkt.dossiers.documents import list_rows
from tdkt.dossiers.models import Certificate, CertificateForm, Decision, DossierLine

CHUNK = 100
TOKEN_BYTES = 16  # 22 characters: a certificate cannot be guessed or enumerated


def _check_board(actor: Actor, what: str) -> None:
    if actor is None:
        return
    from tdkt.clusters.scopes import viewer_for

    if not viewer_for(actor).is_board:
        raise NotPermitted(f"chỉ Ban Thi đua – Khen thưởng tỉnh được {what}")


@transaction.atomic
def certificate_form_set(
    *, actor: Actor, title: str, name: str, layout: Any, version: int | None = None
) -> CertificateForm:
    """Save where each item is printed on the blank of a form (the board's)."""
    _check_board(actor, "đặt bố cục phôi in")
    problems = [Problem(p, field="layout") for p in layout_problems(layout)]
    if not " ".join(name.split()):
        problems.append(Problem("chưa ghi tên mẫu phôi", field="name"))
    current = CertificateForm.objects.select_for_update().filter(title=title).first()
    if current is not None and version is not None and version != current.version:
        problems.append(Problem("bố cục đã được người khác sửa: hãy tải lại trang", field="version"))
    if problems:
        raise ValidationFailed(problems)
    before = snapshot(current, ["name", "layout", "version"]) if current else None
    form = current or CertificateForm(title=title)
    form.name = " ".join(name.split())
    form.layout = layout
    form.version = (current.version + 1) if current else 1
    form.save()
    audit_record(
        actor=actor, action="certificate_form.set", instance=form, before=before, after=snapshot(form)
    )
    return form


def layout_for(title: str) -> tuple[dict[str, Any], int]:
    form = CertificateForm.objects.filter(title=title).first()
    return (form.layout, form.version) if form is not None else (DEFAULT_LAYOUT, 0)


@transaction.atomic
def certificates_issue(*, actor: Actor, decision: Decision) -> list[Certificate]:
    """One certificate per award the decision recorded (again: the existing ones). Refused for a decision
    not signed, and never for a revoked award."""
    _check_decider(actor, decision.dossier)
    if not decision.number:
        raise ValidationFailed(
            [Problem("quyết định chưa ký: chưa in được bằng khen, giấy khen", field="decision")]
        )
    lines = list(
        DossierLine.objects.filter(dossier=decision.dossier, award__isnull=False)
        .select_related("award")
        .order_by("position")
    )
    existing = {c.award_id: c for c in Certificate.objects.filter(decision=decision)}
    issued: list[Certificate] = []
    for line in lines:
        award = line.award
        assert award is not None
        if award.revoked_on is not None:
            continue
        certificate = existing.get(award.pk)
        if certificate is None:
            certificate = Certificate.objects.create(
                award=award, decision=decision, token=secrets.token_urlsafe(TOKEN_BYTES)
            )
        issued.append(certificate)
    audit_record(
        actor=actor,
        action="certificates.issue",
        instance=decision,
        summary=f"{decision}: {len(issued)} giấy chứng nhận",
    )
    return issued


def certificate_refused(award: Award) -> str | None:
    """Why an award gets no certificate (None: it may)."""
    if award.revoked_on is not None:
        return f"khen thưởng đã bị hủy bỏ ngày {format_date(award.revoked_on)}: không in giấy chứng nhận"
    return None


def verify_url(certificate: Certificate) -> str:
    return settings.TDKT_PUBLIC_URL + reverse("web:certificate_verify", args=[certificate.token])


def _values(
    certificate: Certificate, decision: Decision, line: DossierLine, place_name: str, position: str
) -> dict[str, str]:
    award = certificate.award
    subject = award.person.full_name if award.person else (award.unit.name if award.unit else "")
    return {
        "name": subject,
        "position": position,
        "reason": f"Đã có thành tích năm {award.cycle}",
        "title": title_name(award.title).upper(),
        "decision": f"Quyết định số {decision.number} ngày {format_date(decision.signed_on)}",
        "place_date": f"{place_name}, {format_date_decree30(decision.signed_on)}"
        if decision.signed_on
        else "",
        "signer_title": (decision.signer_title or "").upper(),
        "signer_name": decision.signer_name,
        "serial": f"Số vào sổ: {decision.number}/{line.position}",
    }


def _qr_png(url: str) -> str:
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=4, border=0)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def _page(layout: dict[str, Any], values: dict[str, str], qr_url: str) -> str:
    boxes, qr = place(layout, values)
    parts = ['<section class="cert">']
    for b in boxes:
        style = (
            f"left:{b.x}mm;top:{b.y}mm;width:{b.width}mm;font-size:{b.size}pt;text-align:{b.align};"
            f"font-weight:{'bold' if b.bold else 'normal'};font-style:{'italic' if b.italic else 'normal'}"
        )
        parts.append(f'<div class="f" style="{style}">{html.escape(b.text)}</div>')
    if qr is not None:
        parts.append(
            f'<img class="q" alt="" style="left:{qr.x}mm;top:{qr.y}mm;width:{qr.size}mm;height:{qr.size}mm" '
            f'src="{_qr_png(qr_url)}">'
        )
    parts.append("</section>")
    return "".join(parts)


def _document(layout: dict[str, Any], pages: list[str]) -> str:
    width, height = layout["page"]["width"], layout["page"]["height"]
    style = (
        f"@page{{size:{width}mm {height}mm;margin:0}}"
        'body{margin:0;font-family:"Times New Roman","Liberation Serif",serif}'
        f".cert{{position:relative;width:{width}mm;height:{height}mm;page-break-after:always;overflow:hidden}}"
        ".f{position:absolute;line-height:1.2}.q{position:absolute}"
    )
    return f'<!doctype html><html lang="vi"><head><meta charset="utf-8"><style>{style}</style></head><body>{"".join(pages)}</body></html>'


def certificates_pdf(
    decision: Decision, *, progress: Callable[[int, int], None] | None = None, chunk: int = CHUNK
) -> bytes:
    """Every certificate of the decision as one PDF, printed onto each form's blank; `progress(done, total)`
    after each chunk."""
    from weasyprint import HTML

    certificates = list(
        Certificate.objects.filter(decision=decision)
        .select_related("award__person", "award__unit")
        .order_by("award__title", "id")
    )
    lines = {
        line.award_id: line
        for line in DossierLine.objects.filter(dossier=decision.dossier_id, award__isnull=False)
    }
    positions = {
        row["stt"]: ", ".join(x for x in (row["chuc_vu"], row["don_vi"]) if x)
        for row in list_rows(decision.dossier)
    }
    place_name = decision.authority_unit.name.replace("Tỉnh ", "").replace("Thành phố ", "")
    total = len(certificates)
    layouts: dict[str, dict[str, Any]] = {}
    documents = []
    done = 0
    # One document per chunk of one form (pages of a document share the blank's size).
    chunks: list[list[Certificate]] = []
    for certificate in certificates:
        if not chunks or chunks[-1][0].award.title != certificate.award.title or len(chunks[-1]) == chunk:
            chunks.append([])
        chunks[-1].append(certificate)
    for batch in chunks:
        title = batch[0].award.title
        layout = layouts.setdefault(title, layout_for(title)[0])
        pages = []
        for certificate in batch:
            line = lines[certificate.award_id]
            values = _values(certificate, decision, line, place_name, positions.get(line.position, ""))
            pages.append(_page(layout, values, verify_url(certificate)))
        documents.append(HTML(string=_document(layout, pages)).render())
        done += len(batch)
        if progress is not None:
            progress(done, total)
    if not documents:
        raise ValidationFailed([Problem("quyết định không có khen thưởng nào để in", field="decision")])
    pages = [page for document in documents for page in document.pages]
    pdf: bytes = documents[0].copy(pages).write_pdf()
    return pdf
