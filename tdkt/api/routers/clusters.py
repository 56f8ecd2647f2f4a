"""Clusters and their years: members, head and deputy, followed indicators, covenant. All public."""

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router

from tdkt.api.schemas import (
    ClusterDetailOut,
    ClusterOut,
    ClusterYearOut,
    ClusterYearSummary,
    CovenantOut,
    MemberOut,
    MovementOut,
    SignatoryOut,
    cluster_out,
    cluster_ref,
    indicator_out,
    role_out,
    unit_ref,
)
from tdkt.clusters.models import Cluster, ClusterRoleKind
from tdkt.clusters.selectors import cluster_year_with_members, roles_by_unit
from tdkt.core.vn import fold
from tdkt.movements.models import ClusterIndicator, Covenant
from tdkt.movements.selectors import movements_of

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
            signed_on=covenant.signed_on,
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
