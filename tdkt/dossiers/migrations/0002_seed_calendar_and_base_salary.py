"""Seed what deadlines and reward money are counted on: the base salary in force since 2023 and the public
holidays known when this was written (the board keeps both from then on, with their sources)."""

import datetime as dt
from decimal import Decimal

from django.db import migrations

LABOUR_CODE = "Bộ luật Lao động 2019 Điều 112"
TET_2026 = (
    "Thông báo lịch nghỉ Tết Nguyên đán Bính Ngọ 2026 đối với cán bộ, công chức, viên chức "
    "(nghỉ từ thứ Bảy 14/02/2026 đến hết Chủ nhật 22/02/2026)"
)

SALARIES = [
    (dt.date(2023, 7, 1), Decimal("1800000"), "Nghị định 24/2023/NĐ-CP"),
    (dt.date(2024, 7, 1), Decimal("2340000"), "Nghị định 73/2024/NĐ-CP"),
]


def _days() -> list[tuple[dt.date, str, str, str]]:
    days = []
    for year in (2025, 2026, 2027):
        for month, day, name in ((1, 1, "Tết Dương lịch"), (4, 30, "Ngày Chiến thắng"), (5, 1, "Ngày Quốc tế lao động"), (9, 2, "Quốc khánh")):
            when = dt.date(year, month, day)
            if when.weekday() < 5:
                days.append((when, "holiday", name, LABOUR_CODE))
    for day in range(16, 21):
        days.append((dt.date(2026, 2, day), "holiday", "Tết Nguyên đán Bính Ngọ", TET_2026))
    return days


def seed(apps, schema_editor):
    BaseSalary = apps.get_model("dossiers", "BaseSalary")
    DayOff = apps.get_model("core", "DayOff")
    for valid_from, amount, source in SALARIES:
        BaseSalary.objects.get_or_create(valid_from=valid_from, defaults={"amount": amount, "source": source})
    for day, kind, name, source in _days():
        DayOff.objects.get_or_create(day=day, defaults={"kind": kind, "name": name, "source": source})


def unseed(apps, schema_editor):
    apps.get_model("dossiers", "BaseSalary").objects.filter(valid_from__in=[s[0] for s in SALARIES]).delete()
    apps.get_model("core", "DayOff").objects.filter(day__in=[d[0] for d in _days()]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0001_initial"),
        ("core", "0002_dayoff"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
