"""Builds the spreadsheets the import tests upload: filled templates and every kind of bad file.

Nothing here is committed as a binary: each file is generated when a test asks for it, from the template
(`results_template`) edited with openpyxl, or from raw zip bytes for the broken and hostile files.
"""

from __future__ import annotations

import io
import random
import struct
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import docx
import openpyxl
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from tdkt.core.models import AuditEvent
from tdkt.movements.models import Report, ReportValue
from tdkt.movements.xlsx_rules import COLUMNS, DATA_SHEET, HEADER_ROW

COL = {c.key: i + 1 for i, c in enumerate(COLUMNS)}  # 1-based, as openpyxl counts
LETTER = {c.key: chr(ord("A") + i) for i, c in enumerate(COLUMNS)}

# --- the database, before and after -------------------------------------------------------------------


@dataclass(frozen=True)
class DatabaseState:
    reports: tuple[tuple[Any, ...], ...]
    values: tuple[tuple[Any, ...], ...]
    audit_events: int


def database_state() -> DatabaseState:
    """Everything an import could change: reports, their values, and the audit trail."""
    return DatabaseState(
        reports=tuple(Report.objects.order_by("pk").values_list("pk", "unit_id", "period", "status")),
        values=tuple(
            ReportValue.objects.order_by("pk").values_list(
                "pk", "report_id", "indicator_id", "value", "prior_value", "note", "illustrative", "source"
            )
        ),
        audit_events=AuditEvent.objects.count(),
    )


# --- filled templates ----------------------------------------------------------------------------------


def edit(data: bytes, change: Callable[[Workbook], None]) -> bytes:
    """Open an .xlsx with openpyxl, let `change` edit it, and save it again (as a person's Excel would)."""
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    change(workbook)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def row_of(data: bytes, unit_code: str, indicator_code: str) -> int:
    """The 1-based spreadsheet row of a (unit, indicator) in a template."""
    sheet = openpyxl.load_workbook(io.BytesIO(data))[DATA_SHEET]
    return _find_row(sheet, unit_code, indicator_code)


def _find_row(sheet: Worksheet, unit_code: str, indicator_code: str) -> int:
    for row in range(HEADER_ROW + 1, sheet.max_row + 1):
        unit = sheet.cell(row, COL["unit_code"]).value
        indicator = sheet.cell(row, COL["indicator_code"]).value
        if unit == unit_code and indicator == indicator_code:
            return row
    raise LookupError(f"{unit_code}/{indicator_code} not in the template")


def fill(
    data: bytes,
    values: dict[tuple[str, str], object | tuple[object, ...]],
) -> bytes:
    """Type into the template: `{(unit code, indicator code): result}` or `(result, prior, note)`.
    None clears a cell."""

    def change(workbook: Workbook) -> None:
        sheet = workbook[DATA_SHEET]
        for (unit_code, indicator_code), given in values.items():
            row = _find_row(sheet, unit_code, indicator_code)
            cells = given if isinstance(given, tuple) else (given,)
            for key, value in zip(("result", "prior", "note"), cells, strict=False):
                sheet.cell(row, COL[key]).value = value

    return edit(data, change)


def append_rows(data: bytes, rows: list[dict[str, object]]) -> bytes:
    """Add rows below the template's rows, as a person adding lines would."""

    def change(workbook: Workbook) -> None:
        sheet = workbook[DATA_SHEET]
        for cells in rows:
            row = sheet.max_row + 1
            for key, value in cells.items():
                sheet.cell(row, COL[key]).value = value

    return edit(data, change)


def clear_all_results(data: bytes) -> bytes:
    def change(workbook: Workbook) -> None:
        sheet = workbook[DATA_SHEET]
        for row in range(HEADER_ROW + 1, sheet.max_row + 1):
            for key in ("result", "prior", "note"):
                sheet.cell(row, COL[key]).value = None

    return edit(data, change)


def set_header(data: bytes, column: int, text: str | None) -> bytes:
    def change(workbook: Workbook) -> None:
        workbook[DATA_SHEET].cell(HEADER_ROW, column).value = text

    return edit(data, change)


def insert_column(data: bytes, before: int, header: str) -> bytes:
    def change(workbook: Workbook) -> None:
        sheet = workbook[DATA_SHEET]
        sheet.insert_cols(before)
        sheet.cell(HEADER_ROW, before).value = header

    return edit(data, change)


def delete_column(data: bytes, column: int) -> bytes:
    def change(workbook: Workbook) -> None:
        workbook[DATA_SHEET].delete_cols(column)

    return edit(data, change)


def rename_sheet(data: bytes, old: str, new: str) -> bytes:
    def change(workbook: Workbook) -> None:
        workbook[old].title = new

    return edit(data, change)


def remove_sheet(data: bytes, name: str) -> bytes:
    def change(workbook: Workbook) -> None:
        del workbook[name]

    return edit(data, change)


def minimal_xlsx() -> bytes:
    """A real .xlsx with one sheet, made without the database (for the pure tests)."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = DATA_SHEET
    sheet["A1"] = "Mã đơn vị"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# --- files that are not an .xlsx ------------------------------------------------------------------------


def csv_file() -> bytes:
    return "Mã đơn vị;Mã chỉ tiêu;Kết quả\nT-TP;T-THU;260.000\n".encode()


def ole_file() -> bytes:
    """The first bytes of an old .xls (or a password-protected .xlsx): an OLE compound document."""
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096)


def docx_file() -> bytes:
    document = docx.Document()
    document.add_paragraph("Báo cáo kết quả thi đua năm 2024")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def plain_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("ket-qua.csv", csv_file())
    return out.getvalue()


def truncated(data: bytes) -> bytes:
    """The first half of a file, as an interrupted upload leaves it."""
    return data[: len(data) // 2]


def _rezip(data: bytes, *, stored: set[str] | None = None) -> bytes:
    """The same archive, with the named members stored uncompressed (so a test can flip their bytes)."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            method = zipfile.ZIP_STORED if stored and info.filename in stored else zipfile.ZIP_DEFLATED
            target.writestr(info.filename, source.read(info.filename), compress_type=method)
    return out.getvalue()


def corrupted(data: bytes) -> bytes:
    """A template whose sheet bytes were damaged after zipping: the zip directory reads, the CRC fails."""
    member = "xl/worksheets/sheet1.xml"
    rezipped = _rezip(data, stored={member})
    content = zipfile.ZipFile(io.BytesIO(rezipped)).read(member)
    at = rezipped.index(content) + len(content) // 2
    damaged = bytearray(rezipped)
    damaged[at] = ord("#") if damaged[at] != ord("#") else ord("%")
    return bytes(damaged)


# --- hostile archives -----------------------------------------------------------------------------------

_PACKAGE = {
    "[Content_Types].xml": b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
    "xl/workbook.xml": b'<?xml version="1.0"?><workbook/>',
}


def _package(extra: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in {**_PACKAGE, **extra}.items():
            archive.writestr(name, content)
    return out.getvalue()


def ratio_bomb() -> bytes:
    """5 MB of zeros in one member, a few kilobytes once compressed (about 1000:1)."""
    return _package({"xl/worksheets/sheet1.xml": bytes(5 * 1024 * 1024)})


def large_total() -> bytes:
    """60 members of 1 MB each, every one compressing only about 27:1: the sum is what gives it away."""
    rng = random.Random(2024)
    block = bytearray(1024 * 1024)
    for i in range(0, len(block), 64):
        block[i] = rng.randrange(256)
    return _package({f"xl/media/image{i}.bin": bytes(block) for i in range(60)})


def many_members(count: int = 600) -> bytes:
    return _package({f"xl/media/m{i}.txt": b"x" for i in range(count)})


def _patch_sizes(data: bytes, member: str, size: int) -> bytes:
    """Rewrite the uncompressed size a member declares, in its local header and in the central directory."""
    patched = bytearray(data)
    name = member.encode()
    at = 0
    while (at := patched.find(b"PK\x03\x04", at)) != -1:
        name_len = struct.unpack_from("<H", patched, at + 26)[0]
        if bytes(patched[at + 30 : at + 30 + name_len]) == name:
            struct.pack_into("<I", patched, at + 22, size)
        at += 4
    at = 0
    while (at := patched.find(b"PK\x01\x02", at)) != -1:
        name_len = struct.unpack_from("<H", patched, at + 28)[0]
        if bytes(patched[at + 46 : at + 46 + name_len]) == name:
            struct.pack_into("<I", patched, at + 24, size)
        at += 4
    return bytes(patched)


def declared_huge() -> bytes:
    """A small archive whose directory claims a member unpacks to 60 MB."""
    return _patch_sizes(
        _package({"xl/worksheets/sheet1.xml": b"<x/>" * 100}), "xl/worksheets/sheet1.xml", 60 * 1024 * 1024
    )


def lying_small(data: bytes) -> bytes:
    """A template whose sheet declares 100 bytes but really unpacks to far more: the CRC catches it."""
    return _patch_sizes(_rezip(data), "xl/worksheets/sheet1.xml", 100)


def oversized(megabytes: int = 50) -> bytes:
    """A zip signature followed by `megabytes` of padding: refused on its size alone."""
    return b"PK\x03\x04" + bytes(megabytes * 1024 * 1024)
