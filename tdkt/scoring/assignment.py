"""The cross-scoring assignment matrix. Pure: no Django.

`propose` gives every unit exactly `k` scorers and every scorer exactly `k` units (balanced load), never
itself, and, when `no_reciprocal` is set, never a pair that score each other. It is a circulant design:
after a seeded shuffle of the members, the member at position i scores positions i+1 … i+k (mod n).
Offsets 1 … k contain no pair d, n−d exactly when 2k < n, which is the condition for `no_reciprocal`.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass


class AssignmentError(ValueError):
    """The requested matrix cannot exist, or a given matrix breaks a rule. Vietnamese message."""


@dataclass(frozen=True)
class Pair:
    scorer: str
    scored: str


def propose(members: Sequence[str], k: int, *, no_reciprocal: bool = True, seed: int = 0) -> list[Pair]:
    n = len(members)
    if len(set(members)) != n:
        raise AssignmentError("danh sách đơn vị có phần tử trùng")
    if n < 2:
        raise AssignmentError("cần ít nhất 2 đơn vị để chấm chéo")
    if not 1 <= k <= n - 1:
        raise AssignmentError(f"mỗi đơn vị chỉ có thể được {n - 1} đơn vị khác chấm (yêu cầu {k})")
    if no_reciprocal and 2 * k >= n:
        raise AssignmentError(
            f"với {n} đơn vị, không chấm qua lại chỉ làm được khi mỗi đơn vị được chấm bởi tối đa {(n - 1) // 2} đơn vị"
        )
    order = list(members)
    random.Random(seed).shuffle(order)
    pairs = [Pair(order[i], order[(i + d) % n]) for i in range(n) for d in range(1, k + 1)]
    return sorted(pairs, key=lambda p: (p.scorer, p.scored))


def check(members: Sequence[str], pairs: Sequence[Pair], *, no_reciprocal: bool) -> list[str]:
    """Problems with a matrix the head edited: self-scoring, unknown units, duplicates, reciprocal pairs,
    units nobody scores. Load imbalance is reported, not refused: the head may have reasons."""
    known = set(members)
    problems: list[str] = []
    seen: set[tuple[str, str]] = set()
    for p in pairs:
        if p.scorer == p.scored:
            problems.append(f"đơn vị “{p.scorer}” không được tự chấm chéo chính mình")
        if p.scorer not in known or p.scored not in known:
            problems.append(f"cặp {p.scorer} → {p.scored} có đơn vị không thuộc cụm")
        if (p.scorer, p.scored) in seen:
            problems.append(f"cặp {p.scorer} → {p.scored} bị kê hai lần")
        seen.add((p.scorer, p.scored))
    if no_reciprocal:
        for scorer, scored in sorted(seen):
            if scorer < scored and (scored, scorer) in seen:
                problems.append(f"{scorer} và {scored} chấm qua lại lẫn nhau")
    scored_count = Counter(p.scored for p in pairs)
    for m in members:
        if scored_count[m] == 0:
            problems.append(f"đơn vị “{m}” chưa được ai chấm chéo")
    return problems


def load(pairs: Sequence[Pair]) -> dict[str, tuple[int, int]]:
    """For each unit: (how many it scores, how many score it)."""
    scoring = Counter(p.scorer for p in pairs)
    scored = Counter(p.scored for p in pairs)
    return {u: (scoring[u], scored[u]) for u in sorted(set(scoring) | set(scored))}
