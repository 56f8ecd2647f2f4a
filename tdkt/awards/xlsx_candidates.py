"""A unit's candidates for a cycle as an Excel workbook: the list a unit's staff take to their emulation
council (Hội đồng Thi đua – Khen thưởng) before proposing anyone.

Two sheets: "Đủ điều kiện", the people who qualify, title by title in catalogue order, each with the
facts only the council can confirm (what the records cannot show) and the rule pack applied; "Tổng hợp",
everyone with each title's outcome. The system's verdicts are checks on the records, not decisions: the
sheet says so in its heading.
"""

from __future__ import annotations

import io

import xlsxwriter
from django.utils import timezone

from tdkt.awards import catalogue
from tdkt.awards.rulepacks import cycle_end
from tdkt.awards.selectors import UnitCandidates
from tdkt.core.vn import format_date
from tdkt.org.models import Employment
from tdkt.org.selectors import unit_history_ids

_MARK = {"eligible": "✓", "not_yet": "·", "barred": "⊘"}


def candidates_filename(candidates: UnitCandidates) -> str:
    return f"ung-vien-{candidates.unit.code}-{candidates.cycle}.xlsx"


def candidates_workbook(candidates: UnitCandidates) -> bytes:
    positions = _positions(candidates)
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    book.set_properties(
        {
            "title": f"Ứng viên danh hiệu {candidates.label} – {candidates.unit.name}",
            "author": "Hệ thống Thi đua – Khen thưởng",
        }
    )
    base = {"font_name": "Times New Roman", "font_size": 12, "valign": "top", "text_wrap": True}
    title = book.add_format({**base, "bold": True, "font_size": 14, "text_wrap": False})
    note = book.add_format({**base, "italic": True, "text_wrap": False})
    header = book.add_format({**base, "bold": True, "border": 1, "align": "center", "bg_color": "#D9E1F2"})
    cell = book.add_format({**base, "border": 1})
    centre = book.add_format({**base, "border": 1, "align": "center"})
    made = timezone.localtime()
    heading = (
        f"{candidates.unit.name} – {candidates.label}. Lập lúc {made:%H:%M} ngày {format_date(made.date())} "
        "từ hồ sơ đã ghi trong hệ thống: kết quả kiểm tra điều kiện, không phải quyết định; Hội đồng Thi đua – "
        "Khen thưởng xem xét, bình xét trước khi đề nghị."
    )

    sheet = book.add_worksheet("Đủ điều kiện")
    sheet.write_string(0, 0, "DANH SÁCH CÁ NHÂN ĐỦ ĐIỀU KIỆN XÉT DANH HIỆU, HÌNH THỨC KHEN THƯỞNG", title)
    sheet.write_string(1, 0, heading, note)
    columns = [
        ("STT", 6),
        ("Danh hiệu, hình thức", 34),
        ("Họ và tên", 28),
        ("Mã cán bộ", 14),
        ("Chức vụ", 28),
        ("Cần Hội đồng xác nhận", 60),
        ("Bộ quy tắc", 16),
    ]
    for col, (name, width) in enumerate(columns):
        sheet.write_string(3, col, name, header)
        sheet.set_column(col, col, width)
    row = 4
    number = 0
    for group in candidates.by_title:
        entry = catalogue.CATALOGUE[group.title]
        for person in group.eligible:
            verdict = candidates.verdict(person, group.title)
            council = [c.text for c in verdict.checks if c.ok is None] if verdict else []
            number += 1
            sheet.write_number(row, 0, number, centre)
            sheet.write_string(row, 1, entry.name, cell)
            sheet.write_string(row, 2, person.full_name, cell)
            sheet.write_string(row, 3, person.code, cell)
            sheet.write_string(row, 4, positions.get(person.pk, ""), cell)
            sheet.write_string(row, 5, "\n".join(council) or "—", cell)
            sheet.write_string(row, 6, verdict.pack if verdict else "", cell)
            row += 1
    if number == 0:
        sheet.write_string(row, 0, "Chưa có ai đủ điều kiện.", note)
        row += 1
    if candidates.quota is not None and candidates.quota.enabled:
        sheet.write_string(row + 1, 0, candidates.quota.text, note)
    sheet.freeze_panes(4, 0)

    summary = book.add_worksheet("Tổng hợp")
    summary.write_string(0, 0, f"KẾT QUẢ XÉT ĐIỀU KIỆN – {candidates.unit.name.upper()}", title)
    summary.write_string(1, 0, "✓ đủ điều kiện · “·” chưa đủ · ⊘ chưa được xét", note)
    names = [catalogue.CATALOGUE[t].short for t in candidates.titles]
    for col, name in enumerate(["STT", "Họ và tên", "Mã cán bộ", *names]):
        summary.write_string(3, col, name, header)
    summary.set_column(0, 0, 6)
    summary.set_column(1, 1, 28)
    summary.set_column(2, 2, 14)
    summary.set_column(3, 2 + len(names), 12)
    for i, person in enumerate(candidates.people, start=1):
        summary.write_number(3 + i, 0, i, centre)
        summary.write_string(3 + i, 1, person.full_name, cell)
        summary.write_string(3 + i, 2, person.code, cell)
        for j, code in enumerate(candidates.titles):
            verdict = candidates.verdict(person, code)
            summary.write_string(3 + i, 3 + j, _MARK.get(verdict.outcome, "") if verdict else "", centre)
    summary.freeze_panes(4, 3)
    book.close()
    return buffer.getvalue()


def _positions(candidates: UnitCandidates) -> dict[int, str]:
    """Each person's post in the unit (or a predecessor) at the end of the cycle, else the latest before."""
    end = cycle_end(candidates.cycle, candidates.cycle_kind)
    found: dict[int, str] = {}
    for person_id, position in (
        Employment.objects.filter(
            person__in=candidates.people, unit_id__in=unit_history_ids(candidates.unit), start__lte=end
        )
        .order_by("person_id", "start", "pk")
        .values_list("person_id", "position")
    ):
        found[person_id] = position
    return found
