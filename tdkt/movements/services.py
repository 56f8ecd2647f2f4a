"""Writes for targets, covenants, reports, values and evidence.

Every service is keyword-only, atomic, validated and audited. `actor=None` is the system itself
(demo loader, management commands) and skips the permission check; a web or API request always
passes its user, anonymous or not, and is checked against `tdkt.clusters.scopes`.
"""

from __future__ import annotations

import datetime as dt
import pathlib
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from tdkt.awards import catalogue
from tdkt.clusters.models import Cluster, ClusterMember, ClusterYear
from tdkt.clusters.scopes import viewer_for
from tdkt.core.audit import Actor, actor_user, audit_record, snapshot, state_at_version
from tdkt.core.errors import NotPermitted, Problem, ValidationFailed
from tdkt.core.versions import changes_between, check_version
from tdkt.core.vn import format_number
from tdkt.movements.models import (
    ClusterIndicator,
    Covenant,
    CovenantSignatory,
    CovenantStatus,
    Direction,
    Evidence,
    Indicator,
    IndicatorKind,
    Movement,
    MovementKind,
    MovementLevel,
    Period,
    Report,
    ReportStatus,
    ReportValue,
    Target,
    TargetBasis,
)
from tdkt.org.models import Unit

MAX_EVIDENCE_BYTES = 20 * 1024 * 1024
MAX_DECIMAL_PLACES = 4  # the DecimalFields' decimal_places
MAX_SIGNIFICANT_DIGITS = 15
EVIDENCE_TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
}


def _require_member(cluster_year: ClusterYear, unit: Unit) -> None:
    if not ClusterMember.objects.filter(cluster_year=cluster_year, unit=unit).exists():
        raise ValidationFailed(Problem(f"“{unit}” không phải thành viên của {cluster_year}", field="unit"))


def _require_followed(cluster_year: ClusterYear, indicator: Indicator) -> None:
    if not ClusterIndicator.objects.filter(cluster_year=cluster_year, indicator=indicator).exists():
        raise ValidationFailed(
            Problem(f"chỉ tiêu “{indicator}” không thuộc bộ chỉ tiêu của {cluster_year}", field="indicator")
        )


def _check_can_edit_unit(actor: Actor, cluster_year: ClusterYear, unit: Unit) -> None:
    if actor is None:
        return
    viewer = viewer_for(actor)
    if not (viewer.is_board or viewer.is_staff_of(unit.pk)):
        raise NotPermitted(f"Bạn không được nhập số liệu cho “{unit}”")


def _check_board(actor: Actor, what: str) -> None:
    if actor is not None and not viewer_for(actor).is_board:
        raise NotPermitted(f"Chỉ Ban Thi đua – Khen thưởng mới được {what}")


def _check_manages(actor: Actor, cluster_year: ClusterYear) -> None:
    if actor is None:
        return
    if not viewer_for(actor).manages(cluster_year.pk):
        raise NotPermitted(
            f"Chỉ Trưởng cụm hoặc Ban Thi đua – Khen thưởng mới được làm việc này với {cluster_year}"
        )


def validate_value(indicator: Indicator, value: Decimal, *, label: str = "giá trị") -> str | None:
    """The range rule of an indicator kind; returns a Vietnamese problem or None."""
    if indicator.kind == "yes_no" and value not in (0, 1):
        return f"{label} của chỉ tiêu đạt/không đạt phải là 1 (đạt) hoặc 0 (không đạt)"
    if indicator.kind == "rank" and (value < 1 or value != value.to_integral_value()):
        return f"{label} thứ hạng phải là số nguyên từ 1 trở lên"
    if indicator.kind == "count" and (value < 0 or value != value.to_integral_value()):
        return f"{label} số lượng phải là số nguyên không âm"
    if indicator.kind in ("amount", "percentage") and value < 0:
        return f"{label} không được âm"
    if indicator.kind == "percentage" and value > 10000:
        return f"{label} {format_number(value)}% vượt quá giới hạn hợp lý (10.000%)"
    if abs(value) >= Decimal("1e15"):
        return f"{label} quá lớn"
    _sign, digits, exponent = value.normalize().as_tuple()
    if isinstance(exponent, int) and exponent < -MAX_DECIMAL_PLACES:
        return f"{label} có quá {MAX_DECIMAL_PLACES} chữ số thập phân"
    if len(digits) > MAX_SIGNIFICANT_DIGITS:
        # SQLite keeps decimals as binary floating point: more digits would be changed silently
        return f"{label} có quá {MAX_SIGNIFICANT_DIGITS} chữ số có nghĩa"
    return None


# --- versions: no lost updates (tdkt.core.versions) ---------------------------------------------------------
# A person's write carries the version of the row they read (0 for a row that did not exist yet); a write over
# a newer version is refused with what changed meanwhile, read back from the audit trail. `version=None` is
# a write that is not checked: the system's (demo loader, commands) and the Excel import, which is a bulk
# replace of the unit's own figures by the unit itself (see `xlsx_import`).

VALUE_LABELS = {
    "value": "kết quả",
    "prior_value": "cùng kỳ năm trước",
    "note": "ghi chú",
    "illustrative": "số liệu minh họa",
    "source": "nguồn số liệu",
}
TARGET_LABELS = {
    "value": "chỉ tiêu",
    "reference": "văn bản giao",
    "illustrative": "số liệu minh họa",
    "source": "nguồn số liệu",
}


def _shown_state(state: dict[str, object], labels: dict[str, str]) -> dict[str, object]:
    """A stored state as a person reads it: numbers written the Vietnamese way (`260.000`, `54,9`)."""
    shown: dict[str, object] = {}
    for name in labels:
        value = state.get(name)
        if name in ("value", "prior_value") and value not in (None, ""):
            value = format_number(Decimal(str(value)))
        shown[name] = value
    return shown


def _version_problem(
    *,
    what: str,
    row: ReportValue | Target | None,
    given: int | None,
    labels: dict[str, str],
    field: str,
) -> Problem | None:
    """The refusal of a write read at another version than the stored one (0: no row yet), or None."""
    current = row.version if row is not None else 0
    if given == current:
        return None
    changes: list[str] = []
    then = state_at_version(row, given) if row is not None else None
    if row is not None and then is not None:
        changes = changes_between(_shown_state(then, labels), _shown_state(snapshot(row), labels), labels)
    try:
        check_version(what=what, given=given, current=current, changes=changes, field=field)
    except ValidationFailed as exc:
        return exc.problems[0]
    return None  # pragma: no cover - check_version refuses whenever given != current


@transaction.atomic
def indicator_create(
    *,
    actor: Actor,
    code: str,
    name: str,
    measure_unit: str,
    kind: str,
    direction: str = "higher",
    description: str = "",
) -> Indicator:
    """Add an indicator to the catalogue (the board)."""
    _check_board(actor, "thêm chỉ tiêu vào danh mục")
    code = code.strip()
    problems: list[Problem] = []
    if not code:
        problems.append(Problem("thiếu mã chỉ tiêu", field="code"))
    elif len(code) > 40:
        problems.append(Problem("mã chỉ tiêu dài quá 40 ký tự", field="code"))
    elif Indicator.objects.filter(code=code).exists():
        problems.append(Problem(f"mã chỉ tiêu “{code}” đã có", field="code"))
    if not measure_unit.strip():
        problems.append(Problem("thiếu đơn vị tính", field="measure_unit"))
    if kind not in IndicatorKind.values:
        problems.append(Problem(f"loại chỉ tiêu “{kind}” không hợp lệ", field="kind"))
    if direction not in Direction.values:
        problems.append(Problem(f"chiều đánh giá “{direction}” không hợp lệ", field="direction"))
    if not name.strip():
        problems.append(Problem("thiếu tên chỉ tiêu", field="name"))
    if problems:
        raise ValidationFailed(problems)
    indicator = Indicator.objects.create(
        code=code,
        name=name.strip(),
        measure_unit=measure_unit.strip(),
        kind=kind,
        direction=direction,
        description=description,
    )
    audit_record(actor=actor, action="indicator.create", instance=indicator, after=snapshot(indicator))
    return indicator


MOVEMENT_LABELS = {
    "name": "tên phong trào",
    "slogan": "khẩu hiệu",
    "launched_by": "cơ quan phát động",
    "level": "cấp phát động",
    "kind": "hình thức",
    "start_date": "từ ngày",
    "end_date": "đến ngày",
    "description": "nội dung",
    "planned_titles": "danh hiệu, hình thức khen thưởng dự kiến",
    "clusters": "cụm, khối tham gia",
    "units": "đơn vị tham gia",
}


def _movement_problems(
    *,
    name: str,
    launched_by: Unit,
    level: str,
    kind: str,
    start_date: dt.date,
    end_date: dt.date | None,
    slogan: str,
    units: list[Unit],
    planned_titles: list[str],
) -> list[Problem]:
    problems: list[Problem] = []
    if not name.strip():
        problems.append(Problem("thiếu tên phong trào", field="name"))
    if level not in MovementLevel.values:
        problems.append(Problem(f"cấp phát động “{level}” không hợp lệ", field="level"))
    if kind not in MovementKind.values:
        problems.append(Problem(f"hình thức “{kind}” không hợp lệ", field="kind"))
    if end_date is not None and end_date < start_date:
        problems.append(Problem("ngày kết thúc trước ngày bắt đầu", field="end_date"))
    if len(name.strip()) > 400:
        problems.append(Problem("tên phong trào dài quá 400 ký tự", field="name"))
    if len(slogan) > 300:
        problems.append(Problem("khẩu hiệu dài quá 300 ký tự", field="slogan"))
    if not launched_by.valid_in_year(start_date.year):
        problems.append(
            Problem(
                f"cơ quan phát động “{launched_by}” không còn hiệu lực năm {start_date.year}",
                field="launched_by",
            )
        )
    for unit in units:
        if not unit.valid_in_year(start_date.year):
            problems.append(
                Problem(f"đơn vị “{unit}” không còn hiệu lực năm {start_date.year}", field="units")
            )
    for code in planned_titles:
        if code not in catalogue.CATALOGUE:
            problems.append(
                Problem(
                    f"không có danh hiệu, hình thức khen thưởng mã “{code}” trong danh mục",
                    field="planned_titles",
                )
            )
    if len(set(planned_titles)) != len(planned_titles):
        problems.append(Problem("một danh hiệu, hình thức được chọn hai lần", field="planned_titles"))
    return problems


def _planned(codes: list[str]) -> list[str]:
    """The planned titles in catalogue order (the order they are shown in)."""
    return sorted(codes, key=lambda c: catalogue.TITLE_ORDER.get(c, len(catalogue.TITLE_ORDER)))


def _shown_movement(state: dict[str, Any]) -> dict[str, object]:
    """A movement's stored state as a person reads it: names, labels and dd/mm/yyyy, never ids or codes."""
    unit_ids = {*state.get("units", []), state.get("launched_by")}
    units = dict(Unit.objects.filter(pk__in=[u for u in unit_ids if u]).values_list("pk", "name"))
    clusters = dict(Cluster.objects.filter(pk__in=state.get("clusters", [])).values_list("pk", "name"))

    def day(value: object) -> str:
        return dt.date.fromisoformat(str(value)).strftime("%d/%m/%Y") if value else ""

    return {
        "name": state.get("name", ""),
        "slogan": state.get("slogan", ""),
        "launched_by": units.get(int(state.get("launched_by") or 0), ""),
        "level": MovementLevel(state["level"]).label if state.get("level") in MovementLevel.values else "",
        "kind": MovementKind(state["kind"]).label if state.get("kind") in MovementKind.values else "",
        "start_date": day(state.get("start_date")),
        "end_date": day(state.get("end_date")),
        "description": state.get("description", ""),
        "planned_titles": ", ".join(
            catalogue.CATALOGUE[c].name for c in state.get("planned_titles", []) if c in catalogue.CATALOGUE
        ),
        "clusters": ", ".join(sorted(clusters.get(c, "") for c in state.get("clusters", []))),
        "units": ", ".join(sorted(units.get(u, "") for u in state.get("units", []))),
    }


def _movement_state(movement: Movement) -> dict[str, object]:
    return {
        **snapshot(movement),
        "clusters": sorted(movement.clusters.values_list("pk", flat=True)),
        "units": sorted(movement.units.values_list("pk", flat=True)),
    }


@transaction.atomic
def movement_create(
    *,
    actor: Actor,
    name: str,
    launched_by: Unit,
    level: str,
    kind: str,
    start_date: dt.date,
    end_date: dt.date | None = None,
    slogan: str = "",
    description: str = "",
    clusters: list[Cluster] | None = None,
    units: list[Unit] | None = None,
    planned_titles: list[str] | None = None,
) -> Movement:
    """Launch a movement (the board): its level, kind, dates, slogan, the clusters and units taking part
    and the titles and forms of commendation planned (catalogue codes)."""
    _check_board(actor, "phát động phong trào")
    problems = _movement_problems(
        name=name,
        launched_by=launched_by,
        level=level,
        kind=kind,
        start_date=start_date,
        end_date=end_date,
        slogan=slogan,
        units=units or [],
        planned_titles=planned_titles or [],
    )
    if problems:
        raise ValidationFailed(problems)
    movement = Movement.objects.create(
        name=name.strip(),
        launched_by=launched_by,
        level=level,
        kind=kind,
        start_date=start_date,
        end_date=end_date,
        slogan=slogan,
        description=description,
        planned_titles=_planned(planned_titles or []),
    )
    movement.clusters.set(clusters or [])
    movement.units.set(units or [])
    audit_record(actor=actor, action="movement.create", instance=movement, after=_movement_state(movement))
    return movement


@transaction.atomic
def movement_update(
    *,
    actor: Actor,
    movement: Movement,
    name: str,
    launched_by: Unit,
    level: str,
    kind: str,
    start_date: dt.date,
    end_date: dt.date | None = None,
    slogan: str = "",
    description: str = "",
    clusters: list[Cluster] | None = None,
    units: list[Unit] | None = None,
    planned_titles: list[str] | None = None,
    version: int | None = None,
) -> Movement:
    """Edit a launched movement (the board): every field, the clusters, units and planned titles. `version`:
    the movement's as read (None: not checked); a movement changed since is refused, saying what changed."""
    _check_board(actor, "sửa phong trào thi đua")
    movement = Movement.objects.select_for_update().get(pk=movement.pk)
    before = _movement_state(movement)
    if version is not None and version != movement.version:
        then = state_at_version(movement, version)
        changes = (
            changes_between(_shown_movement(then), _shown_movement(before), MOVEMENT_LABELS)
            if then is not None
            else []
        )
        check_version(
            what=f"phong trào “{movement.name}”", given=version, current=movement.version, changes=changes
        )
    problems = _movement_problems(
        name=name,
        launched_by=launched_by,
        level=level,
        kind=kind,
        start_date=start_date,
        end_date=end_date,
        slogan=slogan,
        units=units or [],
        planned_titles=planned_titles or [],
    )
    if problems:
        raise ValidationFailed(problems)
    movement.name = name.strip()
    movement.launched_by = launched_by
    movement.level = level
    movement.kind = kind
    movement.start_date = start_date
    movement.end_date = end_date
    movement.slogan = slogan
    movement.description = description
    movement.planned_titles = _planned(planned_titles or [])
    movement.clusters.set(clusters or [])
    movement.units.set(units or [])
    after = _movement_state(movement)
    if {k: v for k, v in after.items() if k != "version"} == {
        k: v for k, v in before.items() if k != "version"
    }:
        return movement
    movement.version += 1
    movement.save()
    audit_record(
        actor=actor,
        action="movement.update",
        instance=movement,
        before=before,
        after=_movement_state(movement),
    )
    return movement


@transaction.atomic
def cluster_indicators_set(*, actor: Actor, cluster_year: ClusterYear, indicators: list[Indicator]) -> None:
    """Set the indicators a cluster-year follows, in order (the head's staff or the board). Refused: an
    empty list, an indicator listed twice, dropping one a member has registered a target for."""
    _check_manages(actor, cluster_year)
    problems: list[Problem] = []
    if not indicators:
        problems.append(Problem("bộ chỉ tiêu phải có ít nhất một chỉ tiêu", field="indicators"))
    seen: set[int] = set()
    for indicator in indicators:
        if indicator.pk in seen:
            problems.append(Problem(f"chỉ tiêu “{indicator}” được kê hai lần", field="indicators"))
        seen.add(indicator.pk)
    used = Indicator.objects.filter(
        pk__in=Target.objects.filter(cluster_year=cluster_year).values("indicator_id")
    ).exclude(pk__in=seen)
    for indicator in used.order_by("code"):
        problems.append(
            Problem(f"không thể bỏ chỉ tiêu “{indicator}”: đã có đơn vị đăng ký chỉ tiêu", field="indicators")
        )
    if problems:
        raise ValidationFailed(problems)
    _indicators_write(actor, cluster_year, indicators)


def _indicators_write(actor: Actor, cluster_year: ClusterYear, indicators: list[Indicator]) -> None:
    before = list(cluster_year.indicators.values_list("indicator_id", flat=True))
    cluster_year.indicators.all().delete()
    ClusterIndicator.objects.bulk_create(
        [
            ClusterIndicator(cluster_year=cluster_year, indicator=ind, position=i)
            for i, ind in enumerate(indicators, 1)
        ]
    )
    audit_record(
        actor=actor,
        action="cluster_indicators.set",
        instance=cluster_year,
        before={"indicators": before},
        after={"indicators": [i.pk for i in indicators]},
    )


@transaction.atomic
def cluster_indicators_carry(
    *, actor: Actor, source: ClusterYear, cluster_year: ClusterYear
) -> list[Indicator]:
    """Copy the indicators `source` follows, in order, to the same cluster's next year when it follows none
    yet (opening next year). The one who manages `source` may do it: the outgoing head opens next year."""
    _check_manages(actor, source)
    if cluster_year.cluster_id != source.cluster_id or cluster_year.year != source.year + 1:
        raise ValidationFailed(
            Problem("chỉ sao chép chỉ tiêu sang năm kế tiếp của cùng cụm", field="indicators")
        )
    if cluster_year.indicators.exists():
        raise ValidationFailed(Problem(f"{cluster_year} đã có bộ chỉ tiêu", field="indicators"))
    indicators = [ci.indicator for ci in source.indicators.select_related("indicator").order_by("position")]
    if indicators:
        _indicators_write(actor, cluster_year, indicators)
    return indicators


@transaction.atomic
def target_set(
    *,
    actor: Actor,
    cluster_year: ClusterYear,
    unit: Unit,
    indicator: Indicator,
    value: Decimal,
    basis: str = TargetBasis.REGISTERED,
    reference: str = "",
    illustrative: bool = False,
    source: str = "",
    version: int | None = None,
) -> Target:
    """Register (or change) a member's target. Refused once the covenant is signed.

    `version`: the target's version when the person read it (0 when there was none); a write over a newer
    version is refused, saying what changed meanwhile. None: not checked (the system)."""
    _check_can_edit_unit(actor, cluster_year, unit)
    _require_member(cluster_year, unit)
    _require_followed(cluster_year, indicator)
    if basis not in TargetBasis.values:
        raise ValidationFailed(Problem(f"căn cứ “{basis}” không hợp lệ", field="basis"))
    problem = validate_value(indicator, value, label="chỉ tiêu")
    if problem:
        raise ValidationFailed(Problem(problem, field="value"))
    if actor is not None and Covenant.objects.filter(cluster_year=cluster_year).exists():
        raise ValidationFailed(
            Problem("giao ước thi đua đã ký: không thể sửa chỉ tiêu đăng ký", field="value")
        )
    # the member's row serialises its target writes, so two first registrations cannot both insert
    ClusterMember.objects.select_for_update().filter(cluster_year=cluster_year, unit=unit).first()
    target = (
        Target.objects.select_for_update()
        .filter(cluster_year=cluster_year, unit=unit, indicator=indicator, basis=basis)
        .first()
    )
    if version is not None:
        stale = _version_problem(
            what=f"chỉ tiêu “{indicator}” theo “{TargetBasis(basis).label}” của “{unit}”",
            row=target,
            given=version,
            labels=TARGET_LABELS,
            field="version",
        )
        if stale:
            raise ValidationFailed(stale)
    before = snapshot(target) if target else None
    if target is None:
        target = Target(cluster_year=cluster_year, unit=unit, indicator=indicator, basis=basis)
    elif (target.value, target.reference, target.illustrative, target.source) != (
        value,
        reference,
        illustrative,
        source,
    ):
        target.version += 1
    target.value = value
    target.reference = reference
    target.illustrative = illustrative
    target.source = source
    target.save()
    audit_record(actor=actor, action="target.set", instance=target, before=before, after=snapshot(target))
    return target


@dataclass(frozen=True)
class Signatory:
    unit: Unit
    signer_name: str
    signer_title: str


COVENANT_OPEN = (CovenantStatus.DRAFT, CovenantStatus.SIGNING)


@transaction.atomic
def covenant_draft(
    *,
    actor: Actor,
    cluster_year: ClusterYear,
    text: str,
    place: str = "",
    document_number: str = "",
) -> Covenant:
    """Draft the covenant (the head's staff or the board), or edit the draft: its text, place and number.
    The members' targets are not copied: the document reads them from `Target` as registered. Editable
    only while no member has signed."""
    _check_manages(actor, cluster_year)
    covenant = Covenant.all_objects.select_for_update().filter(cluster_year=cluster_year).first()
    if covenant is not None and covenant.status != CovenantStatus.DRAFT:
        raise ValidationFailed(
            Problem(
                f"giao ước của {cluster_year} {covenant.get_status_display().lower()}: không sửa được nữa",
                field="text",
            )
        )
    if not text.strip():
        raise ValidationFailed(Problem("nội dung giao ước không được để trống", field="text"))
    if not ClusterMember.objects.filter(cluster_year=cluster_year).exists():
        raise ValidationFailed(Problem(f"{cluster_year} chưa có thành viên để ký giao ước", field="text"))
    before = snapshot(covenant) if covenant else None
    if covenant is None:
        covenant = Covenant(cluster_year=cluster_year, status=CovenantStatus.DRAFT)
    covenant.content = text.strip()
    covenant.place = place.strip()
    covenant.document_number = document_number.strip()
    covenant.full_clean()
    covenant.save()
    audit_record(
        actor=actor,
        action="covenant.draft" if before is None else "covenant.edit",
        instance=covenant,
        before=before,
        after=snapshot(covenant),
    )
    return covenant


@transaction.atomic
def covenant_member_sign(
    *,
    actor: Actor,
    covenant: Covenant,
    signer_name: str,
    signer_title: str,
    unit: Unit | None = None,
) -> CovenantSignatory:
    """Record who signed the covenant for a member unit, and when. A unit's staff sign for their own unit
    (`unit` defaults to it); the system passes the unit. Once every member has signed, the covenant is
    signed: `signed_on` is that day, the targets are frozen and public."""
    covenant = Covenant.all_objects.select_for_update().get(pk=covenant.pk)
    cluster_year = covenant.cluster_year
    if unit is None:
        viewer = viewer_for(actor) if actor is not None else None
        if viewer is None or viewer.unit_id is None:
            raise NotPermitted("Chỉ cán bộ của đơn vị thành viên mới ký giao ước cho đơn vị mình")
        unit = Unit.objects.get(pk=viewer.unit_id)
    elif actor is not None and not viewer_for(actor).is_staff_of(unit.pk):
        raise NotPermitted(f"Chỉ cán bộ của “{unit}” mới ký giao ước cho đơn vị này")
    if covenant.status not in COVENANT_OPEN:
        raise ValidationFailed(
            Problem(
                f"giao ước của {cluster_year} {covenant.get_status_display().lower()}", field="signer_name"
            )
        )
    members = set(ClusterMember.objects.filter(cluster_year=cluster_year).values_list("unit_id", flat=True))
    if unit.pk not in members:
        raise ValidationFailed(Problem(f"“{unit}” không phải thành viên của {cluster_year}", field="unit"))
    if covenant.signatories.filter(unit=unit).exists():
        raise ValidationFailed(Problem(f"“{unit}” đã ký giao ước này", field="signer_name"))
    problems: list[Problem] = []
    if not signer_name.strip():
        problems.append(Problem("thiếu tên người ký", field="signer_name"))
    if not signer_title.strip():
        problems.append(Problem("thiếu chức vụ người ký", field="signer_title"))
    if problems:
        raise ValidationFailed(problems)
    signatory = CovenantSignatory(
        covenant=covenant,
        unit=unit,
        signer_name=signer_name.strip(),
        signer_title=signer_title.strip(),
        signed_at=timezone.now(),
    )
    signatory.full_clean()
    signatory.save()
    audit_record(actor=actor, action="covenant.member_sign", instance=signatory, after=snapshot(signatory))
    before = snapshot(covenant)
    signed = set(covenant.signatories.values_list("unit_id", flat=True))
    if members <= signed:
        covenant.status = CovenantStatus.SIGNED
        covenant.signed_on = timezone.localdate(signatory.signed_at)
    else:
        covenant.status = CovenantStatus.SIGNING
    covenant.save(update_fields=["status", "signed_on"])
    if covenant.status == CovenantStatus.SIGNED:
        audit_record(
            actor=actor, action="covenant.sign", instance=covenant, before=before, after=snapshot(covenant)
        )
    return signatory


@transaction.atomic
def covenant_sign(
    *,
    actor: Actor,
    cluster_year: ClusterYear,
    signed_on: dt.date,
    signatories: list[Signatory],
    place: str = "",
    document_number: str = "",
    content: str = "",
) -> Covenant:
    """Record in one step a covenant signed on paper (the demo loader, a covenant signed before the
    system was used): every member signs once; it cannot be signed twice, nor over a draft in progress."""
    _check_manages(actor, cluster_year)
    problems: list[Problem] = []
    if Covenant.all_objects.filter(cluster_year=cluster_year).exists():
        problems.append(Problem(f"{cluster_year} đã có giao ước", field="signed_on"))
    members = set(ClusterMember.objects.filter(cluster_year=cluster_year).values_list("unit_id", flat=True))
    signed = [s.unit.pk for s in signatories]
    if len(set(signed)) != len(signed):
        problems.append(Problem("một đơn vị ký hai lần", field="signatories"))
    for s in signatories:
        if s.unit.pk not in members:
            problems.append(Problem(f"“{s.unit}” không phải thành viên cụm", field="signatories"))
        if not s.signer_name.strip():
            problems.append(Problem(f"thiếu tên người ký của “{s.unit}”", field="signatories"))
    missing = members - set(signed)
    if missing:
        names = ", ".join(sorted(Unit.objects.filter(pk__in=missing).values_list("name", flat=True)))
        problems.append(Problem(f"còn thiếu chữ ký của: {names}", field="signatories"))
    if signed_on.year not in (cluster_year.year, cluster_year.year - 1):
        problems.append(
            Problem(
                f"ngày ký {signed_on:%d/%m/%Y} không thuộc năm thi đua {cluster_year.year}", field="signed_on"
            )
        )
    if problems:
        raise ValidationFailed(problems)
    covenant = Covenant.all_objects.create(
        cluster_year=cluster_year,
        status=CovenantStatus.SIGNED,
        signed_on=signed_on,
        place=place,
        document_number=document_number,
        content=content,
    )
    CovenantSignatory.objects.bulk_create(
        [
            CovenantSignatory(
                covenant=covenant, unit=s.unit, signer_name=s.signer_name, signer_title=s.signer_title
            )
            for s in signatories
        ]
    )
    audit_record(actor=actor, action="covenant.sign", instance=covenant, after=snapshot(covenant))
    return covenant


def report_get_or_create(*, actor: Actor, cluster_year: ClusterYear, unit: Unit, period: str) -> Report:
    if period not in Period.values:
        raise ValidationFailed(Problem(f"kỳ báo cáo “{period}” không hợp lệ", field="period"))
    _check_can_edit_unit(actor, cluster_year, unit)
    _require_member(cluster_year, unit)
    report, created = Report.objects.get_or_create(cluster_year=cluster_year, unit=unit, period=period)
    if created:
        audit_record(actor=actor, action="report.create", instance=report, after=snapshot(report))
    return report


@dataclass(frozen=True)
class ValueInput:
    indicator: Indicator
    value: Decimal
    prior_value: Decimal | None = None
    note: str = ""
    illustrative: bool = False
    source: str = ""
    version: int | None = None  # the row's version when read (0: no value yet); None: not checked


@transaction.atomic
def report_values_set(*, actor: Actor, report: Report, values: list[ValueInput]) -> Report:
    """Write values into an editable report (draft or returned). All or nothing.

    Each value carries the version of its row when the person read it: a row changed since is refused,
    naming what changed, and nothing is written (the report's row lock serialises the writers)."""
    report = Report.objects.select_for_update().get(pk=report.pk)
    _check_can_edit_unit(actor, report.cluster_year, report.unit)
    if not report.is_editable:
        raise ValidationFailed(
            Problem(
                f"báo cáo của “{report.unit}” đang ở trạng thái “{report.get_status_display()}”, không sửa được"
            )
        )
    followed = set(
        ClusterIndicator.objects.filter(cluster_year=report.cluster_year_id).values_list(
            "indicator_id", flat=True
        )
    )
    problems: list[Problem] = []
    seen: set[int] = set()
    for item in values:
        if item.indicator.pk not in followed:
            problems.append(
                Problem(
                    f"chỉ tiêu “{item.indicator}” không thuộc bộ chỉ tiêu của cụm", field=item.indicator.code
                )
            )
        if item.indicator.pk in seen:
            problems.append(
                Problem(f"chỉ tiêu “{item.indicator}” được nhập hai lần", field=item.indicator.code)
            )
        seen.add(item.indicator.pk)
        for label, number in (("kết quả", item.value), ("số cùng kỳ", item.prior_value)):
            if number is not None and (problem := validate_value(item.indicator, number, label=label)):
                problems.append(Problem(problem, field=item.indicator.code))
    if problems:
        raise ValidationFailed(problems)
    existing = {rv.indicator_id: rv for rv in report.values.all()}
    for item in values:
        if item.version is None:
            continue
        stale = _version_problem(
            what=f"số liệu “{item.indicator}” của “{report.unit}”",
            row=existing.get(item.indicator.pk),
            given=item.version,
            labels=VALUE_LABELS,
            field=item.indicator.code,
        )
        if stale:
            problems.append(stale)
    if problems:
        raise ValidationFailed(problems)
    for item in values:
        row = existing.get(item.indicator.pk)
        before = snapshot(row) if row else None
        if row is None:
            row = ReportValue(report=report, indicator=item.indicator)
        elif (row.value, row.prior_value, row.note, row.illustrative, row.source) != (
            item.value,
            item.prior_value,
            item.note,
            item.illustrative,
            item.source,
        ):
            row.version += 1
        row.value = item.value
        row.prior_value = item.prior_value
        row.note = item.note
        row.illustrative = item.illustrative
        row.source = item.source
        row.save()
        audit_record(actor=actor, action="report_value.set", instance=row, before=before, after=snapshot(row))
    return report


_TRANSITIONS: dict[str, tuple[set[str], str]] = {
    # action: (allowed from, to)
    "submit": ({ReportStatus.DRAFT, ReportStatus.RETURNED}, ReportStatus.SUBMITTED),
    "return": ({ReportStatus.SUBMITTED}, ReportStatus.RETURNED),
    "accept": ({ReportStatus.SUBMITTED}, ReportStatus.ACCEPTED),
    "lock": ({ReportStatus.ACCEPTED}, ReportStatus.LOCKED),
}

_ACTION_LABELS = {"submit": "gửi", "return": "trả lại", "accept": "tiếp nhận", "lock": "khóa"}


def report_missing_indicators(report: Report) -> list[Indicator]:
    """The indicators the report's cluster-year follows that the report has no value for, in report order."""
    filled = set(report.values.values_list("indicator_id", flat=True))
    return [
        ci.indicator
        for ci in ClusterIndicator.objects.filter(cluster_year_id=report.cluster_year_id)
        .select_related("indicator")
        .order_by("position", "indicator__code")
        if ci.indicator_id not in filled
    ]


def _incomplete_problems(report: Report) -> list[Problem]:
    missing = report_missing_indicators(report)
    if not missing:
        return []
    total = ClusterIndicator.objects.filter(cluster_year_id=report.cluster_year_id).count()
    head = Problem(
        f"báo cáo còn thiếu số liệu của {len(missing)}/{total} chỉ tiêu: hãy nhập đủ, "
        "hoặc xác nhận vẫn gửi báo cáo chưa đủ số liệu",
        field="confirm_incomplete",
    )
    return [head] + [
        Problem(f"chỉ tiêu “{i.name}” ({i.code}) chưa có số liệu", field="confirm_incomplete")
        for i in missing
    ]


@transaction.atomic
def report_transition(
    *, actor: Actor, report: Report, action: str, reason: str = "", allow_incomplete: bool = True
) -> Report:
    """Move a report through draft → submitted → (returned with a reason →) accepted → locked.

    `allow_incomplete=False` refuses to submit a report with indicators left without a value, listing
    them (one problem per indicator, field `confirm_incomplete`): the page and the API pass it for a
    person, who then confirms explicitly; the system's callers (demo loader, commands) keep the default."""
    if action not in _TRANSITIONS:
        raise ValidationFailed(Problem(f"thao tác “{action}” không hợp lệ", field="action"))
    report = Report.objects.select_for_update().select_related("cluster_year", "unit").get(pk=report.pk)
    if action == "submit":
        _check_can_edit_unit(actor, report.cluster_year, report.unit)
    else:
        _check_manages(actor, report.cluster_year)
    allowed_from, to = _TRANSITIONS[action]
    if report.status not in allowed_from:
        raise ValidationFailed(
            Problem(
                f"không thể {_ACTION_LABELS[action]} báo cáo đang ở trạng thái “{report.get_status_display()}”",
                field="status",
            )
        )
    if action == "return" and not reason.strip():
        raise ValidationFailed(Problem("phải ghi lý do trả lại", field="reason"))
    if action == "submit" and not report.values.exists():
        raise ValidationFailed(Problem("báo cáo chưa có số liệu nào", field="values"))
    if action == "submit" and not allow_incomplete and (incomplete := _incomplete_problems(report)):
        raise ValidationFailed(incomplete)
    before = snapshot(report, ["status", "return_reason"])
    now = timezone.now()
    report.status = to
    user = actor_user(actor)
    if action == "submit":
        report.submitted_at, report.submitted_by = now, user
    elif action in ("return", "accept"):
        report.reviewed_at, report.reviewed_by = now, user
        report.return_reason = reason.strip() if action == "return" else report.return_reason
    elif action == "lock":
        report.locked_at = now
    report.save()
    audit_record(
        actor=actor,
        action=f"report.{action}",
        instance=report,
        before=before,
        after=snapshot(report, ["status", "return_reason"]),
        summary=reason,
    )
    return report


@transaction.atomic
def evidence_attach(
    *,
    actor: Actor,
    report: Report,
    filename: str,
    data: bytes,
    indicator: Indicator | None = None,
    description: str = "",
) -> Evidence:
    """Store a file on disk behind a report; the database keeps only its name, size and hash."""
    _check_can_edit_unit(actor, report.cluster_year, report.unit)
    if not report.is_editable:
        raise ValidationFailed(Problem("báo cáo đã gửi: không thêm được minh chứng", field="file"))
    suffix = pathlib.Path(filename).suffix.lower()
    if suffix not in EVIDENCE_TYPES:
        allowed = ", ".join(sorted(EVIDENCE_TYPES))
        raise ValidationFailed(
            Problem(f"loại tệp “{suffix or filename}” không được nhận (chỉ nhận {allowed})", field="file")
        )
    if not data:
        raise ValidationFailed(Problem("tệp rỗng", field="file"))
    if len(data) > MAX_EVIDENCE_BYTES:
        raise ValidationFailed(Problem("tệp minh chứng lớn hơn 20 MB", field="file"))
    safe_name = pathlib.Path(filename).name[-120:]
    evidence = Evidence(
        report=report,
        indicator=indicator,
        original_name=safe_name,
        content_type=EVIDENCE_TYPES[suffix],
        size=len(data),
        sha256=Evidence.digest(data),
        description=description,
        uploaded_by=actor_user(actor),
    )
    evidence.file.save(safe_name, ContentFile(data), save=False)
    try:
        evidence.save()
    except Exception:
        evidence.file.delete(save=False)  # no orphan file when the row cannot be written
        raise
    audit_record(actor=actor, action="evidence.attach", instance=evidence, after=snapshot(evidence))
    return evidence
