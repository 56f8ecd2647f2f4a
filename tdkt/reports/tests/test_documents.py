"""The Decree 30 document renderer: dates the decree's way, signatures laid out in rows that stay whole and
on the page of the last lines, tables whose heading repeats, in Word and in PDF alike. No database."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from docx import Document

from tdkt.core.vn import format_date_decree30
from tdkt.reports.documents import AdminDocument, Section, Signature, to_docx, to_html, to_pdf

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (dt.date(2025, 1, 5), "ngày 05 tháng 01 năm 2025"),
        (dt.date(2025, 2, 9), "ngày 09 tháng 02 năm 2025"),
        (dt.date(2025, 3, 27), "ngày 27 tháng 3 năm 2025"),
        (dt.date(2024, 12, 15), "ngày 15 tháng 12 năm 2024"),
        (dt.date(2024, 10, 1), "ngày 01 tháng 10 năm 2024"),
        (dt.date(2024, 11, 10), "ngày 10 tháng 11 năm 2024"),
    ],
)
def test_dates_have_a_leading_zero_only_for_days_1_to_9_and_months_1_and_2(day: dt.date, text: str) -> None:
    assert format_date_decree30(day) == text


def test_a_date_may_leave_out_its_year() -> None:
    assert format_date_decree30(dt.date(2024, 12, 15), year=False) == "ngày 15 tháng 12"


def _doc(rows: int = 3, signatures: int = 2, **extra: Any) -> AdminDocument:
    return AdminDocument(
        issuer_parent="CỤM THI ĐUA MIỀN NÚI",
        issuer="BAN KIỂM PHIẾU",
        number="Số: 02/BB-KP",
        place="Phước Sơn",
        date=dt.date(2025, 3, 27),
        title="BIÊN BẢN KIỂM PHIẾU",
        subtitle="Suy tôn đơn vị dẫn đầu (vòng 1)",
        paragraphs=["Hôm nay, ngày 27 tháng 3 năm 2025, Ban kiểm phiếu tiến hành kiểm phiếu."],
        sections=[
            Section(
                heading="III. KẾT QUẢ KIỂM PHIẾU",
                paragraphs=["Kết quả kiểm phiếu từng ứng viên như sau:"],
                table_header=["STT", "Ứng viên", "Số phiếu bầu"],
                table_rows=[[str(i), f"Ứng viên thứ {i}", str(i % 9)] for i in range(1, rows + 1)],
                table_center=(0, 2),
            )
        ],
        closing=["Việc kiểm phiếu kết thúc lúc 10 giờ 05 phút. Biên bản được lập xong và thông qua."],
        signatures=[
            Signature("TRƯỞNG BAN KIỂM PHIẾU" if i == 0 else "THÀNH VIÊN", f"Người ký {i + 1}")
            for i in range(signatures)
        ],
        footer_note="Mã băm hòm phiếu: " + "a" * 64,
        **extra,
    )


def test_the_place_and_date_line_is_written_the_decree_30_way() -> None:
    assert _doc().place_date == "Phước Sơn, ngày 27 tháng 3 năm 2025"
    assert "Phước Sơn, ngày 27 tháng 3 năm 2025" in to_html(_doc())


@pytest.mark.parametrize(
    ("n", "shape"), [(1, [1]), (2, [2]), (3, [3]), (4, [2, 2]), (5, [3, 2]), (7, [3, 3, 1])]
)
def test_signatures_are_laid_out_in_rows_of_at_most_three(n: int, shape: list[int]) -> None:
    assert [len(r) for r in _doc(signatures=n).signature_rows] == shape


def test_every_signature_has_its_line_in_word_and_in_pdf_html() -> None:
    document = _doc(signatures=5)
    docx = Document(io.BytesIO(to_docx(document)))
    cells = "\n".join(c.text for row in docx.tables[-1].rows for c in row.cells)
    assert [f"Người ký {i}" in cells for i in range(1, 6)] == [True] * 5
    assert cells.count("(Ký, ghi rõ họ tên)") == 5
    assert to_html(document).count("(Ký, ghi rõ họ tên)") == 5


def test_the_word_file_keeps_the_closing_lines_with_signature_rows_that_cannot_split() -> None:
    docx = Document(io.BytesIO(to_docx(_doc(rows=30, signatures=4))))
    closing = next(p for p in docx.paragraphs if p.text.startswith("Việc kiểm phiếu kết thúc"))
    assert closing.paragraph_format.keep_with_next is True
    heading = next(p for p in docx.paragraphs if p.text.startswith("III."))
    assert heading.paragraph_format.keep_with_next is True
    note = next(p for p in docx.paragraphs if p.text.startswith("Mã băm hòm phiếu"))
    assert note.paragraph_format.keep_with_next is True  # the note is never left alone either
    signs = docx.tables[-1]
    assert len(signs.rows) == 2
    for row in signs.rows:
        assert row._tr.trPr.find(f"{W}cantSplit") is not None
    for cell in signs.rows[0].cells:  # the first row of signatures goes with the second
        assert all(p.paragraph_format.keep_with_next for p in cell.paragraphs if p.text)
    data = docx.tables[1]
    assert data.rows[0]._tr.trPr.find(f"{W}tblHeader") is not None  # heading repeated on each page
    assert data.rows[1].cells[0].paragraphs[0].alignment == 1  # numbers centred


def test_the_note_is_printed_just_above_the_signatures_so_the_signers_attest_it() -> None:
    docx = Document(io.BytesIO(to_docx(_doc())))
    body = docx.element.body
    order = [child.tag.rsplit("}", 1)[1] + ":" + "".join(child.itertext())[:20] for child in body]
    note = next(i for i, t in enumerate(order) if t.startswith("p:Mã băm hòm phiếu"))
    assert order[note + 1].startswith("tbl:TRƯỞNG BAN")
    html_text = to_html(_doc())
    assert html_text.index("class='note'") < html_text.index("class='signs'")


def test_a_name_column_is_wider_than_a_number_column_in_word() -> None:
    data = Document(io.BytesIO(to_docx(_doc(rows=5)))).tables[1]
    stt, name, votes = (data.rows[1].cells[i].width for i in range(3))
    assert name > 2 * stt and name > votes
    assert abs(sum(c.width for c in data.rows[1].cells) - 165 * 36000) < 36000  # the text width, in EMU


def test_a_document_without_signatures_or_new_fields_still_renders() -> None:
    plain = AdminDocument(
        issuer_parent="",
        issuer="BAN THI ĐUA – KHEN THƯỞNG",
        number="Số: 01/BB",
        place="Tam Kỳ",
        date=dt.date(2025, 2, 3),
        title="BIÊN BẢN",
        table_header=["A", "B"],
        table_rows=[["1", "2"]],
    )
    docx = Document(io.BytesIO(to_docx(plain)))
    assert "Tam Kỳ, ngày 03 tháng 02 năm 2025" in "\n".join(
        c.text for t in docx.tables for row in t.rows for c in row.cells
    )
    assert to_pdf(plain).startswith(b"%PDF")


def _pages(document: AdminDocument) -> tuple[list[str], list[int]]:
    """Each PDF page's text, and the pages holding part of the signature block (WeasyPrint's layout)."""
    from weasyprint import HTML

    def walk(box: Any, out: list[str], marks: list[bool]) -> None:
        element = getattr(box, "element", None)
        if element is not None and "signs" in (element.get("class") or "").split():
            marks.append(True)
        if getattr(box, "text", None):
            out.append(box.text)
        for child in getattr(box, "children", None) or []:
            walk(child, out, marks)

    texts, signed = [], []
    for i, page in enumerate(HTML(string=to_html(document)).render().pages):
        out: list[str] = []
        marks: list[bool] = []
        walk(page._page_box, out, marks)
        texts.append(" ".join(out))
        if marks:
            signed.append(i)
    return texts, signed


def test_in_pdf_the_signature_block_stays_whole_and_with_the_last_lines_wherever_the_page_breaks() -> None:
    # from 12 to 27 rows the page break falls at every point of the closing line and the signatures
    breaks = set()
    for rows in range(12, 28):
        texts, signed = _pages(_doc(rows=rows, signatures=3))
        assert len(signed) == 1, f"{rows} rows: the signature block is split"
        page = texts[signed[0]]
        assert "Việc kiểm phiếu kết thúc" in page, f"{rows} rows: the signatures stand alone"
        assert "Người ký 1" in page and "Người ký 3" in page
        breaks.add(len(texts))
    assert breaks == {1, 2}  # the scan did cross a page break
