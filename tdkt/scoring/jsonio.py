"""JSON in and out of the scoring engine. Pure: no Django.

The input format is described by docs/schemas/score-input.schema.json, with an example in
docs/examples/score-quang-nam-2024.json. Numbers may be JSON numbers or strings: machine format (digits
and at most one dot, the decimal point: `"54.9"`, `"1.234"` = 1.234) or Vietnamese style (`"54,9"`,
`"199.121,158"`, `"1.234.567"`). Every problem is reported in Vietnamese with its path in
the document (e.g. `units[2].results.GIAI-NGAN.value`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple

from tdkt.core import strictjson
from tdkt.core.vn import NumberFormatError, parse_number
from tdkt.scoring import formula as formula_lang
from tdkt.scoring.engine import (
    Achieved,
    Criterion,
    CrossScore,
    Figure,
    FormulaMethod,
    Judged,
    Layers,
    Member,
    MemberResult,
    Method,
    PerCount,
    Problem,
    RankAmong,
    Ranking,
    RatioToTarget,
    Robustness,
    Rules,
    ScoringInputError,
    StepBands,
    canonical_json,
    inputs_hash,
    render,
    robustness,
    score,
    text_hash,
)

# A string with digits and at most one dot is machine format: the dot is the decimal point ("1.234" is
# 1.234). Anything else is read the Vietnamese way ("1.234.567", "199.121,158", "54,9%").
_MACHINE = re.compile(r"^-?\d+(\.\d+)?$")


def read_number(value: Any) -> Decimal:
    """A number as documents write it: a JSON number, a machine-format string, or a Vietnamese one.
    Raises NumberFormatError (Vietnamese message) otherwise."""
    if isinstance(value, str) and _MACHINE.match(value):
        return Decimal(value)
    return parse_number(value).value


METHOD_TYPES = ("ratio", "bands", "achieved", "rank", "judged", "per_count", "formula")

# Who appraises the scores of the cluster head's own unit (rules.head_appraiser), with its label
HEAD_APPRAISERS = {
    "board": "Ban Thi đua – Khen thưởng tỉnh",
    "deputy": "đơn vị Phó Trưởng cụm",
}


@dataclass(frozen=True)
class RobustnessSettings:
    perturbation: Decimal = Decimal("0.10")
    draws: int = 1000
    seed: int = 2024


class AppraisalNote(NamedTuple):
    """Who appraised a score, why, and who on the board confirmed it ("" when nobody needed to)."""

    reason: str
    by: str = ""
    confirmed_by: str = ""


@dataclass(frozen=True)
class Notes:
    """What the published explanation shows beside the points but the engine does not score with: each
    appraisal's reason, appraiser and confirmation, and the units' answers to discrepancy flags, keyed by
    (unit id, criterion code)."""

    appraisals: Mapping[tuple[str, str], AppraisalNote] = field(default_factory=dict)
    answers: Mapping[tuple[str, str], str] = field(default_factory=dict)


@dataclass(frozen=True)
class Parsed:
    problem: Problem
    robustness: RobustnessSettings
    meta: dict[str, Any]
    notes: Notes = field(default_factory=Notes)


class _Reader:
    def __init__(self) -> None:
        self.problems: list[str] = []

    def fail(self, path: str, message: str) -> None:
        self.problems.append(f"{path}: {message}")

    def obj(self, value: Any, path: str) -> Mapping[str, Any]:
        if not isinstance(value, dict):
            self.fail(path, "phải là một đối tượng JSON {…}")
            return {}
        return value

    def arr(self, value: Any, path: str) -> list[Any]:
        if not isinstance(value, list):
            self.fail(path, "phải là một danh sách […]")
            return []
        return value

    def text(self, value: Any, path: str, *, required: bool = True) -> str:
        """A string as names are compared: Unicode NFC, trimmed (the same name typed in either of
        Vietnamese's two Unicode forms, or with a trailing space, is the same name)."""
        if value is None and not required:
            return ""
        if not isinstance(value, str) or (required and not value.strip()):
            self.fail(path, "phải là một chuỗi không rỗng")
            return ""
        return strictjson.nfc_name(value)

    def number(self, value: Any, path: str, *, required: bool = True) -> Decimal | None:
        if value is None:
            if required:
                self.fail(path, "thiếu giá trị số")
            return None
        try:
            return read_number(value)
        except NumberFormatError as exc:
            self.fail(path, str(exc))
            return None

    def integer(self, value: Any, path: str, default: int) -> int:
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(path, "phải là số nguyên")
            return default
        return value


class _Head(NamedTuple):
    directions: dict[str, str]
    catalogue: frozenset[str] | None
    criteria: tuple[Criterion, ...]
    declared: Decimal | None


def _parse_head(r: _Reader, doc: Mapping[str, Any]) -> _Head:
    """The indicator catalogue and the criteria set."""
    indicators_doc = r.arr(doc.get("indicators", []), "indicators")
    directions: dict[str, str] = {}
    for i, ind in enumerate(indicators_doc):
        ind = r.obj(ind, f"indicators[{i}]")
        code = r.text(ind.get("code"), f"indicators[{i}].code")
        direction = ind.get("direction", "higher")
        if direction not in ("higher", "lower"):
            r.fail(f"indicators[{i}].direction", "phải là “higher” hoặc “lower”")
        if code:
            directions[code] = direction
    catalogue = frozenset(directions) if "indicators" in doc else None

    cset = r.obj(doc.get("criteria_set"), "criteria_set")
    criteria = tuple(
        c
        for i, raw in enumerate(r.arr(cset.get("criteria"), "criteria_set.criteria"))
        if (c := _criterion(r, raw, f"criteria_set.criteria[{i}]")) is not None
    )
    declared = r.number(cset.get("total"), "criteria_set.total", required=False)
    return _Head(directions, catalogue, criteria, declared)


def _parse_tail(r: _Reader, doc: Mapping[str, Any]) -> tuple[Rules, RobustnessSettings]:
    """The rules and the robustness settings."""
    rules = _rules(r, r.obj(doc.get("rules", {}), "rules"))
    rob = r.obj(doc.get("robustness", {}), "robustness")
    settings = RobustnessSettings(
        perturbation=r.number(rob.get("perturbation", "0.10"), "robustness.perturbation") or Decimal("0.10"),
        draws=r.integer(rob.get("draws"), "robustness.draws", 1000),
        seed=r.integer(rob.get("seed"), "robustness.seed", 2024),
    )
    if not 0 <= settings.perturbation < 1:
        r.fail("robustness.perturbation", "phải nằm trong [0; 1), ví dụ 0.10 cho ±10%")
    if not 0 < settings.draws <= 100_000:
        r.fail("robustness.draws", "phải từ 1 đến 100.000")
    return rules, settings


def _meta(doc: Mapping[str, Any]) -> dict[str, Any]:
    return {k: doc[k] for k in ("cluster", "year", "criteria_version") if k in doc}


SCHEMA = "score-input.schema.json"


def parse_strict(document: Any) -> Parsed:
    """`parse` for a document from outside (`tdkt score --input`, the API's /score): first checked against
    docs/schemas/score-input.schema.json, so an unknown key (a misspelling) or a value of the wrong type is
    refused with its JSON path, never ignored. Documents built from stored data are parsed as they are."""
    found = strictjson.problems(document, SCHEMA)
    if found:
        raise ScoringInputError(strictjson.lines(found))
    return parse(document)


def run_strict(document: Any) -> dict[str, Any]:
    """`run` for a document from outside: checked against the schema first (see `parse_strict`)."""
    return explained(parse_strict(document), inputs_hash(document))


def parse(document: Any) -> Parsed:
    """Build the engine's problem from a JSON document; raises ScoringInputError listing every problem."""
    r = _Reader()
    doc = r.obj(document, "$")
    head = _parse_head(r, doc)
    directions, catalogue = head.directions, head.catalogue

    members: list[Member] = []
    for i, raw in enumerate(r.arr(doc.get("units"), "units")):
        path = f"units[{i}]"
        unit = r.obj(raw, path)
        uid = r.text(unit.get("id"), f"{path}.id")
        name = r.text(unit.get("name"), f"{path}.name")
        figures: dict[str, Figure] = {}
        for code, fig in r.obj(unit.get("results", {}), f"{path}.results").items():
            fpath = f"{path}.results.{code}"
            if catalogue is not None and code not in catalogue:
                r.fail(fpath, f"chỉ tiêu “{code}” không có trong danh mục indicators")
            if isinstance(fig, dict):
                value = r.number(fig.get("value"), f"{fpath}.value")
                target = r.number(fig.get("target"), f"{fpath}.target", required=False)
            else:
                value, target = r.number(fig, fpath), None
            if value is not None:
                figures[code] = Figure(value, target, directions.get(code, "higher"))
        values = {
            k: v
            for k, raw_v in r.obj(unit.get("values", {}), f"{path}.values").items()
            if (v := r.number(raw_v, f"{path}.values.{k}")) is not None
        }
        disq = unit.get("disqualified", "")
        if not isinstance(disq, str):
            r.fail(f"{path}.disqualified", "phải là chuỗi (lý do) hoặc bỏ trống")
            disq = ""
        members.append(Member(uid, name, figures, values, disq))

    appraisal_notes: dict[tuple[str, str], AppraisalNote] = {}
    layers = _layers(r, r.obj(doc.get("scores", {}), "scores"), appraisal_notes)
    answers = _answers(r, doc.get("answers", []))
    rules, settings = _parse_tail(r, doc)
    if r.problems:
        raise ScoringInputError(r.problems)
    problem = Problem(tuple(members), head.criteria, layers, rules, head.declared, catalogue)
    return Parsed(problem, settings, _meta(doc), Notes(appraisal_notes, answers))


# ------------------------------------------------------------------------------- documents from stored data
#
# Publishing builds a document from the database, stores its canonical text and scores it. Writing that
# text and parsing it again would cost more than scoring, so `build` writes the canonical text and the
# engine's problem side by side from the same plain rows. The problem is exactly `parse(json.loads(text))`
# (tested); anything unusual in the rows (an empty code, a number not in machine format, a score given
# twice) makes `build` parse the text instead, so every message stays the one `parse` gives.


class UnitRows(NamedTuple):
    """A unit as stored: its id (code), name and year-end results by indicator code, numbers in machine
    format ("54.9"), in the order of the cluster's indicators."""

    id: str
    name: str
    results: Mapping[str, tuple[str, str | None]]  # indicator code → (value, target or None)


# A layer score as stored: (scored unit id, the criterion's position in its set, scoring unit id for a
# cross score else "", criterion code, points in machine format); an appraisal adds (reason, appraiser,
# confirmer), the last two "" when unknown or unneeded. Sorted, a layer's rows are in document order: by
# scored unit, criterion, scoring unit.
ScoreRow = tuple[Any, ...]

LAYERS = ("self", "cross", "appraisal")


@dataclass(frozen=True)
class Built:
    """A document built from stored data."""

    text: str  # its canonical JSON (engine.canonical_json of the document)
    hash: str  # SHA-256 of the text: the inputs hash
    parsed: Parsed  # the engine's problem: parse(json.loads(text))

    def document(self) -> dict[str, Any]:
        loaded: dict[str, Any] = json.loads(self.text)
        return loaded


class _Irregular(Exception):
    """Rows that `parse` would refuse or read differently: parse the text instead."""


class _Escaped(dict[str, str]):
    """JSON string literals, each written once."""

    def __missing__(self, text: str) -> str:
        out = self[text] = json.dumps(text, ensure_ascii=False)
        return out


class _Codes(dict[str, str]):
    """Ids and codes as `parse` reads them (NFC, trimmed), each once; an empty one is irregular."""

    def __missing__(self, text: str) -> str:
        out = strictjson.nfc_name(text) if isinstance(text, str) else ""
        if not out:
            raise _Irregular
        self[text] = out
        return out


class _Numbers(dict[str, Decimal]):
    """Machine-format numbers read once each (points and results repeat a lot)."""

    def __missing__(self, text: str) -> Decimal:
        if not isinstance(text, str) or not _MACHINE.match(text):
            raise _Irregular
        out = self[text] = Decimal(text)
        return out


class Builder:
    """Builds documents from stored data (`build`); one builder for many documents shares what they have
    in common: escaped strings, numbers, and a criteria set written the same way is read once."""

    def __init__(self) -> None:
        self.esc = _Escaped()
        self.numbers = _Numbers()
        self.codes = _Codes()
        self.heads: dict[tuple[str | None, ...], tuple[_Head, Rules, RobustnessSettings, list[str]]] = {}

    def build(
        self, head: Mapping[str, Any], units: Sequence[UnitRows], scores: Mapping[str, Sequence[ScoreRow]]
    ) -> Built:
        """The document of `head` (every key but "units" and "scores", as plain JSON values), the units
        and the layer scores; raises ScoringInputError as `parse` would."""
        pieces = {key: canonical_json(value) for key, value in head.items() if key not in ("units", "scores")}
        memo = tuple(pieces.get(k) for k in ("indicators", "criteria_set", "rules", "robustness"))
        if memo not in self.heads:
            r = _Reader()
            parsed_head = _parse_head(r, head)
            rules, settings = _parse_tail(r, head)
            self.heads[memo] = (parsed_head, rules, settings, r.problems)
        parsed_head, rules, settings, problems = self.heads[memo]
        pieces["units"], members = self._units(units, None if problems else parsed_head)
        appraisal_notes: dict[tuple[str, str], AppraisalNote] = {}
        pieces["scores"], layers = self._scores(scores, members is not None, appraisal_notes)
        text = self._join(pieces)
        reader = _Reader()
        answers = _answers(reader, head.get("answers", []))
        if members is None or layers is None or reader.problems:
            return Built(text, text_hash(text), parse(json.loads(text)))
        criteria, declared, catalogue = parsed_head.criteria, parsed_head.declared, parsed_head.catalogue
        problem = Problem(members, criteria, layers, rules, declared, catalogue)
        notes = Notes(appraisal_notes, answers)
        return Built(text, text_hash(text), Parsed(problem, settings, _meta(head), notes))

    def text(
        self, head: Mapping[str, Any], units: Sequence[UnitRows], scores: Mapping[str, Sequence[ScoreRow]]
    ) -> str:
        """The document's canonical JSON text alone."""
        pieces = {key: canonical_json(value) for key, value in head.items() if key not in ("units", "scores")}
        pieces["units"], _ = self._units(units, None)
        pieces["scores"], _ = self._scores(scores, False)
        return self._join(pieces)

    def _join(self, pieces: Mapping[str, str]) -> str:
        esc = self.esc
        return "{" + ",".join(f"{esc[key]}:{pieces[key]}" for key in sorted(pieces)) + "}"

    # Each list is written (canonical_json by hand: keys in sorted order, strings escaped by json, numbers
    # already machine-format strings) and read as `parse(json.loads(text))` would read it, in the same
    # order, in one pass; the reading stops (None) at anything irregular.

    def _units(self, units: Sequence[UnitRows], head: _Head | None) -> tuple[str, tuple[Member, ...] | None]:
        esc = self.esc
        out = []
        members: list[Member] | None = [] if head is not None else None
        for unit in units:
            results = sorted(unit.results.items())
            named = sorted(
                {code.replace("-", "_"): value for code, (value, _) in unit.results.items()}.items()
            )
            figures = ",".join(
                f'{esc[code]}:{{"target":"{target}","value":"{value}"}}'
                if target is not None
                else f'{esc[code]}:{{"value":"{value}"}}'
                for code, (value, target) in results
            )
            values = ",".join(f'{esc[name]}:"{value}"' for name, value in named)
            out.append(
                f'{{"id":{esc[unit.id]},"name":{esc[unit.name]},"results":{{{figures}}},"values":{{{values}}}}}'
            )
            if members is not None and head is not None:
                try:
                    members.append(self._member(unit, results, named, head))
                except _Irregular:
                    members = None
        return "[" + ",".join(out) + "]", None if members is None else tuple(members)

    def _member(
        self,
        unit: UnitRows,
        results: list[tuple[str, tuple[str, str | None]]],
        named: list[tuple[str, str]],
        head: _Head,
    ) -> Member:
        uid, name = strictjson.nfc_name(unit.id), strictjson.nfc_name(unit.name)
        if not uid or not name:
            raise _Irregular
        directions, catalogue, numbers = head.directions, head.catalogue, self.numbers
        figures: dict[str, Figure] = {}
        for code, (value, target) in results:
            if catalogue is not None and code not in catalogue:
                raise _Irregular
            figures[code] = Figure(
                numbers[value], None if target is None else numbers[target], directions.get(code, "higher")
            )
        return Member(uid, name, figures, {k: numbers[v] for k, v in named}, "")

    def _appraisals(self, rows: Sequence[ScoreRow]) -> str:
        """Appraisal entries: with their reason, and who appraised and confirmed when known."""
        esc = self.esc
        out = []
        for unit, _, _, crit, points, reason, by, confirmed in rows:
            extra = (f'"by":{esc[by]},' if by else "") + (
                f'"confirmed_by":{esc[confirmed]},' if confirmed else ""
            )
            out.append(
                f'{{{extra}"criterion":{esc[crit]},"points":"{points}","reason":{esc[reason]},"unit":{esc[unit]}}}'
            )
        return ",".join(out)

    def _scores(
        self,
        scores: Mapping[str, Sequence[ScoreRow]],
        read: bool,
        notes: dict[tuple[str, str], AppraisalNote] | None = None,
    ) -> tuple[str, Layers | None]:
        esc, numbers, code = self.esc, self.numbers, self.codes
        texts = []
        single: dict[str, dict[tuple[str, str], Decimal]] = {"self": {}, "appraisal": {}}
        cross: dict[tuple[str, str], tuple[CrossScore, ...]] = {}
        for layer in sorted(LAYERS):
            rows = scores.get(layer, ())
            entries = (
                self._appraisals(rows)
                if layer == "appraisal"
                else ",".join(
                    f'{{"criterion":{esc[crit]},"points":"{points}","scorer":{esc[scorer]},"unit":{esc[unit]}}}'
                    if scorer
                    else f'{{"criterion":{esc[crit]},"points":"{points}","unit":{esc[unit]}}}'
                    for unit, _, scorer, crit, points, *_ in rows
                )
            )
            texts.append(f'"{layer}":[{entries}]')
            if not read:
                continue
            try:
                if layer == "cross":
                    # a unit's cross scores on a criterion are consecutive rows
                    current: tuple[str, str] | None = None
                    bucket: list[CrossScore] = []
                    for unit, _, scorer, crit, points, *_ in rows:
                        key = (code[unit], code[crit])
                        if key != current:
                            if current is not None:
                                cross[current] = tuple(bucket)
                            if key in cross:
                                raise _Irregular
                            current, bucket = key, []
                        bucket.append(CrossScore(code[scorer], numbers[points]))
                    if current is not None:
                        cross[current] = tuple(bucket)
                else:
                    target = single[layer]
                    for unit, _, _, crit, points, *extra in rows:
                        key = (code[unit], code[crit])
                        if key in target:
                            raise _Irregular
                        target[key] = numbers[points]
                        if extra:
                            reason, by, confirmed = extra
                            if not isinstance(reason, str) or not reason.strip():
                                raise _Irregular
                            if notes is not None:
                                nfc = strictjson.nfc_name
                                notes[key] = AppraisalNote(nfc(reason), nfc(by), nfc(confirmed))
            except _Irregular:
                read = False
        text = "{" + ",".join(texts) + "}"
        return text, Layers(single["self"], cross, single["appraisal"]) if read else None


def build(
    head: Mapping[str, Any], units: Sequence[UnitRows], scores: Mapping[str, Sequence[ScoreRow]]
) -> Built:
    """One document (see `Builder.build`)."""
    return Builder().build(head, units, scores)


def parse_criteria(raw: Any) -> tuple[tuple[Criterion, ...], list[str]]:
    """The criteria tree alone (the `criteria_set.criteria` list), with its problems."""
    r = _Reader()
    criteria = tuple(
        c
        for i, item in enumerate(r.arr(raw, "criteria"))
        if (c := _criterion(r, item, f"criteria[{i}]")) is not None
    )
    return criteria, r.problems


def parse_rules(raw: Any) -> tuple[Rules, list[str]]:
    """The rules alone (the `rules` object), with their problems."""
    r = _Reader()
    rules = _rules(r, r.obj(raw, "rules"))
    return rules, r.problems


def _method(r: _Reader, raw: Any, path: str) -> Method | None:
    spec = r.obj(raw, path)
    kind = spec.get("type")
    if kind not in METHOD_TYPES:
        r.fail(f"{path}.type", f"phải là một trong: {', '.join(METHOD_TYPES)}")
        return None
    if kind == "judged":
        return Judged()
    if kind in ("ratio", "bands", "achieved", "rank"):
        indicator = r.text(spec.get("indicator"), f"{path}.indicator")
        if kind == "ratio":
            cap = r.number(spec.get("cap", 100), f"{path}.cap") or Decimal(100)
            floor = r.number(spec.get("floor", 0), f"{path}.floor") or Decimal(0)
            return RatioToTarget(indicator, cap, floor)
        if kind == "achieved":
            return Achieved(indicator)
        if kind == "rank":
            return RankAmong(
                indicator, r.number(spec.get("last_share", 0), f"{path}.last_share") or Decimal(0)
            )
        bands: list[tuple[Decimal, Decimal]] = []
        for j, band in enumerate(r.arr(spec.get("bands"), f"{path}.bands")):
            if not isinstance(band, list) or len(band) != 2:
                r.fail(f"{path}.bands[{j}]", "mỗi mức là [ngưỡng, điểm]")
                continue
            t = r.number(band[0], f"{path}.bands[{j}][0]")
            p = r.number(band[1], f"{path}.bands[{j}][1]")
            if t is not None and p is not None:
                bands.append((t, p))
        on = spec.get("on", "percent")
        if on not in ("percent", "value"):
            r.fail(f"{path}.on", "phải là “percent” hoặc “value”")
        return StepBands(indicator, tuple(bands), on)
    if kind == "per_count":
        name = r.text(spec.get("value"), f"{path}.value")
        each = r.number(spec.get("points_each"), f"{path}.points_each")
        return PerCount(name, each or Decimal(0))
    text = r.text(spec.get("expression"), f"{path}.expression")
    try:
        return FormulaMethod(text, formula_lang.parse(text))
    except formula_lang.FormulaError as exc:
        r.fail(f"{path}.expression", str(exc))
        return None


def _criterion(r: _Reader, raw: Any, path: str) -> Criterion | None:
    spec = r.obj(raw, path)
    code = r.text(spec.get("code"), f"{path}.code")
    name = r.text(spec.get("name"), f"{path}.name")
    max_points = r.number(spec.get("max_points"), f"{path}.max_points")
    children_raw = spec.get("children")
    kind = spec.get("kind", "group" if children_raw is not None else "score")
    if kind not in ("group", "score", "bonus", "penalty"):
        r.fail(f"{path}.kind", "phải là group, score, bonus hoặc penalty")
        return None
    if kind == "group":
        children = tuple(
            c
            for j, ch in enumerate(r.arr(children_raw, f"{path}.children"))
            if (c := _criterion(r, ch, f"{path}.children[{j}]")) is not None
        )
        return Criterion(code, name, max_points or Decimal(0), "group", None, children)
    if "method" not in spec:
        r.fail(f"{path}.method", "thiếu phương pháp chấm")
        return None
    method = _method(r, spec["method"], f"{path}.method")
    return Criterion(code, name, max_points or Decimal(0), kind, method)


def _answers(r: _Reader, raw: Any) -> dict[tuple[str, str], str]:
    """The units' answers to discrepancy flags: [{"unit", "criterion", "answer"}]."""
    out: dict[tuple[str, str], str] = {}
    for i, item in enumerate(r.arr(raw, "answers")):
        path = f"answers[{i}]"
        entry = r.obj(item, path)
        key = (r.text(entry.get("unit"), f"{path}.unit"), r.text(entry.get("criterion"), f"{path}.criterion"))
        text = r.text(entry.get("answer"), f"{path}.answer")
        if key in out:
            r.fail(path, f"giải trình của {key[0]}, tiêu chí {key[1]} bị nhập hai lần")
        out[key] = text
    return out


def _layers(
    r: _Reader, doc: Mapping[str, Any], notes: dict[tuple[str, str], AppraisalNote] | None = None
) -> Layers:
    self_scores: dict[tuple[str, str], Decimal] = {}
    appraisal: dict[tuple[str, str], Decimal] = {}
    cross: dict[tuple[str, str], list[CrossScore]] = {}
    for layer, target in (("self", self_scores), ("appraisal", appraisal)):
        for i, raw in enumerate(r.arr(doc.get(layer, []), f"scores.{layer}")):
            path = f"scores.{layer}[{i}]"
            entry = r.obj(raw, path)
            key = (
                r.text(entry.get("unit"), f"{path}.unit"),
                r.text(entry.get("criterion"), f"{path}.criterion"),
            )
            points = r.number(entry.get("points"), f"{path}.points")
            if key in target:
                r.fail(path, f"điểm của {key[0]}, tiêu chí {key[1]} bị nhập hai lần")
            if layer == "appraisal":
                # every appraisal says why: the published explanation shows it beside the points
                note = AppraisalNote(
                    r.text(entry.get("reason"), f"{path}.reason"),
                    r.text(entry.get("by"), f"{path}.by", required=False),
                    r.text(entry.get("confirmed_by"), f"{path}.confirmed_by", required=False),
                )
                if notes is not None:
                    notes[key] = note
            if points is not None:
                target[key] = points
    for i, raw in enumerate(r.arr(doc.get("cross", []), "scores.cross")):
        path = f"scores.cross[{i}]"
        entry = r.obj(raw, path)
        key = (r.text(entry.get("unit"), f"{path}.unit"), r.text(entry.get("criterion"), f"{path}.criterion"))
        scorer = r.text(entry.get("scorer"), f"{path}.scorer")
        points = r.number(entry.get("points"), f"{path}.points")
        if points is not None:
            cross.setdefault(key, []).append(CrossScore(scorer, points))
    return Layers(self_scores, {k: tuple(v) for k, v in cross.items()}, appraisal)


def _rules(r: _Reader, doc: Mapping[str, Any]) -> Rules:
    bands: list[tuple[Decimal, str]] = []
    for i, band in enumerate(r.arr(doc.get("bands", []), "rules.bands")):
        if not isinstance(band, list) or len(band) != 2 or not isinstance(band[1], str):
            r.fail(f"rules.bands[{i}]", "mỗi mức xếp loại là [điểm tối thiểu, “tên”]")
            continue
        minimum = r.number(band[0], f"rules.bands[{i}][0]")
        if minimum is not None:
            bands.append((minimum, band[1]))
    if [b[0] for b in bands] != sorted((b[0] for b in bands), reverse=True):
        r.fail("rules.bands", "các mức xếp loại phải xếp từ cao xuống thấp")
    disq: list[tuple[str, Decimal]] = []
    for i, item in enumerate(r.arr(doc.get("disqualify_below", []), "rules.disqualify_below")):
        if not isinstance(item, list) or len(item) != 2:
            r.fail(f"rules.disqualify_below[{i}]", "mỗi điều kiện là [mã tiêu chí hoặc nhóm, điểm tối thiểu]")
            continue
        minimum = r.number(item[1], f"rules.disqualify_below[{i}][1]")
        if minimum is not None:
            disq.append((r.text(item[0], f"rules.disqualify_below[{i}][0]"), minimum))
    gap_raw = doc.get("discrepancy_gap", "2")
    tie_breaks = r.arr(doc.get("tie_breaks", []), "rules.tie_breaks")
    confirm_above = r.number(doc.get("appraisal_confirm_above", "1"), "rules.appraisal_confirm_above")
    if confirm_above is not None and confirm_above < 0:
        r.fail("rules.appraisal_confirm_above", "không được âm")
    head_appraiser = doc.get("head_appraiser", "board")
    if head_appraiser not in HEAD_APPRAISERS:
        r.fail(
            "rules.head_appraiser",
            "phải là “board” (Ban Thi đua – Khen thưởng) hoặc “deputy” (đơn vị Phó Trưởng cụm)",
        )
    return Rules(
        final_rule=doc.get("final_rule", "appraisal_else_mean"),
        discrepancy_gap=None if gap_raw is None else r.number(gap_raw, "rules.discrepancy_gap"),
        tie_breaks=tuple(str(t) for t in tie_breaks),
        bands=tuple(bands),
        leaders=r.integer(doc.get("leaders"), "rules.leaders", 1),
        disqualify_below=tuple(disq),
        appraisal_confirm_above=Decimal(1) if confirm_above is None else confirm_above,
        head_appraiser=head_appraiser if head_appraiser in HEAD_APPRAISERS else "board",
    )


def _d(value: Decimal | None) -> str | None:
    """A Decimal as a plain string without exponent or needless trailing zeros: 7.50 → "7.5"."""
    if value is None:
        return None
    text = str(value)  # as format(value, "f") unless it has an exponent, and faster (a run writes 130,000)
    if "E" in text:
        text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _head(
    ranking: Ranking, robust: Robustness | None, input_hash: str, meta: Mapping[str, Any] | None
) -> dict[str, Any]:
    """What the explained ranking and its summary have in common, but the ranking rows."""
    names = {m.member_id: m.name for m in ranking.members}
    out: dict[str, Any] = {
        **(meta or {}),
        "engine_version": ranking.engine_version,
        "inputs_hash": input_hash,
        "tie_break_chain": list(ranking.tie_break_chain),
        "leaders": [{"id": mid, "name": names[mid]} for mid in ranking.leaders],
        "leaders_undecided": [{"id": mid, "name": names[mid]} for mid in ranking.leaders_undecided],
    }
    if robust is not None:
        out["robustness"] = {
            "leader": robust.leader_id,
            "runner_up": robust.runner_up_id,
            "margin": _d(robust.margin),
            "perturbation": _d(robust.perturbation),
            "draws": robust.draws,
            "seed": robust.seed,
            "leader_stays_first": _d(robust.leader_stays_first),
            "first_place_shares": {mid: _d(share) for mid, share in robust.first_place_shares},
            "deciding_criteria": [
                {"code": code, "difference": _d(diff)} for code, diff in robust.deciding_criteria
            ],
        }
    return out


def _row(m: MemberResult) -> dict[str, Any]:
    return {
        "rank": m.rank,
        "id": m.member_id,
        "name": m.name,
        "total": str(m.total),  # already rounded to 0.01: keep both decimals
        "total_exact": _d(m.total_exact),
        "classification": m.classification,
        "targets_met": m.targets_met,
        "groups": {code: _d(v) for code, v in m.groups},
        "tie_unresolved": m.tie_unresolved,
        "disqualified": m.disqualified,
        "flags": list(m.flags),
    }


def _notes_of(notes: Notes, unit: str, code: str) -> dict[str, str | None]:
    """What the explanation shows beside a criterion's points: the appraisal's reason, who appraised and
    who confirmed it, and the unit's answer to a discrepancy flag (None where there is none)."""
    note = notes.appraisals.get((unit, code))
    return {
        "appraisal_reason": note.reason if note else None,
        "appraised_by": (note.by or None) if note else None,
        "confirmed_by": (note.confirmed_by or None) if note else None,
        "answer": notes.answers.get((unit, code)),
    }


def ranking_to_json(
    ranking: Ranking,
    robust: Robustness | None,
    *,
    input_hash: str,
    meta: Mapping[str, Any] | None = None,
    notes: Notes | None = None,
) -> dict[str, Any]:
    """The explained ranking as JSON: Decimals as strings, nothing lost. Needs `score(..., explain=True)`.
    With `notes`, each criterion also carries its appraisal's reason, appraiser and confirmation and the
    unit's answer to its discrepancy flag."""
    notes = notes or Notes()
    out = _head(ranking, robust, input_hash, meta)
    out["ranking"] = [
        {
            **_row(m),
            "criteria": [
                {
                    "code": c.code,
                    "name": c.name,
                    "kind": c.kind,
                    "max_points": _d(c.max_points),
                    "method": c.method,
                    "points": _d(c.points),
                    "source": c.source,
                    "explanation": str(c.explanation),
                    "inputs": {name: render(value) for name, value in c.inputs},
                    "computed": _d(c.computed),
                    "self": _d(c.self_score),
                    "cross": [{"scorer": x.scorer, "points": _d(x.points)} for x in c.cross],
                    "appraisal": _d(c.appraisal),
                    "discrepancy": c.discrepancy,
                    **_notes_of(notes, m.member_id, c.code),
                }
                for c in m.criteria
            ],
        }
        for m in ranking.members
    ]
    return out


# ------------------------------------------------------------------------------------------ summaries
#
# A published run stores its inputs and the *summary* of its result: everything of the explained ranking
# but the per-criterion details that the inputs already hold or that explain the points in words. The
# sentences are written again when a run is shown, by scoring the stored inputs once more with the
# explanations (`explain_summary`), and shown only if that gives the published summary exactly.

SUMMARY_FORMAT = 1


def ranking_summary(
    ranking: Ranking, robust: Robustness | None, *, input_hash: str, meta: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The summary of a ranking (from `score` with or without explanations)."""
    out = _head(ranking, robust, input_hash, meta)
    out["summary_format"] = SUMMARY_FORMAT
    out["criteria"] = [code for code, _ in ranking.leaves] if ranking.members else []
    out["ranking"] = [
        {
            **_row(m),
            "points": [_d(p) for p in m.points],
            "sources": list(m.sources),
            "discrepancies": list(m.discrepancies),
        }
        for m in ranking.members
    ]
    return out


def summary_of(result: Mapping[str, Any]) -> dict[str, Any]:
    """The summary of an explained ranking JSON (`ranking_to_json`): equal to `ranking_summary` of the
    same ranking."""
    out = {k: v for k, v in result.items() if k != "ranking"}
    rows = list(result.get("ranking") or [])
    out["summary_format"] = SUMMARY_FORMAT
    out["criteria"] = [c["code"] for c in rows[0]["criteria"]] if rows else []
    out["ranking"] = [
        {
            **{k: v for k, v in row.items() if k != "criteria"},
            "points": [c["points"] for c in row["criteria"]],
            "sources": [c["source"] for c in row["criteria"]],
            "discrepancies": [c["code"] for c in row["criteria"] if c["discrepancy"]],
        }
        for row in rows
    ]
    return out


UNEXPLAINED = (
    "Không dựng lại được lời giải thích: tính lại từ dữ liệu vào đã lưu không cho đúng kết quả đã công bố "
    "(xem kiểm tra lại)"
)


def explain_summary(summary: Mapping[str, Any], document: Any) -> dict[str, Any]:
    """A published summary with its explanations: the stored inputs scored again with explanations, when
    that gives exactly the published summary. Otherwise the published figures alone, each criterion saying
    why it has no explanation (a changed engine, or stored data that no longer agree)."""
    try:
        full = run(document)
    except ScoringInputError:
        full = None
    if full is not None and summary_of(full) == summary:
        return full
    return _unexplained(summary, document)


def _document_notes(document: Any) -> Notes:
    """The notes of a stored document, read leniently (what cannot be read is left out)."""
    if not isinstance(document, dict):
        return Notes()
    r = _Reader()
    appraisals: dict[tuple[str, str], AppraisalNote] = {}
    scores = document.get("scores")
    _layers(r, scores if isinstance(scores, dict) else {}, appraisals)
    return Notes(appraisals, _answers(r, document.get("answers", [])))


def _unexplained(summary: Mapping[str, Any], document: Any) -> dict[str, Any]:
    leaves: dict[str, Criterion] = {}
    if isinstance(document, dict) and isinstance(document.get("criteria_set"), dict):
        tree, _ = parse_criteria(document["criteria_set"].get("criteria"))
        leaves = {leaf.code: leaf for top in tree for leaf in top.leaves()}
    notes = _document_notes(document)
    codes = list(summary.get("criteria") or [])
    out = {k: v for k, v in summary.items() if k not in ("ranking", "criteria", "summary_format")}
    out["ranking"] = []
    for row in summary.get("ranking") or []:
        flagged = set(row.get("discrepancies") or [])
        criteria = []
        for code, points, source in zip(
            codes, row.get("points") or [], row.get("sources") or [], strict=False
        ):
            leaf = leaves.get(code)
            criteria.append(
                {
                    "code": code,
                    "name": leaf.name if leaf else "",
                    "kind": leaf.kind if leaf else "score",
                    "max_points": _d(leaf.max_points) if leaf else None,
                    "method": leaf.method.label if leaf and leaf.method else "",
                    "points": points,
                    "source": source,
                    "explanation": UNEXPLAINED,
                    "inputs": {},
                    "computed": None,
                    "self": None,
                    "cross": [],
                    "appraisal": None,
                    "discrepancy": code in flagged,
                    **_notes_of(notes, row.get("id", ""), code),
                }
            )
        rest = {k: v for k, v in row.items() if k not in ("points", "sources", "discrepancies")}
        out["ranking"].append({**rest, "criteria": criteria})
    return out


def run(document: Any) -> dict[str, Any]:
    """Parse, score, test robustness, and return the explained ranking as JSON."""
    parsed = parse(document)
    return explained(parsed, inputs_hash(document))


def explained(parsed: Parsed, input_hash: str) -> dict[str, Any]:
    """The explained ranking of a parsed document."""
    ranking = score(parsed.problem)
    return ranking_to_json(
        ranking, _robustness(parsed, ranking), input_hash=input_hash, meta=parsed.meta, notes=parsed.notes
    )


def summarized(parsed: Parsed, input_hash: str) -> dict[str, Any]:
    """The summary of a parsed document's ranking, without writing any explanation (publishing)."""
    ranking = score(parsed.problem, explain=False)
    return ranking_summary(ranking, _robustness(parsed, ranking), input_hash=input_hash, meta=parsed.meta)


def _robustness(parsed: Parsed, ranking: Ranking) -> Robustness:
    return robustness(
        parsed.problem,
        ranking,
        perturbation=parsed.robustness.perturbation,
        draws=parsed.robustness.draws,
        seed=parsed.robustness.seed,
    )
