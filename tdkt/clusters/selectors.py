"""Reads over clusters and their years."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from tdkt.clusters.models import ClusterMember, ClusterRole, ClusterYear


def cluster_years() -> QuerySet[ClusterYear]:
    return ClusterYear.objects.select_related("cluster", "cluster__organiser").order_by(
        "cluster__name", "-year"
    )


def cluster_year_with_members(pk: int) -> ClusterYear | None:
    return (
        ClusterYear.objects.select_related("cluster", "cluster__organiser")
        .prefetch_related(
            Prefetch(
                "members",
                queryset=ClusterMember.objects.select_related("unit").order_by("position", "unit__name"),
            ),
            Prefetch("roles", queryset=ClusterRole.objects.select_related("unit")),
        )
        .filter(pk=pk)
        .first()
    )


def roles_by_unit(cluster_year: ClusterYear) -> dict[int, ClusterRole]:
    return {role.unit_id: role for role in cluster_year.roles.all()}
