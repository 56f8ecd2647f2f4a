"""A decision of 2,000 lines: signing it (2,000 awards recorded through the award services), then its .docx,
its PDF and 2,000 certificates printed onto the blank in the background job, with progress.

    .venv/bin/python bench/dossiers/print_bench.py                     # SQLite, 2,000 lines
    .venv/bin/python bench/dossiers/print_bench.py --lines 200
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tdkt_bench_dossiers .venv/bin/python bench/dossiers/print_bench.py

Target (issue 13): the documents and certificates of 2,000 lines in ≤ 60 s and ≤ 500 MB. Prints the time of
each stage, the progress reports the page would show, and the process's peak resident memory.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench/: benchdb

from benchdb import prepare_database  # noqa: E402

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ"]
MIDDLE = ["Văn", "Thị", "Hữu", "Minh", "Ngọc", "Thanh", "Đức", "Thu"]
GIVEN = ["An", "Bình", "Châu", "Dũng", "Hà", "Hạnh", "Hùng", "Lan", "Linh", "Ngân", "Phúc", "Quân", "Trang"]


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load(lines: int) -> tuple[object, object]:
    """A province, a unit with `lines` people, and an approved dossier of one line each (a benchmark
    fixture: rows inserted in bulk; the signing and the printing below go through the services)."""
    from django.contrib.auth.models import User
    from django.db import transaction

    from tdkt.dossiers import states
    from tdkt.dossiers.models import Dossier, DossierLine
    from tdkt.org.models import Account, Employment, Person, Unit, person_search_key

    with transaction.atomic():
        province = Unit.objects.create(code="B-TINH", name="Tỉnh Quảng Nam", kind="tinh")
        unit = Unit.objects.create(
            code="B-SO", name="Sở Giáo dục và Đào tạo", kind="so_nganh", parent=province
        )
        people = []
        for i in range(lines):
            name = f"{FAMILY[i % 12]} {MIDDLE[(i // 12) % 8]} {GIVEN[(i // 96) % 13]}"
            people.append(
                Person(
                    full_name=name,
                    code=f"B-{i:05d}",
                    gender="nu" if i % 2 else "nam",
                    search_key=person_search_key(name, f"B-{i:05d}"),
                )
            )
        people = Person.objects.bulk_create(people, batch_size=2000)
        Employment.objects.bulk_create(
            [
                Employment(person=p, unit=unit, start=dt.date(2015, 1, 1), position="Giáo viên")
                for p in people
            ],
            batch_size=2000,
        )
        board = User.objects.create_user("bench-board", first_name="Bảng", last_name="Nguyễn Văn")
        Account.objects.create(user=board, role="board")
        dossier = Dossier.objects.create(
            track="CHUYEN_DE",
            cycle=2025,
            subject="Đề nghị tặng Bằng khen tổng kết phong trào thi đua “Dạy tốt, học tốt”",
            proposer=unit,
            receiver=province,
            state=states.APPROVED,
            sent_on=dt.date(2026, 2, 2),
        )
        DossierLine.objects.bulk_create(
            [
                DossierLine(
                    dossier=dossier,
                    position=i,
                    subject_kind="individual",
                    person=p,
                    title="BK_TINH",
                    cycle=2025,
                )
                for i, p in enumerate(people, start=1)
            ],
            batch_size=2000,
        )
    return board, dossier


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=2000)
    args = parser.parse_args()
    where = prepare_database("dossiers")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tdkt.settings")
    os.environ["TASKS_BACKEND"] = "immediate"
    os.environ.setdefault(
        "TDKT_DATA_DIR", str(Path(os.environ.get("TMPDIR", "/tmp")) / "tdkt-bench-dossiers")
    )
    import django

    django.setup()
    from django.core.management import call_command

    from tdkt.dossiers.decisions import decision_draft, decision_sign
    from tdkt.dossiers.models import PrintJob
    from tdkt.dossiers.printing import print_job_start

    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    board, dossier = load(args.lines)
    print(f"database: {where}; {args.lines:,} lines loaded in {time.perf_counter() - start:.1f} s")
    print(f"load average (1, 5, 15 min): {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    rss_before = _rss_mb()

    start = time.perf_counter()
    decision = decision_sign(
        actor=board,
        decision=decision_draft(actor=board, dossier=dossier),
        number="125/QĐ-UBND",
        signed_on=dt.date(2026, 3, 2),
        signer_name="Lê Văn Dũng",
        signer_title="Chủ tịch",
    )
    signed = time.perf_counter() - start
    print(f"signing: {args.lines:,} awards recorded, total {decision.total:,} đồng, in {signed:.1f} s")

    t0 = time.perf_counter()
    job = print_job_start(actor=board, decision=decision)  # the immediate backend runs the task at once
    total = time.perf_counter() - t0
    job = PrintJob.objects.get(pk=job.pk)
    for stored in (job.decision_docx, job.decision_pdf, job.certificates_pdf):
        print(f"  {stored.name.rsplit('/', 1)[-1]:40} {stored.size / 1024 / 1024:7.1f} MB")
    print(
        f"print job: {job.get_status_display()}, {job.done}/{job.total} steps, "
        f"{total:.1f} s (target ≤ 60 s); peak resident memory {max(rss_before, _rss_mb()):.0f} MB "
        f"(before printing {rss_before:.0f} MB; target ≤ 500 MB)"
    )


if __name__ == "__main__":
    main()
