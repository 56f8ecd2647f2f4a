"""From the conference's vote to the certificate, in Debian's Chromium at phone size (issue 13, "Done when").

The conference has counted its flag ballot (Tiên Phước and Nam Giang honoured; the vote itself on phones is
`test_browser_voting.py`). The head's staff build the dossier from the vote with one button, attach the
achievement report and send it; the board receives it and assigns its specialist, who checks it and puts it
to the council; the board prepares the council's session and its counting board and puts the list to a
secret yes/no ballot; the council's members cast (through the box's services, as on their phones), the
counting board's chair closes the box and counts on the page; the board writes the result into the dossier,
approves it, signs the decision and prints it; the awards appear on the unit's page and in its next year's
verdicts; the certificates' PDF opens and each certificate's QR page confirms it. A second test posts a list
for public comment (orders and State titles, Decree 98/2023 Art. 46 cl. 2): the public finds it from the
home page and comments, the board answers, and the council can sit only once the posting has ended.

Every page is reached by a link or a button a user would see; `page.goto` only for a person's first page
(the home page) and the certificate's QR link (which the phone's camera opens).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone

from tdkt.core.personas import PASSWORD, World, build_world
from tdkt.dossiers import states
from tdkt.dossiers.models import Certificate, Decision, Dossier, PostingComment
from tdkt.dossiers.services import dossier_act, dossier_create, dossier_document_add, dossier_line_add
from tdkt.dossiers.tests.test_certificates import _pages
from tdkt.dossiers.tests.test_from_vote import flag_ballot
from tdkt.org.models import Account, Gender, Role
from tdkt.org.services import person_create
from tdkt.voting.box import VoterInput, ballot_open, ballot_roll_set
from tdkt.voting.models import Ballot
from tdkt.voting.tests.helpers import _SLIPS, vote
from tdkt.web.tests import browser as support

pytestmark = pytest.mark.browser
NUMBER = "215/QĐ-UBND"
COUNCIL = ["Lê Văn Bảo", "Nguyễn Thị Kim Oanh", "Trần Đình Quang", "Huỳnh Thị Ngọc Hân", "Phan Văn Lộc"]
REPORT = Path("/tmp/bao-cao-thanh-tich.pdf")


def _teller(username: str, family: str, given: str) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, first_name=given, last_name=family)
    Account.objects.create(user=user, role=Role.BOARD)
    return user


def _person_page(browser: Any, live_server: Any, username: str) -> Any:
    page = support.phone_context(browser).new_page()
    support.login(page, live_server, username)
    return page


def _home(page: Any, live_server: Any) -> None:
    page.get_by_role("link", name="Trang chủ", exact=True).first.click()
    page.wait_for_url(live_server.url + reverse("web:home"))


def _act(page: Any, button: str, done: str) -> None:
    page.get_by_role("button", name=button, exact=True).click()
    page.get_by_text(f"Đã thực hiện: {done}").wait_for()
    support.assert_no_page_scroll(page)


def _open_dossier(page: Any, live_server: Any, dossier: Dossier) -> None:
    _home(page, live_server)
    page.get_by_role("link", name="Hồ sơ đề nghị khen thưởng").click()
    page.get_by_role("link", name=dossier.subject).first.click()
    page.get_by_role("heading", name=dossier.subject).wait_for()


def test_from_the_conferences_vote_to_the_certificate(live_server: Any, browser: Any) -> None:
    world = build_world()
    flag_ballot(world)
    chair_user, member_user = (
        _teller("t-hd-truong", "Phan Thị", "Kiểm"),
        _teller("t-hd-uyvien", "Ngô Văn", "Đếm"),
    )
    REPORT.write_bytes(b"%PDF-1.4\n% bao cao thanh tich\n")

    # the head's staff: from the cluster's year to the conference, the counted vote, "Lập hồ sơ đề nghị"
    head = _person_page(browser, live_server, world.head.username)
    _home(head, live_server)
    head.get_by_role("link", name=f"Xem kết quả cụm năm 2024 – {world.cluster.name}").click()
    head.get_by_role("link", name="Hội nghị tổng kết").first.click()
    head.get_by_role("button", name="Lập hồ sơ đề nghị khen thưởng từ kết quả này").click()
    head.get_by_text("Đã lập hồ sơ với 2 đơn vị được suy tôn").wait_for()
    dossier = Dossier.objects.get()
    assert [line.unit for line in dossier.lines.order_by("position")] == [world.tien_phuoc, world.nam_giang]
    assert "Báo cáo thành tích của tập thể" in head.locator(".notice").inner_text()  # the checklist
    support.assert_no_page_scroll(head)
    head.get_by_label("Loại văn bản").select_option(
        label="Báo cáo thành tích của tập thể (Mẫu số 02, Nghị định 98/2023/NĐ-CP)"
    )
    head.get_by_label("Tệp (PDF, Word, Excel, ảnh; tối đa 20 MB)").set_input_files(str(REPORT))
    head.get_by_role("button", name="Tải lên").click()
    head.get_by_text("Đã đính kèm tài liệu.").wait_for()
    _act(head, "Gửi hồ sơ", "gửi hồ sơ")

    # the board receives and assigns its specialist, who checks the lines again and puts them to the council
    board = _person_page(browser, live_server, world.board.username)
    _open_dossier(board, live_server, dossier)
    _act(board, "Tiếp nhận hồ sơ", "tiếp nhận")
    specialist = f"{world.board.last_name} {world.board.first_name}".strip()
    board.get_by_label("Chuyên viên thẩm định").select_option(label=specialist)
    _act(board, "Giao chuyên viên thẩm định", "giao chuyên viên thẩm định")
    assert "Thay đổi đến nay" in board.content()  # the check shows today's verdict beside the proposal's
    _act(board, "Hoàn thành thẩm định", "hoàn thành thẩm định")
    _act(board, "Trình Hội đồng", "trình hội đồng")

    # the council's session, its counting board, and the dossier put to the vote
    board.get_by_role("link", name="Tạo phiên họp Hội đồng").click()
    board.get_by_label("Ngày họp").fill(timezone.localdate().isoformat())
    board.get_by_label("Địa điểm").fill("Hội trường Ủy ban nhân dân tỉnh, Tam Kỳ")
    board.get_by_label("Số thành viên Hội đồng").fill(str(len(COUNCIL)))
    board.get_by_label("Quyết định thành lập, kiện toàn Hội đồng (số, ngày)").fill("Quyết định số 12/QĐ-UBND")
    board.get_by_role("button", name="Lưu").click()
    board.get_by_text("Đã tạo phiên họp").wait_for()
    board.get_by_role("link", name="Ban kiểm phiếu").click()
    members = board.locator("fieldset", has_text="Thành viên Ban kiểm phiếu")
    members.get_by_label("Phan Thị Kiểm", exact=False).check()
    members.get_by_label("Ngô Văn Đếm", exact=False).check()
    board.locator("fieldset", has_text="Trưởng ban kiểm phiếu").get_by_label(
        "Phan Thị Kiểm", exact=False
    ).check()
    board.get_by_role("button", name="Lưu Ban kiểm phiếu").click()
    board.get_by_role("link", name="Bỏ phiếu xét hồ sơ đề nghị").first.click()
    board.get_by_role("button", name="Tạo cuộc bỏ phiếu cho hồ sơ này").click()
    board.get_by_text("Đã tạo cuộc bỏ phiếu").wait_for()
    council = Ballot.objects.get(purpose="council")
    assert council.method == "yes_no" and council.candidates.count() == 2

    # the members vote (slips and phones: test_browser_voting.py): four of five present, all for both
    ballot_roll_set(
        actor=chair_user,
        ballot=council,
        voters=[VoterInput(n) for n in COUNCIL],
        reason="Thành viên Hội đồng theo quyết định thành lập",
    )
    _SLIPS[council.pk] = list(ballot_open(actor=chair_user, ballot=council))
    names = list(council.candidates.values_list("name", flat=True))
    for _ in range(4):
        vote(council, member_user, names)

    # the counting board's chair closes the box and counts, on the page
    chair = _person_page(browser, live_server, chair_user.username)  # lands on "Việc cần làm"
    chair.get_by_role("link", name=council.title, exact=False).first.click()
    chair.get_by_role("link", name="Đóng hòm phiếu").click()
    chair.get_by_role("button", name="Xác nhận đóng hòm phiếu").click()
    chair.get_by_role("button", name="Kiểm phiếu").click()
    chair.get_by_text("Đã kiểm phiếu.").wait_for()
    result = chair.locator(f"#ballot-{council.pk}").inner_text()
    assert result.count("Không đạt") == 0 and result.count("Đạt") == 2

    # the board writes the result into the dossier, approves, signs and prints
    _open_dossier(board, live_server, dossier)
    board.get_by_role("link", name="trang bỏ phiếu hồ sơ của phiên họp").click()
    board.get_by_role("button", name="Ghi kết quả vào hồ sơ").click()
    board.get_by_text("Đã ghi kết quả bỏ phiếu của Hội đồng").wait_for()
    _open_dossier(board, live_server, dossier)
    _act(board, "Thống nhất đề nghị", "thống nhất đề nghị")
    board.get_by_role("link", name="Dự thảo và ký quyết định").click()
    board.get_by_label("Số quyết định").fill(NUMBER)
    board.get_by_label("Họ và tên người ký").fill("Lê Văn Bảo")
    board.get_by_role("button", name="Ký quyết định").click()
    board.get_by_role("heading", name=f"Quyết định số {NUMBER}", exact=False).wait_for()
    decision = Decision.objects.get()
    assert decision.number == NUMBER and decision.dossier.state == states.DECIDED
    board.get_by_role("button", name="In quyết định và bằng khen, giấy khen (lên phôi)").click()
    board.get_by_role("link", name="Bằng khen, giấy khen in lên phôi (.pdf)").wait_for()
    with board.expect_download() as download:
        board.get_by_role("link", name="Bằng khen, giấy khen in lên phôi (.pdf)").click()
    pdf = Path(download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF") and _pages(pdf) == 2  # one certificate for each unit

    # the awards on the unit's page (public), and in its next year's verdicts (the unit's staff)
    public = support.phone_context(browser).new_page()
    public.goto(live_server.url + reverse("web:home"))
    public.get_by_label("Tên hoặc mã đơn vị (gõ không dấu cũng được)").fill("tien phuoc")
    public.get_by_role("link", name="Huyện Tiên Phước").first.click()
    public.get_by_role("link", name="Thi đua, khen thưởng của đơn vị").click()
    received = public.locator("section", has_text="Danh hiệu, hình thức khen thưởng tập thể đã nhận").first
    assert "Cờ thi đua" in received.inner_text() and NUMBER in received.inner_text()
    member = _person_page(browser, live_server, world.member.username)
    _home(member, live_server)
    member.get_by_role("link", name="Danh hiệu tập thể của đơn vị").click()
    member.locator("nav.switcher").get_by_role("link", name="2025").click()
    assert f"Cờ thi đua tỉnh năm 2024 — QĐ số {NUMBER}" in member.content()

    # each certificate's QR code opens its public page, which confirms it
    for certificate in Certificate.objects.filter(decision=decision).select_related("award__unit"):
        public.goto(live_server.url + reverse("web:certificate_verify", args=[certificate.token]))
        public.get_by_role("heading", name="Giấy chứng nhận hợp lệ").wait_for()
        text = public.locator("main").inner_text()
        assert certificate.award.unit.name in text and NUMBER in text  # type: ignore[union-attr]
        support.assert_no_page_scroll(public)


def _posted_dossier(world: World, monkeypatch: Any, posted: dt.date) -> Dossier:
    """A unit's Huân chương Lao động hạng Ba proposal, checked by the board on the day `posted`."""
    monkeypatch.setattr("tdkt.dossiers.services._today", lambda: posted)
    person = person_create(
        actor=None,
        full_name="Trương Thị Ngân",
        gender=Gender.FEMALE,
        unit=world.tien_phuoc,
        start=dt.date(2020, 1, 1),
    )
    dossier = dossier_create(
        actor=world.member,
        track="TRUNG_UONG_HUAN_CHUONG",
        cycle=2025,
        proposer=world.tien_phuoc,
        subject="Đề nghị tặng Huân chương Lao động hạng Ba",
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
    for actor, action in (
        (world.member, states.SEND),
        (world.board, states.RECEIVE),
        (world.board, states.ASSIGN),
        (world.board, states.CHECK),
    ):
        dossier.refresh_from_db()
        dossier = dossier_act(
            actor=actor, dossier=dossier, action=action, version=dossier.version, specialist=world.board
        )
    return dossier


def test_a_list_is_posted_for_comments_before_the_council(
    live_server: Any, browser: Any, monkeypatch: Any
) -> None:
    world = build_world()
    # the posting started three weeks ago: ten working days have passed by today
    posted = timezone.localdate() - dt.timedelta(days=21)
    dossier = _posted_dossier(world, monkeypatch, posted)

    board = _person_page(browser, live_server, world.board.username)
    _open_dossier(board, live_server, dossier)
    assert "Trình Hội đồng" not in board.locator("main").inner_text()  # not before the posting
    _act(board, "Công khai danh sách lấy ý kiến", "công khai danh sách")
    monkeypatch.undo()  # from now on, today is today

    public = support.phone_context(browser).new_page()
    public.goto(live_server.url + reverse("web:home"))
    public.get_by_role("link", name="Danh sách đề nghị khen thưởng đang lấy ý kiến nhân dân").click()
    public.get_by_role("link", name=dossier.subject).click()
    assert "Trương Thị Ngân" in public.locator("main").inner_text()
    public.get_by_label("Họ và tên").fill("Nguyễn Văn Dân")
    public.get_by_label("Địa chỉ liên hệ").fill("Thôn 2, xã Tiên Kỳ")
    public.get_by_label("Nội dung góp ý").fill("Bà Ngân tận tụy, nhiều năm giúp đỡ bà con vùng lũ.")
    public.get_by_role("button", name="Gửi góp ý").click()
    public.get_by_text("Đã nhận góp ý").wait_for()
    support.assert_no_page_scroll(public)
    assert PostingComment.objects.filter(dossier=dossier).count() == 1

    board.reload()
    board.get_by_label("Trả lời góp ý").fill("Cảm ơn ông; Hội đồng sẽ xem xét ý kiến này.")
    board.get_by_role("button", name="Ghi câu trả lời").click()
    board.get_by_text("Cảm ơn ông; Hội đồng sẽ xem xét ý kiến này.").first.wait_for()
    # the posting has ended: the board may now put the list to the council
    _open_dossier(board, live_server, dossier)
    _act(board, "Trình Hội đồng", "trình hội đồng")
    assert Dossier.objects.get(pk=dossier.pk).state == states.COUNCIL
