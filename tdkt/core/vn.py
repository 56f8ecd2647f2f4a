"""Vietnamese numbers, percentages, dates and text folding. Pure: no Django.

Vietnamese writes `199.121,158` for 199121.158 and `54,9%` for 54.9 %. Spreadsheets also hold plain
floats and machine-formatted strings (`199121.158`). `parse_number` accepts all of these and refuses
anything ambiguous with a Vietnamese message, so a wrong figure is never stored silently.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

_GROUPED_VN = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+(,\d+)?$")  # 199.121,158 or 1.234
_PLAIN_COMMA = re.compile(r"^[+-]?\d+(,\d+)?$")  # 54,9 or 127
_PLAIN_DOT = re.compile(r"^[+-]?\d+\.\d+$")  # 199121.158 (machine format)
_GROUPED_EN = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")  # 199,121.158


class NumberFormatError(ValueError):
    """A value that is not a number in any accepted format; the message is Vietnamese."""


@dataclass(frozen=True)
class ParsedNumber:
    value: Decimal
    is_percent: bool


def parse_number(raw: object) -> ParsedNumber:
    """Read a number written the Vietnamese way, or a spreadsheet's native number.

    `1.234` is read as one thousand two hundred thirty-four (Vietnamese grouping), never 1.234:
    write `1,234` for the decimal. `1,234` alone is the decimal 1.234. A trailing `%` is kept as a flag;
    the value stays in percent units (`54,9%` -> 54.9, is_percent=True).
    """
    if isinstance(raw, bool):
        raise NumberFormatError("giá trị đúng/sai không phải là số")
    if isinstance(raw, int):
        return ParsedNumber(Decimal(raw), False)
    if isinstance(raw, float):
        if raw != raw or raw in (float("inf"), float("-inf")):
            raise NumberFormatError("giá trị không phải là số hữu hạn")
        # repr gives the shortest string that round-trips: 54.9 stays 54.9, not 54.899999...
        return ParsedNumber(Decimal(repr(raw)), False)
    if isinstance(raw, Decimal):
        if not raw.is_finite():
            raise NumberFormatError("giá trị không phải là số hữu hạn")
        return ParsedNumber(raw, False)
    if not isinstance(raw, str):
        raise NumberFormatError(f"kiểu dữ liệu không đọc được: {type(raw).__name__}")
    text = raw.strip().replace("\u00a0", "").replace(" ", "")
    if not text:
        raise NumberFormatError("ô trống")
    is_percent = text.endswith("%")
    if is_percent:
        text = text[:-1]
    if _GROUPED_VN.match(text):
        normalized = text.replace(".", "").replace(",", ".")
    elif _PLAIN_COMMA.match(text):
        normalized = text.replace(",", ".")
    elif _PLAIN_DOT.match(text):
        normalized = text
    elif _GROUPED_EN.match(text):
        raise NumberFormatError(
            f"“{raw}” viết theo kiểu tiếng Anh; hãy viết theo kiểu Việt Nam, ví dụ 199.121,158"
        )
    else:
        raise NumberFormatError(f"“{raw}” không phải là số (ví dụ hợp lệ: 199.121,158 hoặc 54,9%)")
    try:
        return ParsedNumber(Decimal(normalized), is_percent)
    except InvalidOperation as exc:  # pragma: no cover - the patterns above exclude this
        raise NumberFormatError(f"“{raw}” không phải là số") from exc


_TO_VN = str.maketrans({",": ".", ".": ","})


def format_number(value: Decimal | int | None, places: int | None = None) -> str:
    """Format as Vietnamese: `199.121,158`. `places` rounds half up first; None keeps the digits given
    (trailing zeros after the decimal point dropped)."""
    if value is None:
        return "—"
    number = Decimal(value)
    if places is not None:
        number = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if number.is_zero():
        number = number.copy_abs()  # never "-0"
    text = format(number, ",f")  # 199,121.158 — Python's grouping, then swap the separators
    if places is None and "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.translate(_TO_VN)


def format_percent(value: Decimal | None, places: int = 2) -> str:
    """`96,5%`: rounded half up to `places`, trailing zeros dropped."""
    if value is None:
        return "—"
    text = format_number(value, places)
    if "," in text:
        text = text.rstrip("0").rstrip(",")
    return text + "%"


_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def parse_date(raw: object) -> dt.date:
    """Read `dd/mm/yyyy` (or a spreadsheet date). Vietnamese error on anything else."""
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    if isinstance(raw, str):
        match = _DATE.match(raw.strip())
        if match:
            day, month, year = (int(g) for g in match.groups())
            try:
                return dt.date(year, month, day)
            except ValueError as exc:
                raise NumberFormatError(f"“{raw}” không phải là ngày có thật") from exc
    raise NumberFormatError(f"“{raw}” không phải là ngày theo dạng dd/mm/yyyy")


def format_date(value: dt.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else "—"


def format_date_decree30(value: dt.date, *, year: bool = True) -> str:
    """A date in the words of Decree 30/2020/NĐ-CP: `ngày 05 tháng 01 năm 2025`, `ngày 27 tháng 3 năm 2025`.

    The decree puts a leading zero only before days 1–9 and months 1 and 2 (so "tháng 3", "tháng 12");
    `year=False` leaves the year out (`ngày 15 tháng 12`), for a second date in the same year."""
    day = f"{value.day:02d}"
    month = f"{value.month:02d}" if value.month < 3 else str(value.month)
    text = f"ngày {day} tháng {month}"
    return f"{text} năm {value.year}" if year else text


def fold(text: str) -> str:
    """Lower-case and strip diacritics (including đ) so that `Phuoc Son` finds `Phước Sơn`."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return " ".join(stripped.lower().split())
