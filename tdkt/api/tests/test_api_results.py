"""GET /api/cluster-years/{id}/results: the dashboard's numbers, filtered by who may see them."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from tdkt.api.tests.helpers import PERSONAS, publish, sign_covenant
from tdkt.core.personas import World
from tdkt.movements.compute import achievement, change_on_prior
from tdkt.movements.models import Period
from tdkt.movements.services import ValueInput, report_get_or_create, report_transition, report_values_set


def _results(client: Client, world: World, period: str = "year_end") -> dict[str, Any]:
    response = client.get(f"/api/cluster-years/{world.cluster_year.pk}/results", {"period": period})
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


def _row(body: dict[str, Any], name: str) -> dict[str, Any]:
    row: dict[str, Any] = next(r for r in body["rows"] if r["unit"]["name"] == name)
    return row


def _cell(row: dict[str, Any], code: str) -> dict[str, Any]:
    cell: dict[str, Any] = next(c for c in row["cells"] if c["indicator_code"] == code)
    return cell


@pytest.mark.parametrize("persona", ["board", "member"])
def test_the_draft_value_is_shown_to_the_member_and_the_board(
    world: World, as_persona: Callable[[str], Client], persona: str
) -> None:
    row = _row(_results(as_persona(persona), world), "Huyện Tiên Phước")
    assert row["report_visible"] is True
    assert row["report"] == {"id": world.member_report.pk, "status": "draft", "status_label": "Đang soạn"}
    assert _cell(row, "T-THU")["value"] == "260000.0000"
    assert _cell(row, "T-THU")["prior_value"] == "230000.0000"


@pytest.mark.parametrize("persona", ["head", "outsider", "public"])
def test_the_draft_value_leaks_nowhere_to_the_head_the_outsider_or_the_public(
    world: World, as_persona: Callable[[str], Client], persona: str
) -> None:
    response = as_persona(persona).get(f"/api/cluster-years/{world.cluster_year.pk}/results")
    text = response.content.decode()
    assert "260000" not in text and "230000" not in text  # neither the value nor its prior
    row = _row(response.json(), "Huyện Tiên Phước")
    assert row["report_visible"] is False
    assert row["report"] is None  # not even the draft's id
    for cell in row["cells"]:
        assert cell["value"] is None and cell["prior_value"] is None and cell["change"] is None
        assert cell["percent"] is None and cell["met"] is None
        assert all(t["achievement"] is None for t in cell["targets"])


def test_percent_and_explanation_equal_the_compute_module_for_the_same_inputs(
    world: World, as_persona: Callable[[str], Client]
) -> None:
    row = _row(_results(as_persona("member"), world), "Huyện Tiên Phước")
    revenue = _cell(row, "T-THU")
    expected = achievement(Decimal("260000"), Decimal("250000"), direction="higher", kind="amount")
    assert revenue["percent"] == str(expected.percent) == "104.00"
    assert revenue["explanation"] == expected.explanation
    assert revenue["met"] is True
    assert revenue["targets"][0]["achievement"] == {
        "percent": "104.00",
        "met": True,
        "explanation": expected.explanation,
    }
    change = change_on_prior(Decimal("260000"), Decimal("230000"))
    assert revenue["change"] == {
        "delta": "30000.0000",
        "percent": str(change.percent),
        "explanation": change.explanation,
    }

    disbursement = _cell(row, "T-GN")
    expected = achievement(Decimal("83"), Decimal("100"), direction="higher", kind="percentage")
    assert (disbursement["percent"], disbursement["met"]) == ("83.00", False)
    assert disbursement["explanation"] == expected.explanation
    assert disbursement["change"] is None  # a percentage has no change on prior

    houses = _cell(row, "T-NHA")
    assert houses["value"] is None and houses["percent"] is None and houses["explanation"] is None
    assert houses["targets"][0]["value"] == "500.0000"
    assert row["met_count"] == 1


def test_a_submitted_report_is_shown_to_the_head_but_not_to_the_public(
    world: World, as_persona: Callable[[str], Client]
) -> None:
    report_transition(actor=world.member, report=world.member_report, action="submit")
    head_row = _row(_results(as_persona("head"), world), "Huyện Tiên Phước")
    assert head_row["report"]["status"] == "submitted"
    assert _cell(head_row, "T-THU")["value"] == "260000.0000"
    public = as_persona("public").get(f"/api/cluster-years/{world.cluster_year.pk}/results")
    assert "260000" not in public.content.decode()


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_locked_report_is_shown_to_everyone(
    world: World, as_persona: Callable[[str], Client], persona: str
) -> None:
    publish(world.member_report)
    row = _row(_results(as_persona(persona), world), "Huyện Tiên Phước")
    assert row["report"]["status"] == "locked"
    assert _cell(row, "T-THU")["value"] == "260000.0000"


def test_targets_and_percentages_are_hidden_from_the_public_until_the_covenant_is_signed(
    world: World, as_persona: Callable[[str], Client]
) -> None:
    publish(world.member_report)
    before = _cell(_row(_results(as_persona("public"), world), "Huyện Tiên Phước"), "T-THU")
    assert before["value"] == "260000.0000"
    assert before["targets"] == [] and before["percent"] is None
    sign_covenant(world)
    after = _cell(_row(_results(as_persona("public"), world), "Huyện Tiên Phước"), "T-THU")
    assert after["percent"] == "104.00"


def test_illustrative_values_are_flagged(world: World, as_persona: Callable[[str], Client]) -> None:
    report_values_set(
        actor=None,
        report=world.member_report,
        values=[ValueInput(world.houses, Decimal("754"), illustrative=True, source="Số liệu minh họa")],
    )
    houses = _cell(_row(_results(as_persona("member"), world), "Huyện Tiên Phước"), "T-NHA")
    assert houses["value_illustrative"] is True
    assert houses["value_source"] == "Số liệu minh họa"
    revenue = _cell(_row(_results(as_persona("member"), world), "Huyện Tiên Phước"), "T-THU")
    assert revenue["value_illustrative"] is False


def test_the_mid_year_period_shows_mid_year_reports_only(
    world: World, as_persona: Callable[[str], Client]
) -> None:
    mid = report_get_or_create(
        actor=None, cluster_year=world.cluster_year, unit=world.tien_phuoc, period=Period.MID_YEAR
    )
    report_values_set(actor=None, report=mid, values=[ValueInput(world.revenue, Decimal("120000"))])
    body = _results(as_persona("member"), world, period="mid_year")
    assert body["period_label"] == "Sơ kết 6 tháng"
    row = _row(body, "Huyện Tiên Phước")
    assert row["report"]["id"] == mid.pk
    assert _cell(row, "T-THU")["value"] == "120000.0000"


def test_the_period_defaults_to_year_end(world: World, client: Client) -> None:
    response = client.get(f"/api/cluster-years/{world.cluster_year.pk}/results")
    assert response.json()["period"] == "year_end"


def test_an_unknown_period_is_422_listing_the_periods(world: World, client: Client) -> None:
    response = client.get(f"/api/cluster-years/{world.cluster_year.pk}/results?period=quarter")
    assert response.status_code == 422
    [problem] = response.json()["detail"]
    assert problem["field"] == "period"
    assert problem["message"] == "phải là một trong các giá trị: 'mid_year' hoặc 'year_end'"


def test_results_of_an_unknown_cluster_year_are_404(world: World, client: Client) -> None:
    assert client.get("/api/cluster-years/999999/results").status_code == 404
