"""The box from opening to result: anonymous slips handed out and activated at the table, casting,
closing and counting; the roll and its checks against its source; who may do what."""

import datetime as dt

import pytest

from tdkt.core.errors import NotPermitted, ValidationFailed
from tdkt.core.models import AuditEvent
from tdkt.core.personas import World
from tdkt.voting.box import (
    UNUSABLE_CODE,
    VoterInput,
    ballot_activate,
    ballot_cast,
    ballot_close,
    ballot_hand_out,
    ballot_hand_out_undo,
    ballot_open,
    ballot_roll_set,
    receipt_in_box,
)
from tdkt.voting.counting import ballot_tally, ballot_verify, box_problems
from tdkt.voting.models import (
    Ballot,
    BallotCode,
    BallotStatus,
    BoxReceipt,
    CastBallot,
    CodeState,
    RollChange,
    Voter,
)
from tdkt.voting.services import (
    CandidateInput,
    CandidateRemoval,
    DelegateInput,
    ballot_apply,
    ballot_create,
    conference_create,
    conference_delegates_set,
)
from tdkt.voting.tests.helpers import (
    activate,
    board_of,
    council_ballot,
    hand_out,
    make_ballot,
    make_conference,
    open_ballot,
    vote,
)

UNUSABLE = "mã bỏ phiếu không dùng được"


def test_a_whole_ballot_from_opening_to_result(world: World) -> None:
    ballot, codes = open_ballot(world)
    chair = board_of(world).chair
    receipts = [vote(ballot, chair, ["Huyện Tiên Phước"], code=c) for c in codes[:2]]
    vote(ballot, chair, ["Huyện Nam Giang"], code=codes[2].lower())  # codes are case-blind
    assert all(receipt_in_box(ballot=ballot, receipt=r.code) for r in receipts)
    assert not receipt_in_box(ballot=ballot, receipt=codes[0])
    ballot_close(actor=chair, ballot=ballot)
    ballot = ballot_tally(actor=chair, ballot=ballot)
    assert ballot.status == BallotStatus.TALLIED and ballot.minutes_number == 1
    assert ballot.result["elected"] == ["Huyện Tiên Phước"] and ballot.result["mode"] == "electronic"
    assert ballot.result["cast"] == 3 and len(ballot.result_hash) == 64
    assert ballot.result["checked_in"] == 3
    assert ballot.result["codes"] == {"issued": 3, "used": 3, "voided": 0}
    assert box_problems(ballot) == [] and ballot_verify(ballot) == []


def test_no_stored_row_links_a_voter_to_a_choice(world: World) -> None:
    ballot, codes = open_ballot(world)
    receipt = vote(ballot, board_of(world).chair, ["Huyện Phước Sơn"], code=codes[0])
    fields = {
        model: {f.name for f in model._meta.concrete_fields}
        for model in (Voter, CastBallot, BoxReceipt, BallotCode)
    }
    assert fields[Voter] == {"id", "ballot", "name", "unit", "received"}  # who received a slip, never which
    assert fields[CastBallot] == {"id", "ballot", "marks", "against"}  # choices only: no code, receipt, time
    assert fields[BoxReceipt] == {"id", "ballot", "receipt_hash"}  # no link to a ballot
    assert fields[BallotCode] == {"id", "ballot", "code_hash", "state"}  # no link to the roll, no time
    assert not AuditEvent.objects.filter(
        object_type__in=["voting.castballot", "voting.ballotcode", "voting.boxreceipt"]
    ).exists()
    hand_out_event = AuditEvent.objects.get(action="ballot.hand_out")
    assert codes[0] not in str(hand_out_event.after) and receipt.code not in str(hand_out_event.after)
    stored = str(list(BallotCode.objects.values_list("code_hash", flat=True)))
    assert codes[0] not in stored and receipt.code not in str(list(BoxReceipt.objects.values_list()))
    # random ids: neither the box nor the receipts keep the order of casting in their keys
    assert all(c.pk > 2**20 for c in CastBallot.objects.all())


@pytest.mark.parametrize(
    ("marks", "message"),
    [
        (["Huyện Phước Sơn", "Huyện Nam Giang"], "quá số tối đa 1"),
        (["Huyện Điện Bàn"], "không có trong danh sách ứng viên"),
        (["Huyện Nam Giang", "Huyện Nam Giang"], "hai lần"),
    ],
)
def test_invalid_choices_are_refused_and_the_code_stays_usable(
    world: World, marks: list[str], message: str
) -> None:
    ballot, codes = open_ballot(world)
    activate(ballot, board_of(world).chair, codes[0])
    with pytest.raises(ValidationFailed, match=message):
        ballot_cast(ballot=ballot, code=codes[0], marks=marks)
    assert not CastBallot.objects.exists() and not BallotCode.objects.filter(state=CodeState.USED).exists()
    ballot_cast(ballot=ballot, code=codes[0], marks=[" Huyện  Phước Sơn "])  # names compared after trimming
    assert list(CastBallot.objects.values_list("marks", flat=True)) == [["Huyện Phước Sơn"]]


def test_a_name_typed_in_decomposed_unicode_is_the_same_candidate(world: World) -> None:
    import unicodedata

    ballot, _codes = open_ballot(world)
    vote(ballot, board_of(world).chair, [unicodedata.normalize("NFD", "Huyện Tiên Phước")])
    assert list(CastBallot.objects.values_list("marks", flat=True)) == [["Huyện Tiên Phước"]]


def test_every_unusable_code_gets_the_same_answer_and_casting_after_close_is_refused(world: World) -> None:
    ballot, codes = open_ballot(world)
    chair = board_of(world).chair
    answers = []
    for code in ("KHONGCOMA1", "  -- ", codes[1]):  # unknown, empty, printed but not activated
        with pytest.raises(ValidationFailed) as refused:
            ballot_cast(ballot=ballot, code=code, marks=[])
        answers.append(refused.value.messages)
    vote(ballot, chair, ["Huyện Phước Sơn"], code=codes[0])
    with pytest.raises(ValidationFailed) as reused:
        ballot_cast(ballot=ballot, code=codes[0], marks=["Huyện Nam Giang"])
    answers.append(reused.value.messages)
    assert len({tuple(a) for a in answers}) == 1 and UNUSABLE in answers[0][0]
    assert UNUSABLE_CODE.startswith(UNUSABLE)
    ballot_close(actor=chair, ballot=ballot)
    with pytest.raises(ValidationFailed, match="đã đóng"):
        ballot_cast(ballot=ballot, code=codes[1], marks=["Huyện Nam Giang"])
    assert CastBallot.objects.count() == 1


def test_a_slip_is_usable_only_once_handed_out_to_a_voter_present(world: World) -> None:
    ballot, codes = open_ballot(world)
    chair = board_of(world).chair
    with pytest.raises(ValidationFailed, match="chưa có lượt phát phiếu nào đang chờ"):
        ballot_activate(ballot=ballot, code=codes[0])  # whoever printed the slips cannot use one
    assert BallotCode.objects.filter(state=CodeState.ACTIVE).count() == 0
    voter = hand_out(ballot, chair)
    assert Voter.objects.get(pk=voter.pk).received
    with pytest.raises(ValidationFailed, match="không đúng"):
        ballot_activate(ballot=ballot, code="SAIMA12345")  # a typo at the table is told as such
    ballot_activate(ballot=ballot, code=codes[0])
    ballot.refresh_from_db()
    assert ballot.pending_handouts == 0 and ballot.checked_in == 1
    with pytest.raises(ValidationFailed, match="chưa có lượt phát phiếu nào đang chờ"):
        ballot_activate(ballot=ballot, code=codes[1])  # one hand-out, one slip
    with pytest.raises(ValidationFailed, match="đã nhận phiếu"):
        ballot_hand_out(actor=chair, ballot=ballot, voter=voter)
    for persona in ("head", "board", "member", "outsider"):
        with pytest.raises(NotPermitted, match="Chỉ thành viên Ban kiểm phiếu"):
            ballot_hand_out(
                actor=getattr(world, persona), ballot=ballot, voter=Voter.objects.filter(received=False)[0]
            )


def test_a_hand_out_is_taken_back_only_with_a_reason_and_before_activation(world: World) -> None:
    ballot, codes = open_ballot(world)
    member = board_of(world).member
    voter = hand_out(ballot, member)
    with pytest.raises(ValidationFailed, match="lý do thu hồi"):
        ballot_hand_out_undo(actor=member, ballot=ballot, voter=voter, reason="  ")
    ballot_hand_out_undo(actor=member, ballot=ballot, voter=voter, reason="Ghi nhầm người")
    ballot.refresh_from_db()
    assert ballot.checked_in == 0 and ballot.pending_handouts == 0
    assert not Voter.objects.get(pk=voter.pk).received
    assert AuditEvent.objects.get(action="ballot.hand_out_undo").summary == "Ghi nhầm người"
    activate(ballot, member, codes[0])
    with pytest.raises(ValidationFailed, match="không thu hồi được"):
        ballot_hand_out_undo(actor=member, ballot=ballot, voter=voter, reason="Ghi nhầm người")


def test_a_code_of_another_ballot_is_unusable_here(world: World) -> None:
    ballot, _codes = open_ballot(world)
    _other, other_codes = open_ballot(world, title="Bầu lại")
    hand_out(ballot, board_of(world).chair)
    with pytest.raises(ValidationFailed, match="không đúng"):
        ballot_activate(ballot=ballot, code=other_codes[0])
    with pytest.raises(ValidationFailed, match=UNUSABLE):
        ballot_cast(ballot=ballot, code=other_codes[0], marks=[])
    assert not CastBallot.objects.exists()


def test_an_open_ballot_cannot_be_tallied(world: World) -> None:
    ballot, _codes = open_ballot(world)
    with pytest.raises(ValidationFailed, match="đã đóng"):
        ballot_tally(actor=board_of(world).chair, ballot=ballot)
    assert Ballot.objects.get(pk=ballot.pk).result is None


def test_closing_voids_the_unused_codes_and_counts_them(world: World) -> None:
    ballot, _codes = open_ballot(world, n=5)
    chair = board_of(world).chair
    vote(ballot, chair, ["Huyện Nam Giang"])
    vote(ballot, chair, ["Huyện Nam Giang"])
    hand_out(ballot, chair)  # handed out, never activated
    ballot = ballot_close(actor=chair, ballot=ballot)
    assert (ballot.codes_issued, ballot.codes_used, ballot.codes_voided) == (5, 2, 3)
    assert ballot.checked_in == 3 and ballot.cast_count == 2 and ballot.pending_handouts == 0
    assert BallotCode.objects.filter(ballot=ballot, state=CodeState.VOID).count() == 3
    ballot = ballot_tally(actor=chair, ballot=ballot)
    assert ballot.result["cast"] == 2 and ballot.result["checked_in"] == 3


@pytest.mark.parametrize("persona", ["head", "board", "member", "outsider"])
def test_only_the_counting_board_closes_and_tallies(world: World, persona: str) -> None:
    ballot, _codes = open_ballot(world)
    vote(ballot, board_of(world).member, ["Huyện Nam Giang"])
    with pytest.raises(NotPermitted, match="Chỉ thành viên Ban kiểm phiếu"):
        ballot_close(actor=getattr(world, persona), ballot=ballot)
    ballot_close(actor=board_of(world).member, ballot=ballot)  # any member of the board, not only the chair
    with pytest.raises(NotPermitted, match="Chỉ thành viên Ban kiểm phiếu"):
        ballot_tally(actor=getattr(world, persona), ballot=ballot)
    assert Ballot.objects.get(pk=ballot.pk).status == BallotStatus.CLOSED
    assert ballot_tally(actor=board_of(world).chair, ballot=ballot).result["cast"] == 1


REASON = "Đơn vị cử người khác đi họp"


@pytest.mark.parametrize("persona", ["head", "board", "member", "outsider"])
def test_a_roll_change_by_someone_not_on_the_counting_board_is_refused(world: World, persona: str) -> None:
    ballot = make_ballot(world)
    line = [VoterInput("Người thêm", world.tien_phuoc)]
    with pytest.raises(NotPermitted, match="Ban kiểm phiếu"):
        ballot_roll_set(actor=getattr(world, persona), ballot=ballot, voters=line, reason=REASON)
    with pytest.raises(NotPermitted, match="Ban kiểm phiếu"):
        ballot_open(actor=getattr(world, persona), ballot=ballot)
    assert not Voter.objects.exists() and not RollChange.objects.exists()
    assert ballot_roll_set(actor=board_of(world).member, ballot=ballot, voters=line, reason=REASON) == 1


def test_a_conference_without_a_counting_board_says_so(world: World) -> None:
    ballot = make_ballot(world, conference=make_conference(world, with_board=False))
    with pytest.raises(NotPermitted, match="chưa có Ban kiểm phiếu"):
        ballot_open(actor=world.head, ballot=ballot)


def test_the_roll_is_set_in_draft_with_a_reason_and_frozen_when_the_ballot_opens(world: World) -> None:
    ballot = make_ballot(world)
    board = board_of(world)
    an, binh = VoterInput("An", world.tien_phuoc), VoterInput("Bình", world.nam_giang)
    with pytest.raises(ValidationFailed, match="hai lần") as refused:
        ballot_roll_set(
            actor=board.chair, ballot=ballot, voters=[an, VoterInput("An", world.phuoc_son)], reason=REASON
        )
    assert refused.value.problems[0].row == 2
    ballot_roll_set(actor=board.chair, ballot=ballot, voters=[an, binh], reason=REASON)
    codes = ballot_open(actor=board.chair, ballot=ballot)
    assert len(codes) == 2 and Ballot.objects.get(pk=ballot.pk).electorate == 2
    assert sorted(ballot.voters.values_list("name", flat=True)) == ["An", "Bình"]
    with pytest.raises(ValidationFailed, match="đã được chốt"):
        ballot_roll_set(actor=board.chair, ballot=ballot, voters=[an], reason=REASON)
    with pytest.raises(ValidationFailed, match="đã mở"):
        ballot_open(actor=board.chair, ballot=ballot)
    assert ballot.voters.count() == 2 and BallotCode.objects.filter(ballot=ballot).count() == 2
    assert AuditEvent.objects.filter(action="ballot.roll", actor=board.chair).count() == 1


def test_a_roll_change_without_a_reason_is_refused_and_nothing_is_written(world: World) -> None:
    ballot = make_ballot(world)
    for reason in ("", "   "):
        with pytest.raises(ValidationFailed, match="cần ghi lý do thay đổi danh sách cử tri") as refused:
            ballot_roll_set(
                actor=board_of(world).chair,
                ballot=ballot,
                voters=[VoterInput("An", world.tien_phuoc)],
                reason=reason,
            )
        assert refused.value.problems[0].field == "reason"
    assert not Voter.objects.exists() and not RollChange.objects.exists()
    assert not AuditEvent.objects.filter(action="ballot.roll").exists()


def test_each_roll_change_is_recorded_with_what_changed_its_reason_and_who(world: World) -> None:
    ballot = make_ballot(world)
    board = board_of(world)
    default = sorted(v.name for v in ballot_roll_default(ballot))
    ballot_roll_set(
        actor=board.chair,
        ballot=ballot,
        voters=[VoterInput("Nguyễn Văn Tiên", world.tien_phuoc), VoterInput("Hồ Văn Giang", world.nam_giang)],
        reason="Phước Sơn vắng mặt; Tiên Phước, Nam Giang cử người",
    )
    ballot_roll_set(
        actor=board.member,
        ballot=ballot,
        voters=[
            VoterInput("Nguyễn Văn Tiên", world.tien_phuoc),
            VoterInput("Hồ Văn Giang", world.nam_giang),
            VoterInput("Trần Văn Sơn", world.phuoc_son),
        ],
        reason="Đại biểu Phước Sơn đến muộn",
    )
    first, second = RollChange.objects.filter(ballot=ballot).order_by("number")
    assert (first.number, second.number) == (1, 2)
    assert sorted(first.added) == ["Hồ Văn Giang", "Nguyễn Văn Tiên"] and sorted(first.removed) == default
    assert (
        first.reason == "Phước Sơn vắng mặt; Tiên Phước, Nam Giang cử người"
        and first.changed_by == board.chair
    )
    assert second.added == ["Trần Văn Sơn"] and second.removed == [] and second.changed_by == board.member


def ballot_roll_default(ballot: Ballot) -> list[VoterInput]:
    from tdkt.voting.box import current_roll

    return current_roll(ballot)


def test_a_roll_longer_than_its_source_is_refused(world: World) -> None:
    ballot = make_ballot(world)
    chair = board_of(world).chair
    members = [world.phuoc_son, world.tien_phuoc, world.nam_giang]
    seventy = [VoterInput(f"Đại biểu {i}", members[i % 3]) for i in range(1, 71)]
    with pytest.raises(ValidationFailed) as refused:
        ballot_roll_set(actor=chair, ballot=ballot, voters=seventy, reason=REASON)
    assert "70 cử tri, nhiều hơn nguồn danh sách: cụm có 3 đơn vị thành viên" in refused.value.messages[0]
    council = make_ballot(
        world,
        conference=ballot.conference,
        title="Hội đồng",
        electorate_kind="council",
        council_name="Hội đồng Thi đua – Khen thưởng huyện",
        council_size=5,
    )
    with pytest.raises(
        ValidationFailed, match=r"6 cử tri, nhiều hơn nguồn danh sách: hội đồng .* có 5 thành viên"
    ):
        ballot_roll_set(
            actor=chair, ballot=council, voters=[VoterInput(f"Ủy viên {i}") for i in range(6)], reason=REASON
        )
    assert not Voter.objects.exists() and not RollChange.objects.exists()
    assert (
        ballot_roll_set(
            actor=chair, ballot=council, voters=[VoterInput(f"Ủy viên {i}") for i in range(5)], reason=REASON
        )
        == 5
    )


def test_a_delegate_line_must_name_a_member_unit_once(world: World) -> None:
    ballot = make_ballot(world)
    chair = board_of(world).chair
    with pytest.raises(ValidationFailed) as refused:
        ballot_roll_set(
            actor=chair,
            ballot=ballot,
            voters=[
                VoterInput("An", world.tien_phuoc),
                VoterInput("Bình"),  # no unit
                VoterInput("Cường", world.dien_ban),  # a unit of another cluster
                VoterInput("Dũng", world.tien_phuoc),  # Tiên Phước a second time
            ],
            reason=REASON,
        )
    by_row = {p.row: p.message for p in refused.value.problems if p.row is not None}
    assert set(by_row) == {2, 3, 4}  # besides: 4 lines for 3 member units
    assert "“Bình” không đại diện cho đơn vị thành viên nào" in by_row[2]
    assert "“Cường” không đại diện cho đơn vị thành viên nào" in by_row[3]
    assert "Huyện Tiên Phước đã có đại biểu bỏ phiếu ở dòng 1" in by_row[4]
    assert not Voter.objects.exists()


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
    assert len(codes) == 3
    assert sorted(ballot.voters.values_list("name", flat=True)) == [
        "Nguyễn Văn Tiên (Huyện Tiên Phước)",
        "Đại diện lãnh đạo Huyện Nam Giang",
        "Đại diện lãnh đạo Huyện Phước Sơn",
    ]


def test_a_council_roll_must_be_typed_before_opening(world: World) -> None:
    ballot = make_ballot(
        world, electorate_kind="council", council_name="Hội đồng Thi đua – Khen thưởng", council_size=7
    )
    with pytest.raises(ValidationFailed, match="chưa lập danh sách cử tri"):
        ballot_open(actor=board_of(world).chair, ballot=ballot)
    opened = council_ballot(world, 7, conference=ballot.conference, title="Hội đồng bỏ phiếu")
    assert len(ballot_open(actor=board_of(world).chair, ballot=opened)) == 7


def test_a_council_needs_its_name_and_size(world: World) -> None:
    with pytest.raises(ValidationFailed) as refused:
        make_ballot(world, electorate_kind="council")
    assert {p.field for p in refused.value.problems} == {"council_name", "council_size"}
    with pytest.raises(ValidationFailed, match="chỉ ghi hội đồng khi cử tri là thành viên hội đồng"):
        make_ballot(world, council_name="Hội đồng", council_size=3)


def test_a_tampered_box_is_not_counted_and_verify_names_what_changed(world: World) -> None:
    ballot, _codes = open_ballot(world)
    chair = board_of(world).chair
    for _ in range(3):
        vote(ballot, chair, ["Huyện Nam Giang"])
    ballot_close(actor=chair, ballot=ballot)
    CastBallot.objects.filter(pk=CastBallot.objects.order_by("id").first().pk).update(  # type: ignore[union-attr]
        marks=["Huyện Tiên Phước"]
    )
    with pytest.raises(ValidationFailed, match="nội dung hòm phiếu khác với lúc đóng hòm"):
        ballot_tally(actor=chair, ballot=ballot)
    assert ballot_verify(ballot) == ["nội dung hòm phiếu khác với lúc đóng hòm (mã băm không khớp)"]


def test_a_box_whose_counts_disagree_is_not_counted(world: World) -> None:
    ballot, _codes = open_ballot(world)
    chair = board_of(world).chair
    for _ in range(2):
        vote(ballot, chair, ["Huyện Nam Giang"])
    ballot_close(actor=chair, ballot=ballot)
    BoxReceipt.objects.filter(pk=BoxReceipt.objects.order_by("id").first().pk).delete()  # type: ignore[union-attr]
    with pytest.raises(ValidationFailed) as refused:
        ballot_tally(actor=chair, ballot=ballot)
    messages = " ".join(refused.value.messages)
    assert "hòm phiếu có 2 phiếu nhưng 1 biên nhận" in messages
    assert "danh sách biên nhận khác với lúc đóng hòm" in messages
    assert Ballot.objects.get(pk=ballot.pk).status == BallotStatus.CLOSED


def test_a_counted_ballot_verifies_until_a_stored_row_is_edited(world: World) -> None:
    ballot, _codes = open_ballot(world)
    chair = board_of(world).chair
    for choice in ("Huyện Nam Giang", "Huyện Nam Giang", "Huyện Tiên Phước"):
        vote(ballot, chair, [choice])
    ballot_close(actor=chair, ballot=ballot)
    ballot = ballot_tally(actor=chair, ballot=ballot)
    assert ballot_verify(ballot) == []
    result = dict(ballot.result)
    result["elected"] = ["Huyện Tiên Phước"]
    Ballot.objects.filter(pk=ballot.pk).update(result=result)
    problems = ballot_verify(ballot)
    assert "kết quả đã lưu khác với mã băm kết quả ghi lúc kiểm phiếu" in problems
    assert any("kiểm lại hòm phiếu cho kết quả khác kết quả đã lưu (elected)" in p for p in problems)


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
    codes = ballot_open(actor=chair, ballot=ballot)  # the default roll: one delegate per member unit
    for c, choice in zip(codes, ["Huyện Nam Giang", "Huyện Nam Giang", "Huyện Tiên Phước"], strict=True):
        vote(ballot, chair, [choice], code=c)
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
