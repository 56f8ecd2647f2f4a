"""A criterion as people fill it in: typed fields per scoring method instead of JSON. Pure: no Django.

The criteria editor's form, the criteria workbook (`xlsx_criteria`) and the services all read a criterion
through `check_criterion`: the fields are read (numbers the Vietnamese way or in machine format, a band
as a row threshold → points, a percentage for the last unit's share), written as the JSON item the
criteria set stores (`criteria_tree`'s format, the `tdkt score --input` format), then checked by the
validators the JSON already goes through — `jsonio.parse_criteria` (and so `formula.parse`) and
`engine.validate` — so there is one set of rules whichever way a criterion comes in. Each problem names
the field it is about (`Problem.field`, labelled in Vietnamese by `FIELD_LABELS`).

The checks of the whole tree (a group's children add up to its points, the set to its declared total)
are `engine.validate`'s too; a draft may break them while it is being built, adoption may not.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from tdkt.core.errors import Problem
from tdkt.core.vn import NumberFormatError, format_number
from tdkt.scoring import engine, jsonio

KIND_LABELS = {
    "group": "Nhóm tiêu chí",
    "score": "Tiêu chí chấm điểm",
    "bonus": "Điểm thưởng",
    "penalty": "Điểm trừ",
}
# in the order a person meets them on the form
METHOD_LABELS = {
    "judged": "Chấm điểm (tự chấm, chấm chéo, thẩm định)",
    "ratio": "Tỷ lệ so với chỉ tiêu",
    "bands": "Theo mức",
    "achieved": "Đạt / không đạt chỉ tiêu",
    "rank": "Theo thứ hạng trong cụm",
    "per_count": "Theo số lượng (điểm mỗi đơn vị đếm được)",
    "formula": "Công thức",
}
ON_LABELS = {"percent": "Tỷ lệ % so với chỉ tiêu", "value": "Giá trị đạt được"}
FIELD_LABELS = {
    "code": "Mã",
    "name": "Tên",
    "kind": "Loại",
    "parent": "Thuộc nhóm",
    "max_points": "Điểm tối đa",
    "method": "Phương pháp chấm",
    "indicator": "Chỉ tiêu",
    "cap": "Mức trần (%)",
    "floor": "Ngưỡng không tính điểm (%)",
    "on": "Tính mức theo",
    "bands": "Các mức",
    "last_share": "Đơn vị đứng cuối được (% số điểm)",
    "points_each": "Điểm cho mỗi đơn vị đếm được",
    "expression": "Công thức",
}
# the fields each method reads, in the form's order
METHOD_FIELDS: dict[str, tuple[str, ...]] = {
    "judged": (),
    "ratio": ("indicator", "cap", "floor"),
    "bands": ("indicator", "on", "bands"),
    "achieved": ("indicator",),
    "rank": ("indicator", "last_share"),
    "per_count": ("indicator", "points_each"),
    "formula": ("expression",),
}
MAX_CODE = 20  # Criterion.code
MAX_NAME = 400  # Criterion.name
MAX_POINTS = Decimal(1_000_000)  # Criterion.max_points: 10 digits, 4 after the point
PLACES = 4
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class CriterionInput:
    """A criterion's fields as typed (form) or read from a cell (workbook): text, not yet checked."""

    code: str = ""
    name: str = ""
    kind: str = "score"
    parent: str = ""  # the parent group's code; "" at the top level
    max_points: str = ""
    method: str = ""
    indicator: str = ""  # an indicator's code (per_count too: the stored name is derived from it)
    cap: str = ""
    floor: str = ""
    on: str = ""
    bands: tuple[tuple[str, str], ...] = ()  # (threshold, points) rows, best band first
    last_share: str = ""  # a percentage of the maximum
    points_each: str = ""
    expression: str = ""


@dataclass(frozen=True)
class Checked:
    """The JSON item (without children) when every field is good, and the problems by field."""

    item: dict[str, Any] | None
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems

    def by_field(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for problem in self.problems:
            out.setdefault(problem.field or "method", []).append(problem.message)
        return out


def labelled(problem: Problem) -> str:
    """`Mức trần (%): phải lớn hơn 0` — a problem as a sentence that names its field."""
    label = FIELD_LABELS.get(problem.field or "", "")
    return f"{label}: {problem.message}" if label else problem.message


def plain_number(value: Decimal) -> str:
    """A Decimal in machine format without needless zeros: 7.50 → "7.5" (as `criteria_tree` writes)."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def value_name(indicator_code: str) -> str:
    """The name a count or a formula reads an indicator's value by: its code, dashes as underscores."""
    return indicator_code.replace("-", "_")


FORMULA_SUFFIXES = {
    "": "giá trị đạt được",
    "_value": "giá trị đạt được",
    "_target": "chỉ tiêu được giao",
    "_percent": "tỷ lệ % so với chỉ tiêu",
}


def formula_names(indicators: Mapping[str, str]) -> list[tuple[str, str]]:
    """(name, meaning) of every name a formula may use, e.g. ("T_GN_percent", "tỷ lệ % so với chỉ tiêu
    của “Tỷ lệ giải ngân”")."""
    return [
        (f"{value_name(code)}{suffix}", f"{meaning} của “{name}”")
        for code, name in indicators.items()
        for suffix, meaning in FORMULA_SUFFIXES.items()
        if suffix
    ]


def name_meanings(indicators: Mapping[str, str]) -> dict[str, str]:
    """Every name a count or a formula may use → what it means in words."""
    out: dict[str, str] = {}
    for code, name in indicators.items():
        for suffix, meaning in FORMULA_SUFFIXES.items():
            out[f"{value_name(code)}{suffix}"] = f"{meaning} của “{name}”"
    return out


# --- reading the fields ------------------------------------------------------------------------------------


class _Fields:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def fail(self, field: str, message: str) -> None:
        self.problems.append(Problem(message, field=field))

    def number(self, raw: str, field: str, *, required: bool = True) -> Decimal | None:
        text = raw.strip()
        if not text:
            if required:
                self.fail(field, "chưa nhập")
            return None
        try:
            value = jsonio.read_number(text)
        except NumberFormatError as exc:
            self.fail(field, f"“{text}” không phải số ({exc})")
            return None
        if not value.is_finite():
            self.fail(field, f"“{text}” không phải số")
            return None
        return value

    def points(self, raw: str, field: str) -> Decimal | None:
        value = self.number(raw, field)
        if value is None:
            return None
        if value < 0:
            self.fail(field, "không được âm")
            return None
        if value >= MAX_POINTS:
            self.fail(field, f"phải nhỏ hơn {format_number(MAX_POINTS)}")
            return None
        if value != value.quantize(Decimal(1).scaleb(-PLACES)):
            self.fail(field, f"tối đa {PLACES} chữ số sau dấu phẩy")
            return None
        return value

    def percent(self, raw: str, field: str, *, default: Decimal) -> Decimal:
        value = self.number(raw, field, required=False)
        if value is None:
            return default
        if not 0 <= value <= 1000:
            self.fail(field, f"{format_number(value)}% nằm ngoài khoảng cho phép [0; 1.000]")
            return default
        return value


def _read_method(r: _Fields, inp: CriterionInput, indicators: Mapping[str, str]) -> dict[str, Any] | None:
    kind = inp.method.strip()
    if kind not in METHOD_LABELS:
        r.fail("method", "chọn một phương pháp chấm trong danh sách")
        return None
    method: dict[str, Any] = {"type": kind}
    if "indicator" in METHOD_FIELDS[kind]:
        code = inp.indicator.strip()
        if not code:
            r.fail("indicator", "chọn một chỉ tiêu của cụm")
        elif code not in indicators:
            r.fail("indicator", f"“{code}” không phải chỉ tiêu cụm theo dõi năm này")
        if kind == "per_count":
            method["value"] = value_name(code)
        else:
            method["indicator"] = code
    if kind == "ratio":
        cap = r.percent(inp.cap, "cap", default=HUNDRED)
        floor = r.percent(inp.floor, "floor", default=Decimal(0))
        if cap <= 0:
            r.fail("cap", "phải lớn hơn 0")
        if floor and floor >= cap:
            r.fail("floor", f"phải nhỏ hơn mức trần {format_number(cap)}%")
        if cap != HUNDRED:  # 100 % is the method's default: written only when it differs
            method["cap"] = plain_number(cap)
        if floor:
            method["floor"] = plain_number(floor)
    elif kind == "bands":
        on = inp.on.strip() or "percent"
        if on not in ON_LABELS:
            r.fail("on", "chọn tính theo tỷ lệ % so với chỉ tiêu hoặc theo giá trị đạt được")
        method["on"] = on
        bands = []
        for number, (raw_t, raw_p) in enumerate(inp.bands, start=1):
            if not raw_t.strip() and not raw_p.strip():
                continue
            threshold = r.number(raw_t, "bands", required=False)
            points = r.number(raw_p, "bands", required=False)
            if not raw_t.strip():
                r.fail("bands", f"mức {number}: chưa nhập ngưỡng")
            if not raw_p.strip():
                r.fail("bands", f"mức {number}: chưa nhập số điểm")
            if threshold is not None and points is not None:
                bands.append([plain_number(threshold), plain_number(points)])
        method["bands"] = bands
    elif kind == "rank":
        share = r.percent(inp.last_share, "last_share", default=Decimal(0))
        if share > HUNDRED:
            r.fail("last_share", "không được quá 100%")
        if share:
            method["last_share"] = plain_number(share / HUNDRED)
    elif kind == "per_count":
        each = r.number(inp.points_each, "points_each")
        if each is not None and each <= 0:
            r.fail("points_each", "phải lớn hơn 0")
        method["points_each"] = plain_number(each) if each is not None else "0"
    elif kind == "formula":
        text = inp.expression.strip()
        if not text:
            r.fail("expression", "chưa nhập công thức")
        method["expression"] = text
    return method


# where the JSON validators' messages are about: the key in the item's path → the field
_PATH_FIELDS = {
    "code": "code",
    "name": "name",
    "kind": "kind",
    "max_points": "max_points",
    "type": "method",
    "indicator": "indicator",
    "value": "indicator",
    "cap": "cap",
    "floor": "floor",
    "on": "on",
    "bands": "bands",
    "last_share": "last_share",
    "points_each": "points_each",
    "expression": "expression",
}
_PATH = re.compile(r"^criteria\[0\](?:\.method)?(?:\.(\w+))?[^:]*: (.*)$", re.DOTALL)
# engine.validate's sentences about one leaf → the field they are about
_ENGINE_FIELDS = (
    ("bị trùng", "code"),
    ("điểm tối đa", "max_points"),
    ("phương pháp dùng chỉ tiêu", "indicator"),
    ("mức", "bands"),
    ("trần", "cap"),
)


def _engine_field(message: str, kind: str) -> str:
    if "tên giá trị" in message:
        return "expression" if kind == "formula" else "indicator"
    for needle, field in _ENGINE_FIELDS:
        if needle in message:
            return "cap" if field == "bands" and "trần" in message else field
    return "method"


def _reuse_validators(item: dict[str, Any], indicators: Mapping[str, str], problems: list[Problem]) -> None:
    """The JSON's own checks on the item (parse, formula, then the engine's checks of a leaf)."""
    criteria, messages = jsonio.parse_criteria([item])
    for message in messages:
        match = _PATH.match(message)
        field = _PATH_FIELDS.get(match.group(1) or "", "method") if match else "method"
        text = match.group(2) if match else message
        if field == "indicator" and any(p.field == "indicator" for p in problems):
            continue  # already said which indicator is missing
        problems.append(Problem(text, field=field))
    if messages or item["kind"] == "group":
        return
    checked = engine.Problem(members=(), criteria=criteria, indicators=frozenset(indicators))
    prefix = f"Tiêu chí {item['code']}: "
    kind = str(item.get("method", {}).get("type", ""))
    for message in engine.validate(checked):
        if "không có trong danh mục" in message and any(p.field == "indicator" for p in problems):
            continue
        field = _engine_field(message, kind)
        text = message[len(prefix) :] if message.startswith(prefix) else message
        problems.append(Problem(text[:1].lower() + text[1:], field=field))


def check_criterion(
    inp: CriterionInput,
    *,
    indicators: Mapping[str, str],
    taken_codes: frozenset[str] = frozenset(),
) -> Checked:
    """Read and check one criterion's fields. `indicators` are the cluster-year's (code → name);
    `taken_codes`, the codes other criteria of the set already use. The item is the stored JSON of the
    criterion without its children (a group gets `"children": []`)."""
    r = _Fields()
    code = inp.code.strip()
    name = " ".join(inp.name.split())
    if not code:
        r.fail("code", "chưa nhập mã, ví dụ I.1")
    elif len(code) > MAX_CODE:
        r.fail("code", f"dài {len(code)} ký tự, tối đa {MAX_CODE}")
    elif any(ch.isspace() for ch in code):
        r.fail("code", "không được có khoảng trắng")
    elif code in taken_codes:
        r.fail("code", f"mã “{code}” đã dùng cho một tiêu chí khác của bộ này")
    if not name:
        r.fail("name", "chưa nhập tên tiêu chí")
    elif len(name) > MAX_NAME:
        r.fail("name", f"dài {len(name)} ký tự, tối đa {MAX_NAME}")
    kind = inp.kind.strip()
    if kind not in KIND_LABELS:
        r.fail("kind", "chọn nhóm, tiêu chí chấm điểm, điểm thưởng hoặc điểm trừ")
        return Checked(None, tuple(r.problems))
    max_points = r.points(inp.max_points, "max_points")
    item: dict[str, Any] = {
        "code": code,
        "name": name,
        "kind": kind,
        "max_points": plain_number(max_points) if max_points is not None else "0",
    }
    if kind == "group":
        item["children"] = []
    else:
        method = _read_method(r, inp, indicators)
        if method is None:
            return Checked(None, tuple(r.problems))
        item["method"] = method
    if not r.problems:
        _reuse_validators(item, indicators, r.problems)
    return Checked(None if r.problems else item, tuple(r.problems))


# --- a stored item back to fields ------------------------------------------------------------------------


def typed_number(value: Decimal) -> str:
    """A number as a person types it and `jsonio.read_number` reads it back: a decimal comma, no
    thousands separator (7,5; 1000 — “1.000” would read as one)."""
    return plain_number(value).replace(".", ",")


def _shown(raw: object) -> str:
    if raw is None or raw == "":
        return ""
    try:
        return typed_number(jsonio.read_number(raw))
    except NumberFormatError:
        return str(raw)


def input_from_item(
    item: Mapping[str, Any], *, parent: str = "", indicators: Mapping[str, str] | None = None
) -> CriterionInput:
    """The fields of a stored criterion (as `criteria_tree` gives it), for the form and the workbook."""
    kind = str(item.get("kind") or ("group" if item.get("children") is not None else "score"))
    method: Mapping[str, Any] = item.get("method") or {}
    mtype = str(method.get("type", "")) if kind != "group" else ""
    indicator = str(method.get("indicator", ""))
    if mtype == "per_count":
        stored = str(method.get("value", ""))
        by_name = {value_name(code): code for code in (indicators or {})}
        indicator = by_name.get(stored, stored)
    share = method.get("last_share")
    return CriterionInput(
        code=str(item.get("code", "")),
        name=str(item.get("name", "")),
        kind=kind,
        parent=parent,
        max_points=_shown(item.get("max_points")),
        method=mtype,
        indicator=indicator,
        cap=_shown(method.get("cap")) if mtype == "ratio" else "",
        floor=_shown(method.get("floor")) if mtype == "ratio" and method.get("floor") else "",
        on=str(method.get("on", "percent")) if mtype == "bands" else "",
        bands=tuple(
            (_shown(b[0]), _shown(b[1]))
            for b in method.get("bands") or []
            if isinstance(b, list | tuple) and len(b) == 2
        ),
        last_share=(
            typed_number(jsonio.read_number(share) * HUNDRED)
            if mtype == "rank" and share not in (None, "")
            else ""
        ),
        points_each=_shown(method.get("points_each")) if mtype == "per_count" else "",
        expression=str(method.get("expression", "")) if mtype == "formula" else "",
    )


def flatten(tree: Sequence[Mapping[str, Any]], parent: str = "") -> list[tuple[str, Mapping[str, Any]]]:
    """(parent code, item) of every criterion of a nested tree, in reading order."""
    out: list[tuple[str, Mapping[str, Any]]] = []
    for item in tree:
        out.append((parent, item))
        out.extend(flatten(item.get("children") or [], str(item.get("code", ""))))
    return out
