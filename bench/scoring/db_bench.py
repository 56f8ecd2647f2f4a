"""National-scale scoring from the database to published rankings.

34 provinces, 3,321 communes and wards in 400 clusters, 24 indicators, 40 criteria, three score layers
(about 420,000 rows). Measures, on the database named by DATABASE_URL (SQLite by default, in a temporary
folder), after loading the data:

- raw fetch: the statements scoring runs, fetched as plain tuples with a plain cursor;
- publish: `scoring_publish_many` over every cluster — build each engine input from the database, score,
  rank, test robustness (1,000 draws) and store one published run per cluster with its audit record, in
  one transaction (rolled back, so the run can be repeated);
- the engine alone (score, robustness, summary) on the same inputs, and with every explanation written.

    .venv/bin/python bench/scoring/db_bench.py                       # SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tdkt_bench_scoring .venv/bin/python bench/scoring/db_bench.py

The PostgreSQL database is dropped and created again (give it a name of its own). Targets (issue 3): publish
≤ 2 s and ≤ 3× the raw fetch. Times are wall-clock: the load average is printed beside them.
"""

from __future__ import annotations

import gc
import json
import os
import random
import statistics
import sys
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tdkt.scoring.models import ScoringRun

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench/: benchdb

from benchdb import prepare_database  # noqa: E402

N_PROVINCES, N_UNITS, N_CLUSTERS, N_INDICATORS, N_CRITERIA, YEAR = 34, 3321, 400, 24, 40, 2025


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tdkt.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _method(i: int) -> dict[str, object]:
    if i >= N_INDICATORS:
        return {"type": "judged"}
    code = f"I{i:02d}"
    kind = i % 3
    if kind == 0:
        return {"type": "ratio", "indicator": code}
    if kind == 1:
        return {"type": "bands", "indicator": code, "bands": [["100", "2.5"], ["90", "2"], ["80", "1"]]}
    return {"type": "rank", "indicator": code}


def load(seed: int = 1) -> None:
    """Insert the synthetic country with bulk inserts (a benchmark fixture: no services, no audit)."""
    from django.db import transaction

    from tdkt.clusters.models import Cluster, ClusterMember, ClusterYear
    from tdkt.movements.models import ClusterIndicator, Indicator, Report, ReportValue, Target
    from tdkt.org.models import Unit
    from tdkt.scoring.models import CriteriaSet, Criterion, CrossAssignment, Score

    rng = random.Random(seed)
    batch = 5000
    with transaction.atomic():
        provinces = Unit.objects.bulk_create(
            [Unit(code=f"P{p:02d}", name=f"Tỉnh {p:02d}", kind="tinh") for p in range(N_PROVINCES)]
        )
        units = Unit.objects.bulk_create(
            [
                Unit(
                    code=f"X{u:04d}",
                    name=f"Xã {u:04d}",
                    kind="xa",
                    parent=provinces[u * N_PROVINCES // N_UNITS],
                )
                for u in range(N_UNITS)
            ],
            batch_size=batch,
        )
        indicators = Indicator.objects.bulk_create(
            [
                Indicator(code=f"I{i:02d}", name=f"Chỉ tiêu {i}", measure_unit="%", kind="percentage")
                for i in range(N_INDICATORS)
            ]
        )
        clusters = Cluster.objects.bulk_create(
            [
                Cluster(
                    code=f"K{c:03d}", name=f"Cụm {c:03d}", organiser=provinces[c * N_PROVINCES // N_CLUSTERS]
                )
                for c in range(N_CLUSTERS)
            ]
        )
        cys = ClusterYear.objects.bulk_create([ClusterYear(cluster=c, year=YEAR) for c in clusters])
        base, extra = divmod(N_UNITS, N_CLUSTERS)
        groups: list[list[Unit]] = []
        start = 0
        for c in range(N_CLUSTERS):
            size = base + (1 if c < extra else 0)
            groups.append(units[start : start + size])
            start += size
        ClusterMember.objects.bulk_create(
            [
                ClusterMember(cluster_year=cy, unit=u, position=j)
                for cy, g in zip(cys, groups, strict=True)
                for j, u in enumerate(g)
            ],
            batch_size=batch,
        )
        ClusterIndicator.objects.bulk_create(
            [
                ClusterIndicator(cluster_year=cy, indicator=ind, position=i)
                for cy in cys
                for i, ind in enumerate(indicators)
            ],
            batch_size=batch,
        )
        Target.objects.bulk_create(
            [
                Target(cluster_year=cy, unit=u, indicator=ind, basis="province", value=Decimal(100))
                for cy, g in zip(cys, groups, strict=True)
                for u in g
                for ind in indicators
            ],
            batch_size=batch,
        )
        reports = Report.objects.bulk_create(
            [
                Report(cluster_year=cy, unit=u, period="year_end", status="locked")
                for cy, g in zip(cys, groups, strict=True)
                for u in g
            ],
            batch_size=batch,
        )
        ReportValue.objects.bulk_create(
            [
                ReportValue(report=r, indicator=ind, value=Decimal(rng.randint(600, 1300)) / 10)
                for r in reports
                for ind in indicators
            ],
            batch_size=batch,
        )
        rules = {
            "final_rule": "appraisal_else_trimmed_mean",
            "tie_breaks": ["group:G0", "targets_met"],
            "leaders": 1,
        }
        sets = CriteriaSet.objects.bulk_create(
            [
                CriteriaSet(
                    cluster_year=cy, version=1, status="adopted", declared_total=Decimal(100), rules=rules
                )
                for cy in cys
            ]
        )
        group_rows = Criterion.objects.bulk_create(
            [
                Criterion(
                    criteria_set=cs,
                    code=f"G{g}",
                    name=f"Nhóm {g}",
                    kind="group",
                    max_points=Decimal(25),
                    position=g * 11,
                )
                for cs in sets
                for g in range(4)
            ],
            batch_size=batch,
        )
        leaves = Criterion.objects.bulk_create(
            [
                Criterion(
                    criteria_set=cs,
                    parent=group_rows[s * 4 + i // 10],
                    code=f"C{i:02d}",
                    name=f"Tiêu chí {i}",
                    kind="score",
                    max_points=Decimal("2.5"),
                    method=_method(i),
                    position=(i // 10) * 11 + i % 10 + 1,
                )
                for s, cs in enumerate(sets)
                for i in range(N_CRITERIA)
            ],
            batch_size=batch,
        )
        assignments, scores = [], []
        for s, (cs, g) in enumerate(zip(sets, groups, strict=True)):
            n = len(g)
            for j, unit in enumerate(g):
                scorers = [g[(j + d) % n] for d in (1, 2, 3)]
                assignments += [CrossAssignment(criteria_set=cs, scorer=x, scored=unit) for x in scorers]
                for i in range(N_INDICATORS, N_CRITERIA):
                    crit = leaves[s * N_CRITERIA + i]
                    q = Decimal(rng.randint(10, 25)) / 10
                    scores.append(Score(criterion=crit, unit=unit, layer="self", points=q))
                    scores += [
                        Score(
                            criterion=crit,
                            unit=unit,
                            layer="cross",
                            scorer_unit=x,
                            points=max(Decimal(0), q - Decimal(rng.randint(0, 5)) / 10),
                        )
                        for x in scorers
                    ]
                    if rng.random() < 0.1:
                        # the board's appraisal (needs no second confirmation), with its reason
                        scores.append(
                            Score(
                                criterion=crit,
                                unit=unit,
                                layer="appraisal",
                                points=q,
                                explanation="Thẩm định theo minh chứng (tổng hợp)",
                                entered_as="Ban Thi đua – Khen thưởng",
                                by_board=True,
                            )
                        )
        CrossAssignment.objects.bulk_create(assignments, batch_size=batch)
        Score.objects.bulk_create(scores, batch_size=batch)


def raw_fetch() -> int:
    """The rows scoring reads, as plain tuples: the very statements `scoring_inputs` runs
    (`tdkt.scoring.selectors.scoring_queries`), through a plain cursor, and nothing else."""
    from django.db import connection

    from tdkt.scoring.models import CriteriaSet
    from tdkt.scoring.selectors import scoring_queries

    sets = list(CriteriaSet.objects.all())
    count = 0
    with connection.cursor() as cursor:
        queries = scoring_queries(sorted({cs.cluster_year_id for cs in sets}), [cs.pk for cs in sets])
        for sql, params in queries.values():
            cursor.execute(sql, params)
            count += len(cursor.fetchall())
    return count


def publish_all() -> list[ScoringRun]:
    """Every cluster from the database to a stored published run, in one transaction, through the service
    (`scoring_publish_many`: locks, checks, inputs, engine, robustness, runs, audit). Rolled back."""
    from django.db import transaction

    from tdkt.scoring.models import CriteriaSet
    from tdkt.scoring.services import scoring_publish_many

    with transaction.atomic():
        sets = list(CriteriaSet.objects.all())
        runs = scoring_publish_many(actor=None, criteria_sets=sets)
        transaction.set_rollback(True)  # leave the data as it was, so the run can be repeated
    return runs


def _all(times: list[float]) -> str:
    return " ".join(f"{x:.3f}" for x in times)


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    where = prepare_database("scoring")
    _setup_django()
    from django.db import connection

    from tdkt.scoring import jsonio
    from tdkt.scoring.models import CriteriaSet
    from tdkt.scoring.selectors import scoring_inputs

    start = time.perf_counter()
    load()
    print(f"database: {where}; loaded in {time.perf_counter() - start:.1f} s")

    raw_times, pub_times = [], []
    rows = 0
    runs: list[ScoringRun] = []
    for _ in range(5):
        t = time.perf_counter()
        rows = raw_fetch()
        raw_times.append(time.perf_counter() - t)
        t = time.perf_counter()
        runs = publish_all()
        pub_times.append(time.perf_counter() - t)
    # memory in a separate pass: tracing slows Python down several times
    tracemalloc.start()
    publish_all()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    stored = sum(len(r.inputs_text.encode()) + len(json.dumps(r.summary)) for r in runs)
    built = scoring_inputs(list(CriteriaSet.objects.all()))
    engine_times, explained_times = [], []
    gc.disable()  # as the service does
    for _ in range(3):
        t = time.perf_counter()
        for b in built.values():
            jsonio.summarized(b.parsed, b.hash)
        engine_times.append(time.perf_counter() - t)
    for _ in range(2):
        t = time.perf_counter()
        for b in built.values():
            jsonio.explained(b.parsed, b.hash)
        explained_times.append(time.perf_counter() - t)
    gc.enable()
    raw, pub, eng, expl = min(raw_times), min(pub_times), min(engine_times), min(explained_times)
    raw_med, pub_med = statistics.median(raw_times), statistics.median(pub_times)
    evaluations = sum(len(b.parsed.problem.members) for b in built.values()) * N_CRITERIA
    print(f"rows read: {rows:,}; clusters published: {len(runs)}; vendor: {connection.vendor}")
    print(f"stored per publication: {stored / 1e6:.1f} MB (inputs' canonical JSON + result summaries)")
    print(f"load average (1, 5, 15 min) at the end: {_load()}")
    print(f"raw fetch (min / median of 5):            {raw:.3f} / {raw_med:.3f} s  (all: {_all(raw_times)})")
    print(f"database → published (min / median of 5): {pub:.3f} / {pub_med:.3f} s  (all: {_all(pub_times)})")
    print(f"  = {pub / raw:.2f}× the raw fetch (min / min), {pub_med / raw_med:.2f}× (median / median)")
    print(
        f"  of which score + robustness + summary, no database: {eng:.3f} s"
        f" ({evaluations / eng:,.0f} unit-criterion evaluations/s with robustness and summary)"
    )
    print(f"  (with every explanation written, as a page shows a run: {expl:.3f} s)")
    print(f"peak traced Python memory during publish: {peak / 1024 / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
