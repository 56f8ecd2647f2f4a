"""/api/working-days and /api/base-salaries are the board's (a unit's staff 403, the public 401), refusals
422 naming the field with nothing written; /api/funds/{unit}/{year} is the board's for any unit and a unit's
staff's for their own (another unit's 404)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from django.test import Client

from tdkt.api.tests.helpers import send
from tdkt.core.models import DayOff
from tdkt.core.personas import World
from tdkt.dossiers.fund import fund_entry_add
from tdkt.dossiers.models import BaseSalary, FundEntryKind

Persona = Callable[[str], Client]
DAY = {"day": "2027-02-08", "kind": "holiday", "name": "Tết Đinh Mùi", "source": "Thông báo của Bộ Nội vụ"}
SALARY = {"valid_from": "2026-07-01", "amount": "2530000", "source": "Nghị định mới"}


def test_the_board_reads_the_year_and_adds_a_day(world: World, as_persona: Persona) -> None:
    body = as_persona("board").get("/api/working-days/2026").json()
    assert body["working_days_by_month"][1] == 15 and len(body["days"]) == 9
    assert body["days"][0]["kind_label"] == "Ngày nghỉ lễ, Tết"
    response = send(as_persona("board"), "POST", "/api/working-days", DAY)
    assert response.status_code == 201 and DayOff.objects.filter(day=dt.date(2027, 2, 8)).exists()


def test_a_refused_day_is_422_naming_the_field(world: World, as_persona: Persona) -> None:
    before = DayOff.objects.count()
    response = send(as_persona("board"), "POST", "/api/working-days", DAY | {"day": "2027-05-01"})
    assert response.status_code == 422 and response.json()["detail"][0]["field"] == "day"
    response = send(as_persona("board"), "POST", "/api/working-days", DAY | {"source": ""})
    assert response.status_code == 422 and response.json()["detail"][0]["field"] == "source"
    assert DayOff.objects.count() == before


def test_only_the_board_keeps_the_calendar_and_the_base_salary(world: World, as_persona: Persona) -> None:
    before = (DayOff.objects.count(), BaseSalary.objects.count())
    for url, body in (("/api/working-days", DAY), ("/api/base-salaries", SALARY)):
        assert send(as_persona("member"), "POST", url, body).status_code == 403
        assert send(as_persona("public"), "POST", url, body).status_code == 401
    assert as_persona("member").get("/api/base-salaries").status_code == 403
    assert as_persona("public").get("/api/working-days/2026").status_code == 401
    assert (DayOff.objects.count(), BaseSalary.objects.count()) == before


def test_the_board_adds_a_base_salary_and_a_bad_one_is_refused(world: World, as_persona: Persona) -> None:
    client = as_persona("board")
    assert send(client, "POST", "/api/base-salaries", SALARY).status_code == 201
    rows = client.get("/api/base-salaries").json()
    assert rows[0]["amount"] == "2530000" and rows[0]["used_by_signed_decision"] is False
    response = send(
        client, "POST", "/api/base-salaries", SALARY | {"valid_from": "2026-08-01", "amount": "0"}
    )
    assert response.status_code == 422 and response.json()["detail"][0]["field"] == "amount"
    assert BaseSalary.objects.count() == 3


def test_the_fund_is_read_by_the_board_and_the_unit_s_own_staff(world: World, as_persona: Persona) -> None:
    fund_entry_add(
        actor=world.board,
        unit=world.tien_phuoc,
        year=2026,
        kind=FundEntryKind.ALLOCATION,
        amount=Decimal(10_000_000),
        on=dt.date(2026, 1, 10),
        note="Trích lập quỹ",
    )
    url = f"/api/funds/{world.tien_phuoc.pk}/2026"
    body = as_persona("board").get(url).json()
    assert (body["opening"], body["allocated"], body["closing"]) == ("0", "10000000", "10000000")
    assert as_persona("member").get(url).json()["rows"][0]["balance"] == "10000000"
    assert as_persona("outsider").get(url).status_code == 404
    assert as_persona("public").get(url).status_code == 401
