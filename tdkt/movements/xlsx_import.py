"""Importing a cluster-year's results from the Excel template (`xlsx_template`).

The whole file is checked first: the file itself (`xlsx_rules.inspect_upload`: name, size, zip directory),
that it is the template of this cluster-year and period, its header, then every filled row against the
database (units, indicators, figures, permission, report status). Every problem is collected with its
row and column; if there is any, `ValidationFailed` is raised and nothing is written. Otherwise every row
is written in one transaction through `report_get_or_create` and `report_values_set`.

A row whose figures equal what is stored is not written again (re-uploading the same file changes nothing
and adds no audit noise); the comparison only happens for rows the actor may write, so an upload cannot be
used to probe another unit's figures.

An import carries no versions (`tdkt.core.versions`): it is a bulk replace of a unit's own figures by the
unit itself (or by the board), deliberate and all at once, so it overwrites what the form or the API wrote
since the template was downloaded; every value it changes is audited with its value before.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.db import transaction

from tdkt.clusters.models import ClusterMember, ClusterYear
from tdkt.clusters.scopes import Viewer, viewer_for
from tdkt.core.audit import Actor, audit_record
from tdkt.core.errors import NotPermitted, Problem, ValidationFailed
from tdkt.core.vn import NumberFormatError, fold
from tdkt.movements.models import (
    ClusterIndicator,
    Indicator,
    IndicatorKind,
    Period,
    Report,
    ReportValue,
)
from tdkt.movements.services import ValueInput, report_get_or_create, report_values_set, validate_value
from tdkt.movements.xlsx_rules import (
    HeaderMap,
    RawRow,
    TemplateIdentity,
    cap_problems,
    extract_rows,
    find_duplicates,
    identity_from_rows,
    identity_problems,
    inspect_upload,
    parse_note,
    read_figure,
    read_workbook,
    scan_header_map,
    shown,
)
from tdkt.org.models import Unit

MAX_IMPORT_BYTES = 10 * 1024 * 1024
_SOURCE_MAX = 300
_ROWS_SHOWN = 10


@dataclass(frozen=True)
class ImportResult:
    reports_touched: int
    values_written: int
    units: list[str]  # names of the units whose reports were written
    # how cells were understood, for the person to check (English decimals, formulas' computed values,
    # implausible percentages); each located by row and column. Written anyway.
    warnings: list[Problem] = field(default_factory=list)


@dataclass(frozen=True)
class _Planned:
    row: int
    unit: Unit
    value: ValueInput


def results_import(
    *, actor: Actor, cluster_year: ClusterYear, period: str, filename: str, data: bytes
) -> ImportResult:
    """Validate the whole file, then write every row in ONE transaction via report_get_or_create +
    report_values_set, or raise ValidationFailed(list of Problem(message, row=<1-based spreadsheet row>,
    column=<column letter or header>)) and write NOTHING. actor=None means the system; otherwise a unit's
    staff (the head's staff included: drafts are private to their unit) may only import rows of their own
    unit, rows of another unit being an error naming the row; the board may import any member's rows."""
    viewer = _import_viewer(actor, cluster_year)
    if period not in Period.values:
        raise ValidationFailed(Problem(f"kỳ báo cáo “{period}” không hợp lệ", field="period"))
    cluster_year = ClusterYear.objects.select_related("cluster").get(pk=cluster_year.pk)

    inspect_upload(filename, data, max_bytes=MAX_IMPORT_BYTES)
    book = read_workbook(data)
    identity = TemplateIdentity(
        cluster_year_id=cluster_year.pk,
        cluster_code=cluster_year.cluster.code,
        cluster_name=cluster_year.cluster.name,
        year=cluster_year.year,
        period=period,
        period_label=Period(period).label,
    )
    mismatch = identity_problems(identity_from_rows(book.meta_rows), identity)
    if mismatch:
        raise ValidationFailed(mismatch)
    # a missing or renamed column does not stop the check: every cell of the columns that are there is
    # checked too, so one upload reports every problem
    header = scan_header_map(book.data_rows)
    extracted = extract_rows(book.data_rows, header, book.formulas)
    if not extracted.rows and not extracted.problems and not header.problems:
        raise ValidationFailed(
            Problem("tệp không có dòng nào điền cột “Kết quả”: chưa có số liệu để nhập", column="Kết quả")
        )

    problems = [*header.problems, *extracted.problems, *find_duplicates(extracted.rows, header)]
    warnings = list(extracted.warnings)
    planned, row_problems = _check_rows(extracted.rows, header, cluster_year, viewer, warnings)
    problems += row_problems
    changed, status_problems = _changed_and_editable(planned, header, cluster_year, period)
    problems += status_problems
    if problems:
        problems.sort(key=lambda p: p.row or 0)
        raise ValidationFailed(cap_problems(problems))
    result = _write(actor, viewer, cluster_year, period, filename, changed)
    warnings.sort(key=lambda p: p.row or 0)
    return replace(result, warnings=cap_problems(warnings))


def _import_viewer(actor: Actor, cluster_year: ClusterYear) -> Viewer | None:
    """None for the system. The public and staff of a unit outside the cluster-year may not import at all."""
    if actor is None:
        return None
    viewer = viewer_for(actor)
    if viewer.is_board:
        return viewer
    if (
        viewer.unit_id is not None
        and ClusterMember.objects.filter(cluster_year=cluster_year, unit_id=viewer.unit_id).exists()
    ):
        return viewer
    raise NotPermitted(f"Bạn không có quyền nhập số liệu cho {cluster_year}")


def _check_rows(
    rows: list[RawRow],
    header: HeaderMap,
    cluster_year: ClusterYear,
    viewer: Viewer | None,
    warnings: list[Problem],
) -> tuple[list[_Planned], list[Problem]]:
    members = {
        m.unit.code.casefold(): m.unit
        for m in ClusterMember.objects.filter(cluster_year=cluster_year).select_related("unit")
    }
    followed = {
        ci.indicator.code.casefold(): ci.indicator
        for ci in ClusterIndicator.objects.filter(cluster_year=cluster_year).select_related("indicator")
    }
    other_units = {
        u.code.casefold(): u
        for u in Unit.objects.filter(
            code__in={r.unit_code for r in rows if r.unit_code.casefold() not in members}
        )
    }
    other_indicators = {
        i.code.casefold(): i
        for i in Indicator.objects.filter(
            code__in={r.indicator_code for r in rows if r.indicator_code.casefold() not in followed}
        )
    }
    own_unit = next((u for u in members.values() if viewer is not None and viewer.is_staff_of(u.pk)), None)
    may_write_all = viewer is None or viewer.is_board

    planned: list[_Planned] = []
    problems: list[Problem] = []
    for r in rows:
        found: list[Problem] = []

        def problem(message: str, key: str, r: RawRow = r, found: list[Problem] = found) -> None:
            found.append(Problem(message, row=r.row, column=header.label(key)))

        unit = members.get(r.unit_code.casefold())
        if "unit_code" not in header.positions:
            pass  # the missing column is reported once, with the header
        elif not r.unit_code:
            problem("thiếu mã đơn vị", "unit_code")
        elif unit is None:
            other = other_units.get(r.unit_code.casefold())
            if other is not None:
                problem(
                    f"“{other.name}” ({other.code}) không phải thành viên của {cluster_year}", "unit_code"
                )
            else:
                problem(
                    f"mã đơn vị “{r.unit_code}” không có trong hệ thống{_hint(r.unit_code, members)}",
                    "unit_code",
                )
        else:
            if not may_write_all and unit != own_unit:
                mine = f"“{own_unit.name}”" if own_unit is not None else "đơn vị mình"
                problem(
                    f"bạn chỉ được nhập số liệu của {mine}; dòng này là của “{unit.name}” ({unit.code})",
                    "unit_code",
                )
            if r.unit_name and fold(r.unit_name) != fold(unit.name):
                problem(
                    f"tên đơn vị “{r.unit_name}” không khớp với mã “{unit.code}” (“{unit.name}”): "
                    "hãy kiểm tra lại mã đơn vị",
                    "unit_name",
                )

        indicator = followed.get(r.indicator_code.casefold())
        if "indicator_code" not in header.positions:
            pass
        elif not r.indicator_code:
            problem("thiếu mã chỉ tiêu", "indicator_code")
        elif indicator is None:
            other_indicator = other_indicators.get(r.indicator_code.casefold())
            if other_indicator is not None:
                problem(
                    f"chỉ tiêu “{other_indicator.name}” ({other_indicator.code}) "
                    f"không thuộc bộ chỉ tiêu của {cluster_year}",
                    "indicator_code",
                )
            else:
                problem(
                    f"mã chỉ tiêu “{r.indicator_code}” không có trong hệ thống"
                    + _hint(r.indicator_code, followed),
                    "indicator_code",
                )
        elif r.indicator_name and fold(r.indicator_name) != fold(indicator.name):
            problem(
                f"tên chỉ tiêu “{r.indicator_name}” không khớp với mã “{indicator.code}” "
                f"(“{indicator.name}”): hãy kiểm tra lại mã chỉ tiêu",
                "indicator_name",
            )

        value: Decimal | None = None
        prior: Decimal | None = None
        note = ""
        # the figures are read even when the indicator is unknown, so that a cell that is not a number
        # is reported in the same upload as the wrong code
        percent_allowed = indicator is None or (
            indicator.kind == IndicatorKind.PERCENTAGE or indicator.measure_unit.strip() == "%"
        )
        for key, label in (("result", "kết quả"), ("prior", "số cùng kỳ")):
            if key not in header.positions:
                continue
            raw = r.result if key == "result" else r.prior
            try:
                number, notes = read_figure(
                    raw,
                    percent_allowed=percent_allowed,
                    measure_unit=indicator.measure_unit if indicator is not None else "",
                )
            except NumberFormatError as exc:
                problem(str(exc), key)
                continue
            warnings.extend(Problem(n, row=r.row, column=header.label(key)) for n in notes)
            if (
                indicator is not None
                and number is not None
                and (message := validate_value(indicator, number, label=label))
            ):
                problem(f"“{shown(raw)}”: {message}", key)
            if key == "result":
                value = number
            else:
                prior = number
        try:
            note = parse_note(r.note)
        except NumberFormatError as exc:
            problem(str(exc), "note")

        if found:
            problems.extend(found)
        elif unit is not None and indicator is not None and value is not None:
            planned.append(_Planned(r.row, unit, ValueInput(indicator, value, prior, note)))
    return planned, problems


def _hint(code: str, known: Mapping[str, object]) -> str:
    close = difflib.get_close_matches(code.casefold(), list(known), n=1, cutoff=0.6)
    if not close:
        return ""
    item = known[close[0]]
    return f" (có phải “{getattr(item, 'code', close[0])}”?)"


def _changed_and_editable(
    planned: list[_Planned], header: HeaderMap, cluster_year: ClusterYear, period: str
) -> tuple[list[_Planned], list[Problem]]:
    """Drop rows equal to what is stored; refuse changed rows whose report can no longer be edited."""
    unit_ids = {p.unit.pk for p in planned}
    reports = {
        r.unit_id: r
        for r in Report.objects.filter(cluster_year=cluster_year, period=period, unit_id__in=unit_ids)
    }
    stored = {
        (v.report.unit_id, v.indicator_id): v
        for v in ReportValue.objects.filter(report__in=list(reports.values())).select_related("report")
    }
    changed = [p for p in planned if not _same(stored.get((p.unit.pk, p.value.indicator.pk)), p.value)]
    rows_by_unit: dict[int, list[int]] = defaultdict(list)
    for p in changed:
        rows_by_unit[p.unit.pk].append(p.row)
    problems: list[Problem] = []
    for unit_id, rows in rows_by_unit.items():
        report = reports.get(unit_id)
        if report is None or report.is_editable:
            continue
        shown = ", ".join(str(n) for n in rows[:_ROWS_SHOWN]) + (", …" if len(rows) > _ROWS_SHOWN else "")
        problems.append(
            Problem(
                f"báo cáo {Period(period).label.lower()} của “{report.unit.name}” đang ở trạng thái "
                f"“{report.get_status_display()}”, không sửa được (dòng {shown}): "
                "cần sửa thì đề nghị Trưởng cụm trả lại báo cáo",
                row=rows[0],
                column=header.label("unit_code"),
            )
        )
    return changed, problems


def _same(stored: ReportValue | None, new: ValueInput) -> bool:
    return (
        stored is not None
        and stored.value == new.value
        and stored.prior_value == new.prior_value
        and stored.note.strip() == new.note
    )


def _write(
    actor: Actor,
    viewer: Viewer | None,
    cluster_year: ClusterYear,
    period: str,
    filename: str,
    changed: list[_Planned],
) -> ImportResult:
    name = filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    source = f"Tệp Excel “{name}”"[:_SOURCE_MAX]
    by_unit: dict[int, list[_Planned]] = defaultdict(list)
    units: dict[int, Unit] = {}
    for p in changed:
        by_unit[p.unit.pk].append(p)
        units[p.unit.pk] = p.unit
    written = 0
    with transaction.atomic():
        for unit_id, items in by_unit.items():
            unit = units[unit_id]
            report = report_get_or_create(actor=actor, cluster_year=cluster_year, unit=unit, period=period)
            values = [
                ValueInput(p.value.indicator, p.value.value, p.value.prior_value, p.value.note, source=source)
                for p in items
            ]
            try:
                report_values_set(actor=actor, report=report, values=values)
            except ValidationFailed as exc:  # the report changed status while the file was being checked
                raise ValidationFailed(
                    [
                        Problem(p.message, row=items[0].row, column=p.column, field=p.field)
                        for p in exc.problems
                    ]
                ) from exc
            audit_record(
                actor=actor,
                action="report.import",
                instance=report,
                summary=f"Nhập {len(items)} số liệu từ tệp Excel “{name}”",
                after={
                    "file": name,
                    "rows": [p.row for p in items],
                    "indicators": [p.value.indicator.code for p in items],
                },
            )
            written += len(items)
    return ImportResult(
        reports_touched=len(by_unit), values_written=written, units=[units[pk].name for pk in by_unit]
    )
