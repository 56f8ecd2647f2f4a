"""End to end in Debian's headless Chromium, at phone width: a unit's staff member downloads the award-
history template, fills it in, uploads it, then opens a person's page and sees what they qualify for."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from tdkt.awards.models import Award
from tdkt.awards.tests import xlsx_corpus
from tdkt.awards.tests.helpers import make_people
from tdkt.core.personas import build_world
from tdkt.web.tests.browser import assert_no_page_scroll, login

pytestmark = pytest.mark.browser
SCREENSHOTS = Path("/tmp")


def test_member_imports_award_history_and_reads_a_persons_verdicts(
    live_server: Any, phone_page: Any, tmp_path: Path
) -> None:
    world = build_world()
    people = make_people(world)
    page = phone_page
    login(page, live_server, world.member.get_username())
    page.goto(live_server.url + reverse("web:unit", args=[world.tien_phuoc.pk]))
    page.get_by_role("link", name="Thi đua, khen thưởng của đơn vị").click()
    page.get_by_role("link", name="Nhập từ Excel").click()
    page.wait_for_url(f"{live_server.url}{reverse('web:awards_import')}**")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Tải mẫu quá trình khen thưởng của cá nhân").click()
    template = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(template)
    assert template.name == "mau-khen-thuong-ca-nhan.xlsx"

    filled = tmp_path / "khen-thuong-2025.xlsx"
    filled.write_bytes(
        xlsx_corpus.fill(
            "ca_nhan",
            [
                {"full_name": "Trần Văn Bình", "unit_code": "T-TP", "year": "2025", "rating": "HTXSNV"},
                {
                    "full_name": "Trần Văn Bình",
                    "unit_code": "T-TP",
                    "year": "2025",
                    "rating": "HTXSNV",
                    "title": "LĐTT",
                    "decision_no": "15/QĐ-UBND",
                    "decision_date": "20/12/2025",
                    "authority": "UBND huyện Tiên Phước",
                },
            ],
            data=template.read_bytes(),
        )
    )
    page.get_by_label("Loại dữ liệu").select_option("ca_nhan")
    page.get_by_label("Tệp Excel").set_input_files(str(filled))
    page.get_by_role("button", name="Nhập dữ liệu").click()
    page.get_by_text("Đã nhập").wait_for()
    assert "1 xếp loại, 1 khen thưởng" in page.locator(".messages").inner_text()
    assert Award.objects.filter(person=people.binh, title="LDTT", cycle=2025).exists()
    assert_no_page_scroll(page)

    page.get_by_role("link", name="Xem cán bộ và ứng viên").click()
    page.get_by_role("link", name="Trần Văn Bình").first.click()
    page.get_by_role("heading", name="Xét danh hiệu, hình thức khen thưởng năm 2025").wait_for()
    page.locator("details.verdict-card").filter(has_text="Chiến sĩ thi đua cơ sở").first.locator(
        "summary"
    ).click()
    body = page.locator("main").inner_text()
    assert "Đủ điều kiện" in body and "15/QĐ-UBND" in body
    assert "chưa được kiểm chứng" in body  # beside the checks of rules still tagged R
    assert page.locator("details.verdict-card summary .badge--unverified").count() == 0
    assert page.locator(".check__cite .badge--unverified").count() >= 1
    assert_no_page_scroll(page)
    page.screenshot(path=str(SCREENSHOTS / "awards-person-phone.png"), full_page=True)
