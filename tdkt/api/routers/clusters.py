"""Clusters and their years: members, head and deputy, followed indicators, covenant (all public to read);
the board's set-up (clusters, a year and its members, head and deputy, the indicator catalogue), the
cluster-year's indicators (the head's staff or the board) and opening next year (the same)."""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from ninja.security import django_auth
from pydantic import Field

from tdkt.api.access import get_cluster_year
from tdkt.api.schemas import (
    WRITE_ERRORS,
    ClusterDetailOut,
    ClusterOut,
    ClusterYearOut,
    ClusterYearSummary,
    CovenantOut,
    IndicatorOut,
    InputSchema,
    MemberOut,
    MovementOut,
    RoleOut,
    SignatoryOut,
    UnitRef,
    cluster_out,
    cluster_ref,
    indicator_out,
    role_out,
    unit_ref,
)
from tdkt.clusters.models import Cluster, ClusterRoleKind, ClusterYear
from tdkt.clusters.selectors import cluster_year_with_members, roles_by_unit, roll_forward_plan
from tdkt.clusters.services import (
    cluster_create,
    cluster_role_set,
    cluster_update,
    cluster_year_create,
    cluster_year_members_set,
    cluster_year_roll_forward,
)
from tdkt.core.errors import Problem, ValidationFailed
from tdkt.core.vn import fold
from tdkt.movements.models import ClusterIndicator, Covenant, Indicator, Movement
from tdkt.movements.selectors import movements_of
from tdkt.movements.services import cluster_indicators_set, indicator_create, movement_create, movement_update
from tdkt.org.models import Unit

router = Router(tags=["clusters"])


@router.get("/clusters", response=list[ClusterOut], summary="Danh sách cụm, khối thi đua")
def cluster_list(request: HttpRequest) -> list[ClusterOut]:
    # Sorted here, not by the database: SQLite would put “đồng” after “miền” (đ is compared as a code point).
    clusters = sorted(Cluster.objects.select_related("organiser"), key=lambda c: (fold(c.name), c.name, c.pk))
    return [cluster_out(c) for c in clusters]


@router.get("/clusters/{cluster_id}", response=ClusterDetailOut, summary="Một cụm, khối và các năm của nó")
def cluster_detail(request: HttpRequest, cluster_id: int) -> ClusterDetailOut:
    cluster = get_object_or_404(Cluster.objects.select_related("organiser"), pk=cluster_id)
    years = [ClusterYearSummary(id=cy.pk, year=cy.year) for cy in cluster.years.order_by("-year")]
    return ClusterDetailOut(**cluster_out(cluster).model_dump(), years=years)


@router.get("/cluster-years/{cy_id}", response=ClusterYearOut, summary="Một năm của cụm")
def cluster_year_detail(request: HttpRequest, cy_id: int) -> ClusterYearOut:
    cluster_year = cluster_year_with_members(cy_id)
    if cluster_year is None:
        raise Http404
    roles = roles_by_unit(cluster_year)
    by_role = {role.role: role for role in roles.values()}
    indicators = ClusterIndicator.objects.filter(cluster_year=cluster_year).select_related("indicator")
    covenant = (
        Covenant.objects.filter(cluster_year=cluster_year).prefetch_related("signatories__unit").first()
    )
    head, deputy = by_role.get(ClusterRoleKind.HEAD), by_role.get(ClusterRoleKind.DEPUTY)
    members = list(cluster_year.members.all())
    position = {m.unit_id: m.position for m in members}
    return ClusterYearOut(
        id=cluster_year.pk,
        year=cluster_year.year,
        cluster=cluster_ref(cluster_year.cluster),
        note=cluster_year.note,
        members=[
            MemberOut(
                unit=unit_ref(m.unit),
                position=m.position,
                role=roles[m.unit_id].role if m.unit_id in roles else None,
            )
            for m in members
        ],
        head=role_out(head) if head else None,
        deputy=role_out(deputy) if deputy else None,
        indicators=[indicator_out(ci.indicator) for ci in indicators],
        covenant=None
        if covenant is None
        else CovenantOut(
            signed_on=covenant.signed_date,
            place=covenant.place,
            document_number=covenant.document_number,
            content=covenant.content,
            signatories=[
                SignatoryOut(unit=unit_ref(s.unit), signer_name=s.signer_name, signer_title=s.signer_title)
                for s in sorted(
                    covenant.signatories.all(), key=lambda s: (position.get(s.unit_id, 0), s.unit.name)
                )
            ],
        ),
        movements=[
            MovementOut(
                id=m.pk,
                name=m.name,
                slogan=m.slogan,
                launched_by=unit_ref(m.launched_by),
                level=m.level,
                kind=m.kind,
                start_date=m.start_date,
                end_date=m.end_date,
            )
            for m in movements_of(cluster_year)
        ],
    )


# ---- writes ------------------------------------------------------------------------------------------


class ClusterUpdateIn(InputSchema):
    name: str
    kind: str
    organiser_id: int
    rotation_policy: str
    description: str = ""


class ClusterIn(ClusterUpdateIn):
    code: str


class ClusterYearIn(InputSchema):
    year: int
    member_ids: list[int]
    note: str = ""


class MembersIn(InputSchema):
    member_ids: list[int]


class RoleIn(InputSchema):
    unit_id: int
    basis: str
    decided_on: dt.date
    reference: str


class IndicatorIn(InputSchema):
    code: str
    name: str
    measure_unit: str
    kind: str
    direction: str = "higher"
    description: str = ""


class IndicatorsIn(InputSchema):
    indicator_codes: list[str]


class MemberCarryOut(Schema):
    before: UnitRef
    unit: UnitRef | None
    note: str


class RoleCarryOut(Schema):
    role: str
    role_label: str
    unit: UnitRef | None
    note: str
    by_rotation: bool


class RollForwardOut(Schema):
    year: int
    next_year_id: int | None
    members: list[MemberCarryOut]
    indicators: list[IndicatorOut]
    indicators_carried: bool
    criteria_set_id: int | None
    criteria_carried: bool
    criteria_note: str
    roles: list[RoleCarryOut]
    blocking: list[str]


def _unit(unit_id: int, field: str) -> Unit:
    unit = Unit.objects.filter(pk=unit_id).first()
    if unit is None:
        raise ValidationFailed(Problem(f"không có đơn vị mã số {unit_id}", field=field))
    return unit


def _units(ids: list[int], field: str) -> list[Unit]:
    by_id = Unit.objects.in_bulk(ids)
    problems = [
        Problem(f"không có đơn vị mã số {pk}", row=i, field=field)
        for i, pk in enumerate(ids, start=1)
        if pk not in by_id
    ]
    if problems:
        raise ValidationFailed(problems)
    return [by_id[pk] for pk in ids]


def _cluster_year_out(request: HttpRequest, cluster_year: ClusterYear) -> ClusterYearOut:
    return cluster_year_detail(request, cluster_year.pk)


@router.post(
    "/clusters",
    response={201: ClusterOut, **WRITE_ERRORS},
    auth=django_auth,
    summary="Tạo cụm, khối thi đua (Ban Thi đua – Khen thưởng)",
)
def cluster_post(request: HttpRequest, payload: ClusterIn) -> Status[ClusterOut]:
    """Kind `cum` or `khoi`; rotation policy `deputy_next`, `elected` or `appointed`. A code already used
    is refused (422)."""
    cluster = cluster_create(
        actor=request.user,
        code=payload.code,
        name=payload.name,
        kind=payload.kind,
        organiser=_unit(payload.organiser_id, "organiser_id"),
        rotation_policy=payload.rotation_policy,
        description=payload.description,
    )
    return Status(201, cluster_out(cluster))


@router.put(
    "/clusters/{cluster_id}",
    response={200: ClusterOut, **WRITE_ERRORS},
    auth=django_auth,
    summary="Sửa cụm, khối thi đua (Ban Thi đua – Khen thưởng)",
)
def cluster_put(request: HttpRequest, cluster_id: int, payload: ClusterUpdateIn) -> ClusterOut:
    """Everything but the code, which documents cite."""
    cluster = get_object_or_404(Cluster, pk=cluster_id)
    cluster = cluster_update(
        actor=request.user,
        cluster=cluster,
        name=payload.name,
        kind=payload.kind,
        organiser=_unit(payload.organiser_id, "organiser_id"),
        rotation_policy=payload.rotation_policy,
        description=payload.description,
    )
    return cluster_out(cluster)


@router.post(
    "/clusters/{cluster_id}/years",
    response={201: ClusterYearOut, **WRITE_ERRORS},
    auth=django_auth,
    summary="Mở một năm của cụm với danh sách thành viên (Ban Thi đua – Khen thưởng)",
)
def cluster_year_post(
    request: HttpRequest, cluster_id: int, payload: ClusterYearIn
) -> Status[ClusterYearOut]:
    """Refused (422, nothing written): no member, a member twice or not valid in the year, a year already
    open. To carry last year's indicators, criteria and rotation, use `POST /cluster-years/{id}/next-year`."""
    cluster = get_object_or_404(Cluster, pk=cluster_id)
    cluster_year = cluster_year_create(
        actor=request.user,
        cluster=cluster,
        year=payload.year,
        members=_units(payload.member_ids, "member_ids"),
        note=payload.note,
    )
    return Status(201, _cluster_year_out(request, cluster_year))


@router.put(
    "/cluster-years/{cy_id}/members",
    response={200: ClusterYearOut, **WRITE_ERRORS},
    auth=django_auth,
    summary="Đặt danh sách thành viên của cụm – năm (Ban Thi đua – Khen thưởng)",
)
def cluster_members_put(request: HttpRequest, cy_id: int, payload: MembersIn) -> ClusterYearOut:
    """In order. Refused: no member, a unit not valid in the year, dropping the head or the deputy or a
    member that registered targets or opened a report that year."""
    cluster_year = get_cluster_year(cy_id)
    cluster_year_members_set(
        actor=request.user, cluster_year=cluster_year, members=_units(payload.member_ids, "member_ids")
    )
    return _cluster_year_out(request, cluster_year)


@router.put(
    "/cluster-years/{cy_id}/roles/{role}",
    response={200: RoleOut, **WRITE_ERRORS},
    auth=django_auth,
    summary="Ghi Trưởng cụm (head) hoặc Phó Trưởng cụm (deputy) của cụm – năm",
)
def cluster_role_put(request: HttpRequest, cy_id: int, role: str, payload: RoleIn) -> RoleOut:
    """The board, with a basis (`appointed`, `elected`, `rotation`), the date and the document or
    conference. Refused: a unit that is not a member, or already the other role."""
    cluster_year = get_cluster_year(cy_id)
    written = cluster_role_set(
        actor=request.user,
        cluster_year=cluster_year,
        unit=_unit(payload.unit_id, "unit_id"),
        role=role,
        basis=payload.basis,
        decided_on=payload.decided_on,
        reference=payload.reference,
    )
    return role_out(written)


@router.get("/indicators", response=list[IndicatorOut], summary="Danh mục chỉ tiêu")
def indicator_list(request: HttpRequest) -> list[IndicatorOut]:
    return [indicator_out(i) for i in Indicator.objects.order_by("code")]


@router.post(
    "/indicators",
    response={201: IndicatorOut, **WRITE_ERRORS},
    auth=django_auth,
    summary="Thêm chỉ tiêu vào danh mục (Ban Thi đua – Khen thưởng)",
)
def indicator_post(request: HttpRequest, payload: IndicatorIn) -> Status[IndicatorOut]:
    """Kind `amount`, `percentage`, `count`, `yes_no` or `rank`; direction `higher` or `lower`."""
    indicator = indicator_create(actor=request.user, **payload.model_dump())
    return Status(201, indicator_out(indicator))


@router.put(
    "/cluster-years/{cy_id}/indicators",
    response={200: list[IndicatorOut], **WRITE_ERRORS},
    auth=django_auth,
    summary="Đặt bộ chỉ tiêu của cụm – năm (Trưởng cụm hoặc Ban Thi đua – Khen thưởng)",
)
def cluster_indicators_put(request: HttpRequest, cy_id: int, payload: IndicatorsIn) -> list[IndicatorOut]:
    """Codes from the catalogue, in report order. Refused: none, an unknown code, a code twice, dropping
    one a member registered a target for."""
    cluster_year = get_cluster_year(cy_id)
    by_code = Indicator.objects.in_bulk(payload.indicator_codes, field_name="code")
    problems = [
        Problem(f"không có chỉ tiêu mã “{code}” trong danh mục", row=i, field="indicator_codes")
        for i, code in enumerate(payload.indicator_codes, start=1)
        if code not in by_code
    ]
    if problems:
        raise ValidationFailed(problems)
    indicators = [by_code[code] for code in payload.indicator_codes]
    cluster_indicators_set(actor=request.user, cluster_year=cluster_year, indicators=indicators)
    return [indicator_out(i) for i in indicators]


def _plan_out(cluster_year: ClusterYear) -> RollForwardOut:
    plan = roll_forward_plan(cluster_year)
    return RollForwardOut(
        year=plan.year,
        next_year_id=plan.next_year.pk if plan.next_year else None,
        members=[
            MemberCarryOut(before=unit_ref(m.before), unit=unit_ref(m.unit) if m.unit else None, note=m.note)
            for m in plan.members
        ],
        indicators=[indicator_out(i) for i in plan.indicators],
        indicators_carried=plan.indicators_to_carry,
        criteria_set_id=plan.criteria_set.pk if plan.criteria_set else None,
        criteria_carried=plan.criteria_carried,
        criteria_note=plan.criteria_note,
        roles=[
            RoleCarryOut(
                role=r.role,
                role_label=r.role_label,
                unit=unit_ref(r.unit) if r.unit else None,
                note=r.note,
                by_rotation=r.applies,
            )
            for r in plan.roles
        ],
        blocking=plan.blocking,
    )


@router.get(
    "/cluster-years/{cy_id}/next-year",
    response=RollForwardOut,
    summary="Xem trước những gì chuyển sang năm sau",
)
def next_year_preview(request: HttpRequest, cy_id: int) -> RollForwardOut:
    """Members (successors after mergers), indicators, the criteria set to copy as a draft, next year's
    head and deputy (kept if elected or appointed, else by rotation where the policy says). Public."""
    return _plan_out(get_cluster_year(cy_id))


@router.post(
    "/cluster-years/{cy_id}/next-year",
    response={201: ClusterYearOut, **WRITE_ERRORS},
    auth=django_auth,
    summary="Mở năm sau (Trưởng cụm hoặc Ban Thi đua – Khen thưởng)",
)
def next_year_post(request: HttpRequest, cy_id: int) -> Status[ClusterYearOut]:
    """Opens next year as the preview shows, or completes it when it is open already; refused (422) when no
    member is valid next year."""
    nxt = cluster_year_roll_forward(actor=request.user, cluster_year=get_cluster_year(cy_id))
    return Status(201, _cluster_year_out(request, nxt))


class MovementIn(InputSchema):
    name: str
    launched_by_id: int
    level: str
    kind: str
    start_date: dt.date
    end_date: dt.date | None = None
    slogan: str = ""
    description: str = ""
    cluster_ids: list[int] = []
    unit_ids: list[int] = []
    planned_titles: list[str] = Field(
        [], description="Mã danh hiệu, hình thức dự kiến (danh mục khen thưởng)"
    )


class MovementUpdateIn(MovementIn):
    version: int | None = Field(None, description="Phiên bản đã đọc; sửa sau người khác thì bị từ chối")


def _movement_out(movement: Movement) -> MovementOut:
    return MovementOut(
        id=movement.pk,
        name=movement.name,
        slogan=movement.slogan,
        launched_by=unit_ref(movement.launched_by),
        level=movement.level,
        kind=movement.kind,
        start_date=movement.start_date,
        end_date=movement.end_date,
        planned_titles=list(movement.planned_titles),
        version=movement.version,
    )


def _clusters_of(ids: list[int]) -> list[Cluster]:
    by_id = Cluster.objects.in_bulk(ids)
    problems = [
        Problem(f"không có cụm, khối mã số {pk}", row=i, field="cluster_ids")
        for i, pk in enumerate(ids, start=1)
        if pk not in by_id
    ]
    if problems:
        raise ValidationFailed(problems)
    return [by_id[pk] for pk in ids]


@router.put(
    "/movements/{movement_id}",
    response={200: MovementOut, **WRITE_ERRORS},
    auth=django_auth,
    summary="Sửa phong trào thi đua đã phát động (Ban Thi đua – Khen thưởng)",
)
def movement_put(request: HttpRequest, movement_id: int, payload: MovementUpdateIn) -> Status[MovementOut]:
    """Every field, the clusters, units and planned titles; refused (422) as the launch is, and when the
    movement changed since `version` was read (saying what changed)."""
    movement = Movement.objects.filter(pk=movement_id).first()
    if movement is None:
        raise Http404
    movement = movement_update(
        actor=request.user,
        movement=movement,
        name=payload.name,
        launched_by=_unit(payload.launched_by_id, "launched_by_id"),
        level=payload.level,
        kind=payload.kind,
        start_date=payload.start_date,
        end_date=payload.end_date,
        slogan=payload.slogan,
        description=payload.description,
        clusters=_clusters_of(payload.cluster_ids),
        units=_units(payload.unit_ids, "unit_ids"),
        planned_titles=payload.planned_titles,
        version=payload.version,
    )
    return Status(200, _movement_out(movement))


@router.post(
    "/movements",
    response={201: MovementOut, **WRITE_ERRORS},
    auth=django_auth,
    summary="Phát động phong trào thi đua (Ban Thi đua – Khen thưởng)",
)
def movement_post(request: HttpRequest, payload: MovementIn) -> Status[MovementOut]:
    """Level `central`, `province`, `district`, `commune` or `agency`; kind `regular` or `thematic`; the
    clusters and the units taking part. Refused (422): an end before the start, a launching body or a unit
    not in operation that year, an unknown cluster or unit (named by its row)."""
    movement = movement_create(
        actor=request.user,
        name=payload.name,
        launched_by=_unit(payload.launched_by_id, "launched_by_id"),
        level=payload.level,
        kind=payload.kind,
        start_date=payload.start_date,
        end_date=payload.end_date,
        slogan=payload.slogan,
        description=payload.description,
        clusters=_clusters_of(payload.cluster_ids),
        units=_units(payload.unit_ids, "unit_ids"),
        planned_titles=payload.planned_titles,
    )
    return Status(201, _movement_out(movement))
