"""Opening next year (issue 12, point 3): members (successors after mergers), indicators, the criteria set
as a draft and the rotation carry over; a head or deputy elected at the conference is never overwritten;
nothing has to be re-entered for the second year to start."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tdkt.clusters.models import ClusterRole, ClusterYear, RotationPolicy
from tdkt.clusters.selectors import roll_forward_plan
from tdkt.clusters.services import cluster_role_set, cluster_year_roll_forward
from tdkt.core.errors import NotPermitted, ValidationFailed
from tdkt.core.models import AuditEvent
from tdkt.core.personas import SCORING_CRITERIA, SCORING_RULES, World
from tdkt.movements.models import Period, Report
from tdkt.movements.services import report_get_or_create
from tdkt.org.services import unit_apply_lineage, unit_create
from tdkt.scoring.models import CriteriaSet, SetStatus
from tdkt.scoring.selectors import criteria_tree
from tdkt.scoring.services import criteria_set_adopt, criteria_set_create


def _adopted(world: World) -> CriteriaSet:
    cs = criteria_set_create(
        actor=None,
        cluster_year=world.cluster_year,
        criteria=SCORING_CRITERIA,
        rules=SCORING_RULES,
        declared_total=Decimal(30),
    )
    return criteria_set_adopt(actor=None, criteria_set=cs, adopted_on=dt.date(2024, 3, 1))


def _deputy_policy(world: World) -> None:
    world.cluster.rotation_policy = RotationPolicy.DEPUTY_BECOMES_HEAD
    world.cluster.save()


def _roles(cy: ClusterYear) -> dict[str, tuple[str, str]]:
    return {r.role: (r.unit.code, r.basis) for r in ClusterRole.objects.filter(cluster_year=cy)}


def test_next_year_follows_the_same_indicators_in_the_same_order(world: World) -> None:
    nxt = cluster_year_roll_forward(actor=world.head, cluster_year=world.cluster_year)
    assert [ci.indicator.code for ci in nxt.indicators.order_by("position")] == ["T-THU", "T-GN", "T-NHA"]


def test_a_member_opens_its_year_end_report_for_the_new_year_with_the_same_indicators(world: World) -> None:
    nxt = cluster_year_roll_forward(actor=world.board, cluster_year=world.cluster_year)
    report = report_get_or_create(
        actor=world.member, cluster_year=nxt, unit=world.tien_phuoc, period=Period.YEAR_END
    )
    assert report.cluster_year.year == 2025
    assert list(report.cluster_year.indicators.values_list("indicator__code", flat=True)) == [
        "T-THU",
        "T-GN",
        "T-NHA",
    ]


def test_the_adopted_criteria_set_becomes_next_years_draft_with_the_same_tree_and_rules(world: World) -> None:
    source = _adopted(world)
    nxt = cluster_year_roll_forward(actor=world.head, cluster_year=world.cluster_year)
    copy = CriteriaSet.objects.get(cluster_year=nxt)
    assert (copy.version, copy.status, copy.declared_total) == (1, SetStatus.DRAFT, Decimal(30))
    assert copy.rules == source.rules
    assert criteria_tree(copy) == criteria_tree(source)
    assert copy.adopted_on is None
    source.refresh_from_db()
    assert source.status == SetStatus.ADOPTED  # last year's is untouched


def test_the_copied_draft_can_be_adopted_in_the_new_year(world: World) -> None:
    _adopted(world)
    nxt = cluster_year_roll_forward(actor=world.board, cluster_year=world.cluster_year)
    copy = CriteriaSet.objects.get(cluster_year=nxt)
    adopted = criteria_set_adopt(actor=None, criteria_set=copy, adopted_on=dt.date(2025, 2, 1))
    assert adopted.status == SetStatus.ADOPTED


def test_under_the_deputy_policy_last_years_deputy_becomes_head_by_rotation(world: World) -> None:
    _deputy_policy(world)
    nxt = cluster_year_roll_forward(actor=world.head, cluster_year=world.cluster_year)
    assert _roles(nxt) == {"head": ("T-NG", "rotation")}


def test_an_elected_head_is_kept_and_rotation_fills_only_what_no_one_was_elected_to(world: World) -> None:
    _deputy_policy(world)
    nxt = cluster_year_roll_forward(actor=None, cluster_year=world.cluster_year)
    # the conference elects Tiên Phước head (what ballot_apply writes): it replaces the rotation's head
    cluster_role_set(
        actor=world.head,
        cluster_year=nxt,
        unit=world.tien_phuoc,
        role="head",
        basis="elected",
        decided_on=dt.date(2024, 12, 20),
        reference="Hội nghị tổng kết 2024",
    )
    cluster_year_roll_forward(actor=world.head, cluster_year=world.cluster_year)  # completing keeps it
    assert _roles(nxt) == {"head": ("T-TP", "elected")}


def test_an_elected_deputy_may_be_the_unit_the_rotation_made_head(world: World) -> None:
    _deputy_policy(world)
    nxt = cluster_year_roll_forward(actor=None, cluster_year=world.cluster_year)
    cluster_role_set(actor=world.head, cluster_year=nxt, unit=world.nam_giang, role="deputy", basis="elected")
    assert _roles(nxt) == {"deputy": ("T-NG", "elected")}
    assert AuditEvent.objects.filter(action="cluster_role.remove").exists()


def test_completing_a_year_opened_by_the_conference_carries_indicators_and_criteria(world: World) -> None:
    """The conference's election opened 2025 before this change carried anything: “Mở năm sau” completes
    it without touching its members or elected roles."""
    from tdkt.clusters.services import _year_open

    source = _adopted(world)
    nxt = _year_open(
        actor=None, cluster=world.cluster, year=2025, members=[world.tien_phuoc, world.nam_giang]
    )
    cluster_role_set(actor=None, cluster_year=nxt, unit=world.tien_phuoc, role="head", basis="elected")
    plan = roll_forward_plan(world.cluster_year)
    assert plan.next_year == nxt and plan.indicators_to_carry and plan.criteria_carried
    assert cluster_year_roll_forward(actor=world.head, cluster_year=world.cluster_year) == nxt
    assert [m.unit.code for m in nxt.members.order_by("position")] == ["T-TP", "T-NG"]
    assert nxt.indicators.count() == 3
    assert criteria_tree(CriteriaSet.objects.get(cluster_year=nxt)) == criteria_tree(source)
    assert _roles(nxt) == {"head": ("T-TP", "elected")}


def test_the_plan_shows_successors_and_what_the_rotation_gives_without_writing(world: World) -> None:
    _deputy_policy(world)
    merged = unit_create(actor=None, code="T-NEW", name="Xã Mới", kind="xa", parent=world.province)
    unit_apply_lineage(
        actor=None,
        kind="merge",
        effective_date=dt.date(2025, 1, 1),
        predecessors=[world.nam_giang, world.dien_ban],
        successors=[merged],
    )
    events = AuditEvent.objects.count()
    plan = roll_forward_plan(world.cluster_year)
    assert [(m.before.code, m.unit.code if m.unit else None) for m in plan.members] == [
        ("T-PS", "T-PS"),
        ("T-TP", "T-TP"),
        ("T-NG", "T-NEW"),
    ]
    assert plan.members[2].note == "Thay bằng đơn vị kế thừa “Xã Mới”"
    head = plan.roles[0]
    assert (head.role, head.unit, head.applies) == ("head", merged, True)  # the deputy's successor
    assert AuditEvent.objects.count() == events and not ClusterYear.objects.filter(year=2025).exists()


def test_a_year_with_no_member_left_is_refused_and_nothing_is_written(world: World) -> None:
    lone = world.other_cluster_year  # Điện Bàn alone
    closed_on = dt.date(2024, 12, 31)
    world.dien_ban.valid_to = closed_on
    world.dien_ban.save()
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed, match="không thể không có thành viên"):
        cluster_year_roll_forward(actor=world.board, cluster_year=lone)
    assert not ClusterYear.objects.filter(cluster=lone.cluster, year=2025).exists()
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize("who", ["member", "outsider"])
def test_only_the_board_or_the_heads_staff_open_next_year(world: World, who: str) -> None:
    with pytest.raises(NotPermitted):
        cluster_year_roll_forward(actor=getattr(world, who), cluster_year=world.cluster_year)
    assert not ClusterYear.objects.filter(cluster=world.cluster, year=2025).exists()


def test_targets_reports_and_covenant_stay_with_their_year(world: World) -> None:
    nxt = cluster_year_roll_forward(actor=world.board, cluster_year=world.cluster_year)
    assert not nxt.targets.exists()
    assert not Report.objects.filter(cluster_year=nxt).exists()
