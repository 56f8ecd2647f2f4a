"""Percentage of target and change on the year before. Pure: no Django, plain values in and out.

Rounding rule: percentages are computed exactly in Decimal and rounded once, half up, to 2 places
(`PERCENT_PLACES`). Every result carries the arithmetic that produced it, in Vietnamese.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from tdkt.core.vn import format_number, format_percent

PERCENT_PLACES = Decimal("0.01")
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Achievement:
    """How a reported value stands against a target."""

    percent: Decimal | None  # None where a percentage has no meaning (no target, zero divisor, yes/no)
    met: bool | None  # None where there is no target
    explanation: str


@dataclass(frozen=True)
class Change:
    delta: Decimal | None
    percent: Decimal | None
    explanation: str


def _round(value: Decimal) -> Decimal:
    return value.quantize(PERCENT_PLACES, rounding=ROUND_HALF_UP)


def achievement(value: Decimal, target: Decimal | None, *, direction: str, kind: str) -> Achievement:
    """Percent of target. Higher-is-better: value / target × 100. Lower-is-better (a rank, a poverty rate):
    target / value × 100, so that beating the target still reads above 100 %. Yes/no: met or not."""
    if target is None:
        return Achievement(None, None, "Chưa đăng ký chỉ tiêu")
    if kind == "yes_no":
        met = value == target
        return Achievement(None, met, "Đạt" if value == 1 else "Không đạt")
    if direction == "lower":
        met = value <= target
        if value == 0:
            return Achievement(
                None, met, f"Kết quả 0, chỉ tiêu {format_number(target)}: không tính được tỷ lệ"
            )
        pct = _round(target / value * HUNDRED)
        return Achievement(
            pct,
            met,
            f"{format_number(target)} ÷ {format_number(value)} × 100 = {format_percent(pct)} (càng thấp càng tốt)",
        )
    met = value >= target
    if target == 0:
        return Achievement(
            None, met, f"Chỉ tiêu bằng 0: không tính được tỷ lệ (kết quả {format_number(value)})"
        )
    pct = _round(value / target * HUNDRED)
    return Achievement(
        pct, met, f"{format_number(value)} ÷ {format_number(target)} × 100 = {format_percent(pct)}"
    )


def change_on_prior(value: Decimal, prior: Decimal | None) -> Change:
    """Change against the same period of the year before: the difference and its percentage."""
    if prior is None:
        return Change(None, None, "Không có số liệu cùng kỳ")
    delta = value - prior
    if prior == 0:
        return Change(delta, None, f"Cùng kỳ bằng 0: tăng {format_number(delta)}, không tính được tỷ lệ")
    pct = _round(delta / abs(prior) * HUNDRED)
    sign = "+" if pct > 0 else ""
    return Change(
        delta,
        pct,
        f"({format_number(value)} − {format_number(prior)}) ÷ {format_number(abs(prior))} × 100 = {sign}{format_percent(pct)}",
    )
