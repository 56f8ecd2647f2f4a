"""Template filters for Vietnamese numbers, percentages and dates (thin wrappers over tdkt.core.vn).

Usage: ``{% load vn %}`` then ``{{ value|vn_number }}``, ``{{ value|vn_number:2 }}``,
``{{ pct|vn_percent }}``, ``{{ day|vn_date }}``. Missing values render as an em dash.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django import template

from tdkt.core.vn import format_date, format_number, format_percent

register = template.Library()

_DASH = "—"


def _to_decimal(value: object) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


@register.filter
def vn_number(value: object, places: int | str | None = None) -> str:
    """`199121.158` -> `199.121,158`; `places` rounds half up first."""
    number = _to_decimal(value)
    if number is None:
        return _DASH
    digits = None if places is None or places == "" else int(places)
    return format_number(number, digits)


@register.filter
def vn_percent(value: object) -> str:
    """`96.5` -> `96,5%` (value already in percent units)."""
    number = _to_decimal(value)
    if number is None:
        return _DASH
    return format_percent(number)


@register.filter
def vn_date(value: object) -> str:
    """A date or datetime as `dd/mm/yyyy`."""
    if isinstance(value, dt.datetime):
        return format_date(value.date())
    if isinstance(value, dt.date):
        return format_date(value)
    return _DASH


@register.filter
def vn_person(user: object) -> str:
    """A person's name in Vietnamese order (family name first), or the login name when none is set."""
    last = str(getattr(user, "last_name", "") or "").strip()
    first = str(getattr(user, "first_name", "") or "").strip()
    full = f"{last} {first}".strip()
    if full:
        return full
    get_username = getattr(user, "get_username", None)
    return str(get_username()) if callable(get_username) else ""


@register.filter
def vn_signed_percent(value: object) -> str:
    """A change in percent with its sign: `+13,04%`, `-5%`, `0%`."""
    number = _to_decimal(value)
    if number is None:
        return _DASH
    text = format_percent(number)
    return f"+{text}" if number > 0 and text != "0%" else text
