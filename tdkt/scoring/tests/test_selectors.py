"""The engine's input read from the database with plain SQL is the document the ORM would give."""

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection

from tdkt.clusters.models import ClusterMember, ClusterYear
from tdkt.core.personas import SCORING_CRITERIA, SCORING_RULES, World
from tdkt.movements.models import ClusterIndicator, Period, ReportValue, Target
from tdkt.movements.services import ValueInput, report_get_or_create, report_transition, report_values_set
from tdkt.scoring import jsonio
from tdkt.scoring.engine import canonical_json
from tdkt.scoring.models import CriteriaSet, Criterion, DiscrepancyAnswer, Score
from tdkt.scoring.selectors import (
    BASIS_PRIORITY,
    SCORED_STATUSES,
    ScoringData,
    scoring_document,
    scoring_inputs,
    scoring_queries,
)
from tdkt.scoring.services import criteria_set_adopt, criteria_set_create, discrepancy_answer, score_set


def _num(value: Decimal) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _reference(cs: CriteriaSet) -> dict[str, Any]:
    """The document as the ORM reads it (the selector before it read with plain SQL)."""
    cy: ClusterYear = cs.cluster_year
    members = ClusterMember.objects.filter(cluster_year=cy).order_by("position", "unit__name")
    indicators = list(
        ClusterIndicator.objects.filter(cluster_year=cy)
        .order_by("position", "indicator__code")
        .values_list("indicator_id", "indicator__code", "indicator__name", "indicator__direction")
    )
    targets: dict[tuple[int, int], tuple[int, Decimal]] = {}
    for unit_id, ind_id, basis, value in Target.objects.filter(cluster_year=cy).values_list(
        "unit_id", "indicator_id", "basis", "value"
    ):
        rank = BASIS_PRIORITY.index(basis)
        if (unit_id, ind_id) not in targets or rank < targets[(unit_id, ind_id)][0]:
            targets[(unit_id, ind_id)] = (rank, value)
    values = {
        (u, i): v
        for u, i, v in ReportValue.objects.filter(
            report__cluster_year=cy, report__period=Period.YEAR_END, report__status__in=SCORED_STATUSES
        ).values_list("report__unit_id", "indicator_id", "value")
    }
    units = []
    for m in members.select_related("unit"):
        results: dict[str, Any] = {}
        for ind_id, code, _name, _direction in indicators:
            if (m.unit_id, ind_id) in values:
                fig = {"value": _num(values[(m.unit_id, ind_id)])}
                if (m.unit_id, ind_id) in targets:
                    fig["target"] = _num(targets[(m.unit_id, ind_id)][1])
                results[code] = fig
        named = {code.replace("-", "_"): fig["value"] for code, fig in results.items()}
        units.append({"id": m.unit.code, "name": m.unit.name, "results": results, "values": named})
    rows = list(
        Criterion.objects.filter(criteria_set=cs)
        .order_by("position")
        .values_list("id", "parent_id", "code", "name", "kind", "max_points", "method", "position")
    )

    def tree(parent: int | None) -> list[dict[str, Any]]:
        out = []
        for pk, parent_id, code, name, kind, max_points, method, _ in rows:
            if parent_id == parent:
                item: dict[str, Any] = {
                    "code": code,
                    "name": name,
                    "kind": kind,
                    "max_points": _num(max_points),
                }
                item.update({"children": tree(pk)} if kind == "group" else {"method": method})
                out.append(item)
        return out

    scores: dict[str, list[tuple[Any, ...]]] = {"self": [], "cross": [], "appraisal": []}
    for s in Score.objects.filter(criterion__criteria_set=cs).select_related(
        "unit", "scorer_unit", "criterion"
    ):
        scorer = s.scorer_unit.code if s.scorer_unit else None
        key = (s.unit.code, s.criterion.position, scorer or "")
        entry = {"unit": s.unit.code, "criterion": s.criterion.code, "points": _num(s.points)}
        if s.layer == "appraisal":
            entry["reason"] = s.explanation
            entry.update({"by": s.entered_as} if s.entered_as else {})
            entry.update({"confirmed_by": s.confirmed_as} if s.confirmed_as else {})
        scores[s.layer].append((key, entry | ({"scorer": scorer} if scorer else {})))
    return {
        "cluster": cy.cluster.name,
        "year": cy.year,
        "criteria_version": cs.version,
        "indicators": [{"code": c, "name": n, "direction": d} for _, c, n, d in indicators],
        "criteria_set": {"total": _num(cs.declared_total), "criteria": tree(None)},
        "units": units,
        "scores": {
            layer: [e for _, e in sorted(entries, key=lambda x: x[0])] for layer, entries in scores.items()
        },
        "rules": cs.rules,
        "answers": [
            {"answer": a.answer, "criterion": a.criterion.code, "unit": a.unit.code}
            for a in sorted(
                DiscrepancyAnswer.objects.filter(criterion__criteria_set=cs).select_related(
                    "unit", "criterion"
                ),
                key=lambda a: (a.unit.code, a.criterion.code),
            )
        ],
        "robustness": cs.rules.get("robustness", {"perturbation": "0.10", "draws": 1000, "seed": cy.year}),
    }


def _scored(world: World, values: dict[str, Decimal]) -> CriteriaSet:
    cs = criteria_set_create(
        actor=None,
        cluster_year=world.cluster_year,
        criteria=SCORING_CRITERIA,
        rules=SCORING_RULES,
        declared_total=Decimal(30),
    )
    cs = criteria_set_adopt(actor=None, criteria_set=cs, adopted_on=dt.date(2024, 3, 1))
    for unit in (world.phuoc_son, world.tien_phuoc, world.nam_giang):
        report = report_get_or_create(
            actor=None, cluster_year=world.cluster_year, unit=unit, period="year_end"
        )
        report_values_set(
            actor=None,
            report=report,
            values=[ValueInput(world.disbursement, Decimal(50)), ValueInput(world.revenue, Decimal(1))],
        )
        for action in ("submit", "accept"):
            report_transition(actor=None, report=report, action=action)
        # awkward stored values, written behind the services' checks: how they are read is the point
        ReportValue.objects.filter(report=report, indicator=world.disbursement).update(
            value=values[unit.code]
        )
    for unit, own in ((world.phuoc_son, "7.25"), (world.tien_phuoc, "0.0001"), (world.nam_giang, "10")):
        score_set(
            actor=None, criteria_set=cs, unit=unit, criterion_code="II.1", layer="self", points=Decimal(own)
        )
    score_set(
        actor=None,
        criteria_set=cs,
        unit=world.nam_giang,
        criterion_code="II.1",
        layer="appraisal",
        points=Decimal("9.5"),
        explanation="Minh chứng “đủ” – xem lại",
        appraiser="Ban Thi đua – Khen thưởng tỉnh",
    )
    discrepancy_answer(
        actor=None, criteria_set=cs, unit=world.tien_phuoc, criterion_code="II.1", answer="Đã bổ sung"
    )
    return cs


@pytest.mark.parametrize(
    "figures",
    [
        {"T-PS": Decimal("83"), "T-TP": Decimal("0.0001"), "T-NG": Decimal("999999.9999")},
        {"T-PS": Decimal("-3.1"), "T-TP": Decimal("1234567890.1234"), "T-NG": Decimal("100.5000")},
    ],
)
def test_the_document_is_the_one_the_orm_reads(world: World, figures: dict[str, Decimal]) -> None:
    cs = _scored(world, figures)
    document = scoring_document(cs)
    assert document == _reference(cs)
    built = scoring_inputs([cs])[cs.pk]
    assert built.text == canonical_json(document)
    assert built.parsed == jsonio.parse(json.loads(built.text))


def test_many_sets_are_read_in_a_fixed_number_of_queries(
    world: World, django_assert_num_queries: Any
) -> None:
    cs = _scored(world, {"T-PS": Decimal(80), "T-TP": Decimal(90), "T-NG": Decimal(95)})
    other = criteria_set_create(
        actor=None,
        cluster_year=world.other_cluster_year,
        criteria=[
            {
                "code": "A",
                "name": "Thu",
                "max_points": "30",
                "method": {"type": "achieved", "indicator": "T-THU"},
            }
        ],
        rules={},
        declared_total=Decimal(30),
    )
    with django_assert_num_queries(len(scoring_queries([1], [1]))):
        data = ScoringData([cs, other])
    assert data.build(other).document()["units"][0]["id"] == "T-DB"
    assert data.build(cs).text == canonical_json(_reference(cs))


def test_the_raw_fetch_statements_read_what_scoring_reads(world: World) -> None:
    cs = _scored(world, {"T-PS": Decimal(80), "T-TP": Decimal(90), "T-NG": Decimal(95)})
    with connection.cursor() as cursor:
        counts = {}
        for name, (sql, params) in scoring_queries([cs.cluster_year_id], [cs.pk]).items():
            cursor.execute(sql, params)
            counts[name] = len(cursor.fetchall())
    assert counts["members"] == 3 and counts["criteria"] == 5 and counts["scores"] == 4
