"""Charts: SVG for pages, PNG for documents. matplotlib with the Agg backend (no display, no internet).

Each function takes plain values (the JSON result of a scoring run) and returns bytes or text.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.ticker import FuncFormatter

from tdkt.core.vn import format_number

# pyplot keeps global state: one chart at a time per process
_LOCK = threading.Lock()
_FONT: dict[str, Any] = {
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "svg.fonttype": "none",
    "svg.hashsalt": "tdkt",
}
_RED, _GREY, _GOLD = "#b3261e", "#9e9e9e", "#c9a227"


def vn_tick(value: float, _position: object = None) -> str:
    """An axis tick the Vietnamese way: `0,5`, `−1,5`, `1.000` (matplotlib would write `0.5`, `1000`)."""
    text = format_number(Decimal(repr(round(float(value), 6))))
    return text.replace("-", "\u2212")  # the typographic minus, as matplotlib draws it


def _render(fig: Any, fmt: str) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(
        buffer, format=fmt, bbox_inches="tight", dpi=150, metadata={"Date": None} if fmt == "svg" else None
    )
    plt.close(fig)
    return buffer.getvalue()


def ranking_chart(ranking: Sequence[Mapping[str, Any]], *, fmt: str = "svg") -> bytes:
    """Horizontal bars of the totals, best at the top; leaders in red."""
    with _LOCK, plt.rc_context(_FONT):  # type: ignore[arg-type]
        names = [row["name"] for row in ranking][::-1]
        totals = [float(row["total"]) for row in ranking][::-1]
        colors = [_RED if row["rank"] == 1 else _GREY for row in ranking][::-1]
        fig, ax = plt.subplots(figsize=(6.4, 0.35 * len(names) + 0.8))
        bars = ax.barh(names, totals, color=colors)
        ax.xaxis.set_major_formatter(FuncFormatter(vn_tick))  # the y axis holds the names
        ax.bar_label(bars, labels=[format_number(Decimal(repr(t)), 2) for t in totals], padding=3)
        ax.set_xlabel("Tổng điểm")
        ax.spines[["top", "right"]].set_visible(False)
        ax.set_xlim(0, max([*totals, 1]) * 1.12)
        return _render(fig, fmt)


def robustness_chart(robustness: Mapping[str, Any], names: Mapping[str, str], *, fmt: str = "svg") -> bytes:
    """Left: the share of perturbed draws in which each unit comes first. Right: the criteria that decide
    the order between the first and the second (positive: in favour of the first)."""
    with _LOCK, plt.rc_context(_FONT):  # type: ignore[arg-type]
        shares = robustness.get("first_place_shares", {})
        deciding = robustness.get("deciding_criteria", [])[:8]
        fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.2), gridspec_kw={"width_ratios": [1, 1.2]})
        labels = [names.get(mid, mid) for mid in shares]
        values = [float(v) * 100 for v in shares.values()]
        left.bar(labels, values, color=[_RED if mid == robustness.get("leader") else _GREY for mid in shares])
        left.set_ylim(0, 100)
        left.set_ylabel("% số lần đứng đầu")
        pct = float(robustness.get("perturbation") or 0) * 100
        left.yaxis.set_major_formatter(FuncFormatter(vn_tick))  # the x axis holds the names
        draws = vn_tick(float(robustness.get("draws") or 0))
        left.set_title(f"Trọng số dao động ±{vn_tick(pct)}%, {draws} lần thử", fontsize=9)
        left.tick_params(axis="x", rotation=20)
        left.spines[["top", "right"]].set_visible(False)
        codes = [d["code"] for d in deciding][::-1]
        diffs = [float(d["difference"]) for d in deciding][::-1]
        right.barh(codes, diffs, color=[_GOLD if d >= 0 else _GREY for d in diffs])
        right.xaxis.set_major_formatter(FuncFormatter(vn_tick))  # the y axis holds the criteria
        right.axvline(0, color="#333", linewidth=0.8)
        right.set_xlabel("Chênh lệch điểm (đơn vị thứ nhất − thứ hai)")
        right.set_title("Tiêu chí quyết định thứ tự", fontsize=9)
        right.spines[["top", "right"]].set_visible(False)
        fig.tight_layout()
        return _render(fig, fmt)
