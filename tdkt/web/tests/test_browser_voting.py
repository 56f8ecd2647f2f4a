"""End to end on phones in Debian's Chromium: the chair of the counting board confirms opening the box and
gets the anonymous slips; for each delegate, the chair ticks the roll ("Phát phiếu"), the delegate opens the
slip's QR link (`/bo-phieu/<id>/#ma=CODE`: the code is filled in by static/web/vote.js and never reaches
the server in a URL), activates it at the table, votes and keeps the receipt; the chair confirms closing the
box and counts; the downloaded minutes open as valid .docx files with the totals."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from docx import Document

from tdkt.core.personas import build_world
from tdkt.voting.models import Ballot, BallotStatus, Voter
from tdkt.voting.tests.helpers import board_of, make_ballot
from tdkt.web.tests import browser as support

pytestmark = pytest.mark.browser
SCREENSHOT = Path("/tmp/vote-phone.png")


def _docx_text(path: str) -> tuple[str, str]:
    document = Document(path)
    text = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(c.text for t in document.tables for row in t.rows for c in row.cells)
    return text, cells


def test_a_conference_vote_on_phones_from_slips_to_minutes(
    live_server: Any, browser: Any, phone_page: Any
) -> None:
    world = build_world()
    chair_user = board_of(world).chair
    ballot = make_ballot(world)
    conference_url = live_server.url + reverse("web:conference", args=[ballot.conference_id])
    roll_url = live_server.url + reverse("web:ballot_roll", args=[ballot.pk])

    chair_context = support.phone_context(browser)
    chair = chair_context.new_page()
    support.login(chair, live_server, chair_user.username)
    chair.goto(conference_url)
    support.assert_no_page_scroll(chair)
    chair.get_by_role("link", name="Mở hòm phiếu và in phiếu mã").click()
    chair.get_by_text("Hệ thống in 3 phiếu mã không ghi tên").wait_for()
    assert Ballot.objects.get(pk=ballot.pk).status == BallotStatus.DRAFT  # nothing opens before confirming
    chair.get_by_role("button", name="Xác nhận mở hòm phiếu").click()
    chair.get_by_text("chỉ hiển thị một lần").wait_for()
    codes = chair.locator(".slip .receipt-code strong").all_inner_texts()
    assert len(codes) == 3 and len(set(codes)) == 3
    slips = chair.locator(".slips").inner_text()
    assert not any(v.name in slips for v in Voter.objects.filter(ballot=ballot))  # the slips carry no name

    voter = phone_page  # a delegate's phone: no login, the code is the credential
    vote_url = live_server.url + reverse("web:vote", args=[ballot.pk])
    for n, (code, choice) in enumerate(
        zip(codes, ["Huyện Tiên Phước", "Huyện Tiên Phước", "Huyện Nam Giang"], strict=True), start=1
    ):
        # at the table: the chair ticks the delegate on the roll, who draws a slip at random
        chair.goto(roll_url)
        chair.get_by_role("button", name="Phát phiếu").first.click()
        chair.get_by_text("nhận phiếu. Mời đại biểu quét phiếu mã").wait_for()
        assert Voter.objects.filter(ballot=ballot, received=True).count() == n

        voter.goto(f"{vote_url}#ma={code}")  # the QR on the slip carries the code after "#"
        assert voter.get_by_label("Mã bỏ phiếu").input_value() == code  # filled in by vote.js
        assert "#" not in voter.url  # and dropped from the address bar
        voter.get_by_role("button", name="Kích hoạt mã").click()
        voter.get_by_text("Mã đã được kích hoạt").wait_for()
        voter.get_by_label(choice).check()
        if n == 1:
            support.assert_no_page_scroll(voter)
            voter.screenshot(path=str(SCREENSHOT), full_page=True)
        voter.get_by_role("button", name="Bỏ phiếu", exact=True).click()
        voter.get_by_text("Đã nhận phiếu của bạn").wait_for()
        receipt = voter.locator("#receipt").inner_text()
        assert len(receipt) == 20
        voter.get_by_role("button", name="Kiểm tra ngay").click()
        voter.get_by_text("Có một phiếu đã vào hòm với biên nhận này").wait_for()
    voter.goto(f"{vote_url}#ma={codes[0]}")
    voter.get_by_label("Huyện Nam Giang").check()
    voter.get_by_role("button", name="Bỏ phiếu", exact=True).click()
    voter.get_by_text("Mã bỏ phiếu không dùng được").wait_for()  # a reused code counts once

    chair.goto(conference_url)
    assert chair.get_by_text("Đã nhận 3 / 3 phiếu").is_visible()
    chair.get_by_role("link", name="Đóng hòm phiếu").click()
    chair.get_by_role("button", name="Xác nhận đóng hòm phiếu").click()
    chair.get_by_text("Đã đóng hòm phiếu: 3 phiếu điện tử").wait_for()
    chair.get_by_role("button", name="Kiểm phiếu").click()
    chair.get_by_text("Đã kiểm phiếu. Kết quả: Huyện Tiên Phước.").wait_for()
    assert Ballot.objects.get(pk=ballot.pk).status == BallotStatus.TALLIED
    support.assert_no_page_scroll(chair)
    with chair.expect_download() as tally_download:
        chair.get_by_role("link", name="Biên bản kiểm phiếu (.docx)").click()
    text, cells = _docx_text(tally_download.value.path())
    assert "BIÊN BẢN KIỂM PHIẾU" in text and "số phiếu thu về: 3" in text and "số phiếu hợp lệ: 3" in text
    assert "Huyện Tiên Phước" in cells and "2" in cells and "Đạt" in cells
    assert "TRƯỞNG BAN KIỂM PHIẾU" in cells and "Đỗ Thị Kiểm" in cells

    with chair.expect_download() as minutes_download:
        chair.get_by_role("link", name="Tải biên bản (.docx)").click()
    text, cells = _docx_text(minutes_download.value.path())
    assert "BIÊN BẢN" in text and "IV. KẾT QUẢ BỎ PHIẾU KÍN" in text and "số phiếu thu về: 3" in text
    assert "Huyện Tiên Phước" in cells and "CHỦ TRÌ HỘI NGHỊ" in cells
    chair_context.close()
