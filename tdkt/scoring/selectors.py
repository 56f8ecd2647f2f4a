"""Reads for scoring: the engine's input document built from stored data, and what a viewer may see."""

from __future__ import annotations

import json
from collections.abc import Sequence
from decimal import Context as DecimalContext
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Model, QuerySet

from tdkt.clusters.models import Cluster, ClusterMember, ClusterYear
from tdkt.movements.models import (
    ClusterIndicator,
    Indicator,
    Period,
    Report,
    ReportStatus,
    ReportValue,
    Target,
    TargetBasis,
)
from tdkt.org.models import Unit
from tdkt.scoring import jsonio
from tdkt.scoring.models import CriteriaSet, Criterion, DiscrepancyAnswer, Score, ScoringRun, SetStatus

BASIS_PRIORITY = [TargetBasis.PROVINCE_ESTIMATE, TargetBasis.COUNCIL_RESOLUTION, TargetBasis.REGISTERED]
BASIS_RANK = {basis.value: rank for rank, basis in enumerate(BASIS_PRIORITY)}
SCORED_STATUSES = (ReportStatus.ACCEPTED, ReportStatus.LOCKED)


def _num(value: Decimal) -> str:
    """A Decimal in machine format without needless zeros: 7.50 → "7.5"."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _tree(rows: list[tuple[Any, ...]], methods: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """Nest (id, parent_id, code, name, kind, max_points, method) rows, already in position order;
    max_points as a machine-format string, method as a dict (or its JSON text, read once per text when
    `methods` is given: the trees built are only written out, never changed)."""
    children: dict[int | None, list[tuple[Any, ...]]] = {}
    for row in rows:
        children.setdefault(row[1], []).append(row)
    return _subtree(children, None, {} if methods is None else methods)


def _subtree(
    children: dict[int | None, list[tuple[Any, ...]]], parent_id: int | None, methods: dict[str, Any]
) -> list[dict[str, Any]]:
    out = []
    for pk, _parent, code, name, kind, max_points, method in children.get(parent_id, []):
        item: dict[str, Any] = {"code": code, "name": name, "kind": kind, "max_points": max_points}
        if kind == "group":
            item["children"] = _subtree(children, pk, methods)
        else:
            if isinstance(method, str):
                if method not in methods:
                    methods[method] = json.loads(method)
                method = methods[method]
            item["method"] = method
        out.append(item)
    return out


_CRITERION_FIELDS = ("id", "parent_id", "code", "name", "kind", "max_points", "method")


def criteria_tree(criteria_set: CriteriaSet) -> list[dict[str, Any]]:
    """The criteria as a nested list (the JSON format of the criteria set)."""
    rows = (
        Criterion.objects.filter(criteria_set=criteria_set)
        .order_by("position")
        .values_list(*_CRITERION_FIELDS)
    )
    return _tree([(*row[:5], _num(row[5]), row[6]) for row in rows])


def scoring_document(criteria_set: CriteriaSet) -> dict[str, Any]:
    """The engine's input for a criteria set, in the `tdkt score --input` format: units with their
    year-end results (accepted or locked reports only) and primary targets, the criteria tree, the layer
    scores and the rules. Stored with a published run, it makes the run reproducible."""
    document: dict[str, Any] = json.loads(ScoringData([criteria_set]).text(criteria_set))
    return document


def scoring_documents(criteria_sets: list[CriteriaSet]) -> dict[int, dict[str, Any]]:
    """`scoring_document` for many criteria sets at once."""
    data = ScoringData(criteria_sets)
    return {cs.pk: json.loads(data.text(cs)) for cs in data.sets}


# --- the engine's inputs, read from the database --------------------------------------------------------
#
# A national run reads some 400,000 rows. They are read as plain tuples with a plain cursor — the ORM's
# model instances and converters would cost more than scoring them — and numbers come back as text in
# machine format, so that the document is written without converting them to Decimal and back.


def _table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _number(column: str) -> str:
    """A DecimalField column as text, trailing zeros trimmed, on PostgreSQL (text is cheaper to fetch
    than Decimals); elsewhere as stored (SQLite returns floats and integers: `_Numbers` reads them)."""
    if connection.vendor == "postgresql":
        return f"trim_scale({column})::text"
    return column


def _in(values: Sequence[object]) -> str:
    return "(" + ",".join(["%s"] * len(values)) + ")"


def scoring_queries(cy_ids: Sequence[int], cs_ids: Sequence[int]) -> dict[str, tuple[str, list[Any]]]:
    """The statements `scoring_inputs` runs for these cluster-years and criteria sets, by name, with their
    parameters: what scoring reads, and nothing else (the benchmark's raw fetch runs these very ones)."""
    cy, cs = list(cy_ids), list(cs_ids)
    return {
        "cluster_years": (
            f"SELECT cy.id, cy.year, c.name FROM {_table(ClusterYear)} cy"
            f" JOIN {_table(Cluster)} c ON c.id = cy.cluster_id WHERE cy.id IN {_in(cy)}",
            cy,
        ),
        "members": (
            f"SELECT m.cluster_year_id, m.unit_id, u.code, u.name FROM {_table(ClusterMember)} m"
            f" JOIN {_table(Unit)} u ON u.id = m.unit_id WHERE m.cluster_year_id IN {_in(cy)}"
            " ORDER BY m.cluster_year_id, m.position, u.name",
            cy,
        ),
        "indicators": (
            f"SELECT ci.cluster_year_id, ci.indicator_id, i.code, i.name, i.direction"
            f" FROM {_table(ClusterIndicator)} ci JOIN {_table(Indicator)} i ON i.id = ci.indicator_id"
            f" WHERE ci.cluster_year_id IN {_in(cy)} ORDER BY ci.cluster_year_id, ci.position, i.code",
            cy,
        ),
        "targets": (
            f"SELECT cluster_year_id, unit_id, indicator_id, basis, {_number('value')}"
            f" FROM {_table(Target)} WHERE cluster_year_id IN {_in(cy)}",
            cy,
        ),
        "values": (
            f"SELECT r.cluster_year_id, r.unit_id, v.indicator_id, {_number('v.value')}"
            f" FROM {_table(ReportValue)} v JOIN {_table(Report)} r ON r.id = v.report_id"
            f" WHERE r.cluster_year_id IN {_in(cy)} AND r.period = %s AND r.status IN {_in(SCORED_STATUSES)}",
            [*cy, Period.YEAR_END.value, *(status.value for status in SCORED_STATUSES)],
        ),
        "criteria": (
            f"SELECT criteria_set_id, id, parent_id, code, name, kind, {_number('max_points')}, method"
            f" FROM {_table(Criterion)} WHERE criteria_set_id IN {_in(cs)} ORDER BY criteria_set_id, position",
            cs,
        ),
        "scores": (
            f"SELECT criterion_id, unit_id, layer, scorer_unit_id, {_number('points')},"
            " CASE WHEN layer = 'appraisal' THEN explanation END,"
            " CASE WHEN layer = 'appraisal' THEN entered_as END,"
            " CASE WHEN layer = 'appraisal' THEN confirmed_as END"
            f" FROM {_table(Score)}"
            f" WHERE criterion_id IN (SELECT id FROM {_table(Criterion)} WHERE criteria_set_id IN {_in(cs)})",
            cs,
        ),
        "answers": (
            f"SELECT c.criteria_set_id, u.code, c.code, a.answer FROM {_table(DiscrepancyAnswer)} a"
            f" JOIN {_table(Criterion)} c ON c.id = a.criterion_id JOIN {_table(Unit)} u ON u.id = a.unit_id"
            f" WHERE c.criteria_set_id IN {_in(cs)}",
            cs,
        ),
    }


class _Numbers(dict[Any, str]):
    """A stored number as the database returns it → machine-format text, each distinct value once."""

    def __init__(self) -> None:
        super().__init__()
        # SQLite keeps decimals as floats; Django reads them with 15 significant digits, then 4 places
        self.sqlite = connection.vendor == "sqlite"

    def __missing__(self, raw: Any) -> str:
        if self.sqlite and isinstance(raw, int | float):
            value = _SQLITE_DIGITS.create_decimal_from_float(raw).quantize(_FOUR_PLACES)
        else:
            value = Decimal(repr(raw) if isinstance(raw, float) else raw)
        out = self[raw] = _num(value)
        return out


_SQLITE_DIGITS = DecimalContext(prec=15)
_FOUR_PLACES = Decimal("0.0001")


class ScoringData:
    """What scoring reads for some criteria sets, read at once (the eight statements of `scoring_queries`,
    and one more when a score names a unit that is not a member) and indexed; `build` then writes one
    set's document and problem without touching the database."""

    def __init__(self, criteria_sets: Sequence[CriteriaSet]) -> None:
        self.sets = list(dict.fromkeys(criteria_sets))
        self.builder = jsonio.Builder()
        self.methods: dict[str, Any] = {}
        num = self.num = _Numbers()
        cy_ids = sorted({cs.cluster_year_id for cs in self.sets})
        rows: dict[str, list[tuple[Any, ...]]] = {}
        if self.sets:
            with connection.cursor() as cursor:
                for name, (sql, params) in scoring_queries(cy_ids, [cs.pk for cs in self.sets]).items():
                    cursor.execute(sql, params)
                    rows[name] = cursor.fetchall()
        else:
            rows = {name: [] for name in scoring_queries([0], [0])}

        self.cluster_years = {pk: (year, name) for pk, year, name in rows["cluster_years"]}
        unit_codes: dict[int | None, str] = {None: ""}
        self.members: dict[int, list[tuple[int, str, str]]] = {pk: [] for pk in cy_ids}
        for cy_id, unit_id, code, name in rows["members"]:
            self.members[cy_id].append((unit_id, code, name))
            unit_codes[unit_id] = code
        self.indicators: dict[int, list[tuple[int, str, str, str]]] = {pk: [] for pk in cy_ids}
        for cy_id, ind_id, code, name, direction in rows["indicators"]:
            self.indicators[cy_id].append((ind_id, code, name, direction))
        # (cluster-year, unit) → indicator → primary target (basis rank, value) / reported value
        self.targets: dict[tuple[int, int], dict[int, tuple[int, Any]]] = {}
        for cy_id, unit_id, ind_id, basis, value in rows["targets"]:
            of_unit = self.targets.setdefault((cy_id, unit_id), {})
            rank = BASIS_RANK.get(basis, len(BASIS_RANK))
            if ind_id not in of_unit or rank < of_unit[ind_id][0]:
                of_unit[ind_id] = (rank, value)
        self.values: dict[tuple[int, int], dict[int, Any]] = {}
        for cy_id, unit_id, ind_id, value in rows["values"]:
            self.values.setdefault((cy_id, unit_id), {})[ind_id] = value
        self.criteria: dict[int, list[tuple[Any, ...]]] = {cs.pk: [] for cs in self.sets}
        positions: dict[int, tuple[int, str, int]] = {}  # criterion id → (criteria set id, code, position)
        for position, (cs_id, pk, parent_id, code, name, kind, max_points, method) in enumerate(
            rows["criteria"]
        ):
            self.criteria[cs_id].append((pk, parent_id, code, name, kind, num[max_points], method))
            positions[pk] = (cs_id, code, position)
        # the units' answers to discrepancy flags, by criteria set, in document order
        self.answers: dict[int, list[dict[str, str]]] = {cs.pk: [] for cs in self.sets}
        for cs_id, unit_code, crit_code, answer in sorted(rows["answers"]):
            self.answers[cs_id].append({"answer": answer, "criterion": crit_code, "unit": unit_code})
        try:
            self.scores = self._layered(rows["scores"], positions, unit_codes)
        except KeyError:  # a score names a unit that is not a member: read its code
            missing = {pk for row in rows["scores"] for pk in (row[1], row[3]) if pk not in unit_codes}
            unit_codes.update(Unit.objects.filter(pk__in=missing).values_list("pk", "code"))
            self.scores = self._layered(rows["scores"], positions, unit_codes)

    def _layered(
        self,
        scores: list[tuple[Any, ...]],
        positions: dict[int, tuple[int, str, int]],
        unit_codes: dict[int | None, str],
    ) -> dict[int, dict[str, list[jsonio.ScoreRow]]]:
        """Score rows by criteria set and layer, as the document builder takes them (unsorted)."""
        num = self.num
        layered: dict[int, dict[str, list[jsonio.ScoreRow]]] = {cs.pk: {} for cs in self.sets}
        for crit_id, unit_id, layer, scorer_id, points, reason, by, confirmed in scores:
            cs_id, crit_code, position = positions[crit_id]
            row: jsonio.ScoreRow = (
                unit_codes[unit_id],
                position,
                unit_codes[scorer_id],
                crit_code,
                num[points],
            )
            if layer == "appraisal":
                row = (*row, reason or "", by or "", confirmed or "")
            of_set = layered[cs_id]
            if layer in of_set:
                of_set[layer].append(row)
            else:
                of_set[layer] = [row]
        return layered

    def build(self, cs: CriteriaSet) -> jsonio.Built:
        """One set's document: canonical text, hash, problem. Raises ScoringInputError as `parse`."""
        return self.builder.build(*self._assemble(cs))

    def text(self, cs: CriteriaSet) -> str:
        """One set's document as canonical JSON text (never refused: `parse` judges it)."""
        return self.builder.text(*self._assemble(cs))

    def _assemble(
        self, cs: CriteriaSet
    ) -> tuple[dict[str, Any], list[jsonio.UnitRows], dict[str, list[jsonio.ScoreRow]]]:
        num = self.num
        cy_id = cs.cluster_year_id
        year, cluster_name = self.cluster_years[cy_id]
        indicators = self.indicators[cy_id]
        units = []
        for unit_id, code, name in self.members[cy_id]:
            reported = self.values.get((cy_id, unit_id), {})
            planned = self.targets.get((cy_id, unit_id), {})
            results: dict[str, tuple[str, str | None]] = {}
            for ind_id, ind_code, _name, _direction in indicators:
                value = reported.get(ind_id)
                if value is not None:
                    target = planned.get(ind_id)
                    results[ind_code] = (num[value], None if target is None else num[target[1]])
            units.append(jsonio.UnitRows(code, name, results))
        scores = {layer: sorted(self.scores[cs.pk].get(layer, ())) for layer in jsonio.LAYERS}
        head = {
            "cluster": cluster_name,
            "year": year,
            "criteria_version": cs.version,
            "indicators": [
                {"code": code, "name": name, "direction": direction}
                for _pk, code, name, direction in indicators
            ],
            "criteria_set": {
                "total": _num(cs.declared_total),
                "criteria": _tree(self.criteria[cs.pk], self.methods),
            },
            "rules": cs.rules,
            "answers": self.answers[cs.pk],
            "robustness": cs.rules.get("robustness", {"perturbation": "0.10", "draws": 1000, "seed": year}),
        }
        return head, units, scores


def scoring_inputs(criteria_sets: Sequence[CriteriaSet]) -> dict[int, jsonio.Built]:
    """The engine's input for each criteria set, by its id (see `scoring_document` and `ScoringData`).
    Raises ScoringInputError for the first set whose data cannot be scored."""
    data = ScoringData(criteria_sets)
    return {cs.pk: data.build(cs) for cs in data.sets}


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
    built = scoring_inputs([criteria_set])[criteria_set.pk]
    return jsonio.explained(built.parsed, built.hash)
