"""The page where the counting board writes its remarks and the complaints received into the vote-counting
minutes: only the board may (403 for those who see the ballot, the login page for the public, 404 for a
draft one may not see), only once the box is closed, and what it writes is what the minutes print."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from tdkt.core.models import AuditEvent
from tdkt.core.personas import World
from tdkt.reports.documents import to_docx
from tdkt.voting.box import VoterInput, ballot_close, ballot_open, ballot_roll_set
from tdkt.voting.counting import NOTES_MAX, ballot_tally
from tdkt.voting.minutes import tally_minutes
from tdkt.voting.models import Ballot, BallotStatus
from tdkt.voting.tests.test_minutes_register import (
    conference_with_board,
    council_ballot,
    counting_board,
    text_of,
)

ClientAs = Callable[[User | None], Client]
PERSONAS = ["board", "head", "member", "outsider", "public", "chair", "counter"]


def _user(world: World, persona: str) -> User | None:
    if persona == "public":
        return None
    if persona in ("chair", "counter"):
        return counting_board(world)[0 if persona == "chair" else 1]
    user: User = getattr(world, persona)
    return user


def _ballot(world: World, status: str) -> Ballot:
    """A council ballot in draft, open or closed (no ballot cast: the page needs none)."""
    ballot = council_ballot(world, conference_with_board(world))
    if status == BallotStatus.DRAFT:
        return ballot
    chair = counting_board(world)[0]
    ballot_roll_set(
        actor=chair,
        ballot=ballot,
        voters=[VoterInput(f"Thành viên {i}") for i in range(1, 10)],
        reason="Theo QĐ",
    )
    ballot_open(actor=chair, ballot=ballot)
    if status == BallotStatus.CLOSED:
        ballot_close(actor=chair, ballot=ballot)
    ballot.refresh_from_db()
    return ballot


def _url(ballot: Ballot) -> str:
    return reverse("web:ballot_notes", args=[ballot.pk])


def _forbidden(response) -> bool:  # type: ignore[no-untyped-def]
    body = response.content.decode()
    return response.status_code == 403 and "Chỉ thành viên Ban kiểm phiếu" in body


def _to_login(response) -> bool:  # type: ignore[no-untyped-def]
    return response.status_code == 302 and response["Location"].startswith(reverse("web:login"))


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_notes_page_of_a_closed_ballot_is_for_the_counting_board(
    world: World, client_as: ClientAs, persona: str
) -> None:
    ballot = _ballot(world, BallotStatus.CLOSED)
    response = client_as(_user(world, persona)).get(_url(ballot))
    if persona in ("chair", "counter"):
        page = response.content.decode()
        assert (
            response.status_code == 200 and "Nhận xét của Ban kiểm phiếu" in page and 'name="remarks"' in page
        )
    elif persona == "public":
        assert _to_login(response)
    else:
        assert _forbidden(response)


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_notes_page_of_a_draft_is_hidden_from_those_who_may_not_see_it(
    world: World, client_as: ClientAs, persona: str
) -> None:
    ballot = _ballot(world, BallotStatus.DRAFT)
    response = client_as(_user(world, persona)).get(_url(ballot))
    if persona in ("chair", "counter"):
        page = response.content.decode()
        assert (
            response.status_code == 200 and "khi hòm phiếu đã đóng" in page and 'name="remarks"' not in page
        )
    elif persona in ("board", "head"):  # they see the draft but do not count it
        assert _forbidden(response)
    else:
        assert response.status_code == 404


def test_an_unknown_ballot_is_not_found(world: World, client_as: ClientAs) -> None:
    assert (
        client_as(counting_board(world)[0]).get(reverse("web:ballot_notes", args=[987654])).status_code == 404
    )


@pytest.mark.parametrize("persona", ["board", "head", "member", "outsider", "public"])
def test_nobody_but_the_board_writes_notes(world: World, client_as: ClientAs, persona: str) -> None:
    ballot = _ballot(world, BallotStatus.CLOSED)
    response = client_as(_user(world, persona)).post(_url(ballot), {"remarks": "Sửa trộm", "complaints": ""})
    assert _to_login(response) if persona == "public" else _forbidden(response)
    ballot.refresh_from_db()
    assert ballot.remarks == "" and not AuditEvent.objects.filter(action="ballot.notes").exists()


def test_a_board_member_writes_remarks_and_complaints_that_the_minutes_print(
    world: World, client_as: ClientAs
) -> None:
    ballot = _ballot(world, BallotStatus.CLOSED)
    counter = client_as(counting_board(world)[1])
    response = counter.post(
        _url(ballot),
        {
            "remarks": "  Việc bỏ phiếu diễn ra đúng quy định.\nHai cử tri vắng mặt.  ",
            "complaints": "Đại biểu Huyện Nam Giang đề nghị kiểm tra lại hòm phiếu.",
        },
    )
    assert response.status_code == 302
    assert (
        response["Location"]
        == reverse("web:conference", args=[ballot.conference_id]) + f"#ballot-{ballot.pk}"
    )
    ballot.refresh_from_db()
    assert ballot.remarks == "Việc bỏ phiếu diễn ra đúng quy định.\nHai cử tri vắng mặt."
    assert AuditEvent.objects.filter(action="ballot.notes").count() == 1
    # shown again on the page, and printed in the minutes once counted
    again = counter.get(_url(ballot)).content.decode()
    assert "Hai cử tri vắng mặt." in again and "kiểm tra lại hòm phiếu" in again
    ballot = ballot_tally(actor=counting_board(world)[0], ballot=ballot)
    text, _ = text_of(tally_minutes(ballot))
    assert "Nhận xét của Ban kiểm phiếu:\nViệc bỏ phiếu diễn ra đúng quy định.\nHai cử tri vắng mặt." in text
    assert "Khiếu nại, kiến nghị về việc bỏ phiếu và kiểm phiếu:\nĐại biểu Huyện Nam Giang đề nghị" in text
    assert to_docx(tally_minutes(ballot))  # and the file renders


def test_notes_can_still_be_written_after_the_count_and_the_page_links_the_minutes(
    world: World, client_as: ClientAs
) -> None:
    ballot = _ballot(world, BallotStatus.CLOSED)
    ballot_tally(actor=counting_board(world)[0], ballot=ballot)
    chair = client_as(counting_board(world)[0])
    assert f"/api/ballots/{ballot.pk}/minutes.docx" in chair.get(_url(ballot)).content.decode()
    assert chair.post(_url(ballot), {"remarks": "", "complaints": "Không có khiếu nại."}).status_code == 302
    ballot.refresh_from_db()
    assert ballot.complaints == "Không có khiếu nại."


def test_too_long_a_text_is_refused_on_its_field_and_nothing_is_written(
    world: World, client_as: ClientAs
) -> None:
    ballot = _ballot(world, BallotStatus.CLOSED)
    response = client_as(counting_board(world)[0]).post(
        _url(ballot), {"remarks": "x" * (NOTES_MAX + 1), "complaints": "Có khiếu nại"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert f"Quá {NOTES_MAX} ký tự" in page and 'id="id_remarks-errors"' in page
    ballot.refresh_from_db()
    assert ballot.remarks == "" and ballot.complaints == ""


def test_notes_on_an_open_box_are_refused_until_it_closes(world: World, client_as: ClientAs) -> None:
    ballot = _ballot(world, BallotStatus.OPEN)
    response = client_as(counting_board(world)[0]).post(
        _url(ballot), {"remarks": "Sớm quá", "complaints": ""}
    )
    assert (
        response.status_code == 400
        and "Chỉ ghi vào biên bản khi hòm phiếu đã đóng" in response.content.decode()
    )
    ballot.refresh_from_db()
    assert ballot.remarks == ""
