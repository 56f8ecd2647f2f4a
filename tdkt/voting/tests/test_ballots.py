"""Preparing ballots: candidates from the published ranking, every change with a reason, rounds; the
counting board; delegates and what a conference decided."""

import datetime as dt

import pytest

from tdkt.core.errors import NotPermitted, ValidationFailed
from tdkt.core.models import AuditEvent
from tdkt.core.personas import World
from tdkt.voting.models import Ballot, BallotStatus, CountingBoardMember, RemovedCandidate
from tdkt.voting.selectors import default_candidates
from tdkt.voting.services import (
    CandidateInput,
    CandidateRemoval,
    DelegateInput,
    VoterInput,
    ballot_cast,
    ballot_close,
    ballot_create,
    ballot_next_round,
    ballot_open,
    ballot_tally,
    conference_delegates_set,
    conference_update,
    counting_board_set,
)
from tdkt.voting.tests.helpers import board_of, make_conference, open_ballot, publish_ranking


def test_the_default_candidates_are_the_published_ranking_in_rank_order(world: World) -> None:
    before = default_candidates(world.cluster_year)
    assert before.run is None and "thành viên" in before.source
    run = publish_ranking(world)
    found = default_candidates(world.cluster_year)
    assert found.run == run and "Bảng xếp hạng đã công bố lần 1" in found.source
    ranked = sorted(run.result["ranking"], key=lambda r: r["rank"])
    assert [c.name for c in found.candidates] == [r["name"] for r in ranked]
    assert len(found.candidates) == 3


def test_a_change_from_the_default_list_needs_a_reason_which_is_stored_and_audited(world: World) -> None:
    publish_ranking(world)
    conference = make_conference(world)
    kept = [CandidateInput("Huyện Nam Giang"), CandidateInput("Huyện Tiên Phước")]
    with pytest.raises(ValidationFailed) as refused:
        ballot_create(
            actor=world.head,
            conference=conference,
            purpose="merit",
            title="Đề nghị tặng Bằng khen",
            candidates=[*kept, CandidateInput("Thị xã Điện Bàn", world.dien_ban)],
        )
    messages = refused.value.messages
    assert any("Dòng 3" in m and "“Thị xã Điện Bàn” không có trong danh sách mặc định" in m for m in messages)
    assert any("bỏ “Huyện Phước Sơn” khỏi danh sách mặc định" in m and "cần ghi lý do" in m for m in messages)
    assert not Ballot.objects.exists()
    ballot = ballot_create(
        actor=world.head,
        conference=conference,
        purpose="merit",
        title="Đề nghị tặng Bằng khen",
        candidates=[
            *kept,
            CandidateInput("Đơn vị được giới thiệu thêm", reason="Hội nghị giới thiệu bổ sung"),
        ],
        removed=[CandidateRemoval("Huyện Phước Sơn", "Đã đề nghị Cờ thi đua")],
        method="yes_no",
    )
    assert ballot.scoring_run is not None and "Bảng xếp hạng" in ballot.candidates_source
    assert [c.unit for c in ballot.candidates.all()][:2] == [
        world.nam_giang,
        world.tien_phuoc,
    ]  # unit taken over
    assert [c.added_reason for c in ballot.candidates.all()] == ["", "", "Hội nghị giới thiệu bổ sung"]
    assert list(RemovedCandidate.objects.values_list("name", "reason")) == [
        ("Huyện Phước Sơn", "Đã đề nghị Cờ thi đua")
    ]
    event = AuditEvent.objects.get(action="ballot.create")
    assert event.after["removed"] == [["Huyện Phước Sơn", "Đã đề nghị Cờ thi đua"]]
    assert event.after["added"] == [["Đơn vị được giới thiệu thêm", "Hội nghị giới thiệu bổ sung"]]


def test_a_removal_of_someone_not_on_the_list_or_also_kept_is_refused(world: World) -> None:
    conference = make_conference(world)
    every = [CandidateInput(n) for n in ("Huyện Phước Sơn", "Huyện Tiên Phước", "Huyện Nam Giang")]
    with pytest.raises(ValidationFailed, match="vừa được giữ vừa bị bỏ"):
        ballot_create(
            actor=world.head,
            conference=conference,
            purpose="flag",
            title="x",
            candidates=every,
            removed=[CandidateRemoval("Huyện Nam Giang", "lý do")],
        )
    with pytest.raises(ValidationFailed, match="“Ai đó” không có trong danh sách mặc định"):
        ballot_create(
            actor=world.head,
            conference=conference,
            purpose="flag",
            title="x",
            candidates=every,
            removed=[CandidateRemoval("Ai đó", "lý do")],
        )


def _tie(world: World) -> Ballot:
    """Two seats, more than a third of valid ballots to pass; Nam Giang first, Tiên Phước and Phước Sơn tied for the second seat."""
    ballot, codes = open_ballot(world, n=6, seats=2, max_choices=2, threshold="1/3")
    for code, marks in zip(
        codes,
        [
            ["Huyện Nam Giang", "Huyện Tiên Phước"],
            ["Huyện Nam Giang", "Huyện Tiên Phước"],
            ["Huyện Nam Giang", "Huyện Phước Sơn"],
            ["Huyện Nam Giang", "Huyện Phước Sơn"],
            ["Huyện Tiên Phước", "Huyện Phước Sơn"],
            ["Huyện Nam Giang"],
        ],
        strict=True,
    ):
        ballot_cast(ballot=ballot, code=code.code, marks=marks)
    chair = board_of(world).chair
    ballot_close(actor=chair, ballot=ballot)
    return ballot_tally(actor=chair, ballot=ballot)


def test_a_tie_calls_another_round_among_the_tied_for_the_seats_left(world: World) -> None:
    first = _tie(world)
    assert first.result["elected"] == ["Huyện Nam Giang"]
    assert sorted(first.result["another_round"]) == ["Huyện Phước Sơn", "Huyện Tiên Phước"]
    with pytest.raises(NotPermitted):
        ballot_next_round(actor=board_of(world).chair, ballot=first)
    second = ballot_next_round(actor=world.head, ballot=first)
    assert second.round_number == 2 and second.previous_round == first and second.status == BallotStatus.DRAFT
    assert second.seats == 1 and second.max_choices == 1
    assert sorted(second.candidates.values_list("name", flat=True)) == ["Huyện Phước Sơn", "Huyện Tiên Phước"]
    assert second.candidates_source == "Những người bằng phiếu ở vòng 1"
    with pytest.raises(ValidationFailed, match="đã được tạo"):
        ballot_next_round(actor=world.head, ballot=first)


def test_no_next_round_without_a_tie(world: World) -> None:
    ballot, codes = open_ballot(world)
    ballot_cast(ballot=ballot, code=codes[0].code, marks=["Huyện Nam Giang"])
    chair = board_of(world).chair
    ballot_close(actor=chair, ballot=ballot)
    ballot = ballot_tally(actor=chair, ballot=ballot)
    with pytest.raises(ValidationFailed, match="không yêu cầu bỏ phiếu vòng sau"):
        ballot_next_round(actor=world.head, ballot=ballot)


def test_the_counting_board_is_two_or_more_member_staff_outside_the_head_unit(world: World) -> None:
    conference = make_conference(world, with_board=False)
    board = board_of(world)
    cases = [
        ([board.chair], board.chair, "ít nhất 2"),
        ([board.chair, world.head], board.chair, "không được vào Ban kiểm phiếu"),  # the head's staff
        ([board.chair, world.board], board.chair, "không được vào Ban kiểm phiếu"),  # the provincial board
        ([board.chair, world.outsider], board.chair, "không được vào Ban kiểm phiếu"),  # another cluster
        ([board.chair, board.member], world.member, "Trưởng ban kiểm phiếu phải là thành viên"),
    ]
    for members, chair, message in cases:
        with pytest.raises(ValidationFailed, match=message):
            counting_board_set(actor=world.head, conference=conference, members=members, chair=chair)
    for persona in (world.member, world.outsider, board.chair):
        with pytest.raises(NotPermitted):
            counting_board_set(
                actor=persona, conference=conference, members=[board.chair, board.member], chair=board.chair
            )
    assert not CountingBoardMember.objects.exists()
    counting_board_set(
        actor=world.board,
        conference=conference,
        members=[board.chair, board.member, world.member],
        chair=board.chair,
    )
    assert list(conference.counting_board.values_list("name", "is_chair")) == [
        ("Đỗ Thị Kiểm", True),
        ("Lê Văn Minh", False),
        ("Vũ Văn Phiếu", False),
    ]


def test_the_counting_board_is_fixed_once_a_ballot_opens(world: World) -> None:
    ballot, _codes = open_ballot(world)
    board = board_of(world)
    with pytest.raises(ValidationFailed, match="không thay đổi được nữa"):
        counting_board_set(
            actor=world.head,
            conference=ballot.conference,
            members=[board.member, world.member],
            chair=board.member,
        )
    assert ballot.conference.counting_board.filter(user=board.chair, is_chair=True).exists()


def test_delegates_one_voter_per_unit_and_members_only(world: World) -> None:
    conference = make_conference(world)
    with pytest.raises(ValidationFailed) as refused:
        conference_delegates_set(
            actor=world.head,
            conference=conference,
            delegates=[
                DelegateInput(world.tien_phuoc, "A", votes=True),
                DelegateInput(world.tien_phuoc, "B", votes=True),
                DelegateInput(world.dien_ban, "C"),
                DelegateInput(world.nam_giang, "  "),
            ],
        )
    where = {(p.row, p.field) for p in refused.value.problems}
    assert where == {(2, "votes"), (3, "unit"), (4, "name")}
    with pytest.raises(NotPermitted):
        conference_delegates_set(actor=world.member, conference=conference, delegates=[])
    assert (
        conference_delegates_set(
            actor=world.head,
            conference=conference,
            delegates=[DelegateInput(world.tien_phuoc, "A", "Chủ tịch", True)],
        )
        == 1
    )


def test_a_conference_records_the_covenant_and_the_criteria_it_adopted(world: World) -> None:
    from tdkt.voting.tests.helpers import sign_covenant

    covenant = sign_covenant(world)
    run = publish_ranking(world)
    conference = make_conference(world)
    updated = conference_update(
        actor=world.head,
        conference=conference,
        kind="covenant",
        held_on=dt.date(2024, 2, 20),
        place="Phước Sơn",
        host=world.phuoc_son,
        covenant=covenant,
        criteria_set=run.criteria_set,
        conclusions="Giao Trưởng cụm hoàn thiện hồ sơ đề nghị khen thưởng.",
    )
    assert updated.covenant == covenant and updated.criteria_set == run.criteria_set
    assert AuditEvent.objects.filter(action="conference.update").exists()
    with pytest.raises(ValidationFailed, match="không thuộc cụm này"):
        from tdkt.movements.models import Covenant

        other = Covenant.objects.create(cluster_year=world.other_cluster_year, signed_on=dt.date(2024, 2, 1))
        conference_update(
            actor=world.head,
            conference=conference,
            kind="covenant",
            held_on=dt.date(2024, 2, 20),
            place="Phước Sơn",
            host=world.phuoc_son,
            covenant=other,
        )
    with pytest.raises(NotPermitted):
        conference_update(
            actor=world.member,
            conference=conference,
            kind="covenant",
            held_on=dt.date(2024, 2, 20),
            place="x",
            host=world.phuoc_son,
        )


def test_open_issues_codes_only_for_electronic_ballots(world: World) -> None:
    conference = make_conference(world)
    from tdkt.voting.tests.helpers import make_ballot

    paper = make_ballot(world, conference=conference, mode="paper")
    assert (
        ballot_open(actor=board_of(world).chair, ballot=paper, voters=[VoterInput("A"), VoterInput("B")])
        == []
    )
    assert not paper.voters.exclude(code_hash=None).exists()
