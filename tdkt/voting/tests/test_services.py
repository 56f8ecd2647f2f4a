import datetime as dt

import pytest

from tdkt.core.errors import NotPermitted, ValidationFailed
from tdkt.core.models import AuditEvent
from tdkt.core.personas import World
from tdkt.voting.models import Ballot, BallotStatus, CastBallot, Voter
from tdkt.voting.services import (
    CandidateInput,
    CandidateRemoval,
    DelegateInput,
    VoterInput,
    ballot_apply,
    ballot_cast,
    ballot_close,
    ballot_create,
    ballot_open,
    ballot_roll_set,
    ballot_tally,
    box_problems,
    conference_create,
    conference_delegates_set,
    receipt_in_box,
)
from tdkt.voting.tests.helpers import board_of, make_ballot, make_conference, open_ballot


def test_a_whole_ballot_from_opening_to_result(world: World) -> None:
    ballot, codes = open_ballot(world)
    chair = board_of(world).chair
    receipts = [ballot_cast(ballot=ballot, code=c.code, marks=["Huyện Tiên Phước"]) for c in codes[:2]]
    ballot_cast(ballot=ballot, code=codes[2].code.lower(), marks=["Huyện Nam Giang"])  # codes are case-blind
    assert all(receipt_in_box(ballot=ballot, receipt=r.code) for r in receipts)
    ballot_close(actor=chair, ballot=ballot)
    ballot = ballot_tally(actor=chair, ballot=ballot)
    assert ballot.status == BallotStatus.TALLIED
    assert ballot.result["elected"] == ["Huyện Tiên Phước"] and ballot.result["mode"] == "electronic"
    assert ballot.result["cast"] == 3 and len(ballot.result_hash) == 64
    assert box_problems(ballot) == []


def test_no_stored_row_links_a_voter_to_a_choice(world: World) -> None:
    ballot, codes = open_ballot(world)
    ballot_cast(ballot=ballot, code=codes[0].code, marks=["Huyện Phước Sơn"])
    voter_fields = {f.name for f in Voter._meta.concrete_fields}
    box_fields = {f.name for f in CastBallot._meta.concrete_fields}
    assert voter_fields == {
        "id",
        "ballot",
        "name",
        "unit",
        "code_hash",
        "used",
    }  # no time, no link to the box
    assert box_fields == {"id", "ballot", "marks", "against", "receipt_hash", "previous_hash", "entry_hash"}
    assert not AuditEvent.objects.filter(object_type__in=["voting.castballot", "voting.voter"]).exists()
    assert codes[0].code not in str(list(Voter.objects.values_list("code_hash", flat=True)))


@pytest.mark.parametrize(
    ("marks", "message"),
    [
        (["Huyện Phước Sơn", "Huyện Nam Giang"], "quá số tối đa 1"),
        (["Huyện Điện Bàn"], "không phải ứng viên"),
        (["Huyện Nam Giang", "Huyện Nam Giang"], "hai lần"),
    ],
)
def test_invalid_choices_are_refused_and_the_code_stays_unused(
    world: World, marks: list[str], message: str
) -> None:
    ballot, codes = open_ballot(world)
    with pytest.raises(ValidationFailed, match=message):
        ballot_cast(ballot=ballot, code=codes[0].code, marks=marks)
    assert not Voter.objects.filter(used=True).exists() and not CastBallot.objects.exists()
    ballot_cast(ballot=ballot, code=codes[0].code, marks=["Huyện Phước Sơn"])


def test_unknown_and_reused_codes_and_casting_after_close_are_refused(world: World) -> None:
    ballot, codes = open_ballot(world)
    with pytest.raises(ValidationFailed, match="không đúng"):
        ballot_cast(ballot=ballot, code="KHONGCOMA1", marks=[])
    with pytest.raises(ValidationFailed, match="không đúng"):
        ballot_cast(ballot=ballot, code="  -- ", marks=[])
    ballot_cast(ballot=ballot, code=codes[0].code, marks=["Huyện Phước Sơn"])
    with pytest.raises(ValidationFailed, match="đã được dùng"):
        ballot_cast(ballot=ballot, code=codes[0].code, marks=["Huyện Nam Giang"])
    ballot_close(actor=board_of(world).chair, ballot=ballot)
    with pytest.raises(ValidationFailed, match="đã đóng"):
        ballot_cast(ballot=ballot, code=codes[1].code, marks=["Huyện Nam Giang"])
    assert CastBallot.objects.count() == 1


def test_a_code_of_another_ballot_is_unknown_here(world: World) -> None:
    ballot, _codes = open_ballot(world)
    _other, other_codes = open_ballot(world, title="Bầu lại")
    with pytest.raises(ValidationFailed, match="không đúng"):
        ballot_cast(ballot=ballot, code=other_codes[0].code, marks=[])
    assert not CastBallot.objects.exists()


def test_an_open_ballot_cannot_be_tallied(world: World) -> None:
    ballot, _codes = open_ballot(world)
    with pytest.raises(ValidationFailed, match="đã đóng"):
        ballot_tally(actor=board_of(world).chair, ballot=ballot)
    assert Ballot.objects.get(pk=ballot.pk).result is None


@pytest.mark.parametrize("persona", ["head", "board", "member", "outsider"])
def test_only_the_counting_board_closes_and_tallies(world: World, persona: str) -> None:
    ballot, codes = open_ballot(world)
    ballot_cast(ballot=ballot, code=codes[0].code, marks=["Huyện Nam Giang"])
    with pytest.raises(NotPermitted, match="Chỉ thành viên Ban kiểm phiếu"):
        ballot_close(actor=getattr(world, persona), ballot=ballot)
    ballot_close(actor=board_of(world).member, ballot=ballot)  # any member of the board, not only the chair
    with pytest.raises(NotPermitted, match="Chỉ thành viên Ban kiểm phiếu"):
        ballot_tally(actor=getattr(world, persona), ballot=ballot)
    assert Ballot.objects.get(pk=ballot.pk).status == BallotStatus.CLOSED
    assert ballot_tally(actor=board_of(world).chair, ballot=ballot).result["cast"] == 1


@pytest.mark.parametrize("persona", ["head", "board", "member", "outsider"])
def test_a_roll_change_by_someone_not_on_the_counting_board_is_refused(world: World, persona: str) -> None:
    ballot = make_ballot(world)
    with pytest.raises(NotPermitted, match="Ban kiểm phiếu"):
        ballot_roll_set(actor=getattr(world, persona), ballot=ballot, voters=[VoterInput("Người lạ")])
    with pytest.raises(NotPermitted, match="Ban kiểm phiếu"):
        ballot_open(actor=getattr(world, persona), ballot=ballot, voters=[VoterInput("Người lạ")])
    assert not Voter.objects.exists()
    assert (
        ballot_roll_set(actor=board_of(world).member, ballot=ballot, voters=[VoterInput("Người thêm")]) == 1
    )


def test_a_conference_without_a_counting_board_says_so(world: World) -> None:
    ballot = make_ballot(world, conference=make_conference(world, with_board=False))
    with pytest.raises(NotPermitted, match="chưa có Ban kiểm phiếu"):
        ballot_open(actor=world.head, ballot=ballot)


def test_the_roll_is_set_in_draft_and_frozen_when_the_ballot_opens(world: World) -> None:
    ballot = make_ballot(world)
    board = board_of(world)
    with pytest.raises(ValidationFailed, match="hai lần") as refused:
        ballot_roll_set(actor=board.chair, ballot=ballot, voters=[VoterInput("An"), VoterInput("An")])
    assert refused.value.problems[0].row == 2
    ballot_roll_set(actor=board.chair, ballot=ballot, voters=[VoterInput("An"), VoterInput("Bình")])
    codes = ballot_open(actor=board.chair, ballot=ballot)
    assert [c.voter for c in codes] == ["An", "Bình"] and Ballot.objects.get(pk=ballot.pk).electorate == 2
    with pytest.raises(ValidationFailed, match="đã được chốt"):
        ballot_roll_set(actor=board.chair, ballot=ballot, voters=[VoterInput("Người thêm")])
    with pytest.raises(ValidationFailed, match="không đổi được"):
        ballot_open(actor=board.chair, ballot=ballot, voters=[VoterInput("Người thêm")])
    assert ballot.voters.count() == 2
    assert AuditEvent.objects.filter(action="ballot.roll", actor=board.chair).count() == 1


def test_the_default_roll_is_one_delegate_per_member_unit(world: World) -> None:
    ballot = make_ballot(world)
    conference_delegates_set(
        actor=world.head,
        conference=ballot.conference,
        delegates=[
            DelegateInput(world.tien_phuoc, "Nguyễn Văn Tiên", "Chủ tịch UBND huyện", votes=True),
            DelegateInput(world.tien_phuoc, "Lê Thị Phước", "Trưởng phòng Nội vụ"),
        ],
    )
    codes = ballot_open(actor=board_of(world).chair, ballot=ballot)
    assert sorted(c.voter for c in codes) == [
        "Nguyễn Văn Tiên (Huyện Tiên Phước)",
        "Đại diện lãnh đạo Huyện Nam Giang",
        "Đại diện lãnh đạo Huyện Phước Sơn",
    ]


def test_a_council_roll_must_be_typed_before_opening(world: World) -> None:
    ballot = make_ballot(world, electorate_kind="council")
    with pytest.raises(ValidationFailed, match="chưa lập danh sách cử tri"):
        ballot_open(actor=board_of(world).chair, ballot=ballot)


def test_a_tampered_box_is_not_counted(world: World) -> None:
    ballot, codes = open_ballot(world)
    chair = board_of(world).chair
    for c in codes:
        ballot_cast(ballot=ballot, code=c.code, marks=["Huyện Nam Giang"])
    ballot_close(actor=chair, ballot=ballot)
    CastBallot.objects.filter(pk=CastBallot.objects.order_by("id").first().pk).update(  # type: ignore[union-attr]
        marks=["Huyện Tiên Phước"]
    )
    with pytest.raises(ValidationFailed, match="đã bị sửa"):
        ballot_tally(actor=chair, ballot=ballot)


def test_bad_rules_are_refused(world: World) -> None:
    conference = make_conference(world)
    with pytest.raises(ValidationFailed, match="không phải là tỷ lệ"):
        ballot_create(
            actor=None,
            conference=conference,
            purpose="flag",
            title="x",
            candidates=[CandidateInput("A")],
            quorum="hai phần ba",
        )
    with pytest.raises(ValidationFailed, match="tên trùng"):
        ballot_create(
            actor=None,
            conference=conference,
            purpose="flag",
            title="x",
            candidates=[CandidateInput("A", reason="r"), CandidateInput("A", reason="r")],
        )
    with pytest.raises(ValidationFailed, match="mục đích"):
        ballot_create(actor=None, conference=conference, purpose="thưởng", title="x", candidates=[])
    assert not Ballot.objects.exists()


def test_only_managers_prepare_ballots(world: World) -> None:
    conference = make_conference(world)
    every_member = [CandidateInput(u.name, u) for u in (world.phuoc_son, world.tien_phuoc, world.nam_giang)]
    for persona in (world.member, world.outsider, board_of(world).chair):
        with pytest.raises(NotPermitted, match="Chỉ Trưởng cụm"):
            ballot_create(
                actor=persona, conference=conference, purpose="flag", title="x", candidates=every_member
            )
    for persona in (world.head, world.board):
        ballot_create(
            actor=persona, conference=conference, purpose="flag", title="x", candidates=every_member
        )
    assert Ballot.objects.count() == 2


def test_the_elected_head_is_written_into_next_year_by_a_manager(world: World) -> None:
    conference = make_conference(world)
    chair = board_of(world).chair
    ballot = ballot_create(
        actor=world.head,
        conference=conference,
        purpose="head",
        title="Bầu Trưởng cụm năm 2025",
        candidates=[CandidateInput(u.name, u) for u in (world.tien_phuoc, world.nam_giang)],
        removed=[CandidateRemoval("Huyện Phước Sơn", "Đang là Trưởng cụm năm 2024, không ứng cử")],
        seats=1,
    )
    codes = ballot_open(actor=chair, ballot=ballot, voters=[VoterInput(f"Đại biểu {i}") for i in range(3)])
    for c, choice in zip(codes, ["Huyện Nam Giang", "Huyện Nam Giang", "Huyện Tiên Phước"], strict=True):
        ballot_cast(ballot=ballot, code=c.code, marks=[choice])
    ballot_close(actor=chair, ballot=ballot)
    ballot = ballot_tally(actor=chair, ballot=ballot)
    with pytest.raises(NotPermitted):
        ballot_apply(actor=chair, ballot=ballot)  # counting is not deciding where the result goes
    role = ballot_apply(actor=world.head, ballot=ballot)
    assert role is not None and role.unit == world.nam_giang and role.cluster_year.year == 2025
    assert role.basis == "elected" and "Bầu Trưởng cụm năm 2025" in role.reference
    with pytest.raises(ValidationFailed, match="đã được ghi"):
        ballot_apply(actor=world.head, ballot=ballot)


def test_applying_an_untallied_ballot_is_refused(world: World) -> None:
    ballot, _codes = open_ballot(world)
    with pytest.raises(ValidationFailed, match="đã kiểm"):
        ballot_apply(actor=world.head, ballot=ballot)


def test_conference_is_prepared_by_managers_only(world: World) -> None:
    for persona in (world.member, world.outsider):
        with pytest.raises(NotPermitted):
            conference_create(
                actor=persona,
                cluster_year=world.cluster_year,
                kind="mid_year",
                held_on=dt.date(2024, 7, 10),
                place="Khâm Đức",
                host=world.phuoc_son,
            )
