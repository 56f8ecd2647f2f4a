"""Builds the award-history spreadsheets the import tests upload: filled templates and broken ones.

Nothing binary is committed: files are generated from the templates (`awards_template`) edited with
openpyxl; the hostile archives come from the results import's corpus (`tdkt.movements.tests.xlsx_corpus`).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import openpyxl
from openpyxl.workbook.workbook import Workbook

from tdkt.awards.models import Award, Discipline, Initiative, PendingReview, TaskRating
from tdkt.awards.xlsx_rules import HEADER_ROW, SHAPES
from tdkt.awards.xlsx_template import awards_template
from tdkt.core.models import AuditEvent
from tdkt.org.models import Employment, Person


def col(kind: str, key: str) -> int:
    """The 1-based column of a key in a shape's template, as openpyxl counts."""
    return next(i for i, c in enumerate(SHAPES[kind].columns, start=1) if c.key == key)


def letter(kind: str, key: str) -> str:
    return chr(ord("A") + col(kind, key) - 1)


@dataclass(frozen=True)
class DatabaseState:
    ratings: tuple[tuple[Any, ...], ...]
    awards: tuple[tuple[Any, ...], ...]
    initiatives: tuple[tuple[Any, ...], ...]
    others: tuple[int, int, int, int]
    audit_events: int


def database_state() -> DatabaseState:
    """Everything an import could change, the audit trail included."""
    return DatabaseState(
        ratings=tuple(
            TaskRating.objects.order_by("pk").values_list(
                "pk", "person_id", "unit_id", "cycle", "rating", "source"
            )
        ),
        awards=tuple(
            Award.objects.order_by("pk").values_list(
                "pk",
                "person_id",
                "unit_id",
                "title",
                "cycle",
                "decision_no",
                "decision_date",
                "authority",
                "kind",
                "basis",
                "source",
            )
        ),
        initiatives=tuple(
            Initiative.objects.order_by("pk").values_list(
                "pk", "person_id", "name", "scope", "cycle", "recognised_on", "used_by_id"
            )
        ),
        others=(
            Person.objects.count(),
            Employment.objects.count(),
            Discipline.objects.count(),
            PendingReview.objects.count(),
        ),
        audit_events=AuditEvent.objects.count(),
    )


def template(kind: str) -> bytes:
    return awards_template(kind=kind)


def edit(data: bytes, change: Callable[[Workbook], None]) -> bytes:
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    change(workbook)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def fill(
    kind: str, rows: list[dict[str, object]], data: bytes | None = None, first_row: int = HEADER_ROW + 1
) -> bytes:
    """Type rows into a template: `[{column key: value}]`, from the first row below the header."""
    shape = SHAPES[kind]

    def change(workbook: Workbook) -> None:
        sheet = workbook[shape.sheet]
        for offset, cells in enumerate(rows):
            for key, value in cells.items():
                sheet.cell(first_row + offset, col(kind, key)).value = value

    return edit(data if data is not None else template(kind), change)


def set_header(data: bytes, kind: str, column: int, text: str | None) -> bytes:
    def change(workbook: Workbook) -> None:
        workbook[SHAPES[kind].sheet].cell(HEADER_ROW, column).value = text

    return edit(data, change)


def insert_column(data: bytes, kind: str, before: int, header: str) -> bytes:
    def change(workbook: Workbook) -> None:
        sheet = workbook[SHAPES[kind].sheet]
        sheet.insert_cols(before)
        sheet.cell(HEADER_ROW, before).value = header

    return edit(data, change)


def delete_column(data: bytes, kind: str, column: int) -> bytes:
    def change(workbook: Workbook) -> None:
        workbook[SHAPES[kind].sheet].delete_cols(column)

    return edit(data, change)


def rename_sheet(data: bytes, old: str, new: str) -> bytes:
    def change(workbook: Workbook) -> None:
        workbook[old].title = new

    return edit(data, change)


def remove_sheet(data: bytes, name: str) -> bytes:
    def change(workbook: Workbook) -> None:
        del workbook[name]

    return edit(data, change)


def own_sheet(kind: str, rows: list[list[object]]) -> bytes:
    """A unit's own workbook with the right sheet name and header but not made from the template."""
    shape = SHAPES[kind]
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = shape.sheet
    for c, column in enumerate(shape.columns, start=1):
        sheet.cell(HEADER_ROW, c).value = column.header
    for r, values in enumerate(rows, start=HEADER_ROW + 1):
        for c, value in enumerate(values, start=1):
            sheet.cell(r, c).value = value
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
