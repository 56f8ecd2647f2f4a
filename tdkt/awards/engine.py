"""The eligibility engine: for a subject and a cycle, a verdict per title with every condition explained.
Pure: no Django.

`evaluate(subject, cycle)` picks the rule pack in force for the cycle (`rulepacks.pack_for`), applies the
board's parameter overrides, and evaluates every rule of every title the subject can receive. Each
condition becomes a `Check`: what was checked and found (Vietnamese), the records relied on, what is
missing, the citation and the verification tag. Facts only a council can confirm (solidarity, an
outstanding achievement) are listed with ok=None unless the subject's `flags` confirm them.

Rules written down here (and tested):
- **Outcome.** BARRED when a bar fails (GEN_01 an open review at the evaluation date; GEN_02 the cycle
  is not wholly after the end of a disciplinary period). Otherwise NOT_YET when a required rule fails
  and no alternative route confirmed by the council stands in for it; otherwise ELIGIBLE. Three-valued
  logic: a council fact (None) never fails a rule, and never rescues one.
- **Evaluation date** `on`: by default the last day of the cycle. A review is open when it started on or
  before `on` and has not ended before `on`; a discipline counts when it started on or before `on`.
- **The clock (GEN_02).** Achievements count only from the day after the latest disciplinary period
  ends: a cycle counts when it starts after that day. A discipline ending 30/06/2025 removes the whole of
  2025 and every earlier cycle; 2026 is the first that counts.
- **Merit only (GEN_03).** Awards of kind đột xuất / chuyên đề are not prerequisites.
- **One initiative, one award (GEN_05).** An initiative that served an award is not counted again,
  except for that very award (the same title and cycle being re-examined).
- **Consecutive** means cycles n, n + 1, … (calendar or school years as the subject's sector counts them);
  CSTĐ tỉnh counts as consecutive every 3 years (each one stands on 3 new CSTĐCS).
- **Scopes** are ordered: an initiative recognised nationwide also counts where a provincial or a
  grassroots one is asked for.
- **Next award (GEN_09, unverified).** A multi-year title is not proposed again while its previous award's
  achievement period (the catalogue's `period_years`) overlaps the new one.
- **Quotas** (CSTĐCS cap per unit, Government flag ≤ 20 % of cluster leaders) are group functions:
  `cstdcs_quota` and `gov_flag_quota`; the verdicts only mention them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from typing import Any

from tdkt.awards.catalogue import CATALOGUE, TITLES, Title
from tdkt.awards.rulepacks import (
    EFFECT_ALTERNATIVE,
    EFFECT_BAR,
    EFFECT_FILTER,
    EFFECT_INFO,
    EFFECT_REQUIRE,
    FLAGS,
    ROUNDING_NAMES,
    Node,
    Pack,
    Rule,
    RulePackError,
    cycle_end,
    cycle_start,
    pack_by_id,
    pack_for,
    validate_overrides,
    with_overrides,
)
from tdkt.awards.subjects import (
    CYCLE_CALENDAR,
    CYCLE_SCHOOL,
    KIND_CONG_TRANG,
    SCOPE_BO_TINH,
    SCOPE_CO_SO,
    SCOPE_TOAN_QUOC,
    SCOPES,
    AwardRecord,
    DisciplineLevel,
    DisciplineRecord,
    InitiativeRecord,
    MembersYear,
    PendingRecord,
    Rating,
    RatingRecord,
    Subject,
)
from tdkt.awards.verdicts import BARRED, ELIGIBLE, NOT_YET, Check, Verdict
from tdkt.core.vn import format_date, format_number, format_percent

Overrides = Mapping[str, Mapping[str, Any]]

RATING_NAMES = {
    Rating.KHTNV: "không hoàn thành nhiệm vụ",
    Rating.HTNV: "hoàn thành nhiệm vụ",
    Rating.HTTNV: "hoàn thành tốt nhiệm vụ",
    Rating.HTXSNV: "hoàn thành xuất sắc nhiệm vụ",
}
LEVEL_NAMES = {
    DisciplineLevel.KHIEN_TRACH: "khiển trách",
    DisciplineLevel.CANH_CAO: "cảnh cáo",
    DisciplineLevel.HA_BAC_LUONG: "hạ bậc lương",
    DisciplineLevel.GIANG_CHUC: "giáng chức",
    DisciplineLevel.CACH_CHUC: "cách chức",
    DisciplineLevel.BUOC_THOI_VIEC: "buộc thôi việc",
}
SCOPE_NAMES = {
    SCOPE_CO_SO: "cấp cơ sở",
    SCOPE_BO_TINH: "cấp bộ, ngành, tỉnh",
    SCOPE_TOAN_QUOC: "phạm vi toàn quốc",
}
SCOPE_AT_LEAST = {
    SCOPE_CO_SO: "cấp cơ sở trở lên",
    SCOPE_BO_TINH: "cấp bộ, ngành, tỉnh trở lên",
    SCOPE_TOAN_QUOC: "phạm vi toàn quốc",
}
PENDING_NAMES = {
    "ky_luat": "xem xét kỷ luật",
    "dieu_tra": "điều tra",
    "thanh_tra": "thanh tra",
    "kiem_tra": "kiểm tra",
    "khieu_nai": "xác minh khiếu nại, tố cáo",
}
KIND_NAMES = {"cong_trang": "theo công trạng", "dot_xuat": "đột xuất", "chuyen_de": "theo đợt, chuyên đề"}
ORGANISER_NAMES = {
    "province": "tỉnh",
    "ministry": "bộ, ngành",
    "central": "Hội đồng Thi đua – Khen thưởng Trung ương",
    "district": "huyện",
}
MEMBER_FIELD_NAMES = {
    "members": "thành viên",
    "completed": "hoàn thành nhiệm vụ",
    "ldtt": "đạt Lao động tiên tiến",
    "cstdcs": "đạt Chiến sĩ thi đua cơ sở",
    "disciplined_warning_or_above": "bị kỷ luật từ cảnh cáo trở lên",
    "women": "là nữ",
}
OUTCOME_NAMES = {ELIGIBLE: "Đủ điều kiện", NOT_YET: "Chưa đủ điều kiện", BARRED: "Chưa được xét"}
SCOPE_RANK = {scope: i for i, scope in enumerate(SCOPES)}

# ------------------------------------------------------------------------------------------- words


def cycle_label(cycle: int, kind: str = CYCLE_CALENDAR) -> str:
    """ "năm 2024" or "năm học 2024–2025"."""
    return f"năm học {cycle}–{cycle + 1}" if kind == CYCLE_SCHOOL else f"năm {cycle}"


def cycles_label(cycles: Iterable[int], kind: str = CYCLE_CALENDAR) -> str:
    """ "năm 2022, 2023" or "năm học 2022–2023, 2023–2024"."""
    items = sorted(cycles)
    if kind == CYCLE_SCHOOL:
        return "năm học " + ", ".join(f"{c}–{c + 1}" for c in items)
    return "năm " + ", ".join(str(c) for c in items)


def window_label(first: int, last: int, kind: str = CYCLE_CALENDAR) -> str:
    if first == last:
        return cycle_label(last, kind)
    if kind == CYCLE_SCHOOL:
        return f"các năm học từ {first}–{first + 1} đến {last}–{last + 1}"
    return f"các năm {first}–{last}"


def _percent(value: Fraction) -> str:
    return format_percent(Decimal(value.numerator) * 100 / Decimal(value.denominator))


def _decimal(value: Fraction) -> str:
    return format_number(Decimal(value.numerator) / Decimal(value.denominator), 2)


def _source(text: str) -> str:
    return f" [nguồn: {text}]" if text else ""


def describe_award(a: AwardRecord, kind: str = CYCLE_CALENDAR) -> str:
    """ "CSTĐCS năm 2023 — QĐ số 12/QĐ-UBND ngày 05/01/2024 (Chủ tịch UBND xã X)"."""
    t = CATALOGUE.get(a.title)
    text = f"{t.short if t else a.title} {cycle_label(a.cycle, kind)}"
    decision = []
    if a.decision_no:
        decision.append(f"QĐ số {a.decision_no}")
    if a.decision_date:
        decision.append(f"ngày {format_date(a.decision_date)}")
    if decision:
        text += " — " + " ".join(decision)
    if a.authority:
        text += f" ({a.authority})"
    if a.kind != KIND_CONG_TRANG:
        text += f", khen thưởng {KIND_NAMES.get(a.kind, a.kind)}"
    return text + _source(a.source)


def describe_rating(r: RatingRecord, kind: str = CYCLE_CALENDAR) -> str:
    return f"Xếp loại {cycle_label(r.cycle, kind)}: {RATING_NAMES[r.rating]}{_source(r.source)}"


def describe_initiative(i: InitiativeRecord, kind: str = CYCLE_CALENDAR) -> str:
    text = f"Sáng kiến “{i.name}” ({SCOPE_NAMES.get(i.scope, i.scope)}, {cycle_label(i.cycle, kind)}"
    if i.recognised_by:
        text += f", công nhận: {i.recognised_by}"
    if i.recognised_on:
        text += f", ngày {format_date(i.recognised_on)}"
    return text + ")" + _source(i.source)


def describe_discipline(d: DisciplineRecord) -> str:
    text = f"Kỷ luật {LEVEL_NAMES[d.level]}"
    if d.decision_no:
        text += f" (QĐ số {d.decision_no})"
    return text + f" từ {format_date(d.start)} đến {format_date(d.end)}{_source(d.source)}"


def describe_pending(p: PendingRecord) -> str:
    text = f"Đang {PENDING_NAMES.get(p.kind, p.kind)} từ {format_date(p.since)}"
    text += f" đến {format_date(p.until)}" if p.until else " (chưa kết thúc)"
    return text + (f": {p.note}" if p.note else "")


def add_months(d: date, months: int) -> date:
    """The same day `months` later (or earlier), clamped to the month's end."""
    index = d.year * 12 + d.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    days = [
        31,
        29 if (year % 4 == 0 and year % 100 != 0) or year % 400 == 0 else 28,
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ]
    return date(year, month, min(d.day, days[month - 1]))


def whole_months(start: date, end_exclusive: date) -> int:
    """Whole months from `start` up to (not including) `end_exclusive`."""
    months = (end_exclusive.year - start.year) * 12 + end_exclusive.month - start.month
    return months - (1 if end_exclusive.day < start.day else 0)


def first_countable_cycle(restart: date, kind: str = CYCLE_CALENDAR) -> int:
    """The first cycle that starts after `restart` (the last day of a disciplinary period)."""
    if kind == CYCLE_SCHOOL:
        return restart.year if cycle_start(restart.year, kind) > restart else restart.year + 1
    return restart.year + 1


# ----------------------------------------------------------------------------------------- context


@dataclass
class _Ctx:
    subject: Subject
    cycle: int
    kind: str
    on: date
    pack: Pack
    title: str  # the title being evaluated
    merit_only: bool
    initiative_once: bool
    ratings: dict[int, RatingRecord]
    first_ok: int | None
    disciplines: tuple[DisciplineRecord, ...]
    awards_by_title: dict[str, list[AwardRecord]]
    award_by_id: dict[str, AwardRecord]
    used_by: dict[str, str]  # initiative id → award id
    excluded_awards: dict[str, str] = field(default_factory=dict)  # description → reason
    excluded_initiatives: dict[str, str] = field(default_factory=dict)

    def countable(self, cycle: int) -> bool:
        return self.first_ok is None or cycle >= self.first_ok

    def label(self, cycle: int) -> str:
        return cycle_label(cycle, self.kind)

    def held(self, title: str, cycle: int) -> AwardRecord | None:
        """An award of `title` in `cycle` that counts as a prerequisite, noting the ones that do not."""
        found = None
        for a in self.awards_by_title.get(title, ()):
            if a.cycle != cycle:
                continue
            if self.merit_only and a.kind != KIND_CONG_TRANG:
                self.excluded_awards[describe_award(a, self.kind)] = (
                    f"khen thưởng {KIND_NAMES.get(a.kind, a.kind)} không làm căn cứ khen theo công trạng"
                )
                continue
            if not self.countable(cycle):
                continue
            found = found or a
        return found

    def award_using(self, initiative: InitiativeRecord) -> tuple[str | None, AwardRecord | None]:
        award_id = initiative.used_by if initiative.used_by is not None else self.used_by.get(initiative.id)
        if award_id is None:
            return None, None
        return award_id, self.award_by_id.get(award_id)

    def available(self, initiative: InitiativeRecord) -> bool:
        if not self.initiative_once:
            return True
        award_id, award = self.award_using(initiative)
        if award_id is None:
            return True
        if award is not None and award.title == self.title and award.cycle == self.cycle:
            return True  # the award being re-examined
        used = describe_award(award, self.kind) if award else f"khen thưởng mã {award_id}"
        self.excluded_initiatives[describe_initiative(initiative, self.kind)] = f"đã dùng cho {used}"
        return False


def _context(subject: Subject, cycle: int, kind: str, on: date, pack: Pack, title: str) -> _Ctx:
    ratings: dict[int, RatingRecord] = {}
    for r in subject.ratings:
        if r.cycle not in ratings or r.rating < ratings[r.cycle].rating:
            ratings[r.cycle] = r  # two ratings for one cycle: the lower one counts
    considered = tuple(d for d in subject.disciplines if d.start <= on)
    first_ok = first_countable_cycle(max(d.end for d in considered), kind) if considered else None
    by_title: dict[str, list[AwardRecord]] = {}
    used_by: dict[str, str] = {}
    for a in subject.awards:
        by_title.setdefault(a.title, []).append(a)
        entry = CATALOGUE.get(a.title)
        if entry is not None and entry.armed_forces_equivalent:  # the same title under its other name
            by_title.setdefault(entry.armed_forces_equivalent, []).append(a)  # (a TTLĐXS counts as ĐVQT)
        for init_id in a.initiative_ids:
            used_by.setdefault(init_id, a.id)
    rules = pack.rules_for(title, subject.kind, cycle_end(cycle, kind))
    filters = {r.node.op for r in rules if r.effect == EFFECT_FILTER}
    return _Ctx(
        subject=subject,
        cycle=cycle,
        kind=kind,
        on=on,
        pack=pack,
        title=title,
        merit_only="merit_only" in filters,
        initiative_once="initiative_once" in filters,
        ratings=ratings,
        first_ok=first_ok,
        disciplines=considered,
        awards_by_title=by_title,
        award_by_id={a.id: a for a in subject.awards},
        used_by=used_by,
    )


# -------------------------------------------------------------------------------------- predicates


def _check(rule: Rule, ok: bool | None, text: str, evidence: Sequence[str] = (), missing: str = "") -> Check:
    return Check(
        rule_id=rule.id,
        ok=ok,
        text=text,
        evidence=tuple(evidence),
        missing=missing if ok is False else "",
        citation=rule.citation,
        tag=rule.tag,
        effect=rule.effect,
    )


def _uncountable_note(ctx: _Ctx, cycles: Iterable[int]) -> str:
    lost = sorted(c for c in cycles if not ctx.countable(c))
    if not lost or ctx.first_ok is None:
        return ""
    return (
        f" ({cycles_label(lost, ctx.kind)} không được tính vì thành tích chỉ tính sau khi hết thời hạn "
        f"kỷ luật, từ {ctx.label(ctx.first_ok)})"
    )


def _p_not_pending(node: Node, rule: Rule, ctx: _Ctx) -> list[Check]:
    active = [p for p in ctx.subject.pending if p.since <= ctx.on and (p.until is None or p.until >= ctx.on)]
    if not active:
        return [
            _check(
                rule,
                True,
                "Không đang bị xem xét kỷ luật, điều tra, thanh tra, kiểm tra hay xác minh đơn thư "
                f"tại ngày xét {format_date(ctx.on)}",
            )
        ]
    return [
        _check(
            rule,
            False,
            f"Tại ngày xét {format_date(ctx.on)}: "
            + "; ".join(describe_pending(p) for p in active)
            + ". Chưa xét khen thưởng trong thời gian này",
            [describe_pending(p) for p in active],
            "Chờ kết thúc việc "
            + ", ".join(PENDING_NAMES.get(p.kind, p.kind) for p in active)
            + " và có kết luận",
        )
    ]


def _p_clock(node: Node, rule: Rule, ctx: _Ctx) -> list[Check]:
    if not ctx.disciplines:
        return [_check(rule, True, "Không có quyết định kỷ luật")]
    latest = max(ctx.disciplines, key=lambda d: d.end)
    evidence = [describe_discipline(d) for d in sorted(ctx.disciplines, key=lambda d: d.start)]
    since = format_date(latest.end + timedelta(days=1))
    if ctx.countable(ctx.cycle):
        return [
            _check(
                rule,
                True,
                f"{describe_discipline(latest)}: thành tích tính từ ngày {since}; {ctx.label(ctx.cycle)} "
                "được tính",
                evidence,
            )
        ]
    assert ctx.first_ok is not None
    return [
        _check(
            rule,
            False,
            f"{describe_discipline(latest)}: thành tích chỉ được tính từ ngày {since}, nên "
            f"{ctx.label(ctx.cycle)} không được xét",
            evidence,
            f"Sớm nhất xét lại từ {ctx.label(ctx.first_ok)}",
        )
    ]


def _rating_requirement(minimum: Rating) -> str:
    name = RATING_NAMES[minimum]
    return name if minimum == Rating.HTXSNV else f"{name} trở lên"


def _p_rating_at_least(node: Node, rule: Rule, ctx: _Ctx) -> list[Check]:
    minimum: Rating = node.args["min"]
    record = ctx.ratings.get(ctx.cycle)
    need = _rating_requirement(minimum)
    if record is None:
        return [
            _check(
                rule,
                False,
                f"Chưa có kết quả xếp loại {ctx.label(ctx.cycle)} (yêu cầu: {need})",
                missing=f"Cần kết quả xếp loại {need} {ctx.label(ctx.cycle)}",
            )
        ]
    ok = record.rating >= minimum and ctx.countable(ctx.cycle)
    missing = f"Cần xếp loại {need} {ctx.label(ctx.cycle)}"
    if record.rating >= minimum:
        missing = f"Kết quả {ctx.label(ctx.cycle)} chưa được tính vì còn trong thời gian kỷ luật"
    return [
        _check(
            rule,
            ok,
            f"Xếp loại {ctx.label(ctx.cycle)}: {RATING_NAMES[record.rating]} (yêu cầu: {need})"
            + _uncountable_note(ctx, [ctx.cycle]),
            [describe_rating(record, ctx.kind)],
            missing,
        )
    ]


def _p_rating_streak(node: Node, rule: Rule, ctx: _Ctx) -> list[Check]:
    minimum: Rating = node.args["min"]
    years: int = node.args["years"]
    window = range(ctx.cycle - years + 1, ctx.cycle + 1)
    need = _rating_requirement(minimum)
    found, bad, evidence = [], [], []
    for c in window:
        record = ctx.ratings.get(c)
        short = f"{c}–{c + 1}" if ctx.kind == CYCLE_SCHOOL else str(c)
        if record is not None:
            evidence.append(describe_rating(record, ctx.kind))
            found.append(f"{short}: {RATING_NAMES[record.rating]}")
        else:
            found.append(f"{short}: chưa có")
        if record is None or record.rating < minimum or not ctx.countable(c):
            bad.append(c)
    text = (
        f"{years} năm liên tục đến {ctx.label(ctx.cycle)} xếp loại {need}: " + "; ".join(found)
        if years > 1
        else f"Xếp loại {ctx.label(ctx.cycle)} {need}: " + "; ".join(found)
    )
    low = [c for c in bad if c not in ctx.ratings or ctx.ratings[c].rating < minimum]
    lost = [c for c in bad if c not in low]
    missing = "; ".join(
        part
        for part in (
            f"Cần xếp loại {need} ở {cycles_label(low, ctx.kind)}" if low else "",
            f"{cycles_label(lost, ctx.kind)} chưa được tính vì thời gian kỷ luật" if lost else "",
        )
        if part
    )
    return [_check(rule, not bad, text + _uncountable_note(ctx, window), evidence, missing)]


def _p_ratings_in_window(node: Node, rule: Rule, ctx: _Ctx) -> list[Check]:
    """At least n countable cycles of the window rated `min` or better (Law 2022 Art. 44.1.e: within the
    five years, at least one year "hoàn thành xuất sắc nhiệm vụ")."""
    minimum: Rating = node.args["min"]
    n: int = node.args["n"]
    years: int = node.args["years"]
    first = ctx.cycle - years + 1
    window = range(first, ctx.cycle + 1)
    need = _rating_requirement(minimum)
    hits = [
        c
        for c in window
        if (record := ctx.ratings.get(c)) is not None and record.rating >= minimum and ctx.countable(c)
    ]
    where = window_label(first, ctx.cycle, ctx.kind)
    text = f"Trong {where} có {len(hits)} năm xếp loại {need} (yêu cầu ít nhất {n})"
    if hits:
        text += ": " + cycles_label(hits, ctx.kind)
    text += _uncountable_note(ctx, window)
    return [
        _check(
            rule,
            len(hits) >= n,
            text,
            [describe_rating(ctx.ratings[c], ctx.kind) for c in hits],
            f"Cần thêm {n - len(hits)} năm xếp loại {need} trong {where}",
        )
    ]


def _p_title_streak(node: Node, rule: Rule, ctx: _Ctx) -> list[Check]:
    code: str = node.args["title"]
    k: int = node.args["k"]
    step: int = node.args["step"]
    lag: int = node.args["lag"]
    short = _named_for(CATALOGUE[code], ctx.subject).short
    best: tuple[int, int, list[int], list[AwardRecord]] | None = None
    for end in range(ctx.cycle, ctx.cycle - lag - 1, -1):
        needed = [end - j * step for j in range(k)]
        held = {c: ctx.held(code, c) for c in needed}
        missing = sorted(c for c, a in held.items() if a is None)
        records = [a for a in held.values() if a is not None]
        if best is None or len(missing) < len(best[2]):
            best = (end, len(missing), missing, records)
    assert best is not None
    end, _, missing, records = best
    every = "liên tục" if step == 1 else f"liên tục (mỗi lần cách {step} năm)"
    records.sort(key=lambda a: a.cycle)
    have = "có " + cycles_label([a.cycle for a in records], ctx.kind) if records else "chưa có lần nào"
    text = f"{k} lần {short} {every} đến {ctx.label(end)}: {have}"
    text += _uncountable_note(ctx, [end - j * step for j in range(k)])
    miss = ""
    if missing:
        miss = f"Cần thêm {len(missing)} lần {short} liên tục: {cycles_label(missing, ctx.kind)}"
        past = [c for c in missing if c < ctx.cycle]
        if past:
            # A past cycle cannot be filled in: count the run that ends now and say when it can reach k.
            now_held = ctx.held(code, ctx.cycle) is not None
            run, c = 0, ctx.cycle
            while run < k and (c == ctx.cycle or ctx.held(code, c) is not None):
                run += 1
                c -= step
            earliest = ctx.label(ctx.cycle + (k - run) * step)
            condition = "" if now_held else f"nếu đạt {short} {ctx.label(ctx.cycle)} thì "
            miss += (
                f" ({cycles_label(past, ctx.kind)} đã qua, không bổ sung được; {condition}sớm nhất đủ {k} lần "
                f"liên tục vào {earliest})"
            )
    return [_check(rule, not missing, text, [describe_award(a, ctx.kind) for a in records], miss)]


def _p_titles_in_window(node: Node, rule: Rule, ctx: _Ctx) -> list[Check]:
    code: str = node.args["title"]
    n: int = node.args["n"]
    years: int = node.args["years"]
    short = _named_for(CATALOGUE[code], ctx.subject).short
    first = ctx.cycle - years + 1
    records = [a for c in range(first, ctx.cycle + 1) if (a := ctx.held(code, c)) is not None]
    where = window_label(first, ctx.cycle, ctx.kind)
    text = f"Trong {where} có {len(records)} lần {short} (yêu cầu ít nhất {n})"
    if records:
        text += ": " + cycles_label([a.cycle for a in records], ctx.kind)
    text += _uncountable_note(ctx, range(first, ctx.cycle + 1))
    return [
        _check(
            rule,
            len(records) >= n,
            text,
            [describe_award(a, ctx.kind) for a in records],
            f"Cần thêm {n - len(records)} lần {short} trong {where}",
        )
    ]


def _p_holds_award(node: Node, rule: Rule, ctx: _Ctx) -> list[Check]:
    code: str = node.args["title"]
    before: int = node.args["before_window"]
    short = _named_for(CATALOGUE[code], ctx.subject).short
    limit = ctx.cycle - before
    cycles = sorted({a.cycle for a in ctx.awards_by_title.get(code, ()) if a.cycle <= limit})
    records = [a for c in cycles if (a := ctx.held(code, c)) is not None]
    when = f"từ {ctx.label(limit)} trở về trước" if before else f"đến {ctx.label(limit)}"
    if records:
        text = f"Đã có {short} {when}: " + cycles_label([a.cycle for a in records], ctx.kind)
    else:
        text = f"Chưa có {short} (khen theo công trạng) {when}"
    if before:
        text += f", trước {before} năm liên tục đến {ctx.label(ctx.cycle)}"
    text += _uncountable_note(ctx, cycles)
    return [
        _check(
            rule,
            bool(records),
            text,
            [describe_award(a, ctx.kind) for a in records],
            f"Cần có {short} (khen theo công trạng) {when}",
        )
    ]


def _p_initiatives(node: Node, rule: Rule, ctx: _Ctx) -> list[Check]:
    scope: str = node.args["scope"]
    n: int = node.args["n"]
    years: int = node.args["years"]
    first = ctx.cycle - years + 1
    where = window_label(first, ctx.cycle, ctx.kind)
    usable, notes = [], []
    for i in sorted(ctx.subject.initiatives, key=lambda i: (i.cycle, i.id)):
        if not first <= i.cycle <= ctx.cycle or SCOPE_RANK.get(i.scope, -1) < SCOPE_RANK[scope]:
            continue
        if not ctx.countable(i.cycle):
            notes.append(f"“{i.name}” được công nhận trước khi hết thời hạn kỷ luật")
            continue
        if not ctx.available(i):
            _, award = ctx.award_using(i)
            used = describe_award(award, ctx.kind) if award else "một khen thưởng khác"
            notes.append(f"“{i.name}” đã dùng cho {used}")
            continue
        usable.append(i)
    text = (
        f"Sáng kiến, đề tài {SCOPE_AT_LEAST[scope]} được công nhận trong {where}, chưa dùng cho khen thưởng "
        f"khác: {len(usable)} (yêu cầu ít nhất {n})"
    )
    if notes:
        text += "; không tính: " + "; ".join(notes)
    return [
        _check(
            rule,
            len(usable) >= n,
            text,
            [describe_initiative(i, ctx.kind) for i in usable],
            f"Cần thêm {n - len(usable)} sáng kiến {SCOPE_AT_LEAST[scope]} chưa sử dụng, được công nhận "
            f"trong {where}",
        )
    ]


def _p_recruited_months(node: Node, rule: Rule, ctx: _Ctx) -> list[Check]:
    months: int = node.args["months"]
    end = cycle_end(ctx.cycle, ctx.kind)
    recruited = ctx.subject.recruited_on
    if recruited is None:
        return [
            _check(
                rule,
                None,
                f"Chưa có ngày tuyển dụng: cần xác nhận đã công tác đủ {months} tháng tính đến "
                f"{format_date(end)}",
            )
        ]
    worked = whole_months(recruited, end + timedelta(days=1))
    latest = add_months(end + timedelta(days=1), -months)
    return [
        _check(
            rule,
            worked >= months,
            f"Tuyển dụng ngày {format_date(recruited)}: đến {format_date(end)} công tác "
            f"{max(worked, 0)} tháng (yêu cầu ít nhất {months} tháng)",
            [f"Ngày tuyển dụng: {format_date(recruited)}"],
            f"Cần công tác đủ {months} tháng: tuyển dụng từ ngày {format_date(latest)} trở về trước",
        )
    ]


def _p_meets(node: Node, rule: Rule, ctx: _Ctx) -> list[Check]:
    code: str = node.args["title"]
    target = _named_for(CATALOGUE[code], ctx.subject)
    checks: list[Check] = []
    for inner in ctx.pack.rules_for(target.code, ctx.subject.kind, cycle_end(ctx.cycle, ctx.kind)):
        if inner.effect == EFFECT_REQUIRE:
            checks.extend(_evaluate_node(inner.node, inner, ctx))
    if not checks:
        checks.append(_check(rule, False, f"Không có quy tắc {target.short} cho đối tượng này"))
    return checks


def _members(ctx: _Ctx) -> MembersYear | None:
    for m in ctx.subject.members:
        if m.cycle == ctx.cycle:
            return m
    return None


def _member_field_name(name: str, ctx: _Ctx) -> str:
    if name == "ldtt" and ctx.subject.armed_forces:
        return f"đạt {CATALOGUE['CSTT'].name}"
    return MEMBER_FIELD_NAMES[name]


def _p_members_share(node: Node, rule: Rule, ctx: _Ctx) -> list[Check]:
    name: str = node.args["field"]
    minimum: Fraction = node.args["min"]
    strict: bool = node.args["strict"]
    what = _member_field_name(name, ctx)
    need = f"trên {_percent(minimum)}" if strict else f"từ {_percent(minimum)} trở lên"
    if minimum == 1 and not strict:
        need = "100 %"
    m = _members(ctx)
    if m is None or m.members <= 0:
        return [
            _check(
                rule,
                False,
                f"Chưa có số liệu thành viên {ctx.label(ctx.cycle)} (yêu cầu {need} thành viên {what})",
                missing=f"Cần số liệu thành viên {ctx.label(ctx.cycle)}",
            )
        ]
    value = getattr(m, name)
    share = Fraction(value, m.members)
    ok = share > minimum if strict else share >= minimum
    needed = (math.floor(minimum * m.members) + 1) if strict else math.ceil(minimum * m.members)
    return [
        _check(
            rule,
            ok,
            f"{value}/{m.members} thành viên {what} ({_percent(share)}) {ctx.label(ctx.cycle)}; yêu cầu {need}",
            [f"Số liệu thành viên {ctx.label(ctx.cycle)}: {m.members} người, {value} người {what}"],
            f"Cần ít nhất {needed}/{m.members} thành viên {what} (thêm {needed - value})",
        )
    ]


def _p_members_count(node: Node, rule: Rule, ctx: _Ctx) -> list[Check]:
    name: str = node.args["field"]
    low: int | None = node.args["min"]
    high: int | None = node.args["max"]
    what = _member_field_name(name, ctx)
    parts = []
    if low is not None:
        parts.append(f"ít nhất {low}")
    if high is not None:
        parts.append("không có ai" if high == 0 else f"không quá {high}")
    need = " và ".join(parts) or "không giới hạn"
    m = _members(ctx)
    if m is None:
        return [
            _check(
                rule,
                False,
                f"Chưa có số liệu thành viên {ctx.label(ctx.cycle)} (yêu cầu thành viên {what}: {need})",
                missing=f"Cần số liệu thành viên {ctx.label(ctx.cycle)}",
            )
        ]
    value = getattr(m, name)
    ok = (low is None or value >= low) and (high is None or value <= high)
    if high == 0:
        missing = f"Không được có thành viên {what} ({value} người)"
    elif low is not None and value < low:
        missing = f"Cần thêm {low - value} thành viên {what}"
    else:
        missing = f"Cần không quá {high} thành viên {what}"
    return [
        _check(
            rule,
            ok,
            f"{value} thành viên {what} {ctx.label(ctx.cycle)} (yêu cầu: {need})",
            [f"Số liệu thành viên {ctx.label(ctx.cycle)}: {m.members} người, {value} người {what}"],
            missing,
        )
    ]


def _p_leads_cluster(node: Node, rule: Rule, ctx: _Ctx) -> list[Check]:
    organisers: tuple[str, ...] = node.args["organisers"]
    by = ", ".join(ORGANISER_NAMES[o] for o in organisers)
    leads = [lead for lead in ctx.subject.leads if lead.cycle == ctx.cycle and lead.organiser in organisers]
    if not leads:
        return [
            _check(
                rule,
                False,
                f"Không có kết quả dẫn đầu cụm, khối thi đua do {by} tổ chức {ctx.label(ctx.cycle)}",
                missing=f"Cần được suy tôn dẫn đầu cụm, khối thi đua (do {by} tổ chức) {ctx.label(ctx.cycle)}",
            )
        ]
    evidence = [
        f"Dẫn đầu {lead.cluster} ({ORGANISER_NAMES.get(lead.organiser, lead.organiser)} tổ chức) "
        f"{ctx.label(lead.cycle)}" + (f": {lead.basis}" if lead.basis else "") + _source(lead.source)
        for lead in leads
    ]
    return [
        _check(
            rule,
            True,
            f"Dẫn đầu {leads[0].cluster} {ctx.label(ctx.cycle)}",
            evidence,
        )
    ]


def _p_council(node: Node, rule: Rule, ctx: _Ctx) -> list[Check]:
    flag: str = node.args["flag"]
    fact = node.args["text"] or FLAGS[flag]
    if flag in ctx.subject.flags:
        return [_check(rule, True, f"{fact}: Hội đồng đã xác nhận")]
    return [_check(rule, None, f"{fact}: cần Hội đồng Thi đua – Khen thưởng xác nhận")]


def _p_no_recent_same_award(node: Node, rule: Rule, ctx: _Ctx) -> list[Check]:
    entry = CATALOGUE[ctx.title]
    period = entry.period_years
    first = ctx.cycle - period + 1
    recent = sorted(
        (
            a
            for a in ctx.awards_by_title.get(ctx.title, ())
            if first <= a.cycle <= ctx.cycle - 1 and (not ctx.merit_only or a.kind == KIND_CONG_TRANG)
        ),
        key=lambda a: a.cycle,
    )
    if not recent:
        return [
            _check(
                rule,
                True,
                f"Không có {entry.short} trong {period - 1} năm trước {ctx.label(ctx.cycle)} "
                f"(mỗi lần khen tính thành tích {period} năm)",
            )
        ]
    last = recent[-1]
    return [
        _check(
            rule,
            False,
            f"Đã được tặng {entry.short} {ctx.label(last.cycle)}: lần khen đó đã dùng thành tích đến "
            f"{ctx.label(last.cycle)}, lần sau tính thành tích từ {ctx.label(last.cycle + 1)}",
            [describe_award(a, ctx.kind) for a in recent],
            f"Sớm nhất xét lại {entry.short} vào {ctx.label(last.cycle + period)}",
        )
    ]


def _p_group_quota(node: Node, rule: Rule, ctx: _Ctx) -> list[Check]:
    quota: str = node.args["quota"]
    share: Fraction = node.args["share"]
    rounding = ROUNDING_NAMES[node.args["rounding"]]
    if quota == "cstdcs_share_of_ldtt":
        text = (
            f"Trần CSTĐCS: không quá {_percent(share)} số cá nhân đạt LĐTT của đơn vị ({rounding}); số được "
            "đề nghị tính theo cả đơn vị"
        )
    else:
        text = (
            f"Số đề nghị Cờ thi đua của Chính phủ không quá {_percent(share)} số tập thể dẫn đầu cụm, khối "
            f"({rounding}); tính theo cả danh sách dẫn đầu"
        )
    return [_check(rule, None, text)]


def _p_filter(node: Node, rule: Rule, ctx: _Ctx) -> list[Check]:
    return []  # filters act through the context; `_filter_notes` reports what they set aside


_PREDICATES = {
    "not_pending": _p_not_pending,
    "clock": _p_clock,
    "rating_at_least": _p_rating_at_least,
    "rating_streak": _p_rating_streak,
    "ratings_in_window": _p_ratings_in_window,
    "title_streak": _p_title_streak,
    "titles_in_window": _p_titles_in_window,
    "holds_award": _p_holds_award,
    "initiatives": _p_initiatives,
    "recruited_months": _p_recruited_months,
    "meets": _p_meets,
    "members_share": _p_members_share,
    "members_count": _p_members_count,
    "leads_cluster": _p_leads_cluster,
    "council": _p_council,
    "no_recent_same_award": _p_no_recent_same_award,
    "group_quota": _p_group_quota,
    "merit_only": _p_filter,
    "initiative_once": _p_filter,
}


def kleene_all(values: Iterable[bool | None]) -> bool | None:
    result: bool | None = True
    for v in values:
        if v is False:
            return False
        if v is None:
            result = None
    return result


def kleene_any(values: Iterable[bool | None]) -> bool | None:
    result: bool | None = False
    for v in values:
        if v is True:
            return True
        if v is None:
            result = None
    return result


def _state(ok: bool | None) -> str:
    return {True: "đạt", False: "chưa đạt", None: "cần Hội đồng xác nhận"}[ok]


def _evaluate_node(node: Node, rule: Rule, ctx: _Ctx) -> list[Check]:
    if node.op == "all":
        return [c for child in node.children for c in _evaluate_node(child, rule, ctx)]
    if node.op == "any":
        branches = [_evaluate_node(child, rule, ctx) for child in node.children]
        oks = [kleene_all(c.ok for c in branch) for branch in branches]
        ok = kleene_any(oks)
        parts = [
            f"({i}) " + "; ".join(c.text for c in branch) + f" — {_state(branch_ok)}"
            for i, (branch, branch_ok) in enumerate(zip(branches, oks, strict=True), 1)
        ]
        chosen = [b for b, o in zip(branches, oks, strict=True) if o is not False] or branches
        evidence = tuple(dict.fromkeys(e for branch in chosen for c in branch for e in c.evidence))
        missing = "; hoặc ".join(
            f"cách ({i}): " + "; ".join(c.missing for c in branch if c.ok is False and c.missing)
            for i, branch in enumerate(branches, 1)
        )
        return [_check(rule, ok, "Đạt một trong các cách: " + " | ".join(parts), evidence, missing)]
    return _PREDICATES[node.op](node, rule, ctx)


def _filter_notes(rules: Sequence[Rule], ctx: _Ctx) -> list[Check]:
    notes: list[Check] = []
    for rule in rules:
        if rule.node.op == "merit_only" and ctx.excluded_awards:
            notes.append(
                _check(
                    rule,
                    True,
                    "Không dùng làm căn cứ: "
                    + "; ".join(f"{award} ({why})" for award, why in ctx.excluded_awards.items()),
                    tuple(ctx.excluded_awards),
                )
            )
        if rule.node.op == "initiative_once" and ctx.excluded_initiatives:
            notes.append(
                _check(
                    rule,
                    True,
                    "Sáng kiến đã làm căn cứ cho khen thưởng khác không được dùng lại: "
                    + "; ".join(f"{i} — {why}" for i, why in ctx.excluded_initiatives.items()),
                    tuple(ctx.excluded_initiatives),
                )
            )
    return notes


# -------------------------------------------------------------------------------------- verdicts

_EFFECT_ORDER = {EFFECT_BAR: 0, EFFECT_REQUIRE: 1, EFFECT_ALTERNATIVE: 2, EFFECT_INFO: 3, EFFECT_FILTER: 4}


@lru_cache(maxsize=64)
def _validated(frozen: str) -> None:
    import json

    validate_overrides(json.loads(frozen))


def resolve_pack(
    cycle: int, kind: str, overrides: Overrides | None = None, pack: str | Pack | None = None
) -> Pack:
    """The pack for a cycle (or the one named), with the overrides validated and applied."""
    if isinstance(pack, Pack):
        base = pack
    elif isinstance(pack, str):
        base = pack_by_id(pack)
    else:
        base = pack_for(cycle, kind)
    if not overrides:
        return base
    import json

    _validated(json.dumps(overrides, sort_keys=True, default=str, ensure_ascii=False))
    return with_overrides(base, overrides, strict=False)


def cycle_kind_for(subject: Subject, title: Title) -> str:
    """How this title's cycles are counted for this subject: the subject's sector if the title allows it."""
    if subject.cycle_kind and subject.cycle_kind in title.cycle_kinds:
        return subject.cycle_kind
    return title.cycle_kind


def _named_for(title: Title, subject: Subject) -> Title:
    """The title under the name of the subject's side: CSTT, ĐVTT, ĐVQT in the armed forces, LĐTT, TTLĐTT,
    TTLĐXS elsewhere."""
    if title.armed_forces_equivalent and title.armed_forces != subject.armed_forces:
        return CATALOGUE[title.armed_forces_equivalent]
    return title


def applicable_titles(subject: Subject) -> tuple[str, ...]:
    """Catalogue codes this subject can receive: LĐTT, TTLĐTT, TTLĐXS for civilians; CSTT, ĐVTT (Đơn vị
    tiên tiến), ĐVQT (Đơn vị quyết thắng) for the armed forces."""
    return tuple(
        t.code
        for t in TITLES
        if subject.kind in t.subject_kinds
        and (not t.armed_forces_equivalent or t.armed_forces == subject.armed_forces)
    )


def evaluate_title(
    subject: Subject,
    cycle: int,
    code: str,
    *,
    overrides: Overrides | None = None,
    on: date | None = None,
    pack: str | Pack | None = None,
) -> Verdict | None:
    """The verdict for one title, or None when no rule of the pack applies to this kind of subject."""
    entry = CATALOGUE[code]
    kind = cycle_kind_for(subject, entry)
    resolved = resolve_pack(cycle, kind, overrides, pack)
    end = cycle_end(cycle, kind)
    if not resolved.governs(code, subject.kind, end):
        return None
    rules = sorted(resolved.rules_for(code, subject.kind, end), key=lambda r: _EFFECT_ORDER[r.effect])
    ctx = _context(subject, cycle, kind, on or end, resolved, code)
    checks: list[Check] = []
    barred = False
    failed: set[str] = set()
    rescued: set[str] = set()
    for rule in rules:
        if rule.effect == EFFECT_FILTER:
            continue
        rule_checks = _evaluate_node(rule.node, rule, ctx)
        ok = kleene_all(c.ok for c in rule_checks)
        if rule.effect == EFFECT_BAR and ok is False:
            barred = True
        elif rule.effect == EFFECT_REQUIRE and ok is False:
            failed.add(rule.id)
        elif rule.effect == EFFECT_ALTERNATIVE and ok is True:
            rescued.update(rule.instead_of)
        checks.extend(rule_checks)
    checks.extend(_filter_notes([r for r in rules if r.effect == EFFECT_FILTER], ctx))
    outcome = BARRED if barred else NOT_YET if failed - rescued else ELIGIBLE
    return Verdict(
        subject_id=subject.id,
        title=code,
        cycle=cycle,
        outcome=outcome,
        checks=tuple(checks),
        pack=resolved.id,
        cycle_kind=kind,
    )


def evaluate(
    subject: Subject,
    cycle: int,
    *,
    titles: Sequence[str] | None = None,
    overrides: Overrides | None = None,
    on: date | None = None,
    pack: str | Pack | None = None,
) -> tuple[Verdict, ...]:
    """Verdicts for every applicable title (or the given ones) of a subject in a cycle.

    `overrides`: {rule_id: {param: value}}, validated (RulePackError). `on`: the evaluation date (default
    the last day of the cycle). `pack`: force a pack by id instead of the one in force for the cycle."""
    codes = applicable_titles(subject) if titles is None else tuple(titles)
    unknown = [c for c in codes if c not in CATALOGUE]
    if unknown:
        raise RulePackError([f"Không có danh hiệu mã “{c}” trong danh mục" for c in unknown])
    allowed = set(applicable_titles(subject))
    verdicts = []
    for code in codes:
        if code not in allowed:
            continue
        verdict = evaluate_title(subject, cycle, code, overrides=overrides, on=on, pack=pack)
        if verdict is not None:
            verdicts.append(verdict)
    return tuple(verdicts)


# ---------------------------------------------------------------------------------------- quotas


@dataclass(frozen=True, slots=True)
class QuotaResult:
    """How many of a group may be proposed, and why."""

    rule_id: str
    enabled: bool
    base: int  # the unit's LĐTT count, or the number of cluster leaders
    share: Fraction | None
    rounding: str
    limit: int | None  # None: no cap
    candidates: tuple[str, ...]
    within: tuple[str, ...]  # the first `limit` candidates, in the order given
    over: tuple[str, ...]
    text: str
    citation: str
    tag: str
    pack: str

    @property
    def unverified(self) -> bool:
        return self.tag == "R"


def apply_rounding(value: Fraction, rounding: str) -> int:
    """floor, ceil or half_up (0.5 goes up) of an exact fraction."""
    if rounding == "ceil":
        return math.ceil(value)
    if rounding == "half_up":
        return math.floor(value + Fraction(1, 2))
    return math.floor(value)


def _quota(
    quota: str,
    *,
    base: int,
    candidates: Sequence[str],
    cycle: int,
    overrides: Overrides | None,
    pack: str | Pack | None,
    cycle_kind: str,
    who: str,
) -> QuotaResult:
    resolved = resolve_pack(cycle, cycle_kind, overrides, pack)
    rule = resolved.quota_rule(quota)
    what = "CSTĐCS" if quota == "cstdcs_share_of_ldtt" else "Cờ thi đua của Chính phủ"
    if rule is None or not rule.enabled:
        text = (
            f"Không áp dụng trần số {what} theo tỷ lệ ({resolved.name}); {len(candidates)} đối tượng đủ "
            "điều kiện đều có thể được đề nghị"
        )
        if rule is not None:
            switch = next((p.label for p in rule.params if p.name == "enabled" and p.label), "Áp dụng trần")
            text += f" (Ban Thi đua – Khen thưởng có thể bật ở trang Tham số quy tắc, mục “{switch}”)"
        return QuotaResult(
            rule_id=rule.id if rule else "",
            enabled=False,
            base=base,
            share=None,
            rounding="",
            limit=None,
            candidates=tuple(candidates),
            within=tuple(candidates),
            over=(),
            text=text,
            citation=rule.citation if rule else "",
            tag=rule.tag if rule else "R",
            pack=resolved.id,
        )
    share: Fraction = rule.node.args["share"]
    rounding: str = rule.node.args["rounding"]
    raw = share * base
    limit = apply_rounding(raw, rounding)
    text = (
        f"{what} — {who}: không quá {_percent(share)} × {base} = {_decimal(raw)} → tối đa {limit} "
        f"({ROUNDING_NAMES[rounding]}). {len(candidates)} đối tượng đủ điều kiện"
    )
    if len(candidates) > limit:
        text += (
            f"; chỉ được đề nghị {limit}, cần lựa chọn theo thành tích "
            "(ngang nhau thì ưu tiên nữ, theo Điều 4 Nghị định 98/2023/NĐ-CP)"
        )
    else:
        text += "; đều trong giới hạn"
    if limit == 0 and base > 0 and share > 0 and rounding == "floor":
        smallest = math.ceil(1 / share)
        text += f". Với làm tròn xuống cần ít nhất {smallest} để được đề nghị 1"
    return QuotaResult(
        rule_id=rule.id,
        enabled=True,
        base=base,
        share=share,
        rounding=rounding,
        limit=limit,
        candidates=tuple(candidates),
        within=tuple(candidates[:limit]),
        over=tuple(candidates[limit:]),
        text=text,
        citation=rule.citation,
        tag=rule.tag,
        pack=resolved.id,
    )


def cstdcs_quota(
    *,
    unit: str,
    ldtt_count: int,
    candidates: Sequence[str],
    cycle: int,
    overrides: Overrides | None = None,
    pack: str | Pack | None = None,
    cycle_kind: str = CYCLE_CALENDAR,
) -> QuotaResult:
    """The CSTĐCS cap of a unit (CSTDCS_02): on by default under ND 91/2017 (15 % of LĐTT), off from 2024
    unless the board turns it on. `candidates` are the CSTĐCS-eligible people, best first."""
    return _quota(
        "cstdcs_share_of_ldtt",
        base=ldtt_count,
        candidates=candidates,
        cycle=cycle,
        overrides=overrides,
        pack=pack,
        cycle_kind=cycle_kind,
        who=f"{unit} ({ldtt_count} LĐTT)",
    )


def gov_flag_quota(
    *,
    leaders: Sequence[str],
    candidates: Sequence[str] | None = None,
    leaders_total: int | None = None,
    cycle: int,
    overrides: Overrides | None = None,
    pack: str | Pack | None = None,
    cycle_kind: str = CYCLE_CALENDAR,
) -> QuotaResult:
    """Government-flag proposals (COCP_02): at most 20 % of the collectives judged leading their clusters
    or blocks, rounded down by default (the rounding is a parameter and is stated in the result).
    `leaders`: the leading collectives known here; `leaders_total`: the province's whole count when larger
    (the base of the share); `candidates`: those proposed, best first (default: the leaders)."""
    total = max(len(leaders), leaders_total or 0)
    return _quota(
        "gov_flag_share_of_leaders",
        base=total,
        candidates=list(leaders if candidates is None else candidates),
        cycle=cycle,
        overrides=overrides,
        pack=pack,
        cycle_kind=cycle_kind,
        who=f"{total} tập thể dẫn đầu cụm, khối",
    )


__all__ = [
    "OUTCOME_NAMES",
    "QuotaResult",
    "applicable_titles",
    "apply_rounding",
    "cstdcs_quota",
    "cycle_label",
    "evaluate",
    "evaluate_title",
    "gov_flag_quota",
]
