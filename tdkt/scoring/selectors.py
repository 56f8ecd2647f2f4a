"""Reads for scoring: the engine's input document built from stored data, and what a viewer may see."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Context as DecimalContext
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Count, Model, Q, QuerySet

from tdkt.clusters.models import Cluster, ClusterMember, ClusterYear
from tdkt.clusters.scopes import Viewer
from tdkt.core.vn import format_number
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
from tdkt.scoring import engine, jsonio
from tdkt.scoring.models import (
    CriteriaSet,
    Criterion,
    CriterionKind,
    CrossAssignment,
    DiscrepancyAnswer,
    Layer,
    Score,
    ScoringRun,
    SetStatus,
)

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


# ----------------------------------------------------------------------------------------- my work
# What waits for one viewer in scoring (the page "Việc của tôi" and the header's count compose these):
# only adopted criteria sets not yet published, where scores are still entered. A fixed number of
# queries, whatever the number of clusters.


@dataclass(frozen=True)
class ScoresWaiting:
    """One scoring task: `kind` is "self" (the unit's self scores), "cross" (the cross scores it was
    assigned to give `scored`), "flags" (discrepancy flags on the unit to answer), "cross_missing" (for
    the head: members' cross scores not done) or "publish" (for the head: every year-end report is
    accepted, the ranking waits to be published)."""

    criteria_set: CriteriaSet
    kind: str
    missing: int = 0  # criteria (or pairs) not done
    of: int = 0
    scored: Unit | None = None
    names: tuple[str, ...] = ()  # flagged criteria codes, or the pairs not done ("A → B")


def _open_sets(rule: Q) -> list[CriteriaSet]:
    return list(
        CriteriaSet.objects.filter(rule, status=SetStatus.ADOPTED, runs__isnull=True)
        .select_related("cluster_year", "cluster_year__cluster")
        .distinct()
        .order_by("-cluster_year__year", "cluster_year__cluster__name")
    )


def scores_waiting(viewer: Viewer) -> list[ScoresWaiting]:
    """For a unit's staff: self scores not entered, assigned cross scores not entered, discrepancy flags
    on their unit not answered (the stored data scored again, without explanations). For the head's
    staff: members' cross scores not done, and a ranking ready to publish."""
    unit_id = viewer.unit_id
    if unit_id is None:  # the head's staff are a unit's staff too
        return []
    rule = Q(cluster_year__members__unit_id=unit_id)
    if viewer.head_of:
        rule |= Q(cluster_year_id__in=viewer.head_of)
    sets = _open_sets(rule)
    if not sets:
        return []
    leaves: dict[int, list[str]] = {cs.pk: [] for cs in sets}
    judged: dict[int, set[str]] = {cs.pk: set() for cs in sets}
    for cs_id, code, method in (
        Criterion.objects.filter(criteria_set__in=sets)
        .exclude(kind=CriterionKind.GROUP)
        .order_by("position")
        .values_list("criteria_set_id", "code", "method")
    ):
        leaves[cs_id].append(code)
        if isinstance(method, dict) and method.get("type") == "judged":
            judged[cs_id].add(code)
    member_of = set(
        ClusterMember.objects.filter(
            unit_id=unit_id, cluster_year_id__in={cs.cluster_year_id for cs in sets}
        ).values_list("cluster_year_id", flat=True)
    )
    own_sets = [cs for cs in sets if cs.cluster_year_id in member_of]
    self_done: dict[int, set[str]] = {}
    for cs_id, code in Score.objects.filter(
        criterion__criteria_set__in=own_sets, unit_id=unit_id, layer=Layer.SELF
    ).values_list("criterion__criteria_set_id", "criterion__code"):
        self_done.setdefault(cs_id, set()).add(code)
    pairs = list(
        CrossAssignment.objects.filter(criteria_set__in=sets)
        .select_related("scorer", "scored")
        .order_by("scorer__name", "scored__name")
    )
    cross_done: dict[tuple[int, int, int], set[str]] = {}
    for cs_id, scorer_id, scored_id, code in Score.objects.filter(
        criterion__criteria_set__in=sets, layer=Layer.CROSS
    ).values_list("criterion__criteria_set_id", "scorer_unit_id", "unit_id", "criterion__code"):
        cross_done.setdefault((cs_id, scorer_id, scored_id), set()).add(code)
    flags = _flags_waiting([cs for cs in own_sets if self_done.get(cs.pk)], unit_id)
    out: list[ScoresWaiting] = []
    for cs in sets:
        if cs in own_sets:
            missing = len(set(leaves[cs.pk]) - self_done.get(cs.pk, set()))
            if missing:
                out.append(ScoresWaiting(cs, "self", missing, len(leaves[cs.pk])))
            for pair in pairs:
                if pair.criteria_set_id == cs.pk and pair.scorer_id == unit_id and judged[cs.pk]:
                    done = cross_done.get((cs.pk, pair.scorer_id, pair.scored_id), set())
                    missing = len(judged[cs.pk] - done)
                    if missing:
                        out.append(ScoresWaiting(cs, "cross", missing, len(judged[cs.pk]), pair.scored))
            if flags.get(cs.pk):
                out.append(ScoresWaiting(cs, "flags", len(flags[cs.pk]), names=tuple(flags[cs.pk])))
        if cs.cluster_year_id in viewer.head_of:
            late = [
                f"{p.scorer.name} → {p.scored.name}"
                for p in pairs
                if p.criteria_set_id == cs.pk
                and judged[cs.pk] - cross_done.get((cs.pk, p.scorer_id, p.scored_id), set())
            ]
            total = sum(1 for p in pairs if p.criteria_set_id == cs.pk)
            if late:
                out.append(ScoresWaiting(cs, "cross_missing", len(late), total, names=tuple(late)))
    out.extend(_ready_to_publish([cs for cs in sets if cs.cluster_year_id in viewer.head_of]))
    return out


def _flags_waiting(sets: list[CriteriaSet], unit_id: int | None) -> dict[int, list[str]]:
    """Criterion codes of the discrepancy flags on the unit not yet answered, per criteria set: every set
    read at once (`ScoringData`) and scored without explanations."""
    if not sets or unit_id is None:
        return {}
    code = Unit.objects.filter(pk=unit_id).values_list("code", flat=True).first()
    answered = set(
        DiscrepancyAnswer.objects.filter(criterion__criteria_set__in=sets, unit_id=unit_id).values_list(
            "criterion__criteria_set_id", "criterion__code"
        )
    )
    data = ScoringData(sets)
    out: dict[int, list[str]] = {}
    for cs in data.sets:
        try:
            ranking = engine.score(data.build(cs).parsed.problem, explain=False)
        except engine.ScoringInputError:
            continue  # data that cannot be scored yet raises no flag
        member = next((m for m in ranking.members if m.member_id == code), None)
        if member is not None:
            waiting = [c for c in member.discrepancies if (cs.pk, c) not in answered]
            if waiting:
                out[cs.pk] = waiting
    return out


def _ready_to_publish(sets: list[CriteriaSet]) -> list[ScoresWaiting]:
    """The head's sets whose every member has an accepted (or locked) year-end report."""
    if not sets:
        return []
    cy_ids = [cs.cluster_year_id for cs in sets]
    members = dict(
        ClusterMember.objects.filter(cluster_year_id__in=cy_ids)
        .values("cluster_year_id")
        .annotate(n=Count("id"))
        .values_list("cluster_year_id", "n")
    )
    accepted = dict(
        Report.objects.filter(cluster_year_id__in=cy_ids, period=Period.YEAR_END, status__in=SCORED_STATUSES)
        .values("cluster_year_id")
        .annotate(n=Count("id"))
        .values_list("cluster_year_id", "n")
    )
    return [
        ScoresWaiting(cs, "publish", of=members[cs.cluster_year_id])
        for cs in sets
        if members.get(cs.cluster_year_id) and accepted.get(cs.cluster_year_id) == members[cs.cluster_year_id]
    ]


def appraisals_waiting() -> list[tuple[CriteriaSet, Any]]:
    """For the board: the appraisals that wait for its confirmation before publication, with the criteria
    set they belong to (`PendingAppraisal`s, as `appraisals_to_confirm` gives them), every
    set with a candidate read at once."""
    sets = list(
        CriteriaSet.objects.filter(
            status=SetStatus.ADOPTED,
            criteria__scores__layer=Layer.APPRAISAL,
            criteria__scores__by_board=False,
            criteria__scores__confirmed_at__isnull=True,
        )
        .select_related("cluster_year", "cluster_year__cluster")
        .distinct()
        .order_by("-cluster_year__year", "cluster_year__cluster__name")
    )
    if not sets:
        return []
    candidates = appraisal_candidates(sets)
    data = ScoringData(sets)
    out: list[tuple[CriteriaSet, Any]] = []
    for cs in sets:
        try:
            built = data.build(cs)
        except engine.ScoringInputError:
            continue
        out.extend((cs, pending) for pending in appraisals_pending(built.parsed, candidates.get(cs.pk, [])))
    return out


# --------------------------------------------------------------------- appraisals awaiting the board


@dataclass(frozen=True)
class PendingAppraisal:
    """An appraisal the board must confirm before publication, and why."""

    score_id: int
    version: int
    unit: str  # unit id (code)
    unit_name: str
    criterion: str
    points_before: Decimal  # the criterion's final points without the appraisal
    points_after: Decimal
    total_before: Decimal
    total_after: Decimal
    by: str
    changes_leader: bool

    @property
    def message(self) -> str:
        why = []
        if self.total_after != self.total_before:
            why.append(f"tổng điểm {format_number(self.total_before)} → {format_number(self.total_after)}")
        if self.changes_leader:
            why.append("thay đổi đơn vị dẫn đầu")
        return (
            f"{self.unit_name} – tiêu chí {self.criterion}: {format_number(self.points_before)} → "
            f"{format_number(self.points_after)} điểm ({'; '.join(why)}), do {self.by or 'không rõ'} thẩm định"
        )


# Appraisal rows awaiting the board: (criteria set id, unit code, criterion code, score id, version, entered as)
AppraisalCandidate = tuple[int, str, str, int, int, str]


def appraisal_candidates(sets: list[CriteriaSet]) -> dict[int, list[AppraisalCandidate]]:
    out: dict[int, list[AppraisalCandidate]] = {}
    rows = Score.objects.filter(
        criterion__criteria_set__in=sets, layer=Layer.APPRAISAL, by_board=False, confirmed_at__isnull=True
    ).values_list(
        "criterion__criteria_set_id", "unit__code", "criterion__code", "pk", "version", "entered_as"
    )
    for row in rows:
        out.setdefault(row[0], []).append(row)
    return out


def appraisals_pending(parsed: jsonio.Parsed, candidates: list[AppraisalCandidate]) -> list[PendingAppraisal]:
    """The candidates that move their unit's total by more than the rule allows, or change who leads:
    each is measured by scoring the problem again without it."""
    problem = parsed.problem
    full = engine.score(problem, explain=False)
    by_id = {m.member_id: m for m in full.members}
    codes = [code for code, _ in full.leaves]
    limit = problem.rules.appraisal_confirm_above
    out = []
    for _cs, unit, code, pk, version, by in sorted(candidates, key=lambda c: (c[1], c[2])):
        key = (unit, code)
        if key not in problem.layers.appraisal or unit not in by_id or code not in codes:
            continue
        appraisal = {k: v for k, v in problem.layers.appraisal.items() if k != key}
        without = engine.score(
            dataclasses.replace(problem, layers=dataclasses.replace(problem.layers, appraisal=appraisal)),
            explain=False,
        )
        before = next(m for m in without.members if m.member_id == unit)
        after = by_id[unit]
        leader_changed = (without.leaders, without.leaders_undecided) != (
            full.leaders,
            full.leaders_undecided,
        )
        if abs(after.total_exact - before.total_exact) > limit or leader_changed:
            index = codes.index(code)
            out.append(
                PendingAppraisal(
                    pk,
                    version,
                    unit,
                    after.name,
                    code,
                    before.points[index],
                    after.points[index],
                    before.total,
                    after.total,
                    by,
                    leader_changed,
                )
            )
    return out


def appraisals_to_confirm(criteria_set: CriteriaSet) -> list[PendingAppraisal]:
    """The appraisals that need the board's confirmation before this criteria set's ranking is published
    (empty when the stored data cannot be scored: publication is refused for that reason first)."""
    candidates = appraisal_candidates([criteria_set]).get(criteria_set.pk, [])
    if not candidates:
        return []
    try:
        built = ScoringData([criteria_set]).build(criteria_set)
    except engine.ScoringInputError:
        return []
    return appraisals_pending(built.parsed, candidates)


# ----------------------------------------------------------------------------- a draft on last year's data


@dataclass(frozen=True)
class LastYearPreview:
    """The points each member of LAST year would get with a draft's criteria: `previous` is last year's
    cluster-year (None when the cluster has none), `result` the engine's explained ranking (None when
    there is no data or the draft cannot be scored yet, see `problems`)."""

    previous: ClusterYear | None
    result: dict[str, Any] | None = None
    problems: tuple[str, ...] = ()
    has_data: bool = False


def previous_cluster_year(cluster_year: ClusterYear) -> ClusterYear | None:
    return ClusterYear.objects.filter(cluster_id=cluster_year.cluster_id, year=cluster_year.year - 1).first()


def _leaves(tree: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for item in tree:
        if item.get("children") is not None or item.get("kind") == "group":
            out.extend(_leaves(item.get("children") or []))
        else:
            out.append(item)
    return out


def last_year_preview(
    criteria_set: CriteriaSet, criteria: list[dict[str, Any]] | None = None
) -> LastYearPreview:
    """Score last year's stored data with this criteria set (or with `criteria`, e.g. one criterion being
    edited): last year's members, their accepted year-end results and targets, and — for judged criteria
    — the final scores last year's criteria set gave the criterion of the same code, at most the new
    maximum. The document is built by `ScoringData` exactly as a publication's, then scored by the pure
    engine; nothing is written. The declared total is not checked (a draft is being built)."""
    this_year = criteria_set.cluster_year
    previous = previous_cluster_year(this_year)
    if previous is None:
        return LastYearPreview(None)
    # the draft's criteria read against last year's cluster-year: the same statements a publication runs
    stand_in = CriteriaSet(
        pk=criteria_set.pk,
        cluster_year_id=previous.pk,
        version=criteria_set.version,
        declared_total=criteria_set.declared_total,
        rules=criteria_set.rules,
    )
    data = ScoringData([stand_in])
    if not any(data.values.get((previous.pk, unit_id)) for unit_id, _c, _n in data.members[previous.pk]):
        return LastYearPreview(previous)
    document: dict[str, Any] = json.loads(data.text(stand_in))
    known = {i["code"] for i in document["indicators"]}
    document["indicators"] += [
        {"code": code, "name": name, "direction": direction}
        for code, name, direction in ClusterIndicator.objects.filter(cluster_year=this_year)
        .order_by("position")
        .values_list("indicator__code", "indicator__name", "indicator__direction")
        if code not in known
    ]
    if criteria is not None:
        document["criteria_set"] = {"criteria": criteria}
        document["rules"] = {}
    document["criteria_set"].pop("total", None)
    document["robustness"] = {"perturbation": "0.10", "draws": 100, "seed": previous.year}
    document["answers"] = []
    document["scores"] = _last_year_judged(previous, document["criteria_set"]["criteria"])
    try:
        parsed = jsonio.parse(document)
        result = jsonio.explained(parsed, engine.inputs_hash(document))
    except engine.ScoringInputError as exc:
        return LastYearPreview(previous, None, tuple(exc.problems), True)
    return LastYearPreview(previous, result, (), True)


def _last_year_judged(previous: ClusterYear, criteria: list[dict[str, Any]]) -> dict[str, list[Any]]:
    """Last year's layer scores of the judged criteria whose code the draft keeps, capped at the draft's
    maximum."""
    maxima = {
        str(leaf["code"]): jsonio.read_number(leaf["max_points"])
        for leaf in _leaves(criteria)
        if isinstance(leaf.get("method"), dict) and leaf["method"].get("type") == "judged"
    }
    last = current_criteria_set(previous)
    if last is None or not maxima:
        return {}
    scores = scoring_document(last).get("scores", {})
    out: dict[str, list[Any]] = {}
    for layer, entries in scores.items():
        kept = []
        for entry in entries:
            limit = maxima.get(str(entry.get("criterion")))
            if limit is None:
                continue
            points = jsonio.read_number(entry["points"])
            kept.append({**entry, "points": _num(min(points, limit))})
        out[layer] = kept
    return out
