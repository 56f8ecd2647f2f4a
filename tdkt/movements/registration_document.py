"""A unit's emulation registration (bản đăng ký thi đua) as an administrative document in the Decree 30
layout (`tdkt.reports.documents`): addressed to its superior, the collective's titles, then each person with
the titles they register for, signed by the head of the unit. The same `AdminDocument` renders to .docx and
PDF. A list not yet sent (or returned) is printed with "(DỰ THẢO)" in its subtitle and today's date."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from tdkt.awards import catalogue
from tdkt.movements.models import RegistrationStatus, TitleRegistration
from tdkt.movements.registration import superior_name, title_name
from tdkt.movements.selectors import registration_lines
from tdkt.reports.documents import AdminDocument, Section, Signature


def _short(code: str) -> str:
    entry = catalogue.CATALOGUE.get(code)
    return entry.name if entry is not None else code


def registration_document(registration: TitleRegistration, *, today: dt.date | None = None) -> AdminDocument:
    unit = registration.unit
    lines = registration_lines(registration)
    collective = [title_name(x.title) for x in lines if x.person is None]
    people: dict[int, tuple[str, list[str]]] = {}
    for x in lines:
        if x.person is not None:
            people.setdefault(x.person.pk, (x.person.full_name, []))[1].append(_short(x.title))
    draft = registration.status in (RegistrationStatus.DRAFT, RegistrationStatus.RETURNED)
    sent = registration.submitted_at
    date = timezone.localdate(sent) if sent is not None and not draft else today or timezone.localdate()
    person_rows = [
        [str(n), name, "; ".join(titles)] for n, (name, titles) in enumerate(people.values(), start=1)
    ]
    return AdminDocument(
        issuer_parent=unit.parent.name.upper() if unit.parent_id and unit.parent else "",
        issuer=unit.name.upper(),
        number="Số:      /ĐKTĐ",
        place="………",
        date=date,
        title="BẢN ĐĂNG KÝ THI ĐUA",
        subtitle=f"Năm {registration.cycle}" + (" (DỰ THẢO)" if draft else ""),
        paragraphs=[
            f"Kính gửi: {superior_name(unit)}.",
            f"{unit.name} đăng ký thi đua năm {registration.cycle} như sau:",
        ],
        sections=[
            Section(
                heading="I. TẬP THỂ",
                paragraphs=[] if collective else ["(Tập thể không đăng ký danh hiệu.)"],
                table_header=["TT", "Danh hiệu đăng ký"] if collective else [],
                table_rows=[[str(n), t] for n, t in enumerate(collective, start=1)],
                table_center=(0,),
            ),
            Section(
                heading="II. CÁ NHÂN",
                paragraphs=[] if person_rows else ["(Không có cá nhân đăng ký.)"],
                table_header=["TT", "Họ và tên", "Danh hiệu đăng ký"] if person_rows else [],
                table_rows=person_rows,
                table_center=(0,),
            ),
        ],
        closing=[
            f"{unit.name} cam kết tổ chức thực hiện tốt các phong trào thi đua, phấn đấu đạt các danh hiệu "
            "đã đăng ký."
        ],
        signatures=[Signature("THỦ TRƯỞNG ĐƠN VỊ")],
    )
