"""End to end on a phone in Debian's Chromium: a delegate opens the ballot from the code on the slip, votes
and keeps the receipt; after the box is closed and counted, the minutes download as a valid .docx."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from docx import Document

from tdkt.core.personas import build_world
from tdkt.voting.services import ballot_close, ballot_tally
from tdkt.voting.tests.test_services import _open
from tdkt.web.tests.browser import assert_no_page_scroll

pytestmark = pytest.mark.browser
SCREENSHOT = Path("/tmp/vote-phone.png")


def test_delegate_votes_on_a_phone_and_the_minutes_carry_the_totals(
    live_server: Any, phone_page: Any
) -> None:
    world = build_world()
    ballot, codes = _open(world)
    page = phone_page
    vote_url = live_server.url + reverse("web:vote", args=[ballot.pk])
    for issued, choice in zip(
        codes, ["Huyện Tiên Phước", "Huyện Tiên Phước", "Huyện Nam Giang"], strict=True
    ):
        page.goto(f"{vote_url}?ma={issued.code}")  # the QR on the slip carries the code
        page.get_by_label(choice).check()
        if issued is codes[0]:
            assert_no_page_scroll(page)
            page.screenshot(path=str(SCREENSHOT), full_page=True)
        page.get_by_role("button", name="Bỏ phiếu").click()
        page.get_by_text("Đã nhận phiếu của bạn").wait_for()
        receipt = page.locator("#receipt").inner_text()
        page.get_by_role("link", name="Kiểm tra ngay").click()
        assert page.get_by_text("Phiếu của bạn có trong hòm phiếu.").is_visible()
        assert len(receipt) == 20

    ballot_close(actor=world.head, ballot=ballot)
    ballot_tally(actor=world.head, ballot=ballot)
    response = page.request.get(live_server.url + f"/api/ballots/{ballot.pk}/minutes.docx")
    assert response.ok
    document = Document(io.BytesIO(response.body()))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert "Huyện Tiên Phước" in cells and "2" in cells and "Đạt" in cells
