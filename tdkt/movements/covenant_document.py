"""The covenant as an administrative document (Decree 30 layout, `tdkt.reports.documents`): the heading,
the text, a table of each member's registered targets (indicator, target, basis) and a signature block per
member saying who signed for it and when. The same `AdminDocument` renders to .docx and PDF.

A draft is printed with the date it is printed on and "(DỰ THẢO)" in its subtitle; a signed covenant bears
its signing date."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from tdkt.clusters.models import ClusterMember
from tdkt.core.vn import format_date_decree30, format_number
from tdkt.movements.models import Covenant, CovenantSignatory, Target
from tdkt.reports.documents import AdminDocument, Section, Signature


def _signed_when(signatory: CovenantSignatory, covenant: Covenant) -> str:
    if signatory.signed_at is not None:
        moment = timezone.localtime(signatory.signed_at)
        return f"(ký lúc {moment:%H} giờ {moment:%M} phút, {format_date_decree30(moment.date())})"
    if covenant.signed_on is not None:
        return f"(ký {format_date_decree30(covenant.signed_on)})"
    return ""


def covenant_signature_title(unit_name: str, signer_title: str) -> str:
    return f"{unit_name.upper()}\n{signer_title.upper()}" if signer_title else unit_name.upper()


def covenant_document(covenant: Covenant, *, today: dt.date | None = None) -> AdminDocument:
    """The covenant document, read from the covenant, its signatories and the members' targets."""
    cluster_year = covenant.cluster_year
    cluster = cluster_year.cluster
    members = list(
        ClusterMember.objects.filter(cluster_year=cluster_year).select_related("unit").order_by("unit__name")
    )
    signatories = {s.unit_id: s for s in covenant.signatories.all()}
    targets = Target.objects.filter(cluster_year=cluster_year).select_related("unit", "indicator")
    by_unit: dict[int, list[Target]] = {}
    for t in targets.order_by("unit__name", "indicator__code", "basis"):
        by_unit.setdefault(t.unit_id, []).append(t)
    rows: list[list[str]] = []
    for m in members:
        for t in by_unit.get(m.unit_id, []):
            measure = f" {t.indicator.measure_unit}" if t.indicator.measure_unit else ""
            rows.append(
                [
                    str(len(rows) + 1),
                    m.unit.name,
                    t.indicator.name,
                    f"{format_number(t.value)}{measure}",
                    t.get_basis_display() + (f" ({t.reference})" if t.reference else ""),
                ]
            )
    signatures: list[Signature] = []
    for m in members:
        s = signatories.get(m.unit_id)
        if s is None:
            signatures.append(Signature(covenant_signature_title(m.unit.name, ""), "(chưa ký)"))
        else:
            name = f"{s.signer_name}\n{_signed_when(s, covenant)}"
            signatures.append(Signature(covenant_signature_title(m.unit.name, s.signer_title), name))
    draft = not covenant.is_signed
    date = covenant.signed_on or today or timezone.localdate()
    number = f"Số: {covenant.document_number}" if covenant.document_number else "Số:      /GƯTĐ"
    return AdminDocument(
        issuer_parent=cluster.organiser.name.upper() if cluster.organiser_id else "",
        issuer=cluster.name.upper(),
        number=number,
        place=(covenant.place or "").split(",")[0] or "………",
        date=date,
        title="GIAO ƯỚC THI ĐUA",
        subtitle=f"{cluster.name} năm {cluster_year.year}" + (" (DỰ THẢO)" if draft else ""),
        paragraphs=[line for line in covenant.content.splitlines() if line.strip()],
        sections=[
            Section(
                heading="CHỈ TIÊU ĐĂNG KÝ CỦA CÁC ĐƠN VỊ THÀNH VIÊN",
                paragraphs=[] if rows else ["(Các đơn vị chưa đăng ký chỉ tiêu.)"],
                table_header=["TT", "Đơn vị", "Chỉ tiêu", "Mức đăng ký", "Căn cứ"] if rows else [],
                table_rows=rows,
                table_center=(0,),
            )
        ],
        closing=[
            "Các đơn vị thành viên cam kết thực hiện các nội dung và chỉ tiêu đã đăng ký trong giao ước này."
        ],
        signatures=signatures,
    )
