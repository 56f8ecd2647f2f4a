"""Bulk eligibility from the database: 1,000,000 people with ten years of history (about 10 million records).

Loads a synthetic province into a fresh database — SQLite in a temporary folder by default, or the
PostgreSQL database named by DATABASE_URL, dropped and created again — with raw executemany (SQLite) or
COPY (PostgreSQL), then measures, each in a fresh process so that its peak memory is its own:

- raw fetch: the rows the bulk run reads — the scope's employments, then, per chunk of 50,000 people, the
  six range queries of `tdkt.awards.bulk.queries()` — fetched as plain tuples through a cursor and dropped;
- end to end (counts): who is in scope → per chunk fetch → `batch.Columns` → `batch.evaluate_batch` for
  every individual title → outcome counts per title (what the job's page shows);
- end to end (as the task stores): the same, plus one `EvaluationOutcome` row per person (a letter per
  title) and the job's progress after each chunk, i.e. `tdkt.awards.bulk.run_job` itself;
- peak memory: the process's maximum RSS (ru_maxrss) of each measurement, and, in a separate run because
  tracing slows Python down, tracemalloc's peak of the end-to-end run;
- for information: the explained engine (`engine.evaluate`, reasons per title) on a sample.

    .venv/bin/python bench/eligibility/db_bench.py                        # SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tdkt_bench_elig .venv/bin/python bench/eligibility/db_bench.py
    .venv/bin/python bench/eligibility/db_bench.py --people 100000        # a smaller run

Targets (issue 5): end to end ≤ 60 s and ≤ 3× the raw fetch. Timings depend on the machine; never in tests.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench/: benchdb

from benchdb import prepare_database  # noqa: E402

CYCLE = 2025
FIRST = CYCLE - 9  # ten cycles of history: 2016–2025
N_DISTRICTS = 100
GEN_CHUNK = 100_000  # people generated and inserted at a time
RECORDED_AT = "2026-01-15 00:00:00"


def _setup_django(migrate: bool = False) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tdkt.settings")
    import django

    django.setup()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)


# --- loading ------------------------------------------------------------------------------------------------


def _columns(model: Any) -> list[str]:
    return [f.column for f in model._meta.concrete_fields]


def _insert(model: Any, values: dict[str, Any], n: int) -> None:
    """Insert n rows: `values` maps each column to a list of n values or to a constant."""
    from django.db import connection

    columns = [c for c in _columns(model) if not (c == "id" and values.get("id") is None)]
    missing = [c for c in columns if c not in values]
    if missing:
        raise KeyError(f"{model.__name__}: no value for {missing}")
    series = [values[c] if isinstance(values[c], list) else [values[c]] * n for c in columns]
    rows = zip(*series, strict=True)
    table = model._meta.db_table
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({quoted}) VALUES ({marks})", list(rows))


def load(people: int, seed: int = 2025) -> dict[str, int]:
    """A province, its districts and `people` people with histories, inserted without services or audit (a
    benchmark fixture). Returns the number of rows per table."""
    import numpy as np
    from django.db import connection, transaction

    from tdkt.awards.models import Award, Discipline, Initiative, PendingReview, TaskRating
    from tdkt.org.models import Employment, Person, Unit

    counts = dict.fromkeys(
        ("people", "employments", "ratings", "awards", "initiatives", "disciplines", "pending"), 0
    )
    with transaction.atomic():
        province = Unit.objects.create(code="B-TINH", name="Tỉnh thử nghiệm", kind="tinh")
        districts = Unit.objects.bulk_create(
            [
                Unit(code=f"B-H{d:03d}", name=f"Huyện {d:03d}", kind="huyen", parent=province)
                for d in range(N_DISTRICTS)
            ]
        )
        district_ids = np.array([u.pk for u in districts], dtype=np.int64)
        award_id = 0
        rng = np.random.default_rng(seed)
        for base in range(0, people, GEN_CHUNK):
            n = min(GEN_CHUNK, people - base)
            ids = np.arange(base + 1, base + n + 1, dtype=np.int64)
            female = rng.random(n) < 0.5
            recruited_year = rng.integers(1995, 2025, n)
            _insert(
                Person,
                {
                    "id": ids.tolist(),
                    "code": "",
                    "full_name": [f"Người {i}" for i in ids.tolist()],
                    "search_key": [f"nguoi {i}" for i in ids.tolist()],  # Person.search_key, folded
                    "gender": np.where(female, "nu", "nam").tolist(),
                    "date_of_birth": None,
                    "recruited_on": [f"{y}-09-01" for y in recruited_year.tolist()],
                    "note": "",
                    "created_at": RECORDED_AT,
                },
                n,
            )
            _insert(
                Employment,
                {
                    "id": ids.tolist(),
                    "person_id": ids.tolist(),
                    "unit_id": district_ids[(ids - 1) % N_DISTRICTS].tolist(),
                    "start": "2010-01-01",
                    "end": None,
                    "position": "",
                },
                n,
            )
            # ratings: the last 3..10 cycles up to 2025 (about 6.5 per person)
            years = rng.integers(3, 11, n)
            who = np.repeat(np.arange(n), years)
            offset = np.arange(len(who)) - np.repeat(np.cumsum(years) - years, years)
            cycle = (CYCLE - np.repeat(years, years) + 1 + offset).astype(np.int64)
            rating = rng.choice(np.array([1, 2, 3, 4]), size=len(who), p=[0.03, 0.17, 0.55, 0.25])
            _insert(
                TaskRating,
                {
                    "id": None,
                    "person_id": ids[who].tolist(),
                    "unit_id": None,
                    "note": "",
                    "source": "",
                    "recorded_by_id": None,
                    "recorded_at": RECORDED_AT,
                    "cycle": cycle.tolist(),
                    "rating": rating.tolist(),
                },
                len(who),
            )
            # titles that follow from the ratings, decided the next January: LĐTT most good years, CSTĐCS
            # many excellent ones, a few Bằng khen tỉnh and CSTĐ tỉnh
            roll = rng.random(len(who))
            ldtt = (rating >= 3) & (roll < 0.5)
            cstdcs = (rating == 4) & (roll < 0.55)
            extra = rng.random(len(who))
            bk = cstdcs & (extra < 0.04)
            cstd_tinh = cstdcs & (extra > 0.99)
            a_who = np.concatenate([who[ldtt], who[cstdcs], who[bk], who[cstd_tinh]])
            a_cycle = np.concatenate([cycle[ldtt], cycle[cstdcs], cycle[bk], cycle[cstd_tinh]])
            a_title = ["LDTT"] * int(ldtt.sum()) + ["CSTDCS"] * int(cstdcs.sum())
            a_title += ["BK_TINH"] * int(bk.sum()) + ["CSTD_TINH"] * int(cstd_tinh.sum())
            a_basis = ["other"] * int(ldtt.sum()) + ["htxsnv"] * int(cstdcs.sum())
            a_basis += ["other"] * int(bk.sum() + cstd_tinh.sum())
            m = len(a_who)
            a_ids = np.arange(award_id + 1, award_id + m + 1, dtype=np.int64)
            award_id += m
            _insert(
                Award,
                {
                    "id": a_ids.tolist(),
                    "person_id": ids[a_who].tolist(),
                    "unit_id": None,
                    "note": "",
                    "source": "",
                    "recorded_by_id": None,
                    "recorded_at": RECORDED_AT,
                    "title": a_title,
                    "cycle": a_cycle.tolist(),
                    "period_start": None,
                    "decision_no": "1/QĐ-UBND",
                    "decision_date": [f"{c + 1}-01-15" for c in a_cycle.tolist()],
                    "authority": "",
                    "kind": "cong_trang",
                    "basis": a_basis,
                    "revoked_on": None,
                    "revoked_reason": "",
                },
                m,
            )
            # initiatives: a quarter of the people, one to two each; a third served a CSTĐCS of theirs
            has = np.nonzero(rng.random(n) < 0.25)[0]
            per = rng.integers(1, 3, len(has))
            i_who = np.repeat(has, per)
            i_cycle = rng.integers(FIRST, CYCLE + 1, len(i_who))
            i_scope = rng.choice(
                np.array(["co_so", "bo_tinh", "toan_quoc"]), size=len(i_who), p=[0.8, 0.18, 0.02]
            )
            cst_first = {}
            for aw_id, pos, title in zip(a_ids.tolist(), a_who.tolist(), a_title, strict=True):
                if title == "CSTDCS":
                    cst_first.setdefault(pos, aw_id)
            used = [cst_first.get(p) if k % 3 == 0 else None for k, p in enumerate(i_who.tolist())]
            _insert(
                Initiative,
                {
                    "id": None,
                    "person_id": ids[i_who].tolist(),
                    "name": [f"Sáng kiến {k}" for k in range(len(i_who))],
                    "scope": i_scope.tolist(),
                    "cycle": i_cycle.tolist(),
                    "recognised_by": "",
                    "recognised_on": [f"{c}-10-01" for c in i_cycle.tolist()],
                    "used_by_id": used,
                    "note": "",
                    "source": "",
                    "recorded_by_id": None,
                    "recorded_at": RECORDED_AT,
                },
                len(i_who),
            )
            # discipline for 1 %, an open review for 0.3 %
            d_who = np.nonzero(rng.random(n) < 0.01)[0]
            d_year = rng.integers(FIRST, CYCLE + 1, len(d_who))
            _insert(
                Discipline,
                {
                    "id": None,
                    "person_id": ids[d_who].tolist(),
                    "unit_id": None,
                    "note": "",
                    "source": "",
                    "recorded_by_id": None,
                    "recorded_at": RECORDED_AT,
                    "level": rng.integers(1, 4, len(d_who)).tolist(),
                    "start": [f"{y}-03-01" for y in d_year.tolist()],
                    "end": [f"{y + 1}-02-28" for y in d_year.tolist()],
                    "decision_no": "",
                },
                len(d_who),
            )
            p_who = np.nonzero(rng.random(n) < 0.003)[0]
            _insert(
                PendingReview,
                {
                    "id": None,
                    "person_id": ids[p_who].tolist(),
                    "unit_id": None,
                    "note": "",
                    "source": "",
                    "recorded_by_id": None,
                    "recorded_at": RECORDED_AT,
                    "kind": "thanh_tra",
                    "since": "2025-06-01",
                    "until": None,
                },
                len(p_who),
            )
            for key, value in (
                ("people", n),
                ("employments", n),
                ("ratings", len(who)),
                ("awards", m),
                ("initiatives", len(i_who)),
                ("disciplines", len(d_who)),
                ("pending", len(p_who)),
            ):
                counts[key] += value
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for model in (Person, Employment, TaskRating, Award, Initiative):  # sequences after explicit ids
                table = model._meta.db_table
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
                )
        cursor.execute("ANALYZE")
    return counts


# --- measurements (each in its own process) -----------------------------------------------------------------


def _scope() -> Any:
    from tdkt.org.models import Unit

    return Unit.objects.get(code="B-TINH")


def measure_raw() -> dict[str, Any]:
    """The same rows as plain tuples: the scope's employments, then the six range queries per chunk."""
    from django.db import connection

    from tdkt.awards import bulk
    from tdkt.org.models import Employment

    start = time.perf_counter()
    units = bulk.scope_units(_scope())
    rows = 0
    ids: list[int] = []
    with connection.cursor() as cursor:
        table = connection.ops.quote_name(Employment._meta.db_table)
        marks = ", ".join(["%s"] * len(units))
        cursor.execute(
            f'SELECT person_id, unit_id, start, "end" FROM {table} WHERE unit_id IN ({marks})',
            units,
        )
        while block := cursor.fetchmany(bulk.FETCH_BLOCK):
            rows += len(block)
            ids.extend(r[0] for r in block)
        ids.sort()
        queries = bulk.queries()
        for start_at in range(0, len(ids), bulk.CHUNK_PEOPLE):
            part = ids[start_at : start_at + bulk.CHUNK_PEOPLE]
            for sql in queries.values():
                cursor.execute(sql, [part[0], part[-1]])
                while block := cursor.fetchmany(bulk.FETCH_BLOCK):
                    rows += len(block)
    return {"seconds": time.perf_counter() - start, "rows": rows}


def measure_e2e(store: bool) -> dict[str, Any]:
    """Who is in scope → fetch → Columns → every individual title → counts (and, with `store`, the job's
    per-person outcome rows and progress, exactly as the background task does)."""
    from tdkt.awards import bulk
    from tdkt.awards.models import EvaluationJob, EvaluationOutcome

    start = time.perf_counter()
    if store:
        job = EvaluationJob.objects.create(scope=_scope(), cycle=CYCLE)
        job = bulk.run_job(job)
        seconds = time.perf_counter() - start
        result = {
            "people": job.done,
            "counts": job.counts,
            "stored_rows": EvaluationOutcome.objects.filter(job=job).count(),
        }
        EvaluationOutcome.objects.filter(job=job).delete()
        job.delete()
    else:
        ids, units = bulk.scope_people(_scope(), CYCLE)
        totals = bulk.evaluate_people(ids, units, CYCLE)
        seconds = time.perf_counter() - start
        result = {"people": totals.people, "counts": totals.counts}
    return {"seconds": seconds, **result}


def measure_traced() -> dict[str, Any]:
    tracemalloc.start()
    measure_e2e(store=False)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"traced_peak_mib": peak / 1024 / 1024}


def measure_explained(sample: int) -> dict[str, Any]:
    from tdkt.awards import bulk, engine
    from tdkt.awards.selectors import subjects_for

    ids, _ = bulk.scope_people(_scope(), CYCLE)
    chosen = [int(i) for i in ids[:: max(1, len(ids) // sample)][:sample]]
    start = time.perf_counter()
    subjects = subjects_for(chosen, cycle=CYCLE)
    fetched = time.perf_counter()
    for subject in subjects:
        engine.evaluate(subject, CYCLE, titles=bulk.BULK_TITLES)
    done = time.perf_counter()
    return {"sample": len(subjects), "fetch_seconds": fetched - start, "evaluate_seconds": done - fetched}


def _child(kind: str, sample: int) -> None:
    _setup_django()
    if kind == "raw":
        out = measure_raw()
    elif kind == "counts":
        out = measure_e2e(store=False)
    elif kind == "stored":
        out = measure_e2e(store=True)
    elif kind == "traced":
        out = measure_traced()
    else:
        out = measure_explained(sample)
    out["max_rss_mib"] = _peak_rss_mib()
    print("RESULT " + json.dumps(out))


def _peak_rss_mib() -> float:
    """This process's peak resident memory. VmHWM (Linux) belongs to the process's own memory map; ru_maxrss
    would also count the parent's memory at fork time, inherited across exec."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _run_child(kind: str, sample: int) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, __file__, "--child", kind, "--sample", str(sample)],
        env=os.environ.copy(),
        check=True,
        capture_output=True,
        text=True,
    )
    line = next(line for line in done.stdout.splitlines() if line.startswith("RESULT "))
    result: dict[str, Any] = json.loads(line[len("RESULT ") :])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each timed measurement (best is kept)")
    parser.add_argument("--sample", type=int, default=2000, help="people for the explained engine")
    parser.add_argument(
        "--measure-only", action="store_true", help="measure the database DATABASE_URL names, already loaded"
    )
    parser.add_argument("--child", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child, args.sample)
        return

    if args.measure_only:
        _setup_django()
        from django.db import connection

        print(f"database: {os.environ.get('DATABASE_URL')} (already loaded); vendor {connection.vendor}")
    else:
        where = prepare_database("elig")
        _setup_django(migrate=True)
        from django.db import connection

        start = time.perf_counter()
        counts = load(args.people)
        records = sum(v for k, v in counts.items() if k not in ("people", "employments"))
        print(f"database: {where}; vendor {connection.vendor}; loaded in {time.perf_counter() - start:.1f} s")
        print(
            "rows: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()) + f" — {records:,} history records"
        )
    connection.close()

    results: dict[str, list[dict[str, Any]]] = {"raw": [], "counts": [], "stored": []}
    for _ in range(args.repeat):
        for kind in results:
            results[kind].append(_run_child(kind, args.sample))
    best = {kind: min(runs, key=lambda r: r["seconds"]) for kind, runs in results.items()}
    traced = _run_child("traced", args.sample)
    explained = _run_child("explained", args.sample)

    raw = best["raw"]["seconds"]

    def line(kind: str, label: str) -> str:
        r = best[kind]
        every = " ".join(f"{x['seconds']:.2f}" for x in results[kind])
        ratio = f" = {r['seconds'] / raw:.2f}× the raw fetch" if kind != "raw" else ""
        return (
            f"{label:<44} {r['seconds']:7.2f} s{ratio}; peak RSS {r['max_rss_mib']:.0f} MiB  (all: {every})"
        )

    print(f"raw rows fetched: {best['raw']['rows']:,}; people evaluated: {best['counts']['people']:,}")
    print(line("raw", "raw fetch (plain tuples, dropped)"))
    print(line("counts", "end to end → counts per title"))
    print(line("stored", "end to end as the task stores (+ 1 row/person)"))
    print(f"tracemalloc peak of end to end (counts), separate run: {traced['traced_peak_mib']:.0f} MiB")
    ex = explained
    per = ex["evaluate_seconds"] / max(ex["sample"], 1) * 1000
    print(
        f"explained engine on {ex['sample']:,} people: fetch {ex['fetch_seconds']:.2f} s, evaluate "
        f"{ex['evaluate_seconds']:.2f} s ({per:.2f} ms/person, all individual titles)"
    )
    ldtt = best["counts"]["counts"].get("LDTT", {})
    print(f"LĐTT outcomes: {ldtt}")


if __name__ == "__main__":
    main()
