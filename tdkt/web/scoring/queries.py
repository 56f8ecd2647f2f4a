"""Presentational reads for the scoring pages: shapes the engine's explained ranking JSON and the stored
criteria for the templates, and describes methods and rules in Vietnamese.

Nothing here decides who may see what (the views do, from `tdkt.clusters.scopes`), and nothing here
computes a score: the ranking comes from `tdkt.scoring.selectors` (a preview) or a published run's stored
`result`, exactly as the engine returned it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.cache import cache
from django.utils.safestring import SafeString, mark_safe

from tdkt.clusters.models import ClusterMember, ClusterYear
from tdkt.core.vn import NumberFormatError, format_number, parse_number
from tdkt.movements.models import ClusterIndicator
from tdkt.org.models import Unit
from tdkt.reports.charts import ranking_chart, robustness_chart
from tdkt.scoring import criteria_fields
from tdkt.scoring.criteria_fields import flatten, name_meanings, typed_number, value_name
from tdkt.scoring.models import CriteriaSet, Criterion, CrossAssignment, DiscrepancyAnswer, Layer, Score

SOURCE_LABELS = {
    "appraisal": "Điểm thẩm định",
    "computed": "Hệ thống tính từ số liệu",
    "cross_mean": "Trung bình chấm chéo",
    "cross_trimmed_mean": "Trung bình chấm chéo (bỏ điểm cao nhất, thấp nhất)",
    "self": "Chỉ có điểm tự chấm",
    "none": "Chưa chấm",
}
KIND_LABELS = {"group": "Nhóm", "score": "Tiêu chí", "bonus": "Điểm thưởng", "penalty": "Điểm trừ"}
FINAL_RULES = {
    "appraisal_else_mean": "Lấy điểm thẩm định nếu có; nếu không, lấy trung bình các điểm chấm chéo",
    "appraisal_else_trimmed_mean": (
        "Lấy điểm thẩm định nếu có; nếu không, lấy trung bình các điểm chấm chéo sau khi bỏ điểm cao nhất "
        "và thấp nhất (khi có từ 3 điểm chấm chéo)"
    ),
}
CHART_CACHE_SECONDS = 24 * 60 * 60


# As `tdkt.scoring.jsonio` reads numbers: a string of digits with at most one dot is machine format (the
# engine's results are always written so: "1.392" is 1.392); anything else is read the Vietnamese way.
MACHINE_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def _dec(raw: object) -> Decimal | None:
    """A number from the result JSON or a criteria spec (strings, JSON numbers, Vietnamese style)."""
    if raw is None or raw == "":
        return None
    if isinstance(raw, str) and MACHINE_NUMBER.match(raw.strip()):
        return Decimal(raw.strip())
    try:
        return parse_number(raw).value
    except NumberFormatError:
        return None


def _short(value: Decimal | None, places: str = "0.0001") -> Decimal | None:
    """For display: rounded half up to `places`, without trailing zeros (9.9600 → 9.96, 19.00 → 19).
    The explanation next to it keeps the exact arithmetic."""
    if value is None:
        return None
    rounded = value.quantize(Decimal(places), rounding=ROUND_HALF_UP).normalize()
    return rounded + 0 if rounded == 0 else rounded  # −0 → 0


def _vn(raw: object) -> str:
    number = _dec(raw)
    return format_number(number) if number is not None else str(raw)


# --- the criteria tree --------------------------------------------------------------------------------


def criteria_names(tree: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    """Code → name of every criterion and group of a criteria tree."""
    names: dict[str, str] = {}
    for item in tree:
        names[str(item.get("code"))] = str(item.get("name", ""))
        names.update(criteria_names(item.get("children") or []))
    return names


def group_columns(tree: Sequence[Mapping[str, Any]]) -> list[tuple[str, str]]:
    """(code, name) of every group, in the tree's order (a result's `groups` object may lose its order)."""
    out: list[tuple[str, str]] = []
    for item in tree:
        if item.get("children") is not None or item.get("kind") == "group":
            out.append((str(item.get("code")), str(item.get("name", ""))))
            out.extend(group_columns(item.get("children") or []))
    return out


def indicator_names(cluster_year: ClusterYear) -> dict[str, str]:
    return {
        ci.indicator.code: ci.indicator.name
        for ci in ClusterIndicator.objects.filter(cluster_year=cluster_year).select_related("indicator")
    }


def _indicator(code: str, indicators: Mapping[str, str]) -> str:
    """An indicator by its Vietnamese name (“Tỷ lệ giải ngân”); a code the cluster does not follow is
    shown as written, quoted."""
    return f"“{indicators.get(code, code)}”"


def _by_value_name(name: str, indicators: Mapping[str, str]) -> str:
    """A count's value name (the indicator's code with dashes as underscores, e.g. MO_HINH) → the
    indicator's name."""
    for code, label in indicators.items():
        if value_name(code) == name or code == name:
            return f"“{label}”"
    return f"“{name}”"


def describe_method(
    method: Mapping[str, Any] | None, max_points: object, indicators: Mapping[str, str]
) -> str:
    """A scoring method in Vietnamese words, indicators by name, e.g. “Tỷ lệ so với chỉ tiêu “Tỷ lệ giải
    ngân vốn đầu tư công”, tối đa 100%”. Never a code of the method or JSON."""
    if not method:
        return "—"
    kind = method.get("type")
    named = _indicator(str(method.get("indicator", "")), indicators)
    if kind == "ratio":
        text = f"Tỷ lệ so với chỉ tiêu {named}, tối đa {_vn(method.get('cap', 100))}%"
        floor = _dec(method.get("floor", 0))
        if floor:
            text += f"; dưới {format_number(floor)}% không có điểm"
        return text
    if kind == "bands":
        on_percent = method.get("on", "percent") == "percent"
        unit = "%" if on_percent else ""
        bands = "; ".join(
            f"từ {_vn(band[0])}{unit}: {_vn(band[1])} điểm"
            for band in method.get("bands") or []
            if isinstance(band, list | tuple) and len(band) == 2
        )
        measure = "tỷ lệ so với chỉ tiêu" if on_percent else "giá trị chỉ tiêu"
        return f"Theo mức {measure} {named}: {bands}" if bands else f"Theo mức {measure} {named}"
    if kind == "achieved":
        return f"Đạt chỉ tiêu {named}: {_vn(max_points)} điểm; không đạt: 0 điểm"
    if kind == "rank":
        share = _dec(method.get("last_share", 0)) or Decimal(0)
        return (
            f"Theo thứ hạng trong cụm về chỉ tiêu {named}: đứng đầu được {_vn(max_points)} điểm, "
            f"đứng cuối được {format_number(share * 100)}% số điểm"
        )
    if kind == "judged":
        return "Chấm điểm: tự chấm, chấm chéo, thẩm định"
    if kind == "per_count":
        counted = _by_value_name(str(method.get("value", "")), indicators)
        return f"{_vn(method.get('points_each'))} điểm cho mỗi {counted}, tối đa {_vn(max_points)} điểm"
    if kind == "formula":
        return f"Công thức: {in_words(str(method.get('expression', '')), indicators)}"
    return "—"


def in_words(text: str, indicators: Mapping[str, str]) -> str:
    """A text from the engine (an explanation, a formula, an input's name) with every indicator code and
    every name derived from one (MO_HINH, T_GN_percent) replaced by what it means, in words."""
    if not text or not indicators:
        return text
    meanings = name_meanings(indicators)
    meanings.update({code: f"“{name}”" for code, name in indicators.items()})
    pattern = re.compile(
        r"(?<![\w-])("
        + "|".join(re.escape(n) for n in sorted(meanings, key=len, reverse=True))
        + r")(?![\w-])"
    )
    return pattern.sub(lambda m: meanings[m.group(1)], text)


def is_judged(method: Mapping[str, Any] | None) -> bool:
    return bool(method) and method is not None and method.get("type") == "judged"


@dataclass(frozen=True)
class TreeRow:
    code: str
    name: str
    kind: str
    kind_label: str
    depth: int
    max_points: Decimal | None
    method: str


def tree_rows(
    tree: Sequence[Mapping[str, Any]], indicators: Mapping[str, str], depth: int = 0
) -> list[TreeRow]:
    """The criteria tree flattened in reading order, each row with its depth and its method in words."""
    rows: list[TreeRow] = []
    for item in tree:
        kind = str(item.get("kind") or ("group" if item.get("children") is not None else "score"))
        rows.append(
            TreeRow(
                code=str(item.get("code", "")),
                name=str(item.get("name", "")),
                kind=kind,
                kind_label=KIND_LABELS.get(kind, kind),
                depth=depth,
                max_points=_dec(item.get("max_points")),
                method=""
                if kind == "group"
                else describe_method(item.get("method"), item.get("max_points"), indicators),
            )
        )
        rows.extend(tree_rows(item.get("children") or [], indicators, depth + 1))
    return rows


def tie_break_words(chain: Iterable[str], names: Mapping[str, str]) -> list[str]:
    words = []
    for key in chain:
        kind, _, code = key.partition(":")
        label = f" ({names[code]})" if code in names else ""
        if kind == "group":
            words.append(f"tổng điểm nhóm {code}{label}")
        elif kind == "criterion":
            words.append(f"điểm tiêu chí {code}{label}")
        elif kind == "targets_met":
            words.append("số chỉ tiêu đạt")
        else:
            words.append(key)
    return words


def rules_summary(rules: Mapping[str, Any], names: Mapping[str, str]) -> list[tuple[str, str]]:
    """The rules of a criteria set as (label, sentence) pairs."""
    out = [
        ("Điểm cuối của tiêu chí", FINAL_RULES.get(str(rules.get("final_rule", "appraisal_else_mean")), "—"))
    ]
    gap = rules.get("discrepancy_gap", "2")
    out.append(
        (
            "Chênh lệch cần giải trình",
            "Không xét"
            if gap is None
            else f"Khi điểm tự chấm lệch điểm cuối quá {_vn(gap)} điểm, đơn vị phải giải trình trước khi công bố",
        )
    )
    chain = tie_break_words(rules.get("tie_breaks") or [], names)
    out.append(
        (
            "Khi bằng tổng điểm",
            ("Xét lần lượt: " + "; ".join(chain) + ". Vẫn bằng thì đồng hạng và cần biểu quyết")
            if chain
            else "Đồng hạng và cần biểu quyết",
        )
    )
    bands = [b for b in rules.get("bands") or [] if isinstance(b, list | tuple) and len(b) == 2]
    if bands:
        out.append(("Xếp loại", "; ".join(f"{b[1]}: từ {_vn(b[0])} điểm" for b in bands)))
    out.append(("Số đơn vị dẫn đầu", str(rules.get("leaders", 1))))
    disq = [d for d in rules.get("disqualify_below") or [] if isinstance(d, list | tuple) and len(d) == 2]
    if disq:
        out.append(
            (
                "Không xét dẫn đầu khi",
                "; ".join(f"{names.get(str(d[0]), d[0])} ({d[0]}) dưới {_vn(d[1])} điểm" for d in disq),
            )
        )
    rob = rules.get("robustness")
    if isinstance(rob, Mapping):
        pct = (_dec(rob.get("perturbation", "0.10")) or Decimal(0)) * 100
        out.append(
            (
                "Kiểm tra độ vững",
                f"Trọng số mỗi tiêu chí dao động ±{format_number(pct)}%, {_vn(rob.get('draws', 1000))} lần thử",
            )
        )
    return out


# --- the explained ranking ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CriterionView:
    code: str
    name: str
    kind: str
    kind_label: str
    max_points: Decimal | None
    method: str
    points: Decimal | None
    source: str
    source_label: str
    explanation: str
    inputs: list[tuple[str, str]]
    computed: Decimal | None
    self_score: Decimal | None
    cross: list[tuple[str, Decimal | None]]  # (scorer's name, points)
    appraisal: Decimal | None
    discrepancy: bool
    appraisal_reason: str = ""  # why the appraisal changed the points
    appraised_by: str = ""  # who appraised (name and unit)
    confirmed_by: str = ""  # who on the board confirmed it
    answer: str = ""  # the unit's answer to the discrepancy flag


@dataclass(frozen=True)
class UnitView:
    rank: int
    id: str
    name: str
    total: Decimal | None
    classification: str
    groups: list[Decimal | None]  # aligned with ResultView.groups
    targets_met: int
    flags: list[str]
    tie_unresolved: bool
    disqualified: str
    is_leader: bool
    is_undecided: bool
    criteria: list[CriterionView]


@dataclass(frozen=True)
class RobustnessView:
    leader: str
    runner_up: str
    margin: Decimal | None
    perturbation_percent: Decimal
    draws: int
    seed: object
    leader_stays_first_percent: Decimal
    shares: list[tuple[str, Decimal]]  # (unit name, percent of draws ranked first), largest first
    deciding: list[tuple[str, str, Decimal]]  # (code, name, leader minus runner-up)


@dataclass(frozen=True)
class ResultView:
    rows: list[UnitView]
    groups: list[tuple[str, str]]
    leaders: list[str]
    undecided: list[str]
    tie_breaks: list[str]
    criteria_version: object
    inputs_hash: str
    engine_version: str
    robustness: RobustnessView | None
    ranking_svg: SafeString = field(default_factory=lambda: mark_safe(""))
    robustness_svg: SafeString = field(default_factory=lambda: mark_safe(""))


def _criterion_view(
    c: Mapping[str, Any], unit_names: Mapping[str, str], indicators: Mapping[str, str]
) -> CriterionView:
    kind = str(c.get("kind", "score"))
    source = str(c.get("source", "none"))
    return CriterionView(
        code=str(c.get("code", "")),
        name=str(c.get("name", "")),
        kind=kind,
        kind_label=KIND_LABELS.get(kind, kind),
        max_points=_dec(c.get("max_points")),
        method=str(c.get("method", "")),
        points=_short(_dec(c.get("points"))),
        source=source,
        source_label=SOURCE_LABELS.get(source, source),
        explanation=in_words(str(c.get("explanation", "")), indicators),
        inputs=[
            (in_words(str(k), indicators), in_words(str(v), indicators))
            for k, v in (c.get("inputs") or {}).items()
        ],
        computed=_dec(c.get("computed")),
        self_score=_dec(c.get("self")),
        cross=[
            (unit_names.get(str(x.get("scorer")), str(x.get("scorer"))), _dec(x.get("points")))
            for x in c.get("cross") or []
        ],
        appraisal=_dec(c.get("appraisal")),
        discrepancy=bool(c.get("discrepancy")),
        appraisal_reason=str(c.get("appraisal_reason") or ""),
        appraised_by=str(c.get("appraised_by") or ""),
        confirmed_by=str(c.get("confirmed_by") or ""),
        answer=str(c.get("answer") or ""),
    )


def _robustness_view(
    rob: Mapping[str, Any] | None, unit_names: Mapping[str, str], names: Mapping[str, str]
) -> RobustnessView | None:
    if not rob or not rob.get("leader"):
        return None
    shares = sorted(
        (
            (unit_names.get(mid, mid), (_dec(v) or Decimal(0)) * 100)
            for mid, v in (rob.get("first_place_shares") or {}).items()
        ),
        key=lambda kv: (-kv[1], kv[0]),
    )
    return RobustnessView(
        leader=unit_names.get(str(rob["leader"]), str(rob["leader"])),
        runner_up=unit_names.get(str(rob.get("runner_up")), "") if rob.get("runner_up") else "",
        margin=_dec(rob.get("margin")),
        perturbation_percent=(_dec(rob.get("perturbation")) or Decimal(0)) * 100,
        draws=int(rob.get("draws") or 0),
        seed=rob.get("seed"),
        leader_stays_first_percent=(_dec(rob.get("leader_stays_first")) or Decimal(0)) * 100,
        shares=shares,
        deciding=[
            (
                str(d.get("code")),
                names.get(str(d.get("code")), ""),
                _short(_dec(d.get("difference"))) or Decimal(0),
            )
            for d in rob.get("deciding_criteria") or []
        ],
    )


def result_charts(result: Mapping[str, Any]) -> tuple[SafeString, SafeString]:
    """The ranking and robustness charts as inline SVG, cached by the inputs' hash (same inputs, same
    engine: same result, same charts)."""
    key = f"tdkt:scoring-charts:{result.get('engine_version')}:{result.get('inputs_hash')}"
    cached = cache.get(key)
    if cached is None:
        ranking = list(result.get("ranking") or [])
        names = {str(row["id"]): str(row["name"]) for row in ranking}
        first = _inline_svg(ranking_chart(ranking)) if ranking else ""
        rob = result.get("robustness")
        second = _inline_svg(robustness_chart(rob, names)) if ranking and rob else ""
        cached = (first, second)
        cache.set(key, cached, CHART_CACHE_SECONDS)
    # Safe: the SVG is written by matplotlib from our own stored result (it escapes every text it draws);
    # no markup typed by a person reaches it.
    return mark_safe(cached[0]), mark_safe(cached[1])


def _inline_svg(data: bytes) -> str:
    """The <svg> element alone: the XML declaration and DOCTYPE are not allowed inside HTML."""
    text = data.decode("utf-8")
    start = text.find("<svg")
    return text[start:] if start >= 0 else ""


def present_result(
    result: Mapping[str, Any],
    tree: Sequence[Mapping[str, Any]],
    *,
    charts: bool = True,
    indicators: Mapping[str, str] | None = None,
) -> ResultView:
    """The engine's explained ranking (a preview or a published run's `result`) shaped for the pages;
    indicators (code → name) named in words in the explanations."""
    indicators = indicators or {}
    names = criteria_names(tree)
    ranking = list(result.get("ranking") or [])
    unit_names = {str(row.get("id")): str(row.get("name")) for row in ranking}
    groups = group_columns(tree)
    leaders = {str(x.get("id")) for x in result.get("leaders") or []}
    undecided = {str(x.get("id")) for x in result.get("leaders_undecided") or []}
    rows = [
        UnitView(
            rank=int(row.get("rank") or 0),
            id=str(row.get("id")),
            name=str(row.get("name")),
            total=_dec(row.get("total")),
            classification=str(row.get("classification") or ""),
            groups=[_short(_dec((row.get("groups") or {}).get(code)), "0.01") for code, _ in groups],
            targets_met=int(row.get("targets_met") or 0),
            flags=[str(f) for f in row.get("flags") or []],
            tie_unresolved=bool(row.get("tie_unresolved")),
            disqualified=str(row.get("disqualified") or ""),
            is_leader=str(row.get("id")) in leaders,
            is_undecided=str(row.get("id")) in undecided,
            criteria=[_criterion_view(c, unit_names, indicators) for c in row.get("criteria") or []],
        )
        for row in ranking
    ]
    ranking_svg, robustness_svg = result_charts(result) if charts else (mark_safe(""), mark_safe(""))
    return ResultView(
        rows=rows,
        groups=groups,
        leaders=[str(x.get("name")) for x in result.get("leaders") or []],
        undecided=[str(x.get("name")) for x in result.get("leaders_undecided") or []],
        tie_breaks=tie_break_words(result.get("tie_break_chain") or [], names),
        criteria_version=result.get("criteria_version"),
        inputs_hash=str(result.get("inputs_hash", "")),
        engine_version=str(result.get("engine_version", "")),
        robustness=_robustness_view(result.get("robustness"), unit_names, names),
        ranking_svg=ranking_svg,
        robustness_svg=robustness_svg,
    )


def run_indicators(inputs: Mapping[str, Any]) -> dict[str, str]:
    """Code → name of the indicators stored with a published run's inputs."""
    return {
        str(i.get("code")): str(i.get("name") or i.get("code"))
        for i in inputs.get("indicators") or []
        if isinstance(i, Mapping)
    }


def run_tree(inputs: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The criteria tree stored with a published run's inputs."""
    cset = inputs.get("criteria_set") or {}
    return list(cset.get("criteria") or []) if isinstance(cset, Mapping) else []


# --- score entry, assignment ----------------------------------------------------------------------------


def member_units(cluster_year: ClusterYear) -> list[Unit]:
    return [
        m.unit
        for m in ClusterMember.objects.filter(cluster_year=cluster_year)
        .select_related("unit")
        .order_by("position", "unit__name")
    ]


def leaf_criteria(criteria_set: CriteriaSet) -> list[Criterion]:
    return list(
        Criterion.objects.filter(criteria_set=criteria_set).exclude(kind="group").order_by("position")
    )


def scores_of(
    criteria_set: CriteriaSet, *, unit: Unit, layer: str, scorer_unit: Unit | None = None
) -> dict[str, Score]:
    """Criterion code → the stored score of one layer for one unit (and one scorer, for cross scores)."""
    rows = Score.objects.filter(criterion__criteria_set=criteria_set, unit=unit, layer=layer).select_related(
        "criterion"
    )
    rows = (
        rows.filter(scorer_unit=scorer_unit)
        if layer == Layer.CROSS
        else rows.filter(scorer_unit__isnull=True)
    )
    return {s.criterion.code: s for s in rows}


def answers_of(criteria_set: CriteriaSet, unit: Unit) -> dict[str, DiscrepancyAnswer]:
    return {
        a.criterion.code: a
        for a in DiscrepancyAnswer.objects.filter(
            criterion__criteria_set=criteria_set, unit=unit
        ).select_related("criterion")
    }


def assigned_units(criteria_set: CriteriaSet, scorer: Unit) -> list[Unit]:
    """The units `scorer` is assigned to cross-score, in the cluster's order."""
    scored = set(
        CrossAssignment.objects.filter(criteria_set=criteria_set, scorer=scorer).values_list(
            "scored_id", flat=True
        )
    )
    return [u for u in member_units(criteria_set.cluster_year) if u.pk in scored]


@dataclass(frozen=True)
class MatrixCell:
    scorer: Unit
    scored: Unit
    assigned: bool
    has_scores: bool

    @property
    def is_self(self) -> bool:
        return self.scorer.pk == self.scored.pk

    @property
    def name(self) -> str:
        return f"cap-{self.scorer.pk}-{self.scored.pk}"


@dataclass(frozen=True)
class MatrixRow:
    scorer: Unit
    cells: list[MatrixCell]
    gives: int  # how many units it scores
    receives: int  # how many units score it


@dataclass(frozen=True)
class Matrix:
    units: list[Unit]
    rows: list[MatrixRow]
    pair_count: int


def assignment_matrix(criteria_set: CriteriaSet, *, checked: set[tuple[int, int]] | None = None) -> Matrix:
    """The cross-scoring matrix of a criteria set (rows: scorer, columns: scored). `checked` replaces the
    stored pairs, to re-show a refused edit as the person left it."""
    units = member_units(criteria_set.cluster_year)
    stored = set(
        CrossAssignment.objects.filter(criteria_set=criteria_set).values_list("scorer_id", "scored_id")
    )
    pairs = stored if checked is None else checked
    with_scores = set(
        Score.objects.filter(criterion__criteria_set=criteria_set, layer=Layer.CROSS)
        .values_list("scorer_unit_id", "unit_id")
        .distinct()
    )
    rows = [
        MatrixRow(
            scorer=a,
            cells=[MatrixCell(a, b, (a.pk, b.pk) in pairs, (a.pk, b.pk) in with_scores) for b in units],
            gives=sum(1 for b in units if (a.pk, b.pk) in pairs),
            receives=sum(1 for b in units if (b.pk, a.pk) in pairs),
        )
        for a in units
    ]
    return Matrix(units=units, rows=rows, pair_count=len(pairs))


# --- the criteria editor --------------------------------------------------------------------------------


def typed(value: Decimal) -> str:
    """A number as a person types it back (decimal comma, no thousands separator)."""
    return typed_number(value)


def flat_tree(tree: Sequence[Mapping[str, Any]]) -> list[tuple[str, Mapping[str, Any]]]:
    return flatten(tree)


def formula_names(indicators: Mapping[str, str]) -> list[tuple[str, str]]:
    """The names a formula may use with their meaning, for the form's help."""
    return criteria_fields.formula_names(indicators)


@dataclass(frozen=True)
class EditorRow:
    pk: int
    version: int
    code: str
    name: str
    kind: str
    kind_label: str
    depth: int
    max_points: Decimal | None
    method: str
    first: bool  # first of its group: cannot move up
    last: bool  # last of its group: cannot move down


def editor_rows(
    tree: Sequence[Mapping[str, Any]],
    indicators: Mapping[str, str],
    ids: Mapping[str, int],
    versions: Mapping[int, int],
    depth: int = 0,
) -> list[EditorRow]:
    """The draft's tree in reading order, each row with what its actions need."""
    rows: list[EditorRow] = []
    for index, item in enumerate(tree):
        kind = str(item.get("kind") or ("group" if item.get("children") is not None else "score"))
        pk = ids[str(item["code"])]
        rows.append(
            EditorRow(
                pk=pk,
                version=versions.get(pk, 1),
                code=str(item["code"]),
                name=str(item.get("name", "")),
                kind=kind,
                kind_label=criteria_fields.KIND_LABELS.get(kind, kind),
                depth=depth,
                max_points=_dec(item.get("max_points")),
                method=""
                if kind == "group"
                else describe_method(item.get("method"), item.get("max_points"), indicators),
                first=index == 0,
                last=index == len(tree) - 1,
            )
        )
        rows.extend(editor_rows(item.get("children") or [], indicators, ids, versions, depth + 1))
    return rows


@dataclass(frozen=True)
class PreviewTable:
    columns: list[tuple[str, str]]  # (code, name) of every leaf criterion
    rows: list[tuple[int, str, Decimal | None, list[Decimal | None]]]  # rank, unit, total, points


def preview_table(result: Mapping[str, Any], indicators: Mapping[str, str]) -> PreviewTable:
    """A draft scored on last year's data: one row per unit, one column per criterion."""
    ranking = list(result.get("ranking") or [])
    columns = (
        [(str(c["code"]), str(c["name"])) for c in (ranking[0].get("criteria") or [])] if ranking else []
    )
    rows = [
        (
            int(row.get("rank") or 0),
            str(row.get("name")),
            _dec(row.get("total")),
            [_short(_dec(c.get("points"))) for c in row.get("criteria") or []],
        )
        for row in ranking
    ]
    return PreviewTable(columns, rows)


def criterion_preview(
    result: Mapping[str, Any], indicators: Mapping[str, str]
) -> list[tuple[str, Decimal | None, str]]:
    """One criterion scored on last year's data: (unit, points, how) for every unit, in the units' order."""
    out = []
    for row in sorted(result.get("ranking") or [], key=lambda r: str(r.get("name"))):
        crit = (row.get("criteria") or [{}])[0]
        out.append(
            (
                str(row.get("name")),
                _short(_dec(crit.get("points"))),
                in_words(str(crit.get("explanation", "")), indicators),
            )
        )
    return out
