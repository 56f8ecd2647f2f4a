"""Working days: weekends, holidays and swaps as data, and the two directions agree."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tdkt.core.workdays import WorkCalendar

D = dt.date
# Tết Bính Ngọ for civil servants: Saturday 14/02/2026 to Sunday 22/02/2026, the weekdays 16–20/02 off.
TET_2026 = WorkCalendar.of(days_off=[D(2026, 2, d) for d in range(16, 21)])


def test_a_step_received_on_friday_with_one_working_day_is_due_monday() -> None:
    assert WorkCalendar().add(D(2026, 12, 4), 1) == D(2026, 12, 7)


def test_ten_working_days_skip_tet() -> None:
    # Posting from Friday 13/02/2026: the next working days are 23/02 onwards.
    assert TET_2026.add(D(2026, 2, 13), 1) == D(2026, 2, 23)
    assert TET_2026.add(D(2026, 2, 13), 10) == D(2026, 3, 6)


def test_a_swapped_saturday_is_worked() -> None:
    swap = WorkCalendar.of(days_off=[D(2025, 5, 2)], days_worked=[D(2025, 4, 26)])
    assert swap.is_working_day(D(2025, 4, 26))
    assert not swap.is_working_day(D(2025, 5, 2))
    assert swap.add(D(2025, 4, 25), 1) == D(2025, 4, 26)


def test_negative_days_are_refused_in_vietnamese() -> None:
    with pytest.raises(ValueError, match="không âm"):
        WorkCalendar().add(D(2026, 1, 5), -1)


_days = st.dates(min_value=D(2024, 1, 1), max_value=D(2027, 12, 31))


@given(start=_days, n=st.integers(min_value=0, max_value=60), off=st.sets(_days, max_size=30))
def test_adding_then_counting_gives_the_same_number(start: dt.date, n: int, off: set[dt.date]) -> None:
    calendar = WorkCalendar.of(days_off=off)
    due = calendar.add(start, n)
    assert calendar.between(start, due) == n
    assert due == start or calendar.is_working_day(due)
