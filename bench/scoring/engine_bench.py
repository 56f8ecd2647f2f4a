"""Pure engine throughput: unit-criterion evaluations per second on one core.

.venv/bin/python bench/scoring/engine_bench.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import N_CRITERIA, cluster_sizes, problem

from tdkt.scoring.engine import score


def main() -> None:
    sizes = cluster_sizes()
    problems = [problem(i, n) for i, n in enumerate(sizes)]
    units = sum(sizes)
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        for p in problems:
            score(p)
        best = min(best, time.perf_counter() - start)
    evals = units * N_CRITERIA
    print(f"clusters={len(sizes)} units={units} criteria={N_CRITERIA} evaluations={evals}")
    print(f"pure engine, best of 3: {best:.3f} s = {evals / best:,.0f} unit-criterion evaluations/s")


if __name__ == "__main__":
    main()
