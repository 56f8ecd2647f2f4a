"""Working days (ngày làm việc) for deadlines. Pure: no Django.

Deadlines of the law and of provincial rules count working days: Monday to Friday, less the public holidays
and the days off the Government moves each year (a Friday off swapped against a Saturday worked). Those days
are data, kept by the board with their source (`core.models.DayOff`), never computed from a lunar formula the
board cannot check: Tết and the Hùng Kings' day move with the lunar calendar, and each year's swaps are
announced by the Ministry of Home Affairs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

SATURDAY, SUNDAY = 5, 6


@dataclass(frozen=True, slots=True)
class WorkCalendar:
    """`days_off`: weekdays that are not worked (holidays, days given in lieu, swapped days off);
    `days_worked`: weekend days that are worked (the other side of a swap)."""

    days_off: frozenset[dt.date] = field(default_factory=frozenset)
    days_worked: frozenset[dt.date] = field(default_factory=frozenset)

    @classmethod
    def of(cls, days_off: Iterable[dt.date] = (), days_worked: Iterable[dt.date] = ()) -> WorkCalendar:
        return cls(frozenset(days_off), frozenset(days_worked))

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.days_worked:
            return True
        if day.weekday() in (SATURDAY, SUNDAY):
            return False
        return day not in self.days_off

    def add(self, start: dt.date, days: int) -> dt.date:
        """The day `days` working days after `start` (the day of an act does not count: a step received on
        a Friday with 1 working day is due the next Monday). `days` = 0 gives `start` itself."""
        if days < 0:
            raise ValueError("số ngày làm việc phải không âm")
        day = start
        left = days
        while left:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                left -= 1
        return day

    def between(self, start: dt.date, end: dt.date) -> int:
        """Working days after `start` up to and including `end` (0 when `end` ≤ `start`): how late a step
        due on `start` is on `end`, or how many working days a posting from `start` has run by `end`."""
        count = 0
        day = start
        while day < end:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        return count
