"""A lower unit's own proposal list, imported into a dossier from Excel: all rows or none. Each row names a
person (by code, else by name among the proposer's people that year) or a collective (by unit code), and a
title (by code or name, diacritics optional); every problem is reported at once with its row and column."""

from __future__ import annotations

import io

import xlsxwriter
from django.db import transaction

from tdkt.awards.catalogue_selectors import title_name
from tdkt.awards.models import CatalogueEntry
from tdkt.awards.selectors import people_of_unit
from tdkt.awards.xlsx_import import title_names
from tdkt.awards.xlsx_rules import (
    LISTS_SHEET,
    META_SHEET,
    CellError,
    extract_rows,
    identity_problems,
    match_header,
    meta_rows_for,
    parse_text,
    parse_title,
    read_sheet,
    title_aliases,
)
from tdkt.core.audit import Actor
from tdkt.core.errors import Problem, ValidationFailed
from tdkt.core.vn import fold
from tdkt.dossiers import tracks
from tdkt.dossiers.models import Dossier, DossierLine
from tdkt.dossiers.services import dossier_line_add
from tdkt.dossiers.xlsx_lines_rules import LINES, NOTE_MAX
from tdkt.movements.xlsx_template import write_meta_sheet
from tdkt.org.models import Person, Unit


def lines_template(dossier: Dossier) -> bytes:
    """The workbook to fill: the sheet with its header on row 4, and the hidden sheet naming the shape."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet(LINES.sheet)
    bold = book.add_format({"bold": True, "text_wrap": True, "border": 1, "align": "center"})
    text = book.add_format({"num_format": "@"})
    sheet.write(0, 0, f"DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG — {dossier.subject}", book.add_format({"bold": True}))
    sheet.write(1, 0, f"Đơn vị đề nghị: {dossier.proposer.name}; năm thành tích {dossier.cycle}")
    for col, column in enumerate(LINES.columns):
        sheet.write(3, col, column.header, bold)
        sheet.set_column(col, col, column.width, text)
        if column.hint:
            sheet.write_comment(3, col, column.hint)
    lists = book.add_worksheet(LISTS_SHEET)
    lists.write_row(0, 0, ["Mã", "Danh hiệu, hình thức đề nghị được"], bold)
    spec = tracks.track(dossier.track)
    codes = spec.titles or tuple(CatalogueEntry.objects.filter(active=True).values_list("code", flat=True))
    for row, code in enumerate(codes, start=1):
        lists.write_string(row, 0, code)
        lists.write_string(row, 1, title_name(code))
    lists.set_column(0, 0, 14)
    lists.set_column(1, 1, 70)
    write_meta_sheet(book.add_worksheet(META_SHEET), meta_rows_for(LINES))
    book.close()
    return buffer.getvalue()


@transaction.atomic
def lines_import(*, actor: Actor, dossier: Dossier, data: bytes) -> list[DossierLine]:
    """Every row of the workbook into the dossier through `dossier_line_add`, or nothing."""
    sheet = read_sheet(data, LINES)
    problems = identity_problems(sheet.meta_rows, LINES)
    if problems:
        raise ValidationFailed(problems)
    header = match_header(sheet.data_rows, LINES)
    extracted = extract_rows(sheet.data_rows, header)
    problems = list(extracted.problems)
    aliases = title_aliases(title_names())
    people = people_of_unit(dossier.proposer, dossier.cycle)
    by_code = {p.code: p for p in people if p.code}
    by_name: dict[str, list[Person]] = {}
    for someone in people:
        by_name.setdefault(fold(someone.full_name), []).append(someone)
    planned: list[tuple[int, str, Person | None, Unit | None, str]] = []
    for raw in extracted.rows:
        row = raw.row
        try:
            title = parse_title(raw.raw("title"), aliases)
        except CellError as exc:
            problems.append(Problem(str(exc), row=row, column=header.label("title")))
            continue
        try:
            note = parse_text(raw.raw("note"), limit=NOTE_MAX, what="thành tích tóm tắt")
        except CellError as exc:
            problems.append(Problem(str(exc), row=row, column=header.label("note")))
            note = ""
        code, name, unit_code = raw.text("person_code"), raw.text("full_name"), raw.text("unit_code")
        person: Person | None = None
        unit: Unit | None = None
        if code or name:
            if code:
                person = by_code.get(code)
                if person is None:
                    problems.append(
                        Problem(
                            f"không có cán bộ mã “{code}” trong {dossier.proposer.name} năm {dossier.cycle}",
                            row=row,
                            column=header.label("person_code"),
                        )
                    )
                    continue
            else:
                found = by_name.get(fold(name), [])
                if len(found) != 1:
                    why = "không có" if not found else f"có {len(found)} người trùng tên: hãy ghi mã cán bộ"
                    problems.append(
                        Problem(
                            f"“{name}”: {why} trong {dossier.proposer.name} năm {dossier.cycle}",
                            row=row,
                            column=header.label("full_name"),
                        )
                    )
                    continue
                person = found[0]
        elif unit_code:
            unit = Unit.objects.filter(code__iexact=unit_code).first()
            if unit is None:
                problems.append(
                    Problem(f"không có đơn vị mã “{unit_code}”", row=row, column=header.label("unit_code"))
                )
                continue
        else:
            problems.append(
                Problem(
                    "chưa ghi họ tên (cá nhân) hoặc mã đơn vị (tập thể)",
                    row=row,
                    column=header.label("full_name"),
                )
            )
            continue
        planned.append((row, title, person, unit, note))
    if problems:
        raise ValidationFailed(problems)
    if not planned:
        raise ValidationFailed([Problem("tệp không có dòng đề nghị nào")])
    if not tracks.track(dossier.track).subjects:
        raise ValidationFailed([Problem("loại hồ sơ không nhận danh sách")])
    lines: list[DossierLine] = []
    line_problems: list[Problem] = []
    for row, title, person, unit, note in planned:
        try:
            lines.append(
                dossier_line_add(
                    actor=actor, dossier=dossier, title=title, person=person, unit=unit, note=note
                )
            )
        except ValidationFailed as exc:
            line_problems += [Problem(p.message, row=row, field=p.field) for p in exc.problems]
    if line_problems:
        raise ValidationFailed(line_problems)
    return lines
