"""Finding a person among a province's people: `tdkt.awards.selectors.people_search`, as the page and the
API call it, for the board (everyone) and for one unit's staff.

    .venv/bin/python bench/people/search_bench.py                    # SQLite, 1,000,000 people
    .venv/bin/python bench/people/search_bench.py --people 100000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tdkt_bench_people .venv/bin/python bench/people/search_bench.py

The people have invented Vietnamese names (family, middle and given names drawn at random) and codes, one
post each in one of 100 units. The PostgreSQL database is dropped and created again (give it a name of its
own). Prints each query's best and median of 5 and the number of people found.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench/: benchdb

from benchdb import prepare_database  # noqa: E402

N_UNITS = 100
CHUNK = 50_000
FAMILY = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
    "Trương",
    "Đinh",
    "Lâm",
    "Mai",
]
MIDDLE = [
    "Văn",
    "Thị",
    "Hữu",
    "Đức",
    "Minh",
    "Thanh",
    "Quốc",
    "Ngọc",
    "Xuân",
    "Thu",
    "Hoài",
    "Kim",
    "Bảo",
    "Công",
    "Đình",
    "Quang",
    "Thùy",
    "Phương",
]
GIVEN = [
    "An",
    "Anh",
    "Bình",
    "Châu",
    "Cường",
    "Dũng",
    "Duy",
    "Giang",
    "Hà",
    "Hải",
    "Hạnh",
    "Hiền",
    "Hiếu",
    "Hoa",
    "Hòa",
    "Hùng",
    "Hương",
    "Khánh",
    "Khoa",
    "Lan",
    "Linh",
    "Long",
    "Mai",
    "Minh",
    "Nam",
    "Nga",
    "Ngân",
    "Nghĩa",
    "Ngọc",
    "Nhung",
    "Phong",
    "Phúc",
    "Phương",
    "Quân",
    "Quang",
    "Quỳnh",
    "Sơn",
    "Tâm",
    "Thảo",
    "Thắng",
    "Thành",
    "Thủy",
    "Tiến",
    "Trang",
    "Trí",
    "Trung",
    "Tuấn",
    "Tùng",
    "Uyên",
    "Vân",
    "Việt",
    "Vinh",
    "Xuân",
    "Yến",
]
QUERIES = ("truong thi ngan", "nguyen van", "ngan", "QN-0123456", "khong co ai ten nay")


def load(people: int, seed: int = 7) -> None:
    """Units and people with one post each, inserted in bulk (a benchmark fixture: no services, no audit);
    `search_key` is what `Person.save` would write."""
    import datetime as dt

    from django.db import transaction

    from tdkt.org.models import Employment, Person, Unit, person_search_key

    rng = random.Random(seed)
    with transaction.atomic():
        province = Unit.objects.create(code="B-TINH", name="Tỉnh thử nghiệm", kind="tinh")
        units = Unit.objects.bulk_create(
            [Unit(code=f"B-X{u:03d}", name=f"Xã {u:03d}", kind="xa", parent=province) for u in range(N_UNITS)]
        )
        for base in range(0, people, CHUNK):
            batch = []
            for i in range(base, min(base + CHUNK, people)):
                name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
                code = f"QN-{i:07d}"
                batch.append(
                    Person(
                        full_name=name,
                        code=code,
                        gender="nu" if i % 2 else "nam",
                        search_key=person_search_key(name, code),
                    )
                )
            created = Person.objects.bulk_create(batch, batch_size=5000)
            Employment.objects.bulk_create(
                [
                    Employment(person=p, unit=units[j % N_UNITS], start=dt.date(2015, 1, 1))
                    for j, p in enumerate(created, start=base)
                ],
                batch_size=5000,
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    args = parser.parse_args()
    where = prepare_database("people")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tdkt.settings")
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command

    from tdkt.awards.selectors import people_search
    from tdkt.clusters.scopes import viewer_for
    from tdkt.org.models import Account, Unit

    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    load(args.people)
    print(f"database: {where}; {args.people:,} people loaded in {time.perf_counter() - start:.1f} s")
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # as autovacuum (PostgreSQL) or `tdkt dbshell` would: plans need statistics
    board_user = User.objects.create_user("bench-board")
    Account.objects.create(user=board_user, role="board")
    staff_user = User.objects.create_user("bench-staff")
    Account.objects.create(user=staff_user, role="unit", unit=Unit.objects.get(code="B-X007"))
    print(f"load average (1, 5, 15 min): {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    for label, user in (("board (everyone)", board_user), ("a unit's staff (1 % of people)", staff_user)):
        viewer = viewer_for(user)
        for query in QUERIES:
            times, found = [], 0
            for _ in range(5):
                t = time.perf_counter()
                found = len(people_search(viewer, query))
                times.append(time.perf_counter() - t)
            print(
                f"{label:32} {query!r:24} best {min(times) * 1000:7.1f} ms, median "
                f"{statistics.median(times) * 1000:7.1f} ms; {found} shown (at most 30)"
            )


if __name__ == "__main__":
    main()
