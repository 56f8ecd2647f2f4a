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


def _tree(rows: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
    """Nest (id, parent_id, code, name, kind, max_points, method) rows, already in position order."""
    children: dict[int | None, list[tuple[Any, ...]]] = {}
    for row in rows:
        children.setdefault(row[1], []).append(row)

    def build(parent_id: int | None) -> list[dict[str, Any]]:
        out = []
        for pk, _parent, code, name, kind, max_points, method in children.get(parent_id, []):
            item: dict[str, Any] = {"code": code, "name": name, "kind": kind, "max_points": _num(max_points)}
            if kind == "group":
                item["children"] = build(pk)
            else:
                item["method"] = method
            out.append(item)
        return out

    return build(None)


_CRITERION_FIELDS = ("id", "parent_id", "code", "name", "kind", "max_points", "method")


def criteria_tree(criteria_set: CriteriaSet) -> list[dict[str, Any]]:
    """The criteria as a nested list (the JSON format of the criteria set)."""
    rows = (
        Criterion.objects.filter(criteria_set=criteria_set)
        .order_by("position")
        .values_list(*_CRITERION_FIELDS)
    )
    return _tree(list(rows))


def scoring_document(criteria_set: CriteriaSet) -> dict[str, Any]:
    """The engine's input for a criteria set, in the `tdkt score --input` format: units with their
    year-end results (accepted or locked reports only) and primary targets, the criteria tree, the layer
    scores and the rules. Stored with a published run, it makes the run reproducible."""
    return scoring_documents([criteria_set])[criteria_set.pk]


def scoring_documents(criteria_sets: list[CriteriaSet]) -> dict[int, dict[str, Any]]:
    """`scoring_document` for many criteria sets at once, in a fixed number of queries (the benchmark
    scores every cluster of a country this way)."""
    by_cy = {cs.cluster_year_id: cs for cs in criteria_sets}
    cy_ids = list(by_cy)
    cluster_years = {
        pk: (year, name)
        for pk, year, name in ClusterYear.objects.filter(pk__in=cy_ids).values_list(
            "pk", "year", "cluster__name"
        )
    }
    members: dict[int, list[tuple[int, str, str]]] = {pk: [] for pk in cy_ids}
    for cy_id, unit_id, code, name in (
        ClusterMember.objects.filter(cluster_year_id__in=cy_ids)
        .order_by("cluster_year_id", "position", "unit__name")
        .values_list("cluster_year_id", "unit_id", "unit__code", "unit__name")
    ):
        members[cy_id].append((unit_id, code, name))
    indicators: dict[int, list[tuple[int, str, str, str]]] = {pk: [] for pk in cy_ids}
    for cy_id, ind_id, code, name, direction in (
        ClusterIndicator.objects.filter(cluster_year_id__in=cy_ids)
        .order_by("cluster_year_id", "position", "indicator__code")
        .values_list(
            "cluster_year_id", "indicator_id", "indicator__code", "indicator__name", "indicator__direction"
        )
    ):
        indicators[cy_id].append((ind_id, code, name, direction))
    targets: dict[tuple[int, int, int], tuple[int, Decimal]] = {}
    for cy_id, unit_id, ind_id, basis, value in Target.objects.filter(cluster_year_id__in=cy_ids).values_list(
        "cluster_year_id", "unit_id", "indicator_id", "basis", "value"
    ):
        key, rank = (cy_id, unit_id, ind_id), BASIS_PRIORITY.index(TargetBasis(basis))
        if key not in targets or rank < targets[key][0]:
            targets[key] = (rank, value)
    values: dict[tuple[int, int, int], Decimal] = {
        (cy_id, unit_id, ind_id): value
        for cy_id, unit_id, ind_id, value in ReportValue.objects.filter(
            report__cluster_year_id__in=cy_ids,
            report__period=Period.YEAR_END,
            report__status__in=SCORED_STATUSES,
        ).values_list("report__cluster_year_id", "report__unit_id", "indicator_id", "value")
    }
    cs_ids = [cs.pk for cs in criteria_sets]
    criteria: dict[int, list[tuple[Any, ...]]] = {pk: [] for pk in cs_ids}
    for row in (
        Criterion.objects.filter(criteria_set_id__in=cs_ids)
        .order_by("criteria_set_id", "position")
        .values_list("criteria_set_id", *_CRITERION_FIELDS)
    ):
        criteria[row[0]].append(row[1:])
    scores: dict[int, dict[str, list[dict[str, str]]]] = {
        pk: {"self": [], "cross": [], "appraisal": []} for pk in cs_ids
    }
    for cs_id, layer, unit_code, crit_code, points, scorer_code in (
        Score.objects.filter(criterion__criteria_set_id__in=cs_ids)
        .order_by(
            "criterion__criteria_set_id", "layer", "unit__code", "criterion__position", "scorer_unit__code"
        )
        .values_list(
            "criterion__criteria_set_id",
            "layer",
            "unit__code",
            "criterion__code",
            "points",
            "scorer_unit__code",
        )
    ):
        entry = {"unit": unit_code, "criterion": crit_code, "points": _num(points)}
        if scorer_code is not None:
            entry["scorer"] = scorer_code
        scores[cs_id][layer].append(entry)

    documents: dict[int, dict[str, Any]] = {}
    for cy_id, cs in by_cy.items():
        year, cluster_name = cluster_years[cy_id]
        units = []
        for unit_id, code, name in members[cy_id]:
            results: dict[str, Any] = {}
            named: dict[str, str] = {}
            for ind_id, ind_code, _name, _direction in indicators[cy_id]:
                reported = values.get((cy_id, unit_id, ind_id))
                if reported is None:
                    continue
                fig: dict[str, str] = {"value": _num(reported)}
                target = targets.get((cy_id, unit_id, ind_id))
                if target is not None:
                    fig["target"] = _num(target[1])
                results[ind_code] = fig
                named[ind_code.replace("-", "_")] = fig["value"]
            units.append({"id": code, "name": name, "results": results, "values": named})
        documents[cs.pk] = {
            "cluster": cluster_name,
            "year": year,
            "criteria_version": cs.version,
            "indicators": [
                {"code": code, "name": name, "direction": direction}
                for _pk, code, name, direction in indicators[cy_id]
            ],
            "criteria_set": {"total": _num(cs.declared_total), "criteria": _tree(criteria[cs.pk])},
            "units": units,
            "scores": scores[cs.pk],
            "rules": cs.rules,
            "robustness": cs.rules.get("robustness", {"perturbation": "0.10", "draws": 1000, "seed": year}),
        }
    return documents


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
