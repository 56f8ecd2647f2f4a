"""The emulation and commendation fund of a unit, per year: allocations in, reward payouts by decision out,
the balance, and the year's statement as a workbook."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from tdkt.clusters.scopes import viewer_for
from tdkt.core.audit import Actor, actor_user, audit_record, snapshot
from tdkt.core.errors import NotPermitted, Problem, ValidationFailed
from tdkt.core.vn import format_date
from tdkt.dossiers.models import Decision, FundEntry, FundEntryKind
from tdkt.org.models import Unit

AMOUNT_MAX = Decimal("999999999999999")


def _check_keeper(actor: Actor, unit: Unit) -> None:
    if actor is None:
        return
    viewer = viewer_for(actor)
    if not (viewer.is_board or viewer.is_staff_of(unit.pk)):
        raise NotPermitted("chỉ Ban Thi đua – Khen thưởng hoặc cán bộ của đơn vị mới ghi sổ quỹ của đơn vị")


@transaction.atomic
def fund_entry_add(
    *,
    actor: Actor,
    unit: Unit,
    year: int,
    kind: str,
    amount: Decimal,
    on: dt.date,
    note: str,
    decision: Decision | None = None,
) -> FundEntry:
    """Write one entry of the fund's book. Refused: a non-positive amount, a day outside the year, no
    content, an unknown kind, a payout by decision for a decision of another authority."""
    _check_keeper(actor, unit)
    problems: list[Problem] = []
    if kind not in FundEntryKind.values:
        problems.append(Problem(f"loại “{kind}” không hợp lệ", field="kind"))
    if amount <= 0 or amount != amount.to_integral_value() or amount > AMOUNT_MAX:
        problems.append(Problem("số tiền phải là số đồng nguyên dương", field="amount"))
    if on.year != year:
        problems.append(Problem(f"ngày {format_date(on)} không thuộc năm {year}", field="on"))
    note = " ".join(note.split())
    if not note:
        problems.append(Problem("chưa ghi nội dung", field="note"))
    if decision is not None and decision.authority_unit_id != unit.pk:
        problems.append(Problem("quyết định không do đơn vị giữ quỹ ban hành", field="decision"))
    if problems:
        raise ValidationFailed(problems)
    entry = FundEntry.objects.create(
        unit=unit,
        year=year,
        kind=kind,
        amount=amount,
        on=on,
        note=note[:300],
        decision=decision,
        recorded_by=actor_user(actor),
    )
    audit_record(actor=actor, action="fund.entry", instance=entry, after=snapshot(entry))
    return entry


@dataclass(frozen=True)
class StatementRow:
    on: dt.date
    note: str
    decision: str
    decision_id: int | None
    allocated: Decimal
    paid: Decimal
    balance: Decimal


@dataclass(frozen=True)
class Statement:
    unit: Unit
    year: int
    opening: Decimal
    rows: list[StatementRow]
    allocated: Decimal
    paid: Decimal

    @property
    def closing(self) -> Decimal:
        return self.opening + self.allocated - self.paid


def _signed(entry: FundEntry) -> Decimal:
    return entry.amount if entry.kind == FundEntryKind.ALLOCATION else -entry.amount


def fund_statement(unit: Unit, year: int) -> Statement:
    """The year's book: the balance carried from earlier years, each entry with the running balance."""
    opening = sum((_signed(e) for e in FundEntry.objects.filter(unit=unit, year__lt=year)), Decimal(0))
    balance = opening
    rows: list[StatementRow] = []
    allocated = paid = Decimal(0)
    for entry in FundEntry.objects.filter(unit=unit, year=year).select_related("decision"):
        balance += _signed(entry)
        inflow = entry.amount if entry.kind == FundEntryKind.ALLOCATION else Decimal(0)
        outflow = entry.amount - inflow
        allocated += inflow
        paid += outflow
        rows.append(
            StatementRow(
                on=entry.on,
                note=entry.note,
                decision=str(entry.decision) if entry.decision else "",
                decision_id=entry.decision_id,
                allocated=inflow,
                paid=outflow,
                balance=balance,
            )
        )
    return Statement(unit=unit, year=year, opening=opening, rows=rows, allocated=allocated, paid=paid)


def fund_statement_xlsx(statement: Statement) -> bytes:
    """The statement as a workbook: amounts as numbers in whole đồng with Vietnamese grouping."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Sổ quỹ"
    money = "#,##0"
    sheet.append([f"SỔ QUỸ THI ĐUA, KHEN THƯỞNG NĂM {statement.year}"])
    sheet.append([statement.unit.name])
    sheet.append([])
    sheet.append(["Ngày", "Nội dung", "Quyết định", "Thu (đồng)", "Chi (đồng)", "Tồn quỹ (đồng)"])
    for cell in sheet[4]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, horizontal="center")
    sheet.append(["", "Tồn quỹ chuyển từ các năm trước", "", None, None, int(statement.opening)])
    for row in statement.rows:
        sheet.append(
            [
                row.on,
                row.note,
                row.decision,
                int(row.allocated) or None,
                int(row.paid) or None,
                int(row.balance),
            ]
        )
    sheet.append(["", "Cộng", "", int(statement.allocated), int(statement.paid), int(statement.closing)])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for row in sheet.iter_rows(min_row=5):
        row[0].number_format = "DD/MM/YYYY"
        for cell in row[3:6]:
            cell.number_format = money
    for column, width in zip("ABCDEF", (12, 48, 34, 16, 16, 18), strict=True):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
