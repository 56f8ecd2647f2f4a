"""Paper ballots: handed to the voters present (ticked on the roll while the box is open), entered by one
member of the counting board, confirmed by another, impossible counts refused with their row and field,
never more than the voters who received one, never counted twice, never both paper and electronic."""

import re

import pytest

from tdkt.core.errors import NotPermitted, ValidationFailed
from tdkt.core.personas import World
from tdkt.voting.box import ballot_cast, ballot_close, ballot_hand_out_undo, ballot_open
from tdkt.voting.counting import ballot_tally, ballot_verify
from tdkt.voting.models import Ballot, EntryStatus, PaperEntry, Voter
from tdkt.voting.paper import (
    PaperBallotInput,
    PaperTotalsInput,
    paper_entry_confirm,
    paper_entry_reject,
    paper_entry_submit,
    paper_problems,
)
from tdkt.voting.tests.helpers import board_of, council_ballot, hand_out, make_ballot, open_ballot

PS, TP, NG = "Huyện Phước Sơn", "Huyện Tiên Phước", "Huyện Nam Giang"


def _closed_paper(world: World, n: int = 5, handed: int | None = None, **rules: object) -> Ballot:
    """A paper ballot of `n` voters (a council; three are the member units), `handed` of them (all by
    default) handed a paper ballot while the box was open, then closed."""
    chair = board_of(world).chair
    ballot = (
        make_ballot(world, mode="paper", **rules)
        if n == 3
        else council_ballot(world, n, mode="paper", **rules)
    )
    assert ballot_open(actor=chair, ballot=ballot) == []
    for _ in range(n if handed is None else handed):
        hand_out(ballot, chair)
    return ballot_close(actor=chair, ballot=ballot)


def test_paper_ballots_entered_one_by_one_count_once_a_second_member_confirms(world: World) -> None:
    board = board_of(world)
    ballot = _closed_paper(world)
    entry = paper_entry_submit(
        actor=board.chair,
        ballot=ballot,
        ballots=[
            PaperBallotInput([TP]),
            PaperBallotInput([TP]),
            PaperBallotInput([NG]),
            PaperBallotInput([]),  # blank: valid, nobody chosen
            PaperBallotInput(spoiled=True),
        ],
    )
    assert entry.status == EntryStatus.PENDING and entry.cast == 5
    with pytest.raises(ValidationFailed, match="chưa được xác nhận"):
        ballot_tally(actor=board.chair, ballot=ballot)
    with pytest.raises(NotPermitted, match="Người nhập không tự xác nhận"):
        paper_entry_confirm(actor=board.chair, entry=entry)
    paper_entry_confirm(actor=board.member, entry=entry)
    with pytest.raises(ValidationFailed, match="không xác nhận lại"):
        paper_entry_confirm(actor=board.member, entry=entry)
    ballot = ballot_tally(actor=board.member, ballot=ballot)
    result = ballot.result
    assert result["mode"] == "paper" and result["cast"] == 5 and result["valid"] == 4
    assert [c["yes"] for c in result["counts"]] == [0, 2, 1] and result["elected"] == []  # 2/4 is not > 1/2
    assert ballot.box_hash == PaperEntry.objects.get().entry_hash and paper_problems(ballot) == []
    assert ballot.result["blank"] == 1 and ballot.result["checked_in"] == 5 and ballot_verify(ballot) == []


def test_paper_totals_are_entered_and_confirmed(world: World) -> None:
    board = board_of(world)
    ballot = _closed_paper(world, n=8, method="yes_no", seats=None)
    entry = paper_entry_submit(
        actor=board.member,
        ballot=ballot,
        totals=PaperTotalsInput(cast=7, invalid=1, yes={PS: 2, TP: 6, NG: 3}, no={PS: 4, TP: 0, NG: 3}),
    )
    paper_entry_confirm(actor=board.chair, entry=entry)
    ballot = ballot_tally(actor=board.chair, ballot=ballot)
    assert ballot.result["cast"] == 7 and ballot.result["valid"] == 6 and ballot.result["elected"] == [TP]
    assert ballot.result["counts"][0]["no"] == 4


@pytest.mark.parametrize(
    ("ballots", "message", "row"),
    [
        ([PaperBallotInput([TP]), PaperBallotInput([TP, NG])], "chọn 2 người, quá số tối đa 1", 2),
        ([PaperBallotInput(["Thị xã Điện Bàn"])], "không phải ứng viên", 1),
        ([PaperBallotInput([TP], against=[NG])], "không có ô “không đồng ý”", 1),
        ([PaperBallotInput([TP, TP])], "hai lần", 1),
        ([PaperBallotInput([TP], spoiled=True)], "không ghi lựa chọn", 1),
    ],
)
def test_an_impossible_paper_ballot_is_refused_with_its_row_and_nothing_is_stored(
    world: World, ballots: list[PaperBallotInput], message: str, row: int
) -> None:
    ballot = _closed_paper(world)
    with pytest.raises(ValidationFailed, match=message) as refused:
        paper_entry_submit(actor=board_of(world).chair, ballot=ballot, ballots=ballots)
    assert refused.value.problems[0].row == row and refused.value.problems[0].field == "ballots"
    assert f"Dòng {row}" in refused.value.messages[0]
    assert not PaperEntry.objects.exists()


@pytest.mark.parametrize(
    ("totals", "message", "field", "row"),
    [
        (PaperTotalsInput(6, 0, {TP: 6}), "nhiều hơn số cử tri chưa được tính (5)", "cast", None),
        (PaperTotalsInput(-1, 0, {}), "không được âm", "cast", None),
        (PaperTotalsInput(5, 0, {NG: -2}), "Huyện Nam Giang: số phiếu đồng ý không được âm", "yes", 3),
        (PaperTotalsInput(3, 4, {}), "không hợp lệ (4) nhiều hơn số phiếu thu về (3)", "invalid", None),
        (
            PaperTotalsInput(5, 1, {TP: 5}),
            "Huyện Tiên Phước: 5 phiếu đồng ý, nhiều hơn số phiếu hợp lệ (4)",
            "yes",
            2,
        ),
        (PaperTotalsInput(5, 0, {TP: 3, NG: 3}), "tổng số lựa chọn (6) vượt quá 1 lựa chọn × 5", "yes", None),
        (PaperTotalsInput(5, 0, {"Người lạ": 1}), "“Người lạ” không phải ứng viên", "candidates", None),
        (PaperTotalsInput(5, 0, {TP: 2}, no={TP: 1}), "không có ô “không đồng ý”", "no", 2),
    ],
)
def test_impossible_totals_are_refused_with_their_field_and_nothing_is_stored(
    world: World, totals: PaperTotalsInput, message: str, field: str, row: int | None
) -> None:
    ballot = _closed_paper(world)
    with pytest.raises(ValidationFailed, match=re.escape(message)) as refused:
        paper_entry_submit(actor=board_of(world).chair, ballot=ballot, totals=totals)
    problem = next(p for p in refused.value.problems if message.split(":")[0] in p.message)
    assert (problem.field, problem.row) == (field, row)
    assert not PaperEntry.objects.exists()


def test_yes_and_no_together_above_the_valid_ballots_are_refused(world: World) -> None:
    ballot = _closed_paper(world, method="yes_no", seats=None)
    with pytest.raises(ValidationFailed, match="cộng lại nhiều hơn số phiếu hợp lệ"):
        paper_entry_submit(
            actor=board_of(world).chair, ballot=ballot, totals=PaperTotalsInput(5, 0, {TP: 3}, no={TP: 3})
        )


def test_more_paper_ballots_than_voters_across_entries_are_refused(world: World) -> None:
    board = board_of(world)
    ballot = _closed_paper(world, n=3)
    first = paper_entry_submit(actor=board.chair, ballot=ballot, ballots=[PaperBallotInput([TP])] * 2)
    paper_entry_confirm(actor=board.member, entry=first)
    with pytest.raises(
        ValidationFailed, match=re.escape("nhiều hơn số cử tri đã nhận phiếu mà chưa được tính (1 trên 3")
    ):
        paper_entry_submit(actor=board.chair, ballot=ballot, ballots=[PaperBallotInput([NG])] * 2)
    second = paper_entry_submit(actor=board.chair, ballot=ballot, ballots=[PaperBallotInput([NG])])
    paper_entry_confirm(actor=board.member, entry=second)
    assert ballot_tally(actor=board.chair, ballot=ballot).result["cast"] == 3


def test_paper_ballots_cannot_exceed_the_voters_handed_one(world: World) -> None:
    board = board_of(world)
    ballot = _closed_paper(world, n=5, handed=3)  # two voters on the roll never came for a paper ballot
    assert ballot.checked_in == 3 and ballot.electorate == 5
    with pytest.raises(
        ValidationFailed,
        match=re.escape("4 phiếu, nhiều hơn số cử tri đã nhận phiếu mà chưa được tính (3 trên 3"),
    ):
        paper_entry_submit(actor=board.chair, ballot=ballot, ballots=[PaperBallotInput([TP])] * 4)
    with pytest.raises(
        ValidationFailed, match=re.escape("số phiếu thu về (4) nhiều hơn số cử tri chưa được tính (3)")
    ):
        paper_entry_submit(actor=board.chair, ballot=ballot, totals=PaperTotalsInput(4, 0, {TP: 4}))
    assert not PaperEntry.objects.exists()
    entry = paper_entry_submit(actor=board.chair, ballot=ballot, totals=PaperTotalsInput(3, 0, {TP: 3}))
    paper_entry_confirm(actor=board.member, entry=entry)
    result = ballot_tally(actor=board.chair, ballot=ballot).result
    assert result["cast"] == 3 and result["checked_in"] == 3 and result["electorate"] == 5


def test_a_paper_ballot_hand_out_is_taken_back_with_a_reason(world: World) -> None:
    chair = board_of(world).chair
    ballot = make_ballot(world, mode="paper")
    ballot_open(actor=chair, ballot=ballot)
    voter = hand_out(ballot, chair)
    ballot_hand_out_undo(actor=chair, ballot=ballot, voter=voter, reason="Phát nhầm người")
    assert not Voter.objects.get(pk=voter.pk).received
    ballot = ballot_close(actor=chair, ballot=ballot)
    assert ballot.checked_in == 0
    with pytest.raises(ValidationFailed, match="nhiều hơn số cử tri"):
        paper_entry_submit(actor=chair, ballot=ballot, ballots=[PaperBallotInput([TP])])


def test_a_ballot_is_counted_one_way_only(world: World) -> None:
    board = board_of(world)
    ballot = _closed_paper(world)
    entry = paper_entry_submit(actor=board.chair, ballot=ballot, totals=PaperTotalsInput(2, 0, {TP: 2}))
    with pytest.raises(ValidationFailed, match="đang chờ xác nhận"):
        paper_entry_submit(actor=board.member, ballot=ballot, ballots=[PaperBallotInput([TP])])
    paper_entry_confirm(actor=board.member, entry=entry)
    for kwargs in ({"ballots": [PaperBallotInput([TP])]}, {"totals": PaperTotalsInput(1, 0, {TP: 1})}):
        with pytest.raises(ValidationFailed, match="chỉ nhập một cách"):
            paper_entry_submit(actor=board.chair, ballot=ballot, **kwargs)  # type: ignore[arg-type]
    assert PaperEntry.objects.count() == 1


def test_a_rejected_entry_never_counts(world: World) -> None:
    board = board_of(world)
    ballot = _closed_paper(world)
    entry = paper_entry_submit(actor=board.chair, ballot=ballot, totals=PaperTotalsInput(5, 0, {TP: 5}))
    with pytest.raises(ValidationFailed, match="lý do"):
        paper_entry_reject(actor=board.member, entry=entry, reason=" ")
    paper_entry_reject(actor=board.member, entry=entry, reason="Đếm lại: nhập nhầm cột")
    with pytest.raises(ValidationFailed, match="không xác nhận lại"):
        paper_entry_confirm(actor=board.member, entry=entry)
    with pytest.raises(ValidationFailed, match="chưa có phiếu giấy nào"):
        ballot_tally(actor=board.chair, ballot=ballot)
    again = paper_entry_submit(actor=board.chair, ballot=ballot, totals=PaperTotalsInput(5, 0, {NG: 4}))
    paper_entry_confirm(actor=board.member, entry=again)
    result = ballot_tally(actor=board.chair, ballot=ballot).result
    assert [c["yes"] for c in result["counts"]] == [0, 0, 4] and result["elected"] == [NG]


@pytest.mark.parametrize("persona", ["head", "board", "member", "outsider"])
def test_only_the_counting_board_enters_and_confirms_paper_ballots(world: World, persona: str) -> None:
    board = board_of(world)
    ballot = _closed_paper(world)
    with pytest.raises(NotPermitted, match="Chỉ thành viên Ban kiểm phiếu"):
        paper_entry_submit(actor=getattr(world, persona), ballot=ballot, ballots=[PaperBallotInput([TP])])
    entry = paper_entry_submit(actor=board.chair, ballot=ballot, ballots=[PaperBallotInput([TP])])
    with pytest.raises(NotPermitted, match="Chỉ thành viên Ban kiểm phiếu"):
        paper_entry_confirm(actor=getattr(world, persona), entry=entry)
    with pytest.raises(NotPermitted, match="Chỉ thành viên Ban kiểm phiếu"):
        paper_entry_reject(actor=getattr(world, persona), entry=entry, reason="x")
    assert PaperEntry.objects.get().status == EntryStatus.PENDING


def test_paper_and_electronic_never_mix(world: World) -> None:
    board = board_of(world)
    electronic, codes = open_ballot(world)
    electronic = ballot_close(actor=board.chair, ballot=electronic)
    with pytest.raises(ValidationFailed, match="bỏ phiếu điện tử: không nhập phiếu giấy"):
        paper_entry_submit(actor=board.chair, ballot=electronic, ballots=[PaperBallotInput([TP])])
    paper = make_ballot(world, conference=electronic.conference, mode="paper", title="Phiếu giấy")
    assert ballot_open(actor=board.chair, ballot=paper) == []
    hand_out(paper, board.chair)
    assert paper.codes.count() == 0 and Ballot.objects.get(pk=paper.pk).pending_handouts == 0
    with pytest.raises(ValidationFailed, match="dùng phiếu giấy: không nhận phiếu điện tử"):
        ballot_cast(ballot=paper, code=codes[0], marks=[TP])
    with pytest.raises(ValidationFailed, match="sau khi đóng hòm phiếu"):
        paper_entry_submit(actor=board.chair, ballot=paper, ballots=[PaperBallotInput([TP])])
    assert not PaperEntry.objects.exists()


def test_a_confirmed_entry_altered_afterwards_is_not_counted(world: World) -> None:
    board = board_of(world)
    ballot = _closed_paper(world)
    entry = paper_entry_submit(actor=board.chair, ballot=ballot, totals=PaperTotalsInput(5, 0, {TP: 5}))
    paper_entry_confirm(actor=board.member, entry=entry)
    PaperEntry.objects.filter(pk=entry.pk).update(
        content={
            "totals": {"cast": 5, "invalid": 0, "yes": {PS: 5, TP: 0, NG: 0}, "no": {PS: 0, TP: 0, NG: 0}}
        }
    )
    with pytest.raises(ValidationFailed, match="đã bị sửa sau khi xác nhận"):
        ballot_tally(actor=board.chair, ballot=ballot)


def test_a_paper_entry_names_the_board_members_and_never_a_voter_or_a_time(world: World) -> None:
    fields = {f.name for f in PaperEntry._meta.concrete_fields}
    assert fields == {
        "id",
        "ballot",
        "number",
        "kind",
        "content",
        "cast",
        "status",
        "entered_by",
        "confirmed_by",
        "previous_hash",
        "entry_hash",
    }
