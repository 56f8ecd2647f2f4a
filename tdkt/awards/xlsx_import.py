"""Importing award history from the Excel shapes units keep (`xlsx_rules.SHAPES`): individuals' ratings and
titles, collectives' ratings and titles, initiatives.

As in `tdkt.movements.xlsx_import`: the whole file is checked first — the file itself, that it is this
system's template of this shape, its header, then every row against the database (units, people, titles,
dates, permission, what is already stored). Every problem is collected with its row and column; if there is
any, `ValidationFailed` is raised and nothing is written, the audit trail included. Otherwise every row is
written in one transaction through the services (`tdkt.awards.services`), each record audited, plus one
`awards.import` event per unit whose records the file touched.

Re-importing the same file changes nothing. A stored rating that differs is replaced (audited, the old
value kept in the trail); a stored title or initiative that differs is refused: recorded decisions are
immutable and only the board corrects them (`award_correct`).

People are found by their code (Mã cán bộ) when the row gives one, else by name among the people who work
or worked in the row's unit or its predecessors; two people of the same name there need the code.
"""

from __future__ import annotations

import datetime as dt
import difflib
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from tdkt.awards import catalogue, rulepacks
from tdkt.awards import subjects as s
from tdkt.awards.catalogue_selectors import title_short
from tdkt.awards.models import Award, CatalogueEntry, Initiative, TaskRating
from tdkt.awards.selectors import viewer_unit_history
from tdkt.awards.services import (
    award_record,
    initiative_record,
    initiative_use,
    task_rating_set,
    title_problem,
)
from tdkt.awards.xlsx_rules import (
    COLLECTIVES,
    INDIVIDUALS,
    INITIATIVES,
    MAX_AUTHORITY,
    MAX_DECISION_NO,
    MAX_NOTE,
    MAX_TEXT,
    SHAPES,
    CellError,
    HeaderMap,
    RawRow,
    Shape,
    cap_problems,
    cycle_notation_problem,
    extract_rows,
    find_duplicates,
    identity_problems,
    inspect_upload,
    match_header,
    parse_basis,
    parse_cycle,
    parse_date,
    parse_kind,
    parse_rating,
    parse_scope,
    parse_text,
    parse_title,
    read_sheet,
    title_aliases,
)
from tdkt.clusters.scopes import Viewer, viewer_for
from tdkt.core.audit import Actor, audit_record
from tdkt.core.errors import NotPermitted, Problem, ValidationFailed
from tdkt.core.vn import fold
from tdkt.org.models import Employment, Person, Unit
from tdkt.org.selectors import unit_history_ids

MAX_IMPORT_BYTES = 10 * 1024 * 1024
_SOURCE_MAX = 300


@dataclass(frozen=True)
class ImportResult:
    kind: str
    ratings: int  # ratings written (new or changed)
    awards: int
    initiatives: int  # initiatives recorded or newly marked as used
    unchanged: int  # rows equal to what was stored
    units: list[str]  # names of the units whose records were written

    @property
    def written(self) -> int:
        return self.ratings + self.awards + self.initiatives


def title_names() -> dict[str, tuple[str, ...]]:
    """Every entry of the catalogue the board keeps with the names a spreadsheet may use for it: the engine's
    titles first (their short names win a clash), then the rest; a retired entry is recognised and then
    refused by `title_problem`, saying so."""
    names: dict[str, tuple[str, ...]] = {t.code: (t.short, t.name) for t in catalogue.TITLES}
    for entry in CatalogueEntry.objects.order_by("sort_order", "code"):
        names.setdefault(entry.code, (entry.short, entry.name))
    return names


# --- the plan ---------------------------------------------------------------------------------------------


@dataclass
class _Plan:
    """What a valid file will write, row by row, and which unit each row is about."""

    writes: list[tuple[int, Unit, Callable[[Actor, str], None]]] = field(default_factory=list)
    unchanged: int = 0
    counts: dict[str, int] = field(default_factory=lambda: {"ratings": 0, "awards": 0, "initiatives": 0})

    def add(self, row: int, unit: Unit, what: str, write: Callable[[Actor, str], None]) -> None:
        self.writes.append((row, unit, write))
        self.counts[what] += 1


class _Rows:
    """Shared lookups for one file: units and people referenced, what the viewer may write, problems."""

    def __init__(self, header: HeaderMap, viewer: Viewer | None, rows: list[RawRow]) -> None:
        self.header = header
        self.viewer = viewer
        self.problems: list[Problem] = []
        self.incomplete: set[int] = set()  # rows with a required cell left blank
        self.today = timezone.localdate()
        self.allowed = None if viewer is None or viewer.is_board else viewer_unit_history(viewer)
        self.own = Unit.objects.filter(pk=viewer.unit_id).first() if viewer and viewer.unit_id else None
        codes = {r.text("unit_code") for r in rows if r.text("unit_code")}
        self.units = {u.code.casefold(): u for u in Unit.objects.filter(code__in=codes)}
        self.entries = {e.code: e for e in CatalogueEntry.objects.all()}
        self.aliases = title_aliases(title_names())

    def problem(self, row: RawRow, key: str, message: str) -> None:
        self.problems.append(Problem(message, row=row.row, column=self.header.label(key)))

    def unit(self, row: RawRow) -> Unit | None:
        code = row.text("unit_code")
        if not code:
            return None  # already reported as a required cell
        unit = self.units.get(code.casefold())
        if unit is None:
            known = Unit.objects.values_list("code", flat=True)
            close = difflib.get_close_matches(code, list(known), n=1, cutoff=0.6)
            hint = f" (có phải “{close[0]}”?)" if close else ""
            self.problem(row, "unit_code", f"mã đơn vị “{code}” không có trong hệ thống{hint}")
            return None
        name = row.text("unit_name") if "unit_name" in self.header.positions else ""
        if name and fold(name) != fold(unit.name):
            self.problem(
                row,
                "unit_name",
                f"tên đơn vị “{name}” không khớp với mã “{unit.code}” (“{unit.name}”): hãy kiểm tra lại mã đơn vị",
            )
        if self.allowed is not None and unit.pk not in self.allowed:
            mine = f"“{self.own.name}”" if self.own is not None else "đơn vị mình"
            self.problem(
                row,
                "unit_code",
                f"bạn chỉ được nhập hồ sơ của {mine}; dòng này là của “{unit.name}” ({unit.code})",
            )
            return None
        return unit

    def cell(self, row: RawRow, key: str, parse: Callable[[object], object]) -> object | None:
        raw = row.raw(key)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            return None
        try:
            return parse(raw)
        except CellError as exc:
            self.problem(row, key, str(exc))
            return None

    def cycle(self, row: RawRow, key: str, unit: Unit | None) -> int | None:
        """A year cell: a year, or a school year (2024–2025) where the row's unit counts school years."""
        parsed = self.cell(row, key, lambda raw: parse_cycle(raw, today=self.today))
        if not isinstance(parsed, tuple):
            return None
        year, as_school_year = parsed
        if unit is not None:
            wrong = cycle_notation_problem(unit.name, unit.school_year, year, as_school_year)
            if wrong is not None:
                self.problem(row, key, wrong)
                return None
        return int(year)

    def text(self, row: RawRow, key: str, limit: int, what: str) -> str:
        try:
            return parse_text(row.raw(key), limit=limit, what=what)
        except CellError as exc:
            self.problem(row, key, str(exc))
            return ""


class _People:
    """Finds the person of a row: by code, or by name among the people of the row's unit and its
    predecessors."""

    def __init__(self, rows: list[RawRow], units: Iterable[Unit]) -> None:
        codes = {r.text("person_code") for r in rows if r.text("person_code")}
        self.by_code = {p.code.casefold(): p for p in Person.objects.filter(code__in=codes)}
        self.history: dict[int, set[int]] = {u.pk: unit_history_ids(u) for u in units}
        all_units = set().union(*self.history.values()) if self.history else set()
        self.of_unit: dict[int, list[Person]] = defaultdict(list)  # unit id → people employed there
        seen: set[tuple[int, int]] = set()
        for e in Employment.objects.filter(unit_id__in=all_units).select_related("person"):
            if (e.unit_id, e.person_id) not in seen:
                seen.add((e.unit_id, e.person_id))
                self.of_unit[e.unit_id].append(e.person)

    def people_of(self, unit: Unit) -> list[Person]:
        found: dict[int, Person] = {}
        for unit_id in self.history.get(unit.pk, {unit.pk}):
            for person in self.of_unit.get(unit_id, []):
                found[person.pk] = person
        return list(found.values())

    def find(self, row: RawRow, unit: Unit, checks: _Rows) -> Person | None:
        name = " ".join(row.text("full_name").split())
        code = row.text("person_code")
        people = self.people_of(unit)
        if code:
            person = self.by_code.get(code.casefold())
            if person is None:
                checks.problem(row, "person_code", f"mã cán bộ “{code}” không có trong hệ thống")
                return None
            if name and fold(name) != fold(person.full_name):
                checks.problem(
                    row,
                    "full_name",
                    f"họ tên “{name}” không khớp với mã cán bộ “{code}” (“{person.full_name}”): "
                    "hãy kiểm tra lại mã hoặc họ tên",
                )
                return None
            if all(p.pk != person.pk for p in people):
                checks.problem(
                    row, "unit_code", f"“{person.full_name}” ({code}) không công tác tại “{unit.name}”"
                )
                return None
            return person
        if not name:
            return None
        same = [p for p in people if _name_key(p.full_name) == _name_key(name)]
        if len(same) == 1:
            return same[0]
        if len(same) > 1:
            checks.problem(
                row,
                "full_name",
                f"“{unit.name}” có {len(same)} người tên “{name}”: hãy ghi “Mã cán bộ” để phân biệt",
            )
            return None
        # a name typed without diacritics is never taken for someone: it is offered as a hint
        names = {fold(p.full_name): p.full_name for p in people}
        close = difflib.get_close_matches(fold(name), list(names), n=1, cutoff=0.8)
        hint = f" (có phải “{names[close[0]]}”?)" if close else ""
        checks.problem(
            row,
            "full_name",
            f"không có cán bộ tên “{name}” công tác tại “{unit.name}”{hint}: "
            "người chưa có trong hệ thống thì thêm ở trang cán bộ của đơn vị trước",
        )
        return None


def _name_key(name: str) -> str:
    """Names compare with their diacritics (Bình ≠ Binh ≠ Bính), ignoring case and spacing."""
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())


# --- entry point ------------------------------------------------------------------------------------------


def awards_import(*, actor: Actor, kind: str, filename: str, data: bytes) -> ImportResult:
    """Validate the whole file, then write every row in ONE transaction through the services, or raise
    ValidationFailed(list of Problem(message, row=<1-based spreadsheet row>, column=<letter (header)>)) and
    write NOTHING. actor=None is the system; the board imports for anyone; a unit's staff only rows of
    their unit (and of units it succeeded) — another unit's row is an error naming the row."""
    viewer = None if actor is None else viewer_for(actor)
    if viewer is not None and not viewer.is_board and viewer.unit_id is None:
        raise NotPermitted("Bạn không có quyền nhập hồ sơ thi đua, khen thưởng")
    shape = SHAPES.get(kind)
    if shape is None:
        raise ValidationFailed(Problem(f"loại dữ liệu “{kind}” không hợp lệ", field="kind"))
    inspect_upload(filename, data, max_bytes=MAX_IMPORT_BYTES)
    book = read_sheet(data, shape)
    mismatch = identity_problems(book.meta_rows, shape)
    if mismatch:
        raise ValidationFailed(mismatch)
    header = match_header(book.data_rows, shape)
    extracted = extract_rows(book.data_rows, header)
    if not extracted.rows and not extracted.problems:
        raise ValidationFailed(
            Problem(f"trang “{shape.sheet}” không có dòng dữ liệu nào: chưa có gì để nhập")
        )
    checks = _Rows(header, viewer, extracted.rows)
    checks.problems.extend(extracted.problems)
    checks.incomplete = {p.row for p in extracted.problems if p.row is not None}
    if shape is INITIATIVES:
        plan = _plan_initiatives(extracted.rows, checks)
    else:
        plan = _plan_history(extracted.rows, checks, shape)
    if checks.problems:
        problems = sorted(checks.problems, key=lambda p: (p.row or 0, p.column or ""))
        raise ValidationFailed(cap_problems(problems))
    return _write(actor, shape, filename, plan)


# --- ratings and titles, of people or of collectives ------------------------------------------------------


@dataclass(frozen=True)
class _HistoryRow:
    raw: RawRow
    unit: Unit
    person: Person | None
    year: int
    rating: s.Rating | None
    title: str | None
    decision_no: str
    decision_date: dt.date | None
    authority: str
    kind: str
    basis: str
    note: str

    @property
    def subject_key(self) -> tuple[str, int]:
        return ("person", self.person.pk) if self.person is not None else ("unit", self.unit.pk)


def _plan_history(rows: list[RawRow], checks: _Rows, shape: Shape) -> _Plan:
    individuals = shape is INDIVIDUALS
    people = _People(rows, [u for r in rows if (u := checks.units.get(r.text("unit_code").casefold()))])
    parsed: list[_HistoryRow] = []
    for r in rows:
        before = len(checks.problems)
        unit = checks.unit(r)
        person = people.find(r, unit, checks) if individuals and unit is not None else None
        year = checks.cycle(r, "year", unit)
        rating = checks.cell(r, "rating", parse_rating)
        title = checks.cell(r, "title", lambda raw: parse_title(raw, checks.aliases))
        decision_date = checks.cell(r, "decision_date", lambda raw: parse_date(raw, today=checks.today))
        kind = checks.cell(r, "kind", parse_kind) or s.KIND_CONG_TRANG
        basis = (checks.cell(r, "basis", parse_basis) if individuals else None) or s.BASIS_OTHER
        decision_no = checks.text(r, "decision_no", MAX_DECISION_NO, "số quyết định")
        authority = checks.text(r, "authority", MAX_AUTHORITY, "cơ quan ban hành")
        note = checks.text(r, "note", MAX_NOTE, "ghi chú")
        filled = {k for k in ("rating", "title") if r.text(k)}
        if not filled:
            checks.problem(
                r, "rating", "dòng không có xếp loại cũng không có danh hiệu, hình thức: chưa có gì để nhập"
            )
        if title is not None:
            wrong = (
                title_problem(str(title), person=person, unit=None, entries=checks.entries)
                if individuals
                else title_problem(str(title), person=None, unit=unit, entries=checks.entries)
            )
            if unit is not None and (person is not None or not individuals) and wrong is not None:
                checks.problem(r, "title", wrong.message)
            if not decision_no:
                checks.problem(r, "decision_no", "có danh hiệu, hình thức nhưng chưa ghi số quyết định")
            if not r.text("decision_date"):
                checks.problem(r, "decision_date", "có danh hiệu, hình thức nhưng chưa ghi ngày quyết định")
            elif isinstance(decision_date, dt.date) and isinstance(year, int) and decision_date.year < year:
                checks.problem(
                    r,
                    "decision_date",
                    f"ngày quyết định {decision_date:%d/%m/%Y} trước năm thành tích {year}",
                )
        elif not r.text("title") and (decision_no or r.text("decision_date") or authority):
            checks.problem(r, "title", "có thông tin quyết định nhưng chưa ghi danh hiệu, hình thức")
        if (
            len(checks.problems) > before
            or r.row in checks.incomplete
            or unit is None
            or (individuals and person is None)
        ):
            continue
        assert isinstance(year, int)
        parsed.append(
            _HistoryRow(
                raw=r,
                unit=unit,
                person=person,
                year=year,
                rating=rating if isinstance(rating, s.Rating) else None,
                title=str(title) if title is not None else None,
                decision_no=decision_no,
                decision_date=decision_date if isinstance(decision_date, dt.date) else None,
                authority=authority,
                kind=str(kind),
                basis=str(basis),
                note=note,
            )
        )
    for later, earlier in find_duplicates(
        [(p.raw.row, (*p.subject_key, p.year, p.title) if p.title else None) for p in parsed]
    ):
        row = next(p for p in parsed if p.raw.row == later)
        checks.problem(
            row.raw,
            "title",
            f"dòng {earlier} và dòng {later} trùng nhau (cùng {'người' if individuals else 'đơn vị'}, năm {row.year}, "
            f"{_short(row.title)}): hãy giữ lại một dòng",
        )
    ratings_seen: dict[tuple[str, int, int], _HistoryRow] = {}
    for item in parsed:
        if item.rating is None:
            continue
        first = ratings_seen.setdefault((*item.subject_key, item.year), item)
        if first is not item and first.rating != item.rating:
            checks.problem(
                item.raw,
                "rating",
                f"năm {item.year} đã xếp loại “{_rating_label(first.rating)}” ở dòng {first.raw.row}, "
                f"dòng này lại ghi “{_rating_label(item.rating)}”: mỗi năm chỉ có một xếp loại",
            )
    return _history_writes(parsed, ratings_seen, checks)


def _history_writes(
    parsed: list[_HistoryRow], ratings: dict[tuple[str, int, int], _HistoryRow], checks: _Rows
) -> _Plan:
    plan = _Plan()
    person_ids = {p.person.pk for p in parsed if p.person is not None}
    unit_ids = {p.unit.pk for p in parsed if p.person is None}
    stored_ratings: dict[tuple[str, int, int], int] = {}
    for pid, cycle, rating in TaskRating.objects.filter(person_id__in=person_ids).values_list(
        "person_id", "cycle", "rating"
    ):
        stored_ratings[("person", pid, cycle)] = rating
    for uid, cycle, rating in TaskRating.objects.filter(unit_id__in=unit_ids).values_list(
        "unit_id", "cycle", "rating"
    ):
        stored_ratings[("unit", uid, cycle)] = rating
    stored_awards: dict[tuple[str, int, int, str], Award] = {}
    for a in Award.objects.filter(person_id__in=person_ids, revoked_on__isnull=True):
        stored_awards[("person", a.person_id or 0, a.cycle, a.title)] = a
    for a in Award.objects.filter(unit_id__in=unit_ids, revoked_on__isnull=True):
        stored_awards[("unit", a.unit_id or 0, a.cycle, a.title)] = a

    for key, p in ratings.items():
        assert p.rating is not None
        if stored_ratings.get(key) == int(p.rating):
            plan.unchanged += 1
            continue
        plan.add(p.raw.row, p.unit, "ratings", _rating_write(p))
    for p in parsed:
        if p.title is None:
            continue
        stored = stored_awards.get((*p.subject_key, p.year, p.title))
        if stored is None:
            plan.add(p.raw.row, p.unit, "awards", _award_write(p))
        elif stored.decision_no.strip() == p.decision_no and stored.decision_date == p.decision_date:
            plan.unchanged += 1
        else:
            checks.problem(
                p.raw,
                "decision_no",
                f"đã ghi {_short(p.title)} năm {p.year} của {stored.subject_name} theo {stored.decision_text}; "
                "khen thưởng đã ghi không sửa được bằng tệp Excel: đề nghị Ban Thi đua – Khen thưởng đính chính",
            )
    return plan


def _rating_write(p: _HistoryRow) -> Callable[[Actor, str], None]:
    def write(actor: Actor, source: str) -> None:
        assert p.rating is not None
        task_rating_set(
            actor=actor,
            person=p.person,
            unit=None if p.person is not None else p.unit,
            cycle=p.year,
            rating=int(p.rating),
            source=source,
        )

    return write


def _award_write(p: _HistoryRow) -> Callable[[Actor, str], None]:
    def write(actor: Actor, source: str) -> None:
        assert p.title is not None and p.decision_date is not None
        award_record(
            actor=actor,
            person=p.person,
            unit=None if p.person is not None else p.unit,
            title=p.title,
            cycle=p.year,
            decision_no=p.decision_no,
            decision_date=p.decision_date,
            authority=p.authority,
            kind=p.kind,
            basis=p.basis,
            note=p.note,
            source=source,
        )

    return write


# --- initiatives ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _InitiativeRow:
    raw: RawRow
    unit: Unit
    person: Person
    name: str
    scope: str
    recognised_by: str
    recognised_on: dt.date
    year: int
    used_title: str | None
    used_year: int | None
    note: str


def _plan_initiatives(rows: list[RawRow], checks: _Rows) -> _Plan:
    people = _People(rows, [u for r in rows if (u := checks.units.get(r.text("unit_code").casefold()))])
    parsed: list[_InitiativeRow] = []
    for r in rows:
        before = len(checks.problems)
        unit = checks.unit(r)
        person = people.find(r, unit, checks) if unit is not None else None
        name = " ".join(checks.text(r, "name", MAX_TEXT, "tên sáng kiến").split())
        scope = checks.cell(r, "scope", parse_scope)
        recognised_by = checks.text(r, "recognised_by", MAX_AUTHORITY, "cơ quan công nhận")
        recognised_on = checks.cell(r, "recognised_on", lambda raw: parse_date(raw, today=checks.today))
        year = checks.cycle(r, "year", unit)
        used_title = checks.cell(r, "used_title", lambda raw: parse_title(raw, checks.aliases))
        used_year = checks.cycle(r, "used_year", unit)
        note = checks.text(r, "note", MAX_NOTE, "ghi chú")
        if bool(r.text("used_title")) != bool(r.text("used_year")):
            missing = "used_year" if r.text("used_title") else "used_title"
            checks.problem(
                r,
                missing,
                "ghi đủ cả danh hiệu đã dùng sáng kiến và năm của danh hiệu đó (hoặc để trống cả hai)",
            )
        if isinstance(year, int) and isinstance(recognised_on, dt.date) and year > recognised_on.year:
            checks.problem(r, "year", f"năm {year} sau ngày công nhận {recognised_on:%d/%m/%Y}")
        if len(checks.problems) > before or r.row in checks.incomplete or person is None or unit is None:
            continue
        assert isinstance(recognised_on, dt.date) and isinstance(scope, str)
        parsed.append(
            _InitiativeRow(
                raw=r,
                unit=unit,
                person=person,
                name=name,
                scope=scope,
                recognised_by=recognised_by,
                recognised_on=recognised_on,
                year=year
                if isinstance(year, int)
                else rulepacks.cycle_of(
                    recognised_on, s.CYCLE_SCHOOL if unit.school_year else s.CYCLE_CALENDAR
                ),
                used_title=str(used_title) if used_title is not None else None,
                used_year=used_year if isinstance(used_year, int) else None,
                note=note,
            )
        )
    for later, earlier in find_duplicates([(p.raw.row, (p.person.pk, fold(p.name))) for p in parsed]):
        row = next(p for p in parsed if p.raw.row == later)
        checks.problem(
            row.raw,
            "name",
            f"dòng {earlier} và dòng {later} trùng nhau (cùng người, cùng tên sáng kiến): hãy giữ lại một dòng",
        )
    return _initiative_writes(parsed, checks)


def _initiative_writes(parsed: list[_InitiativeRow], checks: _Rows) -> _Plan:
    plan = _Plan()
    person_ids = {p.person.pk for p in parsed}
    stored: dict[tuple[int, str], Initiative] = {
        (i.person_id, fold(i.name)): i
        for i in Initiative.objects.filter(person_id__in=person_ids).select_related("used_by")
    }
    awards: dict[tuple[int, str, int], Award] = {
        (a.person_id or 0, a.title, a.cycle): a
        for a in Award.objects.filter(person_id__in=person_ids, revoked_on__isnull=True)
    }
    for p in parsed:
        award = None
        if p.used_title is not None and p.used_year is not None:
            award = awards.get((p.person.pk, p.used_title, p.used_year))
            if award is None:
                checks.problem(
                    p.raw,
                    "used_title",
                    f"không tìm thấy {_short(p.used_title)} năm {p.used_year} của {p.person.full_name}: "
                    "hãy nhập quá trình khen thưởng của cá nhân trước",
                )
                continue
        existing = stored.get((p.person.pk, fold(p.name)))
        if existing is None:
            plan.add(p.raw.row, p.unit, "initiatives", _initiative_write(p, award))
            continue
        same = (
            existing.scope == p.scope
            and existing.recognised_on == p.recognised_on
            and existing.cycle == p.year
            and fold(existing.recognised_by) == fold(p.recognised_by)
        )
        if not same:
            checks.problem(
                p.raw,
                "name",
                f"sáng kiến “{existing.name}” của {p.person.full_name} đã ghi với thông tin khác; "
                "sáng kiến đã ghi không sửa được bằng tệp Excel",
            )
        elif award is None or existing.used_by_id == award.pk:
            plan.unchanged += 1
        elif existing.used_by_id is not None:
            used = existing.used_by
            checks.problem(
                p.raw,
                "used_title",
                f"sáng kiến “{existing.name}” đã được dùng cho {_short(used.title if used else '')} năm "
                f"{used.cycle if used else ''}: mỗi sáng kiến chỉ được dùng một lần",
            )
        else:
            plan.add(p.raw.row, p.unit, "initiatives", _use_write(existing, award))
    return plan


def _initiative_write(p: _InitiativeRow, award: Award | None) -> Callable[[Actor, str], None]:
    def write(actor: Actor, source: str) -> None:
        initiative_record(
            actor=actor,
            person=p.person,
            name=p.name,
            scope=p.scope,
            cycle=p.year,
            recognised_by=p.recognised_by,
            recognised_on=p.recognised_on,
            used_by=award,
            note=p.note,
            source=source,
        )

    return write


def _use_write(initiative: Initiative, award: Award) -> Callable[[Actor, str], None]:
    def write(actor: Actor, source: str) -> None:
        initiative_use(actor=actor, initiative=initiative, award=award)

    return write


# --- writing --------------------------------------------------------------------------------------------


def _write(actor: Actor, shape: Shape, filename: str, plan: _Plan) -> ImportResult:
    name = filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    source = f"Tệp Excel “{name}”"[:_SOURCE_MAX]
    rows_by_unit: dict[int, list[int]] = defaultdict(list)
    units: dict[int, Unit] = {}
    with transaction.atomic():
        for row, unit, write in plan.writes:
            try:
                write(actor, source)
            except ValidationFailed as exc:  # something changed while the file was being checked
                raise ValidationFailed(
                    [Problem(p.message, row=row, field=p.field) for p in exc.problems]
                ) from exc
            rows_by_unit[unit.pk].append(row)
            units[unit.pk] = unit
        for unit_id, rows in rows_by_unit.items():
            audit_record(
                actor=actor,
                action="awards.import",
                instance=units[unit_id],
                summary=f"Nhập {len(rows)} dòng {shape.label} từ tệp Excel “{name}”",
                after={"file": name, "kind": shape.key, "rows": sorted(set(rows))},
            )
    return ImportResult(
        kind=shape.key,
        ratings=plan.counts["ratings"],
        awards=plan.counts["awards"],
        initiatives=plan.counts["initiatives"],
        unchanged=plan.unchanged,
        units=[units[pk].name for pk in rows_by_unit],
    )


def _short(code: str | None) -> str:
    return title_short(code) if code else ""


def _rating_label(rating: s.Rating | None) -> str:
    from tdkt.awards.xlsx_rules import RATING_LABELS

    return RATING_LABELS[rating] if rating is not None else ""


__all__ = [
    "COLLECTIVES",
    "INDIVIDUALS",
    "INITIATIVES",
    "MAX_IMPORT_BYTES",
    "SHAPES",
    "ImportResult",
    "awards_import",
]
