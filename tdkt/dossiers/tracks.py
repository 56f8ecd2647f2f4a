"""Proposal tracks as data: who proposes what to whom, with which documents, through which steps. Pure.

One dossier engine serves every track (decision 0007): a unit's yearly titles, a cluster's proposals from its
conference, the province's own forms, proposals to the central level, awards for unexpected achievements
(đột xuất) and for a movement's theme (chuyên đề), and the recognition of initiatives. A track is read from
`tdkt/dossiers/tracks.json` and checked on load; a bad file raises `TrackError` listing every problem in
Vietnamese. Title codes are checked against the award catalogue by the Django side (the catalogue is kept
by the board as data).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from typing import Any

TRACKS_FILE = Path(__file__).resolve().parent / "tracks.json"

# Who proposes.
BY_UNIT = "unit"  # a unit's staff, for its people and itself
BY_CLUSTER = "cluster_head"  # the cluster head's staff, from the conference's vote
PROPOSERS = {BY_UNIT: "đơn vị", BY_CLUSTER: "trưởng cụm, khối thi đua"}

# Who receives, on the hierarchy in force on the send date.
TO_SELF = "self"  # the unit's own emulation council and head (titles the head decides)
TO_PROVINCE = "province"  # the province's emulation board (Sở Nội vụ)
RECEIVERS = {
    TO_SELF: "Hội đồng Thi đua – Khen thưởng của đơn vị",
    TO_PROVINCE: "Ban Thi đua – Khen thưởng tỉnh",
}

# Who decides.
DECIDED_BY_UNIT = "unit"
DECIDED_BY_PROVINCE = "province"
DECIDED_BY_CENTRAL = "central"
DECIDERS = {
    DECIDED_BY_UNIT: "Thủ trưởng cơ quan, đơn vị; Chủ tịch Ủy ban nhân dân cấp xã",
    DECIDED_BY_PROVINCE: "Chủ tịch Ủy ban nhân dân tỉnh",
    DECIDED_BY_CENTRAL: "Thủ tướng Chính phủ, Chủ tịch nước (trình qua tỉnh)",
}

# Where a required document comes from.
DOC_GENERATED = "generated"  # written by TĐKT from the dossier (tờ trình, danh sách)
DOC_DRAFTED = (
    "drafted"  # drafted by TĐKT from the records, edited and signed by the unit (báo cáo thành tích)
)
DOC_CONFERENCE = "conference"  # attached from the conference and its ballot (biên bản, kết quả bỏ phiếu)
DOC_UPLOADED = "uploaded"  # uploaded by the proposer (xác nhận sáng kiến, other evidence)
DOC_SOURCES = {
    DOC_GENERATED: "TĐKT lập từ hồ sơ",
    DOC_DRAFTED: "TĐKT soạn sẵn từ dữ liệu, đơn vị hoàn chỉnh",
    DOC_CONFERENCE: "lấy từ hội nghị và kết quả bỏ phiếu",
    DOC_UPLOADED: "đơn vị tải lên",
}

SUBJECTS = ("individual", "collective", "commune", "household", "village", "initiative")
STEPS = ("receive", "check", "posting", "council", "decide")
# When a document must be there: before the proposer sends, or before the receiver decides or forwards up
# (the province's own submission and its council's minutes).
AT_SEND, AT_DECIDE = "send", "decide"
TAGS = ("V", "V-old", "V-2nd", "R")


class TrackError(ValueError):
    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))


@dataclass(frozen=True, slots=True)
class Document:
    kind: str
    name: str
    source: str
    citation: str = ""
    at: str = AT_SEND


BASES = (
    "valid",
    "cast",
    "electorate",
)  # as voting.Ballot.base: valid ballots, ballots cast, the whole council


@dataclass(frozen=True, slots=True)
class CouncilRule:
    """How the emulation council votes on a line: a secret yes/no ballot passed by `threshold` of `base`
    (strictly more, or at least), with the quorum, where the rule comes from and how well it is verified
    (../shared/domain/legal-rules.md §3.4: VOTE_01 is V-old for Decree 91/2017 Art. 45.8 and R for the
    current decrees; `earlier` carries the repealed source and its tag)."""

    threshold: str
    strict: bool
    base: str
    quorum: str
    citation: str
    tag: str
    rule: str = ""
    earlier_citation: str = ""
    earlier_tag: str = ""

    @property
    def key(self) -> tuple[str, bool, str, str]:
        """Two lines with the same key can be voted on in one ballot."""
        return (str(Fraction(self.threshold)), self.strict, self.base, str(Fraction(self.quorum)))


@dataclass(frozen=True, slots=True)
class Council:
    default: CouncilRule
    titles: Mapping[str, CouncilRule] = field(default_factory=dict)

    def rule_for(self, title: str) -> CouncilRule:
        return self.titles.get(title, self.default)


@dataclass(frozen=True, slots=True)
class Track:
    code: str
    name: str
    titles: tuple[str, ...]  # catalogue codes a line may carry; empty: any form the decider may award
    subjects: tuple[str, ...]
    proposer: str
    receiver: str
    decider: str
    documents: tuple[Document, ...]
    council: bool
    posting_days: int  # working days the list stays posted before the council (0: no posting)
    deadlines: Mapping[str, int]  # working days per step
    citation: str
    tag: str
    council_rule: Council | None = None

    @property
    def needs_posting(self) -> bool:
        return self.posting_days > 0

    @property
    def decides_at_receiver(self) -> bool:
        """The receiver's level signs; otherwise the receiver approves and forwards up."""
        return self.decider != DECIDED_BY_CENTRAL

    def allows(self, title: str) -> bool:
        return not self.titles or title in self.titles


def _problems(raw: Any, where: str) -> list[str]:
    problems: list[str] = []
    if not isinstance(raw, dict):
        return [f"{where}: phải là một đối tượng"]
    required = [
        "code",
        "name",
        "subjects",
        "proposer",
        "receiver",
        "decider",
        "documents",
        "council",
        "posting_days",
        "deadlines",
        "citation",
        "tag",
    ]
    for key in required:
        if key not in raw:
            problems.append(f"{where}: thiếu “{key}”")
    unknown = set(raw) - set(required) - {"titles", "council_rule"}
    for key in sorted(unknown):
        problems.append(f"{where}: khóa “{key}” không được dùng")
    if problems:
        return problems
    if not isinstance(raw["code"], str) or not raw["code"].isascii() or not raw["code"]:
        problems.append(f"{where}.code: cần mã ASCII không rỗng")
    for key, allowed in (
        ("proposer", PROPOSERS),
        ("receiver", RECEIVERS),
        ("decider", DECIDERS),
        ("tag", TAGS),
    ):
        if raw[key] not in allowed:
            problems.append(f"{where}.{key}: “{raw[key]}” không thuộc {', '.join(allowed)}")
    for subject in raw["subjects"]:
        if subject not in SUBJECTS:
            problems.append(f"{where}.subjects: “{subject}” không hợp lệ")
    if not isinstance(raw["council"], bool):
        problems.append(f"{where}.council: cần true hoặc false")
    if not isinstance(raw["posting_days"], int) or raw["posting_days"] < 0:
        problems.append(f"{where}.posting_days: cần số ngày làm việc không âm")
    for step, days in raw["deadlines"].items():
        if step not in STEPS:
            problems.append(f"{where}.deadlines: bước “{step}” không hợp lệ")
        elif not isinstance(days, int) or days <= 0:
            problems.append(f"{where}.deadlines.{step}: cần số ngày làm việc dương")
    for i, doc in enumerate(raw["documents"]):
        if not isinstance(doc, dict) or {"kind", "name", "source"} - set(doc):
            problems.append(f"{where}.documents[{i}]: cần kind, name, source")
        elif doc["source"] not in DOC_SOURCES:
            problems.append(f"{where}.documents[{i}].source: “{doc['source']}” không hợp lệ")
        elif doc.get("at", AT_SEND) not in (AT_SEND, AT_DECIDE):
            problems.append(f"{where}.documents[{i}].at: cần “{AT_SEND}” hoặc “{AT_DECIDE}”")
    if raw["receiver"] == TO_SELF and raw["decider"] != DECIDED_BY_UNIT:
        problems.append(f"{where}: hồ sơ xét tại đơn vị chỉ do thủ trưởng đơn vị quyết định")
    if raw["council"] is True and "council_rule" not in raw:
        problems.append(f"{where}: hồ sơ trình Hội đồng cần “council_rule” (tỷ lệ phiếu của Hội đồng)")
    elif raw["council"] is not True and "council_rule" in raw:
        problems.append(f"{where}.council_rule: chỉ ghi khi hồ sơ trình Hội đồng")
    elif "council_rule" in raw:
        problems += _council_problems(raw["council_rule"], f"{where}.council_rule", raw.get("titles", []))
    return problems


RULE_KEYS = {"threshold", "strict", "base", "quorum", "citation", "tag"}
RULE_OPTIONAL = {"rule", "secret", "earlier"}


def _fraction_problem(value: Any, where: str) -> str | None:
    try:
        if not isinstance(value, str):
            raise ValueError
        f = Fraction(value.strip())
    except (ValueError, ZeroDivisionError):
        return f"{where}: “{value}” không phải là tỷ lệ (ví dụ “1/2”, “9/10”)"
    return None if 0 <= f <= 1 else f"{where}: tỷ lệ {value} phải nằm trong [0; 1]"


def _rule_problems(raw: Any, where: str) -> list[str]:
    if not isinstance(raw, dict):
        return [f"{where}: phải là một đối tượng"]
    problems = [f"{where}: thiếu “{k}”" for k in sorted(RULE_KEYS - set(raw))]
    problems += [f"{where}: khóa “{k}” không được dùng" for k in sorted(set(raw) - RULE_KEYS - RULE_OPTIONAL)]
    if problems:
        return problems
    for key in ("threshold", "quorum"):
        found = _fraction_problem(raw[key], f"{where}.{key}")
        if found:
            problems.append(found)
    if not isinstance(raw["strict"], bool):
        problems.append(f"{where}.strict: cần true hoặc false")
    if raw["base"] not in BASES:
        problems.append(f"{where}.base: “{raw['base']}” không thuộc {', '.join(BASES)}")
    if raw["tag"] not in TAGS:
        problems.append(f"{where}.tag: “{raw['tag']}” không thuộc {', '.join(TAGS)}")
    if not isinstance(raw["citation"], str) or not raw["citation"].strip():
        problems.append(f"{where}.citation: cần căn cứ của tỷ lệ")
    if "secret" in raw and raw["secret"] is not True:
        problems.append(f"{where}.secret: Hội đồng luôn bỏ phiếu kín (chỉ ghi true)")
    earlier = raw.get("earlier")
    if earlier is not None and (
        not isinstance(earlier, dict) or set(earlier) != {"citation", "tag"} or earlier.get("tag") not in TAGS
    ):
        problems.append(f"{where}.earlier: cần “citation” và “tag” ({', '.join(TAGS)})")
    return problems


def _council_problems(raw: Any, where: str, titles: Sequence[str]) -> list[str]:
    if not isinstance(raw, dict) or "default" not in raw or set(raw) - {"default", "titles"}:
        return [f"{where}: cần “default” và có thể có “titles”"]
    problems = _rule_problems(raw["default"], f"{where}.default")
    overrides = raw.get("titles", {})
    if not isinstance(overrides, dict):
        return [*problems, f"{where}.titles: phải là một đối tượng theo mã danh hiệu"]
    for code, rule in overrides.items():
        if titles and code not in titles:
            problems.append(f"{where}.titles: “{code}” không thuộc danh hiệu của loại hồ sơ này")
        problems += _rule_problems(rule, f"{where}.titles.{code}")
    return problems


def _rule(raw: dict[str, Any]) -> CouncilRule:
    earlier = raw.get("earlier") or {}
    return CouncilRule(
        threshold=raw["threshold"].strip(),
        strict=raw["strict"],
        base=raw["base"],
        quorum=raw["quorum"].strip(),
        citation=raw["citation"].strip(),
        tag=raw["tag"],
        rule=raw.get("rule", ""),
        earlier_citation=earlier.get("citation", ""),
        earlier_tag=earlier.get("tag", ""),
    )


def _council(raw: dict[str, Any] | None) -> Council | None:
    if raw is None:
        return None
    return Council(
        default=_rule(raw["default"]),
        titles={code: _rule(rule) for code, rule in raw.get("titles", {}).items()},
    )


def parse_tracks(raw: Any) -> dict[str, Track]:
    """The tracks of a JSON document, or TrackError naming every problem."""
    if not isinstance(raw, dict) or not isinstance(raw.get("tracks"), list):
        raise TrackError(["tệp luồng hồ sơ phải có danh sách “tracks”"])
    problems: list[str] = []
    tracks: dict[str, Track] = {}
    for i, item in enumerate(raw["tracks"]):
        where = f"tracks[{i}]"
        found = _problems(item, where)
        if found:
            problems += found
            continue
        if item["code"] in tracks:
            problems.append(f"{where}.code: mã “{item['code']}” bị trùng")
            continue
        tracks[item["code"]] = Track(
            code=item["code"],
            name=item["name"],
            titles=tuple(item.get("titles", ())),
            subjects=tuple(item["subjects"]),
            proposer=item["proposer"],
            receiver=item["receiver"],
            decider=item["decider"],
            documents=tuple(
                Document(
                    kind=d["kind"],
                    name=d["name"],
                    source=d["source"],
                    citation=d.get("citation", ""),
                    at=d.get("at", AT_SEND),
                )
                for d in item["documents"]
            ),
            council=item["council"],
            posting_days=item["posting_days"],
            deadlines=dict(item["deadlines"]),
            citation=item["citation"],
            tag=item["tag"],
            council_rule=_council(item.get("council_rule")),
        )
    if problems:
        raise TrackError(problems)
    return tracks


@lru_cache(maxsize=1)
def all_tracks() -> dict[str, Track]:
    return parse_tracks(json.loads(TRACKS_FILE.read_text(encoding="utf-8")))


def track(code: str) -> Track:
    try:
        return all_tracks()[code]
    except KeyError:
        raise TrackError([f"không có luồng hồ sơ “{code}”"]) from None
