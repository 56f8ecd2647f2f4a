"""Administrative documents in the format of Decree 30/2020/NĐ-CP: .docx (python-docx) and PDF (WeasyPrint).

A document is described once as plain values (`AdminDocument`) and rendered by either exporter, so the
Word and the PDF always say the same thing. Layout per Decree 30 (Appendix I): A4; margins top and bottom
20 mm, left 30 mm, right 15 mm; Times New Roman 13–14 pt; the issuing body top left with the number below
it, the national heading top right with the motto underlined, the place and date in italics, the title in
bold capitals, signatures at the end with the title in bold capitals and the name in bold.
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
    and paragraphs after it."""

    heading: str
    paragraphs: list[str] = field(default_factory=list)
    table_header: list[str] = field(default_factory=list)
    table_rows: list[list[str]] = field(default_factory=list)
    after: list[str] = field(default_factory=list)


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
    footer_note: str = ""  # e.g. the hash of the record
    sections: list[Section] = field(default_factory=list)  # rendered after the paragraphs and the table

    @property
    def place_date(self) -> str:
        return f"{self.place}, ngày {self.date.day:02d} tháng {self.date.month:02d} năm {self.date.year}"


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


def _docx_table(document: object, header: list[str], rows: list[list[str]]) -> None:
    if not header:
        return
    table = document.add_table(rows=1, cols=len(header))  # type: ignore[attr-defined]
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(cell.paragraphs[0], text, bold=True, size=13)
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            _run(cell.paragraphs[0], text, size=13)


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
    _docx_table(document, doc.table_header, doc.table_rows)
    for part in doc.sections:
        _para(document, part.heading, bold=True, space_after=4)
        for text in part.paragraphs:
            _para(document, text, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=True)
        _docx_table(document, part.table_header, part.table_rows)
        for text in part.after:
            _para(document, text, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=True)
    for text in doc.closing:
        _para(document, text, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=True)
    if doc.signatures:
        signs = document.add_table(rows=1, cols=len(doc.signatures))
        for cell, sig in zip(signs.rows[0].cells, doc.signatures, strict=True):
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
            if sig.name:
                _para(cell, sig.name, align=WD_ALIGN_PARAGRAPH.CENTER, bold=True, size=14)
    if doc.footer_note:
        _para(document, doc.footer_note, italic=True, size=11)
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
table.data th, table.data td { border: 1px solid #000; padding: 2pt 4pt; }
.signs { display: flex; justify-content: space-around; text-align: center; margin-top: 18pt; }
.signs .t { font-weight: bold; } .signs .h { font-style: italic; font-size: 13pt; margin-bottom: 48pt; }
.signs .nm { font-weight: bold; }
.note { font-style: italic; font-size: 11pt; margin-top: 18pt; }
"""


def _html_table(header: list[str], rows: list[list[str]]) -> list[str]:
    if not header:
        return []
    e = html.escape
    return [
        "<table class='data'><tr>" + "".join(f"<th>{e(h)}</th>" for h in header) + "</tr>",
        *("<tr>" + "".join(f"<td>{e(c)}</td>" for c in row) + "</tr>" for row in rows),
        "</table>",
    ]


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
    parts += _html_table(doc.table_header, doc.table_rows)
    for part in doc.sections:
        parts.append(f"<h3>{e(part.heading)}</h3>")
        parts += [f"<p class='body'>{e(t)}</p>" for t in part.paragraphs]
        parts += _html_table(part.table_header, part.table_rows)
        parts += [f"<p class='body'>{e(t)}</p>" for t in part.after]
    parts += [f"<p class='body'>{e(t)}</p>" for t in doc.closing]
    if doc.signatures:
        parts.append("<div class='signs'>")
        parts += [
            f"<div><div class='t'>{e(s.title)}</div><div class='h'>(Ký, ghi rõ họ tên)</div>"
            f"<div class='nm'>{e(s.name)}</div></div>"
            for s in doc.signatures
        ]
        parts.append("</div>")
    if doc.footer_note:
        parts.append(f"<p class='note'>{e(doc.footer_note)}</p>")
    parts.append("</body></html>")
    return "".join(parts)


def to_pdf(doc: AdminDocument) -> bytes:
    from weasyprint import HTML  # imported here: loading Pango costs time that pages without PDF need not pay

    pdf: bytes = HTML(string=to_html(doc)).write_pdf()
    return pdf
