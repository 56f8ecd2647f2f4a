"""JSON in and out of the vote count. Pure: no Django.

Input (docs/schemas/tally-input.schema.json, example docs/examples/tally-quang-binh-2023.json):
{"rules": {"method": "choose_k", "max_choices": 3, "seats": 3, "quorum": "2/3", "threshold": "1/2",
 "strict": true, "base": "valid"}, "candidates": [...], "electorate": 8,
 "ballots": [{"marks": [...], "against": [...]}, ...]} — fractions as "a/b" or decimals ("0.9").
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from tdkt.voting.tally import Ballot, Result, Rules, TallyError, percent, tally

MAX_BALLOTS = 100_000


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


def parse(document: Any) -> tuple[Rules, list[str], int, list[Ballot]]:
    problems: list[str] = []
    if not isinstance(document, dict):
        raise TallyError(["$: phải là một đối tượng JSON {…}"])
    raw_rules = document.get("rules", {})
    if not isinstance(raw_rules, dict):
        problems.append("rules: phải là một đối tượng JSON {…}")
        raw_rules = {}
    seats = raw_rules.get("seats")
    rules = Rules(
        method=str(raw_rules.get("method", "choose_k")),
        max_choices=raw_rules.get("max_choices", 1)
        if isinstance(raw_rules.get("max_choices", 1), int)
        else -1,
        seats=seats if isinstance(seats, int) and not isinstance(seats, bool) else None,
        quorum=_fraction(raw_rules.get("quorum", "2/3"), "rules.quorum", problems),
        threshold=_fraction(raw_rules.get("threshold", "1/2"), "rules.threshold", problems),
        strict=bool(raw_rules.get("strict", True)),
        base=str(raw_rules.get("base", "valid")),
    )
    if seats is not None and rules.seats is None:
        problems.append("rules.seats: phải là số nguyên")
    candidates = document.get("candidates")
    if not isinstance(candidates, list) or not all(isinstance(c, str) and c.strip() for c in candidates):
        problems.append("candidates: phải là danh sách tên ứng viên")
        candidates = []
    electorate = document.get("electorate")
    if isinstance(electorate, bool) or not isinstance(electorate, int):
        problems.append("electorate: phải là số cử tri (số nguyên)")
        electorate = 0
    raw_ballots = document.get("ballots", [])
    ballots: list[Ballot] = []
    if not isinstance(raw_ballots, list):
        problems.append("ballots: phải là một danh sách […]")
        raw_ballots = []
    if len(raw_ballots) > MAX_BALLOTS:
        problems.append(f"ballots: quá {MAX_BALLOTS} phiếu")
        raw_ballots = []
    for i, raw in enumerate(raw_ballots):
        if not isinstance(raw, dict):
            problems.append(f"ballots[{i}]: phải là một đối tượng {{“marks”: […]}}")
            continue
        marks, against = raw.get("marks", []), raw.get("against", [])
        if not isinstance(marks, list) or not isinstance(against, list):
            problems.append(f"ballots[{i}]: “marks” và “against” phải là danh sách")
            continue
        if len(set(marks)) != len(marks) or len(set(against)) != len(against):
            problems.append(f"ballots[{i}]: một người được đánh dấu hai lần")
            continue
        ballots.append(Ballot(frozenset(map(str, marks)), frozenset(map(str, against))))
    if problems:
        raise TallyError(problems)
    return rules, candidates, electorate, ballots


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
    """Parse, count the whole box, return the result as JSON. Raises TallyError with every problem."""
    return result_to_json(tally(*parse(document)))
