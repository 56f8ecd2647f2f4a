"""Finds what a Vietnamese reader should never see on a page: raw codes, English words, numbers written
the English way, names in Western order. Pure: takes HTML text, returns findings; no Django.

`problems(html)` reads the visible text (not `<script>`/`<style>`, not attributes, except the ones a reader
sees or hears: a button's `value`, a field's `placeholder`, a `title` tooltip, `aria-label`, `alt`) and
applies the rules below. Each rule is a pattern plus an explicit, commented allow-list of the legitimate tokens it would otherwise catch;
widen the allow-list with a reason rather than weaken a pattern.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from html.parser import HTMLParser

# ----------------------------------------------------------------------------------------------- the rules

# A code written like a constant or an identifier: `GEN_06`, `MO_HINH`, `CO_CP`, `year_end`, `half_up`.
# No Vietnamese word, abbreviation or document number contains an underscore.
_SNAKE = re.compile(r"(?<![\w/.@-])[^\W\d_]\w*_\w+(?![\w/@-])")

# A slug or an identifier in lower case with hyphens: a rule pack's id (`luat2022-nd98-2023`), a URL's
# parameter value (`xem-truoc`). Vietnamese words are not joined by hyphens in plain ASCII.
_SLUG = re.compile(r"(?<![\w/.@-])[a-z][a-z0-9]*(?:-[a-z0-9]+)+(?![\w/@-])")

# A code in capitals written without Vietnamese marks: `CSTDCS` where the page should say "Chiến sĩ thi
# đua cơ sở" (or the abbreviation with its Đ, `CSTĐCS`). Abbreviations in use are allowed below.
_CAPS = re.compile(r"(?<![\w/.@-])[A-Z][A-Z0-9]{2,}(?![\w/@-])")

# Python's literals, which a template prints when it forgets a label.
_PY_LITERALS = re.compile(r"(?<![\w-])(True|False|None)(?![\w-])")

# A JSON (or Python) object or array shown as text: `{"type": "ratio"}`, `[["120", "12"]]`, `{'a': 1}`.
_JSON = re.compile(r"""\{\s*["'][^"']*["']\s*:|\[\s*[\[{"']|\[\s*-?\d[\d.]*\s*,\s*-?\d""")

# A decimal written the English way: `265.5`, `54.9`, `0.25` — one or two digits after a point. Three
# digits after a point are Vietnamese thousands (`1.234`), so they are not caught; neither are dotted
# section or version numbers (`1.2.3`, `II.1`, `v1.2`), dates (`05.12.2026`) nor clock times with a colon.
_EN_DECIMAL = re.compile(r"(?<![\w.,/:\-−])[-−]?\d+\.\d{1,2}(?![\w/\-]|[.,]\d)")
# Thousands grouped with commas: `1,234.5`, `1,234,567`.
_EN_GROUPED = re.compile(
    r"(?<![\w.,])\d{1,3}(?:,\d{3})+\.\d+(?![\w])|(?<![\w.,])\d{1,3}(?:,\d{3}){2,}(?![\w.,]\d)"
)

# A figure of five digits or more left ungrouped: `106202` where Vietnamese writes `106.202` (years,
# with four digits, pass).
_UNGROUPED = re.compile(r"(?<![\w.,/:\-])\d{5,}(?![\w/\-]|[.,]\d)")

# English words a page should never show, whole words, any letter case. Never list a word that is also
# Vietnamese written without marks (`in` = print, `no` = full, `sum` = gather, `an`, `to`, `do`, `con`, `ban`,
# `hay`, `tin`, `long`, `may`, `nam`, `xa`, `tinh`, `chi`, `can`): those cannot be told apart by spelling.
# Enum values with an underscore (`year_end`, `half_up`) are caught as codes by `_SNAKE`.
_ENGLISH = """
    submit save cancel delete edit search next previous prev back login logout log sign error errors
    forbidden page pages draft pending approved rejected accepted true false null none yes ok okay
    ratio steps step formula judged bands band percent percentage count counts total totals status
    type value values name names unit units score scores rank ranking ranks weight weights method
    criteria criterion indicator indicators target targets result results report reports period
    submitted returned confirmed locked signed signing open closed active inactive done failed queued
    running valid void cast tallied issued used registered elected appointed adopted
    head deputy member members board public province council district commune agency central
    higher lower merge split rename move group self cross regular thematic electronic paper
    flag merit bonus penalty initiative amount calendar electorate delegates ballots covenant rotation
    school other appraisal
    floor ceil half up down round rounding
    mid year end start date from until between and or of the with without for by at on is are
    warning warnings info debug success message details detail unknown missing invalid required
    chart table list file files upload download import export close show hide more less all select
    choose add new remove update create view home help settings account password user username email
    menu loading please click here
"""
ENGLISH_WORDS: frozenset[str] = frozenset(_ENGLISH.split())

# Ambiguous with Vietnamese spelled without marks, so flagged only when they are the whole text of an
# element (a table cell reading just "no"): `no` (no = full, as in "ấm no"), `not found`.
ENGLISH_WHOLE_TEXT: frozenset[str] = frozenset({"no", "not found", "n/a", "nan", "inf", "-inf"})

# Tokens the rules would catch that are legitimate on a page. Keep each with its reason.
ALLOWED_WORDS: frozenset[str] = frozenset(
    {
        # File formats and products a reader knows by their own name ("Tải về Excel", "bản PDF").
        "excel",
        "word",
        "pdf",
        # Vietnamese abbreviations written in capitals without a Đ, as official documents write them.
        "UBND",  # Ủy ban nhân dân
        "HĐND",
        "MTTQ",  # Mặt trận Tổ quốc
        "UBMTTQ",
        "THPT",  # trung học phổ thông
        "THCS",  # trung học cơ sở
        "STT",  # số thứ tự
        "HTTNV",  # hoàn thành tốt nhiệm vụ (a rating)
        "HTXSNV",  # hoàn thành xuất sắc nhiệm vụ
        "HTNV",  # hoàn thành nhiệm vụ
        "KHTNV",  # không hoàn thành nhiệm vụ
        "CSTT",  # Chiến sĩ tiên tiến
        "CNTT",  # công nghệ thông tin
        "QH15",  # the 15th National Assembly, in a law's number (Luật số 06/2022/QH15)
        "QH14",
        "QH13",
        # File formats a reader knows by their names ("Dữ liệu hòm phiếu (JSON)").
        "JSON",
        "CSV",
        "ZIP",
        "PDF",
        "SHA256SUMS",
    }
)


@dataclass(frozen=True)
class Problem:
    # "mã thô" | "giá trị Python" | "JSON" | "từ tiếng Anh" | "số kiểu Anh" | "số không nhóm" | "tên ngược"
    rule: str
    token: str
    context: str


# ------------------------------------------------------------------------------------------ visible text


class _TextParser(HTMLParser):
    """Collects each run of visible text, and the few attributes a reader sees."""

    _SKIP = {"script", "style", "noscript", "template"}
    _VOID = {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "track",
        "wbr",
    }

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self._skip_depth = 0
        self._stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in self._SKIP:
            self._skip_depth += 1
        if tag == "input" and (values.get("type") or "").lower() in ("submit", "button", "reset"):
            self._add(values.get("value"))
        for name in ("placeholder", "title", "aria-label", "alt"):
            self._add(values.get(name))
        if tag not in self._VOID:
            self._stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP and self._skip_depth:
            self._skip_depth -= 1
        if tag in self._stack:
            while self._stack and self._stack.pop() != tag:
                pass

    def handle_data(self, data: str) -> None:
        if not self._skip_depth:
            self._add(data)

    def _add(self, text: str | None) -> None:
        if text and text.strip():
            self.chunks.append(" ".join(text.split()))


def visible_text(html: str) -> list[str]:
    """The page's visible text, one item per text run (what lies between two tags)."""
    parser = _TextParser()
    parser.feed(html)
    parser.close()
    return parser.chunks


# -------------------------------------------------------------------------------------------- the check

_URL = re.compile(
    r"(?:https?://|www\.)\S+|\S+@\S+\.\w+|/[\w\-./]+/|\b[\w\-]+\.(?:xlsx|docx|pdf|csv|json|svg|png)\b"
)
# A word stands alone: letters inside a digest or an identifier (`…3add1ed…`) are not a word.
_WORD = re.compile(r"(?<!\w)[^\W\d_]+(?:[/'][^\W\d_]+)?(?!\w)")


def _context(text: str, start: int, end: int) -> str:
    left, right = max(0, start - 30), min(len(text), end + 30)
    return ("…" if left else "") + text[left:right] + ("…" if right < len(text) else "")


def problems(
    html: str,
    *,
    allowed: Iterable[str] = (),
    reversed_names: Iterable[str] = (),
) -> list[Problem]:
    """Everything on the page a Vietnamese reader should not see.

    `allowed`: tokens the data really holds (a unit's code, a decision number) and may show as they are.
    `reversed_names`: people's names in Western order ("Hà Nguyễn Thị Thu" for "Nguyễn Thị Thu Hà"),
    none of which should appear.
    """
    allowed_set = set(allowed) | set(ALLOWED_WORDS)
    allowed_lower = {a.lower() for a in allowed_set}
    wrong_names = [n for n in reversed_names if n.strip()]
    found: list[Problem] = []
    seen: set[tuple[str, str]] = set()

    def add(rule: str, token: str, text: str, start: int, end: int) -> None:
        if token in allowed_set or (rule == "từ tiếng Anh" and token.lower() in allowed_lower):
            return
        if (rule, token) in seen:
            return
        seen.add((rule, token))
        found.append(Problem(rule, token, _context(text, start, end)))

    for raw in visible_text(html):
        if raw.strip().lower() in ENGLISH_WHOLE_TEXT:
            add("từ tiếng Anh", raw.strip(), raw, 0, len(raw))
        for name in wrong_names:
            at = raw.find(name)
            if at >= 0:
                add("tên ngược", name, raw, at, at + len(name))
        for m in _JSON.finditer(raw):
            add("JSON", m.group(0), raw, m.start(), m.end())
        text = _URL.sub(lambda m: " " * len(m.group(0)), raw)
        for m in _SNAKE.finditer(text):
            add("mã thô", m.group(0), raw, m.start(), m.end())
        for m in _CAPS.finditer(text):
            add("mã thô", m.group(0), raw, m.start(), m.end())
        for m in _SLUG.finditer(text):
            add("mã thô", m.group(0), raw, m.start(), m.end())
        for m in _PY_LITERALS.finditer(text):
            add("giá trị Python", m.group(0), raw, m.start(), m.end())
        for m in _EN_GROUPED.finditer(text):
            add("số kiểu Anh", m.group(0), raw, m.start(), m.end())
        for m in _UNGROUPED.finditer(text):
            add("số không nhóm", m.group(0), raw, m.start(), m.end())
        for m in _EN_DECIMAL.finditer(text):
            add("số kiểu Anh", m.group(0), raw, m.start(), m.end())
        for m in _WORD.finditer(text):
            word = m.group(0)
            if word.isascii() and word.lower() in ENGLISH_WORDS:
                add("từ tiếng Anh", word, raw, m.start(), m.end())
    return found
