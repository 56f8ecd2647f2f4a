"""The fast path: eligibility outcomes for many people at once, from parallel arrays. Pure (NumPy).

The explained engine (`tdkt.awards.engine`) builds a verdict with reasons for one subject; this module
computes only the outcome codes, for every individual in a `Columns` and every individual title, with
the same rule packs and the same predicate semantics (tested to agree on random histories). The
database side fills `Columns` straight from cursor rows: one array per column, no object per record.

Preconditions (checked by `Columns.validate`): subject indexes are 0..n-1; at most one rating per subject
and cycle; dates are `date.toordinal()` values (0 = unknown / still open).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import date, timedelta
from typing import Any

import numpy as np
from numpy.typing import NDArray

from tdkt.awards.catalogue import CATALOGUE, INDIVIDUAL_TITLES, TITLE_INDEX
from tdkt.awards.engine import add_months, resolve_pack  # the same pack choice and override validation
from tdkt.awards.rulepacks import FLAG_BITS, Pack
from tdkt.awards.subjects import (
    AWARD_KINDS,
    BASIS_HTXSNV,
    BASIS_INITIATIVE,
    BASIS_OTHER,
    CYCLE_CALENDAR,
    CYCLE_SCHOOL,
    KIND_CONG_TRANG,
    SCOPES,
    SUBJECT_INDIVIDUAL,
    Subject,
)

# Outcome codes of the batch path.
ELIGIBLE, NOT_YET, BARRED, NOT_APPLICABLE = 0, 1, 2, 3
OUTCOME_CODES = {"eligible": ELIGIBLE, "not_yet": NOT_YET, "barred": BARRED}
CODE_OUTCOMES = {v: k for k, v in OUTCOME_CODES.items()}

# Small-integer codes of the record columns.
KIND_CODES = {kind: i for i, kind in enumerate(AWARD_KINDS)}  # cong_trang 0, dot_xuat 1, chuyen_de 2
BASIS_CODES = {BASIS_HTXSNV: 0, BASIS_INITIATIVE: 1, BASIS_OTHER: 2}
SCOPE_CODES = {scope: i for i, scope in enumerate(SCOPES)}  # co_so 0 < bo_tinh 1 < toan_quoc 2
NOT_USED = -1  # init_used_title: the initiative has not served any award
USED_ELSEWHERE = (
    -2
)  # init_used_title: it served an award that is not in the subject's history (or not a title)
UNKNOWN_TITLE = -1  # award_title: a catalogue code the engine holds no rules for (`bulk` reads it so too)


def _i8(a: Any) -> NDArray[np.int8]:
    return np.ascontiguousarray(a, dtype=np.int8)


def _i16(a: Any) -> NDArray[np.int16]:
    return np.ascontiguousarray(a, dtype=np.int16)


def _i32(a: Any) -> NDArray[np.int32]:
    return np.ascontiguousarray(a, dtype=np.int32)


def _u32(a: Any) -> NDArray[np.uint32]:
    return np.ascontiguousarray(a, dtype=np.uint32)


def _b(a: Any) -> NDArray[np.bool_]:
    return np.ascontiguousarray(a, dtype=np.bool_)


# column name → (dtype converter, the group whose arrays must have equal length)
_COLUMNS: dict[str, tuple[Any, str]] = {
    "recruited_on": (_i32, "subject"),
    "female": (_b, "subject"),
    "school_year": (_b, "subject"),
    "armed_forces": (_b, "subject"),
    "flags": (_u32, "subject"),
    "rating_subject": (_i32, "rating"),
    "rating_cycle": (_i16, "rating"),
    "rating": (_i8, "rating"),
    "award_subject": (_i32, "award"),
    "award_cycle": (_i16, "award"),
    "award_title": (_i8, "award"),
    "award_kind": (_i8, "award"),
    "award_basis": (_i8, "award"),
    "init_subject": (_i32, "init"),
    "init_cycle": (_i16, "init"),
    "init_scope": (_i8, "init"),
    "init_used_title": (_i8, "init"),
    "init_used_cycle": (_i16, "init"),
    "disc_subject": (_i32, "disc"),
    "disc_level": (_i8, "disc"),
    "disc_start": (_i32, "disc"),
    "disc_end": (_i32, "disc"),
    "pend_subject": (_i32, "pend"),
    "pend_since": (_i32, "pend"),
    "pend_until": (_i32, "pend"),
}


@dataclass(frozen=True)
class Columns:
    """Individuals and their histories as parallel arrays. Build with `Columns.build(n, **arrays)`.

    Per subject (length n): recruited_on (ordinal, 0 unknown), female, school_year (cycles counted on
    school years), armed_forces (CSTT stands for LĐTT), flags (bit `rulepacks.FLAG_BITS[name]` set when
    the council confirmed that fact; 0 if not stored).
    Ratings: rating_subject, rating_cycle, rating (`Rating` value 1..4); one row per subject and cycle.
    Awards: award_subject, award_cycle, award_title (`catalogue.TITLE_INDEX`), award_kind (`KIND_CODES`),
    award_basis (`BASIS_CODES`).
    Initiatives: init_subject, init_cycle, init_scope (`SCOPE_CODES`), init_used_title (title index of the
    award it served, `NOT_USED` or `USED_ELSEWHERE`), init_used_cycle (that award's cycle, else 0).
    Disciplines: disc_subject, disc_level (`DisciplineLevel` value), disc_start, disc_end (ordinals).
    Pending reviews: pend_subject, pend_since, pend_until (ordinal, 0 = still open).
    """

    n: int
    recruited_on: NDArray[np.int32]
    female: NDArray[np.bool_]
    school_year: NDArray[np.bool_]
    armed_forces: NDArray[np.bool_]
    flags: NDArray[np.uint32]
    rating_subject: NDArray[np.int32]
    rating_cycle: NDArray[np.int16]
    rating: NDArray[np.int8]
    award_subject: NDArray[np.int32]
    award_cycle: NDArray[np.int16]
    award_title: NDArray[np.int8]
    award_kind: NDArray[np.int8]
    award_basis: NDArray[np.int8]
    init_subject: NDArray[np.int32]
    init_cycle: NDArray[np.int16]
    init_scope: NDArray[np.int8]
    init_used_title: NDArray[np.int8]
    init_used_cycle: NDArray[np.int16]
    disc_subject: NDArray[np.int32]
    disc_level: NDArray[np.int8]
    disc_start: NDArray[np.int32]
    disc_end: NDArray[np.int32]
    pend_subject: NDArray[np.int32]
    pend_since: NDArray[np.int32]
    pend_until: NDArray[np.int32]

    @classmethod
    def build(cls, n: int, **arrays: Any) -> Columns:
        """Coerce every given array to its dtype; missing per-subject columns are zeros, missing record
        columns are empty. Raises ValueError (Vietnamese) on unknown names or unequal lengths."""
        unknown = sorted(set(arrays) - set(_COLUMNS))
        if unknown:
            raise ValueError(f"Cột không có trong Columns: {', '.join(unknown)}")
        values: dict[str, Any] = {}
        for name, (convert, group) in _COLUMNS.items():
            if name in arrays:
                values[name] = convert(arrays[name])
            elif group == "subject":
                values[name] = convert(np.zeros(n))
            else:
                values[name] = convert(np.zeros(0))
        if "init_used_title" not in arrays and "init_subject" in arrays:
            values["init_used_title"] = _i8(np.full(len(values["init_subject"]), NOT_USED))
        if "init_used_cycle" not in arrays and "init_subject" in arrays:
            values["init_used_cycle"] = _i16(np.zeros(len(values["init_subject"])))
        if "award_kind" not in arrays and "award_subject" in arrays:
            values["award_kind"] = _i8(np.zeros(len(values["award_subject"])))
        if "award_basis" not in arrays and "award_subject" in arrays:
            values["award_basis"] = _i8(np.full(len(values["award_subject"]), BASIS_CODES[BASIS_OTHER]))
        columns = cls(n=n, **values)
        columns.validate()
        return columns

    def validate(self) -> None:
        """Raise ValueError (Vietnamese) when arrays disagree in length or index a missing subject."""
        problems: list[str] = []
        lengths: dict[str, set[int]] = {}
        for name, (_, group) in _COLUMNS.items():
            lengths.setdefault(group, set()).add(len(getattr(self, name)))
        for group, seen in lengths.items():
            if len(seen) > 1:
                problems.append(f"Các cột nhóm “{group}” có độ dài khác nhau: {sorted(seen)}")
        if lengths.get("subject") and lengths["subject"] != {self.n}:
            problems.append(f"Các cột theo đối tượng phải dài đúng n = {self.n}")
        for name in ("rating_subject", "award_subject", "init_subject", "disc_subject", "pend_subject"):
            column = getattr(self, name)
            if len(column) and (column.min() < 0 or column.max() >= self.n):
                problems.append(f"{name}: chỉ số đối tượng phải nằm trong 0..{self.n - 1}")
        if problems:
            raise ValueError("; ".join(problems))


def _ord(value: date | None) -> int:
    return value.toordinal() if value else 0


def columns_from_subjects(subjects: Sequence[Subject]) -> Columns:
    """The columnar form of some individuals (for tests, the bench and small batches)."""
    n = len(subjects)
    cols: dict[str, list[int]] = {name: [] for name in _COLUMNS}
    for i, s in enumerate(subjects):
        if s.kind != SUBJECT_INDIVIDUAL:
            raise ValueError(
                f"Đối tượng {i} ({s.id}) không phải cá nhân: đường tính nhanh chỉ dành cho cá nhân"
            )
        cols["recruited_on"].append(_ord(s.recruited_on))
        cols["female"].append(int(s.female))
        cols["school_year"].append(int(s.cycle_kind == CYCLE_SCHOOL))
        cols["armed_forces"].append(int(s.armed_forces))
        cols["flags"].append(sum(1 << FLAG_BITS[f] for f in s.flags if f in FLAG_BITS))
        lowest: dict[int, int] = {}
        for r in s.ratings:  # one row per cycle: the lower rating counts, as in the engine
            lowest[r.cycle] = min(lowest.get(r.cycle, 5), int(r.rating))
        for cycle, rating in lowest.items():
            cols["rating_subject"].append(i)
            cols["rating_cycle"].append(cycle)
            cols["rating"].append(rating)
        by_id = {a.id: a for a in s.awards}
        used_by: dict[str, str] = {}
        for a in s.awards:
            cols["award_subject"].append(i)
            cols["award_cycle"].append(a.cycle)
            # a code the engine holds no rules for (a Huân chương Độc lập…) is kept, matching no title
            cols["award_title"].append(TITLE_INDEX.get(a.title, UNKNOWN_TITLE))
            cols["award_kind"].append(KIND_CODES.get(a.kind, KIND_CODES[AWARD_KINDS[0]]))
            cols["award_basis"].append(BASIS_CODES.get(a.basis, BASIS_CODES[BASIS_OTHER]))
            for init_id in a.initiative_ids:
                used_by.setdefault(init_id, a.id)
        for init in s.initiatives:
            cols["init_subject"].append(i)
            cols["init_cycle"].append(init.cycle)
            cols["init_scope"].append(SCOPE_CODES[init.scope])
            award_id = init.used_by if init.used_by is not None else used_by.get(init.id)
            if award_id is None:
                cols["init_used_title"].append(NOT_USED)
                cols["init_used_cycle"].append(0)
            elif award_id in by_id:
                cols["init_used_title"].append(TITLE_INDEX.get(by_id[award_id].title, USED_ELSEWHERE))
                cols["init_used_cycle"].append(by_id[award_id].cycle)
            else:
                cols["init_used_title"].append(USED_ELSEWHERE)
                cols["init_used_cycle"].append(0)
        for d in s.disciplines:
            cols["disc_subject"].append(i)
            cols["disc_level"].append(int(d.level))
            cols["disc_start"].append(d.start.toordinal())
            cols["disc_end"].append(d.end.toordinal())
        for p in s.pending:
            cols["pend_subject"].append(i)
            cols["pend_since"].append(p.since.toordinal())
            cols["pend_until"].append(_ord(p.until))
    return Columns.build(n, **{name: np.array(values) for name, values in cols.items()})


def column_names() -> tuple[str, ...]:
    return tuple(f.name for f in fields(Columns) if f.name != "n")


# ------------------------------------------------------------------------------------- evaluation

BoolArray = NDArray[np.bool_]
_NO_DISCIPLINE = np.iinfo(np.int32).min


@dataclass(frozen=True)
class BatchResult:
    """Outcome codes per title (ELIGIBLE, NOT_YET, BARRED, NOT_APPLICABLE), one per subject."""

    cycle: int
    outcomes: dict[str, NDArray[np.int8]]
    packs: tuple[str, ...]  # the packs applied (one per way of counting cycles present)

    def counts(self) -> dict[str, dict[str, int]]:
        names = {**CODE_OUTCOMES, NOT_APPLICABLE: "not_applicable"}
        return {
            title: {names[code]: int(n) for code, n in enumerate(np.bincount(arr, minlength=4))}
            for title, arr in self.outcomes.items()
        }


@dataclass
class _BatchCtx:
    cols: Columns
    cycle: int
    kind: str
    on: int  # ordinal of the evaluation date
    pack: Pack
    window: int  # cycles base..cycle are held densely
    merit_only: bool  # GEN_03 in the pack
    initiative_once: bool  # GEN_05 in the pack
    cache: dict[Any, Any] = field(default_factory=dict)

    @property
    def base(self) -> int:
        return self.cycle - self.window + 1

    def first_ok(self) -> NDArray[np.int32]:
        """Per subject, the first cycle that counts after discipline (GEN_02); very small if none."""
        if "first_ok" not in self.cache:
            c = self.cols
            out = np.full(c.n, _NO_DISCIPLINE, dtype=np.int32)
            m = c.disc_start <= self.on
            if m.any():
                restart = np.zeros(c.n, dtype=np.int32)
                np.maximum.at(restart, c.disc_subject[m], c.disc_end[m])
                has = restart > 0
                lo = date.fromordinal(int(restart[has].min())).year - 1
                hi = date.fromordinal(int(restart[has].max())).year + 1
                cycles = np.arange(lo, hi + 1, dtype=np.int32)
                starts = np.array([_cycle_start(int(y), self.kind).toordinal() for y in cycles])
                pos = np.searchsorted(starts, restart[has], side="right")
                out[has] = cycles[pos]
            self.cache["first_ok"] = out
        return self.cache["first_ok"]

    def countable(self) -> BoolArray:
        """(n, window): the cell's cycle counts for the subject."""
        if "countable" not in self.cache:
            cycles = np.arange(self.base, self.cycle + 1, dtype=np.int32)
            self.cache["countable"] = cycles[None, :] >= self.first_ok()[:, None]
        return self.cache["countable"]

    def pending(self) -> BoolArray:
        if "pending" not in self.cache:
            c = self.cols
            m = (c.pend_since <= self.on) & ((c.pend_until == 0) | (c.pend_until >= self.on))
            out = np.zeros(c.n, dtype=np.bool_)
            out[c.pend_subject[m]] = True
            self.cache["pending"] = out
        return self.cache["pending"]

    def ratings(self) -> NDArray[np.int8]:
        """(n, window) ratings, 0 where missing or not countable."""
        if "ratings" not in self.cache:
            c = self.cols
            m = (c.rating_cycle >= self.base) & (c.rating_cycle <= self.cycle)
            grid = np.zeros(c.n * self.window, dtype=np.int8)
            flat = c.rating_subject[m].astype(np.int64) * self.window + (c.rating_cycle[m] - self.base)
            grid[flat] = c.rating[m]
            matrix = grid.reshape(c.n, self.window)
            matrix[~self.countable()] = 0
            self.cache["ratings"] = matrix
        return self.cache["ratings"]

    def merit(self) -> BoolArray:
        if "merit" not in self.cache:
            if self.merit_only:
                self.cache["merit"] = self.cols.award_kind == KIND_CODES[KIND_CONG_TRANG]
            else:
                self.cache["merit"] = np.ones(len(self.cols.award_kind), dtype=np.bool_)
        return self.cache["merit"]

    def title_rows(self, code: str) -> BoolArray:
        key = ("rows", code)
        if key not in self.cache:
            self.cache[key] = (self.cols.award_title == TITLE_INDEX[code]) & self.merit()
        return self.cache[key]

    def held(self, code: str) -> BoolArray:
        """(n, window): a countable merit award of `code` in the cell's cycle."""
        key = ("held", code)
        if key not in self.cache:
            c = self.cols
            m = self.title_rows(code) & (c.award_cycle >= self.base) & (c.award_cycle <= self.cycle)
            grid = np.zeros(c.n * self.window, dtype=np.bool_)
            grid[c.award_subject[m].astype(np.int64) * self.window + (c.award_cycle[m] - self.base)] = True
            self.cache[key] = grid.reshape(c.n, self.window) & self.countable()
        return self.cache[key]

    def col(self, cycle: int) -> int:
        return cycle - self.base


def _cycle_start(cycle: int, kind: str) -> date:
    return date(cycle, 9, 1) if kind == CYCLE_SCHOOL else date(cycle, 1, 1)


def _cycle_end(cycle: int, kind: str) -> date:
    return date(cycle + 1, 8, 31) if kind == CYCLE_SCHOOL else date(cycle, 12, 31)


def _lookback(node: Any, title: str) -> int:
    """How many cycles up to the evaluated one a condition looks at densely."""
    a = node.args
    own = 1
    if node.op in ("rating_streak", "ratings_in_window", "titles_in_window", "initiatives"):
        own = a["years"]
    elif node.op == "title_streak":
        own = (a["k"] - 1) * a["step"] + a["lag"] + 1
    elif node.op == "no_recent_same_award":
        own = CATALOGUE[title].period_years
    return max([own, *(_lookback(child, title) for child in node.children)])


def _leaf(node: Any, ctx: _BatchCtx, title: str, armed: BoolArray) -> tuple[BoolArray, BoolArray]:
    """(not false, true) of a predicate for every subject: Kleene logic as two boolean arrays."""
    c, n, a, y = ctx.cols, ctx.cols.n, node.args, ctx.cycle
    ones = np.ones(n, dtype=np.bool_)
    op = node.op
    v: BoolArray
    if op == "not_pending":
        v = ~ctx.pending()
    elif op == "clock":
        v = ctx.first_ok() <= y
    elif op == "rating_at_least":
        v = ctx.ratings()[:, ctx.col(y)] >= int(a["min"])
    elif op == "rating_streak":
        v = np.all(ctx.ratings()[:, ctx.window - a["years"] :] >= int(a["min"]), axis=1)
    elif op == "ratings_in_window":
        v = (ctx.ratings()[:, ctx.window - a["years"] :] >= int(a["min"])).sum(axis=1) >= a["n"]
    elif op == "title_streak":
        held = ctx.held(a["title"])
        v = np.zeros(n, dtype=np.bool_)
        for last in range(y, y - a["lag"] - 1, -1):
            cells = [ctx.col(last - j * a["step"]) for j in range(a["k"])]
            v |= held[:, cells].all(axis=1)
    elif op == "titles_in_window":
        v = ctx.held(a["title"])[:, ctx.window - a["years"] :].sum(axis=1) >= a["n"]
    elif op == "holds_award":
        m = ctx.title_rows(a["title"]) & (c.award_cycle <= y - a["before_window"])
        subj = c.award_subject[m]
        m2 = c.award_cycle[m] >= ctx.first_ok()[subj]
        v = np.zeros(n, dtype=np.bool_)
        v[subj[m2]] = True
    elif op == "initiatives":
        m = (c.init_scope >= SCOPE_CODES[a["scope"]]) & (c.init_cycle > y - a["years"]) & (c.init_cycle <= y)
        if ctx.initiative_once:
            m &= (c.init_used_title == NOT_USED) | (
                (c.init_used_title == TITLE_INDEX[title]) & (c.init_used_cycle == y)
            )
        subj = c.init_subject[m]
        subj = subj[c.init_cycle[m] >= ctx.first_ok()[subj]]
        v = np.asarray(np.bincount(subj, minlength=n) >= a["n"], dtype=np.bool_)
    elif op == "recruited_months":
        after = _cycle_end(y, ctx.kind) + timedelta(days=1)
        latest = add_months(after, -a["months"]).toordinal()
        known = c.recruited_on != 0
        ok = c.recruited_on <= latest
        return (~known | ok), (known & ok)
    elif op == "meets":
        return _meets(a["title"], ctx, title, armed)
    elif op == "council":
        return ones, (c.flags & np.uint32(1 << FLAG_BITS[a["flag"]])) != 0
    elif op == "no_recent_same_award":
        period = CATALOGUE[title].period_years
        m = ctx.title_rows(title) & (c.award_cycle >= y - period + 1) & (c.award_cycle <= y - 1)
        v = np.ones(n, dtype=np.bool_)
        v[c.award_subject[m]] = False
    elif op == "group_quota":
        return ones, np.zeros(n, dtype=np.bool_)
    else:
        raise ValueError(f"Vị từ “{op}” chưa có trên đường tính nhanh (chỉ dành cho cá nhân)")
    return v, v


def _node(node: Any, ctx: _BatchCtx, title: str, armed: BoolArray) -> tuple[BoolArray, BoolArray]:
    if node.op in ("all", "any"):
        parts = [_node(child, ctx, title, armed) for child in node.children]
        nf, tr = parts[0]
        combine = np.logical_and if node.op == "all" else np.logical_or
        for other_nf, other_tr in parts[1:]:
            nf = combine(nf, other_nf)
            tr = combine(tr, other_tr)
        return nf, tr
    return _leaf(node, ctx, title, armed)


def _meets(code: str, ctx: _BatchCtx, title: str, armed: BoolArray) -> tuple[BoolArray, BoolArray]:
    """The required rules of another title (LĐTT, or CSTT for the armed forces)."""
    results = []
    for target in (code, CATALOGUE[code].armed_forces_equivalent if code == "LDTT" else code):
        end = _cycle_end(ctx.cycle, ctx.kind)
        rules = [r for r in ctx.pack.rules_for(target, SUBJECT_INDIVIDUAL, end) if r.effect == "require"]
        n = ctx.cols.n
        nf, tr = np.ones(n, dtype=np.bool_), np.ones(n, dtype=np.bool_)
        if not rules:
            nf, tr = np.zeros(n, dtype=np.bool_), np.zeros(n, dtype=np.bool_)
        for rule in rules:
            r_nf, r_tr = _node(rule.node, ctx, title, armed)
            nf, tr = nf & r_nf, tr & r_tr
        results.append((nf, tr))
    (civil_nf, civil_tr), (armed_nf, armed_tr) = results
    return np.where(armed, armed_nf, civil_nf), np.where(armed, armed_tr, civil_tr)


def _title_outcomes(ctx: _BatchCtx, title: str, armed: BoolArray) -> NDArray[np.int8] | None:
    end = _cycle_end(ctx.cycle, ctx.kind)
    if not ctx.pack.governs(title, SUBJECT_INDIVIDUAL, end):
        return None
    rules = ctx.pack.rules_for(title, SUBJECT_INDIVIDUAL, end)
    n = ctx.cols.n
    barred = np.zeros(n, dtype=np.bool_)
    fails: dict[str, BoolArray] = {}
    rescues: list[tuple[tuple[str, ...], BoolArray]] = []
    for rule in rules:
        if rule.effect in ("filter", "info"):
            continue
        nf, tr = _node(rule.node, ctx, title, armed)
        if rule.effect == "bar":
            barred |= ~nf
        elif rule.effect == "require":
            fails[rule.id] = fails.get(rule.id, np.zeros(n, dtype=np.bool_)) | ~nf
        elif rule.effect == "alternative":
            rescues.append((rule.instead_of, tr))
    for instead_of, tr in rescues:
        for rule_id in instead_of:
            if rule_id in fails:
                fails[rule_id] = fails[rule_id] & ~tr
    failed = np.zeros(n, dtype=np.bool_)
    for f in fails.values():
        failed |= f
    out = np.full(n, ELIGIBLE, dtype=np.int8)
    out[failed] = NOT_YET
    out[barred] = BARRED
    return out


def evaluate_batch(
    cols: Columns,
    cycle: int,
    *,
    titles: Sequence[str] | None = None,
    overrides: Mapping[str, Mapping[str, Any]] | None = None,
    on: date | None = None,
    pack: str | None = None,
) -> BatchResult:
    """Outcome codes for every individual in `cols` and every individual title (or the given ones),
    equal to `engine.evaluate(...)`'s outcomes. `on`: evaluation date (default the cycle's last day)."""
    codes = tuple(titles) if titles is not None else INDIVIDUAL_TITLES
    for code in codes:
        if code not in CATALOGUE or SUBJECT_INDIVIDUAL not in CATALOGUE[code].subject_kinds:
            raise ValueError(f"“{code}” không phải danh hiệu, hình thức khen thưởng cho cá nhân")
    n = cols.n
    outcomes = {code: np.full(n, NOT_APPLICABLE, dtype=np.int8) for code in codes}
    packs_used: list[str] = []
    contexts: dict[str, _BatchCtx] = {}
    for kind, members in ((CYCLE_CALENDAR, ~cols.school_year), (CYCLE_SCHOOL, cols.school_year)):
        if not members.any():
            continue
        for code in codes:
            entry = CATALOGUE[code]
            title_kind = kind if kind in entry.cycle_kinds else entry.cycle_kind
            if title_kind not in contexts:
                resolved = resolve_pack(cycle, title_kind, overrides, pack)
                end = _cycle_end(cycle, title_kind)
                filters = {
                    r.node.op
                    for r in resolved.rules_for("*", SUBJECT_INDIVIDUAL, end)
                    if r.effect == "filter"
                }
                window = max(
                    _lookback(r.node, t)
                    for r in resolved.rules
                    for t in (codes if "*" in r.titles else r.titles)
                )
                contexts[title_kind] = _BatchCtx(
                    cols=cols,
                    cycle=cycle,
                    kind=title_kind,
                    on=(on or end).toordinal(),
                    pack=resolved,
                    window=window,
                    merit_only="merit_only" in filters,
                    initiative_once="initiative_once" in filters,
                )
                if resolved.id not in packs_used:
                    packs_used.append(resolved.id)
            ctx = contexts[title_kind]
            applicable = members.copy()
            if code == "LDTT":
                applicable &= ~cols.armed_forces
            elif code == "CSTT":
                applicable &= cols.armed_forces
            if not applicable.any():  # e.g. CSTT in a province of civilians: nothing to compute
                continue
            result = _title_outcomes(ctx, code, cols.armed_forces)
            if result is None:
                continue
            outcomes[code] = np.where(applicable, result, outcomes[code]).astype(np.int8)
    return BatchResult(cycle=cycle, outcomes=outcomes, packs=tuple(packs_used))


__all__ = [
    "BARRED",
    "BASIS_CODES",
    "ELIGIBLE",
    "KIND_CODES",
    "NOT_APPLICABLE",
    "NOT_USED",
    "NOT_YET",
    "SCOPE_CODES",
    "USED_ELSEWHERE",
    "BatchResult",
    "Columns",
    "column_names",
    "columns_from_subjects",
    "evaluate_batch",
]
