"""Conference pages as every persona: the head's staff and the board prepare, the counting board runs the
box, everyone else sees what was decided. A draft ballot is 404 for those who may not see it; an action by
someone who sees but may not act is a 403 page saying who may; the public is sent to the login page."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from tdkt.clusters.models import ClusterRole
from tdkt.core.personas import World
from tdkt.voting.box import ballot_close, ballot_open
from tdkt.voting.models import (
    Ballot,
    BallotStatus,
    Conference,
    CountingBoardMember,
    Delegate,
    EntryStatus,
    PaperEntry,
    RollChange,
    Voter,
)
from tdkt.voting.tests.helpers import (
    board_of,
    council_ballot,
    hand_out,
    make_ballot,
    make_conference,
    open_ballot,
    publish_ranking,
    vote,
)

ClientAs = Callable[[User | None], Client]
PERSONAS = ["board", "head", "member", "outsider", "public", "chair", "counter"]


def _user(world: World, persona: str) -> User | None:
    if persona == "public":
        return None
    if persona == "chair":
        return board_of(world).chair
    if persona == "counter":
        return board_of(world).member
    user: User = getattr(world, persona)
    return user


def _forbidden(response) -> bool:  # type: ignore[no-untyped-def]
    return response.status_code == 403 and "Không có quyền thực hiện" in response.content.decode()


def _to_login(response) -> bool:  # type: ignore[no-untyped-def]
    return response.status_code == 302 and response["Location"].startswith(reverse("web:login"))


def _text(response) -> str:  # type: ignore[no-untyped-def]
    """The page's text as a person reads it: tags dropped, spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


CONFIRM = {"confirm": "1"}


def _codes(slips) -> list[str]:  # type: ignore[no-untyped-def]
    """The codes printed on the slips page (shown once)."""
    html = slips.content.decode()
    return [part.split("<", 1)[0] for part in html.split('class="receipt-code"><strong>')[1:]]


# --- every page as every persona --------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_conference_page_is_public_and_drafts_show_only_to_those_who_prepare_or_count(
    world: World, client_as: ClientAs, persona: str
) -> None:
    ballot = make_ballot(world, title="Phiếu đang chuẩn bị")
    html = client_as(_user(world, persona)).get(reverse("web:conference", args=[ballot.conference_id]))
    assert html.status_code == 200
    text = html.content.decode()
    assert "Hội nghị tổng kết năm" in text and "Đỗ Thị Kiểm (Trưởng ban)" in text
    assert ("Phiếu đang chuẩn bị" in text) is (persona in ("board", "head", "chair", "counter"))
    assert ("Tạo cuộc bỏ phiếu" in text) is (persona in ("board", "head"))
    assert ("Mở hòm phiếu" in text) is (persona in ("chair", "counter"))


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("page", ["conference_edit", "conference_delegates", "counting_board", "ballot_new"])
def test_preparing_pages_are_for_the_head_and_the_board(
    world: World, client_as: ClientAs, persona: str, page: str
) -> None:
    conference = make_conference(world)
    response = client_as(_user(world, persona)).get(reverse(f"web:{page}", args=[conference.pk]))
    if persona in ("board", "head"):
        assert response.status_code == 200
    elif persona == "public":
        assert _to_login(response)
    else:
        assert _forbidden(response) and "Chỉ Trưởng cụm hoặc Ban Thi đua" in response.content.decode()


@pytest.mark.parametrize("persona", PERSONAS)
def test_creating_a_conference_is_for_the_head_and_the_board(
    world: World, client_as: ClientAs, persona: str
) -> None:
    url = reverse("web:conference_new", args=[world.cluster_year.pk])
    response = client_as(_user(world, persona)).post(
        url,
        {
            "kind": "mid_year",
            "held_on": "2024-07-12",
            "place": "Huyện Tiên Phước",
            "host": world.tien_phuoc.pk,
            "agenda": "Sơ kết 6 tháng\nSửa đổi tiêu chí",
        },
    )
    if persona in ("board", "head"):
        conference = Conference.objects.get()
        assert response.status_code == 302 and response["Location"] == reverse(
            "web:conference", args=[conference.pk]
        )
        assert conference.agenda_items == ["Sơ kết 6 tháng", "Sửa đổi tiêu chí"]
    else:
        assert _to_login(response) if persona == "public" else _forbidden(response)
        assert not Conference.objects.exists()


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("page", ["ballot_roll", "ballot_paper"])
def test_the_roll_and_paper_pages_of_a_draft_are_for_the_counting_board(
    world: World, client_as: ClientAs, persona: str, page: str
) -> None:
    ballot = make_ballot(world, mode="paper")
    response = client_as(_user(world, persona)).get(reverse(f"web:{page}", args=[ballot.pk]))
    if persona in ("chair", "counter"):
        assert response.status_code == 200
    elif persona in ("board", "head"):  # they see the draft but do not run the box
        assert _forbidden(response) and "Chỉ thành viên Ban kiểm phiếu" in response.content.decode()
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("persona", PERSONAS)
def test_opening_a_draft_is_for_the_counting_board(world: World, client_as: ClientAs, persona: str) -> None:
    ballot = make_ballot(world)
    response = client_as(_user(world, persona)).post(
        reverse("web:ballot_action", args=[ballot.pk, "open"]), CONFIRM
    )
    if persona in ("chair", "counter"):
        html = response.content.decode()
        assert response.status_code == 200 and html.count('class="slip panel"') == 3
        assert "Phiếu không ghi tên ai" in html
        assert not any(v.name in html for v in Voter.objects.filter(ballot=ballot))  # anonymous slips
    elif persona in ("board", "head"):
        assert _forbidden(response) and "mở hòm phiếu" in response.content.decode()
    else:
        assert response.status_code == 404
    assert Voter.objects.exists() is (persona in ("chair", "counter"))


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("action", ["open", "close"])
def test_the_confirmation_page_is_for_the_counting_board(
    world: World, client_as: ClientAs, persona: str, action: str
) -> None:
    ballot = make_ballot(world)
    if action == "close":
        ballot_open(actor=board_of(world).chair, ballot=ballot)
    response = client_as(_user(world, persona)).get(reverse("web:ballot_confirm", args=[ballot.pk, action]))
    if persona in ("chair", "counter"):
        assert (
            response.status_code == 200
            and f"Xác nhận {'mở' if action == 'open' else 'đóng'} hòm phiếu" in (response.content.decode())
        )
    elif persona == "public" and action == "close":
        assert _to_login(response)
    elif persona in ("board", "head") or action == "close":
        assert _forbidden(response)
    else:
        assert response.status_code == 404


def test_open_and_close_go_through_the_confirmation_page(world: World, client_as: ClientAs) -> None:
    ballot = make_ballot(world)
    chair = client_as(board_of(world).chair)
    conference_page = chair.get(reverse("web:conference", args=[ballot.conference_id])).content.decode()
    confirm_open = reverse("web:ballot_confirm", args=[ballot.pk, "open"])
    assert confirm_open in conference_page
    # a POST without the confirmation opens nothing: it is sent to the confirmation page
    response = chair.post(reverse("web:ballot_action", args=[ballot.pk, "open"]))
    assert response.status_code == 302 and response["Location"] == confirm_open
    ballot.refresh_from_db()
    assert ballot.status == BallotStatus.DRAFT and not Voter.objects.exists()
    page = _text(chair.get(confirm_open))
    assert "Danh sách cử tri sẽ được chốt: 3 người" in page and "Đại diện lãnh đạo Huyện Nam Giang" in page
    assert "Hệ thống in 3 phiếu mã không ghi tên" in page and "Xác nhận mở hòm phiếu" in page
    slips = chair.post(reverse("web:ballot_action", args=[ballot.pk, "open"]), CONFIRM)
    ballot.refresh_from_db()
    assert slips.status_code == 200 and ballot.status == BallotStatus.OPEN

    vote(ballot, board_of(world).chair, ["Huyện Nam Giang"], code=_codes(slips)[0])
    confirm_close = reverse("web:ballot_confirm", args=[ballot.pk, "close"])
    response = chair.post(reverse("web:ballot_action", args=[ballot.pk, "close"]))
    assert response.status_code == 302 and response["Location"] == confirm_close
    ballot.refresh_from_db()
    assert ballot.status == BallotStatus.OPEN
    page = _text(chair.get(confirm_close))
    assert "Đã nhận 1 / 3 phiếu; 1 cử tri đã nhận phiếu" in page and "Xác nhận đóng hòm phiếu" in page
    response = chair.post(reverse("web:ballot_action", args=[ballot.pk, "close"]), CONFIRM, follow=True)
    assert "Đã đóng hòm phiếu: 1 phiếu điện tử, 2 mã chưa dùng đã bị hủy." in response.content.decode()
    ballot.refresh_from_db()
    assert ballot.status == BallotStatus.CLOSED


@pytest.mark.parametrize("persona", PERSONAS)
def test_closing_an_open_ballot_is_for_the_counting_board(
    world: World, client_as: ClientAs, persona: str
) -> None:
    ballot = make_ballot(world)
    ballot_open(actor=board_of(world).chair, ballot=ballot)
    response = client_as(_user(world, persona)).post(
        reverse("web:ballot_action", args=[ballot.pk, "close"]), CONFIRM
    )
    ballot.refresh_from_db()
    if persona in ("chair", "counter"):
        assert response.status_code == 302 and ballot.status == BallotStatus.CLOSED
    else:
        assert _to_login(response) if persona == "public" else _forbidden(response)
        assert ballot.status == BallotStatus.OPEN


@pytest.mark.parametrize("persona", PERSONAS)
def test_counting_is_for_the_counting_board(world: World, client_as: ClientAs, persona: str) -> None:
    ballot = make_ballot(world)
    ballot_open(actor=board_of(world).chair, ballot=ballot)
    ballot_close(actor=board_of(world).chair, ballot=ballot)
    response = client_as(_user(world, persona)).post(reverse("web:ballot_action", args=[ballot.pk, "tally"]))
    ballot.refresh_from_db()
    assert (ballot.status == BallotStatus.TALLIED) is (persona in ("chair", "counter"))
    if persona not in ("chair", "counter"):
        assert _to_login(response) if persona == "public" else _forbidden(response)
        assert "kiểm phiếu" in response.content.decode() or persona == "public"


def test_an_unknown_action_or_ballot_is_not_found(world: World, client_as: ClientAs) -> None:
    ballot = make_ballot(world)
    chair = client_as(board_of(world).chair)
    assert chair.post(reverse("web:ballot_action", args=[ballot.pk, "xoa"])).status_code == 404
    assert chair.post(reverse("web:ballot_action", args=[9999, "open"])).status_code == 404
    assert chair.get(reverse("web:conference", args=[9999])).status_code == 404


# --- the whole conference through the pages ----------------------------------------------------------------


def test_a_conference_is_prepared_run_and_minuted_through_the_pages(
    world: World, client_as: ClientAs
) -> None:
    head, board = client_as(world.head), board_of(world)
    chair, counter = client_as(board.chair), client_as(board.member)
    conference = make_conference(world, with_board=False)
    url = reverse("web:conference", args=[conference.pk])

    response = head.post(
        reverse("web:conference_delegates", args=[conference.pk]),
        {
            f"u{world.tien_phuoc.pk}": "Nguyễn Văn Tiên, Chủ tịch UBND huyện\nLê Thị Phước, Trưởng phòng Nội vụ",
            f"u{world.nam_giang.pk}": "Hồ Văn Giang, Phó Chủ tịch UBND huyện",
        },
    )
    assert response.status_code == 302 and Delegate.objects.filter(votes=True).count() == 2
    response = head.post(
        reverse("web:counting_board", args=[conference.pk]),
        {"members": [board.chair.pk, board.member.pk], "chair": board.chair.pk},
    )
    assert (
        response.status_code == 302 and CountingBoardMember.objects.filter(conference=conference).count() == 2
    )

    new_ballot = reverse("web:ballot_new", args=[conference.pk])
    form = head.get(new_ballot).content.decode()
    assert "Danh sách thành viên cụm" in form and "Huyện Phước Sơn" in form
    fields = {
        "purpose": "head",
        "title": "Bầu Trưởng cụm năm 2025",
        "method": "choose_k",
        "max_choices": "1",
        "seats": "1",
        "quorum": "2/3",
        "threshold": "50%",
        "strict": "1",
        "base": "valid",
        "electorate_kind": "delegates",
        "mode": "electronic",
        "keep_2": "on",
        "keep_3": "on",
    }
    refused = head.post(new_ballot, fields)
    assert (
        refused.status_code == 400
        and "Ghi lý do không đưa Huyện Phước Sơn vào phiếu." in refused.content.decode()
    )
    assert not Ballot.objects.exists()
    response = head.post(new_ballot, {**fields, "why_1": "Đang là Trưởng cụm năm 2024"})
    ballot = Ballot.objects.get()
    assert response.status_code == 302 and ballot.threshold == "1/2"
    assert list(ballot.removed_candidates.values_list("reason", flat=True)) == ["Đang là Trưởng cụm năm 2024"]

    roll_url = reverse("web:ballot_roll", args=[ballot.pk])
    roll = chair.get(roll_url).content.decode()
    assert "Nguyễn Văn Tiên (Huyện Tiên Phước)" in roll and "Đại diện lãnh đạo Huyện Phước Sơn" in roll
    slips = chair.post(reverse("web:ballot_action", args=[ballot.pk, "open"]), CONFIRM)
    codes = _codes(slips)
    assert len(codes) == 3 and "chỉ hiển thị một lần" in slips.content.decode()
    vote_url = reverse("web:vote", args=[ballot.pk])
    voters = list(Voter.objects.filter(ballot=ballot).order_by("name"))
    for voter, code, choice in zip(
        voters, codes, ["Huyện Nam Giang", "Huyện Nam Giang", "Huyện Tiên Phước"], strict=True
    ):
        # at the table: the board ticks the voter on the roll, the voter activates the slip drawn and votes
        assert chair.post(roll_url, {"voter": voter.pk}).status_code == 302
        phone = Client()
        assert phone.post(vote_url, {"action": "activate", "code": code}).status_code == 200
        assert phone.post(vote_url, {"action": "cast", "code": code, "marks": [choice]}).status_code == 200
    assert Voter.objects.filter(ballot=ballot, received=True).count() == 3
    counter.post(reverse("web:ballot_action", args=[ballot.pk, "close"]), CONFIRM)
    chair.post(reverse("web:ballot_action", args=[ballot.pk, "tally"]))
    ballot.refresh_from_db()
    assert ballot.status == BallotStatus.TALLIED and ballot.result["elected"] == ["Huyện Nam Giang"]

    page = head.get(url).content.decode()
    assert "Ghi Huyện Nam Giang vào năm sau của cụm" in page
    head.post(reverse("web:ballot_action", args=[ballot.pk, "apply"]))
    role = ClusterRole.objects.get(cluster_year__year=2025, role="head")
    assert role.unit == world.nam_giang
    public = Client().get(url).content.decode()
    assert "Trưởng cụm năm 2025: <strong>Huyện Nam Giang</strong> — đã ghi vào" in public
    assert "Đang là Trưởng cụm năm 2024" in public and "minutes.docx" in public
    assert "Nguyễn Văn Tiên" in public and "bỏ phiếu</span>" in public


def test_a_tie_offers_the_next_round_to_the_head(world: World, client_as: ClientAs) -> None:
    from tdkt.voting.tests.test_ballots import _tie

    first = _tie(world)
    page = client_as(world.head).get(reverse("web:conference", args=[first.conference_id])).content.decode()
    assert "Tạo vòng 2 giữa những người bằng phiếu" in page
    assert _forbidden(
        client_as(board_of(world).chair).post(reverse("web:ballot_action", args=[first.pk, "next-round"]))
    )
    client_as(world.head).post(reverse("web:ballot_action", args=[first.pk, "next-round"]))
    assert Ballot.objects.get(previous_round=first).round_number == 2


def test_paper_ballots_through_the_page(world: World, client_as: ClientAs) -> None:
    board = board_of(world)
    chair, counter = client_as(board.chair), client_as(board.member)
    ballot = council_ballot(world, 4, mode="paper")
    chair.post(reverse("web:ballot_action", args=[ballot.pk, "open"]), CONFIRM)
    for voter in Voter.objects.filter(ballot=ballot):  # each voter present is handed a paper ballot
        chair.post(reverse("web:ballot_roll", args=[ballot.pk]), {"voter": voter.pk})
    chair.post(reverse("web:ballot_action", args=[ballot.pk, "close"]), CONFIRM)
    url = reverse("web:ballot_paper", args=[ballot.pk])

    bad = chair.post(url, {"action": "ballots", "tp-lines": "2\n2 3\n7"})
    text = bad.content.decode()
    assert bad.status_code == 400 and "Phiếu thứ 3: “7” không phải số thứ tự ứng viên (1 – 3)." in text
    assert not PaperEntry.objects.exists()
    too_many = chair.post(url, {"action": "ballots", "tp-lines": "2\n2 3"})
    assert (
        too_many.status_code == 400
        and "Phiếu thứ 2: chọn 2 người, quá số tối đa 1" in too_many.content.decode()
    )
    impossible = chair.post(
        url,
        {
            "action": "totals",
            "th-cast": "5",
            "th-invalid": "0",
            "th-yes_1": "0",
            "th-yes_2": "1",
            "th-yes_3": "-1",
        },
    )
    text = impossible.content.decode()
    assert impossible.status_code == 400 and "Huyện Nam Giang: số phiếu đồng ý không được âm" in text
    assert not PaperEntry.objects.exists()

    assert chair.post(url, {"action": "ballots", "tp-lines": "2\n2\n3\nX"}).status_code == 302
    entry = PaperEntry.objects.get()
    page = chair.get(url).content.decode()
    assert "Xác nhận lần nhập 1" not in page and "Huyện Tiên Phước: 2 đồng ý" in page
    assert _forbidden(chair.post(url, {"action": "confirm", "entry": entry.pk}))
    assert "Xác nhận lần nhập 1" in counter.get(url).content.decode()
    counter.post(url, {"action": "confirm", "entry": entry.pk})
    entry.refresh_from_db()
    assert entry.status == EntryStatus.CONFIRMED and entry.confirmed_by == board.member
    chair.post(reverse("web:ballot_action", args=[ballot.pk, "tally"]))
    ballot.refresh_from_db()
    assert (
        ballot.result["cast"] == 4
        and ballot.result["valid"] == 3
        and ballot.result["elected"] == ["Huyện Tiên Phước"]
    )
    vote_page = Client().get(reverse("web:vote", args=[ballot.pk])).content.decode()
    assert "dùng phiếu giấy" in vote_page and 'name="code"' not in vote_page
    # after the count, everyone sees the blank and the invalid ballots with their reasons
    page = _text(Client().get(reverse("web:conference", args=[ballot.conference_id])))
    assert (
        "phiếu thu về 4, hợp lệ 3, phiếu trắng 0, không hợp lệ 1 (phiếu không hợp lệ (Ban kiểm phiếu" in page
    )


def test_after_the_count_the_page_shows_blank_and_invalid_ballots_with_their_reasons(
    world: World, client_as: ClientAs
) -> None:
    from tdkt.voting.paper import PaperBallotInput, paper_entry_confirm, paper_entry_submit

    board = board_of(world)
    ballot = council_ballot(world, 5, mode="paper", title="Phiếu giấy có phiếu trắng")
    ballot_open(actor=board.chair, ballot=ballot)
    for _ in range(5):
        hand_out(ballot, board.chair)
    ballot_close(actor=board.chair, ballot=ballot)
    entry = paper_entry_submit(
        actor=board.chair,
        ballot=ballot,
        ballots=[
            PaperBallotInput(["Huyện Nam Giang"]),
            PaperBallotInput(["Huyện Nam Giang"]),
            PaperBallotInput([]),
            PaperBallotInput([]),
            PaperBallotInput(spoiled=True),
        ],
    )
    paper_entry_confirm(actor=board.member, entry=entry)
    client_as(board.chair).post(reverse("web:ballot_action", args=[ballot.pk, "tally"]))
    ballot.refresh_from_db()
    assert ballot.status == BallotStatus.TALLIED and ballot.result["blank"] == 2
    page = _text(client_as(None).get(reverse("web:conference", args=[ballot.conference_id])))
    assert "Số cử tri 5, đã nhận phiếu 5, phiếu thu về 5, hợp lệ 4, phiếu trắng 2, không hợp lệ 1" in page
    assert "không hợp lệ 1 (phiếu không hợp lệ (Ban kiểm phiếu xác định khi kiểm phiếu giấy))" in page


def test_while_open_everyone_sees_the_count_and_the_board_the_pending_hand_outs(
    world: World, client_as: ClientAs
) -> None:
    ballot, _codes = open_ballot(world)
    chair = board_of(world).chair
    vote(ballot, chair, ["Huyện Nam Giang"])
    hand_out(ballot, chair)  # a voter ticked, the slip not yet activated
    url = reverse("web:conference", args=[ballot.conference_id])
    for persona in PERSONAS:
        page = _text(client_as(_user(world, persona)).get(url))
        assert "Đã nhận 1 / 3 phiếu · 2 cử tri đã nhận phiếu" in page
        assert ("1 lượt phát chờ kích hoạt" in page) is (persona in ("chair", "counter"))


def test_the_roll_page_hands_out_slips_and_takes_one_back_with_a_reason(
    world: World, client_as: ClientAs
) -> None:
    ballot, _codes = open_ballot(world)
    chair = client_as(board_of(world).chair)
    url = reverse("web:ballot_roll", args=[ballot.pk])
    voter = Voter.objects.filter(ballot=ballot).order_by("name").first()
    assert voter is not None
    page = chair.get(url).content.decode()
    assert page.count("Phát phiếu</button>") == 3
    response = chair.post(url, {"voter": voter.pk}, follow=True)
    assert f"Đã ghi {voter.name} nhận phiếu." in response.content.decode()
    ballot.refresh_from_db()
    assert ballot.checked_in == 1 and ballot.pending_handouts == 1
    assert Voter.objects.get(pk=voter.pk).received
    again = chair.post(url, {"voter": voter.pk}, follow=True).content.decode()
    assert f"{voter.name} đã nhận phiếu" in again
    no_reason = chair.post(url, {"voter": voter.pk, "undo": "1", "reason": " "}, follow=True)
    assert "Cần ghi lý do thu hồi" in no_reason.content.decode()
    assert Voter.objects.get(pk=voter.pk).received
    chair.post(url, {"voter": voter.pk, "undo": "1", "reason": "Ghi nhầm người"})
    ballot.refresh_from_db()
    assert ballot.checked_in == 0 and ballot.pending_handouts == 0
    assert not Voter.objects.get(pk=voter.pk).received
    assert _forbidden(client_as(world.head).post(url, {"voter": voter.pk}))
    assert not Voter.objects.get(pk=voter.pk).received


def test_the_roll_page_changes_the_roll_with_a_reason_checked_against_its_source(
    world: World, client_as: ClientAs
) -> None:
    ballot = make_ballot(world)
    chair = client_as(board_of(world).chair)
    url = reverse("web:ballot_roll", args=[ballot.pk])
    lines = "Nguyễn Văn Tiên (Huyện Tiên Phước)\nHồ Văn Giang (Huyện Nam Giang)"
    no_reason = chair.post(url, {"voters": lines, "reason": ""})
    assert (
        no_reason.status_code == 400
        and "Cần ghi lý do thay đổi danh sách cử tri" in no_reason.content.decode()
    )
    too_many = chair.post(url, {"voters": "\n".join(f"Đại biểu {i}" for i in range(70)), "reason": "Thêm"})
    assert too_many.status_code == 400
    assert "70 cử tri, nhiều hơn nguồn danh sách: cụm có 3 đơn vị thành viên" in too_many.content.decode()
    twice = chair.post(
        url, {"voters": "An (Huyện Tiên Phước)\nBình (Huyện Tiên Phước)", "reason": "Đổi người"}
    )
    assert twice.status_code == 400 and "Dòng 2: Huyện Tiên Phước đã có đại biểu bỏ phiếu ở dòng 1" in (
        twice.content.decode()
    )
    assert not Voter.objects.exists() and not RollChange.objects.exists()
    saved = chair.post(url, {"voters": lines, "reason": "Phước Sơn vắng mặt"})
    assert saved.status_code == 302
    change = RollChange.objects.get(ballot=ballot)
    assert change.reason == "Phước Sơn vắng mặt" and sorted(change.added) == [
        "Hồ Văn Giang (Huyện Nam Giang)",
        "Nguyễn Văn Tiên (Huyện Tiên Phước)",
    ]
    page = _text(chair.get(url))
    assert "Các lần thay đổi danh sách" in page and "Lý do: Phước Sơn vắng mặt" in page


def test_a_stale_ballot_says_so_and_opens_only_once_refreshed_or_kept_with_a_reason(
    world: World, client_as: ClientAs
) -> None:
    from tdkt.scoring.services import scoring_publish

    first = publish_ranking(world)
    ballot = make_ballot(world)
    kept = make_ballot(world, conference=ballot.conference, title="Phiếu giữ danh sách cũ")
    scoring_publish(actor=None, criteria_set=first.criteria_set, reason="Sửa số liệu giải ngân")
    url = reverse("web:conference", args=[ballot.conference_id])
    head, chair = client_as(world.head), client_as(board_of(world).chair)
    warning = "Danh sách ứng viên lấy từ bảng xếp hạng công bố lần 1, nhưng bảng xếp hạng đã được công bố lại (lần 2)"
    page = _text(head.get(url))
    assert page.count(warning) == 2 and "Cập nhật theo bảng xếp hạng mới" in page
    board_page = _text(chair.get(url))
    assert warning in board_page and "Cập nhật theo bảng xếp hạng mới" not in board_page  # the head decides
    confirm = _text(chair.get(reverse("web:ballot_confirm", args=[ballot.pk, "open"])))
    assert "Bảng xếp hạng đã được công bố lại (lần 2)" in confirm
    refused = chair.post(reverse("web:ballot_action", args=[ballot.pk, "open"]), CONFIRM, follow=True)
    assert "đã được công bố lại (lần 2)" in refused.content.decode()
    ballot.refresh_from_db()
    assert ballot.status == BallotStatus.DRAFT and not Voter.objects.exists()

    assert _forbidden(chair.post(reverse("web:ballot_action", args=[kept.pk, "keep"]), {"reason": "x"}))
    no_reason = head.post(reverse("web:ballot_action", args=[kept.pk, "keep"]), {"reason": " "}, follow=True)
    assert "Cần ghi lý do giữ danh sách ứng viên cũ" in no_reason.content.decode()
    head.post(reverse("web:ballot_action", args=[kept.pk, "keep"]), {"reason": "Thứ hạng dẫn đầu không đổi"})
    head.post(reverse("web:ballot_action", args=[ballot.pk, "refresh"]))
    assert warning not in _text(head.get(url))  # nothing stale any more
    for b in (ballot, kept):
        assert chair.post(reverse("web:ballot_action", args=[b.pk, "open"]), CONFIRM).status_code == 200
    page = _text(client_as(None).get(url))  # the reason is public once the ballot is opened
    assert (
        "Giữ danh sách ứng viên theo bảng xếp hạng lần 1 dù đã công bố lại — lý do: Thứ hạng dẫn đầu không đổi"
        in page
    )
    ballot.refresh_from_db()
    assert ballot.scoring_run is not None and ballot.scoring_run.number == 2


def test_the_paper_page_of_an_electronic_ballot_is_not_found(world: World, client_as: ClientAs) -> None:
    ballot = make_ballot(world)
    assert (
        client_as(board_of(world).chair).get(reverse("web:ballot_paper", args=[ballot.pk])).status_code == 404
    )


def test_the_head_records_what_the_conference_decided(world: World, client_as: ClientAs) -> None:
    from tdkt.voting.tests.helpers import sign_covenant

    covenant = sign_covenant(world)
    conference = make_conference(world)
    response = client_as(world.head).post(
        reverse("web:conference_edit", args=[conference.pk]),
        {
            "kind": "covenant",
            "held_on": "2024-02-20",
            "place": "Huyện Phước Sơn",
            "host": world.phuoc_son.pk,
            "chair_name": "Trần Thị Hạnh",
            "covenant": covenant.pk,
            "conclusions": "Thống nhất lịch chấm chéo tháng 11",
        },
    )
    assert response.status_code == 302
    conference.refresh_from_db()
    assert conference.covenant == covenant and conference.held_on == dt.date(2024, 2, 20)
    page = Client().get(reverse("web:conference", args=[conference.pk])).content.decode()
    assert "Ký kết giao ước thi đua" in page and "Thống nhất lịch chấm chéo tháng 11" in page


def test_the_dashboard_links_to_its_conferences_and_offers_managers_a_new_one(
    world: World, client_as: ClientAs
) -> None:
    ballot = make_ballot(world)
    html = client_as(None).get(reverse("web:cluster_year", args=[world.cluster_year.pk])).content.decode()
    assert reverse("web:conference", args=[ballot.conference_id]) in html
    assert reverse("web:conference_new", args=[world.cluster_year.pk]) not in html
    html = (
        client_as(world.head).get(reverse("web:cluster_year", args=[world.cluster_year.pk])).content.decode()
    )
    assert reverse("web:conference_new", args=[world.cluster_year.pk]) in html


def test_a_council_ballot_is_created_on_the_page_with_its_council_and_size(
    world: World, client_as: ClientAs
) -> None:
    conference = make_conference(world)
    new_ballot = reverse("web:ballot_new", args=[conference.pk])
    fields = {
        "purpose": "other",
        "title": "Hội đồng Thi đua – Khen thưởng xét đề nghị Bằng khen",
        "method": "yes_no",
        "max_choices": "1",
        "quorum": "2/3",
        "threshold": "1/2",
        "strict": "1",
        "base": "valid",
        "electorate_kind": "council",
        "mode": "electronic",
        "keep_1": "on",
        "keep_2": "on",
        "keep_3": "on",
    }
    refused = client_as(world.head).post(new_ballot, fields)
    assert refused.status_code == 400 and "ghi tên hội đồng" in _text(refused).lower()
    assert not Ballot.objects.exists()
    council = "Hội đồng Thi đua – Khen thưởng tỉnh (Quyết định số 12/QĐ-UBND)"
    response = client_as(world.head).post(
        new_ballot, {**fields, "council_name": council, "council_size": "11"}
    )
    assert response.status_code == 302
    ballot = Ballot.objects.get()
    assert (ballot.electorate_kind, ballot.council_name, ballot.council_size) == ("council", council, 11)
