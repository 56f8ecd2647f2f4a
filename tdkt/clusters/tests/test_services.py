import datetime as dt

import pytest

from tdkt.clusters.models import ClusterRole, ClusterRoleKind, RotationPolicy
from tdkt.clusters.services import (
    cluster_create,
    cluster_role_set,
    cluster_year_create,
    cluster_year_roll_forward,
)
from tdkt.core.errors import ValidationFailed
from tdkt.core.personas import World
from tdkt.org.services import unit_apply_lineage, unit_create


def test_roll_forward_keeps_members_and_under_deputy_policy_the_deputy_becomes_head(world: World) -> None:
    cluster = world.cluster
    cluster.rotation_policy = RotationPolicy.DEPUTY_BECOMES_HEAD
    cluster.save()
    nxt = cluster_year_roll_forward(actor=None, cluster_year=world.cluster_year)
    assert nxt.year == 2025
    assert [m.unit for m in nxt.members.all()] == [world.phuoc_son, world.tien_phuoc, world.nam_giang]
    head = ClusterRole.objects.get(cluster_year=nxt, role=ClusterRoleKind.HEAD)
    assert head.unit == world.nam_giang and head.basis == "rotation"


def test_roll_forward_under_election_leaves_the_head_to_the_conference(world: World) -> None:
    nxt = cluster_year_roll_forward(actor=None, cluster_year=world.cluster_year)
    assert not ClusterRole.objects.filter(cluster_year=nxt).exists()


def test_roll_forward_replaces_a_merged_member_by_its_successor(world: World) -> None:
    merged = unit_create(actor=None, code="T-NEW", name="Xã Mới", kind="xa", parent=world.province)
    unit_apply_lineage(
        actor=None,
        kind="merge",
        effective_date=dt.date(2025, 1, 1),
        predecessors=[world.tien_phuoc, world.dien_ban],
        successors=[merged],
    )
    nxt = cluster_year_roll_forward(actor=None, cluster_year=world.cluster_year)
    assert [m.unit.code for m in nxt.members.all()] == ["T-PS", "T-NEW", "T-NG"]


def test_a_unit_cannot_be_both_head_and_deputy(world: World) -> None:
    with pytest.raises(ValidationFailed, match="đã là Trưởng cụm"):
        cluster_role_set(
            actor=None, cluster_year=world.cluster_year, unit=world.phuoc_son, role="deputy", basis="elected"
        )


def test_a_non_member_cannot_be_head(world: World) -> None:
    with pytest.raises(ValidationFailed, match="không phải thành viên"):
        cluster_role_set(
            actor=None, cluster_year=world.cluster_year, unit=world.dien_ban, role="head", basis="elected"
        )


def test_setting_a_new_head_replaces_the_old_one(world: World) -> None:
    cluster_role_set(
        actor=None, cluster_year=world.cluster_year, unit=world.tien_phuoc, role="head", basis="appointed"
    )
    assert ClusterRole.objects.get(cluster_year=world.cluster_year, role="head").unit == world.tien_phuoc


def test_cluster_year_refuses_members_that_did_not_exist_that_year(world: World) -> None:
    gone = unit_create(
        actor=None, code="T-OLD", name="Huyện Cũ", kind="huyen", valid_to=dt.date(2019, 12, 31)
    )
    cluster = cluster_create(
        actor=None, code="T-X", name="Cụm X", kind="cum", organiser=world.province, rotation_policy="elected"
    )
    with pytest.raises(ValidationFailed, match="không còn hiệu lực"):
        cluster_year_create(actor=None, cluster=cluster, year=2024, members=[gone])
    assert not cluster.years.exists()
