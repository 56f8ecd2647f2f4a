"""Council sessions: a session of the province's emulation council (prepared by the board) or of a unit's own
(prepared by its staff); its counting board — at least two accounts, one chair, never one that prepared the
session or its ballots (decision 0004); the whole vote, open → cast → close → count, and minutes that name
the council; the secrecy attacks of decision 0006 played again on a council's ballot."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction

from tdkt.core.errors import NotPermitted, ValidationFailed
from tdkt.core.models import AuditEvent
from tdkt.core.personas import PASSWORD, World
from tdkt.org.models import Account, Role, Unit
from tdkt.reports.documents import to_html
from tdkt.voting.box import VoterInput, ballot_close, ballot_open, ballot_roll_set
from tdkt.voting.counting import ballot_tally, ballot_verify, public_box
from tdkt.voting.minutes import conference_minutes, tally_minutes
from tdkt.voting.models import (
    BallotStatus,
    CastBallot,
    Conference,
    ConferenceKind,
    CountingBoardMember,
    Voter,
)
from tdkt.voting.selectors import conference_record, conference_roles
from tdkt.voting.services import (
    CandidateInput,
    ballot_create,
    conference_delegates_set,
    council_session_create,
    counting_board_candidates,
    counting_board_set,
)
from tdkt.voting.tests.helpers import _SLIPS, hand_out, vote

pytestmark = pytest.mark.django_db

NAMES = ["Trương Thị Ngân – Chiến sĩ thi đua cấp tỉnh", "Lê Văn Tài – Chiến sĩ thi đua cấp tỉnh"]


def _user(username: str, family: str, given: str, role: str, unit: Unit | None) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, first_name=given, last_name=family)
    Account.objects.create(user=user, role=role, unit=unit)
    return user


def province_session(world: World, size: int = 5) -> Conference:
    return council_session_create(
        actor=world.board,
        council_of=world.province,
        held_on=dt.date(2025, 4, 10),
        place="Hội trường Ủy ban nhân dân tỉnh, Tam Kỳ",
        council_size=size,
        council_basis="Quyết định số 12/QĐ-UBND ngày 05/01/2025",
        chair_name="Chủ tịch Hội đồng",
    )


def tellers(world: World) -> tuple[User, User]:
    """Two board accounts that prepared nothing: the council's counting board."""
    return (
        _user("t-hd-truong", "Phan Thị", "Kiểm", Role.BOARD, None),
        _user("t-hd-uyvien", "Ngô Văn", "Đếm", Role.BOARD, None),
    )


def council_vote(world: World, size: int = 5, **rules: Any) -> tuple[Conference, Any, tuple[User, User]]:
    session = province_session(world, size)
    chair, member = tellers(world)
    counting_board_set(actor=world.board, conference=session, members=[chair, member], chair=chair)
    ballot = ballot_create(
        actor=world.board,
        conference=session,
        purpose="council",
        title="Hội đồng xét Chiến sĩ thi đua cấp tỉnh năm 2024",
        candidates=[CandidateInput(n) for n in NAMES],
        method="yes_no",
        seats=None,
        threshold=rules.pop("threshold", "9/10"),
        strict=rules.pop("strict", False),
        base=rules.pop("base", "electorate"),
        electorate_kind="council",
        source="Danh sách đề nghị của hồ sơ",
        **rules,
    )
    ballot_roll_set(
        actor=chair,
        ballot=ballot,
        voters=[VoterInput(f"Ủy viên {i}") for i in range(1, size + 1)],
        reason="Thành viên Hội đồng theo quyết định kiện toàn",
    )
    return session, ballot, (chair, member)


def _open(ballot: Any, chair: User) -> list[str]:
    codes = ballot_open(actor=chair, ballot=ballot)
    _SLIPS[ballot.pk] = list(codes)
    ballot.refresh_from_db()
    return codes


# ------------------------------------------------------------------------------------------- preparing


def test_the_board_prepares_the_provinces_council_and_a_unit_prepares_its_own(world: World) -> None:
    session = province_session(world)
    assert session.kind == ConferenceKind.COUNCIL and session.cluster_year is None
    assert session.council_name == "Hội đồng Thi đua – Khen thưởng tỉnh Quảng Nam"
    assert str(session) == "Phiên họp Hội đồng Thi đua – Khen thưởng tỉnh Quảng Nam (10/04/2025)"
    assert conference_roles(world.board, session).manages
    assert not conference_roles(world.member, session).manages
    own = council_session_create(
        actor=world.member,
        council_of=world.tien_phuoc,
        held_on=dt.date(2025, 1, 15),
        place="Tiên Phước",
        council_size=7,
    )
    assert own.council_name == "Hội đồng Thi đua – Khen thưởng huyện Tiên Phước"
    assert conference_roles(world.member, own).manages
    assert not conference_roles(world.board, own).manages


@pytest.mark.parametrize("who", ["member", "head", "outsider"])
def test_a_units_staff_cannot_prepare_the_provinces_council(world: World, who: str) -> None:
    with pytest.raises(NotPermitted):
        council_session_create(
            actor=getattr(world, who),
            council_of=world.province,
            held_on=dt.date(2025, 4, 10),
            place="Tam Kỳ",
            council_size=5,
        )
    assert not Conference.objects.exists()


def test_the_board_cannot_prepare_a_units_own_council(world: World) -> None:
    with pytest.raises(NotPermitted):
        council_session_create(
            actor=world.board,
            council_of=world.tien_phuoc,
            held_on=dt.date(2025, 1, 15),
            place="X",
            council_size=7,
        )


def test_a_session_needs_its_size_and_a_place_under_the_council(world: World) -> None:
    with pytest.raises(ValidationFailed) as refused:
        council_session_create(
            actor=world.member,
            council_of=world.tien_phuoc,
            held_on=dt.date(2025, 1, 15),
            place=" ",
            host=world.nam_giang,
            council_size=None,
        )
    assert {p.field for p in refused.value.problems} == {"place", "host", "council_size"}
    assert not Conference.objects.exists()


def test_the_database_refuses_a_conference_of_both_or_neither(world: World) -> None:
    session = province_session(world)
    for changes in ({"cluster_year": world.cluster_year}, {"council_of": None}, {"kind": "year_end"}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Conference.objects.filter(pk=session.pk).update(**changes)


def test_a_session_has_no_delegates_and_no_ranking_ballots(world: World) -> None:
    session = province_session(world)
    with pytest.raises(ValidationFailed):
        conference_delegates_set(actor=world.board, conference=session, delegates=[])
    with pytest.raises(ValidationFailed) as refused:
        ballot_create(
            actor=world.board,
            conference=session,
            purpose="flag",
            title="Suy tôn",
            candidates=[CandidateInput("A")],
            electorate_kind="delegates",
        )
    assert {"purpose", "electorate_kind"} <= {p.field for p in refused.value.problems}


def test_a_ballot_takes_the_council_and_its_size_from_the_session(world: World) -> None:
    _, ballot, _ = council_vote(world)
    assert ballot.electorate_kind == "council" and ballot.council_size == 5
    assert ballot.council_name.startswith("Hội đồng Thi đua – Khen thưởng tỉnh Quảng Nam (Quyết định số 12")
    assert ballot.candidates_source == "Danh sách đề nghị của hồ sơ"
    assert not ballot.candidates.exclude(added_reason="").exists()  # the list under review needs no reasons


def test_a_councils_roll_lists_every_member(world: World) -> None:
    _, ballot, (chair, _) = council_vote(world)
    with pytest.raises(ValidationFailed, match="ghi đủ mọi thành viên"):
        ballot_roll_set(actor=chair, ballot=ballot, voters=[VoterInput("Ủy viên 1")], reason="Vắng")


# ------------------------------------------------------------------------------------ the counting board


def test_the_counting_board_needs_two_accounts_and_a_chair(world: World) -> None:
    session = province_session(world)
    chair, member = tellers(world)
    with pytest.raises(ValidationFailed) as refused:
        counting_board_set(actor=world.board, conference=session, members=[chair], chair=member)
    assert {p.field for p in refused.value.problems} == {"members", "chair"}
    counting_board_set(actor=world.board, conference=session, members=[chair, member], chair=chair)
    assert CountingBoardMember.objects.get(conference=session, is_chair=True).user == chair


def test_the_board_account_that_prepared_the_session_cannot_count_it(world: World) -> None:
    """Attack: the board account that prepared the session puts itself on the counting board."""
    session = province_session(world)
    chair, _ = tellers(world)
    assert world.board.pk not in {a.user_id for a in counting_board_candidates(session)}
    with pytest.raises(ValidationFailed, match="đã chuẩn bị phiên họp"):
        counting_board_set(actor=world.board, conference=session, members=[world.board, chair], chair=chair)
    assert not CountingBoardMember.objects.exists()


def test_an_account_that_prepared_a_ballot_cannot_count_it(world: World) -> None:
    session = province_session(world)
    chair, member = tellers(world)
    preparer = _user("t-hd-soan", "Đinh Thị", "Soạn", Role.BOARD, None)
    ballot_create(
        actor=preparer,
        conference=session,
        purpose="council",
        title="Xét",
        candidates=[CandidateInput("A")],
        method="yes_no",
        seats=None,
        electorate_kind="council",
    )
    with pytest.raises(ValidationFailed, match="đã chuẩn bị phiên họp hoặc phiếu bầu"):
        counting_board_set(actor=world.board, conference=session, members=[preparer, chair], chair=chair)
    counting_board_set(actor=world.board, conference=session, members=[chair, member], chair=chair)


def test_a_member_of_the_counting_board_cannot_prepare_a_ballot(world: World) -> None:
    session = province_session(world)
    chair, member = tellers(world)
    counting_board_set(actor=world.board, conference=session, members=[chair, member], chair=chair)
    with pytest.raises(NotPermitted, match="Ban kiểm phiếu không chuẩn bị"):
        ballot_create(
            actor=chair,
            conference=session,
            purpose="council",
            title="Xét",
            candidates=[CandidateInput("A")],
            method="yes_no",
            seats=None,
            electorate_kind="council",
        )


def test_a_units_council_is_counted_by_its_own_staff_only(world: World) -> None:
    own = council_session_create(
        actor=world.member,
        council_of=world.tien_phuoc,
        held_on=dt.date(2025, 1, 15),
        place="X",
        council_size=3,
    )
    a = _user("t-tp-a", "Hồ Văn", "An", Role.UNIT, world.tien_phuoc)
    b = _user("t-tp-b", "Hồ Thị", "Bình", Role.UNIT, world.tien_phuoc)
    eligible = {acc.user_id for acc in counting_board_candidates(own)}
    assert eligible == {a.pk, b.pk}  # not the preparer (world.member), not the board, not other units
    with pytest.raises(ValidationFailed):
        counting_board_set(actor=world.member, conference=own, members=[a, world.head], chair=a)
    counting_board_set(actor=world.member, conference=own, members=[a, b], chair=b)


# ---------------------------------------------------------------------------------------------- the vote


def test_a_council_votes_end_to_end_and_the_minutes_name_the_council(world: World) -> None:
    session, ballot, (chair, member) = council_vote(world, size=5)
    _open(ballot, chair)
    ngan, tai = NAMES
    # four of five vote; all agree with Ngân, two with Tài
    vote(ballot, chair, [ngan, tai])
    vote(ballot, member, [ngan, tai])
    vote(ballot, chair, [ngan], against=[tai])
    vote(ballot, member, [ngan], against=[tai])
    hand_out(ballot, chair)  # the fifth came, took a slip, and never voted
    ballot_close(actor=member, ballot=ballot)
    ballot = ballot_tally(actor=chair, ballot=ballot)
    assert ballot.status == BallotStatus.TALLIED
    # ≥ 90 % of the council's 5 members is 5 votes: 4 are not enough for anyone
    assert ballot.result["electorate"] == 5 and ballot.result["base"] == 5
    assert ballot.result["elected"] == []
    assert ballot_verify(ballot) == []
    html = to_html(tally_minutes(ballot))
    assert "HỘI ĐỒNG THI ĐUA – KHEN THƯỞNG TỈNH QUẢNG NAM" in html
    assert "Phiên họp Hội đồng Thi đua – Khen thưởng tỉnh Quảng Nam" in html
    assert "Cụm" not in html
    conf_html = to_html(conference_minutes(session))
    assert "HỘI ĐỒNG THI ĐUA – KHEN THƯỞNG" in conf_html and "gồm 5 thành viên" in conf_html
    assert "5/5 thành viên có mặt nhận phiếu" in conf_html
    assert "CHỦ TRÌ PHIÊN HỌP" in conf_html
    record = conference_record(session)
    assert record["council"] == session.council_name and "cluster_year" not in record


def test_a_council_ballot_passes_at_ninety_percent_of_all_members(world: World) -> None:
    _, ballot, (chair, member) = council_vote(world, size=10)
    _open(ballot, chair)
    ngan, tai = NAMES
    for i in range(9):
        vote(ballot, chair if i % 2 else member, [ngan], against=[] if i < 8 else [tai])
    ballot_close(actor=chair, ballot=ballot)
    ballot = ballot_tally(actor=member, ballot=ballot)
    assert ballot.result["elected"] == [ngan]  # 9/10 reaches 90 %; Tài has none


# ------------------------------------------------------------------------------- secrecy, council variants


def test_council_box_keeps_no_link_between_a_voter_and_a_choice(world: World) -> None:
    """Decision 0006 at a council: after close the roll says who received a slip, the box holds choices
    only, in canonical order, with nothing pointing at a voter."""
    _, ballot, (chair, member) = council_vote(world, size=5)
    _open(ballot, chair)
    ngan, tai = NAMES
    orders = [([ngan], [tai]), ([tai], []), ([ngan, tai], []), ([], [ngan])]
    for marks, against in orders:
        vote(ballot, chair, marks, against=against)
    ballot_close(actor=member, ballot=ballot)
    assert {f.name for f in CastBallot._meta.get_fields()} == {"id", "ballot", "marks", "against"}
    assert {f.name for f in Voter._meta.get_fields()} == {"id", "ballot", "name", "unit", "received"}
    assert Voter.objects.filter(ballot=ballot, received=True).count() == len(orders)
    assert not AuditEvent.objects.filter(action__contains="cast").exists()
    assert not AuditEvent.objects.filter(object_type="voting.castballot").exists()
    public = public_box(ballot)
    assert sorted(map(str, public.ballots)) == sorted(str([sorted(m), sorted(a)]) for m, a in orders)


def test_nobody_can_count_a_council_box_that_is_open_or_partial(world: World) -> None:
    _, ballot, (chair, member) = council_vote(world, size=5)
    _open(ballot, chair)
    ngan, _ = NAMES
    for _ in range(3):
        vote(ballot, chair, [ngan])
    with pytest.raises(ValidationFailed, match="hòm phiếu đã đóng"):
        ballot_tally(actor=chair, ballot=ballot)  # while open: never a partial count
    ballot_close(actor=member, ballot=ballot)
    CastBallot.objects.filter(ballot=ballot).first().delete()  # type: ignore[union-attr]
    with pytest.raises(ValidationFailed) as refused:
        ballot_tally(actor=chair, ballot=ballot)
    assert any("3 mã đã được dùng" in p.message for p in refused.value.problems)
    ballot.refresh_from_db()
    assert ballot.status == BallotStatus.CLOSED and ballot.result is None


def test_the_preparer_cannot_run_the_councils_box(world: World) -> None:
    _, ballot, (chair, _) = council_vote(world)
    for act in (
        lambda: ballot_open(actor=world.board, ballot=ballot),
        lambda: ballot_roll_set(actor=world.board, ballot=ballot, voters=[], reason="x"),
    ):
        with pytest.raises(NotPermitted):
            act()
    _open(ballot, chair)
    for act in (
        lambda: ballot_close(actor=world.board, ballot=ballot),
        lambda: ballot_tally(actor=world.board, ballot=ballot),
    ):
        with pytest.raises(NotPermitted):
            act()
