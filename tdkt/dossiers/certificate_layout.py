"""Where each item of a certificate is printed on the official blank (phôi). Pure: no Django.

Provinces buy pre-printed blanks for the Bằng khen and the Giấy khen (the emblem, the frame and the fixed
words are printed); TĐKT prints only the variable text, at the places the board measured on its blank, in
millimetres from the top-left corner. A layout is JSON:

    {"page": {"width": 297, "height": 210},
     "fields": [{"item": "name", "x": 60, "y": 82, "width": 177, "size": 22, "bold": true, "align": "center"}, ...],
     "qr": {"x": 18, "y": 168, "size": 24}}

`layout_problems` names every problem in Vietnamese; `place` turns a layout and the certificate's values
into positioned text boxes for the renderer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

ITEMS = {
    "name": "Họ tên hoặc tên tập thể",
    "position": "Chức vụ, đơn vị",
    "reason": "Thành tích",
    "title": "Hình thức khen thưởng",
    "decision": "Số, ngày quyết định",
    "place_date": "Địa danh, ngày tháng năm ký",
    "signer_title": "Chức vụ người ký",
    "signer_name": "Họ tên người ký",
    "serial": "Số vào sổ",
}
ALIGNS = ("left", "center", "right")
PAGE_MAX_MM = 500
SIZE_RANGE = (6, 48)


@dataclass(frozen=True, slots=True)
class Placed:
    text: str
    x: float
    y: float
    width: float
    size: float
    bold: bool
    italic: bool
    align: str


@dataclass(frozen=True, slots=True)
class QrBox:
    x: float
    y: float
    size: float


def _number(raw: Any, where: str, low: float, high: float, problems: list[str]) -> float:
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        problems.append(f"{where}: cần một số")
        return 0.0
    if not low <= raw <= high:
        problems.append(f"{where}: phải trong khoảng {low:g}–{high:g}")
    return float(raw)


def layout_problems(raw: Any) -> list[str]:
    """Every problem of a layout, in Vietnamese (empty: it can be printed)."""
    problems: list[str] = []
    if not isinstance(raw, dict):
        return ["bố cục phải là một đối tượng JSON"]
    for key in sorted(set(raw) - {"page", "fields", "qr"}):
        problems.append(f"khóa “{key}” không được dùng")
    page = raw.get("page")
    width = height = 0.0
    if not isinstance(page, dict):
        problems.append("thiếu kích thước trang (page)")
    else:
        width = _number(page.get("width"), "chiều rộng trang (mm)", 50, PAGE_MAX_MM, problems)
        height = _number(page.get("height"), "chiều cao trang (mm)", 50, PAGE_MAX_MM, problems)
    fields = raw.get("fields")
    if not isinstance(fields, list) or not fields:
        problems.append("chưa có mục nào để in (fields)")
        fields = []
    seen: set[str] = set()
    for i, field in enumerate(fields, start=1):
        where = f"mục thứ {i}"
        if not isinstance(field, dict):
            problems.append(f"{where}: phải là một đối tượng")
            continue
        item = field.get("item")
        if item not in ITEMS:
            problems.append(f"{where}: nội dung “{item}” không hợp lệ (cần một trong: {', '.join(ITEMS)})")
        elif item in seen:
            problems.append(f"{where}: “{ITEMS[item]}” đã có ở mục khác")
        else:
            seen.add(item)
            where = f"mục “{ITEMS[item]}”"
        for key in sorted(set(field) - {"item", "x", "y", "width", "size", "bold", "italic", "align"}):
            problems.append(f"{where}: khóa “{key}” không được dùng")
        x = _number(field.get("x"), f"{where}: lề trái x (mm)", 0, PAGE_MAX_MM, problems)
        y = _number(field.get("y"), f"{where}: lề trên y (mm)", 0, PAGE_MAX_MM, problems)
        w = _number(field.get("width"), f"{where}: độ rộng (mm)", 5, PAGE_MAX_MM, problems)
        _number(field.get("size", 14), f"{where}: cỡ chữ (pt)", *SIZE_RANGE, problems)
        if width and (x + w > width + 0.01 or y > height):
            problems.append(f"{where}: nằm ngoài trang")
        if field.get("align", "left") not in ALIGNS:
            problems.append(f"{where}: căn lề cần “left”, “center” hoặc “right”")
        for flag in ("bold", "italic"):
            if not isinstance(field.get(flag, False), bool):
                problems.append(f"{where}: “{flag}” cần true hoặc false")
    qr = raw.get("qr")
    if qr is not None:
        if not isinstance(qr, dict):
            problems.append("mã QR: phải là một đối tượng")
        else:
            x = _number(qr.get("x"), "mã QR: x (mm)", 0, PAGE_MAX_MM, problems)
            y = _number(qr.get("y"), "mã QR: y (mm)", 0, PAGE_MAX_MM, problems)
            size = _number(qr.get("size"), "mã QR: cạnh (mm)", 12, 80, problems)
            if width and (x + size > width + 0.01 or y + size > height + 0.01):
                problems.append("mã QR nằm ngoài trang")
    return problems


def place(layout: Mapping[str, Any], values: Mapping[str, str]) -> tuple[list[Placed], QrBox | None]:
    """The boxes to print for one certificate (a layout already checked)."""
    boxes = [
        Placed(
            text=values.get(field["item"], ""),
            x=float(field["x"]),
            y=float(field["y"]),
            width=float(field["width"]),
            size=float(field.get("size", 14)),
            bold=bool(field.get("bold", False)),
            italic=bool(field.get("italic", False)),
            align=field.get("align", "left"),
        )
        for field in layout["fields"]
        if values.get(field["item"])
    ]
    qr = layout.get("qr")
    return boxes, (QrBox(float(qr["x"]), float(qr["y"]), float(qr["size"])) if qr else None)


# A starting point for an A4 landscape blank; the board measures its own and saves it per form.
DEFAULT_LAYOUT: dict[str, Any] = {
    "page": {"width": 297, "height": 210},
    "fields": [
        {"item": "title", "x": 40, "y": 62, "width": 217, "size": 26, "bold": True, "align": "center"},
        {"item": "name", "x": 40, "y": 84, "width": 217, "size": 22, "bold": True, "align": "center"},
        {"item": "position", "x": 40, "y": 98, "width": 217, "size": 15, "align": "center"},
        {"item": "reason", "x": 40, "y": 110, "width": 217, "size": 15, "italic": True, "align": "center"},
        {
            "item": "place_date",
            "x": 150,
            "y": 138,
            "width": 120,
            "size": 13,
            "italic": True,
            "align": "center",
        },
        {
            "item": "signer_title",
            "x": 150,
            "y": 146,
            "width": 120,
            "size": 13,
            "bold": True,
            "align": "center",
        },
        {
            "item": "signer_name",
            "x": 150,
            "y": 180,
            "width": 120,
            "size": 14,
            "bold": True,
            "align": "center",
        },
        {"item": "decision", "x": 22, "y": 150, "width": 110, "size": 11},
        {"item": "serial", "x": 22, "y": 157, "width": 110, "size": 11},
    ],
    "qr": {"x": 22, "y": 166, "size": 26},
}
