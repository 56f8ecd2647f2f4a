"""Data the provincial board keeps for decisions: the base salary (mức lương cơ sở) by date, and the
test print of a certificate layout.

A signed decision stored the base salary it used (`Decision.base_salary`), and `decisions.base_salary_on`
reads the row in force on a day. So the rows stay what signed decisions read: a row a signed decision used is
never edited, and no new row may start on a day that would put a signed decision under it; a correction is a
new row from a later day.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction

from tdkt.awards.catalogue_selectors import title_name
from tdkt.core.audit import Actor, audit_record, snapshot
from tdkt.core.errors import Problem, ValidationFailed
from tdkt.core.vn import format_date, format_number
from tdkt.dossiers.certificate_layout import layout_problems, place
from tdkt.dossiers.certificate_pdf import CertificatePage, write_pdf
from tdkt.dossiers.decisions import check_board
from tdkt.dossiers.models import BaseSalary, Decision

AMOUNT_MAX = Decimal("999999999999")
FIELDS = ["valid_from", "amount", "source"]


def _signed_between(start: dt.date, end: dt.date | None) -> Decision | None:
    """The first signed decision dated in [start, end) (end None: from start on)."""
    rows = Decision.objects.exclude(number="").filter(signed_on__gte=start)
    if end is not None:
        rows = rows.filter(signed_on__lt=end)
    return rows.order_by("signed_on", "id").first()


def _next_from(day: dt.date, exclude: BaseSalary | None = None) -> dt.date | None:
    rows = BaseSalary.objects.filter(valid_from__gt=day)
    if exclude is not None:
        rows = rows.exclude(pk=exclude.pk)
    return rows.order_by("valid_from").values_list("valid_from", flat=True).first()


def base_salary_used_by(row: BaseSalary) -> Decision | None:
    """The first signed decision that read this row (dated from its day to the next row's)."""
    return _signed_between(row.valid_from, _next_from(row.valid_from, exclude=row))


def _problems(
    valid_from: dt.date, amount: Decimal, source: str, instead_of: BaseSalary | None = None
) -> list[Problem]:
    problems: list[Problem] = []
    if amount <= 0 or amount != amount.to_integral_value() or amount > AMOUNT_MAX:
        problems.append(Problem("mức lương cơ sở phải là số đồng nguyên dương", field="amount"))
    if not " ".join(source.split()):
        problems.append(
            Problem(
                "chưa ghi căn cứ (nghị định quy định mức lương cơ sở, ví dụ Nghị định 73/2024/NĐ-CP)",
                field="source",
            )
        )
    same = BaseSalary.objects.filter(valid_from=valid_from)
    if instead_of is not None:
        same = same.exclude(pk=instead_of.pk)
    if same.exists():
        problems.append(
            Problem(f"đã có mức lương cơ sở áp dụng từ ngày {format_date(valid_from)}", field="valid_from")
        )
    captured = _signed_between(valid_from, _next_from(valid_from, exclude=instead_of))
    if captured is not None:
        problems.append(
            Problem(
                f"quyết định số {captured.number} ký ngày {format_date(captured.signed_on)} đã tính tiền thưởng "
                "theo mức lương cơ sở đang có: mức mới chỉ áp dụng được từ sau ngày ký đó",
                field="valid_from",
            )
        )
    return problems


@transaction.atomic
def base_salary_add(*, actor: Actor, valid_from: dt.date, amount: Decimal, source: str) -> BaseSalary:
    """A base salary from a day on, with the instrument that set it (the board's). Refused: a non-positive or
    fractional amount, no source, a day already recorded, a day that would change what a signed decision
    read."""
    check_board(actor, "ghi mức lương cơ sở")
    problems = _problems(valid_from, amount, source)
    if problems:
        raise ValidationFailed(problems)
    try:
        with transaction.atomic():
            row = BaseSalary.objects.create(
                valid_from=valid_from, amount=amount, source=" ".join(source.split())[:300]
            )
    except IntegrityError:
        raise ValidationFailed(
            [Problem(f"đã có mức lương cơ sở áp dụng từ ngày {format_date(valid_from)}", field="valid_from")]
        ) from None
    audit_record(
        actor=actor,
        action="base_salary.add",
        instance=row,
        after=snapshot(row, FIELDS),
        summary=f"{format_number(amount, 0)} đồng từ {format_date(valid_from)}",
    )
    return row


@transaction.atomic
def base_salary_update(
    *, actor: Actor, row: BaseSalary, valid_from: dt.date, amount: Decimal, source: str
) -> BaseSalary:
    """Correct a row no signed decision read (a mistyped figure before any decision). Refused once a signed
    decision used it: the correction is then a new row from a later day."""
    check_board(actor, "ghi mức lương cơ sở")
    row = BaseSalary.objects.select_for_update().get(pk=row.pk)
    used = base_salary_used_by(row)
    if used is not None:
        raise ValidationFailed(
            [
                Problem(
                    f"quyết định số {used.number} ký ngày {format_date(used.signed_on)} đã dùng mức lương cơ sở "
                    "này: không sửa được, hãy thêm mức mới áp dụng từ một ngày sau",
                    field="amount",
                )
            ]
        )
    problems = _problems(valid_from, amount, source, instead_of=row)
    if problems:
        raise ValidationFailed(problems)
    before = snapshot(row, FIELDS)
    row.valid_from, row.amount, row.source = valid_from, amount, " ".join(source.split())[:300]
    row.save()
    audit_record(
        actor=actor, action="base_salary.update", instance=row, before=before, after=snapshot(row, FIELDS)
    )
    return row


# Invented values for the board's test print: long enough to show where lines wrap on its blank.
SAMPLE_VALUES = {
    "name": "Nguyễn Thị Phương Thảo",
    "position": "Trưởng phòng Tổ chức – Hành chính, Sở Tài chính",
    "reason": "Đã có thành tích xuất sắc trong công tác năm 2025, góp phần vào sự nghiệp xây dựng chủ nghĩa xã hội "
    "và bảo vệ Tổ quốc",
    "decision": "Quyết định số 1234/QĐ-UBND ngày 15/01/2026",
    "place_date": "Quảng Nam, ngày 15 tháng 01 năm 2026",
    "signer_title": "CHỦ TỊCH",
    "signer_name": "Lê Văn Dũng",
    "serial": "Số vào sổ: 1234/1",
}
SAMPLE_URL_PATH = "/xac-thuc/mau-xem-thu/"


def certificate_sample_pdf(*, title: str, layout: Any) -> bytes:
    """One page printed with invented values at the layout's places, for the board to hold against its blank
    before saving or printing a batch. Refused (ValidationFailed) when the layout cannot be printed."""
    problems = layout_problems(layout)
    if problems:
        raise ValidationFailed([Problem(p, field="layout") for p in problems])
    values = SAMPLE_VALUES | {"title": title_name(title).upper()}
    boxes, qr = place(layout, values)
    page = CertificatePage(
        width_mm=float(layout["page"]["width"]),
        height_mm=float(layout["page"]["height"]),
        boxes=boxes,
        qr=qr,
        qr_url=settings.TDKT_PUBLIC_URL + SAMPLE_URL_PATH,
    )
    return write_pdf([page], count=1)
