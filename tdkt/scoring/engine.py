"""The scoring engine: criteria → points per member → totals → ranking → leaders. Pure: no Django.

Inputs and outputs are frozen dataclasses of plain values; services build them from the database, the
`tdkt score --input` command from JSON. Every number carries its explanation.

Rules written down here (and tested):
- **Final points of a criterion.** A computed criterion (from an indicator or a formula) takes the
  appraisal if there is one, else the computed points. A judged criterion takes the appraisal if there is
  one, else the mean of the cross scores (or their trimmed mean: with 3 or more cross scores the highest
  and the lowest are dropped), else the self score (flagged "chỉ có tự chấm"), else 0 (flagged "chưa chấm").
- **Bonus and penalty** criteria add or subtract their points, capped at their maximum.
- **Rounding.** Criterion points are kept exact; the total is rounded once, half up, to 0.01 (`TOTAL_PLACES`).
- **Ranking.** By rounded total, highest first, then by the configured tie-break chain (each key highest
  first). Members still equal after the chain share a rank (competition ranking 1, 2, 2, 4), are flagged as an
  unresolved tie, and are listed by name then id, so the order is deterministic.
- **Leaders.** The first `leaders` members in ranking order that are not disqualified; a tie across the
  boundary is reported as undecided ("cần biểu quyết").
"""

from __future__ import annotations

import functools
import hashlib
import json
from bisect import bisect_left, bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

import numpy as np

from tdkt.core.vn import format_number
from tdkt.scoring import formula as formula_lang

ENGINE_VERSION = "1.1.0"
TOTAL_PLACES = Decimal("0.01")
ZERO = Decimal(0)
HUNDRED = Decimal(100)


class ScoringInputError(ValueError):
    """The scoring problem is malformed; `problems` are Vietnamese sentences naming what and where."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))


def _fmt(value: Decimal | None) -> str:
    """Vietnamese number with at most 4 decimals: 1234.5 → 1.234,5."""
    if value is None:
        return "—"
    return format_number(value.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP))


# --------------------------------------------------------------------------------------------- inputs


class Figure(NamedTuple):
    """A member's reported result for an indicator and its registered target. A NamedTuple: a national
    run builds some 80,000 of them, several times faster than frozen dataclasses."""

    value: Decimal
    target: Decimal | None = None
    direction: str = "higher"  # higher | lower

    def percent(self) -> Decimal | None:
        """Percent of target, direction-aware; None without a usable target."""
        if self.target is None:
            return None
        if self.direction == "lower":
            return None if self.value == 0 else self.target / self.value * HUNDRED
        return None if self.target == 0 else self.value / self.target * HUNDRED

    def met(self) -> bool | None:
        if self.target is None:
            return None
        return self.value <= self.target if self.direction == "lower" else self.value >= self.target


@dataclass(frozen=True)
class Member:
    id: str
    name: str
    figures: Mapping[str, Figure] = field(default_factory=dict)  # by indicator code
    values: Mapping[str, Decimal] = field(default_factory=dict)  # named values for formulas and counts
    disqualified: str = ""  # a reason, when a configured disqualifying condition holds


def render(arg: object) -> str:
    """A value as shown in explanations: Decimals the Vietnamese way, tuples joined with ' + '."""
    if isinstance(arg, Decimal):
        return _fmt(arg)
    if isinstance(arg, tuple):
        return " + ".join(render(a) for a in arg)
    return str(arg)


class Text(NamedTuple):
    """An explanation, formatted only when read: writing Vietnamese numbers costs more than scoring."""

    template: str
    args: tuple[object, ...] = ()

    def __str__(self) -> str:
        return self.template.format(*(render(a) for a in self.args))


class Evaluation(NamedTuple):
    points: Decimal
    explanation: Text
    inputs: tuple[tuple[str, object], ...] = ()


class Context:
    """What a method may look at besides its member: every member's figures (for ranks)."""

    def __init__(self, members: Sequence[Member]) -> None:
        self.members = members
        self._rank_cache: dict[str, dict[str, int]] = {}

    def ranks(self, indicator: str) -> dict[str, int]:
        """Member id → rank on an indicator, among members that reported it; 1 is best, equal values share
        the better rank."""
        if indicator not in self._rank_cache:
            reported = [(m.id, m.figures[indicator]) for m in self.members if indicator in m.figures]
            values = sorted(fig.value for _, fig in reported)
            n = len(values)
            ranks: dict[str, int] = {}
            for mid, fig in reported:
                if fig.direction == "lower":
                    better = bisect_left(values, fig.value)  # members with a lower value
                else:
                    better = n - bisect_right(values, fig.value)  # members with a higher value
                ranks[mid] = better + 1
            self._rank_cache[indicator] = ranks
        return self._rank_cache[indicator]

    def rank_of(self, member: Member, indicator: str) -> tuple[int, int] | None:
        """(rank, number ranked) of the member on an indicator (see `ranks`); None if it did not report."""
        ranks = self.ranks(indicator)
        if member.id not in ranks:
            return None
        return ranks[member.id], len(ranks)


# -------------------------------------------------------------------------------------------- methods


def _missing(indicator: str) -> Evaluation:
    return Evaluation(
        ZERO, Text("Chưa có kết quả chỉ tiêu {}: 0 điểm", (indicator,)), (("chỉ tiêu", indicator),)
    )


@dataclass(frozen=True)
class RatioToTarget:
    """Points in proportion to the percentage of target, capped at `cap` %, nothing below `floor` %:
    points = max × min(%, cap) ÷ cap."""

    indicator: str
    cap: Decimal = HUNDRED
    floor: Decimal = ZERO
    label = "Tỷ lệ so với chỉ tiêu"

    def indicators(self) -> set[str]:
        return {self.indicator}

    def evaluate(self, member: Member, max_points: Decimal, ctx: Context) -> Evaluation:
        fig = member.figures.get(self.indicator)
        if fig is None:
            return _missing(self.indicator)
        pct = fig.percent()
        inputs = (("kết quả", fig.value), ("chỉ tiêu", fig.target))
        if pct is None:
            return Evaluation(
                ZERO, Text("Không tính được tỷ lệ so với chỉ tiêu {}: 0 điểm", (fig.target,)), inputs
            )
        if pct < self.floor:
            return Evaluation(ZERO, Text("Đạt {}% < ngưỡng {}%: 0 điểm", (pct, self.floor)), inputs)
        used = min(pct, self.cap)
        points = max_points * used / self.cap
        return Evaluation(
            points,
            Text(
                "Đạt {}% chỉ tiêu; tính tối đa {}%: {} × {} ÷ {} = {} điểm",
                (pct, self.cap, max_points, used, self.cap, points),
            ),
            inputs,
        )

    def column(self, members: Sequence[Member], max_points: Decimal, ctx: Context) -> list[Decimal]:
        """`evaluate(m).points` for every member, without the explanations (the publishing path)."""
        indicator, cap, floor = self.indicator, self.cap, self.floor
        out = []
        for member in members:
            fig = member.figures.get(indicator)
            pct = None if fig is None else fig.percent()
            out.append(ZERO if pct is None or pct < floor else max_points * min(pct, cap) / cap)
        return out


@dataclass(frozen=True)
class StepBands:
    """Points by band: the first band whose threshold the measure reaches. The measure is the percentage
    of target (`on="percent"`) or the value itself (`on="value"`); for a lower-is-better value, bands are
    upper limits (value ≤ threshold)."""

    indicator: str
    bands: tuple[tuple[Decimal, Decimal], ...]  # (threshold, points), best band first
    on: str = "percent"
    label = "Theo mức"

    def indicators(self) -> set[str]:
        return {self.indicator}

    def evaluate(self, member: Member, max_points: Decimal, ctx: Context) -> Evaluation:
        fig = member.figures.get(self.indicator)
        if fig is None:
            return _missing(self.indicator)
        if self.on == "percent":
            measure = fig.percent()
            unit = "% chỉ tiêu"
            if measure is None:
                return Evaluation(ZERO, Text("Không tính được tỷ lệ so với chỉ tiêu: 0 điểm"))
            reached = [(t, p) for t, p in self.bands if measure >= t]
        else:
            measure = fig.value
            unit = ""
            lower = fig.direction == "lower"
            reached = [(t, p) for t, p in self.bands if (measure <= t if lower else measure >= t)]
        inputs = (("kết quả", fig.value), ("chỉ tiêu", fig.target))
        if not reached:
            return Evaluation(ZERO, Text("{}{} chưa đạt mức thấp nhất: 0 điểm", (measure, unit)), inputs)
        threshold, points = reached[0]
        sign = "≤" if self.on != "percent" and fig.direction == "lower" else "≥"
        return Evaluation(
            points, Text("{}{} {} {}: {} điểm", (measure, unit, sign, threshold, points)), inputs
        )

    def column(self, members: Sequence[Member], max_points: Decimal, ctx: Context) -> list[Decimal]:
        """`evaluate(m).points` for every member, without the explanations (the publishing path)."""
        indicator, bands, on_percent = self.indicator, self.bands, self.on == "percent"
        out = []
        for member in members:
            fig = member.figures.get(indicator)
            points = ZERO
            if fig is not None:
                if on_percent:
                    measure = fig.percent()
                    if measure is not None:
                        points = next((p for t, p in bands if measure >= t), ZERO)
                elif fig.direction == "lower":
                    points = next((p for t, p in bands if fig.value <= t), ZERO)
                else:
                    points = next((p for t, p in bands if fig.value >= t), ZERO)
            out.append(points)
        return out


@dataclass(frozen=True)
class Achieved:
    """All the points when the target is met (higher ≥ target, lower ≤ target, yes/no = 1), else none."""

    indicator: str
    label = "Đạt / không đạt"

    def indicators(self) -> set[str]:
        return {self.indicator}

    def evaluate(self, member: Member, max_points: Decimal, ctx: Context) -> Evaluation:
        fig = member.figures.get(self.indicator)
        if fig is None:
            return _missing(self.indicator)
        met = fig.met()
        inputs = (("kết quả", fig.value), ("chỉ tiêu", fig.target))
        if met:
            return Evaluation(
                max_points,
                Text("Đạt chỉ tiêu ({} so với {}): {} điểm", (fig.value, fig.target, max_points)),
                inputs,
            )
        return Evaluation(
            ZERO, Text("Không đạt chỉ tiêu ({} so với {}): 0 điểm", (fig.value, fig.target)), inputs
        )

    def column(self, members: Sequence[Member], max_points: Decimal, ctx: Context) -> list[Decimal]:
        """`evaluate(m).points` for every member, without the explanations (the publishing path)."""
        out = []
        for member in members:
            fig = member.figures.get(self.indicator)
            out.append(max_points if fig is not None and fig.met() else ZERO)
        return out


@dataclass(frozen=True)
class RankAmong:
    """Points by rank among the members on an indicator: the best gets the maximum, the last gets
    `last_share` of it, linearly in between: max × (1 − (rank − 1) ÷ (n − 1) × (1 − last_share))."""

    indicator: str
    last_share: Decimal = ZERO
    label = "Theo thứ hạng trong cụm"

    def indicators(self) -> set[str]:
        return {self.indicator}

    def evaluate(self, member: Member, max_points: Decimal, ctx: Context) -> Evaluation:
        ranked = ctx.rank_of(member, self.indicator)
        if ranked is None:
            return _missing(self.indicator)
        rank, n = ranked
        if n == 1:
            return Evaluation(max_points, Text("Đơn vị duy nhất có kết quả: {} điểm", (max_points,)))
        share = Decimal(1) - Decimal(rank - 1) / Decimal(n - 1) * (Decimal(1) - self.last_share)
        points = max_points * share
        return Evaluation(
            points,
            Text(
                "Xếp thứ {}/{}: {} × (1 − {} ÷ {} × {}) = {} điểm",
                (rank, n, max_points, rank - 1, n - 1, Decimal(1) - self.last_share, points),
            ),
            (("kết quả", member.figures[self.indicator].value),),
        )

    def column(self, members: Sequence[Member], max_points: Decimal, ctx: Context) -> list[Decimal]:
        """`evaluate(m).points` for every member, without the explanations (the publishing path)."""
        ranks = ctx.ranks(self.indicator)
        n = len(ranks)
        if n == 1:
            return [max_points if m.id in ranks else ZERO for m in members]
        # the same operations as `evaluate`, with what does not depend on the member taken out of the loop
        divisor, rest = Decimal(n - 1), Decimal(1) - self.last_share
        out = []
        for member in members:
            rank = ranks.get(member.id)
            out.append(
                ZERO if rank is None else max_points * (Decimal(1) - Decimal(rank - 1) / divisor * rest)
            )
        return out


@dataclass(frozen=True)
class PerCount:
    """A fixed number of points per occurrence of a named value (e.g. −1 per late report), capped at the
    criterion's maximum. Used for bonus and penalty items."""

    value_name: str
    points_each: Decimal
    label = "Theo số lần"

    def indicators(self) -> set[str]:
        return set()

    def value_names(self) -> set[str]:
        return {self.value_name}

    def evaluate(self, member: Member, max_points: Decimal, ctx: Context) -> Evaluation:
        count = member.values.get(self.value_name, ZERO)
        raw = count * self.points_each
        points = min(raw, max_points)
        capped = " (đã chặn ở mức tối đa)" if raw > max_points else ""
        return Evaluation(
            points,
            Text("{} lần × {} = {} điểm{}", (count, self.points_each, raw, capped)),
            ((self.value_name, count),),
        )

    def column(self, members: Sequence[Member], max_points: Decimal, ctx: Context) -> list[Decimal]:
        """`evaluate(m).points` for every member, without the explanations (the publishing path)."""
        return [min(m.values.get(self.value_name, ZERO) * self.points_each, max_points) for m in members]


@dataclass(frozen=True)
class FormulaMethod:
    """A formula over named values and indicator figures (`<CODE>_value`, `<CODE>_target`,
    `<CODE>_percent` with the code's dashes written as underscores), clamped to [0, max]."""

    text: str
    compiled: formula_lang.Formula
    label = "Công thức"

    def indicators(self) -> set[str]:
        # formulas name values, not indicator codes: `validate` checks the names against the catalogue
        return set()

    def value_names(self) -> set[str]:
        return {n for n in self.compiled.names if not n.endswith(("_value", "_target", "_percent"))}

    @staticmethod
    def _env(member: Member) -> dict[str, Decimal]:
        env: dict[str, Decimal] = dict(member.values)
        for code, fig in member.figures.items():
            key = code.replace("-", "_")
            env[f"{key}_value"] = fig.value
            if fig.target is not None:
                env[f"{key}_target"] = fig.target
            pct = fig.percent()
            if pct is not None:
                env[f"{key}_percent"] = pct
        return env

    def evaluate(self, member: Member, max_points: Decimal, ctx: Context) -> Evaluation:
        env = self._env(member)
        missing = self.compiled.names - env.keys()
        if missing:
            return Evaluation(ZERO, Text("Thiếu giá trị {}: 0 điểm", (", ".join(sorted(missing)),)))
        try:
            raw = self.compiled.evaluate(env)
        except formula_lang.FormulaError as exc:
            return Evaluation(ZERO, Text("{}: 0 điểm", (str(exc),)))
        points = max(ZERO, min(raw, max_points))
        used = ", ".join(f"{n} = {_fmt(env[n])}" for n in sorted(self.compiled.names))
        clamp = "" if points == raw else f", giới hạn trong [0; {_fmt(max_points)}]"
        return Evaluation(points, Text("{} với {} = {}{}: {} điểm", (self.text, used, raw, clamp, points)))

    def column(self, members: Sequence[Member], max_points: Decimal, ctx: Context) -> list[Decimal]:
        """`evaluate(m).points` for every member, without the explanations (the publishing path)."""
        out = []
        for member in members:
            env = self._env(member)
            points = ZERO
            if not self.compiled.names - env.keys():
                try:
                    points = max(ZERO, min(self.compiled.evaluate(env), max_points))
                except formula_lang.FormulaError:
                    points = ZERO
            out.append(points)
        return out


@dataclass(frozen=True)
class Judged:
    """Points given by scorers (self, cross, appraisal) within [0, max]."""

    label = "Chấm điểm"

    def indicators(self) -> set[str]:
        return set()


Method = RatioToTarget | StepBands | Achieved | RankAmong | PerCount | FormulaMethod | Judged


@dataclass(frozen=True)
class Criterion:
    code: str
    name: str
    max_points: Decimal
    kind: str = "score"  # group | score | bonus | penalty
    method: Method | None = None
    children: tuple[Criterion, ...] = ()

    def leaves(self) -> list[Criterion]:
        if self.kind == "group":
            return [leaf for child in self.children for leaf in child.leaves()]
        return [self]


class CrossScore(NamedTuple):
    scorer: str  # member id of the scoring unit
    points: Decimal


@dataclass(frozen=True)
class Layers:
    """Scores entered by people, keyed by (member id, criterion code)."""

    self_scores: Mapping[tuple[str, str], Decimal] = field(default_factory=dict)
    cross: Mapping[tuple[str, str], tuple[CrossScore, ...]] = field(default_factory=dict)
    appraisal: Mapping[tuple[str, str], Decimal] = field(default_factory=dict)


@dataclass(frozen=True)
class Rules:
    final_rule: str = "appraisal_else_mean"  # or appraisal_else_trimmed_mean
    discrepancy_gap: Decimal | None = Decimal(2)
    tie_breaks: tuple[str, ...] = ()  # "group:<code>", "criterion:<code>", "targets_met"
    bands: tuple[tuple[Decimal, str], ...] = ()  # (minimum total, label), highest first
    leaders: int = 1
    disqualify_below: tuple[tuple[str, Decimal], ...] = ()  # (criterion code, minimum points)
    # Publication rules (the engine does not score with them; the services apply them): an appraisal that
    # moves a unit's total by more than this many points, or changes who leads, needs the board's
    # confirmation; the head's own unit is appraised by the board ("board") or the deputy's staff ("deputy").
    appraisal_confirm_above: Decimal = Decimal(1)
    head_appraiser: str = "board"


@dataclass(frozen=True)
class Problem:
    """A whole cluster-year to score."""

    members: tuple[Member, ...]
    criteria: tuple[Criterion, ...]  # top level: groups, or criteria directly
    layers: Layers = field(default_factory=Layers)
    rules: Rules = field(default_factory=Rules)
    declared_total: Decimal | None = None
    indicators: frozenset[str] | None = None  # the catalogue; None = do not check


# ------------------------------------------------------------------------------------------- outputs


class CriterionResult(NamedTuple):
    """Hot path: a NamedTuple is several times cheaper to build than a frozen dataclass."""

    code: str
    name: str
    kind: str
    max_points: Decimal
    method: str
    points: Decimal  # final, exact
    source: str  # appraisal | computed | cross_mean | cross_trimmed_mean | self | none
    explanation: Text
    computed: Decimal | None
    self_score: Decimal | None
    cross: tuple[CrossScore, ...]
    appraisal: Decimal | None
    discrepancy: bool
    inputs: tuple[tuple[str, object], ...] = ()


@dataclass(frozen=True)
class MemberResult:
    member_id: str
    name: str
    rank: int
    total: Decimal  # rounded once, half up, to 0.01
    total_exact: Decimal
    classification: str
    groups: tuple[tuple[str, Decimal], ...]
    targets_met: int
    points: tuple[Decimal, ...]  # final points of every leaf criterion, in `Ranking.leaves` order
    sources: tuple[str, ...]  # where each came from, as CriterionResult.source
    discrepancies: tuple[str, ...]  # codes of the leaves whose self score is too far from the final points
    tie_unresolved: bool
    disqualified: str
    flags: tuple[str, ...]
    criteria: tuple[CriterionResult, ...] = ()  # explained, leaf order; empty unless scored with explain


@dataclass(frozen=True)
class Ranking:
    members: tuple[MemberResult, ...]  # in ranking order
    leaders: tuple[str, ...]  # member ids
    leaders_undecided: tuple[str, ...]  # tied across the boundary: the cluster must vote
    tie_break_chain: tuple[str, ...]
    leaves: tuple[tuple[str, str], ...] = ()  # (code, kind) of every leaf: the order of MemberResult.points
    engine_version: str = ENGINE_VERSION


class EngineInconsistency(RuntimeError):
    """The explained evaluation of a criterion disagrees with the publishing path: a bug, never data."""


# ------------------------------------------------------------------------------------------ validation


def validate(problem: Problem) -> list[str]:
    """Every problem with the inputs, as Vietnamese sentences. Empty when the problem can be scored."""
    problems: list[str] = []
    codes: set[str] = set()
    leaves: dict[str, Criterion] = {}
    known_names: set[str] | None = None  # read when a formula or a count needs them (`_known_names`)

    # depth first, in order; a loop rather than a nested recursive function, whose reference cycle
    # would keep every problem alive until the next garbage collection
    stack = list(reversed(problem.criteria))
    while stack:
        c = stack.pop()
        if c.code in codes:
            problems.append(f"Mã tiêu chí “{c.code}” bị trùng")
        codes.add(c.code)
        if c.max_points < 0:
            problems.append(f"Tiêu chí {c.code}: điểm tối đa không được âm")
        if c.kind == "group":
            if not c.children:
                problems.append(f"Nhóm {c.code} không có tiêu chí con")
            scored = sum((ch.max_points for ch in c.children if ch.kind in ("score", "group")), ZERO)
            if scored != c.max_points:
                problems.append(
                    f"Nhóm {c.code} “{c.name}”: tổng điểm tối đa của các tiêu chí con là {_fmt(scored)}, khai báo {_fmt(c.max_points)}"
                )
            stack.extend(reversed(c.children))
        else:
            if c.kind not in ("score", "bonus", "penalty"):
                problems.append(f"Tiêu chí {c.code}: loại “{c.kind}” không hợp lệ")
            if c.method is None:
                problems.append(f"Tiêu chí {c.code}: chưa có phương pháp chấm")
            leaves[c.code] = c
            if problem.indicators is not None and c.method is not None:
                for ind in sorted(c.method.indicators() - problem.indicators):
                    problems.append(
                        f"Tiêu chí {c.code}: phương pháp dùng chỉ tiêu “{ind}” không có trong danh mục"
                    )
            if problem.indicators is not None and isinstance(c.method, FormulaMethod | PerCount):
                if known_names is None:
                    known_names = _known_names(problem, problem.indicators)
                used = (
                    c.method.compiled.names if isinstance(c.method, FormulaMethod) else {c.method.value_name}
                )
                unknown = sorted(used - known_names)
                if unknown:
                    problems.append(f"Tiêu chí {c.code}: dùng tên giá trị không có: {', '.join(unknown)}")
            if isinstance(c.method, StepBands):
                thresholds = [t for t, _ in c.method.bands]
                if any(p > c.max_points or p < 0 for _, p in c.method.bands):
                    problems.append(f"Tiêu chí {c.code}: điểm của một mức vượt quá [0; {_fmt(c.max_points)}]")
                if not c.method.bands:
                    problems.append(f"Tiêu chí {c.code}: chưa khai báo mức")
                if c.method.on == "percent" and thresholds != sorted(thresholds, reverse=True):
                    problems.append(f"Tiêu chí {c.code}: các mức phải xếp từ cao xuống thấp")
            if isinstance(c.method, RatioToTarget) and c.method.cap <= 0:
                problems.append(f"Tiêu chí {c.code}: mức trần phải lớn hơn 0")

    declared = problem.declared_total
    if declared is not None:
        total = sum((c.max_points for c in problem.criteria if c.kind in ("score", "group")), ZERO)
        if total != declared:
            problems.append(f"Tổng điểm tối đa của bộ tiêu chí là {_fmt(total)}, khai báo {_fmt(declared)}")

    ids = [m.id for m in problem.members]
    if len(set(ids)) != len(ids):
        problems.append("Có đơn vị bị kê hai lần")
    known = set(ids)
    maxima = {code: c.max_points for code, c in leaves.items()}
    # a national run checks some 200,000 scores: the loops below only call _check_score for a bad one
    for label, scores in (("tự chấm", problem.layers.self_scores), ("thẩm định", problem.layers.appraisal)):
        for (mid, code), pts in scores.items():
            limit = maxima.get(code)
            if limit is None or mid not in known or pts < ZERO or pts > limit:
                _check_score(problems, label, mid, code, pts, known, leaves)
    for (mid, code), crosses in problem.layers.cross.items():
        if len(crosses) > 1 and len({c.scorer for c in crosses}) != len(crosses):
            problems.append(f"Đơn vị {mid}, tiêu chí {code}: một đơn vị chấm chéo hai lần")
        limit = maxima.get(code)
        stranger = mid not in known
        for scorer, pts in crosses:
            if scorer == mid:
                problems.append(f"Đơn vị {mid} không được tự chấm chéo chính mình (tiêu chí {code})")
            elif scorer not in known:
                problems.append(f"Đơn vị chấm chéo “{scorer}” không thuộc cụm (tiêu chí {code})")
            if limit is None or stranger or pts < ZERO or pts > limit:
                _check_score(problems, f"chấm chéo của {scorer}", mid, code, pts, known, leaves)
    for key in problem.rules.tie_breaks:
        kind, _, code = key.partition(":")
        if (kind == "group" and code not in codes) or (kind == "criterion" and code not in leaves):
            problems.append(f"Tiêu chí phân định khi bằng điểm “{key}” không có trong bộ tiêu chí")
        elif kind not in ("group", "criterion", "targets_met"):
            problems.append(f"Tiêu chí phân định “{key}” không hợp lệ")
    if problem.rules.final_rule not in ("appraisal_else_mean", "appraisal_else_trimmed_mean"):
        problems.append(f"Quy tắc điểm cuối “{problem.rules.final_rule}” không hợp lệ")
    if problem.rules.leaders < 0:
        problems.append("Số đơn vị dẫn đầu không được âm")
    return problems


def _known_names(problem: Problem, catalogue: frozenset[str]) -> set[str]:
    """The names a formula or a count may use: <CODE>, <CODE>_value, _target, _percent (dashes as
    underscores) for every catalogue indicator, and the named values the units carry."""
    known = {m for member in problem.members for m in member.values}
    for code in catalogue:
        key = code.replace("-", "_")
        known |= {key, f"{key}_value", f"{key}_target", f"{key}_percent"}
    return known


def _check_score(
    problems: list[str],
    label: str,
    mid: str,
    code: str,
    pts: Decimal,
    known: set[str],
    leaves: dict[str, Criterion],
) -> None:
    if mid not in known:
        problems.append(f"Điểm {label}: đơn vị “{mid}” không thuộc cụm")
        return
    crit = leaves.get(code)
    if crit is None:
        problems.append(f"Điểm {label} của {mid}: tiêu chí “{code}” không có")
        return
    if pts < 0 or pts > crit.max_points:
        problems.append(
            f"Điểm {label} của {mid}, tiêu chí {code}: {_fmt(pts)} nằm ngoài khoảng [0; {_fmt(crit.max_points)}]"
        )


# ----------------------------------------------------------------------------------------------- scoring
#
# Two paths share one rule. The publishing path works column by column (one leaf criterion for every
# member), keeps only points, sources and discrepancy flags, and is what totals, ranks and leaders are
# made of. The explained path (`score(..., explain=True)`) evaluates each member's criterion again with its
# explanation and must find the same points, source and flag (`EngineInconsistency` otherwise).


def _decide(
    appraisal: Decimal | None,
    computed: Decimal | None,
    cross: tuple[CrossScore, ...],
    own: Decimal | None,
    trimmed: bool,
) -> tuple[Decimal, str]:
    """The final points of a criterion and where they come from (the rule in the module docstring)."""
    if appraisal is not None:
        return appraisal, "appraisal"
    if computed is not None:
        return computed, "computed"
    if cross:
        values = sorted([c.points for c in cross])
        if trimmed and len(values) >= 3:
            kept = values[1:-1]
            return sum(kept, ZERO) / len(kept), "cross_trimmed_mean"
        return sum(values, ZERO) / len(values), "cross_mean"
    if own is not None:
        return own, "self"
    return ZERO, "none"


class _Column(NamedTuple):
    points: list[Decimal]
    sources: list[str]
    flagged: list[bool]


class _Scorable(NamedTuple):
    """The criteria that have scores in the self and appraisal layers (most computed criteria have none)."""

    own: frozenset[str]
    appraised: frozenset[str]

    @classmethod
    def of(cls, layers: Layers) -> _Scorable:
        return cls(
            frozenset(code for _, code in layers.self_scores), frozenset(code for _, code in layers.appraisal)
        )


def _column(
    crit: Criterion, members: Sequence[Member], problem: Problem, ctx: Context, scorable: _Scorable
) -> _Column:
    """One leaf criterion for every member: final points, their source, the discrepancy flag."""
    code = crit.code
    layers = problem.layers
    own_of, cross_of, appraisal_of = layers.self_scores.get, layers.cross.get, layers.appraisal.get
    trimmed = problem.rules.final_rule == "appraisal_else_trimmed_mean"
    gap = problem.rules.discrepancy_gap
    method = crit.method
    computed = (
        None if method is None or isinstance(method, Judged) else method.column(members, crit.max_points, ctx)
    )
    points: list[Decimal] = []
    sources: list[str] = []
    flagged: list[bool] = []
    # `_decide` inlined: this loop runs for every member and criterion of a national run
    if computed is not None and code not in scorable.own and code not in scorable.appraised:
        n = len(members)
        return _Column(list(computed), ["computed"] * n, [False] * n)
    if computed is not None:
        for member, value in zip(members, computed, strict=True):
            key = (member.id, code)
            own = own_of(key)
            pts = appraisal_of(key)
            if pts is None:
                pts, source = value, "computed"
            else:
                source = "appraisal"
            points.append(pts)
            sources.append(source)
            flagged.append(own is not None and gap is not None and abs(own - pts) > gap)
    else:
        for member in members:
            key = (member.id, code)
            own = own_of(key)
            pts = appraisal_of(key)
            if pts is not None:
                source = "appraisal"
            else:
                cross = cross_of(key)
                if cross:
                    values = sorted([c.points for c in cross])
                    if trimmed and len(values) >= 3:
                        kept = values[1:-1]
                        pts, source = sum(kept, ZERO) / len(kept), "cross_trimmed_mean"
                    else:
                        pts, source = sum(values, ZERO) / len(values), "cross_mean"
                elif own is not None:
                    pts, source = own, "self"
                else:
                    pts, source = ZERO, "none"
            points.append(pts)
            sources.append(source)
            flagged.append(own is not None and source != "self" and gap is not None and abs(own - pts) > gap)
    return _Column(points, sources, flagged)


def _final(crit: Criterion, member: Member, problem: Problem, ctx: Context) -> CriterionResult:
    """One member's criterion with its explanation (the explained path)."""
    key = (member.id, crit.code)
    layers = problem.layers
    self_score = layers.self_scores.get(key)
    cross = layers.cross.get(key, ())
    appraisal = layers.appraisal.get(key)
    method = crit.method if crit.method is not None else Judged()
    computed: Decimal | None = None
    inputs: tuple[tuple[str, object], ...] = ()
    if isinstance(method, Judged):
        explanation_base: Text | None = None
    else:
        ev = method.evaluate(member, crit.max_points, ctx)
        computed, explanation_base, inputs = ev.points, ev.explanation, ev.inputs
    trimmed = problem.rules.final_rule == "appraisal_else_trimmed_mean"
    points, source = _decide(appraisal, computed, cross, self_score, trimmed)
    if source == "appraisal":
        explanation = (
            Text("Điểm thẩm định: {} (hệ thống tính: {})", (appraisal, explanation_base))
            if explanation_base is not None
            else Text("Điểm thẩm định: {}", (appraisal,))
        )
    elif source == "computed":
        explanation = explanation_base or Text("")
    elif source == "cross_trimmed_mean":
        values = sorted(c.points for c in cross)
        kept = values[1:-1]
        explanation = Text(
            "Trung bình chấm chéo sau khi bỏ điểm cao nhất ({}) và thấp nhất ({}): ({}) ÷ {} = {}",
            (values[-1], values[0], tuple(kept), len(kept), points),
        )
    elif source == "cross_mean":
        values = sorted(c.points for c in cross)
        explanation = Text("Trung bình chấm chéo: ({}) ÷ {} = {}", (tuple(values), len(values), points))
    elif source == "self":
        explanation = Text("Chỉ có điểm tự chấm: {}", (self_score,))
    else:
        explanation = Text("Chưa được chấm: 0 điểm")
    gap = problem.rules.discrepancy_gap
    discrepancy = (
        gap is not None and self_score is not None and source != "self" and abs(self_score - points) > gap
    )
    return CriterionResult(
        code=crit.code,
        name=crit.name,
        kind=crit.kind,
        max_points=crit.max_points,
        method=method.label,
        points=points,
        source=source,
        explanation=explanation,
        computed=computed,
        self_score=self_score,
        cross=tuple(cross),
        appraisal=appraisal,
        discrepancy=discrepancy,
        inputs=inputs,
    )


def _all_groups(criteria: Sequence[Criterion]) -> list[Criterion]:
    found: list[Criterion] = []
    for c in criteria:
        if c.kind == "group":
            found.append(c)
            found.extend(_all_groups(c.children))
    return found


@dataclass
class _Scored:
    member: Member
    points: tuple[Decimal, ...]
    sources: tuple[str, ...]
    discrepancies: tuple[str, ...]
    exact: Decimal
    total: Decimal
    groups: dict[str, Decimal]
    targets_met: int
    disqualified: str
    flags: tuple[str, ...]
    key: tuple[Decimal, ...] = ()
    criteria: tuple[CriterionResult, ...] = ()


class _Layout(NamedTuple):
    """Where things are in a member's tuple of leaf points."""

    codes: tuple[str, ...]
    penalties: tuple[bool, ...]
    position: dict[str, int]  # leaf code → position
    groups: tuple[tuple[str, tuple[int, ...]], ...]  # group code → positions of its leaves, in tree order


def _layout(leaves: Sequence[Criterion], groups: Sequence[Criterion]) -> _Layout:
    index = {leaf.code: i for i, leaf in enumerate(leaves)}
    return _Layout(
        tuple(leaf.code for leaf in leaves),
        tuple(leaf.kind == "penalty" for leaf in leaves),
        index,
        tuple((g.code, tuple(index[leaf.code] for leaf in g.leaves())) for g in groups),
    )


def _score_member(
    member: Member,
    points: tuple[Decimal, ...],
    sources: tuple[str, ...],
    flagged: tuple[bool, ...],
    rules: Rules,
    layout: _Layout,
) -> _Scored:
    # Penalties count negatively; the sums run in leaf order from 0, so the exact total is the same
    # Decimal whichever path computed the points.
    signed = (
        tuple(-p if neg else p for p, neg in zip(points, layout.penalties, strict=True))
        if any(layout.penalties)
        else points
    )
    exact = sum(signed, ZERO)
    total = exact.quantize(TOTAL_PLACES, rounding=ROUND_HALF_UP)
    group_pts = {code: sum((signed[i] for i in where), ZERO) for code, where in layout.groups}
    met = sum(1 for fig in member.figures.values() if fig.met())
    reasons = [member.disqualified] if member.disqualified else []
    for code, minimum in rules.disqualify_below:
        if code in layout.position and points[layout.position[code]] < minimum:
            reasons.append(
                f"tiêu chí {code} đạt {_fmt(points[layout.position[code]])} < {_fmt(minimum)} điểm"
            )
        elif code in group_pts and group_pts[code] < minimum:
            reasons.append(f"nhóm {code} đạt {_fmt(group_pts[code])} < {_fmt(minimum)} điểm")
    flags = []
    if "self" in sources:
        flags.append("Có tiêu chí chỉ có điểm tự chấm")
    if "none" in sources:
        flags.append("Có tiêu chí chưa được chấm")
    if True in flagged:
        flags.append("Có chênh lệch giữa điểm tự chấm và điểm cuối cần giải trình")
    keys: list[Decimal] = [-total]
    for tb in rules.tie_breaks:
        kind, _, code = tb.partition(":")
        if kind == "group":
            keys.append(-group_pts[code])
        elif kind == "criterion":
            keys.append(-signed[layout.position[code]])
        else:
            keys.append(-Decimal(met))
    discrepancies = (
        tuple(code for code, f in zip(layout.codes, flagged, strict=True) if f) if True in flagged else ()
    )
    return _Scored(
        member,
        points,
        sources,
        discrepancies,
        exact,
        total,
        group_pts,
        met,
        "; ".join(reasons),
        tuple(flags),
        tuple(keys),
    )


def _explain(
    s: _Scored, problem: Problem, ctx: Context, leaves: Sequence[Criterion]
) -> tuple[CriterionResult, ...]:
    results = tuple(_final(leaf, s.member, problem, ctx) for leaf in leaves)
    for r, points, source in zip(results, s.points, s.sources, strict=True):
        if r.points != points or r.source != source or r.discrepancy != (r.code in s.discrepancies):
            raise EngineInconsistency(f"{s.member.id}, {r.code}: {r.points}/{r.source} ≠ {points}/{source}")
    return results


def score(problem: Problem, *, explain: bool = True) -> Ranking:
    """Score, rank and name the leaders. Raises ScoringInputError when `validate` finds problems.

    With `explain`, every member's criteria also carry their explanation (`MemberResult.criteria`);
    without, only the points, sources and discrepancy flags are kept (publishing stores those).
    """
    errors = validate(problem)
    if errors:
        raise ScoringInputError(errors)
    members = problem.members
    ctx = Context(members)
    leaves = [leaf for top in problem.criteria for leaf in top.leaves()]
    layout = _layout(leaves, _all_groups(problem.criteria))
    scorable = _Scorable.of(problem.layers)
    columns = [_column(leaf, members, problem, ctx, scorable) for leaf in leaves]
    if columns:
        points_rows = list(zip(*(c.points for c in columns), strict=True))
        source_rows = list(zip(*(c.sources for c in columns), strict=True))
        flag_rows = list(zip(*(c.flagged for c in columns), strict=True))
    else:
        points_rows, source_rows, flag_rows = [()] * len(members), [()] * len(members), [()] * len(members)
    rules = problem.rules
    scored = [
        _score_member(m, points_rows[i], source_rows[i], flag_rows[i], rules, layout)
        for i, m in enumerate(members)
    ]
    if explain:
        for s in scored:
            s.criteria = _explain(s, problem, ctx, leaves)
    scored.sort(key=lambda s: (s.key, s.member.name, s.member.id))
    key_counts: dict[tuple[Decimal, ...], int] = {}
    for s in scored:
        key_counts[s.key] = key_counts.get(s.key, 0) + 1
    out: list[MemberResult] = []
    previous: tuple[Decimal, ...] | None = None
    rank = 0
    for position, s in enumerate(scored, start=1):
        if s.key != previous:
            rank = position
        previous = s.key
        out.append(
            MemberResult(
                member_id=s.member.id,
                name=s.member.name,
                rank=rank,
                total=s.total,
                total_exact=s.exact,
                classification=next((label for minimum, label in rules.bands if s.total >= minimum), ""),
                groups=tuple(s.groups.items()),
                targets_met=s.targets_met,
                points=s.points,
                sources=s.sources,
                discrepancies=s.discrepancies,
                tie_unresolved=key_counts[s.key] > 1,
                disqualified=s.disqualified,
                flags=s.flags,
                criteria=s.criteria,
            )
        )
    leaders, undecided = _leaders(out, rules.leaders)
    leaf_kinds = tuple((leaf.code, leaf.kind) for leaf in leaves)
    return Ranking(tuple(out), leaders, undecided, rules.tie_breaks, leaf_kinds)


def _leaders(ranked: Sequence[MemberResult], count: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
    eligible = [m for m in ranked if not m.disqualified]
    if count == 0 or not eligible:
        return (), ()
    chosen = eligible[:count]
    boundary_rank = chosen[-1].rank
    at_boundary = [m for m in eligible if m.rank == boundary_rank]
    if len([m for m in eligible if m.rank <= boundary_rank]) > count:
        decided = tuple(m.member_id for m in eligible if m.rank < boundary_rank)
        return decided, tuple(m.member_id for m in at_boundary)
    return tuple(m.member_id for m in chosen), ()


# ----------------------------------------------------------------------------------------- robustness


@dataclass(frozen=True)
class Robustness:
    leader_id: str | None
    runner_up_id: str | None
    margin: Decimal | None  # leader's total minus the runner-up's
    perturbation: Decimal
    draws: int
    seed: int
    leader_stays_first: Decimal  # share of draws, 0..1
    first_place_shares: tuple[tuple[str, Decimal], ...]  # member id → share of draws ranked first
    deciding_criteria: tuple[
        tuple[str, Decimal], ...
    ]  # criterion code → leader minus runner-up, largest first


@functools.lru_cache(maxsize=8)
def _weights(seed: int, perturbation: float, draws: int, criteria: int) -> np.ndarray:
    """The draws × criteria weight multipliers: the same for every cluster scored with the same seed,
    perturbation and number of criteria (a national run draws them once). Read-only: it is shared."""
    rng = np.random.default_rng(seed)
    weights = 1.0 + rng.uniform(-perturbation, perturbation, size=(draws, criteria))
    weights.flags.writeable = False
    return weights


def robustness(
    problem: Problem,
    ranking: Ranking,
    *,
    perturbation: Decimal = Decimal("0.10"),
    draws: int = 1000,
    seed: int = 2024,
) -> Robustness:
    """How firmly the first stays first when every criterion's weight moves by up to ±`perturbation`.

    Each draw multiplies each leaf criterion's final points by (1 + u), u uniform in [−p, p], drawn by
    NumPy's seeded generator so the report can be reproduced. Floats are used here: this is a sensitivity
    analysis, not the official total. Disqualified units (failing a disqualifying minimum) are left out:
    the leader, the runner-up and the first-place shares are among the units that may lead.
    """
    # the contest as decided: a disqualified unit can lead nothing, so it is left out of every draw
    members = tuple(m for m in ranking.members if not m.disqualified)
    if not members:
        return Robustness(None, None, None, perturbation, draws, seed, Decimal(0), (), ())
    leader = members[0]
    runner = members[1] if len(members) > 1 else None
    penalty = [kind == "penalty" for _, kind in ranking.leaves]
    sign = np.array([-1.0 if neg else 1.0 for neg in penalty])
    # criteria × members, in ranking order, penalties negative
    points = np.array([m.points for m in members], dtype=float).T * sign[:, None]
    weights = _weights(seed, float(perturbation), draws, len(sign))
    totals = weights @ points  # draws × members
    # argmax takes the first maximum: an exact tie keeps the official (ranking) order
    firsts = np.bincount(np.argmax(totals, axis=1), minlength=len(members))
    first_counts = {m.member_id: int(n) for m, n in zip(members, firsts, strict=True)}
    shares = tuple(
        (mid, (Decimal(n) / Decimal(draws)).quantize(Decimal("0.001")))
        for mid, n in sorted(first_counts.items(), key=lambda kv: -kv[1])
        if n
    )
    deciding: tuple[tuple[str, Decimal], ...] = ()
    margin = None
    if runner is not None:
        margin = leader.total - runner.total
        diffs = [
            (code, (-a if neg else a) - (-b if neg else b))
            for (code, _), neg, a, b in zip(
                ranking.leaves, penalty, leader.points, runner.points, strict=True
            )
            if a != b
        ]
        deciding = tuple(sorted(diffs, key=lambda kv: (-abs(kv[1]), kv[0])))
    stays = Decimal(first_counts[leader.member_id]) / Decimal(draws) if draws else Decimal(0)
    return Robustness(
        leader.member_id,
        runner.member_id if runner else None,
        margin,
        perturbation,
        draws,
        seed,
        stays.quantize(Decimal("0.001")),
        shares,
        deciding,
    )


# -------------------------------------------------------------------------------------------- hashing


# json.dumps with these options would build a new encoder on every call (a national publication makes
# thousands of calls, most of them for small values)
_CANONICAL = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def canonical_json(payload: object) -> str:
    """The canonical JSON text of a document: sorted keys, no spaces, UTF-8 as is, Decimals as strings.
    A published run stores exactly this text, and its SHA-256 is the inputs hash."""
    return _CANONICAL.encode(payload)


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def inputs_hash(payload: object) -> str:
    """SHA-256 of the canonical JSON of the inputs (sorted keys, Decimals as strings)."""
    return text_hash(canonical_json(payload))
