"""The council's vote on a dossier: thresholds from the track's data, a yes/no ballot on the dossier's lines
at a session of the council that receives it, the result written back (a line below the threshold left out
with its figures, the minutes attached), and only then may the dossier be approved. Attacks: the proposer
cannot vote unless on the council's roll."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import User

from tdkt.core.errors import NotPermitted, ValidationFailed
from tdkt.core.personas import PASSWORD, World
from tdkt.dossiers import states, tracks
from tdkt.dossiers.council import council_ballot_create, council_done, council_result_apply
from tdkt.dossiers.models import Dossier, DossierDocument
from tdkt.dossiers.services import dossier_act, dossier_create, dossier_document_add, dossier_line_add
from tdkt.org.models import Account, Gender, Person, Role
from tdkt.org.services import person_create
from tdkt.voting.box import (
    VoterInput,
    ballot_activate,
    ballot_cast,
    ballot_close,
    ballot_hand_out,
    ballot_roll_set,
)
from tdkt.voting.counting import ballot_tally
from tdkt.voting.models import Ballot, Conference, Voter
from tdkt.voting.services import council_session_create, counting_board_set
from tdkt.voting.tests.helpers import _SLIPS, vote

pytestmark = pytest.mark.django_db


def _person(name: str, world: World) -> Person:
    return person_create(
        actor=None,
        full_name=name,
        gender=Gender.FEMALE,
        unit=world.tien_phuoc,
        start=dt.date(2020, 1, 1),
        position="Chuyên viên",
    )


def _board_account(username: str, family: str, given: str) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, first_name=given, last_name=family)
    Account.objects.create(user=user, role=Role.BOARD)
    return user


def before_council(world: World, titles: tuple[str, ...] = ("CSTD_TINH", "CSTD_TINH")) -> Dossier:
    """A unit's dossier for province-level titles, sent, received, checked and put to the council."""
    dossier = dossier_create(
        actor=world.member,
        track="TINH_KHEN",
        cycle=2024,
        proposer=world.tien_phuoc,
        subject="Đề nghị công nhận Chiến sĩ thi đua cấp tỉnh năm 2024",
    )
    for name, title in zip(("Trương Thị Ngân", "Lê Thị Tài"), titles, strict=True):
        dossier_line_add(actor=world.member, dossier=dossier, title=title, person=_person(name, world))
    for kind in ("bien_ban", "bao_cao_thanh_tich", "xac_nhan_sang_kien"):
        dossier_document_add(
            actor=world.member,
            dossier=dossier,
            kind=kind,
            name="",
            filename="van-ban.pdf",
            content=b"%PDF-1.4 x",
        )
    dossier.refresh_from_db()
    dossier = dossier_act(actor=world.member, dossier=dossier, action=states.SEND, version=dossier.version)
    steps: tuple[tuple[str, dict[str, Any]], ...] = (
        (states.RECEIVE, {}),
        (states.ASSIGN, {"specialist": world.board}),
        (states.CHECK, {}),
        (states.TO_COUNCIL, {}),
    )
    for action, extra in steps:
        dossier = dossier_act(
            actor=world.board, dossier=dossier, action=action, version=dossier.version, **extra
        )
    assert dossier.state == states.COUNCIL
    return dossier


def session(world: World, size: int = 10) -> tuple[Conference, User, User]:
    conference = council_session_create(
        actor=world.board,
        council_of=world.province,
        held_on=dt.date(2025, 4, 10),
        place="Tam Kỳ",
        council_size=size,
        council_basis="Quyết định số 12/QĐ-UBND",
    )
    chair = _board_account("t-hd-truong", "Phan Thị", "Kiểm")
    member = _board_account("t-hd-uyvien", "Ngô Văn", "Đếm")
    counting_board_set(actor=world.board, conference=conference, members=[chair, member], chair=chair)
    return conference, chair, member


def _roll(ballot: Ballot, chair: User, names: list[str]) -> None:
    ballot_roll_set(
        actor=chair, ballot=ballot, voters=[VoterInput(n) for n in names], reason="Thành viên Hội đồng"
    )


def _open(ballot: Ballot, chair: User) -> None:
    from tdkt.voting.box import ballot_open

    _SLIPS[ballot.pk] = list(ballot_open(actor=chair, ballot=ballot))


# --------------------------------------------------------------------------------------- thresholds as data


def test_the_council_rule_of_a_title_comes_from_the_tracks_data() -> None:
    council = tracks.track("TINH_KHEN").council_rule
    assert council is not None
    cstd = council.rule_for("CSTD_TINH")
    assert (cstd.threshold, cstd.strict, cstd.base, cstd.rule) == ("9/10", False, "electorate", "VOTE_01")
    assert cstd.tag == "R" and cstd.earlier_tag == "V-old" and "Điều 45 khoản 8" in cstd.earlier_citation
    default = council.rule_for("BK_TINH")
    assert (default.threshold, default.strict, default.base) == ("1/2", True, "valid")
    assert tracks.track("DOT_XUAT").council_rule is None


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"threshold": "3/2"}, "phải nằm trong [0; 1]"),
        ({"base": "present"}, "base"),
        ({"tag": "X"}, "tag"),
        ({"secret": False}, "bỏ phiếu kín"),
        ({"extra": 1}, "không được dùng"),
    ],
)
def test_a_bad_council_rule_is_refused_on_load(change: dict[str, Any], expected: str) -> None:
    raw = {"tracks": [dict(_track_raw("TINH_KHEN"))]}
    rule = dict(raw["tracks"][0]["council_rule"]["titles"]["CSTD_TINH"])
    rule.update(change)
    raw["tracks"][0]["council_rule"] = {**raw["tracks"][0]["council_rule"], "titles": {"CSTD_TINH": rule}}
    with pytest.raises(tracks.TrackError) as refused:
        tracks.parse_tracks(raw)
    assert any(expected in p for p in refused.value.problems)


def test_a_council_track_without_its_rule_is_refused() -> None:
    raw = dict(_track_raw("TINH_KHEN"))
    del raw["council_rule"]
    with pytest.raises(tracks.TrackError, match="council_rule"):
        tracks.parse_tracks({"tracks": [raw]})


def _track_raw(code: str) -> dict[str, Any]:
    import json

    data = json.loads(tracks.TRACKS_FILE.read_text(encoding="utf-8"))
    return next(t for t in data["tracks"] if t["code"] == code)


# ------------------------------------------------------------------------------------------- the path


def test_the_council_votes_and_a_line_below_ninety_percent_is_left_out(world: World) -> None:
    dossier = before_council(world)
    conference, chair, member = session(world, size=10)
    with pytest.raises(ValidationFailed, match="Hội đồng chưa có kết quả"):
        dossier_act(actor=world.board, dossier=dossier, action=states.APPROVE, version=dossier.version)

    ballot = council_ballot_create(actor=world.board, conference=conference, dossier=dossier)
    dossier.refresh_from_db()
    assert dossier.council_ballot == ballot
    names = list(ballot.candidates.values_list("name", flat=True))
    assert names == [
        "Trương Thị Ngân – Chiến sĩ thi đua cấp bộ, ban, ngành, tỉnh",
        "Lê Thị Tài – Chiến sĩ thi đua cấp bộ, ban, ngành, tỉnh",
    ]
    assert [line.candidate.name for line in dossier.lines.order_by("position")] == names  # type: ignore[union-attr]
    assert (ballot.method, ballot.threshold, ballot.strict, ballot.base) == (
        "yes_no",
        "9/10",
        False,
        "electorate",
    )
    assert "Điều 45 khoản 8" in ballot.rule_citation and ballot.rule_tag == "R"

    _roll(ballot, chair, [f"Ủy viên {i}" for i in range(1, 11)])
    _open(ballot, chair)
    ngan, tai = names
    for i in range(9):  # nine of ten members vote: all for Ngân, five for Tài
        vote(
            ballot,
            chair if i % 2 else member,
            [ngan, tai] if i < 5 else [ngan],
            against=[] if i < 5 else [tai],
        )
    ballot_close(actor=member, ballot=ballot)
    with pytest.raises(ValidationFailed, match="chưa kiểm phiếu"):
        council_result_apply(actor=world.board, dossier=dossier)
    ballot_tally(actor=chair, ballot=ballot)

    dossier = council_result_apply(actor=world.board, dossier=dossier)
    lines = list(dossier.lines.order_by("position"))
    assert lines[0].excluded_reason == ""
    assert lines[1].excluded_reason == (
        "Không đạt tỷ lệ phiếu của Hội đồng: 5/10 phiếu đồng ý, cần từ 90% tổng số thành viên Hội đồng "
        "(ít nhất 9 phiếu)."
    )
    minutes = DossierDocument.objects.get(dossier=dossier, kind="bien_ban_tinh")
    assert minutes.source == "conference" and minutes.file.read().startswith(b"%PDF")
    assert "Hội đồng Thi đua – Khen thưởng tỉnh Quảng Nam" in minutes.name
    assert council_done(dossier)
    with pytest.raises(ValidationFailed, match="đã được ghi"):
        council_result_apply(actor=world.board, dossier=dossier)

    dossier = dossier_act(actor=world.board, dossier=dossier, action=states.APPROVE, version=dossier.version)
    assert dossier.state == states.APPROVED


def test_a_ballot_is_made_only_for_a_dossier_before_the_council(world: World) -> None:
    dossier = before_council(world)
    conference, _, _ = session(world)
    Dossier.objects.filter(pk=dossier.pk).update(state=states.CHECKED)
    with pytest.raises(ValidationFailed, match="đã trình Hội đồng"):
        council_ballot_create(actor=world.board, conference=conference, dossier=dossier)
    assert not Ballot.objects.exists()


def test_a_session_of_another_council_cannot_vote_on_the_dossier(world: World) -> None:
    dossier = before_council(world)
    own = council_session_create(
        actor=world.member,
        council_of=world.tien_phuoc,
        held_on=dt.date(2025, 1, 15),
        place="X",
        council_size=5,
    )
    with pytest.raises((ValidationFailed, NotPermitted)):
        council_ballot_create(actor=world.board, conference=own, dossier=dossier)
    assert not Ballot.objects.exists()


def test_lines_calling_for_different_rules_are_refused_naming_them(world: World) -> None:
    dossier = before_council(world, titles=("CSTD_TINH", "BK_TINH"))
    conference, _, _ = session(world)
    with pytest.raises(ValidationFailed) as refused:
        council_ballot_create(actor=world.board, conference=conference, dossier=dossier)
    message = refused.value.problems[0].message
    assert "từ 90% tổng số thành viên Hội đồng" in message and "trên 50% số phiếu hợp lệ" in message
    assert not Ballot.objects.exists()


def test_the_proposer_cannot_put_the_dossier_to_the_vote_or_apply_its_result(world: World) -> None:
    dossier = before_council(world)
    conference, _, _ = session(world)
    with pytest.raises(NotPermitted):
        council_ballot_create(actor=world.member, conference=conference, dossier=dossier)
    with pytest.raises(NotPermitted):
        council_result_apply(actor=world.member, dossier=dossier)


def test_the_proposer_cannot_vote_unless_on_the_roll(world: World) -> None:
    """Attack: the proposing unit's staff try to vote on their own dossier. They hold no slip and cannot
    tick themselves on the roll; any code they make up is refused like every unusable code. Named on the
    roll (a council member), they vote like any member, with a slip a teller hands out."""
    dossier = before_council(world)
    conference, chair, _ = session(world, size=3)
    ballot = council_ballot_create(actor=world.board, conference=conference, dossier=dossier)
    _roll(ballot, chair, ["Ủy viên 1", "Ủy viên 2", "Nguyễn Văn Đề Nghị"])
    _open(ballot, chair)
    voter = Voter.objects.get(ballot=ballot, name="Ủy viên 1")
    with pytest.raises(NotPermitted):
        ballot_hand_out(actor=world.member, ballot=ballot, voter=voter)
    with pytest.raises(ValidationFailed, match="chưa có lượt phát phiếu"):
        ballot_activate(ballot=ballot, code="ABCD-EFGH-JKLM")
    names = list(ballot.candidates.values_list("name", flat=True))
    with pytest.raises(ValidationFailed, match="không dùng được"):
        ballot_cast(ballot=ballot, code="ABCD-EFGH-JKLM", marks=names)
    ballot.refresh_from_db()
    assert ballot.cast_count == 0
    # on the roll, handed a slip by a teller like anyone: one ballot, not more
    vote(ballot, chair, names)
    ballot.refresh_from_db()
    assert ballot.cast_count == 1 and ballot.checked_in == 1
