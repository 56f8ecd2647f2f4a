"""Reads for scoring: the engine's input document built from stored data, and what a viewer may see."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from tdkt.clusters.models import ClusterMember, ClusterYear
from tdkt.movements.models import ClusterIndicator, Period, ReportStatus, ReportValue, Target, TargetBasis
from tdkt.scoring import jsonio
from tdkt.scoring.models import CriteriaSet, Criterion, Score, ScoringRun, SetStatus

BASIS_PRIORITY = [TargetBasis.PROVINCE_ESTIMATE, TargetBasis.COUNCIL_RESOLUTION, TargetBasis.REGISTERED]
SCORED_STATUSES = (ReportStatus.ACCEPTED, ReportStatus.LOCKED)


def _num(value: Decimal) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _criteria_tree(criteria_set: CriteriaSet) -> list[dict[str, Any]]:
    rows = list(Criterion.objects.filter(criteria_set=criteria_set).order_by("position"))
    children: dict[int | None, list[Criterion]] = {}
    for row in rows:
        children.setdefault(row.parent_id, []).append(row)

    def build(parent_id: int | None) -> list[dict[str, Any]]:
        out = []
        for c in children.get(parent_id, []):
            item: dict[str, Any] = {
                "code": c.code,
                "name": c.name,
                "kind": c.kind,
                "max_points": _num(c.max_points),
            }
            if c.kind == "group":
                item["children"] = build(c.pk)
            else:
                item["method"] = c.method
            out.append(item)
        return out

    return build(None)


def scoring_document(criteria_set: CriteriaSet) -> dict[str, Any]:
    """The engine's input for a criteria set, in the `tdkt score --input` format: units with their
    year-end results (accepted or locked reports only) and primary targets, the criteria tree, the layer
    scores and the rules. Stored with a published run, it makes the run reproducible."""
    cy: ClusterYear = criteria_set.cluster_year
    members = list(
        ClusterMember.objects.filter(cluster_year=cy)
        .select_related("unit")
        .order_by("position", "unit__name")
    )
    indicators = [
        ci.indicator for ci in ClusterIndicator.objects.filter(cluster_year=cy).select_related("indicator")
    ]
    targets: dict[tuple[int, int], Target] = {}
    for t in Target.objects.filter(cluster_year=cy):
        key = (t.unit_id, t.indicator_id)
        if key not in targets or BASIS_PRIORITY.index(TargetBasis(t.basis)) < BASIS_PRIORITY.index(
            TargetBasis(targets[key].basis)
        ):
            targets[key] = t
    values: dict[tuple[int, int], Decimal] = {
        (unit_id, ind_id): value
        for unit_id, ind_id, value in ReportValue.objects.filter(
            report__cluster_year=cy, report__period=Period.YEAR_END, report__status__in=SCORED_STATUSES
        ).values_list("report__unit_id", "indicator_id", "value")
    }
    units = []
    for m in members:
        results: dict[str, Any] = {}
        named: dict[str, str] = {}
        for ind in indicators:
            value = values.get((m.unit_id, ind.pk))
            if value is None:
                continue
            fig: dict[str, str] = {"value": _num(value)}
            target = targets.get((m.unit_id, ind.pk))
            if target is not None:
                fig["target"] = _num(target.value)
            results[ind.code] = fig
            named[ind.code.replace("-", "_")] = _num(value)
        units.append({"id": m.unit.code, "name": m.unit.name, "results": results, "values": named})
    scores: dict[str, list[dict[str, str]]] = {"self": [], "cross": [], "appraisal": []}
    for s in (
        Score.objects.filter(criterion__criteria_set=criteria_set)
        .select_related("criterion", "unit", "scorer_unit")
        .order_by("layer", "unit__code", "criterion__position", "scorer_unit__code")
    ):
        entry = {"unit": s.unit.code, "criterion": s.criterion.code, "points": _num(s.points)}
        if s.scorer_unit is not None:
            entry["scorer"] = s.scorer_unit.code
        scores[s.layer].append(entry)
    return {
        "cluster": cy.cluster.name,
        "year": cy.year,
        "criteria_version": criteria_set.version,
        "indicators": [
            {"code": ind.code, "name": ind.name, "direction": ind.direction} for ind in indicators
        ],
        "criteria_set": {
            "total": _num(criteria_set.declared_total),
            "criteria": _criteria_tree(criteria_set),
        },
        "units": units,
        "scores": scores,
        "rules": criteria_set.rules,
        "robustness": criteria_set.rules.get(
            "robustness", {"perturbation": "0.10", "draws": 1000, "seed": cy.year}
        ),
    }


def current_criteria_set(cluster_year: ClusterYear) -> CriteriaSet | None:
    """The version scores are entered against: the adopted one, else the newest."""
    sets = CriteriaSet.objects.filter(cluster_year=cluster_year)
    return sets.filter(status=SetStatus.ADOPTED).first() or sets.order_by("-version").first()


def published_runs(cluster_year: ClusterYear) -> QuerySet[ScoringRun]:
    return (
        ScoringRun.objects.filter(criteria_set__cluster_year=cluster_year)
        .select_related("criteria_set")
        .order_by("-published_at", "-id")
    )


def latest_run(cluster_year: ClusterYear) -> ScoringRun | None:
    return published_runs(cluster_year).first()


def scoring_preview(criteria_set: CriteriaSet) -> dict[str, Any]:
    """The explained ranking of the stored data as it stands now (not published): the same JSON as a
    published run's `result`, so pages and the API render previews and publications alike."""
    return jsonio.run(scoring_document(criteria_set))


def criteria_tree(criteria_set: CriteriaSet) -> list[dict[str, Any]]:
    """The criteria as a nested list (the JSON format of the criteria set)."""
    return _criteria_tree(criteria_set)
