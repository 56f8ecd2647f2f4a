"""JSON in and out of the vote count. Pure: no Django.

Input (docs/schemas/tally-input.schema.json, example docs/examples/tally-quang-binh-2023.json):
{"rules": {"method": "choose_k", "max_choices": 3, "seats": 3, "quorum": "2/3", "threshold": "1/2",
 "strict": true, "base": "valid"}, "candidates": [...], "electorate": 8,
 "ballots": [{"marks": [...], "against": [...]}, {"spoiled": true}, ...]} — fractions as "a/b" or decimals
("0.9"). Strict: what the schema forbids is refused (`tdkt.core.strictjson`), and so is a ballot marking
someone who is not a candidate — names compared after NFC normalisation and trimming —, as the paper path
refuses it; a ballot the counting board found invalid is written `{"spoiled": true}`.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from tdkt.core import strictjson
from tdkt.voting.tally import (
    SPOILED,
    Ballot,
    Result,
    Rules,
    TallyError,
    Totals,
    count,
    decide,
    percent,
)

SCHEMA = "tally-input.schema.json"
MAX_BALLOTS = 100_000


@dataclass(frozen=True)
class Box:
    """A parsed document: `ballots` in box order, None for a ballot the counting board found invalid."""

    rules: Rules
    candidates: list[str]
    electorate: int
    ballots: list[Ballot | None]


def _fraction(value: Any, path: str, problems: list[str]) -> Fraction:
    try:
        if isinstance(value, bool):
            raise ValueError
        if isinstance(value, int | str):
            return Fraction(str(value).strip())
        if isinstance(value, float):
            return Fraction(repr(value))
    except (ValueError, ZeroDivisionError):
        pass
    problems.append(f"{path}: “{value}” không phải là tỷ lệ (ví dụ “2/3” hoặc “0.9”)")
    return Fraction(0)


def _not_a_candidate(name: str, path: str, candidates: list[str]) -> str:
    # the paper path's wording (voting.services), with the way to record a ballot that really is so
    message = f"{path}: đánh dấu người không phải ứng viên: “{name}”"
    close = difflib.get_close_matches(name, candidates, n=1, cutoff=0.8)
    if close:
        message += f" — có phải “{close[0]}”?"
    return message + " (nếu phiếu đúng là như vậy, ghi đó là phiếu không hợp lệ: “spoiled”: true)"


def parse_box(document: Any) -> Box:
    """The document checked against docs/schemas/tally-input.schema.json, then read. Names are compared
    after NFC normalisation and trimming; a ballot marking a non-candidate is refused with its path, as
    the paper path refuses it. Raises TallyError with every problem."""
    found = strictjson.problems(document, SCHEMA)
    if found:
        raise TallyError(strictjson.lines(found))
    problems: list[str] = []
    raw_rules = document.get("rules", {})
    rules = Rules(
        method=raw_rules.get("method", "choose_k"),
        max_choices=raw_rules.get("max_choices", 1),
        seats=raw_rules.get("seats"),
        quorum=_fraction(raw_rules.get("quorum", "2/3"), "rules.quorum", problems),
        threshold=_fraction(raw_rules.get("threshold", "1/2"), "rules.threshold", problems),
        strict=raw_rules.get("strict", True),
        base=raw_rules.get("base", "valid"),
    )
    candidates: list[str] = []
    first: dict[str, int] = {}
    for i, raw_name in enumerate(document["candidates"]):
        name = strictjson.nfc_name(raw_name)
        if name in first:
            problems.append(f"candidates[{i}]: “{name}” trùng với candidates[{first[name]}]")
        else:
            first[name] = i
        candidates.append(name)
    ballots: list[Ballot | None] = []
    for i, raw in enumerate(document["ballots"]):
        marks = [strictjson.nfc_name(m) for m in raw.get("marks", [])]
        against = [strictjson.nfc_name(m) for m in raw.get("against", [])]
        if raw.get("spoiled", False):
            if marks or against:
                problems.append(f"ballots[{i}]: phiếu không hợp lệ thì không ghi lựa chọn")
            ballots.append(None)
            continue
        if len(set(marks)) != len(marks) or len(set(against)) != len(against):
            problems.append(f"ballots[{i}]: một người được đánh dấu hai lần")
            continue
        for key, names in (("marks", marks), ("against", against)):
            for j, name in enumerate(names):
                if name not in first:
                    problems.append(_not_a_candidate(name, f"ballots[{i}].{key}[{j}]", candidates))
        ballots.append(Ballot(frozenset(marks), frozenset(against)))
    if problems:
        raise TallyError(problems)
    return Box(rules, candidates, document["electorate"], ballots)


def count_box(box: Box) -> Result:
    """Count the whole box: the ballots as `tally.count` does, the spoiled ones as cast and invalid, each
    reported at its position in the box."""
    positions = [pos for pos, b in enumerate(box.ballots, start=1) if b is not None]
    part = count(box.rules, box.candidates, [b for b in box.ballots if b is not None])
    invalid = [(positions[i - 1], reason) for i, reason in part.invalid]
    invalid += [(pos, SPOILED) for pos, b in enumerate(box.ballots, start=1) if b is None]
    totals = Totals(len(box.ballots), tuple(sorted(invalid)), part.yes, part.no)
    return decide(box.rules, box.candidates, box.electorate, totals)


def result_to_json(result: Result) -> dict[str, Any]:
    return {
        "electorate": result.electorate,
        "cast": result.cast,
        "valid": result.valid,
        "invalid": [{"ballot": pos, "reason": reason} for pos, reason in result.invalid],
        "quorum_met": result.quorum_met,
        "base": result.base,
        "counts": [
            {
                "candidate": c.candidate,
                "yes": c.yes,
                "no": c.no,
                "share": f"{c.share.numerator}/{c.share.denominator}",
                "percent": str(percent(c.share)),
                "passes": c.passes,
            }
            for c in result.counts
        ],
        "elected": list(result.elected),
        "another_round": list(result.another_round),
        "warnings": list(result.warnings),
        "reasons": list(result.reasons),
    }


def run(document: Any) -> dict[str, Any]:
    """Check, parse, count the whole box, return the result as JSON. Raises TallyError with every problem."""
    return result_to_json(count_box(parse_box(document)))
