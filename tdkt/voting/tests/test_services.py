import datetime as dt

import pytest

from tdkt.core.errors import NotPermitted, ValidationFailed
from tdkt.core.models import AuditEvent
from tdkt.core.personas import World
from tdkt.voting.models import Ballot, BallotStatus, CastBallot, Voter
from tdkt.voting.services import (
    CandidateInput,
    IssuedCode,
    VoterInput,
    ballot_apply,
    ballot_cast,
    ballot_close,
    ballot_create,
    ballot_open,
    ballot_tally,
    box_problems,
    conference_create,
    receipt_in_box,
)

CANDIDATES = ["Huyện Phước Sơn", "Huyện Tiên Phước", "Huyện Nam Giang"]


def _open(world: World, n: int = 3, **rules: object) -> tuple[Ballot, list[IssuedCode]]:
    conference = conference_create(
        actor=world.head,
        cluster_year=world.cluster_year,
        kind="year_end",
        held_on=dt.date(2025, 3, 27),
        place="Thị trấn Khâm Đức",
        host=world.phuoc_son,
    )
    ballot = ballot_create(
        actor=world.head,
        conference=conference,
        purpose="flag",
        title="Suy tôn đơn vị dẫn đầu năm 2024",
        candidates=[CandidateInput(name) for name in CANDIDATES],
        seats=1,
        **rules,  # type: ignore[arg-type]
    )
    codes = ballot_open(
        actor=world.head, ballot=ballot, voters=[VoterInput(f"Đại biểu {i}") for i in range(1, n + 1)]
    )
    return ballot, codes


def test_a_whole_ballot_from_opening_to_result(world: World) -> None:
    ballot, codes = _open(world)
    receipts = [ballot_cast(ballot=ballot, code=c.code, marks=["Huyện Tiên Phước"]) for c in codes[:2]]
    ballot_cast(ballot=ballot, code=codes[2].code.lower(), marks=["Huyện Nam Giang"])  # codes are case-blind
    assert all(receipt_in_box(ballot=ballot, receipt=r.code) for r in receipts)
    ballot_close(actor=world.head, ballot=ballot)
    ballot = ballot_tally(actor=world.head, ballot=ballot)
    assert ballot.status == BallotStatus.TALLIED
    assert ballot.result["elected"] == ["Huyện Tiên Phước"]
    assert ballot.result["cast"] == 3 and len(ballot.result_hash) == 64
    assert box_problems(ballot) == []


def test_no_stored_row_links_a_voter_to_a_choice(world: World) -> None:
    ballot, codes = _open(world)
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
    ],
)
def test_invalid_choices_are_refused_and_the_code_stays_unused(
    world: World, marks: list[str], message: str
) -> None:
    ballot, codes = _open(world)
    with pytest.raises(ValidationFailed, match=message):
        ballot_cast(ballot=ballot, code=codes[0].code, marks=marks)
    assert not Voter.objects.filter(used=True).exists() and not CastBallot.objects.exists()
    ballot_cast(ballot=ballot, code=codes[0].code, marks=["Huyện Phước Sơn"])


def test_unknown_and_reused_codes_and_casting_after_close_are_refused(world: World) -> None:
    ballot, codes = _open(world)
    with pytest.raises(ValidationFailed, match="không đúng"):
        ballot_cast(ballot=ballot, code="KHONGCOMA1", marks=[])
    ballot_cast(ballot=ballot, code=codes[0].code, marks=["Huyện Phước Sơn"])
    with pytest.raises(ValidationFailed, match="đã được dùng"):
        ballot_cast(ballot=ballot, code=codes[0].code, marks=["Huyện Nam Giang"])
    ballot_close(actor=world.head, ballot=ballot)
    with pytest.raises(ValidationFailed, match="đã đóng"):
        ballot_cast(ballot=ballot, code=codes[1].code, marks=["Huyện Nam Giang"])
    assert CastBallot.objects.count() == 1


def test_an_open_ballot_cannot_be_tallied_and_only_managers_run_the_box(world: World) -> None:
    ballot, _codes = _open(world)
    with pytest.raises(ValidationFailed, match="đã đóng"):
        ballot_tally(actor=world.head, ballot=ballot)
    with pytest.raises(NotPermitted):
        ballot_close(actor=world.member, ballot=ballot)
    ballot_close(actor=world.board, ballot=ballot)
    with pytest.raises(NotPermitted):
        ballot_tally(actor=world.outsider, ballot=ballot)


def test_a_tampered_box_is_not_counted(world: World) -> None:
    ballot, codes = _open(world)
    for c in codes:
        ballot_cast(ballot=ballot, code=c.code, marks=["Huyện Nam Giang"])
    ballot_close(actor=world.head, ballot=ballot)
    CastBallot.objects.filter(pk=CastBallot.objects.order_by("id").first().pk).update(
        marks=["Huyện Tiên Phước"]
    )  # type: ignore[union-attr]
    with pytest.raises(ValidationFailed, match="đã bị sửa"):
        ballot_tally(actor=world.head, ballot=ballot)


def test_the_roll_cannot_change_once_open(world: World) -> None:
    ballot, _codes = _open(world)
    with pytest.raises(ValidationFailed, match="không đổi được"):
        ballot_open(actor=world.head, ballot=ballot, voters=[VoterInput("Người thêm")])
    assert ballot.voters.count() == 3


def test_bad_rules_are_refused(world: World) -> None:
    conference = conference_create(
        actor=None,
        cluster_year=world.cluster_year,
        kind="year_end",
        held_on=dt.date(2025, 3, 27),
        place="Khâm Đức",
        host=world.phuoc_son,
    )
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
            candidates=[CandidateInput("A"), CandidateInput("A")],
        )


def test_the_elected_head_is_written_into_next_year(world: World) -> None:
    conference = conference_create(
        actor=world.head,
        cluster_year=world.cluster_year,
        kind="year_end",
        held_on=dt.date(2025, 1, 20),
        place="Khâm Đức",
        host=world.phuoc_son,
    )
    ballot = ballot_create(
        actor=world.head,
        conference=conference,
        purpose="head",
        title="Bầu Trưởng cụm năm 2025",
        candidates=[CandidateInput(u.name, u) for u in (world.tien_phuoc, world.nam_giang)],
        seats=1,
    )
    codes = ballot_open(
        actor=world.head, ballot=ballot, voters=[VoterInput(f"Đại biểu {i}") for i in range(3)]
    )
    for c, choice in zip(codes, ["Huyện Nam Giang", "Huyện Nam Giang", "Huyện Tiên Phước"], strict=True):
        ballot_cast(ballot=ballot, code=c.code, marks=[choice])
    ballot_close(actor=world.head, ballot=ballot)
    ballot = ballot_tally(actor=world.head, ballot=ballot)
    role = ballot_apply(actor=world.head, ballot=ballot)
    assert role is not None and role.unit == world.nam_giang and role.cluster_year.year == 2025
    assert role.basis == "elected" and "Bầu Trưởng cụm năm 2025" in role.reference


def test_applying_an_untallied_ballot_is_refused(world: World) -> None:
    ballot, _codes = _open(world)
    with pytest.raises(ValidationFailed, match="đã kiểm"):
        ballot_apply(actor=world.head, ballot=ballot)
