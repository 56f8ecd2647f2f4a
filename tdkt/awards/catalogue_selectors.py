"""Reads of the catalogue the board keeps (`CatalogueEntry`): every title and form of the Law and the
province's own, which of them the rule engine holds rules for, and the names pages show for a code.

The catalogue is public law: anyone may read it. Whether the engine holds rules for an entry is computed,
never stored: a code of the pure catalogue (`tdkt.awards.catalogue`) named by a rule of some rule pack.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from tdkt.awards import catalogue, rulepacks
from tdkt.awards import subjects as s
from tdkt.awards.models import Award, CatalogueEntry, CatalogueGroup
from tdkt.core.vn import fold

ENGINE_BADGE = "có quy tắc xét"
RECORD_ONLY_BADGE = "chưa có quy tắc: chỉ ghi nhận"


@functools.cache
def engine_codes() -> frozenset[str]:
    """The codes the rule engine holds rules for: in the pure catalogue and named by a rule of a pack."""
    named = {t for pack in rulepacks.packs() for rule in pack.rules for t in rule.titles if t != "*"}
    return frozenset(code for code in catalogue.CATALOGUE if code in named)


def has_rules(code: str) -> bool:
    return code in engine_codes()


def entry_by_code(code: str) -> CatalogueEntry | None:
    return CatalogueEntry.objects.filter(code=code).first()


def entries_by_code(codes: Iterable[str] | None = None) -> dict[str, CatalogueEntry]:
    """`{code: entry}` for the given codes (every entry when None), retired ones included: a recorded award
    keeps its name after its entry is retired."""
    rows = CatalogueEntry.objects.all()
    if codes is not None:
        rows = rows.filter(code__in=set(codes))
    return {e.code: e for e in rows}


def title_name(code: str) -> str:
    """The name of a code as pages show it; the pure catalogue first (no query), then the table; an unknown
    code reads as an unknown entry rather than as the raw code."""
    if code in catalogue.CATALOGUE:
        return catalogue.CATALOGUE[code].name
    entry = entry_by_code(code)
    return entry.name if entry is not None else f"(không có trong danh mục: {code})"


def title_short(code: str) -> str:
    if code in catalogue.CATALOGUE:
        return catalogue.CATALOGUE[code].short
    entry = entry_by_code(code)
    return entry.short if entry is not None else f"(không có trong danh mục: {code})"


def award_references(code: str) -> int:
    """How many recorded awards (revoked ones included) carry this code."""
    return Award.objects.filter(title=code).count()


def referenced_codes(codes: Iterable[str]) -> set[str]:
    return set(Award.objects.filter(title__in=set(codes)).values_list("title", flat=True).distinct())


def fits(entry: CatalogueEntry, *, individual: bool, unit_kind: str = "") -> bool:
    """Whether an entry is given to a person (`individual`) or to a collective of this kind."""
    kinds = set(entry.subject_kinds)
    if individual:
        return s.SUBJECT_INDIVIDUAL in kinds
    return bool(kinds & {unit_kind or s.SUBJECT_COLLECTIVE, s.SUBJECT_COLLECTIVE, s.SUBJECT_COMMUNE})


def recordable(*, individual: bool) -> list[CatalogueEntry]:
    """The active entries a person (or a collective) may be recorded as having received, catalogue order."""
    return [e for e in CatalogueEntry.objects.filter(active=True) if fits(e, individual=individual)]


def grouped_choices(entries: Iterable[CatalogueEntry]) -> list[tuple[str, list[tuple[str, str]]]]:
    """`[(kind's name, [(code, name)…])…]` for a select with one group per kind."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for e in entries:
        groups.setdefault(CatalogueGroup(e.group).label, []).append((e.code, e.name))
    return list(groups.items())


@dataclass(frozen=True)
class CatalogueRow:
    entry: CatalogueEntry
    has_rules: bool
    awards: int  # recorded awards carrying the code

    @property
    def badge(self) -> str:
        return ENGINE_BADGE if self.has_rules else RECORD_ONLY_BADGE

    @property
    def unverified(self) -> bool:
        return self.entry.article_tag == "R"


@dataclass(frozen=True)
class CatalogueGroupRows:
    group: str
    label: str
    rows: list[CatalogueRow]


def catalogue_filter(
    *,
    query: str = "",
    group: str = "",
    rules: str = "",
    own: bool = False,
    retired: bool = False,
) -> QuerySet[CatalogueEntry]:
    """The entries matching a search (name, short name or code, diacritics optional), a kind, whether the
    engine holds rules (`rules`: "co" or "khong"), the province's own only; retired ones only if asked."""
    rows = CatalogueEntry.objects.all()
    if not retired:
        rows = rows.filter(active=True)
    if group:
        rows = rows.filter(group=group)
    if own:
        rows = rows.filter(province_own=True)
    if rules == "co":
        rows = rows.filter(code__in=engine_codes())
    elif rules == "khong":
        rows = rows.exclude(code__in=engine_codes())
    if query.strip():
        wanted = fold(query.strip())
        ids = [e.pk for e in rows if wanted in fold(f"{e.code} {e.name} {e.short}")]
        rows = rows.filter(pk__in=ids)
    return rows


def catalogue_grouped(entries: QuerySet[CatalogueEntry]) -> list[CatalogueGroupRows]:
    """The entries grouped by kind, in the kinds' order, each with its engine flag and reference count."""
    items = list(entries)
    counts: dict[str, int] = {}
    for code in Award.objects.filter(title__in=[e.code for e in items]).values_list("title", flat=True):
        counts[code] = counts.get(code, 0) + 1
    codes = engine_codes()
    out: list[CatalogueGroupRows] = []
    for value, label in CatalogueGroup.choices:
        rows = [CatalogueRow(e, e.code in codes, counts.get(e.code, 0)) for e in items if e.group == value]
        if rows:
            out.append(CatalogueGroupRows(value, label, rows))
    return out


def entries_for_api(*, active_only: bool = False) -> QuerySet[CatalogueEntry]:
    rows = CatalogueEntry.objects.all()
    return rows.filter(Q(active=True)) if active_only else rows
