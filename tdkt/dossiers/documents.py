"""The documents TĐKT writes for a dossier — the submission (tờ trình) and the list (danh sách) — and the
dossier as a ZIP for a central authority's system: every document, the list as JSON and CSV, and a manifest
with each file's SHA-256."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import zipfile
from typing import Any

from tdkt.awards.catalogue_selectors import title_name
from tdkt.awards.selectors import unit_of_people
from tdkt.core.vn import format_date
from tdkt.dossiers import states, tracks
from tdkt.dossiers.models import Dossier, DossierLine
from tdkt.org.models import Employment
from tdkt.reports.documents import AdminDocument, Signature, to_docx, to_pdf

EXPORT_FORMAT = "tdkt-ho-so-de-nghi/1"


def _positions(lines: list[DossierLine], cycle: int) -> dict[int, str]:
    person_ids = [line.person_id for line in lines if line.person_id is not None]
    day = dt.date(cycle, 12, 31)
    found: dict[int, str] = {}
    for e in Employment.objects.filter(person_id__in=person_ids, start__lte=day).order_by(
        "person_id", "start"
    ):
        found[e.person_id] = e.position
    return found


def list_rows(dossier: Dossier) -> list[dict[str, Any]]:
    """The dossier's lines as plain values: what the list, the CSV and the JSON all show."""
    lines = list(dossier.lines.select_related("person", "unit", "initiative").order_by("position"))
    units = unit_of_people([line.person_id for line in lines if line.person_id], dossier.cycle)
    positions = _positions(lines, dossier.cycle)
    rows = []
    for line in lines:
        person = line.person
        rows.append(
            {
                "stt": line.position,
                "doi_tuong": line.get_subject_kind_display(),
                "ho_ten_hoac_ten_tap_the": person.full_name if person else str(line.unit or line.initiative),
                "gioi_tinh": person.get_gender_display() if person else "",
                "ngay_sinh": person.date_of_birth.isoformat() if person and person.date_of_birth else "",
                "chuc_vu": positions.get(person.pk, "") if person else "",
                "don_vi": (units[person.pk].name if person and person.pk in units else "")
                or (line.unit.name if line.unit else ""),
                "ma_hinh_thuc": line.title,
                "hinh_thuc": title_name(line.title),
                "nam_thanh_tich": line.cycle,
                "ket_qua_xet_dieu_kien": {
                    "eligible": "Đủ điều kiện",
                    "not_yet": "Chưa đủ điều kiện",
                    "barred": "Không được xét",
                }.get(line.outcome, "Không có quy tắc xét tự động"),
                "ma_bam_ket_qua_xet": line.verdict_sha256,
                "khong_dua_vao_quyet_dinh": line.excluded_reason,
            }
        )
    return rows


def _issuer(dossier: Dossier) -> tuple[str, str]:
    parent = dossier.proposer.parent
    return (parent.name.upper() if parent else "", dossier.proposer.name.upper())


def submission_document(dossier: Dossier) -> AdminDocument:
    """Tờ trình đề nghị: to the receiver, naming the track, the count and the attached list."""
    spec = tracks.track(dossier.track)
    rows = list_rows(dossier)
    titles = sorted({row["hinh_thuc"] for row in rows})
    parent, issuer = _issuer(dossier)
    receiver = (
        tracks.RECEIVERS[spec.receiver] if spec.receiver == tracks.TO_PROVINCE else dossier.receiver.name
    )
    return AdminDocument(
        issuer_parent=parent,
        issuer=issuer,
        number="Số:      /TTr-",
        place=dossier.proposer.name,
        date=dossier.sent_on or dt.date.today(),
        title="TỜ TRÌNH",
        subtitle=dossier.subject,
        paragraphs=[
            f"Kính gửi: {receiver}.",
            "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022 và các văn bản hướng dẫn thi hành;",
            f"{dossier.proposer.name} đề nghị xét tặng {', '.join(titles)} cho {len(rows)} cá nhân, tập thể "
            f"có thành tích năm {dossier.cycle} (danh sách kèm theo).",
            "Hồ sơ gồm: " + "; ".join(d.name for d in spec.documents if d.at == tracks.AT_SEND) + ".",
            "Kính đề nghị xem xét, quyết định.",
        ],
        signatures=[Signature(title="THỦ TRƯỞNG ĐƠN VỊ")],
    )


def list_document(dossier: Dossier) -> AdminDocument:
    rows = list_rows(dossier)
    parent, issuer = _issuer(dossier)
    return AdminDocument(
        issuer_parent=parent,
        issuer=issuer,
        number="",
        place=dossier.proposer.name,
        date=dossier.sent_on or dt.date.today(),
        title="DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG",
        subtitle=f"(Kèm theo Tờ trình — {dossier})",
        table_header=[
            "STT",
            "Họ tên, tên tập thể",
            "Chức vụ, đơn vị",
            "Hình thức đề nghị",
            "Kết quả xét điều kiện",
        ],
        table_rows=[
            [
                str(r["stt"]),
                r["ho_ten_hoac_ten_tap_the"],
                ", ".join(x for x in (r["chuc_vu"], r["don_vi"]) if x),
                r["hinh_thuc"],
                r["ket_qua_xet_dieu_kien"],
            ]
            for r in rows
        ],
        table_center=(0,),
    )


def achievement_report(line: DossierLine) -> AdminDocument:
    """The achievement report of one line (báo cáo thành tích, in the shape of Decree 98/2023's forms 02
    and 03), drafted from the records: the person's or the collective's particulars, ratings, titles and
    initiatives already stored. The narrative of the achievements is left for the unit to write; the
    document says so."""
    from tdkt.awards.models import Award, TaskRating
    from tdkt.awards.selectors import person_history

    start = line.cycle - 4
    title = title_name(line.title)
    parent, issuer = _issuer(line.dossier)
    if line.person is not None:
        history = person_history(line.person)
        current = history.current
        particulars = [
            f"Họ và tên: {line.person.full_name}; giới tính: {line.person.get_gender_display()}"
            + (f"; ngày sinh: {format_date(line.person.date_of_birth)}" if line.person.date_of_birth else ""),
            f"Chức vụ, đơn vị công tác: {current.position + ', ' if current and current.position else ''}"
            f"{current.unit.name if current else line.dossier.proposer.name}",
        ]
        if line.person.recruited_on:
            particulars.append(f"Ngày tuyển dụng: {format_date(line.person.recruited_on)}")
        ratings = [r for r in history.ratings if start <= r.cycle <= line.cycle]
        awards = [a for a in history.awards if a.revoked_on is None and a.cycle >= start]
        initiatives = [i for i in history.initiatives if start <= i.cycle <= line.cycle]
        form = "Mẫu số 03"
    else:
        unit = line.unit
        assert unit is not None
        particulars = [f"Tên tập thể: {unit.name}", f"Thuộc: {unit.parent.name if unit.parent else ''}"]
        ratings = list(
            TaskRating.objects.filter(unit=unit, cycle__gte=start, cycle__lte=line.cycle).order_by("cycle")
        )
        awards = list(
            Award.objects.filter(unit=unit, cycle__gte=start, revoked_on__isnull=True).order_by("cycle", "id")
        )
        initiatives = []
        form = "Mẫu số 02"
    rows = [[str(r.cycle), r.get_rating_display(), ""] for r in ratings]
    for award in awards:
        rows.append([str(award.cycle), title_name(award.title), award.decision_text])
    rows.sort(key=lambda row: row[0])
    paragraphs = [
        "I. SƠ LƯỢC LÝ LỊCH" if line.person else "I. SƠ LƯỢC ĐẶC ĐIỂM, TÌNH HÌNH",
        *particulars,
        "II. THÀNH TÍCH ĐẠT ĐƯỢC",
        "(Đơn vị viết phần thành tích: kết quả thực hiện nhiệm vụ được giao, các giải pháp, mô hình, sáng kiến "
        "đã áp dụng và hiệu quả. Dữ liệu dưới đây do hệ thống lập từ hồ sơ đã ghi nhận.)",
    ]
    if initiatives:
        paragraphs.append(
            "Sáng kiến, đề tài: "
            + "; ".join(f"{i.name} ({i.get_scope_display().lower()}, năm {i.cycle})" for i in initiatives)
        )
    paragraphs.append(
        f"III. CÁC HÌNH THỨC ĐÃ ĐƯỢC KHEN THƯỞNG VÀ KẾT QUẢ ĐÁNH GIÁ TỪ NĂM {start} ĐẾN NĂM {line.cycle}"
    )
    return AdminDocument(
        issuer_parent=parent,
        issuer=issuer,
        number="",
        place=line.dossier.proposer.name,
        date=line.dossier.sent_on or dt.date.today(),
        title="BÁO CÁO THÀNH TÍCH",
        subtitle=f"Đề nghị tặng {title} ({form}, Nghị định 98/2023/NĐ-CP) — bản dự thảo từ dữ liệu",
        paragraphs=paragraphs,
        table_header=["Năm", "Danh hiệu, hình thức, xếp loại", "Số, ngày quyết định"],
        table_rows=rows or [["", "Chưa có dữ liệu trong hệ thống", ""]],
        signatures=[
            Signature(title="THỦ TRƯỞNG ĐƠN VỊ XÁC NHẬN"),
            Signature(title="NGƯỜI BÁO CÁO THÀNH TÍCH"),
        ]
        if line.person
        else [Signature(title="THỦ TRƯỞNG ĐƠN VỊ")],
    )


def dossier_zip(dossier: Dossier) -> bytes:
    """Everything a central authority's system needs, in one archive: refused for a dossier not approved
    (only an approved dossier goes up)."""
    if dossier.state not in (states.APPROVED, states.FORWARDED, states.DECIDED):
        raise ValueError("chỉ xuất hồ sơ đã được thống nhất đề nghị")
    rows = list_rows(dossier)
    files: dict[str, bytes] = {}
    submission, listing = submission_document(dossier), list_document(dossier)
    files["01-to-trinh.docx"] = to_docx(submission)
    files["01-to-trinh.pdf"] = to_pdf(submission)
    files["02-danh-sach.docx"] = to_docx(listing)
    files["02-danh-sach.pdf"] = to_pdf(listing)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]) if rows else ["stt"])
    writer.writeheader()
    writer.writerows(rows)
    files["danh-sach.csv"] = ("\ufeff" + out.getvalue()).encode("utf-8")
    files["danh-sach.json"] = json.dumps(
        {
            "dinh_dang": EXPORT_FORMAT,
            "ho_so": dossier.pk,
            "loai_ho_so": tracks.track(dossier.track).name,
            "trich_yeu": dossier.subject,
            "don_vi_de_nghi": dossier.proposer.name,
            "nam_thanh_tich": dossier.cycle,
            "ngay_gui": format_date(dossier.sent_on),
            "danh_sach": rows,
        },
        ensure_ascii=False,
        indent=2,
    ).encode("utf-8")
    for i, document in enumerate(dossier.documents.order_by("id"), start=3):
        suffix = document.file.name.rsplit(".", 1)[-1] if "." in document.file.name else "bin"
        with document.file.open("rb") as handle:
            files[f"{i:02d}-{document.kind}.{suffix}"] = handle.read()
    manifest = "\n".join(
        f"{hashlib.sha256(data).hexdigest()}  {name}" for name, data in sorted(files.items())
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in sorted(files.items()):
            archive.writestr(name, data)
        archive.writestr("SHA256SUMS", manifest + "\n")
    return buffer.getvalue()


def conference_documents_attach(dossier: Dossier, actor: Any) -> list[str]:
    """At sending, the conference's minutes and the counted ballot's vote-counting minutes join a cluster's
    dossier as PDF documents (unless the proposer attached them already); returns the kinds attached."""
    from django.core.files.base import ContentFile

    from tdkt.core.audit import actor_user
    from tdkt.dossiers.models import DossierDocument
    from tdkt.voting.minutes import conference_minutes, tally_minutes

    spec = tracks.track(dossier.track)
    wanted = {
        d.kind: d for d in spec.documents if d.source == tracks.DOC_CONFERENCE and d.at == tracks.AT_SEND
    }
    present = set(dossier.documents.values_list("kind", flat=True))
    made: list[tuple[str, str, bytes]] = []
    if "bien_ban" in wanted and "bien_ban" not in present and dossier.conference is not None:
        made.append(("bien_ban", wanted["bien_ban"].name, to_pdf(conference_minutes(dossier.conference))))
    ballot = dossier.ballot
    counted = ballot is not None and ballot.counted_at is not None
    if "ket_qua_bo_phieu" in wanted and "ket_qua_bo_phieu" not in present and counted:
        assert ballot is not None
        made.append(("ket_qua_bo_phieu", wanted["ket_qua_bo_phieu"].name, to_pdf(tally_minutes(ballot))))
    for kind, name, content in made:
        digest = hashlib.sha256(content).hexdigest()
        document = DossierDocument(
            dossier=dossier,
            kind=kind,
            name=name,
            sha256=digest,
            size=len(content),
            source=tracks.DOC_CONFERENCE,
            added_by=actor_user(actor),
        )
        document.file.save(f"{digest[:32]}.pdf", ContentFile(content), save=False)
        document.save()
    return [kind for kind, _, _ in made]
