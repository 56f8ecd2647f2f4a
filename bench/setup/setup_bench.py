"""Setting up a province from Excel: 1,000 units (with a few lineage events) and 50,000 people, through the
code the pages run (`tdkt.org.xlsx_units`, `tdkt.org.xlsx_staff`), with the database writes.

    .venv/bin/python bench/setup/setup_bench.py                       # SQLite (a file, WAL as in settings)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test_benchsetup .venv/bin/python bench/setup/setup_bench.py
    .venv/bin/python bench/setup/setup_bench.py --people 5000 --runs 1 --mode units

Workbooks are generated first, as a province's officials would fill the templates: the unit list (a
province, its departments and their schools, districts, towns and cities, their communes, wards and
townships, armed-forces units, and on 01/07/2025 mergers of communes into new ones, a rename and a move, in
the "Biến động" sheet), then the staff: by default (`--mode province`) in the province's staff workbook, one
file of 50,000 rows each naming its unit, as the board sets up a province; with `--mode units` one file per
unit (928 files of 5–430 rows), as a province onboarding unit by unit, each file a separate import. Each run starts from an empty database (dropped and created again on
PostgreSQL; a new file on SQLite): the first run's time includes nothing the second could reuse.

Phases, timed by the progress callbacks the import task uses: read (the workbook opened and its cells
read), validate (every cell and every row against the database), write (the one transaction). Memory: the
process's maximum RSS; with `--tracemalloc`, also the peak of Python allocations (that run is slower: time
it without). Prints the load average before each run, each run's phases and the best of the runs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import io
import os
import random
import resource
import sys
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench/: benchdb

from benchdb import prepare_database  # noqa: E402

PROVINCE = ("T-QN", "Tỉnh Quảng Nam")
REFORM = dt.date(2025, 7, 1)
PLACE = [
    "An",
    "Bình",
    "Hòa",
    "Phước",
    "Tân",
    "Thạnh",
    "Đông",
    "Tây",
    "Nam",
    "Bắc",
    "Sơn",
    "Hiệp",
    "Quế",
    "Duy",
    "Điện",
    "Đại",
    "Tam",
    "Thăng",
    "Tiên",
    "Trà",
    "Phú",
    "Xuân",
    "Hương",
    "Lộc",
    "Thọ",
    "Mỹ",
    "Vĩnh",
    "Long",
    "Hải",
    "Cẩm",
    "Kim",
    "Ngọc",
    "Thanh",
    "Trung",
    "Hưng",
    "Quang",
    "Minh",
    "Đức",
    "Thuận",
    "Lợi",
    "Phong",
    "Hà",
    "Giang",
    "Lâm",
    "Khánh",
    "Nghĩa",
    "Thủy",
    "Điền",
    "Mỹ",
    "Cường",
    "Thịnh",
    "Lạc",
    "Hội",
    "Yên",
    "Bảo",
    "Châu",
    "Linh",
    "Hậu",
]
DEPARTMENTS = (
    "Sở Nội vụ",
    "Sở Tài chính",
    "Sở Xây dựng",
    "Sở Nông nghiệp và Môi trường",
    "Sở Công Thương",
    "Sở Giáo dục và Đào tạo",
    "Sở Y tế",
    "Sở Khoa học và Công nghệ",
    "Sở Văn hóa, Thể thao và Du lịch",
    "Sở Tư pháp",
    "Sở Dân tộc và Tôn giáo",
    "Thanh tra tỉnh",
    "Văn phòng Ủy ban nhân dân tỉnh",
    "Ban Quản lý các khu công nghiệp",
    "Đài Phát thanh và Truyền hình tỉnh",
    "Trường Chính trị tỉnh",
    "Ban Quản lý dự án đầu tư xây dựng",
    "Liên minh Hợp tác xã tỉnh",
    "Văn phòng Đoàn Đại biểu Quốc hội và Hội đồng nhân dân tỉnh",
    "Sở Ngoại vụ",
)
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
    "Hòa",
    "Hùng",
    "Hương",
    "Khánh",
    "Lan",
    "Linh",
    "Long",
    "Mai",
    "Minh",
    "Nam",
    "Nga",
    "Ngân",
    "Nhung",
    "Phong",
    "Phúc",
    "Phương",
    "Quân",
    "Quang",
    "Sơn",
    "Tâm",
    "Thảo",
    "Thắng",
    "Thủy",
    "Trang",
    "Trung",
    "Tuấn",
    "Vân",
    "Yến",
]
POSITIONS = (
    "Chuyên viên",
    "Chuyên viên",
    "Chuyên viên",
    "Chuyên viên chính",
    "Phó Trưởng phòng",
    "Trưởng phòng",
)
SCHOOL_POSITIONS = ("Giáo viên", "Giáo viên", "Giáo viên", "Tổ trưởng chuyên môn", "Phó Hiệu trưởng")
COMMUNE_POSITIONS = ("Công chức", "Công chức", "Công chức", "Phó Chủ tịch UBND", "Chủ tịch UBND")


# --- the workbooks -----------------------------------------------------------------------------------------


@dataclass
class UnitSpec:
    code: str
    name: str
    kind: str  # the label, as an official picks it in the template's list
    parent: str = ""
    valid_from: str = ""
    armed: bool = False
    school: bool = False
    weight: int = 0  # share of the people
    positions: tuple[str, ...] = POSITIONS


@dataclass
class Province:
    units: list[UnitSpec] = field(default_factory=list)
    events: list[tuple[str, str, str, str, str]] = field(default_factory=list)  # kind, day, old, new, basis


def _names(rng: random.Random) -> Callable[[str], str]:
    used: set[str] = set()

    def pick(prefix: str) -> str:
        while True:
            name = f"{prefix} {rng.choice(PLACE)} {rng.choice(PLACE)}"
            if name not in used and len(set(name.split()[-2:])) == 2:
                used.add(name)
                return name

    return pick


def province(n_units: int = 1000, seed: int = 11) -> Province:
    """A province of `n_units` rows: departments and their schools, districts and their communes, armed
    forces, and 01/07/2025 mergers (three communes into a new one), one rename and one move."""
    rng = random.Random(seed)
    pick = _names(rng)
    p = Province()
    code = PROVINCE[0]  # the province itself is stored by the first-run set-up, not by the file
    for i, dept in enumerate(DEPARTMENTS, start=1):
        p.units.append(UnitSpec(f"S{i:02d}", dept, "Sở, ban, ngành", code, weight=120))
    p.units.append(UnitSpec("CA-T", "Công an tỉnh", "Cơ quan, đơn vị khác", code, armed=True, weight=400))
    p.units.append(
        UnitSpec("QS-T", "Bộ Chỉ huy Quân sự tỉnh", "Cơ quan, đơn vị khác", code, armed=True, weight=300)
    )
    districts = []
    for i, kind in enumerate(["Huyện"] * 12 + ["Thị xã"] * 2 + ["Thành phố thuộc tỉnh"] * 2, start=1):
        prefix = {"Huyện": "Huyện", "Thị xã": "Thị xã", "Thành phố thuộc tỉnh": "Thành phố"}[kind]
        d = UnitSpec(f"H{i:02d}", pick(prefix), kind, code, weight=80)
        districts.append(d)
        p.units.append(d)
    n_schools = 180
    for i in range(1, n_schools + 1):
        level = rng.choice(["Trường THPT", "Trường THCS", "Trường Tiểu học", "Trường Mầm non"])
        p.units.append(
            UnitSpec(
                f"GD{i:03d}",
                pick(level),
                "Cơ quan, đơn vị khác",
                "S06",
                school=True,
                weight=45,
                positions=SCHOOL_POSITIONS,
            )
        )
    n_events_merge = 20
    fixed = len(p.units) + 2 * 5  # the border posts and police of a few districts below
    n_communes = n_units - fixed - n_events_merge - 2  # the merged units and the renamed one are extra rows
    communes: list[UnitSpec] = []
    for i in range(1, n_communes + 1):
        d = districts[(i - 1) % len(districts)]
        kind = rng.choices(["Xã", "Phường", "Thị trấn"], weights=[7, 2, 1])[0]
        c = UnitSpec(f"{d.code}-X{i:03d}", pick(kind), kind, d.code, weight=45, positions=COMMUNE_POSITIONS)
        communes.append(c)
        p.units.append(c)
    for i in range(1, 6):
        p.units.append(
            UnitSpec(
                f"BP{i}", f"Đồn Biên phòng {pick('Cửa khẩu')[9:]}", "Cơ quan, đơn vị khác", code, armed=True
            )
        )
        p.units.append(
            UnitSpec(
                f"CA-H{i:02d}", f"Công an {districts[i].name}", "Cơ quan, đơn vị khác", "CA-T", armed=True
            )
        )
    day = f"{REFORM:%d/%m/%Y}"
    basis = "Nghị quyết số 1685/NQ-UBTVQH15 ngày 16/6/2025"
    rural = [c for c in communes if c.kind == "Xã"]
    taken: set[str] = set()
    for i in range(1, n_events_merge + 1):
        olds = [c for c in rural if c.code not in taken and c.parent == districts[i % len(districts)].code][
            :3
        ]
        taken.update(c.code for c in olds)
        new = UnitSpec(f"XM{i:02d}", pick("Xã"), "Xã", code, day, weight=60, positions=COMMUNE_POSITIONS)
        p.units.append(new)
        for c in olds:
            c.weight = 0  # ended: nobody is imported into a unit that no longer exists
        p.events.append(("Hợp nhất, sáp nhập", day, ", ".join(c.code for c in olds), new.code, basis))
    left = [c for c in rural if c.code not in taken]
    renamed, moved = left[0], left[1]
    new_name = UnitSpec("XR01", pick("Xã"), "Xã", renamed.parent, day, positions=COMMUNE_POSITIONS, weight=45)
    renamed.weight = 0
    p.units.append(new_name)
    p.events.append(("Đổi tên", day, renamed.code, new_name.code, basis))
    moved_to = UnitSpec("XV01", moved.name, "Xã", code, day, positions=COMMUNE_POSITIONS, weight=45)
    moved.weight = 0
    p.units.append(moved_to)
    p.events.append(("Chuyển cấp trên", day, moved.code, moved_to.code, basis))
    assert len(p.units) == n_units, len(p.units)
    return p


def units_workbook(p: Province) -> bytes:
    import xlsxwriter

    from tdkt.movements.xlsx_template import write_meta_sheet
    from tdkt.org.xlsx_units_rules import (
        HEADER_ROW,
        LINEAGE_COLUMNS,
        LINEAGE_SHEET,
        META_SHEET,
        UNIT_COLUMNS,
        UNITS_SHEET,
        meta_rows,
    )

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    units, lineage, meta = (book.add_worksheet(n) for n in (UNITS_SHEET, LINEAGE_SHEET, META_SHEET))
    for sheet, columns in ((units, UNIT_COLUMNS), (lineage, LINEAGE_COLUMNS)):
        sheet.write_string(0, 0, "DANH SÁCH ĐƠN VỊ")
        for col, column in enumerate(columns):
            sheet.write_string(HEADER_ROW - 1, col, column.header)
    for row, u in enumerate(p.units, start=HEADER_ROW):
        values = (
            u.code,
            u.name,
            u.kind,
            u.parent,
            u.valid_from,
            "Có" if u.armed else "",
            "Có" if u.school else "",
        )
        for col, value in enumerate(values):
            if value:
                units.write_string(row, col, value)
    for row, event in enumerate(p.events, start=HEADER_ROW):
        for col, value in enumerate(event):
            lineage.write_string(row, col, value)
    write_meta_sheet(meta, meta_rows())
    book.close()
    return buffer.getvalue()


@dataclass(frozen=True)
class StaffFile:
    unit_code: str
    unit_name: str
    data: bytes
    rows: int


def staff_rows(p: Province, people: int, seed: int = 13) -> list[tuple[UnitSpec, tuple[str, ...]]]:
    """The people, shared among the units by their weights: (unit, the row's cells as text)."""
    rng = random.Random(seed)
    units = [u for u in p.units if u.weight]
    total = sum(u.weight for u in units)
    counts = [people * u.weight // total for u in units]
    for i in range(people - sum(counts)):
        counts[i % len(counts)] += 1
    rows: list[tuple[UnitSpec, tuple[str, ...]]] = []
    serial = 0
    for u, count in zip(units, counts, strict=True):
        for _ in range(count):
            serial += 1
            gender = rng.choice(("Nam", "Nữ"))
            middle = "Thị" if gender == "Nữ" and rng.random() < 0.6 else rng.choice(MIDDLE)
            born = dt.date(1965, 1, 1) + dt.timedelta(days=rng.randrange(12_000))
            recruited = min(born + dt.timedelta(days=365 * 22 + rng.randrange(3000)), dt.date(2025, 6, 1))
            start = max(recruited, REFORM) if u.valid_from else recruited
            rows.append(
                (
                    u,
                    (
                        f"QN{serial:07d}",
                        f"{rng.choice(FAMILY)} {middle} {rng.choice(GIVEN)}",
                        gender,
                        f"{born:%d/%m/%Y}",
                        f"{recruited:%d/%m/%Y}",
                        rng.choice(u.positions),
                        f"{start:%d/%m/%Y}",
                    ),
                )
            )
    return rows


def _staff_book(title: str, headers: list[str], rows: list[tuple[str, ...]], meta_rows: list) -> bytes:
    import xlsxwriter

    from tdkt.movements.xlsx_template import write_meta_sheet
    from tdkt.org.xlsx_staff_rules import HEADER_ROW, META_SHEET, STAFF_SHEET

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "constant_memory": True})
    sheet = book.add_worksheet(STAFF_SHEET)
    meta = book.add_worksheet(META_SHEET)
    sheet.write_string(0, 0, f"DANH SÁCH CÁN BỘ – {title.upper()}")
    for col, header in enumerate(headers):
        sheet.write_string(HEADER_ROW - 1, col, header)
    for row, values in enumerate(rows, start=HEADER_ROW):
        for col, value in enumerate(values):
            sheet.write_string(row, col, value)
    write_meta_sheet(meta, meta_rows)
    book.close()
    return buffer.getvalue()


def staff_workbooks(p: Province, people: int) -> list[StaffFile]:
    """One staff file per unit that has people, as each unit's staff would fill its own template."""
    from tdkt.org.xlsx_staff_rules import STAFF_COLUMNS, meta_rows

    by_unit: dict[str, tuple[UnitSpec, list[tuple[str, ...]]]] = {}
    for u, values in staff_rows(p, people):
        by_unit.setdefault(u.code, (u, []))[1].append(values)
    headers = [c.header for c in STAFF_COLUMNS]
    return [
        StaffFile(u.code, u.name, _staff_book(u.name, headers, rows, meta_rows(u.code, u.name)), len(rows))
        for u, rows in by_unit.values()
    ]


def province_workbook(p: Province, people: int) -> StaffFile:
    """The province's staff file: every person with their unit's code in the first column."""
    from tdkt.org.xlsx_staff_rules import PROVINCE_COLUMNS, province_meta_rows

    rows = [(u.code, *values) for u, values in staff_rows(p, people)]
    headers = [c.header for c in PROVINCE_COLUMNS]
    return StaffFile(
        "", "toàn tỉnh", _staff_book("toàn tỉnh", headers, rows, province_meta_rows()), len(rows)
    )


# --- the run -----------------------------------------------------------------------------------------------


class Phases:
    """Wall time per phase, split where the import's progress callback says a phase starts."""

    def __init__(self) -> None:
        self.totals: dict[str, float] = {}
        self._phase: str | None = None
        self._since = 0.0

    def __call__(self, phase: str, done: int = 0, total: int = 0) -> None:
        if phase != self._phase:
            self.stop()
            self._phase, self._since = phase, time.perf_counter()

    def stop(self) -> None:
        if self._phase is not None:
            self.totals[self._phase] = self.totals.get(self._phase, 0.0) + time.perf_counter() - self._since
            self._phase = None


def one_run(run: int, n_units: int, people: int, mode: str, trace: bool) -> dict[str, float]:
    where = prepare_database("setup")
    from django.core.management import call_command
    from django.db import connection, connections

    connections.close_all()
    if connection.vendor == "sqlite":
        connection.settings_dict["NAME"] = os.environ["DATABASE_URL"].removeprefix("sqlite:///")
    call_command("migrate", verbosity=0)
    from django.contrib.auth.models import User

    from tdkt.org.models import Employment, LineageEvent, Person, Unit
    from tdkt.org.services import province_setup
    from tdkt.org.xlsx_staff import province_staff_import, staff_import
    from tdkt.org.xlsx_units import units_import

    p = province(n_units)
    t = time.perf_counter()
    units_file = units_workbook(p)
    staff_files = [province_workbook(p, people)] if mode == "province" else staff_workbooks(p, people)
    made = time.perf_counter() - t
    province_setup(
        province_name=PROVINCE[1],
        province_code=PROVINCE[0],
        username="bench-board",
        full_name="Ban Thi đua thử nghiệm",
        password="Bench-setup-2026!",
    )
    board = User.objects.get(username="bench-board")
    load = os.getloadavg()
    print(
        f"run {run}: {where}; workbooks made in {made:.1f} s ({len(units_file) / 1024:.0f} KiB of units, "
        f"{len(staff_files)} staff files, {sum(len(f.data) for f in staff_files) / 1024 / 1024:.1f} MiB); "
        f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
    )
    gc.collect()
    if trace:  # slows every allocation: a run of its own, for memory only
        tracemalloc.start()
    units_phases, staff_phases = Phases(), Phases()
    t0 = time.perf_counter()
    result = units_import(
        actor=board, filename="danh-sach-don-vi.xlsx", data=units_file, progress=units_phases
    )
    units_phases.stop()
    t1 = time.perf_counter()
    by_code = {u.code: u for u in Unit.objects.all()}
    created = 0
    for f in staff_files:
        if not f.unit_code:
            r = province_staff_import(
                actor=board, filename="can-bo-toan-tinh.xlsx", data=f.data, progress=staff_phases
            )
        else:
            r = staff_import(
                actor=board,
                unit=by_code[f.unit_code],
                filename=f"can-bo-{f.unit_code}.xlsx",
                data=f.data,
                progress=staff_phases,
            )
        staff_phases.stop()
        created += r.created
    t2 = time.perf_counter()
    peak = tracemalloc.get_traced_memory()[1] if trace else 0
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    assert len(result.created) == n_units and created == people, (len(result.created), created)
    stored = (
        Unit.objects.count(),
        LineageEvent.objects.count(),
        Person.objects.count(),
        Employment.objects.count(),
    )
    figures = {
        "units": t1 - t0,
        **{f"units {k}": v for k, v in units_phases.totals.items()},
        "staff": t2 - t1,
        **{f"staff {k}": v for k, v in staff_phases.totals.items()},
        "total": t2 - t0,
        **({"traced peak MiB": peak / 1024 / 1024} if trace else {}),
        "maxrss MiB": rss,
    }
    print(
        f"  stored: {stored[0]:,} units, {stored[1]} lineage events, {stored[2]:,} people, {stored[3]:,} "
        f"employments"
    )
    print("  " + "; ".join(f"{k} {v:.2f}" + ("" if "MiB" in k else " s") for k, v in figures.items()))
    connections.close_all()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--people", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--mode", choices=("units", "province"), default="province")
    parser.add_argument(
        "--tracemalloc", action="store_true", help="trace Python allocations (peak memory; slows the run)"
    )
    args = parser.parse_args()
    prepare_database("setup")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tdkt.settings")
    import django

    django.setup()
    runs = [one_run(i, args.units, args.people, args.mode, args.tracemalloc) for i in range(1, args.runs + 1)]
    best = min(runs, key=lambda f: f["total"])
    print("best of", len(runs), "(by total):")
    print("  " + "; ".join(f"{k} {v:.2f}" + ("" if "MiB" in k else " s") for k, v in best.items()))


if __name__ == "__main__":
    main()
