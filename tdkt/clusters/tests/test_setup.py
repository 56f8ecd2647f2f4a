"""The board's set-up of clusters, their years, members and roles, and the indicator catalogue: what is
refused changes nothing, and who may do what."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tdkt.clusters.models import Cluster, ClusterMember, ClusterRole, ClusterYear, RotationPolicy
from tdkt.clusters.services import (
    cluster_create,
    cluster_role_set,
    cluster_update,
    cluster_year_create,
    cluster_year_members_set,
)
from tdkt.core.errors import NotPermitted, ValidationFailed
from tdkt.core.models import AuditEvent
from tdkt.core.personas import World
from tdkt.movements.models import ClusterIndicator, Indicator
from tdkt.movements.services import cluster_indicators_set, indicator_create
from tdkt.org.models import UnitKind
from tdkt.org.services import unit_create


def _state() -> list[Any]:
    return [
        list(Cluster.objects.order_by("pk").values_list()),
        list(ClusterYear.objects.order_by("pk").values_list()),
        list(ClusterMember.objects.order_by("pk").values_list()),
        list(ClusterRole.objects.order_by("pk").values_list()),
        list(Indicator.objects.order_by("pk").values_list()),
        list(ClusterIndicator.objects.order_by("pk").values_list()),
        AuditEvent.objects.count(),
    ]


def _new_cluster(world: World, actor: Any = None) -> Cluster:
    return cluster_create(
        actor=actor,
        code="T-KHOI",
        name="Khối các sở",
        kind="khoi",
        organiser=world.province,
        rotation_policy=RotationPolicy.APPOINTED,
    )


def test_the_board_creates_a_block_and_edits_it_but_its_code_stays(world: World) -> None:
    block = _new_cluster(world, actor=world.board)
    cluster_update(
        actor=world.board,
        cluster=block,
        name="Khối các sở, ban, ngành",
        kind="khoi",
        organiser=world.province,
        rotation_policy=RotationPolicy.ELECTED,
        description="Mười hai sở",
    )
    block.refresh_from_db()
    assert (block.code, block.name, block.rotation_policy) == ("T-KHOI", "Khối các sở, ban, ngành", "elected")
    assert AuditEvent.objects.filter(action="cluster.update", object_id=str(block.pk)).exists()


@pytest.mark.parametrize("who", ["head", "member", "outsider"])
def test_only_the_board_creates_a_cluster(world: World, who: str) -> None:
    before = _state()
    with pytest.raises(NotPermitted):
        _new_cluster(world, actor=getattr(world, who))
    assert _state() == before


def test_a_cluster_with_a_used_code_an_unknown_kind_and_no_name_is_refused_naming_each(world: World) -> None:
    before = _state()
    with pytest.raises(ValidationFailed) as exc:
        cluster_create(
            actor=world.board,
            code="T-CMN",
            name=" ",
            kind="nhom",
            organiser=world.province,
            rotation_policy="elected",
        )
    assert {p.field for p in exc.value.problems} == {"code", "name", "kind"}
    assert _state() == before


def test_a_cluster_year_with_no_members_is_refused_and_nothing_is_written(world: World) -> None:
    block = _new_cluster(world)
    before = _state()
    with pytest.raises(ValidationFailed, match="ít nhất một thành viên"):
        cluster_year_create(actor=world.board, cluster=block, year=2025, members=[])
    assert _state() == before


def test_setting_no_members_is_refused_and_the_members_stay(world: World) -> None:
    before = _state()
    with pytest.raises(ValidationFailed, match="ít nhất một thành viên"):
        cluster_year_members_set(actor=world.board, cluster_year=world.cluster_year, members=[])
    assert _state() == before


def test_a_member_not_valid_in_the_year_is_refused(world: World) -> None:
    closed = unit_create(
        actor=None, code="T-GONE", name="Huyện Đã Nhập", kind="huyen", valid_to=dt.date(2023, 6, 30)
    )
    before = _state()
    with pytest.raises(ValidationFailed, match="không còn hiệu lực trong năm 2024"):
        cluster_year_members_set(
            actor=world.board,
            cluster_year=world.cluster_year,
            members=[world.phuoc_son, world.tien_phuoc, world.nam_giang, closed],
        )
    assert _state() == before


def test_the_board_adds_a_member_and_the_order_is_kept(world: World) -> None:
    new = unit_create(
        actor=None, code="T-HA", name="Thành phố Hội An", kind=UnitKind.DISTRICT, parent=world.province
    )
    cluster_year_members_set(
        actor=world.board,
        cluster_year=world.cluster_year,
        members=[world.nam_giang, world.phuoc_son, world.tien_phuoc, new],
    )
    assert [m.unit for m in world.cluster_year.members.order_by("position")] == [
        world.nam_giang,
        world.phuoc_son,
        world.tien_phuoc,
        new,
    ]


def test_a_unit_already_in_another_cluster_that_year_is_refused(world: World) -> None:
    before = _state()
    with pytest.raises(ValidationFailed) as info:
        cluster_year_members_set(
            actor=world.board,
            cluster_year=world.cluster_year,
            members=[world.nam_giang, world.phuoc_son, world.tien_phuoc, world.dien_ban],
        )
    problem = info.value.problems[0]
    assert problem.field == "members"
    assert "Thị xã Điện Bàn" in problem.message and "năm 2024" in problem.message
    assert "chỉ thuộc một cụm thi đua" in problem.message
    assert _state() == before


def test_a_unit_may_be_in_a_cluster_and_a_block_the_same_year(world: World) -> None:
    block = _new_cluster(world)
    cy = cluster_year_create(actor=world.board, cluster=block, year=2024, members=[world.dien_ban])
    assert [m.unit for m in cy.members.all()] == [world.dien_ban]


def test_a_new_year_refuses_a_unit_already_in_another_cluster(world: World) -> None:
    other = cluster_create(
        actor=world.board,
        code="T-CUM3",
        name="Cụm thứ ba",
        kind="cum",
        organiser=world.province,
        rotation_policy=RotationPolicy.APPOINTED,
    )
    with pytest.raises(ValidationFailed) as info:
        cluster_year_create(actor=world.board, cluster=other, year=2024, members=[world.dien_ban])
    assert "Thị xã Điện Bàn" in info.value.problems[0].message
    assert not ClusterYear.objects.filter(cluster=other).exists()


def test_dropping_the_head_or_a_member_with_targets_is_refused(world: World) -> None:
    before = _state()
    with pytest.raises(ValidationFailed) as exc:
        cluster_year_members_set(
            actor=world.board, cluster_year=world.cluster_year, members=[world.nam_giang]
        )
    messages = " | ".join(p.message for p in exc.value.problems)
    assert "đang là Trưởng cụm" in messages  # Phước Sơn
    assert "đã đăng ký chỉ tiêu hoặc lập báo cáo" in messages  # Tiên Phước
    assert _state() == before


def test_the_heads_staff_cannot_change_members(world: World) -> None:
    with pytest.raises(NotPermitted):
        cluster_year_members_set(actor=world.head, cluster_year=world.cluster_year, members=[world.phuoc_son])


def test_the_board_appoints_a_head_with_basis_and_date(world: World) -> None:
    role = cluster_role_set(
        actor=world.board,
        cluster_year=world.cluster_year,
        unit=world.tien_phuoc,
        role="head",
        basis="appointed",
        decided_on=dt.date(2024, 1, 15),
        reference="Quyết định 12/QĐ-UBND",
    )
    assert (role.unit, role.basis, role.decided_on) == (world.tien_phuoc, "appointed", dt.date(2024, 1, 15))


def test_the_same_unit_as_head_and_deputy_is_refused_and_nothing_changes(world: World) -> None:
    before = _state()
    with pytest.raises(ValidationFailed, match="đã là Trưởng cụm"):
        cluster_role_set(
            actor=world.board,
            cluster_year=world.cluster_year,
            unit=world.phuoc_son,
            role="deputy",
            basis="appointed",
        )
    assert _state() == before


def test_a_head_who_is_not_a_member_is_refused(world: World) -> None:
    before = _state()
    with pytest.raises(ValidationFailed, match="không phải thành viên"):
        cluster_role_set(
            actor=world.board,
            cluster_year=world.cluster_year,
            unit=world.dien_ban,
            role="head",
            basis="appointed",
        )
    assert _state() == before


@pytest.mark.parametrize("who", ["head", "member"])
def test_a_units_staff_cannot_appoint_this_years_head(world: World, who: str) -> None:
    before = _state()
    with pytest.raises(NotPermitted):
        cluster_role_set(
            actor=getattr(world, who),
            cluster_year=world.cluster_year,
            unit=world.tien_phuoc,
            role="head",
            basis="elected",
        )
    assert _state() == before


def test_only_the_board_adds_to_the_indicator_catalogue(world: World) -> None:
    before = _state()
    with pytest.raises(NotPermitted):
        indicator_create(actor=world.head, code="T-X", name="Chỉ tiêu", measure_unit="%", kind="percentage")
    assert _state() == before
    created = indicator_create(
        actor=world.board, code="T-X", name="Chỉ tiêu X", measure_unit="%", kind="percentage"
    )
    assert created.code == "T-X"


def test_an_indicator_with_a_used_code_and_no_measure_unit_is_refused(world: World) -> None:
    before = _state()
    with pytest.raises(ValidationFailed) as exc:
        indicator_create(actor=world.board, code="T-THU", name="Thu", measure_unit="", kind="amount")
    assert {p.field for p in exc.value.problems} == {"code", "measure_unit"}
    assert _state() == before


def test_the_heads_staff_set_the_years_indicators_and_an_outsider_may_not(world: World) -> None:
    cluster_indicators_set(
        actor=world.head,
        cluster_year=world.cluster_year,
        indicators=[world.houses, world.revenue, world.disbursement],
    )
    assert [ci.indicator for ci in world.cluster_year.indicators.order_by("position")] == [
        world.houses,
        world.revenue,
        world.disbursement,
    ]
    with pytest.raises(NotPermitted):
        cluster_indicators_set(
            actor=world.outsider, cluster_year=world.cluster_year, indicators=[world.revenue]
        )


@pytest.mark.parametrize(
    ("pick", "message"),
    [
        (lambda w: [], "ít nhất một chỉ tiêu"),
        (lambda w: [w.revenue, w.revenue, w.disbursement, w.houses], "kê hai lần"),
        (lambda w: [w.revenue], "đã có đơn vị đăng ký"),
    ],
)
def test_a_refused_indicator_list_leaves_the_years_list_as_it_was(
    world: World, pick: Any, message: str
) -> None:
    before = _state()
    with pytest.raises(ValidationFailed, match=message):
        cluster_indicators_set(actor=world.board, cluster_year=world.cluster_year, indicators=pick(world))
    assert _state() == before


def test_a_movement_launched_by_a_closed_body_or_ending_before_it_starts_is_refused(world: World) -> None:
    from tdkt.movements.models import Movement
    from tdkt.movements.services import movement_create

    closed = unit_create(
        actor=None, code="T-OLDP", name="Huyện Cũ", kind="huyen", valid_to=dt.date(2023, 12, 31)
    )
    with pytest.raises(ValidationFailed) as exc:
        movement_create(
            actor=world.board,
            name="Phong trào",
            launched_by=closed,
            level="province",
            kind="regular",
            start_date=dt.date(2025, 1, 1),
            end_date=dt.date(2024, 1, 1),
        )
    assert {p.field for p in exc.value.problems} == {"launched_by", "end_date"}
    with pytest.raises(NotPermitted):
        movement_create(
            actor=world.head,
            name="Phong trào",
            launched_by=world.province,
            level="province",
            kind="regular",
            start_date=dt.date(2025, 1, 1),
        )
    assert not Movement.objects.exists()
