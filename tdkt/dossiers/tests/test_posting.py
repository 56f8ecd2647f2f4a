"""Public posting before the council: the list is public for 10 working days, anyone comments with a name
and an address, the board answers, and the council cannot sit before the period ends."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tdkt.core.errors import ValidationFailed
from tdkt.core.personas import World
from tdkt.dossiers import states
from tdkt.dossiers.models import Dossier, PostingComment
from tdkt.dossiers.posting import posting_comment_add, posting_ends
from tdkt.dossiers.services import dossier_act, dossier_create, dossier_document_add, dossier_line_add
from tdkt.org.models import Gender
from tdkt.org.services import person_create

pytestmark = pytest.mark.django_db
ClientAs = Callable[..., Client]
POSTED = dt.date(2026, 2, 13)


def _posted(world: World, monkeypatch: Any) -> Dossier:
    monkeypatch.setattr("tdkt.dossiers.services._today", lambda: POSTED)
    dossier = dossier_create(
        actor=world.member,
        track="TRUNG_UONG_HUAN_CHUONG",
        cycle=2025,
        proposer=world.tien_phuoc,
        subject="Đề nghị tặng Huân chương Lao động hạng Ba",
    )
    person = person_create(
        actor=None,
        full_name="Trương Thị Ngân",
        gender=Gender.FEMALE,
        unit=world.tien_phuoc,
        start=dt.date(2020, 1, 1),
    )
    dossier_line_add(actor=world.member, dossier=dossier, title="HCLD3", person=person)
    dossier_document_add(
        actor=world.member,
        dossier=dossier,
        kind="bao_cao_thanh_tich",
        name="",
        filename="bc.pdf",
        content=b"%PDF x",
    )
    dossier.refresh_from_db()
    for actor, action, extra in (
        (world.member, states.SEND, {}),
        (world.board, states.RECEIVE, {}),
        (world.board, states.ASSIGN, {"specialist": world.board}),
        (world.board, states.CHECK, {}),
        (world.board, states.POST, {}),
    ):
        dossier = dossier_act(actor=actor, dossier=dossier, action=action, version=dossier.version, **extra)
    return dossier


def test_the_posting_lasts_ten_working_days_and_the_council_waits(world: World, monkeypatch: Any) -> None:
    dossier = _posted(world, monkeypatch)
    assert dossier.state == states.POSTED and dossier.posted_on == POSTED
    # From Friday 13/02/2026, across Tết Bính Ngọ (16–20/02): ten working days end on 06/03.
    assert posting_ends(dossier) == dt.date(2026, 3, 6)
    monkeypatch.setattr("tdkt.dossiers.services._today", lambda: dt.date(2026, 3, 5))
    with pytest.raises(ValidationFailed) as info:
        dossier_act(actor=world.board, dossier=dossier, action=states.TO_COUNCIL, version=dossier.version)
    assert info.value.problems[0].message == "chưa hết thời gian công khai lấy ý kiến"
    monkeypatch.setattr("tdkt.dossiers.services._today", lambda: dt.date(2026, 3, 6))
    dossier = dossier_act(
        actor=world.board, dossier=dossier, action=states.TO_COUNCIL, version=dossier.version
    )
    assert dossier.state == states.COUNCIL


def test_anyone_comments_with_a_name_and_an_address_and_the_board_answers(
    world: World, monkeypatch: Any, client_as: ClientAs
) -> None:
    dossier = _posted(world, monkeypatch)
    public = client_as(None)
    assert "Đề nghị tặng Huân chương Lao động hạng Ba" in public.get(reverse("web:postings")).content.decode()
    page = public.get(reverse("web:posting", args=[dossier.pk])).content.decode()
    assert "Trương Thị Ngân" in page and "Huân chương Lao động hạng Ba" in page
    refused = public.post(
        reverse("web:posting", args=[dossier.pk]), {"author_name": "Nguyễn Văn An", "body": "x"}
    )
    assert refused.status_code == 400 and "Địa chỉ liên hệ" in refused.content.decode()
    assert not PostingComment.objects.exists()
    sent = public.post(
        reverse("web:posting", args=[dossier.pk]),
        {
            "author_name": "Nguyễn Văn An",
            "author_address": "Thôn 2, xã Tiên Kỳ",
            "body": "Tôi xác nhận thành tích.",
        },
    )
    assert sent.status_code == 302
    comment = PostingComment.objects.get()
    board = client_as(world.board)
    assert "Tôi xác nhận thành tích." in board.get(reverse("web:dossier", args=[dossier.pk])).content.decode()
    board.post(
        reverse("web:posting_answer", args=[dossier.pk]), {"comment": comment.pk, "answer": "Cảm ơn ông."}
    )
    comment.refresh_from_db()
    assert comment.answer == "Cảm ơn ông." and comment.answered_by == world.board
    # A unit's staff cannot answer for the board.
    member = client_as(world.member)
    assert (
        member.post(
            reverse("web:posting_answer", args=[dossier.pk]), {"comment": comment.pk, "answer": "x"}
        ).status_code
        == 403
    )


def test_a_robot_filling_the_hidden_field_stores_nothing(
    world: World, monkeypatch: Any, client_as: ClientAs
) -> None:
    dossier = _posted(world, monkeypatch)
    client_as(None).post(
        reverse("web:posting", args=[dossier.pk]),
        {"author_name": "Bot", "author_address": "x", "body": "spam", "website": "http://spam"},
    )
    assert not PostingComment.objects.exists()


def test_a_list_not_on_posting_takes_no_comment(world: World, monkeypatch: Any, client_as: ClientAs) -> None:
    dossier = _posted(world, monkeypatch)
    Dossier.objects.filter(pk=dossier.pk).update(state=states.COUNCIL)
    assert client_as(None).get(reverse("web:posting", args=[dossier.pk])).status_code == 404
    with pytest.raises(ValidationFailed):
        posting_comment_add(dossier=dossier, author_name="A", author_address="B", body="C")
