"""JSON in and out of the eligibility engine. Pure: no Django.

Input (docs/schemas/eligibility-input.schema.json, example docs/examples/eligibility-2025.json):
{"cycle": 2025, "on": "15/01/2026", "titles": [...], "overrides": {"CSTDCS_02": {"enabled": true}},
 "units": [{"name": ..., "ldtt": 40}], "cluster_leaders": 12,
 "subjects": [{"id", "kind", "name", "unit", "female", "recruited_on", "cycle_kind", "armed_forces",
               "flags", "ratings", "awards", "initiatives", "disciplines", "pending", "members", "leads"}]}
Dates are "dd/mm/yyyy" (or ISO "yyyy-mm-dd"); shares are exact fractions ("7/10", "0.7", "70%").

Output: per subject and title the verdict — outcome, every check with its text, evidence, what is
missing, citation, tag and whether it is unverified — with the pack and its instruments; the group
quotas (CSTĐCS cap per unit, Government flag ≤ 20 % of cluster leaders) and a summary.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

from tdkt.awards.catalogue import CATALOGUE, TITLE_CODES
from tdkt.awards.engine import (
    OUTCOME_NAMES,
    QuotaResult,
    cstdcs_quota,
    cycle_label,
    evaluate,
    gov_flag_quota,
    resolve_pack,
)
from tdkt.awards.rulepacks import (
    FLAGS,
    ORGANISERS,
    RulePackError,
    describe_pack,
    fraction_text,
    validate_overrides,
)
from tdkt.awards.subjects import (
    AWARD_KINDS,
    BASIS_HTXSNV,
    BASIS_INITIATIVE,
    BASIS_OTHER,
    CYCLE_KINDS,
    KIND_CONG_TRANG,
    PENDING_KINDS,
    SCOPES,
    SUBJECT_COLLECTIVE,
    SUBJECT_COMMUNE,
    SUBJECT_INDIVIDUAL,
    SUBJECT_KINDS,
    AwardRecord,
    DisciplineLevel,
    DisciplineRecord,
    InitiativeRecord,
    LeadershipRecord,
    MembersYear,
    PendingRecord,
    Rating,
    RatingRecord,
    Subject,
)
from tdkt.awards.verdicts import ELIGIBLE, OUTCOMES, Check, Verdict
from tdkt.core import strictjson

SCHEMA = "eligibility-input.schema.json"
MAX_SUBJECTS = 100_000
BASES = (BASIS_HTXSNV, BASIS_INITIATIVE, BASIS_OTHER)
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_VN = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
T = TypeVar("T")


class EligibilityInputError(ValueError):
    """The document cannot be evaluated; `problems` are Vietnamese sentences naming the place and field."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


class _Reader:
    def __init__(self) -> None:
        self.problems: list[str] = []

    def fail(self, path: str, message: str) -> None:
        self.problems.append(f"{path}: {message}")

    def obj(self, value: Any, path: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.fail(path, "phải là một đối tượng JSON {…}")
            return {}
        return value

    def items(self, value: Any, path: str) -> list[Any]:
        if value is None:
            return []
        if not isinstance(value, list):
            self.fail(path, "phải là một danh sách […]")
            return []
        return value

    def text(self, raw: dict[str, Any], key: str, path: str, *, required: bool = False) -> str:
        value = raw.get(key)
        if value is None:
            if required:
                self.fail(f"{path}.{key}", "bắt buộc, chưa có")
            return ""
        if not isinstance(value, str):
            self.fail(f"{path}.{key}", f"“{value}” phải là chuỗi chữ")
            return ""
        if required and not value.strip():
            self.fail(f"{path}.{key}", "không được để trống")
        return value

    def integer(self, raw: dict[str, Any], key: str, path: str, *, low: int = 0, high: int = 10**9) -> int:
        value = raw.get(key)
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(
                f"{path}.{key}", f"“{value}” phải là số nguyên" if value is not None else "bắt buộc, chưa có"
            )
            return low
        if not low <= value <= high:
            self.fail(f"{path}.{key}", f"{value} phải trong khoảng {low}–{high}")
            return low
        return value

    def cycle(self, raw: dict[str, Any], key: str, path: str) -> int:
        return self.integer(raw, key, path, low=1945, high=2100)

    def day(self, raw: dict[str, Any], key: str, path: str, *, required: bool = False) -> date | None:
        value = raw.get(key)
        if value is None:
            if required:
                self.fail(f"{path}.{key}", "bắt buộc, chưa có (ngày dạng dd/mm/yyyy)")
            return None
        return self.parse_day(value, f"{path}.{key}")

    def parse_day(self, value: Any, path: str) -> date | None:
        if isinstance(value, str):
            text = value.strip()
            try:
                if _ISO.match(text):
                    return date.fromisoformat(text)
                match = _VN.match(text)
                if match:
                    day, month, year = (int(g) for g in match.groups())
                    return date(year, month, day)
            except ValueError:
                self.fail(path, f"“{value}” không phải là ngày có thật")
                return None
        self.fail(path, f"“{value}” không phải là ngày dạng dd/mm/yyyy")
        return None

    def choice(self, raw: dict[str, Any], key: str, path: str, choices: tuple[str, ...], default: str) -> str:
        value = raw.get(key, default)
        if value not in choices:
            self.fail(f"{path}.{key}", f"“{value}” không hợp lệ, cần một trong: {', '.join(choices)}")
            return default
        return str(value)

    def enum(
        self, raw: dict[str, Any], key: str, path: str, kind: Callable[[str], T], names: list[str]
    ) -> T | None:
        value = raw.get(key)
        if not isinstance(value, str) or value not in names:
            self.fail(f"{path}.{key}", f"“{value}” không hợp lệ, cần một trong: {', '.join(names)}")
            return None
        return kind(value)

    def boolean(self, raw: dict[str, Any], key: str, path: str) -> bool:
        value = raw.get(key, False)
        if not isinstance(value, bool):
            self.fail(f"{path}.{key}", f"“{value}” phải là true hoặc false")
            return False
        return value


def _subject(r: _Reader, raw_value: Any, path: str) -> Subject | None:
    raw = r.obj(raw_value, path)
    if not raw:
        return None
    before = len(r.problems)
    kind = r.choice(raw, "kind", path, SUBJECT_KINDS, SUBJECT_INDIVIDUAL)
    ratings = []
    seen_cycles: set[int] = set()
    for j, item in enumerate(r.items(raw.get("ratings"), f"{path}.ratings")):
        at = f"{path}.ratings[{j}]"
        rec = r.obj(item, at)
        if not rec:
            continue
        cycle = r.cycle(rec, "cycle", at)
        if cycle in seen_cycles:
            r.fail(f"{at}.cycle", f"năm {cycle} đã có kết quả xếp loại ở dòng trước")
        seen_cycles.add(cycle)
        rating = r.enum(rec, "rating", at, lambda v: Rating[v], list(Rating.__members__))
        if rating is not None:
            ratings.append(RatingRecord(cycle, rating, r.text(rec, "source", at)))
    awards = []
    award_ids: set[str] = set()
    for j, item in enumerate(r.items(raw.get("awards"), f"{path}.awards")):
        at = f"{path}.awards[{j}]"
        rec = r.obj(item, at)
        if not rec:
            continue
        award_id = r.text(rec, "id", at) or f"{path}.awards[{j}]"
        if award_id in award_ids:
            r.fail(f"{at}.id", f"mã “{award_id}” bị trùng")
        award_ids.add(award_id)
        code = rec.get("title")
        if code not in CATALOGUE:
            r.fail(f"{at}.title", f"“{code}” không có trong danh mục ({', '.join(TITLE_CODES)})")
            continue
        ids = r.items(rec.get("initiative_ids"), f"{at}.initiative_ids")
        awards.append(
            AwardRecord(
                id=award_id,
                title=code,
                cycle=r.cycle(rec, "cycle", at),
                decision_no=r.text(rec, "decision_no", at),
                decision_date=r.day(rec, "decision_date", at),
                authority=r.text(rec, "authority", at),
                kind=r.choice(rec, "kind", at, AWARD_KINDS, KIND_CONG_TRANG),
                basis=r.choice(rec, "basis", at, BASES, BASIS_OTHER),
                initiative_ids=tuple(str(i) for i in ids),
                source=r.text(rec, "source", at),
            )
        )
    initiatives = []
    for j, item in enumerate(r.items(raw.get("initiatives"), f"{path}.initiatives")):
        at = f"{path}.initiatives[{j}]"
        rec = r.obj(item, at)
        if not rec:
            continue
        used_by = rec.get("used_by")
        if used_by is not None and not isinstance(used_by, str):
            r.fail(f"{at}.used_by", "phải là mã khen thưởng (chuỗi) hoặc null")
            used_by = None
        initiatives.append(
            InitiativeRecord(
                id=r.text(rec, "id", at, required=True),
                name=r.text(rec, "name", at, required=True),
                scope=r.choice(rec, "scope", at, SCOPES, SCOPES[0]),
                cycle=r.cycle(rec, "cycle", at),
                recognised_by=r.text(rec, "recognised_by", at),
                recognised_on=r.day(rec, "recognised_on", at),
                used_by=used_by,
                source=r.text(rec, "source", at),
            )
        )
    disciplines = []
    for j, item in enumerate(r.items(raw.get("disciplines"), f"{path}.disciplines")):
        at = f"{path}.disciplines[{j}]"
        rec = r.obj(item, at)
        if not rec:
            continue
        level = r.enum(rec, "level", at, lambda v: DisciplineLevel[v], list(DisciplineLevel.__members__))
        start, end = r.day(rec, "start", at, required=True), r.day(rec, "end", at, required=True)
        if start and end and end < start:
            r.fail(f"{at}.end", "ngày hết thời hạn kỷ luật trước ngày bắt đầu")
        if level is not None and start and end:
            disciplines.append(
                DisciplineRecord(level, start, end, r.text(rec, "decision_no", at), r.text(rec, "source", at))
            )
    pending = []
    for j, item in enumerate(r.items(raw.get("pending"), f"{path}.pending")):
        at = f"{path}.pending[{j}]"
        rec = r.obj(item, at)
        if not rec:
            continue
        since = r.day(rec, "since", at, required=True)
        if since:
            pending.append(
                PendingRecord(
                    r.choice(rec, "kind", at, PENDING_KINDS, "kiem_tra"),
                    since,
                    r.day(rec, "until", at),
                    r.text(rec, "note", at),
                )
            )
    members = []
    member_cycles: set[int] = set()
    for j, item in enumerate(r.items(raw.get("members"), f"{path}.members")):
        at = f"{path}.members[{j}]"
        rec = r.obj(item, at)
        if not rec:
            continue
        cycle = r.cycle(rec, "cycle", at)
        if cycle in member_cycles:
            r.fail(f"{at}.cycle", f"năm {cycle} đã có số liệu thành viên ở dòng trước")
        member_cycles.add(cycle)
        total = r.integer(rec, "members", at)
        counts = {
            key: r.integer(rec, key, at, high=total) if key in rec else 0
            for key in ("completed", "ldtt", "cstdcs", "disciplined_warning_or_above", "women")
        }
        for key in ("completed", "ldtt"):
            if key not in rec:
                r.fail(f"{at}.{key}", "bắt buộc, chưa có")
        members.append(MembersYear(cycle=cycle, members=total, **counts))
    leads = []
    for j, item in enumerate(r.items(raw.get("leads"), f"{path}.leads")):
        at = f"{path}.leads[{j}]"
        rec = r.obj(item, at)
        if not rec:
            continue
        leads.append(
            LeadershipRecord(
                cycle=r.cycle(rec, "cycle", at),
                cluster=r.text(rec, "cluster", at, required=True),
                organiser=r.choice(rec, "organiser", at, ORGANISERS, "province"),
                basis=r.text(rec, "basis", at),
                source=r.text(rec, "source", at),
            )
        )
    flags = r.items(raw.get("flags"), f"{path}.flags")
    for j, flag in enumerate(flags):
        if flag not in FLAGS:
            r.fail(
                f"{path}.flags[{j}]", f"“{flag}” không phải sự việc Hội đồng xác nhận ({', '.join(FLAGS)})"
            )
    if kind != SUBJECT_INDIVIDUAL and raw.get("recruited_on"):
        r.fail(path, "ngày tuyển dụng chỉ dùng cho cá nhân")
    if kind not in (SUBJECT_INDIVIDUAL, SUBJECT_COLLECTIVE) and raw.get("armed_forces"):
        r.fail(path, "lực lượng vũ trang chỉ dùng cho cá nhân và tập thể")
    if kind not in (SUBJECT_COLLECTIVE, SUBJECT_COMMUNE) and (members or leads):
        r.fail(path, "số liệu thành viên và kết quả dẫn đầu cụm chỉ dùng cho tập thể, xã, phường")
    cycle_kind = raw.get("cycle_kind", "")
    if cycle_kind not in ("", *CYCLE_KINDS):
        r.fail(f"{path}.cycle_kind", f"“{cycle_kind}” không hợp lệ, cần calendar hoặc school")
        cycle_kind = ""
    subject = Subject(
        id=r.text(raw, "id", path, required=True),
        kind=kind,
        name=r.text(raw, "name", path, required=True),
        unit=strictjson.nfc_name(r.text(raw, "unit", path)),
        female=r.boolean(raw, "female", path),
        recruited_on=r.day(raw, "recruited_on", path),
        ratings=tuple(ratings),
        awards=tuple(awards),
        initiatives=tuple(initiatives),
        disciplines=tuple(disciplines),
        pending=tuple(pending),
        members=tuple(members),
        leads=tuple(leads),
        flags=frozenset(str(f) for f in flags if f in FLAGS),
        cycle_kind=str(cycle_kind),
        armed_forces=r.boolean(raw, "armed_forces", path),
    )
    return subject if len(r.problems) == before else None


def parse(document: Any) -> dict[str, Any]:
    """The document checked against docs/schemas/eligibility-input.schema.json (an unknown key or a value
    of the wrong type is refused, never ignored), then validated into plain values: cycle, on, titles,
    overrides, units, cluster_leaders, subjects. Raises EligibilityInputError listing every problem."""
    found = strictjson.problems(document, SCHEMA)
    if found:
        raise EligibilityInputError(strictjson.lines(found))
    r = _Reader()
    cycle = r.cycle(document, "cycle", "$")
    on = r.day(document, "on", "$")
    titles = document.get("titles")
    if titles is not None:
        if not isinstance(titles, list) or not all(isinstance(t, str) for t in titles):
            r.fail("titles", "phải là danh sách mã danh hiệu")
            titles = None
        else:
            for t in titles:
                if t not in CATALOGUE:
                    r.fail("titles", f"“{t}” không có trong danh mục ({', '.join(TITLE_CODES)})")
    overrides = document.get("overrides") or {}
    if not isinstance(overrides, dict) or not all(isinstance(v, dict) for v in overrides.values()):
        r.fail("overrides", "phải có dạng {mã quy tắc: {tham số: giá trị}}")
        overrides = {}
    else:
        try:
            validate_overrides(overrides)
        except RulePackError as exc:
            r.problems.extend(exc.problems)
    units: dict[str, int] = {}
    for j, item in enumerate(r.items(document.get("units"), "units")):
        rec = r.obj(item, f"units[{j}]")
        if rec:
            name = strictjson.nfc_name(r.text(rec, "name", f"units[{j}]", required=True))
            if name in units:
                r.fail(f"units[{j}].name", f"đơn vị “{name}” đã có ở dòng trước")
            units[name] = r.integer(rec, "ldtt", f"units[{j}]")
    leaders = document.get("cluster_leaders")
    if leaders is not None and (isinstance(leaders, bool) or not isinstance(leaders, int) or leaders < 0):
        r.fail("cluster_leaders", "phải là số nguyên không âm")
        leaders = None
    raw_subjects = r.items(document.get("subjects"), "subjects")
    if not raw_subjects:
        r.fail("subjects", "cần ít nhất một đối tượng")
    if len(raw_subjects) > MAX_SUBJECTS:
        raise EligibilityInputError([f"subjects: quá {MAX_SUBJECTS} đối tượng"])
    subjects = []
    ids: set[str] = set()
    for i, raw in enumerate(raw_subjects):
        subject = _subject(r, raw, f"subjects[{i}]")
        if subject is None:
            continue
        if subject.id in ids:
            r.fail(f"subjects[{i}].id", f"mã “{subject.id}” bị trùng")
        ids.add(subject.id)
        subjects.append(subject)
    if r.problems:
        raise EligibilityInputError(r.problems)
    return {
        "cycle": cycle,
        "on": on,
        "titles": tuple(titles) if titles is not None else None,
        "overrides": overrides,
        "units": units,
        "cluster_leaders": leaders,
        "subjects": subjects,
    }


def check_to_json(check: Check) -> dict[str, Any]:
    return {
        "rule": check.rule_id,
        "ok": check.ok,
        "effect": check.effect,
        "text": check.text,
        "evidence": list(check.evidence),
        "missing": check.missing,
        "citation": check.citation,
        "tag": check.tag,
        "unverified": check.unverified,
    }


def verdict_to_json(verdict: Verdict, instruments: dict[str, list[str]]) -> dict[str, Any]:
    entry = CATALOGUE[verdict.title]
    return {
        "title": verdict.title,
        "title_name": entry.name,
        "cycle": verdict.cycle,
        "cycle_label": cycle_label(verdict.cycle, verdict.cycle_kind),
        "outcome": verdict.outcome,
        "outcome_text": OUTCOME_NAMES[verdict.outcome],
        "missing": list(verdict.missing),
        "unverified": verdict.unverified,
        "pack": verdict.pack,
        "instruments": instruments.get(verdict.pack, []),
        "checks": [check_to_json(c) for c in verdict.checks],
    }


def quota_to_json(result: QuotaResult, **extra: Any) -> dict[str, Any]:
    return {
        **extra,
        "rule": result.rule_id,
        "enabled": result.enabled,
        "base": result.base,
        "share": fraction_text(result.share) if result.share is not None else None,
        "rounding": result.rounding or None,
        "limit": result.limit,
        "candidates": list(result.candidates),
        "within": list(result.within),
        "over": list(result.over),
        "text": result.text,
        "citation": result.citation,
        "tag": result.tag,
        "unverified": result.unverified,
        "pack": result.pack,
    }


def run(document: Any) -> dict[str, Any]:
    """Parse, evaluate every subject, return the explained verdicts as JSON. Raises EligibilityInputError."""
    doc = parse(document)
    cycle: int = doc["cycle"]
    overrides = doc["overrides"]
    packs: dict[str, dict[str, Any]] = {}
    subjects_out = []
    all_verdicts: list[tuple[Subject, tuple[Verdict, ...]]] = []
    try:
        for subject in doc["subjects"]:
            all_verdicts.append(
                (subject, evaluate(subject, cycle, titles=doc["titles"], overrides=overrides, on=doc["on"]))
            )
    except RulePackError as exc:
        raise EligibilityInputError(exc.problems) from exc
    for _, verdicts in all_verdicts:
        for v in verdicts:
            if v.pack not in packs:
                packs[v.pack] = describe_pack(resolve_pack(cycle, v.cycle_kind, overrides, v.pack))
    instruments = {pid: p["instruments"] for pid, p in packs.items()}
    summary: dict[str, dict[str, int]] = {}
    for index, (subject, verdicts) in enumerate(all_verdicts):
        for v in verdicts:
            summary.setdefault(v.title, dict.fromkeys(OUTCOMES, 0))[v.outcome] += 1
        subjects_out.append(
            {
                "index": index,
                "id": subject.id,
                "name": subject.name,
                "kind": subject.kind,
                "unit": subject.unit,
                "verdicts": [verdict_to_json(v, instruments) for v in verdicts],
            }
        )
    return {
        "cycle": cycle,
        "on": doc["on"].strftime("%d/%m/%Y") if doc["on"] else None,
        "packs": list(packs.values()),
        "subjects": subjects_out,
        "quotas": _quotas(doc, all_verdicts),
        "summary": summary,
        "notes": [
            "Nhãn kiểm chứng: V đã đối chiếu điều luật; V-old văn bản đã hết hiệu lực; V-2nd nguồn thứ cấp; "
            "R nhớ lại, chưa đối chiếu văn bản gốc (unverified = true).",
            "ok = null: sự việc do Hội đồng Thi đua – Khen thưởng xác nhận, hệ thống không tự suy ra.",
        ],
    }


def _quotas(
    doc: dict[str, Any], all_verdicts: list[tuple[Subject, tuple[Verdict, ...]]]
) -> list[dict[str, Any]]:
    cycle: int = doc["cycle"]
    overrides = doc["overrides"]
    out: list[dict[str, Any]] = []
    by_unit: dict[str, dict[str, list[str]]] = {}
    leaders: list[str] = []
    flag_candidates: list[str] = []
    for subject, verdicts in all_verdicts:
        outcome = {v.title: v.outcome for v in verdicts}
        if "CSTDCS" in outcome and subject.unit:
            group = by_unit.setdefault(subject.unit, {"ldtt": [], "cstdcs": []})
            if outcome.get("LDTT") == ELIGIBLE or outcome.get("CSTT") == ELIGIBLE:
                group["ldtt"].append(subject.id)
            if outcome["CSTDCS"] == ELIGIBLE:
                group["cstdcs"].append(subject.id)
        if "CO_CP" in outcome:
            if any(
                lead.cycle == cycle and lead.organiser in ("province", "ministry", "central")
                for lead in subject.leads
            ):
                leaders.append(subject.id)
            if outcome["CO_CP"] == ELIGIBLE:
                flag_candidates.append(subject.id)
    for unit, group in by_unit.items():
        ldtt = doc["units"].get(unit, len(group["ldtt"]))
        result = cstdcs_quota(
            unit=unit, ldtt_count=ldtt, candidates=group["cstdcs"], cycle=cycle, overrides=overrides
        )
        out.append(
            quota_to_json(
                result,
                kind="cstdcs_share_of_ldtt",
                unit=unit,
                ldtt_from="units" if unit in doc["units"] else "verdicts",
            )
        )
    if leaders or doc["cluster_leaders"]:
        result = gov_flag_quota(
            leaders=leaders,
            candidates=flag_candidates,
            leaders_total=doc["cluster_leaders"],
            cycle=cycle,
            overrides=overrides,
        )
        out.append(quota_to_json(result, kind="gov_flag_share_of_leaders", leaders=leaders))
    return out
