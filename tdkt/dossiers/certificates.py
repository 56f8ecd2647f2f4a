"""Certificates (Bằng khen, Giấy khen) printed onto the official blank: one per award of a signed decision,
each with a QR code to its public page (`/xac-thuc/<token>/`) that confirms it, or says it was revoked.

The board sets where each item goes per form (`CertificateForm.layout`, checked by `certificate_layout`).
The pages are written straight to PDF (`certificate_pdf`, decision 0008), reporting progress as they go.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from tdkt.awards.catalogue_selectors import title_name
from tdkt.core.audit import Actor, audit_record, snapshot
from tdkt.core.errors import Problem, ValidationFailed
from tdkt.core.vn import format_date, format_date_decree30
from tdkt.dossiers.certificate_layout import DEFAULT_LAYOUT, layout_problems, place
from tdkt.dossiers.certificate_pdf import CertificatePage, write_pdf
from tdkt.dossiers.decisions import _check_decider, check_board
from tdkt.dossiers.documents import list_rows
from tdkt.dossiers.models import Certificate, CertificateForm, Decision, DossierLine

CHUNK = 100
TOKEN_BYTES = 16  # 22 characters: a certificate cannot be guessed or enumerated


@transaction.atomic
def certificate_form_set(
    *, actor: Actor, title: str, name: str, layout: Any, version: int | None = None
) -> CertificateForm:
    """Save where each item is printed on the blank of a form (the board's)."""
    check_board(actor, "đặt bố cục phôi in")
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


def certificates_pdf(
    decision: Decision, *, progress: Callable[[int, int], None] | None = None, chunk: int = CHUNK
) -> bytes:
    """Every certificate of the decision as one PDF, printed onto each form's blank (`certificate_pdf`);
    `progress(done, total)` after each chunk of pages."""
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
    if not certificates:
        raise ValidationFailed([Problem("quyết định không có khen thưởng nào để in", field="decision")])
    layouts: dict[str, dict[str, Any]] = {}

    def pages() -> Iterator[CertificatePage]:
        for certificate in certificates:
            title = certificate.award.title
            layout = layouts.setdefault(title, layout_for(title)[0])
            line = lines[certificate.award_id]
            values = _values(certificate, decision, line, place_name, positions.get(line.position, ""))
            boxes, qr = place(layout, values)
            yield CertificatePage(
                width_mm=float(layout["page"]["width"]),
                height_mm=float(layout["page"]["height"]),
                boxes=boxes,
                qr=qr,
                qr_url=verify_url(certificate),
            )

    return write_pdf(pages(), count=len(certificates), progress=progress, every=chunk)
