"""Rule packs: the legal conditions of titles as data, versioned by instrument and effective date. Pure.

A pack (tdkt/awards/packs/*.json) names its instruments and the period it governs, and lists rules. A rule
has an id (the ids of ../shared/domain/legal-rules.md §4), the titles and kinds of subject it applies to,
an effect, a condition built from the small set of predicates below, declared parameters (the knobs the
provincial board may override), a Vietnamese citation, a verification tag and optional effective dates.

Effects:
- ``bar``: when false the verdict is BARRED (GEN_01 pending review, GEN_02 discipline in the cycle);
- ``require``: every required rule must hold for ELIGIBLE;
- ``alternative``: a route judged by the council; when it holds (the council has confirmed it), the
  failures of the rules it names in ``instead_of`` no longer count;
- ``info``: shown with the verdict, never changes it (quotas counted per unit or per cluster);
- ``filter``: changes which records count (GEN_03 merit awards only, GEN_05 an initiative serves once).

Which pack governs a cycle: the pack in force on the day the cycle ends (31/12 for a calendar year,
31/08 of the next year for a school year). So calendar 2023 → ND 91/2017; calendar 2024 → Law 2022 +
ND 98/2023; calendar 2025 → ND 152/2025 (in force since 01/07/2025, the year is judged as it closes);
school year 2023–2024 → Law 2022 + ND 98; school year 2024–2025 (ends 31/08/2025) → ND 152.

Parameters are referenced in a condition as ``"$name"``. Overrides are ``{rule_id: {param: value}}``,
validated against the declared type and range; a bad pack or a bad override raises RulePackError listing
every problem in Vietnamese.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from typing import Any

from tdkt.awards.catalogue import CATALOGUE
from tdkt.awards.subjects import (
    CYCLE_CALENDAR,
    CYCLE_SCHOOL,
    ORGANISERS,
    SCOPES,
    SUBJECT_KINDS,
    Rating,
)
from tdkt.awards.verdicts import TAGS

PACK_DIR = Path(__file__).resolve().parent / "packs"

EFFECT_BAR, EFFECT_REQUIRE, EFFECT_ALTERNATIVE, EFFECT_INFO, EFFECT_FILTER = (
    "bar",
    "require",
    "alternative",
    "info",
    "filter",
)
EFFECTS = (EFFECT_BAR, EFFECT_REQUIRE, EFFECT_ALTERNATIVE, EFFECT_INFO, EFFECT_FILTER)

ROUNDINGS = ("floor", "ceil", "half_up")
ROUNDING_NAMES = {"floor": "làm tròn xuống", "ceil": "làm tròn lên", "half_up": "làm tròn gần nhất (0,5 lên)"}
QUOTAS = ("cstdcs_share_of_ldtt", "gov_flag_share_of_leaders")
MEMBER_FIELDS = ("members", "completed", "ldtt", "cstdcs", "disciplined_warning_or_above", "women")

# Facts only a council can confirm. The position is the bit in `batch.Columns.flags`: append, never reorder.
FLAGS: dict[str, str] = {
    "doan_ket": "Tự lực, tự cường; đoàn kết, tương trợ; tích cực tham gia phong trào thi đua",
    "tieu_bieu": "Thành tích tiêu biểu xuất sắc, được Hội đồng Thi đua – Khen thưởng lựa chọn",
    "phong_trao": "Phong trào thi đua thường xuyên, thiết thực, hiệu quả",
    "vuot_chi_tieu": "Hoàn thành vượt mức các chỉ tiêu thi đua và nhiệm vụ được giao trong năm",
    "to_chuc_trong_sach": "Tổ chức đảng, đoàn thể trong sạch, vững mạnh; đi đầu thực hành tiết kiệm, "
    "chống tham nhũng, lãng phí",
    "mo_hinh_moi": "Có nhân tố mới, mô hình mới để các tập thể khác học tập",
    "thanh_tich_74_1_abc": "Thành tích theo Điều 74 khoản 1 điểm a, b hoặc c (phong trào thi đua, thành "
    "tích đột xuất, đóng góp lớn)",
    "thanh_tich_73_1_ac": "Thành tích theo Điều 73 khoản 1 điểm a hoặc c",
    "thanh_tich_44_2": "Thành tích theo Điều 44 khoản 2 (công nhân, nông dân)",
    "dan_dau_phong_trao_chuyen_de": "Dẫn đầu phong trào thi đua theo chuyên đề do bộ, tỉnh phát động, "
    "sơ kết, tổng kết từ 5 năm trở lên",
    "dan_dau_phong_trao_ttg": "Dẫn đầu phong trào thi đua do Thủ tướng Chính phủ phát động, "
    "tổng kết từ 5 năm trở lên",
    "tieu_chi_xa": "Đạt các tiêu chí tại Điều 29 khoản 1 điểm a–đ và tiêu chí của tỉnh",
    "tieu_chi_thon": "Đạt các tiêu chí tại Điều 30 khoản 1 điểm a–đ và tiêu chí của tỉnh",
    "tieu_chi_gia_dinh": "Đạt các tiêu chuẩn khung của Nghị định 86/2023/NĐ-CP",
    "khong_thuoc_truong_hop_loai_tru": "Không thuộc trường hợp loại trừ của Nghị định 86/2023/NĐ-CP "
    "(thành viên bị truy cứu hình sự, chưa hoàn thành nghĩa vụ quân sự, thuế, bị xử phạt hành chính)",
    "thanh_tich_giay_khen": "Có thành tích được bình xét trong phong trào thi đua hoặc hoàn thành tốt "
    "nhiệm vụ, nghĩa vụ công dân",
}
FLAG_BITS: dict[str, int] = {name: bit for bit, name in enumerate(FLAGS)}


class RulePackError(ValueError):
    """A pack or an override is malformed; `problems` are Vietnamese sentences naming where and what."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))


# ------------------------------------------------------------------------------------- value types


def parse_fraction(value: Any) -> Fraction:
    """ "7/10", "0.7", "70%", 0.7 → Fraction(7, 10). ValueError otherwise."""
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, Fraction):
        return value
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, float):
        return Fraction(repr(value))
    if isinstance(value, str):
        text = value.strip().replace(",", ".").replace(" ", "")
        if text.endswith("%"):
            return Fraction(text[:-1]) / 100
        return Fraction(text)
    raise ValueError(value)


def fraction_text(value: Fraction) -> str:
    return f"{value.numerator}/{value.denominator}"


def _as_int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(value)
    return value


def _as_bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(value)
    return value


def _as_choice(choices: Sequence[str]) -> Any:
    def parse(value: Any) -> str:
        if not isinstance(value, str) or value not in choices:
            raise ValueError(value)
        return value

    return parse


def _as_rating(value: Any) -> Rating:
    if not isinstance(value, str) or value not in Rating.__members__:
        raise ValueError(value)
    return Rating[value]


def _as_title(value: Any) -> str:
    if not isinstance(value, str) or value not in CATALOGUE:
        raise ValueError(value)
    return value


def _as_organisers(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not value or any(v not in ORGANISERS for v in value):
        raise ValueError(value)
    return tuple(value)


def _as_text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(value)
    return value


def _as_flag(value: Any) -> str:
    if not isinstance(value, str) or value not in FLAGS:
        raise ValueError(value)
    return value


def _as_optional_int(value: Any) -> int | None:
    return None if value is None else _as_int(value)


TYPES: dict[str, tuple[Any, str]] = {
    # type → (parser, what is expected, in Vietnamese)
    "int": (_as_int, "một số nguyên"),
    "optional_int": (_as_optional_int, "một số nguyên hoặc null"),
    "fraction": (parse_fraction, "một tỷ lệ như “7/10”, “0.7” hoặc “70%”"),
    "bool": (_as_bool, "true hoặc false"),
    "rating": (_as_rating, "một mức xếp loại: " + ", ".join(Rating.__members__)),
    "scope": (_as_choice(SCOPES), "một phạm vi: " + ", ".join(SCOPES)),
    "title": (_as_title, "một mã danh hiệu trong danh mục"),
    "rounding": (_as_choice(ROUNDINGS), "một cách làm tròn: " + ", ".join(ROUNDINGS)),
    "quota": (_as_choice(QUOTAS), "một loại chỉ tiêu: " + ", ".join(QUOTAS)),
    "field": (_as_choice(MEMBER_FIELDS), "một trường số liệu thành viên: " + ", ".join(MEMBER_FIELDS)),
    "organisers": (_as_organisers, "danh sách cấp tổ chức cụm, khối: " + ", ".join(ORGANISERS)),
    "flag": (_as_flag, "một sự việc do Hội đồng xác nhận: " + ", ".join(FLAGS)),
    "text": (_as_text, "một câu tiếng Việt"),
}


@dataclass(frozen=True, slots=True)
class Arg:
    type: str
    required: bool = True
    default: Any = None
    min: Any = None
    max: Any = None


# The predicate vocabulary: name → its arguments. `all` and `any` combine; the rest are leaves.
PREDICATES: dict[str, dict[str, Arg]] = {
    "not_pending": {},
    "clock": {},
    "merit_only": {},
    "initiative_once": {},
    "no_recent_same_award": {},
    "rating_at_least": {"min": Arg("rating")},
    "rating_streak": {"min": Arg("rating"), "years": Arg("int", min=1, max=20)},
    "ratings_in_window": {
        "min": Arg("rating"),
        "n": Arg("int", min=1, max=20),
        "years": Arg("int", min=1, max=20),
    },
    "title_streak": {
        "title": Arg("title"),
        "k": Arg("int", min=1, max=10),
        "step": Arg("int", False, 1, 1, 10),
        "lag": Arg("int", False, 0, 0, 5),
    },
    "titles_in_window": {
        "title": Arg("title"),
        "n": Arg("int", min=1, max=20),
        "years": Arg("int", min=1, max=20),
    },
    "holds_award": {"title": Arg("title"), "before_window": Arg("int", False, 0, 0, 20)},
    "initiatives": {
        "scope": Arg("scope"),
        "n": Arg("int", min=1, max=20),
        "years": Arg("int", min=1, max=20),
    },
    "recruited_months": {"months": Arg("int", min=0, max=60)},
    "meets": {"title": Arg("title")},
    "members_share": {
        "field": Arg("field"),
        "min": Arg("fraction", min=Fraction(0), max=Fraction(1)),
        "strict": Arg("bool", False, False),
    },
    "members_count": {
        "field": Arg("field"),
        "min": Arg("optional_int", False, None, 0, 1_000_000),
        "max": Arg("optional_int", False, None, 0, 1_000_000),
    },
    "leads_cluster": {"organisers": Arg("organisers")},
    "council": {"flag": Arg("flag"), "text": Arg("text", False, "")},
    "group_quota": {
        "quota": Arg("quota"),
        "share": Arg("fraction", min=Fraction(0), max=Fraction(1)),
        "rounding": Arg("rounding", False, "floor"),
    },
}
FILTER_PREDICATES = frozenset({"merit_only", "initiative_once"})
BAR_PREDICATES = frozenset({"not_pending", "clock"})


@dataclass(frozen=True, slots=True)
class Node:
    """A condition after parameters are substituted: `op` is all, any, or a predicate name."""

    op: str
    args: Mapping[str, Any] = field(default_factory=dict)
    children: tuple[Node, ...] = ()


@dataclass(frozen=True, slots=True)
class Param:
    name: str
    type: str
    default: Any
    min: Any = None
    max: Any = None
    label: str = ""


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    titles: tuple[str, ...]  # catalogue codes; ("*",) for every title
    applies_to: tuple[str, ...]  # subject kinds
    effect: str
    label: str
    condition: Any  # the JSON as written, with "$param" references
    params: tuple[Param, ...]
    values: Mapping[str, Any]  # parameter values in force (defaults, then overrides)
    node: Node  # the condition with `values` substituted
    enabled: bool
    citation: str
    tag: str
    effective_from: date | None = None
    effective_to: date | None = None
    instead_of: tuple[str, ...] = ()
    note: str = ""
    overridden: tuple[str, ...] = ()  # parameters changed by an override

    @property
    def general(self) -> bool:
        """A general rule (GEN_*, or one for every title): it never makes a title applicable by itself."""
        return "*" in self.titles or self.id.startswith("GEN_")

    def applies(self, title: str, subject_kind: str, on: date) -> bool:
        return (
            self.enabled
            and (title in self.titles or "*" in self.titles)
            and subject_kind in self.applies_to
            and (self.effective_from is None or self.effective_from <= on)
            and (self.effective_to is None or on <= self.effective_to)
        )


@dataclass(frozen=True, slots=True)
class Pack:
    id: str
    name: str
    instruments: tuple[str, ...]
    effective_from: date | None
    effective_to: date | None
    rules: tuple[Rule, ...]
    note: str = ""
    overrides: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    # (title, subject kind) → the enabled rules naming them (or every title), in pack order
    index: Mapping[tuple[str, str], tuple[Rule, ...]] = field(default_factory=dict, repr=False, compare=False)

    def rule(self, rule_id: str) -> Rule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)

    def has_rule(self, rule_id: str) -> bool:
        return any(r.id == rule_id for r in self.rules)

    def rules_for(self, title: str, subject_kind: str, on: date) -> tuple[Rule, ...]:
        candidates = self.index.get((title, subject_kind)) if self.index else None
        if candidates is None:
            candidates = self.rules
        return tuple(r for r in candidates if r.applies(title, subject_kind, on))

    def governs(self, title: str, subject_kind: str, on: date) -> bool:
        """The pack has a title-specific rule (required or alternative) for this title and kind of subject."""
        return any(
            not r.general and r.effect in (EFFECT_REQUIRE, EFFECT_ALTERNATIVE)
            for r in self.rules_for(title, subject_kind, on)
        )

    def in_force(self, on: date) -> bool:
        return (self.effective_from is None or self.effective_from <= on) and (
            self.effective_to is None or on <= self.effective_to
        )

    def quota_rule(self, quota: str) -> Rule | None:
        for rule in self.rules:
            if rule.node.op == "group_quota" and rule.node.args["quota"] == quota:
                return rule
        return None


# ------------------------------------------------------------------------------------------ parsing


def _date(value: Any, where: str, problems: list[str]) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        problems.append(f"{where}: “{value}” không phải ngày dạng YYYY-MM-DD")
        return None


def _parse_value(type_name: str, value: Any, where: str, problems: list[str]) -> Any:
    parser, expected = TYPES[type_name]
    try:
        return parser(value)
    except (ValueError, ZeroDivisionError, TypeError, ArithmeticError):
        problems.append(f"{where}: “{value}” không hợp lệ, cần {expected}")
        return None


def _in_range(value: Any, low: Any, high: Any, where: str, problems: list[str]) -> None:
    if value is None or isinstance(value, bool | str | tuple):
        return
    if low is not None and value < low:
        problems.append(f"{where}: {_show(value)} nhỏ hơn mức thấp nhất cho phép {_show(low)}")
    if high is not None and value > high:
        problems.append(f"{where}: {_show(value)} lớn hơn mức cao nhất cho phép {_show(high)}")


def _show(value: Any) -> str:
    return fraction_text(value) if isinstance(value, Fraction) else str(value)


def _parse_params(raw: Any, where: str, problems: list[str]) -> tuple[Param, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, dict):
        problems.append(f"{where}.params: phải là một đối tượng {{tên: khai báo}}")
        return ()
    params: list[Param] = []
    for name, spec in raw.items():
        at = f"{where}.params.{name}"
        if not isinstance(spec, dict) or spec.get("type") not in TYPES:
            problems.append(f"{at}: cần “type” là một trong {', '.join(TYPES)}")
            continue
        type_name = spec["type"]
        default = _parse_value(type_name, spec.get("default"), f"{at}.default", problems)
        low = _parse_value(type_name, spec["min"], f"{at}.min", problems) if "min" in spec else None
        high = _parse_value(type_name, spec["max"], f"{at}.max", problems) if "max" in spec else None
        _in_range(default, low, high, f"{at}.default", problems)
        params.append(Param(name, type_name, default, low, high, str(spec.get("label", ""))))
    return tuple(params)


def _resolve(
    raw: Any, values: Mapping[str, Any], params: Mapping[str, Param], where: str, problems: list[str]
) -> Node:
    """The condition with parameters substituted and every argument typed and range-checked."""
    if not isinstance(raw, dict):
        problems.append(f"{where}: điều kiện phải là một đối tượng {{“pred”: …}} hoặc {{“all”/“any”: […]}}")
        return Node("all")
    for combinator in ("all", "any"):
        if combinator in raw:
            children = raw[combinator]
            if not isinstance(children, list) or not children or len(raw) != 1:
                problems.append(f"{where}.{combinator}: cần một danh sách điều kiện không rỗng")
                return Node(combinator)
            return Node(
                combinator,
                children=tuple(
                    _resolve(c, values, params, f"{where}.{combinator}[{i}]", problems)
                    for i, c in enumerate(children)
                ),
            )
    name = raw.get("pred")
    if name not in PREDICATES:
        problems.append(
            f"{where}: vị từ “{name}” không có trong bộ vị từ đã biết ({', '.join(sorted(PREDICATES))})"
        )
        return Node("all")
    specs = PREDICATES[name]
    unknown = sorted(set(raw) - set(specs) - {"pred"})
    if unknown:
        problems.append(f"{where}: vị từ “{name}” không có tham số {', '.join(unknown)}")
    args: dict[str, Any] = {}
    for arg_name, spec in specs.items():
        at = f"{where}.{arg_name}"
        if arg_name not in raw:
            if spec.required:
                problems.append(f"{where}: vị từ “{name}” thiếu tham số “{arg_name}”")
            args[arg_name] = spec.default
            continue
        value = raw[arg_name]
        if isinstance(value, str) and value.startswith("$"):
            param = params.get(value[1:])
            if param is None:
                problems.append(f"{at}: tham số “{value}” chưa được khai báo trong “params”")
                continue
            if param.type != spec.type and not (param.type == "int" and spec.type == "optional_int"):
                problems.append(f"{at}: tham số “{value}” kiểu {param.type}, cần kiểu {spec.type}")
                continue
            parsed = values[param.name]
        else:
            parsed = _parse_value(spec.type, value, at, problems)
        _in_range(parsed, spec.min, spec.max, at, problems)
        args[arg_name] = parsed
    return Node(name, args)


def _nodes(node: Node) -> list[Node]:
    out = [node]
    for child in node.children:
        out.extend(_nodes(child))
    return out


def _parse_rule(
    raw: Any, where: str, problems: list[str], overrides: Mapping[str, Any] | None
) -> Rule | None:
    if not isinstance(raw, dict):
        problems.append(f"{where}: quy tắc phải là một đối tượng JSON")
        return None
    rule_id = raw.get("id")
    if not isinstance(rule_id, str) or not re.fullmatch(r"[A-Za-z0-9_]+", rule_id):
        problems.append(f"{where}.id: cần mã quy tắc như “CSTDCS_01”")
        return None
    where = f"{where} ({rule_id})"
    titles = raw.get("titles")
    if not isinstance(titles, list) or not titles or any(t != "*" and t not in CATALOGUE for t in titles):
        problems.append(f"{where}.titles: cần danh sách mã danh hiệu trong danh mục (hoặc “*”)")
        titles = []
    applies_to = raw.get("applies_to")
    if not isinstance(applies_to, list) or not applies_to or any(k not in SUBJECT_KINDS for k in applies_to):
        problems.append(f"{where}.applies_to: cần danh sách loại đối tượng ({', '.join(SUBJECT_KINDS)})")
        applies_to = []
    effect = raw.get("effect", EFFECT_REQUIRE)
    if effect not in EFFECTS:
        problems.append(f"{where}.effect: “{effect}” không hợp lệ, cần một trong {', '.join(EFFECTS)}")
    tag = raw.get("tag")
    if tag not in TAGS:
        problems.append(f"{where}.tag: cần một nhãn kiểm chứng {', '.join(TAGS)}")
    citation = raw.get("citation")
    if not isinstance(citation, str) or not citation.strip():
        problems.append(f"{where}.citation: cần trích dẫn điều, khoản của văn bản")
    params = _parse_params(raw.get("params"), where, problems)
    by_name = {p.name: p for p in params}
    values: dict[str, Any] = {p.name: p.default for p in params}
    overridden: list[str] = []
    for name, value in (overrides or {}).items():
        at = f"overrides.{rule_id}.{name}"
        param = by_name.get(name)
        if param is None:
            declared = ", ".join(by_name) or "không có tham số nào"
            problems.append(f"{at}: quy tắc {rule_id} không có tham số “{name}” (có: {declared})")
            continue
        parsed = _parse_value(param.type, value, at, problems)
        if parsed is None:
            continue
        _in_range(parsed, param.min, param.max, at, problems)
        values[name] = parsed
        overridden.append(name)
    enabled_raw = raw.get("enabled", True)
    enabled = True
    if isinstance(enabled_raw, str) and enabled_raw.startswith("$"):
        param = by_name.get(enabled_raw[1:])
        if param is None or param.type != "bool":
            problems.append(f"{where}.enabled: “{enabled_raw}” phải là tham số kiểu bool đã khai báo")
        else:
            enabled = bool(values[param.name])
    elif isinstance(enabled_raw, bool):
        enabled = enabled_raw
    else:
        problems.append(f"{where}.enabled: cần true, false hoặc “$tham_số”")
    node = _resolve(raw.get("condition"), values, by_name, f"{where}.condition", problems)
    used = {
        v[1:]
        for n in _walk_raw(raw.get("condition"))
        for v in n.values()
        if isinstance(v, str) and v.startswith("$")
    }
    if isinstance(enabled_raw, str):
        used.add(enabled_raw[1:])
    for name in sorted(set(by_name) - used):
        problems.append(f"{where}.params.{name}: khai báo nhưng không dùng trong điều kiện")
    ops = {n.op for n in _nodes(node)}
    if effect == EFFECT_FILTER and not ops <= FILTER_PREDICATES:
        problems.append(f"{where}: quy tắc lọc chỉ dùng {', '.join(sorted(FILTER_PREDICATES))}")
    if effect != EFFECT_FILTER and ops & FILTER_PREDICATES:
        problems.append(f"{where}: {', '.join(sorted(ops & FILTER_PREDICATES))} chỉ dùng với effect “filter”")
    if ops & BAR_PREDICATES and effect != EFFECT_BAR:
        problems.append(f"{where}: {', '.join(sorted(ops & BAR_PREDICATES))} chỉ dùng với effect “bar”")
    instead_of = raw.get("instead_of", [])
    if effect == EFFECT_ALTERNATIVE and (not isinstance(instead_of, list) or not instead_of):
        problems.append(f"{where}.instead_of: quy tắc thay thế phải nêu các quy tắc nó thay thế")
        instead_of = []
    return Rule(
        id=rule_id,
        titles=tuple(titles),
        applies_to=tuple(applies_to),
        effect=str(effect),
        label=str(raw.get("label", "")),
        condition=raw.get("condition"),
        params=params,
        values=values,
        node=node,
        enabled=enabled,
        citation=str(citation),
        tag=str(tag),
        effective_from=_date(raw.get("effective_from"), f"{where}.effective_from", problems),
        effective_to=_date(raw.get("effective_to"), f"{where}.effective_to", problems),
        instead_of=tuple(str(i) for i in instead_of),
        note=str(raw.get("note", "")),
        overridden=tuple(overridden),
    )


def _walk_raw(raw: Any) -> list[dict[str, Any]]:
    if not isinstance(raw, dict):
        return []
    out = [raw]
    for combinator in ("all", "any"):
        if isinstance(raw.get(combinator), list):
            for child in raw[combinator]:
                out.extend(_walk_raw(child))
    return out


def parse_pack(
    document: Any,
    *,
    overrides: Mapping[str, Mapping[str, Any]] | None = None,
    strict_overrides: bool = True,
    source: str = "",
) -> Pack:
    """A pack from its JSON, with optional parameter overrides. Raises RulePackError with every problem.

    `strict_overrides`: an override naming a rule the pack does not have is an error (else ignored)."""
    where = source or "pack"
    problems: list[str] = []
    if not isinstance(document, dict):
        raise RulePackError([f"{where}: phải là một đối tượng JSON"])
    pack_id = document.get("id")
    if not isinstance(pack_id, str) or not pack_id:
        problems.append(f"{where}.id: cần mã bộ quy tắc")
        pack_id = ""
    instruments = document.get("instruments")
    if (
        not isinstance(instruments, list)
        or not instruments
        or not all(isinstance(i, str) for i in instruments)
    ):
        problems.append(f"{where}.instruments: cần danh sách văn bản")
        instruments = []
    raw_rules = document.get("rules")
    if not isinstance(raw_rules, list) or not raw_rules:
        problems.append(f"{where}.rules: cần danh sách quy tắc")
        raw_rules = []
    overrides = overrides or {}
    if not isinstance(overrides, Mapping) or not all(isinstance(v, Mapping) for v in overrides.values()):
        raise RulePackError(["overrides: phải có dạng {mã quy tắc: {tham số: giá trị}}"])
    ids = [r.get("id") for r in raw_rules if isinstance(r, dict)]
    for rule_id in sorted({i for i in ids if ids.count(i) > 1 and isinstance(i, str)}):
        problems.append(f"{where}: mã quy tắc “{rule_id}” bị trùng")
    if strict_overrides:
        for rule_id in overrides:
            if rule_id not in ids:
                problems.append(f"overrides.{rule_id}: bộ quy tắc {pack_id} không có quy tắc này")
    rules = [
        _parse_rule(raw, f"{where}.rules[{i}]", problems, overrides.get(str(raw.get("id"))))
        if isinstance(raw, dict)
        else _parse_rule(raw, f"{where}.rules[{i}]", problems, None)
        for i, raw in enumerate(raw_rules)
    ]
    known = {r.id for r in rules if r}
    for rule in rules:
        if rule:
            for other in rule.instead_of:
                if other not in known:
                    problems.append(f"{where} ({rule.id}).instead_of: không có quy tắc “{other}”")
    if problems:
        raise RulePackError(problems)
    parsed = tuple(r for r in rules if r)
    index = {
        (code, kind): tuple(
            r for r in parsed if r.enabled and kind in r.applies_to and ("*" in r.titles or code in r.titles)
        )
        for code in CATALOGUE
        for kind in SUBJECT_KINDS
    }
    return Pack(
        id=pack_id,
        name=str(document.get("name", pack_id)),
        instruments=tuple(instruments),
        effective_from=_date(document.get("effective_from"), f"{where}.effective_from", problems),
        effective_to=_date(document.get("effective_to"), f"{where}.effective_to", problems),
        rules=parsed,
        note=str(document.get("note", "")),
        overrides={k: dict(v) for k, v in overrides.items() if k in known},
        index=index,
    )


# ------------------------------------------------------------------------------------ the packs


@lru_cache(maxsize=1)
def _documents() -> tuple[tuple[str, Any], ...]:
    return tuple(
        (path.name, json.loads(path.read_text(encoding="utf-8"))) for path in sorted(PACK_DIR.glob("*.json"))
    )


@lru_cache(maxsize=1)
def packs() -> tuple[Pack, ...]:
    """Every shipped pack, validated, in order of effective date."""
    loaded = [parse_pack(doc, source=name) for name, doc in _documents()]
    return tuple(sorted(loaded, key=lambda p: p.effective_from or date.min))


def pack_by_id(pack_id: str) -> Pack:
    for pack in packs():
        if pack.id == pack_id:
            return pack
    raise RulePackError([f"Không có bộ quy tắc “{pack_id}” (có: {', '.join(p.id for p in packs())})"])


def pack_in_force(on: date) -> Pack:
    """The pack governing a day."""
    for pack in packs():
        if pack.in_force(on):
            return pack
    raise RulePackError([f"Không có bộ quy tắc nào có hiệu lực ngày {on:%d/%m/%Y}"])


def cycle_start(cycle: int, cycle_kind: str = CYCLE_CALENDAR) -> date:
    return date(cycle, 9, 1) if cycle_kind == CYCLE_SCHOOL else date(cycle, 1, 1)


def cycle_end(cycle: int, cycle_kind: str = CYCLE_CALENDAR) -> date:
    return date(cycle + 1, 8, 31) if cycle_kind == CYCLE_SCHOOL else date(cycle, 12, 31)


def cycle_of(day: date, cycle_kind: str = CYCLE_CALENDAR) -> int:
    """The cycle a day falls in: its year, or for school years the year the school year started in
    (15/05/2025 → 2024, the school year 2024–2025)."""
    if cycle_kind == CYCLE_SCHOOL and day.month < 9:
        return day.year - 1
    return day.year


def pack_for(cycle: int, cycle_kind: str = CYCLE_CALENDAR) -> Pack:
    """The pack governing a cycle: the one in force on the day the cycle ends (see the module docstring)."""
    return pack_in_force(cycle_end(cycle, cycle_kind))


def _freeze(overrides: Mapping[str, Mapping[str, Any]]) -> str:
    return json.dumps(overrides, sort_keys=True, default=str, ensure_ascii=False)


@lru_cache(maxsize=64)
def _compiled(pack_id: str, frozen: str, strict: bool) -> Pack:
    for name, doc in _documents():
        if doc.get("id") == pack_id:
            return parse_pack(doc, overrides=json.loads(frozen), strict_overrides=strict, source=name)
    raise RulePackError([f"Không có bộ quy tắc “{pack_id}”"])


def with_overrides(
    pack: Pack, overrides: Mapping[str, Mapping[str, Any]] | None, *, strict: bool = True
) -> Pack:
    """The pack with the board's parameter overrides applied (validated; cached)."""
    if not overrides:
        return pack
    if not isinstance(overrides, Mapping) or not all(isinstance(v, Mapping) for v in overrides.values()):
        raise RulePackError(["overrides: phải có dạng {mã quy tắc: {tham số: giá trị}}"])
    if any(doc.get("id") == pack.id for _, doc in _documents()):
        return _compiled(pack.id, _freeze(overrides), strict)
    raise RulePackError([f"Bộ quy tắc “{pack.id}” không nằm trong các bộ đã nạp"])


def validate_overrides(
    overrides: Mapping[str, Mapping[str, Any]], packs_used: Sequence[Pack] | None = None
) -> None:
    """Check overrides against the packs (all shipped packs by default): every rule id must exist in at
    least one pack and every value must fit the declared parameter where the rule exists."""
    targets = list(packs_used or packs())
    problems: list[str] = []
    if not isinstance(overrides, Mapping) or not all(isinstance(v, Mapping) for v in overrides.values()):
        raise RulePackError(["overrides: phải có dạng {mã quy tắc: {tham số: giá trị}}"])
    for rule_id in overrides:
        if not any(p.has_rule(rule_id) for p in targets):
            problems.append(
                f"overrides.{rule_id}: không có quy tắc này trong bộ quy tắc "
                + ", ".join(p.id for p in targets)
            )
    for pack in targets:
        try:
            with_overrides(pack, overrides, strict=False)
        except RulePackError as exc:
            problems.extend(p for p in exc.problems if p not in problems)
    if problems:
        raise RulePackError(problems)


def describe_pack(pack: Pack) -> dict[str, Any]:
    """The pack as shown in outputs: id, name, instruments, dates, applied overrides."""
    return {
        "id": pack.id,
        "name": pack.name,
        "instruments": list(pack.instruments),
        "effective_from": pack.effective_from.isoformat() if pack.effective_from else None,
        "effective_to": pack.effective_to.isoformat() if pack.effective_to else None,
        "overrides": {
            rule_id: {name: _json_value(pack.rule(rule_id).values[name]) for name in params}
            for rule_id, params in pack.overrides.items()
        },
    }


def _json_value(value: Any) -> Any:
    if isinstance(value, Fraction):
        return fraction_text(value)
    if isinstance(value, Rating):
        return value.name
    if isinstance(value, tuple):
        return list(value)
    return value


def describe_rule(rule: Rule) -> dict[str, Any]:
    """A rule as data for pages and docs (parameters with their values in force)."""
    return {
        "id": rule.id,
        "titles": list(rule.titles),
        "applies_to": list(rule.applies_to),
        "effect": rule.effect,
        "label": rule.label,
        "enabled": rule.enabled,
        "params": {
            p.name: {"type": p.type, "value": _json_value(rule.values[p.name]), "label": p.label}
            for p in rule.params
        },
        "citation": rule.citation,
        "tag": rule.tag,
        "unverified": rule.tag == "R",
        "note": rule.note,
        "overridden": list(rule.overridden),
    }


__all__ = [
    "EFFECTS",
    "FLAGS",
    "FLAG_BITS",
    "PREDICATES",
    "Node",
    "Pack",
    "Param",
    "Rule",
    "RulePackError",
    "cycle_end",
    "cycle_start",
    "describe_pack",
    "describe_rule",
    "pack_by_id",
    "pack_for",
    "pack_in_force",
    "packs",
    "parse_fraction",
    "parse_pack",
    "validate_overrides",
    "with_overrides",
]
