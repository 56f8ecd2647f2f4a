"""The head builds the cluster's dossier from the conference's counted vote: the elected units become the
lines, the conference and its ballot are attached; refused (nothing written) before the count, twice, for
another purpose, and for anyone but the head's staff."""

from __future__ import annotations

import pytest

from tdkt.clusters.scopes import viewer_for
from tdkt.core.errors import NotPermitted, ValidationFailed
from tdkt.core.personas import World
from tdkt.dossiers.from_vote import dossier_from_ballot, dossier_of_ballot, may_build
from tdkt.dossiers.models import Dossier, DossierLine
from tdkt.dossiers.services import dossier_missing
from tdkt.voting.box import ballot_close, ballot_open
from tdkt.voting.counting import ballot_tally
from tdkt.voting.models import Ballot
from tdkt.voting.services import CandidateInput, ballot_create
from tdkt.voting.tests.helpers import _SLIPS, board_of, make_conference, vote

pytestmark = pytest.mark.django_db


def flag_ballot(world: World, purpose: str = "flag", *, count: bool = True) -> Ballot:
    """A flag ballot of the world's 2024 conference with two seats, each member's delegate voting for Tiên
    Phước and Nam Giang (two also for Phước Sơn): Tiên Phước 3, Nam Giang 2, Phước Sơn 1."""
    conference = make_conference(world)
    units = [world.phuoc_son, world.tien_phuoc, world.nam_giang]
    ballot = ballot_create(
        actor=world.head,
        conference=conference,
        purpose=purpose,
        title="Suy tôn đơn vị đề nghị UBND tỉnh tặng Cờ thi đua năm 2024",
        candidates=[CandidateInput(u.name, u) for u in units],
        seats=2,
        max_choices=2,
    )
    if not count:
        return ballot
    board = board_of(world)
    _SLIPS[ballot.pk] = list(ballot_open(actor=board.chair, ballot=ballot))
    for marks in (
        ["Huyện Tiên Phước", "Huyện Nam Giang"],
        ["Huyện Tiên Phước", "Huyện Nam Giang"],
        ["Huyện Tiên Phước", "Huyện Phước Sơn"],
    ):
        vote(ballot, board.member, marks)
    ballot_close(actor=board.member, ballot=ballot)
    return ballot_tally(actor=board.chair, ballot=ballot)


def test_the_head_builds_the_dossier_from_the_counted_flag_vote(world: World) -> None:
    ballot = flag_ballot(world)
    assert may_build(viewer_for(world.head), ballot)

    dossier = dossier_from_ballot(actor=world.head, ballot=ballot)

    assert (dossier.track, dossier.cycle, dossier.state) == ("CUM_DE_NGHI", 2024, "draft")
    assert dossier.proposer == world.phuoc_son and dossier.cluster_year == world.cluster_year
    assert dossier.conference == ballot.conference and dossier.ballot == ballot
    assert dossier.subject == "Đề nghị tặng Cờ thi đua của Ủy ban nhân dân tỉnh năm 2024"
    lines = list(dossier.lines.order_by("position"))
    assert [(line.unit, line.title) for line in lines] == [
        (world.tien_phuoc, "CO_TINH"),
        (world.nam_giang, "CO_TINH"),
    ]
    assert lines[0].note == (
        "Được hội nghị ngày 27/03/2025 bỏ phiếu kín suy tôn "
        "(Suy tôn đơn vị đề nghị UBND tỉnh tặng Cờ thi đua năm 2024): 3/3 phiếu hợp lệ."
    )
    # the minutes and the vote come with the conference and its counted ballot: only the report is left
    assert dossier_missing(dossier) == ["Báo cáo thành tích của tập thể (Mẫu số 02, Nghị định 98/2023/NĐ-CP)"]
    assert dossier_of_ballot(ballot) == dossier
    assert not may_build(viewer_for(world.head), ballot)


def test_a_bang_khen_vote_gives_bang_khen_lines(world: World) -> None:
    dossier = dossier_from_ballot(actor=world.head, ballot=flag_ballot(world, purpose="merit"))
    assert set(dossier.lines.values_list("title", flat=True)) == {"BK_TINH"}
    assert "Bằng khen" in dossier.subject


def test_a_ballot_not_yet_counted_is_refused_and_nothing_is_written(world: World) -> None:
    ballot = flag_ballot(world, count=False)
    assert not may_build(viewer_for(world.head), ballot)
    with pytest.raises(ValidationFailed, match="chưa kiểm phiếu"):
        dossier_from_ballot(actor=world.head, ballot=ballot)
    assert not Dossier.objects.exists()


def test_a_second_dossier_from_the_same_ballot_is_refused_naming_the_first(world: World) -> None:
    ballot = flag_ballot(world)
    first = dossier_from_ballot(actor=world.head, ballot=ballot)
    with pytest.raises(ValidationFailed) as refused:
        dossier_from_ballot(actor=world.head, ballot=ballot)
    assert f"Hồ sơ số {first.pk}" in refused.value.problems[0].message
    assert Dossier.objects.count() == 1 and DossierLine.objects.count() == 2


def test_a_ballot_of_another_purpose_is_refused(world: World) -> None:
    ballot = flag_ballot(world, purpose="other")
    with pytest.raises(ValidationFailed, match="suy tôn Cờ thi đua hoặc đề nghị Bằng khen"):
        dossier_from_ballot(actor=world.head, ballot=ballot)
    assert not Dossier.objects.exists()


@pytest.mark.parametrize("who", ["member", "board", "outsider"])
def test_only_the_heads_staff_build_the_dossier(world: World, who: str) -> None:
    ballot = flag_ballot(world)
    user = getattr(world, who)
    assert not may_build(viewer_for(user), ballot)
    with pytest.raises(NotPermitted):
        dossier_from_ballot(actor=user, ballot=ballot)
    assert not Dossier.objects.exists() and not DossierLine.objects.exists()
