"""Pure eligibility engine throughput on one core: 1,000,000 people × 10 years of history.

.venv/bin/python bench/eligibility/engine_bench.py [--people 1000000] [--explained 20000] [--no-ldtt-awards]

The batch path (`tdkt.awards.batch.evaluate_batch`) evaluates every individual title for every person;
the explained path (`tdkt.awards.engine.evaluate`, a verdict with reasons per title) is timed on a
sample for information, and the two are compared on that sample. Threads are pinned to 1 (set before
NumPy loads). Building the synthetic columns is not timed; converting them is the database side's job.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from datetime import date  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tdkt.awards.batch import (  # noqa: E402
    NOT_USED,
    OUTCOME_CODES,
    Columns,
    evaluate_batch,
)
from tdkt.awards.catalogue import INDIVIDUAL_TITLES, TITLE_INDEX  # noqa: E402
from tdkt.awards.engine import evaluate  # noqa: E402
from tdkt.awards.subjects import (  # noqa: E402
    AwardRecord,
    DisciplineLevel,
    DisciplineRecord,
    InitiativeRecord,
    PendingRecord,
    Rating,
    RatingRecord,
    Subject,
)

CYCLE = 2025
YEARS = 10
SCOPE_NAMES = ("co_so", "bo_tinh", "toan_quoc")
KIND_NAMES = ("cong_trang", "dot_xuat", "chuyen_de")


def synthetic(n: int, seed: int = 2025, ldtt_awards: bool = True) -> Columns:
    """People with ten cycles (2016–2025) of ratings, the titles that follow from them, some initiatives,
    disciplines and open reviews."""
    rng = np.random.default_rng(seed)
    first = CYCLE - YEARS + 1
    subj = np.repeat(np.arange(n, dtype=np.int32), YEARS)
    cyc = np.tile(np.arange(first, CYCLE + 1, dtype=np.int16), n)
    rating = rng.choice(np.array([1, 2, 3, 4], dtype=np.int8), size=n * YEARS, p=[0.03, 0.12, 0.6, 0.25])
    good = rating >= 3
    award_parts = []
    if ldtt_awards:
        m = good & (rng.random(n * YEARS) < 0.9)
        award_parts.append((subj[m], cyc[m], np.full(m.sum(), TITLE_INDEX["LDTT"], np.int8)))
    m = good & (rng.random(n * YEARS) < 0.25)  # CSTĐCS for a quarter of the good years
    award_parts.append((subj[m], cyc[m], np.full(m.sum(), TITLE_INDEX["CSTDCS"], np.int8)))
    for code, share in (("BK_TINH", 0.02), ("CSTD_TINH", 0.01), ("GK", 0.05), ("BK_TTG", 0.003)):
        m = rng.random(n * YEARS) < share
        award_parts.append((subj[m], cyc[m], np.full(m.sum(), TITLE_INDEX[code], np.int8)))
    award_subject = np.concatenate([p[0] for p in award_parts])
    award_cycle = np.concatenate([p[1] for p in award_parts])
    award_title = np.concatenate([p[2] for p in award_parts])
    award_kind = rng.choice(np.array([0, 1, 2], np.int8), size=len(award_subject), p=[0.95, 0.03, 0.02])
    # Initiatives: some served a CSTĐCS of the same person and cycle, the others are still unused.
    cstdcs = np.flatnonzero(award_title == TITLE_INDEX["CSTDCS"])
    served = rng.choice(cstdcs, size=min(len(cstdcs), n // 5), replace=False)
    n_free = n // 3
    init_subject = np.concatenate([award_subject[served], rng.integers(0, n, n_free, dtype=np.int32)])
    init_cycle = np.concatenate([award_cycle[served], rng.integers(first, CYCLE + 1, n_free, dtype=np.int16)])
    n_init = len(init_subject)
    init_scope = rng.choice(np.array([0, 1, 2], np.int8), size=n_init, p=[0.85, 0.13, 0.02])
    init_used_title = np.concatenate(
        [np.full(len(served), TITLE_INDEX["CSTDCS"], np.int8), np.full(n_free, NOT_USED, np.int8)]
    )
    init_used_cycle = np.concatenate([award_cycle[served], np.zeros(n_free, np.int16)])
    n_disc = n // 50
    disc_subject = rng.integers(0, n, n_disc, dtype=np.int32)
    disc_start = rng.integers(date(first, 1, 1).toordinal(), date(CYCLE, 12, 31).toordinal(), n_disc)
    disc_end = disc_start + rng.integers(180, 366, n_disc)
    disc_level = rng.integers(1, 7, n_disc, dtype=np.int8)
    n_pend = n // 200
    pend_subject = rng.integers(0, n, n_pend, dtype=np.int32)
    pend_since = rng.integers(date(2024, 1, 1).toordinal(), date(CYCLE, 12, 31).toordinal(), n_pend)
    pend_until = np.where(rng.random(n_pend) < 0.5, 0, pend_since + 90)
    recruited = rng.integers(date(1990, 1, 1).toordinal(), date(CYCLE, 12, 31).toordinal(), n)
    return Columns.build(
        n,
        recruited_on=recruited,
        female=rng.random(n) < 0.5,
        armed_forces=rng.random(n) < 0.05,
        rating_subject=subj,
        rating_cycle=cyc,
        rating=rating,
        award_subject=award_subject,
        award_cycle=award_cycle,
        award_title=award_title,
        award_kind=award_kind,
        init_subject=init_subject,
        init_cycle=init_cycle,
        init_scope=init_scope,
        init_used_title=init_used_title,
        init_used_cycle=init_used_cycle,
        disc_subject=disc_subject,
        disc_level=disc_level,
        disc_start=disc_start,
        disc_end=disc_end,
        pend_subject=pend_subject,
        pend_since=pend_since,
        pend_until=pend_until,
    )


def subjects_of(cols: Columns, indexes: np.ndarray) -> list[Subject]:
    """The same people as Subjects, for the explained path."""
    titles = {v: k for k, v in TITLE_INDEX.items()}
    wanted = {int(i): k for k, i in enumerate(indexes)}
    parts: list[dict[str, list[object]]] = [
        {"ratings": [], "awards": [], "initiatives": [], "disciplines": [], "pending": []} for _ in indexes
    ]
    for s, c, r in zip(cols.rating_subject, cols.rating_cycle, cols.rating, strict=True):
        if int(s) in wanted:
            parts[wanted[int(s)]]["ratings"].append(RatingRecord(int(c), Rating(int(r))))
    award_ids: dict[tuple[int, int, int], str] = {}
    for j, (s, c, t, k) in enumerate(
        zip(cols.award_subject, cols.award_cycle, cols.award_title, cols.award_kind, strict=True)
    ):
        if int(s) in wanted:
            aid = f"a{j}"
            award_ids.setdefault((int(s), int(t), int(c)), aid)
            parts[wanted[int(s)]]["awards"].append(
                AwardRecord(aid, titles[int(t)], int(c), kind=KIND_NAMES[k])
            )
    for j, (s, c, sc, ut, uc) in enumerate(
        zip(
            cols.init_subject,
            cols.init_cycle,
            cols.init_scope,
            cols.init_used_title,
            cols.init_used_cycle,
            strict=True,
        )
    ):
        if int(s) in wanted:
            used_by = None if ut == NOT_USED else award_ids.get((int(s), int(ut), int(uc)), "ngoai")
            parts[wanted[int(s)]]["initiatives"].append(
                InitiativeRecord(f"i{j}", f"Sáng kiến {j}", SCOPE_NAMES[sc], int(c), used_by=used_by)
            )
    for s, lv, st, en in zip(cols.disc_subject, cols.disc_level, cols.disc_start, cols.disc_end, strict=True):
        if int(s) in wanted:
            parts[wanted[int(s)]]["disciplines"].append(
                DisciplineRecord(
                    DisciplineLevel(int(lv)), date.fromordinal(int(st)), date.fromordinal(int(en))
                )
            )
    for s, si, un in zip(cols.pend_subject, cols.pend_since, cols.pend_until, strict=True):
        if int(s) in wanted:
            until = date.fromordinal(int(un)) if un else None
            parts[wanted[int(s)]]["pending"].append(
                PendingRecord("thanh_tra", date.fromordinal(int(si)), until)
            )
    out = []
    for k, i in enumerate(indexes):
        p = parts[k]
        out.append(
            Subject(
                id=f"p{i}",
                kind="individual",
                name=f"Người {i}",
                recruited_on=date.fromordinal(int(cols.recruited_on[i])),
                armed_forces=bool(cols.armed_forces[i]),
                ratings=tuple(p["ratings"]),  # type: ignore[arg-type]
                awards=tuple(p["awards"]),  # type: ignore[arg-type]
                initiatives=tuple(p["initiatives"]),  # type: ignore[arg-type]
                disciplines=tuple(p["disciplines"]),  # type: ignore[arg-type]
                pending=tuple(p["pending"]),  # type: ignore[arg-type]
            )
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--explained", type=int, default=20_000, help="sample for the explained path")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-ldtt-awards", action="store_true", help="leave LĐTT titles out of history")
    args = parser.parse_args()

    t0 = time.perf_counter()
    cols = synthetic(args.people, ldtt_awards=not args.no_ldtt_awards)
    built = time.perf_counter() - t0
    records = len(cols.rating) + len(cols.award_title) + len(cols.init_scope) + len(cols.disc_level)
    records += len(cols.pend_since)
    print(
        f"people={cols.n:,} cycles={CYCLE - YEARS + 1}–{CYCLE} records={records:,} "
        f"(ratings {len(cols.rating):,}, awards {len(cols.award_title):,}, initiatives {len(cols.init_scope):,}, "
        f"disciplines {len(cols.disc_level):,}, open reviews {len(cols.pend_since):,}); synthetic data {built:.1f} s"
    )
    best = float("inf")
    result = None
    for _ in range(args.repeat):
        start = time.perf_counter()
        result = evaluate_batch(cols, CYCLE)
        best = min(best, time.perf_counter() - start)
    assert result is not None
    print(
        f"batch path, {len(INDIVIDUAL_TITLES)} individual titles, best of {args.repeat}: {best:.2f} s = "
        f"{cols.n / best:,.0f} subjects/s ({cols.n * len(INDIVIDUAL_TITLES) / best:,.0f} subject-title "
        f"verdicts/s); packs {', '.join(result.packs)}"
    )
    for title, counts in result.counts().items():
        print(f"  {title:10} " + "  ".join(f"{k} {v:,}" for k, v in counts.items()))

    sample = np.random.default_rng(7).choice(cols.n, size=min(args.explained, cols.n), replace=False)
    people = subjects_of(cols, np.sort(sample))
    start = time.perf_counter()
    verdicts = [evaluate(p, CYCLE) for p in people]
    took = time.perf_counter() - start
    print(
        f"explained path (verdicts with reasons), {len(people):,} people: {took:.2f} s = "
        f"{len(people) / took:,.0f} subjects/s"
    )
    disagree = 0
    for index, vs in zip(np.sort(sample), verdicts, strict=True):
        by_title = {v.title: OUTCOME_CODES[v.outcome] for v in vs}
        for title in INDIVIDUAL_TITLES:
            if title in by_title and by_title[title] != result.outcomes[title][index]:
                disagree += 1
    print(f"batch vs explained on the sample: {disagree} disagreements")


if __name__ == "__main__":
    main()
