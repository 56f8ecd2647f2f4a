"""Twenty writers at the same moment, on SQLite (the default users start on) and on PostgreSQL alike: real
threads, each with its own database connection, through the JSON API as a browser or a script would call it.

What must hold: no server error and no "database is locked" (SQLite writers wait for the lock), nothing lost
(every accepted write is stored), nothing counted twice (writers of the same row carrying the same version: one
wins, the others are refused with the version message, and one row exists).

On SQLite the test database is a file (see `DATABASES["default"]["TEST"]` in settings), so the threads meet
the file's locks as a server's requests do."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import connections
from django.test import Client

from tdkt.awards.models import Award, TaskRating
from tdkt.awards.tests.helpers import make_people
from tdkt.core.personas import SCORING_CRITERIA, SCORING_RULES, World, build_world
from tdkt.movements.models import ReportValue
from tdkt.scoring.models import Score
from tdkt.scoring.services import criteria_set_adopt, criteria_set_create

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

WRITERS = 20


def _client(user: Any) -> Client:
    client = Client(raise_request_exception=False)  # a server error is a 500 to count, as a browser sees it
    client.force_login(user)
    return client


def _race(calls: list[Callable[[], Any]]) -> list[tuple[int | str, Any]]:
    """Run the calls in threads released together; each outcome is (status, JSON body), or the exception's
    text when the call raised. Every thread closes its own connections."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[tuple[int | str, Any]] = []
    lock = threading.Lock()

    def run(call: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            response = call()
            try:
                body = response.json()
            except ValueError:
                body = response.content.decode()[:300]
            outcome: tuple[int | str, Any] = (response.status_code, body)
        except Exception as exc:
            outcome = (f"{type(exc).__name__}: {exc}", None)
        finally:
            connections.close_all()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert len(outcomes) == len(calls), "a writer did not finish"
    return outcomes


def _post(client: Client, method: str, url: str, body: object) -> Callable[[], Any]:
    return lambda: getattr(client, method)(url, data=json.dumps(body), content_type="application/json")


def _statuses(outcomes: list[tuple[int | str, Any]]) -> Counter[int | str]:
    return Counter(status for status, _ in outcomes)


def _refusals(outcomes: list[tuple[int | str, Any]]) -> list[str]:
    return [body["detail"][0]["message"] for status, body in outcomes if status == 422]


# --- scores ----------------------------------------------------------------------------------------------------


def test_twenty_score_writers_at_once_lose_nothing_and_count_nothing_twice() -> None:
    world = build_world()
    criteria_set = criteria_set_adopt(
        actor=None,
        criteria_set=criteria_set_create(
            actor=None,
            cluster_year=world.cluster_year,
            criteria=SCORING_CRITERIA,
            rules=SCORING_RULES,
            declared_total=Decimal(30),
        ),
        adopted_on=dt.date(2024, 3, 1),
    )
    url = f"/api/criteria-sets/{criteria_set.pk}/scores"
    units = [world.phuoc_son, world.tien_phuoc, world.nam_giang]
    rows = [(unit, code) for unit in units for code in ("I.1", "I.2", "II.1")]  # 9 self scores
    contended = rows[0]

    def body(unit: Any, code: str, points: Decimal) -> list[dict[str, object]]:
        return [{"unit_id": unit.pk, "criterion": code, "layer": "self", "points": str(points), "version": 0}]

    calls = []
    for i in range(WRITERS):
        unit, code = rows[i] if 1 <= i < len(rows) else contended  # 12 writers on one row, 8 on their own
        calls.append(_post(_client(world.board), "put", url, body(unit, code, Decimal(i) / 2)))
    outcomes = _race(calls)

    statuses = _statuses(outcomes)
    assert set(statuses) <= {200, 422}, outcomes
    assert statuses[200] == len(rows) and statuses[422] == WRITERS - len(rows)
    assert all("(phiên bản 0 → 1)" in message for message in _refusals(outcomes))
    stored = {
        (s.unit_id, s.criterion.code): s for s in Score.objects.filter(criterion__criteria_set=criteria_set)
    }
    assert len(stored) == len(rows)  # nothing counted twice
    for i in range(1, len(rows)):  # nothing lost
        unit, code = rows[i]
        assert stored[(unit.pk, code)].points == Decimal(i) / 2
    winner = stored[(contended[0].pk, contended[1])]
    accepted = [
        body[0]["points"]
        for status, body in outcomes
        if status == 200 and body[0]["unit"]["id"] == contended[0].pk and body[0]["criterion"] == contended[1]
    ]
    assert accepted == [f"{winner.points:.4f}"] and winner.version == 1


# --- records ---------------------------------------------------------------------------------------------------


def test_twenty_rating_writers_at_once_lose_nothing_and_count_nothing_twice() -> None:
    world = build_world()
    people = make_people(world)
    subjects = [people.lan, people.binh]
    # 12 writers rate their own (person, year), 8 rate Bình's 2019 at once, all having read "no rating"
    calls, own = [], []
    for i in range(WRITERS):
        person, cycle = (subjects[i % 2], 2006 + i) if i < 12 else (people.binh, 2019)
        rating = ("HTXSNV", "HTTNV", "HTNV")[i % 3]
        own.append((person.pk, cycle, rating))
        body = {"cycle": cycle, "rating": rating, "version": 0}
        calls.append(_post(_client(world.member), "post", f"/api/people/{person.pk}/ratings", body))
    outcomes = _race(calls)

    statuses = _statuses(outcomes)
    assert set(statuses) <= {201, 422}, outcomes
    assert statuses[201] == 13 and statuses[422] == 7
    assert all("(phiên bản 0 → 1)" in message for message in _refusals(outcomes))
    stored = TaskRating.objects.filter(person__in=subjects, cycle__gte=2006, cycle__lte=2019)
    assert stored.count() == 13
    codes = {4: "HTXSNV", 3: "HTTNV", 2: "HTNV"}
    found = {(r.person_id, r.cycle): codes[r.rating] for r in stored}
    for person_id, cycle, rating in own[:12]:
        assert found[(person_id, cycle)] == rating
    winners = [body["rating"] for status, body in outcomes if status == 201 and body["cycle"] == 2019]
    assert winners == [found[(people.binh.pk, 2019)]]


def test_twenty_award_writers_at_once_record_each_award_once() -> None:
    world = build_world()
    people = make_people(world)
    person = people.dung  # of Điện Bàn: the board records for everyone
    before = Award.objects.filter(person=person).count()

    def award(cycle: int, number: int) -> dict[str, object]:
        return {
            "title": "LDTT",
            "cycle": cycle,
            "decision_no": f"{number}/QĐ-UBND",
            "decision_date": f"{cycle + 1}-01-15",
            "authority": "UBND huyện",
        }

    # 14 writers record their own year's title; 6 record the same 2023 title at once
    bodies = [award(2000 + i, i) for i in range(14)] + [award(2023, 100 + i) for i in range(6)]
    outcomes = _race(
        [_post(_client(world.board), "post", f"/api/people/{person.pk}/awards", body) for body in bodies]
    )

    statuses = _statuses(outcomes)
    assert set(statuses) <= {201, 422}, outcomes
    assert statuses[201] == 15 and statuses[422] == 5
    stored = Award.objects.filter(person=person)
    assert stored.count() == before + 15
    assert stored.filter(cycle=2023, title="LDTT").count() == 1
    assert {a.cycle for a in stored.filter(cycle__lt=2014)} == set(range(2000, 2014))


def test_twenty_value_writers_on_one_report_keep_one_value_per_indicator(world: World) -> None:
    report = world.member_report
    url = f"/api/reports/{report.pk}/values"
    read = {rv.indicator.code: rv.version for rv in ReportValue.objects.filter(report=report)}
    codes = ["T-THU", "T-GN", "T-NHA"]
    calls = []
    for i in range(WRITERS):
        code = codes[i % 3]
        row = {"indicator_code": code, "value": str(100 + i), "version": read.get(code, 0)}
        calls.append(_post(_client(world.member), "put", url, [row]))
    outcomes = _race(calls)

    statuses = _statuses(outcomes)
    assert set(statuses) <= {200, 422}, outcomes
    assert statuses[200] == 3  # one writer per indicator wins; the others read an older version
    stored = {rv.indicator.code: rv for rv in ReportValue.objects.filter(report=report)}
    assert set(stored) == set(codes) and all(
        rv.version == read.get(code, 0) + 1 for code, rv in stored.items()
    )


# --- the SQLite settings themselves --------------------------------------------------------------------------

_PROBE = """
import os, django
django.setup()
from django.conf import settings
from django.db import connection
db = settings.DATABASES["default"]
with connection.cursor() as cursor:
    pragmas = {p: cursor.execute(f"PRAGMA {p}").fetchone()[0] for p in ("journal_mode", "secure_delete", "synchronous", "busy_timeout")}
print(db["OPTIONS"]["transaction_mode"], db["TEST"]["NAME"], os.getpid(), pragmas)
"""


def test_sqlite_waits_for_the_lock_deletes_securely_and_tests_on_a_file_of_their_own(tmp_path: Any) -> None:
    """Checked in a fresh process with the default database (this test runs on PostgreSQL too)."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(DJANGO_SETTINGS_MODULE="tdkt.settings", TDKT_DATA_DIR=str(tmp_path))
    done = subprocess.run(
        [sys.executable, "-c", _PROBE], env=env, capture_output=True, text=True, timeout=120, check=True
    )
    mode, test_name, pid, pragmas = done.stdout.split(" ", 3)
    assert mode == "IMMEDIATE"
    assert test_name.endswith(f"tdkt-test-{pid}.sqlite3")  # one file per process; xdist adds its suffix
    assert (
        pragmas.strip()
        == "{'journal_mode': 'wal', 'secure_delete': 1, 'synchronous': 1, 'busy_timeout': 20000}"
    )
