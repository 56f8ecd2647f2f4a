"""Vote counting (kiểm phiếu) for secret ballots. Pure: no Django, exact fractions.

A ballot either marks candidates (choose up to k) or, per candidate, agree / disagree (yes / no). The
count is a pure function of the rules, the candidates, the size of the electorate and the whole box of
ballots, so it can be re-run by anyone and tested at every threshold edge.

Rules written down here (and tested):
- **Impossible boxes are refused**, not counted: more ballots than voters on the roll, duplicate
  candidates, an empty electorate.
- **Invalid ballots** (a mark for someone who is not a candidate, more than k choices, yes and no for the
  same candidate) are counted as cast but not as valid; each is reported with its reason.
- **Quorum**: ballots cast ÷ electorate ≥ quorum; without it nobody is elected.
- **Threshold**: a candidate's yes votes ÷ the base (valid ballots, ballots cast, or the whole electorate)
  must be more than (strict) or at least the threshold. Fractions are exact: 2/3 is 2/3, not 0.6667.
- **Seats**: when a number of seats is set, the passing candidates are taken by votes, most first; a tie
  across the last seat elects nobody from the tie and asks for another round among the tied.
- **Totals** (paper ballots counted by hand): `check_totals` refuses impossible figures (negative numbers,
  more ballots than voters not yet counted, more invalid than cast, a candidate with more votes than valid
  ballots, more marks than k per valid ballot, a non-candidate); `decide` applies the same rules to totals
  as to a box counted ballot by ballot (`count`), so both ways give the same result.
- **Privacy**: the result warns when totals reveal how individuals voted (a unanimous result, a single
  valid ballot, every voter on one side for a candidate).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

YES, NO = "yes", "no"


class TallyError(ValueError):
    """The box cannot be counted (impossible counts); `problems` are Vietnamese sentences."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))


@dataclass(frozen=True)
class Rules:
    method: str = "choose_k"  # choose_k | yes_no
    max_choices: int = 1  # choose_k: at most k marks on a ballot
    seats: int | None = None  # None: everyone who passes the threshold
    quorum: Fraction = Fraction(2, 3)
    threshold: Fraction = Fraction(1, 2)
    strict: bool = True  # more than the threshold (True), or at least (False)
    base: str = "valid"  # valid | cast | electorate


@dataclass(frozen=True)
class Ballot:
    """One ballot: the candidates marked (choose_k), or agreed to (yes_no) and disagreed with (`against`)."""

    marks: frozenset[str] = frozenset()
    against: frozenset[str] = frozenset()


@dataclass(frozen=True)
class CandidateCount:
    candidate: str
    yes: int
    no: int
    share: Fraction  # yes ÷ base
    passes: bool
    reason: str


@dataclass(frozen=True)
class Result:
    electorate: int
    cast: int
    valid: int
    invalid: tuple[tuple[int, str], ...]  # (ballot position, reason)
    quorum_met: bool
    base: int
    counts: tuple[CandidateCount, ...]  # in candidate order
    elected: tuple[str, ...]
    another_round: tuple[str, ...]  # tied across the last seat
    warnings: tuple[str, ...]
    reasons: tuple[str, ...]
    rules: Rules = field(repr=False, default_factory=Rules)


def percent(share: Fraction) -> Decimal:
    """A share as a percentage rounded once, half up, to 2 places (for display only)."""
    return (Decimal(share.numerator) * 100 / Decimal(share.denominator)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )


def _pct(share: Fraction) -> str:
    text = format(percent(share), "f").rstrip("0").rstrip(".")
    return text.replace(".", ",") + "%"


def check_rules(rules: Rules, candidates: Sequence[str]) -> list[str]:
    """Problems with the rules and the candidates alone (before any ballot)."""
    problems = []
    if len(set(candidates)) != len(candidates):
        problems.append("danh sách ứng viên có tên trùng")
    if not candidates:
        problems.append("chưa có ứng viên")
    if rules.method not in ("choose_k", "yes_no"):
        problems.append(f"cách bỏ phiếu “{rules.method}” không hợp lệ")
    if rules.base not in ("valid", "cast", "electorate"):
        problems.append(f"cơ sở tính tỷ lệ “{rules.base}” không hợp lệ")
    if rules.method == "choose_k" and not 1 <= rules.max_choices <= max(1, len(candidates)):
        problems.append(f"số lựa chọn tối đa {rules.max_choices} không hợp lệ")
    if not (0 <= rules.quorum <= 1 and 0 <= rules.threshold <= 1):
        problems.append("tỷ lệ tối thiểu và ngưỡng phải nằm trong [0; 1]")
    if rules.seats is not None and rules.seats < 1:
        problems.append("số người được chọn phải từ 1 trở lên")
    return problems


def _check(rules: Rules, candidates: Sequence[str], electorate: int, ballots: Sequence[Ballot]) -> list[str]:
    problems = []
    if electorate <= 0:
        problems.append("danh sách cử tri trống")
    if len(ballots) > electorate:
        problems.append(f"số phiếu thu về ({len(ballots)}) nhiều hơn số cử tri ({electorate})")
    return problems + check_rules(rules, candidates)


def invalid_reason(rules: Rules, known: set[str], ballot: Ballot) -> str | None:
    """Why a ballot is invalid under the rules, or None when it is valid (a blank ballot is valid)."""
    unknown = (ballot.marks | ballot.against) - known
    if unknown:
        return f"đánh dấu người không phải ứng viên: {', '.join(sorted(unknown))}"
    if rules.method == "choose_k":
        if ballot.against:
            return "phiếu chọn không có ô “không đồng ý”"
        if len(ballot.marks) > rules.max_choices:
            return f"chọn {len(ballot.marks)} người, quá số tối đa {rules.max_choices}"
    elif ballot.marks & ballot.against:
        return f"vừa đồng ý vừa không đồng ý: {', '.join(sorted(ballot.marks & ballot.against))}"
    return None


@dataclass(frozen=True)
class Totals:
    """What a count of ballots comes to, before the rules decide: ballots cast, the invalid ones with their
    reasons (position 0 for ballots counted as totals, which have no position), and yes / no per candidate.
    Paper ballots entered as totals and ballots counted one by one both end here."""

    cast: int
    invalid: tuple[tuple[int, str], ...]
    yes: tuple[tuple[str, int], ...]
    no: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class Issue:
    """One impossible figure in totals typed by a person, located by field and candidate row."""

    message: str
    field: str
    row: int | None = None


SPOILED = "phiếu không hợp lệ (Ban kiểm phiếu xác định khi kiểm phiếu giấy)"


def count(rules: Rules, candidates: Sequence[str], ballots: Sequence[Ballot]) -> Totals:
    """Count ballots one by one; an invalid ballot is counted as cast, not as valid, with its reason."""
    known = set(candidates)
    invalid: list[tuple[int, str]] = []
    yes = dict.fromkeys(candidates, 0)
    no = dict.fromkeys(candidates, 0)
    for position, ballot in enumerate(ballots, start=1):
        reason = invalid_reason(rules, known, ballot)
        if reason is not None:
            invalid.append((position, reason))
            continue
        for c in ballot.marks:
            yes[c] += 1
        for c in ballot.against:
            no[c] += 1
    return Totals(len(ballots), tuple(invalid), tuple(yes.items()), tuple(no.items()))


def combine(candidates: Sequence[str], parts: Sequence[Totals]) -> Totals:
    """Add up counts of disjoint piles of ballots (each ballot is in exactly one pile)."""
    yes = dict.fromkeys(candidates, 0)
    no = dict.fromkeys(candidates, 0)
    invalid: list[tuple[int, str]] = []
    for part in parts:
        for c, n in part.yes:
            yes[c] += n
        for c, n in part.no:
            no[c] += n
        invalid += part.invalid
    return Totals(sum(p.cast for p in parts), tuple(invalid), tuple(yes.items()), tuple(no.items()))


def check_totals(
    rules: Rules,
    candidates: Sequence[str],
    room: int,
    cast: int,
    invalid: int,
    yes: dict[str, int],
    no: dict[str, int],
) -> list[Issue]:
    """Impossible figures in per-candidate totals typed from paper ballots: negative numbers, more ballots
    than voters not yet counted (`room`), more invalid ballots than cast, more votes for a candidate than
    valid ballots, yes and no together above the valid ballots, more marks than k per valid ballot, a name
    that is not a candidate. Rows are the candidates' positions, from 1."""
    issues: list[Issue] = []
    position = {c: i for i, c in enumerate(candidates, start=1)}
    for name in sorted((set(yes) | set(no)) - set(candidates)):
        issues.append(Issue(f"“{name}” không phải ứng viên của cuộc bỏ phiếu này", "candidates"))
    if cast < 0:
        issues.append(Issue("số phiếu thu về không được âm", "cast"))
    if invalid < 0:
        issues.append(Issue("số phiếu không hợp lệ không được âm", "invalid"))
    for label, field_name, counts in (("đồng ý", "yes", yes), ("không đồng ý", "no", no)):
        for name, n in counts.items():
            if n < 0:
                issues.append(
                    Issue(f"{name}: số phiếu {label} không được âm", field_name, position.get(name))
                )
    if issues:
        return issues
    if cast > room:
        issues.append(Issue(f"số phiếu thu về ({cast}) nhiều hơn số cử tri chưa được tính ({room})", "cast"))
    if invalid > cast:
        issues.append(
            Issue(f"số phiếu không hợp lệ ({invalid}) nhiều hơn số phiếu thu về ({cast})", "invalid")
        )
    valid = max(0, cast - invalid)
    for name in candidates:
        y, n = yes.get(name, 0), no.get(name, 0)
        row = position[name]
        if y > valid:
            issues.append(Issue(f"{name}: {y} phiếu đồng ý, nhiều hơn số phiếu hợp lệ ({valid})", "yes", row))
        if rules.method == "choose_k" and n:
            issues.append(Issue(f"{name}: phiếu chọn không có ô “không đồng ý”", "no", row))
        elif rules.method == "yes_no" and y + n > valid:
            issues.append(
                Issue(
                    f"{name}: {y} đồng ý và {n} không đồng ý, cộng lại nhiều hơn số phiếu hợp lệ ({valid})",
                    "no",
                    row,
                )
            )
    if rules.method == "choose_k":
        marks = sum(yes.get(c, 0) for c in candidates)
        if marks > rules.max_choices * valid:
            issues.append(
                Issue(
                    f"tổng số lựa chọn ({marks}) vượt quá {rules.max_choices} lựa chọn × {valid} phiếu hợp lệ",
                    "yes",
                )
            )
    return issues


def tally(rules: Rules, candidates: Sequence[str], electorate: int, ballots: Sequence[Ballot]) -> Result:
    """Count the whole box. Raises TallyError for an impossible box; never counts a ballot twice."""
    problems = _check(rules, candidates, electorate, ballots)
    if problems:
        raise TallyError(problems)
    return decide(rules, candidates, electorate, count(rules, candidates, ballots))


def decide(rules: Rules, candidates: Sequence[str], electorate: int, totals: Totals) -> Result:
    """Apply the rules to counted totals. Raises TallyError when the totals are impossible."""
    problems = []
    if electorate <= 0:
        problems.append("danh sách cử tri trống")
    if totals.cast > electorate:
        problems.append(f"số phiếu thu về ({totals.cast}) nhiều hơn số cử tri ({electorate})")
    problems += check_rules(rules, candidates)
    yes, no = dict(totals.yes), dict(totals.no)
    if set(yes) != set(candidates) or set(no) != set(candidates):
        problems.append("số phiếu không khớp với danh sách ứng viên")
    if problems:
        raise TallyError(problems)
    invalid = list(totals.invalid)
    cast = totals.cast
    valid = cast - len(invalid)
    if valid < 0 or any(v < 0 or v > valid for v in (*yes.values(), *no.values())):
        raise TallyError(["số phiếu của một ứng viên âm hoặc nhiều hơn số phiếu hợp lệ"])
    base = {"valid": valid, "cast": cast, "electorate": electorate}[rules.base]
    base_label = {"valid": "số phiếu hợp lệ", "cast": "số phiếu thu về", "electorate": "tổng số cử tri"}[
        rules.base
    ]
    quorum_met = Fraction(cast, electorate) >= rules.quorum
    relation = ">" if rules.strict else "≥"
    counts = []
    for c in candidates:
        share = Fraction(yes[c], base) if base else Fraction(0)
        passes = (
            quorum_met
            and base > 0
            and (share > rules.threshold if rules.strict else share >= rules.threshold)
        )
        verdict = "đạt" if passes else "không đạt"
        counts.append(
            CandidateCount(
                c,
                yes[c],
                no[c],
                share,
                passes,
                f"{c}: {yes[c]}/{base} = {_pct(share)} {base_label}, cần {relation} {_pct(rules.threshold)}: {verdict}",
            )
        )
    passing = sorted((cc for cc in counts if cc.passes), key=lambda cc: -cc.yes)
    elected: list[str] = [cc.candidate for cc in passing]
    another_round: list[str] = []
    if rules.seats is not None and len(passing) > rules.seats:
        cutoff = passing[rules.seats - 1].yes
        above = [cc.candidate for cc in passing if cc.yes > cutoff]
        at_cutoff = [cc.candidate for cc in passing if cc.yes == cutoff]
        if len(above) + len(at_cutoff) > rules.seats:
            elected, another_round = above, at_cutoff
        else:
            elected = above + at_cutoff
    reasons = [
        f"Số cử tri: {electorate}; số phiếu thu về: {cast}; hợp lệ: {valid}; không hợp lệ: {len(invalid)}.",
        f"Tỷ lệ tham gia {_pct(Fraction(cast, electorate))}, cần ≥ {_pct(rules.quorum)}: "
        + ("đủ." if quorum_met else "không đủ, không ai được chọn."),
        *(cc.reason for cc in counts),
    ]
    if another_round:
        reasons.append(
            f"Bằng phiếu ở vị trí cuối cùng ({', '.join(another_round)}): bỏ phiếu vòng sau giữa những người này."
        )
    return Result(
        electorate=electorate,
        cast=cast,
        valid=valid,
        invalid=tuple(invalid),
        quorum_met=quorum_met,
        base=base,
        counts=tuple(counts),
        elected=tuple(elected),
        another_round=tuple(another_round),
        warnings=tuple(_privacy_warnings(rules, counts, valid)),
        reasons=tuple(reasons),
        rules=rules,
    )


def _privacy_warnings(rules: Rules, counts: Sequence[CandidateCount], valid: int) -> list[str]:
    """Totals that reveal individual choices: with one valid ballot, or where every valid ballot took the
    same side on a candidate (everyone then knows how everyone voted on that candidate)."""
    if valid == 0:
        return []
    if valid == 1:
        return ["Chỉ có 1 phiếu hợp lệ: kết quả cho biết lựa chọn của người bỏ phiếu."]
    warnings = []
    for cc in counts:
        if cc.yes == valid:
            warnings.append(
                f"{cc.candidate}: tất cả {valid} phiếu hợp lệ đều chọn, kết quả cho biết lựa chọn của từng người."
            )
        elif rules.method == "yes_no" and cc.no == valid:
            warnings.append(
                f"{cc.candidate}: tất cả {valid} phiếu hợp lệ đều không đồng ý, kết quả cho biết lựa chọn của từng người."
            )
    return warnings
