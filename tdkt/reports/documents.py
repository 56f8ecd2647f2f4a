"""Administrative documents in the format of Decree 30/2020/NĐ-CP: .docx (python-docx) and PDF (WeasyPrint).

A document is described once as plain values (`AdminDocument`) and rendered by either exporter, so the
Word and the PDF always say the same thing. Layout per Decree 30 (Appendix I): A4; margins top and bottom
20 mm, left 30 mm, right 15 mm; Times New Roman 13–14 pt; the issuing body top left with the number below
it, the national heading top right with the motto underlined, the place and date in italics, the title in
bold capitals, signatures at the end with the title in bold capitals and the name in bold.

Dates follow the decree (`tdkt.core.vn.format_date_decree30`: a leading zero only before days 1–9 and
months 1–2). A signature block never stands alone on a page: the closing lines, the signatures and the
footer note are kept together (Word: "keep with next" on every paragraph and rows that cannot split;
PDF: one block with `break-inside: avoid`), so the page that is signed also carries the end of the text.
The note (the hashes of a record) sits just above the signatures, inside that block. Tables repeat their
heading row on every page they run over; in Word their columns get widths from their content.
"""

from __future__ import annotations

import datetime as dt
import html
import io
from dataclasses import dataclass, field

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from tdkt.core.vn import format_date_decree30

NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
FONT = "Times New Roman"


@dataclass(frozen=True)
class Signature:
    title: str  # e.g. "TRƯỞNG BAN KIỂM PHIẾU"
    name: str = ""  # left empty for a hand signature when not known


@dataclass(frozen=True)
class Section:
    """A numbered part of the body (e.g. "I. ĐẠI BIỂU THAM DỰ"): a heading, paragraphs, an optional table
    and paragraphs after it. `table_center` names the columns (from 0) whose cells are centred, such as
    numbers."""

    heading: str
    paragraphs: list[str] = field(default_factory=list)
    table_header: list[str] = field(default_factory=list)
    table_rows: list[list[str]] = field(default_factory=list)
    after: list[str] = field(default_factory=list)
    table_center: tuple[int, ...] = ()


@dataclass(frozen=True)
class AdminDocument:
    issuer_parent: str  # e.g. "UBND TỈNH QUẢNG NAM" (may be empty)
    issuer: str  # e.g. "CỤM THI ĐUA MIỀN NÚI"
    number: str  # e.g. "Số: 01/BB-CTĐ"
    place: str
    date: dt.date
    title: str
    subtitle: str = ""
    paragraphs: list[str] = field(default_factory=list)
    table_header: list[str] = field(default_factory=list)
    table_rows: list[list[str]] = field(default_factory=list)
    closing: list[str] = field(default_factory=list)
    signatures: list[Signature] = field(default_factory=list)
    # e.g. the hashes of the record: printed just above the signatures, so the signers attest it and it is
    # never left alone on a page
    footer_note: str = ""
    sections: list[Section] = field(default_factory=list)  # rendered after the paragraphs and the table
    table_center: tuple[int, ...] = ()
    signature_columns: int = 0  # signatures per row; 0: all on one row up to 3, then rows of 3 (2 for 4)

    @property
    def place_date(self) -> str:
        return f"{self.place}, {format_date_decree30(self.date)}"

    @property
    def signature_rows(self) -> list[list[Signature]]:
        """The signatures in rows, as they are laid out on the page."""
        n = len(self.signatures)
        columns = self.signature_columns or (n if n <= 3 else 2 if n == 4 else 3)
        return [self.signatures[i : i + columns] for i in range(0, n, max(1, columns))]


# ------------------------------------------------------------------------------------------------ docx


def _run(paragraph: object, text: str, *, bold: bool = False, italic: bool = False, size: float = 14) -> None:
    run = paragraph.add_run(text)  # type: ignore[attr-defined]
    run.bold, run.italic = bold, italic
    run.font.size = Pt(size)
    run.font.name = FONT
    run._element.rPr.rFonts.set(qn("w:eastAsia"), FONT)


def _para(
    container: object,
    text: str = "",
    *,
    align: int | None = None,
    bold: bool = False,
    italic: bool = False,
    size: float = 14,
    indent: bool = False,
    space_after: float = 6,
) -> object:
    p = container.add_paragraph()  # type: ignore[attr-defined]
    if align is not None:
        p.alignment = align
    p.paragraph_format.space_after = Pt(space_after)
    if indent:
        p.paragraph_format.first_line_indent = Mm(10)
    if text:
        _run(p, text, bold=bold, italic=italic, size=size)
    return p


def _underline_motto(paragraph: object) -> None:
    """Decree 30 draws a line under the motto: a bottom border on its paragraph, as wide as the text."""
    p_pr = paragraph._p.get_or_add_pPr()  # type: ignore[attr-defined]
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    border.append(bottom)
    p_pr.append(border)
    indent = OxmlElement("w:ind")
    indent.set(qn("w:left"), "1000")
    indent.set(qn("w:right"), "1000")
    p_pr.append(indent)


def _row_flag(row: object, name: str) -> None:
    """A row property without a value (`w:cantSplit`, `w:tblHeader`)."""
    tr_pr = row._tr.get_or_add_trPr()  # type: ignore[attr-defined]
    tr_pr.append(OxmlElement(name))


TEXT_WIDTH_MM = 165  # A4 less the left (30 mm) and right (15 mm) margins


def _column_widths(header: list[str], rows: list[list[str]]) -> list[Mm]:
    """Widths from the content, so a name column is not squeezed to the width of a number column (Word
    otherwise splits the page evenly): every column gets at least its longest word, and the width left is
    shared in proportion to how much more each column's usual cell would take."""
    char_mm, padding_mm = 2.4, 4.0  # a character of 13 pt Times, and a cell's inner margins
    least, wanted = [], []
    for i, title in enumerate(header):
        cells = [title] + [r[i] for r in rows if i < len(r)]
        longest_word = max((len(w) for c in cells for w in c.split()), default=1)
        usual = sorted(len(c) for c in cells)[len(cells) // 2]
        least.append((longest_word + 1) * char_mm + padding_mm)  # one more: bold headings are wider
        wanted.append(max(least[-1], min(usual, 40) * char_mm + padding_mm))
    if sum(wanted) <= TEXT_WIDTH_MM:
        widths = [w * TEXT_WIDTH_MM / sum(wanted) for w in wanted]
    elif sum(least) >= TEXT_WIDTH_MM:
        widths = [w * TEXT_WIDTH_MM / sum(least) for w in least]
    else:
        spare = TEXT_WIDTH_MM - sum(least)
        more = [w - m for w, m in zip(wanted, least, strict=True)]
        widths = [m + spare * x / sum(more) for m, x in zip(least, more, strict=True)]
    return [Mm(w) for w in widths]


def _docx_table(
    document: object, header: list[str], rows: list[list[str]], center: tuple[int, ...] = ()
) -> None:
    if not header:
        return
    table = document.add_table(rows=1, cols=len(header))  # type: ignore[attr-defined]
    table.style = "Table Grid"
    table.autofit = False
    widths = _column_widths(header, rows)
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    _row_flag(table.rows[0], "w:tblHeader")  # the heading row again on every page the table runs over
    _row_flag(table.rows[0], "w:cantSplit")
    for cell, text, width in zip(table.rows[0].cells, header, widths, strict=True):
        cell.width = width
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(cell.paragraphs[0], text, bold=True, size=13)
    for row in rows:
        added = table.add_row()
        _row_flag(added, "w:cantSplit")
        for i, (cell, text) in enumerate(zip(added.cells, row, strict=True)):
            cell.width = widths[i]
            if i in center:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
            _run(cell.paragraphs[0], text, size=13)


def _docx_signatures(document: object, doc: AdminDocument) -> None:
    """The signature block: rows that cannot split, every paragraph kept with the next, so the block
    stays whole and on the page of the lines before it (which are kept with it too)."""
    rows = doc.signature_rows
    columns = max(len(r) for r in rows)
    table = document.add_table(rows=len(rows), cols=columns)  # type: ignore[attr-defined]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    last_row = len(rows) - 1
    for r, signatures in enumerate(rows):
        _row_flag(table.rows[r], "w:cantSplit")
        for cell, sig in zip(table.rows[r].cells, signatures, strict=False):
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
            _run(cell.paragraphs[0], sig.title, bold=True, size=14)
            _para(
                cell,
                "(Ký, ghi rõ họ tên)",
                align=WD_ALIGN_PARAGRAPH.CENTER,
                italic=True,
                size=13,
                space_after=48,
            )
            _para(cell, sig.name, align=WD_ALIGN_PARAGRAPH.CENTER, bold=True, size=14, space_after=12)
            for p in cell.paragraphs:
                p.paragraph_format.keep_with_next = r < last_row
                p.paragraph_format.keep_together = True


def to_docx(doc: AdminDocument) -> bytes:
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    style = document.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(14)

    header = document.add_table(rows=1, cols=2)
    header.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = header.rows[0].cells
    left.width, right.width = Mm(70), Mm(95)
    left.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    if doc.issuer_parent:
        _run(left.paragraphs[0], doc.issuer_parent, size=13)
        _para(left, doc.issuer, align=WD_ALIGN_PARAGRAPH.CENTER, bold=True, size=13, space_after=0)
    else:
        _run(left.paragraphs[0], doc.issuer, bold=True, size=13)
    _para(left, doc.number, align=WD_ALIGN_PARAGRAPH.CENTER, size=13)
    right.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(right.paragraphs[0], NATION, bold=True, size=12)
    motto = _para(right, MOTTO, align=WD_ALIGN_PARAGRAPH.CENTER, bold=True, size=13, space_after=2)
    _underline_motto(motto)
    _para(right, doc.place_date, align=WD_ALIGN_PARAGRAPH.CENTER, italic=True, size=14)

    _para(document, doc.title, align=WD_ALIGN_PARAGRAPH.CENTER, bold=True, size=14, space_after=0)
    if doc.subtitle:
        _para(document, doc.subtitle, align=WD_ALIGN_PARAGRAPH.CENTER, bold=True, size=14)
    for text in doc.paragraphs:
        _para(document, text, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=True)
    _docx_table(document, doc.table_header, doc.table_rows, doc.table_center)
    for part in doc.sections:
        heading = _para(document, part.heading, bold=True, space_after=4)
        heading.paragraph_format.keep_with_next = True  # type: ignore[attr-defined]
        for text in part.paragraphs:
            _para(document, text, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=True)
        _docx_table(document, part.table_header, part.table_rows, part.table_center)
        for text in part.after:
            _para(document, text, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=True)
    ending = [_para(document, text, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=True) for text in doc.closing]
    if doc.footer_note:
        ending.append(
            _para(document, doc.footer_note, align=WD_ALIGN_PARAGRAPH.JUSTIFY, italic=True, size=11)
        )
    if doc.signatures:  # the last lines go with the signatures onto their page
        for p in ending:
            p.paragraph_format.keep_with_next = True  # type: ignore[attr-defined]
            p.paragraph_format.keep_together = True  # type: ignore[attr-defined]
        _docx_signatures(document, doc)
    buffer = io.BytesIO()
    document.core_properties.title = doc.title
    document.save(buffer)
    return buffer.getvalue()


# ------------------------------------------------------------------------------------------------- pdf

_CSS = """
@page { size: A4; margin: 20mm 15mm 20mm 30mm; }
body { font-family: "Times New Roman", "Liberation Serif", "DejaVu Serif", serif; font-size: 14pt; line-height: 1.3; }
.head { display: flex; justify-content: space-between; text-align: center; margin-bottom: 12pt; }
.head .issuer { width: 40%; font-size: 13pt; }
.head .nation { width: 58%; }
.nation .n { font-weight: bold; font-size: 12pt; }
.nation .m { font-weight: bold; font-size: 13pt; display: inline-block; border-bottom: 1px solid #000; padding-bottom: 1pt; }
.date { font-style: italic; margin-top: 6pt; }
h1 { text-align: center; font-size: 14pt; margin: 12pt 0 0; }
h2 { text-align: center; font-size: 14pt; margin: 0 0 12pt; }
h3 { font-size: 14pt; margin: 10pt 0 4pt; }
p.body { text-align: justify; text-indent: 10mm; margin: 0 0 6pt; }
table.data { border-collapse: collapse; width: 100%; font-size: 13pt; margin: 6pt 0; }
table.data th, table.data td { border: 1px solid #000; padding: 2pt 4pt; vertical-align: top; }
table.data thead { display: table-header-group; }
table.data tr { break-inside: avoid; }
table.data td.c { text-align: center; white-space: nowrap; }
h3 { break-after: avoid; }
.end { break-inside: avoid; }
table.signs { width: 100%; border-collapse: collapse; margin-top: 12pt; table-layout: fixed; }
table.signs tr { break-inside: avoid; }
table.signs td { text-align: center; vertical-align: top; padding: 0 4pt 12pt; }
.signs .t { font-weight: bold; } .signs .h { font-style: italic; font-size: 13pt; margin-bottom: 48pt; }
.signs .nm { font-weight: bold; }
.signs div { line-height: 18pt; }
.note { font-style: italic; font-size: 11pt; margin: 0 0 6pt; text-align: justify; overflow-wrap: anywhere; }
"""


def _html_table(header: list[str], rows: list[list[str]], center: tuple[int, ...] = ()) -> list[str]:
    if not header:
        return []
    e = html.escape
    return [
        "<table class='data'><thead><tr>" + "".join(f"<th>{e(h)}</th>" for h in header) + "</tr></thead>",
        "<tbody>",
        *(
            "<tr>"
            + "".join(
                f"<td class='c'>{e(c)}</td>" if i in center else f"<td>{e(c)}</td>" for i, c in enumerate(row)
            )
            + "</tr>"
            for row in rows
        ),
        "</tbody></table>",
    ]


def _html_signatures(doc: AdminDocument) -> list[str]:
    e = html.escape
    rows = doc.signature_rows
    columns = max(len(r) for r in rows)
    out = ["<table class='signs'>"]
    for signatures in rows:
        cells = [
            f"<td><div class='t'>{e(s.title)}</div><div class='h'>(Ký, ghi rõ họ tên)</div>"
            f"<div class='nm'>{e(s.name)}</div></td>"
            for s in signatures
        ]
        cells += ["<td></td>"] * (columns - len(signatures))
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</table>")
    return out


def to_html(doc: AdminDocument) -> str:
    e = html.escape
    issuer = (
        f"{e(doc.issuer_parent)}<br><b>{e(doc.issuer)}</b>"
        if doc.issuer_parent
        else f"<b>{e(doc.issuer)}</b>"
    )
    parts = [
        f"<!doctype html><html lang='vi'><head><meta charset='utf-8'><title>{e(doc.title)}</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<div class='head'><div class='issuer'>{issuer}<br>{e(doc.number)}</div>",
        f"<div class='nation'><div class='n'>{NATION}</div><div class='m'>{MOTTO}</div>",
        f"<div class='date'>{e(doc.place_date)}</div></div></div>",
        f"<h1>{e(doc.title)}</h1>",
        f"<h2>{e(doc.subtitle)}</h2>" if doc.subtitle else "",
        *(f"<p class='body'>{e(t)}</p>" for t in doc.paragraphs),
    ]
    parts += _html_table(doc.table_header, doc.table_rows, doc.table_center)
    for part in doc.sections:
        parts.append(f"<h3>{e(part.heading)}</h3>")
        parts += [f"<p class='body'>{e(t)}</p>" for t in part.paragraphs]
        parts += _html_table(part.table_header, part.table_rows, part.table_center)
        parts += [f"<p class='body'>{e(t)}</p>" for t in part.after]
    # the closing lines, the note and the signatures as one block that does not break across pages
    parts.append("<div class='end'>")
    parts += [f"<p class='body'>{e(t)}</p>" for t in doc.closing]
    if doc.footer_note:
        parts.append(f"<p class='note'>{e(doc.footer_note)}</p>")
    if doc.signatures:
        parts += _html_signatures(doc)
    parts.append("</div></body></html>")
    return "".join(parts)


def to_pdf(doc: AdminDocument) -> bytes:
    from weasyprint import HTML  # imported here: loading Pango costs time that pages without PDF need not pay

    pdf: bytes = HTML(string=to_html(doc)).write_pdf()
    return pdf
