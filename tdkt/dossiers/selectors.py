"""Reads of proposal dossiers, and the working-days calendar every deadline is counted on."""

from __future__ import annotations

from tdkt.core.models import DayOff, DayOffKind
from tdkt.core.workdays import WorkCalendar


def work_calendar() -> WorkCalendar:
    """The board's days off and swapped working days, as the pure calendar counts them."""
    off: list = []
    worked: list = []
    for day, kind in DayOff.objects.values_list("day", "kind"):
        (worked if kind == DayOffKind.SWAP_WORKED else off).append(day)
    return WorkCalendar.of(days_off=off, days_worked=worked)
