"""Template helpers of the titles-and-commendations pages. Usage: ``{% load awards %}``."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django import template

from tdkt.awards import catalogue_selectors, rulepacks
from tdkt.awards.models import VerificationTag
from tdkt.awards.rulepacks import ROUNDING_NAMES
from tdkt.core.vn import format_number

register = template.Library()


@register.filter
def get_item(mapping: Mapping[Any, Any] | None, key: Any) -> Any:
    """`{{ titles|get_item:code }}`: a dictionary's value by a variable key (None when absent)."""
    if mapping is None:
        return None
    return mapping.get(key)


@register.filter
def outcome_count(counts: Mapping[str, int] | None, outcome: str) -> int:
    return int((counts or {}).get(outcome, 0))


@register.filter
def param_value(value: Any) -> str:
    """A rule parameter's value as a person reads it: yes/no for a flag, the rounding mode's name, numbers
    the Vietnamese way, lists joined."""
    if value is True:
        return "có"
    if value is False:
        return "không"
    if value is None:
        return "(không đặt)"
    if isinstance(value, str) and value in ROUNDING_NAMES:
        return ROUNDING_NAMES[value]
    if isinstance(value, list | tuple):
        return ", ".join(param_value(v) for v in value)
    if isinstance(value, int | float | Decimal) or (
        isinstance(value, str) and value.replace(".", "", 1).isdigit()
    ):
        try:
            return format_number(Decimal(str(value)))
        except InvalidOperation:
            return str(value)
    return str(value)


@register.filter
def title_names(codes: Any) -> str:
    """Title and form codes as their names in the catalogue ("BK_TINH" → "Bằng khen của Chủ tịch UBND tỉnh")."""
    return ", ".join(title_name(str(c)) for c in codes or [])


@register.filter
def title_name(code: Any) -> str:
    """One code as its name in the catalogue the board keeps (retired entries keep their names)."""
    return catalogue_selectors.title_name(str(code)) if code else ""


@register.filter
def title_short(code: Any) -> str:
    return catalogue_selectors.title_short(str(code)) if code else ""


@register.filter
def tag_label(tag: str) -> str:
    """A verification tag in words: V, V-old, V-2nd, R."""
    return VerificationTag(tag).label if tag in VerificationTag.values else ""


@register.filter
def override_label(row: Any) -> str:
    """A board's override (a history row) in words: the parameter's label in the pack in force for its
    first cycle and the titles its rule governs ("Áp dụng trần — Chiến sĩ thi đua cơ sở"); never the rule id
    or the parameter's name in code."""
    try:
        rule = rulepacks.pack_for(int(row.cycle_from)).rule(str(row.rule_id))
    except (KeyError, ValueError, TypeError):
        return "tham số của một quy tắc không còn trong bộ quy tắc"
    label = next((p.label for p in rule.params if p.name == row.param and p.label), "tham số")
    titles = title_names(rule.titles)
    return f"{label} — {titles}" if titles else label


@register.filter
def pack_name(pack_id: Any) -> str:
    """A rule pack by its name ("Luật Thi đua, khen thưởng 2022 và Nghị định 98/2023/NĐ-CP"), not its id
    (`luat2022-nd98-2023`), which travels in a `data-pack` attribute for auditors."""
    try:
        return rulepacks.pack_by_id(str(pack_id)).name
    except rulepacks.RulePackError:
        return str(pack_id or "")
