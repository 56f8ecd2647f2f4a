"""Template helpers of the titles-and-commendations pages. Usage: ``{% load awards %}``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import template

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
