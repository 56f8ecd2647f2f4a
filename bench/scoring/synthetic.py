"""Synthetic national-scale scoring data: clusters of communes with 40 criteria and three layers.

Pure (no Django): builds engine problems directly, and the same data as rows for the database benchmark.
Deterministic for a given seed.
"""

from __future__ import annotations

import random
from decimal import Decimal

from tdkt.scoring.engine import (
    Criterion,
    CrossScore,
    Figure,
    Judged,
    Layers,
    Member,
    Method,
    Problem,
    RankAmong,
    RatioToTarget,
    Rules,
    StepBands,
)

N_CRITERIA = 40
N_INDICATORS = 24  # criteria 0..23 are computed from indicators, 24..39 are judged


def criteria() -> tuple[Criterion, ...]:
    groups = []
    for g in range(4):
        children = []
        for j in range(10):
            i = g * 10 + j
            code = f"C{i:02d}"
            method: Method
            if i < N_INDICATORS:
                kind = i % 3
                method = (
                    RatioToTarget(f"I{i:02d}")
                    if kind == 0
                    else StepBands(
                        f"I{i:02d}",
                        (
                            (Decimal(100), Decimal("2.5")),
                            (Decimal(90), Decimal(2)),
                            (Decimal(80), Decimal(1)),
                        ),
                    )
                    if kind == 1
                    else RankAmong(f"I{i:02d}")
                )
            else:
                method = Judged()
            children.append(Criterion(code, f"Tiêu chí {i}", Decimal("2.5"), method=method))
        groups.append(Criterion(f"G{g}", f"Nhóm {g}", Decimal(25), "group", children=tuple(children)))
    return tuple(groups)


CRITERIA = criteria()
RULES = Rules(final_rule="appraisal_else_trimmed_mean", tie_breaks=("group:G0", "targets_met"), leaders=1)


def cluster_sizes(total_units: int = 3321, clusters: int = 400) -> list[int]:
    base, extra = divmod(total_units, clusters)
    return [base + (1 if i < extra else 0) for i in range(clusters)]


def problem(cluster_index: int, size: int, seed: int = 1) -> Problem:
    rng = random.Random(seed * 100_003 + cluster_index)
    members = []
    ids = [f"K{cluster_index:03d}-X{j:02d}" for j in range(size)]
    for mid in ids:
        figures = {
            f"I{i:02d}": Figure(Decimal(rng.randint(600, 1300)) / 10, Decimal(100))
            for i in range(N_INDICATORS)
        }
        members.append(Member(mid, f"Xã {mid}", figures))
    self_scores: dict[tuple[str, str], Decimal] = {}
    cross: dict[tuple[str, str], tuple[CrossScore, ...]] = {}
    appraisal: dict[tuple[str, str], Decimal] = {}
    for j, mid in enumerate(ids):
        scorers = [ids[(j + d) % size] for d in (1, 2, 3)]
        for i in range(N_INDICATORS, N_CRITERIA):
            code = f"C{i:02d}"
            q = Decimal(rng.randint(10, 25)) / 10
            self_scores[(mid, code)] = q
            cross[(mid, code)] = tuple(
                CrossScore(s, max(Decimal(0), q - Decimal(rng.randint(0, 5)) / 10)) for s in scorers
            )
            if rng.random() < 0.1:
                appraisal[(mid, code)] = q
    return Problem(tuple(members), CRITERIA, Layers(self_scores, cross, appraisal), RULES)
