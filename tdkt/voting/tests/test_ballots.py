"""Preparing ballots: candidates from the published ranking, every change with a reason, rounds; the
counting board; delegates and what a conference decided."""

import datetime as dt

import pytest

from tdkt.core.errors import NotPermitted, ValidationFailed
from tdkt.core.models import AuditEvent
from tdkt.core.personas import World
from tdkt.scoring.models import ScoringRun
from tdkt.scoring.services import scoring_publish
from tdkt.voting.box import ballot_close, ballot_open
from tdkt.voting.counting import ballot_tally
from tdkt.voting.models import Ballot, BallotCode, BallotStatus, CountingBoardMember, RemovedCandidate
from tdkt.voting.selectors import default_candidates
from tdkt.voting.services import (
    CandidateInput,
    CandidateRemoval,
    DelegateInput,
    ballot_candidates_refresh,
    ballot_create,
    ballot_next_round,
    ballot_stale_confirm,
    ballot_stale_run,
    conference_delegates_set,
    conference_update,
    counting_board_set,
)
from tdkt.voting.tests.helpers import (
    board_of,
    make_ballot,
    make_conference,
    open_ballot,
    publish_ranking,
    vote,
)


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
    ballot, _codes = open_ballot(world, n=6, seats=2, max_choices=2, threshold="1/3")
    chair = board_of(world).chair
    for marks in [
        ["Huyện Nam Giang", "Huyện Tiên Phước"],
        ["Huyện Nam Giang", "Huyện Tiên Phước"],
        ["Huyện Nam Giang", "Huyện Phước Sơn"],
        ["Huyện Nam Giang", "Huyện Phước Sơn"],
        ["Huyện Tiên Phước", "Huyện Phước Sơn"],
        ["Huyện Nam Giang"],
    ]:
        vote(ballot, chair, marks)
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
    ballot, _codes = open_ballot(world)
    chair = board_of(world).chair
    vote(ballot, chair, ["Huyện Nam Giang"])
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


def test_open_issues_anonymous_codes_only_for_electronic_ballots(world: World) -> None:
    conference = make_conference(world)
    chair = board_of(world).chair
    paper = make_ballot(world, conference=conference, mode="paper")
    assert ballot_open(actor=chair, ballot=paper) == []
    assert paper.voters.count() == 3 and not BallotCode.objects.filter(ballot=paper).exists()
    electronic = make_ballot(world, conference=conference, title="Điện tử")
    codes = ballot_open(actor=chair, ballot=electronic)
    assert len(codes) == len(set(codes)) == 3 and all(len(c) == 10 for c in codes)
    # the slips carry no name: no code names a voter, and the stored hashes are not the codes
    names = list(electronic.voters.values_list("name", flat=True))
    assert not any(name in code or code in name for code in codes for name in names)
    stored = set(BallotCode.objects.filter(ballot=electronic).values_list("code_hash", flat=True))
    assert len(stored) == 3 and not stored & set(codes)


# --- a ballot whose ranking was republished after its candidates were taken -------------------------------


def _republish(run: ScoringRun) -> ScoringRun:
    return scoring_publish(actor=None, criteria_set=run.criteria_set, reason="Sửa số liệu giải ngân")


def test_a_ballot_whose_ranking_was_republished_cannot_open_until_kept_with_a_reason(world: World) -> None:
    first = publish_ranking(world)
    ballot = make_ballot(world)
    assert ballot.scoring_run == first and ballot_stale_run(ballot) is None
    second = _republish(first)
    assert second.number == 2 and ballot_stale_run(ballot) == second
    chair = board_of(world).chair
    with pytest.raises(ValidationFailed, match="bảng xếp hạng đã được công bố lại \\(lần 2\\)"):
        ballot_open(actor=chair, ballot=ballot)
    assert Ballot.objects.get(pk=ballot.pk).status == BallotStatus.DRAFT and not ballot.voters.exists()
    with pytest.raises(NotPermitted):
        ballot_stale_confirm(actor=chair, ballot=ballot, reason="Hội nghị giữ danh sách")
    for blank in ("", "   "):
        with pytest.raises(ValidationFailed, match="cần ghi lý do giữ danh sách ứng viên cũ"):
            ballot_stale_confirm(actor=world.head, ballot=ballot, reason=blank)
    kept = ballot_stale_confirm(
        actor=world.head, ballot=ballot, reason="  Lần công bố lại không đổi thứ hạng dẫn đầu "
    )
    assert kept.stale_reason == "Lần công bố lại không đổi thứ hạng dẫn đầu"
    assert kept.stale_confirmed_run == second and kept.scoring_run == first
    assert AuditEvent.objects.get(action="ballot.stale_confirm").summary == kept.stale_reason
    with pytest.raises(ValidationFailed, match="không cần xác nhận"):
        ballot_stale_confirm(actor=world.head, ballot=ballot, reason="lần nữa")
    _republish(first)  # a third publication: the reason was given for the second, not for this one
    with pytest.raises(ValidationFailed, match="lần 3"):
        ballot_open(actor=chair, ballot=ballot)


def test_a_refreshed_ballot_takes_the_latest_ranking_and_opens(world: World) -> None:
    first = publish_ranking(world)
    ballot = ballot_create(
        actor=world.head,
        conference=make_conference(world),
        purpose="merit",
        title="Đề nghị tặng Bằng khen",
        candidates=[CandidateInput("Huyện Nam Giang"), CandidateInput("Huyện Tiên Phước")],
        removed=[CandidateRemoval("Huyện Phước Sơn", "Đã đề nghị Cờ thi đua")],
    )
    second = _republish(first)
    with pytest.raises(NotPermitted):
        ballot_candidates_refresh(actor=board_of(world).chair, ballot=ballot)
    refreshed = ballot_candidates_refresh(actor=world.head, ballot=ballot)
    assert refreshed.scoring_run == second and ballot_stale_run(refreshed) is None
    assert "công bố lần 2" in refreshed.candidates_source
    ranked = [r["name"] for r in sorted(second.result["ranking"], key=lambda r: r["rank"])]
    assert list(refreshed.candidates.values_list("name", flat=True)) == ranked
    assert not refreshed.removed_candidates.exists()  # changes made to the old list are dropped
    assert len(ballot_open(actor=board_of(world).chair, ballot=refreshed)) == 3
    with pytest.raises(ValidationFailed, match="đã mở"):
        ballot_candidates_refresh(actor=world.head, ballot=refreshed)


def test_a_later_round_is_never_stale(world: World) -> None:
    first = publish_ranking(world)
    tied = _tie(world)
    second_round = ballot_next_round(actor=world.head, ballot=tied)
    _republish(first)
    assert ballot_stale_run(second_round) is None
