"""A criteria set by Excel: `criteria_export` writes any version as a workbook (openpyxl), and
`criteria_import` replaces a DRAFT's tree with a workbook's, all or none.

The import reads the file with python-calamine and checks everything before writing anything: the file
(`inspect_upload`), the template's identity, the header, each cell (`xlsx_criteria_rules`), the tree
(codes used twice, groups missing or inside themselves), then each row with the criteria editor's reader
(`criteria_fields.check_criterion`: the same rules as the form and the JSON). Any problem: every one of
them, located by row and column, and nothing changes. Otherwise the draft's criteria are replaced in one
transaction, audited. Export then import gives the same tree.
"""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from django.db import transaction
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.datavalidation import DataValidation

from tdkt.core.audit import Actor, audit_record
from tdkt.core.errors import Problem, ValidationFailed
from tdkt.scoring.criteria_edit import cluster_indicators, criteria_set_lock_draft
from tdkt.scoring.criteria_fields import (
    KIND_LABELS,
    METHOD_LABELS,
    ON_LABELS,
    check_criterion,
    flatten,
    input_from_item,
)
from tdkt.scoring.models import CriteriaSet, Criterion
from tdkt.scoring.selectors import criteria_tree
from tdkt.scoring.services import _store_criteria
from tdkt.scoring.xlsx_criteria_rules import (
    COLUMNS,
    CRITERIA_SHEET,
    GUIDE_LINES,
    HEADER_ROW,
    INFO_SHEET,
    META_SHEET,
    TOTAL_LABEL,
    bands_text,
    cap_problems,
    check_identity,
    column_of,
    declared_total,
    inspect_upload,
    meta_rows,
    nest,
    number_cell,
    parse_rows,
    read_criteria_workbook,
    tree_problems,
)

MAX_IMPORT_BYTES = 2 * 1024 * 1024
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def export_filename(criteria_set: CriteriaSet) -> str:
    return f"bo-tieu-chi-{criteria_set.cluster_year.year}-phien-ban-{criteria_set.version}.xlsx"


# --- export -------------------------------------------------------------------------------------------------


def _row(parent: str, item: dict[str, Any], indicators: dict[str, str]) -> list[object]:
    fields = input_from_item(item, parent=parent, indicators=indicators)
    method: dict[str, Any] = item.get("method") or {}
    return [
        fields.code,
        fields.name,
        parent or None,
        KIND_LABELS.get(fields.kind, fields.kind),
        number_cell(item.get("max_points")),
        METHOD_LABELS.get(fields.method) if fields.method else None,
        indicators.get(fields.indicator, fields.indicator) or None,
        number_cell(method.get("cap")) if fields.method == "ratio" else None,
        number_cell(method.get("floor")) if fields.method == "ratio" else None,
        ON_LABELS.get(fields.on) if fields.method == "bands" else None,
        bands_text(method.get("bands") or []) if fields.method == "bands" else None,
        (number_cell(method.get("last_share")) or Decimal(0)) * 100 if fields.method == "rank" else None,
        number_cell(method.get("points_each")) if fields.method == "per_count" else None,
        fields.expression or None,
    ]


def criteria_export(criteria_set: CriteriaSet) -> bytes:
    """A version of the criteria set as a workbook the import reads back."""
    cluster_year = criteria_set.cluster_year
    indicators = cluster_indicators(cluster_year)
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = CRITERIA_SHEET
    bold = Font(name="Times New Roman", size=12, bold=True)
    plain = Font(name="Times New Roman", size=12)
    thin = Side(style="thin")
    sheet["A1"] = f"BỘ TIÊU CHÍ CHẤM ĐIỂM – {cluster_year.cluster.name.upper()} – NĂM {cluster_year.year}"
    sheet["A1"].font = Font(name="Times New Roman", size=14, bold=True)
    sheet["A2"] = (
        f"Phiên bản {criteria_set.version} ({criteria_set.get_status_display().lower()}). Xem trang “Hướng dẫn”."
    )
    sheet["A2"].font = Font(name="Times New Roman", size=12, italic=True)
    for col, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=HEADER_ROW, column=col, value=column.header)
        cell.font = bold
        cell.fill = PatternFill("solid", fgColor="D9E1F2")
        cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        sheet.column_dimensions[cell.column_letter].width = column.width
    for offset, (parent, item) in enumerate(flatten(criteria_tree(criteria_set))):
        for col, value in enumerate(_row(parent, dict(item), indicators), start=1):
            cell = sheet.cell(row=HEADER_ROW + 1 + offset, column=col, value=value)
            cell.font = plain
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    last = HEADER_ROW + 500
    lists = workbook.create_sheet("Danh mục")
    for col, (heading, values) in enumerate(
        (
            ("Loại", list(KIND_LABELS.values())),
            ("Phương pháp chấm", list(METHOD_LABELS.values())),
            ("Tính mức theo", list(ON_LABELS.values())),
            ("Chỉ tiêu của cụm", list(indicators.values())),
        ),
        start=1,
    ):
        lists.cell(row=1, column=col, value=heading).font = bold
        for offset, value in enumerate(values, start=2):
            lists.cell(row=offset, column=col, value=value)
        letter = lists.cell(row=1, column=col).column_letter
        lists.column_dimensions[letter].width = 40
        target = {1: "D", 2: "F", 3: "J", 4: "G"}[col]
        if values:
            check = DataValidation(
                type="list",
                formula1=f"='Danh mục'!${letter}$2:${letter}${len(values) + 1}",
                allow_blank=True,
                errorTitle="Danh mục",
                error="Chọn trong danh sách (trang “Danh mục”).",
            )
            sheet.add_data_validation(check)
            check.add(f"{target}{HEADER_ROW + 1}:{target}{last}")
    info = workbook.create_sheet(INFO_SHEET)
    for row, (key, value) in enumerate(
        (
            ("Cụm", cluster_year.cluster.name),
            ("Năm", cluster_year.year),
            ("Phiên bản", criteria_set.version),
            (TOTAL_LABEL, Decimal(criteria_set.declared_total).normalize() + 0),
        ),
        start=1,
    ):
        info.cell(row=row, column=1, value=key).font = bold
        info.cell(row=row, column=2, value=value)
    info.column_dimensions["A"].width = 30
    info.column_dimensions["B"].width = 40
    guide = workbook.create_sheet("Hướng dẫn")
    guide.column_dimensions["A"].width = 110
    guide["A1"] = "HƯỚNG DẪN SỬA BỘ TIÊU CHÍ BẰNG EXCEL"
    guide["A1"].font = Font(name="Times New Roman", size=14, bold=True)
    for number, line in enumerate(GUIDE_LINES, start=1):
        guide.cell(row=number + 2, column=1, value=f"{number}. {line}").alignment = Alignment(wrap_text=True)
    meta = workbook.create_sheet(META_SHEET)
    for row, (key, value, description) in enumerate(meta_rows(), start=1):
        meta.cell(row=row, column=1, value=key)
        meta.cell(row=row, column=2, value=value)
        meta.cell(row=row, column=3, value=description)
    meta.sheet_state = "hidden"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- import -------------------------------------------------------------------------------------------------


def criteria_import_read(
    *, criteria_set: CriteriaSet, filename: str, data: bytes
) -> tuple[list[dict[str, Any]], Decimal | None]:
    """The tree a workbook holds, checked as the editor checks it; ValidationFailed with every problem,
    located by row and column, otherwise. Reads only."""
    inspect_upload(filename, data, max_bytes=MAX_IMPORT_BYTES)
    book = read_criteria_workbook(data)
    check_identity(book.meta)
    indicators = cluster_indicators(criteria_set.cluster_year)
    sheet, rows = parse_rows(book.rows, indicators)
    problems: list[Problem] = list(sheet.problems)
    total, total_problems = declared_total(book.info)
    problems += total_problems
    problems += tree_problems(sheet, rows)
    items: list[tuple[str, dict[str, Any]]] = []
    for r in rows:
        checked = check_criterion(r.fields, indicators=indicators)
        for p in checked.problems:
            problems.append(Problem(p.message, row=r.row, column=column_of(sheet, p.field or "method")))
        if checked.item is not None:
            item = dict(checked.item)
            item.pop("children", None)
            items.append((r.fields.parent.strip(), item))
    if not rows and not problems:
        problems.append(Problem(f"trang “{CRITERIA_SHEET}” không có tiêu chí nào"))
    if problems:
        # one problem per cell: the tree's and the reader's can say the same of a cell
        unique = list(dict.fromkeys(problems))
        raise ValidationFailed(cap_problems(sorted(unique, key=lambda p: (p.row or 0, p.column or ""))))
    tree = nest(items)
    for item in _groups(tree):
        item.setdefault("children", [])
    return tree, total


def _groups(tree: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for item in tree:
        if item.get("kind") == "group":
            out.append(item)
            out.extend(_groups(item.get("children") or []))
    return out


@transaction.atomic
def criteria_import(*, actor: Actor, criteria_set: CriteriaSet, filename: str, data: bytes) -> CriteriaSet:
    """Replace a draft's criteria (and its declared total, when the file gives one) with a workbook's,
    all or none. Refused for an adopted or locked version, and for anyone but those who manage the
    cluster-year."""
    criteria_set = criteria_set_lock_draft(actor, criteria_set)
    tree, total = criteria_import_read(criteria_set=criteria_set, filename=filename, data=data)
    before = criteria_tree(criteria_set)
    # children before parents: the tree's foreign keys protect parents
    for crit in sorted(Criterion.objects.filter(criteria_set=criteria_set), key=lambda c: -_depth(c)):
        crit.delete()
    _store_criteria(criteria_set, tree, None, 0)
    if total is not None and total != criteria_set.declared_total:
        criteria_set.declared_total = total
        criteria_set.save(update_fields=["declared_total"])
    audit_record(
        actor=actor,
        action="criteria_set.import",
        instance=criteria_set,
        before={"criteria": before},
        after={"criteria": tree, "declared_total": criteria_set.declared_total},
        summary=f"Nhập bộ tiêu chí từ tệp {filename}",
    )
    return criteria_set


def _depth(crit: Criterion) -> int:
    depth, node = 0, crit
    while node.parent_id is not None:
        depth += 1
        node = node.parent  # type: ignore[assignment]
    return depth
