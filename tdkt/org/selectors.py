"""Reads over units: validity, hierarchy and lineage."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from tdkt.org.models import Account, Employment, LineageLink, Unit


def units_valid_on(day: dt.date) -> QuerySet[Unit]:
    return Unit.objects.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day)).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=day)
    )


def _walk(start_ids: set[int], *, backwards: bool) -> list[int]:
    """Breadth-first over lineage links; nearest generation first, each unit once."""
    seen: set[int] = set(start_ids)
    order: list[int] = []
    frontier = set(start_ids)
    while frontier:
        if backwards:
            pairs = LineageLink.objects.filter(successor_id__in=frontier).values_list(
                "predecessor_id", flat=True
            )
        else:
            pairs = LineageLink.objects.filter(predecessor_id__in=frontier).values_list(
                "successor_id", flat=True
            )
        nxt = {pk for pk in pairs if pk not in seen}
        order.extend(sorted(nxt))
        seen |= nxt
        frontier = nxt
    return order


def unit_predecessors(unit: Unit) -> list[Unit]:
    """Every unit this one descends from, through any number of merges, splits, renames and moves."""
    ids = _walk({unit.pk}, backwards=True)
    by_id = Unit.objects.in_bulk(ids)
    return [by_id[i] for i in ids]


def unit_successors(unit: Unit) -> list[Unit]:
    ids = _walk({unit.pk}, backwards=False)
    by_id = Unit.objects.in_bulk(ids)
    return [by_id[i] for i in ids]


def unit_history_ids(unit: Unit) -> set[int]:
    """The unit and all its predecessors: the rows whose records make up this unit's history."""
    return {unit.pk, *_walk({unit.pk}, backwards=True)}


def unit_ancestors(unit: Unit) -> list[Unit]:
    """Parents upwards (the province last)."""
    chain: list[Unit] = []
    current = unit.parent
    while current is not None and len(chain) < 10:
        chain.append(current)
        current = current.parent
    return chain


def unit_lineage_events(unit: Unit) -> QuerySet[LineageLink]:
    """The links that created or ended this unit, with both sides loaded."""
    return (
        LineageLink.objects.filter(Q(predecessor=unit) | Q(successor=unit))
        .select_related("event", "predecessor", "successor")
        .order_by("event__effective_date", "event_id")
    )


def unit_descends_from(unit: Unit, ancestor: Unit) -> bool:
    """Whether `ancestor` is `unit` or one of its parents: making `unit` the parent of `ancestor` would
    close a loop."""
    seen: set[int] = set()
    current: Unit | None = unit
    while current is not None and current.pk not in seen:
        if current.pk == ancestor.pk:
            return True
        seen.add(current.pk)
        current = current.parent
    return False


# What refers to a unit, by the reverse relation it comes through: "app_label.model.field" → label. The
# models are named as strings so that this app imports none of the apps above it.
REFERENCE_LABELS: dict[str, str] = {
    "org.unit.parent": "đơn vị cấp dưới",
    "org.lineagelink.predecessor": "biến động (là đơn vị cũ)",
    "org.lineagelink.successor": "biến động (là đơn vị mới)",
    "org.account.unit": "tài khoản của đơn vị",
    "org.employment.unit": "quá trình công tác của cán bộ",
    "clusters.cluster.organiser": "cụm, khối do đơn vị tổ chức",
    "clusters.clustermember.unit": "lần là thành viên cụm, khối",
    "clusters.clusterrole.unit": "lần làm cụm trưởng, cụm phó",
    "movements.movement.launched_by": "phong trào do đơn vị phát động",
    "movements.movement.units": "phong trào tham gia",
    "movements.target.unit": "chỉ tiêu đăng ký",
    "movements.covenantsignatory.unit": "lần ký giao ước thi đua",
    "movements.report.unit": "báo cáo kết quả",
    "scoring.score.unit": "điểm được chấm",
    "scoring.score.scorer_unit": "điểm đã chấm cho đơn vị khác",
    "scoring.crossassignment.scorer": "phân công chấm chéo (chấm)",
    "scoring.crossassignment.scored": "phân công chấm chéo (được chấm)",
    "scoring.discrepancyanswer.unit": "giải trình chênh lệch điểm",
    "voting.conference.host": "hội nghị do đơn vị đăng cai",
    "voting.delegate.unit": "đại biểu dự hội nghị",
    "awards.taskrating.unit": "xếp loại tập thể",
    "awards.award.unit": "danh hiệu, khen thưởng tập thể",
    "awards.discipline.unit": "kỷ luật tập thể",
    "awards.pendingreview.unit": "vụ việc đang xem xét",
    "awards.evaluationjob.scope": "lượt xét danh hiệu hàng loạt",
    "awards.evaluationoutcome.unit": "kết quả xét danh hiệu hàng loạt",
}
OTHER_REFERENCES = "bản ghi khác"


@dataclass(frozen=True)
class Reference:
    key: str  # "app_label.model.field"
    label: str
    count: int


def unit_references(units: list[Unit]) -> list[Reference]:
    """Every kind of record that refers to any of `units`, with how many: the history a merge carries over
    (it follows the successor through `unit_history_ids`), and what forbids deleting a unit. One count
    query per reverse relation; relations with nothing are left out."""
    ids = [u.pk for u in units]
    found: dict[str, Reference] = {}
    for relation in Unit._meta.get_fields(include_hidden=True):
        if not relation.auto_created or relation.concrete:
            continue
        if not (relation.one_to_many or relation.many_to_many or relation.one_to_one):
            continue
        model = relation.related_model
        field_name = relation.field.name  # type: ignore[union-attr]
        key = f"{model._meta.app_label}.{model._meta.model_name}.{field_name}"  # type: ignore[union-attr]
        count = (
            model._default_manager.filter(**{f"{field_name}__in": ids})  # type: ignore[union-attr]
            .distinct()
            .count()
        )
        if count:
            label = REFERENCE_LABELS.get(key, OTHER_REFERENCES)
            previous = found.get(label)
            found[label] = Reference(key, label, count + (previous.count if previous else 0))
    return list(found.values())


@dataclass(frozen=True)
class ClusterMembership:
    cluster_name: str
    year: int
    unit_name: str


@dataclass(frozen=True)
class LineagePreview:
    """What a lineage event will carry over, before the board confirms it."""

    kind_label: str
    effective_date: dt.date
    predecessors: list[Unit]
    successors: list[Unit]
    closes_on: dt.date  # the predecessors' last day
    memberships: list[ClusterMembership]  # clusters and blocks the predecessors were members of
    people_moving: int  # people whose work continues in the successor from the effective date
    references: list[Reference]  # every record of the predecessors, which the successors inherit

    @property
    def carries_people(self) -> bool:
        return len(self.successors) == 1


def unit_people_on(units: list[Unit], day: dt.date) -> QuerySet[Employment]:
    """The open employments in `units` that are active on `day`: the people who work there then."""
    return Employment.objects.filter(unit__in=units, start__lte=day, end__isnull=True).select_related(
        "person"
    )


def lineage_preview(
    *, kind_label: str, effective_date: dt.date, predecessors: list[Unit], successors: list[Unit]
) -> LineagePreview:
    closes_on = effective_date - dt.timedelta(days=1)
    memberships = [
        ClusterMembership(m.cluster_year.cluster.name, m.cluster_year.year, m.unit.name)
        for unit in predecessors
        for m in unit.cluster_memberships.select_related("cluster_year__cluster", "unit").order_by(
            "-cluster_year__year", "cluster_year__cluster__name"
        )
    ]
    people = unit_people_on(predecessors, closes_on).count() if len(successors) == 1 else 0
    return LineagePreview(
        kind_label=kind_label,
        effective_date=effective_date,
        predecessors=predecessors,
        successors=successors,
        closes_on=closes_on,
        memberships=memberships,
        people_moving=people,
        references=[
            r
            for r in unit_references(predecessors)
            if not r.key.startswith("org.lineagelink.") and r.key != "org.unit.parent"
        ],
    )


# --- accounts ----------------------------------------------------------------------------------------------


def setup_needed() -> bool:
    """The first run: no unit and no account yet (`tdkt setup`, the first page)."""
    return not Unit.objects.exists() and not Account.objects.exists()


def accounts_list(*, unit_id: int | None = None, active: bool | None = None) -> QuerySet[Account]:
    """The board's list of accounts: the board's first, then by unit and username; optionally one unit's,
    and only the active (or only the locked) ones."""
    accounts = Account.objects.select_related("user", "unit")
    if unit_id is not None:
        accounts = accounts.filter(unit_id=unit_id)
    if active is not None:
        accounts = accounts.filter(user__is_active=active)
    return accounts.order_by("role", "unit__name", "user__username", "pk")
