"""What the eligibility engine answers: a verdict per subject and title, with the outcome of every
condition, the records behind it, what is missing, the citation and its verification tag. Pure."""

from __future__ import annotations

from dataclasses import dataclass

# Outcomes of a verdict.
ELIGIBLE = "eligible"  # every condition the records can decide holds (facts for the council are listed)
NOT_YET = "not_yet"  # some condition fails today; `missing` on the failed checks says what would change it
BARRED = "barred"  # a bar applies (pending investigation, discipline in the window): no award for now
OUTCOMES = (ELIGIBLE, NOT_YET, BARRED)

# Verification tags of ../shared/domain/legal-rules.md: a rule tagged R is shipped but shown as unverified.
TAGS = ("V", "V-old", "V-2nd", "R")
UNVERIFIED_TAGS = frozenset({"R"})


@dataclass(frozen=True, slots=True)
class Check:
    """One condition of one rule, evaluated."""

    rule_id: str
    ok: bool | None  # None: a fact the records cannot show, for the council to confirm
    text: str  # Vietnamese: what was checked and what was found
    evidence: tuple[
        str, ...
    ] = ()  # the records relied on, e.g. "CSTĐCS 2023 — QĐ 12/QĐ-UBND ngày 05/01/2024"
    missing: str = ""  # Vietnamese, when ok is False: "cần thêm 1 lần CSTĐCS liên tục: năm 2024"
    citation: str = ""  # "Luật TĐKT 2022, Điều 22.1.a"
    tag: str = "V"
    effect: str = "require"  # bar | require | alternative | info | filter (tdkt.awards.rulepacks)

    @property
    def unverified(self) -> bool:
        return self.tag in UNVERIFIED_TAGS


@dataclass(frozen=True, slots=True)
class Verdict:
    subject_id: str
    title: str  # catalogue code
    cycle: int
    outcome: str  # OUTCOMES
    checks: tuple[Check, ...]
    pack: str  # the rule pack applied, e.g. "nd152-2025"
    cycle_kind: str = "calendar"  # calendar | school: how `cycle` reads (năm 2024 / năm học 2024–2025)

    @property
    def eligible(self) -> bool:
        return self.outcome == ELIGIBLE

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(c.missing for c in self.checks if c.ok is False and c.missing)

    @property
    def unverified(self) -> bool:
        return any(c.unverified for c in self.checks)
