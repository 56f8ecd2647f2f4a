"""Pure engine throughput: unit-criterion evaluations per second on one core.

Two paths: publishing (`score(problem, explain=False)`: points, sources, discrepancy flags, totals, ranks,
leaders — what a published run stores) and explained (`score(problem)`: the same, every criterion of every
unit also evaluated with its explanation, as a page shows a run).

.venv/bin/python bench/scoring/engine_bench.py
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import N_CRITERIA, cluster_sizes, problem

from tdkt.scoring.engine import Problem, score


def _best(problems: list[Problem], run: Callable[[Problem], object]) -> float:
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        for p in problems:
            run(p)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    sizes = cluster_sizes()
    problems = [problem(i, n) for i, n in enumerate(sizes)]
    evals = sum(sizes) * N_CRITERIA
    print(f"clusters={len(sizes)} units={sum(sizes)} criteria={N_CRITERIA} evaluations={evals}")
    for label, run in (
        ("publishing path (explain=False)", lambda p: score(p, explain=False)),
        ("explained path", score),
    ):
        best = _best(problems, run)
        print(f"{label:32} best of 5: {best:.3f} s = {evals / best:,.0f} unit-criterion evaluations/s")


if __name__ == "__main__":
    main()
