"""Certificates written straight to PDF with pydyf (WeasyPrint's own PDF writer), not laid out by WeasyPrint.

Why (decision 0008): a certificate is a handful of lines at fixed places on a pre-printed blank; there is
nothing to lay out. Through WeasyPrint, 2,000 certificates took 58 s and 633 MB on this machine class (every
page kept in memory until the document is joined); written directly they take a few seconds and little
memory. The text is set in Liberation Serif (metric-compatible with Times New Roman, the font of Decree 30
documents), embedded whole, addressed by glyph id (Identity-H) with a ToUnicode map so the PDF's text can be
searched and copied; the QR code is drawn as filled squares. Vietnamese is written precomposed (NFC), which
the font carries.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pydyf
import segno
from fontTools.ttLib import TTFont

from tdkt.dossiers.certificate_layout import Placed, QrBox

MM = 72 / 25.4
# The first face of each style that has every Vietnamese letter: Liberation Serif 2 (Times-compatible metrics)
# when installed, else DejaVu Serif (fonts-dejavu-core, which .ci/run installs). Debian's Liberation Serif
# 1.07 lacks the letters of U+1EA0–U+1EF9 (ạ, ễ, ồ…) and is skipped.
FACES = {
    (False, False): (
        "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
    ),
    (True, False): (
        "/usr/share/fonts/truetype/liberation2/LiberationSerif-Bold.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf",
    ),
    (False, True): (
        "/usr/share/fonts/truetype/liberation2/LiberationSerif-Italic.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Italic.ttf",
    ),
    (True, True): (
        "/usr/share/fonts/truetype/liberation2/LiberationSerif-BoldItalic.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSerif-BoldItalic.ttf",
    ),
}
VIETNAMESE = (
    "ĂÂĐÊÔƠƯăâđêôơưẠẢẤẦẨẪẬẮẰẲẴẶẸẺẼẾỀỂỄỆỈỊỌỎỐỒỔỖỘỚỜỞỠỢỤỦỨỪỬỮỰỲỴỶỸạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ"
)
LINE_HEIGHT = 1.2


class FontMissing(RuntimeError):
    pass


@dataclass
class _Face:
    path: Path
    name: str
    cmap: dict[int, str]
    gids: dict[str, int]
    widths: dict[int, int]  # glyph id → advance in font units
    upem: int
    ascent: int
    descent: int
    bbox: tuple[int, int, int, int]
    italic_angle: float
    used: dict[int, str] = field(default_factory=dict)  # glyph id → the text it shows (for ToUnicode)

    def glyphs(self, text: str) -> list[int]:
        out = []
        for ch in unicodedata.normalize("NFC", text):
            name = self.cmap.get(ord(ch))
            gid = self.gids.get(name, 0) if name else 0
            self.used.setdefault(gid, ch)
            out.append(gid)
        return out

    def width(self, text: str, size: float) -> float:
        return sum(self.widths.get(g, 0) for g in self.glyphs(text)) * size / self.upem


@lru_cache(maxsize=8)
def _load(
    candidates: tuple[str, ...],
) -> tuple[Path, str, dict[int, str], dict[str, int], dict[int, int], tuple[int, ...]]:
    for candidate in candidates:
        path = Path(candidate)
        if not path.exists():
            continue
        font = TTFont(str(path), lazy=True)
        cmap = font.getBestCmap()
        if all(ord(ch) in cmap for ch in VIETNAMESE):
            break
    else:
        raise FontMissing(
            "không tìm thấy phông chữ có đủ chữ tiếng Việt để in bằng khen: hãy cài gói fonts-dejavu-core "
            "hoặc fonts-liberation2"
        )
    order = font.getGlyphOrder()
    gids = {name: i for i, name in enumerate(order)}
    metrics = font["hmtx"].metrics
    widths = {gids[name]: advance for name, (advance, _) in metrics.items()}
    head, hhea, post = font["head"], font["hhea"], font["post"]
    numbers = (head.unitsPerEm, hhea.ascent, hhea.descent, head.xMin, head.yMin, head.xMax, head.yMax)
    name = font["name"].getDebugName(6) or path.stem
    angle = float(post.italicAngle)
    return path, name, dict(cmap), gids, widths, (*numbers, int(angle * 1000))


def _face(bold: bool, italic: bool) -> _Face:
    path, name, cmap, gids, widths, n = _load(FACES[(bold, italic)])
    return _Face(
        path=path,
        name=name,
        cmap=cmap,
        gids=gids,
        widths=widths,
        upem=n[0],
        ascent=n[1],
        descent=n[2],
        bbox=(n[3], n[4], n[5], n[6]),
        italic_angle=n[7] / 1000,
    )


def _wrap(face: _Face, text: str, size: float, width: float) -> list[str]:
    words, lines, line = text.split(), [], ""
    for word in words:
        candidate = f"{line} {word}" if line else word
        if line and face.width(candidate, size) > width:
            lines.append(line)
            line = word
        else:
            line = candidate
    if line:
        lines.append(line)
    return lines or [""]


def _qr_ops(stream: pydyf.Stream, url: str, box: QrBox, page_height: float) -> None:
    matrix = segno.make(url, error="m", mask=0).matrix
    n = len(matrix)
    module = box.size * MM / n
    left, top = box.x * MM, page_height - box.y * MM
    for r, row in enumerate(matrix):
        c = 0
        while c < n:
            if row[c]:
                start = c
                while c < n and row[c]:
                    c += 1
                stream.rectangle(left + start * module, top - (r + 1) * module, (c - start) * module, module)
            else:
                c += 1
    stream.fill()


@dataclass(frozen=True)
class CertificatePage:
    width_mm: float
    height_mm: float
    boxes: list[Placed]
    qr: QrBox | None
    qr_url: str


def write_pdf(
    pages: Iterable[CertificatePage],
    *,
    count: int,
    progress: Callable[[int, int], None] | None = None,
    every: int = 100,
) -> bytes:
    """One PDF page per certificate; `progress(done, count)` every `every` pages and at the end."""
    pdf = pydyf.PDF()
    faces: dict[tuple[bool, bool], _Face] = {}
    font_refs: dict[tuple[bool, bool], pydyf.Dictionary] = {}

    def font_ref(bold: bool, italic: bool) -> tuple[str, _Face]:
        key = (bold, italic)
        if key not in faces:
            faces[key] = _face(bold, italic)
            font_refs[key] = pydyf.Dictionary({"Type": "/Font", "Subtype": "/Type0"})  # filled at the end
            pdf.add_object(font_refs[key])
        return f"F{'B' if bold else ''}{'I' if italic else ''}", faces[key]

    for done, page in enumerate(pages, start=1):
        height = page.height_mm * MM
        stream = pydyf.Stream(compress=True)
        used_fonts: set[tuple[bool, bool]] = set()
        for box in page.boxes:
            alias, face = font_ref(box.bold, box.italic)
            used_fonts.add((box.bold, box.italic))
            width = box.width * MM
            lines = _wrap(face, box.text, box.size, width)
            baseline = height - box.y * MM - face.ascent * box.size / face.upem
            for line in lines:
                glyphs = face.glyphs(line)
                line_width = sum(face.widths.get(g, 0) for g in glyphs) * box.size / face.upem
                x = box.x * MM
                if box.align == "center":
                    x += (width - line_width) / 2
                elif box.align == "right":
                    x += width - line_width
                stream.begin_text()
                stream.set_font_size(alias, box.size)
                stream.set_text_matrix(1, 0, 0, 1, x, baseline)
                stream.show_text("<" + b"".join(g.to_bytes(2, "big") for g in glyphs).hex() + ">")
                stream.end_text()
                baseline -= box.size * LINE_HEIGHT
        if page.qr is not None:
            _qr_ops(stream, page.qr_url, page.qr, height)
        pdf.add_object(stream)
        resources = pydyf.Dictionary(
            {
                "Font": pydyf.Dictionary(
                    {font_ref(*key)[0]: font_refs[key].reference for key in sorted(used_fonts)}
                )
            }
        )
        pdf.add_page(
            pydyf.Dictionary(
                {
                    "Type": "/Page",
                    "Parent": pdf.pages.reference,
                    "MediaBox": pydyf.Array([0, 0, page.width_mm * MM, height]),
                    "Contents": stream.reference,
                    "Resources": resources,
                }
            )
        )
        if progress is not None and (done % every == 0 or done == count):
            progress(done, count)
    for key, face in faces.items():
        _finish_font(pdf, font_refs[key], face)
    out = io.BytesIO()
    pdf.write(out, version=b"1.7", compress=True)
    return out.getvalue()


def _finish_font(pdf: pydyf.PDF, type0: pydyf.Dictionary, face: _Face) -> None:
    data = face.path.read_bytes()
    file = pydyf.Stream([data], pydyf.Dictionary({"Length1": len(data)}), compress=True)
    pdf.add_object(file)
    scale = 1000 / face.upem
    descriptor = pydyf.Dictionary(
        {
            "Type": "/FontDescriptor",
            "FontName": "/" + face.name,
            "Flags": 34 if not face.italic_angle else 98,
            "FontBBox": pydyf.Array([round(v * scale) for v in face.bbox]),
            "ItalicAngle": face.italic_angle,
            "Ascent": round(face.ascent * scale),
            "Descent": round(face.descent * scale),
            "CapHeight": round(face.ascent * scale * 0.7),
            "StemV": 80,
            "FontFile2": file.reference,
        }
    )
    pdf.add_object(descriptor)
    gids = sorted(face.used)
    widths = pydyf.Array()
    for gid in gids:
        widths.extend([gid, pydyf.Array([round(face.widths.get(gid, 0) * scale)])])
    cid = pydyf.Dictionary(
        {
            "Type": "/Font",
            "Subtype": "/CIDFontType2",
            "BaseFont": "/" + face.name,
            "CIDSystemInfo": pydyf.Dictionary(
                {"Registry": pydyf.String("Adobe"), "Ordering": pydyf.String("Identity"), "Supplement": 0}
            ),
            "FontDescriptor": descriptor.reference,
            "CIDToGIDMap": "/Identity",
            "W": widths,
        }
    )
    pdf.add_object(cid)
    cmap_lines = [
        "/CIDInit /ProcSet findresource begin",
        "12 dict begin",
        "begincmap",
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
        "/CMapName /Adobe-Identity-UCS def",
        "/CMapType 2 def",
        "1 begincodespacerange <0000> <FFFF> endcodespacerange",
    ]
    for start in range(0, len(gids), 100):
        chunk = gids[start : start + 100]
        cmap_lines.append(f"{len(chunk)} beginbfchar")
        for gid in chunk:
            text = face.used[gid].encode("utf-16-be").hex()
            cmap_lines.append(f"<{gid:04x}> <{text}>")
        cmap_lines.append("endbfchar")
    cmap_lines += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    to_unicode = pydyf.Stream(["\n".join(cmap_lines)], compress=True)
    pdf.add_object(to_unicode)
    type0.update(
        {
            "BaseFont": "/" + face.name,
            "Encoding": "/Identity-H",
            "DescendantFonts": pydyf.Array([cid.reference]),
            "ToUnicode": to_unicode.reference,
        }
    )
